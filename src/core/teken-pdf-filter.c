/* teken-pdf-filter.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Stream filters the reader needs for its own structures (cross-reference
 * and object streams): FlateDecode with the TIFF and PNG predictors (7.4.4).
 * Output is capped by the caller, so a decompression bomb fails early. */

#include "config.h"

#include <string.h>
#include <zlib.h>

#include "teken-pdf-filter.h"

static gboolean
inflate_bounded (const guint8 *input,
                 gsize         length,
                 gsize         max_output,
                 GByteArray   *output,
                 GError      **error)
{
  z_stream z = { 0 };
  guint8 chunk[16384];
  int status;

  if (inflateInit (&z) != Z_OK)
    {
      g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "zlib init failed");
      return FALSE;
    }

  z.next_in = (Bytef *) input;
  do
    {
      /* zlib counts in uInt; feed huge inputs in pieces. */
      if (z.avail_in == 0 && length > 0)
        {
          z.avail_in = MIN (length, G_MAXUINT32 / 2);
          length -= z.avail_in;
        }

      z.next_out = chunk;
      z.avail_out = sizeof chunk;
      status = inflate (&z, Z_NO_FLUSH);
      if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR)
        break;

      if (output->len + (sizeof chunk - z.avail_out) > max_output)
        {
          inflateEnd (&z);
          g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TOO_LARGE,
                               "stream decompresses past the limit");
          return FALSE;
        }
      g_byte_array_append (output, chunk, sizeof chunk - z.avail_out);

      if (status == Z_BUF_ERROR && z.avail_in == 0 && length == 0)
        break;
    }
  while (status != Z_STREAM_END);

  inflateEnd (&z);

  /* Many writers leave off the end of the zlib stream or its checksum;
   * what was inflated is still good. A stream that gave nothing is not. */
  if (status != Z_STREAM_END && output->len == 0)
    {
      g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad compressed stream");
      return FALSE;
    }

  return TRUE;
}

static gint64
get_int_param (TekenPdfObject *params,
               const char     *key,
               gint64          fallback)
{
  TekenPdfObject *value = params != NULL ? teken_pdf_dict_get (params, key) : NULL;

  return teken_pdf_object_is (value, TEKEN_PDF_INTEGER) ? teken_pdf_object_get_integer (value) : fallback;
}

static guint8
paeth (guint8 a,
       guint8 b,
       guint8 c)
{
  int p = (int) a + b - c;
  int pa = ABS (p - a);
  int pb = ABS (p - b);
  int pc = ABS (p - c);

  if (pa <= pb && pa <= pc)
    return a;
  if (pb <= pc)
    return b;
  return c;
}

/**
 * teken_png_unfilter_row:
 * @filter: the row's PNG filter type, 0 to 4
 * @row: (inout): the filtered row, without its type byte
 * @previous: the row above, already unfiltered (zeros for the first)
 * @bpp: bytes per complete pixel, at least 1
 *
 * Undoes a PNG row filter (PNG 9.2) in place, for PNG images and for the
 * PDF predictors 10 to 15 alike.
 *
 * Returns: %FALSE for an unknown filter type
 */
gboolean
teken_png_unfilter_row (guint         filter,
                        guint8       *row,
                        const guint8 *previous,
                        gsize         length,
                        guint         bpp)
{
  switch (filter)
    {
    case 0:
      break;

    case 1:
      for (gsize i = bpp; i < length; i++)
        row[i] += row[i - bpp];
      break;

    case 2:
      for (gsize i = 0; i < length; i++)
        row[i] += previous[i];
      break;

    case 3:
      for (gsize i = 0; i < length; i++)
        row[i] += ((i >= bpp ? row[i - bpp] : 0) + previous[i]) >> 1;
      break;

    case 4:
      for (gsize i = 0; i < length; i++)
        row[i] += i >= bpp ? paeth (row[i - bpp], previous[i], previous[i - bpp])
                           : paeth (0, previous[i], 0);
      break;

    default:
      return FALSE;
    }

  return TRUE;
}

static GBytes *
unpredict (TekenPdfObject *params,
           GByteArray     *data,
           GError        **error)
{
  gint64 predictor = get_int_param (params, "Predictor", 1);
  gint64 colors = get_int_param (params, "Colors", 1);
  gint64 bits = get_int_param (params, "BitsPerComponent", 8);
  gint64 columns = get_int_param (params, "Columns", 1);
  g_autoptr(GByteArray) output = NULL;
  g_autofree guint8 *previous = NULL;
  gsize bpp, row_length;

  if (predictor == 1)
    return g_byte_array_free_to_bytes (g_byte_array_ref (data));

  if (colors < 1 || colors > 32 || (bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16) ||
      columns < 1 || columns > (1 << 24))
    {
      g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad predictor parameters");
      return NULL;
    }

  bpp = MAX (1, (colors * bits + 7) / 8);
  row_length = (colors * bits * columns + 7) / 8;
  output = g_byte_array_sized_new (data->len);
  previous = g_malloc0 (row_length);

  if (predictor == 2)
    {
      /* TIFF predictor 2, for 8-bit components only (the common case). */
      if (bits != 8)
        {
          g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "unsupported TIFF predictor");
          return NULL;
        }
      for (gsize row = 0; row + row_length <= data->len; row += row_length)
        {
          guint8 *line = data->data + row;

          for (gsize i = bpp; i < row_length; i++)
            line[i] += line[i - bpp];
          g_byte_array_append (output, line, row_length);
        }
      return g_byte_array_free_to_bytes (g_steal_pointer (&output));
    }

  if (predictor < 10 || predictor > 15)
    {
      g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "unknown predictor");
      return NULL;
    }

  /* PNG predictors: each row starts with its own filter type byte. */
  for (gsize row = 0; row + 1 + row_length <= data->len; row += 1 + row_length)
    {
      guint8 *line = data->data + row + 1;

      if (!teken_png_unfilter_row (data->data[row], line, previous, row_length, bpp))
        {
          g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad PNG predictor row");
          return NULL;
        }
      memcpy (previous, line, row_length);
      g_byte_array_append (output, line, row_length);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&output));
}

/**
 * teken_pdf_filter_decode:
 * @stream_dict: the stream's dictionary, for /Filter and /DecodeParms
 * @raw: the stream's bytes as stored
 * @max_output: the most bytes decoding may produce
 *
 * Returns: (transfer full): the decoded data, or %NULL with @error set
 */
GBytes *
teken_pdf_filter_decode (TekenPdfObject *stream_dict,
                         GBytes         *raw,
                         gsize           max_output,
                         GError        **error)
{
  TekenPdfObject *filter = teken_pdf_dict_get (stream_dict, "Filter");
  TekenPdfObject *params = teken_pdf_dict_get (stream_dict, "DecodeParms");
  g_autoptr(GByteArray) output = NULL;
  gsize length;
  const guint8 *data;

  if (teken_pdf_object_is (filter, TEKEN_PDF_ARRAY))
    {
      if (teken_pdf_array_get_length (filter) == 0)
        filter = NULL;
      else if (teken_pdf_array_get_length (filter) == 1)
        {
          filter = teken_pdf_array_get (filter, 0);
          if (teken_pdf_object_is (params, TEKEN_PDF_ARRAY))
            params = teken_pdf_array_get_length (params) > 0 ? teken_pdf_array_get (params, 0) : NULL;
        }
      else
        {
          g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "filter chains are not supported here");
          return NULL;
        }
    }

  data = g_bytes_get_data (raw, &length);

  if (filter == NULL)
    {
      if (length > max_output)
        {
          g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TOO_LARGE, "stream past the limit");
          return NULL;
        }
      return g_bytes_ref (raw);
    }

  if (!teken_pdf_object_has_name (filter, "FlateDecode") && !teken_pdf_object_has_name (filter, "Fl"))
    {
      g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "unsupported stream filter");
      return NULL;
    }

  if (!teken_pdf_object_is (params, TEKEN_PDF_DICT))
    params = NULL;

  output = g_byte_array_new ();
  if (!inflate_bounded (data, length, max_output, output, error))
    return NULL;

  return unpredict (params, output, error);
}

GBytes *
teken_pdf_filter_flate_encode (const guint8 *data,
                               gsize         length)
{
  uLongf size = compressBound (length);
  guint8 *out = g_malloc (size);

  if (compress2 (out, &size, data, length, Z_DEFAULT_COMPRESSION) != Z_OK)
    g_error ("zlib could not compress %" G_GSIZE_FORMAT " bytes", length);

  return g_bytes_new_take (g_realloc (out, size), size);
}
