/* teken-image.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The holder's signature image, made ready to embed in a PDF as an image
 * XObject.
 *
 * A JPEG goes in as it is (DCTDecode): only its markers are read, for the
 * size, the number of components and Adobe's inverted CMYK. A PNG is decoded
 * here, over zlib alone, and its pixels are compressed again as plain 8-bit
 * DeviceGray or DeviceRGB samples, with any transparency in a separate alpha
 * plane for the /SMask: whatever the PNG's colour type, bit depth or
 * interlacing, the PDF writer then sees the same two planes.
 *
 * The file comes from the user's disk and may be anything. Every length,
 * size and count is checked against what is left, the declared size is
 * bounded before anything is allocated, and inflating never produces more
 * than the declared image needs.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "teken-image.h"
#include "teken-pdf-filter.h"

struct _TekenImage
{
  gatomicrefcount ref_count;
  guint width;
  guint height;
  guint components;
  const char *filter;
  GBytes *data;
  GBytes *alpha;
  gboolean inverted_cmyk;
};

/* zlib compression into a growing buffer. */
typedef struct
{
  z_stream stream;
  GByteArray *output;
} Deflater;

typedef struct
{
  guint32 type;
  const guint8 *data;
  guint32 length;
} PngChunk;

typedef struct
{
  guint8 x;
  guint8 y;
  guint8 dx;
  guint8 dy;
} PngPass;

typedef struct
{
  const guint8 *data;
  gsize size;

  /* IHDR */
  guint width;
  guint height;
  guint depth;
  guint colour_type;
  gboolean interlaced;
  guint channels;
  guint bits_per_pixel;

  /* PLTE and tRNS */
  guint8 palette[256 * 3];
  guint n_palette;
  guint8 palette_alpha[256];
  guint n_palette_alpha;
  gboolean has_key;
  guint16 key[3];

  /* The run of IDAT chunks; idat_offset moves along it while inflating. */
  gsize idat_offset;
  gsize idat_end;
  guint64 idat_length;
  z_stream inflater;
  gboolean inflating;
  gboolean inflated_all;

  /* What comes out */
  guint components;
  gboolean has_alpha;
  gboolean translucent;
  guint8 *pixels;
  guint8 *alpha;
  Deflater pixels_out;
  Deflater alpha_out;
} PngReader;

typedef struct
{
  guint width;
  guint height;
  guint components;
  gboolean adobe;
  gsize length;
  GArray *dropped;              /* pairs of gsize: segments left out, start and end */
} JpegInfo;

static void png_reader_clear (PngReader *self);

G_DEFINE_BOXED_TYPE (TekenImage, teken_image, teken_image_ref, teken_image_unref)
G_DEFINE_QUARK (teken-image-error-quark, teken_image_error)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PngReader, png_reader_clear)

#define PNG_CHUNK_TYPE(a, b, c, d) \
  (((guint32) (a) << 24) | ((guint32) (b) << 16) | ((guint32) (c) << 8) | (guint32) (d))
#define PNG_IHDR PNG_CHUNK_TYPE ('I', 'H', 'D', 'R')
#define PNG_PLTE PNG_CHUNK_TYPE ('P', 'L', 'T', 'E')
#define PNG_TRNS PNG_CHUNK_TYPE ('t', 'R', 'N', 'S')
#define PNG_IDAT PNG_CHUNK_TYPE ('I', 'D', 'A', 'T')
#define PNG_IEND PNG_CHUNK_TYPE ('I', 'E', 'N', 'D')

/* Lowercase first letter: a reader may skip the chunk. */
#define PNG_CHUNK_ANCILLARY 0x20000000u

enum
{
  PNG_GRAY = 0,
  PNG_RGB = 2,
  PNG_PALETTE = 3,
  PNG_GRAY_ALPHA = 4,
  PNG_RGB_ALPHA = 6,
};

/* The most a deflate stream can expand: a 258-byte match coded in 2 bits. */
#define DEFLATE_MAX_RATIO 1032

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static const PngPass png_whole_image[1] = { { 0, 0, 1, 1 } };

static const PngPass png_adam7[7] = {
  { 0, 0, 8, 8 },
  { 4, 0, 8, 8 },
  { 0, 4, 4, 8 },
  { 2, 0, 4, 4 },
  { 0, 2, 2, 4 },
  { 1, 0, 2, 2 },
  { 0, 1, 1, 2 },
};

static gboolean
set_not_an_image_error (GError **error)
{
  g_set_error_literal (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_UNSUPPORTED,
                       _("The signature image is not a PNG or JPEG file. "
                         "Choose a PNG or JPEG image."));
  return FALSE;
}

static gboolean
set_damaged_error (GError **error)
{
  g_set_error_literal (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_CORRUPT,
                       _("The signature image is damaged and cannot be read. "
                         "Save it again from an image editor, or choose another image."));
  return FALSE;
}

static gboolean
set_truncated_error (GError **error)
{
  g_set_error_literal (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_CORRUPT,
                       _("The signature image file is incomplete, perhaps because it was "
                         "not fully copied or downloaded. Copy it again, or choose another image."));
  return FALSE;
}

static gboolean
set_file_too_large_error (GError **error)
{
  g_set_error (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_TOO_LARGE,
               _("The signature image file is larger than %u MiB. "
                 "Choose a smaller image, or save it again at a lower resolution."),
               (guint) (TEKEN_IMAGE_MAX_FILE_SIZE / (1024 * 1024)));
  return FALSE;
}

static gboolean
set_out_of_memory_error (GError **error)
{
  g_set_error_literal (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_TOO_LARGE,
                       _("There is not enough memory to read the signature image. "
                         "Close other programs, or choose a smaller image."));
  return FALSE;
}

static gboolean
set_png_unsupported_error (GError **error)
{
  g_set_error_literal (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_UNSUPPORTED,
                       _("The signature image uses a PNG feature that cannot be read. "
                         "Save it again as a standard PNG or as a JPEG."));
  return FALSE;
}

static gboolean
set_jpeg_unsupported_error (GError **error)
{
  g_set_error_literal (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_UNSUPPORTED,
                       _("The signature image is a kind of JPEG that cannot be placed in a PDF "
                         "(lossless, arithmetic-coded, hierarchical, 12-bit or with two colour "
                         "channels). Save it again as a standard JPEG or as a PNG."));
  return FALSE;
}

static gboolean
check_dimensions (guint64   width,
                  guint64   height,
                  GError  **error)
{
  if (width > TEKEN_IMAGE_MAX_DIMENSION ||
      height > TEKEN_IMAGE_MAX_DIMENSION ||
      width * height > TEKEN_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_TOO_LARGE,
                   _("The signature image is too large (%u × %u pixels). Scale it down to "
                     "at most %u pixels on each side and %u megapixels in total."),
                   (guint) width, (guint) height,
                   (guint) TEKEN_IMAGE_MAX_DIMENSION,
                   (guint) (TEKEN_IMAGE_MAX_PIXELS / 1000000));
      return FALSE;
    }

  return TRUE;
}

static inline guint16
read_be16 (const guint8 *p)
{
  return ((guint16) p[0] << 8) | p[1];
}

static inline guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static TekenImage *
image_new_take (guint       width,
                guint       height,
                guint       components,
                const char *filter,
                GBytes     *data,
                GBytes     *alpha,
                gboolean    inverted_cmyk)
{
  TekenImage *self = g_new0 (TekenImage, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->width = width;
  self->height = height;
  self->components = components;
  self->filter = filter;
  self->data = data;
  self->alpha = alpha;
  self->inverted_cmyk = inverted_cmyk;

  return self;
}

static void
deflater_init (Deflater *self)
{
  memset (&self->stream, 0, sizeof self->stream);
  /* Like g_malloc(), treat zlib running out of memory as fatal. */
  if (deflateInit (&self->stream, Z_DEFAULT_COMPRESSION) != Z_OK)
    g_error ("zlib could not start compressing");
  self->output = g_byte_array_new ();
}

static void
deflater_run (Deflater     *self,
              const guint8 *data,
              gsize         length,
              int           flush)
{
  for (;;)
    {
      guint8 chunk[16384];
      gsize slice = MIN (length, (gsize) G_MAXUINT32);
      int slice_flush = slice < length ? Z_NO_FLUSH : flush;
      int ret;

      self->stream.next_in = data;
      self->stream.avail_in = slice;

      do
        {
          self->stream.next_out = chunk;
          self->stream.avail_out = sizeof chunk;
          ret = deflate (&self->stream, slice_flush);
          g_assert (ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR);
          g_byte_array_append (self->output, chunk, sizeof chunk - self->stream.avail_out);
        }
      while (self->stream.avail_out == 0 || (slice_flush == Z_FINISH && ret != Z_STREAM_END));

      if (slice == length)
        break;
      data += slice;
      length -= slice;
    }
}

static void
deflater_write (Deflater     *self,
                const guint8 *data,
                gsize         length)
{
  deflater_run (self, data, length, Z_NO_FLUSH);
}

static GBytes *
deflater_finish (Deflater *self)
{
  deflater_run (self, NULL, 0, Z_FINISH);
  deflateEnd (&self->stream);

  return g_byte_array_free_to_bytes (g_steal_pointer (&self->output));
}

static void
deflater_clear (Deflater *self)
{
  if (self->output != NULL)
    {
      deflateEnd (&self->stream);
      g_clear_pointer (&self->output, g_byte_array_unref);
    }
}

static void
png_reader_clear (PngReader *self)
{
  if (self->inflating)
    inflateEnd (&self->inflater);
  g_clear_pointer (&self->pixels, g_free);
  g_clear_pointer (&self->alpha, g_free);
  deflater_clear (&self->pixels_out);
  deflater_clear (&self->alpha_out);
}

/* Reads the chunk at @offset and moves @offset past it. */
static gboolean
read_png_chunk (const guint8  *data,
                gsize          size,
                gsize         *offset,
                gboolean       check_crc,
                PngChunk      *chunk,
                GError       **error)
{
  gsize start = *offset;
  guint32 length;

  if (size - start < 12)
    return set_truncated_error (error);

  length = read_be32 (data + start);
  if (length > G_MAXINT32)
    return set_damaged_error (error);
  if (size - start - 12 < length)
    return set_truncated_error (error);

  for (guint i = 4; i < 8; i++)
    if (!g_ascii_isalpha (data[start + i]))
      return set_damaged_error (error);

  /* The CRC covers the type and the data. */
  if (check_crc &&
      crc32 (0, data + start + 4, length + 4) != read_be32 (data + start + 8 + length))
    return set_damaged_error (error);

  chunk->type = read_be32 (data + start + 4);
  chunk->data = data + start + 8;
  chunk->length = length;
  *offset = start + 12 + length;

  return TRUE;
}

static gboolean
parse_png_header (PngReader       *self,
                  const PngChunk  *chunk,
                  GError         **error)
{
  const guint8 *d = chunk->data;
  guint32 width;
  guint32 height;
  guint depth;

  if (chunk->length != 13)
    return set_damaged_error (error);

  width = read_be32 (d);
  height = read_be32 (d + 4);
  depth = d[8];
  self->colour_type = d[9];

  /* Compression and filter method 0 are the only ones PNG defines. */
  if (width == 0 || width > G_MAXINT32 || height == 0 || height > G_MAXINT32 ||
      d[10] != 0 || d[11] != 0 || d[12] > 1)
    return set_damaged_error (error);

  if (depth != 1 && depth != 2 && depth != 4 && depth != 8 && depth != 16)
    return set_damaged_error (error);

  switch (self->colour_type)
    {
    case PNG_GRAY:
      self->channels = 1;
      self->components = 1;
      break;
    case PNG_RGB:
      self->channels = 3;
      self->components = 3;
      break;
    case PNG_PALETTE:
      self->channels = 1;
      self->components = 3;
      break;
    case PNG_GRAY_ALPHA:
      self->channels = 2;
      self->components = 1;
      break;
    case PNG_RGB_ALPHA:
      self->channels = 4;
      self->components = 3;
      break;
    default:
      return set_damaged_error (error);
    }

  if ((self->colour_type == PNG_PALETTE && depth > 8) ||
      (self->colour_type != PNG_PALETTE && self->colour_type != PNG_GRAY && depth < 8))
    return set_damaged_error (error);

  if (!check_dimensions (width, height, error))
    return FALSE;

  self->width = width;
  self->height = height;
  self->depth = depth;
  self->interlaced = d[12] == 1;
  self->bits_per_pixel = self->channels * depth;

  return TRUE;
}

static gboolean
parse_png_transparency (PngReader       *self,
                        const PngChunk  *chunk,
                        gboolean         seen_palette,
                        GError         **error)
{
  switch (self->colour_type)
    {
    case PNG_PALETTE:
      if (!seen_palette || chunk->length > self->n_palette)
        return set_damaged_error (error);
      memcpy (self->palette_alpha, chunk->data, chunk->length);
      self->n_palette_alpha = chunk->length;
      break;

    case PNG_GRAY:
      if (chunk->length != 2)
        return set_damaged_error (error);
      self->key[0] = read_be16 (chunk->data);
      self->has_key = TRUE;
      break;

    case PNG_RGB:
      if (chunk->length != 6)
        return set_damaged_error (error);
      for (guint i = 0; i < 3; i++)
        self->key[i] = read_be16 (chunk->data + 2 * i);
      self->has_key = TRUE;
      break;

    default:
      /* Not allowed with an alpha channel; other readers ignore it too. */
      break;
    }

  return TRUE;
}

/* Checks the chunk layout and every CRC, reads the header, palette and
 * transparency, and finds the run of IDAT chunks. */
static gboolean
scan_png_chunks (PngReader  *self,
                 GError    **error)
{
  enum { BEFORE_DATA, IN_DATA, AFTER_DATA } state = BEFORE_DATA;
  gboolean seen_header = FALSE;
  gboolean seen_palette = FALSE;
  gboolean seen_transparency = FALSE;
  gsize offset = sizeof png_signature;

  for (;;)
    {
      gsize start = offset;
      PngChunk chunk;

      if (!read_png_chunk (self->data, self->size, &offset, TRUE, &chunk, error))
        return FALSE;

      if (!seen_header && chunk.type != PNG_IHDR)
        return set_damaged_error (error);

      if (state == IN_DATA && chunk.type != PNG_IDAT)
        {
          state = AFTER_DATA;
          self->idat_end = start;
        }

      switch (chunk.type)
        {
        case PNG_IHDR:
          if (seen_header)
            return set_damaged_error (error);
          if (!parse_png_header (self, &chunk, error))
            return FALSE;
          seen_header = TRUE;
          break;

        case PNG_PLTE:
          if (seen_palette || seen_transparency || state != BEFORE_DATA ||
              chunk.length == 0 || chunk.length % 3 != 0 || chunk.length > sizeof self->palette)
            return set_damaged_error (error);
          memcpy (self->palette, chunk.data, chunk.length);
          self->n_palette = chunk.length / 3;
          seen_palette = TRUE;
          break;

        case PNG_TRNS:
          if (seen_transparency || state != BEFORE_DATA)
            return set_damaged_error (error);
          if (!parse_png_transparency (self, &chunk, seen_palette, error))
            return FALSE;
          seen_transparency = TRUE;
          break;

        case PNG_IDAT:
          if (state == AFTER_DATA || (self->colour_type == PNG_PALETTE && !seen_palette))
            return set_damaged_error (error);
          if (state == BEFORE_DATA)
            {
              state = IN_DATA;
              self->idat_offset = start;
            }
          self->idat_length += chunk.length;
          break;

        case PNG_IEND:
          if (state == BEFORE_DATA || chunk.length != 0)
            return set_damaged_error (error);
          return TRUE;

        default:
          /* An unknown critical chunk changes how the image must be read. */
          if ((chunk.type & PNG_CHUNK_ANCILLARY) == 0)
            return set_png_unsupported_error (error);
          break;
        }
    }
}

static gsize
get_png_row_size (const PngReader *self,
                  guint            width)
{
  return ((gsize) width * self->bits_per_pixel + 7) / 8;
}

static guint
get_pass_extent (guint size,
                 guint start,
                 guint step)
{
  return size > start ? (size - start + step - 1) / step : 0;
}

/* The size of the inflated data: each row of each pass, with its filter byte. */
static guint64
get_png_raw_size (const PngReader *self)
{
  const PngPass *passes = self->interlaced ? png_adam7 : png_whole_image;
  guint n_passes = self->interlaced ? G_N_ELEMENTS (png_adam7) : 1;
  guint64 size = 0;

  for (guint i = 0; i < n_passes; i++)
    {
      guint width = get_pass_extent (self->width, passes[i].x, passes[i].dx);
      guint height = get_pass_extent (self->height, passes[i].y, passes[i].dy);

      if (width > 0)
        size += (guint64) height * (1 + get_png_row_size (self, width));
    }

  return size;
}

/* Points the inflater at the next non-empty IDAT chunk. */
static gboolean
feed_inflater (PngReader *self)
{
  while (self->idat_offset < self->idat_end)
    {
      PngChunk chunk;

      /* The scan has already checked these chunks. */
      if (!read_png_chunk (self->data, self->idat_end, &self->idat_offset, FALSE, &chunk, NULL))
        return FALSE;

      if (chunk.length > 0)
        {
          self->inflater.next_in = chunk.data;
          self->inflater.avail_in = chunk.length;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
inflate_exactly (PngReader  *self,
                 guint8     *buffer,
                 gsize       length,
                 GError    **error)
{
  self->inflater.next_out = buffer;
  self->inflater.avail_out = length;

  while (self->inflater.avail_out > 0)
    {
      int ret;

      /* The stream ended before the image did. */
      if (self->inflated_all)
        return set_damaged_error (error);

      if (self->inflater.avail_in == 0 && !feed_inflater (self))
        return set_truncated_error (error);

      ret = inflate (&self->inflater, Z_NO_FLUSH);
      if (ret == Z_STREAM_END)
        self->inflated_all = TRUE;
      else if (ret != Z_OK)
        return set_damaged_error (error);
    }

  return TRUE;
}

/* Reads up to the end of the zlib stream, which must hold no more pixels:
 * this also checks the stream's Adler-32. */
static gboolean
finish_inflating (PngReader  *self,
                  GError    **error)
{
  while (!self->inflated_all)
    {
      guint8 extra;
      int ret;

      if (self->inflater.avail_in == 0 && !feed_inflater (self))
        return set_truncated_error (error);

      self->inflater.next_out = &extra;
      self->inflater.avail_out = 1;
      ret = inflate (&self->inflater, Z_NO_FLUSH);
      if (self->inflater.avail_out == 0)
        return set_damaged_error (error);
      if (ret == Z_STREAM_END)
        self->inflated_all = TRUE;
      else if (ret != Z_OK)
        return set_damaged_error (error);
    }

  return TRUE;
}

static inline guint
read_sample (const guint8 *row,
             gsize         index,
             guint         depth)
{
  switch (depth)
    {
    case 16:
      return read_be16 (row + 2 * index);
    case 8:
      return row[index];
    default:
      {
        gsize bit = index * depth;
        guint shift = 8 - depth - (bit & 7);

        return (row[bit / 8] >> shift) & ((1u << depth) - 1);
      }
    }
}

/* To 8 bits, rounding to the nearest value rather than truncating. */
static inline guint8
scale_sample (guint value,
              guint depth)
{
  switch (depth)
    {
    case 16:
      return (value * 255 + 32895) >> 16;
    case 8:
      return value;
    default:
      return value * 255 / ((1u << depth) - 1);
    }
}

static void
convert_png_row (PngReader    *self,
                 const guint8 *row,
                 guint         n_pixels,
                 guint8       *pixels,
                 guint8       *alpha)
{
  guint depth = self->depth;
  guint opaque = 0xff;

  for (guint i = 0; i < n_pixels; i++)
    {
      guint a = 0xff;

      switch (self->colour_type)
        {
        case PNG_GRAY:
          {
            guint v = read_sample (row, i, depth);

            pixels[i] = scale_sample (v, depth);
            if (self->has_key && v == self->key[0])
              a = 0;
          }
          break;

        case PNG_RGB:
          {
            guint r = read_sample (row, 3 * (gsize) i, depth);
            guint g = read_sample (row, 3 * (gsize) i + 1, depth);
            guint b = read_sample (row, 3 * (gsize) i + 2, depth);

            pixels[3 * i] = scale_sample (r, depth);
            pixels[3 * i + 1] = scale_sample (g, depth);
            pixels[3 * i + 2] = scale_sample (b, depth);
            if (self->has_key && r == self->key[0] && g == self->key[1] && b == self->key[2])
              a = 0;
          }
          break;

        case PNG_PALETTE:
          {
            guint entry = read_sample (row, i, depth);

            /* An index past the palette is black, as libpng makes it. */
            if (entry < self->n_palette)
              memcpy (pixels + 3 * i, self->palette + 3 * entry, 3);
            else
              memset (pixels + 3 * i, 0, 3);
            if (entry < self->n_palette_alpha)
              a = self->palette_alpha[entry];
          }
          break;

        case PNG_GRAY_ALPHA:
          pixels[i] = scale_sample (read_sample (row, 2 * (gsize) i, depth), depth);
          a = scale_sample (read_sample (row, 2 * (gsize) i + 1, depth), depth);
          break;

        case PNG_RGB_ALPHA:
          for (guint c = 0; c < 3; c++)
            pixels[3 * i + c] = scale_sample (read_sample (row, 4 * (gsize) i + c, depth), depth);
          a = scale_sample (read_sample (row, 4 * (gsize) i + 3, depth), depth);
          break;

        default:
          g_assert_not_reached ();
        }

      alpha[i] = a;
      opaque &= a;
    }

  if (opaque != 0xff)
    self->translucent = TRUE;
}

/* A whole image's rows go straight to the compressor; an interlaced pass's
 * rows are spread over the full image, compressed at the end. */
static void
store_png_row (PngReader     *self,
               const PngPass *pass,
               guint          n_pixels,
               guint          y,
               const guint8  *pixels,
               const guint8  *alpha)
{
  guint components = self->components;

  if (!self->interlaced)
    {
      deflater_write (&self->pixels_out, pixels, (gsize) n_pixels * components);
      if (self->has_alpha)
        deflater_write (&self->alpha_out, alpha, n_pixels);
      return;
    }

  for (guint i = 0; i < n_pixels; i++)
    {
      gsize at = (gsize) y * self->width + pass->x + (gsize) i * pass->dx;

      memcpy (self->pixels + at * components, pixels + (gsize) i * components, components);
      if (self->has_alpha)
        self->alpha[at] = alpha[i];
    }
}

static gboolean
decode_png_pixels (PngReader  *self,
                   GError    **error)
{
  const PngPass *passes = self->interlaced ? png_adam7 : png_whole_image;
  guint n_passes = self->interlaced ? G_N_ELEMENTS (png_adam7) : 1;
  gsize row_size = get_png_row_size (self, self->width);
  guint bpp = MAX (1, self->bits_per_pixel / 8);
  g_autofree guint8 *rows = g_malloc (2 * (row_size + 1));
  g_autofree guint8 *row_pixels = g_malloc ((gsize) self->width * self->components);
  g_autofree guint8 *row_alpha = g_malloc (self->width);

  for (guint p = 0; p < n_passes; p++)
    {
      const PngPass *pass = &passes[p];
      guint width = get_pass_extent (self->width, pass->x, pass->dx);
      guint height = get_pass_extent (self->height, pass->y, pass->dy);
      gsize pass_row_size = get_png_row_size (self, width);
      guint8 *previous = rows;
      guint8 *current = rows + row_size + 1;

      /* An empty pass has no rows at all, not even filter bytes. */
      if (width == 0 || height == 0)
        continue;

      memset (previous, 0, pass_row_size + 1);

      for (guint y = 0; y < height; y++)
        {
          guint8 *swap;

          if (!inflate_exactly (self, current, pass_row_size + 1, error))
            return FALSE;
          if (!teken_png_unfilter_row (current[0], current + 1, previous + 1, pass_row_size, bpp))
            return set_damaged_error (error);

          convert_png_row (self, current + 1, width, row_pixels, row_alpha);
          store_png_row (self, pass, width, pass->y + y * pass->dy, row_pixels, row_alpha);

          swap = previous;
          previous = current;
          current = swap;
        }
    }

  return finish_inflating (self, error);
}

static TekenImage *
load_png (GBytes  *bytes,
          GError **error)
{
  g_auto(PngReader) reader = { 0 };
  g_autoptr(GBytes) alpha = NULL;
  GBytes *pixels;
  gsize n_pixels;

  reader.data = g_bytes_get_data (bytes, &reader.size);

  if (!scan_png_chunks (&reader, error))
    return NULL;

  reader.has_alpha = reader.colour_type == PNG_GRAY_ALPHA ||
                     reader.colour_type == PNG_RGB_ALPHA ||
                     reader.has_key || reader.n_palette_alpha > 0;

  /* Refuse a few bytes that claim a huge image before allocating for it. */
  if (get_png_raw_size (&reader) > DEFLATE_MAX_RATIO * (reader.idat_length + 1))
    {
      set_truncated_error (error);
      return NULL;
    }

  n_pixels = (gsize) reader.width * reader.height;
  if (reader.interlaced)
    {
      reader.pixels = g_try_malloc (n_pixels * reader.components);
      if (reader.has_alpha)
        reader.alpha = g_try_malloc (n_pixels);
      if (reader.pixels == NULL || (reader.has_alpha && reader.alpha == NULL))
        {
          set_out_of_memory_error (error);
          return NULL;
        }
    }

  if (inflateInit (&reader.inflater) != Z_OK)
    {
      set_out_of_memory_error (error);
      return NULL;
    }
  reader.inflating = TRUE;

  deflater_init (&reader.pixels_out);
  if (reader.has_alpha)
    deflater_init (&reader.alpha_out);

  if (!decode_png_pixels (&reader, error))
    return NULL;

  if (reader.interlaced)
    {
      deflater_write (&reader.pixels_out, reader.pixels, n_pixels * reader.components);
      if (reader.has_alpha && reader.translucent)
        deflater_write (&reader.alpha_out, reader.alpha, n_pixels);
    }

  pixels = deflater_finish (&reader.pixels_out);
  /* A fully opaque image needs no soft mask. */
  if (reader.has_alpha && reader.translucent)
    alpha = deflater_finish (&reader.alpha_out);

  return image_new_take (reader.width, reader.height, reader.components, "FlateDecode",
                         pixels, g_steal_pointer (&alpha), FALSE);
}

/* Finds the next marker from @offset, skipping entropy-coded data (with its
 * stuffed zeros and restart markers), fill bytes, and stray bytes between
 * segments, which libjpeg tolerates too. */
static gboolean
find_jpeg_marker (const guint8 *data,
                  gsize         size,
                  gsize        *offset,
                  guint8       *marker)
{
  gsize i = *offset;

  while (i + 1 < size)
    {
      const guint8 *ff = memchr (data + i, 0xff, size - i - 1);
      guint8 next;

      if (ff == NULL)
        return FALSE;

      i = ff - data;
      next = data[i + 1];
      if (next == 0xff)
        i++;
      else if (next == 0x00 || (next >= 0xd0 && next <= 0xd7))
        i += 2;
      else
        {
          *marker = next;
          *offset = i + 2;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
parse_jpeg_frame (JpegInfo      *info,
                  const guint8  *segment,
                  gsize          length,
                  GError       **error)
{
  guint n_components;

  if (length < 6)
    return set_damaged_error (error);

  n_components = segment[5];
  if (length != 6 + 3 * (gsize) n_components || n_components == 0)
    return set_damaged_error (error);

  if (segment[0] != 8 || (n_components != 1 && n_components != 3 && n_components != 4))
    return set_jpeg_unsupported_error (error);

  info->height = read_be16 (segment + 1);
  info->width = read_be16 (segment + 3);
  info->components = n_components;

  if (info->width == 0)
    return set_damaged_error (error);
  /* A height of zero is given later by a DNL marker, which PDF readers do
   * not expect. */
  if (info->height == 0)
    return set_jpeg_unsupported_error (error);

  for (guint i = 0; i < n_components; i++)
    {
      const guint8 *component = segment + 6 + 3 * i;
      guint h = component[1] >> 4;
      guint v = component[1] & 0x0f;

      if (h < 1 || h > 4 || v < 1 || v > 4 || component[2] > 3)
        return set_damaged_error (error);
    }

  return check_dimensions (info->width, info->height, error);
}

/* Walks the markers from SOI to EOI. The scans themselves are not decoded:
 * the PDF reader does that. */
static gboolean
parse_jpeg (const guint8  *data,
            gsize          size,
            JpegInfo      *info,
            GError       **error)
{
  gboolean seen_frame = FALSE;
  gboolean seen_scan = FALSE;
  gsize offset = 2;

  for (;;)
    {
      const guint8 *segment;
      gsize segment_start;
      gsize length;
      guint8 marker;

      if (!find_jpeg_marker (data, size, &offset, &marker))
        return set_truncated_error (error);

      switch (marker)
        {
        case 0xd9: /* EOI */
          if (!seen_scan)
            return set_damaged_error (error);
          info->length = offset;
          return TRUE;
        case 0xd8: /* SOI */
          return set_damaged_error (error);
        case 0x01: /* TEM, no length */
          continue;
        default:
          break;
        }

      if (size - offset < 2)
        return set_truncated_error (error);
      segment_start = offset - 2;
      length = read_be16 (data + offset);
      if (length < 2)
        return set_damaged_error (error);
      if (size - offset < length)
        return set_truncated_error (error);

      segment = data + offset + 2;
      offset += length;
      length -= 2;

      switch (marker)
        {
        case 0xc0: /* SOF0, baseline */
        case 0xc1: /* SOF1, extended sequential */
        case 0xc2: /* SOF2, progressive */
          if (seen_frame)
            return set_damaged_error (error);
          if (!parse_jpeg_frame (info, segment, length, error))
            return FALSE;
          seen_frame = TRUE;
          break;

        case 0xc3: /* lossless */
        case 0xc5: case 0xc6: case 0xc7: /* differential, hierarchical */
        case 0xc9: case 0xca: case 0xcb: /* arithmetic coding */
        case 0xcd: case 0xce: case 0xcf: /* arithmetic, differential */
        case 0xde: /* DHP */
        case 0xdf: /* EXP */
          return set_jpeg_unsupported_error (error);

        case 0xda: /* SOS */
          if (!seen_frame || length < 1 || segment[0] < 1 || segment[0] > 4 ||
              length != 4 + 2 * (gsize) segment[0])
            return set_damaged_error (error);
          seen_scan = TRUE;
          break;

        case 0xee: /* APP14: Photoshop's CMYK JPEGs store inverted values. */
          if (!seen_scan && length >= 12 && memcmp (segment, "Adobe", 5) == 0)
            info->adobe = TRUE;
          break;

        /* Metadata a camera or phone writes (Exif with GPS position and
         * device serials, XMP, IPTC, comments, vendor blocks) would end up
         * in every document the holder signs: leave it out. JFIF (APP0),
         * the colour profile (APP2) and Adobe's (APP14) stay. */
        case 0xe1:
        case 0xe3: case 0xe4: case 0xe5: case 0xe6: case 0xe7: case 0xe8:
        case 0xe9: case 0xea: case 0xeb: case 0xec: case 0xed: case 0xef:
        case 0xfe:
          {
            gsize span[2] = { segment_start, offset };

            g_array_append_vals (info->dropped, span, 2);
          }
          break;

        default:
          break;
        }
    }
}

static TekenImage *
load_jpeg (GBytes  *bytes,
           GError **error)
{
  g_autoptr(GArray) dropped = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GByteArray) kept = NULL;
  JpegInfo info = { 0 };
  const guint8 *data;
  gsize size, from = 0;

  info.dropped = dropped;
  data = g_bytes_get_data (bytes, &size);
  if (!parse_jpeg (data, size, &info, error))
    return NULL;

  /* Whatever follows EOI is not part of the image (a thumbnail, or another
   * file appended to this one) and is left out of the document, as is the
   * metadata parse_jpeg() marked. */
  kept = g_byte_array_sized_new (info.length);
  for (guint i = 0; i < dropped->len; i += 2)
    {
      gsize start = g_array_index (dropped, gsize, i);

      g_byte_array_append (kept, data + from, start - from);
      from = g_array_index (dropped, gsize, i + 1);
    }
  g_byte_array_append (kept, data + from, info.length - from);

  return image_new_take (info.width, info.height, info.components, "DCTDecode",
                         g_byte_array_free_to_bytes (g_steal_pointer (&kept)), NULL,
                         info.components == 4 && info.adobe);
}

/* Reads the whole stream, refusing to read past the size limit even if the
 * file grows while it is read. */
static GBytes *
read_limited (GInputStream  *stream,
              goffset        size_hint,
              GError       **error)
{
  gsize capacity = MIN ((gsize) size_hint, (gsize) TEKEN_IMAGE_MAX_FILE_SIZE) + 1;
  g_autofree guint8 *data = g_malloc (capacity);
  gsize length = 0;

  for (;;)
    {
      gsize n_read;

      if (!g_input_stream_read_all (stream, data + length, capacity - length, &n_read, NULL, error))
        return NULL;

      length += n_read;
      if (length < capacity)
        break;

      if (capacity > TEKEN_IMAGE_MAX_FILE_SIZE)
        {
          set_file_too_large_error (error);
          return NULL;
        }

      capacity = MIN (capacity * 2, (gsize) TEKEN_IMAGE_MAX_FILE_SIZE + 1);
      data = g_realloc (data, capacity);
    }

  return g_bytes_new_take (g_steal_pointer (&data), length);
}

/**
 * teken_image_new_from_bytes:
 * @bytes: the contents of a PNG or JPEG file
 * @error: return location for a #TEKEN_IMAGE_ERROR
 *
 * Reads a signature image, telling PNG from JPEG by its signature. A JPEG
 * keeps its own bytes (up to its EOI marker); a PNG is decoded and its
 * pixels compressed again.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
TekenImage *
teken_image_new_from_bytes (GBytes  *bytes,
                            GError **error)
{
  const guint8 *data;
  gsize size;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &size);

  if (size > TEKEN_IMAGE_MAX_FILE_SIZE)
    {
      set_file_too_large_error (error);
      return NULL;
    }

  if (size >= sizeof png_signature && memcmp (data, png_signature, sizeof png_signature) == 0)
    return load_png (bytes, error);

  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return load_jpeg (bytes, error);

  set_not_an_image_error (error);
  return NULL;
}

/**
 * teken_image_new_from_file:
 * @path: a file name
 * @error: return location for a #TEKEN_IMAGE_ERROR or a #G_IO_ERROR
 *
 * Like teken_image_new_from_bytes(), but refuses anything that is not a
 * regular file, or is larger than %TEKEN_IMAGE_MAX_FILE_SIZE, before reading
 * it.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
TekenImage *
teken_image_new_from_file (const char  *path,
                           GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_file_new_for_path (path);

  /* Opening a FIFO or a device could block or never end. */
  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return NULL;

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error_literal (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_UNSUPPORTED,
                           _("The signature image is not a file. Choose an image file."));
      return NULL;
    }

  if (g_file_info_get_size (info) > TEKEN_IMAGE_MAX_FILE_SIZE)
    {
      set_file_too_large_error (error);
      return NULL;
    }

  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    return NULL;

  bytes = read_limited (G_INPUT_STREAM (stream), MAX (g_file_info_get_size (info), 0), error);
  if (bytes == NULL)
    return NULL;

  return teken_image_new_from_bytes (bytes, error);
}

TekenImage *
teken_image_ref (TekenImage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
teken_image_unref (TekenImage *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_bytes_unref (self->data);
      g_clear_pointer (&self->alpha, g_bytes_unref);
      g_free (self);
    }
}

guint
teken_image_get_width (const TekenImage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->width;
}

guint
teken_image_get_height (const TekenImage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->height;
}

/**
 * teken_image_get_components:
 *
 * Returns: 1 for DeviceGray, 3 for DeviceRGB, 4 for DeviceCMYK (JPEG only)
 */
guint
teken_image_get_components (const TekenImage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->components;
}

/**
 * teken_image_get_filter:
 *
 * Returns: the PDF filter that decodes teken_image_get_data(): "DCTDecode"
 *   or "FlateDecode"
 */
const char *
teken_image_get_filter (const TekenImage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->filter;
}

/**
 * teken_image_get_data:
 *
 * Returns: (transfer none): the image stream's data, encoded with
 *   teken_image_get_filter(), 8 bits per component
 */
GBytes *
teken_image_get_data (const TekenImage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data;
}

/**
 * teken_image_get_alpha:
 *
 * Returns: (transfer none) (nullable): the alpha plane for an /SMask, one
 *   byte per pixel compressed for FlateDecode; %NULL when the image is opaque
 */
GBytes *
teken_image_get_alpha (const TekenImage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->alpha;
}

/**
 * teken_image_get_inverted_cmyk:
 *
 * Returns: whether the image is an Adobe CMYK JPEG, whose values are stored
 *   inverted and which needs /Decode [1 0 1 0 1 0 1 0]
 */
gboolean
teken_image_get_inverted_cmyk (const TekenImage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->inverted_cmyk;
}
