/* teken-preferences-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences: which certificate authority Teken talks to — the local
 * reference CA or an agency's BSrE gateway, by its address and the root
 * its TLS certificate is checked against — and which camera takes the
 * enrollment selfie. Each field is a GSettings key, written when it is
 * valid; the application picks a new server up on its next request. A
 * second page lists the trust anchors (teken-trust-page.c). */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-preferences-window.h"
#include "teken-trust-page.h"
#include "teken-window.h"

struct _TekenPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;
  AdwEntryRow *server_row;
  AdwActionRow *ca_file_row;
  GtkButton *ca_file_button;
  GtkButton *ca_file_clear_button;
  AdwEntryRow *camera_row;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (TekenPreferencesWindow, teken_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* https:// with a host: the client refuses anything else (docs/api.md §2.1). */
static gboolean
is_server_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

static void
show_ca_file (TekenPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "server-ca-file");

  adw_action_row_set_subtitle (self->ca_file_row,
                               *path != '\0' ? path : _("The system's trusted roots"));
  gtk_widget_set_visible (GTK_WIDGET (self->ca_file_clear_button), *path != '\0');
}

static void
server_changed_cb (TekenPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->server_row));

  if (is_server_url (text))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");
      g_settings_set_string (self->settings, "server-url", text);
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->server_row), "error");
}

static void
camera_changed_cb (TekenPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->camera_row));

  g_settings_set_string (self->settings, "camera-source", *text != '\0' ? text : "auto");
}

static void
ca_file_chosen_cb (TekenPreferencesWindow *self,
                   int                     response)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser))) != NULL &&
      (path = g_file_get_path (file)) != NULL)
    {
      g_settings_set_string (self->settings, "server-ca-file", path);
      show_ca_file (self);
    }
  g_clear_object (&self->chooser);
}

static void
ca_file_clicked_cb (TekenPreferencesWindow *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  self->chooser = gtk_file_chooser_native_new (_("Choose the Server's Root Certificate"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (ca_file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
ca_file_clear_clicked_cb (TekenPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "server-ca-file", "");
  show_ca_file (self);
}

/* Signatures are judged against the anchors: check open documents again. */
static void
trust_changed_cb (TekenPreferencesWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (app == NULL)
    return;

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (TEKEN_IS_WINDOW (l->data))
      teken_document_view_check_again (teken_window_get_document_view (l->data));
}

static void
teken_preferences_window_dispose (GObject *object)
{
  TekenPreferencesWindow *self = TEKEN_PREFERENCES_WINDOW (object);

  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (teken_preferences_window_parent_class)->dispose (object);
}

static void
teken_preferences_window_class_init (TekenPreferencesWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = teken_preferences_window_dispose;
}

static void
teken_preferences_window_init (TekenPreferencesWindow *self)
{
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesGroup *server = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *camera = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *trust;
  g_autofree char *url = NULL;
  g_autofree char *source = NULL;

  self->settings = g_settings_new (APP_ID);

  adw_preferences_page_set_title (page, _("General"));
  adw_preferences_page_set_icon_name (page, "preferences-system-symbolic");

  adw_preferences_group_set_title (server, _("Certificate Authority"));
  adw_preferences_group_set_description (server,
                                         _("The local reference CA (teken-ca) by default, or your agency's BSrE gateway. Ask your agency's verifier for its address."));
  self->server_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->server_row), _("Server address"));
  url = g_settings_get_string (self->settings, "server-url");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  g_signal_connect_swapped (self->server_row, "changed", G_CALLBACK (server_changed_cb), self);
  adw_preferences_group_add (server, GTK_WIDGET (self->server_row));

  self->ca_file_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->ca_file_row), _("Server's root certificate"));
  self->ca_file_button = GTK_BUTTON (gtk_button_new_with_label (_("Choose…")));
  self->ca_file_clear_button = GTK_BUTTON (gtk_button_new_with_label (_("Use System Roots")));
  gtk_widget_set_valign (GTK_WIDGET (self->ca_file_button), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self->ca_file_clear_button), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->ca_file_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Choose the server's root certificate"), -1);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->ca_file_clear_button));
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->ca_file_button));
  adw_action_row_add_suffix (self->ca_file_row, buttons);
  g_signal_connect_swapped (self->ca_file_button, "clicked", G_CALLBACK (ca_file_clicked_cb), self);
  g_signal_connect_swapped (self->ca_file_clear_button, "clicked", G_CALLBACK (ca_file_clear_clicked_cb), self);
  adw_preferences_group_add (server, GTK_WIDGET (self->ca_file_row));
  show_ca_file (self);

  adw_preferences_group_set_title (camera, _("Camera"));
  adw_preferences_group_set_description (camera,
                                         _("“auto” uses the camera portal or the first camera found. Anything else is a GStreamer source, such as “v4l2src device=/dev/video2”."));
  self->camera_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->camera_row), _("Camera for the selfie"));
  source = g_settings_get_string (self->settings, "camera-source");
  gtk_editable_set_text (GTK_EDITABLE (self->camera_row), source);
  g_signal_connect_swapped (self->camera_row, "changed", G_CALLBACK (camera_changed_cb), self);
  adw_preferences_group_add (camera, GTK_WIDGET (self->camera_row));

  adw_preferences_page_add (page, server);
  adw_preferences_page_add (page, camera);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);

  trust = teken_trust_page_new ();
  g_signal_connect_swapped (trust, "changed", G_CALLBACK (trust_changed_cb), self);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (trust));
}

TekenPreferencesWindow *
teken_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (TEKEN_TYPE_PREFERENCES_WINDOW,
                       "application", gtk_window_get_application (parent),
                       "transient-for", parent,
                       "modal", TRUE,
                       "search-enabled", FALSE,
                       NULL);
}
