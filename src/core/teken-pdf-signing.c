/* teken-pdf-signing.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Signing a PDF (ISO 32000-1 12.8, ETSI EN 319 142-1 for PAdES):
 *
 *  1. prepare an incremental update with the signature dictionary (its
 *     /Contents a zero-filled placeholder), the widget and its appearance,
 *     the page's /Annots and the form's /Fields;
 *  2. copy the original into a temporary file beside the output while
 *     hashing it, then append the update, hashing all but the placeholder;
 *  3. ask the signer for a CMS over that digest, check it, write it into the
 *     placeholder, read the file back with our own verifier, fsync, and
 *     link it into place.
 *
 * Memory stays flat whatever the file size, the original is only read, and
 * a failure at any step removes the temporary file.
 *
 * Steps 1-2 (teken_pdf_sign_prepare()) and 3 (teken_pdf_sign_complete())
 * are also public on their own, so that a batch can prepare every document,
 * send all the digests to the CA at once, then complete each.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string.h>
#include <unistd.h>

#include "teken-cms.h"
#include "teken-pdf-filter.h"
#include "teken-pdf-parser.h"
#include "teken-pdf-signing.h"
#include "teken-pdf-update.h"
#include "teken-pdf-verifier.h"
#include "teken-x509-private.h"

#define COPY_CHUNK       (1u << 20)
#define BYTE_RANGE_WIDTH 64

typedef struct
{
  char    *field_name;
  GBytes  *update;
  goffset  byte_range_offset;   /* of "[" in the output */
  goffset  contents_offset;     /* of "<" in the output */
  gsize    contents_length;     /* "<" to ">" inclusive */
} Prepared;

static void
prepared_clear (Prepared *prepared)
{
  g_clear_pointer (&prepared->update, g_bytes_unref);
  g_clear_pointer (&prepared->field_name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Prepared, prepared_clear)

static char *
get_common_name (GBytes *certificate)
{
  const guint8 *der = g_bytes_get_data (certificate, NULL);
  g_autoptr(X509) x509 = d2i_X509 (NULL, &der, g_bytes_get_size (certificate));

  return x509 != NULL ? teken_x509_get_display_name (x509) : NULL;
}

/* D:YYYYMMDDHHmmSS+HH'mm' (7.9.4) */
static char *
format_pdf_date (GDateTime *time)
{
  g_autofree char *base = g_date_time_format (time, "D:%Y%m%d%H%M%S");
  gint64 offset = g_date_time_get_utc_offset (time) / G_TIME_SPAN_MINUTE;

  return g_strdup_printf ("%s%c%02d'%02d'", base, offset < 0 ? '-' : '+',
                          (int) (ABS (offset) / 60), (int) (ABS (offset) % 60));
}

static char *
choose_field_name (TekenPdfDocument           *document,
                   const TekenPdfSignOptions  *options,
                   GError                    **error)
{
  g_autoptr(GPtrArray) fields = teken_pdf_document_get_fields (document, error);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  if (fields == NULL)
    return NULL;

  for (guint i = 0; i < fields->len; i++)
    g_hash_table_add (names, ((TekenPdfField *) g_ptr_array_index (fields, i))->name);

  if (options->field_name != NULL)
    {
      if (*options->field_name == '\0' || strchr (options->field_name, '.') != NULL)
        {
          g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_INVALID_ARGUMENT,
                       _("“%s” cannot be a field name. Use letters and digits, without dots."),
                       options->field_name);
          return NULL;
        }
      if (g_hash_table_contains (names, options->field_name))
        {
          g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_INVALID_ARGUMENT,
                       _("The document already has a field named “%s”. Choose another name."),
                       options->field_name);
          return NULL;
        }
      return g_strdup (options->field_name);
    }

  for (guint n = 1; ; n++)
    {
      g_autofree char *name = g_strdup_printf ("Signature%u", n);

      if (!g_hash_table_contains (names, name))
        return g_steal_pointer (&name);
    }
}

static TekenPdfObject *
number_array (const double *values,
              guint         n)
{
  TekenPdfObject *array = teken_pdf_array_new ();

  for (guint i = 0; i < n; i++)
    teken_pdf_array_append (array, teken_pdf_real_new (values[i]));

  return array;
}

static guint32
add_image (TekenPdfUpdate *update,
           TekenImage     *image)
{
  static const char *color_spaces[] = { NULL, "DeviceGray", NULL, "DeviceRGB", "DeviceCMYK" };
  TekenPdfObject *dict = teken_pdf_dict_new ();
  guint components = teken_image_get_components (image);
  guint32 number = teken_pdf_update_reserve (update);

  teken_pdf_dict_set (dict, "Type", teken_pdf_name_new ("XObject"));
  teken_pdf_dict_set (dict, "Subtype", teken_pdf_name_new ("Image"));
  teken_pdf_dict_set (dict, "Width", teken_pdf_integer_new (teken_image_get_width (image)));
  teken_pdf_dict_set (dict, "Height", teken_pdf_integer_new (teken_image_get_height (image)));
  teken_pdf_dict_set (dict, "ColorSpace", teken_pdf_name_new (color_spaces[components]));
  teken_pdf_dict_set (dict, "BitsPerComponent", teken_pdf_integer_new (8));
  teken_pdf_dict_set (dict, "Filter", teken_pdf_name_new (teken_image_get_filter (image)));

  if (teken_image_get_inverted_cmyk (image))
    {
      static const double decode[] = { 1, 0, 1, 0, 1, 0, 1, 0 };

      teken_pdf_dict_set (dict, "Decode", number_array (decode, G_N_ELEMENTS (decode)));
    }

  if (teken_image_get_alpha (image) != NULL)
    {
      TekenPdfObject *mask = teken_pdf_dict_new ();
      guint32 mask_number = teken_pdf_update_reserve (update);

      teken_pdf_dict_set (mask, "Type", teken_pdf_name_new ("XObject"));
      teken_pdf_dict_set (mask, "Subtype", teken_pdf_name_new ("Image"));
      teken_pdf_dict_set (mask, "Width", teken_pdf_integer_new (teken_image_get_width (image)));
      teken_pdf_dict_set (mask, "Height", teken_pdf_integer_new (teken_image_get_height (image)));
      teken_pdf_dict_set (mask, "ColorSpace", teken_pdf_name_new ("DeviceGray"));
      teken_pdf_dict_set (mask, "BitsPerComponent", teken_pdf_integer_new (8));
      teken_pdf_dict_set (mask, "Filter", teken_pdf_name_new ("FlateDecode"));
      teken_pdf_update_set_object (update, mask_number, 0,
                                   teken_pdf_stream_new (mask, teken_image_get_alpha (image)));
      teken_pdf_dict_set (dict, "SMask", teken_pdf_reference_new (mask_number, 0));
    }

  teken_pdf_update_set_object (update, number, 0, teken_pdf_stream_new (dict, teken_image_get_data (image)));

  return number;
}

static TekenPdfObject *
standard_font (const char *base_font)
{
  TekenPdfObject *font = teken_pdf_dict_new ();

  teken_pdf_dict_set (font, "Type", teken_pdf_name_new ("Font"));
  teken_pdf_dict_set (font, "Subtype", teken_pdf_name_new ("Type1"));
  teken_pdf_dict_set (font, "BaseFont", teken_pdf_name_new (base_font));
  teken_pdf_dict_set (font, "Encoding", teken_pdf_name_new ("WinAnsiEncoding"));

  return font;
}

/* The appearance as a form XObject drawn upright in [0 0 width height];
 * its /Matrix turns it against the page's /Rotate so it reads upright. */
static guint32
add_appearance (TekenPdfUpdate            *update,
                const TekenPdfPage        *page,
                const TekenPdfSignOptions *options,
                const char                *signer_name,
                GDateTime                 *signing_time,
                GError                   **error)
{
  static const double matrices[4][6] = {
    { 1, 0, 0, 1, 0, 0 },
    { 0, 1, -1, 0, 0, 0 },
    { -1, 0, 0, -1, 0, 0 },
    { 0, -1, 1, 0, 0, 0 },
  };
  TekenAppearanceSpec spec = { 0 };
  g_autoptr(GBytes) content = NULL;
  TekenPdfObject *dict, *resources, *fonts;
  double bbox[4] = { 0, 0, options->width, options->height };
  guint32 number;

  spec.signer_name = signer_name;
  spec.role = options->role;
  spec.position = options->position;
  spec.reason = options->reason;
  spec.location = options->location;
  spec.signing_time = signing_time;
  spec.qr_text = options->qr_text;
  if (options->image != NULL)
    {
      spec.image_width = teken_image_get_width (options->image);
      spec.image_height = teken_image_get_height (options->image);
    }

  content = teken_signature_appearance_build (&spec, options->width, options->height, error);
  if (content == NULL)
    return 0;

  resources = teken_pdf_dict_new ();
  fonts = teken_pdf_dict_new ();
  teken_pdf_dict_set (fonts, "F1", standard_font ("Helvetica"));
  teken_pdf_dict_set (fonts, "F2", standard_font ("Helvetica-Bold"));
  teken_pdf_dict_set (resources, "Font", fonts);
  if (options->image != NULL)
    {
      TekenPdfObject *xobjects = teken_pdf_dict_new ();

      teken_pdf_dict_set (xobjects, "Im1", teken_pdf_reference_new (add_image (update, options->image), 0));
      teken_pdf_dict_set (resources, "XObject", xobjects);
    }

  dict = teken_pdf_dict_new ();
  teken_pdf_dict_set (dict, "Type", teken_pdf_name_new ("XObject"));
  teken_pdf_dict_set (dict, "Subtype", teken_pdf_name_new ("Form"));
  teken_pdf_dict_set (dict, "BBox", number_array (bbox, 4));
  if (page->rotate != 0)
    teken_pdf_dict_set (dict, "Matrix", number_array (matrices[page->rotate / 90], 6));
  teken_pdf_dict_set (dict, "Resources", resources);
  teken_pdf_dict_set (dict, "Filter", teken_pdf_name_new ("FlateDecode"));

  {
    gsize size;
    const guint8 *data = g_bytes_get_data (content, &size);
    g_autoptr(GBytes) compressed = teken_pdf_filter_flate_encode (data, size);

    number = teken_pdf_update_reserve (update);
    teken_pdf_update_set_object (update, number, 0, teken_pdf_stream_new (dict, compressed));
  }

  return number;
}

/* Appends @item to the array @key of @dict: in place when the array is an
 * object of its own (then that object is replaced in the update), else in
 * a copy set back into @dict. */
static gboolean
append_to_array (TekenPdfDocument  *document,
                 TekenPdfUpdate    *update,
                 TekenPdfObject    *dict,
                 const char        *key,
                 TekenPdfObject    *item,
                 GError           **error)
{
  TekenPdfObject *value = teken_pdf_dict_get (dict, key);
  g_autoptr(TekenPdfObject) current = NULL;
  TekenPdfObject *array = teken_pdf_array_new ();

  if (value != NULL && !(current = teken_pdf_document_resolve (document, value, error)))
    {
      teken_pdf_object_unref (array);
      teken_pdf_object_unref (item);
      return FALSE;
    }

  if (teken_pdf_object_is (current, TEKEN_PDF_ARRAY))
    {
      for (guint i = 0; i < teken_pdf_array_get_length (current); i++)
        teken_pdf_array_append (array, teken_pdf_object_ref (teken_pdf_array_get (current, i)));
    }
  teken_pdf_array_append (array, item);

  if (teken_pdf_object_is (value, TEKEN_PDF_REFERENCE) && teken_pdf_object_is (current, TEKEN_PDF_ARRAY))
    {
      guint32 number;
      guint16 generation;

      teken_pdf_reference_get (value, &number, &generation);
      teken_pdf_update_set_object (update, number, generation, array);
    }
  else
    teken_pdf_dict_set (dict, key, array);

  return TRUE;
}

/* Adds the field to the interactive form, creating the form when there is
 * none, and sets /SigFlags to SignaturesExist | AppendOnly. */
static gboolean
add_to_form (TekenPdfDocument  *document,
             TekenPdfUpdate    *update,
             guint32            widget,
             GError           **error)
{
  TekenPdfObject *root_ref = teken_pdf_dict_get (teken_pdf_document_get_trailer (document), "Root");
  g_autoptr(TekenPdfObject) catalog = teken_pdf_document_get_catalog (document);
  g_autoptr(TekenPdfObject) new_catalog = NULL;
  g_autoptr(TekenPdfObject) form = NULL;
  g_autoptr(TekenPdfObject) new_form = NULL;
  TekenPdfObject *form_value, *flags;
  gint64 sig_flags = 3;
  guint32 root_number;
  guint16 root_generation;

  if (!teken_pdf_object_is (root_ref, TEKEN_PDF_REFERENCE) || !teken_pdf_object_is (catalog, TEKEN_PDF_DICT))
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED,
                   _("“%s” is damaged and cannot be read. Ask the sender for a new copy."),
                   teken_pdf_document_get_display_name (document));
      return FALSE;
    }
  teken_pdf_reference_get (root_ref, &root_number, &root_generation);

  form_value = teken_pdf_dict_get (catalog, "AcroForm");
  if (form_value != NULL && !(form = teken_pdf_document_resolve (document, form_value, error)))
    return FALSE;

  new_form = teken_pdf_object_is (form, TEKEN_PDF_DICT) ? teken_pdf_dict_copy (form) : teken_pdf_dict_new ();
  flags = teken_pdf_dict_get (new_form, "SigFlags");
  if (teken_pdf_object_is (flags, TEKEN_PDF_INTEGER))
    sig_flags |= teken_pdf_object_get_integer (flags);
  teken_pdf_dict_set (new_form, "SigFlags", teken_pdf_integer_new (sig_flags));

  if (!append_to_array (document, update, new_form, "Fields", teken_pdf_reference_new (widget, 0), error))
    return FALSE;

  if (teken_pdf_object_is (form_value, TEKEN_PDF_REFERENCE) && teken_pdf_object_is (form, TEKEN_PDF_DICT))
    {
      guint32 number;
      guint16 generation;

      teken_pdf_reference_get (form_value, &number, &generation);
      teken_pdf_update_set_object (update, number, generation, g_steal_pointer (&new_form));
      return TRUE;
    }

  new_catalog = teken_pdf_dict_copy (catalog);
  teken_pdf_dict_set (new_catalog, "AcroForm", g_steal_pointer (&new_form));
  teken_pdf_update_set_object (update, root_number, root_generation, g_steal_pointer (&new_catalog));

  return TRUE;
}

static gboolean
check_box (TekenPdfDocument           *document,
           const TekenPdfPage         *page,
           const TekenPdfSignOptions  *options,
           GError                    **error)
{
  double width, height;

  teken_pdf_page_get_display_size (page, &width, &height);

  if (!(options->width > 0 && options->height > 0 && options->x >= 0 && options->y >= 0 &&
        options->x + options->width <= width + 0.01 && options->y + options->height <= height + 0.01))
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_INVALID_ARGUMENT,
                   _("The signature box does not fit on page %u, which is %.0f × %.0f points. Place it inside the page."),
                   options->page + 1, width, height);
      return FALSE;
    }

  return TRUE;
}

static void
write_signature_dict (GString                   *out,
                      const TekenPdfSignOptions *options,
                      GDateTime                 *signing_time,
                      gsize                      placeholder_bytes,
                      gsize                     *byte_range_at,
                      gsize                     *contents_at)
{
  g_autofree char *date = format_pdf_date (signing_time);
  g_autoptr(TekenPdfObject) extra = teken_pdf_dict_new ();
  g_autoptr(TekenPdfObject) build = teken_pdf_dict_new ();
  TekenPdfObject *app = teken_pdf_dict_new ();
  g_autofree char *extra_text = NULL;

  g_string_append (out, "<</Type /Sig /Filter /Adobe.PPKLite /SubFilter ");
  g_string_append (out, options->subfilter == TEKEN_PDF_SUBFILTER_PKCS7 ? "/adbe.pkcs7.detached" : "/ETSI.CAdES.detached");

  /* /ByteRange before /Contents, so that a verifier reading the signed
   * bytes meets the range before the gap (the wrapping attack needs the
   * opposite order). */
  g_string_append (out, " /ByteRange ");
  *byte_range_at = out->len;
  g_string_append_c (out, '[');
  for (guint i = 0; i < BYTE_RANGE_WIDTH; i++)
    g_string_append_c (out, ' ');
  g_string_append_c (out, ']');

  g_string_append (out, " /Contents ");
  *contents_at = out->len;
  g_string_append_c (out, '<');
  for (gsize i = 0; i < placeholder_bytes * 2; i++)
    g_string_append_c (out, '0');
  g_string_append_c (out, '>');

  teken_pdf_dict_set (extra, "M", teken_pdf_string_new_text (date));
  if (options->reason != NULL && *options->reason != '\0')
    teken_pdf_dict_set (extra, "Reason", teken_pdf_string_new_text (options->reason));
  if (options->location != NULL && *options->location != '\0')
    teken_pdf_dict_set (extra, "Location", teken_pdf_string_new_text (options->location));
  if (options->contact_info != NULL && *options->contact_info != '\0')
    teken_pdf_dict_set (extra, "ContactInfo", teken_pdf_string_new_text (options->contact_info));
  teken_pdf_dict_set (app, "Name", teken_pdf_name_new ("Teken"));
  teken_pdf_dict_set (app, "REx", teken_pdf_string_new_text (PACKAGE_VERSION));
  teken_pdf_dict_set (build, "App", app);
  teken_pdf_dict_set (extra, "Prop_Build", teken_pdf_object_ref (build));

  /* The same entries, without the dictionary's own brackets. */
  extra_text = teken_pdf_object_to_string (extra);
  g_string_append_c (out, ' ');
  g_string_append_len (out, extra_text + 2, strlen (extra_text) - 2);
}

static gboolean
prepare (TekenPdfDocument           *document,
         const TekenPdfSignOptions  *options,
         TekenSigner                *signer,
         GDateTime                  *signing_time,
         Prepared                   *prepared,
         GError                    **error)
{
  g_autoptr(TekenPdfUpdate) update = teken_pdf_update_new (document);
  g_autoptr(GBytes) certificate = g_bytes_ref (teken_signer_get_certificate (signer));
  g_autoptr(TekenPdfObject) widget = teken_pdf_dict_new ();
  g_autoptr(TekenPdfObject) page_dict = NULL;
  g_autoptr(GString) signature = g_string_new (NULL);
  g_autoptr(GBytes) signature_body = NULL;
  g_autofree char *field_name = NULL;
  g_autofree char *signer_name = NULL;
  const TekenPdfPage *page;
  gsize placeholder = teken_signer_estimate_size (signer) + TEKEN_PDF_SIGNATURE_EXTRA_ROOM;
  gsize byte_range_at, contents_at;
  guint32 signature_number, widget_number;
  double rect[4] = { 0, 0, 0, 0 };

  if (options->page >= teken_pdf_document_get_n_pages (document))
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The document has %u page; there is no page %u.",
                                "The document has %u pages; there is no page %u.",
                                teken_pdf_document_get_n_pages (document)),
                   teken_pdf_document_get_n_pages (document), options->page + 1);
      return FALSE;
    }
  page = teken_pdf_document_get_page (document, options->page);

  if (options->visible && !check_box (document, page, options, error))
    return FALSE;

  if (!(field_name = choose_field_name (document, options, error)))
    return FALSE;

  signer_name = get_common_name (certificate);
  if (signer_name == NULL)
    {
      g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_SIGNATURE,
                           _("The signing certificate has no holder name. Use the certificate BSrE issued to you."));
      return FALSE;
    }

  signature_number = teken_pdf_update_reserve (update);
  widget_number = teken_pdf_update_reserve (update);

  teken_pdf_dict_set (widget, "Type", teken_pdf_name_new ("Annot"));
  teken_pdf_dict_set (widget, "Subtype", teken_pdf_name_new ("Widget"));
  teken_pdf_dict_set (widget, "FT", teken_pdf_name_new ("Sig"));
  teken_pdf_dict_set (widget, "T", teken_pdf_string_new_text (field_name));
  teken_pdf_dict_set (widget, "V", teken_pdf_reference_new (signature_number, 0));
  teken_pdf_dict_set (widget, "F", teken_pdf_integer_new (4 | 128));  /* Print | Locked */
  teken_pdf_dict_set (widget, "P", teken_pdf_reference_new (page->number, page->generation));

  if (options->visible)
    {
      TekenPdfObject *ap = teken_pdf_dict_new ();
      guint32 appearance;

      teken_pdf_page_display_to_user (page, options->x, options->y, options->width, options->height, rect);
      appearance = add_appearance (update, page, options, signer_name, signing_time, error);
      if (appearance == 0)
        return FALSE;
      teken_pdf_dict_set (ap, "N", teken_pdf_reference_new (appearance, 0));
      teken_pdf_dict_set (widget, "AP", ap);
    }
  teken_pdf_dict_set (widget, "Rect", number_array (rect, 4));
  teken_pdf_update_set_object (update, widget_number, 0, g_steal_pointer (&widget));

  page_dict = teken_pdf_dict_copy (page->dict);
  if (!append_to_array (document, update, page_dict, "Annots", teken_pdf_reference_new (widget_number, 0), error))
    return FALSE;
  teken_pdf_update_set_object (update, page->number, page->generation, g_steal_pointer (&page_dict));

  if (!add_to_form (document, update, widget_number, error))
    return FALSE;

  write_signature_dict (signature, options, signing_time, placeholder, &byte_range_at, &contents_at);
  signature_body = g_string_free_to_bytes (g_steal_pointer (&signature));
  teken_pdf_update_set_raw (update, signature_number, 0, signature_body);

  prepared->update = teken_pdf_update_write (update);
  prepared->field_name = g_steal_pointer (&field_name);
  prepared->byte_range_offset = teken_pdf_update_get_body_offset (update, signature_number) + byte_range_at;
  prepared->contents_offset = teken_pdf_update_get_body_offset (update, signature_number) + contents_at;
  prepared->contents_length = 2 + placeholder * 2;

  return TRUE;
}

/* Writes the final /ByteRange into the update, now that sizes are known. */
static void
fill_byte_range (Prepared *prepared,
                 goffset   original_size,
                 goffset   byte_range[4])
{
  goffset total = original_size + g_bytes_get_size (prepared->update);
  g_autofree char *text = NULL;
  guint8 *update;

  byte_range[0] = 0;
  byte_range[1] = prepared->contents_offset;
  byte_range[2] = prepared->contents_offset + prepared->contents_length;
  byte_range[3] = total - byte_range[2];

  text = g_strdup_printf ("[%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                          (gint64) byte_range[0], (gint64) byte_range[1],
                          (gint64) byte_range[2], (gint64) byte_range[3]);
  g_assert (strlen (text) <= BYTE_RANGE_WIDTH);

  /* The update was written once; patch its bytes in place. */
  update = (guint8 *) g_bytes_get_data (prepared->update, NULL);
  memcpy (update + (prepared->byte_range_offset - original_size), text, strlen (text));
}

static gboolean
write_all (int            fd,
           const guint8  *data,
           gsize          length,
           const char    *display_name,
           GError       **error)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO,
                       _("Could not write “%s”: %s"), display_name, g_strerror (saved_errno));
          return FALSE;
        }
      data += n;
      length -= n;
    }

  return TRUE;
}

/* Copies the original into @fd and appends the update, hashing everything
 * but the /Contents placeholder. */
static gboolean
write_and_hash (TekenPdfDocument  *document,
                const Prepared    *prepared,
                int                fd,
                const char        *display_name,
                guint8             digest[32],
                GCancellable      *cancellable,
                GError           **error)
{
  g_autofree guint8 *buffer = g_malloc (COPY_CHUNK);
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  goffset size = teken_pdf_document_get_size (document);
  gsize update_length;
  const guint8 *update = g_bytes_get_data (prepared->update, &update_length);
  gsize gap_start = prepared->contents_offset - size;
  gsize gap_end = gap_start + prepared->contents_length;
  gboolean ok = FALSE;

  if (md == NULL || EVP_DigestInit_ex (md, EVP_sha256 (), NULL) != 1)
    g_error ("OpenSSL has no SHA-256");

  for (goffset offset = 0; offset < size; )
    {
      gsize n = MIN (COPY_CHUNK, size - offset);

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !teken_pdf_document_read (document, offset, buffer, n, error) ||
          !write_all (fd, buffer, n, display_name, error))
        goto out;
      EVP_DigestUpdate (md, buffer, n);
      offset += n;
    }

  EVP_DigestUpdate (md, update, gap_start);
  EVP_DigestUpdate (md, update + gap_end, update_length - gap_end);
  if (!write_all (fd, update, update_length, display_name, error))
    goto out;

  EVP_DigestFinal_ex (md, digest, NULL);
  ok = TRUE;

out:
  EVP_MD_CTX_free (md);
  return ok;
}

/* The CMS must be over our digest, by the certificate the appearance
 * names, and fit the placeholder; else nothing is written. */
static gboolean
check_cms (GBytes         *cms,
           GBytes         *digest,
           GBytes         *certificate,
           gsize           room,
           GError        **error)
{
  g_autoptr(GBytes) signed_digest = NULL;
  X509 *signer_certificate;
  unsigned char *der = NULL;
  int der_length;
  gboolean same_certificate;

  if (g_bytes_get_size (cms) > room)
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_SIGNATURE,
                   _("The signature (%zu bytes) is larger than the space reserved for it (%zu bytes). Nothing was saved."),
                   g_bytes_get_size (cms), room);
      return FALSE;
    }

  if (!teken_cms_get_message_digest (cms, &signed_digest, error))
    return FALSE;

  if (!g_bytes_equal (signed_digest, digest))
    {
      g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_SIGNATURE,
                           _("The signature returned is for different content. Nothing was saved; try signing again."));
      return FALSE;
    }

  if (!(signer_certificate = teken_cms_get_signer_certificate (cms, error)))
    return FALSE;
  der_length = i2d_X509 (signer_certificate, &der);
  same_certificate = der_length > 0 &&
                     (gsize) der_length == g_bytes_get_size (certificate) &&
                     memcmp (der, g_bytes_get_data (certificate, NULL), der_length) == 0;
  OPENSSL_free (der);
  X509_free (signer_certificate);

  if (!same_certificate)
    {
      g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_SIGNATURE,
                           _("The signature was made with a different certificate from yours. Nothing was saved."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_contents (int          fd,
                goffset      contents_offset,
                GBytes      *cms,
                const char  *display_name,
                GError     **error)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (cms, &length);
  g_autofree char *hex = g_malloc (length * 2 + 1);

  for (gsize i = 0; i < length; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", data[i]);

  if (lseek (fd, contents_offset + 1, SEEK_SET) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO,
                   _("Could not write “%s”: %s"), display_name, g_strerror (saved_errno));
      return FALSE;
    }

  return write_all (fd, (const guint8 *) hex, length * 2, display_name, error);
}

/* The signed file is read back by our own verifier before it is kept: the
 * new signature must be intact and cover the whole file. */
static gboolean
check_signed_file (const char      *path,
                   const char      *field_name,
                   GCancellable    *cancellable,
                   GError         **error)
{
  g_autoptr(TekenTrustStore) no_anchors = teken_trust_store_new ();
  g_autoptr(TekenDocumentReport) report = teken_pdf_verify_file (path, no_anchors, cancellable);

  for (guint i = 0; i < report->signatures->len; i++)
    {
      TekenSignatureReport *signature = g_ptr_array_index (report->signatures, i);

      if (g_strcmp0 (signature->field, field_name) == 0 &&
          signature->integrity &&
          signature->coverage == TEKEN_COVERAGE_ENTIRE_FILE &&
          signature->status <= TEKEN_VERIFY_UNTRUSTED)
        return TRUE;
    }

  if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_SIGNATURE,
                         _("The signed document did not pass its own verification, so it was not saved. Try again; if it happens again, report it."));

  return FALSE;
}

static gboolean
sync_and_link (int          fd,
               const char  *temporary,
               const char  *output_path,
               const char  *display_name,
               GError     **error)
{
  g_autofree char *directory = g_path_get_dirname (output_path);
  int saved_errno;
  int dir_fd;

  if (fsync (fd) != 0)
    goto fail;

  /* link() never replaces: an output that appeared meanwhile stays. */
  if (link (temporary, output_path) != 0)
    goto fail;

  dir_fd = g_open (directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }

  return TRUE;

fail:
  saved_errno = errno;
  if (saved_errno == EEXIST)
    g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO,
                 _("“%s” already exists. Choose another name for the signed document."), display_name);
  else
    g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO,
                 _("Could not save “%s”: %s"), display_name, g_strerror (saved_errno));
  return FALSE;
}

/**
 * teken_pdf_sign_preview:
 * @document: the document to sign
 * @options: where and how, as for teken_pdf_sign()
 * @signer: whose certificate names the visible signature
 * @error: return location for a #GError
 *
 * The incremental update teken_pdf_sign() would append to @document with
 * the same options and signing time, its signature value left empty, so
 * that a viewer can render the document exactly as it will look once
 * signed (DESIGN.md: the preview is Poppler rendering the prepared bytes).
 * Nothing is signed or written.
 *
 * Returns: (transfer full): the bytes to append to @document's, or %NULL
 *   with @error set
 */
GBytes *
teken_pdf_sign_preview (TekenPdfDocument           *document,
                        const TekenPdfSignOptions  *options,
                        TekenSigner                *signer,
                        GError                    **error)
{
  g_auto(Prepared) prepared = { 0 };
  g_autoptr(GDateTime) now = NULL;
  goffset byte_range[4];

  g_return_val_if_fail (TEKEN_IS_PDF_DOCUMENT (document), NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (TEKEN_IS_SIGNER (signer), NULL);

  now = options->signing_time ? g_date_time_ref (options->signing_time) : g_date_time_new_now_local ();
  if (!prepare (document, options, signer, now, &prepared, error))
    return NULL;
  fill_byte_range (&prepared, teken_pdf_document_get_size (document), byte_range);

  return g_bytes_ref (prepared.update);
}

struct _TekenPdfPreparedSignature
{
  Prepared  prepared;
  GBytes   *certificate;
  GBytes   *digest;
  char     *output_path;
  char     *display_name;
  char     *temporary;   /* NULL once linked or removed */
};

/**
 * teken_pdf_sign_prepare:
 * @document: the document to sign; its file is only read
 * @output_path: where the signed document will go; must not exist yet
 * @options: where and how
 * @signer: whose certificate names the signature; not asked to sign
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The first half of teken_pdf_sign(): writes @document and the update with
 * its placeholder into a temporary file beside @output_path, hashing it, so
 * that the digest can go to a signer with others (a batch sends them all in
 * one request). Nothing is at @output_path yet. Blocks.
 *
 * Returns: (transfer full): the prepared signature, or %NULL with @error
 *   set and no file left
 */
TekenPdfPreparedSignature *
teken_pdf_sign_prepare (TekenPdfDocument           *document,
                        const char                 *output_path,
                        const TekenPdfSignOptions  *options,
                        TekenSigner                *signer,
                        GCancellable               *cancellable,
                        GError                    **error)
{
  g_autoptr(TekenPdfPreparedSignature) self = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *basename = NULL;
  guint8 digest[TEKEN_SIGNER_DIGEST_LENGTH];
  goffset byte_range[4];
  gboolean written;
  int fd;

  g_return_val_if_fail (TEKEN_IS_PDF_DOCUMENT (document), NULL);
  g_return_val_if_fail (output_path != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (TEKEN_IS_SIGNER (signer), NULL);

  self = g_new0 (TekenPdfPreparedSignature, 1);
  self->output_path = g_strdup (output_path);
  self->display_name = g_filename_display_basename (output_path);
  self->certificate = g_bytes_ref (teken_signer_get_certificate (signer));

  if (g_file_test (output_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO,
                   _("“%s” already exists. Choose another name for the signed document."), self->display_name);
      return NULL;
    }

  now = options->signing_time ? g_date_time_ref (options->signing_time) : g_date_time_new_now_local ();
  if (!prepare (document, options, signer, now, &self->prepared, error))
    return NULL;
  fill_byte_range (&self->prepared, teken_pdf_document_get_size (document), byte_range);

  directory = g_path_get_dirname (output_path);
  basename = g_path_get_basename (output_path);
  self->temporary = g_strdup_printf ("%s/.%s.XXXXXX", directory, basename);
  fd = g_mkstemp_full (self->temporary, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_clear_pointer (&self->temporary, g_free);
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO,
                   _("Could not create the signed document in “%s”: %s"),
                   directory, g_strerror (saved_errno));
      return NULL;
    }
  /* g_mkstemp_full() creates 0600 whatever the mode; give the document the
   * permissions a new file would have. */
  {
    mode_t mask = umask (0);

    umask (mask);
    fchmod (fd, 0666 & ~mask);
  }

  /* The file is closed until completion: a batch of hundreds must not hold
   * hundreds of descriptors. Freeing @self on failure removes it. */
  written = write_and_hash (document, &self->prepared, fd, self->display_name, digest, cancellable, error);
  close (fd);
  if (!written)
    return NULL;

  self->digest = g_bytes_new (digest, sizeof digest);

  return g_steal_pointer (&self);
}

/**
 * teken_pdf_sign_complete:
 * @prepared: from teken_pdf_sign_prepare()
 * @cms: the DER CMS SignedData the signer made over the digest
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The second half of teken_pdf_sign(): checks @cms (over our digest, by
 * the certificate the appearance names, fits the placeholder), writes it
 * into the placeholder, reads the file back with our own verifier, and
 * links it into place, never over an existing file. Blocks. Whatever the
 * outcome the temporary file is gone afterwards; call it once.
 *
 * Returns: %TRUE when the output path holds the signed document
 */
gboolean
teken_pdf_sign_complete (TekenPdfPreparedSignature  *prepared,
                         GBytes                     *cms,
                         GCancellable               *cancellable,
                         GError                    **error)
{
  gboolean ok = FALSE;
  int fd = -1;

  g_return_val_if_fail (prepared != NULL, FALSE);
  g_return_val_if_fail (cms != NULL, FALSE);
  g_return_val_if_fail (prepared->temporary != NULL, FALSE);

  if (!check_cms (cms, prepared->digest, prepared->certificate,
                  (prepared->prepared.contents_length - 2) / 2, error))
    goto out;

  fd = g_open (prepared->temporary, O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO,
                   _("Could not write “%s”: %s"), prepared->display_name, g_strerror (saved_errno));
      goto out;
    }

  if (!write_contents (fd, prepared->prepared.contents_offset, cms, prepared->display_name, error) ||
      !check_signed_file (prepared->temporary, prepared->prepared.field_name, cancellable, error) ||
      !sync_and_link (fd, prepared->temporary, prepared->output_path, prepared->display_name, error))
    goto out;

  ok = TRUE;

out:
  if (fd >= 0)
    close (fd);
  teken_pdf_sign_abandon (prepared);

  return ok;
}

/**
 * teken_pdf_sign_abandon:
 * @prepared: from teken_pdf_sign_prepare()
 *
 * Removes the temporary file; nothing is signed or saved. Safe to call more
 * than once and after teken_pdf_sign_complete().
 */
void
teken_pdf_sign_abandon (TekenPdfPreparedSignature *prepared)
{
  g_return_if_fail (prepared != NULL);

  if (prepared->temporary != NULL)
    g_unlink (prepared->temporary);
  g_clear_pointer (&prepared->temporary, g_free);
}

/* The SHA-256 of the byte ranges, to be signed. */
GBytes *
teken_pdf_prepared_signature_get_digest (TekenPdfPreparedSignature *prepared)
{
  g_return_val_if_fail (prepared != NULL, NULL);

  return prepared->digest;
}

const char *
teken_pdf_prepared_signature_get_output_path (TekenPdfPreparedSignature *prepared)
{
  g_return_val_if_fail (prepared != NULL, NULL);

  return prepared->output_path;
}

/* Abandons @prepared unless it was completed. */
void
teken_pdf_prepared_signature_free (TekenPdfPreparedSignature *prepared)
{
  if (prepared == NULL)
    return;

  teken_pdf_sign_abandon (prepared);
  prepared_clear (&prepared->prepared);
  g_clear_pointer (&prepared->certificate, g_bytes_unref);
  g_clear_pointer (&prepared->digest, g_bytes_unref);
  g_free (prepared->output_path);
  g_free (prepared->display_name);
  g_free (prepared);
}

/**
 * teken_pdf_sign:
 * @document: the document to sign; its file is only read
 * @output_path: where to save the signed document; must not exist yet
 *
 * Signs @document into a new file: teken_pdf_sign_prepare(), the signer,
 * teken_pdf_sign_complete(). Blocks: call it from a worker thread in the
 * UI. On failure nothing is left at @output_path or beside it.
 *
 * Returns: %TRUE when @output_path holds the signed document
 */
gboolean
teken_pdf_sign (TekenPdfDocument           *document,
                const char                 *output_path,
                const TekenPdfSignOptions  *options,
                TekenSigner                *signer,
                GCancellable               *cancellable,
                GError                    **error)
{
  g_autoptr(TekenPdfPreparedSignature) prepared = NULL;
  g_autoptr(GBytes) cms = NULL;

  g_return_val_if_fail (TEKEN_IS_PDF_DOCUMENT (document), FALSE);
  g_return_val_if_fail (output_path != NULL, FALSE);
  g_return_val_if_fail (TEKEN_IS_SIGNER (signer), FALSE);

  prepared = teken_pdf_sign_prepare (document, output_path, options, signer, cancellable, error);
  if (prepared == NULL)
    return FALSE;

  cms = teken_signer_sign_digest (signer, teken_pdf_prepared_signature_get_digest (prepared), cancellable, error);
  if (cms == NULL)
    return FALSE;

  return teken_pdf_sign_complete (prepared, cms, cancellable, error);
}

/* Placement presets. The names are the document view's view.place targets. */

static const char * const placement_names[] = {
  [TEKEN_PDF_PLACEMENT_INVISIBLE] = "invisible",
  [TEKEN_PDF_PLACEMENT_LAST_BOTTOM_RIGHT] = "last-bottom-right",
  [TEKEN_PDF_PLACEMENT_LAST_BOTTOM_LEFT] = "last-bottom-left",
  [TEKEN_PDF_PLACEMENT_FIRST_TOP_RIGHT] = "first-top-right",
  [TEKEN_PDF_PLACEMENT_FIRST_BOTTOM_RIGHT] = "first-bottom-right",
};

/* Returns: the preset named @name, or %TEKEN_PDF_PLACEMENT_INVISIBLE */
TekenPdfPlacement
teken_pdf_placement_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (placement_names); i++)
    if (g_strcmp0 (name, placement_names[i]) == 0)
      return i;

  return TEKEN_PDF_PLACEMENT_INVISIBLE;
}

const char *
teken_pdf_placement_to_string (TekenPdfPlacement placement)
{
  g_return_val_if_fail (placement < G_N_ELEMENTS (placement_names), NULL);

  return placement_names[placement];
}

/* Returns: the 0-based page @placement puts the signature on */
guint
teken_pdf_placement_get_page (TekenPdfPlacement placement,
                              guint             n_pages)
{
  gboolean last = placement == TEKEN_PDF_PLACEMENT_LAST_BOTTOM_RIGHT ||
                  placement == TEKEN_PDF_PLACEMENT_LAST_BOTTOM_LEFT;

  return last && n_pages > 0 ? n_pages - 1 : 0;
}

/**
 * teken_pdf_placement_get_box:
 * @page_width: of the page as shown (after /Rotate), in points
 * @page_height: likewise
 *
 * The box of the preset on a page of that size: the default box in the
 * corner, %TEKEN_PDF_SIGNATURE_BOX_MARGIN from the edges, smaller on a
 * page too small for it. Top-left origin, as the page is shown.
 */
void
teken_pdf_placement_get_box (TekenPdfPlacement  placement,
                             double             page_width,
                             double             page_height,
                             double            *x,
                             double            *y,
                             double            *width,
                             double            *height)
{
  double margin = TEKEN_PDF_SIGNATURE_BOX_MARGIN;
  double w = MIN (TEKEN_PDF_SIGNATURE_BOX_WIDTH, page_width - 2 * margin);
  double h = MIN (TEKEN_PDF_SIGNATURE_BOX_HEIGHT, page_height - 2 * margin);
  gboolean left = placement == TEKEN_PDF_PLACEMENT_LAST_BOTTOM_LEFT;
  gboolean top = placement == TEKEN_PDF_PLACEMENT_FIRST_TOP_RIGHT;

  /* A page narrower than the margins: the box takes what there is. */
  if (w <= 0)
    w = MIN (TEKEN_PDF_SIGNATURE_BOX_WIDTH, page_width);
  if (h <= 0)
    h = MIN (TEKEN_PDF_SIGNATURE_BOX_HEIGHT, page_height);

  *width = w;
  *height = h;
  *x = MAX (left ? margin : page_width - margin - w, 0);
  *y = MAX (top ? margin : page_height - margin - h, 0);
  if (*x + w > page_width)
    *x = MAX (page_width - w, 0);
  if (*y + h > page_height)
    *y = MAX (page_height - h, 0);
}

/**
 * teken_pdf_sign_options_place:
 * @options: whose page, visibility and box are set
 * @document: the document the options are for
 * @placement: the preset
 * @error: return location for a #GError
 *
 * Resolves @placement on @document's own pages: its first or last page,
 * that page's size as shown. For a batch, where one rule fits documents of
 * different lengths, sizes and orientations.
 *
 * Returns: %FALSE with @error set when the document has no page
 */
gboolean
teken_pdf_sign_options_place (TekenPdfSignOptions  *options,
                              TekenPdfDocument     *document,
                              TekenPdfPlacement     placement,
                              GError              **error)
{
  guint n_pages;
  double page_width, page_height;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (TEKEN_IS_PDF_DOCUMENT (document), FALSE);

  n_pages = teken_pdf_document_get_n_pages (document);
  if (n_pages == 0)
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED,
                   _("“%s” has no pages to sign. Ask the sender for a new copy."),
                   teken_pdf_document_get_display_name (document));
      return FALSE;
    }

  options->page = teken_pdf_placement_get_page (placement, n_pages);
  options->visible = placement != TEKEN_PDF_PLACEMENT_INVISIBLE;
  options->x = options->y = options->width = options->height = 0;
  if (options->visible)
    {
      teken_pdf_page_get_display_size (teken_pdf_document_get_page (document, options->page),
                                       &page_width, &page_height);
      teken_pdf_placement_get_box (placement, page_width, page_height,
                                   &options->x, &options->y, &options->width, &options->height);
    }

  return TRUE;
}
