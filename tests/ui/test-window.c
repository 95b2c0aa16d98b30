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
  g_assert_null (teken_test_find_label (GTK_WIDGET (window), "Get a Certificate"));

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
  g_autoptr(GSimpleAction) enroll = g_simple_action_new ("enroll", NULL);
  GtkWindow *window;

  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (enroll));
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

  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "cannot open links"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Welcome to Teken"));
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

  return g_test_run ();
}
