/* teken-ca-error.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What went wrong talking to the CA, as a sentence the user can act on.
 *
 * The client branches on the server's `status_code`, never on the HTTP
 * status or the server's text (docs/api.md §3.1): every code it knows gets
 * its own translated sentence, filled from `details`; an unknown code falls
 * back to the server's `message`. The machine-readable parts (the `error`
 * name, `details`, the request id) travel with the GError as private data,
 * so a caller can read `attempts_left` without parsing a sentence.
 *
 * Secrets never reach a message: the only values filled in are the members
 * of `details` that docs/api.md lists, none of which is a secret, and the
 * server's own sentence, which the contract keeps free of secrets.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "teken-ca-error.h"

typedef struct
{
  guint http_status;
  char *name;
  char *request_id;
  JsonObject *details;
} TekenCaErrorPrivate;

static void
teken_ca_error_private_init (TekenCaErrorPrivate *priv)
{
}

static void
teken_ca_error_private_copy (const TekenCaErrorPrivate *src,
                             TekenCaErrorPrivate       *dest)
{
  dest->http_status = src->http_status;
  dest->name = g_strdup (src->name);
  dest->request_id = g_strdup (src->request_id);
  dest->details = src->details != NULL ? json_object_ref (src->details) : NULL;
}

static void
teken_ca_error_private_clear (TekenCaErrorPrivate *priv)
{
  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->request_id, g_free);
  g_clear_pointer (&priv->details, json_object_unref);
}

G_DEFINE_EXTENDED_ERROR (TekenCaError, teken_ca_error)

typedef struct
{
  int code;
  const char *name;
  const char *message;
} ErrorInfo;

/* docs/api.md §3.2: the English column is the source string, po/id.po has
 * the Indonesian of the `message` column. The same strings as teken-ca's,
 * so one translation serves both. */
static const ErrorInfo error_table[] = {
  { 2011, "user_not_registered",
    N_("This NIK or e-mail is not registered as a certificate holder. Check it, or register first.") },
  { 2021, "no_active_certificate",
    N_("Your certificate is not active (status {status}), so it cannot sign. Open Teken to see what to do next.") },
  { 2031, "wrong_passphrase",
    N_("Wrong passphrase. {attempts_left} tries left before your signing key is locked.") },
  { 4014, "field_required",
    N_("{field} is required.") },
  { 4015, "field_invalid",
    N_("{field} is not in the right format.") },
  { 4024, "nik_already_registered",
    N_("This NIK is already registered and activated. Sign in, or choose Forgot password.") },
  { 8001, "client_unauthorized",
    N_("The CA server does not recognise this application (wrong client credentials). Check the server settings in Preferences.") },
  { 8002, "session_invalid",
    N_("Your session has ended. Please sign in again.") },
  { 8003, "forbidden",
    N_("You are not allowed to do this.") },
  { 8004, "not_found",
    N_("What you asked for was not found.") },
  { 8005, "method_not_allowed",
    N_("This request is not supported at this address.") },
  { 8006, "body_too_large",
    N_("What was sent is too large (at most {limit_bytes} bytes).") },
  { 8007, "unsupported_media_type",
    N_("The request format is not supported. Update Teken.") },
  { 8008, "malformed_request",
    N_("The server could not read the request. Update Teken; if it persists, report it.") },
  { 8009, "rate_limited",
    N_("Too many requests. Try again in {retry_after} seconds.") },
  { 8010, "internal_error",
    N_("The CA server had a problem. Nothing you entered is lost; try again shortly.") },
  { 8011, "refresh_invalid",
    N_("Your session has ended. Please sign in again.") },
  { 8012, "service_unavailable",
    N_("The CA server is unavailable. Try again shortly.") },
  { 8101, "nik_not_found",
    N_("This NIK is not in the population registry. Check the 16 digits against your KTP.") },
  { 8102, "email_domain_not_allowed",
    N_("Use your agency's official e-mail address, e.g. name@{example_domain}.") },
  { 8103, "email_already_registered",
    N_("This e-mail address is used by another account. Use your own official e-mail.") },
  { 8104, "link_invalid",
    N_("The link is not recognised. Copy the whole link from the e-mail, or request a new one.") },
  { 8105, "link_expired",
    N_("The link has expired (links last 24 hours). Request a new one.") },
  { 8106, "link_used",
    N_("This link has already been used. Request a new one if you need to.") },
  { 8107, "enrollment_incomplete",
    N_("This step cannot be done yet. First complete: {missing}.") },
  { 8108, "name_invalid",
    N_("The full name may contain only letters and spaces, as on the KTP. Put titles in the title fields.") },
  { 8109, "nip_not_found",
    N_("This NIP is not in the personnel registry. Check its 18 digits, or choose non-ASN if you are not an ASN.") },
  { 8110, "nip_not_yours",
    N_("This NIP belongs to another NIK. Check your NIP.") },
  { 8111, "nip_agency_mismatch",
    N_("This NIP is recorded at {agency}, not the agency of your e-mail. Use the official e-mail of the agency you work for.") },
  { 8112, "selfie_format",
    N_("The photo must be an undamaged JPEG or PNG. Take the selfie again.") },
  { 8113, "selfie_too_large",
    N_("The photo is larger than 2 MB. Take it again at a lower resolution.") },
  { 8114, "selfie_resolution",
    N_("Wrong photo size: the shorter side must be at least 480 pixels and the longer at most 4096. Take the selfie again.") },
  { 8115, "selfie_blank",
    N_("The photo looks blank. Make sure the camera is on and your face is visible, then take it again.") },
  { 8116, "selfie_too_dark",
    N_("The photo is too dark. Move somewhere brighter, then take it again.") },
  { 8117, "selfie_too_bright",
    N_("The photo is too bright. Avoid light shining straight into the camera, then take it again.") },
  { 8118, "selfie_blurred",
    N_("The photo is blurred. Keep the camera still and in focus, then take it again.") },
  { 8119, "selfie_no_face",
    N_("No face was found. Face the camera in the middle of the frame, then take it again.") },
  { 8120, "agreement_required",
    N_("You must accept the Privacy Policy and the Certificate Holder Agreement to continue.") },
  { 8121, "agreement_outdated",
    N_("The agreement has been updated. Read the new version and accept it again.") },
  { 8122, "passphrase_policy",
    N_("The passphrase does not meet the rules: at least 8 characters with a lowercase letter, an uppercase letter, a digit and a symbol; no spaces and none of [ ] ^ \\.") },
  { 8123, "confirmation_mismatch",
    N_("The two {field} entries differ. Type them again carefully.") },
  { 8124, "password_policy",
    N_("The password does not meet the rules: at least 8 characters with a lowercase letter, an uppercase letter, a digit and a symbol; no spaces and none of [ ] ^ \\.") },
  { 8125, "passphrase_same_as_password",
    N_("The passphrase must differ from your account password. Choose another.") },
  { 8126, "account_already_activated",
    N_("This account is already activated. Please sign in.") },
  { 8127, "phone_invalid",
    N_("The mobile number is not valid. Write it like 081234567890.") },
  { 8128, "employment_field_invalid",
    N_("{field} may contain only letters, digits and spaces (2–100 characters).") },
  { 8129, "title_invalid",
    N_("Titles may contain only letters, dots, commas, hyphens, apostrophes and spaces (at most 50 characters).") },
  { 8201, "login_failed",
    N_("Wrong username or password. After 5 failures the account is locked for 15 minutes.") },
  { 8202, "account_locked",
    N_("The account is locked for a while after too many failed attempts. Try again after {locked_until}, or choose Forgot password.") },
  { 8203, "account_not_activated",
    N_("The account is not activated yet. Open the activation link in your e-mail, or request a new one.") },
  { 8204, "login_token_invalid",
    N_("Time to enter the code ran out. Sign in again with your username and password.") },
  { 8205, "totp_invalid",
    N_("Wrong or expired OTP code. Enter the newest code from your authenticator app.") },
  { 8206, "device_name_invalid",
    N_("The device name must be 1–64 characters and not used by another device.") },
  { 8207, "last_device",
    N_("The last OTP device cannot be removed. Add a new device first.") },
  { 8208, "device_setup_invalid",
    N_("Adding the device timed out. Start again.") },
  { 8209, "reauth_failed",
    N_("Wrong password. After 5 failures the account is locked for 15 minutes.") },
  { 8301, "revocation_required",
    N_("Name, e-mail and agency can only change after the certificate is revoked. Revoke it first, then request a new one.") },
  { 8302, "update_pending",
    N_("A data change is still waiting for confirmation. Confirm it from the e-mailed link, or cancel it.") },
  { 8303, "wrong_status",
    N_("This cannot be done while the certificate status is {status}.") },
  { 8304, "revoke_confirmation_mismatch",
    N_("Type CABUT to confirm the revocation.") },
  { 8305, "revocation_reason_invalid",
    N_("Choose a revocation reason from the list.") },
  { 8306, "renewal_too_early",
    N_("Self-service renewal is possible from {renewable_from}.") },
  { 8307, "nothing_to_update",
    N_("Nothing was changed.") },
  { 8401, "account_update_pending",
    N_("Signing is off because your data change is not confirmed yet. Confirm it from the e-mailed link, or cancel the change.") },
  { 8402, "key_locked",
    N_("Your signing key is locked after 5 wrong passphrases. Reset the passphrase; a new certificate will be issued.") },
  { 8403, "signing_otp_invalid",
    N_("The signing OTP is wrong or has expired. Request a new code if needed.") },
  { 8404, "signing_otp_not_enabled",
    N_("Signing with an OTP is not enabled for this certificate. Use the passphrase, or enable it in Teken.") },
  { 8405, "too_many_documents",
    N_("Too many documents in one request (at most {max}).") },
  { 8406, "seal_not_supported",
    N_("Electronic seals (idSubscriber) are not supported by this server.") },
  { 8407, "not_implemented",
    N_("This service is not available on this server. Use hash signing.") },
  { 8501, "pdf_unreadable",
    N_("The file is not a readable PDF document.") },
  { 8502, "pdf_encrypted",
    N_("This PDF is password-protected and cannot be checked yet. Ask the sender for a copy without a password.") },
  { 8601, "request_already_decided",
    N_("This request has already been decided.") },
};

/* docs/api.md §3.3: the labels {field} is filled with. */
static const struct
{
  const char *field;
  const char *label;
} field_labels[] = {
  { "nik", N_("NIK") },
  { "email", N_("Official e-mail") },
  { "username", N_("Username") },
  { "password", N_("Password") },
  { "password_confirmation", N_("Password") },
  { "passphrase", N_("Passphrase") },
  { "passphrase_confirmation", N_("Passphrase") },
  { "old_passphrase", N_("Passphrase") },
  { "new_passphrase", N_("Passphrase") },
  { "new_passphrase_confirmation", N_("Passphrase") },
  { "name", N_("Full name") },
  { "title_prefix", N_("Title before the name") },
  { "title_suffix", N_("Title after the name") },
  { "phone", N_("Mobile number") },
  { "nip", N_("NIP") },
  { "unit", N_("Work unit") },
  { "position", N_("Position") },
  { "city", N_("City or regency") },
  { "province", N_("Province") },
  { "device_name", N_("Device name") },
  { "code", N_("OTP code") },
  { "totp", N_("OTP code") },
  { "reason", N_("Reason") },
  { "confirmation", N_("Confirmation") },
};

/* The enrollment steps that {missing} lists (docs/api.md §5). */
static const struct
{
  const char *step;
  const char *label;
} step_labels[] = {
  { "activation", N_("activation") },
  { "personal", N_("personal data") },
  { "employment", N_("employment data") },
  { "selfie", N_("selfie") },
  { "agreements", N_("agreements") },
  { "verification", N_("verification") },
  { "passphrase", N_("passphrase") },
};

static const ErrorInfo *
find_error (int code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (error_table); i++)
    {
      if (error_table[i].code == code)
        return &error_table[i];
    }

  return NULL;
}

/**
 * teken_ca_error_code_to_name:
 * @code: a #TekenCaError code of docs/api.md §3.2
 *
 * Returns: (nullable): the server's `error` identifier for @code
 */
const char *
teken_ca_error_code_to_name (int code)
{
  const ErrorInfo *info = find_error (code);

  return info != NULL ? info->name : NULL;
}

/**
 * teken_ca_error_code_from_name:
 * @name: an `error` identifier of docs/api.md §3.2
 *
 * Returns: its code, or 0 when the client does not know it
 */
int
teken_ca_error_code_from_name (const char *name)
{
  g_return_val_if_fail (name != NULL, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (error_table); i++)
    {
      if (g_str_equal (error_table[i].name, name))
        return error_table[i].code;
    }

  return 0;
}

static const char *
label_for_field (const char *field)
{
  /* A JSON path such as employment.unit: its last part names the field. */
  const char *last = strrchr (field, '.');

  if (last != NULL)
    field = last + 1;

  for (gsize i = 0; i < G_N_ELEMENTS (field_labels); i++)
    {
      if (g_str_equal (field_labels[i].field, field))
        return _(field_labels[i].label);
    }

  return field;
}

static const char *
label_for_step (const char *step)
{
  for (gsize i = 0; i < G_N_ELEMENTS (step_labels); i++)
    {
      if (g_str_equal (step_labels[i].step, step))
        return _(step_labels[i].label);
    }

  return step;
}

/* An instant of docs/api.md §2.4, in the user's time zone. */
static char *
format_instant (const char *text)
{
  g_autoptr(GDateTime) instant = g_date_time_new_from_iso8601 (text, NULL);
  g_autoptr(GDateTime) local = NULL;

  if (instant == NULL)
    return g_strdup (text);

  local = g_date_time_to_local (instant);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* The value of details.@name as text, or NULL when it has none. */
static char *
format_detail (JsonObject *details,
               const char *name)
{
  JsonNode *node;

  if (details == NULL || !json_object_has_member (details, name))
    return NULL;

  node = json_object_get_member (details, name);
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (node);

          if (g_str_equal (name, "field"))
            return g_strdup (label_for_field (text));
          if (g_str_equal (name, "locked_until") || g_str_equal (name, "renewable_from"))
            return format_instant (text);
          return g_strdup (text);
        }
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      if (type == G_TYPE_DOUBLE)
        return g_strdup_printf ("%g", json_node_get_double (node));
      return NULL;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *text;

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            continue;
          text = json_node_get_string (element);
          if (list->len > 0)
            g_string_append (list, ", ");
          g_string_append (list, g_str_equal (name, "missing") ? label_for_step (text) : text);
        }
      return list->len > 0 ? g_string_free (g_steal_pointer (&list), FALSE) : NULL;
    }

  return NULL;
}

/* Replaces each {name} of @template by details.name; NULL when one of them
 * has no value, so that the caller can fall back to the server's sentence. */
static char *
fill_template (const char *template,
               JsonObject *details)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *p = template;

  while (*p != '\0')
    {
      const char *open = strchr (p, '{');
      const char *close = open != NULL ? strchr (open, '}') : NULL;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (open == NULL || close == NULL)
        {
          g_string_append (text, p);
          break;
        }

      g_string_append_len (text, p, open - p);
      name = g_strndup (open + 1, close - open - 1);
      value = format_detail (details, name);
      if (value == NULL)
        return NULL;
      g_string_append (text, value);
      p = close + 1;
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GError *
new_error (int          code,
           const char  *message,
           guint        http_status,
           const char  *name,
           JsonObject  *details,
           const char  *request_id)
{
  GError *error = g_error_new_literal (TEKEN_CA_ERROR, code, message);
  TekenCaErrorPrivate *priv = teken_ca_error_get_private (error);

  priv->http_status = http_status;
  priv->name = g_strdup (name);
  priv->request_id = g_strdup (request_id);
  priv->details = details != NULL ? json_object_ref (details) : NULL;

  return error;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
get_int_member (JsonObject *object,
                const char *name,
                gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *value = json_node_get_int (node);
  return TRUE;
}

/**
 * teken_ca_error_new_literal:
 * @code: a #TekenCaError code of docs/api.md §3.2
 * @details: (nullable): the members the message is filled from
 *
 * An error the client raises itself with the server's wording, for example
 * before sending a request the server would refuse.
 *
 * Returns: (transfer full): a new error
 */
GError *
teken_ca_error_new_literal (int         code,
                            JsonObject *details)
{
  const ErrorInfo *info = find_error (code);
  g_autofree char *message = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  message = fill_template (_(info->message), details);
  if (message == NULL)
    message = g_strdup (_(info->message));

  return new_error (code, message, 0, info->name, details, NULL);
}

/**
 * teken_ca_error_new_from_response:
 * @http_status: the HTTP status of the answer
 * @body: (nullable): the answer parsed as JSON, or %NULL when it was not
 * @request_id: (nullable): the answer's `X-Request-Id`
 *
 * Turns an error answer of docs/api.md §3.1 into a #GError, also the
 * shapes real BSrE uses: a sentence in `error`, or Spring's `{"timestamp",
 * "status", "error", "path"}` for wrong client credentials.
 *
 * Returns: (transfer full): a new error in the %TEKEN_CA_ERROR domain
 */
GError *
teken_ca_error_new_from_response (guint       http_status,
                                  JsonNode   *body,
                                  const char *request_id)
{
  JsonObject *object = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  JsonNode *details_node = object != NULL ? json_object_get_member (object, "details") : NULL;
  JsonObject *details = details_node != NULL && JSON_NODE_HOLDS_OBJECT (details_node)
                        ? json_node_get_object (details_node) : NULL;
  const char *name = object != NULL ? get_string_member (object, "error") : NULL;
  const char *server_message = object != NULL ? get_string_member (object, "message") : NULL;
  const ErrorInfo *info = NULL;
  gint64 code = 0;
  g_autofree char *message = NULL;

  if (object != NULL && get_int_member (object, "status_code", &code))
    info = find_error (code);
  else if (name != NULL && teken_ca_error_code_from_name (name) != 0)
    info = find_error (code = teken_ca_error_code_from_name (name));
  else if (object != NULL && http_status == SOUP_STATUS_UNAUTHORIZED &&
           json_object_has_member (object, "timestamp") && json_object_has_member (object, "path"))
    info = find_error (code = TEKEN_CA_ERROR_CLIENT_UNAUTHORIZED);

  if (info != NULL)
    {
      message = fill_template (_(info->message), details);
      if (message == NULL)
        message = g_strdup (server_message != NULL ? server_message : _(info->message));
      return new_error (info->code, message, http_status, info->name, details, request_id);
    }

  /* A code from a newer server, or BSrE's sentence in `error`. */
  if (server_message != NULL || (name != NULL && strchr (name, ' ') != NULL))
    return new_error (TEKEN_CA_ERROR_FAILED, server_message != NULL ? server_message : name,
                      http_status, name, details, request_id);

  /* No JSON error at all: a proxy or a server that is not teken-ca. */
  if (http_status == SOUP_STATUS_BAD_GATEWAY || http_status == SOUP_STATUS_SERVICE_UNAVAILABLE ||
      http_status == SOUP_STATUS_GATEWAY_TIMEOUT)
    return new_error (TEKEN_CA_ERROR_SERVICE_UNAVAILABLE, _(find_error (8012)->message),
                      http_status, NULL, NULL, request_id);
  if (http_status >= 500)
    return new_error (TEKEN_CA_ERROR_INTERNAL_ERROR, _(find_error (8010)->message),
                      http_status, NULL, NULL, request_id);

  message = g_strdup_printf (_("The CA server refused the request (HTTP %u) without saying why. Check the server address; if it is right, report the problem."),
                             http_status);
  return new_error (TEKEN_CA_ERROR_BAD_RESPONSE, message, http_status, NULL, NULL, request_id);
}

/**
 * teken_ca_error_new_from_transport:
 * @error: what libsoup or GIO reported
 * @server_url: the server's base URL, named in the message
 *
 * Cancellation stays %G_IO_ERROR_CANCELLED, so callers can tell it apart.
 *
 * Returns: (transfer full): a new error
 */
GError *
teken_ca_error_new_from_transport (const GError *error,
                                   const char   *server_url)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == TEKEN_CA_ERROR)
    return g_error_copy (error);

  if (error->domain == G_TLS_ERROR)
    return g_error_new (TEKEN_CA_ERROR, TEKEN_CA_ERROR_TLS,
                        _("The connection to the CA server at %s is not secure: its certificate is not trusted here. Check the server address and the CA certificate Teken was given for it."),
                        server_url);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (TEKEN_CA_ERROR, TEKEN_CA_ERROR_TIMEOUT,
                        _("The CA server at %s took too long to answer. Try again; if it keeps happening, check your network connection."),
                        server_url);

  if (error->domain == G_RESOLVER_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    return g_error_new (TEKEN_CA_ERROR, TEKEN_CA_ERROR_NO_NETWORK,
                        _("The CA server at %s cannot be reached. Check your network connection and the server address."),
                        server_url);

  if (error->domain == SOUP_SESSION_ERROR)
    return g_error_new (TEKEN_CA_ERROR, TEKEN_CA_ERROR_BAD_RESPONSE,
                        _("The CA server at %s sent an answer Teken cannot read. Check the server address; if it is right, report the problem."),
                        server_url);

  return g_error_new (TEKEN_CA_ERROR, TEKEN_CA_ERROR_UNREACHABLE,
                      _("The CA server at %s does not answer. Check the server address and that the server is running, then try again."),
                      server_url);
}

static TekenCaErrorPrivate *
get_private (const GError *error)
{
  if (error == NULL || error->domain != TEKEN_CA_ERROR)
    return NULL;

  return teken_ca_error_get_private (error);
}

/**
 * teken_ca_error_get_name:
 * @error: a #GError
 *
 * Returns: (nullable): the server's `error` identifier, when the error came
 *   from the server
 */
const char *
teken_ca_error_get_name (const GError *error)
{
  TekenCaErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->name : NULL;
}

/**
 * teken_ca_error_get_details:
 * @error: a #GError
 *
 * Returns: (transfer none) (nullable): the server's `details`
 */
JsonObject *
teken_ca_error_get_details (const GError *error)
{
  TekenCaErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->details : NULL;
}

/**
 * teken_ca_error_get_request_id:
 * @error: a #GError
 *
 * Returns: (nullable): the `X-Request-Id` of the answer, to quote when
 *   reporting a problem
 */
const char *
teken_ca_error_get_request_id (const GError *error)
{
  TekenCaErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->request_id : NULL;
}

/**
 * teken_ca_error_get_http_status:
 * @error: a #GError
 *
 * Returns: the HTTP status of the answer, or 0 when there was none
 */
guint
teken_ca_error_get_http_status (const GError *error)
{
  TekenCaErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->http_status : 0;
}

/**
 * teken_ca_error_get_attempts_left:
 * @error: a #GError
 *
 * Returns: `details.attempts_left` (wrong passphrase, OTP or code), or -1
 */
int
teken_ca_error_get_attempts_left (const GError *error)
{
  JsonObject *details = teken_ca_error_get_details (error);
  gint64 value;

  if (details == NULL || !get_int_member (details, "attempts_left", &value))
    return -1;

  return (int) value;
}
