/* first-page.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* teken-bench-first-page FILE [WIDTH]: opens FILE in Teken's document view,
 * in a window WIDTH pixels wide (default 619: the width at which a 595 pt
 * page fits at 72 dpi, what `pdftoppm -r 72` renders), and exits as soon as
 * the first page has been painted on screen. bench/first-page.sh times the
 * whole process against pdftoppm; the times inside the process go to
 * stdout: startup-ms (GTK and the window's first frame, before the
 * document is asked for), open-to-painted-ms (from asking for the document to its first page
 * on screen) and load-ms (Poppler has read every page's size). */

#include "config.h"

#include <adwaita.h>

#include "teken-document-view.h"
#include "teken-resources.h"

typedef struct
{
  gint64             process_start;
  gint64             start;
  gint64             loaded;
  GtkWidget         *window;
  TekenDocumentView *view;
  gboolean           window_painted;
  gboolean           rendered;
  gboolean           done;
} Bench;

static void
first_frame_cb (Bench *bench)
{
  bench->window_painted = TRUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *bench)
{
  if (bench->rendered && !bench->done)
    {
      gint64 now = g_get_monotonic_time ();

      g_print ("startup-ms %.1f\n", (bench->start - bench->process_start) / 1000.0);
      g_print ("open-to-painted-ms %.1f\n", (now - bench->start) / 1000.0);
      g_print ("load-ms %.1f\n", (bench->loaded - bench->start) / 1000.0);
      bench->done = TRUE;
    }
}

static void
page_rendered_cb (TekenPageCanvas *canvas,
                  guint            page,
                  Bench           *bench)
{
  if (page != 0 || bench->rendered)
    return;

  bench->rendered = TRUE;
  g_signal_connect (gtk_widget_get_frame_clock (bench->window), "after-paint",
                    G_CALLBACK (after_paint_cb), bench);
  gtk_widget_queue_draw (GTK_WIDGET (canvas));
}

static void
loading_changed_cb (TekenDocumentView *view,
                    GParamSpec        *pspec,
                    Bench             *bench)
{
  if (!teken_document_view_get_loading (view) && bench->loaded == 0)
    bench->loaded = g_get_monotonic_time ();
}

int
main (int   argc,
      char *argv[])
{
  Bench bench = { 0 };
  g_autoptr(GFile) file = NULL;
  int width = argc > 2 ? atoi (argv[2]) : 619;

  bench.process_start = g_get_monotonic_time ();

  if (argc < 2)
    {
      g_printerr ("Usage: %s FILE [WIDTH]\n", argv[0]);
      return 2;
    }

  gtk_init ();
  adw_init ();
  teken_register_resource ();

  bench.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (bench.window), width, 860);
  bench.view = TEKEN_DOCUMENT_VIEW (teken_document_view_new ());
  gtk_window_set_child (GTK_WINDOW (bench.window), GTK_WIDGET (bench.view));
  g_signal_connect (teken_document_view_get_canvas (bench.view), "page-rendered",
                    G_CALLBACK (page_rendered_cb), &bench);
  g_signal_connect (bench.view, "notify::loading", G_CALLBACK (loading_changed_cb), &bench);

  /* The window is up and painted once before the document is asked for,
   * so that GTK's own first frame (the renderer's set-up) is counted as
   * start-up, not against the document. */
  gtk_window_present (GTK_WINDOW (bench.window));
  g_signal_connect_swapped (gtk_widget_get_frame_clock (bench.window), "after-paint",
                            G_CALLBACK (first_frame_cb), &bench);
  while (!bench.window_painted)
    g_main_context_iteration (NULL, TRUE);

  file = g_file_new_for_commandline_arg (argv[1]);
  bench.start = g_get_monotonic_time ();
  teken_document_view_load_file (bench.view, file);

  while (!bench.done)
    {
      if (teken_document_view_get_error (bench.view) != NULL)
        {
          g_printerr ("%s\n", teken_document_view_get_error (bench.view)->message);
          return 1;
        }
      g_main_context_iteration (NULL, TRUE);
    }

  return 0;
}
