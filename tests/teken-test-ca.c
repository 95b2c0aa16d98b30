/* teken-test-ca.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A real teken-ca process for tests: no mock speaks for the server. Its
 * output goes to a file (a pipe nobody reads would block it after some
 * hundred requests). The mail outbox is read the way docs/api.md §12 tells
 * clients to: by To and X-Teken-Purpose, newest first, the token taken
 * from X-Teken-Link. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "teken-test-ca.h"

static const char holders[] =
  "nik,email,nip,unit,position,city,province,title_prefix,title_suffix,phone,password,passphrase,totp_secret,device_name\n"
  TEKEN_TEST_BUDI_NIK "," TEKEN_TEST_BUDI_EMAIL ",199001012015031001,,,,,,S.Kom.,081234567890,"
  TEKEN_TEST_BUDI_PASSWORD "," TEKEN_TEST_BUDI_PASSPHRASE "," TEKEN_TEST_BUDI_TOTP_SECRET ",Ponsel demo\n"
  TEKEN_TEST_SITI_NIK "," TEKEN_TEST_SITI_EMAIL ",198806052023212001,,,,,,,081234567891,"
  TEKEN_TEST_SITI_PASSWORD "," TEKEN_TEST_SITI_PASSPHRASE ",,\n"
  TEKEN_TEST_DEWI_NIK "," TEKEN_TEST_DEWI_EMAIL ",199208222019032004,,,,,,,081234567892,"
  TEKEN_TEST_DEWI_PASSWORD "," TEKEN_TEST_DEWI_PASSPHRASE ",,\n";

/* A failed assertion aborts the test; the server must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

char *
teken_test_ca_path (TekenTestCa *ca,
                    const char  *name)
{
  return g_build_filename (ca->dir, name, NULL);
}

void
teken_test_ca_write_file (TekenTestCa *ca,
                          const char  *name,
                          const char  *contents)
{
  g_autofree char *path = teken_test_ca_path (ca, name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* The default seed's registries with the ready holders above. */
static char *
write_holder_seed (TekenTestCa *ca)
{
  const char *seed = g_getenv ("TEKEN_CA_SEED");
  g_autofree char *base = NULL;
  g_autofree char *population = NULL;
  g_autofree char *personnel = NULL;
  g_autofree char *agencies = NULL;
  g_autofree char *ini = NULL;

  g_assert_nonnull (seed);
  base = g_path_get_dirname (seed);
  population = g_build_filename (base, "population.csv", NULL);
  personnel = g_build_filename (base, "personnel.csv", NULL);
  agencies = g_build_filename (base, "agencies.csv", NULL);
  ini = g_strdup_printf ("[seed]\npopulation=%s\npersonnel=%s\nagencies=%s\nholders=holders.csv\n",
                         population, personnel, agencies);
  teken_test_ca_write_file (ca, "seed.ini", ini);
  teken_test_ca_write_file (ca, "holders.csv", holders);

  return teken_test_ca_path (ca, "seed.ini");
}

static void
fill_paths (TekenTestCa *ca)
{
  ca->root_pem = g_build_filename (ca->data_dir, "root.pem", NULL);
  ca->tls_cert = g_build_filename (ca->data_dir, "certs", "tls.pem", NULL);
  ca->tls_key = g_build_filename (ca->data_dir, "keys", "tls.key", NULL);
  ca->maildir = g_build_filename (ca->data_dir, "mail", NULL);
}

/**
 * teken_test_ca_new:
 * @seed_ini: (nullable): a seed file, %NULL for TEKEN_CA_SEED (the default seed)
 * @serve_args: (nullable): extra options for `teken-ca serve`
 *
 * Makes the data directory and starts the server.
 */
TekenTestCa *
teken_test_ca_new (const char         *seed_ini,
                   const char * const *serve_args)
{
  const char *bin = g_getenv ("TEKEN_CA_BIN");
  g_autoptr(TekenTestCa) ca = g_new0 (TekenTestCa, 1);
  g_autoptr(GKeyFile) client = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *client_ini = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_nonnull (bin);
  g_assert_nonnull (g_getenv ("TEKEN_CA_SEED"));

  ca->dir = g_dir_make_tmp ("teken-test-ca-XXXXXX", &error);
  g_assert_no_error (error);
  ca->data_dir = teken_test_ca_path (ca, "data");
  fill_paths (ca);
  ca->serve_args = g_strdupv ((char **) serve_args);
  seed = g_strdup (seed_ini != NULL ? seed_ini : g_getenv ("TEKEN_CA_SEED"));

  {
    const char * const init[] = { bin, "init", ca->data_dir, "--seed", seed, NULL };

    g_spawn_sync (ca->dir, (char **) init, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("teken-ca init failed:\n%s%s", out, err);
  }

  client_ini = g_build_filename (ca->data_dir, "clients", "demo.ini", NULL);
  g_key_file_load_from_file (client, client_ini, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  ca->client_id = g_key_file_get_string (client, "client", "client_id", &error);
  g_assert_no_error (error);
  ca->client_secret = g_key_file_get_string (client, "client", "client_secret", &error);
  g_assert_no_error (error);

  ca->log_path = teken_test_ca_path (ca, "serve.log");
  teken_test_ca_serve (ca);
  return g_steal_pointer (&ca);
}

/**
 * teken_test_ca_start:
 * @serve_args: (nullable): extra options for `teken-ca serve`
 *
 * A server whose seed has the ready holders of teken-test-ca.h.
 */
TekenTestCa *
teken_test_ca_start (const char * const *serve_args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("teken-test-seed-XXXXXX", &error);
  TekenTestCa seed_ca = { .dir = dir };
  g_autofree char *seed = NULL;
  TekenTestCa *ca;

  g_assert_no_error (error);
  seed = write_holder_seed (&seed_ca);
  ca = teken_test_ca_new (seed, serve_args);
  g_unlink (seed);
  {
    g_autofree char *csv = teken_test_ca_path (&seed_ca, "holders.csv");

    g_unlink (csv);
  }
  g_rmdir (dir);
  return ca;
}

/**
 * teken_test_ca_serve:
 *
 * Starts (or, after teken_test_ca_stop(), restarts) `teken-ca serve` on a
 * free port, everything it prints — debug messages too — appended to the
 * log file.
 */
void
teken_test_ca_serve (TekenTestCa *ca)
{
  const char *bin = g_getenv ("TEKEN_CA_BIN");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url_file = g_build_filename (ca->data_dir, "serve.url", NULL);

  g_assert_null (ca->server);

  g_unlink (url_file);
  g_clear_pointer (&ca->url, g_free);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, ca->log_path);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_ptr_array_add (argv, (gpointer) bin);
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, ca->data_dir);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  for (guint i = 0; ca->serve_args != NULL && ca->serve_args[i] != NULL; i++)
    g_ptr_array_add (argv, ca->serve_args[i]);
  g_ptr_array_add (argv, NULL);
  ca->server = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* docs/api.md §15: serve writes DIR/serve.url once it listens. */
  for (int i = 0; i < 600 && ca->url == NULL; i++)
    {
      g_autofree char *contents = NULL;

      if (g_file_get_contents (url_file, &contents, NULL, NULL) && strchr (contents, '\n') != NULL)
        ca->url = g_strdup (g_strstrip (contents));
      else
        {
          /* NULL once it has exited. */
          g_assert_nonnull (g_subprocess_get_identifier (ca->server));
          g_usleep (50 * G_TIME_SPAN_MILLISECOND);
        }
    }
  g_assert_nonnull (ca->url);
  g_assert_true (g_str_has_prefix (ca->url, "https://127.0.0.1:"));
  /* A new process, a new port: no connection to the old one is reused. */
  if (ca->session != NULL)
    soup_session_abort (ca->session);
}

/**
 * teken_test_ca_export:
 * @ca: a running teken-ca
 * @launcher: what starts a child of the test
 *
 * Tells the child about @ca, through its environment only: setenv() in a
 * test that has threads already is not safe.
 */
void
teken_test_ca_export (TekenTestCa         *ca,
                      GSubprocessLauncher *launcher)
{
  g_subprocess_launcher_setenv (launcher, "TEKEN_TEST_CA_DIR", ca->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "TEKEN_TEST_CA_URL", ca->url, TRUE);
  g_subprocess_launcher_setenv (launcher, "TEKEN_TEST_CA_CLIENT_ID", ca->client_id, TRUE);
  g_subprocess_launcher_setenv (launcher, "TEKEN_TEST_CA_CLIENT_SECRET", ca->client_secret, TRUE);
}

/**
 * teken_test_ca_attach:
 *
 * Returns: (nullable): the teken-ca a parent test exported, which this
 *   process neither stops nor removes; %NULL when there is none
 */
TekenTestCa *
teken_test_ca_attach (void)
{
  TekenTestCa *ca;

  if (g_getenv ("TEKEN_TEST_CA_URL") == NULL)
    return NULL;

  ca = g_new0 (TekenTestCa, 1);
  ca->data_dir = g_build_filename (g_getenv ("TEKEN_TEST_CA_DIR"), "data", NULL);
  fill_paths (ca);
  ca->url = g_strdup (g_getenv ("TEKEN_TEST_CA_URL"));
  ca->client_id = g_strdup (g_getenv ("TEKEN_TEST_CA_CLIENT_ID"));
  ca->client_secret = g_strdup (g_getenv ("TEKEN_TEST_CA_CLIENT_SECRET"));

  return ca;
}

/**
 * teken_test_ca_stop:
 * @ca: a teken-ca
 *
 * Stops the server with SIGTERM, as an operator would.
 *
 * Returns: everything it printed
 */
char *
teken_test_ca_stop (TekenTestCa *ca)
{
  g_autoptr(GError) error = NULL;
  char *log = NULL;

  if (ca->server != NULL)
    {
      g_subprocess_send_signal (ca->server, SIGTERM);
      g_subprocess_wait_check (ca->server, NULL, &error);
      g_assert_no_error (error);
      g_clear_object (&ca->server);
    }

  if (ca->log_path == NULL || !g_file_get_contents (ca->log_path, &log, NULL, NULL))
    log = g_strdup ("");
  return log;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
teken_test_ca_free (TekenTestCa *ca)
{
  if (ca == NULL)
    return;

  if (ca->server != NULL)
    {
      g_subprocess_send_signal (ca->server, SIGTERM);
      g_subprocess_wait (ca->server, NULL, NULL);
      g_clear_object (&ca->server);
    }
  /* Only the process that made the directory removes it. */
  if (ca->dir != NULL && ca->log_path != NULL && g_getenv ("TEKEN_TEST_KEEP") == NULL)
    remove_tree (ca->dir);

  g_free (ca->dir);
  g_free (ca->data_dir);
  g_free (ca->root_pem);
  g_free (ca->tls_cert);
  g_free (ca->tls_key);
  g_free (ca->url);
  g_free (ca->client_id);
  g_free (ca->client_secret);
  g_free (ca->log_path);
  g_free (ca->maildir);
  g_strfreev (ca->serve_args);
  g_clear_object (&ca->session);
  g_free (ca);
}

static JsonObject *
send_json (TekenTestCa *ca,
           const char  *method,
           const char  *path,
           const char  *json,
           const char  *authorization,
           guint       *status)
{
  g_autofree char *uri = g_strconcat (ca->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  if (json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);

  if (ca->session == NULL)
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca->root_pem, &error);

      g_assert_no_error (error);
      ca->session = soup_session_new_with_options ("tls-database", database, "timeout", 60,
                                                   "max-conns-per-host", 8, NULL);
      /* Loopback only: no proxy lookup (libproxy also trips AddressSanitizer). */
      soup_session_set_proxy_resolver (ca->session, NULL);
    }
  response = soup_session_send_and_read (ca->session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (g_bytes_get_size (response) == 0)
    return NULL;
  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL), g_bytes_get_size (response), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/**
 * teken_test_ca_request:
 * @json: (nullable): the body
 * @bearer: (nullable): a holder's access token
 *
 * Returns: (transfer full) (nullable): the answer, %NULL when empty
 */
JsonObject *
teken_test_ca_request (TekenTestCa *ca,
                       const char  *method,
                       const char  *path,
                       const char  *json,
                       const char  *bearer,
                       guint       *status)
{
  g_autofree char *header = bearer != NULL ? g_strconcat ("Bearer ", bearer, NULL) : NULL;

  return send_json (ca, method, path, json, header, status);
}

/* POSTs @json with the demo client's credentials (docs/api.md §2.3). */
JsonObject *
teken_test_ca_client_post (TekenTestCa *ca,
                           const char  *path,
                           const char  *json,
                           guint       *status)
{
  g_autofree char *pair = g_strconcat (ca->client_id, ":", ca->client_secret, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *header = g_strconcat ("Basic ", encoded, NULL);

  return send_json (ca, "POST", path, json, header, status);
}

/* The shape of docs/api.md §3.1. */
void
teken_test_ca_assert_error (JsonObject *object,
                            guint       status,
                            guint       expected_status,
                            int         code,
                            const char *error_id)
{
  g_assert_nonnull (object);
  if (status != expected_status || json_object_get_int_member (object, "status_code") != code)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
      g_autofree char *text = json_to_string (node, TRUE);

      g_test_message ("unexpected answer (%u): %s", status, text);
    }
  g_assert_cmpuint (status, ==, expected_status);
  g_assert_cmpint (json_object_get_int_member (object, "status_code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, error_id);
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "message")), >, 10);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return -g_strcmp0 (*(const char **) a, *(const char **) b);
}

static char *
header_value (const char *message,
              const char *name)
{
  g_autofree char *prefix = g_strconcat ("\n", name, ": ", NULL);
  const char *end_of_headers = strstr (message, "\n\n");
  const char *start = strstr (message, prefix);
  const char *end;

  if (start == NULL || (end_of_headers != NULL && start > end_of_headers))
    return NULL;
  start += strlen (prefix);
  end = strchr (start, '\n');
  return g_strndup (start, end != NULL ? (gsize) (end - start) : strlen (start));
}

static GPtrArray *
list_mail (TekenTestCa *ca,
           const char  *to,
           const char  *purpose)
{
  g_autofree char *new_dir = g_build_filename (ca->maildir, "new", NULL);
  g_autoptr(GDir) dir = g_dir_open (new_dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return found;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (new_dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *text = NULL;
      g_autofree char *with_newline = NULL;
      g_autofree char *message_to = NULL;
      g_autofree char *message_purpose = NULL;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      with_newline = g_strconcat ("\n", text, NULL);
      message_to = header_value (with_newline, "To");
      message_purpose = header_value (with_newline, "X-Teken-Purpose");
      if (g_strcmp0 (message_to, to) == 0 && g_strcmp0 (message_purpose, purpose) == 0)
        g_ptr_array_add (found, g_steal_pointer (&text));
    }
  return found;
}

/**
 * teken_test_ca_find_mail:
 * @token: (out) (optional): the token of the message's link
 *
 * Returns: (transfer full) (nullable): the newest message to @to of @purpose
 */
char *
teken_test_ca_find_mail (TekenTestCa  *ca,
                         const char   *to,
                         const char   *purpose,
                         char        **token)
{
  g_autoptr(GPtrArray) found = list_mail (ca, to, purpose);
  g_autofree char *with_newline = NULL;
  g_autofree char *link = NULL;
  const char *equals;

  if (token != NULL)
    *token = NULL;
  if (found->len == 0)
    return NULL;
  with_newline = g_strconcat ("\n", (char *) g_ptr_array_index (found, 0), NULL);
  link = header_value (with_newline, "X-Teken-Link");
  if (token != NULL && link != NULL && (equals = strstr (link, "?token=")) != NULL)
    *token = g_strdup (equals + strlen ("?token="));
  return g_strdup (g_ptr_array_index (found, 0));
}

guint
teken_test_ca_count_mail (TekenTestCa *ca,
                          const char  *to,
                          const char  *purpose)
{
  g_autoptr(GPtrArray) found = list_mail (ca, to, purpose);

  return found->len;
}
