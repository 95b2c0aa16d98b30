/* teken-pdf-document.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "teken-pdf-error.h"
#include "teken-pdf-object.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_PDF_DOCUMENT (teken_pdf_document_get_type ())

G_DECLARE_FINAL_TYPE (TekenPdfDocument, teken_pdf_document, TEKEN, PDF_DOCUMENT, GObject)

/* One cross-reference section of the file, oldest first. */
typedef struct
{
  goffset         xref_offset;
  gboolean        is_stream;
  goffset         end;          /* just past the "%%EOF" line closing this revision, or -1 */
  TekenPdfObject *trailer;
} TekenPdfRevision;

typedef struct
{
  guint32         number;       /* the page object */
  guint16         generation;
  TekenPdfObject *dict;
  double          media_box[4]; /* x0 y0 x1 y1, normalized */
  double          crop_box[4];  /* clipped to the media box */
  int             rotate;       /* 0, 90, 180 or 270 */
} TekenPdfPage;

typedef struct
{
  char           *name;         /* fully qualified */
  guint32         number;       /* the field's object, 0 when direct */
  TekenPdfObject *dict;         /* the field's dictionary */
  gboolean        is_signature; /* /FT /Sig, maybe inherited */
  gboolean        is_signed;    /* a signature field with a /V */
} TekenPdfField;

/* Where an object is stored, as the newest cross-reference section says. */
typedef struct
{
  guint8          type;         /* 0 free, 1 in the file, 2 in an object stream */
  guint16         generation;
  guint64         offset;       /* type 1: byte offset; type 2: object stream number */
  guint32         index;        /* type 2: index inside the object stream */
} TekenPdfXrefEntry;

TekenPdfDocument  *teken_pdf_document_new_for_path     (const char        *path,
                                                        GError           **error);
TekenPdfDocument  *teken_pdf_document_new_for_bytes    (GBytes            *bytes,
                                                        GError           **error);
TekenPdfDocument  *teken_pdf_document_new_for_path_prefix (const char     *path,
                                                        goffset            size,
                                                        GError           **error);
TekenPdfDocument  *teken_pdf_document_new_prefix       (TekenPdfDocument  *self,
                                                        goffset            size,
                                                        GError           **error);
const char        *teken_pdf_document_get_display_name (TekenPdfDocument  *self);
goffset            teken_pdf_document_get_size         (TekenPdfDocument  *self);
gboolean           teken_pdf_document_read             (TekenPdfDocument  *self,
                                                        goffset            offset,
                                                        guint8            *buffer,
                                                        gsize              length,
                                                        GError           **error);
GBytes            *teken_pdf_document_read_bytes       (TekenPdfDocument  *self,
                                                        goffset            offset,
                                                        gsize              length,
                                                        GError           **error);

TekenPdfObject    *teken_pdf_document_get_trailer      (TekenPdfDocument  *self);
TekenPdfObject    *teken_pdf_document_get_catalog      (TekenPdfDocument  *self);
guint32            teken_pdf_document_get_xref_size    (TekenPdfDocument  *self);
GArray            *teken_pdf_document_get_object_numbers (TekenPdfDocument *self);
gboolean           teken_pdf_document_get_xref_entry   (TekenPdfDocument  *self,
                                                        guint32            number,
                                                        TekenPdfXrefEntry *entry);
guint              teken_pdf_document_get_n_revisions  (TekenPdfDocument  *self);
const TekenPdfRevision *teken_pdf_document_get_revision (TekenPdfDocument *self,
                                                        guint              index);

TekenPdfObject    *teken_pdf_document_get_object       (TekenPdfDocument  *self,
                                                        guint32            number,
                                                        GError           **error);
TekenPdfObject    *teken_pdf_document_resolve          (TekenPdfDocument  *self,
                                                        TekenPdfObject    *object,
                                                        GError           **error);
TekenPdfObject    *teken_pdf_document_lookup           (TekenPdfDocument  *self,
                                                        TekenPdfObject    *dict,
                                                        const char        *key,
                                                        GError           **error);
GBytes            *teken_pdf_document_get_stream_data  (TekenPdfDocument  *self,
                                                        TekenPdfObject    *stream,
                                                        gboolean           decode,
                                                        gsize              max_output,
                                                        GError           **error);

guint              teken_pdf_document_get_n_pages      (TekenPdfDocument  *self);
const TekenPdfPage *teken_pdf_document_get_page        (TekenPdfDocument  *self,
                                                        guint              index);
GPtrArray         *teken_pdf_document_get_fields       (TekenPdfDocument  *self,
                                                        GError           **error);

void               teken_pdf_page_get_display_size     (const TekenPdfPage *page,
                                                        double            *width,
                                                        double            *height);
void               teken_pdf_page_display_to_user      (const TekenPdfPage *page,
                                                        double             x,
                                                        double             y,
                                                        double             width,
                                                        double             height,
                                                        double             rect[4]);

G_END_DECLS
