/* teken-signature-appearance.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The content stream of a visible signature: who signed, in which acting
 * role, when, why and where, with an optional QR code and signature image.
 *
 * The PDF writer wraps the stream in a Form XObject with /BBox [0 0 w h] and
 * resources naming Helvetica /F1, Helvetica-Bold /F2 and the image /Im1.
 * The fonts are the standard 14 ones, not embedded, so the text is measured
 * with their published metrics and written in WinAnsiEncoding; every reader
 * draws them with a metric-compatible face, so the layout holds everywhere.
 *
 * The wording is Indonesian whatever the interface language: the block is
 * part of a government document, not of the application's interface.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <qrencode.h>
#include <string.h>

#include "teken-signature-appearance-private.h"

#define FONT_SIZE_STEP 0.5
#define BORDER_WIDTH   0.5
/* Modules of light margin around the symbol, as ISO/IEC 18004 asks. */
#define QR_QUIET_ZONE  4

typedef struct
{
  TekenAppearanceFont  font;
  char                *text; /* WinAnsi */
} Item;

G_DEFINE_QUARK (teken-appearance-error-quark, teken_appearance_error)

/* Advance widths in 1/1000 em of WinAnsi codes 32–255, from the AFM metrics
 * of the standard 14 fonts. Codes WinAnsi leaves unassigned (0x7F, 0x81,
 * 0x8D, 0x8F, 0x90, 0x9D) have the bullet's width; they are never written. */
static const guint16 helvetica_widths[224] = {
  /* 0x20 */  278,  278,  355,  556,  556,  889,  667,  191,  333,  333,  389,  584,  278,  333,  278,  278,
  /* 0x30 */  556,  556,  556,  556,  556,  556,  556,  556,  556,  556,  278,  278,  584,  584,  584,  556,
  /* 0x40 */ 1015,  667,  667,  722,  722,  667,  611,  778,  722,  278,  500,  667,  556,  833,  722,  778,
  /* 0x50 */  667,  778,  722,  667,  611,  722,  667,  944,  667,  667,  611,  278,  278,  278,  469,  556,
  /* 0x60 */  333,  556,  556,  500,  556,  556,  278,  556,  556,  222,  222,  500,  222,  833,  556,  556,
  /* 0x70 */  556,  556,  333,  500,  278,  556,  500,  722,  500,  500,  500,  334,  260,  334,  584,  350,
  /* 0x80 */  556,  350,  222,  556,  333, 1000,  556,  556,  333, 1000,  667,  333, 1000,  350,  611,  350,
  /* 0x90 */  350,  222,  222,  333,  333,  350,  556, 1000,  333, 1000,  500,  333,  944,  350,  500,  667,
  /* 0xA0 */  278,  333,  556,  556,  556,  556,  260,  556,  333,  737,  370,  556,  584,  333,  737,  333,
  /* 0xB0 */  400,  584,  333,  333,  333,  556,  537,  278,  333,  333,  365,  556,  834,  834,  834,  611,
  /* 0xC0 */  667,  667,  667,  667,  667,  667, 1000,  722,  667,  667,  667,  667,  278,  278,  278,  278,
  /* 0xD0 */  722,  722,  778,  778,  778,  778,  778,  584,  778,  722,  722,  722,  722,  667,  667,  611,
  /* 0xE0 */  556,  556,  556,  556,  556,  556,  889,  500,  556,  556,  556,  556,  278,  278,  278,  278,
  /* 0xF0 */  556,  556,  556,  556,  556,  556,  556,  584,  611,  556,  556,  556,  556,  500,  556,  500,
};

static const guint16 helvetica_bold_widths[224] = {
  /* 0x20 */  278,  333,  474,  556,  556,  889,  722,  238,  333,  333,  389,  584,  278,  333,  278,  278,
  /* 0x30 */  556,  556,  556,  556,  556,  556,  556,  556,  556,  556,  333,  333,  584,  584,  584,  611,
  /* 0x40 */  975,  722,  722,  722,  722,  667,  611,  778,  722,  278,  556,  722,  611,  833,  722,  778,
  /* 0x50 */  667,  778,  722,  667,  611,  722,  667,  944,  667,  667,  611,  333,  278,  333,  584,  556,
  /* 0x60 */  333,  556,  611,  556,  611,  556,  333,  611,  611,  278,  278,  556,  278,  889,  611,  611,
  /* 0x70 */  611,  611,  389,  556,  333,  611,  556,  778,  556,  556,  500,  389,  280,  389,  584,  350,
  /* 0x80 */  556,  350,  278,  556,  500, 1000,  556,  556,  333, 1000,  667,  333, 1000,  350,  611,  350,
  /* 0x90 */  350,  278,  278,  500,  500,  350,  556, 1000,  333, 1000,  556,  333,  944,  350,  500,  667,
  /* 0xA0 */  278,  333,  556,  556,  556,  556,  280,  556,  333,  737,  370,  556,  584,  333,  737,  333,
  /* 0xB0 */  400,  584,  333,  333,  333,  611,  556,  278,  333,  333,  365,  556,  834,  834,  834,  611,
  /* 0xC0 */  722,  722,  722,  722,  722,  722, 1000,  722,  667,  667,  667,  667,  278,  278,  278,  278,
  /* 0xD0 */  722,  722,  778,  778,  778,  778,  778,  584,  778,  722,  722,  722,  722,  667,  667,  611,
  /* 0xE0 */  556,  556,  556,  556,  556,  556,  889,  556,  556,  556,  556,  556,  278,  278,  278,  278,
  /* 0xF0 */  611,  611,  611,  611,  611,  611,  611,  584,  611,  611,  611,  611,  611,  556,  611,  556,
};

/* Unicode characters of WinAnsi 0x80–0x9F, where it differs from Latin-1;
 * 0 where WinAnsi assigns nothing. */
static const gunichar winansi_high[32] = {
  0x20ac,      0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
  0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,      0, 0x017d,      0,
       0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153,      0, 0x017e, 0x0178,
};

static const char * const month_names[12] = {
  "Januari", "Februari", "Maret", "April", "Mei", "Juni",
  "Juli", "Agustus", "September", "Oktober", "November", "Desember",
};

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

static guchar
unichar_to_winansi (gunichar c)
{
  /* A reason pasted from elsewhere may hold line breaks; the wrapping
   * decides where lines end. */
  if (c == '\t' || c == '\n' || c == '\r')
    return ' ';

  if ((c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c <= 0xff))
    return c;

  for (guint i = 0; i < G_N_ELEMENTS (winansi_high); i++)
    if (winansi_high[i] != 0 && winansi_high[i] == c)
      return 0x80 + i;

  return '?';
}

static guint
measure_units (const char          *text,
               gsize                length,
               TekenAppearanceFont  font)
{
  const guint16 *widths = font == TEKEN_APPEARANCE_FONT_BOLD ? helvetica_bold_widths
                                                             : helvetica_widths;
  guint units = 0;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = text[i];

      if (c >= 32)
        units += widths[c - 32];
    }

  return units;
}

static double
units_to_points (guint  units,
                 double size)
{
  return units * size / 1000.0;
}

/* In points, as the line's width is computed, so that a line that fits
 * here is never found wider than the area later. */
static gboolean
fits (guint  units,
      double size,
      double max_width)
{
  return units_to_points (units, size) <= max_width;
}

static void
line_free (gpointer data)
{
  TekenAppearanceLine *line = data;

  g_free (line->text);
  g_free (line);
}

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_clear_pointer (&item->text, g_free);
}

static void
push_line (GPtrArray           *lines,
           const char          *text,
           gsize                length,
           TekenAppearanceFont  font,
           double               size)
{
  TekenAppearanceLine *line = g_new0 (TekenAppearanceLine, 1);

  line->text = g_strndup (text, length);
  line->font = font;
  line->size = size;
  line->width = units_to_points (measure_units (text, length, font), size);
  g_ptr_array_add (lines, line);
}

/* Greedy word wrap of one item into @lines. A word wider than a whole line
 * is broken between characters. The layout keeps the text area wider than
 * any single glyph at the smallest size, so every line fits. */
static void
wrap_item (const Item *item,
           double      size,
           double      max_width,
           GPtrArray  *lines)
{
  g_auto(GStrv) words = g_strsplit (item->text, " ", -1);
  g_autoptr(GString) line = g_string_new (NULL);
  guint line_units = 0;
  guint space = measure_units (" ", 1, item->font);

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];
      gsize length = strlen (word);
      guint word_units = measure_units (word, length, item->font);

      /* Runs of spaces split into empty words; they collapse to one space. */
      if (length == 0)
        continue;

      if (line->len > 0)
        {
          if (fits (line_units + space + word_units, size, max_width))
            {
              g_string_append_c (line, ' ');
              g_string_append_len (line, word, length);
              line_units += space + word_units;
              continue;
            }

          push_line (lines, line->str, line->len, item->font, size);
          g_string_truncate (line, 0);
        }

      while (!fits (word_units, size, max_width))
        {
          gsize fit = 1;
          guint fit_units = measure_units (word, 1, item->font);

          while (fit < length)
            {
              guint next = measure_units (word + fit, 1, item->font);

              if (!fits (fit_units + next, size, max_width))
                break;
              fit_units += next;
              fit++;
            }

          push_line (lines, word, fit, item->font, size);
          word += fit;
          length -= fit;
          word_units -= fit_units;
        }

      g_string_append_len (line, word, length);
      line_units = word_units;
    }

  if (line->len > 0)
    push_line (lines, line->str, line->len, item->font, size);
}

static GPtrArray *
wrap_items (GArray *items,
            double  size,
            double  max_width)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (line_free);

  for (guint i = 0; i < items->len; i++)
    wrap_item (&g_array_index (items, Item, i), size, max_width, lines);

  return lines;
}

/* Keeps the lines that fit in @max_lines and ends the last one with "…",
 * taking characters off its end until the ellipsis fits too. */
static void
truncate_lines (GPtrArray *lines,
                guint      max_lines,
                double     max_width)
{
  TekenAppearanceLine *last;
  g_autoptr(GString) text = NULL;
  guint ellipsis;

  g_ptr_array_set_size (lines, max_lines);
  if (max_lines == 0)
    return;

  last = g_ptr_array_index (lines, max_lines - 1);
  ellipsis = measure_units ("\x85", 1, last->font);
  text = g_string_new (last->text);

  while (text->len > 0 &&
         (text->str[text->len - 1] == ' ' ||
          !fits (measure_units (text->str, text->len, last->font) + ellipsis, last->size, max_width)))
    g_string_truncate (text, text->len - 1);

  g_string_append_c (text, TEKEN_APPEARANCE_ELLIPSIS);
  g_free (last->text);
  last->text = g_strndup (text->str, text->len);
  last->width = units_to_points (measure_units (text->str, text->len, last->font), last->size);
}

static void
add_item (GArray              *items,
          TekenAppearanceFont  font,
          const char          *utf8)
{
  Item item = { font, teken_appearance_to_winansi (utf8) };

  g_array_append_val (items, item);
}

static char *
format_role_line (TekenActingRole  role,
                  const char      *position)
{
  const char *prefix;

  switch (role)
    {
    case TEKEN_ACTING_ROLE_PLH:
      prefix = "Plh.";
      break;
    case TEKEN_ACTING_ROLE_PLT:
      prefix = "Plt.";
      break;
    case TEKEN_ACTING_ROLE_NONE:
    default:
      prefix = NULL;
      break;
    }

  if (is_blank (position))
    return g_strdup (prefix);

  if (prefix == NULL)
    return g_strdup (position);

  /* A jabatan typed by hand may already carry the prefix; do not double it. */
  position += strspn (position, " \t");
  if (g_ascii_strncasecmp (position, prefix, strlen (prefix)) == 0)
    return g_strdup (position);

  return g_strconcat (prefix, " ", position, NULL);
}

static GArray *
collect_items (const TekenAppearanceSpec *spec)
{
  GArray *items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_autofree char *role_line = format_role_line (spec->role, spec->position);
  g_autofree char *signing_time = teken_appearance_format_time (spec->signing_time);

  g_array_set_clear_func (items, item_clear);

  add_item (items, TEKEN_APPEARANCE_FONT_REGULAR, "Ditandatangani secara elektronik oleh:");
  add_item (items, TEKEN_APPEARANCE_FONT_BOLD, spec->signer_name);
  if (role_line != NULL)
    add_item (items, TEKEN_APPEARANCE_FONT_REGULAR, role_line);
  add_item (items, TEKEN_APPEARANCE_FONT_REGULAR, signing_time);

  if (!is_blank (spec->reason))
    {
      g_autofree char *line = g_strconcat ("Alasan: ", spec->reason, NULL);

      add_item (items, TEKEN_APPEARANCE_FONT_REGULAR, line);
    }

  if (!is_blank (spec->location))
    {
      g_autofree char *line = g_strconcat ("Lokasi: ", spec->location, NULL);

      add_item (items, TEKEN_APPEARANCE_FONT_REGULAR, line);
    }

  return items;
}

/* Places the left column (QR code, then image) and gives the text the rest.
 * The QR code takes at most a third of the width and the image a third of
 * what is left, so the text area stays several glyphs wide even in the
 * smallest box. */
static void
place_areas (TekenAppearanceLayout     *layout,
             const TekenAppearanceSpec *spec,
             double                     width,
             double                     height)
{
  double pad_x = CLAMP (width * 0.02, 2.0, 6.0);
  double pad_y = CLAMP (height * 0.05, 2.0, 6.0);
  double left = pad_x;

  if (!is_blank (spec->qr_text))
    {
      /* Inside the border; the quiet zone keeps the symbol off it and off
       * the text. */
      double side = MIN (height, width / 3.0) - 2 * BORDER_WIDTH;

      layout->qr = (TekenAppearanceRect) { BORDER_WIDTH, (height - side) / 2, side, side };
      left = BORDER_WIDTH + side;
    }

  if (spec->image_width > 0 && spec->image_height > 0)
    {
      double scale = MIN ((width - left - pad_x) / 3.0 / spec->image_width,
                          (height - 2 * pad_y) / spec->image_height);
      double image_width = spec->image_width * scale;
      double image_height = spec->image_height * scale;

      layout->image = (TekenAppearanceRect) { left, (height - image_height) / 2,
                                              image_width, image_height };
      left += image_width + pad_x;
    }

  layout->text_area = (TekenAppearanceRect) { left, pad_y, width - pad_x - left, height - 2 * pad_y };
}

/* To one decimal, rounded up so that a box of the size shown is accepted. */
static double
points_to_cm_rounded_up (double points)
{
  double millimetres = points / 72.0 * 25.4;
  int whole = (int) millimetres;

  return (whole + (millimetres > whole)) / 10.0;
}

/* Takes an array so that every value is converted to double on the way in. */
static void
append_numbers (GString      *out,
                guint         n_values,
                const double *values)
{
  for (guint i = 0; i < n_values; i++)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      char *end;

      /* %f rather than %g: PDF numbers have no exponent. Three decimals are
       * far finer than any device pixel. */
      g_ascii_formatd (buffer, sizeof buffer, "%.3f", values[i]);
      end = buffer + strlen (buffer);
      while (end[-1] == '0')
        *--end = '\0';
      if (end[-1] == '.')
        *--end = '\0';
      if (strcmp (buffer, "-0") == 0)
        strcpy (buffer, "0");

      g_string_append (out, buffer);
      g_string_append_c (out, ' ');
    }
}

static void
append_string (GString    *out,
               const char *winansi)
{
  g_string_append_c (out, '(');
  for (const char *p = winansi; *p != '\0'; p++)
    {
      if (*p == '(' || *p == ')' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append (out, ") ");
}

/* Draws the QR code as filled rectangles, one per horizontal run of dark
 * modules, all in one path: a single fill leaves no hairline seams between
 * neighbouring modules when a reader anti-aliases. The light background
 * keeps the code readable wherever the box is placed on the page. */
static gboolean
append_qr (GString                   *out,
           const char                *text,
           const TekenAppearanceRect *rect,
           GError                   **error)
{
  QRcode *qr;
  double module;

  qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr == NULL)
    {
      g_set_error_literal (error, TEKEN_APPEARANCE_ERROR, TEKEN_APPEARANCE_ERROR_QR_TOO_LONG,
                           _("The text for the QR code is too long. Use a shorter link."));
      return FALSE;
    }

  module = rect->width / (qr->width + 2 * QR_QUIET_ZONE);

  g_string_append (out, "q 1 g ");
  append_numbers (out, 4, (const double[]) { rect->x, rect->y, rect->width, rect->height });
  g_string_append (out, "re f\n0 g\n");

  for (int row = 0; row < qr->width; row++)
    {
      const unsigned char *modules = qr->data + row * qr->width;
      double y = rect->y + rect->height - (QR_QUIET_ZONE + row + 1) * module;

      for (int column = 0; column < qr->width; )
        {
          int run = 0;

          while (column + run < qr->width && (modules[column + run] & 1) != 0)
            run++;

          if (run == 0)
            {
              column++;
              continue;
            }

          append_numbers (out, 4, (const double[]) { rect->x + (QR_QUIET_ZONE + column) * module, y,
                          run * module, module });
          g_string_append (out, "re\n");
          column += run;
        }
    }

  g_string_append (out, "f Q\n");
  QRcode_free (qr);

  return TRUE;
}

/**
 * teken_appearance_layout_new:
 * @spec: what the signature shows
 * @width: the box's width in points
 * @height: the box's height in points
 * @error: return location for a #TEKEN_APPEARANCE_ERROR
 *
 * Lays the signature out in a box: the areas of the QR code and the image,
 * and the text wrapped into lines at the largest size that fits, truncated
 * with "…" at the smallest size when even that does not.
 *
 * Returns: (transfer full) (nullable): the layout, or %NULL if the box is
 *   too small
 */
TekenAppearanceLayout *
teken_appearance_layout_new (const TekenAppearanceSpec  *spec,
                             double                      width,
                             double                      height,
                             GError                    **error)
{
  g_autoptr(TekenAppearanceLayout) layout = NULL;
  g_autoptr(GArray) items = NULL;
  const TekenAppearanceRect *area;
  double leading;
  double top;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (spec->signer_name != NULL, NULL);
  g_return_val_if_fail (spec->signing_time != NULL, NULL);
  g_return_val_if_fail (isfinite (width) && isfinite (height), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width < TEKEN_APPEARANCE_MIN_WIDTH || height < TEKEN_APPEARANCE_MIN_HEIGHT)
    {
      /* In centimetres, the unit people measure paper with. */
      g_set_error (error, TEKEN_APPEARANCE_ERROR, TEKEN_APPEARANCE_ERROR_BOX_TOO_SMALL,
                   _("The signature box is too small. Make it at least %.1f cm wide and %.1f cm high."),
                   points_to_cm_rounded_up (TEKEN_APPEARANCE_MIN_WIDTH),
                   points_to_cm_rounded_up (TEKEN_APPEARANCE_MIN_HEIGHT));
      return NULL;
    }

  layout = g_new0 (TekenAppearanceLayout, 1);
  place_areas (layout, spec, width, height);
  area = &layout->text_area;
  items = collect_items (spec);

  /* The fit test and the placement below compute the block's height the
   * same way, so they agree to the last bit. */
  for (guint step = 0; ; step++)
    {
      layout->font_size = TEKEN_APPEARANCE_MAX_FONT_SIZE - step * FONT_SIZE_STEP;
      leading = TEKEN_APPEARANCE_LEADING * layout->font_size;
      g_clear_pointer (&layout->lines, g_ptr_array_unref);
      layout->lines = wrap_items (items, layout->font_size, area->width);

      if (layout->lines->len * leading <= area->height ||
          layout->font_size <= TEKEN_APPEARANCE_MIN_FONT_SIZE)
        break;
    }

  if (layout->lines->len * leading > area->height)
    {
      guint max_lines = (guint) (area->height / leading);

      /* A rounded quotient may still allow one line too many. */
      while (max_lines > 0 && max_lines * leading > area->height)
        max_lines--;

      truncate_lines (layout->lines, max_lines, area->width);
      layout->truncated = TRUE;
    }

  /* The block is centred vertically, like the QR code and the image. */
  top = area->y + (area->height + layout->lines->len * leading) / 2;
  for (guint i = 0; i < layout->lines->len; i++)
    {
      TekenAppearanceLine *line = g_ptr_array_index (layout->lines, i);

      line->x = area->x;
      line->y = top - i * leading - TEKEN_APPEARANCE_ASCENT * line->size;
    }

  return g_steal_pointer (&layout);
}

void
teken_appearance_layout_free (TekenAppearanceLayout *layout)
{
  if (layout == NULL)
    return;

  g_clear_pointer (&layout->lines, g_ptr_array_unref);
  g_free (layout);
}

/**
 * teken_appearance_to_winansi:
 * @utf8: text in UTF-8
 *
 * Converts text to WinAnsiEncoding (Windows-1252), the encoding of the
 * appearance's fonts. Characters it lacks become "?".
 *
 * Returns: (transfer full): the nul-terminated WinAnsi bytes
 */
char *
teken_appearance_to_winansi (const char *utf8)
{
  g_autofree char *valid = NULL;
  g_autofree char *composed = NULL;
  GString *out;

  g_return_val_if_fail (utf8 != NULL, NULL);

  /* Text copied from a PDF or typed on some systems carries "é" as "e" and
   * a combining accent; WinAnsi only has the precomposed letter. */
  valid = g_utf8_make_valid (utf8, -1);
  composed = g_utf8_normalize (valid, -1, G_NORMALIZE_NFC);
  out = g_string_sized_new (strlen (composed));

  for (const char *p = composed; *p != '\0'; p = g_utf8_next_char (p))
    g_string_append_c (out, unichar_to_winansi (g_utf8_get_char (p)));

  return g_string_free (out, FALSE);
}

/**
 * teken_appearance_text_width:
 * @winansi: WinAnsi text
 * @font: the font it is set in
 * @size: the font size in points
 *
 * Returns: the advance width of @winansi in points
 */
double
teken_appearance_text_width (const char          *winansi,
                             TekenAppearanceFont  font,
                             double               size)
{
  g_return_val_if_fail (winansi != NULL, 0.0);

  return units_to_points (measure_units (winansi, strlen (winansi), font), size);
}

/**
 * teken_time_zone_name:
 * @date_time: a time, in the time zone it is shown in
 *
 * Names the time zone the way Indonesians do: WIB, WITA or WIT for the
 * country's three zones, the offset from UTC ("UTC+01:00") for any other.
 *
 * Returns: (transfer full): the zone's name
 */
char *
teken_time_zone_name (GDateTime *date_time)
{
  GTimeSpan offset;
  gint64 minutes;

  g_return_val_if_fail (date_time != NULL, NULL);

  offset = g_date_time_get_utc_offset (date_time);
  if (offset == 7 * G_TIME_SPAN_HOUR)
    return g_strdup ("WIB");
  if (offset == 8 * G_TIME_SPAN_HOUR)
    return g_strdup ("WITA");
  if (offset == 9 * G_TIME_SPAN_HOUR)
    return g_strdup ("WIT");

  minutes = ABS (offset) / G_TIME_SPAN_MINUTE;
  return g_strdup_printf ("UTC%c%02d:%02d", offset < 0 ? '-' : '+',
                          (int) (minutes / 60), (int) (minutes % 60));
}

/**
 * teken_appearance_format_time:
 * @date_time: a time, in the time zone it is to be shown in
 *
 * Formats a time the Indonesian way, "22 November 2026, 08:31 WIB".
 *
 * Returns: (transfer full): the formatted time
 */
char *
teken_appearance_format_time (GDateTime *date_time)
{
  g_autofree char *zone = NULL;

  g_return_val_if_fail (date_time != NULL, NULL);

  zone = teken_time_zone_name (date_time);
  return g_strdup_printf ("%d %s %d, %02d:%02d %s",
                          g_date_time_get_day_of_month (date_time),
                          month_names[g_date_time_get_month (date_time) - 1],
                          g_date_time_get_year (date_time),
                          g_date_time_get_hour (date_time),
                          g_date_time_get_minute (date_time),
                          zone);
}

/**
 * teken_signature_appearance_build:
 * @spec: what the signature shows
 * @width: the box's width in points, as the reader sees the page
 * @height: the box's height in points
 * @error: return location for a #TEKEN_APPEARANCE_ERROR
 *
 * Writes the content stream of a visible signature for a Form XObject with
 * /BBox [0 0 @width @height] and the resources /F1 (Helvetica), /F2
 * (Helvetica-Bold), both in WinAnsiEncoding, and /Im1 when @spec has an
 * image.
 *
 * Returns: (transfer full) (nullable): the content stream, or %NULL if the
 *   box is too small or the QR text does not fit in a QR code
 */
GBytes *
teken_signature_appearance_build (const TekenAppearanceSpec  *spec,
                                  double                      width,
                                  double                      height,
                                  GError                    **error)
{
  g_autoptr(TekenAppearanceLayout) layout = NULL;
  g_autoptr(GString) out = NULL;
  TekenAppearanceFont font = TEKEN_APPEARANCE_FONT_REGULAR;
  double size = 0.0;

  layout = teken_appearance_layout_new (spec, width, height, error);
  if (layout == NULL)
    return NULL;

  out = g_string_new ("q\n");

  /* The layout keeps everything inside the box; the clip makes sure of it. */
  append_numbers (out, 4, (const double[]) { 0.0, 0.0, width, height });
  g_string_append (out, "re W n\n");

  g_string_append (out, "q 0.5 w 0.6 G ");
  append_numbers (out, 4, (const double[]) { BORDER_WIDTH / 2, BORDER_WIDTH / 2,
                  width - BORDER_WIDTH, height - BORDER_WIDTH });
  g_string_append (out, "re S Q\n");

  if (layout->qr.width > 0 && !append_qr (out, spec->qr_text, &layout->qr, error))
    return NULL;

  if (layout->image.width > 0)
    {
      g_string_append (out, "q ");
      append_numbers (out, 6, (const double[]) { layout->image.width, 0.0, 0.0, layout->image.height,
                      layout->image.x, layout->image.y });
      g_string_append (out, "cm /Im1 Do Q\n");
    }

  g_string_append (out, "BT 0 g\n");
  for (guint i = 0; i < layout->lines->len; i++)
    {
      const TekenAppearanceLine *line = g_ptr_array_index (layout->lines, i);

      if (i == 0 || line->font != font || line->size != size)
        {
          font = line->font;
          size = line->size;
          g_string_append_printf (out, "/F%d ", font == TEKEN_APPEARANCE_FONT_BOLD ? 2 : 1);
          append_numbers (out, 1, (const double[]) { size });
          g_string_append (out, "Tf\n");
        }

      g_string_append (out, "1 0 0 1 ");
      append_numbers (out, 2, (const double[]) { line->x, line->y });
      g_string_append (out, "Tm ");
      append_string (out, line->text);
      g_string_append (out, "Tj\n");
    }
  g_string_append (out, "ET\nQ\n");

  return g_string_free_to_bytes (g_steal_pointer (&out));
}
