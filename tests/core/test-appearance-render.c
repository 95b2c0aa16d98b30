/* test-appearance-render.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The appearance as a reader shows it: the stream is wrapped in a Form
 * XObject on a one-page PDF written here, rendered with Poppler, and the
 * pixels are checked against the signature's rectangle. The PNGs (and the
 * PDFs) go to $TEKEN_SCREENSHOT_DIR for a person to look at. */

#include "config.h"

#include <cairo.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "teken-signature-appearance-private.h"

#define PAGE_WIDTH  360
#define PAGE_HEIGHT 220
#define SCALE       3   /* 216 dpi */

#define IMAGE_WIDTH  150
#define IMAGE_HEIGHT 60

#define WHITE 0xffffffffu

typedef struct
{
  const char *name;
  double      x;
  double      y;
  double      width;
  double      height;
  gboolean    with_qr;
  gboolean    with_image;
} RenderCase;

/* A dark blue scribble on white, standing in for a scanned signature. */
static GBytes *
make_signature_image (void)
{
  guint8 *pixels = g_malloc (IMAGE_WIDTH * IMAGE_HEIGHT * 3);

  memset (pixels, 0xff, IMAGE_WIDTH * IMAGE_HEIGHT * 3);
  for (int x = 8; x < IMAGE_WIDTH - 8; x++)
    {
      double t = (x - 8) / (double) (IMAGE_WIDTH - 16);
      double centre = IMAGE_HEIGHT / 2.0 + 18 * sin (t * 3 * G_PI) * (1 - t * 0.6);

      for (int y = (int) centre - 2; y <= (int) centre + 2; y++)
        {
          guint8 *pixel = pixels + (y * IMAGE_WIDTH + x) * 3;

          pixel[0] = 0x1a;
          pixel[1] = 0x2a;
          pixel[2] = 0x80;
        }
    }

  return g_bytes_new_take (pixels, IMAGE_WIDTH * IMAGE_HEIGHT * 3);
}

static void
begin_object (GString *pdf,
              GArray  *offsets)
{
  gsize offset = pdf->len;

  g_array_append_val (offsets, offset);
  g_string_append_printf (pdf, "%u 0 obj\n", offsets->len);
}

static void
append_stream (GString    *pdf,
               const char *dictionary,
               GBytes     *data)
{
  gsize size;
  const char *bytes = g_bytes_get_data (data, &size);

  g_string_append_printf (pdf, "<< %s /Length %" G_GSIZE_FORMAT " >>\nstream\n", dictionary, size);
  g_string_append_len (pdf, bytes, size);
  g_string_append (pdf, "\nendstream\nendobj\n");
}

/* The smallest PDF that shows the appearance the way the writer will embed
 * it: a Form XObject with the agreed resources, placed on the page. */
static GBytes *
write_pdf (const RenderCase *test,
           GBytes           *appearance)
{
  g_autoptr(GString) pdf = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GBytes) image = make_signature_image ();
  g_autofree char *form = NULL;
  g_autofree char *image_dictionary = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) contents_bytes = NULL;
  gsize xref;

  begin_object (pdf, offsets);
  g_string_append (pdf, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
  begin_object (pdf, offsets);
  g_string_append (pdf, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
  begin_object (pdf, offsets);
  g_string_append_printf (pdf, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
                          "/Resources << /XObject << /Sig 4 0 R >> >> /Contents 8 0 R >>\nendobj\n",
                          PAGE_WIDTH, PAGE_HEIGHT);

  begin_object (pdf, offsets);
  form = g_strdup_printf ("/Type /XObject /Subtype /Form /BBox [0 0 %g %g] "
                          "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> /XObject << /Im1 7 0 R >> >>",
                          test->width, test->height);
  append_stream (pdf, form, appearance);

  begin_object (pdf, offsets);
  g_string_append (pdf, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                        "/Encoding /WinAnsiEncoding >>\nendobj\n");
  begin_object (pdf, offsets);
  g_string_append (pdf, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
                        "/Encoding /WinAnsiEncoding >>\nendobj\n");

  begin_object (pdf, offsets);
  image_dictionary = g_strdup_printf ("/Type /XObject /Subtype /Image /Width %d /Height %d "
                                      "/ColorSpace /DeviceRGB /BitsPerComponent 8",
                                      IMAGE_WIDTH, IMAGE_HEIGHT);
  append_stream (pdf, image_dictionary, image);

  begin_object (pdf, offsets);
  contents = g_strdup_printf ("q 1 0 0 1 %g %g cm /Sig Do Q", test->x, test->y);
  contents_bytes = g_bytes_new_static (contents, strlen (contents));
  append_stream (pdf, "", contents_bytes);

  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f \n", offsets->len + 1);
  for (guint i = 0; i < offsets->len; i++)
    g_string_append_printf (pdf, "%010" G_GSIZE_FORMAT " 00000 n \n", g_array_index (offsets, gsize, i));
  g_string_append_printf (pdf, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                          offsets->len + 1, xref);

  return g_string_free_to_bytes (g_steal_pointer (&pdf));
}

static void
save_output (const char *name,
             const char *extension,
             GBytes     *pdf,
             cairo_surface_t *surface)
{
  const char *directory = g_getenv ("TEKEN_SCREENSHOT_DIR");
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;

  if (directory == NULL)
    {
      g_test_message ("TEKEN_SCREENSHOT_DIR is not set; not saving %s", name);
      return;
    }

  g_assert_cmpint (g_mkdir_with_parents (directory, 0755), ==, 0);
  file_name = g_strdup_printf ("appearance-%s.%s", name, extension);
  path = g_build_filename (directory, file_name, NULL);

  if (surface != NULL)
    {
      g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
    }
  else
    {
      g_autoptr(GError) error = NULL;

      g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error);
      g_assert_no_error (error);
    }

  g_test_message ("saved %s", path);
}

/* Counts the pixels that are not page white, in page coordinates (points,
 * origin at the bottom left), inside or outside a rectangle. */
static guint
count_ink (cairo_surface_t *surface,
           double           x,
           double           y,
           double           width,
           double           height,
           gboolean         inside)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int left = (int) floor (x * SCALE);
  int right = (int) ceil ((x + width) * SCALE);
  int top = (int) floor ((PAGE_HEIGHT - y - height) * SCALE);
  int bottom = (int) ceil ((PAGE_HEIGHT - y) * SCALE);
  guint count = 0;

  for (int row = 0; row < PAGE_HEIGHT * SCALE; row++)
    for (int column = 0; column < PAGE_WIDTH * SCALE; column++)
      {
        guint32 pixel = *(const guint32 *) (data + row * stride + column * 4);
        gboolean in_rect = column >= left && column < right && row >= top && row < bottom;

        if (in_rect == inside && pixel != WHITE)
          count++;
      }

  return count;
}

static void
test_render (gconstpointer data)
{
  const RenderCase *test = data;
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (7 * 3600);
  g_autoptr(GDateTime) time = g_date_time_new (zone, 2026, 11, 22, 8, 31, 0);
  TekenAppearanceSpec spec = {
    .signer_name = "Dr. Andé Kurniawan (Ketua) Michał, S.Kom., M.T.",
    .role = TEKEN_ACTING_ROLE_PLH,
    .position = "Kepala Dinas Komunikasi dan Informatika Kota Surabaya",
    .reason = "Menyetujui dokumen",
    .location = "Surabaya",
    .signing_time = time,
    .qr_text = test->with_qr ? "https://verifikasi.example.go.id/d/7f3a9c2e41" : NULL,
    .image_width = test->with_image ? IMAGE_WIDTH : 0,
    .image_height = test->with_image ? IMAGE_HEIGHT : 0,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenAppearanceLayout) layout = NULL;
  g_autoptr(GBytes) appearance = NULL;
  g_autoptr(GBytes) pdf = NULL;
  PopplerDocument *document;
  PopplerPage *page;
  g_autofree char *text = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  const TekenAppearanceRect *area;

  layout = teken_appearance_layout_new (&spec, test->width, test->height, &error);
  g_assert_no_error (error);
  appearance = teken_signature_appearance_build (&spec, test->width, test->height, &error);
  g_assert_no_error (error);
  pdf = write_pdf (test, appearance);
  save_output (test->name, "pdf", pdf, NULL);

  document = poppler_document_new_from_bytes (pdf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (document), ==, 1);
  page = poppler_document_get_page (document, 0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, PAGE_WIDTH * SCALE, PAGE_HEIGHT * SCALE);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, SCALE, SCALE);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  save_output (test->name, "png", NULL, surface);

  /* Something is drawn in the box, and nothing at all outside it. */
  g_assert_cmpuint (count_ink (surface, test->x, test->y, test->width, test->height, TRUE), >, 100);
  g_assert_cmpuint (count_ink (surface, test->x, test->y, test->width, test->height, FALSE), ==, 0);

  /* The text is drawn where the layout put it. */
  area = &layout->text_area;
  g_assert_cmpuint (count_ink (surface, test->x + area->x, test->y + area->y,
                               area->width, area->height, TRUE), >, 100);
  if (test->with_qr)
    g_assert_cmpuint (count_ink (surface, test->x + layout->qr.x, test->y + layout->qr.y,
                                 layout->qr.width, layout->qr.height, TRUE), >, 100);
  if (test->with_image)
    g_assert_cmpuint (count_ink (surface, test->x + layout->image.x, test->y + layout->image.y,
                                 layout->image.width, layout->image.height, TRUE), >, 20);

  /* The reader decodes the WinAnsi bytes back to the same characters. */
  text = poppler_page_get_text (page);
  if (layout->truncated)
    {
      g_assert_true (g_str_has_prefix (text, "Ditand"));
      g_assert_nonnull (strstr (text, "…"));
    }
  else
    {
      g_assert_true (g_str_has_prefix (text, "Ditandatangani secara elektronik"));
      g_assert_nonnull (strstr (text, "Andé"));
      g_assert_nonnull (strstr (text, "(Ketua)"));
      g_assert_nonnull (strstr (text, "Micha?"));
      g_assert_nonnull (strstr (text, "Plh. Kepala Dinas"));
      g_assert_nonnull (strstr (text, "22 November 2026, 08:31 WIB"));
    }

  cairo_surface_destroy (surface);
  g_object_unref (page);
  g_object_unref (document);
}

static const RenderCase cases[] = {
  { "qr-image", 40, 90, 280, 90, TRUE, TRUE },
  { "qr", 60, 70, 240, 80, TRUE, FALSE },
  { "text", 80, 60, 200, 70, FALSE, FALSE },
  { "image", 60, 60, 240, 60, FALSE, TRUE },
  { "smallest", 100, 100, 36, 18, TRUE, TRUE },
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/appearance-render/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_render);
    }

  return g_test_run ();
}
