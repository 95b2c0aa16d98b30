/* teken-sign-command.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `teken sign`: sign a PDF into a new file, for scripts.
 *
 * Secrets never come from the command line, where every user of the machine
 * can read them: the PKCS#12 password is read from a file or standard input.
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "teken-pdf-signing.h"
#include "teken-pkcs12-signer.h"
#include "teken-secret.h"
#include "teken-sign-command.h"

#define MAX_PASSWORD_LENGTH 4096

typedef struct
{
  char   *p12;
  char   *password_file;
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

/* The first line of @path ("-" for standard input), without its end. */
static TekenSecret *
read_password (const char  *path,
               GError     **error)
{
  char buffer[MAX_PASSWORD_LENGTH + 2];
  FILE *file = g_str_equal (path, "-") ? stdin : fopen (path, "re");
  TekenSecret *secret;
  gsize length;

  if (file == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not read the password file: %s"), g_strerror (saved_errno));
      return NULL;
    }

  if (fgets (buffer, sizeof buffer, file) == NULL)
    buffer[0] = '\0';
  if (file != stdin)
    fclose (file);

  length = strcspn (buffer, "\r\n");
  if (length > MAX_PASSWORD_LENGTH)
    {
      OPENSSL_cleanse (buffer, sizeof buffer);
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           _("The password file does not hold a password on its first line."));
      return NULL;
    }

  secret = teken_secret_new (buffer, length);
  OPENSSL_cleanse (buffer, sizeof buffer);

  return secret;
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
  g_autoptr(TekenPkcs12Signer) signer = NULL;
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(TekenImage) image = NULL;
  TekenPdfSignOptions options = { 0 };

  g_set_prgname ("teken sign");
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Signs INPUT with a PKCS#12 certificate into a new file. The signature is visible when --rect is given, invisible otherwise."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if (args.inputs == NULL || g_strv_length (args.inputs) != 1)
    return usage_error (_("Give exactly one document to sign."));
  if (args.output == NULL)
    return usage_error (_("Give the name of the signed document with -o."));
  if (args.p12 == NULL || args.password_file == NULL)
    return usage_error (_("Give the certificate with --p12 and its password with --p12-password-file."));
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

  if (!(password = read_password (args.password_file, &error)))
    return fail (error->message);
  signer = teken_pkcs12_signer_new_from_file (args.p12, password, &error);
  g_clear_pointer (&password, teken_secret_unref);
  if (signer == NULL)
    return fail (error->message);

  if (!teken_pdf_sign (document, args.output, &options, TEKEN_SIGNER (signer), NULL, &error))
    return fail (error->message);

  return 0;
}
