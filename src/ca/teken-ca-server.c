/* teken-ca-server.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The HTTPS side of teken-ca: routing, client authentication, the JSON error
 * shape of docs/api.md §3, and the endpoints of phase 1 — info, check/status,
 * the chain by NIK, hash signing and the PKI services. One log line per
 * request with no secrets, no query string and no body (§14). */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "teken-ca-authority.h"
#include "teken-ca-server.h"
#include "teken-ca-store.h"
#include "teken-cms.h"
#include "teken-key-wrap.h"
#include "teken-secret.h"
#include "teken-x509-private.h"

struct _TekenCaServer
{
  GObject parent_instance;

  char *data_dir;
  TekenCaStore *store;
  TekenCaAuthority *authority;
  SoupServer *soup;
  GMutex key_locks[16];
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

typedef enum
{
  AUTH_NONE,
  AUTH_CLIENT,
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
  { 8004, 404, "not_found", N_("What you asked for was not found.") },
  { 8005, 405, "method_not_allowed", N_("This request is not supported at this address.") },
  { 8006, 413, "body_too_large", N_("What was sent is too large (at most {limit_bytes} bytes).") },
  { 8007, 415, "unsupported_media_type", N_("The request format is not supported. Update Teken.") },
  { 8008, 400, "malformed_request",
    N_("The server could not read the request. Update Teken; if it persists, report it.") },
  { 8010, 500, "internal_error",
    N_("The CA server had a problem. Nothing you entered is lost; try again shortly.") },
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
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length = 0;
  char *text;

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

static gboolean
is_digits (const char *text,
           gsize       length)
{
  if (strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
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
  if (*nik != NULL && !is_digits (*nik, 16))
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
  Request request = { job->server, job->msg, { 0 }, job->auth, 0, job->started, FALSE };

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

  if (!is_digits (nik, 16))
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
  Request request = { self, msg, { 0 }, "none", 0, g_get_monotonic_time (), FALSE };
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
  else
    {
      if (route->auth == AUTH_CLIENT)
        request.auth = "client";
      if (!route->json_body || (body = parse_json_body (&request)) != NULL)
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
      Request request = { self, msg, "early", "none", 0, 0, FALSE };
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
      (tls = teken_ca_authority_get_tls_certificate (self->authority, error)) == NULL)
    return NULL;

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
