/* teken-signer-picker.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-ca-client.h"
#include "teken-signer.h"
#include "teken-signing-credential.h"

G_BEGIN_DECLS

typedef enum
{
  TEKEN_SIGNER_SOURCE_ACCOUNT,  /* the signed-in holder's BSrE certificate, signing at the CA */
  TEKEN_SIGNER_SOURCE_FILE,     /* a PKCS#12 file on this computer */
} TekenSignerSource;

#define TEKEN_TYPE_SIGNER_PICKER (teken_signer_picker_get_type ())

G_DECLARE_FINAL_TYPE (TekenSignerPicker, teken_signer_picker, TEKEN, SIGNER_PICKER, GtkBox)

/* Who signs: "My BSrE certificate" (the holder signed in on @client, with
 * the certificate's name, status and serial, or a Sign In… button that
 * opens My Certificate through `app.my-certificate`) or "A certificate
 * file" (.p12 + its passphrase). Preference groups, to put in a scrolled
 * page. The account source is the default when @client has a holder's
 * session (or the keyring has one).
 *
 * The credential for the CA (passphrase, or a signing OTP e-mailed on
 * request: TekenSigningCredential) is asked by the picker when
 * `show-credential` is TRUE; when FALSE the signer it makes has none and
 * the caller asks for it at signing time, with a TekenSigningCredential of
 * its own set up by teken_signer_picker_set_up_credential(), and hands it
 * over with teken_remote_signer_set_credential().
 *
 * `ready` says everything needed is there; then
 * teken_signer_picker_create_signer_async() yields the TekenSigner (a
 * TekenRemoteSigner or a TekenPkcs12Signer) and empties the secret fields.
 * Batch signing: a TekenRemoteSigner signs many digests with one request
 * and one passphrase (teken_remote_signer_sign_digests_async()); tell the
 * picker how many first (teken_signer_picker_set_n_documents()) so that an
 * e-mailed code covers them all.
 */
TekenSignerPicker *teken_signer_picker_new                  (TekenCaClient        *client);
void               teken_signer_picker_set_client           (TekenSignerPicker    *self,
                                                             TekenCaClient        *client);
TekenCaClient     *teken_signer_picker_get_client           (TekenSignerPicker    *self);
TekenSignerSource  teken_signer_picker_get_source           (TekenSignerPicker    *self);
void               teken_signer_picker_set_source           (TekenSignerPicker    *self,
                                                             TekenSignerSource     source);
gboolean           teken_signer_picker_get_show_credential  (TekenSignerPicker    *self);
void               teken_signer_picker_set_show_credential  (TekenSignerPicker    *self,
                                                             gboolean              show_credential);
gboolean           teken_signer_picker_get_ready            (TekenSignerPicker    *self);
gboolean           teken_signer_picker_get_busy             (TekenSignerPicker    *self);
void               teken_signer_picker_set_file             (TekenSignerPicker    *self,
                                                             GFile                *file);
/* The signed-in holder's name and the certificate's status, or NULL. */
const char        *teken_signer_picker_get_holder_name      (TekenSignerPicker    *self);
const char        *teken_signer_picker_get_certificate_status (TekenSignerPicker  *self);
void               teken_signer_picker_set_n_documents      (TekenSignerPicker    *self,
                                                             guint                 n_documents);
void               teken_signer_picker_set_up_credential    (TekenSignerPicker    *self,
                                                             TekenSigningCredential *credential);
/* Asks the CA again: after an error that may have changed the account. */
void               teken_signer_picker_reload               (TekenSignerPicker    *self);

void               teken_signer_picker_create_signer_async  (TekenSignerPicker    *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
TekenSigner       *teken_signer_picker_create_signer_finish (TekenSignerPicker    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* A signing error told with what to do next: wrong passphrase with the
 * tries left, a certificate not ISSUE, an account in UPDATE, a locked key,
 * no network, a session that ended. Whether My Certificate is the place to
 * go is returned in @open_account. */
char              *teken_signer_picker_describe_error       (const GError         *error,
                                                             gboolean             *open_account);

G_END_DECLS
