/* test-signature-appearance.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "teken-signature-appearance-private.h"

#define EPSILON 1e-9

static const char long_name[] =
  "Prof. Dr. Ir. Raden Ajeng Kartika Sekarningrum Wulandari Prawirodirdjo, S.T., M.Sc., Ph.D.";
static const char long_position[] =
  "Kepala Bidang Aplikasi Informatika dan Persandian Dinas Komunikasi, Informatika, "
  "Statistik dan Persandian Kabupaten Kepulauan Seribu";
static const char long_reason[] =
  "Menyetujui isi dokumen Peraturan Bupati tentang Pedoman Penyelenggaraan Sistem "
  "Pemerintahan Berbasis Elektronik beserta seluruh lampirannya";
/* No spaces at all: only breaking between characters can make it fit. */
static const char long_word[] =
  "https://verifikasi.example.go.id/dokumen/0123456789abcdef0123456789abcdef";

static GDateTime *
make_time (int offset_seconds,
           int month,
           int day)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (offset_seconds);

  return g_date_time_new (zone, 2026, month, day, 8, 31, 0);
}

static TekenAppearanceSpec
make_spec (GDateTime *signing_time)
{
  return (TekenAppearanceSpec) {
    .signer_name = "Budi Santoso",
    .role = TEKEN_ACTING_ROLE_PLH,
    .position = "Kepala Dinas Kominfo",
    .reason = "Menyetujui dokumen",
    .location = "Surabaya",
    .signing_time = signing_time,
  };
}

static char *
build_string (const TekenAppearanceSpec *spec,
              double                     width,
              double                     height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) stream = teken_signature_appearance_build (spec, width, height, &error);
  gsize size;
  const char *data;

  g_assert_no_error (error);
  g_assert_nonnull (stream);
  data = g_bytes_get_data (stream, &size);
  g_assert_null (memchr (data, '\0', size));

  return g_strndup (data, size);
}

static const TekenAppearanceLine *
get_line (const TekenAppearanceLayout *layout,
          guint                        index)
{
  g_assert_cmpuint (index, <, layout->lines->len);

  return g_ptr_array_index (layout->lines, index);
}

static char *
strip_spaces (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (*p != ' ')
      g_string_append_c (out, *p);

  return g_string_free (out, FALSE);
}

/* All the text the spec should show, in WinAnsi, without spaces: what the
 * lines must add up to when nothing was truncated. */
static char *
expected_text (const TekenAppearanceSpec *spec)
{
  g_autofree char *time = teken_appearance_format_time (spec->signing_time);
  g_autofree char *utf8 = g_strconcat ("Ditandatangani secara elektronik oleh:",
                                       spec->signer_name,
                                       spec->role == TEKEN_ACTING_ROLE_PLH ? "Plh." :
                                       spec->role == TEKEN_ACTING_ROLE_PLT ? "Plt." : "",
                                       spec->position != NULL ? spec->position : "",
                                       time,
                                       spec->reason != NULL ? "Alasan:" : "",
                                       spec->reason != NULL ? spec->reason : "",
                                       spec->location != NULL ? "Lokasi:" : "",
                                       spec->location != NULL ? spec->location : "",
                                       NULL);
  g_autofree char *winansi = teken_appearance_to_winansi (utf8);

  return strip_spaces (winansi);
}

static void
assert_rect_inside (const TekenAppearanceRect *rect,
                    double                     width,
                    double                     height)
{
  g_assert_cmpfloat (rect->x, >=, 0.0);
  g_assert_cmpfloat (rect->y, >=, 0.0);
  g_assert_cmpfloat (rect->x + rect->width, <=, width + EPSILON);
  g_assert_cmpfloat (rect->y + rect->height, <=, height + EPSILON);
}

static void
assert_layout_fits (const TekenAppearanceSpec   *spec,
                    const TekenAppearanceLayout *layout,
                    double                       width,
                    double                       height)
{
  const TekenAppearanceRect *area = &layout->text_area;
  g_autoptr(GString) shown = g_string_new (NULL);

  assert_rect_inside (area, width, height);
  g_assert_cmpfloat (area->width, >, 0.0);
  g_assert_cmpfloat (area->height, >, 0.0);

  if (layout->qr.width > 0)
    {
      assert_rect_inside (&layout->qr, width, height);
      g_assert_cmpfloat (layout->qr.x + layout->qr.width, <=, area->x + EPSILON);
    }
  if (layout->image.width > 0)
    {
      assert_rect_inside (&layout->image, width, height);
      g_assert_cmpfloat (layout->image.x + layout->image.width, <=, area->x + EPSILON);
      if (layout->qr.width > 0)
        g_assert_cmpfloat (layout->qr.x + layout->qr.width, <=, layout->image.x + EPSILON);
    }

  g_assert_cmpfloat (layout->font_size, >=, TEKEN_APPEARANCE_MIN_FONT_SIZE);
  g_assert_cmpfloat (layout->font_size, <=, TEKEN_APPEARANCE_MAX_FONT_SIZE);
  g_assert_cmpuint (layout->lines->len, >, 0);

  for (guint i = 0; i < layout->lines->len; i++)
    {
      const TekenAppearanceLine *line = get_line (layout, i);

      g_assert_cmpfloat (line->size, ==, layout->font_size);
      g_assert_cmpfloat (line->width, ==, teken_appearance_text_width (line->text, line->font, line->size));
      g_assert_cmpfloat (line->x, >=, area->x);
      g_assert_cmpfloat (line->x + line->width, <=, area->x + area->width + EPSILON);
      g_assert_cmpfloat (line->y - TEKEN_APPEARANCE_DESCENT * line->size, >=, area->y - EPSILON);
      g_assert_cmpfloat (line->y + TEKEN_APPEARANCE_ASCENT * line->size, <=, area->y + area->height + EPSILON);
      if (i > 0)
        g_assert_cmpfloat (line->y, <, get_line (layout, i - 1)->y);

      /* "…" ends the last line of a truncated layout, and nothing else. */
      if (layout->truncated && i == layout->lines->len - 1)
        g_assert_cmpint (line->text[strlen (line->text) - 1], ==, TEKEN_APPEARANCE_ELLIPSIS);
      else
        g_assert_null (strchr (line->text, TEKEN_APPEARANCE_ELLIPSIS));

      g_string_append (shown, line->text);
    }

  if (layout->truncated)
    {
      g_assert_cmpfloat (layout->font_size, ==, TEKEN_APPEARANCE_MIN_FONT_SIZE);
    }
  else
    {
      g_autofree char *expected = expected_text (spec);
      g_autofree char *stripped = strip_spaces (shown->str);

      g_assert_cmpstr (stripped, ==, expected);
    }
}

static void
test_refuses_small_box (void)
{
  g_autoptr(GDateTime) time = make_time (7 * 3600, 11, 22);
  TekenAppearanceSpec spec = make_spec (time);
  const double sizes[][2] = { { 35.9, 18 }, { 36, 17.9 }, { 0, 0 }, { -100, 50 }, { 200, 10 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) stream = teken_signature_appearance_build (&spec, sizes[i][0], sizes[i][1], &error);

      g_assert_error (error, TEKEN_APPEARANCE_ERROR, TEKEN_APPEARANCE_ERROR_BOX_TOO_SMALL);
      g_assert_null (stream);
      g_assert_nonnull (strstr (error->message, "1.3"));
      g_assert_nonnull (strstr (error->message, "0.7"));
    }

  g_free (build_string (&spec, TEKEN_APPEARANCE_MIN_WIDTH, TEKEN_APPEARANCE_MIN_HEIGHT));
}

/* Many box sizes against long and short content, with and without a QR code
 * and an image: every line stays inside the text area. */
static void
test_lines_stay_inside (void)
{
  g_autoptr(GDateTime) time = make_time (8 * 3600, 2, 9);
  TekenAppearanceSpec specs[6];
  guint checked = 0;
  guint truncated = 0;
  guint shrunk = 0;

  specs[0] = make_spec (time);
  specs[1] = make_spec (time);
  specs[1].signer_name = long_name;
  specs[1].position = long_position;
  specs[1].reason = long_reason;
  specs[1].location = "Kantor Bupati, Jalan Merdeka Barat Nomor 17, Kepulauan Seribu";
  specs[2] = specs[1];
  specs[2].qr_text = "https://verifikasi.example.go.id/d/0123456789";
  specs[3] = specs[2];
  specs[3].image_width = 400;
  specs[3].image_height = 150;
  specs[4] = make_spec (time);
  specs[4].signer_name = long_word;
  specs[4].reason = long_word;
  specs[4].image_width = 60;
  specs[4].image_height = 200;
  specs[5] = make_spec (time);
  specs[5].role = TEKEN_ACTING_ROLE_NONE;
  specs[5].position = NULL;
  specs[5].reason = NULL;
  specs[5].location = NULL;
  specs[5].qr_text = "Q";

  for (double width = 36; width <= 600; width += 16.5)
    for (double height = 18; height <= 300; height += 9.5)
      for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(TekenAppearanceLayout) layout = NULL;

          layout = teken_appearance_layout_new (&specs[i], width, height, &error);
          g_assert_no_error (error);
          assert_layout_fits (&specs[i], layout, width, height);

          checked++;
          truncated += layout->truncated;
          shrunk += layout->font_size < TEKEN_APPEARANCE_MAX_FONT_SIZE;
        }

  /* The loop really went through the interesting cases. */
  g_assert_cmpuint (checked, >, 5000);
  g_assert_cmpuint (truncated, >, 100);
  g_assert_cmpuint (shrunk, >, truncated);
  g_assert_cmpuint (checked - shrunk, >, 100);
}

static double
font_size_for (const TekenAppearanceSpec *spec,
               double                     width,
               double                     height)
{
  g_autoptr(TekenAppearanceLayout) layout = teken_appearance_layout_new (spec, width, height, NULL);

  g_assert_nonnull (layout);

  return layout->font_size;
}

static void
test_font_shrinks_with_box (void)
{
  g_autoptr(GDateTime) time = make_time (7 * 3600, 11, 22);
  TekenAppearanceSpec spec = make_spec (time);
  double previous;

  spec.reason = long_reason;

  g_assert_cmpfloat (font_size_for (&spec, 600, 300), ==, TEKEN_APPEARANCE_MAX_FONT_SIZE);
  g_assert_cmpfloat (font_size_for (&spec, 36, 18), ==, TEKEN_APPEARANCE_MIN_FONT_SIZE);

  previous = TEKEN_APPEARANCE_MAX_FONT_SIZE;
  for (double width = 600; width >= 36; width -= 1)
    {
      double size = font_size_for (&spec, width, 90);

      g_assert_cmpfloat (size, <=, previous);
      previous = size;
    }
  g_assert_cmpfloat (previous, <, TEKEN_APPEARANCE_MAX_FONT_SIZE);

  previous = TEKEN_APPEARANCE_MAX_FONT_SIZE;
  for (double height = 300; height >= 18; height -= 1)
    {
      double size = font_size_for (&spec, 200, height);

      g_assert_cmpfloat (size, <=, previous);
      previous = size;
    }
  g_assert_cmpfloat (previous, <, TEKEN_APPEARANCE_MAX_FONT_SIZE);

  /* With a QR code, shrinking the whole box keeps its proportions. */
  spec.qr_text = "https://verifikasi.example.go.id/d/0123456789";
  previous = TEKEN_APPEARANCE_MAX_FONT_SIZE;
  for (double scale = 120; scale >= 18; scale -= 0.5)
    {
      double size = font_size_for (&spec, 4 * scale, scale);

      g_assert_cmpfloat (size, <=, previous);
      previous = size;
    }
  g_assert_cmpfloat (previous, ==, TEKEN_APPEARANCE_MIN_FONT_SIZE);
}

static void
test_truncates_only_at_min_size (void)
{
  g_autoptr(GDateTime) time = make_time (7 * 3600, 11, 22);
  TekenAppearanceSpec spec = make_spec (time);
  g_autoptr(TekenAppearanceLayout) small = NULL;
  g_autoptr(TekenAppearanceLayout) medium = NULL;
  g_autoptr(TekenAppearanceLayout) large = NULL;
  g_autofree char *stream = NULL;
  const TekenAppearanceLine *last;

  spec.reason = long_reason;

  small = teken_appearance_layout_new (&spec, 60, 18, NULL);
  g_assert_true (small->truncated);
  g_assert_cmpfloat (small->font_size, ==, TEKEN_APPEARANCE_MIN_FONT_SIZE);
  last = get_line (small, small->lines->len - 1);
  g_assert_cmpint (last->text[strlen (last->text) - 1], ==, TEKEN_APPEARANCE_ELLIPSIS);
  /* Trailing lines go first: the heading survives. */
  g_assert_true (g_str_has_prefix (get_line (small, 0)->text, "Ditandatangani"));

  stream = build_string (&spec, 60, 18);
  g_assert_nonnull (strstr (stream, "\x85) Tj"));

  /* Shrinking alone is enough here: no ellipsis. */
  medium = teken_appearance_layout_new (&spec, 240, 60, NULL);
  g_assert_false (medium->truncated);
  g_assert_cmpfloat (medium->font_size, <, TEKEN_APPEARANCE_MAX_FONT_SIZE);
  g_assert_cmpfloat (medium->font_size, >, TEKEN_APPEARANCE_MIN_FONT_SIZE);

  large = teken_appearance_layout_new (&spec, 400, 150, NULL);
  g_assert_false (large->truncated);
  g_assert_cmpfloat (large->font_size, ==, TEKEN_APPEARANCE_MAX_FONT_SIZE);
}

static void
test_breaks_long_words (void)
{
  g_autoptr(GDateTime) time = make_time (7 * 3600, 11, 22);
  TekenAppearanceSpec spec = make_spec (time);
  g_autoptr(TekenAppearanceLayout) layout = NULL;
  g_autoptr(GString) name = NULL;
  guint bold_lines = 0;

  spec.signer_name = long_word;
  layout = teken_appearance_layout_new (&spec, 150, 120, NULL);
  assert_layout_fits (&spec, layout, 150, 120);

  /* The name spans several bold lines that add up to it, unchanged. */
  name = g_string_new (NULL);
  for (guint i = 0; i < layout->lines->len; i++)
    if (get_line (layout, i)->font == TEKEN_APPEARANCE_FONT_BOLD)
      {
        g_string_append (name, get_line (layout, i)->text);
        bold_lines++;
      }
  g_assert_cmpuint (bold_lines, >=, 2);
  g_assert_cmpstr (name->str, ==, long_word);
}

static void
test_zone_labels (void)
{
  const struct { int offset; const char *text; } cases[] = {
    { 7 * 3600, "22 November 2026, 08:31 WIB" },
    { 8 * 3600, "22 November 2026, 08:31 WITA" },
    { 9 * 3600, "22 November 2026, 08:31 WIT" },
    { 0, "22 November 2026, 08:31 UTC+00:00" },
    { 5 * 3600 + 1800, "22 November 2026, 08:31 UTC+05:30" },
    { -3 * 3600, "22 November 2026, 08:31 UTC-03:00" },
    { 10 * 3600, "22 November 2026, 08:31 UTC+10:00" },
  };
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) jayapura = NULL;
  g_autoptr(GTimeZone) wit = g_time_zone_new_offset (9 * 3600);
  g_autofree char *shown = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) time = make_time (cases[i].offset, 11, 22);
      g_autofree char *text = teken_appearance_format_time (time);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  /* A time is shown in its own zone, not the machine's. */
  utc = g_date_time_new_utc (2026, 12, 31, 23, 5, 0);
  jayapura = g_date_time_to_timezone (utc, wit);
  shown = teken_appearance_format_time (jayapura);
  g_assert_cmpstr (shown, ==, "1 Januari 2027, 08:05 WIT");
}

static void
test_month_names (void)
{
  const char *months[] = {
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
  };

  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    {
      g_autoptr(GDateTime) time = make_time (7 * 3600, i + 1, 5);
      g_autofree char *text = teken_appearance_format_time (time);
      g_autofree char *expected = g_strdup_printf ("5 %s 2026, 08:31 WIB", months[i]);

      g_assert_cmpstr (text, ==, expected);
    }
}

static void
test_winansi (void)
{
  const struct { const char *utf8; const char *winansi; } cases[] = {
    { "Budi", "Budi" },
    { "Andé Michał", "And\xe9 Micha?" },
    { "e\xcc\x81", "\xe9" },                    /* decomposed é */
    { "€ … – — “Ž” • ™", "\x80 \x85 \x96 \x97 \x93\x8e\x94 \x95 \x99" },
    { "ß Ø ÿ Ÿ", "\xdf \xd8 \xff \x9f" },
    { "Satu\nDua\tTiga", "Satu Dua Tiga" },
    { "\x01 \xc2\x81 \xe4\xb8\xad", "? ? ?" }, /* control, unassigned, CJK */
    { "a\xff" "b", "a?b" },                      /* not UTF-8 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *winansi = teken_appearance_to_winansi (cases[i].utf8);

      g_assert_cmpstr (winansi, ==, cases[i].winansi);
    }
}

static void
test_escapes_strings (void)
{
  g_autoptr(GDateTime) time = make_time (7 * 3600, 11, 22);
  TekenAppearanceSpec spec = make_spec (time);
  g_autofree char *stream = NULL;

  spec.signer_name = "Budi (Ketua) \\ Andé Michał";
  spec.reason = "Setuju (tanpa catatan)";
  stream = build_string (&spec, 400, 120);

  g_assert_nonnull (strstr (stream, "/F2 10 Tf\n"));
  g_assert_nonnull (strstr (stream, "(Budi \\(Ketua\\) \\\\ And\xe9 Micha?) Tj"));
  g_assert_nonnull (strstr (stream, "(Alasan: Setuju \\(tanpa catatan\\)) Tj"));
  g_assert_nonnull (strstr (stream, "(Lokasi: Surabaya) Tj"));
  g_assert_nonnull (strstr (stream, "(Ditandatangani secara elektronik oleh:) Tj"));
  g_assert_nonnull (strstr (stream, "(22 November 2026, 08:31 WIB) Tj"));
  g_assert_null (strstr (stream, "\xc3"));
}

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint count = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    count++;

  return count;
}

static guint
count_tokens (const char *stream,
              const char *token)
{
  g_auto(GStrv) tokens = g_strsplit_set (stream, " \n", -1);
  guint count = 0;

  for (guint i = 0; tokens[i] != NULL; i++)
    count += g_str_equal (tokens[i], token);

  return count;
}

static void
test_stream_structure (void)
{
  g_autoptr(GDateTime) time = make_time (7 * 3600, 11, 22);
  TekenAppearanceSpec spec = make_spec (time);
  g_autofree char *plain = NULL;
  g_autofree char *full = NULL;

  plain = build_string (&spec, 200.5, 60);
  g_assert_true (g_str_has_prefix (plain, "q\n0 0 200.5 60 re W n\n"));
  g_assert_true (g_str_has_suffix (plain, "ET\nQ\n"));
  /* A thin grey border inside the box, and no background fill. */
  g_assert_nonnull (strstr (plain, "q 0.5 w 0.6 G 0.25 0.25 200 59.5 re S Q\n"));
  g_assert_null (strstr (plain, " f\n"));
  g_assert_null (strstr (plain, "/Im1"));

  spec.qr_text = "https://verifikasi.example.go.id/d/0123456789";
  spec.image_width = 300;
  spec.image_height = 100;
  full = build_string (&spec, 300, 90);
  g_assert_cmpuint (count_tokens (full, "q"), ==, 4);
  g_assert_cmpuint (count_tokens (full, "Q"), ==, 4);
  g_assert_cmpuint (count_tokens (full, "BT"), ==, 1);
  g_assert_cmpuint (count_tokens (full, "ET"), ==, 1);
  g_assert_nonnull (strstr (full, "cm /Im1 Do Q\n"));
  /* No exponents: PDF numbers do not have them. */
  g_assert_null (strstr (full, "e-"));
  g_assert_null (strstr (full, "e+"));
}

static void
test_qr_only_when_asked (void)
{
  g_autoptr(GDateTime) time = make_time (7 * 3600, 11, 22);
  TekenAppearanceSpec spec = make_spec (time);
  const char *no_qr[] = { NULL, "", "  " };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) too_long = NULL;
  g_autofree char *huge = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (no_qr); i++)
    {
      g_autoptr(TekenAppearanceLayout) layout = NULL;
      g_autofree char *stream = NULL;

      spec.qr_text = no_qr[i];
      layout = teken_appearance_layout_new (&spec, 240, 80, NULL);
      stream = build_string (&spec, 240, 80);

      g_assert_cmpfloat (layout->qr.width, ==, 0.0);
      g_assert_cmpfloat (layout->text_area.x, <, 10.0);
      g_assert_null (strstr (stream, "1 g"));
      g_assert_cmpuint (count_occurrences (stream, "re\n"), ==, 0);
    }

  {
    g_autoptr(TekenAppearanceLayout) layout = NULL;
    g_autofree char *stream = NULL;

    spec.qr_text = "https://verifikasi.example.go.id/d/0123456789";
    layout = teken_appearance_layout_new (&spec, 240, 80, NULL);
    stream = build_string (&spec, 240, 80);

    /* Square, at the left, as high as the box (a third of 240 is more). */
    g_assert_cmpfloat (layout->qr.width, ==, layout->qr.height);
    g_assert_cmpfloat_with_epsilon (layout->qr.width, 80 - 1, EPSILON);
    g_assert_cmpfloat (layout->qr.x, <, 1.0);
    g_assert_cmpfloat (layout->text_area.x, >=, layout->qr.x + layout->qr.width);
    g_assert_nonnull (strstr (stream, "q 1 g 0.5 0.5 79 79 re f\n0 g\n"));
    /* A version 3 symbol has dozens of dark runs. */
    g_assert_cmpuint (count_occurrences (stream, "re\n"), >, 50);
  }

  {
    g_autoptr(TekenAppearanceLayout) layout = NULL;

    /* A third of the width, when that is less than the height. */
    layout = teken_appearance_layout_new (&spec, 150, 100, NULL);
    g_assert_cmpfloat_with_epsilon (layout->qr.width, 50 - 1, EPSILON);
    g_assert_cmpfloat_with_epsilon (layout->qr.y, (100 - 49) / 2.0, EPSILON);
  }

  huge = g_strnfill (8000, 'x');
  spec.qr_text = huge;
  too_long = teken_signature_appearance_build (&spec, 240, 80, &error);
  g_assert_error (error, TEKEN_APPEARANCE_ERROR, TEKEN_APPEARANCE_ERROR_QR_TOO_LONG);
  g_assert_null (too_long);
}

static void
test_image_keeps_aspect (void)
{
  g_autoptr(GDateTime) time = make_time (7 * 3600, 11, 22);
  TekenAppearanceSpec spec = make_spec (time);
  g_autoptr(TekenAppearanceLayout) alone = NULL;
  g_autoptr(TekenAppearanceLayout) beside = NULL;
  g_autofree char *stream = NULL;

  spec.image_width = 320;
  spec.image_height = 200;
  alone = teken_appearance_layout_new (&spec, 300, 100, NULL);
  g_assert_cmpfloat_with_epsilon (alone->image.width / alone->image.height, 320.0 / 200.0, EPSILON);
  g_assert_cmpfloat (alone->image.x, <, 10.0);
  g_assert_cmpfloat (alone->text_area.x, >, alone->image.x + alone->image.width);

  stream = build_string (&spec, 300, 100);
  g_assert_nonnull (strstr (stream, "/Im1 Do"));

  spec.qr_text = "https://verifikasi.example.go.id/d/0123456789";
  beside = teken_appearance_layout_new (&spec, 300, 100, NULL);
  g_assert_cmpfloat_with_epsilon (beside->image.width / beside->image.height, 320.0 / 200.0, EPSILON);
  g_assert_cmpfloat (beside->image.x, >=, beside->qr.x + beside->qr.width);
  g_assert_cmpfloat (beside->text_area.x, >, beside->image.x + beside->image.width);

  /* One side being zero means no image. */
  spec.image_height = 0;
  g_clear_pointer (&beside, teken_appearance_layout_free);
  beside = teken_appearance_layout_new (&spec, 300, 100, NULL);
  g_assert_cmpfloat (beside->image.width, ==, 0.0);
}

static void
test_role_line (void)
{
  g_autoptr(GDateTime) time = make_time (7 * 3600, 11, 22);
  const struct {
    TekenActingRole role;
    const char *position;
    const char *line;
  } cases[] = {
    { TEKEN_ACTING_ROLE_PLH, "Kepala Dinas Kominfo", "Plh. Kepala Dinas Kominfo" },
    { TEKEN_ACTING_ROLE_PLT, "Kepala Dinas Kominfo", "Plt. Kepala Dinas Kominfo" },
    { TEKEN_ACTING_ROLE_NONE, "Kepala Dinas Kominfo", "Kepala Dinas Kominfo" },
    { TEKEN_ACTING_ROLE_PLH, "Plh. Kepala Dinas Kominfo", "Plh. Kepala Dinas Kominfo" },
    { TEKEN_ACTING_ROLE_PLT, NULL, "Plt." },
    { TEKEN_ACTING_ROLE_NONE, NULL, NULL },
    { TEKEN_ACTING_ROLE_NONE, " ", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TekenAppearanceSpec spec = make_spec (time);
      g_autoptr(TekenAppearanceLayout) layout = NULL;
      guint n = 0;

      spec.role = cases[i].role;
      spec.position = cases[i].position;
      layout = teken_appearance_layout_new (&spec, 500, 150, NULL);

      g_assert_cmpstr (get_line (layout, n++)->text, ==, "Ditandatangani secara elektronik oleh:");
      g_assert_cmpint (get_line (layout, 0)->font, ==, TEKEN_APPEARANCE_FONT_REGULAR);
      g_assert_cmpstr (get_line (layout, n)->text, ==, "Budi Santoso");
      g_assert_cmpint (get_line (layout, n++)->font, ==, TEKEN_APPEARANCE_FONT_BOLD);
      if (cases[i].line != NULL)
        {
          g_assert_cmpstr (get_line (layout, n)->text, ==, cases[i].line);
          g_assert_cmpint (get_line (layout, n++)->font, ==, TEKEN_APPEARANCE_FONT_REGULAR);
        }
      g_assert_cmpstr (get_line (layout, n++)->text, ==, "22 November 2026, 08:31 WIB");
      g_assert_cmpstr (get_line (layout, n++)->text, ==, "Alasan: Menyetujui dokumen");
      g_assert_cmpstr (get_line (layout, n++)->text, ==, "Lokasi: Surabaya");
      g_assert_cmpuint (layout->lines->len, ==, n);
    }
}

static void
test_optional_lines (void)
{
  g_autoptr(GDateTime) time = make_time (7 * 3600, 11, 22);
  TekenAppearanceSpec spec = make_spec (time);
  g_autoptr(TekenAppearanceLayout) layout = NULL;

  spec.signer_name = "  Budi   Santoso\n";
  spec.reason = "";
  spec.location = NULL;
  layout = teken_appearance_layout_new (&spec, 500, 150, NULL);

  /* Blank reason and location are left out; runs of spaces collapse. */
  g_assert_cmpuint (layout->lines->len, ==, 4);
  g_assert_cmpstr (get_line (layout, 1)->text, ==, "Budi Santoso");
  g_assert_cmpstr (get_line (layout, 3)->text, ==, "22 November 2026, 08:31 WIB");
}

static void
test_text_width (void)
{
  /* Helvetica: "Ab" = 667 + 556; Helvetica-Bold: 722 + 611. */
  g_assert_cmpfloat_with_epsilon (teken_appearance_text_width ("Ab", TEKEN_APPEARANCE_FONT_REGULAR, 10),
                                  12.23, EPSILON);
  g_assert_cmpfloat_with_epsilon (teken_appearance_text_width ("Ab", TEKEN_APPEARANCE_FONT_BOLD, 10),
                                  13.33, EPSILON);
  /* i is narrower in the regular face; @ and the ellipsis in WinAnsi. */
  g_assert_cmpfloat_with_epsilon (teken_appearance_text_width ("i@\x85\xe9", TEKEN_APPEARANCE_FONT_REGULAR, 1),
                                  (222 + 1015 + 1000 + 556) / 1000.0, EPSILON);
  g_assert_cmpfloat_with_epsilon (teken_appearance_text_width ("i@\x85\xe9", TEKEN_APPEARANCE_FONT_BOLD, 1),
                                  (278 + 975 + 1000 + 556) / 1000.0, EPSILON);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/signature-appearance/refuses-small-box", test_refuses_small_box);
  g_test_add_func ("/signature-appearance/lines-stay-inside", test_lines_stay_inside);
  g_test_add_func ("/signature-appearance/font-shrinks-with-box", test_font_shrinks_with_box);
  g_test_add_func ("/signature-appearance/truncates-only-at-min-size", test_truncates_only_at_min_size);
  g_test_add_func ("/signature-appearance/breaks-long-words", test_breaks_long_words);
  g_test_add_func ("/signature-appearance/zone-labels", test_zone_labels);
  g_test_add_func ("/signature-appearance/month-names", test_month_names);
  g_test_add_func ("/signature-appearance/winansi", test_winansi);
  g_test_add_func ("/signature-appearance/escapes-strings", test_escapes_strings);
  g_test_add_func ("/signature-appearance/stream-structure", test_stream_structure);
  g_test_add_func ("/signature-appearance/qr-only-when-asked", test_qr_only_when_asked);
  g_test_add_func ("/signature-appearance/image-keeps-aspect", test_image_keeps_aspect);
  g_test_add_func ("/signature-appearance/role-line", test_role_line);
  g_test_add_func ("/signature-appearance/optional-lines", test_optional_lines);
  g_test_add_func ("/signature-appearance/text-width", test_text_width);

  return g_test_run ();
}
