/* teken-ca-server-account.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Holders' sign-in with TOTP (docs/api.md §6.1, §6.2), sessions, the
 * account (§6.4) and revocation (§7.6). */

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

static void
respond_locked (Request *request,
                gint64   locked_until)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *until = teken_ca_format_time (locked_until);

  json_object_set_string_member (details, "locked_until", until);
  teken_ca_respond_error (request, 8202, details);
}

/* Answers 8202 when @account is locked out. */
static gboolean
refuse_if_locked (Request        *request,
                  TekenCaAccount *account)
{
  if (account->locked_until <= teken_ca_now_seconds ())
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
  gint64 locked_until = teken_ca_now_seconds () + self->settings.lock_duration;

  if (failures < 0)
    teken_ca_respond_error (request, 8010, NULL);
  else if (failures < TEKEN_CA_LOGIN_ATTEMPTS)
    teken_ca_respond_error (request, code, details);
  else if (!teken_ca_store_set_login_failures (self->store, account->id, 0, locked_until, &error))
    {
      g_warning ("%s", error->message);
      teken_ca_respond_error (request, 8010, NULL);
    }
  else
    {
      g_message ("account %s locked until %" G_GINT64_FORMAT, account->public_id, locked_until);
      teken_ca_send_notice (self, account->email, "account_locked");
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
  teken_ca_respond_error (request, 8010, NULL);
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
      teken_ca_respond_error (request, 8203, NULL);
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
      g_autofree char *text = teken_ca_format_time (unix_time);

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

void
teken_ca_handle_login (Request    *request,
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
  gint64 now = teken_ca_now_seconds ();

  if (!teken_ca_get_required_string (request, body, "username", 254, &username) ||
      !teken_ca_get_required_string (request, body, "password", MAX_SECRET_LENGTH, &password_text))
    return;
  password = teken_ca_take_secret (body, "password");

  account = find_account_by_username (self, username);
  if (account == NULL)
    {
      /* As slow as a known username, so that timing does not tell. */
      teken_ca_password_verify (password, self->dummy_hash);
      teken_ca_respond_error (request, 8201, NULL);
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
          teken_ca_respond_error (request, 8010, NULL);
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
      teken_ca_respond_error (request, 8010, NULL);
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
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
  if (secret != NULL)
    teken_wipe_string (secret);
  teken_wipe_string (token);
}

/* Starts a session and answers with its first token pair, or adds a pair
 * to @session_id when it is not 0 (a refresh). */
/* Starts a session (or continues @session_id) and adds its token pair to
 * the object @b is building. Answers 8010 and returns FALSE on failure. */
gboolean
teken_ca_add_token_pair (Request        *request,
                         JsonBuilder    *b,
                         TekenCaAccount *account,
                         const char     *scope,
                         gint64          session_id,
                         gint64          session_started)
{
  TekenCaServer *self = request->server;
  g_autoptr(GError) error = NULL;
  g_autofree char *access = teken_ca_token_new ();
  g_autofree char *refresh = teken_ca_token_new ();
  g_autofree char *access_hash = teken_ca_token_hash (access);
  g_autofree char *refresh_hash = teken_ca_token_hash (refresh);
  gint64 now = teken_ca_now_seconds ();
  gint64 refresh_expires;

  /* Verifier accounts sign in the same way and get their own scope (§6.1). */
  if (g_str_equal (scope, "account") && g_strcmp0 (account->role, "verifier") == 0)
    scope = "verifier";
  if (session_id == 0)
    {
      session_id = teken_ca_store_add_session (self->store, account->id, scope, now, &error);
      session_started = now;
    }
  /* A refresh token lasts 7 days, a session 30 at most (§14). */
  refresh_expires = MIN (now + TEKEN_CA_REFRESH_LIFETIME, session_started + TEKEN_CA_SESSION_LIFETIME);
  if (session_id == 0 ||
      !teken_ca_store_add_session_token (self->store, access_hash, session_id, "access",
                                         now + self->settings.access_token_lifetime, &error) ||
      !teken_ca_store_add_session_token (self->store, refresh_hash, session_id, "refresh",
                                         refresh_expires, &error))
    {
      g_warning ("%s", error->message);
      teken_ca_respond_error (request, 8010, NULL);
      return FALSE;
    }

  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, access);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, self->settings.access_token_lifetime);
  json_builder_set_member_name (b, "refresh_token");
  json_builder_add_string_value (b, refresh);
  json_builder_set_member_name (b, "refresh_expires_in");
  json_builder_add_int_value (b, refresh_expires - now);
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, scope);
  teken_wipe_string (access);
  teken_wipe_string (refresh);
  return TRUE;
}

static void
respond_token_pair (Request        *request,
                    TekenCaAccount *account,
                    const char     *scope,
                    gint64          session_id,
                    gint64          session_started)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  if (!teken_ca_add_token_pair (request, b, account, scope, session_id, session_started))
    return;
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
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

void
teken_ca_handle_login_totp (Request    *request,
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
  gint64 now = teken_ca_now_seconds ();
  gboolean ok = FALSE;
  int codes_left;

  if (!teken_ca_get_required_string (request, body, "login_token", 64, &token) ||
      !teken_ca_get_required_string (request, body, "code", 16, &code) ||
      !teken_ca_get_optional_string (request, body, "device_name", "device_name", &device_name) ||
      !teken_ca_get_optional_string (request, body, "device_id", "device_id", &device_id))
    return;

  token_hash = teken_ca_token_hash (token);
  login = teken_ca_store_find_login_token (self->store, token_hash);
  if (login == NULL || login->expires_at < now || login->codes_left <= 0)
    {
      teken_ca_respond_error (request, 8204, NULL);
      return;
    }
  account = teken_ca_store_get_account (self->store, login->account_id);
  if (account == NULL)
    {
      teken_ca_respond_error (request, 8204, NULL);
      return;
    }
  if (refuse_if_locked (request, account))
    return;

  if (login->sealed_setup_secret != NULL && device_name == NULL)
    {
      teken_ca_respond_field_error (request, 4014, "device_name", NULL);
      return;
    }
  if (login->sealed_setup_secret != NULL && !is_valid_device_name (device_name))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "reason", "invalid");
      teken_ca_respond_error (request, 8206, details);
      return;
    }

  /* One of the token's codes is used up before the code is looked at. */
  codes_left = teken_ca_store_take_login_token_code (self->store, token_hash, now);
  if (codes_left < 0)
    {
      teken_ca_respond_error (request, 8204, NULL);
      return;
    }

  if (login->sealed_setup_secret != NULL)
    {
      g_autofree char *secret = teken_ca_unseal (self->server_key, login->sealed_setup_secret);
      gint64 step = 0;

      if (secret == NULL)
        {
          teken_ca_respond_error (request, 8204, NULL);
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
              teken_ca_respond_error (request, 8010, NULL);
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
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }
  if (!reset_login_failures (request, account))
    return;
  if (login->sealed_setup_secret != NULL)
    teken_ca_send_notice (self, account->email, "device_added");
  respond_token_pair (request, account, "account", 0, 0);
}

/* Refresh tokens rotate; one presented twice means it was stolen, so the
 * whole session ends (§6.2). */
void
teken_ca_handle_refresh (Request    *request,
                         JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token;
  g_autofree char *token_hash = NULL;
  g_autoptr(TekenCaSessionToken) refresh = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  if (!teken_ca_get_required_string (request, body, "refresh_token", 64, &token))
    return;
  token_hash = teken_ca_token_hash (token);
  refresh = teken_ca_store_find_session_token (self->store, token_hash, "refresh");
  if (refresh == NULL || refresh->ended || refresh->expires_at < teken_ca_now_seconds ())
    {
      teken_ca_respond_error (request, 8011, NULL);
      return;
    }
  if (refresh->used || !teken_ca_store_use_session_token (self->store, token_hash))
    {
      g_message ("a used refresh token came back: session %" G_GINT64_FORMAT " ended", refresh->session_id);
      if (!teken_ca_store_end_session (self->store, refresh->session_id, &error))
        g_warning ("%s", error->message);
      teken_ca_respond_error (request, 8011, NULL);
      return;
    }
  account = teken_ca_store_get_account (self->store, refresh->account_id);
  if (account == NULL)
    {
      teken_ca_respond_error (request, 8011, NULL);
      return;
    }
  respond_token_pair (request, account, refresh->scope, refresh->session_id, refresh->started_at);
}

void
teken_ca_handle_logout (Request    *request,
                        JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token = teken_ca_bearer_token (request);
  g_autofree char *token_hash = NULL;
  g_autoptr(TekenCaSessionToken) access = NULL;
  g_autoptr(GError) error = NULL;

  if (token == NULL)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "reason", "missing");
      teken_ca_respond_error (request, 8002, details);
      return;
    }
  request->auth = "holder";
  token_hash = teken_ca_token_hash (token);
  access = teken_ca_store_find_session_token (self->store, token_hash, "access");
  if (access != NULL && !access->ended &&
      !teken_ca_store_end_session (self->store, access->session_id, &error))
    {
      g_warning ("%s", error->message);
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }
  soup_server_message_set_status (request->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* docs/api.md §6.4. */
void
teken_ca_handle_account (Request    *request,
                         JsonObject *body)
{
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (request->server->store, request->account_id);

  if (account == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  teken_ca_respond_account (request, SOUP_STATUS_OK, account, NULL);
}

/* docs/api.md §7.6: the holder revokes the current certificate, for good.
 * The CRL is made again at the next request and OCSP reads the database,
 * so both tell at once. */
void
teken_ca_handle_revoke (Request    *request,
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

  if (!teken_ca_get_required_string (request, body, "reason", 64, &reason_text) ||
      !teken_ca_get_required_string (request, body, "confirmation", 64, &confirmation) ||
      !teken_ca_get_required_string (request, body, "password", MAX_SECRET_LENGTH, &password_text))
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
      teken_ca_respond_error (request, 8305, details);
      return;
    }
  trimmed = g_strstrip (g_strdup (confirmation));
  if (g_ascii_strcasecmp (trimmed, "CABUT") != 0)
    {
      teken_ca_respond_error (request, 8304, NULL);
      return;
    }
  password = teken_ca_take_secret (body, "password");

  account = teken_ca_store_get_account (self->store, request->account_id);
  if (account == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  if (!check_password (request, account, password, 8209))
    return;

  status = teken_ca_derive_status (self, account, &cert);
  if (cert == NULL || (!g_str_equal (status, "ISSUE") && !g_str_equal (status, "SUSPEND")))
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonArray) allowed = json_array_new ();

      json_array_add_string_element (allowed, "ISSUE");
      json_array_add_string_element (allowed, "SUSPEND");
      json_object_set_string_member (details, "status", status);
      json_object_set_array_member (details, "allowed", g_steal_pointer (&allowed));
      teken_ca_respond_error (request, 8303, details);
      return;
    }

  if (!teken_ca_store_begin (self->store, &error))
    {
      g_warning ("%s", error->message);
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }
  if (!teken_ca_store_revoke_certificate (self->store, cert->id, teken_ca_now_seconds (), reason, &error) ||
      !teken_ca_store_set_otp_key (self->store, cert->id, NULL, &error) ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      g_warning ("%s", error->message);
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }
  teken_ca_authority_invalidate_crl (self->authority);
  g_message ("certificate %s revoked by its holder (%s)", cert->serial, reason_text);
  teken_ca_send_notice (self, account->email, "certificate_revoked");

  revoked = teken_ca_store_get_certificate (self->store, cert->id);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "REVOKE");
  json_builder_set_member_name (b, "certificate");
  if (revoked == NULL || !teken_ca_add_certificate_object (b, self, account, revoked, FALSE))
    {
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* For the other parts of the server (teken-ca-server-private.h). */
gboolean
teken_ca_check_password (Request        *request,
                         TekenCaAccount *account,
                         TekenSecret    *password,
                         int             code)
{
  return check_password (request, account, password, code);
}

void
teken_ca_count_login_failure (Request        *request,
                              TekenCaAccount *account,
                              int             code,
                              JsonObject     *details)
{
  count_login_failure (request, account, code, details);
}

gboolean
teken_ca_reset_login_failures (Request        *request,
                               TekenCaAccount *account)
{
  return reset_login_failures (request, account);
}

void
teken_ca_add_totp_setup (JsonBuilder *b,
                         const char  *secret,
                         const char  *account_name)
{
  add_totp_setup (b, secret, account_name);
}

gboolean
teken_ca_is_valid_device_name (const char *name)
{
  return is_valid_device_name (name);
}
