/* teken-start-page.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The page Teken opens on: the product's four jobs as rows.
 *
 * Each job is an application action that its feature installs when it lands;
 * the page shows a row only when the application has that action, so the page
 * never offers something that does not work.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "teken-start-page.h"

struct _TekenStartPage
{
  AdwBin      parent_instance;

  /* Template widgets */
  GtkListBox *jobs;
};

G_DEFINE_FINAL_TYPE (TekenStartPage, teken_start_page, ADW_TYPE_BIN)

typedef struct
{
  const char *action;
  const char *icon_name;
  const char *title;
  const char *subtitle;
} Job;

static const Job job_table[] = {
  { "app.enroll", "contact-new-symbolic",
    N_("Get a Certificate"),
    N_("Register with your NIK and official e-mail address") },
  { "app.my-certificate", "channel-secure-symbolic",
    N_("My Certificate"),
    N_("Sign in to see its status, change the passphrase, renew or revoke") },
  { "app.sign", "document-edit-symbolic",
    N_("Sign Documents"),
    N_("Place your electronic signature on one or many PDF files") },
  { "app.verify", "emblem-ok-symbolic",
    N_("Verify a Document"),
    N_("Check who signed a PDF and whether it changed, without a network") },
};

static gboolean
application_has_action (GtkWidget  *widget,
                        const char *detailed_name)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkApplication *app;

  if (!GTK_IS_WINDOW (root) ||
      !(app = gtk_window_get_application (GTK_WINDOW (root))))
    return FALSE;

  g_assert (g_str_has_prefix (detailed_name, "app."));

  return g_action_map_lookup_action (G_ACTION_MAP (app), detailed_name + strlen ("app.")) != NULL;
}

static GtkWidget *
create_job_row (const Job *job)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (job->icon_name);
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(job->title));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(job->subtitle));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), job->action);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  return row;
}

static void
teken_start_page_map (GtkWidget *widget)
{
  TekenStartPage *self = TEKEN_START_PAGE (widget);
  GtkWidget *child;

  /* Actions are all installed by the time the window is shown. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->jobs))))
    gtk_list_box_remove (self->jobs, child);

  for (guint i = 0; i < G_N_ELEMENTS (job_table); i++)
    {
      if (application_has_action (widget, job_table[i].action))
        gtk_list_box_append (self->jobs, create_job_row (&job_table[i]));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->jobs),
                          gtk_widget_get_first_child (GTK_WIDGET (self->jobs)) != NULL);

  GTK_WIDGET_CLASS (teken_start_page_parent_class)->map (widget);
}

static void
teken_start_page_class_init (TekenStartPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->map = teken_start_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-start-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenStartPage, jobs);
}

static void
teken_start_page_init (TekenStartPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
