/* teken-ca-server-devices.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The forgotten password (docs/api.md §6.3) and the OTP devices of an
 * account (§6.5), for holders and verifiers alike. A wrong password or code
 * here counts toward the sign-in lock-out like one at sign-in (§2.9). */

#include "config.h"

#include <string.h>

#include "teken-ca-auth.h"
#include "teken-ca-server-private.h"
#include "teken-totp.h"

#define SETUP_LIFETIME 600

static void
respond_internal (Request *request,
                  GError  *error)
{
  g_warning ("%s", error != NULL ? error->message : "internal error");
  teken_ca_respond_error (request, 8010, NULL);
}

static TekenCaAccount *
find_by_username (TekenCaServer *self,
                  const char    *username)
{
  if (strchr (username, '@') != NULL)
    return teken_ca_store_find_account_by_email (self->store, username);
  return teken_ca_store_find_account_by_nik (self->store, username);
}

/* POST {T}/auth/password/forgot (22): always 202, so that nobody learns
 * which usernames exist; the mail goes only to an activated account, within
 * the rate limit. */
void
teken_ca_handle_password_forgot (Request    *request,
                                 JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *username;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(JsonObject) empty = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = teken_ca_now_seconds ();
  gint64 oldest = 0;
  gint64 newest = 0;
  int count;

  if (!teken_ca_get_required_string (request, body, "username", 254, &username))
    return;

  account = find_by_username (self, username);
  if (account != NULL && account->password_hash != NULL)
    {
      count = teken_ca_store_count_links_since (self->store, account->id, "reset_password", now - 86400,
                                                &oldest, &newest);
      if ((newest > 0 && now - newest < self->settings.resend_interval) || count >= 10)
        g_message ("reset_password for %s not sent: rate limit", account->public_id);
      else if (!teken_ca_store_begin (self->store, &error))
        g_warning ("%s", error->message);
      else if (!teken_ca_mail_link (self, account, account->email, "reset_password", NULL, NULL, &error) ||
               !teken_ca_store_commit (self->store, &error))
        {
          teken_ca_store_rollback (self->store);
          g_warning ("reset_password link: %s", error->message);
        }
    }

  root = json_node_init_object (json_node_alloc (), empty);
  teken_ca_set_json_response (request, SOUP_STATUS_ACCEPTED, root);
}

/* POST {T}/auth/password/reset (23): a new password; every OTP device and
 * session goes, the lock-out is lifted. The next sign-in sets TOTP up
 * again. A policy mistake does not use the link up. */
void
teken_ca_handle_password_reset (Request    *request,
                                JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token;
  g_autoptr(TekenCaLink) link = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenSecret) password = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  if (!teken_ca_get_required_string (request, body, "token", 64, &token) ||
      (link = teken_ca_check_link (request, token, "reset_password")) == NULL ||
      !teken_ca_check_new_secret (request, body, "password", "password_confirmation", 8124, "password"))
    return;
  account = teken_ca_store_get_account (self->store, link->account_id);
  if (account == NULL)
    {
      teken_ca_respond_error (request, 8104, NULL);
      return;
    }
  password = teken_ca_take_secret (body, "password");
  teken_wipe_string ((char *) json_object_get_string_member (body, "password_confirmation"));
  if ((hash = teken_ca_password_hash (password, &error)) == NULL ||
      !teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  if (!teken_ca_use_link (request, token, link))
    {
      teken_ca_store_rollback (self->store);
      return;
    }
  if (!teken_ca_store_set_password_hash (self->store, account->id, hash, &error) ||
      !teken_ca_store_delete_devices (self->store, account->id, &error) ||
      !teken_ca_store_end_account_sessions (self->store, account->id, &error) ||
      !teken_ca_store_set_login_failures (self->store, account->id, 0, 0, &error) ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }
  teken_wipe_string (hash);

  g_message ("password of account %s reset; its OTP devices and sessions are gone", account->public_id);
  teken_ca_send_notice (self, account->email, "password_changed");
  teken_ca_respond_no_content (request);
}

static void
add_device_object (JsonBuilder   *b,
                   TekenCaDevice *device)
{
  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "id", device->public_id);
  teken_ca_add_string_or_null (b, "name", device->name);
  teken_ca_add_time_or_null (b, "created_at", device->created_at);
  teken_ca_add_time_or_null (b, "last_used_at", device->last_used_at);
  json_builder_end_object (b);
}

static void
respond_device (Request       *request,
                guint          http_status,
                TekenCaDevice *device)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  add_device_object (b, device);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, http_status, root);
}

/* GET {T}/account/devices (25), oldest first. */
void
teken_ca_handle_devices (Request    *request,
                         JsonObject *body)
{
  g_autoptr(GPtrArray) devices = teken_ca_store_list_devices (request->server->store, request->account_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "devices");
  json_builder_begin_array (b);
  for (guint i = 0; i < devices->len; i++)
    add_device_object (b, g_ptr_array_index (devices, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* POST {T}/account/devices (26): the password again, then a new secret
 * kept (sealed) for ten minutes until a code confirms it. */
void
teken_ca_handle_device_add (Request    *request,
                            JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *password_text;
  g_autoptr(TekenSecret) password = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *setup_id = NULL;
  gint64 now = teken_ca_now_seconds ();

  if (!teken_ca_get_required_string (request, body, "password", MAX_SECRET_LENGTH, &password_text))
    return;
  password = teken_ca_take_secret (body, "password");
  account = teken_ca_store_get_account (self->store, request->account_id);
  if (account == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  if (!teken_ca_check_password (request, account, password, 8209))
    return;

  secret = teken_totp_generate_secret ();
  setup_id = teken_ca_random_id ("stp_");
  if ((sealed = teken_ca_seal (self->server_key, secret, &error)) == NULL ||
      !teken_ca_store_add_device_setup (self->store, setup_id, account->id, sealed, now, now + SETUP_LIFETIME,
                                        &error))
    {
      teken_wipe_string (secret);
      respond_internal (request, error);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "setup_id", setup_id);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, SETUP_LIFETIME);
  teken_ca_add_totp_setup (b, secret, account->email);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_CREATED, root);
  teken_wipe_string (secret);
}

/* Answers 8206 unless @name is valid and no other device of the account
 * (but @except) has it, compared case-insensitively. */
static gboolean
check_device_name (Request    *request,
                   GPtrArray  *devices,
                   const char *name,
                   gint64      except)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *folded = NULL;

  if (!teken_ca_is_valid_device_name (name))
    {
      json_object_set_string_member (details, "reason", "invalid");
      teken_ca_respond_error (request, 8206, details);
      return FALSE;
    }
  folded = g_utf8_casefold (name, -1);
  for (guint i = 0; i < devices->len; i++)
    {
      TekenCaDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *other = g_utf8_casefold (device->name, -1);

      if (device->id != except && g_str_equal (folded, other))
        {
          json_object_set_string_member (details, "reason", "taken");
          teken_ca_respond_error (request, 8206, details);
          return FALSE;
        }
    }
  return TRUE;
}

/* POST {T}/account/devices/confirm (27). */
void
teken_ca_handle_device_confirm (Request    *request,
                                JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *setup_id;
  const char *code;
  const char *name;
  g_autoptr(TekenCaDeviceSetup) setup = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *device_id = NULL;
  gint64 now = teken_ca_now_seconds ();
  gint64 step = 0;
  gboolean ok;

  if (!teken_ca_get_required_string (request, body, "setup_id", 64, &setup_id) ||
      !teken_ca_get_required_string (request, body, "code", 16, &code) ||
      !teken_ca_get_required_string (request, body, "name", 256, &name))
    return;
  setup = teken_ca_store_find_device_setup (self->store, setup_id);
  if (setup == NULL || setup->account_id != request->account_id || setup->expires_at < now)
    {
      teken_ca_respond_error (request, 8208, NULL);
      return;
    }
  account = teken_ca_store_get_account (self->store, request->account_id);
  devices = teken_ca_store_list_devices (self->store, request->account_id);
  if (account == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  if (account->locked_until > now)
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autofree char *until = teken_ca_format_time (account->locked_until);

      json_object_set_string_member (details, "locked_until", until);
      teken_ca_respond_error (request, 8202, details);
      return;
    }
  if (!check_device_name (request, devices, name, 0))
    return;

  secret = teken_ca_unseal (self->server_key, setup->sealed_secret);
  if (secret == NULL)
    {
      teken_ca_respond_error (request, 8208, NULL);
      return;
    }
  ok = teken_totp_verify (secret, code, now, 1, &step);
  teken_wipe_string (secret);
  if (!ok)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "attempts_left",
                                  MAX (0, TEKEN_CA_LOGIN_ATTEMPTS - account->login_failures - 1));
      teken_ca_count_login_failure (request, account, 8205, details);
      return;
    }

  device_id = teken_ca_random_id ("dev_");
  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  if (!teken_ca_store_delete_device_setup (self->store, setup_id, &error))
    {
      /* Confirmed by a parallel request. */
      teken_ca_store_rollback (self->store);
      teken_ca_respond_error (request, 8208, NULL);
      return;
    }
  if (teken_ca_store_add_device (self->store, account->id, device_id, name, setup->sealed_secret, step, now,
                                 &error) == 0 ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }
  if (!teken_ca_reset_login_failures (request, account))
    return;

  g_clear_pointer (&devices, g_ptr_array_unref);
  devices = teken_ca_store_list_devices (self->store, account->id);
  teken_ca_send_notice (self, account->email, "device_added");
  for (guint i = 0; i < devices->len; i++)
    {
      TekenCaDevice *device = g_ptr_array_index (devices, i);

      if (g_str_equal (device->public_id, device_id))
        {
          respond_device (request, SOUP_STATUS_CREATED, device);
          return;
        }
    }
  teken_ca_respond_error (request, 8010, NULL);
}

/* The device named by the path's last segment, among the account's. */
static TekenCaDevice *
find_device (Request   *request,
             GPtrArray *devices)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));
  const char *id = path + strlen (API_PREFIX "/account/devices/");

  for (guint i = 0; i < devices->len; i++)
    {
      TekenCaDevice *device = g_ptr_array_index (devices, i);

      if (g_str_equal (device->public_id, id))
        return device;
    }
  teken_ca_respond_error (request, 8004, NULL);
  return NULL;
}

/* PATCH {T}/account/devices/{id} (28). */
void
teken_ca_handle_device_rename (Request    *request,
                               JsonObject *body)
{
  TekenCaServer *self = request->server;
  g_autoptr(GPtrArray) devices = teken_ca_store_list_devices (self->store, request->account_id);
  g_autoptr(GError) error = NULL;
  TekenCaDevice *device;
  const char *name;

  if ((device = find_device (request, devices)) == NULL ||
      !teken_ca_get_required_string (request, body, "name", 256, &name) ||
      !check_device_name (request, devices, name, device->id))
    return;
  if (!teken_ca_store_rename_device (self->store, device->id, name, &error))
    {
      respond_internal (request, error);
      return;
    }
  g_free (device->name);
  device->name = g_strdup (name);
  respond_device (request, SOUP_STATUS_OK, device);
}

/* DELETE {T}/account/devices/{id} (29): never the last one (8207); a lost
 * only device is replaced through the forgotten password. */
void
teken_ca_handle_device_remove (Request    *request,
                               JsonObject *body)
{
  TekenCaServer *self = request->server;
  g_autoptr(GPtrArray) devices = teken_ca_store_list_devices (self->store, request->account_id);
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, request->account_id);
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(GError) error = NULL;
  TekenCaDevice *device;

  if (account == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  if ((device = find_device (request, devices)) == NULL)
    return;
  if (devices->len <= 1)
    {
      teken_ca_respond_error (request, 8207, NULL);
      return;
    }
  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  /* Two removals in parallel must not leave none. */
  left = teken_ca_store_list_devices (self->store, account->id);
  if (left->len <= 1)
    {
      teken_ca_store_rollback (self->store);
      teken_ca_respond_error (request, 8207, NULL);
      return;
    }
  if (!teken_ca_store_delete_device (self->store, device->id, &error) ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }
  g_message ("OTP device %s removed", device->public_id);
  teken_ca_send_notice (self, account->email, "device_removed");
  teken_ca_respond_no_content (request);
}
