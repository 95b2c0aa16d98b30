/* test-page-layout.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Where pages sit at each zoom, and that a point on the screen maps to the
 * right point of the PDF on rotated and cropped pages: checked against
 * Poppler's own rendering and the core's reading of the page boxes. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <poppler.h>
#include <string.h>
#include <unistd.h>

#include "teken-page-layout.h"
#include "teken-pdf-document.h"

#define A4_WIDTH  595.0
#define A4_HEIGHT 842.0

static void
test_fit_scales (void)
{
  graphene_size_t sizes[] = { { A4_WIDTH, A4_HEIGHT }, { A4_HEIGHT, A4_WIDTH } };
  g_autoptr(TekenPageLayout) layout = teken_page_layout_new (sizes, G_N_ELEMENTS (sizes));
  double fit_width, fit_page;

  /* The widest page (the landscape one) fills the width less the margins. */
  fit_width = teken_page_layout_get_fit_scale (layout, TEKEN_ZOOM_FIT_WIDTH, 1000, 700);
  g_assert_cmpfloat_with_epsilon (fit_width, (1000 - 2 * TEKEN_PAGE_MARGIN) / A4_HEIGHT, 1e-9);

  /* Fit page: the tallest page must fit the height too. */
  fit_page = teken_page_layout_get_fit_scale (layout, TEKEN_ZOOM_FIT_PAGE, 1000, 700);
  g_assert_cmpfloat_with_epsilon (fit_page, (700 - 2 * TEKEN_PAGE_MARGIN) / A4_HEIGHT, 1e-9);
  g_assert_cmpfloat (fit_page, <, fit_width);

  /* Never beyond the zoom limits, however small or large the window. */
  g_assert_cmpfloat (teken_page_layout_get_fit_scale (layout, TEKEN_ZOOM_FIT_WIDTH, 10, 10), ==, TEKEN_SCALE_MIN);
  g_assert_cmpfloat (teken_page_layout_get_fit_scale (layout, TEKEN_ZOOM_FIT_WIDTH, 100000, 100000), ==, TEKEN_SCALE_MAX);
}

static void
test_pages_stack_and_centre (void)
{
  graphene_size_t sizes[] = { { A4_WIDTH, A4_HEIGHT }, { 300, 400 }, { A4_WIDTH, A4_HEIGHT } };
  g_autoptr(TekenPageLayout) layout = teken_page_layout_new (sizes, G_N_ELEMENTS (sizes));
  graphene_rect_t first, second, third;
  double width, height;

  teken_page_layout_set_scale (layout, 1.0, 1000);
  teken_page_layout_get_page_rect (layout, 0, &first);
  teken_page_layout_get_page_rect (layout, 1, &second);
  teken_page_layout_get_page_rect (layout, 2, &third);

  g_assert_cmpfloat (first.origin.y, ==, TEKEN_PAGE_MARGIN);
  g_assert_cmpfloat (first.size.width, ==, A4_WIDTH);
  g_assert_cmpfloat (second.origin.y, ==, first.origin.y + first.size.height + TEKEN_PAGE_SPACING);
  g_assert_cmpfloat (third.origin.y, ==, second.origin.y + second.size.height + TEKEN_PAGE_SPACING);

  /* Centred in the viewport, whatever their width. */
  g_assert_cmpfloat (fabs (first.origin.x + first.size.width / 2 - 500), <=, 1);
  g_assert_cmpfloat (fabs (second.origin.x + second.size.width / 2 - 500), <=, 1);

  teken_page_layout_get_content_size (layout, &width, &height);
  g_assert_cmpfloat (width, ==, 1000);
  g_assert_cmpfloat (height, ==, third.origin.y + third.size.height + TEKEN_PAGE_MARGIN);

  /* Wider than the viewport: the content grows, the margins stay. */
  teken_page_layout_set_scale (layout, 2.0, 800);
  teken_page_layout_get_content_size (layout, &width, &height);
  g_assert_cmpfloat (width, ==, floor (A4_WIDTH * 2) + 2 * TEKEN_PAGE_MARGIN);
  teken_page_layout_get_page_rect (layout, 0, &first);
  g_assert_cmpfloat (first.origin.x, ==, TEKEN_PAGE_MARGIN);
}

static void
test_pages_at_positions (void)
{
  graphene_size_t sizes[50];
  g_autoptr(TekenPageLayout) layout = NULL;
  graphene_rect_t rect;
  guint first, last;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    sizes[i] = (graphene_size_t) { A4_WIDTH, A4_HEIGHT };
  layout = teken_page_layout_new (sizes, G_N_ELEMENTS (sizes));
  teken_page_layout_set_scale (layout, 1.0, 700);

  g_assert_cmpuint (teken_page_layout_get_page_at (layout, -100), ==, 0);
  g_assert_cmpuint (teken_page_layout_get_page_at (layout, 0), ==, 0);
  g_assert_cmpuint (teken_page_layout_get_page_at (layout, 1e9), ==, 49);

  teken_page_layout_get_page_rect (layout, 20, &rect);
  g_assert_cmpuint (teken_page_layout_get_page_at (layout, rect.origin.y), ==, 20);
  g_assert_cmpuint (teken_page_layout_get_page_at (layout, rect.origin.y - 1), ==, 19);
  g_assert_cmpuint (teken_page_layout_get_page_at (layout, rect.origin.y + rect.size.height - 1), ==, 20);

  /* A viewport of one page height starting mid-page shows two pages; one
   * starting in the gap below page 19 does not count page 19. */
  teken_page_layout_get_visible_pages (layout, rect.origin.y + 100, rect.origin.y + 100 + A4_HEIGHT, &first, &last);
  g_assert_cmpuint (first, ==, 20);
  g_assert_cmpuint (last, ==, 21);
  teken_page_layout_get_visible_pages (layout, rect.origin.y - 2, rect.origin.y + 10, &first, &last);
  g_assert_cmpuint (first, ==, 20);
  g_assert_cmpuint (last, ==, 20);
}

static void
test_point_round_trip (void)
{
  graphene_size_t sizes[] = { { A4_WIDTH, A4_HEIGHT }, { A4_HEIGHT, A4_WIDTH }, { 200, 300 } };
  g_autoptr(TekenPageLayout) layout = teken_page_layout_new (sizes, G_N_ELEMENTS (sizes));
  const double scales[] = { 0.25, 0.5, 1.0, TEKEN_SCALE_ACTUAL_SIZE, 1.7371, 3.0, TEKEN_SCALE_MAX };

  for (guint s = 0; s < G_N_ELEMENTS (scales); s++)
    {
      teken_page_layout_set_scale (layout, scales[s], 900);

      for (guint page = 0; page < G_N_ELEMENTS (sizes); page++)
        {
          graphene_rect_t box = GRAPHENE_RECT_INIT (36, 72, 150, 60);
          graphene_rect_t content;
          graphene_point_t point;
          guint found;

          teken_page_layout_page_to_content (layout, page, &box, &content);
          g_assert_true (teken_page_layout_content_to_page (layout, content.origin.x, content.origin.y, &found, &point));
          g_assert_cmpuint (found, ==, page);
          g_assert_cmpfloat_with_epsilon (point.x, box.origin.x, 1e-3);
          g_assert_cmpfloat_with_epsilon (point.y, box.origin.y, 1e-3);

          g_assert_true (teken_page_layout_content_to_page (layout,
                                                            content.origin.x + content.size.width,
                                                            content.origin.y + content.size.height,
                                                            &found, &point));
          g_assert_cmpfloat_with_epsilon (point.x, box.origin.x + box.size.width, 1e-3);
          g_assert_cmpfloat_with_epsilon (point.y, box.origin.y + box.size.height, 1e-3);

          /* Left of the page is not on it. (graphene computes in floats.) */
          g_assert_false (teken_page_layout_content_to_page (layout, content.origin.x - box.origin.x * scales[s] - 2,
                                                             content.origin.y, &found, &point));
        }
    }
}

/* A PDF whose pages carry one black box each at a known place in user
 * space, on pages rotated 0, 90, 180 and 270 degrees, the last two with a
 * crop box that is not at the origin. */
static const double box_user[4] = { 100, 600, 250, 680 };   /* x0 y0 x1 y1 */

static char *
write_rotated_pdf (void)
{
  static const struct { int rotate; const char *crop; } pages[] = {
    { 0, NULL }, { 90, NULL }, { 180, "[50 40 545 800]" }, { 270, "[20 30 580 820]" },
  };
  g_autoptr(GString) pdf = g_string_new ("%PDF-1.7\n");
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autofree char *content = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  guint n_objects;
  gsize xref;
  int fd;

  content = g_strdup_printf ("0 0 0 rg %g %g %g %g re f", box_user[0], box_user[1],
                             box_user[2] - box_user[0], box_user[3] - box_user[1]);

#define OBJECT(...) G_STMT_START { \
    gsize offset = pdf->len; \
    g_array_append_val (offsets, offset); \
    g_string_append_printf (pdf, "%u 0 obj\n", offsets->len); \
    g_string_append_printf (pdf, __VA_ARGS__); \
    g_string_append (pdf, "\nendobj\n"); \
  } G_STMT_END

  OBJECT ("<< /Type /Catalog /Pages 2 0 R >>");
  OBJECT ("<< /Type /Pages /Kids [4 0 R 5 0 R 6 0 R 7 0 R] /Count 4 >>");
  OBJECT ("<< /Length %zu >>\nstream\n%s\nendstream", strlen (content), content);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    OBJECT ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s%s /Rotate %d /Contents 3 0 R >>",
            pages[i].crop ? "/CropBox " : "", pages[i].crop ? pages[i].crop : "", pages[i].rotate);
#undef OBJECT

  n_objects = offsets->len;
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f \n", n_objects + 1);
  for (guint i = 0; i < n_objects; i++)
    g_string_append_printf (pdf, "%010zu 00000 n \n", g_array_index (offsets, gsize, i));
  g_string_append_printf (pdf, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n_objects + 1, xref);

  fd = g_file_open_tmp ("teken-rotated-XXXXXX.pdf", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, pdf->str, pdf->len, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

/* The bounding box of the dark pixels Poppler drew, in pixels. */
static void
find_dark_box (cairo_surface_t *surface,
               double           box[4])
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);

  box[0] = box[1] = G_MAXDOUBLE;
  box[2] = box[3] = -1;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *pixel = data + y * stride + x * 4;

        if (pixel[0] < 128 && pixel[1] < 128 && pixel[2] < 128)
          {
            box[0] = MIN (box[0], x);
            box[1] = MIN (box[1], y);
            box[2] = MAX (box[2], x + 1);
            box[3] = MAX (box[3], y + 1);
          }
      }

  g_assert_cmpfloat (box[2], >, 0);
}

/* What the holder sees, where they point, and the rectangle the PDF gets
 * must agree: render each page as the view does, find the box on screen,
 * map its corners back through the layout and the core's page geometry,
 * and land on the box's user-space rectangle, at several zoom levels. */
static void
test_screen_points_map_to_user_space (void)
{
  g_autofree char *path = write_rotated_pdf ();
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenPdfDocument) core = teken_pdf_document_new_for_path (path, &error);
  PopplerDocument *poppler = poppler_document_new_from_file (uri, NULL, &error);
  const double scales[] = { 0.5, TEKEN_SCALE_ACTUAL_SIZE, 1.7371 };
  graphene_size_t sizes[4];
  g_autoptr(TekenPageLayout) layout = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (core);
  g_assert_nonnull (poppler);
  g_assert_cmpint (poppler_document_get_n_pages (poppler), ==, 4);

  for (guint i = 0; i < 4; i++)
    {
      PopplerPage *page = poppler_document_get_page (poppler, i);
      double width, height, core_width, core_height;

      poppler_page_get_size (page, &width, &height);
      teken_pdf_page_get_display_size (teken_pdf_document_get_page (core, i), &core_width, &core_height);
      g_assert_cmpfloat_with_epsilon (width, core_width, 1e-6);
      g_assert_cmpfloat_with_epsilon (height, core_height, 1e-6);
      sizes[i] = (graphene_size_t) { width, height };
      g_object_unref (page);
    }

  layout = teken_page_layout_new (sizes, 4);

  for (guint s = 0; s < G_N_ELEMENTS (scales); s++)
    {
      teken_page_layout_set_scale (layout, scales[s], 1400);

      for (guint i = 0; i < 4; i++)
        {
          PopplerPage *page = poppler_document_get_page (poppler, i);
          graphene_rect_t rect;
          cairo_surface_t *surface;
          cairo_t *cr;
          double dark[4], user[4];
          graphene_point_t top_left, bottom_right;
          guint found;

          /* Rendered the size the view draws it, as the renderer does. */
          teken_page_layout_get_page_rect (layout, i, &rect);
          surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, rect.size.width, rect.size.height);
          cr = cairo_create (surface);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_paint (cr);
          cairo_scale (cr, rect.size.width / sizes[i].width, rect.size.height / sizes[i].height);
          poppler_page_render (page, cr);
          cairo_destroy (cr);
          cairo_surface_flush (surface);

          find_dark_box (surface, dark);
          cairo_surface_destroy (surface);
          g_object_unref (page);

          g_assert_true (teken_page_layout_content_to_page (layout, rect.origin.x + dark[0], rect.origin.y + dark[1],
                                                            &found, &top_left));
          g_assert_cmpuint (found, ==, i);
          g_assert_true (teken_page_layout_content_to_page (layout, rect.origin.x + dark[2], rect.origin.y + dark[3],
                                                            &found, &bottom_right));
          g_assert_cmpuint (found, ==, i);

          teken_pdf_page_display_to_user (teken_pdf_document_get_page (core, i),
                                          top_left.x, top_left.y,
                                          bottom_right.x - top_left.x, bottom_right.y - top_left.y,
                                          user);

          /* Within a pixel and a half of antialiasing. */
          for (guint k = 0; k < 4; k++)
            g_assert_cmpfloat (fabs (user[k] - box_user[k]), <=, 1.5 / scales[s]);
        }
    }

  g_object_unref (poppler);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/page-layout/fit-scales", test_fit_scales);
  g_test_add_func ("/page-layout/stack-and-centre", test_pages_stack_and_centre);
  g_test_add_func ("/page-layout/pages-at-positions", test_pages_at_positions);
  g_test_add_func ("/page-layout/point-round-trip", test_point_round_trip);
  g_test_add_func ("/page-layout/screen-to-user-space", test_screen_points_map_to_user_space);

  return g_test_run ();
}
