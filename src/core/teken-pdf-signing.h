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

/* Where a batch puts the visible signature on each document: a preset
 * resolved against that document's own pages, as shown (size and
 * rotation), rather than one rectangle for all. */
typedef enum
{
  TEKEN_PDF_PLACEMENT_INVISIBLE,
  TEKEN_PDF_PLACEMENT_LAST_BOTTOM_RIGHT,
  TEKEN_PDF_PLACEMENT_LAST_BOTTOM_LEFT,
  TEKEN_PDF_PLACEMENT_FIRST_TOP_RIGHT,
  TEKEN_PDF_PLACEMENT_FIRST_BOTTOM_RIGHT,
} TekenPdfPlacement;

/* The box a preset or a click gives, and its distance from the edges, in
 * points. */
#define TEKEN_PDF_SIGNATURE_BOX_WIDTH  180.0
#define TEKEN_PDF_SIGNATURE_BOX_HEIGHT  72.0
#define TEKEN_PDF_SIGNATURE_BOX_MARGIN  36.0

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

/* A signature prepared but not finished: the temporary file beside the
 * output holds the document with its placeholder, and the digest is known.
 * Complete it with the CMS, or abandon it; freeing abandons it. */
typedef struct _TekenPdfPreparedSignature TekenPdfPreparedSignature;

TekenPdfPreparedSignature *teken_pdf_sign_prepare   (TekenPdfDocument           *document,
                                                     const char                 *output_path,
                                                     const TekenPdfSignOptions  *options,
                                                     TekenSigner                *signer,
                                                     GCancellable               *cancellable,
                                                     GError                    **error);
gboolean                   teken_pdf_sign_complete  (TekenPdfPreparedSignature  *prepared,
                                                     GBytes                     *cms,
                                                     GCancellable               *cancellable,
                                                     GError                    **error);
void                       teken_pdf_sign_abandon   (TekenPdfPreparedSignature  *prepared);
GBytes                    *teken_pdf_prepared_signature_get_digest      (TekenPdfPreparedSignature *prepared);
const char                *teken_pdf_prepared_signature_get_output_path (TekenPdfPreparedSignature *prepared);
void                       teken_pdf_prepared_signature_free            (TekenPdfPreparedSignature *prepared);

TekenPdfPlacement teken_pdf_placement_from_string (const char                 *name);
const char       *teken_pdf_placement_to_string   (TekenPdfPlacement           placement);
guint             teken_pdf_placement_get_page    (TekenPdfPlacement           placement,
                                                   guint                       n_pages);
void              teken_pdf_placement_get_box     (TekenPdfPlacement           placement,
                                                   double                      page_width,
                                                   double                      page_height,
                                                   double                     *x,
                                                   double                     *y,
                                                   double                     *width,
                                                   double                     *height);
gboolean          teken_pdf_sign_options_place    (TekenPdfSignOptions        *options,
                                                   TekenPdfDocument           *document,
                                                   TekenPdfPlacement           placement,
                                                   GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenPdfPreparedSignature, teken_pdf_prepared_signature_free)

G_END_DECLS
