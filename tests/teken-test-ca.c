/* teken-test-ca.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A real teken-ca process for tests: no mock speaks for the server. The
 * mail outbox is read the way docs/api.md §12 tells clients to: by To and
 * X-Teken-Purpose, newest first, the token taken from X-Teken-Link. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "teken-test-ca.h"

/* A failed assertion aborts the test; the server must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
run_init (TekenTestCa *ca,
          const char  *seed)
{
  const char *bin = g_getenv ("TEKEN_CA_BIN");
  const char *argv[] = { bin, "init", ca->data_dir, "--seed", seed, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (ca->dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("teken-ca init failed:\n%s%s", out, err);
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
  TekenTestCa *ca = g_new0 (TekenTestCa, 1);
  g_autoptr(GKeyFile) client = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *client_ini = NULL;

  g_assert_nonnull (g_getenv ("TEKEN_CA_BIN"));
  g_assert_nonnull (g_getenv ("TEKEN_CA_SEED"));

  ca->dir = g_dir_make_tmp ("teken-ca-test-XXXXXX", &error);
  g_assert_no_error (error);
  ca->data_dir = g_build_filename (ca->dir, "data", NULL);
  ca->root_pem = g_build_filename (ca->data_dir, "root.pem", NULL);
  ca->maildir = g_build_filename (ca->data_dir, "mail", NULL);
  ca->serve_args = g_strdupv ((char **) serve_args);
  run_init (ca, seed_ini != NULL ? seed_ini : g_getenv ("TEKEN_CA_SEED"));

  client_ini = g_build_filename (ca->data_dir, "clients", "demo.ini", NULL);
  g_key_file_load_from_file (client, client_ini, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  ca->client_id = g_strdup ("demo");
  ca->client_secret = g_key_file_get_string (client, "client", "client_secret", &error);
  g_assert_no_error (error);

  teken_test_ca_start (ca);
  return ca;
}

/**
 * teken_test_ca_start:
 *
 * Starts (or restarts) `teken-ca serve` on a free port. Everything it
 * prints, debug messages included, stays readable for teken_test_ca_stop().
 */
void
teken_test_ca_start (TekenTestCa *ca)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *line;

  g_assert_null (ca->process);

  g_ptr_array_add (argv, (char *) g_getenv ("TEKEN_CA_BIN"));
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, ca->data_dir);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  for (guint i = 0; ca->serve_args != NULL && ca->serve_args[i] != NULL; i++)
    g_ptr_array_add (argv, ca->serve_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  ca->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_clear_pointer (&ca->url, g_free);
  ca->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (ca->process));
  while ((line = g_data_input_stream_read_line_utf8 (ca->output, NULL, NULL, &error)) != NULL)
    {
      gboolean found = g_str_has_prefix (line, "teken-ca: listening on https://127.0.0.1:");

      if (found)
        ca->url = g_strdup (line + strlen ("teken-ca: listening on "));
      g_free (line);
      if (found)
        break;
    }
  g_assert_no_error (error);
  g_assert_nonnull (ca->url);

  if (ca->session == NULL)
    {
      database = g_tls_file_database_new (ca->root_pem, &error);
      g_assert_no_error (error);
      ca->session = soup_session_new_with_options ("tls-database", database, "timeout", 60,
                                                   "max-conns-per-host", 8, NULL);
      /* Loopback only: no proxy lookup (libproxy also trips AddressSanitizer). */
      soup_session_set_proxy_resolver (ca->session, NULL);
    }
}

/**
 * teken_test_ca_stop:
 *
 * Stops the server with SIGTERM and checks it exits cleanly.
 *
 * Returns: (transfer full): what it printed since it started listening
 */
char *
teken_test_ca_stop (TekenTestCa *ca)
{
  g_autoptr(GError) error = NULL;
  GString *rest = g_string_new (NULL);
  char *line;

  if (ca->process == NULL)
    return g_string_free (rest, FALSE);

  g_subprocess_send_signal (ca->process, SIGTERM);
  while ((line = g_data_input_stream_read_line_utf8 (ca->output, NULL, NULL, &error)) != NULL)
    {
      g_string_append_printf (rest, "%s\n", line);
      g_free (line);
    }
  g_subprocess_wait_check (ca->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&ca->output);
  g_clear_object (&ca->process);
  /* A new process, a new port: drop connections to the old one. */
  soup_session_abort (ca->session);
  return g_string_free (rest, FALSE);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        remove_tree (child);
      }
  g_remove (path);
}

void
teken_test_ca_free (TekenTestCa *ca)
{
  g_autofree char *rest = NULL;

  if (ca == NULL)
    return;
  rest = teken_test_ca_stop (ca);
  g_clear_object (&ca->session);
  if (ca->dir != NULL && g_getenv ("TEKEN_TEST_KEEP") == NULL)
    remove_tree (ca->dir);
  g_free (ca->dir);
  g_free (ca->data_dir);
  g_free (ca->root_pem);
  g_free (ca->maildir);
  g_free (ca->url);
  g_free (ca->client_id);
  g_free (ca->client_secret);
  g_strfreev (ca->serve_args);
  g_free (ca);
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
