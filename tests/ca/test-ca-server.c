/* test-ca-server.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* teken-ca end to end: `init` in a temporary directory, `serve` on
 * 127.0.0.1 port 0 as a real process, then real HTTPS with a client that
 * trusts only the new root.pem. The tests run in order and share the server:
 * the lock-out comes after the signing tests, and the last test stops the
 * server and greps everything it printed for the secrets used. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <openssl/pem.h>

#include "teken-cms.h"
#include "teken-cms-verify.h"
#include "teken-totp.h"
#include "teken-x509-private.h"

#define HOLDER_NIK "9971010101900001"
#define HOLDER_EMAIL "budi.santoso@pns.kotacontoh.go.id"
#define HOLDER_PASSWORD "Sandi-Demo1!"
#define HOLDER_PASSPHRASE "Frasa-Demo2!"
#define HOLDER_TOTP_SECRET "GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF"
/* A second ready holder, only in the test's seed: no TOTP device yet. */
#define SECOND_NIK "9971014506880002"
#define SECOND_EMAIL "siti.rahayu@pns.kotacontoh.go.id"
#define SECOND_PASSWORD "Sandi-Siti3!"
#define SECOND_PASSPHRASE "Frasa-Siti4!"
#define UNKNOWN_NIK "9971010101909999"

static const char * const wrong_passphrases[] = {
  "Salah-Frasa1!", "Salah-Frasa2!", "Salah-Frasa3!", "Salah-Frasa4!", "Salah-Frasa5!", "Salah-Frasa6!",
};

static const char content[] = "%PDF-1.7\nthe byte ranges teken-ca signs a digest of\n%%EOF\n";

static struct
{
  char *dir;
  char *data_dir;
  char *root_pem;
  char *url;
  char *client_secret;
  GSubprocess *server;
  GDataInputStream *output;
  SoupSession *session;
  GBytes *cms;
  GPtrArray *secrets;       /* OTP codes, TOTP secrets and tokens given or received */
  char *second_secret;
  char *second_access;
  char *second_refresh;
  char *holder_access;
  gint64 holder_time;       /* when the holder's code was made */
} ca;

static char *
temp_path (const char *name)
{
  return g_build_filename (ca.dir, name, NULL);
}

static void
write_file (const char *name,
            GBytes     *bytes)
{
  g_autofree char *path = temp_path (name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

/* Runs a tool to the end; returns its exit status, with what it printed. */
static int
run_tool (const char * const *argv,
          char              **output)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (ca.dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (output != NULL)
    *output = g_strconcat (out, err, NULL);
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("%s failed:\n%s%s", argv[0], out, err);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static GBytes *
send_request (const char  *method,
              const char  *path,
              const char  *content_type,
              GBytes      *body,
              gboolean     client_auth,
              guint       *status)
{
  g_autofree char *uri = g_strconcat (ca.url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  GBytes *response;

  g_assert_nonnull (msg);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  if (client_auth)
    {
      g_autofree char *pair = g_strconcat ("demo:", ca.client_secret, NULL);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *header = g_strconcat ("Basic ", encoded, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }

  response = soup_session_send_and_read (ca.session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return response;
}

/* POSTs @json with client credentials; returns the parsed object. */
static JsonObject *
post_json (const char *path,
           const char *json,
           guint      *status)
{
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) response = send_request ("POST", path, "application/json", body, TRUE, status);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL),
                              g_bytes_get_size (response), &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

/* The shape of docs/api.md §3.1. */
static void
assert_error (JsonObject *object,
              guint       status,
              guint       expected_status,
              int         code,
              const char *error_id)
{
  g_assert_cmpuint (status, ==, expected_status);
  g_assert_cmpint (json_object_get_int_member (object, "status_code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, error_id);
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "message")), >, 10);
}

/* @level NULL: the default, PAdES_BASELINE_T. */
static char *
sign_request_at_level (const char *passphrase,
                       GBytes     *digest,
                       const char *level)
{
  g_autofree char *digest_b64 = g_base64_encode (g_bytes_get_data (digest, NULL),
                                                 g_bytes_get_size (digest));

  g_autofree char *level_member = level != NULL ? g_strdup_printf ("\"signatureLevel\": \"%s\", ", level)
                                                 : g_strdup ("");

  return g_strdup_printf ("{\"nik\": \"%s\", \"passphrase\": \"%s\", \"idSubscriber\": null,"
                          " \"signaturePropertiesHashMap\": {\"surat-1\": {"
                          "\"documentDigestBase64\": \"%s\", %s\"tampilan\": \"INVISIBLE\"}}}",
                          HOLDER_NIK, passphrase, digest_b64, level_member);
}

static char *
sign_request (const char *passphrase,
              GBytes     *digest)
{
  return sign_request_at_level (passphrase, digest, "PAdES_BASELINE_B");
}

static GBytes *
content_digest (void)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) content, strlen (content));
  g_checksum_get_digest (checksum, digest, &length);
  return g_bytes_new (digest, length);
}

/* A failed assertion aborts this process; the server must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The default seed's registries, and its ready holder with a second one
 * who has no TOTP device yet, for the first sign-in. */
static char *
write_test_seed (const char *default_seed)
{
  g_autofree char *base = g_path_get_dirname (default_seed);
  g_autofree char *population = g_build_filename (base, "population.csv", NULL);
  g_autofree char *personnel = g_build_filename (base, "personnel.csv", NULL);
  g_autofree char *agencies = g_build_filename (base, "agencies.csv", NULL);
  g_autofree char *ini = g_strdup_printf ("[seed]\npopulation=%s\npersonnel=%s\nagencies=%s\nholders=holders.csv\n",
                                          population, personnel, agencies);
  g_autoptr(GBytes) ini_bytes = g_bytes_new (ini, strlen (ini));
  static const char holders[] =
    "nik,email,nip,unit,position,city,province,title_prefix,title_suffix,phone,password,passphrase,totp_secret,device_name\n"
    HOLDER_NIK "," HOLDER_EMAIL ",199001012015031001,,,,,,S.Kom.,081234567890," HOLDER_PASSWORD ","
    HOLDER_PASSPHRASE "," HOLDER_TOTP_SECRET ",Ponsel demo\n"
    SECOND_NIK "," SECOND_EMAIL ",198806052023212001,,,,,,,081234567891," SECOND_PASSWORD ","
    SECOND_PASSPHRASE ",,\n";
  g_autoptr(GBytes) holder_bytes = g_bytes_new_static (holders, strlen (holders));

  write_file ("seed.ini", ini_bytes);
  write_file ("holders.csv", holder_bytes);
  return temp_path ("seed.ini");
}

static void
start_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GKeyFile) client = g_key_file_new ();
  g_autoptr(GTlsDatabase) database = NULL;
  g_autofree char *client_ini = NULL;
  g_autofree char *line = NULL;
  const char *bin = g_getenv ("TEKEN_CA_BIN");
  const char *seed = g_getenv ("TEKEN_CA_SEED");
  g_autofree char *test_seed = NULL;

  g_assert_nonnull (bin);
  g_assert_nonnull (seed);

  ca.dir = g_dir_make_tmp ("teken-ca-test-XXXXXX", &error);
  g_assert_no_error (error);
  ca.data_dir = temp_path ("data");
  ca.root_pem = g_build_filename (ca.data_dir, "root.pem", NULL);
  ca.secrets = g_ptr_array_new_with_free_func (g_free);
  test_seed = write_test_seed (seed);

  {
    const char * const argv[] = { bin, "init", ca.data_dir, "--seed", test_seed, NULL };

    g_assert_cmpint (run_tool (argv, NULL), ==, 0);
  }

  client_ini = g_build_filename (ca.data_dir, "clients", "demo.ini", NULL);
  g_key_file_load_from_file (client, client_ini, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  ca.client_secret = g_key_file_get_string (client, "client", "client_secret", &error);
  g_assert_no_error (error);

  /* Everything the server prints, debug messages included, for the last test. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  ca.server = g_subprocess_launcher_spawn (launcher, &error, bin, "serve", ca.data_dir,
                                           "--address", "127.0.0.1", "--port", "0",
                                           "--lock-duration", "2", NULL);
  g_assert_no_error (error);

  ca.output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (ca.server));
  while ((line = g_data_input_stream_read_line_utf8 (ca.output, NULL, NULL, &error)) != NULL)
    {
      if (g_str_has_prefix (line, "teken-ca: listening on https://127.0.0.1:"))
        {
          ca.url = g_strdup (line + strlen ("teken-ca: listening on "));
          break;
        }
      g_clear_pointer (&line, g_free);
    }
  g_assert_no_error (error);
  g_assert_nonnull (ca.url);

  database = g_tls_file_database_new (ca.root_pem, &error);
  g_assert_no_error (error);
  ca.session = soup_session_new_with_options ("tls-database", database, "timeout", 30,
                                            "max-conns-per-host", 8, NULL);
  /* Loopback only: no proxy lookup (libproxy also trips AddressSanitizer). */
  soup_session_set_proxy_resolver (ca.session, NULL);
}

static char *
stop_server (void)
{
  g_autoptr(GError) error = NULL;
  GString *rest = g_string_new (NULL);
  char *line;

  if (ca.server == NULL)
    return g_string_free (rest, FALSE);

  g_subprocess_send_signal (ca.server, SIGTERM);
  while ((line = g_data_input_stream_read_line_utf8 (ca.output, NULL, NULL, &error)) != NULL)
    {
      g_string_append_printf (rest, "%s\n", line);
      g_free (line);
    }
  g_subprocess_wait_check (ca.server, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&ca.output);
  g_clear_object (&ca.server);
  return g_string_free (rest, FALSE);
}

/* `teken-ca admin client add`: an agency application's credentials, which
 * the running server accepts at once (docs/api.md §2.3). */
static void
test_admin_client_add (void)
{
  const char *bin = g_getenv ("TEKEN_CA_BIN");
  g_autofree char *path = g_build_filename (ca.data_dir, "clients", "agency-app.ini", NULL);
  g_autoptr(GKeyFile) client = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *header = NULL;
  g_autofree char *uri = g_strconcat (ca.url, "/api/v2/user/check/status", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"nik\": \"" HOLDER_NIK "\"}", strlen ("{\"nik\": \"" HOLDER_NIK "\"}"));
  g_autoptr(GBytes) response = NULL;
  GStatBuf st;

  {
    const char * const bad[] = { bin, "admin", ca.data_dir, "client", "add", "Agency App", NULL };
    const char * const good[] = { bin, "admin", ca.data_dir, "client", "add", "agency-app", NULL };

    g_assert_cmpint (run_tool (bad, NULL), !=, 0);
    g_assert_cmpint (run_tool (good, NULL), ==, 0);
  }
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_key_file_load_from_file (client, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  secret = g_key_file_get_string (client, "client", "client_secret", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (secret), ==, 43);

  pair = g_strconcat ("agency-app:", secret, NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  header = g_strconcat ("Basic ", encoded, NULL);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
  response = soup_session_send_and_read (ca.session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_ptr_array_add (ca.secrets, g_steal_pointer (&secret));
}

static void
test_info (void)
{
  guint status = 0;
  g_autoptr(GBytes) response = send_request ("GET", "/api/teken/v1/info", NULL, NULL, FALSE, &status);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *info;

  g_assert_cmpuint (status, ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL), g_bytes_get_size (response), &error);
  g_assert_no_error (error);
  info = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (info, "server"), ==, "teken-ca");
  g_assert_cmpint (json_object_get_int_member (info, "api_version"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (info, "limits"),
                                               "max_documents"), ==, 100);
}

static void
assert_mode (const char *relative,
             guint       mode)
{
  g_autofree char *path = g_build_filename (ca.data_dir, relative, NULL);
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpuint (buf.st_mode & 0777, ==, mode);
}

static void
test_data_dir (void)
{
  const char * const keys[] = { "root", "issuing", "tsa", "ocsp", "tls" };
  g_autofree char *url_file = g_build_filename (ca.data_dir, "serve.url", NULL);
  g_autofree char *url = NULL;

  assert_mode ("keys", 0700);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *key = g_strconcat ("keys/", keys[i], ".key", NULL);

      assert_mode (key, 0600);
    }
  assert_mode ("clients/demo.ini", 0600);
  g_assert_true (g_file_test (ca.root_pem, G_FILE_TEST_IS_REGULAR));

  /* serve writes the URL it listens on (docs/api.md §15). */
  g_assert_true (g_file_get_contents (url_file, &url, NULL, NULL));
  g_assert_cmpstr (g_strstrip (url), ==, ca.url);
}

static void
test_check_status (void)
{
  guint status = 0;
  g_autoptr(JsonObject) holder = post_json ("/api/v2/user/check/status", "{\"nik\": \"" HOLDER_NIK "\"}", &status);
  g_autoptr(JsonObject) unknown = NULL;
  g_autoptr(JsonObject) by_email = NULL;
  g_autoptr(JsonObject) bad_nik = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(JsonObject) not_json = NULL;

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (holder, "status_code"), ==, 1111);
  g_assert_cmpstr (json_object_get_string_member (holder, "status"), ==, "ISSUE");
  g_assert_cmpstr (json_object_get_string_member (holder, "verification_status"), ==, "VERIFIED");

  unknown = post_json ("/api/v2/user/check/status", "{\"nik\": \"" UNKNOWN_NIK "\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (unknown, "status_code"), ==, 1110);
  g_assert_cmpstr (json_object_get_string_member (unknown, "status"), ==, "NOT_REGISTERED");
  g_assert_true (json_object_get_null_member (unknown, "verification_status"));

  by_email = post_json ("/api/v2/user/check/status",
                        "{\"email\": \"budi.santoso@pns.kotacontoh.go.id\", \"extra\": 1}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (by_email, "status"), ==, "ISSUE");

  bad_nik = post_json ("/api/v2/user/check/status", "{\"nik\": 9971010101900001}", &status);
  assert_error (bad_nik, status, 400, 4015, "field_invalid");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (bad_nik, "details"), "field"),
                   ==, "nik");

  missing = post_json ("/api/v2/user/check/status", "{}", &status);
  assert_error (missing, status, 400, 4014, "field_required");

  not_json = post_json ("/api/v2/user/check/status", "{\"nik\": ", &status);
  assert_error (not_json, status, 400, 8008, "malformed_request");
}

static void
test_request_errors (void)
{
  guint status = 0;
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"nik\": \"" HOLDER_NIK "\"}", 28);
  g_autoptr(GBytes) no_auth = send_request ("POST", "/api/v2/user/check/status", "application/json",
                                            body, FALSE, &status);
  g_autoptr(GBytes) not_found = NULL;
  g_autoptr(GBytes) wrong_method = NULL;
  g_autoptr(GBytes) wrong_type = NULL;
  g_autoptr(GBytes) large = NULL;
  g_autoptr(GBytes) too_large = NULL;
  g_autofree char *filler = NULL;

  g_assert_cmpuint (status, ==, 401);
  g_assert_nonnull (strstr (g_bytes_get_data (no_auth, NULL), "\"status_code\":8001"));

  not_found = send_request ("GET", "/api/v2/seal/whatever", NULL, NULL, TRUE, &status);
  g_assert_cmpuint (status, ==, 404);
  g_assert_nonnull (strstr (g_bytes_get_data (not_found, NULL), "\"status_code\":8004"));

  wrong_method = send_request ("GET", "/api/v2/user/check/status", NULL, NULL, TRUE, &status);
  g_assert_cmpuint (status, ==, 405);
  g_assert_nonnull (strstr (g_bytes_get_data (wrong_method, NULL), "\"status_code\":8005"));

  wrong_type = send_request ("POST", "/api/v2/user/check/status", "text/plain", body, TRUE, &status);
  g_assert_cmpuint (status, ==, 415);
  g_assert_nonnull (strstr (g_bytes_get_data (wrong_type, NULL), "\"status_code\":8007"));

  filler = g_strnfill (300 * 1024, ' ');
  large = g_bytes_new (filler, strlen (filler));
  too_large = send_request ("POST", "/api/v2/sign/hash/pdf", "application/json", large, TRUE, &status);
  g_assert_cmpuint (status, ==, 413);
  g_assert_nonnull (strstr (g_bytes_get_data (too_large, NULL), "\"status_code\":8006"));
}

static void
test_sign_hash (void)
{
  g_autoptr(GBytes) digest = content_digest ();
  g_autofree char *request = sign_request_at_level (HOLDER_PASSPHRASE, digest, NULL);
  guint status = 0;
  g_autoptr(JsonObject) response = post_json ("/api/v2/sign/hash/pdf", request, &status);
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autoptr(TekenCmsVerification) timestamp = NULL;
  g_autoptr(GBytes) content_bytes = g_bytes_new_static (content, strlen (content));
  g_autoptr(GBytes) signed_digest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *der = NULL;
  g_autofree char *cms_path = temp_path ("signature.der");
  g_autofree char *content_path = temp_path ("content.bin");
  JsonObject *data;
  JsonObject *map;
  gsize length = 0;

  g_assert_cmpuint (status, ==, 200);
  data = json_object_get_object_member (response, "data");
  g_assert_true (json_object_get_null_member (data, "validationData"));
  map = json_object_get_object_member (data, "cmsSignedDataHashMap");
  g_assert_cmpuint (json_object_get_size (map), ==, 1);
  der = g_base64_decode (json_object_get_string_member (map, "surat-1"), &length);
  g_assert_cmpuint (length, >, 1000);
  g_assert_cmpuint (length, <=, 16384);
  ca.cms = g_bytes_new (der, length);

  /* The core's verifier: the digest is the one sent, and the bytes match. */
  g_assert_true (teken_cms_get_message_digest (ca.cms, &signed_digest, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (signed_digest, digest));
  verification = teken_cms_verification_new (ca.cms, &error);
  g_assert_no_error (error);
  teken_cms_verification_update (verification, (const guint8 *) content, strlen (content));
  g_assert_true (teken_cms_verification_finish (verification));
  g_assert_cmpstr (teken_cms_verification_get_digest_algorithm (verification), ==, "SHA-256");

  /* Level T by default: a signature timestamp from teken-ca's TSA. */
  g_assert_true (teken_cms_verification_has_timestamp (verification));
  timestamp = teken_cms_verification_verify_timestamp (verification, &error);
  g_assert_no_error (error);
  g_assert_nonnull (timestamp);
  g_assert_nonnull (teken_cms_verification_get_timestamp_time (timestamp));

  /* And OpenSSL, over the original bytes, against the new root only. */
  write_file ("signature.der", ca.cms);
  write_file ("content.bin", content_bytes);
  {
    const char * const argv[] = { "openssl", "cms", "-verify", "-binary", "-inform", "DER",
                                  "-in", cms_path, "-content", content_path,
                                  "-CAfile", ca.root_pem, "-purpose", "any", "-out", "/dev/null", NULL };
    g_autofree char *output = NULL;

    g_assert_cmpint (run_tool (argv, &output), ==, 0);
    g_assert_nonnull (strstr (output, "Verification successful"));
  }
}

static GBytes *
decode_member (JsonArray *array,
               guint      index)
{
  gsize length = 0;
  guint8 *der = g_base64_decode (json_array_get_string_element (array, index), &length);

  return g_bytes_new_take (der, length);
}

/* PAdES LT: the revocation data for the document security store. */
static void
test_sign_hash_lt (void)
{
  g_autoptr(GBytes) digest = content_digest ();
  g_autofree char *request = sign_request_at_level (HOLDER_PASSPHRASE, digest, "PAdES_BASELINE_LT");
  guint status = 0;
  g_autoptr(JsonObject) response = post_json ("/api/v2/sign/hash/pdf", request, &status);
  JsonObject *validation;
  JsonArray *certificates;
  JsonArray *ocsp;
  JsonArray *crls;

  g_assert_cmpuint (status, ==, 200);
  validation = json_object_get_object_member (json_object_get_object_member (response, "data"),
                                              "validationData");
  g_assert_nonnull (validation);
  certificates = json_object_get_array_member (validation, "certificates");
  ocsp = json_object_get_array_member (validation, "ocspResponses");
  crls = json_object_get_array_member (validation, "crls");
  g_assert_cmpuint (json_array_get_length (certificates), ==, 3);
  g_assert_cmpuint (json_array_get_length (ocsp), ==, 2);
  g_assert_cmpuint (json_array_get_length (crls), ==, 2);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) der = decode_member (certificates, i);
      const guint8 *p = g_bytes_get_data (der, NULL);
      g_autoptr(X509) cert = d2i_X509 (NULL, &p, g_bytes_get_size (der));

      g_assert_nonnull (cert);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) der = decode_member (ocsp, i);
      const guint8 *p = g_bytes_get_data (der, NULL);
      g_autoptr(OCSP_RESPONSE) ocsp_response = d2i_OCSP_RESPONSE (NULL, &p, g_bytes_get_size (der));
      g_autoptr(OCSP_BASICRESP) basic = NULL;

      g_assert_nonnull (ocsp_response);
      g_assert_cmpint (OCSP_response_status (ocsp_response), ==, OCSP_RESPONSE_STATUS_SUCCESSFUL);
      basic = OCSP_response_get1_basic (ocsp_response);
      g_assert_nonnull (basic);
      g_assert_cmpint (OCSP_single_get0_status (OCSP_resp_get0 (basic, 0), NULL, NULL, NULL, NULL),
                       ==, V_OCSP_CERTSTATUS_GOOD);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) der = decode_member (crls, i);
      const guint8 *p = g_bytes_get_data (der, NULL);
      g_autoptr(X509_CRL) crl = d2i_X509_CRL (NULL, &p, g_bytes_get_size (der));

      g_assert_nonnull (crl);
    }
}

typedef struct
{
  GMainLoop *loop;
  int pending;
  int succeeded;
  const char *expected;   /* in a successful answer; NULL: a CMS map */
  GPtrArray *answers;     /* send_parallel(): every answer */
} Parallel;

static void
parallel_sent_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Parallel *parallel = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (body != NULL && soup_message_get_status (msg) == 200 &&
      strstr (g_bytes_get_data (body, NULL),
              parallel->expected != NULL ? parallel->expected : "cmsSignedDataHashMap") != NULL)
    parallel->succeeded++;
  if (--parallel->pending == 0)
    g_main_loop_quit (parallel->loop);
}

/* Signing runs in worker threads: parallel requests all succeed, and the
 * server keeps answering other requests meanwhile. */
static void
test_parallel_signing (void)
{
  g_autoptr(GBytes) digest = content_digest ();
  g_autofree char *request = sign_request (HOLDER_PASSPHRASE, digest);
  g_autofree char *uri = g_strconcat (ca.url, "/api/v2/sign/hash/pdf", NULL);
  g_autofree char *pair = g_strconcat ("demo:", ca.client_secret, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *header = g_strconcat ("Basic ", encoded, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);
  Parallel parallel = { loop, 6, 0 };

  for (int i = 0; i < parallel.pending; i++)
    {
      SoupMessage *msg = soup_message_new ("POST", uri);
      g_autoptr(GBytes) body = g_bytes_new (request, strlen (request));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
      soup_session_send_and_read_async (ca.session, msg, G_PRIORITY_DEFAULT, NULL,
                                        parallel_sent_cb, &parallel);
      g_ptr_array_add (messages, msg);
    }
  g_main_loop_run (loop);
  g_ptr_array_unref (messages);

  g_assert_cmpint (parallel.succeeded, ==, 6);
}

static void
collect_answer_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Parallel *parallel = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (body);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  g_ptr_array_add (parallel->answers, json_to_string (json_parser_get_root (parser), TRUE));
  if (--parallel->pending == 0)
    g_main_loop_quit (parallel->loop);
}

/* Sends @request @n times at once; returns the answers, pretty-printed. */
static GPtrArray *
send_parallel (const char *request,
               int         n)
{
  g_autofree char *uri = g_strconcat (ca.url, "/api/v2/sign/hash/pdf", NULL);
  g_autofree char *pair = g_strconcat ("demo:", ca.client_secret, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *header = g_strconcat ("Basic ", encoded, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  Parallel parallel = { loop, n, 0, NULL, g_ptr_array_new_with_free_func (g_free) };

  for (int i = 0; i < n; i++)
    {
      SoupMessage *msg = soup_message_new ("POST", uri);
      g_autoptr(GBytes) body = g_bytes_new (request, strlen (request));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
      soup_session_send_and_read_async (ca.session, msg, G_PRIORITY_DEFAULT, NULL,
                                        collect_answer_cb, &parallel);
      g_ptr_array_add (messages, msg);
    }
  g_main_loop_run (loop);
  return parallel.answers;
}

static void
test_wrong_passphrase (void)
{
  g_autoptr(GBytes) digest = content_digest ();
  guint status = 0;

  /* A success resets the count of failures. */
  for (int round = 0; round < 2; round++)
    {
      g_autofree char *wrong = sign_request (wrong_passphrases[0], digest);
      g_autofree char *right = sign_request (HOLDER_PASSPHRASE, digest);
      g_autoptr(JsonObject) failed = post_json ("/api/v2/sign/hash/pdf", wrong, &status);
      g_autoptr(JsonObject) signed_ok = NULL;

      assert_error (failed, status, 400, 2031, "wrong_passphrase");
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (failed, "details"),
                                                   "attempts_left"), ==, 4);
      signed_ok = post_json ("/api/v2/sign/hash/pdf", right, &status);
      g_assert_cmpuint (status, ==, 200);
    }

  /* A malformed request never uses up an attempt. */
  {
    g_autoptr(JsonObject) bad = post_json ("/api/v2/sign/hash/pdf",
                                           "{\"nik\": \"" HOLDER_NIK "\", \"passphrase\": \"Salah-Frasa1!\","
                                           " \"signaturePropertiesHashMap\": {\"0\": {\"documentDigestBase64\": \"AAAA\"}}}",
                                           &status);
    assert_error (bad, status, 400, 4015, "field_invalid");
  }

  /* One more wrong guess, then seven at once: parallel guesses may not
   * outrun the limit of five, however the server schedules them. */
  {
    g_autofree char *wrong = sign_request (wrong_passphrases[1], digest);
    g_autoptr(JsonObject) failed = post_json ("/api/v2/sign/hash/pdf", wrong, &status);

    assert_error (failed, status, 400, 2031, "wrong_passphrase");
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (failed, "details"),
                                                 "attempts_left"), ==, 4);
  }
  {
    g_autofree char *wrong = sign_request (wrong_passphrases[2], digest);
    g_autoptr(GPtrArray) answers = send_parallel (wrong, 7);
    int wrong_passphrase = 0, locked = 0;

    for (guint i = 0; i < answers->len; i++)
      {
        const char *answer = g_ptr_array_index (answers, i);

        wrong_passphrase += strstr (answer, "\"status_code\" : 2031") != NULL;
        locked += strstr (answer, "\"status_code\" : 8402") != NULL;
      }
    g_assert_cmpint (wrong_passphrase, ==, 3);
    g_assert_cmpint (locked, ==, 4);
  }

  /* Locked: even the right passphrase is refused, before it is tried. */
  {
    g_autofree char *right = sign_request (HOLDER_PASSPHRASE, digest);
    g_autoptr(JsonObject) locked = post_json ("/api/v2/sign/hash/pdf", right, &status);

    assert_error (locked, status, 423, 8402, "key_locked");
  }

  /* Other holders' states: not registered. */
  {
    g_autoptr(JsonObject) unknown = post_json ("/api/v2/sign/hash/pdf",
                                               "{\"nik\": \"" UNKNOWN_NIK "\", \"passphrase\": \"Salah-Frasa1!\","
                                               " \"signaturePropertiesHashMap\": {\"0\": {\"documentDigestBase64\":"
                                               " \"n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=\"}}}",
                                               &status);
    assert_error (unknown, status, 400, 2011, "user_not_registered");
  }
}

static void
save_pem (const char *name,
          X509       *cert)
{
  g_autofree char *path = temp_path (name);
  g_autoptr(BIO) bio = BIO_new_file (path, "w");

  g_assert_nonnull (bio);
  g_assert_true (PEM_write_bio_X509 (bio, cert));
}

static void
save_issuing_and_holder (void)
{
  guint status = 0;
  g_autoptr(GBytes) issuing = send_request ("GET", "/pki/issuing.crt", NULL, NULL, FALSE, &status);
  const guint8 *p = g_bytes_get_data (issuing, NULL);
  g_autoptr(X509) issuing_cert = d2i_X509 (NULL, &p, g_bytes_get_size (issuing));
  g_autoptr(X509) holder = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (issuing_cert);
  save_pem ("issuing.pem", issuing_cert);

  g_assert_nonnull (ca.cms);
  holder = teken_cms_get_signer_certificate (ca.cms, &error);
  g_assert_no_error (error);
  save_pem ("holder.pem", holder);
}

static void
test_ca_certificates (void)
{
  guint status = 0;
  g_autoptr(GBytes) chain = send_request ("GET", "/pki/ca", NULL, NULL, FALSE, &status);
  g_autofree char *root = NULL;

  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_file_get_contents (ca.root_pem, &root, NULL, NULL));
  /* Issuing CA first, then the root, PEM. */
  g_assert_nonnull (strstr (g_bytes_get_data (chain, NULL), "-----BEGIN CERTIFICATE-----"));
  g_assert_true (g_str_has_suffix (g_bytes_get_data (chain, NULL), root));
  save_issuing_and_holder ();
}

static void
test_chain (void)
{
  guint status = 0;
  g_autoptr(GBytes) response = send_request ("GET", "/api/v2/user/certificate/chain/" HOLDER_NIK,
                                             NULL, NULL, TRUE, &status);
  g_autoptr(GBytes) unknown = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(X509) signer = NULL;
  g_autofree guint8 *signer_der = NULL;
  g_autofree guint8 *leaf = NULL;
  JsonObject *object;
  JsonArray *data;
  gsize leaf_length = 0;
  int signer_length;

  g_assert_cmpuint (status, ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL), g_bytes_get_size (response), &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_boolean_member (object, "success"));
  data = json_object_get_array_member (object, "data");
  g_assert_cmpuint (json_array_get_length (data), ==, 3);

  /* The leaf is the certificate that signed in /ca/sign-hash. */
  signer = teken_cms_get_signer_certificate (ca.cms, &error);
  g_assert_no_error (error);
  signer_length = i2d_X509 (signer, &signer_der);
  leaf = g_base64_decode (json_array_get_string_element (data, 0), &leaf_length);
  g_assert_cmpmem (leaf, leaf_length, signer_der, signer_length);

  unknown = send_request ("GET", "/api/v2/user/certificate/chain/" UNKNOWN_NIK, NULL, NULL, TRUE, &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (g_bytes_get_data (unknown, NULL), "\"status_code\":2011"));
}

static void
test_crl (void)
{
  guint status = 0;
  g_autoptr(GBytes) crl = send_request ("GET", "/pki/crl", NULL, NULL, FALSE, &status);
  g_autoptr(GBytes) root_crl = send_request ("GET", "/pki/root.crl", NULL, NULL, FALSE, &status);
  g_autofree char *crl_path = temp_path ("issuing.crl");
  g_autofree char *issuing_path = temp_path ("issuing.pem");
  g_autofree char *output = NULL;
  const char * const argv[] = { "openssl", "crl", "-inform", "DER", "-in", crl_path, "-noout", "-text",
                                "-CAfile", issuing_path, NULL };

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (root_crl), >, 100);
  status = 0;
  g_clear_pointer (&crl, g_bytes_unref);
  crl = send_request ("GET", "/pki/crl", NULL, NULL, FALSE, &status);
  g_assert_cmpuint (status, ==, 200);
  write_file ("issuing.crl", crl);
  g_assert_cmpint (run_tool (argv, &output), ==, 0);
  g_assert_nonnull (strstr (output, "Issuer: C = ID, O = Teken, CN = Teken Demo Issuing CA"));
  g_assert_nonnull (strstr (output, "X509v3 CRL Number"));
  g_assert_nonnull (strstr (output, "verify OK"));
}

static void
test_ocsp (void)
{
  g_autofree char *issuing = temp_path ("issuing.pem");
  g_autofree char *holder = temp_path ("holder.pem");
  g_autofree char *url = g_strconcat (ca.url, "/pki/ocsp", NULL);
  g_autofree char *request_path = temp_path ("ocsp-request.der");
  g_autofree char *response_path = temp_path ("ocsp-response.der");
  g_autofree char *output = NULL;
  g_autofree char *get_output = NULL;
  g_autofree char *request = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *get_path = NULL;
  g_autoptr(GBytes) response = NULL;
  gsize length = 0;
  guint status = 0;

  /* POST, by openssl itself. */
  {
    const char * const argv[] = { "openssl", "ocsp", "-issuer", issuing, "-cert", holder,
                                  "-url", url, "-CAfile", ca.root_pem, "-reqout", request_path, NULL };

    g_assert_cmpint (run_tool (argv, &output), ==, 0);
    g_assert_nonnull (strstr (output, "Response verify OK"));
    g_assert_nonnull (strstr (output, "holder.pem: good"));
  }

  /* GET (RFC 6960 A.1) with the same request, checked by openssl. */
  g_assert_true (g_file_get_contents (request_path, &request, &length, NULL));
  encoded = g_base64_encode ((const guchar *) request, length);
  escaped = g_uri_escape_string (encoded, NULL, FALSE);
  get_path = g_strconcat ("/pki/ocsp/", escaped, NULL);
  response = send_request ("GET", get_path, NULL, NULL, FALSE, &status);
  g_assert_cmpuint (status, ==, 200);
  write_file ("ocsp-response.der", response);
  {
    const char * const argv[] = { "openssl", "ocsp", "-no_nonce", "-respin", response_path, "-issuer", issuing,
                                  "-cert", holder, "-CAfile", ca.root_pem, NULL };

    g_assert_cmpint (run_tool (argv, &get_output), ==, 0);
    g_assert_nonnull (strstr (get_output, "Response verify OK"));
    g_assert_nonnull (strstr (get_output, "holder.pem: good"));
  }
}

static void
test_tsa (void)
{
  g_autofree char *query_path = temp_path ("query.tsq");
  g_autofree char *reply_path = temp_path ("reply.tsr");
  g_autofree char *content_path = temp_path ("content.bin");
  g_autofree char *issuing = temp_path ("issuing.pem");
  g_autofree char *query = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GBytes) query_bytes = NULL;
  g_autoptr(GBytes) reply = NULL;
  gsize length = 0;
  guint status = 0;

  {
    const char * const argv[] = { "openssl", "ts", "-query", "-data", content_path, "-sha256",
                                  "-cert", "-out", query_path, NULL };

    g_assert_cmpint (run_tool (argv, NULL), ==, 0);
  }

  g_assert_true (g_file_get_contents (query_path, &query, &length, NULL));
  query_bytes = g_bytes_new (query, length);
  reply = send_request ("POST", "/pki/tsa", "application/timestamp-query", query_bytes, FALSE, &status);
  g_assert_cmpuint (status, ==, 200);
  write_file ("reply.tsr", reply);

  {
    const char * const argv[] = { "openssl", "ts", "-verify", "-in", reply_path, "-queryfile", query_path,
                                  "-CAfile", ca.root_pem, "-untrusted", issuing, NULL };

    g_assert_cmpint (run_tool (argv, &output), ==, 0);
    g_assert_nonnull (strstr (output, "Verification: OK"));
  }
}

/* Sends @json (or nothing) with the holder's @bearer token (or none);
 * returns the parsed object, or NULL for an empty answer. */
static JsonObject *
holder_request (const char *method,
                const char *path,
                const char *json,
                const char *bearer,
                guint      *status)
{
  g_autofree char *uri = g_strconcat (ca.url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  if (bearer != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  response = soup_session_send_and_read (ca.session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (g_bytes_get_size (response) == 0)
    return NULL;
  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL), g_bytes_get_size (response), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonObject *
login (const char *username,
       const char *password,
       guint      *status)
{
  g_autofree char *json = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);

  return holder_request ("POST", "/api/teken/v1/auth/login", json, NULL, status);
}

/* Remembers a code, for the last test to look for. */
static char *
totp_code (const char *secret,
           gint64      unix_time)
{
  g_autoptr(GError) error = NULL;
  char *code = teken_totp_code (secret, unix_time, &error);

  g_assert_no_error (error);
  g_ptr_array_add (ca.secrets, g_strdup (code));
  return code;
}

static JsonObject *
send_code (const char *login_token,
           const char *code,
           const char *extra,
           guint      *status)
{
  g_autofree char *json = g_strdup_printf ("{\"login_token\": \"%s\", \"code\": \"%s\"%s}",
                                           login_token, code, extra != NULL ? extra : "");

  return holder_request ("POST", "/api/teken/v1/auth/login/totp", json, NULL, status);
}

static void
assert_token_pair (JsonObject *pair,
                   guint       status)
{
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (pair, "token_type"), ==, "Bearer");
  g_assert_cmpstr (json_object_get_string_member (pair, "scope"), ==, "account");
  g_assert_cmpint (json_object_get_int_member (pair, "expires_in"), ==, 900);
  g_assert_cmpint (json_object_get_int_member (pair, "refresh_expires_in"), ==, 604800);
  g_assert_cmpuint (strlen (json_object_get_string_member (pair, "access_token")), ==, 43);
  g_assert_cmpuint (strlen (json_object_get_string_member (pair, "refresh_token")), ==, 43);
  g_ptr_array_add (ca.secrets, g_strdup (json_object_get_string_member (pair, "access_token")));
  g_ptr_array_add (ca.secrets, g_strdup (json_object_get_string_member (pair, "refresh_token")));
}

/* First sign-in: TOTP set-up, confirmed with a code computed from the
 * secret the server gave; then later sign-ins need a fresh code. */
static void
test_login_totp_setup (void)
{
  guint status = 0;
  g_autoptr(JsonObject) step1 = login (SECOND_EMAIL, SECOND_PASSWORD, &status);
  g_autoptr(JsonObject) wrong = NULL;
  g_autoptr(JsonObject) no_name = NULL;
  g_autoptr(JsonObject) pair = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) replayed = NULL;
  g_autoptr(JsonObject) next = NULL;
  g_autoptr(JsonObject) bogus = NULL;
  g_autofree char *code = NULL;
  g_autofree char *wrong_code = NULL;
  g_autofree char *next_code = NULL;
  JsonObject *setup;
  const char *token;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (step1, "next"), ==, "totp_setup");
  g_assert_cmpint (json_object_get_int_member (step1, "expires_in"), ==, 300);
  token = json_object_get_string_member (step1, "login_token");
  setup = json_object_get_object_member (step1, "totp_setup");
  ca.second_secret = g_strdup (json_object_get_string_member (setup, "secret"));
  g_ptr_array_add (ca.secrets, g_strdup (ca.second_secret));
  g_assert_cmpuint (strlen (ca.second_secret), ==, 32);
  g_assert_cmpstr (json_object_get_string_member (setup, "issuer"), ==, "Teken CA");
  g_assert_cmpstr (json_object_get_string_member (setup, "account"), ==, SECOND_EMAIL);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (setup, "otpauth_uri"),
                                   "otpauth://totp/Teken%20CA:siti.rahayu%40pns.kotacontoh.go.id?secret="));
  g_assert_nonnull (strstr (json_object_get_string_member (setup, "otpauth_uri"), ca.second_secret));

  code = totp_code (ca.second_secret, now);
  /* A code from another step's neighbour is wrong; so is the device name left out. */
  wrong_code = totp_code (ca.second_secret, now - 300);
  wrong = send_code (token, wrong_code, ", \"device_name\": \"Ponsel kantor\"", &status);
  assert_error (wrong, status, 401, 8205, "totp_invalid");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (wrong, "details"),
                                               "attempts_left"), ==, 4);
  no_name = send_code (token, code, NULL, &status);
  assert_error (no_name, status, 400, 4014, "field_required");

  pair = send_code (token, code, ", \"device_name\": \"Ponsel kantor\"", &status);
  assert_token_pair (pair, status);

  /* The login token is used up. */
  bogus = send_code (token, code, ", \"device_name\": \"Ponsel kantor\"", &status);
  assert_error (bogus, status, 401, 8204, "login_token_invalid");

  /* Later: a registered device; the code just used is not accepted again. */
  again = login (SECOND_NIK, SECOND_PASSWORD, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (again, "next"), ==, "totp");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (again, "devices")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (again, "devices"), 0), "name"), ==, "Ponsel kantor");
  token = json_object_get_string_member (again, "login_token");
  replayed = send_code (token, code, NULL, &status);
  assert_error (replayed, status, 401, 8205, "totp_invalid");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (replayed, "details"),
                                               "attempts_left"), ==, 4);

  /* The next step's code (one step either side is accepted). */
  next_code = totp_code (ca.second_secret, now + 30);
  next = send_code (token, next_code, NULL, &status);
  assert_token_pair (next, status);
  ca.second_access = g_strdup (json_object_get_string_member (next, "access_token"));
  ca.second_refresh = g_strdup (json_object_get_string_member (next, "refresh_token"));
}

/* The seeded holder's device (docs/api.md §13), by NIK. */
/* Password checks run in worker threads: parallel sign-ins all succeed. */
static void
test_parallel_login (void)
{
  g_autofree char *uri = g_strconcat (ca.url, "/api/teken/v1/auth/login", NULL);
  static const char request[] = "{\"username\": \"" HOLDER_EMAIL "\", \"password\": \"" HOLDER_PASSWORD "\"}";
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  Parallel parallel = { loop, 6, 0, "\"next\":\"totp\"" };

  for (int i = 0; i < parallel.pending; i++)
    {
      SoupMessage *msg = soup_message_new ("POST", uri);
      g_autoptr(GBytes) body = g_bytes_new_static (request, strlen (request));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      soup_session_send_and_read_async (ca.session, msg, G_PRIORITY_DEFAULT, NULL,
                                        parallel_sent_cb, &parallel);
      g_ptr_array_add (messages, msg);
    }
  g_main_loop_run (loop);

  g_assert_cmpint (parallel.succeeded, ==, 6);
}

static void
test_login_seeded_device (void)
{
  guint status = 0;
  g_autoptr(JsonObject) wrong_password = login (HOLDER_EMAIL, SECOND_PASSWORD, &status);
  g_autoptr(JsonObject) unknown = NULL;
  g_autoptr(JsonObject) step1 = NULL;
  g_autoptr(JsonObject) pair = NULL;
  g_autoptr(JsonObject) bad_type = NULL;
  g_autofree char *code = NULL;
  g_autofree char *device = NULL;

  assert_error (wrong_password, status, 401, 8201, "login_failed");
  unknown = login ("nobody@pns.kotacontoh.go.id", HOLDER_PASSWORD, &status);
  assert_error (unknown, status, 401, 8201, "login_failed");
  bad_type = holder_request ("POST", "/api/teken/v1/auth/login", "{\"username\": 1, \"password\": \"x\"}",
                             NULL, &status);
  assert_error (bad_type, status, 400, 4015, "field_invalid");

  step1 = login (HOLDER_NIK, HOLDER_PASSWORD, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (step1, "next"), ==, "totp");
  device = g_strdup_printf (", \"device_id\": \"%s\"",
                            json_object_get_string_member (json_array_get_object_element (
                              json_object_get_array_member (step1, "devices"), 0), "id"));
  ca.holder_time = g_get_real_time () / G_USEC_PER_SEC;
  code = totp_code (HOLDER_TOTP_SECRET, ca.holder_time);
  pair = send_code (json_object_get_string_member (step1, "login_token"), code, device, &status);
  assert_token_pair (pair, status);
  ca.holder_access = g_strdup (json_object_get_string_member (pair, "access_token"));
}

static void
test_tokens (void)
{
  guint status = 0;
  g_autoptr(JsonObject) account = holder_request ("GET", "/api/teken/v1/account", NULL, ca.second_access, &status);
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(JsonObject) unknown = NULL;
  g_autoptr(JsonObject) refreshed = NULL;
  g_autoptr(JsonObject) reused = NULL;
  g_autoptr(JsonObject) after_reuse = NULL;
  g_autoptr(JsonObject) logged_out = NULL;
  g_autoptr(JsonObject) after_logout = NULL;
  g_autoptr(JsonObject) refresh_after_logout = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) budi = NULL;
  g_autofree char *json = NULL;
  g_autofree char *new_json = NULL;
  g_autofree char *new_access = NULL;

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (account, "nik"), ==, SECOND_NIK);
  g_assert_cmpstr (json_object_get_string_member (account, "status"), ==, "ISSUE");
  g_assert_true (json_object_get_boolean_member (account, "can_sign"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (account, "id"), "acc_"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (account, "current_certificate_id"), "crt_"));

  missing = holder_request ("GET", "/api/teken/v1/account", NULL, NULL, &status);
  assert_error (missing, status, 401, 8002, "session_invalid");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (missing, "details"), "reason"),
                   ==, "missing");
  unknown = holder_request ("GET", "/api/teken/v1/account", NULL, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &status);
  assert_error (unknown, status, 401, 8002, "session_invalid");

  /* Refresh rotates; the old refresh token presented again ends the session. */
  json = g_strdup_printf ("{\"refresh_token\": \"%s\"}", ca.second_refresh);
  refreshed = holder_request ("POST", "/api/teken/v1/auth/refresh", json, NULL, &status);
  assert_token_pair (refreshed, status);
  new_access = g_strdup (json_object_get_string_member (refreshed, "access_token"));
  g_assert_cmpstr (new_access, !=, ca.second_access);
  reused = holder_request ("POST", "/api/teken/v1/auth/refresh", json, NULL, &status);
  assert_error (reused, status, 401, 8011, "refresh_invalid");
  after_reuse = holder_request ("GET", "/api/teken/v1/account", NULL, new_access, &status);
  assert_error (after_reuse, status, 401, 8002, "session_invalid");
  new_json = g_strdup_printf ("{\"refresh_token\": \"%s\"}",
                              json_object_get_string_member (refreshed, "refresh_token"));
  g_clear_pointer (&reused, json_object_unref);
  reused = holder_request ("POST", "/api/teken/v1/auth/refresh", new_json, NULL, &status);
  assert_error (reused, status, 401, 8011, "refresh_invalid");

  /* Logout ends a session; twice is fine; the holder's other session goes on. */
  budi = holder_request ("GET", "/api/teken/v1/account", NULL, ca.holder_access, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (budi, "nik"), ==, HOLDER_NIK);
  {
    /* The step after the one used at sign-in: within the window, never a replay. */
    g_autofree char *code = totp_code (HOLDER_TOTP_SECRET, ca.holder_time + TEKEN_TOTP_PERIOD);
    g_autoptr(JsonObject) step1 = login (HOLDER_EMAIL, HOLDER_PASSWORD, &status);

    g_assert_cmpuint (status, ==, 200);
    second = send_code (json_object_get_string_member (step1, "login_token"), code, NULL, &status);
    assert_token_pair (second, status);
  }
  logged_out = holder_request ("POST", "/api/teken/v1/auth/logout", NULL,
                               json_object_get_string_member (second, "access_token"), &status);
  g_assert_null (logged_out);
  g_assert_cmpuint (status, ==, 204);
  after_logout = holder_request ("GET", "/api/teken/v1/account", NULL,
                                 json_object_get_string_member (second, "access_token"), &status);
  assert_error (after_logout, status, 401, 8002, "session_invalid");
  g_clear_pointer (&logged_out, json_object_unref);
  logged_out = holder_request ("POST", "/api/teken/v1/auth/logout", NULL,
                               json_object_get_string_member (second, "access_token"), &status);
  g_assert_cmpuint (status, ==, 204);
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"refresh_token\": \"%s\"}", json_object_get_string_member (second, "refresh_token"));
  refresh_after_logout = holder_request ("POST", "/api/teken/v1/auth/refresh", json, NULL, &status);
  assert_error (refresh_after_logout, status, 401, 8011, "refresh_invalid");
  g_clear_pointer (&budi, json_object_unref);
  budi = holder_request ("GET", "/api/teken/v1/account", NULL, ca.holder_access, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* Five failures in a row lock the account for --lock-duration (2 s here);
 * even the right password waits. */
static void
test_lockout (void)
{
  guint status = 0;

  for (int i = 1; i <= 5; i++)
    {
      g_autoptr(JsonObject) failed = login (SECOND_EMAIL, wrong_passphrases[i - 1], &status);

      if (i < 5)
        assert_error (failed, status, 401, 8201, "login_failed");
      else
        {
          assert_error (failed, status, 423, 8202, "account_locked");
          g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (failed, "details"),
                                                           "locked_until"));
        }
    }
  {
    g_autoptr(JsonObject) locked = login (SECOND_EMAIL, SECOND_PASSWORD, &status);

    assert_error (locked, status, 423, 8202, "account_locked");
  }
  g_usleep (2500 * G_TIME_SPAN_MILLISECOND);
  {
    g_autoptr(JsonObject) open = login (SECOND_EMAIL, SECOND_PASSWORD, &status);

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (open, "next"), ==, "totp");
  }
}

static JsonObject *
post_revoke (const char *json,
        guint      *status)
{
  return holder_request ("POST", "/api/teken/v1/certificates/current/revoke", json, ca.holder_access, status);
}

/* docs/api.md §7.6, checked by openssl: the CRL lists the serial at once,
 * OCSP says revoked with the reason, and signing is refused. */
static void
test_revoke (void)
{
  guint status = 0;
  g_autoptr(JsonObject) bad_reason = post_revoke ("{\"reason\": \"privilegeWithdrawn\", \"confirmation\": \"CABUT\","
                                             " \"password\": \"" HOLDER_PASSWORD "\"}", &status);
  g_autoptr(JsonObject) bad_confirmation = NULL;
  g_autoptr(JsonObject) wrong_password = NULL;
  g_autoptr(JsonObject) no_token = NULL;
  g_autoptr(JsonObject) revoked = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) check = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(GBytes) digest = content_digest ();
  g_autoptr(GBytes) crl = NULL;
  g_autofree char *sign = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *crl_path = temp_path ("revoked.crl");
  g_autofree char *issuing = temp_path ("issuing.pem");
  g_autofree char *holder = temp_path ("holder.pem");
  g_autofree char *url = g_strconcat (ca.url, "/pki/ocsp", NULL);
  g_autofree char *crl_output = NULL;
  g_autofree char *ocsp_output = NULL;
  JsonObject *certificate;

  assert_error (bad_reason, status, 422, 8305, "revocation_reason_invalid");
  bad_confirmation = post_revoke ("{\"reason\": \"keyCompromise\", \"confirmation\": \"HAPUS\","
                             " \"password\": \"" HOLDER_PASSWORD "\"}", &status);
  assert_error (bad_confirmation, status, 422, 8304, "revoke_confirmation_mismatch");
  wrong_password = post_revoke ("{\"reason\": \"keyCompromise\", \"confirmation\": \"CABUT\","
                           " \"password\": \"" SECOND_PASSWORD "\"}", &status);
  assert_error (wrong_password, status, 403, 8209, "reauth_failed");
  no_token = holder_request ("POST", "/api/teken/v1/certificates/current/revoke",
                             "{\"reason\": \"keyCompromise\", \"confirmation\": \"CABUT\"}", NULL, &status);
  assert_error (no_token, status, 401, 8002, "session_invalid");

  revoked = post_revoke ("{\"reason\": \"keyCompromise\", \"confirmation\": \" cabut \","
                    " \"password\": \"" HOLDER_PASSWORD "\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (revoked, "status"), ==, "REVOKE");
  certificate = json_object_get_object_member (revoked, "certificate");
  g_assert_cmpstr (json_object_get_string_member (certificate, "status"), ==, "REVOKE");
  g_assert_cmpstr (json_object_get_string_member (certificate, "revocation_reason"), ==, "keyCompromise");
  g_assert_nonnull (json_object_get_string_member (certificate, "revoked_at"));
  g_assert_cmpstr (json_object_get_string_member (certificate, "common_name"), ==, "BUDI SANTOSO CONTOH");
  serial = g_strdup (json_object_get_string_member (certificate, "serial"));

  /* The CRL fetched before (test_crl) is not served again. */
  crl = send_request ("GET", "/pki/crl", NULL, NULL, FALSE, &status);
  g_assert_cmpuint (status, ==, 200);
  write_file ("revoked.crl", crl);
  {
    const char * const argv[] = { "openssl", "crl", "-inform", "DER", "-in", crl_path, "-noout", "-text",
                                  "-CAfile", issuing, NULL };
    g_autofree char *entry = g_strdup_printf ("Serial Number: %s", serial);

    g_assert_cmpint (run_tool (argv, &crl_output), ==, 0);
    g_assert_nonnull (strstr (crl_output, "verify OK"));
    g_assert_nonnull (strstr (crl_output, entry));
    g_assert_nonnull (strstr (crl_output, "Key Compromise"));
  }
  {
    const char * const argv[] = { "openssl", "ocsp", "-issuer", issuing, "-cert", holder,
                                  "-url", url, "-CAfile", ca.root_pem, NULL };

    g_assert_cmpint (run_tool (argv, &ocsp_output), ==, 0);
    g_assert_nonnull (strstr (ocsp_output, "Response verify OK"));
    g_assert_nonnull (strstr (ocsp_output, "holder.pem: revoked"));
    g_assert_nonnull (strstr (ocsp_output, "Reason: keyCompromise"));
  }

  sign = sign_request (HOLDER_PASSPHRASE, digest);
  refused = post_json ("/api/v2/sign/hash/pdf", sign, &status);
  assert_error (refused, status, 400, 2021, "no_active_certificate");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (refused, "details"), "status"),
                   ==, "REVOKE");
  check = post_json ("/api/v2/user/check/status", "{\"nik\": \"" HOLDER_NIK "\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (check, "status"), ==, "REVOKE");

  /* Final: revoking again is refused. */
  again = post_revoke ("{\"reason\": \"unspecified\", \"confirmation\": \"CABUT\","
                  " \"password\": \"" HOLDER_PASSWORD "\"}", &status);
  assert_error (again, status, 409, 8303, "wrong_status");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (again, "details"), "status"),
                   ==, "REVOKE");
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, NULL))
    return FALSE;
  return memmem (data, length, needle, strlen (needle)) != NULL;
}

/* The registries' digits as one file, to tell a code that is part of a
 * NIK or NIP from one the database stored. */
static char *
db_digits (void)
{
  const char *seed = g_getenv ("TEKEN_CA_SEED");
  g_autofree char *base = g_path_get_dirname (seed);
  g_autoptr(GString) all = g_string_new (NULL);
  const char * const files[] = { "population.csv", "personnel.csv" };
  g_autoptr(GBytes) bytes = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (base, files[i], NULL);
      g_autofree char *data = NULL;

      g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
      g_string_append (all, data);
    }
  bytes = g_bytes_new (all->str, all->len);
  write_file ("registries.txt", bytes);
  return temp_path ("registries.txt");
}

static void
test_no_secrets_logged (void)
{
  g_autofree char *output = stop_server ();
  g_autofree char *db = g_build_filename (ca.data_dir, "teken-ca.db", NULL);
  g_autofree char *wal = g_build_filename (ca.data_dir, "teken-ca.db-wal", NULL);
  g_autofree char *db_text = db_digits ();

  /* It logged the requests, at debug level too... */
  g_assert_nonnull (strstr (output, "POST /api/v2/sign/hash/pdf 200"));
  /* The NIK of the chain endpoint's path is not logged. */
  g_assert_nonnull (strstr (output, "GET /api/v2/user/certificate/chain/{nik} 200"));
  g_assert_null (strstr (output, "chain/" HOLDER_NIK));
  /* Sign-in and revocation, answered from worker threads, are logged too. */
  g_assert_nonnull (strstr (output, "POST /api/teken/v1/auth/login 200"));
  g_assert_nonnull (strstr (output, "POST /api/teken/v1/auth/login 423 8202"));
  g_assert_nonnull (strstr (output, "POST /api/teken/v1/certificates/current/revoke 200"));
  /* ...but none of the secrets it was given. */
  g_assert_null (strstr (output, HOLDER_PASSPHRASE));
  for (gsize i = 0; i < G_N_ELEMENTS (wrong_passphrases); i++)
    g_assert_null (strstr (output, wrong_passphrases[i]));
  g_assert_null (strstr (output, ca.client_secret));
  g_assert_false (file_contains (db, HOLDER_PASSPHRASE));
  g_assert_false (file_contains (wal, HOLDER_PASSPHRASE));
  g_assert_false (file_contains (db, ca.client_secret));

  /* Sign-in secrets: passwords, TOTP secrets, codes, tokens (§14). */
  for (gsize i = 0; i < ca.secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (ca.secrets, i);

      g_assert_null (strstr (output, secret));
      g_assert_false (file_contains (wal, secret));
      /* A six-digit code could be part of a NIK or NIP by chance. */
      if (strlen (secret) > 6 || !file_contains (db_text, secret))
        g_assert_false (file_contains (db, secret));
    }
  {
    const char * const fixed[] = { HOLDER_PASSWORD, SECOND_PASSWORD, HOLDER_TOTP_SECRET, SECOND_PASSPHRASE };

    for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
      {
        g_assert_null (strstr (output, fixed[i]));
        g_assert_false (file_contains (db, fixed[i]));
        g_assert_false (file_contains (wal, fixed[i]));
      }
  }
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

int
main (int    argc,
      char **argv)
{
  g_autofree char *leftover = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);

  start_server ();

  g_test_add_func ("/ca/data-dir", test_data_dir);
  g_test_add_func ("/ca/info", test_info);
  g_test_add_func ("/ca/admin-client-add", test_admin_client_add);
  g_test_add_func ("/ca/check-status", test_check_status);
  g_test_add_func ("/ca/request-errors", test_request_errors);
  g_test_add_func ("/ca/sign-hash", test_sign_hash);
  g_test_add_func ("/ca/ca-certificates", test_ca_certificates);
  g_test_add_func ("/ca/chain", test_chain);
  g_test_add_func ("/ca/crl", test_crl);
  g_test_add_func ("/ca/ocsp", test_ocsp);
  g_test_add_func ("/ca/tsa", test_tsa);
  g_test_add_func ("/ca/sign-hash-lt", test_sign_hash_lt);
  g_test_add_func ("/ca/parallel-signing", test_parallel_signing);
  g_test_add_func ("/ca/login-totp-setup", test_login_totp_setup);
  g_test_add_func ("/ca/login-seeded-device", test_login_seeded_device);
  g_test_add_func ("/ca/parallel-login", test_parallel_login);
  g_test_add_func ("/ca/tokens", test_tokens);
  g_test_add_func ("/ca/lockout", test_lockout);
  g_test_add_func ("/ca/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/ca/revoke", test_revoke);
  g_test_add_func ("/ca/no-secrets-logged", test_no_secrets_logged);

  result = g_test_run ();

  /* No stray server, whatever failed. */
  leftover = stop_server ();
  g_clear_object (&ca.session);
  g_clear_pointer (&ca.cms, g_bytes_unref);
  remove_tree (ca.dir);
  g_free (ca.dir);
  g_free (ca.data_dir);
  g_free (ca.root_pem);
  g_free (ca.url);
  g_free (ca.client_secret);
  g_free (ca.second_secret);
  g_free (ca.second_access);
  g_free (ca.second_refresh);
  g_free (ca.holder_access);
  g_clear_pointer (&ca.secrets, g_ptr_array_unref);
  return result;
}
