/* teken-account-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* “My Certificate”: everything a holder does with an issued certificate
 * (docs/api.md §6, §7), in a window of its own.
 *
 * This file has the window, its pages and the sign-in: username and
 * password, then a code from an authenticator app — set up on the first
 * sign-in (or after a password reset) from a QR code, later from a device
 * the holder chooses — and the forgotten-password link. The session lives
 * in the client, which keeps it in the keyring across refreshes; opening
 * the window again picks it up, and signing out ends it on the server and
 * removes it. Lifecycle actions are in teken-account-window-lifecycle.c,
 * the devices in teken-account-window-devices.c.
 *
 * Passwords, passphrases and codes leave their rows only as TekenSecrets
 * for a request; rows are emptied when their page is left. */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "teken-application.h"
#include "teken-account-window-private.h"
#include "teken-certificate-status.h"
#include "teken-enroll-window.h"

G_DEFINE_FINAL_TYPE (TekenAccountWindow, teken_account_window, ADW_TYPE_WINDOW)

/* The page each page goes back to; "dashboard" only when signed in. */
static const struct
{
  const char *page;
  const char *back;
} back_pages[] = {
  { "totp-setup", "sign-in" },
  { "totp", "sign-in" },
  { "forgot-password", "sign-in" },
  { "request", "dashboard" },
  { "change-passphrase", "dashboard" },
  { "reset-passphrase", "dashboard" },
  { "revoke", "dashboard" },
  { "renew", "dashboard" },
  { "update", "dashboard" },
  { "confirm-update", "dashboard" },
  { "devices", "dashboard" },
  { "device-password", "devices" },
  { "device-setup", "devices" },
};

static void sign_out (TekenAccountWindow *self,
                      const char         *message,
                      gboolean            is_error);

/* Helpers shared by the window's files */

void
teken_set_hint (GtkLabel   *hint,
                const char *message,
                gboolean    is_error)
{
  gtk_label_set_label (hint, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (hint), message != NULL && *message != '\0');
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (hint), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (hint), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (hint), "dim-label");
    }
}

void
teken_mark_row (gpointer row,
                gboolean bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

const char *
teken_row_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* What a row holds, as a secret for a request. */
TekenSecret *
teken_row_secret (gpointer row)
{
  return teken_secret_new (teken_row_text (row), -1);
}

const char *
teken_json_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

JsonObject *
teken_json_object (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* While a request is out, the page stays as it is (an insensitive page
 * would take the focus from the field being typed in) but takes no clicks,
 * and nothing more is sent. */
void
teken_account_window_set_busy (TekenAccountWindow *self,
                               gboolean            busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_can_target (GTK_WIDGET (self->stack), !busy);
}

void
teken_account_window_toast (TekenAccountWindow *self,
                            const char         *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 8);
  teken_add_toast (self->toast_overlay, toast);
}

gboolean
teken_account_window_is_signed_in (TekenAccountWindow *self)
{
  g_autoptr(TekenCaSession) session = self->client != NULL ? teken_ca_client_dup_session (self->client) : NULL;

  return session != NULL && g_strcmp0 (teken_ca_session_get_scope (session), "account") == 0;
}

static gboolean
is_secret_on_page (TekenAccountWindow *self,
                   GtkWidget          *row,
                   const char         *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, name);

  return page != NULL && gtk_widget_is_ancestor (row, page);
}

void
teken_account_window_show_page (TekenAccountWindow *self,
                                const char         *name)
{
  GtkWidget *child = gtk_stack_get_child_by_name (self->stack, name);
  GtkStackPage *page = gtk_stack_get_page (self->stack, child);
  const char *back = NULL;
  gboolean signed_in = teken_account_window_is_signed_in (self);

  /* Nothing secret stays behind on a page that is left. */
  for (guint i = 0; i < self->secret_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->secret_rows, i);

      if (!is_secret_on_page (self, row, name))
        gtk_editable_set_text (GTK_EDITABLE (row), "");
    }
  if (!g_str_equal (name, "totp-setup"))
    teken_totp_setup_clear (self->totp_setup);
  if (!g_str_equal (name, "device-setup"))
    teken_totp_setup_clear (self->device_setup);

  if (g_str_equal (name, "link"))
    back = self->link_back;
  for (gsize i = 0; back == NULL && i < G_N_ELEMENTS (back_pages); i++)
    if (g_str_equal (back_pages[i].page, name))
      back = back_pages[i].back;
  if (g_strcmp0 (back, "dashboard") == 0 && (!signed_in || self->account == NULL))
    back = NULL;
  g_object_set_data_full (G_OBJECT (self->back_button), "teken-back", g_strdup (back), g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), back != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_out_button), signed_in);
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_button), signed_in && g_str_equal (name, "dashboard"));

  adw_window_title_set_subtitle (self->window_title, gtk_stack_page_get_title (page));
  gtk_stack_set_visible_child_name (self->stack, name);
}

typedef struct
{
  TekenAccountWindow *self;
  TekenAccountReply reply;
} Call;

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(TekenAccountWindow) self = call->self;
  TekenAccountReply reply = call->reply;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = teken_ca_client_call_finish (TEKEN_CA_CLIENT (source), result, &error);

  g_free (call);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  teken_account_window_set_busy (self, FALSE);
  reply (self, object, error);
}

/* Sends one request of docs/api.md; @reply gets the answer or the error.
 * @secrets: (nullable): members whose values are secrets */
void
teken_account_window_send (TekenAccountWindow        *self,
                           TekenCaEndpoint            endpoint,
                           const char * const        *path_args,
                           const char * const        *query,
                           JsonObject                *body,
                           const TekenCaSecretMember *secrets,
                           TekenAccountReply          reply)
{
  Call *call;

  if (self->busy)
    return;
  call = g_new0 (Call, 1);
  call->self = g_object_ref (self);
  call->reply = reply;
  teken_account_window_set_busy (self, TRUE);
  teken_ca_client_call_async (self->client, endpoint, path_args, query, body, secrets,
                              self->cancellable, call_done_cb, call);
}

static void
forget_account (TekenAccountWindow *self)
{
  g_clear_pointer (&self->account, teken_ca_account_info_free);
  g_clear_pointer (&self->certificate, teken_ca_certificate_info_free);
}

/* When @error says the session is over, goes back to the sign-in with
 * the reason; returns whether it did. */
gboolean
teken_account_window_session_ended (TekenAccountWindow *self,
                                    const GError       *error)
{
  if (!g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SESSION_INVALID) &&
      !g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_REFRESH_INVALID) &&
      !g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_NOT_SIGNED_IN))
    return FALSE;
  forget_account (self);
  teken_set_hint (self->sign_in_hint, error->message, TRUE);
  teken_account_window_show_page (self, "sign-in");
  return TRUE;
}

/* Shows a refusal under a page's fields; the end of the session sends the
 * holder to sign in again instead. */
void
teken_account_window_error_hint (TekenAccountWindow *self,
                                 GtkLabel           *hint,
                                 const GError       *error)
{
  if (!teken_account_window_session_ended (self, error))
    teken_set_hint (hint, error->message, TRUE);
}

/* Outcome */

/**
 * teken_account_window_show_outcome:
 * @certificate: (nullable): a Certificate object to show the serial and
 *   validity of
 *
 * The end of an action: what happened and what comes next.
 */
void
teken_account_window_show_outcome (TekenAccountWindow *self,
                                   const char         *icon_name,
                                   const char         *title,
                                   const char         *description,
                                   JsonObject         *certificate)
{
  GtkStackPage *page = gtk_stack_get_page (self->stack, gtk_stack_get_child_by_name (self->stack, "outcome"));
  g_autofree char *until = NULL;

  adw_status_page_set_icon_name (self->outcome_page, icon_name);
  adw_status_page_set_title (self->outcome_page, title);
  adw_status_page_set_description (self->outcome_page, description);
  gtk_stack_page_set_title (page, title);
  gtk_widget_set_visible (GTK_WIDGET (self->outcome_group), certificate != NULL);
  if (certificate != NULL)
    {
      until = teken_format_iso_time (teken_json_string (certificate, "not_after"));
      adw_action_row_set_subtitle (self->outcome_serial_row, teken_json_string (certificate, "serial"));
      adw_action_row_set_subtitle (self->outcome_validity_row, until);
    }
  gtk_button_set_label (self->outcome_button, !teken_account_window_is_signed_in (self) ? _("Sign In")
                                              : self->account != NULL ? _("Back to My Certificate")
                                              : _("Try Again"));
  teken_account_window_show_page (self, "outcome");
}

static void
outcome_clicked_cb (TekenAccountWindow *self)
{
  if (teken_account_window_is_signed_in (self))
    teken_account_window_reload (self);
  else
    teken_account_window_show_page (self, "sign-in");
}

/* The dashboard */

static void
certificate_loaded (TekenAccountWindow *self,
                    JsonObject         *reply,
                    const GError       *error)
{
  g_autoptr(GError) parse_error = NULL;

  if (error != NULL)
    {
      if (teken_account_window_session_ended (self, error))
        return;
      /* The account alone is still worth showing. */
      teken_account_window_toast (self, error->message);
    }
  else
    {
      g_clear_pointer (&self->certificate, teken_ca_certificate_info_free);
      self->certificate = teken_ca_certificate_info_new_from_json (reply, &parse_error);
      if (self->certificate == NULL)
        teken_account_window_toast (self, parse_error->message);
    }
  teken_account_dashboard_show (self->dashboard, self->account, self->certificate);
  teken_account_window_show_page (self, "dashboard");
}

static void
account_loaded (TekenAccountWindow *self,
                JsonObject         *reply,
                const GError       *error)
{
  g_autoptr(GError) parse_error = NULL;
  static const char * const path_args[] = { "current", NULL };

  if (error != NULL)
    {
      if (teken_account_window_session_ended (self, error))
        return;
      /* No network, say: what is shown stays, and the outcome page offers
       * to try again. */
      if (self->account != NULL && g_str_equal (gtk_stack_get_visible_child_name (self->stack), "dashboard"))
        teken_account_window_toast (self, error->message);
      else
        teken_account_window_show_outcome (self, "network-offline-symbolic", _("The CA did not answer"),
                                           error->message, NULL);
      return;
    }

  forget_account (self);
  self->account = teken_ca_account_info_new_from_json (reply, &parse_error);
  if (self->account == NULL)
    {
      teken_account_window_toast (self, parse_error->message);
      return;
    }
  if (g_strcmp0 (self->account->role, "holder") != 0)
    {
      sign_out (self, _("This is an agency verifier's account. My Certificate is for certificate holders: sign in with a holder's account."),
                TRUE);
      return;
    }
  if (self->account->current_certificate_id == NULL)
    {
      teken_account_dashboard_show (self->dashboard, self->account, NULL);
      teken_account_window_show_page (self, "dashboard");
      return;
    }
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_CERTIFICATE, path_args, NULL, NULL, NULL,
                             certificate_loaded);
}

/* Fetches the account and its certificate again, and shows them. */
void
teken_account_window_reload (TekenAccountWindow *self)
{
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_ACCOUNT, NULL, NULL, NULL, NULL, account_loaded);
}

static void
refresh_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  teken_account_window_reload (TEKEN_ACCOUNT_WINDOW (widget));
}

/* Sign-in */

static void
sign_in_changed_cb (TekenAccountWindow *self)
{
  g_autofree char *username = g_strstrip (g_strdup (teken_row_text (self->username_row)));

  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button),
                            *username != '\0' && *teken_row_text (self->password_row) != '\0');
}

static void
totp_changed_cb (TekenAccountWindow *self)
{
  const char *code = teken_row_text (self->code_row);
  guint digits = self->login_step != NULL && self->login_step->digits > 0 ? (guint) self->login_step->digits : 6;
  gboolean ok = teken_otp_code_is_valid (code, digits);

  teken_mark_row (self->code_row, strlen (code) >= digits && !ok);
  gtk_widget_set_sensitive (GTK_WIDGET (self->totp_button),
                            ok && teken_choice_list_get_selected (self->device_list) != NULL);
}

static void
totp_setup_changed_cb (TekenAccountWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->totp_setup_button), teken_totp_setup_is_complete (self->totp_setup));
}

static void
show_devices_to_choose (TekenAccountWindow *self)
{
  GPtrArray *devices = self->login_step->devices;
  TekenCaDeviceInfo *newest = NULL;

  teken_choice_list_remove_all (self->device_list);
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      TekenCaDeviceInfo *device = g_ptr_array_index (devices, i);
      g_autofree char *used = teken_format_time (device->last_used_at);
      g_autofree char *subtitle = device->last_used_at != NULL
                                    ? g_strdup_printf (_("Last used %s"), used)
                                    : g_strdup (_("Not used yet"));

      teken_choice_list_add (self->device_list, device->id, device->name, subtitle, TRUE);
      if (newest == NULL ||
          (device->last_used_at != NULL &&
           (newest->last_used_at == NULL || g_date_time_compare (device->last_used_at, newest->last_used_at) > 0)))
        newest = device;
    }
  /* The one used last is the likeliest at hand. */
  if (newest != NULL)
    teken_choice_list_set_selected (self->device_list, newest->id);
}

static void
login_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TekenAccountWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TekenCaLoginStep *step = teken_ca_client_login_finish (TEKEN_CA_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  teken_account_window_set_busy (self, FALSE);
  if (step == NULL)
    {
      teken_set_hint (self->sign_in_hint, error->message, TRUE);
      return;
    }
  g_clear_pointer (&self->login_step, teken_ca_login_step_free);
  self->login_step = step;
  teken_set_hint (self->sign_in_hint, NULL, FALSE);

  if (step->next == TEKEN_CA_LOGIN_NEXT_TOTP_SETUP)
    {
      teken_account_window_show_page (self, "totp-setup");
      teken_totp_setup_show (self->totp_setup, step->otpauth_uri, step->totp_secret, step->account,
                             step->digits > 0 ? (guint) step->digits : 6);
      totp_setup_changed_cb (self);
    }
  else
    {
      show_devices_to_choose (self);
      teken_set_hint (self->totp_hint, NULL, FALSE);
      teken_account_window_show_page (self, "totp");
      totp_changed_cb (self);
      /* A device is chosen already (the newest): the code is what is left
       * to type, and GTK would leave the focus on the device list. */
      gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
    }
}

static void
sign_in_clicked_cb (TekenAccountWindow *self)
{
  g_autofree char *username = g_strstrip (g_strdup (teken_row_text (self->username_row)));
  g_autoptr(TekenSecret) password = NULL;

  if (self->busy)
    return;
  password = teken_row_secret (self->password_row);
  teken_account_window_set_busy (self, TRUE);
  teken_ca_client_login_async (self->client, username, password, self->cancellable, login_done_cb,
                               g_object_ref (self));
}

static void
login_totp_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TekenAccountWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenCaSession) session = teken_ca_client_login_totp_finish (TEKEN_CA_CLIENT (source), result, &error);
  GtkLabel *hint = self->totp_hint;
  gboolean setup = g_str_equal (gtk_stack_get_visible_child_name (self->stack), "totp-setup");

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  teken_account_window_set_busy (self, FALSE);
  if (session == NULL)
    {
      /* The five minutes for the code are over: start again. */
      if (g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_LOGIN_TOKEN_INVALID) ||
          g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_ACCOUNT_LOCKED))
        {
          g_clear_pointer (&self->login_step, teken_ca_login_step_free);
          teken_set_hint (self->sign_in_hint, error->message, TRUE);
          teken_account_window_show_page (self, "sign-in");
          return;
        }
      if (setup)
        teken_totp_setup_set_hint (self->totp_setup, error->message, TRUE);
      else
        teken_set_hint (hint, error->message, TRUE);
      return;
    }

  g_clear_pointer (&self->login_step, teken_ca_login_step_free);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  if (setup)
    teken_account_window_toast (self, _("Your authenticator is set up."));
  teken_account_window_reload (self);
}

static void
send_code (TekenAccountWindow *self,
           TekenSecret        *code,
           const char         *device)
{
  if (self->busy)
    return;
  teken_account_window_set_busy (self, TRUE);
  teken_ca_client_login_totp_async (self->client, self->login_step, code, device, self->cancellable,
                                    login_totp_done_cb, g_object_ref (self));
}

static void
totp_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(TekenSecret) code = teken_row_secret (self->code_row);

  if (self->login_step == NULL)
    return;
  send_code (self, code, teken_choice_list_get_selected (self->device_list));
}

/* Enter in the code field signs in, as the button would once it can. */
static void
code_activated_cb (TekenAccountWindow *self)
{
  if (gtk_widget_is_sensitive (GTK_WIDGET (self->totp_button)))
    totp_clicked_cb (self);
}

static void
totp_setup_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(TekenSecret) code = teken_totp_setup_dup_code (self->totp_setup);
  g_autofree char *name = teken_totp_setup_dup_device_name (self->totp_setup);

  if (self->login_step == NULL)
    return;
  send_code (self, code, name);
}

/* Forgotten password (docs/api.md §6.3) */

static void
forgot_clicked_cb (TekenAccountWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->forgot_username_row), teken_row_text (self->username_row));
  teken_set_hint (self->forgot_hint, NULL, FALSE);
  teken_account_window_show_page (self, "forgot-password");
}

static void
forgot_changed_cb (TekenAccountWindow *self)
{
  g_autofree char *username = g_strstrip (g_strdup (teken_row_text (self->forgot_username_row)));

  gtk_widget_set_sensitive (GTK_WIDGET (self->forgot_send_button), *username != '\0');
}

static void
forgot_sent (TekenAccountWindow *self,
             JsonObject         *reply,
             const GError       *error)
{
  if (error != NULL)
    {
      teken_set_hint (self->forgot_hint, error->message, TRUE);
      return;
    }
  /* The server says the same whether the account exists or not. */
  teken_account_window_wait_for_link (self,
                                      _("If an activated account has this name, a link to choose a new password is on its way to its e-mail address. It works once, for 24 hours."),
                                      "forgot", "forgot-password");
}

static void
forgot_send_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *username = g_strstrip (g_strdup (teken_row_text (self->forgot_username_row)));

  json_object_set_string_member (body, "username", username);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_AUTH_PASSWORD_FORGOT, NULL, NULL, body, NULL, forgot_sent);
}

static void
new_password_changed_cb (TekenAccountWindow *self)
{
  const char *text = teken_row_text (self->new_password_row);
  const char *again = teken_row_text (self->new_password_again_row);
  gboolean policy_ok = teken_policy_checklist_update (self->new_password_checklist, text);
  gboolean same = g_str_equal (text, again);

  teken_mark_row (self->new_password_again_row, *again != '\0' && !same);
  teken_set_hint (self->new_password_hint, *again != '\0' && !same ? _("The two entries differ.") : NULL, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->new_password_button), policy_ok && same);
}

static void
signed_out_after_reset_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  /* The server ended every session already; this only tidies the keyring. */
  teken_ca_client_logout_finish (TEKEN_CA_CLIENT (source), result, NULL);
  g_object_unref (user_data);
}

static void
password_reset (TekenAccountWindow *self,
                JsonObject         *reply,
                const GError       *error)
{
  g_autoptr(TekenCaSession) session = NULL;

  if (error != NULL)
    {
      teken_set_hint (self->new_password_hint, error->message, TRUE);
      return;
    }
  g_clear_pointer (&self->link_token, g_free);
  forget_account (self);
  session = teken_ca_client_dup_session (self->client);
  if (session != NULL)
    teken_ca_client_logout_async (self->client, NULL, signed_out_after_reset_cb, g_object_ref (self));
  teken_set_hint (self->sign_in_hint,
                  _("Your password is changed. Sign in with it: your authenticator devices were removed, so you set one up again now."),
                  FALSE);
  teken_account_window_show_page (self, "sign-in");
}

static void
new_password_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(TekenSecret) password = teken_row_secret (self->new_password_row);
  g_autoptr(TekenSecret) again = teken_row_secret (self->new_password_again_row);
  const TekenCaSecretMember secrets[] = {
    { "password", password }, { "password_confirmation", again }, { NULL, NULL },
  };

  if (self->link_token == NULL)
    return;
  json_object_set_string_member (body, "token", self->link_token);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_AUTH_PASSWORD_RESET, NULL, NULL, body, secrets, password_reset);
}

/* Sign-out */

static void
signed_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TekenAccountWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  teken_account_window_set_busy (self, FALSE);
  /* Forgotten here and in the keyring even when the server was not told. */
  if (!teken_ca_client_logout_finish (TEKEN_CA_CLIENT (source), result, &error) &&
      !g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SESSION_INVALID) &&
      !g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_NOT_SIGNED_IN))
    teken_account_window_toast (self, error->message);
  forget_account (self);
  teken_account_window_show_page (self, "sign-in");
}

/* Ends the session here, on the server and in the keyring; @message says
 * why on the sign-in page. */
static void
sign_out (TekenAccountWindow *self,
          const char         *message,
          gboolean            is_error)
{
  teken_set_hint (self->sign_in_hint, message, is_error);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  teken_account_window_set_busy (self, TRUE);
  teken_ca_client_logout_async (self->client, NULL, signed_out_cb, g_object_ref (self));
}

static void
sign_out_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  sign_out (TEKEN_ACCOUNT_WINDOW (widget),
            _("You are signed out. Teken keeps no sign-in for this account any more."), FALSE);
}

/* Links (docs/api.md §12) */

/**
 * teken_account_window_wait_for_link:
 * @intro: what was sent, and where
 * @resend: (nullable): what Send Again asks for (`change`, `reset`,
 *   `forgot`, `update`), or %NULL for no such button
 * @back: the page to go back to
 */
void
teken_account_window_wait_for_link (TekenAccountWindow *self,
                                    const char         *intro,
                                    const char         *resend,
                                    const char         *back)
{
  GAction *mailbox = g_action_map_lookup_action (G_ACTION_MAP (gtk_window_get_application (GTK_WINDOW (self))),
                                                 "demo-mailbox");

  g_free (self->link_resend);
  self->link_resend = g_strdup (resend);
  g_free (self->link_back);
  self->link_back = g_strdup (back);
  gtk_label_set_label (self->link_intro, intro);
  gtk_editable_set_text (GTK_EDITABLE (self->link_row), "");
  teken_set_hint (self->link_hint, NULL, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->link_resend_button), resend != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->mailbox_button), mailbox != NULL);
  teken_account_window_show_page (self, "link");
}

static void
link_changed_cb (TekenAccountWindow *self)
{
  g_autofree char *token = NULL;
  const char *text = teken_row_text (self->link_row);
  gboolean ok = teken_enroll_parse_link (text, NULL, &token);

  teken_mark_row (self->link_row, *text != '\0' && !ok);
  gtk_widget_set_sensitive (GTK_WIDGET (self->link_button), ok);
}

static void
link_checked (TekenAccountWindow *self,
              JsonObject         *reply,
              const GError       *error)
{
  if (error != NULL)
    {
      /* Expired, used or unknown: said before anything is typed for it. */
      g_clear_pointer (&self->link_token, g_free);
      if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "link"))
        teken_account_window_wait_for_link (self, _("The link could not be used."), self->link_resend,
                                            teken_account_window_is_signed_in (self) ? "dashboard" : "sign-in");
      teken_set_hint (self->link_hint, error->message, TRUE);
      return;
    }
  teken_account_window_route_link (self, teken_json_string (reply, "purpose"));
}

/* Checks a link before anything is typed for it (docs/api.md §14,
 * endpoint 3); it is not used up. */
static void
check_link (TekenAccountWindow *self,
            const char         *token)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_free (self->link_token);
  self->link_token = g_strdup (token);
  json_object_set_string_member (body, "token", token);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_LINKS_CHECK, NULL, NULL, body, NULL, link_checked);
}

static void
link_clicked_cb (TekenAccountWindow *self)
{
  g_autofree char *token = NULL;

  if (teken_enroll_parse_link (teken_row_text (self->link_row), NULL, &token))
    check_link (self, token);
}

static void
link_resent (TekenAccountWindow *self,
             JsonObject         *reply,
             const GError       *error)
{
  if (error != NULL)
    teken_account_window_error_hint (self, self->link_hint, error);
  else
    teken_set_hint (self->link_hint, _("A new link is on its way. Links sent earlier no longer work."), FALSE);
}

static void
link_resend_clicked_cb (TekenAccountWindow *self)
{
  static const struct
  {
    const char *kind;
    TekenCaEndpoint endpoint;
  } resends[] = {
    { "change", TEKEN_CA_ENDPOINT_PASSPHRASE_CHANGE_REQUEST },
    { "reset", TEKEN_CA_ENDPOINT_PASSPHRASE_RESET_REQUEST },
    { "forgot", TEKEN_CA_ENDPOINT_AUTH_PASSWORD_FORGOT },
    { "update", TEKEN_CA_ENDPOINT_PROFILE_PENDING_RESEND },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (resends); i++)
    {
      g_autoptr(JsonObject) body = NULL;

      if (g_strcmp0 (self->link_resend, resends[i].kind) != 0)
        continue;
      if (resends[i].endpoint == TEKEN_CA_ENDPOINT_AUTH_PASSWORD_FORGOT)
        {
          g_autofree char *username = g_strstrip (g_strdup (teken_row_text (self->forgot_username_row)));

          body = json_object_new ();
          json_object_set_string_member (body, "username", username);
        }
      teken_account_window_send (self, resends[i].endpoint, NULL, NULL, body, NULL, link_resent);
    }
}

static void
mailbox_clicked_cb (TekenAccountWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "app.demo-mailbox", NULL);
}

static void
enter_link_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TekenAccountWindow *self = TEKEN_ACCOUNT_WINDOW (widget);
  gboolean update = self->account != NULL && g_strcmp0 (self->account->verification_status, "UPDATE") == 0;

  teken_account_window_wait_for_link (self,
                                      update ? _("We e-mailed you a link to confirm your data change.")
                                             : _("Paste the link from the e-mail the CA sent you."),
                                      update ? "update" : NULL, "dashboard");
}

/* Window */

static void
back_clicked_cb (TekenAccountWindow *self)
{
  const char *back = g_object_get_data (G_OBJECT (self->back_button), "teken-back");

  if (g_strcmp0 (back, "dashboard") == 0)
    teken_account_window_reload (self);
  else if (back != NULL)
    teken_account_window_show_page (self, back);
}

static void
session_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TekenAccountWindow) self = user_data;
  g_autoptr(TekenCaSession) session = teken_session_store_load_finish (TEKEN_SESSION_STORE (source), result, NULL);

  /* A sign-in or a link got there first: leave it be. */
  if (session == NULL || g_strcmp0 (teken_ca_session_get_scope (session), "account") != 0 ||
      teken_account_window_is_signed_in (self) ||
      !g_str_equal (gtk_stack_get_visible_child_name (self->stack), "sign-in"))
    return;
  teken_ca_client_set_session (self->client, session);
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), teken_ca_session_get_account (session));
  teken_account_window_reload (self);
}

static gboolean
teken_account_window_close_request (GtkWindow *window)
{
  TekenAccountWindow *self = TEKEN_ACCOUNT_WINDOW (window);

  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < self->secret_rows->len; i++)
    gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (self->secret_rows, i)), "");
  teken_totp_setup_clear (self->totp_setup);
  teken_totp_setup_clear (self->device_setup);
  return GTK_WINDOW_CLASS (teken_account_window_parent_class)->close_request (window);
}

static void
teken_account_window_dispose (GObject *object)
{
  TekenAccountWindow *self = TEKEN_ACCOUNT_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_ACCOUNT_WINDOW);

  G_OBJECT_CLASS (teken_account_window_parent_class)->dispose (object);
}

static void
teken_account_window_finalize (GObject *object)
{
  TekenAccountWindow *self = TEKEN_ACCOUNT_WINDOW (object);

  g_clear_object (&self->client);
  g_clear_object (&self->sessions);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->secret_rows, g_ptr_array_unref);
  g_clear_pointer (&self->login_step, teken_ca_login_step_free);
  forget_account (self);
  g_free (self->link_token);
  g_free (self->link_resend);
  g_free (self->link_back);
  g_free (self->holder_version);
  g_free (self->request_kind);
  g_free (self->renew_mode);
  g_free (self->setup_id);

  G_OBJECT_CLASS (teken_account_window_parent_class)->finalize (object);
}

static void
teken_account_window_class_init (TekenAccountWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = teken_account_window_dispose;
  object_class->finalize = teken_account_window_finalize;
  window_class->close_request = teken_account_window_close_request;

  g_type_ensure (TEKEN_TYPE_ACCOUNT_DASHBOARD);
  g_type_ensure (TEKEN_TYPE_CHOICE_LIST);
  g_type_ensure (TEKEN_TYPE_POLICY_CHECKLIST);
  g_type_ensure (TEKEN_TYPE_PROFILE_FORM);
  g_type_ensure (TEKEN_TYPE_TOTP_SETUP);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-account-window.ui");

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TekenAccountWindow, name)
  BIND (window_title); BIND (back_button); BIND (sign_out_button); BIND (refresh_button); BIND (spinner);
  BIND (toast_overlay); BIND (stack);
  BIND (username_row); BIND (password_row); BIND (sign_in_hint); BIND (forgot_button); BIND (sign_in_button);
  BIND (totp_setup); BIND (totp_setup_button);
  BIND (device_list); BIND (code_row); BIND (totp_hint); BIND (lost_device_button); BIND (totp_button);
  BIND (forgot_username_row); BIND (forgot_hint); BIND (forgot_send_button);
  BIND (new_password_row); BIND (new_password_again_row); BIND (new_password_checklist); BIND (new_password_hint);
  BIND (new_password_button);
  BIND (link_intro); BIND (link_row); BIND (link_hint); BIND (link_resend_button); BIND (mailbox_button);
  BIND (link_button);
  BIND (dashboard);
  BIND (request_heading); BIND (request_intro); BIND (request_detail); BIND (request_hint); BIND (request_button);
  BIND (old_passphrase_row); BIND (change_new_row); BIND (change_again_row); BIND (change_checklist);
  BIND (change_agreement_row); BIND (change_hint); BIND (change_button);
  BIND (reset_new_row); BIND (reset_again_row); BIND (reset_checklist); BIND (reset_agreement_row);
  BIND (reset_hint); BIND (reset_button);
  BIND (reason_list); BIND (confirm_row); BIND (revoke_password_row); BIND (revoke_hint); BIND (revoke_button);
  BIND (renew_heading); BIND (renew_intro); BIND (method_list); BIND (renew_passphrase_group);
  BIND (renew_passphrase_row); BIND (renew_agreement_row); BIND (renew_hint); BIND (renew_button);
  BIND (profile_form); BIND (update_button);
  BIND (confirm_changes); BIND (confirm_hint); BIND (confirm_button);
  BIND (devices_list); BIND (devices_hint); BIND (add_device_button);
  BIND (device_password_row); BIND (device_password_hint); BIND (device_password_button);
  BIND (device_setup); BIND (device_setup_button);
  BIND (outcome_page); BIND (outcome_group); BIND (outcome_serial_row); BIND (outcome_validity_row);
  BIND (outcome_button);
#undef BIND

  gtk_widget_class_install_action (widget_class, "account.sign-out", NULL, sign_out_activated);
  gtk_widget_class_install_action (widget_class, "account.refresh", NULL, refresh_activated);
  gtk_widget_class_install_action (widget_class, "account.enter-link", NULL, enter_link_activated);
  teken_account_window_lifecycle_class_init (widget_class);
  teken_account_window_devices_class_init (widget_class);
}

static void
connect_changed (gpointer  editable,
                 GCallback callback,
                 gpointer  self)
{
  g_signal_connect_swapped (editable, "changed", callback, self);
}

static void
teken_account_window_init (TekenAccountWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->sessions = teken_session_store_new ();
  self->secret_rows = g_ptr_array_new ();
  {
    gpointer rows[] = {
      self->password_row, self->new_password_row, self->new_password_again_row, self->old_passphrase_row,
      self->change_new_row, self->change_again_row, self->reset_new_row, self->reset_again_row,
      self->revoke_password_row, self->renew_passphrase_row, self->device_password_row, self->code_row,
    };

    for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
      g_ptr_array_add (self->secret_rows, rows[i]);
  }

  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (back_clicked_cb), self);
  connect_changed (self->username_row, G_CALLBACK (sign_in_changed_cb), self);
  connect_changed (self->password_row, G_CALLBACK (sign_in_changed_cb), self);
  g_signal_connect_swapped (self->username_row, "entry-activated", G_CALLBACK (sign_in_clicked_cb), self);
  g_signal_connect_swapped (self->password_row, "entry-activated", G_CALLBACK (sign_in_clicked_cb), self);
  g_signal_connect_swapped (self->sign_in_button, "clicked", G_CALLBACK (sign_in_clicked_cb), self);
  g_signal_connect_swapped (self->forgot_button, "clicked", G_CALLBACK (forgot_clicked_cb), self);
  g_signal_connect_swapped (self->totp_setup, "changed", G_CALLBACK (totp_setup_changed_cb), self);
  g_signal_connect_swapped (self->totp_setup_button, "clicked", G_CALLBACK (totp_setup_clicked_cb), self);
  connect_changed (self->code_row, G_CALLBACK (totp_changed_cb), self);
  g_signal_connect_swapped (self->device_list, "notify::selected", G_CALLBACK (totp_changed_cb), self);
  g_signal_connect_swapped (self->totp_button, "clicked", G_CALLBACK (totp_clicked_cb), self);
  g_signal_connect_swapped (self->code_row, "entry-activated", G_CALLBACK (code_activated_cb), self);
  g_signal_connect_swapped (self->lost_device_button, "clicked", G_CALLBACK (forgot_clicked_cb), self);
  connect_changed (self->forgot_username_row, G_CALLBACK (forgot_changed_cb), self);
  g_signal_connect_swapped (self->forgot_send_button, "clicked", G_CALLBACK (forgot_send_clicked_cb), self);
  connect_changed (self->new_password_row, G_CALLBACK (new_password_changed_cb), self);
  connect_changed (self->new_password_again_row, G_CALLBACK (new_password_changed_cb), self);
  g_signal_connect_swapped (self->new_password_button, "clicked", G_CALLBACK (new_password_clicked_cb), self);
  connect_changed (self->link_row, G_CALLBACK (link_changed_cb), self);
  g_signal_connect_swapped (self->link_button, "clicked", G_CALLBACK (link_clicked_cb), self);
  g_signal_connect_swapped (self->link_resend_button, "clicked", G_CALLBACK (link_resend_clicked_cb), self);
  g_signal_connect_swapped (self->mailbox_button, "clicked", G_CALLBACK (mailbox_clicked_cb), self);
  g_signal_connect_swapped (self->outcome_button, "clicked", G_CALLBACK (outcome_clicked_cb), self);

  teken_account_window_lifecycle_init (self);
  teken_account_window_devices_init (self);
  teken_account_window_show_page (self, "sign-in");
}

/**
 * teken_account_window_new:
 * @client: the CA the holder's certificate comes from
 *
 * Opens on the dashboard when the client or the keyring has a holder's
 * session for this CA, else on the sign-in.
 */
TekenAccountWindow *
teken_account_window_new (GtkApplication *application,
                          TekenCaClient  *client)
{
  TekenAccountWindow *self = g_object_new (TEKEN_TYPE_ACCOUNT_WINDOW, "application", application, NULL);
  g_autoptr(TekenSessionStore) store = NULL;

  self->client = g_object_ref (client);
  /* The client keeps every new and refreshed session in the keyring: a
   * refresh token is used up when it is used, so the stored one must
   * follow. */
  g_object_get (client, "session-store", &store, NULL);
  if (store == NULL)
    g_object_set (client, "session-store", self->sessions, NULL);

  if (teken_account_window_is_signed_in (self))
    teken_account_window_reload (self);
  else
    teken_session_store_load_async (self->sessions, teken_ca_client_get_base_url (client), NULL,
                                    self->cancellable, session_loaded_cb, g_object_ref (self));
  return self;
}

/**
 * teken_account_window_handles_link:
 * @action: a teken:// action (docs/api.md §12)
 *
 * Returns: whether a link for @action belongs to My Certificate
 */
gboolean
teken_account_window_handles_link (const char *action)
{
  static const char * const actions[] = {
    "certificate", "change-passphrase", "reset-passphrase", "reset-password", "confirm-update", NULL,
  };

  return action != NULL && g_strv_contains (actions, action);
}

/**
 * teken_account_window_open_link:
 * @action: a teken:// action this window handles
 * @token: (nullable): the link's token; `certificate` has none
 *
 * Continues from an e-mailed link. Links with a token work signed out
 * too: the token is the credential.
 */
void
teken_account_window_open_link (TekenAccountWindow *self,
                                const char         *action,
                                const char         *token)
{
  g_return_if_fail (TEKEN_IS_ACCOUNT_WINDOW (self));

  if (token != NULL)
    {
      g_free (self->link_resend);
      self->link_resend = NULL;
      check_link (self, token);
    }
  else if (teken_account_window_is_signed_in (self))
    teken_account_window_reload (self);
}

/* The visible page's name, for tests. */
const char *
teken_account_window_get_page (TekenAccountWindow *self)
{
  g_return_val_if_fail (TEKEN_IS_ACCOUNT_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
