/* teken-pkcs12-signer.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-secret.h"
#include "teken-signer.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_PKCS12_SIGNER (teken_pkcs12_signer_get_type ())

G_DECLARE_FINAL_TYPE (TekenPkcs12Signer, teken_pkcs12_signer, TEKEN, PKCS12_SIGNER, GObject)

TekenPkcs12Signer *teken_pkcs12_signer_new_from_file (const char   *path,
                                                      TekenSecret  *password,
                                                      GError      **error);

G_END_DECLS
