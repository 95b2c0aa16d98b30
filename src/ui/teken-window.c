/* teken-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-start-page.h"
#include "teken-window.h"

struct _TekenWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *pages;
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
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TekenWindow, pages);
}

static void
teken_window_init (TekenWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
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
 * Takes what the desktop asked Teken to open. No job that opens documents or
 * links has landed yet, so the holder is told plainly that nothing was
 * opened rather than left wondering.
 */
void
teken_window_open_files (TekenWindow  *self,
                         GFile       **files,
                         int           n_files)
{
  guint n_links = 0;
  guint n_documents = 0;

  g_return_if_fail (TEKEN_IS_WINDOW (self));

  for (int i = 0; i < n_files; i++)
    {
      if (is_link (files[i]))
        n_links++;
      else
        n_documents++;
    }

  if (n_links > 0)
    teken_window_add_toast (self, _("This version of Teken cannot open links from Teken e-mails yet. Update Teken and open the link again."));

  if (n_documents > 0)
    {
      g_autofree char *title = NULL;

      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "This version of Teken cannot open documents yet, so %u document was not opened.",
                                            "This version of Teken cannot open documents yet, so %u documents were not opened.",
                                            n_documents),
                               n_documents);
      teken_window_add_toast (self, title);
    }
}
