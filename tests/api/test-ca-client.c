/* test-ca-client.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The CA client against a real teken-ca over HTTPS on loopback: every call
 * the server answers today, the errors it maps, sessions in the test
 * session's gnome-keyring, remote signing checked by pdfsig and our own
 * verifier, and an HTTP log without secrets. Failures the server cannot be
 * made to produce (garbage, a hang, a gateway error) come from a second,
 * tiny HTTPS server in this process: a real peer on a real socket.
 *
 * The tests share one teken-ca and run in order: holders' keys get locked
 * and certificates revoked as they go. Budi signs and signs in with his
 * seeded device, Siti signs in for the first time and has her key locked,
 * Dewi revokes her certificate. */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <openssl/ocsp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <string.h>

#include "teken-ca-client.h"
#include "teken-cms.h"
#include "teken-openssl-private.h"
#include "teken-pdf-signing.h"
#include "teken-pdf-verifier.h"
#include "teken-remote-signer.h"
#include "teken-session-store.h"
#include "teken-test-ca.h"
#include "teken-totp.h"
#include "teken-x509-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OCSP_REQUEST, OCSP_REQUEST_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_REQ, TS_REQ_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_RESP, TS_RESP_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_MSG_IMPRINT, TS_MSG_IMPRINT_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_ALGOR, X509_ALGOR_free)

static TekenTestCa *ca;
static char *self_path;              /* this program, to run a child */
static gint64 budi_last_step;        /* TOTP steps are single use (docs/api.md §6.1) */
static TekenCaSession *budi_session; /* from /api/login */

/* -- helpers -------------------------------------------------------------- */

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static TekenSecret *
secret (const char *text)
{
  return teken_secret_new (text, -1);
}

static TekenCaClient *
new_client (gboolean with_credentials)
{
  g_autoptr(GError) error = NULL;
  TekenCaClient *client = teken_ca_client_new (ca->url, ca->root_pem, &error);

  g_assert_no_error (error);
  if (with_credentials)
    {
      g_autoptr(TekenSecret) client_secret = secret (ca->client_secret);

      teken_ca_client_set_client_credentials (client, ca->client_id, client_secret);
    }
  g_object_set (client, "retry-delay", 20, NULL);
  return client;
}

static JsonObject *
call (TekenCaClient              *client,
      TekenCaEndpoint             endpoint,
      const char * const         *path_args,
      JsonObject                 *body,
      const TekenCaSecretMember  *secrets,
      GError                    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  teken_ca_client_call_async (client, endpoint, path_args, NULL, body, secrets, NULL, got_result, &result);
  return teken_ca_client_call_finish (client, wait_for (&result), error);
}

static GBytes *
fetch (TekenCaClient       *client,
       TekenCaEndpoint      endpoint,
       GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  teken_ca_client_fetch_async (client, endpoint, NULL, NULL, NULL, NULL, NULL, got_result, &result);
  return teken_ca_client_fetch_finish (client, wait_for (&result), NULL, error);
}

static TekenCaStatus *
check_status (TekenCaClient  *client,
              const char     *nik,
              const char     *email,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  teken_ca_client_check_status_async (client, nik, email, NULL, got_result, &result);
  return teken_ca_client_check_status_finish (client, wait_for (&result), error);
}

static TekenCaAccountInfo *
get_account (TekenCaClient  *client,
             GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  teken_ca_client_get_account_async (client, NULL, got_result, &result);
  return teken_ca_client_get_account_finish (client, wait_for (&result), error);
}

static GBytes *
digest_of (const char *text)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) text, -1);
  g_checksum_get_digest (checksum, digest, &length);
  return g_bytes_new (digest, length);
}

static GHashTable *
new_digests (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
}

static GHashTable *
sign_hash (TekenCaClient  *client,
           const char     *nik,
           const char     *passphrase,
           GHashTable     *digests,
           const char     *level,
           JsonObject    **validation,
           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TekenSecret) pass = secret (passphrase);

  teken_ca_client_sign_hash_async (client, nik, NULL, pass, NULL, digests, level, NULL, got_result, &result);
  return teken_ca_client_sign_hash_finish (client, wait_for (&result), validation, error);
}

/* A code for a TOTP step after @last_step, waiting when the next step is
 * not yet within the server's window of one step either side. */
static char *
totp_code_after (const char *totp_secret,
                 gint64     *last_step)
{
  g_autoptr(GError) error = NULL;
  gint64 now_step = g_get_real_time () / G_USEC_PER_SEC / TEKEN_TOTP_PERIOD;
  gint64 step = MAX (now_step, *last_step + 1);
  char *code;

  while (step > now_step + 1)
    {
      g_usleep (G_USEC_PER_SEC);
      now_step = g_get_real_time () / G_USEC_PER_SEC / TEKEN_TOTP_PERIOD;
    }

  *last_step = step;
  code = teken_totp_code (totp_secret, step * TEKEN_TOTP_PERIOD, &error);
  g_assert_no_error (error);
  return code;
}

static TekenCaLoginStep *
login (TekenCaClient  *client,
       const char     *username,
       const char     *password,
       GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TekenSecret) pass = secret (password);

  teken_ca_client_login_async (client, username, pass, NULL, got_result, &result);
  return teken_ca_client_login_finish (client, wait_for (&result), error);
}

static TekenCaSession *
send_code (TekenCaClient     *client,
           TekenCaLoginStep  *step,
           const char        *code,
           const char        *device,
           GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TekenSecret) code_secret = secret (code);

  teken_ca_client_login_totp_async (client, step, code_secret, device, NULL, got_result, &result);
  return teken_ca_client_login_totp_finish (client, wait_for (&result), error);
}

/* Budi signs in with his seeded device. */
static TekenCaSession *
login_budi (TekenCaClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenCaLoginStep) step = login (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSWORD, &error);
  g_autofree char *code = NULL;
  TekenCaSession *session;

  g_assert_no_error (error);
  g_assert_cmpint (step->next, ==, TEKEN_CA_LOGIN_NEXT_TOTP);
  code = totp_code_after (TEKEN_TEST_BUDI_TOTP_SECRET, &budi_last_step);
  session = send_code (client, step, code, NULL, &error);
  g_assert_no_error (error);
  return session;
}

static guint
count_in_log (const char *needle)
{
  g_autofree char *log = NULL;
  guint count = 0;

  g_assert_true (g_file_get_contents (ca->log_path, &log, NULL, NULL));
  for (const char *p = log; (p = strstr (p, needle)) != NULL; p++)
    count++;
  return count;
}

static void
assert_ca_error (const GError *error,
                 int           code)
{
  g_assert_error (error, TEKEN_CA_ERROR, code);
  g_assert_cmpuint (strlen (error->message), >, 10);
  g_assert_null (strstr (error->message, "{"));
}

/* -- the endpoint table against docs/api.md ------------------------------- */

static char *
api_md (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docs", "api.md", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static TekenCaAuth
auth_from_doc (const char *doc)
{
  if (g_str_has_prefix (doc, "none"))
    return TEKEN_CA_AUTH_NONE;
  if (g_str_equal (doc, "client (Basic only)"))
    return TEKEN_CA_AUTH_CLIENT;
  if (g_str_equal (doc, "client, holder"))
    return TEKEN_CA_AUTH_CLIENT_OR_HOLDER;
  if (g_str_equal (doc, "link"))
    return TEKEN_CA_AUTH_LINK;
  /* holder, enroll, verifier and their combinations: the session's token. */
  g_assert_true (strstr (doc, "holder") != NULL || strstr (doc, "enroll") != NULL ||
                 strstr (doc, "verifier") != NULL);
  return TEKEN_CA_AUTH_SESSION;
}

/* §1 lists 69 endpoints; the client's table must have each, with the same
 * method, path and authentication, and §2.7's retry class. */
static void
test_endpoint_table (void)
{
  g_autofree char *all = api_md ();
  g_autofree char *doc = NULL;
  g_autoptr(GRegex) row = g_regex_new ("^\\| (\\d+) \\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)`[^|]*\\| ([^|]+) \\|",
                                       G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  gboolean seen[TEKEN_CA_N_ENDPOINTS] = { FALSE };
  guint rows = 0;
  /* §2.7: POSTs that are safe; PUT/PATCH/DELETE/POST that are idempotent. */
  const guint safe_posts[] = { 3, 10, 30, 61, 67, 69 };
  const guint idempotent[] = { 9, 11, 12, 28, 29, 46, 21 };
  const char *start = strstr (all, "\n## 1. Endpoints");
  const char *end = start != NULL ? strstr (start, "\n## 2. ") : NULL;

  /* §1 only: later sections have tables of numbered calls too. */
  g_assert_nonnull (end);
  doc = g_strndup (start, end - start);
  g_regex_match (row, doc, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *number_text = g_match_info_fetch (match, 1);
      g_autofree char *method = g_match_info_fetch (match, 2);
      g_autofree char *path = g_match_info_fetch (match, 3);
      g_autofree char *auth = g_strstrip (g_match_info_fetch (match, 4));
      g_autofree char *full_path = NULL;
      guint number = atoi (number_text);
      gboolean found = FALSE;

      if (g_str_has_prefix (path, "{T}"))
        full_path = g_strconcat ("/api/teken/v1", path + 3, NULL);
      else
        full_path = g_strdup (path);

      for (guint e = 0; e < TEKEN_CA_N_ENDPOINTS; e++)
        {
          const TekenCaEndpointInfo *info = teken_ca_endpoint_get_info (e);
          TekenCaRetry retry = TEKEN_CA_RETRY_NEVER;

          if (info->number != number || !g_str_equal (info->path, full_path))
            continue;
          found = seen[e] = TRUE;
          g_assert_cmpstr (info->method, ==, method);
          g_assert_cmpint (info->auth, ==, auth_from_doc (auth));

          if (g_str_equal (method, "GET"))
            retry = TEKEN_CA_RETRY_SAFE;
          for (gsize i = 0; i < G_N_ELEMENTS (safe_posts); i++)
            if (safe_posts[i] == number)
              retry = TEKEN_CA_RETRY_SAFE;
          for (gsize i = 0; i < G_N_ELEMENTS (idempotent); i++)
            if (idempotent[i] == number)
              retry = TEKEN_CA_RETRY_IDEMPOTENT;
          g_assert_cmpint (info->retry, ==, retry);
        }
      if (!found)
        g_error ("docs/api.md endpoint %u (%s %s) is not in the client's table", number, method, path);

      rows++;
      g_match_info_next (match, NULL);
    }

  g_assert_cmpuint (rows, ==, 69);
  /* And nothing in the table that the page does not list, but for the
   * BSrE entity path of hash signing (§9.2). */
  for (guint e = 0; e < TEKEN_CA_N_ENDPOINTS; e++)
    if (e != TEKEN_CA_ENDPOINT_SIGN_HASH_ENTITY)
      g_assert_true (seen[e]);
}

/* Every status_code of §3.2 has its name, and a sentence of its own. */
static void
test_error_codes (void)
{
  g_autofree char *doc = api_md ();
  g_autoptr(GRegex) row = g_regex_new ("^\\| (\\d{4}) \\| \\d{3}[^|]*\\| `(\\w+)` \\|", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  guint rows = 0;

  g_regex_match (row, doc, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *code_text = g_match_info_fetch (match, 1);
      g_autofree char *name = g_match_info_fetch (match, 2);
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;
      int code = atoi (code_text);

      g_assert_cmpstr (teken_ca_error_code_to_name (code), ==, name);
      g_assert_cmpint (teken_ca_error_code_from_name (name), ==, code);

      /* The client's sentence, not the server's, even when details lack. */
      json = g_strdup_printf ("{\"error\": \"%s\", \"status_code\": %d, \"message\": \"SERVER SENTENCE\"}", name, code);
      body = json_from_string (json, NULL);
      error = teken_ca_error_new_from_response (400, body, "abc");
      g_assert_error (error, TEKEN_CA_ERROR, code);
      g_assert_cmpstr (teken_ca_error_get_name (error), ==, name);
      g_assert_cmpstr (teken_ca_error_get_request_id (error), ==, "abc");
      if (strchr (error->message, '{') != NULL)
        g_error ("code %d left a placeholder: %s", code, error->message);
      rows++;
      g_match_info_next (match, NULL);
    }

  g_assert_cmpuint (rows, ==, 73);
}

static GError *
error_from (guint       http,
            const char *json)
{
  g_autoptr(JsonNode) body = json != NULL ? json_from_string (json, NULL) : NULL;

  return teken_ca_error_new_from_response (http, body, NULL);
}

/* Details fill the sentence; shapes other than teken-ca's are understood. */
static void
test_error_mapping (void)
{
  g_autoptr(GError) wrong = error_from (400, "{\"error\": \"wrong_passphrase\", \"status_code\": 2031,"
                                             " \"message\": \"x\", \"details\": {\"attempts_left\": 3}}");
  g_autoptr(GError) field = error_from (400, "{\"error\": \"field_required\", \"status_code\": 4014,"
                                             " \"message\": \"x\", \"details\": {\"field\": \"employment.unit\"}}");
  g_autoptr(GError) missing = error_from (409, "{\"error\": \"enrollment_incomplete\", \"status_code\": 8107,"
                                               " \"message\": \"x\", \"details\": {\"missing\": [\"selfie\", \"personal\"]}}");
  g_autoptr(GError) unknown = error_from (409, "{\"error\": \"something_new\", \"status_code\": 8999,"
                                               " \"message\": \"Kalimat dari server.\"}");
  g_autoptr(GError) bsre = error_from (400, "{\"error\": \"Passphrase anda salah\", \"status_code\": 2031}");
  g_autoptr(GError) bsre_unknown = error_from (400, "{\"error\": \"Terjadi kesalahan lain\", \"status_code\": 5001}");
  g_autoptr(GError) spring = error_from (401, "{\"timestamp\": \"2022-06-24T12:12:23.649+0000\", \"status\": 401,"
                                              " \"error\": \"Unauthorized\", \"path\": \"/api/v2/sign/pdf\"}");
  g_autoptr(GError) gateway = error_from (502, NULL);
  g_autoptr(GError) broken = error_from (500, NULL);
  g_autoptr(GError) teapot = error_from (418, NULL);

  assert_ca_error (wrong, TEKEN_CA_ERROR_WRONG_PASSPHRASE);
  g_assert_nonnull (strstr (wrong->message, "3"));
  g_assert_cmpint (teken_ca_error_get_attempts_left (wrong), ==, 3);
  g_assert_cmpuint (teken_ca_error_get_http_status (wrong), ==, 400);
  assert_ca_error (field, TEKEN_CA_ERROR_FIELD_REQUIRED);
  g_assert_true (g_str_has_prefix (field->message, "Work unit"));
  assert_ca_error (missing, TEKEN_CA_ERROR_ENROLLMENT_INCOMPLETE);
  g_assert_nonnull (strstr (missing->message, "selfie, personal data"));
  g_assert_error (unknown, TEKEN_CA_ERROR, TEKEN_CA_ERROR_FAILED);
  g_assert_cmpstr (unknown->message, ==, "Kalimat dari server.");
  /* BSrE: a known code gets our sentence; with no details to fill it,
   * the server's own sentence. */
  g_assert_error (bsre, TEKEN_CA_ERROR, TEKEN_CA_ERROR_WRONG_PASSPHRASE);
  g_assert_cmpint (teken_ca_error_get_attempts_left (bsre), ==, -1);
  g_assert_error (bsre_unknown, TEKEN_CA_ERROR, TEKEN_CA_ERROR_FAILED);
  g_assert_cmpstr (bsre_unknown->message, ==, "Terjadi kesalahan lain");
  assert_ca_error (spring, TEKEN_CA_ERROR_CLIENT_UNAUTHORIZED);
  assert_ca_error (gateway, TEKEN_CA_ERROR_SERVICE_UNAVAILABLE);
  assert_ca_error (broken, TEKEN_CA_ERROR_INTERNAL_ERROR);
  assert_ca_error (teapot, TEKEN_CA_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (teapot->message, "418"));

  /* The private data survives a copy (GTask hands errors on). */
  {
    g_autoptr(GError) copy = g_error_copy (wrong);

    g_assert_cmpint (teken_ca_error_get_attempts_left (copy), ==, 3);
    g_assert_cmpstr (teken_ca_error_get_name (copy), ==, "wrong_passphrase");
  }
}

/* -- the calls teken-ca answers today ---------------------------------------- */

static void
test_info (void)
{
  g_autoptr(TekenCaClient) client = new_client (FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;

  teken_ca_client_get_info_async (client, NULL, got_result, &result);
  info = teken_ca_client_call_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (info, "server"), ==, "teken-ca");
  g_assert_cmpint (json_object_get_int_member (info, "api_version"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (info, "limits"), "max_cms_size"),
                   ==, TEKEN_CA_MAX_CMS_SIZE);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (info, "limits"), "max_documents"),
                   ==, TEKEN_CA_MAX_DIGESTS);
}

static void
test_check_status (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(TekenCaStatus) budi = NULL;
  g_autoptr(TekenCaStatus) by_email = NULL;
  g_autoptr(TekenCaStatus) unknown = NULL;
  g_autoptr(GError) error = NULL;

  budi = check_status (client, TEKEN_TEST_BUDI_NIK, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (budi->status, ==, "ISSUE");
  g_assert_cmpint (budi->status_code, ==, 1111);
  g_assert_cmpstr (budi->verification_status, ==, "VERIFIED");
  g_assert_true (teken_ca_status_is_active (budi));
  g_assert_cmpstr (teken_ca_status_describe (budi->status), ==, "The certificate is active and can sign.");

  by_email = check_status (client, NULL, TEKEN_TEST_SITI_EMAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_email->status, ==, "ISSUE");

  unknown = check_status (client, TEKEN_TEST_UNREGISTERED_NIK, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unknown->status, ==, "NOT_REGISTERED");
  g_assert_cmpint (unknown->status_code, ==, 1110);
  g_assert_null (unknown->verification_status);
  g_assert_false (teken_ca_status_is_active (unknown));
}

/* No credentials: refused here, nothing sent; wrong ones: 8001. */
static void
test_client_credentials (void)
{
  g_autoptr(TekenCaClient) none = new_client (FALSE);
  g_autoptr(TekenCaClient) wrong = new_client (FALSE);
  g_autoptr(TekenSecret) wrong_secret = secret ("not-the-secret");
  g_autoptr(TekenCaStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  guint requests = count_in_log ("POST /api/v2/user/check/status");

  status = check_status (none, TEKEN_TEST_BUDI_NIK, NULL, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_NO_CREDENTIALS);
  g_assert_cmpuint (count_in_log ("POST /api/v2/user/check/status"), ==, requests);
  g_clear_error (&error);

  teken_ca_client_set_client_credentials (wrong, ca->client_id, wrong_secret);
  status = check_status (wrong, TEKEN_TEST_BUDI_NIK, NULL, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_CLIENT_UNAUTHORIZED);
  g_assert_cmpuint (teken_ca_error_get_http_status (error), ==, 401);
  g_assert_nonnull (teken_ca_error_get_request_id (error));
  g_assert_null (strstr (error->message, "not-the-secret"));
}

static X509 *
x509_from (GBytes *der)
{
  const guint8 *p = g_bytes_get_data (der, NULL);

  return d2i_X509 (NULL, &p, g_bytes_get_size (der));
}

static void
test_chain (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) unknown_result = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GPtrArray) unknown = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(X509) leaf = NULL;
  char name[256];

  teken_ca_client_get_chain_async (client, TEKEN_TEST_BUDI_NIK, NULL, got_result, &result);
  chain = teken_ca_client_get_chain_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chain->len, ==, 3);
  leaf = x509_from (g_ptr_array_index (chain, 0));
  g_assert_nonnull (leaf);
  X509_NAME_get_text_by_NID (X509_get_subject_name (leaf), NID_commonName, name, sizeof name);
  g_assert_cmpstr (name, ==, "BUDI SANTOSO CONTOH");

  teken_ca_client_get_chain_async (client, TEKEN_TEST_UNREGISTERED_NIK, NULL, got_result, &unknown_result);
  unknown = teken_ca_client_get_chain_finish (client, wait_for (&unknown_result), &error);
  g_assert_null (unknown);
  assert_ca_error (error, TEKEN_CA_ERROR_USER_NOT_REGISTERED);
}

static void
test_pki (void)
{
  g_autoptr(TekenCaClient) client = new_client (FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pem = fetch (client, TEKEN_CA_ENDPOINT_PKI_CA, &error);
  g_autoptr(GBytes) root = NULL;
  g_autoptr(GBytes) issuing = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(GBytes) root_crl = NULL;
  g_autoptr(X509) root_cert = NULL;
  g_autoptr(X509) issuing_cert = NULL;
  g_autofree char *root_pem = NULL;
  const guint8 *p;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (ca->root_pem, &root_pem, NULL, NULL));
  g_assert_true (g_str_has_suffix (g_bytes_get_data (pem, NULL), root_pem));

  root = fetch (client, TEKEN_CA_ENDPOINT_PKI_ROOT, &error);
  g_assert_no_error (error);
  root_cert = x509_from (root);
  g_assert_nonnull (root_cert);
  g_assert_cmpint (X509_check_issued (root_cert, root_cert), ==, X509_V_OK);

  issuing = fetch (client, TEKEN_CA_ENDPOINT_PKI_ISSUING, &error);
  g_assert_no_error (error);
  issuing_cert = x509_from (issuing);
  g_assert_cmpint (X509_check_issued (root_cert, issuing_cert), ==, X509_V_OK);

  crl = fetch (client, TEKEN_CA_ENDPOINT_PKI_CRL, &error);
  g_assert_no_error (error);
  p = g_bytes_get_data (crl, NULL);
  {
    g_autoptr(X509_CRL) parsed = d2i_X509_CRL (NULL, &p, g_bytes_get_size (crl));

    g_assert_nonnull (parsed);
    g_assert_cmpint (X509_CRL_verify (parsed, X509_get0_pubkey (issuing_cert)), ==, 1);
  }

  root_crl = fetch (client, TEKEN_CA_ENDPOINT_PKI_ROOT_CRL, &error);
  g_assert_no_error (error);
  p = g_bytes_get_data (root_crl, NULL);
  {
    g_autoptr(X509_CRL) parsed = d2i_X509_CRL (NULL, &p, g_bytes_get_size (root_crl));

    g_assert_nonnull (parsed);
    g_assert_cmpint (X509_CRL_verify (parsed, X509_get0_pubkey (root_cert)), ==, 1);
  }
}

static int
ocsp_status (TekenCaClient *client,
             X509          *holder,
             X509          *issuer,
             gboolean       use_get)
{
  g_autoptr(OCSP_REQUEST) request = OCSP_REQUEST_new ();
  OCSP_CERTID *id = OCSP_cert_to_id (EVP_sha1 (), holder, issuer);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) request_der = NULL;
  g_autoptr(GBytes) response_der = NULL;
  g_autoptr(OCSP_RESPONSE) response = NULL;
  g_autoptr(OCSP_BASICRESP) basic = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  unsigned char *der = NULL;
  const guint8 *p;
  int length;
  int status = -1;
  int reason = -1;

  g_assert_nonnull (OCSP_request_add0_id (request, OCSP_CERTID_dup (id)));
  length = i2d_OCSP_REQUEST (request, &der);
  request_der = g_bytes_new (der, length);
  OPENSSL_free (der);

  teken_ca_client_ocsp_async (client, request_der, use_get, NULL, got_result, &result);
  response_der = teken_ca_client_fetch_finish (client, wait_for (&result), &content_type, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (content_type, ==, "application/ocsp-response");
  p = g_bytes_get_data (response_der, NULL);
  response = d2i_OCSP_RESPONSE (NULL, &p, g_bytes_get_size (response_der));
  g_assert_nonnull (response);
  g_assert_cmpint (OCSP_response_status (response), ==, OCSP_RESPONSE_STATUS_SUCCESSFUL);
  basic = OCSP_response_get1_basic (response);
  g_assert_true (OCSP_resp_find_status (basic, id, &status, &reason, NULL, NULL, NULL));
  OCSP_CERTID_free (id);
  return status;
}

static void
test_ocsp_and_tsa (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(GAsyncResult) chain_result = NULL;
  g_autoptr(GAsyncResult) tsa_result = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(X509) holder = NULL;
  g_autoptr(X509) issuer = NULL;
  g_autoptr(GBytes) digest = digest_of ("a document to timestamp");
  g_autoptr(TS_REQ) query = TS_REQ_new ();
  g_autoptr(TS_MSG_IMPRINT) imprint = TS_MSG_IMPRINT_new ();
  g_autoptr(X509_ALGOR) algorithm = X509_ALGOR_new ();
  g_autoptr(GBytes) query_der = NULL;
  g_autoptr(GBytes) reply_der = NULL;
  g_autoptr(TS_RESP) reply = NULL;
  unsigned char *der = NULL;
  const guint8 *p;
  int length;

  teken_ca_client_get_chain_async (client, TEKEN_TEST_BUDI_NIK, NULL, got_result, &chain_result);
  chain = teken_ca_client_get_chain_finish (client, wait_for (&chain_result), &error);
  g_assert_no_error (error);
  holder = x509_from (g_ptr_array_index (chain, 0));
  issuer = x509_from (g_ptr_array_index (chain, 1));

  /* RFC 6960, POST and the GET form of A.1. */
  g_assert_cmpint (ocsp_status (client, holder, issuer, FALSE), ==, V_OCSP_CERTSTATUS_GOOD);
  g_assert_cmpint (ocsp_status (client, holder, issuer, TRUE), ==, V_OCSP_CERTSTATUS_GOOD);

  /* RFC 3161: granted, over the imprint sent. */
  X509_ALGOR_set0 (algorithm, OBJ_nid2obj (NID_sha256), V_ASN1_NULL, NULL);
  TS_MSG_IMPRINT_set_algo (imprint, algorithm);
  TS_MSG_IMPRINT_set_msg (imprint, (unsigned char *) g_bytes_get_data (digest, NULL), g_bytes_get_size (digest));
  TS_REQ_set_version (query, 1);
  TS_REQ_set_msg_imprint (query, imprint);
  TS_REQ_set_cert_req (query, 1);
  length = i2d_TS_REQ (query, &der);
  query_der = g_bytes_new (der, length);
  OPENSSL_free (der);

  teken_ca_client_timestamp_async (client, query_der, NULL, got_result, &tsa_result);
  reply_der = teken_ca_client_fetch_finish (client, wait_for (&tsa_result), NULL, &error);
  g_assert_no_error (error);
  p = g_bytes_get_data (reply_der, NULL);
  reply = d2i_TS_RESP (NULL, &p, g_bytes_get_size (reply_der));
  g_assert_nonnull (reply);
  g_assert_cmpint (ASN1_INTEGER_get (TS_STATUS_INFO_get0_status (TS_RESP_get_status_info (reply))), ==, 0);
  {
    ASN1_OCTET_STRING *message = TS_MSG_IMPRINT_get_msg (TS_TST_INFO_get_msg_imprint (TS_RESP_get_tst_info (reply)));

    g_assert_cmpmem (ASN1_STRING_get0_data (message), ASN1_STRING_length (message),
                     g_bytes_get_data (digest, NULL), g_bytes_get_size (digest));
  }
}

static void
assert_signature_over (GBytes *cms,
                       GBytes *digest)
{
  g_autoptr(GBytes) signed_digest = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (teken_cms_get_message_digest (cms, &signed_digest, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (signed_digest, digest));
}

/* One digest, a batch of three in one request, and level LT with its
 * validation data; what the server would refuse is refused before a
 * passphrase travels. */
static void
test_sign_hash (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(GHashTable) one = new_digests ();
  g_autoptr(GHashTable) three = new_digests ();
  g_autoptr(GHashTable) too_many = new_digests ();
  g_autoptr(GHashTable) bad_key = new_digests ();
  g_autoptr(GHashTable) signatures = NULL;
  g_autoptr(JsonObject) validation = NULL;
  g_autoptr(GError) error = NULL;
  const char * const ids[] = { "surat-1", "nota_dinas.2", "3" };
  guint requests;

  g_hash_table_insert (one, g_strdup ("0"), digest_of ("one"));
  signatures = sign_hash (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE, one, TEKEN_CA_LEVEL_B,
                          &validation, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (signatures), ==, 1);
  assert_signature_over (g_hash_table_lookup (signatures, "0"), g_hash_table_lookup (one, "0"));
  g_assert_null (validation);
  g_clear_pointer (&signatures, g_hash_table_unref);

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    g_hash_table_insert (three, g_strdup (ids[i]), digest_of (ids[i]));
  requests = count_in_log ("POST /api/v2/sign/hash/pdf 200");
  signatures = sign_hash (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE, three, TEKEN_CA_LEVEL_LT,
                          &validation, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_in_log ("POST /api/v2/sign/hash/pdf 200"), ==, requests + 1);
  g_assert_cmpuint (g_hash_table_size (signatures), ==, 3);
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    assert_signature_over (g_hash_table_lookup (signatures, ids[i]), g_hash_table_lookup (three, ids[i]));
  g_assert_nonnull (validation);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (validation, "ocspResponses")), ==, 2);

  for (int i = 0; i <= TEKEN_CA_MAX_DIGESTS; i++)
    g_hash_table_insert (too_many, g_strdup_printf ("d%d", i), digest_of ("x"));
  requests = count_in_log ("POST /api/v2/sign/hash/pdf");
  g_assert_null (sign_hash (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE, too_many, NULL, NULL, &error));
  assert_ca_error (error, TEKEN_CA_ERROR_TOO_MANY_DOCUMENTS);
  g_assert_nonnull (strstr (error->message, "100"));
  g_clear_error (&error);

  g_hash_table_insert (bad_key, g_strdup ("no spaces allowed"), digest_of ("x"));
  g_assert_null (sign_hash (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE, bad_key, NULL, NULL, &error));
  assert_ca_error (error, TEKEN_CA_ERROR_FIELD_INVALID);
  g_assert_cmpuint (count_in_log ("POST /api/v2/sign/hash/pdf"), ==, requests);
}

static JsonObject *
entity_sign_body (GBytes *digest)
{
  JsonObject *body = json_object_new ();
  JsonObject *map = json_object_new ();
  JsonObject *entry = json_object_new ();
  g_autofree char *encoded = g_base64_encode (g_bytes_get_data (digest, NULL), g_bytes_get_size (digest));

  json_object_set_string_member (entry, "documentDigestBase64", encoded);
  json_object_set_string_member (entry, "signatureLevel", TEKEN_CA_LEVEL_B);
  json_object_set_object_member (map, "0", entry);
  json_object_set_string_member (body, "nik", TEKEN_TEST_BUDI_NIK);
  json_object_set_null_member (body, "idSubscriber");
  json_object_set_object_member (body, "signaturePropertiesHashMap", map);
  return body;
}

/* The generic call with a secret member, on BSrE's entity path of hash
 * signing (§9.2): a passphrase with a quote and a backslash arrives intact
 * (wrong, not malformed), then the right one signs. */
static void
test_generic_call_with_secrets (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(GBytes) digest = digest_of ("entity");
  g_autoptr(JsonObject) body = entity_sign_body (digest);
  g_autoptr(TekenSecret) odd = secret ("Sa\"lah\\Frasa9!");
  g_autoptr(TekenSecret) right = secret (TEKEN_TEST_BUDI_PASSPHRASE);
  const TekenCaSecretMember wrong_secrets[] = { { "passphrase", odd }, { NULL, NULL } };
  const TekenCaSecretMember right_secrets[] = { { "passphrase", right }, { NULL, NULL } };
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  const char *cms;

  refused = call (client, TEKEN_CA_ENDPOINT_SIGN_HASH_ENTITY, NULL, body, wrong_secrets, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_WRONG_PASSPHRASE);
  g_assert_cmpint (teken_ca_error_get_attempts_left (error), ==, 4);
  g_clear_error (&error);

  answer = call (client, TEKEN_CA_ENDPOINT_SIGN_HASH_ENTITY, NULL, body, right_secrets, &error);
  g_assert_no_error (error);
  cms = json_object_get_string_member (json_object_get_object_member (json_object_get_object_member (answer, "data"),
                                                                      "cmsSignedDataHashMap"), "0");
  g_assert_nonnull (cms);
  {
    gsize length = 0;
    g_autofree guchar *der = g_base64_decode (cms, &length);
    g_autoptr(GBytes) bytes = g_bytes_new (der, length);

    assert_signature_over (bytes, digest);
  }
}

/* -- remote signing of a PDF ---------------------------------------------- */

static char *work_dir;
static char *nss_dir;

static int
run (const char * const *argv,
     char              **output)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (work_dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (output != NULL)
    *output = g_strconcat (out, err, NULL);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static void
setup_nss (void)
{
  g_autofree char *db = NULL;

  nss_dir = g_build_filename (work_dir, "nssdb", NULL);
  g_mkdir (nss_dir, 0700);
  db = g_strconcat ("sql:", nss_dir, NULL);
  {
    const char * const create[] = { "certutil", "-N", "-d", db, "--empty-password", NULL };
    const char * const add[] = { "certutil", "-A", "-d", db, "-n", "Teken CA root", "-t", "CT,C,C",
                                 "-i", ca->root_pem, NULL };

    g_assert_cmpint (run (create, NULL), ==, 0);
    g_assert_cmpint (run (add, NULL), ==, 0);
  }
}

/* The chain of the signature in @path, checked by NSS's own vfychain
 * (PKIX, e-mail signer usage) against the NSS database that trusts only
 * the CA's root. */
static void
assert_nss_chain_good (const char *path)
{
  g_autofree char *db = g_strconcat ("sql:", nss_dir, NULL);
  g_autofree char *dump_name = g_strconcat (path, ".sig0", NULL);
  const char * const dump[] = { "pdfsig", "-nssdir", db, "-nocert", "-dump", path, NULL };
  g_autofree char *cms = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *output = NULL;
  PKCS7 *p7;
  const guint8 *p;
  gsize length = 0;

  /* pdfsig -dump writes the CMS beside the document: FILE.sig0. */
  g_assert_cmpint (run (dump, NULL), ==, 0);
  g_assert_true (g_file_get_contents (dump_name, &cms, &length, NULL));
  p = (const guint8 *) cms;
  p7 = d2i_PKCS7 (NULL, &p, length);
  g_assert_nonnull (p7);
  g_assert_true (PKCS7_type_is_signed (p7));

  g_ptr_array_add (argv, g_strdup ("vfychain"));
  g_ptr_array_add (argv, g_strdup ("-d"));
  g_ptr_array_add (argv, g_strdup (db));
  g_ptr_array_add (argv, g_strdup ("-pp"));
  g_ptr_array_add (argv, g_strdup ("-u"));
  g_ptr_array_add (argv, g_strdup ("4"));
  /* The signer's certificate first, then the others from the CMS. */
  {
    STACK_OF (X509) *certs = p7->d.sign->cert;
    g_autoptr(X509) signer = NULL;
    g_autoptr(GBytes) cms_bytes = g_bytes_new (cms, length);
    g_autoptr(GError) error = NULL;

    signer = teken_cms_get_signer_certificate (cms_bytes, &error);
    g_assert_no_error (error);
    for (int pass = 0; pass < 2; pass++)
      for (int i = 0; i < sk_X509_num (certs); i++)
        {
          X509 *cert = sk_X509_value (certs, i);
          gboolean is_signer = X509_cmp (cert, signer) == 0;
          unsigned char *der = NULL;
          int der_length;
          g_autofree char *name = NULL;

          if ((pass == 0) != is_signer)
            continue;
          der_length = i2d_X509 (cert, &der);
          name = g_strdup_printf ("%s.cert%d.der", path, i);
          g_assert_true (g_file_set_contents (name, (const char *) der, der_length, NULL));
          OPENSSL_free (der);
          g_ptr_array_add (argv, g_steal_pointer (&name));
        }
  }
  g_ptr_array_add (argv, NULL);
  PKCS7_free (p7);

  g_assert_cmpint (run ((const char * const *) argv->pdata, &output), ==, 0);
  if (strstr (output, "Chain is good!") == NULL)
    g_error ("vfychain refuses the chain of %s:\n%s", path, output);
}

/* pdfsig, NSS's vfychain and our verifier, each trusting only the CA's
 * root. pdfsig 22.12 cannot say "Trusted" for teken-ca's certificates: it
 * reads NSS's last error even after a successful check, and NSS leaves one
 * behind for the https:// OCSP and CRL URLs in them, which it cannot use
 * (docs/api.md §16, question 6) — a test certificate with one such URL
 * shows the same. So the chain is checked by vfychain, the same library
 * asked directly. */
static void
assert_signed_and_valid (const char *path,
                         const char *signer)
{
  g_autofree char *db = g_strconcat ("sql:", nss_dir, NULL);
  const char * const pdfsig[] = { "pdfsig", "-nssdir", db, path, NULL };
  g_autofree char *output = NULL;
  g_autoptr(TekenTrustStore) trust = teken_trust_store_new ();
  g_autoptr(GError) error = NULL;
  TekenDocumentReport *report;
  TekenSignatureReport *signature;

  g_assert_cmpint (run (pdfsig, &output), ==, 0);
  if (strstr (output, "Signature Validation: Signature is Valid.") == NULL ||
      strstr (output, "Total document signed") == NULL || strstr (output, signer) == NULL ||
      (strstr (output, "Certificate Validation: Certificate is Trusted.") == NULL &&
       strstr (output, "Certificate Validation: Unknown issue with Certificate or corrupted data.") == NULL))
    g_error ("pdfsig does not find %s valid:\n%s", path, output);
  assert_nss_chain_good (path);

  g_assert_true (teken_trust_store_add_file (trust, ca->root_pem, &error));
  g_assert_no_error (error);
  report = teken_pdf_verify_file (path, trust, NULL);
  g_assert_cmpint (report->status, ==, TEKEN_VERIFY_VALID);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  signature = g_ptr_array_index (report->signatures, 0);
  g_assert_true (signature->integrity);
  g_assert_cmpstr (signature->trust, ==, "trusted");
  g_assert_cmpint (signature->coverage, ==, TEKEN_COVERAGE_ENTIRE_FILE);
  /* Level T: the CA's TSA dated it. */
  g_assert_true (signature->has_timestamp);
  g_assert_true (signature->timestamp_valid);
  teken_document_report_free (report);
}

static TekenRemoteSigner *
new_remote_signer (TekenCaClient *client,
                   const char    *nik,
                   const char    *passphrase,
                   GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TekenSecret) pass = secret (passphrase);

  teken_remote_signer_new_async (client, nik, TEKEN_REMOTE_SIGNER_PASSPHRASE, pass, NULL, got_result, &result);
  return teken_remote_signer_new_finish (wait_for (&result), error);
}

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("TEKEN_TEST_FIXTURES"), name, NULL);
}

static void
test_remote_signer_pdf (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(TekenRemoteSigner) signer = NULL;
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = fixture ("hand-minimal.pdf");
  g_autofree char *output = g_build_filename (work_dir, "remote-visible.pdf", NULL);
  TekenPdfSignOptions options = { 0 };

  signer = new_remote_signer (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (teken_remote_signer_get_chain (signer)->len, ==, 3);
  g_assert_cmpuint (teken_signer_estimate_size (TEKEN_SIGNER (signer)), ==, TEKEN_CA_MAX_CMS_SIZE);

  document = teken_pdf_document_new_for_path (input, &error);
  g_assert_no_error (error);
  options.visible = TRUE;
  options.x = 36;
  options.y = 36;
  options.width = 220;
  options.height = 80;
  options.reason = "Persetujuan";
  options.location = "Kota Contoh";

  /* teken_pdf_sign() blocks, waiting for the signer on a private context. */
  g_assert_true (teken_pdf_sign (document, output, &options, TEKEN_SIGNER (signer), NULL, &error));
  g_assert_no_error (error);
  assert_signed_and_valid (output, "BUDI SANTOSO CONTOH");
}

typedef struct
{
  TekenRemoteSigner *signer;
  char *input;
  char *output;
} ThreadData;

static void
sign_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ThreadData *data = task_data;
  g_autoptr(TekenPdfDocument) document = NULL;
  TekenPdfSignOptions options = { 0 };
  GError *error = NULL;

  if (!(document = teken_pdf_document_new_for_path (data->input, &error)) ||
      !teken_pdf_sign (document, data->output, &options, TEKEN_SIGNER (data->signer), cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* As the app does it: teken_pdf_sign() in a worker thread, the main loop
 * running meanwhile. */
static void
test_remote_signer_thread (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(TekenRemoteSigner) signer = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = fixture ("cairo-a4.pdf");
  g_autofree char *output = g_build_filename (work_dir, "remote-thread.pdf", NULL);
  ThreadData data;

  signer = new_remote_signer (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE, &error);
  g_assert_no_error (error);

  data.signer = signer;
  data.input = input;
  data.output = output;
  task = g_task_new (NULL, NULL, got_result, &result);
  g_task_set_task_data (task, &data, NULL);
  g_task_run_in_thread (task, sign_in_thread);
  g_assert_true (g_task_propagate_boolean (G_TASK (wait_for (&result)), &error));
  g_assert_no_error (error);
  assert_signed_and_valid (output, "BUDI SANTOSO CONTOH");
}

static void
test_remote_signer_batch (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(TekenRemoteSigner) signer = NULL;
  g_autoptr(GHashTable) digests = new_digests ();
  g_autoptr(GHashTable) signatures = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  signer = new_remote_signer (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 12; i++)
    {
      g_autofree char *id = g_strdup_printf ("doc-%d", i);

      g_hash_table_insert (digests, g_strdup (id), digest_of (id));
    }

  teken_remote_signer_sign_digests_async (signer, digests, NULL, got_result, &result);
  signatures = teken_remote_signer_sign_digests_finish (signer, wait_for (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (signatures), ==, 12);
  for (int i = 0; i < 12; i++)
    {
      g_autofree char *id = g_strdup_printf ("doc-%d", i);
      g_autoptr(X509) signer_cert = teken_cms_get_signer_certificate (g_hash_table_lookup (signatures, id), &error);
      g_autoptr(X509) expected = x509_from (teken_signer_get_certificate (TEKEN_SIGNER (signer)));

      g_assert_no_error (error);
      assert_signature_over (g_hash_table_lookup (signatures, id), g_hash_table_lookup (digests, id));
      g_assert_cmpint (X509_cmp (signer_cert, expected), ==, 0);
    }
}

/* -- signing in --------------------------------------------------------------- */

static void
test_login (void)
{
  g_autoptr(TekenCaClient) client = new_client (FALSE);
  g_autoptr(TekenCaAccountInfo) account = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (teken_ca_client_dup_session (client) != NULL);
  budi_session = login_budi (client);
  g_assert_cmpstr (teken_ca_session_get_account (budi_session), ==, TEKEN_TEST_BUDI_NIK);
  g_assert_cmpstr (teken_ca_session_get_scope (budi_session), ==, "account");
  g_assert_cmpuint (teken_secret_get_length (teken_ca_session_get_access_token (budi_session)), ==, 43);
  g_assert_cmpint (teken_ca_session_get_access_expires_at (budi_session), >,
                   g_get_real_time () / G_USEC_PER_SEC + 800);

  account = get_account (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->nik, ==, TEKEN_TEST_BUDI_NIK);
  g_assert_cmpstr (account->email, ==, TEKEN_TEST_BUDI_EMAIL);
  g_assert_cmpstr (account->status, ==, "ISSUE");
  g_assert_true (account->can_sign);
  g_assert_null (account->cannot_sign_reason);
  g_assert_true (g_str_has_prefix (account->id, "acc_"));
  g_assert_true (g_str_has_prefix (account->current_certificate_id, "crt_"));
}

/* No session: refused before anything is sent. */
static void
test_not_signed_in (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(TekenCaAccountInfo) account = NULL;
  g_autoptr(GError) error = NULL;

  account = get_account (client, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);

  /* The same through the generic call, for an endpoint with no typed one. */
  g_assert_null (call (client, TEKEN_CA_ENDPOINT_ENROLLMENT, NULL, NULL, NULL, &error));
  assert_ca_error (error, TEKEN_CA_ERROR_NOT_SIGNED_IN);
}

static void
test_login_errors (void)
{
  g_autoptr(TekenCaClient) client = new_client (FALSE);
  g_autoptr(TekenCaLoginStep) wrong_password = NULL;
  g_autoptr(TekenCaLoginStep) step = NULL;
  g_autoptr(TekenCaSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong_code = NULL;

  wrong_password = login (client, TEKEN_TEST_BUDI_EMAIL, TEKEN_TEST_SITI_PASSWORD, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_LOGIN_FAILED);
  g_assert_null (strstr (error->message, TEKEN_TEST_SITI_PASSWORD));
  g_clear_error (&error);

  step = login (client, TEKEN_TEST_BUDI_EMAIL, TEKEN_TEST_BUDI_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpint (step->next, ==, TEKEN_CA_LOGIN_NEXT_TOTP);
  g_assert_cmpuint (step->devices->len, ==, 1);
  g_assert_cmpstr (((TekenCaDeviceInfo *) g_ptr_array_index (step->devices, 0))->name, ==, "Ponsel demo");
  g_assert_true (g_str_has_prefix (((TekenCaDeviceInfo *) g_ptr_array_index (step->devices, 0))->id, "dev_"));

  /* A code from ten minutes ago. */
  wrong_code = teken_totp_code (TEKEN_TEST_BUDI_TOTP_SECRET, g_get_real_time () / G_USEC_PER_SEC - 600, &error);
  g_assert_no_error (error);
  session = send_code (client, step, wrong_code, NULL, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_TOTP_INVALID);
  g_assert_cmpint (teken_ca_error_get_attempts_left (error), ==, 4);
  g_assert_null (teken_ca_client_dup_session (client));
}

/* -- refreshing --------------------------------------------------------------- */

static TekenCaSession *
with_bogus_access (TekenCaSession *session,
                   gint64          access_expires_at)
{
  g_autoptr(TekenSecret) bogus = secret ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

  return teken_ca_session_new (teken_ca_session_get_account (session), teken_ca_session_get_scope (session),
                               bogus, access_expires_at, teken_ca_session_get_refresh_token (session),
                               teken_ca_session_get_refresh_expires_at (session));
}

typedef struct
{
  int pending;
  int succeeded;
} Parallel;

static void
account_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Parallel *parallel = user_data;
  g_autoptr(TekenCaAccountInfo) account = NULL;
  g_autoptr(GError) error = NULL;

  account = teken_ca_client_get_account_finish (TEKEN_CA_CLIENT (source), result, &error);
  g_assert_no_error (error);
  parallel->succeeded += account != NULL;
  parallel->pending--;
}

/* An access token the server refuses (8002) is refreshed once, whatever
 * the number of calls that found it ended at the same time; a token the
 * clock says has ended is refreshed before it is sent. */
static void
test_refresh (void)
{
  g_autoptr(TekenCaClient) client = new_client (FALSE);
  g_autoptr(TekenCaSession) bogus = NULL;
  g_autoptr(TekenCaSession) expired = NULL;
  g_autoptr(TekenCaSession) refreshed = NULL;
  g_autoptr(TekenCaAccountInfo) account = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint refreshes = count_in_log ("POST /api/teken/v1/auth/refresh 200");
  guint refused = count_in_log ("GET /api/teken/v1/account 401");
  Parallel parallel = { 5, 0 };

  g_assert_nonnull (budi_session);
  bogus = with_bogus_access (budi_session, now + 900);
  teken_ca_client_set_session (client, bogus);
  for (int i = 0; i < parallel.pending; i++)
    teken_ca_client_get_account_async (client, NULL, account_done_cb, &parallel);
  while (parallel.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (parallel.succeeded, ==, 5);
  g_assert_cmpuint (count_in_log ("POST /api/teken/v1/auth/refresh 200"), ==, refreshes + 1);
  g_assert_cmpuint (count_in_log ("GET /api/teken/v1/account 401"), ==, refused + 5);

  refreshed = teken_ca_client_dup_session (client);
  g_assert_false (g_str_equal (teken_secret_get_text (teken_ca_session_get_refresh_token (refreshed)),
                               teken_secret_get_text (teken_ca_session_get_refresh_token (budi_session))));
  g_assert_cmpstr (teken_ca_session_get_account (refreshed), ==, TEKEN_TEST_BUDI_NIK);

  /* Ended by the clock: refreshed first, never refused. */
  expired = with_bogus_access (refreshed, now - 1);
  teken_ca_client_set_session (client, expired);
  account = get_account (client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_in_log ("POST /api/teken/v1/auth/refresh 200"), ==, refreshes + 2);
  g_assert_cmpuint (count_in_log ("GET /api/teken/v1/account 401"), ==, refused + 5);

  /* Asked for. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    teken_ca_client_refresh_async (client, NULL, got_result, &result);
    g_assert_true (teken_ca_client_refresh_finish (client, wait_for (&result), &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count_in_log ("POST /api/teken/v1/auth/refresh 200"), ==, refreshes + 3);
  }

  g_clear_pointer (&budi_session, teken_ca_session_unref);
  budi_session = teken_ca_client_dup_session (client);
}

/* A refresh token used twice ends the whole session (§6.2): the client
 * forgets it and says to sign in again. */
static void
test_refresh_reuse (void)
{
  g_autoptr(TekenCaClient) client = new_client (FALSE);
  g_autoptr(TekenCaSession) used = NULL;
  g_autoptr(TekenCaAccountInfo) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  teken_ca_client_set_session (client, budi_session);
  teken_ca_client_refresh_async (client, NULL, got_result, &result);
  g_assert_true (teken_ca_client_refresh_finish (client, wait_for (&result), &error));
  g_assert_no_error (error);

  /* The old refresh token again. */
  used = with_bogus_access (budi_session, g_get_real_time () / G_USEC_PER_SEC + 900);
  teken_ca_client_set_session (client, used);
  account = get_account (client, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_REFRESH_INVALID);
  g_assert_cmpstr (error->message, ==, "Your session has ended. Please sign in again.");
  g_assert_null (teken_ca_client_dup_session (client));
  g_clear_error (&error);

  /* Nothing left to refresh with. */
  g_clear_pointer (&account, teken_ca_account_info_free);
  account = get_account (client, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_NOT_SIGNED_IN);
  g_clear_pointer (&budi_session, teken_ca_session_unref);
}

/* -- child processes ---------------------------------------------------------- */

/* Runs one test of this program as a new process, with the parent's
 * teken-ca and @env (name, value, …, NULL) in its environment; returns
 * whether it passed, with what it printed. */
static gboolean
run_child (const char          *test_path,
           const char * const  *env,
           char               **out,
           char               **err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;

  teken_test_ca_export (ca, launcher);
  g_subprocess_launcher_setenv (launcher, "TEKEN_TEST_CHILD", "1", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);

  child = g_subprocess_launcher_spawn (launcher, &error, self_path, "-p", test_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (child))
    g_test_message ("%s failed:\n%s%s", test_path, *out, *err);
  return g_subprocess_get_successful (child);
}

static gboolean
is_child (void)
{
  if (g_getenv ("TEKEN_TEST_CHILD") == NULL)
    {
      g_test_skip ("run as a child of another test");
      return FALSE;
    }
  return TRUE;
}

/* -- sessions in the keyring ------------------------------------------------ */

static TekenCaSession *
load_stored (TekenSessionStore *store,
             const char        *account,
             GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  teken_session_store_load_async (store, ca->url, account, NULL, got_result, &result);
  return teken_session_store_load_finish (store, wait_for (&result), error);
}

/* Run in a child process: the app started again. */
static void
restarted_app (void)
{
  g_autoptr(TekenSessionStore) store = teken_session_store_new ();
  g_autoptr(TekenCaClient) client = new_client (FALSE);
  g_autoptr(TekenCaSession) session = NULL;
  g_autoptr(TekenCaAccountInfo) account = NULL;
  g_autoptr(GError) error = NULL;

  if (!is_child ())
    return;

  session = load_stored (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_cmpstr (teken_ca_session_get_account (session), ==, TEKEN_TEST_SITI_EMAIL);
  teken_ca_client_set_session (client, session);
  account = get_account (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->nik, ==, TEKEN_TEST_SITI_NIK);
  g_print ("restarted: signed in as %s\n", account->email);
}

/* Siti's first sign-in sets her TOTP device up; the session goes to the
 * real gnome-keyring of the test session, outlives the process, and
 * signing out removes it. */
static void
test_session_store (void)
{
  g_autoptr(TekenSessionStore) store = teken_session_store_new ();
  g_autoptr(TekenCaClient) client = new_client (FALSE);
  g_autoptr(TekenCaLoginStep) step = NULL;
  g_autoptr(TekenCaSession) session = NULL;
  g_autoptr(TekenCaSession) stored = NULL;
  g_autoptr(TekenCaSession) after = NULL;
  g_autoptr(TekenCaAccountInfo) account = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  gint64 step_number = 0;

  g_object_set (client, "session-store", store, NULL);
  g_assert_null (load_stored (store, TEKEN_TEST_SITI_EMAIL, &error));
  g_assert_no_error (error);

  step = login (client, "  Siti.Rahayu@PNS.kotacontoh.go.id ", TEKEN_TEST_SITI_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpint (step->next, ==, TEKEN_CA_LOGIN_NEXT_TOTP_SETUP);
  g_assert_cmpuint (teken_secret_get_length (step->totp_secret), ==, 32);
  g_assert_true (g_str_has_prefix (teken_secret_get_text (step->otpauth_uri), "otpauth://totp/Teken%20CA:"));
  g_assert_cmpstr (step->issuer, ==, "Teken CA");
  g_assert_cmpint (step->digits, ==, 6);
  g_assert_cmpint (step->period, ==, 30);
  code = totp_code_after (teken_secret_get_text (step->totp_secret), &step_number);
  session = send_code (client, step, code, "Ponsel kantor", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (teken_ca_session_get_account (session), ==, TEKEN_TEST_SITI_EMAIL);

  /* In the keyring already, tokens and all. */
  stored = load_stored (store, TEKEN_TEST_SITI_EMAIL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (teken_secret_get_text (teken_ca_session_get_access_token (stored)), ==,
                   teken_secret_get_text (teken_ca_session_get_access_token (session)));
  g_assert_cmpstr (teken_secret_get_text (teken_ca_session_get_refresh_token (stored)), ==,
                   teken_secret_get_text (teken_ca_session_get_refresh_token (session)));
  g_assert_cmpint (teken_ca_session_get_refresh_expires_at (stored), ==,
                   teken_ca_session_get_refresh_expires_at (session));
  g_assert_cmpstr (teken_ca_session_get_scope (stored), ==, "account");

  /* A new process finds it and uses it. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_true (run_child ("/api/session-store/restarted", NULL, &out, &err));
    g_assert_nonnull (strstr (out, "restarted: signed in as " TEKEN_TEST_SITI_EMAIL));
  }

  /* A refresh keeps the keyring up to date (the old refresh token is
   * used up now). */
  teken_ca_client_refresh_async (client, NULL, got_result, &result);
  g_assert_true (teken_ca_client_refresh_finish (client, wait_for (&result), &error));
  g_clear_object (&result);
  g_clear_pointer (&stored, teken_ca_session_unref);
  g_clear_pointer (&session, teken_ca_session_unref);
  session = teken_ca_client_dup_session (client);
  stored = load_stored (store, NULL, &error);
  g_assert_cmpstr (teken_secret_get_text (teken_ca_session_get_refresh_token (stored)), ==,
                   teken_secret_get_text (teken_ca_session_get_refresh_token (session)));

  /* Signing out: gone from the keyring and from the server. */
  teken_ca_client_logout_async (client, NULL, got_result, &result);
  g_assert_true (teken_ca_client_logout_finish (client, wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_null (teken_ca_client_dup_session (client));
  after = load_stored (store, TEKEN_TEST_SITI_EMAIL, &error);
  g_assert_no_error (error);
  g_assert_null (after);

  teken_ca_client_set_session (client, session);
  account = get_account (client, &error);
  g_assert_null (account);
  g_assert_true (g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_REFRESH_INVALID) ||
                 g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SESSION_INVALID));
}

/* -- errors the server answers ------------------------------------------------- */

/* docs/api.md §2.9: 2031 with the tries left, then the key locks (8402). */
static void
test_wrong_passphrase (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(GHashTable) digests = new_digests ();
  const char * const wrong[] = { "Salah-Frasa1!", "Salah-Frasa2!", "Salah-Frasa3!", "Salah-Frasa4!", "Salah-Frasa5!" };

  g_hash_table_insert (digests, g_strdup ("0"), digest_of ("siti"));
  for (gsize i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) signatures = sign_hash (client, TEKEN_TEST_SITI_NIK, wrong[i], digests, NULL, NULL, &error);

      g_assert_null (signatures);
      g_assert_null (strstr (error->message, wrong[i]));
      if (i < 4)
        {
          g_autofree char *left = g_strdup_printf ("%d", (int) (4 - i));

          assert_ca_error (error, TEKEN_CA_ERROR_WRONG_PASSPHRASE);
          g_assert_cmpint (teken_ca_error_get_attempts_left (error), ==, 4 - i);
          g_assert_nonnull (strstr (error->message, left));
          g_assert_true (g_str_has_prefix (error->message, "Wrong passphrase."));
        }
      else
        assert_ca_error (error, TEKEN_CA_ERROR_KEY_LOCKED);
    }

  /* Locked: the right passphrase too, through the signer. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TekenRemoteSigner) signer = new_remote_signer (client, TEKEN_TEST_SITI_NIK,
                                                             TEKEN_TEST_SITI_PASSPHRASE, &error);
    g_autoptr(GBytes) digest = digest_of ("locked");
    g_autoptr(GBytes) cms = NULL;

    g_assert_no_error (error);
    cms = teken_signer_sign_digest (TEKEN_SIGNER (signer), digest, NULL, &error);
    g_assert_null (cms);
    assert_ca_error (error, TEKEN_CA_ERROR_KEY_LOCKED);
  }
}

/* Dewi signs in for the first time and revokes her certificate; from then
 * on nothing signs with it (2021) and the status says REVOKE. */
static void
test_revoked (void)
{
  g_autoptr(TekenCaClient) holder = new_client (FALSE);
  g_autoptr(TekenCaClient) agency = new_client (TRUE);
  g_autoptr(TekenCaLoginStep) step = NULL;
  g_autoptr(TekenCaSession) session = NULL;
  g_autoptr(TekenCaCertificateInfo) revoked = NULL;
  g_autoptr(TekenCaStatus) status = NULL;
  g_autoptr(TekenRemoteSigner) signer = NULL;
  g_autoptr(GBytes) digest = digest_of ("after revocation");
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) wrong_result = NULL;
  g_autoptr(TekenSecret) password = secret (TEKEN_TEST_DEWI_PASSWORD);
  g_autoptr(TekenSecret) wrong_password = secret (TEKEN_TEST_SITI_PASSWORD);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  gint64 step_number = 0;

  step = login (holder, TEKEN_TEST_DEWI_NIK, TEKEN_TEST_DEWI_PASSWORD, &error);
  g_assert_no_error (error);
  code = totp_code_after (teken_secret_get_text (step->totp_secret), &step_number);
  session = send_code (holder, step, code, "Laptop", &error);
  g_assert_no_error (error);

  teken_ca_client_revoke_async (holder, "keyCompromise", "CABUT", wrong_password, NULL, got_result, &wrong_result);
  g_assert_null (teken_ca_client_revoke_finish (holder, wait_for (&wrong_result), &error));
  assert_ca_error (error, TEKEN_CA_ERROR_REAUTH_FAILED);
  g_clear_error (&error);

  teken_ca_client_revoke_async (holder, "keyCompromise", "CABUT", password, NULL, got_result, &result);
  revoked = teken_ca_client_revoke_finish (holder, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (revoked->status, ==, "REVOKE");
  g_assert_cmpstr (revoked->revocation_reason, ==, "keyCompromise");
  g_assert_nonnull (revoked->revoked_at);
  g_assert_cmpstr (revoked->common_name, ==, "DEWI LESTARI CONTOH");
  g_assert_cmpuint (strlen (revoked->fingerprint_sha256), ==, 64);

  status = check_status (agency, TEKEN_TEST_DEWI_NIK, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->status, ==, "REVOKE");
  g_assert_false (teken_ca_status_is_active (status));

  /* The certificate is still there to fetch; it just does not sign. */
  signer = new_remote_signer (agency, TEKEN_TEST_DEWI_NIK, TEKEN_TEST_DEWI_PASSPHRASE, &error);
  g_assert_no_error (error);
  cms = teken_signer_sign_digest (TEKEN_SIGNER (signer), digest, NULL, &error);
  g_assert_null (cms);
  assert_ca_error (error, TEKEN_CA_ERROR_NO_ACTIVE_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "REVOKE"));
}

/* -- errors on the way ---------------------------------------------------------- */

static void
test_tls (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenCaClient) system_store = teken_ca_client_new (ca->url, NULL, &error);
  g_autoptr(TekenCaClient) other_ca = NULL;
  g_autoptr(TekenCaClient) not_a_file = NULL;
  g_autoptr(TekenCaClient) plain_http = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) other_result = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autofree char *http_url = g_strdup_printf ("http://%s", ca->url + strlen ("https://"));
  gint64 started;

  /* teken-ca's root is in no system store. Not retried: it would not
   * become trusted. */
  g_assert_no_error (error);
  g_object_set (system_store, "retry-delay", 2000, NULL);
  started = g_get_monotonic_time ();
  teken_ca_client_get_info_async (system_store, NULL, got_result, &result);
  info = teken_ca_client_call_finish (system_store, wait_for (&result), &error);
  assert_ca_error (error, TEKEN_CA_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, ca->url));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 2 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* Another CA's certificates. */
  other_ca = teken_ca_client_new (ca->url, "/etc/ssl/certs/ca-certificates.crt", &error);
  g_assert_no_error (error);
  teken_ca_client_get_info_async (other_ca, NULL, got_result, &other_result);
  info = teken_ca_client_call_finish (other_ca, wait_for (&other_result), &error);
  assert_ca_error (error, TEKEN_CA_ERROR_TLS);
  g_clear_error (&error);

  not_a_file = teken_ca_client_new (ca->url, ca->log_path, &error);
  g_assert_null (not_a_file);
  assert_ca_error (error, TEKEN_CA_ERROR_CA_FILE);
  g_clear_error (&error);

  /* §2.1: HTTPS only. */
  plain_http = teken_ca_client_new (http_url, ca->root_pem, &error);
  g_assert_null (plain_http);
  assert_ca_error (error, TEKEN_CA_ERROR_INVALID_URL);
}

static guint16
unused_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Nothing listens: safe calls are tried again with back-off, signing is
 * not. */
static void
test_server_down (void)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", unused_port ());
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenCaClient) client = teken_ca_client_new (url, ca->root_pem, &error);
  g_autoptr(TekenSecret) client_secret = secret (ca->client_secret);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GHashTable) digests = new_digests ();
  g_autoptr(GHashTable) signatures = NULL;
  gint64 started;

  g_assert_no_error (error);
  g_object_set (client, "retry-delay", 300, NULL);
  teken_ca_client_set_client_credentials (client, ca->client_id, client_secret);

  started = g_get_monotonic_time ();
  teken_ca_client_get_info_async (client, NULL, got_result, &result);
  info = teken_ca_client_call_finish (client, wait_for (&result), &error);
  assert_ca_error (error, TEKEN_CA_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, url));
  /* Three tries: after 300 ms and 600 ms. */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 900 * G_TIME_SPAN_MILLISECOND);
  g_clear_error (&error);

  /* A name nobody resolves (RFC 6761): no network, or a wrong address. */
  {
    g_autoptr(TekenCaClient) nowhere = teken_ca_client_new ("https://teken-ca.invalid", ca->root_pem, &error);
    g_autoptr(GAsyncResult) nowhere_result = NULL;
    g_autoptr(JsonObject) nothing = NULL;

    g_assert_no_error (error);
    g_object_set (nowhere, "max-tries", 1, NULL);
    teken_ca_client_get_info_async (nowhere, NULL, got_result, &nowhere_result);
    nothing = teken_ca_client_call_finish (nowhere, wait_for (&nowhere_result), &error);
    assert_ca_error (error, TEKEN_CA_ERROR_NO_NETWORK);
    g_assert_nonnull (strstr (error->message, "https://teken-ca.invalid"));
    g_clear_error (&error);
  }

  g_hash_table_insert (digests, g_strdup ("0"), digest_of ("down"));
  started = g_get_monotonic_time ();
  signatures = sign_hash (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE, digests, NULL, NULL, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_UNREACHABLE);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 300 * G_TIME_SPAN_MILLISECOND);
}

/* -- a peer that misbehaves ------------------------------------------------------- */

static struct
{
  SoupServer *server;
  char *url;
  GHashTable *hits;   /* path → count */
} peer;

static void
peer_reply (SoupServerMessage *msg,
            guint              status,
            const char        *content_type,
            const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
peer_callback (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  guint hits = GPOINTER_TO_UINT (g_hash_table_lookup (peer.hits, path)) + 1;

  g_hash_table_insert (peer.hits, g_strdup (path), GUINT_TO_POINTER (hits));

  if (g_str_equal (path, "/api/teken/v1/info"))
    {
      /* Two gateway errors, then an answer that is not JSON. */
      if (hits <= 2)
        peer_reply (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/html", "<html>busy</html>");
      else
        peer_reply (msg, SOUP_STATUS_OK, "application/json", "{\"server\": \"teken-ca\", ");
    }
  else if (g_str_equal (path, "/api/v2/user/check/status"))
    /* JSON, but not the shape of §7.1. */
    peer_reply (msg, SOUP_STATUS_OK, "application/json", "{\"status_code\": 1111}");
  else if (g_str_equal (path, "/api/v2/sign/hash/pdf"))
    peer_reply (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/html", "<html>busy</html>");
  else if (g_str_equal (path, "/api/v2/user/certificate/chain/" TEKEN_TEST_BUDI_NIK))
    peer_reply (msg, SOUP_STATUS_OK, "application/json", "{\"success\": true, \"data\": [\"not base64!\"]}");
  else if (g_str_equal (path, "/pki/crl"))
    /* Never answers. */
    soup_server_message_pause (msg);
  else
    peer_reply (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "nothing here");
}

static void
start_peer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (ca->tls_cert, ca->tls_key, &error);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSList *uris;

  /* teken-ca's own TLS certificate: the client trusts it, and everything
   * after the handshake is this peer's doing. */
  g_assert_no_error (error);
  peer.server = soup_server_new ("tls-certificate", certificate, NULL);
  peer.hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  soup_server_add_handler (peer.server, NULL, peer_callback, NULL, NULL);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (soup_server_listen (peer.server, address, SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (peer.server);
  peer.url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static guint
peer_hits (const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (peer.hits, path));
}

static TekenCaClient *
new_peer_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenSecret) client_secret = secret (ca->client_secret);
  TekenCaClient *client = teken_ca_client_new (peer.url, ca->root_pem, &error);

  g_assert_no_error (error);
  g_object_set (client, "retry-delay", 20, NULL);
  teken_ca_client_set_client_credentials (client, ca->client_id, client_secret);
  return client;
}

static void
test_bad_peer (void)
{
  g_autoptr(TekenCaClient) client = NULL;
  g_autoptr(GAsyncResult) info_result = NULL;
  g_autoptr(GAsyncResult) chain_result = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(TekenCaStatus) status = NULL;
  g_autoptr(GHashTable) digests = new_digests ();
  g_autoptr(GHashTable) signatures = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GError) error = NULL;

  start_peer ();
  client = new_peer_client ();

  /* A safe call: two 503s are tried again; then the garbage is an error. */
  teken_ca_client_get_info_async (client, NULL, got_result, &info_result);
  info = teken_ca_client_call_finish (client, wait_for (&info_result), &error);
  assert_ca_error (error, TEKEN_CA_ERROR_BAD_RESPONSE);
  g_assert_cmpuint (peer_hits ("/api/teken/v1/info"), ==, 3);
  g_clear_error (&error);

  status = check_status (client, TEKEN_TEST_BUDI_NIK, NULL, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "status"));
  g_clear_error (&error);

  teken_ca_client_get_chain_async (client, TEKEN_TEST_BUDI_NIK, NULL, got_result, &chain_result);
  chain = teken_ca_client_get_chain_finish (client, wait_for (&chain_result), &error);
  assert_ca_error (error, TEKEN_CA_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  /* Signing is never repeated (§2.7): one request, the gateway's error. */
  g_hash_table_insert (digests, g_strdup ("0"), digest_of ("peer"));
  signatures = sign_hash (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE, digests, NULL, NULL, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_SERVICE_UNAVAILABLE);
  g_assert_cmpuint (peer_hits ("/api/v2/sign/hash/pdf"), ==, 1);
}

static void
test_timeout (void)
{
  g_autoptr(TekenCaClient) client = new_peer_client ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) crl = NULL;
  gint64 started = g_get_monotonic_time ();

  g_object_set (client, "timeout", 1, "max-tries", 1, NULL);
  crl = fetch (client, TEKEN_CA_ENDPOINT_PKI_CRL, &error);
  assert_ca_error (error, TEKEN_CA_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Cancelled while waiting to try again: at once, and as a cancellation. */
static void
test_cancel (void)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", unused_port ());
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenCaClient) client = teken_ca_client_new (url, ca->root_pem, &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) info = NULL;
  gint64 started = g_get_monotonic_time ();

  g_object_set (client, "retry-delay", 5000, NULL);
  teken_ca_client_get_info_async (client, cancellable, got_result, &result);
  g_timeout_add (200, cancel_cb, cancellable);
  info = teken_ca_client_call_finish (client, wait_for (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3 * G_USEC_PER_SEC);
}

/* -- secrets never in the log ------------------------------------------------------ */

/* A child with the HTTP log on at full body and debug messages: signs in,
 * signs, refreshes, signs out. It writes down the tokens and code it used,
 * for the parent to look for. */
static void
logged_flow (void)
{
  g_autoptr(TekenCaClient) client = new_client (TRUE);
  g_autoptr(TekenCaStatus) status = NULL;
  g_autoptr(TekenCaLoginStep) step = NULL;
  g_autoptr(TekenCaSession) session = NULL;
  g_autoptr(TekenCaSession) refreshed = NULL;
  g_autoptr(TekenCaAccountInfo) account = NULL;
  g_autoptr(GHashTable) digests = new_digests ();
  g_autoptr(GHashTable) signatures = NULL;
  g_autoptr(GAsyncResult) refresh_result = NULL;
  g_autoptr(GAsyncResult) logout_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) used = g_string_new (NULL);
  g_autofree char *code = NULL;
  g_autofree char *used_path = NULL;

  if (!is_child ())
    return;

  used_path = g_build_filename (g_getenv ("TEKEN_TEST_WORK_DIR"), "used-secrets", NULL);
  g_log_writer_default_set_use_stderr (TRUE);
  budi_last_step = g_ascii_strtoll (g_getenv ("TEKEN_TEST_LAST_STEP"), NULL, 10);

  status = check_status (client, TEKEN_TEST_BUDI_NIK, NULL, &error);
  g_assert_no_error (error);

  step = login (client, TEKEN_TEST_BUDI_EMAIL, TEKEN_TEST_BUDI_PASSWORD, &error);
  g_assert_no_error (error);
  code = totp_code_after (TEKEN_TEST_BUDI_TOTP_SECRET, &budi_last_step);
  g_string_append_printf (used, "%s\n%s\n", code, teken_secret_get_text (step->login_token));
  session = send_code (client, step, code, NULL, &error);
  g_assert_no_error (error);
  g_string_append_printf (used, "%s\n%s\n", teken_secret_get_text (teken_ca_session_get_access_token (session)),
                          teken_secret_get_text (teken_ca_session_get_refresh_token (session)));

  account = get_account (client, &error);
  g_assert_no_error (error);

  g_hash_table_insert (digests, g_strdup ("0"), digest_of ("logged"));
  signatures = sign_hash (client, TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE, digests, NULL, NULL, &error);
  g_assert_no_error (error);

  teken_ca_client_refresh_async (client, NULL, got_result, &refresh_result);
  g_assert_true (teken_ca_client_refresh_finish (client, wait_for (&refresh_result), &error));
  refreshed = teken_ca_client_dup_session (client);
  g_string_append_printf (used, "%s\n%s\n", teken_secret_get_text (teken_ca_session_get_access_token (refreshed)),
                          teken_secret_get_text (teken_ca_session_get_refresh_token (refreshed)));

  teken_ca_client_logout_async (client, NULL, got_result, &logout_result);
  g_assert_true (teken_ca_client_logout_finish (client, wait_for (&logout_result), &error));

  g_assert_true (g_file_set_contents (used_path, used->str, used->len, NULL));
  g_debug ("logged flow done");
}

static void
assert_absent (const char *out,
               const char *err,
               const char *secret)
{
  if (strstr (out, secret) != NULL || strstr (err, secret) != NULL)
    g_error ("a secret (%zu characters) is in the output of the logged flow", strlen (secret));
}

/* A six-digit code could be part of a longer number by chance (a
 * timestamp, a length): only a code standing alone counts. */
static void
assert_code_absent (const char *text,
                    const char *code)
{
  gsize length = strlen (code);

  for (const char *p = text; (p = strstr (p, code)) != NULL; p++)
    {
      if ((p == text || !g_ascii_isalnum (p[-1])) && !g_ascii_isalnum (p[length]))
        g_error ("the TOTP code is in the output of the logged flow");
    }
}

static void
test_no_secrets_logged (void)
{
  g_autofree char *used_path = g_build_filename (work_dir, "used-secrets", NULL);
  g_autofree char *used = NULL;
  g_autofree char *last_step = g_strdup_printf ("%" G_GINT64_FORMAT, budi_last_step);
  g_autofree char *pair = g_strconcat (ca->client_id, ":", ca->client_secret, NULL);
  g_autofree char *basic = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) secrets = NULL;
  const char * const env[] = {
    "G_MESSAGES_DEBUG", "all",
    "TEKEN_HTTP_LOG", "body",
    "TEKEN_TEST_WORK_DIR", work_dir,
    "TEKEN_TEST_LAST_STEP", last_step,
    NULL
  };
  const char * const fixed[] = {
    TEKEN_TEST_BUDI_PASSWORD, TEKEN_TEST_BUDI_PASSPHRASE, TEKEN_TEST_BUDI_TOTP_SECRET, ca->client_secret, basic,
  };

  g_assert_true (run_child ("/api/no-secrets-logged/flow", env, &out, &err));

  /* Not one secret… */
  for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++)
    assert_absent (out, err, fixed[i]);
  g_assert_true (g_file_get_contents (used_path, &used, NULL, NULL));
  secrets = g_strsplit (g_strstrip (used), "\n", -1);
  /* The TOTP code, the login token, two token pairs. */
  g_assert_cmpuint (g_strv_length (secrets), ==, 6);
  assert_code_absent (out, secrets[0]);
  assert_code_absent (err, secrets[0]);
  for (guint i = 1; secrets[i] != NULL; i++)
    assert_absent (out, err, secrets[i]);

  /* …though it logged, bodies and debug messages included. */
  g_assert_nonnull (strstr (err, "teken-http: > POST /api/v2/user/check/status HTTP/1.1"));
  g_assert_nonnull (strstr (err, "teken-http: > POST /api/v2/user/check/status: {\"nik\":\"" TEKEN_TEST_BUDI_NIK "\"}"));
  g_assert_nonnull (strstr (err, "teken-http: > POST /api/teken/v1/auth/login: "));
  g_assert_nonnull (strstr (err, "bytes, not shown: they carry secrets"));
  g_assert_nonnull (strstr (err, "teken-http: > POST /api/teken/v1/auth/login/totp HTTP/1.1"));
  g_assert_nonnull (strstr (err, "teken-http: > Authorization: [redacted]"));
  g_assert_nonnull (strstr (err, "cmsSignedDataHashMap"));
  g_assert_nonnull (strstr (err, "DEBUG"));
  g_assert_nonnull (strstr (err, "logged flow done"));
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
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  self_path = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);

  /* A child (run_child()) uses the parent's server. */
  ca = teken_test_ca_attach ();
  if (ca == NULL)
    {
      ca = teken_test_ca_start (NULL);
      work_dir = g_dir_make_tmp ("teken-api-test-XXXXXX", &error);
      g_assert_no_error (error);
      setup_nss ();
    }

  g_test_add_func ("/api/endpoint-table", test_endpoint_table);
  g_test_add_func ("/api/error-codes", test_error_codes);
  g_test_add_func ("/api/error-mapping", test_error_mapping);
  g_test_add_func ("/api/info", test_info);
  g_test_add_func ("/api/check-status", test_check_status);
  g_test_add_func ("/api/client-credentials", test_client_credentials);
  g_test_add_func ("/api/chain", test_chain);
  g_test_add_func ("/api/pki", test_pki);
  g_test_add_func ("/api/ocsp-and-tsa", test_ocsp_and_tsa);
  g_test_add_func ("/api/sign-hash", test_sign_hash);
  g_test_add_func ("/api/generic-call-with-secrets", test_generic_call_with_secrets);
  g_test_add_func ("/api/remote-signer/pdf", test_remote_signer_pdf);
  g_test_add_func ("/api/remote-signer/thread", test_remote_signer_thread);
  g_test_add_func ("/api/remote-signer/batch", test_remote_signer_batch);
  g_test_add_func ("/api/login", test_login);
  g_test_add_func ("/api/not-signed-in", test_not_signed_in);
  g_test_add_func ("/api/login-errors", test_login_errors);
  g_test_add_func ("/api/refresh", test_refresh);
  g_test_add_func ("/api/refresh-reuse", test_refresh_reuse);
  g_test_add_func ("/api/session-store", test_session_store);
  g_test_add_func ("/api/session-store/restarted", restarted_app);
  g_test_add_func ("/api/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/api/revoked", test_revoked);
  g_test_add_func ("/api/tls", test_tls);
  g_test_add_func ("/api/server-down", test_server_down);
  g_test_add_func ("/api/bad-peer", test_bad_peer);
  g_test_add_func ("/api/timeout", test_timeout);
  g_test_add_func ("/api/cancel", test_cancel);
  g_test_add_func ("/api/no-secrets-logged", test_no_secrets_logged);
  g_test_add_func ("/api/no-secrets-logged/flow", logged_flow);

  status = g_test_run ();

  if (peer.server != NULL)
    {
      soup_server_disconnect (peer.server);
      g_clear_object (&peer.server);
      g_clear_pointer (&peer.hits, g_hash_table_unref);
      g_free (peer.url);
    }
  g_clear_pointer (&budi_session, teken_ca_session_unref);
  if (work_dir != NULL)
    remove_tree (work_dir);
  g_free (work_dir);
  g_free (nss_dir);
  g_free (self_path);
  teken_test_ca_free (ca);
  return status;
}
