/* teken-verification-model.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "teken-pdf-verifier.h"

G_BEGIN_DECLS

/* How a status looks: the CSS class of the status bar and list icons. */
typedef enum
{
  TEKEN_VERIFICATION_LOOK_GOOD,
  TEKEN_VERIFICATION_LOOK_WARNING,
  TEKEN_VERIFICATION_LOOK_BAD,
  TEKEN_VERIFICATION_LOOK_NEUTRAL,
} TekenVerificationLook;

typedef struct
{
  char *label;
  char *value;
} TekenVerificationFact;

#define TEKEN_TYPE_VERIFICATION_MODEL (teken_verification_model_get_type ())

G_DECLARE_FINAL_TYPE (TekenVerificationModel, teken_verification_model, TEKEN, VERIFICATION_MODEL, GObject)

void                    teken_verification_model_new_async        (GFile                  *file,
                                                                   TekenTrustStore        *trust,
                                                                   GCancellable           *cancellable,
                                                                   GAsyncReadyCallback     callback,
                                                                   gpointer                user_data);
TekenVerificationModel *teken_verification_model_new_finish       (GAsyncResult           *result,
                                                                   GError                **error);
TekenVerificationModel *teken_verification_model_new_for_report   (TekenDocumentReport    *report);

const TekenDocumentReport *teken_verification_model_get_report    (TekenVerificationModel *self);
TekenVerifyStatus       teken_verification_model_get_status       (TekenVerificationModel *self);
gboolean                teken_verification_model_get_encrypted    (TekenVerificationModel *self);
TekenVerificationLook   teken_verification_model_get_look         (TekenVerificationModel *self);
const char             *teken_verification_model_get_icon_name    (TekenVerificationModel *self);
const char             *teken_verification_model_get_title        (TekenVerificationModel *self);
char                   *teken_verification_model_get_description  (TekenVerificationModel *self);

guint                   teken_verification_model_get_n_signatures (TekenVerificationModel *self);
TekenVerifyStatus       teken_verification_model_get_signature_status (TekenVerificationModel *self,
                                                                   guint                   index);
TekenVerificationLook   teken_verification_model_get_signature_look (TekenVerificationModel *self,
                                                                   guint                   index);
const char             *teken_verification_model_get_signature_icon_name (TekenVerificationModel *self,
                                                                   guint                   index);
const char             *teken_verification_model_get_signer       (TekenVerificationModel *self,
                                                                   guint                   index);
const char             *teken_verification_model_get_signature_summary (TekenVerificationModel *self,
                                                                   guint                   index);
GPtrArray              *teken_verification_model_get_signature_facts (TekenVerificationModel *self,
                                                                   guint                   index);
goffset                 teken_verification_model_get_signed_revision_length (TekenVerificationModel *self,
                                                                   guint                   index);

const char             *teken_verification_look_to_css_class      (TekenVerificationLook   look);

G_END_DECLS
