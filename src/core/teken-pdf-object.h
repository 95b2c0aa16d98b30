/* teken-pdf-object.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A PDF object (ISO 32000-1, 7.3), reference counted. Objects read from a
 * file remember where their bytes are (start/end offsets), which the signer
 * and the verifier need; objects built in memory have offsets of -1. */

typedef enum
{
  TEKEN_PDF_NULL,
  TEKEN_PDF_BOOLEAN,
  TEKEN_PDF_INTEGER,
  TEKEN_PDF_REAL,
  TEKEN_PDF_STRING,
  TEKEN_PDF_NAME,
  TEKEN_PDF_ARRAY,
  TEKEN_PDF_DICT,
  TEKEN_PDF_REFERENCE,
  TEKEN_PDF_STREAM,
} TekenPdfKind;

#define TEKEN_TYPE_PDF_OBJECT (teken_pdf_object_get_type ())

typedef struct _TekenPdfObject TekenPdfObject;

GType           teken_pdf_object_get_type      (void) G_GNUC_CONST;
TekenPdfObject *teken_pdf_object_ref           (TekenPdfObject       *self);
void            teken_pdf_object_unref         (TekenPdfObject       *self);
TekenPdfKind    teken_pdf_object_get_kind      (const TekenPdfObject *self);
gboolean        teken_pdf_object_is            (const TekenPdfObject *self,
                                                TekenPdfKind          kind);
goffset         teken_pdf_object_get_start     (const TekenPdfObject *self);
goffset         teken_pdf_object_get_end       (const TekenPdfObject *self);
void            teken_pdf_object_set_span      (TekenPdfObject       *self,
                                                goffset               start,
                                                goffset               end);

TekenPdfObject *teken_pdf_null_new             (void);
TekenPdfObject *teken_pdf_boolean_new          (gboolean              value);
TekenPdfObject *teken_pdf_integer_new          (gint64                value);
TekenPdfObject *teken_pdf_real_new             (double                value);
TekenPdfObject *teken_pdf_string_new           (const guint8         *data,
                                                gsize                 length);
TekenPdfObject *teken_pdf_string_new_text      (const char           *text);
TekenPdfObject *teken_pdf_hex_string_new       (const guint8         *data,
                                                gsize                 length);
TekenPdfObject *teken_pdf_name_new             (const char           *name);
TekenPdfObject *teken_pdf_array_new            (void);
TekenPdfObject *teken_pdf_dict_new             (void);
TekenPdfObject *teken_pdf_reference_new        (guint32               number,
                                                guint16               generation);
TekenPdfObject *teken_pdf_stream_new           (TekenPdfObject       *dict,
                                                GBytes               *data);
TekenPdfObject *teken_pdf_stream_new_in_file   (TekenPdfObject       *dict,
                                                goffset               data_offset,
                                                gsize                 length);

gboolean        teken_pdf_object_get_boolean   (const TekenPdfObject *self);
gint64          teken_pdf_object_get_integer   (const TekenPdfObject *self);
gboolean        teken_pdf_object_get_number    (const TekenPdfObject *self,
                                                double               *value);
const guint8   *teken_pdf_object_get_string    (const TekenPdfObject *self,
                                                gsize                *length);
gboolean        teken_pdf_object_is_hex_string (const TekenPdfObject *self);
const char     *teken_pdf_object_get_name      (const TekenPdfObject *self);
gboolean        teken_pdf_object_has_name      (const TekenPdfObject *self,
                                                const char           *name);
void            teken_pdf_reference_get        (const TekenPdfObject *self,
                                                guint32              *number,
                                                guint16              *generation);

guint           teken_pdf_array_get_length     (const TekenPdfObject *self);
TekenPdfObject *teken_pdf_array_get            (const TekenPdfObject *self,
                                                guint                 index);
void            teken_pdf_array_append         (TekenPdfObject       *self,
                                                TekenPdfObject       *value);

guint           teken_pdf_dict_get_size        (const TekenPdfObject *self);
const char     *teken_pdf_dict_get_key         (const TekenPdfObject *self,
                                                guint                 index);
TekenPdfObject *teken_pdf_dict_get_value       (const TekenPdfObject *self,
                                                guint                 index);
TekenPdfObject *teken_pdf_dict_get             (const TekenPdfObject *self,
                                                const char           *key);
void            teken_pdf_dict_set             (TekenPdfObject       *self,
                                                const char           *key,
                                                TekenPdfObject       *value);
void            teken_pdf_dict_remove          (TekenPdfObject       *self,
                                                const char           *key);
TekenPdfObject *teken_pdf_dict_copy            (const TekenPdfObject *self);

TekenPdfObject *teken_pdf_stream_get_dict      (const TekenPdfObject *self);
goffset         teken_pdf_stream_get_data_offset (const TekenPdfObject *self);
gsize           teken_pdf_stream_get_length    (const TekenPdfObject *self);
GBytes         *teken_pdf_stream_get_data      (const TekenPdfObject *self);

gboolean        teken_pdf_object_equal         (const TekenPdfObject *a,
                                                const TekenPdfObject *b);

void            teken_pdf_object_write         (const TekenPdfObject *self,
                                                GString              *out);
char           *teken_pdf_object_to_string     (const TekenPdfObject *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenPdfObject, teken_pdf_object_unref)

G_END_DECLS
