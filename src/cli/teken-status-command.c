/* teken-status-command.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `teken status`: a certificate's status at the CA (docs/api.md §7.1), for
 * people (in their language) and for scripts (--json, and the exit status:
 * 0 when the certificate is active, 1 otherwise or when the CA could not be
 * asked, 2 for a usage error). */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "teken-cli-common.h"
#include "teken-holder-rules.h"
#include "teken-status-command.h"

typedef struct
{
  char *server;
  char *ca_file;
  char *nik;
  char *client_id;
  char *client_secret_file;
  gboolean json;
} Arguments;

static void
arguments_clear (Arguments *args)
{
  g_free (args->server);
  g_free (args->ca_file);
  g_free (args->nik);
  g_free (args->client_id);
  g_free (args->client_secret_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Arguments, arguments_clear)

static int
fail (const char *message)
{
  g_printerr ("teken status: %s\n", message);
  return 1;
}

static int
usage_error (const char *message)
{
  g_printerr ("teken status: %s\n", message);
  g_printerr (_("Run “teken status --help” to see how to use it.\n"));
  return 2;
}

static void
print_json (const char          *server,
            const char          *nik,
            const TekenCaStatus *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const char *description = teken_ca_status_describe (status->status);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "server");
  json_builder_add_string_value (builder, server);
  json_builder_set_member_name (builder, "nik");
  json_builder_add_string_value (builder, nik);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status->status);
  json_builder_set_member_name (builder, "status_code");
  json_builder_add_int_value (builder, status->status_code);
  json_builder_set_member_name (builder, "verification_status");
  if (status->verification_status != NULL)
    json_builder_add_string_value (builder, status->verification_status);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, teken_ca_status_is_active (status));
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description != NULL ? description : status->message);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
print_words (const char          *nik,
             const TekenCaStatus *status)
{
  const char *description = teken_ca_status_describe (status->status);
  const char *verification = teken_ca_verification_status_describe (status->verification_status);

  g_print (_("NIK: %s\n"), nik);
  /* TRANSLATORS: the status stays in BSrE's words (ISSUE, REVOKE…); the sentence after it says what it means. */
  g_print (_("Certificate status: %s — %s\n"), status->status,
           description != NULL ? description : (status->message != NULL ? status->message : ""));
  if (status->verification_status != NULL)
    g_print (_("Account data: %s — %s\n"), status->verification_status,
             verification != NULL ? verification : "");
}

int
teken_status_command_run (int    argc,
                          char **argv)
{
  g_auto(Arguments) args = { 0 };
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &args.server, N_("The CA server (default: https://127.0.0.1:8443)"), N_("URL") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &args.ca_file, N_("Trust the CA server’s certificate from this PEM file"), N_("FILE") },
    { "nik", 0, 0, G_OPTION_ARG_STRING, &args.nik, N_("The certificate holder’s NIK"), N_("NIK") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &args.client_id, N_("The client id of this application at the CA server"), N_("ID") },
    { "client-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &args.client_secret_file, N_("Read the client secret from FILE, or from standard input when FILE is -"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &args.json, N_("Print JSON for scripts"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenCaClient) client = NULL;
  g_autoptr(TekenCaStatus) status = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *server;

  g_set_prgname ("teken status");
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Asks the CA server for the status of the certificate of the holder with this NIK. Without client credentials, the sign-in Teken keeps for the server is used."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if (argc > 1)
    return usage_error (_("teken status takes no file names."));
  if (args.nik == NULL)
    return usage_error (_("Give the holder’s NIK with --nik."));
  if (!teken_nik_is_valid (args.nik))
    return usage_error (_("A NIK is 16 digits."));
  if ((args.client_id == NULL) != (args.client_secret_file == NULL))
    return usage_error (_("Client credentials need both --client-id and --client-secret-file."));

  server = args.server != NULL ? args.server : TEKEN_CLI_DEFAULT_SERVER;
  client = teken_cli_connect (server, args.ca_file, args.client_id, args.client_secret_file, &error);
  if (client == NULL)
    return fail (error->message);

  teken_ca_client_check_status_async (client, args.nik, NULL, NULL, teken_cli_got_result, &result);
  status = teken_ca_client_check_status_finish (client, teken_cli_wait (&result), &error);
  if (status == NULL)
    return fail (error->message);

  if (args.json)
    print_json (teken_ca_client_get_base_url (client), args.nik, status);
  else
    print_words (args.nik, status);

  return teken_ca_status_is_active (status) ? 0 : 1;
}
