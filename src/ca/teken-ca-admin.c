/* teken-ca-admin.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `teken-ca admin DATADIR …`: the agency verifier's work (docs/api.md §8)
 * on the command line, run on the data directory itself with the very
 * operations the HTTP endpoints use, so a server may be running or not.
 * Also the parts of the seed (§13) that make people: holders' profiles and
 * verifier accounts. Answers are the JSON objects of the API. */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "teken-ca-admin.h"
#include "teken-ca-auth.h"
#include "teken-ca-server-private.h"
#include "teken-holder-rules.h"
#include "teken-passphrase-policy.h"
#include "teken-totp.h"

#define ADMIN_ACTOR "teken-ca admin"

static gboolean
seed_error (GError     **error,
            const char  *path,
            int          line,
            const char  *problem)
{
  g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SEED, "%s:%d: %s", path, line, problem);
  return FALSE;
}

/**
 * teken_ca_add_client:
 * @name: the client id, 1–32 of a–z 0–9 _ -
 *
 * Makes an application's client credentials (docs/api.md §2.3): the id and
 * a 256-bit secret go to `DIR/clients/NAME.ini` (mode 0600), for the
 * agency's application; the store keeps the secret's SHA-256 only.
 */
gboolean
teken_ca_add_client (TekenCaStore  *store,
                     const char    *data_dir,
                     const char    *name,
                     GError       **error)
{
  g_autofree char *clients_dir = g_build_filename (data_dir, "clients", NULL);
  g_autofree char *file = g_strconcat (name, ".ini", NULL);
  g_autofree char *path = g_build_filename (clients_dir, file, NULL);
  g_autofree char *secret = teken_ca_token_new ();
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
  g_autofree char *contents = NULL;
  gboolean ok;

  if (*name == '\0' || strlen (name) > 32 ||
      strspn (name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen (name))
    {
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SEED,
                   _("A client name is 1 to 32 lowercase letters, digits, hyphens or underscores."));
      teken_wipe_string (secret);
      return FALSE;
    }
  contents = g_strdup_printf ("[client]\nclient_id=%s\nclient_secret=%s\n", name, secret);
  ok = g_mkdir_with_parents (clients_dir, 0700) == 0 &&
       teken_ca_store_add_client (store, name, hash, error) &&
       g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
  teken_wipe_string (secret);
  teken_wipe_string (contents);
  return ok;
}

/* The password as a hash and, when given, the TOTP device. */
static gboolean
add_login (TekenCaStore  *store,
           GBytes        *server_key,
           gint64         account_id,
           char          *password_text,
           char          *secret,
           const char    *path,
           int            line,
           GError       **error)
{
  g_autoptr(TekenSecret) password = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) totp_error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *code = NULL;
  g_autofree char *device_id = NULL;

  if (teken_passphrase_check (password_text) != 0 || strlen (password_text) > 128)
    return seed_error (error, path, line, _("the password breaks the password policy"));
  password = teken_secret_new (password_text, -1);
  teken_wipe_string (password_text);
  if ((hash = teken_ca_password_hash (password, error)) == NULL ||
      !teken_ca_store_set_password_hash (store, account_id, hash, error))
    return FALSE;
  if (*secret == '\0')
    return TRUE;
  if ((code = teken_totp_code (secret, 0, &totp_error)) == NULL)
    return seed_error (error, path, line, _("totp_secret is not a base32 TOTP secret"));
  sealed = teken_ca_seal (server_key, secret, error);
  teken_wipe_string (secret);
  device_id = teken_ca_random_id ("dev_");
  return sealed != NULL &&
         teken_ca_store_add_device (store, account_id, device_id, "Ponsel demo", sealed, 0,
                                    g_get_real_time () / G_USEC_PER_SEC, error) != 0;
}

/* Whether @email's domain belongs to @agency (agencies.csv). */
static gboolean
email_of_agency (TekenCaStore *store,
                 const char   *email,
                 const char   *agency)
{
  g_autofree char *domain_agency = NULL;

  if (!teken_holder_email_is_valid (email))
    return FALSE;
  domain_agency = teken_ca_store_lookup_domain_agency (store, strchr (email, '@') + 1);
  return domain_agency != NULL && g_str_equal (domain_agency, agency);
}

/**
 * teken_ca_seed_verifier:
 * @row: email, name, agency, password, totp_secret (verifiers.csv, §13)
 */
gboolean
teken_ca_seed_verifier (TekenCaStore  *store,
                        GBytes        *server_key,
                        char         **row,
                        const char    *path,
                        int            line,
                        GError       **error)
{
  g_autofree char *email = g_ascii_strdown (row[0], -1);
  gint64 account_id;

  if (!email_of_agency (store, email, row[2]))
    return seed_error (error, path, line, _("the e-mail is not on a domain of the verifier's agency"));
  if (*row[1] == '\0' || g_utf8_strlen (row[1], -1) > 100)
    return seed_error (error, path, line, _("the name must be 1 to 100 characters"));
  account_id = teken_ca_store_add_verifier (store, email, row[1], row[2], g_get_real_time () / G_USEC_PER_SEC, error);
  return account_id != 0 && add_login (store, server_key, account_id, row[3], row[4], path, line, error);
}

static void
print_json (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
print_account (TekenCaServer  *self,
               TekenCaAccount *holder)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(TekenCaAccount) fresh = teken_ca_store_get_account (self->store, holder->id);

  teken_ca_add_account_object (b, self, fresh != NULL ? fresh : holder);
  print_json (b);
}

static void
print_request (TekenCaServer          *self,
               TekenCaVerifierRequest *request)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  teken_ca_add_request_object (b, self, request);
  print_json (b);
}

static int
refused (int         code,
         JsonObject *details)
{
  g_autofree char *message = teken_ca_describe_error (code, details);

  g_printerr ("teken-ca admin: %s (%d)\n", message, code);
  return 1;
}

static int
usage (const char *problem)
{
  if (problem != NULL)
    g_printerr ("teken-ca admin: %s\n", problem);
  g_printerr (_("Usage: teken-ca admin DATADIR COMMAND [ARGUMENT] [--as VERIFIER_EMAIL] [--note TEXT]\n"
                "Commands:\n"
                "  client add NAME\n"
                "  verifier add EMAIL --name NAME --agency AGENCY   (password on standard input)\n"
                "  requests [--state STATE] [--kind KIND]\n"
                "  request REQUEST_ID\n"
                "  approve REQUEST_ID\n"
                "  reject REQUEST_ID --note TEXT\n"
                "  holder NIK|EMAIL\n"
                "  suspend|unsuspend|reissue NIK|EMAIL\n"
                "  revoke NIK|EMAIL --reason REASON\n"));
  return 2;
}

/* A password from standard input, one line, never from the command line. */
static TekenSecret *
read_password (void)
{
  char buffer[256];
  TekenSecret *secret;
  gsize length;

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return NULL;
  length = strcspn (buffer, "\r\n");
  buffer[length] = '\0';
  secret = teken_secret_new (buffer, length);
  teken_wipe_string (buffer);
  return secret;
}

static int
add_verifier (TekenCaServer *self,
              const char    *email_text,
              const char    *name,
              const char    *agency)
{
  g_autofree char *email = g_ascii_strdown (email_text, -1);
  g_autoptr(TekenSecret) password = NULL;
  g_autoptr(TekenCaAccount) existing = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  gint64 account_id;

  if (name == NULL || agency == NULL)
    return usage (_("verifier add needs --name and --agency."));
  if (!email_of_agency (self->store, email, agency))
    {
      g_printerr (_("teken-ca admin: %s is not an address on a domain of “%s” (agencies.csv).\n"), email, agency);
      return 1;
    }
  if ((existing = teken_ca_store_find_account_by_email (self->store, email)) != NULL)
    return refused (8103, NULL);
  password = read_password ();
  if (password == NULL || teken_passphrase_check (teken_secret_get_text (password)) != 0 ||
      teken_secret_get_length (password) > 128)
    return refused (8124, NULL);

  if ((hash = teken_ca_password_hash (password, &error)) == NULL ||
      !teken_ca_store_begin (self->store, &error))
    goto failed;
  if ((account_id = teken_ca_store_add_verifier (self->store, email, name, agency, teken_ca_now_seconds (),
                                                 &error)) == 0 ||
      !teken_ca_store_set_password_hash (self->store, account_id, hash, &error) ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      goto failed;
    }
  teken_ca_audit (self, ADMIN_ACTOR, "verifier_add", email, NULL);
  account = teken_ca_store_get_account (self->store, account_id);
  print_account (self, account);
  return 0;

failed:
  g_printerr ("teken-ca admin: %s\n", error->message);
  return 1;
}

static TekenCaAccount *
find_holder (TekenCaServer *self,
             const char    *who)
{
  if (teken_nik_is_valid (who))
    return teken_ca_find_account (self, who, NULL);
  if (strchr (who, '@') != NULL)
    return teken_ca_find_account (self, NULL, who);
  return NULL;
}

/**
 * teken_ca_admin_run:
 *
 * `teken-ca admin DATADIR COMMAND …` (see usage()).
 *
 * Returns: 0 when done, 1 when refused or failed, 2 for a usage error
 */
int
teken_ca_admin_run (int    argc,
                    char **argv)
{
  g_autofree char *as = NULL;
  g_autofree char *note = NULL;
  g_autofree char *reason_text = NULL;
  g_autofree char *state = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *name = NULL;
  g_autofree char *agency = NULL;
  g_autofree char *data_option = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("DATADIR COMMAND — the agency verifier's work"));
  g_autoptr(TekenCaServer) self = NULL;
  g_autoptr(TekenCaAccount) verifier = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) details = NULL;
  TekenCaActor actor = { ADMIN_ACTOR, NULL };
  const char *data_dir;
  const char *command;
  const char *argument;
  char **words;
  guint n_words;
  int code;
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_option, N_("The data directory"), N_("DIR") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as, N_("Act as this verifier (their agency only)"), N_("EMAIL") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note for the holder and the audit log"), N_("TEXT") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason_text, N_("Revocation reason (docs/api.md §7.6)"), N_("REASON") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, N_("Only requests in this state"), N_("STATE") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("Only requests of this kind"), N_("KIND") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The new verifier's name"), N_("NAME") },
    { "agency", 0, 0, G_OPTION_ARG_STRING, &agency, N_("The new verifier's agency"), N_("AGENCY") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (error->message);
  /* DATADIR comes first unless --data gives it. */
  data_dir = data_option != NULL ? data_option : (argc > 1 ? argv[1] : NULL);
  words = argv + (data_option != NULL ? 1 : 2);
  n_words = argc - (data_option != NULL ? 1 : 2);
  if (data_dir == NULL || argc < 2)
    return usage (NULL);
  if (n_words == 3 && g_str_equal (words[0], "verifier") && g_str_equal (words[1], "add"))
    {
      command = "verifier add";
      argument = words[2];
    }
  else if (n_words == 3 && g_str_equal (words[0], "client") && g_str_equal (words[1], "add"))
    {
      command = "client add";
      argument = words[2];
    }
  else if (n_words == 1 || n_words == 2)
    {
      command = words[0];
      argument = n_words == 2 ? words[1] : NULL;
    }
  else
    return usage (NULL);

  if ((self = teken_ca_server_new (data_dir, &error)) == NULL)
    {
      g_printerr ("teken-ca admin: %s\n", error->message);
      return 1;
    }
  /* Links point where the server is published. */
  teken_ca_mailer_set_public_url (self->mailer, teken_ca_authority_get_public_url (self->authority));

  if (as != NULL)
    {
      verifier = teken_ca_store_find_account_by_email (self->store, as);
      if (verifier == NULL || g_strcmp0 (verifier->role, "verifier") != 0)
        {
          g_printerr (_("teken-ca admin: %s is not a verifier account.\n"), as);
          return 1;
        }
      actor.by = verifier->email;
      actor.agency = verifier->agency;
    }

  if (g_str_equal (command, "verifier add"))
    return add_verifier (self, argument, name, agency);

  if (g_str_equal (command, "client add"))
    {
      g_autofree char *file = g_strconcat (argument, ".ini", NULL);
      g_autofree char *path = g_build_filename (data_dir, "clients", file, NULL);

      if (!teken_ca_add_client (self->store, data_dir, argument, &error))
        {
          g_printerr ("teken-ca admin: %s\n", error->message);
          return 1;
        }
      /* TRANSLATORS: %s is a file holding a client id and secret. */
      g_print (_("Client credentials written to %s (readable only by you). Give them to the agency's application.\n"),
               path);
      return 0;
    }

  if (g_str_equal (command, "requests") && argument == NULL)
    {
      g_autoptr(GPtrArray) list = teken_ca_store_list_requests (self->store, actor.agency, state, kind, 0, G_MAXINT);
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "requests");
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        teken_ca_add_request_object (b, self, g_ptr_array_index (list, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b);
      return 0;
    }

  if ((g_str_equal (command, "request") || g_str_equal (command, "approve") || g_str_equal (command, "reject")) &&
      argument != NULL)
    {
      g_autoptr(TekenCaVerifierRequest) request = teken_ca_store_find_request (self->store, argument);
      g_autoptr(TekenCaVerifierRequest) decided = NULL;
      g_autoptr(TekenCaAccount) holder = request != NULL ? teken_ca_store_get_account (self->store, request->account_id)
                                                         : NULL;

      if (request == NULL || holder == NULL)
        return refused (8004, NULL);
      if (actor.agency != NULL && g_strcmp0 (actor.agency, holder->agency) != 0)
        return refused (8003, NULL);
      if (g_str_equal (command, "request"))
        {
          print_request (self, request);
          return 0;
        }
      if (g_str_equal (command, "reject") && (note == NULL || *note == '\0' || g_utf8_strlen (note, -1) > 500))
        return usage (_("reject needs --note of 1 to 500 characters, shown to the holder."));
      code = teken_ca_decide_request (self, &actor, request, g_str_equal (command, "approve"), note, &details);
      if (code != 0)
        return refused (code, details);
      decided = teken_ca_store_find_request (self->store, argument);
      print_request (self, decided);
      return 0;
    }

  if ((g_str_equal (command, "holder") || g_str_equal (command, "suspend") || g_str_equal (command, "unsuspend") ||
       g_str_equal (command, "revoke") || g_str_equal (command, "reissue")) && argument != NULL)
    {
      g_autoptr(TekenCaAccount) holder = find_holder (self, argument);

      if (holder == NULL)
        return refused (2011, NULL);
      if (actor.agency != NULL && g_strcmp0 (actor.agency, holder->agency) != 0)
        return refused (8003, NULL);
      if (g_str_equal (command, "holder"))
        code = 0;
      else if (g_str_equal (command, "suspend") || g_str_equal (command, "unsuspend"))
        code = teken_ca_set_hold (self, &actor, holder, g_str_equal (command, "suspend"), note, &details);
      else if (g_str_equal (command, "revoke"))
        {
          int reason = reason_text != NULL ? teken_ca_reason_code (reason_text, TRUE) : -1;

          if (reason < 0)
            return refused (8305, NULL);
          code = teken_ca_verifier_revoke (self, &actor, holder, reason, note, &details);
        }
      else
        code = teken_ca_verifier_reissue (self, &actor, holder, note, &details);
      if (code != 0)
        return refused (code, details);
      print_account (self, holder);
      return 0;
    }

  return usage (NULL);
}
