/* teken-signing-credential.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-ca-client.h"
#include "teken-remote-signer.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_SIGNING_CREDENTIAL (teken_signing_credential_get_type ())

G_DECLARE_FINAL_TYPE (TekenSigningCredential, teken_signing_credential, TEKEN, SIGNING_CREDENTIAL, AdwPreferencesGroup)

/* What the CA signs with: the certificate's passphrase or, when the holder
 * enabled it, a one-time code the CA e-mails on request (docs/api.md §9.1,
 * asked for @n_documents). A preference group; `ready` when something is
 * typed; ::activate when Enter is pressed in it. */
TekenSigningCredential *teken_signing_credential_new           (void);
void                    teken_signing_credential_set_account   (TekenSigningCredential       *self,
                                                                TekenCaClient                *client,
                                                                const char                   *nik,
                                                                gboolean                      otp_enabled);
void                    teken_signing_credential_set_n_documents (TekenSigningCredential     *self,
                                                                guint                         n_documents);
gboolean                teken_signing_credential_get_ready     (TekenSigningCredential       *self);
/* The typed secret, in wiped memory; the fields are emptied. */
TekenSecret            *teken_signing_credential_take          (TekenSigningCredential       *self,
                                                                TekenRemoteSignerCredential  *kind);
void                    teken_signing_credential_clear         (TekenSigningCredential       *self);
void                    teken_signing_credential_focus         (TekenSigningCredential       *self);

G_END_DECLS
