/* teken-signature-appearance-private.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The layout behind teken_signature_appearance_build(), for tests. */

#pragma once

#include "teken-signature-appearance.h"

G_BEGIN_DECLS

/* Ink extent of the WinAnsi glyphs of Helvetica and Helvetica-Bold as a
 * fraction of the font size, with a little room for the substitute font a
 * reader may use: accented capitals such as Å reach 0.95, descenders 0.225. */
#define TEKEN_APPEARANCE_ASCENT  0.96
#define TEKEN_APPEARANCE_DESCENT 0.23
#define TEKEN_APPEARANCE_LEADING 1.2

#define TEKEN_APPEARANCE_MAX_FONT_SIZE 10.0
#define TEKEN_APPEARANCE_MIN_FONT_SIZE 4.0

/* The WinAnsi byte of "…", which ends a truncated last line. */
#define TEKEN_APPEARANCE_ELLIPSIS '\x85'

typedef enum
{
  TEKEN_APPEARANCE_FONT_REGULAR, /* /F1, Helvetica */
  TEKEN_APPEARANCE_FONT_BOLD,    /* /F2, Helvetica-Bold */
} TekenAppearanceFont;

typedef struct
{
  double x;
  double y;
  double width;
  double height;
} TekenAppearanceRect;

typedef struct
{
  char                *text;  /* WinAnsi bytes, nul-terminated */
  TekenAppearanceFont  font;
  double               size;
  double               x;     /* start of the baseline */
  double               y;
  double               width; /* advance width of text */
} TekenAppearanceLine;

typedef struct
{
  TekenAppearanceRect  text_area;
  TekenAppearanceRect  qr;        /* the QR code with its quiet zone; empty when none */
  TekenAppearanceRect  image;     /* where /Im1 is drawn; empty when none */
  double               font_size;
  gboolean             truncated;
  GPtrArray           *lines;     /* of TekenAppearanceLine, top to bottom */
} TekenAppearanceLayout;

TekenAppearanceLayout *teken_appearance_layout_new     (const TekenAppearanceSpec  *spec,
                                                        double                      width,
                                                        double                      height,
                                                        GError                    **error);
void                   teken_appearance_layout_free    (TekenAppearanceLayout      *layout);

char                  *teken_appearance_to_winansi     (const char                 *utf8);
double                 teken_appearance_text_width     (const char                 *winansi,
                                                        TekenAppearanceFont         font,
                                                        double                      size);
char                  *teken_appearance_format_time    (GDateTime                  *date_time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenAppearanceLayout, teken_appearance_layout_free)

G_END_DECLS
