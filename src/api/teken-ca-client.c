/* teken-ca-client.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The client of docs/api.md, over libsoup 3 and json-glib.
 *
 * One table describes every endpoint: method, path, authentication, whether
 * a retry is allowed, whether it carries secrets. One pipeline sends any of
 * them: it adds the credentials the endpoint needs, retries only what §2.7
 * allows, refreshes an ended access token once and sends again, and turns
 * every failure into a TEKEN_CA_ERROR with a sentence the user can act on.
 * The typed calls below it only build bodies and read answers.
 *
 * TLS is always verified, against the CA file given (teken-ca's root.pem)
 * or the system store; there is no switch to turn that off.
 *
 * Secrets (passwords, passphrases, codes, tokens) go into request bodies
 * through TekenCaSecretMember, written straight into a buffer that is wiped
 * when libsoup lets go of it; secrets in answers are copied out and wiped
 * in place. With TEKEN_HTTP_LOG=minimal|headers|body the traffic is printed
 * to standard error for debugging, but never the body of an endpoint that
 * carries secrets, never an Authorization header, and never a token in a
 * query string.
 *
 * Threads: calls may start from any thread whose thread-default main context
 * runs (teken_pdf_sign() calls a signer from a worker); the session state is
 * under a mutex, and one refresh serves every call that needs it, because a
 * refresh token presented twice ends the whole session (§6.2).
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <string.h>

#include "teken-ca-client.h"
#include "teken-session-store.h"

#define API "/api/teken/v1"
/* An access token this close to its end is refreshed before it is sent. */
#define EXPIRY_MARGIN 10

struct _TekenCaClient
{
  GObject parent_instance;

  char *base_url;
  char *ca_file;
  SoupSession *soup;
  GMainContext *main_context;
  TekenSessionStore *store;
  guint timeout;
  guint retry_delay_ms;
  guint max_tries;
  gboolean log_bodies;

  GMutex lock;
  char *client_id;
  TekenSecret *client_secret;
  TekenCaSession *session;
  guint generation;
  gboolean refreshing;
  GPtrArray *refresh_waiters;
  char *login_username;
};

static void initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TekenCaClient, teken_ca_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, initable_iface_init))

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_CA_FILE,
  PROP_TIMEOUT,
  PROP_RETRY_DELAY,
  PROP_MAX_TRIES,
  PROP_SESSION_STORE,
  PROP_SIGNED_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define SAFE TEKEN_CA_RETRY_SAFE
#define IDEM TEKEN_CA_RETRY_IDEMPOTENT
#define NEVER TEKEN_CA_RETRY_NEVER
#define NONE TEKEN_CA_AUTH_NONE
#define CLIENT TEKEN_CA_AUTH_CLIENT
#define CLIENT_OR_HOLDER TEKEN_CA_AUTH_CLIENT_OR_HOLDER
#define SESSION TEKEN_CA_AUTH_SESSION
#define LINK TEKEN_CA_AUTH_LINK

/* docs/api.md §1, §2.3, §2.7. */
static const TekenCaEndpointInfo endpoints[TEKEN_CA_N_ENDPOINTS] = {
  [TEKEN_CA_ENDPOINT_INFO] = { 1, "GET", API "/info", NONE, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_OAUTH2_TOKEN] = { 2, "POST", "/oauth2/token", CLIENT, NEVER, TRUE, FALSE, TRUE },
  [TEKEN_CA_ENDPOINT_LINKS_CHECK] = { 3, "POST", API "/links/check", NONE, SAFE, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_LINK_PAGE] = { 4, "GET", "/link/{action}", NONE, SAFE, FALSE, TRUE, TRUE },
  [TEKEN_CA_ENDPOINT_ENROLLMENT_REGISTER] = { 5, "POST", API "/enrollment/register", NONE, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ENROLLMENT_ACTIVATION_RESEND] = { 6, "POST", API "/enrollment/activation/resend", NONE, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ENROLLMENT_ACTIVATE] = { 7, "POST", API "/enrollment/activate", LINK, NEVER, TRUE, TRUE, TRUE },
  [TEKEN_CA_ENDPOINT_ENROLLMENT] = { 8, "GET", API "/enrollment", SESSION, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ENROLLMENT_PERSONAL] = { 9, "PUT", API "/enrollment/personal", SESSION, IDEM, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ENROLLMENT_NIP_CHECK] = { 10, "POST", API "/enrollment/nip/check", SESSION, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ENROLLMENT_EMPLOYMENT] = { 11, "PUT", API "/enrollment/employment", SESSION, IDEM, TRUE, FALSE, FALSE },
  /* A face is personal data, and megabytes of base64 help no log. */
  [TEKEN_CA_ENDPOINT_ENROLLMENT_SELFIE] = { 12, "PUT", API "/enrollment/selfie", SESSION, IDEM, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_AGREEMENTS] = { 13, "GET", API "/agreements", NONE, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_AGREEMENT] = { 14, "GET", API "/agreements/{id}", NONE, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ENROLLMENT_AGREEMENTS] = { 15, "POST", API "/enrollment/agreements", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ENROLLMENT_PASSPHRASE_RESEND] = { 16, "POST", API "/enrollment/passphrase/resend", NONE, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ENROLLMENT_PASSPHRASE] = { 17, "POST", API "/enrollment/passphrase", LINK, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_AUTH_LOGIN] = { 18, "POST", API "/auth/login", NONE, NEVER, TRUE, TRUE, TRUE },
  [TEKEN_CA_ENDPOINT_AUTH_LOGIN_TOTP] = { 19, "POST", API "/auth/login/totp", NONE, NEVER, TRUE, TRUE, TRUE },
  [TEKEN_CA_ENDPOINT_AUTH_REFRESH] = { 20, "POST", API "/auth/refresh", NONE, NEVER, TRUE, TRUE, TRUE },
  [TEKEN_CA_ENDPOINT_AUTH_LOGOUT] = { 21, "POST", API "/auth/logout", SESSION, IDEM, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_AUTH_PASSWORD_FORGOT] = { 22, "POST", API "/auth/password/forgot", NONE, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_AUTH_PASSWORD_RESET] = { 23, "POST", API "/auth/password/reset", LINK, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_ACCOUNT] = { 24, "GET", API "/account", SESSION, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ACCOUNT_DEVICES] = { 25, "GET", API "/account/devices", SESSION, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_ADD] = { 26, "POST", API "/account/devices", SESSION, NEVER, TRUE, TRUE, TRUE },
  [TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_CONFIRM] = { 27, "POST", API "/account/devices/confirm", SESSION, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_RENAME] = { 28, "PATCH", API "/account/devices/{id}", SESSION, IDEM, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_REMOVE] = { 29, "DELETE", API "/account/devices/{id}", SESSION, IDEM, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_CHECK_STATUS] = { 30, "POST", "/api/v2/user/check/status", CLIENT_OR_HOLDER, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_CERTIFICATE_CHAIN] = { 31, "GET", "/api/v2/user/certificate/chain/{nik}", CLIENT_OR_HOLDER, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_CERTIFICATES] = { 32, "GET", API "/certificates", SESSION, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_CERTIFICATE] = { 33, "GET", API "/certificates/{id}", SESSION, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_CERTIFICATE_DOWNLOAD] = { 34, "GET", API "/certificates/{id}/download", SESSION, SAFE, FALSE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PASSPHRASE_CHANGE_REQUEST] = { 35, "POST", API "/certificates/current/passphrase/change-request", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PASSPHRASE_CHANGE] = { 36, "POST", API "/certificates/passphrase/change", LINK, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_PASSPHRASE_RESET_REQUEST] = { 37, "POST", API "/certificates/current/passphrase/reset-request", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PASSPHRASE_RESET] = { 38, "POST", API "/certificates/passphrase/reset", LINK, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_CERTIFICATE_REVOKE] = { 39, "POST", API "/certificates/current/revoke", SESSION, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_CERTIFICATE_RENEW] = { 40, "POST", API "/certificates/current/renew", SESSION, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_CERTIFICATE_REISSUE] = { 41, "POST", API "/certificates/reissue", SESSION, NEVER, TRUE, FALSE, FALSE },
  /* PUT, but not among §2.7's idempotent ones: it takes a passphrase. */
  [TEKEN_CA_ENDPOINT_SIGNING_OTP_CONSENT] = { 42, "PUT", API "/certificates/current/signing-otp", SESSION, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_PROFILE_UPDATE] = { 43, "PATCH", API "/account/profile", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PROFILE_CONFIRM] = { 44, "POST", API "/account/profile/confirm", LINK, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_PROFILE_PENDING_RESEND] = { 45, "POST", API "/account/profile/pending/resend", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PROFILE_PENDING_CANCEL] = { 46, "DELETE", API "/account/profile/pending", SESSION, IDEM, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_VERIFIER_REQUESTS] = { 47, "GET", API "/verifier/requests", SESSION, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_VERIFIER_REQUEST] = { 48, "GET", API "/verifier/requests/{id}", SESSION, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_VERIFIER_REQUEST_SELFIE] = { 49, "GET", API "/verifier/requests/{id}/selfie", SESSION, SAFE, FALSE, FALSE, TRUE },
  [TEKEN_CA_ENDPOINT_VERIFIER_REQUEST_APPROVE] = { 50, "POST", API "/verifier/requests/{id}/approve", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_VERIFIER_REQUEST_REJECT] = { 51, "POST", API "/verifier/requests/{id}/reject", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_VERIFIER_HOLDERS_SEARCH] = { 52, "POST", API "/verifier/holders/search", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_VERIFIER_HOLDER] = { 53, "GET", API "/verifier/holders/{id}", SESSION, SAFE, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_VERIFIER_HOLDER_SUSPEND] = { 54, "POST", API "/verifier/holders/{id}/suspend", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_VERIFIER_HOLDER_UNSUSPEND] = { 55, "POST", API "/verifier/holders/{id}/unsuspend", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_VERIFIER_HOLDER_REVOKE] = { 56, "POST", API "/verifier/holders/{id}/revoke", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_VERIFIER_HOLDER_REISSUE] = { 57, "POST", API "/verifier/holders/{id}/reissue", SESSION, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_SIGNING_OTP_REQUEST] = { 58, "POST", "/api/v2/sign/get/totp", CLIENT_OR_HOLDER, NEVER, TRUE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_SIGN_HASH] = { 59, "POST", "/api/v2/sign/hash/pdf", CLIENT_OR_HOLDER, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_SIGN_HASH_ENTITY] = { 59, "POST", "/v2/api/entity/sign/hash/pdf", CLIENT_OR_HOLDER, NEVER, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_SIGN_PDF] = { 60, "POST", "/api/v2/sign/pdf", CLIENT_OR_HOLDER, NEVER, TRUE, TRUE, TRUE },
  [TEKEN_CA_ENDPOINT_VERIFY_PDF] = { 61, "POST", "/api/v2/verify/pdf", CLIENT_OR_HOLDER, SAFE, TRUE, TRUE, FALSE },
  [TEKEN_CA_ENDPOINT_PKI_CA] = { 62, "GET", "/pki/ca", NONE, SAFE, FALSE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PKI_ROOT] = { 63, "GET", "/pki/root.crt", NONE, SAFE, FALSE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PKI_ISSUING] = { 64, "GET", "/pki/issuing.crt", NONE, SAFE, FALSE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PKI_CRL] = { 65, "GET", "/pki/crl", NONE, SAFE, FALSE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PKI_ROOT_CRL] = { 66, "GET", "/pki/root.crl", NONE, SAFE, FALSE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PKI_OCSP] = { 67, "POST", "/pki/ocsp", NONE, SAFE, FALSE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PKI_OCSP_GET] = { 68, "GET", "/pki/ocsp/{request}", NONE, SAFE, FALSE, FALSE, FALSE },
  [TEKEN_CA_ENDPOINT_PKI_TSA] = { 69, "POST", "/pki/tsa", NONE, SAFE, FALSE, FALSE, FALSE },
};

#undef SAFE
#undef IDEM
#undef NEVER
#undef NONE
#undef CLIENT
#undef CLIENT_OR_HOLDER
#undef SESSION
#undef LINK

/* One request through the pipeline, from the first try to the answer. */
typedef struct
{
  TekenCaEndpoint endpoint;
  const TekenCaEndpointInfo *info;
  char *uri;
  GBytes *body;
  char *content_type;
  gboolean want_bytes;
  char *account;           /* the username a new session belongs to */
  guint tries;
  gboolean refreshed;
  gboolean used_session;
  guint generation;
  SoupMessage *msg;
  GSource *delay;
  GSource *delay_cancel;
} Call;

typedef struct
{
  JsonObject *object;
  GBytes *bytes;
  char *content_type;
} Response;

static void send_call (GTask *task);

static void
call_free (Call *call)
{
  g_free (call->uri);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->content_type);
  g_free (call->account);
  g_clear_object (&call->msg);
  if (call->delay != NULL)
    g_source_destroy (call->delay);
  g_clear_pointer (&call->delay, g_source_unref);
  if (call->delay_cancel != NULL)
    g_source_destroy (call->delay_cancel);
  g_clear_pointer (&call->delay_cancel, g_source_unref);
  g_free (call);
}

static void
response_free (Response *response)
{
  g_clear_pointer (&response->object, json_object_unref);
  g_clear_pointer (&response->bytes, g_bytes_unref);
  g_free (response->content_type);
  g_free (response);
}

/* GBytes over memory that is wiped when the last reference goes. */
static void
wipe_and_free (gpointer data)
{
  teken_wipe_string (data);
  g_free (data);
}

static void
wipe_bytes (GBytes *bytes)
{
  gsize length = 0;
  gpointer data = (gpointer) g_bytes_get_data (bytes, &length);

  if (data != NULL)
    OPENSSL_cleanse (data, length);
}

static gsize
escaped_length (const TekenSecret *secret)
{
  const guchar *p = (const guchar *) teken_secret_get_text (secret);
  gsize length = 0;

  for (gsize i = 0; i < teken_secret_get_length (secret); i++)
    length += p[i] == '"' || p[i] == '\\' ? 2 : p[i] < 0x20 ? 6 : 1;

  return length;
}

static char *
write_escaped (char              *out,
               const TekenSecret *secret)
{
  const guchar *p = (const guchar *) teken_secret_get_text (secret);

  for (gsize i = 0; i < teken_secret_get_length (secret); i++)
    {
      if (p[i] == '"' || p[i] == '\\')
        {
          *out++ = '\\';
          *out++ = p[i];
        }
      else if (p[i] < 0x20)
        {
          static const char hex[] = "0123456789abcdef";

          memcpy (out, "\\u00", 4);
          out[4] = hex[p[i] >> 4];
          out[5] = hex[p[i] & 0xf];
          out += 6;
        }
      else
        *out++ = p[i];
    }

  return out;
}

/* The JSON text of @body with @secrets added as string members. The secrets
 * are written once, into memory of the exact size that is wiped on free. */
static GBytes *
build_body (JsonObject                *body,
            const TekenCaSecretMember *secrets)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), body != NULL ? body : json_object_new ());
  g_autofree char *plain = json_to_string (node, FALSE);
  gsize plain_length = strlen (plain);
  gsize length = plain_length;
  gboolean empty = plain_length <= 2;
  char *buffer;
  char *out;
  guint n = 0;

  if (body == NULL)
    json_object_unref (json_node_get_object (node));

  for (const TekenCaSecretMember *s = secrets; s != NULL && s->name != NULL; s++, n++)
    length += strlen (s->name) + 2 + 1 + escaped_length (s->value) + 2 + 1;
  if (n == 0)
    return g_bytes_new_take (g_steal_pointer (&plain), plain_length);

  /* {"a":"…","b":"…",<the rest of plain> — the comma goes when plain is {}. */
  if (empty)
    length -= 1;
  buffer = g_malloc (length + 1);
  out = buffer;
  *out++ = '{';
  for (const TekenCaSecretMember *s = secrets; s->name != NULL; s++)
    {
      gsize name_length = strlen (s->name);

      if (s != secrets)
        *out++ = ',';
      *out++ = '"';
      memcpy (out, s->name, name_length);
      out += name_length;
      memcpy (out, "\":\"", 3);
      out += 3;
      out = write_escaped (out, s->value);
      *out++ = '"';
    }
  if (!empty)
    *out++ = ',';
  memcpy (out, plain + 1, plain_length - 1);
  out += plain_length - 1;
  *out = '\0';
  g_assert ((gsize) (out - buffer) == length);

  return g_bytes_new_with_free_func (buffer, length, wipe_and_free, buffer);
}

/* g_base64_decode() skips what is not base64; an answer must be nothing
 * but padded standard base64 (RFC 4648 §4). */
static guchar *
decode_base64 (const char *text,
               gsize      *length)
{
  gsize n = strlen (text);
  gsize padding = 0;

  if (n == 0 || n % 4 != 0)
    return NULL;
  for (gsize i = 0; i < n; i++)
    {
      if (text[i] == '=' && i >= n - 2)
        padding++;
      else if (padding > 0 || !(g_ascii_isalnum (text[i]) || text[i] == '+' || text[i] == '/'))
        return NULL;
    }

  return g_base64_decode (text, length);
}

static gboolean
is_loopback (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "localhost") == 0 ||
         g_strcmp0 (host, "::1") == 0 || g_strcmp0 (host, "[::1]") == 0;
}

static GError *
bad_response_error (TekenCaClient *self)
{
  return g_error_new (TEKEN_CA_ERROR, TEKEN_CA_ERROR_BAD_RESPONSE,
                      _("The CA server at %s sent an answer Teken cannot read. Check the server address; if it is right, report the problem."),
                      self->base_url);
}

/* -- logging ------------------------------------------------------------ */

/* What is printed is redacted once more: credentials in headers and query
 * strings, and any member whose name says it holds a secret, in case a body
 * that should not be logged ever is. */
static void
print_redacted (char        direction,
                const char *data)
{
  static GRegex *secret_member;
  static GRegex *secret_query;
  static gsize initialized;
  g_auto(GStrv) lines = NULL;

  if (g_once_init_enter (&initialized))
    {
      secret_member = g_regex_new ("(\"[A-Za-z_]*(?:password|passphrase|token|secret|totp|otp|code|uri)[A-Za-z_]*\""
                                   "\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"",
                                   G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      secret_query = g_regex_new ("(token=)[^&\\s]*", G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&initialized, 1);
    }

  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *members = NULL;
      g_autofree char *line = NULL;

      if (g_ascii_strncasecmp (lines[i], "Authorization:", 14) == 0 ||
          g_ascii_strncasecmp (lines[i], "Proxy-Authorization:", 20) == 0)
        {
          g_printerr ("teken-http: %c %.*s [redacted]\n", direction,
                      (int) (strchr (lines[i], ':') - lines[i] + 1), lines[i]);
          continue;
        }

      members = g_regex_replace (secret_member, lines[i], -1, 0, "\\1\"[redacted]\"", 0, NULL);
      line = g_regex_replace (secret_query, members != NULL ? members : "", -1, 0, "\\1[redacted]", 0, NULL);
      g_printerr ("teken-http: %c %s\n", direction, line != NULL ? line : "");
    }
}

static void
print_log_line (SoupLogger         *logger,
                SoupLoggerLogLevel  level,
                char                direction,
                const char         *data,
                gpointer            user_data)
{
  print_redacted (direction, data);
}

/* Bodies are printed here, not by SoupLogger: libsoup 3.2's logger keeps a
 * request body it was told not to print and prints it with the next
 * message that gets the same address, so a refresh token showed up under a
 * sign-out. Here a body is printed only for an endpoint that carries no
 * secret, and only when it is JSON. */
static void
log_body (TekenCaClient *self,
          char           direction,
          const Call    *call,
          GBytes        *body,
          gboolean       secret)
{
  gsize length = 0;
  const char *data;

  if (!self->log_bodies || body == NULL)
    return;

  data = g_bytes_get_data (body, &length);
  if (secret)
    g_printerr ("teken-http: %c %s %s: %" G_GSIZE_FORMAT " bytes, not shown: they carry secrets\n",
                direction, call->info->method, call->info->path, length);
  else if (call->want_bytes || length == 0 || !g_utf8_validate_len (data, length, NULL) ||
           memchr (data, '\0', length) != NULL)
    g_printerr ("teken-http: %c %s %s: %" G_GSIZE_FORMAT " bytes\n",
                direction, call->info->method, call->info->path, length);
  else
    {
      g_autofree char *text = g_strndup (data, length);
      g_autofree char *line = g_strdup_printf ("%s %s: %s", call->info->method, call->info->path, text);

      print_redacted (direction, line);
    }
}

static void
setup_logger (TekenCaClient *self)
{
  const char *wanted = g_getenv ("TEKEN_HTTP_LOG");
  SoupLoggerLogLevel level;
  g_autoptr(SoupLogger) logger = NULL;

  if (wanted == NULL || *wanted == '\0' || g_str_equal (wanted, "none"))
    return;
  if (g_str_equal (wanted, "minimal"))
    level = SOUP_LOGGER_LOG_MINIMAL;
  else
    level = SOUP_LOGGER_LOG_HEADERS;
  self->log_bodies = g_str_equal (wanted, "body");

  logger = soup_logger_new (level);
  soup_logger_set_printer (logger, print_log_line, NULL, NULL);
  soup_session_add_feature (self->soup, SOUP_SESSION_FEATURE (logger));
}

/* -- the session -------------------------------------------------------- */

static gboolean
notify_signed_in_cb (gpointer user_data)
{
  g_object_notify_by_pspec (G_OBJECT (user_data), properties[PROP_SIGNED_IN]);
  return G_SOURCE_REMOVE;
}

/* Replaces the session; the UI hears of it in the client's own context. */
static void
replace_session (TekenCaClient  *self,
                 TekenCaSession *session)
{
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->session, teken_ca_session_unref);
  self->session = session != NULL ? teken_ca_session_ref (session) : NULL;
  self->generation++;
  g_mutex_unlock (&self->lock);

  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT, notify_signed_in_cb,
                              g_object_ref (self), g_object_unref);
}

static TekenCaSession *
dup_session_locked (TekenCaClient *self,
                    guint         *generation)
{
  TekenCaSession *session;

  g_mutex_lock (&self->lock);
  session = self->session != NULL ? teken_ca_session_ref (self->session) : NULL;
  if (generation != NULL)
    *generation = self->generation;
  g_mutex_unlock (&self->lock);

  return session;
}

static void
store_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (task) == teken_session_store_save_async)
    ok = teken_session_store_save_finish (TEKEN_SESSION_STORE (source), result, &error);
  else
    ok = teken_session_store_clear_finish (TEKEN_SESSION_STORE (source), result, &error);

  /* The session itself is fine in memory; only the next start of the app
   * will ask to sign in again. */
  if (!ok)
    g_warning ("The sign-in could not be kept in the keyring: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

/* Keeps @session (or its absence) in the store, if there is one; @callback
 * runs when that is done. */
static void
persist_session (TekenCaClient       *self,
                 TekenCaSession      *session,
                 const char          *cleared_account,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  if (self->store == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  if (session != NULL)
    {
      g_task_set_source_tag (task, teken_session_store_save_async);
      teken_session_store_save_async (self->store, self->base_url, session, NULL, store_done_cb, task);
    }
  else
    {
      g_task_set_source_tag (task, teken_session_store_clear_async);
      teken_session_store_clear_async (self->store, self->base_url, cleared_account, NULL, store_done_cb, task);
    }
}

/* -- refreshing --------------------------------------------------------- */

static void finish_refresh (TekenCaClient *self,
                            GError        *error);

static void
refresh_cleared_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  finish_refresh (TEKEN_CA_CLIENT (source), user_data);
}

static void
refresh_call_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  TekenCaClient *self = TEKEN_CA_CLIENT (source);
  g_autoptr(JsonObject) object = NULL;
  GError *error = NULL;
  g_autoptr(TekenCaSession) session = NULL;

  object = teken_ca_client_call_finish (self, result, &error);

  /* The refresh token is used up or the session ended on the server: it is
   * gone for good, here and in the store. */
  if (g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_REFRESH_INVALID) &&
      (session = dup_session_locked (self, NULL)) != NULL)
    {
      replace_session (self, NULL);
      persist_session (self, NULL, teken_ca_session_get_account (session), refresh_cleared_cb, error);
      return;
    }

  finish_refresh (self, error);
}

/* Takes @error. */
static void
finish_refresh (TekenCaClient *self,
                GError        *error)
{
  g_autoptr(GPtrArray) waiters = NULL;

  g_mutex_lock (&self->lock);
  waiters = g_steal_pointer (&self->refresh_waiters);
  self->refresh_waiters = g_ptr_array_new ();
  self->refreshing = FALSE;
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < waiters->len; i++)
    {
      g_autoptr(GTask) waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
    }
  g_clear_error (&error);
}

/* Makes sure the session is newer than @generation: refreshes it, or waits
 * for the refresh already under way. Never two refreshes at once: the
 * second would present a used refresh token and end the session. */
static void
ensure_refreshed (TekenCaClient       *self,
                  guint                generation,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *waiter = g_task_new (self, NULL, callback, user_data);
  g_autoptr(TekenSecret) refresh_token = NULL;
  gboolean start = FALSE;

  g_task_set_source_tag (waiter, ensure_refreshed);

  g_mutex_lock (&self->lock);
  if (self->generation != generation && self->session != NULL)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_boolean (waiter, TRUE);
      g_object_unref (waiter);
      return;
    }
  if (self->session == NULL)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_new_error (waiter, TEKEN_CA_ERROR, TEKEN_CA_ERROR_NOT_SIGNED_IN,
                               _("You are not signed in to the CA server. Sign in, then try again."));
      g_object_unref (waiter);
      return;
    }
  g_ptr_array_add (self->refresh_waiters, waiter);
  if (!self->refreshing)
    {
      self->refreshing = TRUE;
      start = TRUE;
      refresh_token = teken_secret_ref (teken_ca_session_get_refresh_token (self->session));
    }
  g_mutex_unlock (&self->lock);

  if (start)
    {
      const TekenCaSecretMember secrets[] = { { "refresh_token", refresh_token }, { NULL, NULL } };

      teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_AUTH_REFRESH, NULL, NULL, NULL, secrets, NULL,
                                  refresh_call_done_cb, NULL);
    }
}

/* -- the pipeline ------------------------------------------------------- */

static void
return_error (GTask  *task,
              GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
returned_session_persisted_cb (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  GTask *task = user_data;

  g_task_return_pointer (task, g_object_steal_data (G_OBJECT (task), "response"),
                         (GDestroyNotify) response_free);
  g_object_unref (task);
}

/* A token pair in the answer (activation, TOTP step, refresh) becomes the
 * session; it is kept in the store before the caller hears of it. */
static gboolean
adopt_session (GTask      *task,
               Response   *response,
               GError    **error)
{
  TekenCaClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(TekenCaSession) session = NULL;
  g_autofree char *account = NULL;

  if (call->endpoint == TEKEN_CA_ENDPOINT_ENROLLMENT_ACTIVATE)
    account = g_strdup (json_object_get_string_member_with_default (response->object, "username", ""));
  else
    account = g_strdup (call->account);
  if (account == NULL || *account == '\0')
    {
      *error = bad_response_error (self);
      return FALSE;
    }

  session = teken_ca_session_new_from_json (account, response->object,
                                            g_get_real_time () / G_USEC_PER_SEC, error);
  if (session == NULL)
    return FALSE;

  replace_session (self, session);
  g_object_set_data_full (G_OBJECT (task), "response", response, (GDestroyNotify) response_free);
  persist_session (self, session, NULL, returned_session_persisted_cb, task);
  return TRUE;
}

static void
session_cleared_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = g_object_steal_data (G_OBJECT (task), "error");

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_steal_data (G_OBJECT (task), "response"),
                           (GDestroyNotify) response_free);
  g_object_unref (task);
}

/* Sign-out, or a session the server ended: forget it here and in the store,
 * then finish @task with @response or @error. */
static void
clear_session_and_finish (GTask    *task,
                          Response *response,
                          GError   *error)
{
  TekenCaClient *self = g_task_get_source_object (task);
  g_autoptr(TekenCaSession) session = dup_session_locked (self, NULL);

  if (session == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, response, (GDestroyNotify) response_free);
      g_object_unref (task);
      return;
    }

  replace_session (self, NULL);
  if (response != NULL)
    g_object_set_data_full (G_OBJECT (task), "response", response, (GDestroyNotify) response_free);
  if (error != NULL)
    g_object_set_data_full (G_OBJECT (task), "error", error, (GDestroyNotify) g_error_free);
  persist_session (self, NULL, teken_ca_session_get_account (session), session_cleared_cb, task);
}

static gboolean
delay_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  g_source_destroy (call->delay);
  g_clear_pointer (&call->delay, g_source_unref);
  g_clear_pointer (&call->delay_cancel, g_source_unref);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static gboolean
delay_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  if (call->delay_cancel != NULL)
    g_source_destroy (call->delay_cancel);
  g_clear_pointer (&call->delay_cancel, g_source_unref);
  g_clear_pointer (&call->delay, g_source_unref);
  send_call (task);

  return G_SOURCE_REMOVE;
}

/* Back-off of §2.7: 1 s, 2 s, 4 s… (scaled by retry-delay). */
static void
retry_later (GTask *task)
{
  TekenCaClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  guint delay = self->retry_delay_ms << MIN (call->tries - 1, 8);
  GCancellable *cancellable = g_task_get_cancellable (task);

  call->delay = g_timeout_source_new (delay);
  g_source_set_callback (call->delay, delay_done_cb, task, NULL);
  g_source_attach (call->delay, g_task_get_context (task));
  if (cancellable != NULL)
    {
      call->delay_cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (call->delay_cancel, G_SOURCE_FUNC (delay_cancelled_cb), task, NULL);
      g_source_attach (call->delay_cancel, g_task_get_context (task));
    }
}

static gboolean
is_retryable_transport_error (const GError *error)
{
  /* A certificate that is not trusted stays untrusted, and an answer that
   * cannot be parsed will not parse the next time either. */
  return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && error->domain != G_TLS_ERROR &&
         error->domain != SOUP_SESSION_ERROR;
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      return_error (task, error);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  send_call (task);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  TekenCaClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root = NULL;
  const char *request_id;
  const char *content_type;
  guint status;
  Response *response;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      /* §2.7: safe and idempotent calls try again after a network error. */
      if (call->info->retry != TEKEN_CA_RETRY_NEVER && call->tries < self->max_tries &&
          is_retryable_transport_error (error))
        {
          g_debug ("%s %s: %s; trying again", call->info->method, call->info->path, error->message);
          retry_later (task);
          return;
        }
      /* Signing out here does not wait for the server. */
      if (call->endpoint == TEKEN_CA_ENDPOINT_AUTH_LOGOUT)
        clear_session_and_finish (task, NULL, teken_ca_error_new_from_transport (error, self->base_url));
      else
        return_error (task, teken_ca_error_new_from_transport (error, self->base_url));
      return;
    }

  status = soup_message_get_status (call->msg);
  log_body (self, '<', call, bytes, call->info->secret_response);
  request_id = soup_message_headers_get_one (soup_message_get_response_headers (call->msg), "X-Request-Id");
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (call->msg), NULL);

  if (g_bytes_get_size (bytes) > 0 && (!call->want_bytes || !SOUP_STATUS_IS_SUCCESSFUL (status)) &&
      json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
    root = json_parser_get_root (parser);

  /* Secrets in the raw answer are wiped once parsed. */
  if (call->info->secret_response && !call->want_bytes)
    wipe_bytes (bytes);

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      response = g_new0 (Response, 1);
      if (call->want_bytes)
        {
          response->bytes = g_steal_pointer (&bytes);
          response->content_type = g_strdup (content_type);
        }
      else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        response->object = json_object_ref (json_node_get_object (root));
      else if (root == NULL && (status == SOUP_STATUS_NO_CONTENT || g_bytes_get_size (bytes) == 0))
        response->object = json_object_new ();
      else
        {
          response_free (response);
          return_error (task, bad_response_error (self));
          return;
        }

      if (call->endpoint == TEKEN_CA_ENDPOINT_AUTH_LOGOUT)
        {
          clear_session_and_finish (task, response, NULL);
          return;
        }
      if (call->endpoint == TEKEN_CA_ENDPOINT_ENROLLMENT_ACTIVATE ||
          call->endpoint == TEKEN_CA_ENDPOINT_AUTH_LOGIN_TOTP ||
          call->endpoint == TEKEN_CA_ENDPOINT_AUTH_REFRESH)
        {
          GError *adopt_error = NULL;

          if (!adopt_session (task, response, &adopt_error))
            {
              response_free (response);
              return_error (task, adopt_error);
            }
          return;
        }

      g_task_return_pointer (task, response, (GDestroyNotify) response_free);
      g_object_unref (task);
      return;
    }

  error = teken_ca_error_new_from_response (status, root, request_id);

  /* §2.3: an ended access token is refreshed once, then the call is sent
   * again. The server refused it before doing anything, so this is safe
   * even for a call that must never be repeated. */
  if (call->used_session && !call->refreshed &&
      g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SESSION_INVALID))
    {
      call->refreshed = TRUE;
      ensure_refreshed (self, call->generation, refreshed_cb, task);
      return;
    }

  /* §2.7: only safe calls are repeated after a gateway error. */
  if (call->info->retry == TEKEN_CA_RETRY_SAFE && call->tries < self->max_tries &&
      (status == SOUP_STATUS_BAD_GATEWAY || status == SOUP_STATUS_SERVICE_UNAVAILABLE ||
       status == SOUP_STATUS_GATEWAY_TIMEOUT))
    {
      g_debug ("%s %s: HTTP %u; trying again", call->info->method, call->info->path, status);
      retry_later (task);
      return;
    }

  if (call->endpoint == TEKEN_CA_ENDPOINT_AUTH_LOGOUT ||
      (call->used_session && g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SESSION_INVALID)))
    {
      clear_session_and_finish (task, NULL, g_steal_pointer (&error));
      return;
    }

  return_error (task, g_steal_pointer (&error));
}

/* Adds the credentials @call's endpoint needs; fails when there are none. */
static gboolean
authorize (TekenCaClient  *self,
           Call           *call,
           SoupMessage    *msg,
           GError        **error)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  TekenCaAuth auth = call->info->auth;
  g_autofree char *value = NULL;

  call->used_session = FALSE;
  if (auth == TEKEN_CA_AUTH_NONE || auth == TEKEN_CA_AUTH_LINK)
    return TRUE;

  g_mutex_lock (&self->lock);
  if ((auth == TEKEN_CA_AUTH_CLIENT || auth == TEKEN_CA_AUTH_CLIENT_OR_HOLDER) && self->client_secret != NULL)
    {
      gsize id_length = strlen (self->client_id);
      gsize length = id_length + 1 + teken_secret_get_length (self->client_secret);
      char *pair = g_malloc (length + 1);
      char *encoded;

      memcpy (pair, self->client_id, id_length);
      pair[id_length] = ':';
      memcpy (pair + id_length + 1, teken_secret_get_text (self->client_secret),
              teken_secret_get_length (self->client_secret) + 1);
      encoded = g_base64_encode ((const guchar *) pair, length);
      value = g_strconcat ("Basic ", encoded, NULL);
      OPENSSL_cleanse (pair, length);
      teken_wipe_string (encoded);
      g_free (pair);
      g_free (encoded);
    }
  else if ((auth == TEKEN_CA_AUTH_SESSION || auth == TEKEN_CA_AUTH_CLIENT_OR_HOLDER) && self->session != NULL)
    {
      value = g_strconcat ("Bearer ", teken_secret_get_text (teken_ca_session_get_access_token (self->session)), NULL);
      call->used_session = TRUE;
      call->generation = self->generation;
    }
  g_mutex_unlock (&self->lock);

  if (value == NULL && auth == TEKEN_CA_AUTH_SESSION)
    {
      g_set_error_literal (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_NOT_SIGNED_IN,
                           _("You are not signed in to the CA server. Sign in, then try again."));
      return FALSE;
    }
  if (value == NULL)
    {
      g_set_error_literal (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_NO_CREDENTIALS,
                           _("This needs your signed-in account on the CA server, or this application's client credentials. Sign in, or set the client credentials, then try again."));
      return FALSE;
    }

  soup_message_headers_replace (headers, "Authorization", value);
  teken_wipe_string (value);
  return TRUE;
}

static void
send_call (GTask *task)
{
  TekenCaClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  g_clear_object (&call->msg);
  call->msg = soup_message_new (call->info->method, call->uri);
  if (call->msg == NULL)
    {
      return_error (task, g_error_new (TEKEN_CA_ERROR, TEKEN_CA_ERROR_INVALID_URL,
                                       _("“%s” is not a CA server address. Use an https:// address, for example https://127.0.0.1:8443."),
                                       self->base_url));
      return;
    }

  if (!authorize (self, call, call->msg, &error))
    {
      return_error (task, error);
      return;
    }

  headers = soup_message_get_request_headers (call->msg);
  if (!call->want_bytes)
    soup_message_headers_replace (headers, "Accept", "application/json");
  if (call->body != NULL)
    {
      soup_message_set_request_body_from_bytes (call->msg, call->content_type, call->body);
      log_body (self, '>', call, call->body, call->info->secret_request);
    }

  call->tries++;
  soup_session_send_and_read_async (self->soup, call->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), sent_cb, task);
}

static void
expired_refreshed_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The access token ran out by the clock; when the refresh fails, the
   * server still decides (the call refreshes again at most once). */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_REFRESH_INVALID))
        {
          return_error (task, g_steal_pointer (&error));
          return;
        }
      call->refreshed = TRUE;
    }

  send_call (task);
}

static char *
build_uri (TekenCaClient       *self,
           const char          *path,
           const char * const  *path_args,
           const char * const  *query)
{
  g_autoptr(GString) uri = g_string_new (self->base_url);
  guint arg = 0;

  for (const char *p = path; *p != '\0'; p++)
    {
      const char *close;

      if (*p != '{' || (close = strchr (p, '}')) == NULL)
        {
          g_string_append_c (uri, *p);
          continue;
        }

      g_return_val_if_fail (path_args != NULL && path_args[arg] != NULL, NULL);
      g_string_append_uri_escaped (uri, path_args[arg++], NULL, FALSE);
      p = close;
    }

  for (guint i = 0; query != NULL && query[i] != NULL; i += 2)
    {
      g_return_val_if_fail (query[i + 1] != NULL, NULL);

      g_string_append_c (uri, i == 0 ? '?' : '&');
      g_string_append_uri_escaped (uri, query[i], NULL, FALSE);
      g_string_append_c (uri, '=');
      g_string_append_uri_escaped (uri, query[i + 1], NULL, FALSE);
    }

  return g_string_free (g_steal_pointer (&uri), FALSE);
}

static void
start_call (TekenCaClient       *self,
            TekenCaEndpoint      endpoint,
            const char * const  *path_args,
            const char * const  *query,
            GBytes              *body,
            const char          *content_type,
            gboolean             want_bytes,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);
  g_autoptr(TekenCaSession) session = NULL;
  guint generation = 0;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  call->endpoint = endpoint;
  call->info = &endpoints[endpoint];
  call->uri = build_uri (self, call->info->path, path_args, query);
  call->body = body != NULL ? g_bytes_ref (body) : NULL;
  call->content_type = g_strdup (content_type);
  call->want_bytes = want_bytes;

  if (endpoint == TEKEN_CA_ENDPOINT_AUTH_LOGIN_TOTP)
    {
      g_mutex_lock (&self->lock);
      call->account = g_strdup (self->login_username);
      g_mutex_unlock (&self->lock);
    }
  else if (endpoint == TEKEN_CA_ENDPOINT_AUTH_REFRESH && (session = dup_session_locked (self, NULL)) != NULL)
    call->account = g_strdup (teken_ca_session_get_account (session));

  if (call->uri == NULL)
    {
      return_error (task, g_error_new (TEKEN_CA_ERROR, TEKEN_CA_ERROR_INVALID_URL,
                                       _("“%s” is not a CA server address. Use an https:// address, for example https://127.0.0.1:8443."),
                                       self->base_url));
      return;
    }

  /* A token the clock says has ended is refreshed first, while the
   * refresh token is still good: it saves a round trip that fails. */
  g_clear_pointer (&session, teken_ca_session_unref);
  if (call->info->auth == TEKEN_CA_AUTH_SESSION ||
      (call->info->auth == TEKEN_CA_AUTH_CLIENT_OR_HOLDER && !teken_ca_client_has_client_credentials (self)))
    session = dup_session_locked (self, &generation);
  if (session != NULL)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;

      if (teken_ca_session_get_access_expires_at (session) <= now + EXPIRY_MARGIN &&
          teken_ca_session_get_refresh_expires_at (session) > now)
        {
          ensure_refreshed (self, generation, expired_refreshed_cb, task);
          return;
        }
    }

  send_call (task);
}

static Response *
finish_call (TekenCaClient  *self,
             GAsyncResult   *result,
             gpointer        source_tag,
             GError        **error)
{
  g_return_val_if_fail (TEKEN_IS_CA_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- GObject ------------------------------------------------------------ */

static gboolean
teken_ca_client_initable_init (GInitable     *initable,
                               GCancellable  *cancellable,
                               GError       **error)
{
  TekenCaClient *self = TEKEN_CA_CLIENT (initable);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autofree char *user_agent = g_strdup_printf ("Teken/%s", PACKAGE_VERSION);

  /* §2.1: HTTPS only, and the base URL is nothing but a scheme and host. */
  if (self->base_url != NULL)
    uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL ||
      *g_uri_get_host (uri) == '\0' || g_uri_get_query (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_INVALID_URL,
                   _("“%s” is not a CA server address. Use an https:// address, for example https://127.0.0.1:8443."),
                   self->base_url != NULL ? self->base_url : "");
      return FALSE;
    }
  /* Paths in the table start with a slash. */
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';

  if (self->ca_file != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      /* GTlsFileDatabase wants an absolute path. */
      g_autofree char *absolute = g_canonicalize_filename (self->ca_file, NULL);
      g_autolist(GTlsCertificate) anchors = g_tls_certificate_list_new_from_file (self->ca_file, &local_error);

      if (anchors == NULL)
        {
          g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_CA_FILE,
                       _("The CA certificate file “%s” could not be read: %s"),
                       self->ca_file, local_error != NULL ? local_error->message : _("it holds no certificate"));
          return FALSE;
        }
      database = g_tls_file_database_new (absolute, &local_error);
      if (database == NULL)
        {
          g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_CA_FILE,
                       _("The CA certificate file “%s” could not be read: %s"),
                       self->ca_file, local_error->message);
          return FALSE;
        }
    }

  self->soup = soup_session_new_with_options ("user-agent", user_agent, NULL);
  if (database != NULL)
    soup_session_set_tls_database (self->soup, database);
  /* Nothing stands between this machine and itself; and libproxy lookups
   * for 127.0.0.1 only cost time. */
  if (is_loopback (g_uri_get_host (uri)))
    soup_session_set_proxy_resolver (self->soup, NULL);
  soup_session_set_timeout (self->soup, self->timeout);
  soup_session_set_idle_timeout (self->soup, self->timeout);
  setup_logger (self);

  return TRUE;
}

static void
initable_iface_init (GInitableIface *iface)
{
  iface->init = teken_ca_client_initable_init;
}

static void
teken_ca_client_dispose (GObject *object)
{
  TekenCaClient *self = TEKEN_CA_CLIENT (object);

  if (self->soup != NULL)
    soup_session_abort (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (teken_ca_client_parent_class)->dispose (object);
}

static void
teken_ca_client_finalize (GObject *object)
{
  TekenCaClient *self = TEKEN_CA_CLIENT (object);

  g_free (self->base_url);
  g_free (self->ca_file);
  g_free (self->client_id);
  g_clear_pointer (&self->client_secret, teken_secret_unref);
  g_clear_pointer (&self->session, teken_ca_session_unref);
  g_clear_pointer (&self->refresh_waiters, g_ptr_array_unref);
  g_free (self->login_username);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (teken_ca_client_parent_class)->finalize (object);
}

static void
teken_ca_client_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TekenCaClient *self = TEKEN_CA_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_RETRY_DELAY:
      g_value_set_uint (value, self->retry_delay_ms);
      break;
    case PROP_MAX_TRIES:
      g_value_set_uint (value, self->max_tries);
      break;
    case PROP_SESSION_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SIGNED_IN:
      {
        g_autoptr(TekenCaSession) session = dup_session_locked (self, NULL);

        g_value_set_boolean (value, session != NULL);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_ca_client_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TekenCaClient *self = TEKEN_CA_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      self->base_url = g_value_dup_string (value);
      break;
    case PROP_CA_FILE:
      self->ca_file = g_value_dup_string (value);
      break;
    case PROP_TIMEOUT:
      /* Session settings belong before the first request (libsoup's
       * rules for sessions used from several threads). */
      self->timeout = g_value_get_uint (value);
      if (self->soup != NULL)
        {
          soup_session_set_timeout (self->soup, g_value_get_uint (value));
          soup_session_set_idle_timeout (self->soup, g_value_get_uint (value));
        }
      break;
    case PROP_RETRY_DELAY:
      self->retry_delay_ms = g_value_get_uint (value);
      break;
    case PROP_MAX_TRIES:
      self->max_tries = g_value_get_uint (value);
      break;
    case PROP_SESSION_STORE:
      g_set_object (&self->store, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_ca_client_class_init (TekenCaClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = teken_ca_client_dispose;
  object_class->finalize = teken_ca_client_finalize;
  object_class->get_property = teken_ca_client_get_property;
  object_class->set_property = teken_ca_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Seconds of silence before a request fails with TEKEN_CA_ERROR_TIMEOUT. */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 3600, 30,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /* The first back-off of a retried request, in milliseconds. */
  properties[PROP_RETRY_DELAY] =
    g_param_spec_uint ("retry-delay", NULL, NULL, 0, 60000, 1000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_TRIES] =
    g_param_spec_uint ("max-tries", NULL, NULL, 1, 10, 3,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /* Where sign-ins are kept between runs; none keeps them in memory only. */
  properties[PROP_SESSION_STORE] =
    g_param_spec_object ("session-store", NULL, NULL, TEKEN_TYPE_SESSION_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
teken_ca_client_init (TekenCaClient *self)
{
  g_mutex_init (&self->lock);
  self->refresh_waiters = g_ptr_array_new ();
  self->main_context = g_main_context_ref_thread_default ();
}

/* -- public API --------------------------------------------------------- */

/**
 * teken_ca_endpoint_get_info:
 * @endpoint: a #TekenCaEndpoint
 *
 * Returns: (transfer none): what the client knows about @endpoint
 */
const TekenCaEndpointInfo *
teken_ca_endpoint_get_info (TekenCaEndpoint endpoint)
{
  g_return_val_if_fail (endpoint < TEKEN_CA_N_ENDPOINTS, NULL);

  return &endpoints[endpoint];
}

/**
 * teken_ca_client_new:
 * @base_url: the CA's public URL, https:// only (docs/api.md §2.1)
 * @ca_file: (nullable): PEM certificates to trust for its TLS certificate
 *   (teken-ca's `root.pem`); %NULL trusts the system store
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a new client, or %NULL with @error set
 */
TekenCaClient *
teken_ca_client_new (const char  *base_url,
                     const char  *ca_file,
                     GError     **error)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_initable_new (TEKEN_TYPE_CA_CLIENT, NULL, error,
                         "base-url", base_url,
                         "ca-file", ca_file,
                         NULL);
}

const char *
teken_ca_client_get_base_url (TekenCaClient *self)
{
  g_return_val_if_fail (TEKEN_IS_CA_CLIENT (self), NULL);

  return self->base_url;
}

/**
 * teken_ca_client_set_client_credentials:
 * @self: a #TekenCaClient
 * @client_id: (nullable): the client id, or %NULL to forget them
 * @client_secret: (nullable): the client secret
 *
 * Client credentials act for any holder (an agency's application); when
 * set they are used on the endpoints that take either them or a session.
 */
void
teken_ca_client_set_client_credentials (TekenCaClient *self,
                                        const char    *client_id,
                                        TekenSecret   *client_secret)
{
  g_return_if_fail (TEKEN_IS_CA_CLIENT (self));
  g_return_if_fail ((client_id == NULL) == (client_secret == NULL));

  g_mutex_lock (&self->lock);
  g_free (self->client_id);
  self->client_id = g_strdup (client_id);
  g_clear_pointer (&self->client_secret, teken_secret_unref);
  self->client_secret = client_secret != NULL ? teken_secret_ref (client_secret) : NULL;
  g_mutex_unlock (&self->lock);
}

gboolean
teken_ca_client_has_client_credentials (TekenCaClient *self)
{
  gboolean has;

  g_return_val_if_fail (TEKEN_IS_CA_CLIENT (self), FALSE);

  g_mutex_lock (&self->lock);
  has = self->client_secret != NULL;
  g_mutex_unlock (&self->lock);

  return has;
}

/**
 * teken_ca_client_dup_session:
 * @self: a #TekenCaClient
 *
 * Returns: (transfer full) (nullable): the current session
 */
TekenCaSession *
teken_ca_client_dup_session (TekenCaClient *self)
{
  g_return_val_if_fail (TEKEN_IS_CA_CLIENT (self), NULL);

  return dup_session_locked (self, NULL);
}

/**
 * teken_ca_client_set_session:
 * @self: a #TekenCaClient
 * @session: (nullable): a session, for example one loaded from the store
 *
 * Uses @session from now on. It is not written to the store: it came from
 * there, or the caller keeps it.
 */
void
teken_ca_client_set_session (TekenCaClient  *self,
                             TekenCaSession *session)
{
  g_return_if_fail (TEKEN_IS_CA_CLIENT (self));

  replace_session (self, session);
}

/**
 * teken_ca_client_call_async:
 * @self: a #TekenCaClient
 * @endpoint: an endpoint that answers JSON
 * @path_args: (nullable) (array zero-terminated=1): values of the path's
 *   {name} segments, in order
 * @query: (nullable) (array zero-terminated=1): query parameters, as key,
 *   value, key, value…
 * @body: (nullable): the request body, without secrets
 * @secrets: (nullable): secret members added to @body
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Sends a request to any endpoint of docs/api.md. Token pairs in an answer
 * (activation, sign-in, refresh) are taken by the client and wiped in the
 * object returned; a sign-out forgets the session.
 */
void
teken_ca_client_call_async (TekenCaClient              *self,
                            TekenCaEndpoint             endpoint,
                            const char * const         *path_args,
                            const char * const         *query,
                            JsonObject                 *body,
                            const TekenCaSecretMember  *secrets,
                            GCancellable               *cancellable,
                            GAsyncReadyCallback         callback,
                            gpointer                    user_data)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (TEKEN_IS_CA_CLIENT (self));
  g_return_if_fail (endpoint < TEKEN_CA_N_ENDPOINTS);
  g_return_if_fail (endpoints[endpoint].json_response);

  if (endpoint == TEKEN_CA_ENDPOINT_AUTH_LOGIN && body != NULL &&
      json_object_has_member (body, "username"))
    {
      g_mutex_lock (&self->lock);
      g_free (self->login_username);
      self->login_username = g_strdup (json_object_get_string_member_with_default (body, "username", NULL));
      g_mutex_unlock (&self->lock);
    }

  if (body != NULL || secrets != NULL || g_str_equal (endpoints[endpoint].method, "POST"))
    bytes = build_body (body, secrets);

  start_call (self, endpoint, path_args, query, bytes, "application/json", FALSE,
              teken_ca_client_call_async, cancellable, callback, user_data);
}

/**
 * teken_ca_client_call_finish:
 * @self: a #TekenCaClient
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the answer's object (empty for an
 *   answer without a body), or %NULL with @error set
 */
JsonObject *
teken_ca_client_call_finish (TekenCaClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  Response *response = finish_call (self, result, teken_ca_client_call_async, error);
  JsonObject *object;

  if (response == NULL)
    return NULL;

  object = g_steal_pointer (&response->object);
  response_free (response);
  return object;
}

/**
 * teken_ca_client_fetch_async:
 * @self: a #TekenCaClient
 * @endpoint: an endpoint that answers bytes
 * @path_args: (nullable) (array zero-terminated=1): values of the path's
 *   {name} segments, in order
 * @query: (nullable) (array zero-terminated=1): query parameters
 * @body: (nullable): the request body
 * @content_type: (nullable): the type of @body
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 */
void
teken_ca_client_fetch_async (TekenCaClient        *self,
                             TekenCaEndpoint       endpoint,
                             const char * const   *path_args,
                             const char * const   *query,
                             GBytes               *body,
                             const char           *content_type,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  g_return_if_fail (TEKEN_IS_CA_CLIENT (self));
  g_return_if_fail (endpoint < TEKEN_CA_N_ENDPOINTS);
  g_return_if_fail (!endpoints[endpoint].json_response);
  g_return_if_fail (body == NULL || content_type != NULL);

  start_call (self, endpoint, path_args, query, body, content_type, TRUE,
              teken_ca_client_fetch_async, cancellable, callback, user_data);
}

/**
 * teken_ca_client_fetch_finish:
 * @self: a #TekenCaClient
 * @result: the result passed to the callback
 * @content_type: (out) (optional) (transfer full): the answer's type
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the answer's body, or %NULL with
 *   @error set
 */
GBytes *
teken_ca_client_fetch_finish (TekenCaClient  *self,
                              GAsyncResult   *result,
                              char          **content_type,
                              GError        **error)
{
  Response *response = finish_call (self, result, teken_ca_client_fetch_async, error);
  GBytes *bytes;

  if (response == NULL)
    return NULL;

  if (content_type != NULL)
    *content_type = g_steal_pointer (&response->content_type);
  bytes = g_steal_pointer (&response->bytes);
  response_free (response);
  return bytes;
}

/* -- typed calls -------------------------------------------------------- */

/* The outer task of a typed call; its callback reads the generic answer. */
static GTask *
typed_task (TekenCaClient       *self,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static JsonObject *
identity_body (const char *nik,
               const char *email)
{
  JsonObject *body = json_object_new ();

  if (nik != NULL)
    json_object_set_string_member (body, "nik", nik);
  else
    json_object_set_string_member (body, "email", email);

  return body;
}

/**
 * teken_ca_client_get_info_async:
 *
 * `GET {T}/info` (1); finish with teken_ca_client_call_finish().
 */
void
teken_ca_client_get_info_async (TekenCaClient       *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_INFO, NULL, NULL, NULL, NULL,
                              cancellable, callback, user_data);
}

static void
check_status_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) object = NULL;
  GError *error = NULL;
  TekenCaStatus *status;

  if (!(object = teken_ca_client_call_finish (TEKEN_CA_CLIENT (source), result, &error)) ||
      !(status = teken_ca_status_new_from_json (object, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, status, (GDestroyNotify) teken_ca_status_free);
}

/**
 * teken_ca_client_check_status_async:
 * @self: a #TekenCaClient
 * @nik: (nullable): the holder's NIK
 * @email: (nullable): or the holder's e-mail, when @nik is %NULL
 *
 * `POST /api/v2/user/check/status` (30).
 */
void
teken_ca_client_check_status_async (TekenCaClient       *self,
                                    const char          *nik,
                                    const char          *email,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonObject) body = NULL;

  g_return_if_fail (TEKEN_IS_CA_CLIENT (self));
  g_return_if_fail ((nik == NULL) != (email == NULL));

  body = identity_body (nik, email);
  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_CHECK_STATUS, NULL, NULL, body, NULL, cancellable,
                              check_status_done_cb,
                              typed_task (self, teken_ca_client_check_status_async, cancellable, callback, user_data));
}

/**
 * teken_ca_client_check_status_finish:
 *
 * Returns: (transfer full) (nullable): the status, or %NULL with @error set
 */
TekenCaStatus *
teken_ca_client_check_status_finish (TekenCaClient  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
chain_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TekenCaClient *self = TEKEN_CA_CLIENT (source);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GError *error = NULL;
  JsonNode *data;

  if (!(object = teken_ca_client_call_finish (self, result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  /* §7.2: {"success": true, "data": [base64 DER, leaf first]}. */
  data = json_object_get_member (object, "data");
  if (!json_object_get_boolean_member_with_default (object, "success", FALSE) ||
      data == NULL || !JSON_NODE_HOLDS_ARRAY (data) || json_array_get_length (json_node_get_array (data)) == 0)
    {
      g_task_return_error (task, bad_response_error (self));
      return;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (data)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (data), i);
      guchar *der;
      gsize length = 0;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          (der = decode_base64 (json_node_get_string (element), &length)) == NULL || length == 0)
        {
          g_task_return_error (task, bad_response_error (self));
          return;
        }
      g_ptr_array_add (chain, g_bytes_new_take (der, length));
    }

  g_task_return_pointer (task, g_steal_pointer (&chain), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * teken_ca_client_get_chain_async:
 * @self: a #TekenCaClient
 * @nik: the holder's NIK
 *
 * `GET /api/v2/user/certificate/chain/{nik}` (31).
 */
void
teken_ca_client_get_chain_async (TekenCaClient       *self,
                                 const char          *nik,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  const char *args[] = { nik, NULL };

  g_return_if_fail (TEKEN_IS_CA_CLIENT (self));
  g_return_if_fail (nik != NULL);

  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_CERTIFICATE_CHAIN, args, NULL, NULL, NULL, cancellable,
                              chain_done_cb,
                              typed_task (self, teken_ca_client_get_chain_async, cancellable, callback, user_data));
}

/**
 * teken_ca_client_get_chain_finish:
 *
 * Returns: (transfer full) (element-type GBytes) (nullable): the DER
 *   certificates, the holder's first, or %NULL with @error set
 */
GPtrArray *
teken_ca_client_get_chain_finish (TekenCaClient  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
login_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) object = NULL;
  const char *username = g_task_get_task_data (task);
  GError *error = NULL;
  TekenCaLoginStep *step;

  if (!(object = teken_ca_client_call_finish (TEKEN_CA_CLIENT (source), result, &error)) ||
      !(step = teken_ca_login_step_new_from_json (username, object, g_get_real_time () / G_USEC_PER_SEC,
                                                  &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, step, (GDestroyNotify) teken_ca_login_step_free);
}

/**
 * teken_ca_client_login_async:
 * @self: a #TekenCaClient
 * @username: the holder's e-mail or NIK
 * @password: the account password
 *
 * `POST {T}/auth/login` (18), the first sign-in step.
 */
void
teken_ca_client_login_async (TekenCaClient       *self,
                             const char          *username,
                             TekenSecret         *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *copy = NULL;
  g_autofree char *trimmed = NULL;
  const TekenCaSecretMember secrets[] = { { "password", password }, { NULL, NULL } };
  GTask *task;

  g_return_if_fail (TEKEN_IS_CA_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  /* §2.2: text is trimmed; e-mail addresses compare lower-case. */
  copy = g_strdup (username);
  trimmed = g_ascii_strdown (g_strstrip (copy), -1);
  json_object_set_string_member (body, "username", trimmed);
  task = typed_task (self, teken_ca_client_login_async, cancellable, callback, user_data);
  g_task_set_task_data (task, g_strdup (trimmed), g_free);
  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_AUTH_LOGIN, NULL, NULL, body, secrets, cancellable,
                              login_done_cb, task);
}

/**
 * teken_ca_client_login_finish:
 *
 * Returns: (transfer full) (nullable): the next step, or %NULL with @error
 *   set
 */
TekenCaLoginStep *
teken_ca_client_login_finish (TekenCaClient  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
login_totp_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) object = NULL;
  GError *error = NULL;

  if (!(object = teken_ca_client_call_finish (TEKEN_CA_CLIENT (source), result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, teken_ca_client_dup_session (TEKEN_CA_CLIENT (source)),
                         (GDestroyNotify) teken_ca_session_unref);
}

/**
 * teken_ca_client_login_totp_async:
 * @self: a #TekenCaClient
 * @step: the answer of teken_ca_client_login_finish()
 * @code: the six-digit code from the authenticator
 * @device: (nullable): for %TEKEN_CA_LOGIN_NEXT_TOTP the device's id (or
 *   %NULL for any); for %TEKEN_CA_LOGIN_NEXT_TOTP_SETUP the new device's name
 *
 * `POST {T}/auth/login/totp` (19). On success the client holds the new
 * session, and keeps it in its session store.
 */
void
teken_ca_client_login_totp_async (TekenCaClient       *self,
                                  TekenCaLoginStep    *step,
                                  TekenSecret         *code,
                                  const char          *device,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  const TekenCaSecretMember secrets[] = {
    { "login_token", step->login_token }, { "code", code }, { NULL, NULL }
  };

  g_return_if_fail (TEKEN_IS_CA_CLIENT (self));
  g_return_if_fail (step != NULL);
  g_return_if_fail (code != NULL);

  g_mutex_lock (&self->lock);
  g_free (self->login_username);
  self->login_username = g_strdup (step->username);
  g_mutex_unlock (&self->lock);

  if (device != NULL)
    json_object_set_string_member (body, step->next == TEKEN_CA_LOGIN_NEXT_TOTP_SETUP ? "device_name" : "device_id",
                                   device);
  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_AUTH_LOGIN_TOTP, NULL, NULL, body, secrets, cancellable,
                              login_totp_done_cb,
                              typed_task (self, teken_ca_client_login_totp_async, cancellable, callback, user_data));
}

/**
 * teken_ca_client_login_totp_finish:
 *
 * Returns: (transfer full) (nullable): the new session, or %NULL with
 *   @error set
 */
TekenCaSession *
teken_ca_client_login_totp_finish (TekenCaClient  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
boolean_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (G_TASK (result)) == ensure_refreshed)
    ok = g_task_propagate_boolean (G_TASK (result), &error);
  else
    {
      g_autoptr(JsonObject) object = teken_ca_client_call_finish (TEKEN_CA_CLIENT (source), result, &error);

      ok = object != NULL;
    }

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * teken_ca_client_refresh_async:
 *
 * `POST {T}/auth/refresh` (20) now, rather than when a call finds the
 * access token ended. Shares a refresh already under way.
 */
void
teken_ca_client_refresh_async (TekenCaClient       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  guint generation;
  g_autoptr(TekenCaSession) session = NULL;

  g_return_if_fail (TEKEN_IS_CA_CLIENT (self));

  session = dup_session_locked (self, &generation);
  ensure_refreshed (self, generation, boolean_done_cb,
                    typed_task (self, teken_ca_client_refresh_async, cancellable, callback, user_data));
}

gboolean
teken_ca_client_refresh_finish (TekenCaClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * teken_ca_client_logout_async:
 *
 * `POST {T}/auth/logout` (21). The session is forgotten here and removed
 * from the session store even when the server cannot be told; the error
 * then says so.
 */
void
teken_ca_client_logout_async (TekenCaClient       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_AUTH_LOGOUT, NULL, NULL, NULL, NULL, cancellable,
                              boolean_done_cb,
                              typed_task (self, teken_ca_client_logout_async, cancellable, callback, user_data));
}

gboolean
teken_ca_client_logout_finish (TekenCaClient  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
account_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) object = NULL;
  GError *error = NULL;
  TekenCaAccountInfo *account;

  if (!(object = teken_ca_client_call_finish (TEKEN_CA_CLIENT (source), result, &error)) ||
      !(account = teken_ca_account_info_new_from_json (object, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, account, (GDestroyNotify) teken_ca_account_info_free);
}

/**
 * teken_ca_client_get_account_async:
 *
 * `GET {T}/account` (24).
 */
void
teken_ca_client_get_account_async (TekenCaClient       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_ACCOUNT, NULL, NULL, NULL, NULL, cancellable,
                              account_done_cb,
                              typed_task (self, teken_ca_client_get_account_async, cancellable, callback, user_data));
}

/**
 * teken_ca_client_get_account_finish:
 *
 * Returns: (transfer full) (nullable): the account, or %NULL with @error set
 */
TekenCaAccountInfo *
teken_ca_client_get_account_finish (TekenCaClient  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
certificates_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TekenCaClient *self = TEKEN_CA_CLIENT (source);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) teken_ca_certificate_info_free);
  GError *error = NULL;
  JsonNode *array;

  if (!(object = teken_ca_client_call_finish (self, result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  array = json_object_get_member (object, "certificates");
  if (array == NULL || !JSON_NODE_HOLDS_ARRAY (array))
    {
      g_task_return_error (task, bad_response_error (self));
      return;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (array)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (array), i);
      TekenCaCertificateInfo *certificate;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_task_return_error (task, bad_response_error (self));
          return;
        }
      if (!(certificate = teken_ca_certificate_info_new_from_json (json_node_get_object (element), &error)))
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (list, certificate);
    }

  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * teken_ca_client_list_certificates_async:
 *
 * `GET {T}/certificates` (32).
 */
void
teken_ca_client_list_certificates_async (TekenCaClient       *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_CERTIFICATES, NULL, NULL, NULL, NULL, cancellable,
                              certificates_done_cb,
                              typed_task (self, teken_ca_client_list_certificates_async, cancellable, callback,
                                          user_data));
}

/**
 * teken_ca_client_list_certificates_finish:
 *
 * Returns: (transfer full) (element-type TekenCaCertificateInfo) (nullable):
 *   the holder's certificates, newest first, or %NULL with @error set
 */
GPtrArray *
teken_ca_client_list_certificates_finish (TekenCaClient  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
certificate_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TekenCaClient *self = TEKEN_CA_CLIENT (source);
  g_autoptr(JsonObject) object = NULL;
  GError *error = NULL;
  TekenCaCertificateInfo *certificate;
  JsonObject *target;

  if (!(object = teken_ca_client_call_finish (self, result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Revocation answers {"status", "certificate"}; 33 the certificate. */
  target = object;
  if (g_task_get_source_tag (task) == teken_ca_client_revoke_async)
    {
      JsonNode *node = json_object_get_member (object, "certificate");

      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_task_return_error (task, bad_response_error (self));
          return;
        }
      target = json_node_get_object (node);
    }

  if (!(certificate = teken_ca_certificate_info_new_from_json (target, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, certificate, (GDestroyNotify) teken_ca_certificate_info_free);
}

/**
 * teken_ca_client_get_certificate_async:
 * @self: a #TekenCaClient
 * @id: a certificate id, or `current`
 *
 * `GET {T}/certificates/{id}` (33).
 */
void
teken_ca_client_get_certificate_async (TekenCaClient       *self,
                                       const char          *id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  const char *args[] = { id, NULL };

  g_return_if_fail (id != NULL);

  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_CERTIFICATE, args, NULL, NULL, NULL, cancellable,
                              certificate_done_cb,
                              typed_task (self, teken_ca_client_get_certificate_async, cancellable, callback,
                                          user_data));
}

/**
 * teken_ca_client_get_certificate_finish:
 *
 * Returns: (transfer full) (nullable): the certificate with its details,
 *   or %NULL with @error set
 */
TekenCaCertificateInfo *
teken_ca_client_get_certificate_finish (TekenCaClient  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * teken_ca_client_revoke_async:
 * @self: a #TekenCaClient
 * @reason: a reason of docs/api.md §7.6, e.g. `keyCompromise`
 * @confirmation: what the holder typed: `CABUT`
 * @password: the account password
 *
 * `POST {T}/certificates/current/revoke` (39). Final.
 */
void
teken_ca_client_revoke_async (TekenCaClient       *self,
                              const char          *reason,
                              const char          *confirmation,
                              TekenSecret         *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  const TekenCaSecretMember secrets[] = { { "password", password }, { NULL, NULL } };

  g_return_if_fail (reason != NULL);
  g_return_if_fail (confirmation != NULL);
  g_return_if_fail (password != NULL);

  json_object_set_string_member (body, "reason", reason);
  json_object_set_string_member (body, "confirmation", confirmation);
  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_CERTIFICATE_REVOKE, NULL, NULL, body, secrets, cancellable,
                              certificate_done_cb,
                              typed_task (self, teken_ca_client_revoke_async, cancellable, callback, user_data));
}

/**
 * teken_ca_client_revoke_finish:
 *
 * Returns: (transfer full) (nullable): the revoked certificate, or %NULL
 *   with @error set
 */
TekenCaCertificateInfo *
teken_ca_client_revoke_finish (TekenCaClient  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * teken_ca_client_request_signing_otp_async:
 * @self: a #TekenCaClient
 * @nik: (nullable): the holder's NIK
 * @email: (nullable): or e-mail
 * @n_documents: how many documents the code is for, 1–100
 *
 * `POST /api/v2/sign/get/totp` (58): the CA e-mails a signing OTP. Finish
 * with teken_ca_client_call_finish().
 */
void
teken_ca_client_request_signing_otp_async (TekenCaClient       *self,
                                           const char          *nik,
                                           const char          *email,
                                           guint                n_documents,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(JsonObject) body = NULL;

  g_return_if_fail ((nik == NULL) != (email == NULL));
  g_return_if_fail (n_documents >= 1 && n_documents <= TEKEN_CA_MAX_DIGESTS);

  body = identity_body (nik, email);
  json_object_set_int_member (body, "data", n_documents);
  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_SIGNING_OTP_REQUEST, NULL, NULL, body, NULL, cancellable,
                              callback, user_data);
}

static void
sign_hash_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TekenCaClient *self = TEKEN_CA_CLIENT (source);
  GHashTable *digests = g_task_get_task_data (task);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GHashTable) signatures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            (GDestroyNotify) g_bytes_unref);
  GError *error = NULL;
  JsonNode *data_node;
  JsonNode *map_node;
  JsonNode *validation;
  JsonObject *data;
  GHashTableIter iter;
  gpointer key;

  if (!(object = teken_ca_client_call_finish (self, result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  /* §9.2: {"data": {"cmsSignedDataHashMap": {id: base64 DER}, "validationData"}},
   * one signature for every digest sent, none other. */
  data_node = json_object_get_member (object, "data");
  if (data_node == NULL || !JSON_NODE_HOLDS_OBJECT (data_node) ||
      (map_node = json_object_get_member ((data = json_node_get_object (data_node)), "cmsSignedDataHashMap")) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (map_node) ||
      json_object_get_size (json_node_get_object (map_node)) != g_hash_table_size (digests))
    {
      g_task_return_error (task, bad_response_error (self));
      return;
    }

  g_hash_table_iter_init (&iter, digests);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      JsonNode *node = json_object_get_member (json_node_get_object (map_node), key);
      guchar *der;
      gsize length = 0;

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          (der = decode_base64 (json_node_get_string (node), &length)) == NULL || length == 0 ||
          length > TEKEN_CA_MAX_CMS_SIZE)
        {
          g_task_return_error (task, bad_response_error (self));
          return;
        }
      g_hash_table_insert (signatures, g_strdup (key), g_bytes_new_take (der, length));
    }

  validation = json_object_get_member (data, "validationData");
  if (validation != NULL && JSON_NODE_HOLDS_OBJECT (validation))
    g_object_set_data_full (G_OBJECT (task), "validation-data",
                            json_object_ref (json_node_get_object (validation)),
                            (GDestroyNotify) json_object_unref);

  g_task_return_pointer (task, g_steal_pointer (&signatures), (GDestroyNotify) g_hash_table_unref);
}

static gboolean
valid_map_key (const char *key)
{
  gsize length = strlen (key);

  if (length < 1 || length > 64)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (key[i]) && key[i] != '_' && key[i] != '.' && key[i] != '-')
        return FALSE;
    }

  return TRUE;
}

/**
 * teken_ca_client_sign_hash_async:
 * @self: a #TekenCaClient
 * @nik: (nullable): the holder's NIK
 * @email: (nullable): or e-mail, when @nik is %NULL
 * @passphrase: (nullable): the passphrase
 * @otp: (nullable): or a signing OTP (docs/api.md §9.1), when @passphrase is
 *   %NULL
 * @digests: (element-type utf8 GBytes): id → SHA-256 digest, 1–100 of them
 * @level: (nullable): a signature level, %TEKEN_CA_LEVEL_T when %NULL
 *
 * `POST /api/v2/sign/hash/pdf` (59): one passphrase check signs every
 * digest, all or nothing. Never repeated automatically: a lost answer would
 * count a wrong passphrase twice.
 */
void
teken_ca_client_sign_hash_async (TekenCaClient       *self,
                                 const char          *nik,
                                 const char          *email,
                                 TekenSecret         *passphrase,
                                 TekenSecret         *otp,
                                 GHashTable          *digests,
                                 const char          *level,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) body = NULL;
  JsonObject *map = json_object_new ();
  const TekenCaSecretMember secrets[] = {
    { passphrase != NULL ? "passphrase" : "totp", passphrase != NULL ? passphrase : otp }, { NULL, NULL }
  };
  GTask *task;
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (TEKEN_IS_CA_CLIENT (self));
  g_return_if_fail ((nik == NULL) != (email == NULL));
  g_return_if_fail ((passphrase == NULL) != (otp == NULL));
  g_return_if_fail (digests != NULL);

  task = typed_task (self, teken_ca_client_sign_hash_async, cancellable, callback, user_data);
  g_task_set_task_data (task, g_hash_table_ref (digests), (GDestroyNotify) g_hash_table_unref);

  /* What the server would refuse is refused here, before a passphrase
   * travels: §9.2 checks the body before it counts an attempt anyway. */
  if (g_hash_table_size (digests) < 1 || g_hash_table_size (digests) > TEKEN_CA_MAX_DIGESTS)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_unref (map);
      json_object_set_int_member (details, "max", TEKEN_CA_MAX_DIGESTS);
      g_task_return_error (task, teken_ca_error_new_literal (TEKEN_CA_ERROR_TOO_MANY_DOCUMENTS, details));
      g_object_unref (task);
      return;
    }

  g_hash_table_iter_init (&iter, digests);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JsonObject *entry = json_object_new ();
      g_autofree char *encoded = NULL;

      if (!valid_map_key (key) || g_bytes_get_size (value) != 32)
        {
          g_autoptr(JsonObject) details = json_object_new ();

          json_object_unref (entry);
          json_object_unref (map);
          json_object_set_string_member (details, "field", "signaturePropertiesHashMap");
          g_task_return_error (task, teken_ca_error_new_literal (TEKEN_CA_ERROR_FIELD_INVALID, details));
          g_object_unref (task);
          return;
        }
      encoded = g_base64_encode (g_bytes_get_data (value, NULL), g_bytes_get_size (value));
      json_object_set_string_member (entry, "documentDigestBase64", encoded);
      json_object_set_string_member (entry, "signatureLevel", level != NULL ? level : TEKEN_CA_LEVEL_T);
      json_object_set_object_member (map, key, entry);
    }

  body = identity_body (nik, email);
  json_object_set_null_member (body, "idSubscriber");
  json_object_set_object_member (body, "signaturePropertiesHashMap", map);
  teken_ca_client_call_async (self, TEKEN_CA_ENDPOINT_SIGN_HASH, NULL, NULL, body, secrets, cancellable,
                              sign_hash_done_cb, task);
}

/**
 * teken_ca_client_sign_hash_finish:
 * @self: a #TekenCaClient
 * @result: the result passed to the callback
 * @validation_data: (out) (optional) (transfer full) (nullable): the
 *   revocation data of a level LT signature, or %NULL
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type utf8 GBytes) (nullable): id → DER
 *   CMS SignedData, or %NULL with @error set
 */
GHashTable *
teken_ca_client_sign_hash_finish (TekenCaClient  *self,
                                  GAsyncResult   *result,
                                  JsonObject    **validation_data,
                                  GError        **error)
{
  GHashTable *signatures;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  signatures = g_task_propagate_pointer (G_TASK (result), error);
  if (signatures != NULL && validation_data != NULL)
    *validation_data = g_object_steal_data (G_OBJECT (result), "validation-data");

  return signatures;
}

/**
 * teken_ca_client_ocsp_async:
 * @self: a #TekenCaClient
 * @request: a DER OCSP request
 * @use_get: send it as RFC 6960 A.1 GET (68) rather than POST (67)
 *
 * Finish with teken_ca_client_fetch_finish(): the DER OCSP response.
 */
void
teken_ca_client_ocsp_async (TekenCaClient       *self,
                            GBytes              *request,
                            gboolean             use_get,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (request != NULL);

  if (use_get)
    {
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (request, NULL), g_bytes_get_size (request));
      const char *args[] = { encoded, NULL };

      teken_ca_client_fetch_async (self, TEKEN_CA_ENDPOINT_PKI_OCSP_GET, args, NULL, NULL, NULL,
                                   cancellable, callback, user_data);
    }
  else
    teken_ca_client_fetch_async (self, TEKEN_CA_ENDPOINT_PKI_OCSP, NULL, NULL, request,
                                 "application/ocsp-request", cancellable, callback, user_data);
}

/**
 * teken_ca_client_timestamp_async:
 * @self: a #TekenCaClient
 * @query: a DER RFC 3161 TimeStampReq
 *
 * `POST /pki/tsa` (69). Finish with teken_ca_client_fetch_finish(): the
 * DER TimeStampResp.
 */
void
teken_ca_client_timestamp_async (TekenCaClient       *self,
                                 GBytes              *query,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (query != NULL);

  teken_ca_client_fetch_async (self, TEKEN_CA_ENDPOINT_PKI_TSA, NULL, NULL, query,
                               "application/timestamp-query", cancellable, callback, user_data);
}
