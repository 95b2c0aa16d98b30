/* teken-pdf-signing.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-image.h"
#include "teken-pdf-document.h"
#include "teken-signature-appearance.h"
#include "teken-signer.h"

G_BEGIN_DECLS

typedef enum
{
  TEKEN_PDF_SUBFILTER_CADES,    /* ETSI.CAdES.detached (PAdES), the default */
  TEKEN_PDF_SUBFILTER_PKCS7,    /* adbe.pkcs7.detached */
} TekenPdfSubFilter;

typedef struct
{
  guint              page;          /* 0-based */
  gboolean           visible;
  double             x, y;          /* top-left of the box on the page as shown, in points */
  double             width, height;
  TekenActingRole    role;
  const char        *position;      /* nullable */
  const char        *reason;        /* nullable */
  const char        *location;      /* nullable */
  const char        *contact_info;  /* nullable */
  const char        *field_name;    /* nullable: a fresh SignatureN when unset */
  const char        *qr_text;       /* nullable */
  TekenImage        *image;         /* nullable */
  TekenPdfSubFilter  subfilter;
  GDateTime         *signing_time;  /* nullable: now */
} TekenPdfSignOptions;

/* Room in /Contents beyond the signer's own estimate, for a signature
 * timestamp and revocation data added to the CMS later. */
#define TEKEN_PDF_SIGNATURE_EXTRA_ROOM 16384

GBytes  *teken_pdf_sign_preview (TekenPdfDocument           *document,
                                 const TekenPdfSignOptions  *options,
                                 TekenSigner                *signer,
                                 GError                    **error);
gboolean teken_pdf_sign (TekenPdfDocument           *document,
                         const char                 *output_path,
                         const TekenPdfSignOptions  *options,
                         TekenSigner                *signer,
                         GCancellable               *cancellable,
                         GError                    **error);

G_END_DECLS
