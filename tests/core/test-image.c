/* test-image.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The images are made here: a small PNG encoder (every colour type, bit
 * depth, filter and Adam7) and JPEG marker layouts, so each expected pixel is
 * known exactly and each broken file is broken in one known way. */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#ifdef G_OS_UNIX
#include <sys/stat.h>
#include <sys/types.h>
#endif

#include "teken-image.h"

typedef struct
{
  guint width;
  guint height;
  guint depth;
  guint colour_type;
  gboolean interlaced;
  int filter;               /* 0–4, or -1 to cycle through all five */
  const guint16 *samples;   /* width × height × channels, row by row */
  const guint8 *palette;    /* n_palette × RGB */
  gsize n_palette;
  const guint8 *trns;       /* the tRNS chunk's data */
  gsize trns_length;
} PngSpec;

typedef struct
{
  guint x, y, dx, dy;
} Pass;

static const Pass whole_image[] = { { 0, 0, 1, 1 } };
static const Pass adam7[] = {
  { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4, 4, 8 }, { 2, 0, 4, 4 },
  { 0, 2, 2, 4 }, { 1, 0, 2, 2 }, { 0, 1, 1, 2 },
};

static guint
get_channels (guint colour_type)
{
  switch (colour_type)
    {
    case 0: return 1;
    case 2: return 3;
    case 3: return 1;
    case 4: return 2;
    case 6: return 4;
    default: g_assert_not_reached ();
    }
}

static void
put_be32 (GByteArray *array,
          guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (array, b, 4);
}

static GByteArray *
png_new (void)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  GByteArray *png = g_byte_array_new ();

  g_byte_array_append (png, signature, sizeof signature);

  return png;
}

static void
png_chunk (GByteArray *png,
           const char *type,
           const void *data,
           gsize       length)
{
  guint32 crc;

  put_be32 (png, length);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (length > 0)
    g_byte_array_append (png, data, length);
  crc = crc32 (0, (const guint8 *) type, 4);
  if (length > 0)
    crc = crc32 (crc, data, length);
  put_be32 (png, crc);
}

static void
png_ihdr (GByteArray *png,
          guint32     width,
          guint32     height,
          guint8      depth,
          guint8      colour_type,
          guint8      interlace)
{
  guint8 d[13] = {
    width >> 24, width >> 16, width >> 8, width,
    height >> 24, height >> 16, height >> 8, height,
    depth, colour_type, 0, 0, interlace,
  };

  png_chunk (png, "IHDR", d, sizeof d);
}

static GByteArray *
compress_bytes (const guint8 *data,
                gsize         length)
{
  GByteArray *out = g_byte_array_new ();
  uLongf out_length = compressBound (length);

  g_byte_array_set_size (out, out_length);
  g_assert_cmpint (compress2 (out->data, &out_length, data, length, 9), ==, Z_OK);
  g_byte_array_set_size (out, out_length);

  return out;
}

/* Spread over small IDAT chunks, the first one empty, to exercise the
 * reader's moving from chunk to chunk. */
static void
png_idats (GByteArray   *png,
           const guint8 *compressed,
           gsize         length)
{
  png_chunk (png, "IDAT", NULL, 0);
  for (gsize at = 0; at < length; at += 37)
    png_chunk (png, "IDAT", compressed + at, MIN (37, length - at));
}

static void
png_raw_idats (GByteArray   *png,
               const guint8 *raw,
               gsize         length)
{
  g_autoptr(GByteArray) compressed = compress_bytes (raw, length);

  png_idats (png, compressed->data, compressed->len);
}

static GBytes *
png_finish (GByteArray *png)
{
  png_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (png);
}

static guint8
paeth (int a,
       int b,
       int c)
{
  int p = a + b - c;
  int pa = ABS (p - a);
  int pb = ABS (p - b);
  int pc = ABS (p - c);

  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static void
filter_row (guint         type,
            const guint8 *raw,
            const guint8 *prev,
            gsize         length,
            guint         bpp,
            guint8       *out)
{
  for (gsize i = 0; i < length; i++)
    {
      int a = i >= bpp ? raw[i - bpp] : 0;
      int b = prev[i];
      int c = i >= bpp ? prev[i - bpp] : 0;
      int predicted;

      switch (type)
        {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: predicted = paeth (a, b, c); break;
        default: g_assert_not_reached ();
        }
      out[i] = raw[i] - predicted;
    }
}

static void
pack_row (const PngSpec *spec,
          const Pass    *pass,
          guint          y,
          guint          n_pixels,
          guint8        *row)
{
  guint channels = get_channels (spec->colour_type);
  gsize bit = 0;

  for (guint i = 0; i < n_pixels; i++)
    {
      gsize x = pass->x + (gsize) i * pass->dx;
      const guint16 *s = spec->samples + ((gsize) y * spec->width + x) * channels;

      for (guint c = 0; c < channels; c++)
        {
          guint v = s[c];

          if (spec->depth == 16)
            {
              row[bit / 8] = v >> 8;
              row[bit / 8 + 1] = v;
            }
          else if (spec->depth == 8)
            row[bit / 8] = v;
          else
            row[bit / 8] |= v << (8 - spec->depth - bit % 8);
          bit += spec->depth;
        }
    }
}

/* The inflated IDAT data: filter byte and filtered row, pass by pass. */
static GByteArray *
build_raw (const PngSpec *spec)
{
  const Pass *passes = spec->interlaced ? adam7 : whole_image;
  guint n_passes = spec->interlaced ? G_N_ELEMENTS (adam7) : 1;
  guint bits = get_channels (spec->colour_type) * spec->depth;
  guint bpp = MAX (1, bits / 8);
  GByteArray *out = g_byte_array_new ();
  guint n_rows = 0;

  for (guint p = 0; p < n_passes; p++)
    {
      guint pw = spec->width > passes[p].x ? (spec->width - passes[p].x + passes[p].dx - 1) / passes[p].dx : 0;
      guint ph = spec->height > passes[p].y ? (spec->height - passes[p].y + passes[p].dy - 1) / passes[p].dy : 0;
      gsize row_size = ((gsize) pw * bits + 7) / 8;
      g_autofree guint8 *prev = g_malloc0 (row_size + 1);
      g_autofree guint8 *raw = g_malloc0 (row_size + 1);
      g_autofree guint8 *filtered = g_malloc0 (row_size + 1);

      if (pw == 0 || ph == 0)
        continue;

      for (guint y = 0; y < ph; y++)
        {
          guint8 type = spec->filter < 0 ? n_rows % 5 : (guint) spec->filter;

          memset (raw, 0, row_size);
          pack_row (spec, &passes[p], passes[p].y + y * passes[p].dy, pw, raw);
          filter_row (type, raw, prev, row_size, bpp, filtered);
          g_byte_array_append (out, &type, 1);
          g_byte_array_append (out, filtered, row_size);
          memcpy (prev, raw, row_size);
          n_rows++;
        }
    }

  return out;
}

static GBytes *
make_png (const PngSpec *spec)
{
  GByteArray *png = png_new ();
  g_autoptr(GByteArray) raw = build_raw (spec);

  png_ihdr (png, spec->width, spec->height, spec->depth, spec->colour_type, spec->interlaced);
  /* Ancillary chunks a reader skips. */
  png_chunk (png, "tEXt", "Title\0Tanda tangan", 18);
  if (spec->palette != NULL)
    png_chunk (png, "PLTE", spec->palette, spec->n_palette * 3);
  if (spec->trns != NULL)
    png_chunk (png, "tRNS", spec->trns, spec->trns_length);
  png_raw_idats (png, raw->data, raw->len);

  return png_finish (png);
}

static guint8
expected_sample (guint v,
                 guint depth)
{
  if (depth == 16)
    return (2 * v + 257) / 514;   /* nearest to v / 257 */
  return v * 255 / ((1u << depth) - 1);
}

static void
expect_pixels (const PngSpec *spec,
               guint8        *pixels,
               guint8        *alpha,
               gboolean      *translucent)
{
  guint channels = get_channels (spec->colour_type);
  gboolean has_key = spec->trns != NULL && (spec->colour_type == 0 || spec->colour_type == 2);
  guint key[3] = { 0, 0, 0 };

  if (has_key)
    for (guint i = 0; i < spec->trns_length / 2; i++)
      key[i] = (spec->trns[2 * i] << 8) | spec->trns[2 * i + 1];

  *translucent = FALSE;
  for (gsize p = 0; p < (gsize) spec->width * spec->height; p++)
    {
      const guint16 *s = spec->samples + p * channels;
      guint a = 255;

      switch (spec->colour_type)
        {
        case 0:
          pixels[p] = expected_sample (s[0], spec->depth);
          if (has_key && s[0] == key[0])
            a = 0;
          break;
        case 2:
          for (guint c = 0; c < 3; c++)
            pixels[3 * p + c] = expected_sample (s[c], spec->depth);
          if (has_key && s[0] == key[0] && s[1] == key[1] && s[2] == key[2])
            a = 0;
          break;
        case 3:
          for (guint c = 0; c < 3; c++)
            pixels[3 * p + c] = s[0] < spec->n_palette ? spec->palette[3 * s[0] + c] : 0;
          if (s[0] < spec->trns_length)
            a = spec->trns[s[0]];
          break;
        case 4:
          pixels[p] = expected_sample (s[0], spec->depth);
          a = expected_sample (s[1], spec->depth);
          break;
        case 6:
          for (guint c = 0; c < 3; c++)
            pixels[3 * p + c] = expected_sample (s[c], spec->depth);
          a = expected_sample (s[3], spec->depth);
          break;
        default:
          g_assert_not_reached ();
        }
      alpha[p] = a;
      if (a != 255)
        *translucent = TRUE;
    }
}

static void
assert_inflates_to (GBytes       *compressed,
                    const guint8 *expected,
                    gsize         length)
{
  g_autofree guint8 *out = g_malloc (length + 1);
  uLongf out_length = length + 1;
  gsize size;
  const guint8 *data = g_bytes_get_data (compressed, &size);

  g_assert_cmpint (uncompress (out, &out_length, data, size), ==, Z_OK);
  g_assert_cmpmem (out, out_length, expected, length);
}

static void
check_png (const PngSpec *spec)
{
  g_autoptr(GBytes) png = make_png (spec);
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenImage) image = teken_image_new_from_bytes (png, &error);
  guint components = spec->colour_type == 0 || spec->colour_type == 4 ? 1 : 3;
  gsize n_pixels = (gsize) spec->width * spec->height;
  g_autofree guint8 *pixels = g_malloc (n_pixels * components);
  g_autofree guint8 *alpha = g_malloc (n_pixels);
  gboolean translucent;

  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpuint (teken_image_get_width (image), ==, spec->width);
  g_assert_cmpuint (teken_image_get_height (image), ==, spec->height);
  g_assert_cmpuint (teken_image_get_components (image), ==, components);
  g_assert_cmpstr (teken_image_get_filter (image), ==, "FlateDecode");
  g_assert_false (teken_image_get_inverted_cmyk (image));

  expect_pixels (spec, pixels, alpha, &translucent);
  assert_inflates_to (teken_image_get_data (image), pixels, n_pixels * components);
  if (translucent)
    {
      g_assert_nonnull (teken_image_get_alpha (image));
      assert_inflates_to (teken_image_get_alpha (image), alpha, n_pixels);
    }
  else
    g_assert_null (teken_image_get_alpha (image));
}

/* Deterministic, so that a failure can be replayed. */
static guint16 *
make_samples (guint   width,
              guint   height,
              guint   channels,
              guint   max,
              guint32 seed)
{
  gsize n = (gsize) width * height * channels;
  guint16 *samples = g_new (guint16, n);
  guint32 state = seed * 2654435761u + 1;

  for (gsize i = 0; i < n; i++)
    {
      state = state * 1664525u + 1013904223u;
      samples[i] = (state >> 8) % (max + 1);
    }

  return samples;
}

static void
expect_error (GBytes          *bytes,
              TekenImageError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenImage) image = teken_image_new_from_bytes (bytes, &error);

  g_assert_null (image);
  g_assert_error (error, TEKEN_IMAGE_ERROR, (int) code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 20);
}

static void
test_png_formats (void)
{
  static const struct { guint colour_type, depth; } formats[] = {
    { 0, 1 }, { 0, 2 }, { 0, 4 }, { 0, 8 }, { 0, 16 },
    { 2, 8 }, { 2, 16 },
    { 3, 1 }, { 3, 2 }, { 3, 4 }, { 3, 8 },
    { 4, 8 }, { 4, 16 },
    { 6, 8 }, { 6, 16 },
  };
  static const struct { guint width, height; } sizes[] = {
    { 1, 1 }, { 3, 2 }, { 13, 11 }, { 33, 9 }, { 8, 17 },
  };
  guint8 palette[256 * 3];

  for (guint i = 0; i < sizeof palette; i++)
    palette[i] = i * 7 + 3;

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (guint interlaced = 0; interlaced <= 1; interlaced++)
        {
          guint depth = formats[f].depth;
          guint colour_type = formats[f].colour_type;
          guint n_palette = colour_type == 3 ? 1u << depth : 0;
          g_autofree guint16 *samples = NULL;
          PngSpec spec = {
            .width = sizes[s].width,
            .height = sizes[s].height,
            .depth = depth,
            .colour_type = colour_type,
            .interlaced = interlaced,
            .filter = -1,
            .palette = colour_type == 3 ? palette : NULL,
            .n_palette = n_palette,
          };

          samples = make_samples (spec.width, spec.height, get_channels (colour_type),
                                  colour_type == 3 ? n_palette - 1 : (1u << depth) - 1,
                                  f * 100 + s * 10 + interlaced);
          spec.samples = samples;

          g_test_message ("colour type %u, depth %u, %u×%u%s", colour_type, depth,
                          spec.width, spec.height, interlaced ? ", interlaced" : "");
          check_png (&spec);
        }
}

static void
test_png_each_filter (void)
{
  static const struct { guint colour_type, depth; } formats[] = {
    { 0, 1 }, { 0, 8 }, { 2, 16 }, { 6, 8 }, { 4, 16 },
  };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (int filter = 0; filter <= 4; filter++)
      {
        guint depth = formats[f].depth;
        g_autofree guint16 *samples = make_samples (19, 7, get_channels (formats[f].colour_type),
                                                    (1u << depth) - 1, f * 10 + filter);
        PngSpec spec = {
          .width = 19,
          .height = 7,
          .depth = depth,
          .colour_type = formats[f].colour_type,
          .filter = filter,
          .samples = samples,
        };

        check_png (&spec);
        spec.interlaced = TRUE;
        check_png (&spec);
      }
}

/* Rounded to the nearest 8-bit value, not truncated. */
static void
test_png_16_bit_values (void)
{
  static const guint16 samples[] = { 0x0000, 0x0080, 0x0081, 0x8000, 0xabab, 0xfeff, 0xffff };
  static const guint8 expected[] = { 0x00, 0x00, 0x01, 0x80, 0xab, 0xfe, 0xff };
  PngSpec spec = {
    .width = G_N_ELEMENTS (samples),
    .height = 1,
    .depth = 16,
    .colour_type = 0,
    .samples = samples,
  };
  g_autoptr(GBytes) png = make_png (&spec);
  g_autoptr(TekenImage) image = teken_image_new_from_bytes (png, NULL);

  g_assert_nonnull (image);
  assert_inflates_to (teken_image_get_data (image), expected, sizeof expected);
}

static void
test_png_opaque_alpha_dropped (void)
{
  g_autofree guint16 *samples = make_samples (10, 10, 4, 255, 7);
  PngSpec spec = {
    .width = 10,
    .height = 10,
    .depth = 8,
    .colour_type = 6,
    .samples = samples,
  };

  for (guint i = 0; i < 100; i++)
    samples[4 * i + 3] = 255;
  check_png (&spec);

  spec.interlaced = TRUE;
  check_png (&spec);

  /* One translucent pixel is enough to keep the plane. */
  samples[4 * 57 + 3] = 254;
  check_png (&spec);
}

static void
test_png_palette_transparency (void)
{
  static const guint8 palette[] = { 255, 0, 0,  0, 255, 0,  0, 0, 255,  9, 9, 9 };
  static const guint8 partial[] = { 0, 128 };
  static const guint8 opaque[] = { 255, 255, 255, 255 };
  g_autofree guint16 *samples = make_samples (12, 5, 1, 3, 11);
  PngSpec spec = {
    .width = 12,
    .height = 5,
    .depth = 2,
    .colour_type = 3,
    .samples = samples,
    .palette = palette,
    .n_palette = 4,
    .trns = partial,
    .trns_length = sizeof partial,
  };

  /* Entries past the end of tRNS are opaque. */
  check_png (&spec);
  spec.interlaced = TRUE;
  check_png (&spec);

  spec.trns = opaque;
  spec.trns_length = sizeof opaque;
  check_png (&spec);

  /* An index past the palette is black. */
  spec.n_palette = 3;
  spec.trns = partial;
  spec.trns_length = sizeof partial;
  check_png (&spec);
}

static void
test_png_colour_key (void)
{
  static const guint8 gray2_key[] = { 0, 2 };
  static const guint8 gray16_key[] = { 0x12, 0x34 };
  static const guint8 gray_key_out_of_range[] = { 0x01, 0x00 };
  static const guint8 rgb_key[] = { 0, 10, 0, 20, 0, 30 };
  g_autofree guint16 *gray2 = make_samples (9, 9, 1, 3, 21);
  g_autofree guint16 *gray16 = make_samples (9, 9, 1, 0xffff, 22);
  g_autofree guint16 *rgb = make_samples (9, 9, 3, 255, 23);
  PngSpec spec = {
    .width = 9,
    .height = 9,
    .depth = 2,
    .colour_type = 0,
    .samples = gray2,
    .trns = gray2_key,
    .trns_length = 2,
  };

  check_png (&spec);
  spec.interlaced = TRUE;
  check_png (&spec);

  /* A key no 2-bit sample can match: opaque, no plane. */
  spec.trns = gray_key_out_of_range;
  check_png (&spec);

  gray16[5] = gray16[40] = 0x1234;
  spec.depth = 16;
  spec.samples = gray16;
  spec.trns = gray16_key;
  check_png (&spec);

  for (guint p = 0; p < 81; p += 4)
    {
      rgb[3 * p] = 10;
      rgb[3 * p + 1] = 20;
      rgb[3 * p + 2] = p % 8 == 0 ? 30 : 31;
    }
  spec.depth = 8;
  spec.colour_type = 2;
  spec.samples = rgb;
  spec.trns = rgb_key;
  spec.trns_length = sizeof rgb_key;
  check_png (&spec);
  spec.interlaced = FALSE;
  check_png (&spec);
}

/* A 4×4 8-bit gray image, built piece by piece for the broken variants. */
static guint8 *
gray_raw (guint   rows,
          guint8  filter,
          gsize  *length)
{
  guint8 *raw = g_malloc0 (rows * 5);

  for (guint y = 0; y < rows; y++)
    {
      raw[y * 5] = filter;
      for (guint x = 0; x < 4; x++)
        raw[y * 5 + 1 + x] = y * 4 + x;
    }
  *length = rows * 5;

  return raw;
}

static GBytes *
gray_png (guint rows,
          guint8 filter)
{
  GByteArray *png = png_new ();
  gsize length;
  g_autofree guint8 *raw = gray_raw (rows, filter, &length);

  png_ihdr (png, 4, 4, 8, 0, 0);
  png_raw_idats (png, raw, length);

  return png_finish (png);
}

static gsize
find_chunk (GBytes     *png,
            const char *type)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (png, &size);

  for (gsize i = 8; i + 4 <= size; i++)
    if (memcmp (data + i, type, 4) == 0)
      return i - 4;
  g_assert_not_reached ();
}

static GBytes *
with_byte_changed (GBytes *bytes,
                   gsize   offset,
                   guint8  value)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint8 *copy = g_memdup2 (data, size);

  g_assert_cmpuint (offset, <, size);
  copy[offset] = value;

  return g_bytes_new_take (copy, size);
}

static void
test_png_valid_reference (void)
{
  g_autoptr(GBytes) png = gray_png (4, 0);
  g_autoptr(TekenImage) image = teken_image_new_from_bytes (png, NULL);
  guint8 expected[16];

  for (guint i = 0; i < 16; i++)
    expected[i] = i;
  g_assert_nonnull (image);
  assert_inflates_to (teken_image_get_data (image), expected, 16);
}

static void
test_png_crc (void)
{
  g_autoptr(GBytes) png = gray_png (4, 0);
  gsize idat;
  gsize text;
  gsize size = g_bytes_get_size (png);
  const guint8 *data = g_bytes_get_data (png, NULL);
  g_autoptr(GBytes) bad_header = with_byte_changed (png, 8 + 8 + 3, 5);
  g_autoptr(GBytes) bad_crc = with_byte_changed (png, size - 1, data[size - 1] ^ 1);
  g_autoptr(GBytes) bad_idat = NULL;
  g_autoptr(GBytes) bad_text = NULL;
  GByteArray *with_text = png_new ();
  g_autoptr(GBytes) text_png = NULL;
  gsize raw_length;
  g_autofree guint8 *raw = gray_raw (4, 0, &raw_length);

  /* The first IDAT is empty; change the second one's data. */
  idat = find_chunk (png, "IDAT") + 12;
  g_assert_cmpmem (data + idat + 4, 4, "IDAT", 4);
  bad_idat = with_byte_changed (png, idat + 9, data[idat + 9] ^ 0x40);

  png_ihdr (with_text, 4, 4, 8, 0, 0);
  png_chunk (with_text, "tEXt", "Author\0Budi", 11);
  png_raw_idats (with_text, raw, raw_length);
  text_png = png_finish (with_text);
  text = find_chunk (text_png, "tEXt");
  bad_text = with_byte_changed (text_png, text + 9, 'X');

  expect_error (bad_header, TEKEN_IMAGE_ERROR_CORRUPT);
  expect_error (bad_crc, TEKEN_IMAGE_ERROR_CORRUPT);
  expect_error (bad_idat, TEKEN_IMAGE_ERROR_CORRUPT);
  expect_error (bad_text, TEKEN_IMAGE_ERROR_CORRUPT);
}

/* Every prefix of a valid file fails cleanly. */
static void
test_png_truncated_file (void)
{
  g_autofree guint16 *samples = make_samples (11, 7, 4, 0xffff, 3);
  PngSpec spec = {
    .width = 11,
    .height = 7,
    .depth = 16,
    .colour_type = 6,
    .interlaced = TRUE,
    .filter = -1,
    .samples = samples,
  };
  g_autoptr(GBytes) png = make_png (&spec);

  for (gsize length = 0; length < g_bytes_get_size (png); length++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new_from_bytes (png, 0, length);

      expect_error (prefix, length < 8 ? TEKEN_IMAGE_ERROR_UNSUPPORTED : TEKEN_IMAGE_ERROR_CORRUPT);
    }
}

static void
test_png_wrong_amount_of_data (void)
{
  g_autoptr(GBytes) short_data = gray_png (3, 0);
  g_autoptr(GBytes) long_data = gray_png (5, 0);
  g_autoptr(GBytes) bad_filter = gray_png (4, 5);
  g_autoptr(GBytes) no_trailer = NULL;
  g_autoptr(GBytes) bad_adler = NULL;
  g_autoptr(GBytes) no_data = NULL;
  g_autoptr(GBytes) not_zlib = NULL;
  g_autoptr(GBytes) dictionary = NULL;
  gsize length;
  g_autofree guint8 *raw = gray_raw (4, 0, &length);
  g_autoptr(GByteArray) compressed = compress_bytes (raw, length);
  GByteArray *png;

  expect_error (short_data, TEKEN_IMAGE_ERROR_CORRUPT);
  expect_error (long_data, TEKEN_IMAGE_ERROR_CORRUPT);
  expect_error (bad_filter, TEKEN_IMAGE_ERROR_CORRUPT);

  /* The zlib stream cut before its Adler-32. */
  png = png_new ();
  png_ihdr (png, 4, 4, 8, 0, 0);
  png_idats (png, compressed->data, compressed->len - 4);
  no_trailer = png_finish (png);
  expect_error (no_trailer, TEKEN_IMAGE_ERROR_CORRUPT);

  compressed->data[compressed->len - 1] ^= 1;
  png = png_new ();
  png_ihdr (png, 4, 4, 8, 0, 0);
  png_idats (png, compressed->data, compressed->len);
  bad_adler = png_finish (png);
  expect_error (bad_adler, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_ihdr (png, 4, 4, 8, 0, 0);
  png_chunk (png, "IDAT", "\x78\x9c", 2);
  no_data = png_finish (png);
  expect_error (no_data, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_ihdr (png, 4, 4, 8, 0, 0);
  png_chunk (png, "IDAT", raw, length);
  not_zlib = png_finish (png);
  expect_error (not_zlib, TEKEN_IMAGE_ERROR_CORRUPT);

  /* FDICT set: a preset dictionary PNG does not allow. */
  png = png_new ();
  png_ihdr (png, 4, 4, 8, 0, 0);
  png_chunk (png, "IDAT", "\x78\xbb\x00\x00\x00\x01\x01\x00", 8);
  dictionary = png_finish (png);
  expect_error (dictionary, TEKEN_IMAGE_ERROR_CORRUPT);
}

static void
test_png_bad_header (void)
{
  static const struct { guint32 width, height; guint8 depth, colour_type, interlace; } headers[] = {
    { 0, 4, 8, 0, 0 },
    { 4, 0, 8, 0, 0 },
    { 0x80000000u, 4, 8, 0, 0 },
    { 4, 4, 3, 0, 0 },
    { 4, 4, 4, 2, 0 },
    { 4, 4, 16, 3, 0 },
    { 4, 4, 4, 4, 0 },
    { 4, 4, 2, 6, 0 },
    { 4, 4, 8, 1, 0 },
    { 4, 4, 8, 5, 0 },
    { 4, 4, 8, 7, 0 },
    { 4, 4, 8, 0, 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      GByteArray *png = png_new ();
      g_autoptr(GBytes) bytes = NULL;
      gsize length;
      g_autofree guint8 *raw = gray_raw (4, 0, &length);

      png_ihdr (png, headers[i].width, headers[i].height, headers[i].depth,
                headers[i].colour_type, headers[i].interlace);
      png_raw_idats (png, raw, length);
      bytes = png_finish (png);
      expect_error (bytes, TEKEN_IMAGE_ERROR_CORRUPT);
    }

  /* Compression and filter methods other than 0. */
  for (guint field = 10; field <= 11; field++)
    {
      g_autoptr(GBytes) good = gray_png (4, 0);
      GByteArray *png = png_new ();
      g_autoptr(GBytes) bytes = NULL;
      guint8 header[13];

      memcpy (header, (const guint8 *) g_bytes_get_data (good, NULL) + 16, 13);
      header[field] = 1;
      png_chunk (png, "IHDR", header, 13);
      png_raw_idats (png, (const guint8 *) "\0\0\0\0\0", 5);
      bytes = png_finish (png);
      expect_error (bytes, TEKEN_IMAGE_ERROR_CORRUPT);
    }
}

static void
test_png_too_large (void)
{
  static const struct { guint32 width, height; TekenImageError code; } headers[] = {
    { 10001, 1, TEKEN_IMAGE_ERROR_TOO_LARGE },
    { 1, 10001, TEKEN_IMAGE_ERROR_TOO_LARGE },
    { 10000, 4001, TEKEN_IMAGE_ERROR_TOO_LARGE },
    { 0x7fffffff, 0x7fffffff, TEKEN_IMAGE_ERROR_TOO_LARGE },
    /* Within the limits but with a few bytes of data: refused before
     * anything is allocated for it. */
    { 10000, 4000, TEKEN_IMAGE_ERROR_CORRUPT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    for (guint interlace = 0; interlace <= 1; interlace++)
      {
        GByteArray *png = png_new ();
        g_autoptr(GBytes) bytes = NULL;

        png_ihdr (png, headers[i].width, headers[i].height, 16, 6, interlace);
        png_raw_idats (png, (const guint8 *) "\0\0\0\0\0\0\0\0", 8);
        bytes = png_finish (png);
        expect_error (bytes, headers[i].code);
      }
}

static void
test_png_chunk_order (void)
{
  static const guint8 palette[] = { 0, 0, 0, 255, 255, 255 };
  gsize length;
  g_autofree guint8 *raw = gray_raw (4, 0, &length);
  g_autoptr(GByteArray) compressed = compress_bytes (raw, length);
  guint8 palette_raw[] = { 0, 0x50, 1, 0x00, 0, 0xa0 };
  g_autoptr(GByteArray) palette_compressed = compress_bytes (palette_raw, sizeof palette_raw);
  guint8 ihdr[13] = { 0, 0, 0, 4, 0, 0, 0, 4, 8, 0, 0, 0, 0 };
  GByteArray *png;
  g_autoptr(GBytes) no_header = NULL;
  g_autoptr(GBytes) two_headers = NULL;
  g_autoptr(GBytes) split_data = NULL;
  g_autoptr(GBytes) no_data = NULL;
  g_autoptr(GBytes) no_end = NULL;
  g_autoptr(GBytes) long_end = NULL;
  g_autoptr(GBytes) no_palette = NULL;
  g_autoptr(GBytes) palette_after_data = NULL;
  g_autoptr(GBytes) odd_palette = NULL;
  g_autoptr(GBytes) long_trns = NULL;
  g_autoptr(GBytes) gray_trns = NULL;
  g_autoptr(GBytes) trns_before_palette = NULL;
  g_autoptr(GBytes) huge_length = NULL;
  g_autoptr(GBytes) bad_type = NULL;
  g_autoptr(GBytes) critical = NULL;
  g_autoptr(GBytes) ancillary = NULL;
  g_autoptr(GBytes) after_end = NULL;
  g_autoptr(GBytes) after_stream = NULL;
  g_autoptr(TekenImage) image = NULL;

  png = png_new ();
  png_chunk (png, "tEXt", "a\0b", 3);
  png_chunk (png, "IHDR", ihdr, 13);
  png_idats (png, compressed->data, compressed->len);
  no_header = png_finish (png);
  expect_error (no_header, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_chunk (png, "IHDR", ihdr, 13);
  png_idats (png, compressed->data, compressed->len);
  two_headers = png_finish (png);
  expect_error (two_headers, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_chunk (png, "IDAT", compressed->data, 10);
  png_chunk (png, "tEXt", "a\0b", 3);
  png_chunk (png, "IDAT", compressed->data + 10, compressed->len - 10);
  split_data = png_finish (png);
  expect_error (split_data, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  no_data = png_finish (png);
  expect_error (no_data, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_idats (png, compressed->data, compressed->len);
  no_end = g_byte_array_free_to_bytes (png);
  expect_error (no_end, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_idats (png, compressed->data, compressed->len);
  png_chunk (png, "IEND", "x", 1);
  long_end = g_byte_array_free_to_bytes (png);
  expect_error (long_end, TEKEN_IMAGE_ERROR_CORRUPT);

  /* 1-bit palette images, 4×3 pixels in one byte per row. */
  ihdr[7] = 3;
  ihdr[8] = 1;
  ihdr[9] = 3;

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_idats (png, palette_compressed->data, palette_compressed->len);
  no_palette = png_finish (png);
  expect_error (no_palette, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_idats (png, palette_compressed->data, palette_compressed->len);
  png_chunk (png, "PLTE", palette, sizeof palette);
  palette_after_data = png_finish (png);
  expect_error (palette_after_data, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_chunk (png, "PLTE", palette, 5);
  png_idats (png, palette_compressed->data, palette_compressed->len);
  odd_palette = png_finish (png);
  expect_error (odd_palette, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_chunk (png, "PLTE", palette, sizeof palette);
  png_chunk (png, "tRNS", "\1\2\3", 3);
  png_idats (png, palette_compressed->data, palette_compressed->len);
  long_trns = png_finish (png);
  expect_error (long_trns, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_chunk (png, "tRNS", "\1", 1);
  png_chunk (png, "PLTE", palette, sizeof palette);
  png_idats (png, palette_compressed->data, palette_compressed->len);
  trns_before_palette = png_finish (png);
  expect_error (trns_before_palette, TEKEN_IMAGE_ERROR_CORRUPT);

  /* Back to 8-bit gray, 4×4. */
  ihdr[7] = 4;
  ihdr[8] = 8;
  ihdr[9] = 0;

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_chunk (png, "tRNS", "\0\1\0\2\0\3", 6);
  png_idats (png, compressed->data, compressed->len);
  gray_trns = png_finish (png);
  expect_error (gray_trns, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  put_be32 (png, 0xffffffffu);
  g_byte_array_append (png, (const guint8 *) "tEXt", 4);
  huge_length = g_byte_array_free_to_bytes (png);
  expect_error (huge_length, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_chunk (png, "t3Xt", "a\0b", 3);
  png_idats (png, compressed->data, compressed->len);
  bad_type = png_finish (png);
  expect_error (bad_type, TEKEN_IMAGE_ERROR_CORRUPT);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_chunk (png, "CgBI", "\0\0\0\0", 4);
  png_idats (png, compressed->data, compressed->len);
  critical = png_finish (png);
  expect_error (critical, TEKEN_IMAGE_ERROR_UNSUPPORTED);

  /* What a reader may skip or ignore. */
  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_chunk (png, "vpAg", "\0\0\0\0", 4);
  png_chunk (png, "PLTE", palette, sizeof palette);
  png_idats (png, compressed->data, compressed->len);
  png_chunk (png, "zzZz", "\0", 1);
  ancillary = png_finish (png);
  image = teken_image_new_from_bytes (ancillary, NULL);
  g_assert_nonnull (image);
  g_clear_pointer (&image, teken_image_unref);

  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_idats (png, compressed->data, compressed->len);
  png_chunk (png, "IEND", NULL, 0);
  g_byte_array_append (png, (const guint8 *) "trailing junk", 13);
  after_end = g_byte_array_free_to_bytes (png);
  image = teken_image_new_from_bytes (after_end, NULL);
  g_assert_nonnull (image);
  g_clear_pointer (&image, teken_image_unref);

  g_byte_array_append (compressed, (const guint8 *) "junk", 4);
  png = png_new ();
  png_chunk (png, "IHDR", ihdr, 13);
  png_idats (png, compressed->data, compressed->len);
  after_stream = png_finish (png);
  image = teken_image_new_from_bytes (after_stream, NULL);
  g_assert_nonnull (image);
}

static void
test_not_an_image (void)
{
  static const char *inputs[] = {
    "",
    "hello",
    "GIF89a\1\0\1\0",
    "%PDF-1.7\n",
    "\x89PNG\r\n\x1a",
    "\xff\xd8",
    "\xff\xd9\xff",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (inputs[i], strlen (inputs[i]));

      expect_error (bytes, TEKEN_IMAGE_ERROR_UNSUPPORTED);
    }
}

static void
test_bytes_too_large (void)
{
  gsize size = TEKEN_IMAGE_MAX_FILE_SIZE + 1;
  guint8 *data = g_malloc0 (size);
  g_autoptr(GBytes) bytes = NULL;

  memcpy (data, "\xff\xd8\xff", 3);
  bytes = g_bytes_new_take (data, size);
  expect_error (bytes, TEKEN_IMAGE_ERROR_TOO_LARGE);
}

/* JPEG layouts: the scans are never decoded, so their data can be any bytes
 * that keep the marker structure. */

static void
jpeg_segment (GByteArray *jpeg,
              guint8      marker,
              const void *data,
              gsize       length)
{
  guint8 header[4] = { 0xff, marker, (length + 2) >> 8, length + 2 };

  g_byte_array_append (jpeg, header, 4);
  g_byte_array_append (jpeg, data, length);
}

static void
jpeg_frame (GByteArray *jpeg,
            guint8      marker,
            guint8      precision,
            guint16     width,
            guint16     height,
            guint8      n_components)
{
  guint8 frame[6 + 3 * 255] = {
    precision, height >> 8, height, width >> 8, width, n_components,
  };

  for (guint i = 0; i < n_components; i++)
    {
      frame[6 + 3 * i] = i + 1;
      frame[6 + 3 * i + 1] = i == 0 ? 0x22 : 0x11;
      frame[6 + 3 * i + 2] = i == 0 ? 0 : 1;
    }
  jpeg_segment (jpeg, marker, frame, 6 + 3 * n_components);
}

static void
jpeg_scan (GByteArray *jpeg,
           guint8      n_components)
{
  static const guint8 entropy[] = { 0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, 0xff, 0xff, 0x00 };
  guint8 header[1 + 2 * 4 + 3] = { n_components };

  for (guint i = 0; i < n_components; i++)
    header[1 + 2 * i] = i + 1;
  header[1 + 2 * n_components + 1] = 63;
  jpeg_segment (jpeg, 0xda, header, 1 + 2 * n_components + 3);
  g_byte_array_append (jpeg, entropy, sizeof entropy);
}

static GByteArray *
jpeg_new (gboolean adobe)
{
  static const guint8 soi[2] = { 0xff, 0xd8 };
  static const guint8 adobe_data[12] = { 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0 };
  guint8 table[65] = { 0 };
  GByteArray *jpeg = g_byte_array_new ();

  g_byte_array_append (jpeg, soi, 2);
  jpeg_segment (jpeg, 0xe0, "JFIF\0\1\1\0\0\1\0\1\0\0", 14);
  if (adobe)
    jpeg_segment (jpeg, 0xee, adobe_data, sizeof adobe_data);
  jpeg_segment (jpeg, 0xdb, table, sizeof table);

  return jpeg;
}

static void
jpeg_end (GByteArray *jpeg)
{
  g_byte_array_append (jpeg, (const guint8 *) "\xff\xd9", 2);
}

static GBytes *
make_jpeg (guint8   sof,
           guint8   precision,
           guint16  width,
           guint16  height,
           guint8   n_components,
           gboolean adobe)
{
  GByteArray *jpeg = jpeg_new (adobe);

  jpeg_frame (jpeg, sof, precision, width, height, n_components);
  jpeg_segment (jpeg, 0xc4, "\0\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 18);
  jpeg_scan (jpeg, MIN (n_components, 4));
  jpeg_end (jpeg);

  return g_byte_array_free_to_bytes (jpeg);
}

static void
check_jpeg (GBytes   *jpeg,
            gsize     length,
            guint     width,
            guint     height,
            guint     components,
            gboolean  inverted)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenImage) image = teken_image_new_from_bytes (jpeg, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (teken_image_get_width (image), ==, width);
  g_assert_cmpuint (teken_image_get_height (image), ==, height);
  g_assert_cmpuint (teken_image_get_components (image), ==, components);
  g_assert_cmpstr (teken_image_get_filter (image), ==, "DCTDecode");
  g_assert_null (teken_image_get_alpha (image));
  g_assert_cmpint (teken_image_get_inverted_cmyk (image), ==, inverted);
  g_assert_cmpmem (g_bytes_get_data (teken_image_get_data (image), NULL),
                   g_bytes_get_size (teken_image_get_data (image)),
                   g_bytes_get_data (jpeg, NULL), length);
}

static void
test_jpeg_valid (void)
{
  g_autoptr(GBytes) gray = make_jpeg (0xc0, 8, 640, 200, 1, FALSE);
  g_autoptr(GBytes) rgb = make_jpeg (0xc1, 8, 10000, 4000, 3, FALSE);
  g_autoptr(GBytes) rgb_adobe = make_jpeg (0xc0, 8, 31, 17, 3, TRUE);
  g_autoptr(GBytes) cmyk = make_jpeg (0xc0, 8, 300, 100, 4, FALSE);
  g_autoptr(GBytes) cmyk_adobe = make_jpeg (0xc2, 8, 1, 1, 4, TRUE);

  check_jpeg (gray, g_bytes_get_size (gray), 640, 200, 1, FALSE);
  check_jpeg (rgb, g_bytes_get_size (rgb), 10000, 4000, 3, FALSE);
  check_jpeg (rgb_adobe, g_bytes_get_size (rgb_adobe), 31, 17, 3, FALSE);
  check_jpeg (cmyk, g_bytes_get_size (cmyk), 300, 100, 4, FALSE);
  check_jpeg (cmyk_adobe, g_bytes_get_size (cmyk_adobe), 1, 1, 4, TRUE);
}

static void
test_jpeg_progressive_and_trailing (void)
{
  GByteArray *jpeg = jpeg_new (TRUE);
  g_autoptr(GBytes) bytes = NULL;
  gsize length;

  /* Fill bytes before a marker, stray bytes between segments, a restart
   * interval, several scans with tables between them. */
  g_byte_array_append (jpeg, (const guint8 *) "\xff\xff", 2);
  jpeg_frame (jpeg, 0xc2, 8, 1200, 400, 4);
  g_byte_array_append (jpeg, (const guint8 *) "\0\0", 2);
  jpeg_segment (jpeg, 0xdd, "\0\4", 2);
  jpeg_scan (jpeg, 4);
  jpeg_segment (jpeg, 0xc4, "\0\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 18);
  jpeg_scan (jpeg, 1);
  jpeg_scan (jpeg, 1);
  jpeg_end (jpeg);
  length = jpeg->len;
  /* Left out of the document: another file appended after EOI. */
  g_byte_array_append (jpeg, (const guint8 *) "PK\3\4\xff\xd9 appended", 15);
  bytes = g_byte_array_free_to_bytes (jpeg);

  check_jpeg (bytes, length, 1200, 400, 4, TRUE);
}

static void
test_jpeg_metadata_left_out (void)
{
  GByteArray *jpeg = jpeg_new (FALSE);
  g_autoptr(GBytes) with_metadata = NULL;
  g_autoptr(GBytes) plain = make_jpeg (0xc0, 8, 64, 48, 3, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenImage) image = NULL;
  GBytes *data;

  static const char exif[] = "Exif\0\0GPS -6.2088 106.8456 serial 12345";
  static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>";
  static const char comment[] = "taken at home";

  /* A phone photo: Exif with a GPS position, XMP, a comment. */
  jpeg_segment (jpeg, 0xe1, exif, sizeof exif - 1);
  jpeg_segment (jpeg, 0xe1, xmp, sizeof xmp - 1);
  jpeg_segment (jpeg, 0xfe, comment, sizeof comment - 1);
  jpeg_frame (jpeg, 0xc0, 8, 64, 48, 3);
  jpeg_segment (jpeg, 0xc4, "\0\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 18);
  jpeg_scan (jpeg, 3);
  jpeg_end (jpeg);
  with_metadata = g_byte_array_free_to_bytes (jpeg);

  image = teken_image_new_from_bytes (with_metadata, &error);
  g_assert_no_error (error);
  data = teken_image_get_data (image);

  /* What is embedded is the same image without the metadata. */
  g_assert_null (g_strstr_len (g_bytes_get_data (data, NULL), g_bytes_get_size (data), "GPS"));
  g_assert_null (g_strstr_len (g_bytes_get_data (data, NULL), g_bytes_get_size (data), "xmpmeta"));
  g_assert_null (g_strstr_len (g_bytes_get_data (data, NULL), g_bytes_get_size (data), "taken at home"));
  g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                   g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
}

static void
test_jpeg_unsupported (void)
{
  static const struct { guint8 sof, precision, n_components; guint16 height; } frames[] = {
    { 0xc3, 8, 3, 10 },   /* lossless */
    { 0xc5, 8, 3, 10 },   /* differential */
    { 0xc9, 8, 3, 10 },   /* arithmetic */
    { 0xca, 8, 3, 10 },
    { 0xcb, 8, 3, 10 },
    { 0xcd, 8, 3, 10 },
    { 0xcf, 8, 3, 10 },
    { 0xc0, 12, 3, 10 },  /* 12-bit */
    { 0xc1, 12, 1, 10 },
    { 0xc2, 16, 1, 10 },
    { 0xc0, 8, 2, 10 },   /* two components */
    { 0xc0, 8, 5, 10 },
    { 0xc0, 8, 3, 0 },    /* height from DNL */
  };
  GByteArray *hierarchical = jpeg_new (FALSE);
  g_autoptr(GBytes) hierarchical_bytes = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      g_autoptr(GBytes) jpeg = make_jpeg (frames[i].sof, frames[i].precision, 20,
                                          frames[i].height, frames[i].n_components, FALSE);

      expect_error (jpeg, TEKEN_IMAGE_ERROR_UNSUPPORTED);
    }

  jpeg_segment (hierarchical, 0xde, "\x08\0\x10\0\x10\1\1\x11\0", 9);
  jpeg_frame (hierarchical, 0xc5, 8, 16, 16, 1);
  jpeg_scan (hierarchical, 1);
  jpeg_end (hierarchical);
  hierarchical_bytes = g_byte_array_free_to_bytes (hierarchical);
  expect_error (hierarchical_bytes, TEKEN_IMAGE_ERROR_UNSUPPORTED);
}

static void
test_jpeg_too_large (void)
{
  g_autoptr(GBytes) wide = make_jpeg (0xc0, 8, 10001, 10, 3, FALSE);
  g_autoptr(GBytes) tall = make_jpeg (0xc0, 8, 10, 10001, 3, FALSE);
  g_autoptr(GBytes) area = make_jpeg (0xc2, 8, 9000, 9000, 1, FALSE);
  g_autoptr(GBytes) huge = make_jpeg (0xc0, 8, 65535, 65535, 3, FALSE);

  expect_error (wide, TEKEN_IMAGE_ERROR_TOO_LARGE);
  expect_error (tall, TEKEN_IMAGE_ERROR_TOO_LARGE);
  expect_error (area, TEKEN_IMAGE_ERROR_TOO_LARGE);
  expect_error (huge, TEKEN_IMAGE_ERROR_TOO_LARGE);
}

static GBytes *
finish_jpeg (GByteArray *jpeg)
{
  return g_byte_array_free_to_bytes (jpeg);
}

static void
test_jpeg_corrupt (void)
{
  g_autoptr(GBytes) valid = make_jpeg (0xc0, 8, 64, 48, 3, FALSE);
  GByteArray *jpeg;
  gsize frame;

  /* Every prefix of a valid file. */
  for (gsize length = 0; length < g_bytes_get_size (valid); length++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new_from_bytes (valid, 0, length);

      expect_error (prefix, length < 3 ? TEKEN_IMAGE_ERROR_UNSUPPORTED : TEKEN_IMAGE_ERROR_CORRUPT);
    }

  /* A scan before any frame. */
  {
    g_autoptr(GBytes) bytes = NULL;

    jpeg = jpeg_new (FALSE);
    jpeg_scan (jpeg, 3);
    jpeg_end (jpeg);
    bytes = finish_jpeg (jpeg);
    expect_error (bytes, TEKEN_IMAGE_ERROR_CORRUPT);
  }

  /* EOI with no scan. */
  {
    g_autoptr(GBytes) bytes = NULL;

    jpeg = jpeg_new (FALSE);
    jpeg_frame (jpeg, 0xc0, 8, 10, 10, 1);
    jpeg_end (jpeg);
    bytes = finish_jpeg (jpeg);
    expect_error (bytes, TEKEN_IMAGE_ERROR_CORRUPT);
  }

  /* Two frames. */
  {
    g_autoptr(GBytes) bytes = NULL;

    jpeg = jpeg_new (FALSE);
    jpeg_frame (jpeg, 0xc0, 8, 10, 10, 1);
    jpeg_frame (jpeg, 0xc0, 8, 10, 10, 1);
    jpeg_scan (jpeg, 1);
    jpeg_end (jpeg);
    bytes = finish_jpeg (jpeg);
    expect_error (bytes, TEKEN_IMAGE_ERROR_CORRUPT);
  }

  /* A second SOI. */
  {
    g_autoptr(GBytes) bytes = NULL;

    jpeg = jpeg_new (FALSE);
    g_byte_array_append (jpeg, (const guint8 *) "\xff\xd8", 2);
    jpeg_frame (jpeg, 0xc0, 8, 10, 10, 1);
    jpeg_scan (jpeg, 1);
    jpeg_end (jpeg);
    bytes = finish_jpeg (jpeg);
    expect_error (bytes, TEKEN_IMAGE_ERROR_CORRUPT);
  }

  /* A segment length below 2, and one past the end of the file. */
  {
    g_autoptr(GBytes) short_bytes = NULL;
    g_autoptr(GBytes) long_bytes = NULL;

    jpeg = jpeg_new (FALSE);
    g_byte_array_append (jpeg, (const guint8 *) "\xff\xe1\0\1", 4);
    jpeg_frame (jpeg, 0xc0, 8, 10, 10, 1);
    jpeg_scan (jpeg, 1);
    jpeg_end (jpeg);
    short_bytes = finish_jpeg (jpeg);
    expect_error (short_bytes, TEKEN_IMAGE_ERROR_CORRUPT);

    jpeg = jpeg_new (FALSE);
    jpeg_frame (jpeg, 0xc0, 8, 10, 10, 1);
    jpeg_scan (jpeg, 1);
    g_byte_array_append (jpeg, (const guint8 *) "\xff\xe1\xff\xf0", 4);
    jpeg_end (jpeg);
    long_bytes = finish_jpeg (jpeg);
    expect_error (long_bytes, TEKEN_IMAGE_ERROR_CORRUPT);
  }

  /* Frame headers with a wrong length, no components, zero width, a zero
   * sampling factor, a quantisation table number past 3. */
  for (guint variant = 0; variant < 6; variant++)
    {
      g_autoptr(GBytes) bytes = NULL;

      jpeg = jpeg_new (FALSE);
      frame = jpeg->len;
      jpeg_frame (jpeg, 0xc0, 8, 10, 10, 3);
      switch (variant)
        {
        case 0: jpeg->data[frame + 3] += 1; break;            /* length */
        case 1: jpeg->data[frame + 3] -= 3; break;            /* length */
        case 2: jpeg->data[frame + 9] = 0;                    /* no components */
                jpeg->data[frame + 3] = 8;
                g_byte_array_set_size (jpeg, frame + 10); break;
        case 3: jpeg->data[frame + 7] = 0;                    /* width 0 */
                jpeg->data[frame + 8] = 0; break;
        case 4: jpeg->data[frame + 11] = 0x20; break;         /* V = 0 */
        case 5: jpeg->data[frame + 12] = 4; break;            /* Tq = 4 */
        default: g_assert_not_reached ();
        }
      jpeg_scan (jpeg, 3);
      jpeg_end (jpeg);
      bytes = finish_jpeg (jpeg);
      g_test_message ("frame variant %u", variant);
      expect_error (bytes, TEKEN_IMAGE_ERROR_CORRUPT);
    }

  /* Scan headers: no components, five, a length that does not match. */
  for (guint variant = 0; variant < 3; variant++)
    {
      static const guint8 scans[][18] = {
        { 0xff, 0xda, 0, 6, 0, 0, 63, 0 },
        { 0xff, 0xda, 0, 16, 5, 1, 0, 2, 0, 3, 0, 4 },
        { 0xff, 0xda, 0, 9, 1, 1, 0, 0, 63, 0, 0 },
      };
      g_autoptr(GBytes) bytes = NULL;

      jpeg = jpeg_new (FALSE);
      jpeg_frame (jpeg, 0xc0, 8, 10, 10, 1);
      g_byte_array_append (jpeg, scans[variant], 2 + ((scans[variant][2] << 8) | scans[variant][3]));
      g_byte_array_append (jpeg, (const guint8 *) "\x12\x34", 2);
      jpeg_end (jpeg);
      bytes = finish_jpeg (jpeg);
      expect_error (bytes, TEKEN_IMAGE_ERROR_CORRUPT);
    }
}

static void
test_boxed (void)
{
  g_autoptr(GBytes) jpeg = make_jpeg (0xc0, 8, 64, 48, 3, FALSE);
  g_autoptr(TekenImage) image = teken_image_new_from_bytes (jpeg, NULL);
  TekenImage *copy = g_boxed_copy (TEKEN_TYPE_IMAGE, image);

  g_assert_true (copy == image);
  g_boxed_free (TEKEN_TYPE_IMAGE, copy);
  g_assert_cmpuint (teken_image_get_width (image), ==, 64);
}

static void
test_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-image-XXXXXX", &error);
  g_autofree char *png_path = g_build_filename (dir, "ttd.png", NULL);
  g_autofree char *big_path = g_build_filename (dir, "big.png", NULL);
  g_autofree char *missing_path = g_build_filename (dir, "missing.png", NULL);
  g_autoptr(GBytes) png = gray_png (4, 0);
  g_autoptr(TekenImage) image = NULL;
  FILE *big;

  g_assert_no_error (error);

  g_assert_true (g_file_set_contents (png_path, g_bytes_get_data (png, NULL),
                                      g_bytes_get_size (png), &error));
  image = teken_image_new_from_file (png_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (teken_image_get_width (image), ==, 4);

  g_clear_pointer (&image, teken_image_unref);

  image = teken_image_new_from_file (missing_path, &error);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  image = teken_image_new_from_file (dir, &error);
  g_assert_null (image);
  g_assert_error (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Sparse: refused from its size alone, without reading 33 MiB. */
  big = g_fopen (big_path, "wb");
  g_assert_nonnull (big);
  fwrite (g_bytes_get_data (png, NULL), 1, g_bytes_get_size (png), big);
  g_assert_cmpint (fseek (big, 33 * 1024 * 1024, SEEK_SET), ==, 0);
  fputc (0, big);
  fclose (big);
  image = teken_image_new_from_file (big_path, &error);
  g_assert_null (image);
  g_assert_error (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_TOO_LARGE);
  g_clear_error (&error);

#ifdef G_OS_UNIX
  {
    g_autofree char *fifo_path = g_build_filename (dir, "fifo.png", NULL);

    /* Opening a FIFO would wait for a writer forever. */
    g_assert_cmpint (mkfifo (fifo_path, 0600), ==, 0);
    image = teken_image_new_from_file (fifo_path, &error);
    g_assert_null (image);
    g_assert_error (error, TEKEN_IMAGE_ERROR, TEKEN_IMAGE_ERROR_UNSUPPORTED);
    g_clear_error (&error);
    g_remove (fifo_path);
  }
#endif

  g_remove (png_path);
  g_remove (big_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/image/png/formats", test_png_formats);
  g_test_add_func ("/image/png/each-filter", test_png_each_filter);
  g_test_add_func ("/image/png/16-bit-values", test_png_16_bit_values);
  g_test_add_func ("/image/png/opaque-alpha-dropped", test_png_opaque_alpha_dropped);
  g_test_add_func ("/image/png/palette-transparency", test_png_palette_transparency);
  g_test_add_func ("/image/png/colour-key", test_png_colour_key);
  g_test_add_func ("/image/png/valid-reference", test_png_valid_reference);
  g_test_add_func ("/image/png/crc", test_png_crc);
  g_test_add_func ("/image/png/truncated-file", test_png_truncated_file);
  g_test_add_func ("/image/png/wrong-amount-of-data", test_png_wrong_amount_of_data);
  g_test_add_func ("/image/png/bad-header", test_png_bad_header);
  g_test_add_func ("/image/png/too-large", test_png_too_large);
  g_test_add_func ("/image/png/chunk-order", test_png_chunk_order);
  g_test_add_func ("/image/jpeg/valid", test_jpeg_valid);
  g_test_add_func ("/image/jpeg/progressive-and-trailing", test_jpeg_progressive_and_trailing);
  g_test_add_func ("/image/jpeg/metadata-left-out", test_jpeg_metadata_left_out);
  g_test_add_func ("/image/jpeg/unsupported", test_jpeg_unsupported);
  g_test_add_func ("/image/jpeg/too-large", test_jpeg_too_large);
  g_test_add_func ("/image/jpeg/corrupt", test_jpeg_corrupt);
  g_test_add_func ("/image/not-an-image", test_not_an_image);
  g_test_add_func ("/image/bytes-too-large", test_bytes_too_large);
  g_test_add_func ("/image/boxed", test_boxed);
  g_test_add_func ("/image/file", test_file);

  return g_test_run ();
}
