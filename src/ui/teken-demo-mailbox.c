/* teken-demo-mailbox.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The demo's stand-in for an e-mail client: the messages a local teken-ca
 * wrote into its Maildir outbox (docs/api.md §12), newest first, each
 * with a button that opens its teken:// link in Teken, as a click in a
 * real mail client would. Offered only when a demo outbox is configured. */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-demo-mailbox.h"

struct _TekenDemoMailbox
{
  AdwWindow parent_instance;

  char *maildir;
  GFileMonitor *monitor;
  GtkListBox *list;
  AdwStatusPage *empty_page;
  GtkStack *stack;
};

G_DEFINE_FINAL_TYPE (TekenDemoMailbox, teken_demo_mailbox, ADW_TYPE_WINDOW)

static char *
header_value (const char *message,
              const char *name)
{
  g_autofree char *prefix = g_strconcat ("\n", name, ": ", NULL);
  g_autofree char *with_newline = g_strconcat ("\n", message, NULL);
  const char *end_of_headers = strstr (with_newline, "\n\n");
  const char *start = strstr (with_newline, prefix);
  const char *end;

  if (start == NULL || (end_of_headers != NULL && start > end_of_headers))
    return NULL;
  start += strlen (prefix);
  end = strchr (start, '\n');
  return g_strndup (start, end != NULL ? (gsize) (end - start) : strlen (start));
}

static void
open_link_cb (GtkButton *button,
              gpointer   user_data)
{
  const char *link = g_object_get_data (G_OBJECT (button), "teken-link");
  g_autoptr(GFile) file = g_file_new_for_uri (link);
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (user_data)));

  g_application_open (app, &file, 1, "");
}

static GtkWidget *
create_message_row (TekenDemoMailbox *self,
                    const char       *text)
{
  g_autofree char *subject = header_value (text, "Subject");
  g_autofree char *to = header_value (text, "To");
  g_autofree char *link = header_value (text, "X-Teken-Link");
  const char *body = strstr (text, "\n\n");
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *label = gtk_label_new (body != NULL ? body + 2 : "");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), subject != NULL ? subject : "");
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), to != NULL ? to : "");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), label);
  /* libadwaita 1.2 leaves the focusable rows unnamed: name the message's,
   * and let the text (selectable, so named by itself) take the focus
   * instead of the row wrapped around it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, subject != NULL ? subject : "",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, to != NULL ? to : "", -1);
  gtk_widget_set_focusable (gtk_widget_get_parent (label), FALSE);

  if (link != NULL)
    {
      GtkWidget *button = gtk_button_new_with_label (_("Open in Teken"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "suggested-action");
      g_object_set_data_full (G_OBJECT (button), "teken-link", g_strdup (link), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (open_link_cb), self);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      subject != NULL ? subject : _("Open in Teken"), -1);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
    }
  return row;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  return -g_strcmp0 (*(const char **) a, *(const char **) b);
}

/**
 * teken_demo_mailbox_reload:
 *
 * Reads the outbox again; it also does so by itself when a message arrives.
 */
void
teken_demo_mailbox_reload (TekenDemoMailbox *self)
{
  g_autofree char *new_dir = g_build_filename (self->maildir, "new", NULL);
  g_autoptr(GDir) dir = g_dir_open (new_dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *child;
  const char *name;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_newest_first);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (new_dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL) && g_utf8_validate (text, -1, NULL))
        gtk_list_box_append (self->list, create_message_row (self, text));
    }
  gtk_stack_set_visible_child_name (self->stack, names->len > 0 ? "messages" : "empty");
}

static void
outbox_changed_cb (TekenDemoMailbox  *self,
                   GFile             *file,
                   GFile             *other,
                   GFileMonitorEvent  event)
{
  if (event == G_FILE_MONITOR_EVENT_CREATED || event == G_FILE_MONITOR_EVENT_MOVED_IN ||
      event == G_FILE_MONITOR_EVENT_RENAMED)
    teken_demo_mailbox_reload (self);
}

static void
teken_demo_mailbox_finalize (GObject *object)
{
  TekenDemoMailbox *self = TEKEN_DEMO_MAILBOX (object);

  g_clear_object (&self->monitor);
  g_free (self->maildir);

  G_OBJECT_CLASS (teken_demo_mailbox_parent_class)->finalize (object);
}

static void
teken_demo_mailbox_class_init (TekenDemoMailboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = teken_demo_mailbox_finalize;
}

static void
teken_demo_mailbox_init (TekenDemoMailbox *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("Demo Mailbox"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 600);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Demo Mailbox"),
                                                         _("Messages from the local CA")));
  gtk_box_append (GTK_BOX (box), header);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_margin_top (GTK_WIDGET (self->list), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->list), 18);
  gtk_widget_set_margin_start (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->list), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Messages"), -1);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);

  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty_page, "mail-inbox-symbolic");
  adw_status_page_set_title (self->empty_page, _("No Messages Yet"));
  adw_status_page_set_description (self->empty_page,
                                   _("Messages the local CA sends, such as activation links, appear here."));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_stack_add_named (self->stack, scrolled, "messages");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_page), "empty");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_window_set_content (ADW_WINDOW (self), box);
}

/**
 * teken_demo_mailbox_new:
 * @maildir: the outbox of a local teken-ca, `DATADIR/mail`
 */
TekenDemoMailbox *
teken_demo_mailbox_new (GtkApplication *application,
                        const char     *maildir)
{
  TekenDemoMailbox *self = g_object_new (TEKEN_TYPE_DEMO_MAILBOX, "application", application, NULL);
  g_autofree char *new_dir = g_build_filename (maildir, "new", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (new_dir);

  self->maildir = g_strdup (maildir);
  self->monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->monitor != NULL)
    g_signal_connect_swapped (self->monitor, "changed", G_CALLBACK (outbox_changed_cb), self);
  teken_demo_mailbox_reload (self);
  return self;
}
