/* test-document-view.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Documents in the window, in process, under Xvfb: opening, pages,
 * zoom and keys, lazy rendering, damaged and protected files, and the
 * verdict on valid, tampered and unsigned files with the signed version
 * of a tampered one. Screenshots of each state are saved. */

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "teken-test-utils.h"
#include "teken-ui-test-utils.h"

static TekenDocumentView *
get_view (TekenWindow *window)
{
  return teken_window_get_document_view (window);
}

static TekenPageCanvas *
get_canvas (TekenWindow *window)
{
  return teken_document_view_get_canvas (get_view (window));
}

/* Lets animations (the sidebar sliding in) run their course. */
static void
spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static TekenWindow *
open_path (TekenApplication *app,
           const char       *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return teken_ui_test_open (app, file);
}

/* A document of @n_pages A4 pages made with cairo, each saying its number. */
static char *
write_long_pdf (guint n_pages)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  int fd;

  fd = g_file_open_tmp ("teken-long-XXXXXX.pdf", &path, &error);
  g_assert_no_error (error);
  close (fd);

  surface = cairo_pdf_surface_create (path, 595, 842);
  cr = cairo_create (surface);
  for (guint i = 0; i < n_pages; i++)
    {
      g_autofree char *text = g_strdup_printf ("Page %u", i + 1);

      cairo_set_font_size (cr, 48);
      cairo_move_to (cr, 72, 144);
      cairo_show_text (cr, text);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  return g_steal_pointer (&path);
}

static void
test_start_page_offers_verify (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  GtkWindow *window = teken_ui_test_activate (app);

  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Verify a Document"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "open"));
  gtk_window_destroy (window);
}

static void
test_open_shows_pages (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = teken_ui_test_fixture ("hand-rotate.pdf");
  TekenWindow *window = open_path (app, path);
  TekenDocumentView *view = get_view (window);
  TekenPageCanvas *canvas = get_canvas (window);

  g_assert_null (teken_document_view_get_error (view));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "hand-rotate.pdf");
  g_assert_cmpuint (teken_page_canvas_get_n_pages (canvas), ==, 5);
  g_assert_cmpuint (teken_page_canvas_get_current_page (canvas), ==, 0);
  g_assert_cmpint (teken_page_canvas_get_zoom_mode (canvas), ==, TEKEN_ZOOM_FIT_WIDTH);

  teken_ui_test_wait_for_rendered (canvas, 0);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "of 5"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Not signed"));

  /* The widest page (the second, turned 90 degrees) fills the width, less
   * the margins; the portrait pages are as wide as its height is. */
  {
    TekenPageLayout *layout = teken_page_canvas_get_layout (canvas);
    graphene_rect_t rect, portrait;
    int width = gtk_widget_get_width (GTK_WIDGET (canvas));

    teken_page_layout_get_page_rect (layout, 0, &portrait);
    teken_page_layout_get_page_rect (layout, 1, &rect);
    g_assert_cmpfloat (rect.size.width, >, rect.size.height);
    g_assert_cmpfloat (fabs (portrait.size.width - rect.size.height), <=, 1);
    g_assert_cmpfloat (rect.size.width, >=, width - 2 * TEKEN_PAGE_MARGIN - 1);
    g_assert_cmpfloat (rect.size.width, <=, width - 2 * TEKEN_PAGE_MARGIN);
  }

  teken_test_save_screenshot (GTK_WIDGET (window), "document-view");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_current_page (gpointer data)
{
  guint *wanted = g_object_get_data (data, "wanted-page");

  return teken_page_canvas_get_current_page (data) == *wanted;
}

static void
wait_for_current_page (TekenPageCanvas *canvas,
                       guint            page)
{
  g_object_set_data (G_OBJECT (canvas), "wanted-page", &page);
  teken_ui_test_wait_until (has_current_page, canvas, "the current page");
}

static void
press_key (GtkWidget       *widget,
           guint            keyval,
           GdkModifierType  modifiers)
{
  /* As a key press reaches the focused widget: through its shortcuts. */
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      GListModel *controllers = gtk_widget_observe_controllers (w);
      gboolean handled = FALSE;

      for (guint i = 0; !handled && i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

          if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
            continue;

          for (guint j = 0; !handled && j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
            {
              g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
              GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
              g_autoptr(GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (keyval, modifiers);

              if (gtk_shortcut_trigger_equal (trigger, wanted))
                handled = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, w,
                                                        gtk_shortcut_get_arguments (shortcut));
            }
        }
      g_object_unref (controllers);
      if (handled)
        return;
    }

  g_error ("No shortcut for key %s", gdk_keyval_name (keyval));
}

static void
test_keys_and_zoom (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = write_long_pdf (12);
  TekenWindow *window = open_path (app, path);
  TekenPageCanvas *canvas = get_canvas (window);
  TekenDocumentView *view = get_view (window);
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (canvas));
  double fit_width, value;

  teken_ui_test_wait_for_rendered (canvas, 0);
  fit_width = teken_page_canvas_get_scale (canvas);

  /* Page Down moves by a screen, less a line; End goes to the last page;
   * Home back to the first. */
  value = gtk_adjustment_get_value (vadjustment);
  press_key (GTK_WIDGET (canvas), GDK_KEY_Page_Down, 0);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==,
                     value + gtk_adjustment_get_page_increment (vadjustment));
  press_key (GTK_WIDGET (canvas), GDK_KEY_End, 0);
  wait_for_current_page (canvas, 11);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "of 12"));
  teken_ui_test_wait_for_rendered (canvas, 11);
  press_key (GTK_WIDGET (canvas), GDK_KEY_Home, 0);
  wait_for_current_page (canvas, 0);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);

  /* Ctrl+plus zooms in a step, to a free zoom; Ctrl+minus out; Ctrl+0
   * back to the width. */
  press_key (GTK_WIDGET (canvas), GDK_KEY_plus, GDK_CONTROL_MASK);
  g_assert_cmpint (teken_page_canvas_get_zoom_mode (canvas), ==, TEKEN_ZOOM_FREE);
  g_assert_cmpfloat (teken_page_canvas_get_scale (canvas), >, fit_width);
  teken_ui_test_wait_for_rendered (canvas, 0);
  g_assert_cmpfloat (teken_page_layout_get_scale (teken_page_canvas_get_layout (canvas)), ==,
                     teken_page_canvas_get_scale (canvas));
  teken_test_save_screenshot (GTK_WIDGET (window), "document-view-zoomed");

  press_key (GTK_WIDGET (canvas), GDK_KEY_minus, GDK_CONTROL_MASK);
  press_key (GTK_WIDGET (canvas), GDK_KEY_minus, GDK_CONTROL_MASK);
  g_assert_cmpfloat (teken_page_canvas_get_scale (canvas), <, fit_width);

  press_key (GTK_WIDGET (canvas), GDK_KEY_0, GDK_CONTROL_MASK);
  g_assert_cmpint (teken_page_canvas_get_zoom_mode (canvas), ==, TEKEN_ZOOM_FIT_WIDTH);
  teken_ui_test_wait_for_rendered (canvas, 0);
  g_assert_cmpfloat_with_epsilon (teken_page_canvas_get_scale (canvas), fit_width, 1e-9);

  /* Fit page: a whole page is in view. */
  gtk_widget_activate_action (GTK_WIDGET (view), "view.zoom-mode", "s", "fit-page");
  teken_ui_test_wait_for_rendered (canvas, 0);
  {
    graphene_rect_t rect;

    teken_page_layout_get_page_rect (teken_page_canvas_get_layout (canvas), 0, &rect);
    g_assert_cmpfloat (rect.size.height + 2 * TEKEN_PAGE_MARGIN, <=, gtk_widget_get_height (GTK_WIDGET (canvas)));
  }
  teken_test_save_screenshot (GTK_WIDGET (window), "document-view-fit-page");

  /* The page number entry takes the holder to a page. */
  gtk_widget_activate_action (GTK_WIDGET (view), "view.zoom-mode", "s", "fit-width");
  teken_page_canvas_go_to_page (canvas, 6);
  wait_for_current_page (canvas, 6);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
}

/* Only the pages on screen and a few around them are rendered, whatever
 * the length of the document; scrolling far renders the pages there. */
static void
test_renders_only_what_is_near (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = write_long_pdf (300);
  TekenWindow *window = open_path (app, path);
  TekenPageCanvas *canvas = get_canvas (window);

  g_assert_cmpuint (teken_page_canvas_get_n_pages (canvas), ==, 300);
  teken_ui_test_wait_for_rendered (canvas, 0);
  teken_ui_test_wait_for_rendered (canvas, 2);
  g_assert_cmpuint (teken_page_canvas_get_n_rendered (canvas), <=, 6);
  g_assert_false (teken_page_canvas_page_is_rendered (canvas, 150));

  teken_page_canvas_go_to_page (canvas, 150);
  wait_for_current_page (canvas, 150);
  teken_ui_test_wait_for_rendered (canvas, 150);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "of 300"));
  g_assert_cmpuint (teken_page_canvas_get_n_rendered (canvas), <=, 12);
  g_assert_cmpuint (teken_page_canvas_get_cache_size (canvas), <=, 160 * 1024 * 1024);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
}

static void
test_damaged_file (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = teken_ui_test_fixture ("bad-not-pdf.pdf");
  TekenWindow *window = open_path (app, path);
  const GError *error = teken_document_view_get_error (get_view (window));

  g_assert_error (error, TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_DAMAGED);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Cannot Open This Document"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "damaged or is not a PDF"));
  teken_test_save_screenshot (GTK_WIDGET (window), "document-view-damaged");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_protected_file (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = teken_ui_test_fixture ("qpdf-encrypted-aes256.pdf");
  TekenWindow *window = open_path (app, path);
  const GError *error = teken_document_view_get_error (get_view (window));

  g_assert_error (error, TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_ENCRYPTED);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "This Document Is Protected"));
  teken_test_save_screenshot (GTK_WIDGET (window), "document-view-protected");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_missing_file (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  TekenWindow *window = open_path (app, "/nonexistent/surat-keputusan.pdf");
  const GError *error = teken_document_view_get_error (get_view (window));

  g_assert_error (error, TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_READ);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "cannot be read"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_valid_signature (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = teken_ui_test_corpus_file ("ok-teken-twice.pdf");
  TekenWindow *window = open_path (app, path);
  TekenVerificationModel *verification = teken_document_view_get_verification (get_view (window));
  gboolean show_sidebar;

  g_assert_nonnull (verification);
  g_assert_cmpint (teken_verification_model_get_status (verification), ==, TEKEN_VERIFY_VALID);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Signed and unchanged"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "2 signatures, all intact"));

  /* Good news does not push the sidebar open; the details are a click away. */
  g_object_get (get_view (window), "show-sidebar", &show_sidebar, NULL);
  g_assert_false (show_sidebar);
  teken_ui_test_wait_for_rendered (get_canvas (window), 0);
  teken_test_save_screenshot (GTK_WIDGET (window), "verify-valid");

  gtk_widget_activate_action (GTK_WIDGET (get_view (window)), "view.show-signatures", NULL);
  g_object_get (get_view (window), "show-sidebar", &show_sidebar, NULL);
  g_assert_true (show_sidebar);
  spin (600);
  teken_test_wait_until_drawn (GTK_WIDGET (window));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Budi Santoso"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Siti Rahmawati"));
  teken_test_save_screenshot (GTK_WIDGET (window), "verify-valid-details");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The sidebars asked for in the very frame the document first appears,
 * before any layout: libadwaita 1.2's AdwFlap would lay the page out at a
 * NaN width for a frame (a GTK warning, fatal in this test). */
static void
reveal_before_layout_cb (GdkFrameClock *frame_clock,
                         gpointer       data)
{
  g_signal_handlers_disconnect_by_func (frame_clock, reveal_before_layout_cb, data);
  g_object_set (data, "show-sidebar", TRUE, "show-thumbnails", TRUE, NULL);
}

static void
page_shown_cb (GtkStack          *stack,
               GParamSpec        *pspec,
               TekenDocumentView *view)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "document") == 0)
    g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (stack)), "before-paint",
                      G_CALLBACK (reveal_before_layout_cb), view);
}

static gboolean
is_page_stack (GtkWidget     *widget,
               gconstpointer  data)
{
  return GTK_IS_STACK (widget) && gtk_stack_get_child_by_name (GTK_STACK (widget), "document") != NULL;
}

static gboolean
sidebars_shown (gpointer data)
{
  gboolean show_sidebar, show_thumbnails;

  g_object_get (data, "show-sidebar", &show_sidebar, "show-thumbnails", &show_thumbnails, NULL);
  return show_sidebar && show_thumbnails;
}

static void
test_sidebars_before_first_layout (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = teken_ui_test_corpus_file ("ok-teken-twice.pdf");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TekenDocumentView *view;
  GtkWindow *window;
  GtkStack *stack;

  g_application_open (G_APPLICATION (app), &file, 1, "");
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  view = get_view (TEKEN_WINDOW (window));
  stack = GTK_STACK (teken_ui_test_find (GTK_WIDGET (view), is_page_stack, NULL));
  g_assert_nonnull (stack);
  g_signal_connect (stack, "notify::visible-child-name", G_CALLBACK (page_shown_cb), view);

  teken_ui_test_wait_for_document (view);
  teken_ui_test_wait_until (sidebars_shown, view, "both sidebars");
  spin (600);
  teken_test_wait_until_drawn (GTK_WIDGET (window));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (get_canvas (TEKEN_WINDOW (window)))), >, 0);

  g_signal_handlers_disconnect_by_func (stack, page_shown_cb, view);
  gtk_window_destroy (window);
}

static gboolean
has_two_windows (gpointer data)
{
  return g_list_length (gtk_application_get_windows (data)) == 2;
}

static void
test_tampered_signature (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = teken_ui_test_corpus_file ("isa-content.pdf");
  TekenWindow *window = open_path (app, path);
  TekenVerificationModel *verification = teken_document_view_get_verification (get_view (window));
  TekenWindow *signed_window = NULL;
  TekenVerificationModel *signed_verification;
  gboolean show_sidebar;

  g_assert_cmpint (teken_verification_model_get_status (verification), ==, TEKEN_VERIFY_MODIFIED);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Changed after signing"));

  /* Bad news opens the details by itself, with the reasons. */
  g_object_get (get_view (window), "show-sidebar", &show_sidebar, NULL);
  g_assert_true (show_sidebar);
  teken_ui_test_wait_for_rendered (get_canvas (window), 0);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "The content of page 1 was changed after signing."));
  teken_test_save_screenshot (GTK_WIDGET (window), "verify-modified");

  /* The version that was signed opens beside it, checked again on its own. */
  gtk_widget_activate_action (GTK_WIDGET (get_view (window)), "view.show-signed-version", "u", 0);
  teken_ui_test_wait_until (has_two_windows, app, "the signed version's window");
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (l->data != window)
      signed_window = l->data;
  teken_ui_test_wait_for_document (get_view (signed_window));

  g_assert_null (teken_document_view_get_error (get_view (signed_window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (signed_window)), ==, "isa-content.pdf (as signed by Budi Santoso)");
  g_assert_cmpint (teken_document_view_get_signed_version_length (get_view (signed_window)), ==,
                   teken_verification_model_get_signed_revision_length (verification, 0));
  signed_verification = teken_document_view_get_verification (get_view (signed_window));
  g_assert_cmpint (teken_verification_model_get_status (signed_verification), ==, TEKEN_VERIFY_VALID);
  teken_ui_test_wait_for_rendered (get_canvas (signed_window), 0);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (signed_window), "The document as Budi Santoso signed it"));
  teken_test_save_screenshot (GTK_WIDGET (signed_window), "verify-signed-version");

  gtk_window_destroy (GTK_WINDOW (signed_window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_forged_signature (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = teken_ui_test_corpus_file ("usf-contents-other-cms-incremental.pdf");
  TekenWindow *window = open_path (app, path);

  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Signature not valid"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Not valid: broken, forged or malformed"));
  teken_ui_test_wait_for_rendered (get_canvas (window), 0);
  teken_test_save_screenshot (GTK_WIDGET (window), "verify-invalid");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Each document gets a window; the same one twice is raised, not doubled. */
static void
test_documents_get_windows (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *first_path = teken_ui_test_fixture ("cairo-a4.pdf");
  g_autofree char *second_path = teken_ui_test_fixture ("hand-minimal.pdf");
  g_autoptr(GFile) first = g_file_new_for_path (first_path);
  g_autoptr(GFile) second = g_file_new_for_path (second_path);
  GFile *both[] = { first, second };
  GList *windows;

  g_application_open (G_APPLICATION (app), both, 2, "");
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 2);

  g_application_open (G_APPLICATION (app), &first, 1, "");
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 2);

  for (GList *l = windows; l != NULL; l = l->next)
    teken_ui_test_wait_for_document (get_view (l->data));
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))))
    gtk_window_destroy (windows->data);
}

int
main (int   argc,
      char *argv[])
{
  teken_ui_test_init (&argc, &argv);

  g_test_add_func ("/document-view/start-page-offers-verify", test_start_page_offers_verify);
  g_test_add_func ("/document-view/open-shows-pages", test_open_shows_pages);
  g_test_add_func ("/document-view/keys-and-zoom", test_keys_and_zoom);
  g_test_add_func ("/document-view/renders-only-what-is-near", test_renders_only_what_is_near);
  g_test_add_func ("/document-view/damaged-file", test_damaged_file);
  g_test_add_func ("/document-view/protected-file", test_protected_file);
  g_test_add_func ("/document-view/missing-file", test_missing_file);
  g_test_add_func ("/document-view/valid-signature", test_valid_signature);
  g_test_add_func ("/document-view/sidebars-before-first-layout", test_sidebars_before_first_layout);
  g_test_add_func ("/document-view/tampered-signature", test_tampered_signature);
  g_test_add_func ("/document-view/forged-signature", test_forged_signature);
  g_test_add_func ("/document-view/documents-get-windows", test_documents_get_windows);

  return g_test_run ();
}
