/* test-pdf-document.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The reader against the fixtures of tests/fixtures: files from our own
 * generator, cairo, qpdf, mutool, ghostscript and poppler, and broken ones.
 * manifest.json says what each file is; the reader must agree. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "teken-pdf-document.h"

static JsonArray *manifest;

static char *
fixture_path (const char *name)
{
  return g_build_filename (g_getenv ("TEKEN_TEST_FIXTURES"), name, NULL);
}

static void
assert_box (JsonArray    *expected,
            const double *actual,
            const char   *what)
{
  g_assert_cmpuint (json_array_get_length (expected), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      double value = json_array_get_double_element (expected, i);

      if (fabs (value - actual[i]) > 0.001)
        g_error ("%s[%u]: expected %g, read %g", what, i, value, actual[i]);
    }
}

static void
check_fixture (gconstpointer data)
{
  JsonObject *entry = (JsonObject *) data;
  const char *name = json_object_get_string_member (entry, "file");
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenPdfDocument) document = teken_pdf_document_new_for_path (path, &error);
  JsonArray *rotate = json_object_get_array_member (entry, "rotate");
  JsonArray *media = json_object_get_array_member (entry, "mediabox");
  JsonArray *crop = json_object_get_array_member (entry, "cropbox");
  const char *xref = json_object_get_string_member_with_default (entry, "xref", "");
  guint n;

  if (json_object_get_boolean_member (entry, "encrypted"))
    {
      g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_ENCRYPTED);
      /* The message names the file and says what to do. */
      g_assert_nonnull (strstr (error->message, name));
      g_assert_nonnull (strstr (error->message, "without a password"));
      return;
    }

  g_assert_no_error (error);
  g_assert_cmpuint (teken_pdf_document_get_n_pages (document), ==, json_object_get_int_member (entry, "pages"));

  for (guint i = 0; i < teken_pdf_document_get_n_pages (document); i++)
    {
      const TekenPdfPage *page = teken_pdf_document_get_page (document, i);

      g_assert_cmpint (page->rotate, ==, json_array_get_int_element (rotate, i));
      assert_box (json_array_get_array_element (media, i), page->media_box, "MediaBox");
      assert_box (json_array_get_array_element (crop, i), page->crop_box, "CropBox");
    }

  n = teken_pdf_document_get_n_revisions (document);
  g_assert_cmpuint (n, >=, 1);
  if (g_str_equal (xref, "stream"))
    g_assert_true (teken_pdf_document_get_revision (document, n - 1)->is_stream);
  else if (g_str_equal (xref, "table"))
    g_assert_false (teken_pdf_document_get_revision (document, n - 1)->is_stream);
  else if (g_str_equal (xref, "hybrid"))
    {
      g_assert_false (teken_pdf_document_get_revision (document, n - 1)->is_stream);
      g_assert_nonnull (teken_pdf_dict_get (teken_pdf_document_get_revision (document, n - 1)->trailer, "XRefStm"));
    }

  /* A linearized file has a first-page section of its own. */
  if (!json_object_get_boolean_member (entry, "linearized"))
    g_assert_cmpuint (n, ==, json_object_get_int_member (entry, "revisions"));

  for (guint i = 0; i < n; i++)
    g_assert_cmpint (teken_pdf_document_get_revision (document, i)->end, >, 0);
}

static void
check_broken (gconstpointer data)
{
  JsonObject *entry = (JsonObject *) data;
  const char *name = json_object_get_string_member (entry, "file");
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenPdfDocument) document = teken_pdf_document_new_for_path (path, &error);
  static const struct {
    const char *file;
    int code;
  } refused[] = {
    { "bad-not-pdf.pdf", TEKEN_PDF_ERROR_NOT_PDF },
    { "bad-empty.pdf", TEKEN_PDF_ERROR_NOT_PDF },
    { "bad-truncated.pdf", TEKEN_PDF_ERROR_DAMAGED },
    { "bad-startxref.pdf", TEKEN_PDF_ERROR_DAMAGED },
    { "bad-prev-loop.pdf", TEKEN_PDF_ERROR_DAMAGED },
    { "bad-kids-cycle.pdf", TEKEN_PDF_ERROR_DAMAGED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      if (g_str_equal (name, refused[i].file))
        {
          g_assert_null (document);
          g_assert_error (error, TEKEN_PDF_ERROR, refused[i].code);
          g_assert_nonnull (strstr (error->message, name));
          return;
        }
    }

  /* The others are broken somewhere the reader does not need to look
   * (a content stream, an unused object): reading the rest of the file
   * must still be safe, object by object. */
  if (document != NULL)
    {
      for (guint32 number = 0; number < teken_pdf_document_get_xref_size (document); number++)
        {
          g_autoptr(GError) object_error = NULL;
          g_autoptr(TekenPdfObject) object = teken_pdf_document_get_object (document, number, &object_error);

          g_assert_true ((object == NULL) == (object_error != NULL));
        }
    }
}

static void
test_display_geometry (void)
{
  g_autofree char *path = fixture_path ("hand-rotate.pdf");
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenPdfDocument) document = teken_pdf_document_new_for_path (path, &error);
  const TekenPdfPage *upright, *quarter;
  double width, height, rect[4];

  g_assert_no_error (error);
  upright = teken_pdf_document_get_page (document, 0);
  quarter = teken_pdf_document_get_page (document, 1);

  /* An A4 page: the top-left box 10,20 100×50 as shown. */
  teken_pdf_page_get_display_size (upright, &width, &height);
  g_assert_cmpfloat (width, ==, 595);
  g_assert_cmpfloat (height, ==, 842);
  teken_pdf_page_display_to_user (upright, 10, 20, 100, 50, rect);
  g_assert_cmpfloat (rect[0], ==, 10);
  g_assert_cmpfloat (rect[1], ==, 842 - 70);
  g_assert_cmpfloat (rect[2], ==, 110);
  g_assert_cmpfloat (rect[3], ==, 842 - 20);

  /* Turned a quarter clockwise, the page shows landscape and the box's
   * top-left corner is the user space's bottom-left. */
  g_assert_cmpint (quarter->rotate, ==, 90);
  teken_pdf_page_get_display_size (quarter, &width, &height);
  g_assert_cmpfloat (width, ==, 842);
  g_assert_cmpfloat (height, ==, 595);
  teken_pdf_page_display_to_user (quarter, 10, 20, 100, 50, rect);
  g_assert_cmpfloat (rect[0], ==, 20);
  g_assert_cmpfloat (rect[1], ==, 10);
  g_assert_cmpfloat (rect[2], ==, 70);
  g_assert_cmpfloat (rect[3], ==, 110);
}

static void
test_crop_box_offset (void)
{
  g_autofree char *path = fixture_path ("hand-boxes.pdf");
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenPdfDocument) document = teken_pdf_document_new_for_path (path, &error);
  const TekenPdfPage *page;
  double rect[4];

  g_assert_no_error (error);
  page = teken_pdf_document_get_page (document, 0);

  /* The origin is the top left of the crop box, not of the media box. */
  teken_pdf_page_display_to_user (page, 0, 0, 10, 10, rect);
  g_assert_cmpfloat (rect[0], ==, page->crop_box[0]);
  g_assert_cmpfloat (rect[3], ==, page->crop_box[3]);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  path = fixture_path ("manifest.json");
  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s", error->message);
  manifest = json_node_get_array (json_parser_get_root (parser));

  for (guint i = 0; i < json_array_get_length (manifest); i++)
    {
      JsonObject *entry = json_array_get_object_element (manifest, i);
      g_autofree char *test_path = g_strdup_printf ("/pdf-document/%s/%s",
                                                    json_object_get_boolean_member (entry, "valid") ? "reads" : "refuses",
                                                    json_object_get_string_member (entry, "file"));

      g_test_add_data_func (test_path, entry,
                            json_object_get_boolean_member (entry, "valid") ? check_fixture : check_broken);
    }

  g_test_add_func ("/pdf-document/display-geometry", test_display_geometry);
  g_test_add_func ("/pdf-document/crop-box-offset", test_crop_box_offset);

  return g_test_run ();
}
