/* test-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The application and its main window, in process, under Xvfb. */

#include "config.h"

#include "teken-test-utils.h"
#include "teken-ui-test-utils.h"

static void
test_opens_on_start_page (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  GtkWindow *window = teken_ui_test_activate (app);

  g_assert_cmpstr (gtk_window_get_title (window), ==, "Teken");
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Welcome to Teken"));

  /* Only the jobs that have landed are offered. */
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Verify a Document"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Get a Certificate"));

  /* Activating again presents the same window rather than a second one. */
  g_application_activate (G_APPLICATION (app));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);

  teken_test_save_screenshot (GTK_WIDGET (window), "main-window");
  gtk_window_destroy (window);
}

static void
test_offers_jobs_whose_action_exists (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  GtkWindow *window;

  /* A build without a feature has no action for it, and no row. */
  g_action_map_remove_action (G_ACTION_MAP (app), "my-certificate");
  window = teken_ui_test_activate (app);

  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Get a Certificate"));
  g_assert_null (teken_test_find_label (GTK_WIDGET (window), "My Certificate"));
  gtk_window_destroy (window);
}

static void
test_open_link_explains (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autoptr(GFile) link = g_file_new_for_uri ("teken://activate?token=abc");
  GtkWindow *window;

  g_application_open (G_APPLICATION (app), &link, 1, "");
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  teken_test_wait_until_drawn (GTK_WIDGET (window));

  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "does not know this link"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Welcome to Teken"));
  gtk_window_destroy (window);
}

/* The server's address is saved only when it is one Teken can use. */
static void
test_preferences (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *window = teken_ui_test_activate (app);
  GtkWindow *preferences = NULL;
  GtkWidget *row = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (ADW_IS_PREFERENCES_WINDOW (l->data))
      preferences = l->data;
  g_assert_nonnull (preferences);
  teken_test_wait_until_drawn (GTK_WIDGET (preferences));

  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (preferences)); w != NULL && row == NULL;)
    {
      if (ADW_IS_ENTRY_ROW (w) &&
          g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), "Server address"))
        row = w;
      else if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w != NULL ? gtk_widget_get_next_sibling (w) : NULL;
        }
    }
  g_assert_nonnull (row);

  gtk_editable_set_text (GTK_EDITABLE (row), "http://ca.example");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (g_settings_get_string (settings, "server-url"), ==, "https://127.0.0.1:8443");
  gtk_editable_set_text (GTK_EDITABLE (row), "https://ca.kotacontoh.go.id");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (g_settings_get_string (settings, "server-url"), ==, "https://ca.kotacontoh.go.id");
  teken_test_save_screenshot (GTK_WIDGET (preferences), "preferences");

  g_settings_reset (settings, "server-url");
  gtk_window_set_focus (preferences, NULL);
  gtk_window_destroy (preferences);
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  teken_ui_test_init (&argc, &argv);

  g_test_add_func ("/window/start-page", test_opens_on_start_page);
  g_test_add_func ("/window/jobs-follow-actions", test_offers_jobs_whose_action_exists);
  g_test_add_func ("/window/open-link-explains", test_open_link_explains);
  g_test_add_func ("/window/preferences", test_preferences);

  return g_test_run ();
}
