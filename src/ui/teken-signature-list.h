/* teken-signature-list.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-verification-model.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_SIGNATURE_LIST (teken_signature_list_get_type ())

G_DECLARE_FINAL_TYPE (TekenSignatureList, teken_signature_list, TEKEN, SIGNATURE_LIST, AdwBin)

void teken_signature_list_set_model (TekenSignatureList     *self,
                                     TekenVerificationModel *model);

G_END_DECLS
