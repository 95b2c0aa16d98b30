/* teken-signer.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The length of the only digest a signer accepts: SHA-256. */
#define TEKEN_SIGNER_DIGEST_LENGTH 32

#define TEKEN_SIGNER_ERROR (teken_signer_error_quark ())

typedef enum
{
  TEKEN_SIGNER_ERROR_FAILED,
  TEKEN_SIGNER_ERROR_WRONG_PASSWORD,
  TEKEN_SIGNER_ERROR_INVALID_FILE,
  TEKEN_SIGNER_ERROR_NO_KEY,
  TEKEN_SIGNER_ERROR_CERTIFICATE_MISMATCH,
  TEKEN_SIGNER_ERROR_UNSUPPORTED_KEY,
  TEKEN_SIGNER_ERROR_INVALID_DIGEST,
  TEKEN_SIGNER_ERROR_INVALID_SIGNATURE,
} TekenSignerError;

GQuark teken_signer_error_quark (void);

#define TEKEN_TYPE_SIGNER (teken_signer_get_type ())

G_DECLARE_INTERFACE (TekenSigner, teken_signer, TEKEN, SIGNER, GObject)

/**
 * TekenSignerInterface:
 * @get_certificate: returns the DER of the signer's certificate, owned by
 *   the signer
 * @estimate_size: returns an upper bound of the DER CMS that signing returns
 * @sign_digest_async: turns a SHA-256 digest (already checked to be 32 bytes)
 *   into a detached CMS SignedData
 * @sign_digest_finish: returns the DER CMS, or %NULL with @error set
 *
 * A signer sees only the digest of the signed bytes, never the document, so
 * that a remote CA can implement it as well as a local key.
 */
struct _TekenSignerInterface
{
  GTypeInterface parent_iface;

  GBytes *(*get_certificate)    (TekenSigner          *self);
  gsize   (*estimate_size)      (TekenSigner          *self);
  void    (*sign_digest_async)  (TekenSigner          *self,
                                 GBytes               *digest,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
  GBytes *(*sign_digest_finish) (TekenSigner          *self,
                                 GAsyncResult         *result,
                                 GError              **error);
};

GBytes *teken_signer_get_certificate    (TekenSigner          *self);
gsize   teken_signer_estimate_size      (TekenSigner          *self);
void    teken_signer_sign_digest_async  (TekenSigner          *self,
                                         GBytes               *digest,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
GBytes *teken_signer_sign_digest_finish (TekenSigner          *self,
                                         GAsyncResult         *result,
                                         GError              **error);
GBytes *teken_signer_sign_digest        (TekenSigner          *self,
                                         GBytes               *digest,
                                         GCancellable         *cancellable,
                                         GError              **error);
char   *teken_signer_dup_holder_name    (TekenSigner          *self);

G_END_DECLS
