/* teken-ca-server.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The HTTPS side of teken-ca: routing, client and holder authentication,
 * the JSON error shape of docs/api.md §3, and /info. The handlers live in
 * teken-ca-server-*.c, one file per part of the contract. One log line per
 * request with no secrets, no query string and no body (§14). */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "teken-holder-rules.h"
#include "teken-ca-auth.h"
#include "teken-ca-server-private.h"
#include "teken-cms.h"
#include "teken-key-wrap.h"
#include "teken-totp.h"
#include "teken-x509-private.h"

G_DEFINE_TYPE (TekenCaServer, teken_ca_server, G_TYPE_OBJECT)

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
  { 4024, 409, "nik_already_registered",
    N_("This NIK is already registered and activated. Sign in, or choose Forgot password.") },
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
  { 8009, 429, "rate_limited", N_("Too many requests. Try again in {retry_after} seconds.") },
  { 8010, 500, "internal_error",
    N_("The CA server had a problem. Nothing you entered is lost; try again shortly.") },
  { 8011, 401, "refresh_invalid", N_("Your session has ended. Please sign in again.") },
  { 8012, 503, "service_unavailable", N_("The CA server is unavailable. Try again shortly.") },
  { 8101, 422, "nik_not_found",
    N_("This NIK is not in the population registry. Check the 16 digits against your KTP.") },
  { 8102, 422, "email_domain_not_allowed",
    N_("Use your agency's official e-mail address, e.g. name@{example_domain}.") },
  { 8103, 409, "email_already_registered",
    N_("This e-mail address is used by another account. Use your own official e-mail.") },
  { 8104, 404, "link_invalid",
    N_("The link is not recognised. Copy the whole link from the e-mail, or request a new one.") },
  { 8105, 410, "link_expired",
    N_("The link has expired (links last 24 hours). Request a new one.") },
  { 8106, 410, "link_used",
    N_("This link has already been used. Request a new one if you need to.") },
  { 8107, 409, "enrollment_incomplete",
    N_("This step cannot be done yet. First complete: {missing}.") },
  { 8108, 422, "name_invalid",
    N_("The full name may contain only letters and spaces, as on the KTP. Put titles in the title fields.") },
  { 8109, 422, "nip_not_found",
    N_("This NIP is not in the personnel registry. Check its 18 digits, or choose non-ASN if you are not an ASN.") },
  { 8110, 422, "nip_not_yours", N_("This NIP belongs to another NIK. Check your NIP.") },
  { 8111, 422, "nip_agency_mismatch",
    N_("This NIP is recorded at {agency}, not the agency of your e-mail. Use the official e-mail of the agency you work for.") },
  { 8112, 422, "selfie_format",
    N_("The photo must be an undamaged JPEG or PNG. Take the selfie again.") },
  { 8113, 413, "selfie_too_large",
    N_("The photo is larger than 2 MB. Take it again at a lower resolution.") },
  { 8114, 422, "selfie_resolution",
    N_("Wrong photo size: the shorter side must be at least 480 pixels and the longer at most 4096. Take the selfie again.") },
  { 8115, 422, "selfie_blank",
    N_("The photo looks blank. Make sure the camera is on and your face is visible, then take it again.") },
  { 8116, 422, "selfie_too_dark",
    N_("The photo is too dark. Move somewhere brighter, then take it again.") },
  { 8117, 422, "selfie_too_bright",
    N_("The photo is too bright. Avoid light shining straight into the camera, then take it again.") },
  { 8118, 422, "selfie_blurred",
    N_("The photo is blurred. Keep the camera still and in focus, then take it again.") },
  { 8119, 422, "selfie_no_face",
    N_("No face was found. Face the camera in the middle of the frame, then take it again.") },
  { 8120, 422, "agreement_required",
    N_("You must accept the Privacy Policy and the Certificate Holder Agreement to continue.") },
  { 8121, 409, "agreement_outdated",
    N_("The agreement has been updated. Read the new version and accept it again.") },
  { 8122, 422, "passphrase_policy",
    N_("The passphrase does not meet the rules: at least 8 characters with a lowercase letter, an uppercase letter, a digit and a symbol; no spaces and none of [ ] ^ \\.") },
  { 8123, 422, "confirmation_mismatch",
    N_("The two {field} entries differ. Type them again carefully.") },
  { 8124, 422, "password_policy",
    N_("The password does not meet the rules: at least 8 characters with a lowercase letter, an uppercase letter, a digit and a symbol; no spaces and none of [ ] ^ \\.") },
  { 8125, 422, "passphrase_same_as_password",
    N_("The passphrase must differ from your account password. Choose another.") },
  { 8126, 409, "account_already_activated",
    N_("This account is already activated. Please sign in.") },
  { 8127, 422, "phone_invalid", N_("The mobile number is not valid. Write it like 081234567890.") },
  { 8128, 422, "employment_field_invalid",
    N_("{field} may contain only letters, digits and spaces (2–100 characters).") },
  { 8129, 422, "title_invalid",
    N_("Titles may contain only letters, dots, commas, hyphens, apostrophes and spaces (at most 50 characters).") },
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
  { 8207, 409, "last_device",
    N_("The last OTP device cannot be removed. Add a new device first.") },
  { 8208, 410, "device_setup_invalid", N_("Adding the device timed out. Start again.") },
  { 8209, 403, "reauth_failed",
    N_("Wrong password. After 5 failures the account is locked for 15 minutes.") },
  { 8301, 409, "revocation_required",
    N_("Name, e-mail and agency can only change after the certificate is revoked. Revoke it first, then request a new one.") },
  { 8302, 409, "update_pending",
    N_("A data change is still waiting for confirmation. Confirm it from the e-mailed link, or cancel it.") },
  { 8303, 409, "wrong_status",
    N_("This cannot be done while the certificate status is {status}.") },
  { 8304, 422, "revoke_confirmation_mismatch", N_("Type CABUT to confirm the revocation.") },
  { 8305, 422, "revocation_reason_invalid", N_("Choose a revocation reason from the list.") },
  { 8306, 409, "renewal_too_early", N_("Self-service renewal is possible from {renewable_from}.") },
  { 8307, 422, "nothing_to_update", N_("Nothing was changed.") },
  { 8401, 403, "account_update_pending",
    N_("Signing is off because your data change is not confirmed yet. Confirm it from the e-mailed link, or cancel the change.") },
  { 8402, 423, "key_locked",
    N_("Your signing key is locked after 5 wrong passphrases. Reset the passphrase; a new certificate will be issued.") },
  { 8403, 400, "signing_otp_invalid",
    N_("The signing OTP is wrong or has expired. Request a new code if needed.") },
  { 8404, 403, "signing_otp_not_enabled",
    N_("Signing with an OTP is not enabled for this certificate. Use the passphrase, or enable it in Teken.") },
  { 8405, 400, "too_many_documents", N_("Too many documents in one request (at most {max}).") },
  { 8406, 400, "seal_not_supported",
    N_("Electronic seals (idSubscriber) are not supported by this server.") },
  { 8407, 501, "not_implemented",
    N_("This service is not available on this server. Use hash signing.") },
  { 8501, 422, "pdf_unreadable", N_("The file is not a readable PDF document.") },
  { 8502, 422, "pdf_encrypted",
    N_("This PDF is password-protected and cannot be checked yet. Ask the sender for a copy without a password.") },
  { 8601, 409, "request_already_decided", N_("This request has already been decided.") },
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

static void handle_info (Request *request, JsonObject *body);
static gboolean check_client (Request *request);
static void handle_link_page (Request *request, JsonObject *body);

static const Route routes[] = {
  { "GET", API_PREFIX "/info", FALSE, AUTH_NONE, FALSE, 0, handle_info },
  { "GET", "/link/", TRUE, AUTH_NONE, FALSE, 0, handle_link_page },
  { "POST", API_PREFIX "/links/check", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, teken_ca_handle_links_check },
  /* Enrollment (§5) */
  { "POST", API_PREFIX "/enrollment/register", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, teken_ca_handle_register },
  { "POST", API_PREFIX "/enrollment/activation/resend", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY,
    teken_ca_handle_activation_resend },
  { "POST", API_PREFIX "/enrollment/activate", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, teken_ca_handle_activate,
    TRUE },
  { "GET", API_PREFIX "/enrollment", FALSE, AUTH_ENROLL, FALSE, 0, teken_ca_handle_enrollment },
  { "PUT", API_PREFIX "/enrollment/personal", FALSE, AUTH_ENROLL, TRUE, MAX_JSON_BODY, teken_ca_handle_personal },
  { "POST", API_PREFIX "/enrollment/nip/check", FALSE, AUTH_ENROLL, TRUE, MAX_JSON_BODY,
    teken_ca_handle_nip_check },
  { "PUT", API_PREFIX "/enrollment/employment", FALSE, AUTH_ENROLL, TRUE, MAX_JSON_BODY,
    teken_ca_handle_employment },
  { "PUT", API_PREFIX "/enrollment/selfie", FALSE, AUTH_ENROLL, TRUE, MAX_SELFIE_BODY, teken_ca_handle_selfie,
    TRUE },
  { "GET", API_PREFIX "/agreements", FALSE, AUTH_NONE, FALSE, 0, teken_ca_handle_agreements },
  { "GET", API_PREFIX "/agreements/", TRUE, AUTH_NONE, FALSE, 0, teken_ca_handle_agreement },
  { "POST", API_PREFIX "/enrollment/agreements", FALSE, AUTH_ENROLL, TRUE, MAX_JSON_BODY, teken_ca_handle_submit },
  { "POST", API_PREFIX "/enrollment/passphrase/resend", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY,
    teken_ca_handle_passphrase_resend },
  { "POST", API_PREFIX "/enrollment/passphrase", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY,
    teken_ca_handle_set_passphrase, TRUE },
  /* docs/api.md §6.3–§10: lifecycle, devices, verifier, OTP signing, verify/pdf. */
  { "POST", API_PREFIX "/auth/password/forgot", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, teken_ca_handle_password_forgot },
  { "POST", API_PREFIX "/auth/password/reset", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, teken_ca_handle_password_reset,
    TRUE },
  { "GET", API_PREFIX "/account/devices", FALSE, AUTH_HOLDER | AUTH_VERIFIER, FALSE, 0, teken_ca_handle_devices },
  { "POST", API_PREFIX "/account/devices", FALSE, AUTH_HOLDER | AUTH_VERIFIER, TRUE, MAX_JSON_BODY,
    teken_ca_handle_device_add, TRUE },
  { "POST", API_PREFIX "/account/devices/confirm", FALSE, AUTH_HOLDER | AUTH_VERIFIER, TRUE, MAX_JSON_BODY,
    teken_ca_handle_device_confirm },
  { "PATCH", API_PREFIX "/account/devices/", TRUE, AUTH_HOLDER | AUTH_VERIFIER, TRUE, MAX_JSON_BODY,
    teken_ca_handle_device_rename },
  { "DELETE", API_PREFIX "/account/devices/", TRUE, AUTH_HOLDER | AUTH_VERIFIER, FALSE, 0,
    teken_ca_handle_device_remove },
  { "GET", API_PREFIX "/certificates", FALSE, AUTH_ENROLL, FALSE, 0, teken_ca_handle_certificates },
  { "GET", API_PREFIX "/certificates/", TRUE, AUTH_ENROLL, FALSE, 0, teken_ca_handle_certificate },
  { "POST", API_PREFIX "/certificates/current/passphrase/change-request", FALSE, AUTH_HOLDER, FALSE, MAX_JSON_BODY,
    teken_ca_handle_passphrase_change_request },
  { "POST", API_PREFIX "/certificates/passphrase/change", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY,
    teken_ca_handle_passphrase_change, TRUE },
  { "POST", API_PREFIX "/certificates/current/passphrase/reset-request", FALSE, AUTH_HOLDER, FALSE, MAX_JSON_BODY,
    teken_ca_handle_passphrase_reset_request },
  { "POST", API_PREFIX "/certificates/passphrase/reset", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY,
    teken_ca_handle_passphrase_reset, TRUE },
  { "POST", API_PREFIX "/certificates/current/renew", FALSE, AUTH_HOLDER, TRUE, MAX_JSON_BODY, teken_ca_handle_renew,
    TRUE },
  { "POST", API_PREFIX "/certificates/reissue", FALSE, AUTH_HOLDER, TRUE, MAX_JSON_BODY, teken_ca_handle_reissue },
  { "PUT", API_PREFIX "/certificates/current/signing-otp", FALSE, AUTH_HOLDER, TRUE, MAX_JSON_BODY,
    teken_ca_handle_signing_otp, TRUE },
  { "PATCH", API_PREFIX "/account/profile", FALSE, AUTH_HOLDER, TRUE, MAX_JSON_BODY, teken_ca_handle_profile_update },
  { "POST", API_PREFIX "/account/profile/confirm", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY,
    teken_ca_handle_profile_confirm },
  { "POST", API_PREFIX "/account/profile/pending/resend", FALSE, AUTH_HOLDER, FALSE, MAX_JSON_BODY,
    teken_ca_handle_profile_resend },
  { "DELETE", API_PREFIX "/account/profile/pending", FALSE, AUTH_HOLDER, FALSE, 0, teken_ca_handle_profile_cancel },
  { "GET", API_PREFIX "/verifier/requests", FALSE, AUTH_VERIFIER, FALSE, 0, teken_ca_handle_verifier_requests },
  { "GET", API_PREFIX "/verifier/requests/", TRUE, AUTH_VERIFIER, FALSE, 0, teken_ca_handle_verifier_request },
  { "POST", API_PREFIX "/verifier/requests/", TRUE, AUTH_VERIFIER, TRUE, MAX_JSON_BODY,
    teken_ca_handle_verifier_decide },
  { "POST", API_PREFIX "/verifier/holders/search", FALSE, AUTH_VERIFIER, TRUE, MAX_JSON_BODY,
    teken_ca_handle_verifier_search },
  { "GET", API_PREFIX "/verifier/holders/", TRUE, AUTH_VERIFIER, FALSE, 0, teken_ca_handle_verifier_holder },
  { "POST", API_PREFIX "/verifier/holders/", TRUE, AUTH_VERIFIER, TRUE, MAX_JSON_BODY,
    teken_ca_handle_verifier_holder_action },
  { "POST", "/api/v2/sign/get/totp", FALSE, AUTH_CLIENT | AUTH_HOLDER, TRUE, MAX_JSON_BODY, teken_ca_handle_get_totp },
  { "POST", "/api/v2/verify/pdf", FALSE, AUTH_CLIENT | AUTH_HOLDER, TRUE, MAX_VERIFY_BODY,
    teken_ca_handle_verify_pdf, TRUE },
  /* End of §6.3–§10. */
  { "POST", "/api/v2/user/check/status", FALSE, AUTH_CLIENT | AUTH_HOLDER, TRUE, MAX_JSON_BODY,
    teken_ca_handle_check_status },
  { "GET", CHAIN_PREFIX, TRUE, AUTH_CLIENT | AUTH_HOLDER, FALSE, 0, teken_ca_handle_chain },
  { "POST", "/api/v2/sign/hash/pdf", FALSE, AUTH_CLIENT | AUTH_HOLDER, TRUE, MAX_SIGN_BODY,
    teken_ca_handle_sign_hash },
  { "POST", "/v2/api/entity/sign/hash/pdf", FALSE, AUTH_CLIENT | AUTH_HOLDER, TRUE, MAX_SIGN_BODY,
    teken_ca_handle_sign_hash },
  { "GET", "/pki/ca", FALSE, AUTH_NONE, FALSE, 0, teken_ca_handle_pki_ca },
  { "GET", "/pki/root.crt", FALSE, AUTH_NONE, FALSE, 0, teken_ca_handle_pki_root },
  { "GET", "/pki/issuing.crt", FALSE, AUTH_NONE, FALSE, 0, teken_ca_handle_pki_issuing },
  { "GET", "/pki/crl", FALSE, AUTH_NONE, FALSE, 0, teken_ca_handle_pki_crl },
  { "GET", "/pki/root.crl", FALSE, AUTH_NONE, FALSE, 0, teken_ca_handle_pki_root_crl },
  { "POST", "/pki/ocsp", FALSE, AUTH_NONE, FALSE, MAX_PKI_BODY, teken_ca_handle_pki_ocsp },
  { "GET", "/pki/ocsp/", TRUE, AUTH_NONE, FALSE, 0, teken_ca_handle_pki_ocsp },
  { "POST", "/pki/tsa", FALSE, AUTH_NONE, FALSE, MAX_PKI_BODY, teken_ca_handle_pki_tsa },
  { "POST", API_PREFIX "/auth/login", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, teken_ca_handle_login, TRUE },
  { "POST", API_PREFIX "/auth/login/totp", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, teken_ca_handle_login_totp },
  { "POST", API_PREFIX "/auth/refresh", FALSE, AUTH_NONE, TRUE, MAX_JSON_BODY, teken_ca_handle_refresh },
  /* Logging out with a token that has ended already is fine (§6.2), so
   * the handler looks at the token itself. */
  { "POST", API_PREFIX "/auth/logout", FALSE, AUTH_NONE, FALSE, MAX_JSON_BODY, teken_ca_handle_logout },
  { "GET", API_PREFIX "/account", FALSE, AUTH_ENROLL | AUTH_VERIFIER, FALSE, 0, teken_ca_handle_account },
  { "POST", API_PREFIX "/certificates/current/revoke", FALSE, AUTH_HOLDER, TRUE, MAX_JSON_BODY, teken_ca_handle_revoke,
    TRUE },
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

void
teken_ca_set_json_response (Request  *request,
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

/* Returns: (transfer full): @code's message with @details filled in, in
 *   the locale's language, for `teken-ca admin` */
char *
teken_ca_describe_error (int         code,
                         JsonObject *details)
{
  for (gsize i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].code == code)
      return fill_message (_(error_table[i].message), details);
  return g_strdup_printf ("%d", code);
}

void
teken_ca_respond_error (Request    *request,
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
  teken_ca_set_json_response (request, info->http, root);
}

/* 204, also from a worker thread. */
void
teken_ca_respond_no_content (Request *request)
{
  if (request->deferred)
    {
      g_clear_pointer (&request->deferred_body, json_node_unref);
      request->deferred_status = SOUP_STATUS_NO_CONTENT;
      return;
    }
  soup_server_message_set_status (request->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

void
teken_ca_respond_field_error (Request    *request,
                              int         code,
                              const char *field,
                              const char *rule)
{
  g_autoptr(JsonObject) details = json_object_new ();

  json_object_set_string_member (details, "field", field);
  if (rule != NULL)
    json_object_set_string_member (details, "rule", rule);
  teken_ca_respond_error (request, code, details);
}

void
teken_ca_respond_bytes (Request    *request,
                        const char *content_type,
                        GBytes     *bytes)
{
  soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (request->msg, content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

void
teken_ca_respond_certificate (Request *request,
                              X509    *cert)
{
  g_autofree guint8 *der = NULL;
  int length = i2d_X509 (cert, &der);
  g_autoptr(GBytes) bytes = g_bytes_new (der, MAX (length, 0));

  teken_ca_respond_bytes (request, "application/pkix-cert", bytes);
}

/* Gets an optional string member: TRUE with *value NULL when absent or null,
 * FALSE (and a 4015 answer) when it has another type. */
gboolean
teken_ca_get_optional_string (Request     *request,
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
      teken_ca_respond_field_error (request, 4015, field, "must be a string");
      return FALSE;
    }
  *value = json_node_get_string (node);
  return TRUE;
}

/* Reads exactly one of nik/email (docs/api.md §7.1, §9.2). */
gboolean
teken_ca_get_holder_identity (Request     *request,
                              JsonObject  *body,
                              const char **nik,
                              const char **email)
{
  if (!teken_ca_get_optional_string (request, body, "nik", "nik", nik) ||
      !teken_ca_get_optional_string (request, body, "email", "email", email))
    return FALSE;
  if (*nik == NULL && *email == NULL)
    {
      teken_ca_respond_field_error (request, 4014, "nik", NULL);
      return FALSE;
    }
  if (*nik != NULL && *email != NULL)
    {
      teken_ca_respond_field_error (request, 4015, "nik", "nik and email are exclusive");
      return FALSE;
    }
  if (*nik != NULL && !teken_nik_is_valid (*nik))
    {
      teken_ca_respond_field_error (request, 4015, "nik", "16 digits");
      return FALSE;
    }
  if (*email != NULL && (strlen (*email) > 254 || strchr (*email, '@') == NULL))
    {
      teken_ca_respond_field_error (request, 4015, "email", "an e-mail address");
      return FALSE;
    }
  return TRUE;
}

TekenCaAccount *
teken_ca_find_account (TekenCaServer *self,
                       const char    *nik,
                       const char    *email)
{
  TekenCaAccount *account = nik != NULL ? teken_ca_store_find_account_by_nik (self->store, nik)
                                        : teken_ca_store_find_account_by_email (self->store, email);

  /* A verifier's account holds no certificate. */
  if (account != NULL && g_strcmp0 (account->role, "verifier") == 0)
    g_clear_pointer (&account, teken_ca_account_free);
  return account;
}

/* docs/api.md §4.1, "How the status is derived". */
const char *
teken_ca_derive_status (TekenCaServer       *self,
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

  status = teken_ca_certificate_status (current);

  if (current_out != NULL)
    *current_out = g_steal_pointer (&current);
  return status;
}

const char *
teken_ca_status_message (const char *status)
{
  for (gsize i = 0; i < G_N_ELEMENTS (status_table); i++)
    if (g_str_equal (status_table[i].status, status))
      return _(status_table[i].message);
  return "";
}

char *
teken_ca_format_time (gint64 unix_time)
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
  json_builder_add_boolean_value (b, TRUE);
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
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

void
teken_ca_log_request (Request *request)
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

gint64
teken_ca_now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Gets a required string member of at most @max_length bytes (0: any). */
gboolean
teken_ca_get_required_string (Request     *request,
                              JsonObject  *object,
                              const char  *member,
                              gsize        max_length,
                              const char **value)
{
  if (!teken_ca_get_optional_string (request, object, member, member, value))
    return FALSE;
  if (*value == NULL)
    {
      teken_ca_respond_field_error (request, 4014, member, NULL);
      return FALSE;
    }
  if (max_length > 0 && strlen (*value) > max_length)
    {
      g_autofree char *rule = g_strdup_printf ("at most %" G_GSIZE_FORMAT " characters", max_length);

      teken_ca_respond_field_error (request, 4015, member, rule);
      return FALSE;
    }
  return TRUE;
}

const char *
teken_ca_bearer_token (Request *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0 ||
      authorization[7] == '\0')
    return NULL;
  return authorization + 7;
}

/* Bearer tokens of §2.3; answers 8002 with its reason when they fail, and
 * 8003 when the token's scope is not one of @kinds. */
static gboolean
check_holder (Request  *request,
              AuthKind  kinds)
{
  const char *token = teken_ca_bearer_token (request);
  g_autofree char *token_hash = NULL;
  g_autoptr(TekenCaSessionToken) access = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  gint64 now = teken_ca_now_seconds ();
  const char *reason = NULL;
  gboolean allowed = FALSE;

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
      teken_ca_respond_error (request, 8002, details);
      return FALSE;
    }

  if (g_str_equal (access->scope, "account"))
    {
      request->auth = "holder";
      allowed = kinds & AUTH_HOLDER;
    }
  else if (g_str_equal (access->scope, "verifier"))
    {
      request->auth = "verifier";
      allowed = kinds & AUTH_VERIFIER;
    }
  else if (g_str_equal (access->scope, "enrollment"))
    {
      request->auth = "enroll";
      allowed = kinds & AUTH_ENROLLMENT;
    }
  if (!allowed)
    {
      teken_ca_respond_error (request, 8003, NULL);
      return FALSE;
    }
  request->account_id = access->account_id;
  request->session_id = access->session_id;
  g_strlcpy (request->scope, access->scope, sizeof request->scope);
  return TRUE;
}

/* A route's credentials: client credentials when it takes them and they
 * are what was sent, else a bearer token of one of its scopes. */
static gboolean
authenticate (Request  *request,
              AuthKind  kinds)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  gboolean bearer = authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0;

  if ((kinds & AUTH_CLIENT) && (!bearer || (kinds & ~AUTH_CLIENT) == 0))
    {
      if (!check_client (request))
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                        "WWW-Authenticate", "Basic realm=\"teken-ca\"");
          teken_ca_respond_error (request, 8001, NULL);
          return FALSE;
        }
      request->auth = "client";
      return TRUE;
    }
  return check_holder (request, kinds);
}

/**
 * teken_ca_acts_for:
 * @account: (nullable): the account a request names (by NIK or e-mail)
 *
 * On BSrE endpoints a holder's token acts for its own holder only
 * (docs/api.md §2.3); client credentials act for anyone. Answers 8003.
 */
gboolean
teken_ca_acts_for (Request        *request,
                   TekenCaAccount *account)
{
  if (!g_str_equal (request->auth, "holder") ||
      (account != NULL && account->id == request->account_id))
    return TRUE;
  teken_ca_respond_error (request, 8003, NULL);
  return FALSE;
}

/* E-mailed links (docs/api.md §12). The token goes into the mail only; the
 * database keeps its hash. Call inside the transaction of the change the
 * link belongs to, so that a failed mail undoes it. Answers 8010 and
 * returns FALSE when the link cannot be sent. */
gboolean
teken_ca_send_link (Request        *request,
                    TekenCaAccount *account,
                    const char     *to,
                    const char     *purpose,
                    const char     *payload,
                    gint64         *expires_at)
{
  g_autoptr(GError) error = NULL;

  if (teken_ca_mail_link (request->server, account, to, purpose, payload, expires_at, &error))
    return TRUE;
  g_warning ("%s link: %s", purpose, error->message);
  teken_ca_respond_error (request, 8010, NULL);
  return FALSE;
}

/* teken_ca_send_link() outside a request (teken-ca admin, the sweep). */
gboolean
teken_ca_mail_link (TekenCaServer   *self,
                    TekenCaAccount  *account,
                    const char      *to,
                    const char      *purpose,
                    const char      *payload,
                    gint64          *expires_at,
                    GError         **error)
{
  g_autofree char *token = teken_ca_token_new ();
  g_autofree char *token_hash = teken_ca_token_hash (token);
  g_autofree char *name = NULL;
  gint64 now = teken_ca_now_seconds ();
  gint64 expires = now + self->settings.link_lifetime;

  if (!teken_ca_store_add_link (self->store, token_hash, account->id, purpose, now, expires,
                                payload, error) ||
      (name = teken_ca_mailer_send (self->mailer, to, purpose, token, expires, NULL, error)) == NULL)
    {
      teken_wipe_string (token);
      return FALSE;
    }
  teken_wipe_string (token);
  if (expires_at != NULL)
    *expires_at = expires;
  return TRUE;
}

/* A message without a link: it tells, it asks nothing, so a failure to
 * write it is logged and the change it reports stands. */
void
teken_ca_send_notice (TekenCaServer *self,
                      const char    *to,
                      const char    *purpose)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = teken_ca_mailer_send (self->mailer, to, purpose, NULL, 0, NULL, &error);

  if (name == NULL)
    g_warning ("%s mail: %s", purpose, error->message);
}

/* Looks a link's token up without using it: answers 8104, 8105 or 8106
 * and returns NULL unless it is a live link of @purpose. */
TekenCaLink *
teken_ca_check_link (Request    *request,
                     const char *token,
                     const char *purpose)
{
  g_autofree char *token_hash = teken_ca_token_hash (token);
  g_autoptr(TekenCaLink) link = teken_ca_store_find_link (request->server->store, token_hash);
  g_autoptr(JsonObject) details = json_object_new ();

  if (link == NULL || !g_str_equal (link->purpose, purpose) || link->superseded)
    {
      teken_ca_respond_error (request, 8104, NULL);
      return NULL;
    }
  json_object_set_string_member (details, "purpose", purpose);
  if (link->used_at != 0)
    {
      teken_ca_respond_error (request, 8106, details);
      return NULL;
    }
  if (link->expires_at < teken_ca_now_seconds ())
    {
      g_autofree char *expired_at = teken_ca_format_time (link->expires_at);

      json_object_set_string_member (details, "expired_at", expired_at);
      teken_ca_respond_error (request, 8105, details);
      return NULL;
    }
  return g_steal_pointer (&link);
}

/* Uses the link up, inside the transaction of what it did; a request that
 * lost a race for the same token gets 8106. */
gboolean
teken_ca_use_link (Request     *request,
                   const char  *token,
                   TekenCaLink *link)
{
  g_autofree char *token_hash = teken_ca_token_hash (token);
  g_autoptr(JsonObject) details = NULL;

  if (teken_ca_store_use_link (request->server->store, token_hash, teken_ca_now_seconds ()))
    return TRUE;
  details = json_object_new ();
  json_object_set_string_member (details, "purpose", link->purpose);
  teken_ca_respond_error (request, 8106, details);
  return FALSE;
}

/* GET /link/<action> (docs/api.md §12): a page a browser or phone shows,
 * with a button to the teken:// URI and the token to copy. It never uses
 * the token up. */
static void
handle_link_page (Request    *request,
                  JsonObject *body)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));
  const char *action = path + strlen ("/link/");
  g_autoptr(GHashTable) query = NULL;
  const char *query_text = g_uri_get_query (soup_server_message_get_uri (request->msg));
  const char *token = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *escaped_uri = NULL;
  g_autofree char *escaped_token = NULL;
  GString *html;
  gsize length;
  char *text;

  for (const char *c = action; *c != '\0'; c++)
    if (!g_ascii_islower (*c) && *c != '-')
      {
        teken_ca_respond_error (request, 8004, NULL);
        return;
      }
  if (query_text != NULL)
    query = g_uri_parse_params (query_text, -1, "&", G_URI_PARAMS_NONE, NULL);
  if (query != NULL)
    token = g_hash_table_lookup (query, "token");
  if (token != NULL && (strlen (token) != 43 || strspn (token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                             "abcdefghijklmnopqrstuvwxyz"
                                                             "0123456789-_") != 43))
    token = NULL;

  uri = token != NULL ? g_strdup_printf ("teken://%s?token=%s", action, token)
                      : g_strdup_printf ("teken://%s", action);
  escaped_uri = g_markup_escape_text (uri, -1);
  html = g_string_new ("<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width\">"
                       "<title>Teken</title></head><body style=\"font-family:sans-serif;max-width:36em;margin:2em auto\">\n");
  g_string_append_printf (html,
                          "<h1>Teken</h1>\n<p>Buka tautan ini di aplikasi Teken.<br>"
                          "<span lang=\"en\">Open this link in the Teken app.</span></p>\n"
                          "<p><a href=\"%s\" style=\"font-size:1.2em\">Buka di Teken / Open in Teken</a></p>\n",
                          escaped_uri);
  if (token != NULL)
    {
      escaped_token = g_markup_escape_text (token, -1);
      g_string_append_printf (html,
                              "<p>Atau salin tautan ini ke Teken:<br><span lang=\"en\">Or copy this link into "
                              "Teken:</span></p>\n<pre>%s</pre>\n", escaped_uri);
    }
  g_string_append (html, "</body></html>\n");

  length = html->len;
  text = g_string_free (html, FALSE);
  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                "Referrer-Policy", "no-referrer");
  soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (request->msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    text, length);
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
  g_autoptr(GBytes) bytes = teken_ca_request_body (request);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *data;
  gsize length;
  JsonObject *object = NULL;

  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0 ||
      (charset != NULL && g_ascii_strcasecmp (charset, "utf-8") != 0))
    {
      teken_ca_respond_error (request, 8007, NULL);
      return NULL;
    }

  data = g_bytes_get_data (bytes, &length);
  if (length == 0 || !g_utf8_validate_len (data, length, NULL) ||
      !json_parser_load_from_data (parser, data, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    teken_ca_respond_error (request, 8008, NULL);
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
    teken_ca_set_json_response (request, request->deferred_status, request->deferred_body);
  else
    soup_server_message_set_status (request->msg, request->deferred_status, NULL);
  teken_ca_log_request (request);
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
  Request request = { .server = self, .msg = msg, .auth = "none", .started = g_get_monotonic_time () };
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
      /* An exact path wins over a prefix, whatever the order. */
      if (g_str_equal (routes[i].method, method) && (route == NULL || !routes[i].prefix))
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
      teken_ca_respond_error (&request, 8005, details);
    }
  else if (route == NULL)
    teken_ca_respond_error (&request, 8004, NULL);
  else if (route->max_body > 0 &&
           soup_server_message_get_request_body (msg)->length > (goffset) route->max_body)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "limit_bytes", route->max_body);
      teken_ca_respond_error (&request, 8006, details);
    }
  else if (route->auth != AUTH_NONE && !authenticate (&request, route->auth))
    {
      /* authenticate() has answered 8001, 8002 or 8003. */
    }
  else
    {
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
    teken_ca_log_request (&request);
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
      Request request = { .server = self, .msg = msg, .request_id = "early", .auth = "none" };
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "limit_bytes", limit);
      teken_ca_respond_error (&request, 8006, details);
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

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->authority);
  g_clear_object (&self->store);
  g_clear_object (&self->mailer);

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
    {
      g_mutex_clear (&self->key_locks[i]);
      g_cond_clear (&self->key_changed[i]);
    }

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
    {
      g_mutex_init (&self->key_locks[i]);
      g_cond_init (&self->key_changed[i]);
    }
  teken_ca_settings_init (&self->settings);
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
  {
    g_autofree char *maildir = g_build_filename (data_dir, "mail", NULL);

    self->mailer = teken_ca_mailer_new (maildir);
  }
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

static gboolean
sweep_cb (gpointer user_data)
{
  teken_ca_sweep (user_data);
  return G_SOURCE_CONTINUE;
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
      teken_ca_mailer_set_public_url (self->mailer, url);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* Expiry mails and CRL refresh (docs/api.md §12, §15). */
  teken_ca_sweep (self);
  if (self->sweep_id == 0)
    self->sweep_id = g_timeout_add_seconds ((guint) MIN (self->settings.sweep_interval, G_MAXUINT),
                                            sweep_cb, self);

  return url;
}

/**
 * teken_ca_settings_init:
 *
 * Fills @settings with the defaults of docs/api.md §15.
 */
void
teken_ca_settings_init (TekenCaSettings *settings)
{
  *settings = (TekenCaSettings) {
    .access_token_lifetime = 900,
    .lock_duration = 900,
    .link_lifetime = 24 * 3600,
    .cert_validity = TEKEN_CA_HOLDER_VALIDITY,
    .renewal_window = 30 * 24 * 3600,
    .resend_interval = 60,
    .signing_otp_lifetime = 300,
    .sweep_interval = 60,
    .selfie_blank = 10,
    .selfie_dark = 50,
    .selfie_bright = 210,
    .selfie_blur = 40,
  };
}

/**
 * teken_ca_server_set_settings:
 *
 * Replaces the server's settings (docs/api.md §15).
 */
void
teken_ca_server_set_settings (TekenCaServer         *self,
                              const TekenCaSettings *settings)
{
  g_return_if_fail (TEKEN_CA_IS_SERVER (self));
  g_return_if_fail (settings->access_token_lifetime > 0 && settings->lock_duration > 0 &&
                    settings->link_lifetime > 0 && settings->cert_validity > 0);

  self->settings = *settings;
}
