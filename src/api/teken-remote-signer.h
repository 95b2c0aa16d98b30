/* teken-remote-signer.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-ca-client.h"
#include "teken-secret.h"
#include "teken-signer.h"

G_BEGIN_DECLS

typedef enum
{
  TEKEN_REMOTE_SIGNER_PASSPHRASE,
  TEKEN_REMOTE_SIGNER_OTP,        /* a signing OTP e-mailed by the CA (docs/api.md §9.1) */
} TekenRemoteSignerCredential;

#define TEKEN_TYPE_REMOTE_SIGNER (teken_remote_signer_get_type ())

G_DECLARE_FINAL_TYPE (TekenRemoteSigner, teken_remote_signer, TEKEN, REMOTE_SIGNER, GObject)

TekenRemoteSigner *teken_remote_signer_new                (TekenCaClient                *client,
                                                          const char                   *nik,
                                                          TekenRemoteSignerCredential   kind,
                                                          TekenSecret                  *secret,
                                                          GBytes                       *certificate);
void               teken_remote_signer_new_async          (TekenCaClient                *client,
                                                          const char                   *nik,
                                                          TekenRemoteSignerCredential   kind,
                                                          TekenSecret                  *secret,
                                                          GCancellable                 *cancellable,
                                                          GAsyncReadyCallback           callback,
                                                          gpointer                      user_data);
TekenRemoteSigner *teken_remote_signer_new_finish         (GAsyncResult                 *result,
                                                          GError                      **error);

void               teken_remote_signer_set_credential     (TekenRemoteSigner            *self,
                                                          TekenRemoteSignerCredential   kind,
                                                          TekenSecret                  *secret);
const char        *teken_remote_signer_get_level          (TekenRemoteSigner            *self);
void               teken_remote_signer_set_level          (TekenRemoteSigner            *self,
                                                          const char                   *level);
GPtrArray         *teken_remote_signer_get_chain          (TekenRemoteSigner            *self);

void               teken_remote_signer_sign_digests_async (TekenRemoteSigner            *self,
                                                          GHashTable                   *digests,
                                                          GCancellable                 *cancellable,
                                                          GAsyncReadyCallback           callback,
                                                          gpointer                      user_data);
GHashTable        *teken_remote_signer_sign_digests_finish (TekenRemoteSigner           *self,
                                                          GAsyncResult                 *result,
                                                          JsonObject                  **validation_data,
                                                          GError                      **error);

G_END_DECLS
