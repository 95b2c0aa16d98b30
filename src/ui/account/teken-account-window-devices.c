/* teken-account-window-devices.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The authenticator devices whose codes sign the holder in (docs/api.md
 * §6.5): list them, add one (the account password, then the set-up with
 * its QR code), rename one, remove a lost one. The last device cannot be
 * removed — the server refuses it too — and the page says what to do
 * instead. */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-account-window-private.h"
#include "teken-certificate-status.h"

static void reload_devices (TekenAccountWindow *self);

static void
device_changed (TekenAccountWindow *self,
                JsonObject         *reply,
                const GError       *error)
{
  if (error != NULL)
    {
      teken_account_window_error_hint (self, self->devices_hint, error);
      return;
    }
  reload_devices (self);
}

/* Rename */

static void
rename_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    TekenAccountWindow *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *id = g_object_get_data (G_OBJECT (dialog), "teken-device");
  const char * const path_args[] = { id, NULL };
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autoptr(JsonObject) body = json_object_new ();

  if (!g_str_equal (response, "rename"))
    return;
  if (!teken_device_name_is_valid (name))
    {
      teken_set_hint (self->devices_hint, _("A device name has 1 to 64 characters. Nothing was renamed."), TRUE);
      return;
    }
  json_object_set_string_member (body, "name", name);
  teken_set_hint (self->devices_hint, NULL, FALSE);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_RENAME, path_args, NULL, body, NULL,
                             device_changed);
}

static void
rename_entry_changed_cb (GtkEditable      *entry,
                         AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "rename",
                                           teken_device_name_is_valid (gtk_editable_get_text (entry)));
}

static void
rename_clicked_cb (GtkButton          *button,
                   TekenAccountWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "teken-name");
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Rename the Device"),
                                              _("A name that tells your devices apart, such as Office phone."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("New name"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "teken-device",
                          g_strdup (g_object_get_data (G_OBJECT (button), "teken-device")), g_free);
  g_signal_connect (entry, "changed", G_CALLBACK (rename_entry_changed_cb), dialog);
  gtk_window_set_title (GTK_WINDOW (dialog), adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Remove */

static void
remove_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    TekenAccountWindow *self)
{
  const char * const path_args[] = { g_object_get_data (G_OBJECT (dialog), "teken-device"), NULL };

  if (!g_str_equal (response, "remove"))
    return;
  teken_set_hint (self->devices_hint, NULL, FALSE);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_REMOVE, path_args, NULL, NULL, NULL,
                             device_changed);
}

static void
remove_clicked_cb (GtkButton          *button,
                   TekenAccountWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "teken-name");
  /* Translators: %s is the name of an authenticator device */
  g_autofree char *heading = g_strdup_printf (_("Remove “%s”?"), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                              _("Its codes will no longer sign you in. Remove a device you lost or no longer use."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "teken-device",
                          g_strdup (g_object_get_data (G_OBJECT (button), "teken-device")), g_free);
  gtk_window_set_title (GTK_WINDOW (dialog), adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The list */

static GtkWidget *
create_row_button (TekenAccountWindow *self,
                   TekenCaDeviceInfo  *device,
                   const char         *label,
                   const char         *name,
                   GCallback           callback)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_object_set_data_full (G_OBJECT (button), "teken-device", g_strdup (device->id), g_free);
  g_object_set_data_full (G_OBJECT (button), "teken-name", g_strdup (device->name), g_free);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
create_device_row (TekenAccountWindow *self,
                   TekenCaDeviceInfo  *device,
                   gboolean            removable)
{
  GtkWidget *row = adw_action_row_new ();
  /* Translators: an accessible name; %s is an authenticator device */
  g_autofree char *rename_name = g_strdup_printf (_("Rename %s"), device->name);
  /* Translators: an accessible name; %s is an authenticator device */
  g_autofree char *remove_name = g_strdup_printf (_("Remove %s"), device->name);
  GtkWidget *rename_button = create_row_button (self, device, _("Rename"), rename_name,
                                                G_CALLBACK (rename_clicked_cb));
  GtkWidget *remove_button = create_row_button (self, device, _("Remove"), remove_name,
                                                G_CALLBACK (remove_clicked_cb));
  g_autofree char *added = teken_format_date (device->created_at);
  g_autofree char *used = teken_format_time (device->last_used_at);
  g_autofree char *subtitle = NULL;

  if (device->last_used_at != NULL)
    /* Translators: when a device was added, and when its code was last used */
    subtitle = g_strdup_printf (_("Added %s · last used %s"), added, used);
  else
    subtitle = g_strdup_printf (_("Added %s · not used yet"), added);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), device->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("phone-symbolic"));
  gtk_widget_add_css_class (remove_button, "destructive-action");
  gtk_widget_set_sensitive (remove_button, removable);
  if (!removable)
    gtk_widget_set_tooltip_text (remove_button, _("The last device cannot be removed. Add a new one first."));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), rename_button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove_button);
  return row;
}

static void
devices_listed (TekenAccountWindow *self,
                JsonObject         *reply,
                const GError       *error)
{
  JsonNode *node = reply != NULL ? json_object_get_member (reply, "devices") : NULL;
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  guint n = array != NULL ? json_array_get_length (array) : 0;
  GtkWidget *child;

  if (error != NULL)
    {
      if (!teken_account_window_session_ended (self, error))
        teken_account_window_toast (self, error->message);
      return;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->devices_list))) != NULL)
    gtk_list_box_remove (self->devices_list, child);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(TekenCaDeviceInfo) device = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          (device = teken_ca_device_info_new_from_json (json_node_get_object (element), NULL)) == NULL)
        continue;
      gtk_list_box_append (self->devices_list, create_device_row (self, device, n > 1));
    }
  if (!gtk_widget_has_css_class (GTK_WIDGET (self->devices_hint), "error"))
    teken_set_hint (self->devices_hint,
                    n == 1 ? _("This is your only device, so it cannot be removed. Add another first; if you lost it, choose Forgot Password at sign-in.")
                           : NULL,
                    FALSE);
  teken_account_window_show_page (self, "devices");
}

static void
reload_devices (TekenAccountWindow *self)
{
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_ACCOUNT_DEVICES, NULL, NULL, NULL, NULL, devices_listed);
}

static void
devices_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TekenAccountWindow *self = TEKEN_ACCOUNT_WINDOW (widget);

  teken_set_hint (self->devices_hint, NULL, FALSE);
  reload_devices (self);
}

/* Add */

static void
add_device_clicked_cb (TekenAccountWindow *self)
{
  teken_set_hint (self->device_password_hint, NULL, FALSE);
  teken_account_window_show_page (self, "device-password");
}

static void
device_password_changed_cb (TekenAccountWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_password_button),
                            *teken_row_text (self->device_password_row) != '\0');
}

static void
device_setup_changed_cb (TekenAccountWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_setup_button),
                            teken_totp_setup_is_complete (self->device_setup) && self->setup_id != NULL);
}

/* Copies a secret member out of an answer, and wipes it there. */
static TekenSecret *
take_secret (JsonObject *object,
             const char *member)
{
  const char *text = teken_json_string (object, member);
  TekenSecret *secret;

  if (text == NULL)
    return NULL;
  secret = teken_secret_new (text, -1);
  teken_wipe_string ((char *) text);
  return secret;
}

static void
setup_started (TekenAccountWindow *self,
               JsonObject         *reply,
               const GError       *error)
{
  JsonObject *setup = teken_json_object (reply, "totp_setup");
  g_autoptr(TekenSecret) uri = NULL;
  g_autoptr(TekenSecret) secret = NULL;
  gint64 digits;

  if (error != NULL)
    {
      teken_account_window_error_hint (self, self->device_password_hint, error);
      return;
    }
  uri = take_secret (setup, "otpauth_uri");
  secret = take_secret (setup, "secret");
  if (uri == NULL || secret == NULL || teken_json_string (reply, "setup_id") == NULL)
    {
      teken_set_hint (self->device_password_hint,
                      _("The CA server sent an answer Teken cannot read. Try again; if it persists, report the problem."),
                      TRUE);
      return;
    }
  g_free (self->setup_id);
  self->setup_id = g_strdup (teken_json_string (reply, "setup_id"));
  digits = setup != NULL && json_object_has_member (setup, "digits") ? json_object_get_int_member (setup, "digits") : 6;
  teken_account_window_show_page (self, "device-setup");
  teken_totp_setup_show (self->device_setup, uri, secret, teken_json_string (setup, "account"),
                         digits > 0 && digits <= 10 ? (guint) digits : 6);
  teken_totp_setup_set_hint (self->device_setup,
                             _("Scan the code with the app on the new device, then type the code it shows. This works for 10 minutes."),
                             FALSE);
  device_setup_changed_cb (self);
}

static void
device_password_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(TekenSecret) password = teken_row_secret (self->device_password_row);
  const TekenCaSecretMember secrets[] = { { "password", password }, { NULL, NULL } };

  teken_account_window_send (self, TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_ADD, NULL, NULL, NULL, secrets, setup_started);
}

static void
device_added (TekenAccountWindow *self,
              JsonObject         *reply,
              const GError       *error)
{
  g_autofree char *message = NULL;

  if (error != NULL)
    {
      if (g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_DEVICE_SETUP_INVALID))
        {
          g_clear_pointer (&self->setup_id, g_free);
          teken_set_hint (self->device_password_hint, error->message, TRUE);
          teken_account_window_show_page (self, "device-password");
        }
      else if (!teken_account_window_session_ended (self, error))
        teken_totp_setup_set_hint (self->device_setup, error->message, TRUE);
      return;
    }
  g_clear_pointer (&self->setup_id, g_free);
  /* Translators: %s is the name of an authenticator device */
  message = g_strdup_printf (_("“%s” is added."), teken_json_string (reply, "name"));
  teken_account_window_toast (self, message);
  teken_set_hint (self->devices_hint, NULL, FALSE);
  reload_devices (self);
}

static void
device_setup_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(TekenSecret) code = teken_totp_setup_dup_code (self->device_setup);
  g_autofree char *name = teken_totp_setup_dup_device_name (self->device_setup);
  const TekenCaSecretMember secrets[] = { { "code", code }, { NULL, NULL } };

  if (self->setup_id == NULL)
    return;
  json_object_set_string_member (body, "setup_id", self->setup_id);
  json_object_set_string_member (body, "name", name);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_CONFIRM, NULL, NULL, body, secrets,
                             device_added);
}

void
teken_account_window_devices_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "account.devices", NULL, devices_activated);
}

void
teken_account_window_devices_init (TekenAccountWindow *self)
{
  g_signal_connect_swapped (self->add_device_button, "clicked", G_CALLBACK (add_device_clicked_cb), self);
  g_signal_connect_swapped (self->device_password_row, "changed", G_CALLBACK (device_password_changed_cb), self);
  g_signal_connect_swapped (self->device_password_button, "clicked", G_CALLBACK (device_password_clicked_cb), self);
  g_signal_connect_swapped (self->device_setup, "changed", G_CALLBACK (device_setup_changed_cb), self);
  g_signal_connect_swapped (self->device_setup_button, "clicked", G_CALLBACK (device_setup_clicked_cb), self);
}
