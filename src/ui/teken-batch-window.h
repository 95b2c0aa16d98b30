/* teken-batch-window.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-sign-batch.h"
#include "teken-signer-picker.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_BATCH_WINDOW (teken_batch_window_get_type ())

G_DECLARE_FINAL_TYPE (TekenBatchWindow, teken_batch_window, TEKEN, BATCH_WINDOW, AdwWindow)

TekenBatchWindow  *teken_batch_window_new        (GtkApplication    *application,
                                                  GtkWindow         *parent);
void               teken_batch_window_add_files  (TekenBatchWindow  *self,
                                                  GFile            **files,
                                                  guint              n_files);
guint              teken_batch_window_get_n_files (TekenBatchWindow *self);
const char        *teken_batch_window_get_page   (TekenBatchWindow  *self);
TekenSignerPicker *teken_batch_window_get_picker (TekenBatchWindow  *self);
TekenSignBatch    *teken_batch_window_get_batch  (TekenBatchWindow  *self);

G_END_DECLS
