/* teken-pdf-parser.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-pdf-error.h"
#include "teken-pdf-object.h"

G_BEGIN_DECLS

/* The lexer and object parser (ISO 32000-1, 7.2 and 7.3) over bytes in
 * memory: a window of the file that starts at file offset @base. Running
 * out of bytes is reported as TEKEN_PDF_ERROR_TRUNCATED, so the caller can
 * retry with a larger window. */

#define TEKEN_PDF_MAX_DEPTH 64

typedef struct
{
  const guint8 *data;
  gsize         length;
  goffset       base;
  gsize         pos;
  guint         depth;
} TekenPdfParser;

void             teken_pdf_parser_init          (TekenPdfParser  *self,
                                                 const guint8    *data,
                                                 gsize            length,
                                                 goffset          base);
goffset          teken_pdf_parser_tell          (const TekenPdfParser *self);
void             teken_pdf_parser_skip_space    (TekenPdfParser  *self);
gboolean         teken_pdf_parser_at_eof        (TekenPdfParser  *self);
gboolean         teken_pdf_parser_read_keyword  (TekenPdfParser  *self,
                                                 const char      *keyword);
gboolean         teken_pdf_parser_read_uint     (TekenPdfParser  *self,
                                                 guint64          max,
                                                 guint64         *value);
TekenPdfObject  *teken_pdf_parser_read_object   (TekenPdfParser  *self,
                                                 GError         **error);
TekenPdfObject  *teken_pdf_parser_read_indirect (TekenPdfParser  *self,
                                                 guint32         *number,
                                                 guint16         *generation,
                                                 GError         **error);
gboolean         teken_pdf_is_whitespace        (guchar           c);
gboolean         teken_pdf_is_delimiter         (guchar           c);

G_END_DECLS
