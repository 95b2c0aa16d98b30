/* teken-document-view.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-page-canvas.h"
#include "teken-thumbnail-list.h"
#include "teken-verification-model.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_DOCUMENT_VIEW (teken_document_view_get_type ())

G_DECLARE_FINAL_TYPE (TekenDocumentView, teken_document_view, TEKEN, DOCUMENT_VIEW, AdwBin)

GtkWidget              *teken_document_view_new                   (void);
void                    teken_document_view_load_file             (TekenDocumentView *self,
                                                                   GFile             *file);
void                    teken_document_view_load_signed_version   (TekenDocumentView *self,
                                                                   GFile             *file,
                                                                   goffset            length,
                                                                   const char        *signer);
void                    teken_document_view_sign_when_loaded     (TekenDocumentView *self);
void                    teken_document_view_check_again           (TekenDocumentView *self);
GFile                  *teken_document_view_get_file              (TekenDocumentView *self);
goffset                 teken_document_view_get_signed_version_length (TekenDocumentView *self);
const char             *teken_document_view_get_title             (TekenDocumentView *self);
gboolean                teken_document_view_get_loading           (TekenDocumentView *self);
gboolean                teken_document_view_get_verifying         (TekenDocumentView *self);
const GError           *teken_document_view_get_error             (TekenDocumentView *self);
TekenPageCanvas        *teken_document_view_get_canvas            (TekenDocumentView *self);
TekenThumbnailList     *teken_document_view_get_thumbnail_list    (TekenDocumentView *self);
TekenVerificationModel *teken_document_view_get_verification      (TekenDocumentView *self);

G_END_DECLS
