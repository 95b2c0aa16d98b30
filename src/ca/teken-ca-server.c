/* teken-ca-server.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The HTTPS side of teken-ca: routing, client authentication, the JSON error
 * shape of docs/api.md §3, and the endpoints of phase 1 — info, check/status,
 * the chain by NIK, hash signing and the PKI services; and of phase 2 —
 * holders' sign-in with TOTP (§6.1, §6.2), the account (§6.4) and
 * revocation (§7.6). One log line per request with no secrets, no query
 * string and no body (§14). */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "teken-holder-rules.h"
#include "teken-ca-auth.h"
#include "teken-ca-authority.h"
#include "teken-ca-server.h"
#include "teken-ca-store.h"
#include "teken-cms.h"
#include "teken-key-wrap.h"
#include "teken-secret.h"
#include "teken-totp.h"
#include "teken-x509-private.h"

struct _TekenCaServer
{
  GObject parent_instance;

  char *data_dir;
  TekenCaStore *store;
  TekenCaAuthority *authority;
  SoupServer *soup;
  GMutex key_locks[16];
  GBytes *server_key;
  char *dummy_hash;           /* checked for unknown usernames, to take the same time */
  gint64 access_token_lifetime;
  gint64 lock_duration;
};

G_DEFINE_TYPE (TekenCaServer, teken_ca_server, G_TYPE_OBJECT)

#define API_PREFIX "/api/teken/v1"
#define CHAIN_PREFIX "/api/v2/user/certificate/chain/"
#define MAX_JSON_BODY (64 * 1024)
#define MAX_SIGN_BODY (256 * 1024)
#define MAX_PKI_BODY (16 * 1024)
#define MAX_DOCUMENTS 100
#define MAX_CMS_SIZE 16384
#define MAX_SECRET_LENGTH 128
#define TOTP_ISSUER "Teken CA"

typedef enum
{
  AUTH_NONE,
  AUTH_CLIENT,
  AUTH_HOLDER,
} AuthKind;

/* What one request produced, for its log line and its headers. */
typedef struct
{
  TekenCaServer *server;
  SoupServerMessage *msg;
  char request_id[33];
  const char *auth;
  int status_code;
  gint64 started;
  gboolean paused;     /* answered later, by a worker's callback */
  gint64 account_id;   /* AUTH_HOLDER: the token's holder and session */
  gint64 session_id;
  /* Set in a worker thread, which must not touch the message: the answer
   * waits here for the main thread. */
  gboolean deferred;
  guint deferred_status;
  JsonNode *deferred_body;
} Request;

typedef void (*Handler) (Request    *request,
                         JsonObject *body);

typedef struct
{
  const char *method;
  const char *path;
  gboolean prefix;
  AuthKind auth;
  gboolean json_body;
  gsize max_body;
  Handler handler;
  gboolean slow;       /* runs scrypt: in a worker thread */
} Route;

typedef struct
{
  int code;
  guint http;
  const char *error;
  const char *message;
} ErrorInfo;

/* docs/api.md §3.2. The English column is the source string; po/id.po has
 * the Indonesian of the `message` column. */
static const ErrorInfo error_table[] = {
  { 2011, 400, "user_not_registered",
    N_("This NIK or e-mail is not registered as a certificate holder. Check it, or register first.") },
  { 2021, 400, "no_active_certificate",
    N_("Your certificate is not active (status {status}), so it cannot sign. Open Teken to see what to do next.") },
  { 2031, 400, "wrong_passphrase",
    N_("Wrong passphrase. {attempts_left} tries left before your signing key is locked.") },
  { 4014, 400, "field_required", N_("{field} is required.") },
  { 4015, 400, "field_invalid", N_("{field} is not in the right format.") },
  { 8001, 401, "client_unauthorized",
    N_("The CA server does not recognise this application (wrong client credentials). Check the server settings in Preferences.") },
  { 8002, 401, "session_invalid", N_("Your session has ended. Please sign in again.") },
  { 8003, 403, "forbidden", N_("You are not allowed to do this.") },
  { 8004, 404, "not_found", N_("What you asked for was not found.") },
  { 8005, 405, "method_not_allowed", N_("This request is not supported at this address.") },
  { 8006, 413, "body_too_large", N_("What was sent is too large (at most {limit_bytes} bytes).") },
  { 8007, 415, "unsupported_media_type", N_("The request format is not supported. Update Teken.") },
  { 8008, 400, "malformed_request",
    N_("The server could not read the request. Update Teken; if it persists, report it.") },
  { 8010, 500, "internal_error",
    N_("The CA server had a problem. Nothing you entered is lost; try again shortly.") },
  { 8011, 401, "refresh_invalid", N_("Your session has ended. Please sign in again.") },
  { 8201, 401, "login_failed",
    N_("Wrong username or password. After 5 failures the account is locked for 15 minutes.") },
  { 8202, 423, "account_locked",
    N_("The account is locked for a while after too many failed attempts. Try again after {locked_until}, or choose Forgot password.") },
  { 8203, 403, "account_not_activated",
    N_("The account is not activated yet. Open the activation link in your e-mail, or request a new one.") },
  { 8204, 401, "login_token_invalid",
    N_("Time to enter the code ran out. Sign in again with your username and password.") },
  { 8205, 401, "totp_invalid",
    N_("Wrong or expired OTP code. Enter the newest code from your authenticator app.") },
  { 8206, 422, "device_name_invalid",
    N_("The device name must be 1–64 characters and not used by another device.") },
  { 8209, 403, "reauth_failed",
    N_("Wrong password. After 5 failures the account is locked for 15 minutes.") },
  { 8303, 409, "wrong_status", N_("This cannot be done while the certificate status is {status}.") },
  { 8304, 422, "revoke_confirmation_mismatch", N_("Type CABUT to confirm the revocation.") },
  { 8305, 422, "revocation_reason_invalid", N_("Choose a revocation reason from the list.") },
  { 8401, 403, "account_update_pending",
    N_("Signing is off because your data change is not confirmed yet. Confirm it from the e-mailed link, or cancel the change.") },
  { 8402, 423, "key_locked",
    N_("Your signing key is locked after 5 wrong passphrases. Reset the passphrase; a new certificate will be issued.") },
  { 8404, 403, "signing_otp_not_enabled",
    N_("Signing with an OTP is not enabled for this certificate. Use the passphrase, or enable it in Teken.") },
  { 8405, 400, "too_many_documents", N_("Too many documents in one request (at most {max}).") },
  { 8406, 400, "seal_not_supported",
    N_("Electronic seals (idSubscriber) are not supported by this server.") },
};

/* The statuses of docs/api.md §4.1, with what the holder is told. */
static const struct
{
  const char *status;
  const char *message;
} status_table[] = {
  { "NOT_REGISTERED", N_("This NIK is not registered. Register with your NIK and official e-mail.") },
  { "NO_CERTIFICATE", N_("Registered, but there is no certificate yet. Complete your enrollment.") },
  { "WAITING_FOR_VERIFICATION", N_("Your data is being verified. You will get an e-mail when it is done.") },
  { "NEW", N_("Verified. Set your passphrase from the e-mailed link to issue the certificate.") },
  { "ISSUE", N_("The certificate is active and can sign.") },
  { "RENEW", N_("Your renewal request is with your agency's verifier.") },
  { "EXPIRED", N_("The certificate has expired. Request a renewal.") },
  { "SUSPEND", N_("The certificate is suspended by your agency's verifier. Contact them.") },
  { "REVOKE", N_("The certificate is revoked and can never be used again. Request a new one through your agency's verifier.") },
};

static void handle_info         (Request *request, JsonObject *body);
static void handle_check_status (Request *request, JsonObject *body);
static void handle_sign_hash    (Request *request, JsonObject *body);
static void handle_chain        (Request *request, JsonObject *body);
static void handle_pki_ca       (Request *request, JsonObject *body);
static void handle_pki_root     (Request *request, JsonObject *body);
static void handle_pki_issuing  (Request *request, JsonObject *body);
static void handle_pki_crl      (Request *request, JsonObject *body);
static void handle_pki_root_crl (Request *request, JsonObject *body);
static void handle_pki_ocsp     (Request *request, JsonObject *body);
static void handle_pki_tsa      (Request *request, JsonObject *body);
static void handle_login        (Request *request, JsonObject *body);
static void handle_login_totp   (Request *request, JsonObject *body);
static void handle_refresh      (Request *request, JsonObject *body);
static void handle_logout       (Request *request, JsonObject *body);
static void handle_account      (Request *request, JsonObject *body);
static void handle_revoke       (Request *request, JsonObject *body);

static const Route routes[] = {
  { "GET", API_PREFIX "/info", FALSE, AUTH_NONE, FALSE, 0, handle_info },
  { "POST", "/api/v2/user/check/status", FALSE, AUTH_CLIENT, TRUE, MAX_JSON_BODY, handle_check_status },
  { "GET", CHAIN_PREFIX, TRUE, AUTH_CLIENT, FALSE, 0, handle_chain },
  { "POST", "/api/v2/sign/hash/pdf", FALSE, AUTH_CLIENT, TRUE, MAX_SIGN_BODY, handle_sign_hash },
  { "POST", "/v2/api/entity/sign/hash/pdf", FALSE, AUTH_CLIENT, TRUE, MAX_SIGN_BODY, handle_sign_hash },
  { "GET", "/pki/ca", FALSE, AUTH_NONE, FALSE, 0, handle_pki_ca },
  { "GET", "/pki/root.crt", FALSE, AUTH_NONE, FALSE, 0, handle_pki_root },
  { "GET", "/pki/issuing.crt", FALSE, AUTH_NONE, FALSE, 0, handle_pki_issuing },
  { "GET", "/pki/crl", FALSE, AUTH_NONE, FALSE, 0, handle_pki_crl },
  { "GET", "/pki/root.crl", FALSE, AUTH_NONE, FALSE, 0, handle_pki_root_crl },
  { "POST", "/pki/ocsp", FALSE, AUTH_NONE, FALSE, MAX_PKI_BODY, handle_pki_ocsp },
  { "GET", "/pki/ocsp/", TRUE, AUTH_NONE, FALSE, 0, handle_pki_ocsp },
  { "POST", "/pki/tsa", FALSE, AUTH_NONE, FALSE, MAX_PKI_BODY, handle_pki_tsa },
  { "POST", API_PREFIX "/auth/login", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, handle_login, TRUE },
  { "POST", API_PREFIX "/auth/login/totp", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, handle_login_totp },
  { "POST", API_PREFIX "/auth/refresh", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, handle_refresh },
  /* Logging out with a token that has ended already is fine (§6.2), so
   * the handler looks at the token itself. */
  { "POST", API_PREFIX "/auth/logout", FALSE, AUTH_NONE, FALSE, MAX_JSON_BODY, handle_logout },
  { "GET", API_PREFIX "/account", FALSE, AUTH_HOLDER, FALSE, 0, handle_account },
  { "POST", API_PREFIX "/certificates/current/revoke", FALSE, AUTH_HOLDER, TRUE, MAX_JSON_BODY, handle_revoke,
    TRUE },
};

/* The reasons a holder may give (docs/api.md §7.6), with their RFC 5280
 * CRLReason codes. privilegeWithdrawn is the verifier's, certificateHold
 * the suspension's. */
static const struct
{
  const char *name;
  int code;
} holder_reasons[] = {
  { "unspecified", 0 },
  { "keyCompromise", 1 },
  { "affiliationChanged", 3 },
  { "superseded", 4 },
  { "cessationOfOperation", 5 },
};

static const struct
{
  const char *name;
  int code;
} reason_names[] = {
  { "unspecified", 0 }, { "keyCompromise", 1 }, { "cACompromise", 2 }, { "affiliationChanged", 3 },
  { "superseded", 4 }, { "cessationOfOperation", 5 }, { "certificateHold", 6 },
  { "privilegeWithdrawn", 9 },
};

static gboolean
route_matches_path (const Route *route,
                    const char  *path)
{
  return route->prefix ? g_str_has_prefix (path, route->path) && path[strlen (route->path)] != '\0'
                       : g_str_equal (path, route->path);
}

/* Replaces each {name} of @message by the member @name of @details. */
static char *
fill_message (const char *message,
              JsonObject *details)
{
  GString *out = g_string_new (NULL);
  const char *p = message;

  while (*p != '\0')
    {
      const char *open = strchr (p, '{');
      const char *close = open != NULL ? strchr (open, '}') : NULL;
      g_autofree char *name = NULL;
      JsonNode *node;

      if (open == NULL || close == NULL)
        {
          g_string_append (out, p);
          break;
        }

      g_string_append_len (out, p, open - p);
      name = g_strndup (open + 1, close - open - 1);
      node = details != NULL ? json_object_get_member (details, name) : NULL;
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append (out, json_node_get_string (node));
      else if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
               json_node_get_value_type (node) == G_TYPE_INT64)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      else
        g_string_append_len (out, open, close - open + 1);
      p = close + 1;
    }

  return g_string_free (out, FALSE);
}

static void
set_json_response (Request  *request,
                   guint     http_status,
                   JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = NULL;
  gsize length = 0;
  char *text;

  if (request->deferred)
    {
      g_clear_pointer (&request->deferred_body, json_node_unref);
      request->deferred_status = http_status;
      request->deferred_body = json_node_ref (root);
      return;
    }

  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  soup_server_message_set_status (request->msg, http_status, NULL);
  soup_server_message_set_response (request->msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, length);
}

static void
respond_error (Request    *request,
               int         code,
               JsonObject *details)
{
  const ErrorInfo *info = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].code == code)
      info = &error_table[i];
  g_return_if_fail (info != NULL);

  message = fill_message (_(info->message), details);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, info->error);
  json_builder_set_member_name (builder, "status_code");
  json_builder_add_int_value (builder, info->code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (details != NULL)
    {
      json_builder_set_member_name (builder, "details");
      json_builder_add_value (builder, json_node_init_object (json_node_alloc (), details));
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  request->status_code = code;
  set_json_response (request, info->http, root);
}

static void
respond_field_error (Request    *request,
                     int         code,
                     const char *field,
                     const char *rule)
{
  g_autoptr(JsonObject) details = json_object_new ();

  json_object_set_string_member (details, "field", field);
  if (rule != NULL)
    json_object_set_string_member (details, "rule", rule);
  respond_error (request, code, details);
}

static void
respond_bytes (Request    *request,
               const char *content_type,
               GBytes     *bytes)
{
  soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (request->msg, content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
respond_certificate (Request *request,
                     X509    *cert)
{
  g_autofree guint8 *der = NULL;
  int length = i2d_X509 (cert, &der);
  g_autoptr(GBytes) bytes = g_bytes_new (der, MAX (length, 0));

  respond_bytes (request, "application/pkix-cert", bytes);
}

/* Gets an optional string member: TRUE with *value NULL when absent or null,
 * FALSE (and a 4015 answer) when it has another type. */
static gboolean
get_optional_string (Request     *request,
                     JsonObject  *object,
                     const char  *member,
                     const char  *field,
                     const char **value)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      respond_field_error (request, 4015, field, "must be a string");
      return FALSE;
    }
  *value = json_node_get_string (node);
  return TRUE;
}

/* Reads exactly one of nik/email (docs/api.md §7.1, §9.2). */
static gboolean
get_holder_identity (Request     *request,
                     JsonObject  *body,
                     const char **nik,
                     const char **email)
{
  if (!get_optional_string (request, body, "nik", "nik", nik) ||
      !get_optional_string (request, body, "email", "email", email))
    return FALSE;
  if (*nik == NULL && *email == NULL)
    {
      respond_field_error (request, 4014, "nik", NULL);
      return FALSE;
    }
  if (*nik != NULL && *email != NULL)
    {
      respond_field_error (request, 4015, "nik", "nik and email are exclusive");
      return FALSE;
    }
  if (*nik != NULL && !teken_nik_is_valid (*nik))
    {
      respond_field_error (request, 4015, "nik", "16 digits");
      return FALSE;
    }
  if (*email != NULL && (strlen (*email) > 254 || strchr (*email, '@') == NULL))
    {
      respond_field_error (request, 4015, "email", "an e-mail address");
      return FALSE;
    }
  return TRUE;
}

static TekenCaAccount *
find_account (TekenCaServer *self,
              const char    *nik,
              const char    *email)
{
  return nik != NULL ? teken_ca_store_find_account_by_nik (self->store, nik)
                     : teken_ca_store_find_account_by_email (self->store, email);
}

/* docs/api.md §4.1, "How the status is derived". */
static const char *
derive_status (TekenCaServer       *self,
               TekenCaAccount      *account,
               TekenCaCertificate **current_out)
{
  g_autoptr(TekenCaCertificate) current = NULL;
  const char *status;

  if (account == NULL)
    return "NOT_REGISTERED";
  if (account->workflow != NULL)
    return g_intern_string (account->workflow);

  current = teken_ca_store_get_certificate (self->store, account->current_certificate);
  if (current == NULL)
    return "NO_CERTIFICATE";

  if (current->revoked_at != 0)
    status = current->revocation_reason == 6 ? "SUSPEND" : "REVOKE";  /* 6: certificateHold */
  else if (g_get_real_time () / G_USEC_PER_SEC > current->not_after)
    status = "EXPIRED";
  else
    status = "ISSUE";

  if (current_out != NULL)
    *current_out = g_steal_pointer (&current);
  return status;
}

static const char *
status_message (const char *status)
{
  for (gsize i = 0; i < G_N_ELEMENTS (status_table); i++)
    if (g_str_equal (status_table[i].status, status))
      return _(status_table[i].message);
  return "";
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Asia/Jakarta");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = NULL;

  if (zone == NULL)
    zone = g_time_zone_new_utc ();
  local = g_date_time_to_timezone (utc, zone);
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

static char *
rfc3339_now (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Asia/Jakarta");
  g_autoptr(GDateTime) now = g_date_time_new_now (zone != NULL ? zone : g_time_zone_new_utc ());

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");
}

static void
handle_info (Request    *request,
             JsonObject *body)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *now = rfc3339_now ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "server");
  json_builder_add_string_value (b, "teken-ca");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "api_version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "time");
  json_builder_add_string_value (b, now);
  json_builder_set_member_name (b, "public_url");
  json_builder_add_string_value (b, teken_ca_authority_get_public_url (request->server->authority));

  json_builder_set_member_name (b, "features");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sign_pdf");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "signing_otp");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "oauth2");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "agreements");
  json_builder_begin_object (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "limits");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "max_documents");
  json_builder_add_int_value (b, MAX_DOCUMENTS);
  json_builder_set_member_name (b, "max_cms_size");
  json_builder_add_int_value (b, MAX_CMS_SIZE);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "pki");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ca");
  json_builder_add_string_value (b, "/pki/ca");
  json_builder_set_member_name (b, "crl");
  json_builder_add_string_value (b, "/pki/crl");
  json_builder_set_member_name (b, "ocsp");
  json_builder_add_string_value (b, "/pki/ocsp");
  json_builder_set_member_name (b, "tsa");
  json_builder_add_string_value (b, "/pki/tsa");
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  set_json_response (request, SOUP_STATUS_OK, root);
}

static void
handle_check_status (Request    *request,
                     JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *nik;
  const char *email;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *status;

  if (!get_holder_identity (request, body, &nik, &email))
    return;

  account = find_account (self, nik, email);
  status = derive_status (self, account, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status_code");
  json_builder_add_int_value (b, account == NULL ? 1110 : 1111);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, status_message (status));
  json_builder_set_member_name (b, "verification_status");
  if (account != NULL)
    json_builder_add_string_value (b, account->verification);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  request->status_code = account == NULL ? 1110 : 1111;
  set_json_response (request, SOUP_STATUS_OK, root);
}

static gboolean
is_valid_map_key (const char *key)
{
  gsize length = strlen (key);

  if (length < 1 || length > 64)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (key[i]) && strchr ("_.-", key[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* Checks the map of §9.2 and decodes its digests, in the map's order. */
static gboolean
read_digests (Request     *request,
              JsonObject  *body,
              GPtrArray  **keys_out,
              GPtrArray  **digests_out,
              GPtrArray  **timestamp_out,
              gboolean    *validation_out)
{
  JsonNode *node = json_object_get_member (body, "signaturePropertiesHashMap");
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) levels = g_ptr_array_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *map;
  guint count;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      respond_field_error (request, 4014, "signaturePropertiesHashMap", NULL);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      respond_field_error (request, 4015, "signaturePropertiesHashMap", "must be an object");
      return FALSE;
    }

  map = json_node_get_object (node);
  count = json_object_get_size (map);
  if (count == 0)
    {
      respond_field_error (request, 4015, "signaturePropertiesHashMap", "1 to 100 entries");
      return FALSE;
    }
  if (count > MAX_DOCUMENTS)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "max", MAX_DOCUMENTS);
      respond_error (request, 8405, details);
      return FALSE;
    }

  members = json_object_get_members (map);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *entry = json_object_get_member (map, key);
      g_autofree char *field = g_strdup_printf ("signaturePropertiesHashMap.%s", key);
      g_autofree char *digest_field = g_strconcat (field, ".documentDigestBase64", NULL);
      g_autofree char *level_field = g_strconcat (field, ".signatureLevel", NULL);
      g_autofree guint8 *digest = NULL;
      const char *digest_text;
      const char *level;
      gsize length = 0;

      if (!is_valid_map_key (key))
        {
          respond_field_error (request, 4015, "signaturePropertiesHashMap", "keys of 1 to 64 of A-Z a-z 0-9 _ . -");
          return FALSE;
        }
      if (!JSON_NODE_HOLDS_OBJECT (entry))
        {
          respond_field_error (request, 4015, field, "must be an object");
          return FALSE;
        }
      if (!get_optional_string (request, json_node_get_object (entry), "documentDigestBase64",
                                digest_field, &digest_text) ||
          !get_optional_string (request, json_node_get_object (entry), "signatureLevel",
                                level_field, &level))
        return FALSE;
      if (digest_text == NULL)
        {
          respond_field_error (request, 4014, digest_field, NULL);
          return FALSE;
        }
      /* Standard padded base64 of 32 bytes is 44 characters. */
      if (strlen (digest_text) != 44 ||
          strspn (digest_text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != 44 ||
          (digest = g_base64_decode (digest_text, &length)) == NULL || length != 32)
        {
          respond_field_error (request, 4015, digest_field, "base64 of 32 bytes");
          return FALSE;
        }
      if (level != NULL && !g_str_equal (level, "PAdES_BASELINE_B") &&
          !g_str_equal (level, "PAdES_BASELINE_T") && !g_str_equal (level, "PAdES_BASELINE_LT") &&
          !g_str_equal (level, "PAdES_BASELINE_LTA"))
        {
          respond_field_error (request, 4015, level_field, "a PAdES baseline level");
          return FALSE;
        }

      g_ptr_array_add (keys, g_strdup (key));
      g_ptr_array_add (digests, g_bytes_new_take (g_steal_pointer (&digest), length));
      /* Level T is the default; B is the only one without a timestamp. */
      g_ptr_array_add (levels, GINT_TO_POINTER (g_strcmp0 (level, "PAdES_BASELINE_B") != 0));
      if (g_strcmp0 (level, "PAdES_BASELINE_LT") == 0 || g_strcmp0 (level, "PAdES_BASELINE_LTA") == 0)
        *validation_out = TRUE;
    }

  *keys_out = g_steal_pointer (&keys);
  *digests_out = g_steal_pointer (&digests);
  *timestamp_out = g_steal_pointer (&levels);
  return TRUE;
}

/* The passphrase's copy inside the parsed JSON is wiped as soon as it is in
 * a TekenSecret, so that only the secret's own buffer holds it. */
static TekenSecret *
take_secret (JsonObject *body,
             const char *member)
{
  JsonNode *node = json_object_get_member (body, member);
  char *text = (char *) json_node_get_string (node);
  TekenSecret *secret = teken_secret_new (text, -1);

  teken_wipe_string (text);
  return secret;
}

static void
log_request (Request *request)
{
  SoupMessageBody *response = soup_server_message_get_response_body (request->msg);

  const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));

  /* Path only: query strings may carry link tokens, and the one NIK in a
   * path is written as {nik} (docs/api.md §2.5). */
  if (g_str_has_prefix (path, CHAIN_PREFIX))
    path = CHAIN_PREFIX "{nik}";
  g_message ("%s %s %u %d %" G_GINT64_FORMAT " bytes %.1f ms id=%s auth=%s",
             soup_server_message_get_method (request->msg),
             path,
             soup_server_message_get_status (request->msg),
             request->status_code, response->length,
             (g_get_monotonic_time () - request->started) / 1000.0, request->request_id, request->auth);
}

/* The slow half of hash signing — scrypt, RSA, the timestamp — runs in a
 * worker thread while the message is paused, so that other requests are
 * answered meanwhile. The thread touches no SoupServerMessage: it leaves an
 * error code or a response body in the job, and the main thread answers. */
typedef struct
{
  TekenCaServer *server;
  SoupServerMessage *msg;
  char request_id[33];
  const char *auth;
  gint64 started;

  gint64 certificate_id;
  TekenSecret *passphrase;
  GPtrArray *keys;
  GPtrArray *digests;
  GPtrArray *timestamp;
  gboolean validation;   /* some entry is LT or LTA */

  int error_code;
  JsonObject *error_details;
  JsonNode *result;
} SignJob;

static void
sign_job_free (SignJob *job)
{
  g_clear_object (&job->server);
  g_clear_object (&job->msg);
  g_clear_pointer (&job->passphrase, teken_secret_unref);
  g_clear_pointer (&job->keys, g_ptr_array_unref);
  g_clear_pointer (&job->digests, g_ptr_array_unref);
  g_clear_pointer (&job->timestamp, g_ptr_array_unref);
  g_clear_pointer (&job->error_details, json_object_unref);
  g_clear_pointer (&job->result, json_node_unref);
  g_free (job);
}

static void
fail_job (SignJob *job,
          int      code)
{
  job->error_code = code;
}

/* Checks the passphrase against the key, counting failures (docs/api.md
 * §2.9). Checks on one key run one at a time, so parallel wrong guesses
 * cannot outrun the limit; the count is read again under the lock. */
static GBytes *
unwrap_key (SignJob             *job,
            TekenCaCertificate **cert_out)
{
  TekenCaServer *self = job->server;
  GMutex *lock = &self->key_locks[job->certificate_id % G_N_ELEMENTS (self->key_locks)];
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) store_error = NULL;

  g_mutex_lock (lock);

  cert = teken_ca_store_get_certificate (self->store, job->certificate_id);
  if (cert == NULL || cert->wrapped_key == NULL ||
      cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS)
    {
      g_mutex_unlock (lock);
      fail_job (job, cert == NULL ? 8010 : 8402);
      return NULL;
    }

  plain = teken_key_unwrap (cert->wrapped_key, job->passphrase, &error);
  if (plain == NULL &&
      g_error_matches (error, TEKEN_KEY_WRAP_ERROR, TEKEN_KEY_WRAP_ERROR_WRONG_PASSPHRASE))
    {
      int failures = cert->key_failures + 1;

      if (!teken_ca_store_set_key_failures (self->store, cert->id, failures, &store_error))
        {
          g_mutex_unlock (lock);
          g_warning ("%s", store_error->message);
          fail_job (job, 8010);
          return NULL;
        }
      g_mutex_unlock (lock);

      if (failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS)
        fail_job (job, 8402);
      else
        {
          job->error_details = json_object_new ();
          json_object_set_int_member (job->error_details, "attempts_left",
                                      TEKEN_CA_PASSPHRASE_ATTEMPTS - failures);
          fail_job (job, 2031);
        }
      return NULL;
    }

  if (plain != NULL && cert->key_failures > 0 &&
      !teken_ca_store_set_key_failures (self->store, cert->id, 0, &store_error))
    g_warning ("%s", store_error->message);
  g_mutex_unlock (lock);

  if (plain == NULL)
    {
      g_warning ("key of certificate %s: %s", cert->serial, error->message);
      fail_job (job, 8010);
      return NULL;
    }

  *cert_out = g_steal_pointer (&cert);
  return g_steal_pointer (&plain);
}

static void
add_base64_array (JsonBuilder *builder,
                  const char  *member,
                  GPtrArray   *items)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (items, i);
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (bytes, NULL),
                                                  g_bytes_get_size (bytes));

      json_builder_add_string_value (builder, encoded);
    }
  json_builder_end_array (builder);
}

static void
sign_job_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SignJob *job = task_data;
  TekenCaServer *self = job->server;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(GBytes) plain_key = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509) x509 = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(TekenX509Stack) issuing_only = sk_X509_new_null ();
  STACK_OF (X509) *chain = teken_ca_authority_get_chain (self->authority);
  const guint8 *p;

  plain_key = unwrap_key (job, &cert);
  if (plain_key == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  p = g_bytes_get_data (plain_key, NULL);
  key = d2i_AutoPrivateKey (NULL, &p, (long) g_bytes_get_size (plain_key));
  p = g_bytes_get_data (cert->der, NULL);
  x509 = d2i_X509 (NULL, &p, (long) g_bytes_get_size (cert->der));
  if (key == NULL || x509 == NULL)
    {
      teken_openssl_log_errors ("holder key");
      fail_job (job, 8010);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* The signer's and the issuing CA's certificates (§9.2). */
  X509_up_ref (sk_X509_value (chain, 0));
  sk_X509_push (issuing_only, sk_X509_value (chain, 0));

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "cmsSignedDataHashMap");
  json_builder_begin_object (b);
  for (guint i = 0; i < job->keys->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) cms = NULL;
      g_autofree char *encoded = NULL;

      cms = teken_cms_sign_digest (key, x509, issuing_only, g_ptr_array_index (job->digests, i), &error);
      if (cms != NULL && g_ptr_array_index (job->timestamp, i) != NULL)
        {
          GBytes *stamped = teken_ca_authority_timestamp_signature (self->authority, cms, &error);

          g_bytes_unref (cms);
          cms = stamped;
        }
      if (cms == NULL)
        {
          g_warning ("signing failed: %s", error->message);
          fail_job (job, 8010);
          g_task_return_boolean (task, TRUE);
          return;
        }
      encoded = g_base64_encode (g_bytes_get_data (cms, NULL), g_bytes_get_size (cms));
      json_builder_set_member_name (b, g_ptr_array_index (job->keys, i));
      json_builder_add_string_value (b, encoded);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "validationData");
  if (job->validation)
    {
      g_autoptr(GPtrArray) certificates = NULL;
      g_autoptr(GPtrArray) ocsp_responses = NULL;
      g_autoptr(GPtrArray) crls = NULL;
      g_autoptr(GError) error = NULL;

      if (!teken_ca_authority_get_validation_data (self->authority, x509, &certificates,
                                                   &ocsp_responses, &crls, &error))
        {
          g_warning ("validation data: %s", error->message);
          fail_job (job, 8010);
          g_task_return_boolean (task, TRUE);
          return;
        }
      json_builder_begin_object (b);
      add_base64_array (b, "certificates", certificates);
      add_base64_array (b, "ocspResponses", ocsp_responses);
      add_base64_array (b, "crls", crls);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_object (b);

  job->result = json_builder_get_root (b);
  g_task_return_boolean (task, TRUE);
}

static void
sign_job_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SignJob *job = g_task_get_task_data (G_TASK (result));
  Request request = { job->server, job->msg, { 0 }, job->auth, 0, job->started, FALSE, 0, 0, FALSE, 0, NULL };

  memcpy (request.request_id, job->request_id, sizeof request.request_id);
  if (job->result != NULL)
    set_json_response (&request, SOUP_STATUS_OK, job->result);
  else
    respond_error (&request, job->error_code, job->error_details);

  log_request (&request);
  soup_server_message_unpause (job->msg);
}

static void
handle_sign_hash (Request    *request,
                  JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *nik;
  const char *email;
  const char *passphrase_text;
  const char *totp;
  const char *id_subscriber;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) digests = NULL;
  g_autoptr(GPtrArray) timestamp = NULL;
  g_autoptr(TekenSecret) passphrase = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(GTask) task = NULL;
  gboolean validation = FALSE;
  SignJob *job;
  const char *status;

  /* Body validation first: a malformed request never uses up an attempt. */
  if (!get_holder_identity (request, body, &nik, &email) ||
      !get_optional_string (request, body, "passphrase", "passphrase", &passphrase_text) ||
      !get_optional_string (request, body, "totp", "totp", &totp) ||
      !get_optional_string (request, body, "idSubscriber", "idSubscriber", &id_subscriber))
    return;
  if (passphrase_text == NULL && totp == NULL)
    {
      respond_field_error (request, 4014, "passphrase", NULL);
      return;
    }
  if (passphrase_text != NULL && totp != NULL)
    {
      respond_field_error (request, 4015, "passphrase", "passphrase and totp are exclusive");
      return;
    }
  if (passphrase_text != NULL && strlen (passphrase_text) > MAX_SECRET_LENGTH)
    {
      respond_field_error (request, 4015, "passphrase", "at most 128 characters");
      return;
    }
  if (id_subscriber != NULL)
    {
      respond_error (request, 8406, NULL);
      return;
    }
  if (!read_digests (request, body, &keys, &digests, &timestamp, &validation))
    return;

  if (passphrase_text != NULL)
    passphrase = take_secret (body, "passphrase");

  /* docs/api.md §4.4, in order; step 5 in the worker. */
  account = find_account (self, nik, email);
  if (account == NULL)
    {
      respond_error (request, 2011, NULL);
      return;
    }
  status = derive_status (self, account, &cert);
  if (!g_str_equal (status, "ISSUE"))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "status", status);
      respond_error (request, 2021, details);
      return;
    }
  if (g_strcmp0 (account->verification, "VERIFIED") != 0)
    {
      respond_error (request, 8401, NULL);
      return;
    }
  if (cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS || cert->wrapped_key == NULL)
    {
      respond_error (request, 8402, NULL);
      return;
    }
  if (passphrase == NULL)
    {
      respond_error (request, 8404, NULL);
      return;
    }

  job = g_new0 (SignJob, 1);
  job->server = g_object_ref (self);
  job->msg = g_object_ref (request->msg);
  memcpy (job->request_id, request->request_id, sizeof job->request_id);
  job->auth = request->auth;
  job->started = request->started;
  job->certificate_id = cert->id;
  job->passphrase = g_steal_pointer (&passphrase);
  job->keys = g_steal_pointer (&keys);
  job->digests = g_steal_pointer (&digests);
  job->timestamp = g_steal_pointer (&timestamp);
  job->validation = validation;

  request->paused = TRUE;
  soup_server_message_pause (request->msg);
  task = g_task_new (self, NULL, sign_job_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) sign_job_free);
  g_task_run_in_thread (task, sign_job_thread);
}

static void
add_base64_certificate (JsonBuilder *builder,
                        X509        *cert)
{
  g_autofree guint8 *der = NULL;
  g_autofree char *encoded = NULL;
  int length = i2d_X509 (cert, &der);

  encoded = g_base64_encode (der, MAX (length, 0));
  json_builder_add_string_value (builder, encoded);
}

/* docs/api.md §7.2: the current certificate and its chain, base64 DER. */
static void
handle_chain (Request    *request,
              JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));
  const char *nik = path + strlen (CHAIN_PREFIX);
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(X509) x509 = NULL;
  STACK_OF (X509) *chain = teken_ca_authority_get_chain (self->authority);
  const guint8 *p;

  if (!teken_nik_is_valid (nik))
    {
      respond_field_error (request, 4015, "nik", "16 digits");
      return;
    }
  account = teken_ca_store_find_account_by_nik (self->store, nik);
  if (account == NULL)
    {
      respond_error (request, 2011, NULL);
      return;
    }
  cert = teken_ca_store_get_certificate (self->store, account->current_certificate);
  if (cert == NULL)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "status", derive_status (self, account, NULL));
      respond_error (request, 2021, details);
      return;
    }

  p = g_bytes_get_data (cert->der, NULL);
  x509 = d2i_X509 (NULL, &p, (long) g_bytes_get_size (cert->der));
  if (x509 == NULL)
    {
      respond_error (request, 8010, NULL);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  add_base64_certificate (b, x509);
  for (int i = 0; i < sk_X509_num (chain); i++)
    add_base64_certificate (b, sk_X509_value (chain, i));
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  set_json_response (request, SOUP_STATUS_OK, root);
}

static void
handle_pki_ca (Request    *request,
               JsonObject *body)
{
  STACK_OF (X509) *chain = teken_ca_authority_get_chain (request->server->authority);
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  g_autoptr(GBytes) bytes = NULL;
  char *data = NULL;
  long length;

  for (int i = 0; i < sk_X509_num (chain); i++)
    PEM_write_bio_X509 (bio, sk_X509_value (chain, i));
  length = BIO_get_mem_data (bio, &data);
  bytes = g_bytes_new (data, length);
  respond_bytes (request, "application/pem-certificate-chain", bytes);
}

static void
handle_pki_root (Request    *request,
                 JsonObject *body)
{
  respond_certificate (request, teken_ca_authority_get_root (request->server->authority));
}

static void
handle_pki_issuing (Request    *request,
                    JsonObject *body)
{
  respond_certificate (request, teken_ca_authority_get_issuing (request->server->authority));
}

static void
respond_crl (Request  *request,
             gboolean  root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) crl = teken_ca_authority_get_crl (request->server->authority, root, &error);

  if (crl == NULL)
    {
      g_warning ("%s", error->message);
      respond_error (request, 8010, NULL);
      return;
    }
  respond_bytes (request, "application/pkix-crl", crl);
}

static void
handle_pki_crl (Request    *request,
                JsonObject *body)
{
  respond_crl (request, FALSE);
}

static void
handle_pki_root_crl (Request    *request,
                     JsonObject *body)
{
  respond_crl (request, TRUE);
}

static GBytes *
request_body (Request *request)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);

  return soup_message_body_flatten (body);
}

static void
handle_pki_ocsp (Request    *request,
                 JsonObject *body)
{
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) response = NULL;

  if (g_str_equal (soup_server_message_get_method (request->msg), "GET"))
    {
      /* RFC 6960 A.1: the URL-encoded base64 of the DER request. */
      const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));
      g_autofree char *unescaped = g_uri_unescape_string (path + strlen ("/pki/ocsp/"), NULL);
      guint8 *decoded = NULL;
      gsize length = 0;

      if (unescaped != NULL)
        decoded = g_base64_decode (unescaped, &length);
      der = g_bytes_new_take (decoded, length);
    }
  else
    der = request_body (request);

  response = teken_ca_authority_answer_ocsp (request->server->authority, der);
  if (response == NULL)
    {
      respond_error (request, 8010, NULL);
      return;
    }
  respond_bytes (request, "application/ocsp-response", response);
}

static void
handle_pki_tsa (Request    *request,
                JsonObject *body)
{
  g_autoptr(GBytes) query = request_body (request);
  g_autoptr(GBytes) reply = teken_ca_authority_answer_timestamp (request->server->authority, query);

  if (reply == NULL)
    {
      respond_error (request, 8010, NULL);
      return;
    }
  respond_bytes (request, "application/timestamp-reply", reply);
}

/* Holders' sign-in (docs/api.md §6.1, §6.2). */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Gets a required string member of at most @max_length bytes (0: any). */
static gboolean
get_required_string (Request     *request,
                     JsonObject  *object,
                     const char  *member,
                     gsize        max_length,
                     const char **value)
{
  if (!get_optional_string (request, object, member, member, value))
    return FALSE;
  if (*value == NULL)
    {
      respond_field_error (request, 4014, member, NULL);
      return FALSE;
    }
  if (max_length > 0 && strlen (*value) > max_length)
    {
      g_autofree char *rule = g_strdup_printf ("at most %" G_GSIZE_FORMAT " characters", max_length);

      respond_field_error (request, 4015, member, rule);
      return FALSE;
    }
  return TRUE;
}

static void
respond_locked (Request *request,
                gint64   locked_until)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *until = format_time (locked_until);

  json_object_set_string_member (details, "locked_until", until);
  respond_error (request, 8202, details);
}

/* Answers 8202 when @account is locked out. */
static gboolean
refuse_if_locked (Request        *request,
                  TekenCaAccount *account)
{
  if (account->locked_until <= now_seconds ())
    return FALSE;
  respond_locked (request, account->locked_until);
  return TRUE;
}

/* Counts a failed sign-in (§2.9): the fifth in a row locks the account and
 * is answered 8202; the others @code with @details. */
static void
count_login_failure (Request        *request,
                     TekenCaAccount *account,
                     int             code,
                     JsonObject     *details)
{
  TekenCaServer *self = request->server;
  g_autoptr(GError) error = NULL;
  int failures = teken_ca_store_add_login_failure (self->store, account->id);
  gint64 locked_until = now_seconds () + self->lock_duration;

  if (failures < 0)
    respond_error (request, 8010, NULL);
  else if (failures < TEKEN_CA_LOGIN_ATTEMPTS)
    respond_error (request, code, details);
  else if (!teken_ca_store_set_login_failures (self->store, account->id, 0, locked_until, &error))
    {
      g_warning ("%s", error->message);
      respond_error (request, 8010, NULL);
    }
  else
    {
      g_message ("account %s locked until %" G_GINT64_FORMAT, account->public_id, locked_until);
      respond_locked (request, locked_until);
    }
}

static gboolean
reset_login_failures (Request        *request,
                      TekenCaAccount *account)
{
  g_autoptr(GError) error = NULL;

  if (account->login_failures == 0 && account->locked_until == 0)
    return TRUE;
  if (teken_ca_store_set_login_failures (request->server->store, account->id, 0, 0, &error))
    return TRUE;
  g_warning ("%s", error->message);
  respond_error (request, 8010, NULL);
  return FALSE;
}

/* Checks @password against @account's hash, counting a failure as @code.
 * Answers and returns FALSE unless it is right. */
static gboolean
check_password (Request        *request,
                TekenCaAccount *account,
                TekenSecret    *password,
                int             code)
{
  if (refuse_if_locked (request, account))
    return FALSE;
  if (account->password_hash == NULL)
    {
      respond_error (request, 8203, NULL);
      return FALSE;
    }
  if (!teken_ca_password_verify (password, account->password_hash))
    {
      count_login_failure (request, account, code, NULL);
      return FALSE;
    }
  return reset_login_failures (request, account);
}

static void
add_totp_setup (JsonBuilder *b,
                const char  *secret,
                const char  *account_name)
{
  g_autofree char *uri = teken_totp_uri (secret, TOTP_ISSUER, account_name);

  json_builder_set_member_name (b, "totp_setup");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "otpauth_uri");
  json_builder_add_string_value (b, uri);
  json_builder_set_member_name (b, "secret");
  json_builder_add_string_value (b, secret);
  json_builder_set_member_name (b, "issuer");
  json_builder_add_string_value (b, TOTP_ISSUER);
  json_builder_set_member_name (b, "account");
  json_builder_add_string_value (b, account_name);
  json_builder_set_member_name (b, "algorithm");
  json_builder_add_string_value (b, "SHA1");
  json_builder_set_member_name (b, "digits");
  json_builder_add_int_value (b, TEKEN_TOTP_DIGITS);
  json_builder_set_member_name (b, "period");
  json_builder_add_int_value (b, TEKEN_TOTP_PERIOD);
  json_builder_end_object (b);
}

static void
add_time_or_null (JsonBuilder *b,
                  const char  *member,
                  gint64       unix_time)
{
  json_builder_set_member_name (b, member);
  if (unix_time > 0)
    {
      g_autofree char *text = format_time (unix_time);

      json_builder_add_string_value (b, text);
    }
  else
    json_builder_add_null_value (b);
}

static TekenCaAccount *
find_account_by_username (TekenCaServer *self,
                          const char    *username)
{
  if (strchr (username, '@') != NULL)
    return teken_ca_store_find_account_by_email (self->store, username);
  if (teken_nik_is_valid (username))
    return teken_ca_store_find_account_by_nik (self->store, username);
  return NULL;
}

static void
handle_login (Request    *request,
              JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *username;
  const char *password_text;
  g_autoptr(TekenSecret) password = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  gint64 now = now_seconds ();

  if (!get_required_string (request, body, "username", 254, &username) ||
      !get_required_string (request, body, "password", MAX_SECRET_LENGTH, &password_text))
    return;
  password = take_secret (body, "password");

  account = find_account_by_username (self, username);
  if (account == NULL)
    {
      /* As slow as a known username, so that timing does not tell. */
      teken_ca_password_verify (password, self->dummy_hash);
      respond_error (request, 8201, NULL);
      return;
    }
  if (!check_password (request, account, password, 8201))
    return;

  devices = teken_ca_store_list_devices (self->store, account->id);
  if (devices->len == 0)
    {
      /* First sign-in: a new secret, kept with the login token until a code
       * from it confirms the device (§6.1). */
      secret = teken_totp_generate_secret ();
      sealed = teken_ca_seal (self->server_key, secret, &error);
      if (sealed == NULL)
        {
          g_warning ("%s", error->message);
          respond_error (request, 8010, NULL);
          return;
        }
    }

  token = teken_ca_token_new ();
  token_hash = teken_ca_token_hash (token);
  if (!teken_ca_store_delete_login_token (self->store, NULL, now, &error) ||
      !teken_ca_store_add_login_token (self->store, token_hash, account->id,
                                       now + TEKEN_CA_LOGIN_TOKEN_LIFETIME,
                                       TEKEN_CA_LOGIN_TOKEN_CODES, sealed, &error))
    {
      g_warning ("%s", error->message);
      respond_error (request, 8010, NULL);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "next");
  json_builder_add_string_value (b, secret != NULL ? "totp_setup" : "totp");
  json_builder_set_member_name (b, "login_token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, TEKEN_CA_LOGIN_TOKEN_LIFETIME);
  if (secret != NULL)
    add_totp_setup (b, secret, account->email);
  else
    {
      json_builder_set_member_name (b, "devices");
      json_builder_begin_array (b);
      for (guint i = 0; i < devices->len; i++)
        {
          TekenCaDevice *device = g_ptr_array_index (devices, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, device->public_id);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, device->name);
          add_time_or_null (b, "last_used_at", device->last_used_at);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  set_json_response (request, SOUP_STATUS_OK, root);
  if (secret != NULL)
    teken_wipe_string (secret);
  teken_wipe_string (token);
}

/* Starts a session and answers with its first token pair, or adds a pair
 * to @session_id when it is not 0 (a refresh). */
static void
respond_token_pair (Request        *request,
                    TekenCaAccount *account,
                    gint64          session_id,
                    gint64          session_started)
{
  TekenCaServer *self = request->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *access = teken_ca_token_new ();
  g_autofree char *refresh = teken_ca_token_new ();
  g_autofree char *access_hash = teken_ca_token_hash (access);
  g_autofree char *refresh_hash = teken_ca_token_hash (refresh);
  gint64 now = now_seconds ();
  gint64 refresh_expires;

  if (session_id == 0)
    {
      session_id = teken_ca_store_add_session (self->store, account->id, "account", now, &error);
      session_started = now;
    }
  /* A refresh token lasts 7 days, a session 30 at most (§14). */
  refresh_expires = MIN (now + TEKEN_CA_REFRESH_LIFETIME, session_started + TEKEN_CA_SESSION_LIFETIME);
  if (session_id == 0 ||
      !teken_ca_store_add_session_token (self->store, access_hash, session_id, "access",
                                         now + self->access_token_lifetime, &error) ||
      !teken_ca_store_add_session_token (self->store, refresh_hash, session_id, "refresh",
                                         refresh_expires, &error))
    {
      g_warning ("%s", error->message);
      respond_error (request, 8010, NULL);
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, access);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, self->access_token_lifetime);
  json_builder_set_member_name (b, "refresh_token");
  json_builder_add_string_value (b, refresh);
  json_builder_set_member_name (b, "refresh_expires_in");
  json_builder_add_int_value (b, refresh_expires - now);
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, "account");
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  set_json_response (request, SOUP_STATUS_OK, root);
  teken_wipe_string (access);
  teken_wipe_string (refresh);
}

static gboolean
is_valid_device_name (const char *name)
{
  glong length;

  if (!g_utf8_validate (name, -1, NULL))
    return FALSE;
  length = g_utf8_strlen (name, -1);
  if (length < 1 || length > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* Tries @code against the registered devices (or only @device_id), and
 * records the step of the one it matches so that it cannot be replayed. */
static gboolean
verify_device_code (TekenCaServer  *self,
                    TekenCaAccount *account,
                    const char     *device_id,
                    const char     *code,
                    gint64          now)
{
  g_autoptr(GPtrArray) devices = teken_ca_store_list_devices (self->store, account->id);

  for (guint i = 0; i < devices->len; i++)
    {
      TekenCaDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *secret = NULL;
      gint64 step = 0;
      gboolean ok;

      if (device_id != NULL && !g_str_equal (device_id, device->public_id))
        continue;
      secret = teken_ca_unseal (self->server_key, device->sealed_secret);
      if (secret == NULL)
        {
          g_warning ("OTP device %s: its secret cannot be read with this server key", device->public_id);
          continue;
        }
      ok = teken_totp_verify (secret, code, now, 1, &step);
      teken_wipe_string (secret);
      if (ok && step > device->last_step &&
          teken_ca_store_use_device_step (self->store, device->id, step, now))
        return TRUE;
    }
  return FALSE;
}

static void
handle_login_totp (Request    *request,
                   JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token;
  const char *code;
  const char *device_name;
  const char *device_id;
  g_autoptr(TekenCaLoginToken) login = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token_hash = NULL;
  gint64 now = now_seconds ();
  gboolean ok = FALSE;
  int codes_left;

  if (!get_required_string (request, body, "login_token", 64, &token) ||
      !get_required_string (request, body, "code", 16, &code) ||
      !get_optional_string (request, body, "device_name", "device_name", &device_name) ||
      !get_optional_string (request, body, "device_id", "device_id", &device_id))
    return;

  token_hash = teken_ca_token_hash (token);
  login = teken_ca_store_find_login_token (self->store, token_hash);
  if (login == NULL || login->expires_at < now || login->codes_left <= 0)
    {
      respond_error (request, 8204, NULL);
      return;
    }
  account = teken_ca_store_get_account (self->store, login->account_id);
  if (account == NULL)
    {
      respond_error (request, 8204, NULL);
      return;
    }
  if (refuse_if_locked (request, account))
    return;

  if (login->sealed_setup_secret != NULL && device_name == NULL)
    {
      respond_field_error (request, 4014, "device_name", NULL);
      return;
    }
  if (login->sealed_setup_secret != NULL && !is_valid_device_name (device_name))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "reason", "invalid");
      respond_error (request, 8206, details);
      return;
    }

  /* One of the token's codes is used up before the code is looked at. */
  codes_left = teken_ca_store_take_login_token_code (self->store, token_hash, now);
  if (codes_left < 0)
    {
      respond_error (request, 8204, NULL);
      return;
    }

  if (login->sealed_setup_secret != NULL)
    {
      g_autofree char *secret = teken_ca_unseal (self->server_key, login->sealed_setup_secret);
      gint64 step = 0;

      if (secret == NULL)
        {
          respond_error (request, 8204, NULL);
          return;
        }
      ok = teken_totp_verify (secret, code, now, 1, &step);
      teken_wipe_string (secret);
      if (ok)
        {
          g_autofree char *public_id = teken_ca_random_id ("dev_");

          if (teken_ca_store_add_device (self->store, account->id, public_id, device_name,
                                         login->sealed_setup_secret, step, now, &error) == 0)
            {
              g_warning ("%s", error->message);
              respond_error (request, 8010, NULL);
              return;
            }
        }
    }
  else
    ok = verify_device_code (self, account, device_id, code, now);

  if (!ok)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "attempts_left", codes_left);
      count_login_failure (request, account, 8205, details);
      return;
    }

  if (!teken_ca_store_delete_login_token (self->store, token_hash, now, &error))
    {
      g_warning ("%s", error->message);
      respond_error (request, 8010, NULL);
      return;
    }
  if (!reset_login_failures (request, account))
    return;
  respond_token_pair (request, account, 0, 0);
}

/* Refresh tokens rotate; one presented twice means it was stolen, so the
 * whole session ends (§6.2). */
static void
handle_refresh (Request    *request,
                JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token;
  g_autofree char *token_hash = NULL;
  g_autoptr(TekenCaSessionToken) refresh = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  if (!get_required_string (request, body, "refresh_token", 64, &token))
    return;
  token_hash = teken_ca_token_hash (token);
  refresh = teken_ca_store_find_session_token (self->store, token_hash, "refresh");
  if (refresh == NULL || refresh->ended || refresh->expires_at < now_seconds ())
    {
      respond_error (request, 8011, NULL);
      return;
    }
  if (refresh->used || !teken_ca_store_use_session_token (self->store, token_hash))
    {
      g_message ("a used refresh token came back: session %" G_GINT64_FORMAT " ended", refresh->session_id);
      if (!teken_ca_store_end_session (self->store, refresh->session_id, &error))
        g_warning ("%s", error->message);
      respond_error (request, 8011, NULL);
      return;
    }
  account = teken_ca_store_get_account (self->store, refresh->account_id);
  if (account == NULL)
    {
      respond_error (request, 8011, NULL);
      return;
    }
  respond_token_pair (request, account, refresh->session_id, refresh->started_at);
}

static const char *
bearer_token (Request *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0 ||
      authorization[7] == '\0')
    return NULL;
  return authorization + 7;
}

/* Holder credentials of §2.3; answers 8002 with its reason when they fail. */
static gboolean
check_holder (Request *request)
{
  const char *token = bearer_token (request);
  g_autofree char *token_hash = NULL;
  g_autoptr(TekenCaSessionToken) access = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  gint64 now = now_seconds ();
  const char *reason = NULL;

  if (token == NULL)
    reason = "missing";
  else
    {
      token_hash = teken_ca_token_hash (token);
      access = teken_ca_store_find_session_token (request->server->store, token_hash, "access");
      if (access == NULL || access->ended)
        reason = "revoked";
      else if (access->expires_at < now || access->started_at + TEKEN_CA_SESSION_LIFETIME < now)
        reason = "expired";
    }

  if (reason != NULL)
    {
      json_object_set_string_member (details, "reason", reason);
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    "WWW-Authenticate", "Bearer realm=\"teken-ca\"");
      respond_error (request, 8002, details);
      return FALSE;
    }
  request->account_id = access->account_id;
  request->session_id = access->session_id;
  return TRUE;
}

static void
handle_logout (Request    *request,
               JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token = bearer_token (request);
  g_autofree char *token_hash = NULL;
  g_autoptr(TekenCaSessionToken) access = NULL;
  g_autoptr(GError) error = NULL;

  if (token == NULL)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "reason", "missing");
      respond_error (request, 8002, details);
      return;
    }
  request->auth = "holder";
  token_hash = teken_ca_token_hash (token);
  access = teken_ca_store_find_session_token (self->store, token_hash, "access");
  if (access != NULL && !access->ended &&
      !teken_ca_store_end_session (self->store, access->session_id, &error))
    {
      g_warning ("%s", error->message);
      respond_error (request, 8010, NULL);
      return;
    }
  soup_server_message_set_status (request->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static X509 *
certificate_x509 (TekenCaCertificate *cert)
{
  const guint8 *p = g_bytes_get_data (cert->der, NULL);

  return d2i_X509 (NULL, &p, (long) g_bytes_get_size (cert->der));
}

static char *
name_to_string (const X509_NAME *name)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;

  /* RFC 2253 order is RFC 4514's: most specific first. */
  X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  length = BIO_get_mem_data (bio, &data);
  return g_strndup (data, length);
}

static void
add_name_entry (JsonBuilder     *b,
                const char      *member,
                const X509_NAME *name,
                int              nid)
{
  int index = X509_NAME_get_index_by_NID (name, nid, -1);
  unsigned char *utf8 = NULL;

  json_builder_set_member_name (b, member);
  if (index >= 0 &&
      ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, index))) >= 0)
    {
      json_builder_add_string_value (b, (const char *) utf8);
      OPENSSL_free (utf8);
    }
  else
    json_builder_add_null_value (b);
}

static const char *
reason_name (int code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reason_names); i++)
    if (reason_names[i].code == code)
      return reason_names[i].name;
  return "unspecified";
}

/* The Certificate object of docs/api.md §7.3. */
static gboolean
add_certificate_object (JsonBuilder        *b,
                        TekenCaCertificate *cert,
                        gboolean            current,
                        const char         *status)
{
  g_autoptr(X509) x509 = certificate_x509 (cert);
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *fingerprint = NULL;
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  gint64 now = now_seconds ();
  gint64 days_left;

  if (x509 == NULL || !X509_digest (x509, EVP_sha256 (), digest, &digest_length))
    return FALSE;
  subject = name_to_string (X509_get_subject_name (x509));
  issuer = name_to_string (X509_get_issuer_name (x509));
  {
    GString *hex = g_string_new (NULL);

    for (unsigned int i = 0; i < digest_length; i++)
      g_string_append_printf (hex, "%02X", digest[i]);
    fingerprint = g_string_free (hex, FALSE);
  }
  /* Whole days until not_after: 0 on the last day, negative after. */
  days_left = cert->not_after >= now ? (cert->not_after - now) / 86400
                                     : -((now - cert->not_after + 86399) / 86400);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, cert->public_id);
  json_builder_set_member_name (b, "current");
  json_builder_add_boolean_value (b, current);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  json_builder_set_member_name (b, "serial");
  json_builder_add_string_value (b, cert->serial);
  json_builder_set_member_name (b, "subject");
  json_builder_add_string_value (b, subject);
  add_name_entry (b, "common_name", X509_get_subject_name (x509), NID_commonName);
  add_name_entry (b, "email", X509_get_subject_name (x509), NID_pkcs9_emailAddress);
  add_name_entry (b, "organization", X509_get_subject_name (x509), NID_organizationName);
  json_builder_set_member_name (b, "issuer");
  json_builder_add_string_value (b, issuer);
  add_time_or_null (b, "not_before", cert->not_before);
  add_time_or_null (b, "not_after", cert->not_after);
  json_builder_set_member_name (b, "days_left");
  json_builder_add_int_value (b, days_left);
  add_time_or_null (b, "revoked_at", cert->revoked_at);
  json_builder_set_member_name (b, "revocation_reason");
  if (cert->revoked_at != 0)
    json_builder_add_string_value (b, reason_name (cert->revocation_reason));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "fingerprint_sha256");
  json_builder_add_string_value (b, fingerprint);
  json_builder_end_object (b);
  return TRUE;
}

static void
add_string_or_null (JsonBuilder *b,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* docs/api.md §6.4. Members that belong to later phases (titles, phone,
 * employment, pending update) are present and null. */
static void
handle_account (Request    *request,
                JsonObject *body)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, request->account_id);
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *status;
  const char *cannot_sign = NULL;

  if (account == NULL)
    {
      respond_error (request, 8004, NULL);
      return;
    }
  status = derive_status (self, account, &cert);
  if (!g_str_equal (status, "ISSUE"))
    cannot_sign = "status";
  else if (g_strcmp0 (account->verification, "VERIFIED") != 0)
    cannot_sign = "update_pending";
  else if (cert == NULL || cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS)
    cannot_sign = "key_locked";

  json_builder_begin_object (b);
  add_string_or_null (b, "id", account->public_id);
  add_string_or_null (b, "role", "holder");
  add_string_or_null (b, "nik", account->nik);
  add_string_or_null (b, "username", account->email);
  add_string_or_null (b, "email", account->email);
  add_string_or_null (b, "name", account->name);
  add_string_or_null (b, "title_prefix", NULL);
  add_string_or_null (b, "title_suffix", NULL);
  add_string_or_null (b, "phone", NULL);
  add_string_or_null (b, "agency", account->agency);
  json_builder_set_member_name (b, "employment");
  json_builder_add_null_value (b);
  add_string_or_null (b, "status", status);
  add_string_or_null (b, "verification_status", account->verification);
  add_string_or_null (b, "enrollment_step", account->current_certificate != 0 ? "done" : NULL);
  json_builder_set_member_name (b, "can_sign");
  json_builder_add_boolean_value (b, cannot_sign == NULL);
  add_string_or_null (b, "cannot_sign_reason", cannot_sign);
  add_string_or_null (b, "current_certificate_id", cert != NULL ? cert->public_id : NULL);
  json_builder_set_member_name (b, "pending_update");
  json_builder_add_null_value (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  set_json_response (request, SOUP_STATUS_OK, root);
}

/* docs/api.md §7.6: the holder revokes the current certificate, for good.
 * The CRL is made again at the next request and OCSP reads the database,
 * so both tell at once. */
static void
handle_revoke (Request    *request,
               JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *reason_text;
  const char *confirmation;
  const char *password_text;
  g_autoptr(TekenSecret) password = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(TekenCaCertificate) revoked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *trimmed = NULL;
  const char *status;
  int reason = -1;

  if (!get_required_string (request, body, "reason", 64, &reason_text) ||
      !get_required_string (request, body, "confirmation", 64, &confirmation) ||
      !get_required_string (request, body, "password", MAX_SECRET_LENGTH, &password_text))
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (holder_reasons); i++)
    if (g_str_equal (reason_text, holder_reasons[i].name))
      reason = holder_reasons[i].code;
  if (reason < 0)
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonArray) allowed = json_array_new ();

      for (gsize i = 0; i < G_N_ELEMENTS (holder_reasons); i++)
        json_array_add_string_element (allowed, holder_reasons[i].name);
      json_object_set_array_member (details, "allowed", g_steal_pointer (&allowed));
      respond_error (request, 8305, details);
      return;
    }
  trimmed = g_strstrip (g_strdup (confirmation));
  if (g_ascii_strcasecmp (trimmed, "CABUT") != 0)
    {
      respond_error (request, 8304, NULL);
      return;
    }
  password = take_secret (body, "password");

  account = teken_ca_store_get_account (self->store, request->account_id);
  if (account == NULL)
    {
      respond_error (request, 8004, NULL);
      return;
    }
  if (!check_password (request, account, password, 8209))
    return;

  status = derive_status (self, account, &cert);
  if (cert == NULL || (!g_str_equal (status, "ISSUE") && !g_str_equal (status, "SUSPEND")))
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonArray) allowed = json_array_new ();

      json_array_add_string_element (allowed, "ISSUE");
      json_array_add_string_element (allowed, "SUSPEND");
      json_object_set_string_member (details, "status", status);
      json_object_set_array_member (details, "allowed", g_steal_pointer (&allowed));
      respond_error (request, 8303, details);
      return;
    }

  if (!teken_ca_store_revoke_certificate (self->store, cert->id, now_seconds (), reason, &error))
    {
      g_warning ("%s", error->message);
      respond_error (request, 8010, NULL);
      return;
    }
  teken_ca_authority_invalidate_crl (self->authority);
  g_message ("certificate %s revoked by its holder (%s)", cert->serial, reason_text);

  revoked = teken_ca_store_get_certificate (self->store, cert->id);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "REVOKE");
  json_builder_set_member_name (b, "certificate");
  if (revoked == NULL || !add_certificate_object (b, revoked, TRUE, "REVOKE"))
    {
      respond_error (request, 8010, NULL);
      return;
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  set_json_response (request, SOUP_STATUS_OK, root);
}

/* Client credentials of docs/api.md §2.3: Basic client_id:client_secret,
 * compared with the stored SHA-256 of the secret in constant time. */
static gboolean
check_client (Request *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autofree guint8 *decoded = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *given = NULL;
  gsize length = 0;
  char *colon;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Basic ", 6) != 0)
    return FALSE;

  decoded = g_base64_decode (authorization + 6, &length);
  if (decoded == NULL || length == 0 || memchr (decoded, '\0', length) != NULL)
    return FALSE;
  decoded = g_realloc (decoded, length + 1);
  decoded[length] = '\0';
  colon = strchr ((char *) decoded, ':');
  if (colon == NULL)
    {
      OPENSSL_cleanse (decoded, length);
      return FALSE;
    }
  *colon = '\0';

  stored = teken_ca_store_get_client_secret_hash (request->server->store, (char *) decoded);
  given = g_compute_checksum_for_string (G_CHECKSUM_SHA256, colon + 1, -1);
  OPENSSL_cleanse (decoded, length);

  return stored != NULL && strlen (stored) == strlen (given) &&
         CRYPTO_memcmp (stored, given, strlen (given)) == 0;
}

static JsonObject *
parse_json_body (Request *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  g_autoptr(GHashTable) params = NULL;
  const char *content_type = soup_message_headers_get_content_type (headers, &params);
  const char *charset = params != NULL ? g_hash_table_lookup (params, "charset") : NULL;
  g_autoptr(GBytes) bytes = request_body (request);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *data;
  gsize length;
  JsonObject *object = NULL;

  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0 ||
      (charset != NULL && g_ascii_strcasecmp (charset, "utf-8") != 0))
    {
      respond_error (request, 8007, NULL);
      return NULL;
    }

  data = g_bytes_get_data (bytes, &length);
  if (length == 0 || !g_utf8_validate_len (data, length, NULL) ||
      !json_parser_load_from_data (parser, data, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    respond_error (request, 8008, NULL);
  else
    object = json_object_ref (json_node_get_object (root));

  /* The body may hold a passphrase; it is not needed any more. */
  if (length > 0)
    OPENSSL_cleanse ((gpointer) data, length);
  return object;
}

/* Handlers that hash a password run in a worker thread while the message
 * is paused, like hash signing, so that the main loop never waits for
 * scrypt. The handler answers into the Request (deferred); the main thread
 * copies that answer to the message. */
typedef struct
{
  Request request;
  Handler handler;
  JsonObject *body;
} SlowJob;

static void
slow_job_free (SlowJob *job)
{
  g_clear_object (&job->request.server);
  g_clear_object (&job->request.msg);
  g_clear_pointer (&job->request.deferred_body, json_node_unref);
  g_clear_pointer (&job->body, json_object_unref);
  g_free (job);
}

static void
slow_job_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SlowJob *job = task_data;

  job->handler (&job->request, job->body);
  g_task_return_boolean (task, TRUE);
}

static void
slow_job_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SlowJob *job = g_task_get_task_data (G_TASK (result));
  Request *request = &job->request;

  request->deferred = FALSE;
  if (request->deferred_body != NULL)
    set_json_response (request, request->deferred_status, request->deferred_body);
  else
    soup_server_message_set_status (request->msg, request->deferred_status, NULL);
  log_request (request);
  soup_server_message_unpause (request->msg);
}

static void
run_slow_handler (Request    *request,
                  Handler     handler,
                  JsonObject *body)
{
  g_autoptr(GTask) task = NULL;
  SlowJob *job = g_new0 (SlowJob, 1);

  job->request = *request;
  g_object_ref (job->request.server);
  g_object_ref (job->request.msg);
  job->request.deferred = TRUE;
  job->request.deferred_status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  job->handler = handler;
  job->body = body != NULL ? json_object_ref (body) : NULL;

  request->paused = TRUE;
  soup_server_message_pause (request->msg);
  task = g_task_new (request->server, NULL, slow_job_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) slow_job_free);
  g_task_run_in_thread (task, slow_job_thread);
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  TekenCaServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  Request request = { self, msg, { 0 }, "none", 0, g_get_monotonic_time (), FALSE, 0, 0, FALSE, 0, NULL };
  const Route *route = NULL;
  g_autoptr(GString) allowed = g_string_new (NULL);
  g_autoptr(JsonObject) body = NULL;

  for (int i = 0; i < 4; i++)
    g_snprintf (request.request_id + 8 * i, 9, "%08x", g_random_int ());
  soup_message_headers_replace (response_headers, "X-Request-Id", request.request_id);
  soup_message_headers_replace (response_headers, "Cache-Control", "no-store");

  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!route_matches_path (&routes[i], path))
        continue;
      if (g_str_equal (routes[i].method, method))
        route = &routes[i];
      else
        g_string_append_printf (allowed, "%s%s", allowed->len > 0 ? ", " : "", routes[i].method);
    }

  if (route == NULL && allowed->len > 0)
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonArray) methods = json_array_new ();

      json_array_add_string_element (methods, allowed->str);
      json_object_set_array_member (details, "allowed", g_steal_pointer (&methods));
      soup_message_headers_replace (response_headers, "Allow", allowed->str);
      respond_error (&request, 8005, details);
    }
  else if (route == NULL)
    respond_error (&request, 8004, NULL);
  else if (route->max_body > 0 &&
           soup_server_message_get_request_body (msg)->length > (goffset) route->max_body)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "limit_bytes", route->max_body);
      respond_error (&request, 8006, details);
    }
  else if (route->auth == AUTH_CLIENT && !check_client (&request))
    {
      soup_message_headers_replace (response_headers, "WWW-Authenticate", "Basic realm=\"teken-ca\"");
      respond_error (&request, 8001, NULL);
    }
  else if (route->auth == AUTH_HOLDER && !check_holder (&request))
    {
      /* check_holder() has answered 8002. */
    }
  else
    {
      if (route->auth == AUTH_CLIENT)
        request.auth = "client";
      else if (route->auth == AUTH_HOLDER)
        request.auth = "holder";
      if (route->json_body && (body = parse_json_body (&request)) == NULL)
        {
          /* parse_json_body() has answered. */
        }
      else if (route->slow)
        run_slow_handler (&request, route->handler, body);
      else
        route->handler (&request, body);
    }

  if (!request.paused)
    log_request (&request);
}

/* Refuses an oversized body from its Content-Length, before reading it. */
static void
request_headers_cb (SoupServerMessage *msg,
                    gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  gsize limit = MAX_JSON_BODY;

  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    if (route_matches_path (&routes[i], path) && routes[i].max_body > limit)
      limit = routes[i].max_body;

  if (length > (goffset) limit)
    {
      TekenCaServer *self = user_data;
      Request request = { self, msg, "early", "none", 0, 0, FALSE, 0, 0, FALSE, 0, NULL };
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "limit_bytes", limit);
      respond_error (&request, 8006, details);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
    }
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (request_headers_cb), user_data);
}

static void
teken_ca_server_dispose (GObject *object)
{
  TekenCaServer *self = TEKEN_CA_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->authority);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (teken_ca_server_parent_class)->dispose (object);
}

static void
teken_ca_server_finalize (GObject *object)
{
  TekenCaServer *self = TEKEN_CA_SERVER (object);

  g_free (self->data_dir);
  g_free (self->dummy_hash);
  g_clear_pointer (&self->server_key, g_bytes_unref);
  for (gsize i = 0; i < G_N_ELEMENTS (self->key_locks); i++)
    g_mutex_clear (&self->key_locks[i]);

  G_OBJECT_CLASS (teken_ca_server_parent_class)->finalize (object);
}

static void
teken_ca_server_class_init (TekenCaServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = teken_ca_server_dispose;
  object_class->finalize = teken_ca_server_finalize;
}

static void
teken_ca_server_init (TekenCaServer *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (self->key_locks); i++)
    g_mutex_init (&self->key_locks[i]);
  self->access_token_lifetime = 900;
  self->lock_duration = 900;
}

/**
 * teken_ca_server_new:
 * @data_dir: a directory made by `teken-ca init`
 *
 * Returns: (transfer full): the server, not listening yet
 */
TekenCaServer *
teken_ca_server_new (const char  *data_dir,
                     GError     **error)
{
  g_autoptr(TekenCaServer) self = g_object_new (TEKEN_CA_TYPE_SERVER, NULL);
  g_autofree char *db_path = g_build_filename (data_dir, "teken-ca.db", NULL);
  g_autoptr(GTlsCertificate) tls = NULL;

  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_DATA_DIR,
                   _("“%s” is not a teken-ca data directory. Create one with teken-ca init."),
                   data_dir);
      return NULL;
    }

  self->data_dir = g_strdup (data_dir);
  if ((self->store = teken_ca_store_open (db_path, error)) == NULL ||
      (self->authority = teken_ca_authority_load (data_dir, self->store, error)) == NULL ||
      (tls = teken_ca_authority_get_tls_certificate (self->authority, error)) == NULL ||
      (self->server_key = teken_ca_server_key_load (data_dir, error)) == NULL)
    return NULL;

  {
    /* A hash of nothing anyone knows, for unknown usernames. */
    g_autofree char *random = teken_ca_token_new ();
    g_autoptr(TekenSecret) nobody = teken_secret_new (random, -1);

    if ((self->dummy_hash = teken_ca_password_hash (nobody, error)) == NULL)
      return NULL;
  }

  self->soup = soup_server_new ("tls-certificate", tls, "server-header", "teken-ca", NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);

  return g_steal_pointer (&self);
}

/**
 * teken_ca_server_listen:
 * @address: an IP address to listen on
 * @port: the port, 0 for any free one
 *
 * Returns: (transfer full): the base URL it listens on, e.g.
 *   `https://127.0.0.1:8443`
 */
char *
teken_ca_server_listen (TekenCaServer  *self,
                        const char     *address,
                        guint           port,
                        GError        **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *uris;
  char *url = NULL;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address."), address);
      return NULL;
    }

  socket_address = g_inet_socket_address_new (inet, port);
  if (!soup_server_listen (self->soup, socket_address, SOUP_SERVER_LISTEN_HTTPS, error))
    return NULL;

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    {
      GUri *uri = uris->data;

      url = g_strdup_printf ("https://%s:%d", address, g_uri_get_port (uri));
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return url;
}

/**
 * teken_ca_server_set_lifetimes:
 * @access_token_lifetime: seconds an access token lasts (900)
 * @lock_duration: seconds a sign-in lock-out lasts (900)
 *
 * The settings of docs/api.md §15 that tests shorten.
 */
void
teken_ca_server_set_lifetimes (TekenCaServer *self,
                               gint64         access_token_lifetime,
                               gint64         lock_duration)
{
  g_return_if_fail (TEKEN_CA_IS_SERVER (self));
  g_return_if_fail (access_token_lifetime > 0 && lock_duration > 0);

  self->access_token_lifetime = access_token_lifetime;
  self->lock_duration = lock_duration;
}
