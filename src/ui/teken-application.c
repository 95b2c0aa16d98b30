/* teken-application.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-application.h"
#include "teken-resources.h"
#include "teken-window.h"

struct _TekenApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (TekenApplication, teken_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { NULL }
};

static TekenWindow *
get_window (TekenApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (teken_window_new (self));

  return TEKEN_WINDOW (window);
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TekenApplication *self = user_data;
  static const char *developers[] = { "The Teken authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
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

      if (g_object_get_data (G_OBJECT (chooser), "sign"))
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
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), !sign);
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
  choose_documents (user_data, _("Sign a Document"), TRUE);
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
  { "quit", quit_activated_cb },
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
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (teken_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
}

static void
teken_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (TEKEN_APPLICATION (app))));
}

/* Files from the command line or a file manager's "Open With", and teken://
 * links from the e-mails, all arrive here in the one running instance. */
static void
teken_application_open (GApplication  *app,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  TekenWindow *window = get_window (TEKEN_APPLICATION (app));

  teken_window_open_files (window, files, n_files);
  gtk_window_present (GTK_WINDOW (window));
}

static void
teken_application_class_init (TekenApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->handle_local_options = teken_application_handle_local_options;
  app_class->startup = teken_application_startup;
  app_class->activate = teken_application_activate;
  app_class->open = teken_application_open;

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
