/* teken-pdf-update.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-pdf-document.h"

G_BEGIN_DECLS

/* An incremental update (ISO 32000-1, 7.5.6) to append to a document: new
 * and replaced objects, then a cross-reference section of the same kind as
 * the document's newest one, and a trailer chained to it with /Prev. The
 * document's own bytes are never touched. */

typedef struct _TekenPdfUpdate TekenPdfUpdate;

TekenPdfUpdate *teken_pdf_update_new             (TekenPdfDocument *document);
void            teken_pdf_update_free            (TekenPdfUpdate   *self);
guint32         teken_pdf_update_reserve         (TekenPdfUpdate   *self);
void            teken_pdf_update_set_object      (TekenPdfUpdate   *self,
                                                  guint32           number,
                                                  guint16           generation,
                                                  TekenPdfObject   *object);
void            teken_pdf_update_set_raw         (TekenPdfUpdate   *self,
                                                  guint32           number,
                                                  guint16           generation,
                                                  GBytes           *body);
GBytes         *teken_pdf_update_write           (TekenPdfUpdate   *self);
goffset         teken_pdf_update_get_body_offset (TekenPdfUpdate   *self,
                                                  guint32           number);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenPdfUpdate, teken_pdf_update_free)

G_END_DECLS
