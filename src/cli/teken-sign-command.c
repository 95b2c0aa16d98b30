/* teken-sign-command.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `teken sign`: sign a PDF into a new file, for scripts.
 *
 * The key is either in a PKCS#12 file (--p12) or at a CA server (--server),
 * which signs the document's digest with the holder's passphrase; the
 * document never leaves this machine.
 *
 * Secrets never come from the command line, where every user of the machine
 * can read them: the PKCS#12 password, the passphrase and the client secret
 * are read from files or standard input.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "teken-cli-common.h"
#include "teken-holder-rules.h"
#include "teken-pdf-signing.h"
#include "teken-pkcs12-signer.h"
#include "teken-remote-signer.h"
#include "teken-secret.h"
#include "teken-sign-command.h"

typedef struct
{
  char   *p12;
  char   *password_file;
  char   *server;
  char   *ca_file;
  char   *nik;
  char   *passphrase_file;
  char   *client_id;
  char   *client_secret_file;
  char   *rect;
  int     page;
  char   *role;
  char   *position;
  char   *reason;
  char   *location;
  char   *contact;
  char   *image;
  char   *qr;
  char   *field;
  char   *subfilter;
  char   *output;
  char  **inputs;
} Arguments;

static void
arguments_clear (Arguments *args)
{
  g_free (args->p12);
  g_free (args->password_file);
  g_free (args->server);
  g_free (args->ca_file);
  g_free (args->nik);
  g_free (args->passphrase_file);
  g_free (args->client_id);
  g_free (args->client_secret_file);
  g_free (args->rect);
  g_free (args->role);
  g_free (args->position);
  g_free (args->reason);
  g_free (args->location);
  g_free (args->contact);
  g_free (args->image);
  g_free (args->qr);
  g_free (args->field);
  g_free (args->subfilter);
  g_free (args->output);
  g_strfreev (args->inputs);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Arguments, arguments_clear)

static int
fail (const char *message)
{
  g_printerr ("teken sign: %s\n", message);
  return 1;
}

static int
usage_error (const char *message)
{
  g_printerr ("teken sign: %s\n", message);
  g_printerr (_("Run “teken sign --help” to see how to use it.\n"));
  return 2;
}

/* The signer at the CA: its certificate is fetched first, since the
 * visible signature shows the holder's name. */
static TekenSigner *
connect_remote_signer (const Arguments  *args,
                       GError          **error)
{
  g_autoptr(TekenSecret) passphrase = NULL;
  g_autoptr(TekenCaClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (!(passphrase = teken_cli_read_secret (args->passphrase_file, error)))
    return NULL;
  if (!(client = teken_cli_connect (args->server, args->ca_file, args->client_id, args->client_secret_file, error)))
    return NULL;

  teken_remote_signer_new_async (client, args->nik, TEKEN_REMOTE_SIGNER_PASSPHRASE, passphrase, NULL,
                                 teken_cli_got_result, &result);
  return TEKEN_SIGNER (teken_remote_signer_new_finish (teken_cli_wait (&result), error));
}

static gboolean
parse_rect (const char           *text,
            TekenPdfSignOptions  *options)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  double values[4];

  if (g_strv_length (parts) != 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      char *end = NULL;

      values[i] = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (end == parts[i] || *end != '\0' || !isfinite (values[i]))
        return FALSE;
    }

  options->x = values[0];
  options->y = values[1];
  options->width = values[2];
  options->height = values[3];

  return TRUE;
}

int
teken_sign_command_run (int    argc,
                        char **argv)
{
  g_auto(Arguments) args = { .page = 1 };
  const GOptionEntry entries[] = {
    { "p12", 0, 0, G_OPTION_ARG_FILENAME, &args.p12, N_("The certificate and key, as a PKCS#12 file"), N_("FILE") },
    { "p12-password-file", 0, 0, G_OPTION_ARG_FILENAME, &args.password_file, N_("Read the PKCS#12 password from FILE, or from standard input when FILE is -"), N_("FILE") },
    { "server", 0, 0, G_OPTION_ARG_STRING, &args.server, N_("Sign with the key at this CA server instead of a PKCS#12 file"), N_("URL") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &args.ca_file, N_("Trust the CA server’s certificate from this PEM file"), N_("FILE") },
    { "nik", 0, 0, G_OPTION_ARG_STRING, &args.nik, N_("The certificate holder’s NIK"), N_("NIK") },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &args.passphrase_file, N_("Read the passphrase from FILE, or from standard input when FILE is -"), N_("FILE") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &args.client_id, N_("The client id of this application at the CA server"), N_("ID") },
    { "client-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &args.client_secret_file, N_("Read the client secret from FILE, or from standard input when FILE is -"), N_("FILE") },
    { "rect", 0, 0, G_OPTION_ARG_STRING, &args.rect, N_("Show the signature in this box, in points from the top left of the page"), N_("X,Y,W,H") },
    { "page", 0, 0, G_OPTION_ARG_INT, &args.page, N_("The page for the visible signature (default: 1)"), N_("N") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &args.role, N_("Sign as acting official: PLH or PLT"), N_("ROLE") },
    { "position", 0, 0, G_OPTION_ARG_STRING, &args.position, N_("The position (jabatan) shown with the signature"), N_("TEXT") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &args.reason, N_("The reason for signing"), N_("TEXT") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &args.location, N_("Where the document is signed"), N_("TEXT") },
    { "contact", 0, 0, G_OPTION_ARG_STRING, &args.contact, N_("How to reach the signer"), N_("TEXT") },
    { "image", 0, 0, G_OPTION_ARG_FILENAME, &args.image, N_("A PNG or JPEG image to show in the signature"), N_("FILE") },
    { "qr", 0, 0, G_OPTION_ARG_STRING, &args.qr, N_("Text to show as a QR code in the signature"), N_("TEXT") },
    { "field", 0, 0, G_OPTION_ARG_STRING, &args.field, N_("The name of the new signature field"), N_("NAME") },
    { "subfilter", 0, 0, G_OPTION_ARG_STRING, &args.subfilter, N_("The signature format: pades (default) or pkcs7"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &args.output, N_("Save the signed document as FILE, which must not exist"), N_("FILE") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args.inputs, NULL, N_("INPUT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenSecret) password = NULL;
  g_autoptr(TekenSigner) signer = NULL;
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(TekenImage) image = NULL;
  TekenPdfSignOptions options = { 0 };

  g_set_prgname ("teken sign");
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Signs INPUT into a new file, with a PKCS#12 certificate (--p12) or with the key at a CA server (--server, --nik, --passphrase-file). The signature is visible when --rect is given, invisible otherwise. With a CA server and no client credentials, the sign-in Teken keeps for the server is used."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if (args.inputs == NULL || g_strv_length (args.inputs) != 1)
    return usage_error (_("Give exactly one document to sign."));
  if (args.output == NULL)
    return usage_error (_("Give the name of the signed document with -o."));
  if (args.p12 != NULL && args.server != NULL)
    return usage_error (_("Sign either with --p12 or with --server, not both."));
  if (args.server == NULL && (args.p12 == NULL || args.password_file == NULL))
    return usage_error (_("Give the certificate with --p12 and its password with --p12-password-file."));
  if (args.server != NULL && (args.nik == NULL || args.passphrase_file == NULL))
    return usage_error (_("With --server, give the holder’s NIK with --nik and the passphrase with --passphrase-file."));
  if (args.nik != NULL && !teken_nik_is_valid (args.nik))
    return usage_error (_("A NIK is 16 digits."));
  if ((args.client_id == NULL) != (args.client_secret_file == NULL))
    return usage_error (_("Client credentials need both --client-id and --client-secret-file."));
  if (args.passphrase_file != NULL && args.client_secret_file != NULL &&
      g_str_equal (args.passphrase_file, "-") && g_str_equal (args.client_secret_file, "-"))
    return usage_error (_("Only one secret can come from standard input."));
  if (args.rect != NULL && !parse_rect (args.rect, &options))
    return usage_error (_("--rect takes four numbers: X,Y,WIDTH,HEIGHT."));
  if (args.page < 1)
    return usage_error (_("--page counts from 1."));

  options.visible = args.rect != NULL;
  options.page = args.page - 1;
  options.position = args.position;
  options.reason = args.reason;
  options.location = args.location;
  options.contact_info = args.contact;
  options.field_name = args.field;
  options.qr_text = args.qr;

  if (args.role == NULL)
    options.role = TEKEN_ACTING_ROLE_NONE;
  else if (g_ascii_strcasecmp (args.role, "PLH") == 0)
    options.role = TEKEN_ACTING_ROLE_PLH;
  else if (g_ascii_strcasecmp (args.role, "PLT") == 0)
    options.role = TEKEN_ACTING_ROLE_PLT;
  else
    return usage_error (_("--role is PLH or PLT."));
  if (options.role != TEKEN_ACTING_ROLE_NONE && args.position == NULL)
    return usage_error (_("An acting role needs the position: add --position."));

  if (args.subfilter == NULL || g_str_equal (args.subfilter, "pades"))
    options.subfilter = TEKEN_PDF_SUBFILTER_CADES;
  else if (g_str_equal (args.subfilter, "pkcs7"))
    options.subfilter = TEKEN_PDF_SUBFILTER_PKCS7;
  else
    return usage_error (_("--subfilter is pades or pkcs7."));

  if (args.image != NULL)
    {
      if (!(image = teken_image_new_from_file (args.image, &error)))
        return fail (error->message);
      options.image = image;
    }

  if (!(document = teken_pdf_document_new_for_path (args.inputs[0], &error)))
    return fail (error->message);

  if (args.server != NULL)
    signer = connect_remote_signer (&args, &error);
  else if ((password = teken_cli_read_secret (args.password_file, &error)) != NULL)
    {
      signer = TEKEN_SIGNER (teken_pkcs12_signer_new_from_file (args.p12, password, &error));
      g_clear_pointer (&password, teken_secret_unref);
    }
  if (signer == NULL)
    return fail (error->message);

  if (!teken_pdf_sign (document, args.output, &options, signer, NULL, &error))
    return fail (error->message);

  return 0;
}
