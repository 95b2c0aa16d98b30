/* teken-sign-dialog.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-signer-picker.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_SIGN_DIALOG (teken_sign_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TekenSignDialog, teken_sign_dialog, TEKEN, SIGN_DIALOG, AdwWindow)

TekenSignDialog *teken_sign_dialog_new                (GtkWindow             *parent,
                                                       GFile                 *document,
                                                       guint                  page,
                                                       const graphene_rect_t *box);
void             teken_sign_dialog_set_certificate    (TekenSignDialog       *self,
                                                       GFile                 *certificate);
TekenSignerPicker *teken_sign_dialog_get_picker      (TekenSignDialog       *self);
GFile           *teken_sign_dialog_get_output         (TekenSignDialog       *self);
char            *teken_sign_dialog_choose_output_path (GFile                 *document);

G_END_DECLS
