/* teken-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A window shows the start page until it is given a document, then that
 * document; each further document gets a window of its own, like GNOME's
 * document viewer, so a signed version can sit beside the current one. */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-application.h"
#include "teken-document-view.h"
#include "teken-start-page.h"
#include "teken-window.h"

struct _TekenWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *pages;
  TekenDocumentView    *document_view;
};

G_DEFINE_FINAL_TYPE (TekenWindow, teken_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
is_link (GFile *file)
{
  return g_file_has_uri_scheme (file, "teken");
}

void
teken_window_add_toast (TekenWindow *self,
                        const char  *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 0);
  teken_add_toast (self->toast_overlay, toast);
}

static gboolean
has_document (TekenWindow *self)
{
  return teken_document_view_get_file (self->document_view) != NULL;
}

/* A window already showing @file as it is now, to raise instead of opening
 * it twice. */
static TekenWindow *
find_window_for (TekenWindow *self,
                 GFile       *file)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  for (GList *l = app ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    {
      TekenWindow *window = l->data;
      GFile *shown;

      if (!TEKEN_IS_WINDOW (window))
        continue;

      shown = teken_document_view_get_file (window->document_view);
      if (shown != NULL && g_file_equal (shown, file) &&
          teken_document_view_get_signed_version_length (window->document_view) == 0 &&
          teken_document_view_get_error (window->document_view) == NULL)
        return window;
    }

  return NULL;
}

/* Crossfades only between pages that have been on screen: GtkStack cannot
 * fade from a page that was never allocated. */
static void
show_page (TekenWindow *self,
           const char  *name)
{
  gtk_stack_set_visible_child_full (self->pages, name,
                                    gtk_widget_get_mapped (GTK_WIDGET (self))
                                    ? GTK_STACK_TRANSITION_TYPE_CROSSFADE
                                    : GTK_STACK_TRANSITION_TYPE_NONE);
}

static void
show_document (TekenWindow *self,
               GFile       *file)
{
  teken_document_view_load_file (self->document_view, file);
  show_page (self, "document");
}

static void
document_title_changed_cb (TekenWindow *self)
{
  const char *title = teken_document_view_get_title (self->document_view);

  gtk_window_set_title (GTK_WINDOW (self), title ? title : _("Teken"));
}

/* Documents that opened go to the desktop's recent files, for the start
 * page and the file chooser. */
static void
document_loading_changed_cb (TekenWindow *self)
{
  GFile *file = teken_document_view_get_file (self->document_view);
  g_autofree char *uri = NULL;
  GtkRecentData data = { 0 };

  if (file == NULL || teken_document_view_get_loading (self->document_view) ||
      teken_document_view_get_error (self->document_view) != NULL ||
      teken_document_view_get_signed_version_length (self->document_view) > 0)
    return;

  uri = g_file_get_uri (file);
  data.mime_type = (char *) "application/pdf";
  data.app_name = (char *) g_get_application_name ();
  data.app_exec = (char *) "teken %u";
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static void
open_signed_version_cb (TekenWindow *self,
                        GFile       *file,
                        gint64       length,
                        const char  *signer)
{
  TekenWindow *window = teken_window_new (TEKEN_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));

  teken_document_view_load_signed_version (window->document_view, file, length, signer);
  show_page (window, "document");
  gtk_window_present (GTK_WINDOW (window));
}

static void
document_signed_cb (TekenWindow *self,
                    GFile       *output)
{
  g_autofree char *name = g_file_get_basename (output);
  g_autofree char *display_name = g_filename_display_name (name);
  g_autofree char *title = g_strdup_printf (_("Signed and saved as “%s”. The original is unchanged."), display_name);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 8);
  teken_add_toast (self->toast_overlay, toast);
}

static gboolean
dropped_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            TekenWindow   *self)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  GSList *list;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  list = g_value_get_boxed (value);
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);

  if (files->len == 0)
    return FALSE;

  teken_window_open_files (self, (GFile **) files->pdata, files->len);
  return TRUE;
}

static void
teken_window_dispose (GObject *object)
{
  TekenWindow *self = TEKEN_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (teken_window_parent_class)->dispose (object);
}

static void
teken_window_class_init (TekenWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_window_dispose;

  g_type_ensure (TEKEN_TYPE_START_PAGE);
  g_type_ensure (TEKEN_TYPE_DOCUMENT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TekenWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, TekenWindow, document_view);
  gtk_widget_class_bind_template_callback (widget_class, document_title_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, document_loading_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_signed_version_cb);
  gtk_widget_class_bind_template_callback (widget_class, document_signed_cb);
}

static void
teken_window_init (TekenWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (dropped_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

TekenWindow *
teken_window_new (TekenApplication *application)
{
  return g_object_new (TEKEN_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * teken_window_open_files:
 * @files: (array length=n_files): documents and teken:// links
 *
 * Takes what the desktop asked Teken to open: the first document into this
 * window if it shows no document yet, every other into a window of its own
 * (or the window already showing it). Links from the e-mails are not
 * handled yet, and the holder is told so rather than left wondering.
 */
void
teken_window_open_files (TekenWindow  *self,
                         GFile       **files,
                         int           n_files)
{
  guint n_links = 0;

  g_return_if_fail (TEKEN_IS_WINDOW (self));

  for (int i = 0; i < n_files; i++)
    {
      TekenWindow *window;

      if (is_link (files[i]))
        {
          n_links++;
          continue;
        }

      window = find_window_for (self, files[i]);
      if (window == NULL)
        {
          window = has_document (self) ? teken_window_new (TEKEN_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)))) : self;
          show_document (window, files[i]);
        }

      if (window != self)
        gtk_window_present (GTK_WINDOW (window));
    }

  if (n_links > 0)
    teken_window_add_toast (self, _("Teken does not know this link. Open it again from the e-mail, whole and unchanged; if it was sent long ago, ask for a new one."));
}

/**
 * teken_window_sign_file:
 *
 * Opens @file, in this window if it shows no document yet, and starts
 * placing a signature on it.
 */
void
teken_window_sign_file (TekenWindow *self,
                        GFile       *file)
{
  TekenWindow *window;

  g_return_if_fail (TEKEN_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  window = find_window_for (self, file);
  if (window == NULL)
    {
      window = has_document (self) ? teken_window_new (TEKEN_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)))) : self;
      show_document (window, file);
    }

  teken_document_view_sign_when_loaded (window->document_view);
  gtk_window_present (GTK_WINDOW (window));
}

/* The document view, for tests. */
TekenDocumentView *
teken_window_get_document_view (TekenWindow *self)
{
  g_return_val_if_fail (TEKEN_IS_WINDOW (self), NULL);

  return self->document_view;
}
