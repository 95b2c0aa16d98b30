/* teken-ca-types.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The small results callers need with structure: a session, a status, a
 * certificate, an account, a sign-in step. Each is read from the JSON of
 * docs/api.md strictly enough that a wrong answer is an error, not a crash
 * or a silently empty field: required members must be there with their
 * type; members the contract marks nullable may be null.
 *
 * Secrets in an answer (tokens, a TOTP secret) are copied into TekenSecret
 * and wiped in the parsed JSON, so they do not linger in freed memory.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "teken-ca-error.h"
#include "teken-ca-types.h"

struct _TekenCaSession
{
  gatomicrefcount ref_count;
  char *account;
  char *scope;
  TekenSecret *access_token;
  TekenSecret *refresh_token;
  gint64 access_expires_at;
  gint64 refresh_expires_at;
};

G_DEFINE_BOXED_TYPE (TekenCaSession, teken_ca_session, teken_ca_session_ref, teken_ca_session_unref)

/* The statuses of docs/api.md §4.1 and §4.3, as the holder is told them;
 * the same strings as teken-ca's. */
static const struct
{
  const char *status;
  const char *description;
} statuses[] = {
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

static const struct
{
  const char *status;
  const char *description;
} verification_statuses[] = {
  { "VERIFIED", N_("Your account data is verified.") },
  { "UPDATE", N_("A data change is waiting for confirmation; signing is off until it is confirmed.") },
};

static gboolean
shape_error (GError     **error,
             const char  *member)
{
  g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_BAD_RESPONSE,
               _("The CA server sent an answer Teken cannot read (“%s” is missing or wrong). Check the server address; if it is right, report the problem."),
               member);
  return FALSE;
}

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

/* A string member; NULL members are allowed when @nullable. */
static gboolean
read_string (JsonObject  *object,
             const char  *name,
             gboolean     nullable,
             char       **out,
             GError     **error)
{
  JsonNode *node = get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      *out = g_strdup (json_node_get_string (node));
      return TRUE;
    }
  if (nullable && (node == NULL || JSON_NODE_HOLDS_NULL (node)))
    {
      *out = NULL;
      return TRUE;
    }

  return shape_error (error, name);
}

static gboolean
read_int (JsonObject  *object,
          const char  *name,
          gboolean     optional,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (optional && (node == NULL || JSON_NODE_HOLDS_NULL (node)))
    return TRUE;

  return shape_error (error, name);
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *name,
              gboolean     optional,
              gboolean    *out,
              GError     **error)
{
  JsonNode *node = get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      *out = json_node_get_boolean (node);
      return TRUE;
    }
  if (optional && (node == NULL || JSON_NODE_HOLDS_NULL (node)))
    return TRUE;

  return shape_error (error, name);
}

static gboolean
read_time (JsonObject  *object,
           const char  *name,
           gboolean     nullable,
           GDateTime  **out,
           GError     **error)
{
  g_autofree char *text = NULL;

  if (!read_string (object, name, nullable, &text, error))
    return FALSE;
  if (text == NULL)
    {
      *out = NULL;
      return TRUE;
    }

  /* §2.4: any offset, Z, and fractional seconds. */
  *out = g_date_time_new_from_iso8601 (text, NULL);
  if (*out == NULL)
    return shape_error (error, name);

  return TRUE;
}

/* Copies a secret string member out of @object and wipes it there. */
static gboolean
take_secret (JsonObject   *object,
             const char   *name,
             TekenSecret **out,
             GError      **error)
{
  JsonNode *node = get_member (object, name);
  char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return shape_error (error, name);

  /* The node owns this copy; it is freed with the parser, after the wipe. */
  text = (char *) json_node_get_string (node);
  *out = teken_secret_new (text, -1);
  teken_wipe_string (text);

  return TRUE;
}

/**
 * teken_ca_session_new:
 * @account: the username the session was opened with
 * @scope: `account`, `enrollment` or `verifier`
 *
 * Returns: (transfer full): a new session holding references to the tokens
 */
TekenCaSession *
teken_ca_session_new (const char  *account,
                      const char  *scope,
                      TekenSecret *access_token,
                      gint64       access_expires_at,
                      TekenSecret *refresh_token,
                      gint64       refresh_expires_at)
{
  TekenCaSession *self;

  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (access_token != NULL, NULL);
  g_return_val_if_fail (refresh_token != NULL, NULL);

  self = g_new0 (TekenCaSession, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->account = g_strdup (account);
  self->scope = g_strdup (scope != NULL ? scope : "account");
  self->access_token = teken_secret_ref (access_token);
  self->refresh_token = teken_secret_ref (refresh_token);
  self->access_expires_at = access_expires_at;
  self->refresh_expires_at = refresh_expires_at;

  return self;
}

/**
 * teken_ca_session_new_from_json:
 * @account: the username the session was opened with
 * @token_pair: a token pair of docs/api.md §6.1; its tokens are wiped
 * @now: the current time, Unix seconds
 *
 * Returns: (transfer full) (nullable): the session, or %NULL with @error set
 */
TekenCaSession *
teken_ca_session_new_from_json (const char  *account,
                                JsonObject  *token_pair,
                                gint64       now,
                                GError     **error)
{
  g_autoptr(TekenSecret) access = NULL;
  g_autoptr(TekenSecret) refresh = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *token_type = NULL;
  gint64 expires_in = 0;
  gint64 refresh_expires_in = 0;

  g_return_val_if_fail (account != NULL, NULL);
  g_return_val_if_fail (token_pair != NULL, NULL);

  if (!read_string (token_pair, "token_type", FALSE, &token_type, error) ||
      !read_int (token_pair, "expires_in", FALSE, &expires_in, error) ||
      !read_int (token_pair, "refresh_expires_in", FALSE, &refresh_expires_in, error) ||
      !read_string (token_pair, "scope", TRUE, &scope, error) ||
      !take_secret (token_pair, "access_token", &access, error) ||
      !take_secret (token_pair, "refresh_token", &refresh, error))
    return NULL;

  if (g_ascii_strcasecmp (token_type, "Bearer") != 0 || teken_secret_is_empty (access) ||
      teken_secret_is_empty (refresh))
    {
      shape_error (error, "access_token");
      return NULL;
    }

  return teken_ca_session_new (account, scope, access, now + expires_in, refresh, now + refresh_expires_in);
}

TekenCaSession *
teken_ca_session_ref (TekenCaSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
teken_ca_session_unref (TekenCaSession *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->account);
  g_free (self->scope);
  teken_secret_unref (self->access_token);
  teken_secret_unref (self->refresh_token);
  g_free (self);
}

const char *
teken_ca_session_get_account (const TekenCaSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->account;
}

const char *
teken_ca_session_get_scope (const TekenCaSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->scope;
}

/**
 * teken_ca_session_get_access_token:
 * @self: a #TekenCaSession
 *
 * Returns: (transfer none): the access token
 */
TekenSecret *
teken_ca_session_get_access_token (const TekenCaSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->access_token;
}

/**
 * teken_ca_session_get_refresh_token:
 * @self: a #TekenCaSession
 *
 * Returns: (transfer none): the refresh token
 */
TekenSecret *
teken_ca_session_get_refresh_token (const TekenCaSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->refresh_token;
}

gint64
teken_ca_session_get_access_expires_at (const TekenCaSession *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->access_expires_at;
}

gint64
teken_ca_session_get_refresh_expires_at (const TekenCaSession *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->refresh_expires_at;
}

/**
 * teken_ca_status_new_from_json:
 * @object: the answer of `check/status`
 *
 * Returns: (transfer full) (nullable): the status, or %NULL with @error set
 */
TekenCaStatus *
teken_ca_status_new_from_json (JsonObject  *object,
                               GError     **error)
{
  g_autoptr(TekenCaStatus) self = g_new0 (TekenCaStatus, 1);
  gint64 code = 0;

  g_return_val_if_fail (object != NULL, NULL);

  if (!read_string (object, "status", FALSE, &self->status, error) ||
      !read_int (object, "status_code", TRUE, &code, error) ||
      !read_string (object, "message", TRUE, &self->message, error) ||
      !read_string (object, "verification_status", TRUE, &self->verification_status, error))
    return NULL;

  self->status_code = (int) code;
  return g_steal_pointer (&self);
}

void
teken_ca_status_free (TekenCaStatus *self)
{
  if (self == NULL)
    return;

  g_free (self->status);
  g_free (self->message);
  g_free (self->verification_status);
  g_free (self);
}

/**
 * teken_ca_status_is_active:
 * @self: a #TekenCaStatus
 *
 * Returns: whether the certificate is `ISSUE`, the only status that signs
 */
gboolean
teken_ca_status_is_active (const TekenCaStatus *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_strcmp0 (self->status, "ISSUE") == 0;
}

/**
 * teken_ca_status_describe:
 * @status: a status of docs/api.md §4.1
 *
 * Returns: (nullable): what the status means for the holder, translated,
 *   or %NULL for a status this client does not know
 */
const char *
teken_ca_status_describe (const char *status)
{
  for (gsize i = 0; status != NULL && i < G_N_ELEMENTS (statuses); i++)
    {
      if (g_str_equal (statuses[i].status, status))
        return _(statuses[i].description);
    }

  return NULL;
}

/**
 * teken_ca_verification_status_describe:
 * @verification_status: `VERIFIED` or `UPDATE`
 *
 * Returns: (nullable): what it means, translated
 */
const char *
teken_ca_verification_status_describe (const char *verification_status)
{
  for (gsize i = 0; verification_status != NULL && i < G_N_ELEMENTS (verification_statuses); i++)
    {
      if (g_str_equal (verification_statuses[i].status, verification_status))
        return _(verification_statuses[i].description);
    }

  return NULL;
}

/**
 * teken_ca_certificate_info_new_from_json:
 * @object: a Certificate object of docs/api.md §7.3
 *
 * Returns: (transfer full) (nullable): the certificate, or %NULL with
 *   @error set
 */
TekenCaCertificateInfo *
teken_ca_certificate_info_new_from_json (JsonObject  *object,
                                    GError     **error)
{
  g_autoptr(TekenCaCertificateInfo) self = g_new0 (TekenCaCertificateInfo, 1);
  gint64 attempts = 0;

  g_return_val_if_fail (object != NULL, NULL);

  if (!read_string (object, "id", FALSE, &self->id, error) ||
      !read_boolean (object, "current", FALSE, &self->current, error) ||
      !read_string (object, "status", FALSE, &self->status, error) ||
      !read_string (object, "serial", FALSE, &self->serial, error) ||
      !read_string (object, "subject", FALSE, &self->subject, error) ||
      !read_string (object, "common_name", FALSE, &self->common_name, error) ||
      !read_string (object, "email", TRUE, &self->email, error) ||
      !read_string (object, "organization", TRUE, &self->organization, error) ||
      !read_string (object, "issuer", FALSE, &self->issuer, error) ||
      !read_time (object, "not_before", FALSE, &self->not_before, error) ||
      !read_time (object, "not_after", FALSE, &self->not_after, error) ||
      !read_int (object, "days_left", FALSE, &self->days_left, error) ||
      !read_time (object, "revoked_at", TRUE, &self->revoked_at, error) ||
      !read_string (object, "revocation_reason", TRUE, &self->revocation_reason, error) ||
      !read_string (object, "fingerprint_sha256", FALSE, &self->fingerprint_sha256, error))
    return NULL;

  /* The detail members come together (GET {T}/certificates/{id}). */
  self->has_details = json_object_has_member (object, "pem");
  if (self->has_details &&
      (!read_string (object, "pem", FALSE, &self->pem, error) ||
       !read_boolean (object, "key_locked", FALSE, &self->key_locked, error) ||
       !read_int (object, "passphrase_attempts_left", FALSE, &attempts, error) ||
       !read_boolean (object, "signing_otp_enabled", FALSE, &self->signing_otp_enabled, error)))
    return NULL;

  self->passphrase_attempts_left = (int) attempts;
  self->json = json_object_ref (object);
  return g_steal_pointer (&self);
}

void
teken_ca_certificate_info_free (TekenCaCertificateInfo *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->status);
  g_free (self->serial);
  g_free (self->subject);
  g_free (self->common_name);
  g_free (self->email);
  g_free (self->organization);
  g_free (self->issuer);
  g_clear_pointer (&self->not_before, g_date_time_unref);
  g_clear_pointer (&self->not_after, g_date_time_unref);
  g_clear_pointer (&self->revoked_at, g_date_time_unref);
  g_free (self->revocation_reason);
  g_free (self->fingerprint_sha256);
  g_free (self->pem);
  g_clear_pointer (&self->json, json_object_unref);
  g_free (self);
}

/**
 * teken_ca_account_info_new_from_json:
 * @object: the Account object of docs/api.md §6.4
 *
 * Returns: (transfer full) (nullable): the account, or %NULL with @error set
 */
TekenCaAccountInfo *
teken_ca_account_info_new_from_json (JsonObject  *object,
                                GError     **error)
{
  g_autoptr(TekenCaAccountInfo) self = g_new0 (TekenCaAccountInfo, 1);

  g_return_val_if_fail (object != NULL, NULL);

  if (!read_string (object, "id", FALSE, &self->id, error) ||
      !read_string (object, "role", FALSE, &self->role, error) ||
      !read_string (object, "nik", TRUE, &self->nik, error) ||
      !read_string (object, "username", FALSE, &self->username, error) ||
      !read_string (object, "email", FALSE, &self->email, error) ||
      !read_string (object, "name", TRUE, &self->name, error) ||
      !read_string (object, "title_prefix", TRUE, &self->title_prefix, error) ||
      !read_string (object, "title_suffix", TRUE, &self->title_suffix, error) ||
      !read_string (object, "phone", TRUE, &self->phone, error) ||
      !read_string (object, "agency", TRUE, &self->agency, error) ||
      !read_string (object, "status", TRUE, &self->status, error) ||
      !read_string (object, "verification_status", TRUE, &self->verification_status, error) ||
      !read_string (object, "enrollment_step", TRUE, &self->enrollment_step, error) ||
      !read_boolean (object, "can_sign", FALSE, &self->can_sign, error) ||
      !read_string (object, "cannot_sign_reason", TRUE, &self->cannot_sign_reason, error) ||
      !read_string (object, "current_certificate_id", TRUE, &self->current_certificate_id, error))
    return NULL;

  self->json = json_object_ref (object);
  return g_steal_pointer (&self);
}

void
teken_ca_account_info_free (TekenCaAccountInfo *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->role);
  g_free (self->nik);
  g_free (self->username);
  g_free (self->email);
  g_free (self->name);
  g_free (self->title_prefix);
  g_free (self->title_suffix);
  g_free (self->phone);
  g_free (self->agency);
  g_free (self->status);
  g_free (self->verification_status);
  g_free (self->enrollment_step);
  g_free (self->cannot_sign_reason);
  g_free (self->current_certificate_id);
  g_clear_pointer (&self->json, json_object_unref);
  g_free (self);
}

/**
 * teken_ca_device_info_new_from_json:
 * @object: a Device object of docs/api.md §6.5
 *
 * Returns: (transfer full) (nullable): the device, or %NULL with @error set
 */
TekenCaDeviceInfo *
teken_ca_device_info_new_from_json (JsonObject  *object,
                               GError     **error)
{
  g_autoptr(TekenCaDeviceInfo) self = g_new0 (TekenCaDeviceInfo, 1);

  g_return_val_if_fail (object != NULL, NULL);

  if (!read_string (object, "id", FALSE, &self->id, error) ||
      !read_string (object, "name", FALSE, &self->name, error) ||
      !read_time (object, "created_at", TRUE, &self->created_at, error) ||
      !read_time (object, "last_used_at", TRUE, &self->last_used_at, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
teken_ca_device_info_free (TekenCaDeviceInfo *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->name);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->last_used_at, g_date_time_unref);
  g_free (self);
}

/**
 * teken_ca_login_step_new_from_json:
 * @username: the username given at the first step
 * @object: the answer of `auth/login`; its secrets are wiped
 * @now: the current time, Unix seconds
 *
 * Returns: (transfer full) (nullable): the step, or %NULL with @error set
 */
TekenCaLoginStep *
teken_ca_login_step_new_from_json (const char  *username,
                                   JsonObject  *object,
                                   gint64       now,
                                   GError     **error)
{
  g_autoptr(TekenCaLoginStep) self = g_new0 (TekenCaLoginStep, 1);
  g_autofree char *next = NULL;
  gint64 expires_in = 0;

  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (object != NULL, NULL);

  self->username = g_strdup (username);
  self->devices = g_ptr_array_new_with_free_func ((GDestroyNotify) teken_ca_device_info_free);

  if (!read_string (object, "next", FALSE, &next, error) ||
      !read_int (object, "expires_in", FALSE, &expires_in, error) ||
      !take_secret (object, "login_token", &self->login_token, error))
    return NULL;
  self->expires_at = now + expires_in;

  if (g_str_equal (next, "totp"))
    {
      JsonNode *devices = get_member (object, "devices");

      self->next = TEKEN_CA_LOGIN_NEXT_TOTP;
      if (devices == NULL || !JSON_NODE_HOLDS_ARRAY (devices))
        {
          shape_error (error, "devices");
          return NULL;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (devices)); i++)
        {
          JsonNode *element = json_array_get_element (json_node_get_array (devices), i);
          TekenCaDeviceInfo *device;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              shape_error (error, "devices");
              return NULL;
            }
          if (!(device = teken_ca_device_info_new_from_json (json_node_get_object (element), error)))
            return NULL;
          g_ptr_array_add (self->devices, device);
        }
    }
  else if (g_str_equal (next, "totp_setup"))
    {
      JsonNode *setup_node = get_member (object, "totp_setup");
      JsonObject *setup;
      gint64 digits = 0;
      gint64 period = 0;

      self->next = TEKEN_CA_LOGIN_NEXT_TOTP_SETUP;
      if (setup_node == NULL || !JSON_NODE_HOLDS_OBJECT (setup_node))
        {
          shape_error (error, "totp_setup");
          return NULL;
        }
      setup = json_node_get_object (setup_node);
      if (!take_secret (setup, "otpauth_uri", &self->otpauth_uri, error) ||
          !take_secret (setup, "secret", &self->totp_secret, error) ||
          !read_string (setup, "issuer", FALSE, &self->issuer, error) ||
          !read_string (setup, "account", FALSE, &self->account, error) ||
          !read_string (setup, "algorithm", FALSE, &self->algorithm, error) ||
          !read_int (setup, "digits", FALSE, &digits, error) ||
          !read_int (setup, "period", FALSE, &period, error))
        return NULL;
      self->digits = (int) digits;
      self->period = (int) period;
    }
  else
    {
      shape_error (error, "next");
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
teken_ca_login_step_free (TekenCaLoginStep *self)
{
  if (self == NULL)
    return;

  g_free (self->username);
  g_clear_pointer (&self->login_token, teken_secret_unref);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->otpauth_uri, teken_secret_unref);
  g_clear_pointer (&self->totp_secret, teken_secret_unref);
  g_free (self->issuer);
  g_free (self->account);
  g_free (self->algorithm);
  g_free (self);
}
