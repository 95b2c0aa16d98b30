/* teken-application.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-account-window.h"
#include "teken-application.h"
#include "teken-batch-window.h"
#include "teken-ca-client.h"
#include "teken-demo-mailbox.h"
#include "teken-enroll-window.h"
#include "teken-preferences-window.h"
#include "teken-resources.h"
#include "teken-window.h"

struct _TekenApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  TekenCaClient *client;
  TekenEnrollWindow *enroll_window;   /* weak */
  TekenAccountWindow *account_window; /* weak */
  TekenDemoMailbox *demo_mailbox;     /* weak */
};

G_DEFINE_FINAL_TYPE (TekenApplication, teken_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { NULL }
};

/* The main window; the wizard and the mailbox are windows of their own. */
static TekenWindow *
get_window (TekenApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (TEKEN_IS_WINDOW (l->data))
      return l->data;

  return teken_window_new (self);
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TekenApplication *self = user_data;
  static const char *developers[] = { "The Teken authors", NULL };
  GtkWidget *about;

  /* Of the application, so that its widgets get names (window_added). */
  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "application", self,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "title", _("About Teken"),
                        "application-name", _("Teken"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Teken authors"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("Sign and verify documents with your BSrE electronic certificate."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your name and e-mail, one translator a line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

/* The CA the app talks to: TEKEN_CA_URL and TEKEN_CA_FILE (tests, the
 * demo) or the preferences. Made on first use, kept for the session. */
static TekenCaClient *
get_ca_client (TekenApplication  *self,
               GError           **error)
{
  const char *url_env = g_getenv ("TEKEN_CA_URL");
  const char *file_env = g_getenv ("TEKEN_CA_FILE");
  g_autofree char *url = NULL;
  g_autofree char *ca_file = NULL;

  if (self->client != NULL)
    return self->client;
  url = url_env != NULL ? g_strdup (url_env) : g_settings_get_string (self->settings, "server-url");
  ca_file = file_env != NULL ? g_strdup (file_env) : g_settings_get_string (self->settings, "server-ca-file");
  self->client = teken_ca_client_new (url, *ca_file != '\0' ? ca_file : NULL, error);
  return self->client;
}

static TekenEnrollWindow *
get_enroll_window (TekenApplication *self)
{
  g_autoptr(GError) error = NULL;
  TekenCaClient *client;

  if (self->enroll_window != NULL)
    return self->enroll_window;
  if ((client = get_ca_client (self, &error)) == NULL)
    {
      teken_window_add_toast (TEKEN_WINDOW (get_window (self)), error->message);
      return NULL;
    }
  self->enroll_window = teken_enroll_window_new (GTK_APPLICATION (self), client);
  g_object_add_weak_pointer (G_OBJECT (self->enroll_window), (gpointer *) &self->enroll_window);
  gtk_window_set_transient_for (GTK_WINDOW (self->enroll_window),
                                GTK_WINDOW (get_window (self)));
  return self->enroll_window;
}

static void
enroll_activated_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TekenEnrollWindow *window = get_enroll_window (user_data);

  if (window != NULL)
    gtk_window_present (GTK_WINDOW (window));
}

static TekenAccountWindow *
get_account_window (TekenApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkWindowGroup) group = NULL;
  TekenCaClient *client;

  if (self->account_window != NULL)
    return self->account_window;
  if ((client = get_ca_client (self, &error)) == NULL)
    {
      teken_window_add_toast (TEKEN_WINDOW (get_window (self)), error->message);
      return NULL;
    }
  self->account_window = teken_account_window_new (GTK_APPLICATION (self), client);
  g_object_add_weak_pointer (G_OBJECT (self->account_window), (gpointer *) &self->account_window);
  /* A window group of its own: a modal dialog (Sign Document sends the
   * holder here to sign in) grabs its group's input, and GTK would hand
   * every key and click in this window to that dialog. */
  group = gtk_window_group_new ();
  gtk_window_group_add_window (group, GTK_WINDOW (self->account_window));
  gtk_window_set_transient_for (GTK_WINDOW (self->account_window), GTK_WINDOW (get_window (self)));
  return self->account_window;
}

static void
my_certificate_activated_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  TekenAccountWindow *window = get_account_window (user_data);

  if (window != NULL)
    gtk_window_present (GTK_WINDOW (window));
}

static char *
get_demo_maildir (TekenApplication *self)
{
  const char *env = g_getenv ("TEKEN_DEMO_MAILDIR");

  return env != NULL ? g_strdup (env) : g_settings_get_string (self->settings, "demo-maildir");
}

static void
demo_mailbox_activated_cb (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  TekenApplication *self = user_data;
  g_autofree char *maildir = get_demo_maildir (self);

  if (self->demo_mailbox == NULL)
    {
      self->demo_mailbox = teken_demo_mailbox_new (GTK_APPLICATION (self), maildir);
      g_object_add_weak_pointer (G_OBJECT (self->demo_mailbox), (gpointer *) &self->demo_mailbox);
    }
  gtk_window_present (GTK_WINDOW (self->demo_mailbox));
}

static void
preferences_activated_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  TekenApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (teken_preferences_window_new (GTK_WINDOW (get_window (self)))));
}

/* Another server: the next request makes a client for it. Windows already
 * open keep the one they began with. */
static void
server_changed_cb (TekenApplication *self)
{
  g_clear_object (&self->client);
}

/* Several documents, one placement rule, one passphrase. */
static void
open_batch_window (TekenApplication  *self,
                   GFile            **files,
                   guint              n_files)
{
  TekenBatchWindow *window = teken_batch_window_new (GTK_APPLICATION (self), GTK_WINDOW (get_window (self)));

  teken_batch_window_add_files (window, files, n_files);
  gtk_window_present (GTK_WINDOW (window));
}

static void
chooser_responded_cb (GtkNativeDialog  *chooser,
                      int               response,
                      TekenApplication *self)
{
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
    }

  if (array->len > 0)
    {
      TekenWindow *window = get_window (self);

      if (g_object_get_data (G_OBJECT (chooser), "sign") && array->len > 1)
        open_batch_window (self, (GFile **) array->pdata, array->len);
      else if (g_object_get_data (G_OBJECT (chooser), "sign"))
        teken_window_sign_file (window, g_ptr_array_index (array, 0));
      else
        {
          teken_window_open_files (window, (GFile **) array->pdata, array->len);
          gtk_window_present (GTK_WINDOW (window));
        }
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

/* A chooser for PDF documents; opening one also verifies it. */
static void
choose_documents (TekenApplication *self,
                  const char       *title,
                  gboolean          sign)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) pdf = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (title,
                                         gtk_application_get_active_window (GTK_APPLICATION (self)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Several to sign go to batch signing. */
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "sign", GINT_TO_POINTER (sign));

  gtk_file_filter_set_name (pdf, _("PDF Documents"));
  gtk_file_filter_add_mime_type (pdf, "application/pdf");
  gtk_file_filter_add_suffix (pdf, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pdf);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), pdf);

  g_signal_connect (chooser, "response", G_CALLBACK (chooser_responded_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  choose_documents (user_data, _("Open a Document"), FALSE);
}

static void
verify_activated_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  choose_documents (user_data, _("Verify a Document"), FALSE);
}

static void
sign_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  choose_documents (user_data, _("Sign Documents"), TRUE);
}

static void
sign_several_activated_cb (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  open_batch_window (user_data, NULL, 0);
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_activated_cb },
  { "open", open_activated_cb },
  { "verify", verify_activated_cb },
  { "sign", sign_activated_cb },
  { "sign-several", sign_several_activated_cb },
  { "quit", quit_activated_cb },
  { "enroll", enroll_activated_cb },
  { "my-certificate", my_certificate_activated_cb },
  { "preferences", preferences_activated_cb },
};

/* Only the demo has an outbox to show. */
static const GActionEntry demo_actions[] = {
  { "demo-mailbox", demo_mailbox_activated_cb },
};

static int
teken_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  return G_APPLICATION_CLASS (teken_application_parent_class)->handle_local_options (app, options);
}

static void
teken_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (teken_application_parent_class)->startup (app);

  TekenApplication *self = TEKEN_APPLICATION (app);
  g_autofree char *maildir = NULL;

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_swapped (self->settings, "changed::server-url", G_CALLBACK (server_changed_cb), self);
  g_signal_connect_swapped (self->settings, "changed::server-ca-file", G_CALLBACK (server_changed_cb), self);
  maildir = get_demo_maildir (self);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  if (*maildir != '\0')
    g_action_map_add_action_entries (G_ACTION_MAP (app), demo_actions, G_N_ELEMENTS (demo_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
}

static void
teken_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (TEKEN_APPLICATION (app))));
}

/* A teken:// link of an e-mail (docs/api.md §12): enrollment links continue
 * the wizard, lifecycle links open My Certificate. Returns whether a window
 * took it; others go to the document window, which says what it is. */
static gboolean
open_link (TekenApplication *self,
           const char       *uri)
{
  g_autofree char *action = NULL;
  g_autofree char *token = NULL;
  TekenEnrollWindow *enroll;
  TekenAccountWindow *account;

  if (!teken_enroll_parse_link (uri, &action, &token))
    {
      /* Links without a token: the wizard's and the dashboard's own. */
      if (g_str_has_prefix (uri, "teken://enroll"))
        action = g_strdup ("enroll");
      else if (g_str_has_prefix (uri, "teken://certificate"))
        action = g_strdup ("certificate");
      else
        return FALSE;
    }

  if (g_str_equal (action, "enroll") || g_str_equal (action, "activate") ||
      g_str_equal (action, "set-passphrase"))
    {
      if ((enroll = get_enroll_window (self)) == NULL)
        return FALSE;
      teken_enroll_window_open_link (enroll, action, token);
      gtk_window_present (GTK_WINDOW (enroll));
      return TRUE;
    }

  if (teken_account_window_handles_link (action))
    {
      if ((account = get_account_window (self)) == NULL)
        return FALSE;
      teken_account_window_open_link (account, action, token);
      gtk_window_present (GTK_WINDOW (account));
      return TRUE;
    }

  return FALSE;
}

/* Files from the command line or a file manager's "Open With", and teken://
 * links from the e-mails, all arrive here in the one running instance. */
static void
teken_application_open (GApplication  *app,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  TekenApplication *self = TEKEN_APPLICATION (app);
  g_autoptr(GPtrArray) others = g_ptr_array_new ();

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      if (!g_str_has_prefix (uri, "teken://") || !open_link (self, uri))
        g_ptr_array_add (others, files[i]);
    }

  if (others->len > 0)
    {
      TekenWindow *window = get_window (self);

      teken_window_open_files (window, (GFile **) others->pdata, others->len);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
teken_application_shutdown (GApplication *app)
{
  TekenApplication *self = TEKEN_APPLICATION (app);

  G_APPLICATION_CLASS (teken_application_parent_class)->shutdown (app);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
}

static void
peek_tooltip_cb (GtkWidget *button)
{
  const char *tooltip = gtk_widget_get_tooltip_text (button);

  if (tooltip != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

static gboolean
has_action_bar (GtkWidget *box)
{
  for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_ACTION_BAR (child))
      return TRUE;
  return FALSE;
}

/* libadwaita 1.2 leaves some of its widgets without a name a person can
 * use (GTK then reads out a type name: "GtkImage", "GtkTextView"):
 * - a password row's show-text button gets its tooltip ("Show Text",
 *   "Hide Text") as its name, kept as that changes, and so do the About
 *   window's icon-only buttons ("Back"); its version button (which
 *   copies the version) is called "Version 0.2.0";
 * - the preferences window's search entry (there even with search off) is
 *   called "Search";
 * - the About window's two text views are its release notes and its
 *   troubleshooting text (the one with Copy Text below it). */
static void
name_library_widgets (GtkWidget *widget,
                      gboolean   in_password_row,
                      gboolean   in_about)
{
  in_password_row = in_password_row || ADW_IS_PASSWORD_ENTRY_ROW (widget);
  in_about = in_about || ADW_IS_ABOUT_WINDOW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (in_about && GTK_IS_BUTTON (child) && gtk_widget_has_css_class (child, "app-version"))
        {
          g_autofree char *name = g_strdup_printf (_("Version %s"), PACKAGE_VERSION);

          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
        }
      else if ((in_password_row || in_about) && GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL)
        {
          peek_tooltip_cb (child);
          g_signal_connect (child, "notify::tooltip-text", G_CALLBACK (peek_tooltip_cb), NULL);
        }
      else if (GTK_IS_SEARCH_ENTRY (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search"), -1);
      else if (in_about && GTK_IS_TEXT_VIEW (child))
        {
          GtkWidget *box = gtk_widget_get_ancestor (child, GTK_TYPE_BOX);
          gboolean troubleshooting = box != NULL && has_action_bar (box);

          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          troubleshooting ? _("Troubleshooting information") : _("Release notes"),
                                          -1);
        }
      else
        name_library_widgets (child, in_password_row, in_about);
    }
}

/* libadwaita 1.2 gives a toast's close button no name: it is named when
 * the toast is shown, which is when it is added or, queued, when the toast
 * before it is dismissed. */
static void
name_toast_close_buttons (AdwToastOverlay *overlay)
{
  for (GtkWidget *toast = gtk_widget_get_first_child (GTK_WIDGET (overlay)); toast;
       toast = gtk_widget_get_next_sibling (toast))
    {
      if (!g_str_equal (G_OBJECT_TYPE_NAME (toast), "AdwToastWidget"))
        continue;
      for (GtkWidget *child = gtk_widget_get_first_child (toast); child; child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), "window-close-symbolic") == 0)
          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Close"), -1);
    }
}

/**
 * teken_add_toast:
 * @toast: (transfer full): the toast
 *
 * Shows @toast in @overlay, as adw_toast_overlay_add_toast() does, with a
 * close button a screen reader can name.
 */
void
teken_add_toast (AdwToastOverlay *overlay,
                 AdwToast        *toast)
{
  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (ADW_IS_TOAST (toast));

  g_signal_connect_object (toast, "dismissed", G_CALLBACK (name_toast_close_buttons), overlay,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  adw_toast_overlay_add_toast (overlay, toast);
  name_toast_close_buttons (overlay);
}

/* Every window of the application, its templates built, passes here. */
static void
teken_application_window_added (GtkApplication *app,
                                GtkWindow      *window)
{
  GTK_APPLICATION_CLASS (teken_application_parent_class)->window_added (app, window);
  name_library_widgets (GTK_WIDGET (window), FALSE, FALSE);
}

static void
teken_application_class_init (TekenApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  app_class->handle_local_options = teken_application_handle_local_options;
  app_class->startup = teken_application_startup;
  app_class->activate = teken_application_activate;
  app_class->open = teken_application_open;
  app_class->shutdown = teken_application_shutdown;
  gtk_app_class->window_added = teken_application_window_added;

  teken_register_resource ();
}

static void
teken_application_init (TekenApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE…|LINK]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Sign and verify PDF documents with a BSrE electronic certificate."));
}

TekenApplication *
teken_application_new (void)
{
  return g_object_new (TEKEN_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/teken/Teken",
                       NULL);
}

/**
 * teken_application_get_ca_client:
 * @error: return location for a #GError
 *
 * The CA client every window shares, so that a sign-in in My Certificate
 * is seen by the sign dialog. Made on first use.
 *
 * Returns: (transfer none) (nullable): the client, or %NULL with @error set
 *   when the server settings are unusable
 */
TekenCaClient *
teken_application_get_ca_client (TekenApplication  *self,
                                 GError           **error)
{
  g_return_val_if_fail (TEKEN_IS_APPLICATION (self), NULL);

  return get_ca_client (self, error);
}
