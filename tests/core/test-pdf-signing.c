/* test-pdf-signing.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Signing every fixture, checked by tools nobody here wrote: qpdf --check,
 * pdfsig (with the test root in an NSS database) and mutool sign -v; the
 * visible signature rendered by poppler must sit inside its box. And every
 * bad input ends in a clear error with no file left behind. */

#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "teken-pdf-signing.h"
#include "teken-pkcs12-signer.h"

static char *work_dir;
static char *nss_dir;
static JsonArray *manifest;

/* Helpers */

static char *
pki_path (const char *name)
{
  return g_build_filename (g_getenv ("TEKEN_TEST_PKI"), name, NULL);
}

static char *
fixture_path (const char *name)
{
  return g_build_filename (g_getenv ("TEKEN_TEST_FIXTURES"), name, NULL);
}

static char *
output_path (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

static int
run (const char * const  *argv,
     char               **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err, &status, &error))
    g_error ("%s: %s", argv[0], error->message);

  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static TekenSigner *
load_signer (const char *who)
{
  g_autofree char *base = g_strconcat (who, ".p12", NULL);
  g_autofree char *pass_name = g_strconcat (who, ".pass", NULL);
  g_autofree char *p12 = pki_path (base);
  g_autofree char *pass_path = pki_path (pass_name);
  g_autofree char *password = NULL;
  g_autoptr(TekenSecret) secret = NULL;
  g_autoptr(GError) error = NULL;
  TekenPkcs12Signer *signer;

  g_assert_true (g_file_get_contents (pass_path, &password, NULL, NULL));
  g_strchomp (password);
  secret = teken_secret_new (password, -1);
  signer = teken_pkcs12_signer_new_from_file (p12, secret, &error);
  g_assert_no_error (error);

  return TEKEN_SIGNER (signer);
}

static void
options_init (TekenPdfSignOptions *options,
              gboolean             visible)
{
  memset (options, 0, sizeof *options);
  options->visible = visible;
  options->x = 36;
  options->y = 36;
  options->width = 200;
  options->height = 60;
  options->reason = "Persetujuan dokumen";
  options->location = "Kota Contoh";
  options->qr_text = "https://teken.example.go.id/v/123";
}

static gboolean
sign (const char                *input,
      const char                *output,
      const TekenPdfSignOptions *options,
      const char                *who,
      GError                   **error)
{
  g_autoptr(TekenPdfDocument) document = teken_pdf_document_new_for_path (input, error);
  g_autoptr(TekenSigner) signer = NULL;

  if (document == NULL)
    return FALSE;

  signer = load_signer (who);

  return teken_pdf_sign (document, output, options, signer, NULL, error);
}

/* Nothing is left in the work directory but the files the test expects:
 * no output after a failure, no temporary file ever. */
static void
assert_no_leftovers (const char *output)
{
  g_autoptr(GDir) dir = g_dir_open (work_dir, 0, NULL);
  const char *name;

  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, "."));
}

static guint
count_lines (const char *text,
             const char *needle)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;

  return n;
}

/* The checks of other people's tools, for a file with @n_signatures, all
 * ours and all made with certificates under the test root. */
static void
check_with_tools (const char *path,
                  guint       n_signatures)
{
  g_autofree char *nssdb = g_strconcat ("sql:", nss_dir, NULL);
  const char *qpdf[] = { "qpdf", "--check", path, NULL };
  const char *pdfsig[] = { "pdfsig", "-nssdir", nssdb, path, NULL };
  const char *mutool[] = { "mutool", "sign", "-v", path, NULL };
  g_autofree char *qpdf_out = NULL;
  g_autofree char *pdfsig_out = NULL;
  g_autofree char *mutool_out = NULL;
  const char *last;

  g_assert_cmpint (run (qpdf, &qpdf_out), ==, 0);

  run (pdfsig, &pdfsig_out);
  g_assert_cmpuint (count_lines (pdfsig_out, "Signature Validation: Signature is Valid."), ==, n_signatures);
  g_assert_cmpuint (count_lines (pdfsig_out, "Signature #"), ==, n_signatures);
  /* The newest signature covers the whole file and chains to the root. */
  last = g_strrstr (pdfsig_out, "Signature #");
  g_assert_nonnull (strstr (last, "Total document signed"));
  g_assert_nonnull (strstr (last, "Certificate Validation: Certificate is Trusted."));

  g_assert_cmpint (run (mutool, &mutool_out), ==, 0);
  g_assert_cmpuint (count_lines (mutool_out, "The document is unchanged since signing."), ==, 1);
  g_assert_null (strstr (mutool_out, "not valid"));
  g_assert_null (strstr (mutool_out, "Digest error"));
}

static cairo_surface_t *
render_page (const char *path,
             guint       index)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  /* poppler 22.12 has no g_autoptr support. */
  g_autoptr(GObject) document = G_OBJECT (poppler_document_new_from_file (uri, NULL, &error));
  g_autoptr(GObject) page = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double width, height;

  g_assert_no_error (error);
  page = G_OBJECT (poppler_document_get_page (POPPLER_DOCUMENT (document), index));
  poppler_page_get_size (POPPLER_PAGE (page), &width, &height);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, ceil (width), ceil (height));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  poppler_page_render (POPPLER_PAGE (page), cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

/* Renders the page before and after signing: the pixels that changed must
 * all lie in the signature box (one point of slack for antialiasing), and
 * some must. */
static void
check_rendering (const char                *original,
                 const char                *signed_path,
                 const TekenPdfSignOptions *options,
                 const char                *screenshot_name)
{
  cairo_surface_t *before = render_page (original, options->page);
  cairo_surface_t *after = render_page (signed_path, options->page);
  int width = cairo_image_surface_get_width (after);
  int height = cairo_image_surface_get_height (after);
  int stride = cairo_image_surface_get_stride (after);
  const guint8 *a = cairo_image_surface_get_data (before);
  const guint8 *b = cairo_image_surface_get_data (after);
  guint inside = 0, outside = 0;
  const char *dir = g_getenv ("TEKEN_SCREENSHOT_DIR");

  g_assert_cmpint (width, ==, cairo_image_surface_get_width (before));
  g_assert_cmpint (height, ==, cairo_image_surface_get_height (before));

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        if (memcmp (a + y * stride + 4 * x, b + y * stride + 4 * x, 4) == 0)
          continue;
        if (x >= floor (options->x) - 1 && x <= ceil (options->x + options->width) + 1 &&
            y >= floor (options->y) - 1 && y <= ceil (options->y + options->height) + 1)
          inside++;
        else
          outside++;
      }

  if (dir != NULL)
    {
      g_autofree char *png = g_strconcat (screenshot_name, ".png", NULL);
      g_autofree char *path = g_build_filename (dir, png, NULL);

      g_mkdir_with_parents (dir, 0755);
      g_assert_cmpint (cairo_surface_write_to_png (after, path), ==, CAIRO_STATUS_SUCCESS);
    }

  cairo_surface_destroy (before);
  cairo_surface_destroy (after);

  g_assert_cmpuint (outside, ==, 0);
  g_assert_cmpuint (inside, >, 200);
}

/* Tests */

static void
test_sign_fixture (gconstpointer data)
{
  JsonObject *entry = (JsonObject *) data;
  const char *name = json_object_get_string_member (entry, "file");
  guint n_existing = json_object_get_boolean_member (entry, "signed") ? 1 : 0;
  g_autofree char *input = fixture_path (name);
  g_autofree char *visible = g_strdup_printf ("%s/visible-%s", work_dir, name);
  g_autofree char *invisible = g_strdup_printf ("%s/invisible-%s", work_dir, name);
  g_autofree char *twice = g_strdup_printf ("%s/twice-%s", work_dir, name);
  g_autofree char *screenshot = g_strdup_printf ("signed-%s", name);
  g_autoptr(GError) error = NULL;
  TekenPdfSignOptions options;

  options_init (&options, TRUE);
  g_assert_true (sign (input, visible, &options, "budi", &error));
  g_assert_no_error (error);
  check_with_tools (visible, n_existing + 1);
  check_rendering (input, visible, &options, screenshot);

  options_init (&options, FALSE);
  g_assert_true (sign (input, invisible, &options, "budi", &error));
  g_assert_no_error (error);
  check_with_tools (invisible, n_existing + 1);

  /* A second signer on top: both signatures stay valid. */
  options_init (&options, FALSE);
  g_assert_true (sign (visible, twice, &options, "siti", &error));
  g_assert_no_error (error);
  check_with_tools (twice, n_existing + 2);
}

static void
test_every_rotation (void)
{
  g_autofree char *input = fixture_path ("hand-rotate.pdf");
  g_autoptr(GError) error = NULL;
  TekenPdfSignOptions options;

  options_init (&options, TRUE);
  for (guint page = 0; page < 5; page++)
    {
      g_autofree char *name = g_strdup_printf ("rotate-page-%u.pdf", page + 1);
      g_autofree char *screenshot = g_strdup_printf ("signed-rotate-page-%u", page + 1);
      g_autofree char *path = output_path (name);

      options.page = page;
      options.x = 50 + 20 * page;
      options.y = 80;
      g_assert_true (sign (input, path, &options, "budi", &error));
      g_assert_no_error (error);
      check_rendering (input, path, &options, screenshot);
    }
}

static void
test_pkcs7_subfilter_and_fields (void)
{
  g_autofree char *input = fixture_path ("hand-signed.pdf");
  g_autofree char *output = output_path ("pkcs7.pdf");
  g_autofree char *again = output_path ("pkcs7-again.pdf");
  g_autofree char *nssdb = g_strconcat ("sql:", nss_dir, NULL);
  const char *pdfsig[] = { "pdfsig", "-nssdir", nssdb, output, NULL };
  g_autofree char *pdfsig_out = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  TekenPdfSignOptions options;
  gsize length;

  options_init (&options, FALSE);
  options.subfilter = TEKEN_PDF_SUBFILTER_PKCS7;
  g_assert_true (sign (input, output, &options, "dewi", &error));
  g_assert_no_error (error);

  run (pdfsig, &pdfsig_out);
  g_assert_nonnull (strstr (g_strrstr (pdfsig_out, "Signature #"), "Signature Type: adbe.pkcs7.detached"));

  /* The existing Signature1 is kept and the new field gets the next name. */
  document = teken_pdf_document_new_for_path (output, &error);
  g_assert_no_error (error);
  fields = teken_pdf_document_get_fields (document, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fields->len, ==, 2);
  g_assert_cmpstr (((TekenPdfField *) fields->pdata[0])->name, ==, "Signature1");
  g_assert_cmpstr (((TekenPdfField *) fields->pdata[1])->name, ==, "Signature2");
  g_assert_true (((TekenPdfField *) fields->pdata[1])->is_signed);

  /* /ByteRange comes before /Contents, and the form says signatures exist. */
  g_assert_true (g_file_get_contents (output, &contents, &length, NULL));
  {
    const char *signature = g_strrstr_len (contents, length, "/Type /Sig");

    g_assert_nonnull (signature);
    g_assert_true (strstr (signature, "/ByteRange") < strstr (signature, "/Contents"));
    g_assert_nonnull (g_strrstr_len (contents, length, "/SigFlags 3"));
  }

  /* A name that is taken is refused. */
  options.field_name = "Signature1";
  g_assert_false (sign (output, again, &options, "budi", &error));
  g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_INVALID_ARGUMENT);
  assert_no_leftovers (again);
}

static void
test_broken_inputs (void)
{
  g_autofree char *output = output_path ("never.pdf");

  for (guint i = 0; i < json_array_get_length (manifest); i++)
    {
      JsonObject *entry = json_array_get_object_element (manifest, i);
      const char *name = json_object_get_string_member (entry, "file");
      g_autofree char *input = fixture_path (name);
      g_autoptr(GError) error = NULL;
      TekenPdfSignOptions options;

      if (json_object_get_boolean_member (entry, "valid") && !json_object_get_boolean_member (entry, "encrypted"))
        continue;
      /* Broken only where signing never looks (a content stream, an
       * unreferenced object): signing these is right. */
      if (g_str_equal (name, "bad-length.pdf") || g_str_equal (name, "bad-deep-nesting.pdf"))
        continue;

      options_init (&options, TRUE);
      g_assert_false (sign (input, output, &options, "budi", &error));
      g_assert_nonnull (error);
      g_test_message ("%s: %s", name, error->message);
      assert_no_leftovers (output);
    }
}

static void
test_bad_requests (void)
{
  g_autofree char *input = fixture_path ("hand-minimal.pdf");
  g_autofree char *output = output_path ("refused.pdf");
  g_autofree char *existing = output_path ("existing.pdf");
  g_autofree char *missing_dir = g_build_filename (work_dir, "no-such-dir", "out.pdf", NULL);
  g_autofree char *kept = NULL;
  TekenPdfSignOptions options;

  {
    g_autoptr(GError) error = NULL;

    options_init (&options, TRUE);
    options.page = 98;
    g_assert_false (sign (input, output, &options, "budi", &error));
    g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "no page 99"));
    assert_no_leftovers (output);
  }

  {
    g_autoptr(GError) error = NULL;

    options_init (&options, TRUE);
    options.x = 500;
    g_assert_false (sign (input, output, &options, "budi", &error));
    g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_INVALID_ARGUMENT);
    assert_no_leftovers (output);
  }

  {
    g_autoptr(GError) error = NULL;

    /* An existing file is never overwritten. */
    g_assert_true (g_file_set_contents (existing, "keep me", -1, NULL));
    options_init (&options, FALSE);
    g_assert_false (sign (input, existing, &options, "budi", &error));
    g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO);
    g_assert_true (g_file_get_contents (existing, &kept, NULL, NULL));
    g_assert_cmpstr (kept, ==, "keep me");
    g_unlink (existing);
  }

  {
    g_autoptr(GError) error = NULL;

    options_init (&options, FALSE);
    g_assert_false (sign (input, missing_dir, &options, "budi", &error));
    g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO);
    assert_no_leftovers (output);
  }
}

/* A signer that misbehaves: its CMS is far larger than it announced, or
 * its signature value is corrupt while the messageDigest is right. */
#define BLOATED_TYPE_SIGNER (bloated_signer_get_type ())
G_DECLARE_FINAL_TYPE (BloatedSigner, bloated_signer, BLOATED, SIGNER, GObject)

struct _BloatedSigner
{
  GObject      parent_instance;
  TekenSigner *inner;
  gboolean     corrupt;
};

static void bloated_signer_iface_init (TekenSignerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BloatedSigner, bloated_signer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEKEN_TYPE_SIGNER, bloated_signer_iface_init))

static GBytes *
bloated_get_certificate (TekenSigner *signer)
{
  return teken_signer_get_certificate (BLOATED_SIGNER (signer)->inner);
}

static gsize
bloated_estimate_size (TekenSigner *signer)
{
  return BLOATED_SIGNER (signer)->corrupt ? teken_signer_estimate_size (BLOATED_SIGNER (signer)->inner) : 16;
}

static void
bloated_sign_digest_async (TekenSigner         *signer,
                           GBytes              *digest,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (signer, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cms = teken_signer_sign_digest (BLOATED_SIGNER (signer)->inner, digest, cancellable, &error);
  g_autoptr(GByteArray) bloated = g_byte_array_new ();

  g_assert_no_error (error);
  g_byte_array_append (bloated, g_bytes_get_data (cms, NULL), g_bytes_get_size (cms));
  /* The signature value is the last thing in a CMS without unsigned
   * attributes: flipping its last byte breaks only the signature. */
  if (BLOATED_SIGNER (signer)->corrupt)
    bloated->data[bloated->len - 1] ^= 0x01;
  else
    g_byte_array_set_size (bloated, bloated->len + 2 * TEKEN_PDF_SIGNATURE_EXTRA_ROOM);
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&bloated)), (GDestroyNotify) g_bytes_unref);
}

static GBytes *
bloated_sign_digest_finish (TekenSigner   *signer,
                            GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
bloated_signer_iface_init (TekenSignerInterface *iface)
{
  iface->get_certificate = bloated_get_certificate;
  iface->estimate_size = bloated_estimate_size;
  iface->sign_digest_async = bloated_sign_digest_async;
  iface->sign_digest_finish = bloated_sign_digest_finish;
}

static void
bloated_signer_finalize (GObject *object)
{
  g_clear_object (&BLOATED_SIGNER (object)->inner);
  G_OBJECT_CLASS (bloated_signer_parent_class)->finalize (object);
}

static void
bloated_signer_class_init (BloatedSignerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bloated_signer_finalize;
}

static void
bloated_signer_init (BloatedSigner *self)
{
}

static void
test_placeholder_too_small (void)
{
  g_autofree char *input = fixture_path ("hand-minimal.pdf");
  g_autofree char *output = output_path ("too-small.pdf");
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(BloatedSigner) signer = g_object_new (BLOATED_TYPE_SIGNER, NULL);
  g_autoptr(GError) error = NULL;
  TekenPdfSignOptions options;

  signer->inner = load_signer ("budi");
  document = teken_pdf_document_new_for_path (input, &error);
  g_assert_no_error (error);

  options_init (&options, FALSE);
  g_assert_false (teken_pdf_sign (document, output, &options, TEKEN_SIGNER (signer), NULL, &error));
  g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "larger than the space reserved"));
  assert_no_leftovers (output);
}

static void
test_own_verification_catches_a_bad_signature (void)
{
  g_autofree char *input = fixture_path ("hand-minimal.pdf");
  g_autofree char *output = output_path ("corrupt.pdf");
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(BloatedSigner) signer = g_object_new (BLOATED_TYPE_SIGNER, NULL);
  g_autoptr(GError) error = NULL;
  TekenPdfSignOptions options;

  signer->inner = load_signer ("budi");
  signer->corrupt = TRUE;
  document = teken_pdf_document_new_for_path (input, &error);
  g_assert_no_error (error);

  options_init (&options, FALSE);
  g_assert_false (teken_pdf_sign (document, output, &options, TEKEN_SIGNER (signer), NULL, &error));
  g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "did not pass its own verification"));
  assert_no_leftovers (output);
}

static void
test_original_untouched (void)
{
  g_autofree char *input = fixture_path ("cairo-a4.pdf");
  g_autofree char *output = output_path ("untouched.pdf");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *signed_bytes = NULL;
  gsize before_length, after_length, signed_length;
  g_autoptr(GError) error = NULL;
  TekenPdfSignOptions options;

  g_assert_true (g_file_get_contents (input, &before, &before_length, NULL));
  options_init (&options, TRUE);
  g_assert_true (sign (input, output, &options, "budi", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (input, &after, &after_length, NULL));
  g_assert_true (g_file_get_contents (output, &signed_bytes, &signed_length, NULL));

  /* The original is as it was, and the signed file starts with it. */
  g_assert_cmpmem (before, before_length, after, after_length);
  g_assert_cmpuint (signed_length, >, before_length);
  g_assert_cmpmem (before, before_length, signed_bytes, before_length);
}

/* The preview is the update signing appends, its signature value aside:
 * what the holder sees before signing is what gets signed. */
static void
test_preview_is_what_gets_signed (void)
{
  g_autofree char *input = fixture_path ("hand-rotate.pdf");
  g_autofree char *output = output_path ("previewed.pdf");
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(TekenSigner) signer = load_signer ("budi");
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 ("2026-03-05T10:00:00+07:00", NULL);
  g_autoptr(GBytes) preview = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *original = NULL;
  g_autofree char *signed_bytes = NULL;
  g_autofree char *holder = NULL;
  gsize original_length, signed_length, preview_length, differing = 0;
  const guint8 *update;
  const char *trailer;
  TekenPdfSignOptions options;

  options_init (&options, TRUE);
  options.page = 1;   /* turned 90 degrees */
  options.signing_time = when;

  document = teken_pdf_document_new_for_path (input, &error);
  g_assert_no_error (error);
  preview = teken_pdf_sign_preview (document, &options, signer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (preview);
  g_assert_true (teken_pdf_sign (document, output, &options, signer, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (input, &original, &original_length, NULL));
  g_assert_true (g_file_get_contents (output, &signed_bytes, &signed_length, NULL));
  update = g_bytes_get_data (preview, &preview_length);
  g_assert_cmpuint (signed_length, ==, original_length + preview_length);

  /* Byte for byte the same but for the hex digits of /Contents, up to the
   * trailer, whose /ID is new on every write. */
  trailer = g_strrstr_len ((const char *) update, preview_length, "/ID");
  g_assert_nonnull (trailer);
  for (gsize i = 0; i < (gsize) (trailer - (const char *) update); i++)
    if (update[i] != (guint8) signed_bytes[original_length + i])
      {
        g_assert_true (update[i] == '0');
        g_assert_true (g_ascii_isxdigit (signed_bytes[original_length + i]));
        differing++;
      }
  g_assert_cmpuint (differing, >, 1000);

  holder = teken_signer_dup_holder_name (signer);
  g_assert_cmpstr (holder, ==, "Budi Santoso");
}

/* The first phase alone leaves nothing behind: not the output, not the
 * temporary file, whether abandoned or just freed. */
static void
test_prepare_and_abandon (void)
{
  g_autofree char *input = fixture_path ("cairo-a4.pdf");
  g_autofree char *output = output_path ("abandoned.pdf");
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(TekenSigner) signer = load_signer ("budi");
  g_autoptr(GError) error = NULL;
  TekenPdfPreparedSignature *prepared;
  TekenPdfSignOptions options;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint temporaries = 0;

  document = teken_pdf_document_new_for_path (input, &error);
  g_assert_no_error (error);
  options_init (&options, TRUE);

  prepared = teken_pdf_sign_prepare (document, output, &options, signer, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (prepared);
  g_assert_cmpuint (g_bytes_get_size (teken_pdf_prepared_signature_get_digest (prepared)), ==, 32);
  g_assert_cmpstr (teken_pdf_prepared_signature_get_output_path (prepared), ==, output);

  /* Prepared: the temporary file is there, the output is not. */
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  dir = g_dir_open (work_dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    temporaries += g_str_has_prefix (name, ".abandoned.pdf.");
  g_assert_cmpuint (temporaries, ==, 1);

  teken_pdf_sign_abandon (prepared);
  assert_no_leftovers (output);
  teken_pdf_sign_abandon (prepared);
  teken_pdf_prepared_signature_free (prepared);
  assert_no_leftovers (output);

  /* Freed without a word: abandoned too. */
  prepared = teken_pdf_sign_prepare (document, output, &options, signer, NULL, &error);
  g_assert_no_error (error);
  teken_pdf_prepared_signature_free (prepared);
  assert_no_leftovers (output);

  /* A request that cannot be prepared leaves nothing either. */
  options.page = 7;
  g_assert_null (teken_pdf_sign_prepare (document, output, &options, signer, NULL, &error));
  g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_INVALID_ARGUMENT);
  assert_no_leftovers (output);
}

/* Two documents prepared, their digests signed together, each completed:
 * what a batch does. A CMS for the other document is refused, and an output
 * that appeared meanwhile is not overwritten; neither leaves a file. */
static void
test_prepare_and_complete (void)
{
  g_autofree char *input_a = fixture_path ("cairo-a4.pdf");
  g_autofree char *input_b = fixture_path ("hand-rotate.pdf");
  g_autofree char *output_a = output_path ("completed-a.pdf");
  g_autofree char *output_b = output_path ("completed-b.pdf");
  g_autofree char *taken = output_path ("taken.pdf");
  g_autofree char *swapped = output_path ("swapped.pdf");
  g_autoptr(TekenPdfDocument) document_a = NULL;
  g_autoptr(TekenPdfDocument) document_b = NULL;
  g_autoptr(TekenSigner) signer = load_signer ("budi");
  g_autoptr(TekenPdfPreparedSignature) a = NULL;
  g_autoptr(TekenPdfPreparedSignature) b = NULL;
  g_autoptr(TekenPdfPreparedSignature) c = NULL;
  g_autoptr(TekenPdfPreparedSignature) d = NULL;
  g_autoptr(GBytes) cms_a = NULL;
  g_autoptr(GBytes) cms_b = NULL;
  g_autoptr(GBytes) cms_c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  TekenPdfSignOptions options;

  document_a = teken_pdf_document_new_for_path (input_a, &error);
  g_assert_no_error (error);
  document_b = teken_pdf_document_new_for_path (input_b, &error);
  g_assert_no_error (error);
  options_init (&options, TRUE);

  a = teken_pdf_sign_prepare (document_a, output_a, &options, signer, NULL, &error);
  g_assert_no_error (error);
  b = teken_pdf_sign_prepare (document_b, output_b, &options, signer, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (teken_pdf_prepared_signature_get_digest (a),
                                 teken_pdf_prepared_signature_get_digest (b)));

  cms_a = teken_signer_sign_digest (signer, teken_pdf_prepared_signature_get_digest (a), NULL, &error);
  g_assert_no_error (error);
  cms_b = teken_signer_sign_digest (signer, teken_pdf_prepared_signature_get_digest (b), NULL, &error);
  g_assert_no_error (error);

  g_assert_true (teken_pdf_sign_complete (b, cms_b, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (teken_pdf_sign_complete (a, cms_a, NULL, &error));
  g_assert_no_error (error);
  check_with_tools (output_a, 1);
  check_with_tools (output_b, 1);

  /* The other document's signature. */
  c = teken_pdf_sign_prepare (document_a, swapped, &options, signer, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (teken_pdf_sign_complete (c, cms_b, NULL, &error));
  g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "different content"));
  g_clear_error (&error);
  assert_no_leftovers (swapped);

  /* Someone else's file appears at the output while the CA signs. */
  d = teken_pdf_sign_prepare (document_a, taken, &options, signer, NULL, &error);
  g_assert_no_error (error);
  cms_c = teken_signer_sign_digest (signer, teken_pdf_prepared_signature_get_digest (d), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (taken, "mine", -1, NULL));
  g_assert_false (teken_pdf_sign_complete (d, cms_c, NULL, &error));
  g_assert_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "already exists"));
  g_assert_true (g_file_get_contents (taken, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "mine");
  g_unlink (taken);
  assert_no_leftovers (taken);
}

/* The presets on pages of every orientation: the box fits the page as
 * shown, sits in its corner, and the signature drawn lands inside it. */
static void
test_placement (void)
{
  static const struct {
    const char        *name;
    TekenPdfPlacement  placement;
  } presets[] = {
    { "last-bottom-right", TEKEN_PDF_PLACEMENT_LAST_BOTTOM_RIGHT },
    { "last-bottom-left", TEKEN_PDF_PLACEMENT_LAST_BOTTOM_LEFT },
    { "first-top-right", TEKEN_PDF_PLACEMENT_FIRST_TOP_RIGHT },
    { "first-bottom-right", TEKEN_PDF_PLACEMENT_FIRST_BOTTOM_RIGHT },
  };
  static const char * const inputs[] = { "hand-rotate.pdf", "mutool-create.pdf", "cairo-a4.pdf" };
  g_autoptr(GError) error = NULL;
  TekenPdfSignOptions options;
  double x, y, width, height;

  g_assert_cmpint (teken_pdf_placement_from_string ("invisible"), ==, TEKEN_PDF_PLACEMENT_INVISIBLE);
  g_assert_cmpint (teken_pdf_placement_from_string ("nowhere"), ==, TEKEN_PDF_PLACEMENT_INVISIBLE);
  g_assert_cmpuint (teken_pdf_placement_get_page (TEKEN_PDF_PLACEMENT_LAST_BOTTOM_LEFT, 5), ==, 4);
  g_assert_cmpuint (teken_pdf_placement_get_page (TEKEN_PDF_PLACEMENT_FIRST_TOP_RIGHT, 5), ==, 0);

  /* A page smaller than box and margins: the box shrinks to fit. */
  teken_pdf_placement_get_box (TEKEN_PDF_PLACEMENT_LAST_BOTTOM_RIGHT, 100, 50, &x, &y, &width, &height);
  g_assert_cmpfloat (x, >=, 0);
  g_assert_cmpfloat (y, >=, 0);
  g_assert_cmpfloat (x + width, <=, 100);
  g_assert_cmpfloat (y + height, <=, 50);
  g_assert_cmpfloat (width, >, 0);
  g_assert_cmpfloat (height, >, 0);

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    for (guint j = 0; j < G_N_ELEMENTS (presets); j++)
      {
        g_autofree char *input = fixture_path (inputs[i]);
        g_autofree char *name = g_strdup_printf ("placed-%s-%s", presets[j].name, inputs[i]);
        g_autofree char *screenshot = g_strdup_printf ("signed-placed-%s-%s", presets[j].name, inputs[i]);
        g_autofree char *path = output_path (name);
        g_autoptr(TekenPdfDocument) document = teken_pdf_document_new_for_path (input, &error);
        g_autoptr(TekenSigner) signer = load_signer ("budi");
        guint n_pages;
        double page_width, page_height;

        g_assert_no_error (error);
        g_assert_cmpint (teken_pdf_placement_from_string (presets[j].name), ==, presets[j].placement);
        g_assert_cmpstr (teken_pdf_placement_to_string (presets[j].placement), ==, presets[j].name);

        options_init (&options, FALSE);
        g_assert_true (teken_pdf_sign_options_place (&options, document, presets[j].placement, &error));
        g_assert_no_error (error);
        g_assert_true (options.visible);
        n_pages = teken_pdf_document_get_n_pages (document);
        g_assert_cmpuint (options.page, ==, g_str_has_prefix (presets[j].name, "last") ? n_pages - 1 : 0);

        teken_pdf_page_get_display_size (teken_pdf_document_get_page (document, options.page),
                                         &page_width, &page_height);
        g_assert_cmpfloat (options.width, ==, TEKEN_PDF_SIGNATURE_BOX_WIDTH);
        g_assert_cmpfloat (options.height, ==, TEKEN_PDF_SIGNATURE_BOX_HEIGHT);
        g_assert_cmpfloat_with_epsilon (options.y, strstr (presets[j].name, "top") ? 36 : page_height - 36 - options.height, 0.01);
        g_assert_cmpfloat_with_epsilon (options.x, strstr (presets[j].name, "left") ? 36 : page_width - 36 - options.width, 0.01);

        g_assert_true (teken_pdf_sign (document, path, &options, signer, NULL, &error));
        g_assert_no_error (error);
        check_rendering (input, path, &options, screenshot);
      }

  {
    g_autofree char *input = fixture_path ("cairo-a4.pdf");
    g_autoptr(TekenPdfDocument) document = teken_pdf_document_new_for_path (input, &error);

    options_init (&options, TRUE);
    g_assert_true (teken_pdf_sign_options_place (&options, document, TEKEN_PDF_PLACEMENT_INVISIBLE, &error));
    g_assert_false (options.visible);
    g_assert_cmpuint (options.page, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *root = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  work_dir = g_dir_make_tmp ("teken-signing-XXXXXX", &error);
  g_assert_no_error (error);
  nss_dir = g_build_filename (work_dir, "nssdb", NULL);
  g_mkdir (nss_dir, 0700);
  root = pki_path ("root.pem");
  {
    g_autofree char *db = g_strconcat ("sql:", nss_dir, NULL);
    const char *create[] = { "certutil", "-N", "-d", db, "--empty-password", NULL };
    const char *add[] = { "certutil", "-A", "-d", db, "-n", "Teken Test Root", "-t", "CT,C,C", "-i", root, NULL };

    g_assert_cmpint (run (create, NULL), ==, 0);
    g_assert_cmpint (run (add, NULL), ==, 0);
  }

  manifest_path = fixture_path ("manifest.json");
  if (!json_parser_load_from_file (parser, manifest_path, &error))
    g_error ("%s", error->message);
  manifest = json_node_get_array (json_parser_get_root (parser));

  for (guint i = 0; i < json_array_get_length (manifest); i++)
    {
      JsonObject *entry = json_array_get_object_element (manifest, i);
      g_autofree char *path = NULL;

      if (!json_object_get_boolean_member (entry, "valid") || json_object_get_boolean_member (entry, "encrypted"))
        continue;
      path = g_strdup_printf ("/pdf-signing/fixture/%s", json_object_get_string_member (entry, "file"));
      g_test_add_data_func (path, entry, test_sign_fixture);
    }

  g_test_add_func ("/pdf-signing/every-rotation", test_every_rotation);
  g_test_add_func ("/pdf-signing/pkcs7-and-fields", test_pkcs7_subfilter_and_fields);
  g_test_add_func ("/pdf-signing/broken-inputs", test_broken_inputs);
  g_test_add_func ("/pdf-signing/bad-requests", test_bad_requests);
  g_test_add_func ("/pdf-signing/placeholder-too-small", test_placeholder_too_small);
  g_test_add_func ("/pdf-signing/own-verification", test_own_verification_catches_a_bad_signature);
  g_test_add_func ("/pdf-signing/original-untouched", test_original_untouched);
  g_test_add_func ("/pdf-signing/preview", test_preview_is_what_gets_signed);
  g_test_add_func ("/pdf-signing/prepare-and-abandon", test_prepare_and_abandon);
  g_test_add_func ("/pdf-signing/prepare-and-complete", test_prepare_and_complete);
  g_test_add_func ("/pdf-signing/placement", test_placement);

  status = g_test_run ();

  {
    const char *remove[] = { "rm", "-rf", work_dir, NULL };

    if (status == 0)
      run (remove, NULL);
  }

  return status;
}
