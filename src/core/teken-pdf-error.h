/* teken-pdf-error.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TEKEN_PDF_ERROR (teken_pdf_error_quark ())

typedef enum
{
  TEKEN_PDF_ERROR_NOT_PDF,        /* not a PDF at all */
  TEKEN_PDF_ERROR_DAMAGED,        /* a PDF whose structure cannot be read */
  TEKEN_PDF_ERROR_TRUNCATED,      /* internal: the parser needs more bytes */
  TEKEN_PDF_ERROR_ENCRYPTED,
  TEKEN_PDF_ERROR_TOO_LARGE,      /* past one of the reader's limits */
  TEKEN_PDF_ERROR_INVALID_ARGUMENT, /* a page, box or field the caller asked for does not fit */
  TEKEN_PDF_ERROR_SIGNATURE,      /* the signature could not be made or embedded */
  TEKEN_PDF_ERROR_IO,
} TekenPdfError;

GQuark teken_pdf_error_quark (void);

G_END_DECLS
