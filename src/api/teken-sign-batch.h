/* teken-sign-batch.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-pdf-signing.h"
#include "teken-signer.h"

G_BEGIN_DECLS

/* Where one document of a batch is; the order is the order they go in. */
typedef enum
{
  TEKEN_SIGN_BATCH_WAITING,
  TEKEN_SIGN_BATCH_PREPARING,   /* read, placed, written beside the output and hashed */
  TEKEN_SIGN_BATCH_PREPARED,    /* its digest waits for the signer */
  TEKEN_SIGN_BATCH_SIGNING,     /* its digest is at the signer */
  TEKEN_SIGN_BATCH_SAVING,      /* the signature is checked, written, verified, linked */
  TEKEN_SIGN_BATCH_SIGNED,
  TEKEN_SIGN_BATCH_FAILED,
} TekenSignBatchState;

#define TEKEN_TYPE_SIGN_BATCH (teken_sign_batch_get_type ())

G_DECLARE_FINAL_TYPE (TekenSignBatch, teken_sign_batch, TEKEN, SIGN_BATCH, GObject)

TekenSignBatch      *teken_sign_batch_new             (TekenSigner                *signer);
guint                teken_sign_batch_add             (TekenSignBatch             *self,
                                                       const char                 *input_path,
                                                       const char                 *output_path);
void                 teken_sign_batch_set_placement   (TekenSignBatch             *self,
                                                       TekenPdfPlacement           placement);
void                 teken_sign_batch_set_details     (TekenSignBatch             *self,
                                                       const TekenPdfSignOptions  *details);
void                 teken_sign_batch_set_image_file  (TekenSignBatch             *self,
                                                       const char                 *path);

guint                teken_sign_batch_get_n_items     (TekenSignBatch             *self);
const char          *teken_sign_batch_get_input       (TekenSignBatch             *self,
                                                       guint                       index);
const char          *teken_sign_batch_get_output      (TekenSignBatch             *self,
                                                       guint                       index);
TekenSignBatchState  teken_sign_batch_get_state       (TekenSignBatch             *self,
                                                       guint                       index);
const GError        *teken_sign_batch_get_error       (TekenSignBatch             *self,
                                                       guint                       index);
guint                teken_sign_batch_count           (TekenSignBatch             *self,
                                                       TekenSignBatchState         state);
double               teken_sign_batch_get_fraction    (TekenSignBatch             *self);
guint                teken_sign_batch_get_n_requests  (TekenSignBatch             *self);

void                 teken_sign_batch_run_async       (TekenSignBatch             *self,
                                                       GCancellable               *cancellable,
                                                       GAsyncReadyCallback         callback,
                                                       gpointer                    user_data);
gboolean             teken_sign_batch_run_finish      (TekenSignBatch             *self,
                                                       GAsyncResult               *result,
                                                       GError                    **error);

G_END_DECLS
