/* teken-test-utils.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "teken-test-utils.h"

static void
after_paint_cb (GdkFrameClock *frame_clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
keep_waking (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins the main loop until @widget has been mapped, laid out and painted
 * in a frame that began after this call, so what a test reads or captures
 * is what a user would see. (Not through a GtkWidgetPaintable: creating
 * one snapshots the widget at once, even while it waits for allocation.) */
void
teken_test_wait_until_drawn (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GdkFrameClock *frame_clock;
  gboolean painted = FALSE;
  gulong handler;
  /* A blocking iteration waits for an event; this one comes every 100 ms,
   * so that the deadline is looked at even when nothing else happens. */
  guint waker = g_timeout_add (100, keep_waking, NULL);

  while (!gtk_widget_get_mapped (widget) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (widget));

  frame_clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (frame_clock);
  handler = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);

  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (frame_clock, handler);
  g_source_remove (waker);
  g_assert_true (painted);

  /* Let pending work from that frame settle, but not for ever: a window
   * with work under way (a batch reporting progress) always has some. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_main_context_pending (NULL) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
}

/* Renders @widget as the user sees it and saves it as
 * $TEKEN_SCREENSHOT_DIR/@name.png, for people to look at. */
/* As teken_test_save_screenshot(), without waiting: for a caller that
 * knows a frame was just painted (a live preview repaints all the time). */
void
teken_test_save_screenshot_now (GtkWidget  *widget,
                                const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *basename = g_strconcat (name, ".png", NULL);
  g_autofree char *path = NULL;
  const char *dir = g_getenv ("TEKEN_SCREENSHOT_DIR");
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_nonnull (dir);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  paintable = gtk_widget_paintable_new (widget);
  {
    g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

    gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
    node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  }
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, basename, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

void
teken_test_save_screenshot (GtkWidget  *widget,
                            const char *name)
{
  /* Laid out and painted now, so the snapshot is current. */
  teken_test_wait_until_drawn (widget);
  teken_test_save_screenshot_now (widget, name);
}

/* Finds a visible label whose text contains @substring, anywhere under
 * @root, the way a user scanning the window would. */
GtkWidget *
teken_test_find_label (GtkWidget  *root,
                       const char *substring)
{
  if (!gtk_widget_get_visible (root))
    return NULL;

  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), substring) != NULL)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = teken_test_find_label (child, substring);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * teken_test_use_indonesian:
 *
 * Switches this test process to Indonesian, as most users see the app; it
 * needs the build installed into its prefix, where the translations are.
 *
 * Returns: %FALSE, the test marked skipped, when it cannot
 */
gboolean
teken_test_use_indonesian (void)
{
  g_autofree char *catalog = g_build_filename (LOCALEDIR, "id", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);

  if (!g_file_test (catalog, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the translations are not installed (meson install)");
      return FALSE;
    }
  if (setlocale (LC_ALL, "id_ID.UTF-8") == NULL)
    {
      g_test_skip ("no id_ID.UTF-8 locale");
      return FALSE;
    }
  g_setenv ("LANGUAGE", "id", TRUE);
  return TRUE;
}
