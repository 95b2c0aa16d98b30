/* fuzz-pdf-reader.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The PDF reader over arbitrary bytes: open, walk the pages and the form,
 * load every object the cross-reference names and decode its stream. */

#include "config.h"

#include "teken-pdf-document.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  guint32 n_objects;

  document = teken_pdf_document_new_for_bytes (bytes, NULL);
  if (document == NULL)
    return 0;

  for (guint i = 0; i < teken_pdf_document_get_n_pages (document); i++)
    {
      const TekenPdfPage *page = teken_pdf_document_get_page (document, i);
      double width, height, rect[4];

      teken_pdf_page_get_display_size (page, &width, &height);
      teken_pdf_page_display_to_user (page, 0, 0, width, height, rect);
    }

  fields = teken_pdf_document_get_fields (document, NULL);

  n_objects = MIN (teken_pdf_document_get_xref_size (document), 4096);
  for (guint32 number = 0; number < n_objects; number++)
    {
      g_autoptr(TekenPdfObject) object = teken_pdf_document_get_object (document, number, NULL);

      if (teken_pdf_object_is (object, TEKEN_PDF_STREAM))
        {
          GBytes *decoded = teken_pdf_document_get_stream_data (document, object, TRUE, 1 << 20, NULL);

          if (decoded != NULL)
            g_bytes_unref (decoded);
        }
      if (object != NULL)
        g_free (teken_pdf_object_to_string (teken_pdf_object_is (object, TEKEN_PDF_STREAM)
                                            ? teken_pdf_stream_get_dict (object) : object));
    }

  return 0;
}
