/* teken-signer.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the PDF writer needs from whoever holds the key: the certificate (its
 * name goes into the visible signature before anything is signed), a bound on
 * the size of the signature (to reserve /Contents) and a CMS SignedData for a
 * digest. The writer never learns whether the key is in a file on this
 * machine or at the CA.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/x509.h>

#include "teken-signer.h"
#include "teken-x509-private.h"

G_DEFINE_QUARK (teken-signer-error-quark, teken_signer_error)

G_DEFINE_INTERFACE (TekenSigner, teken_signer, G_TYPE_OBJECT)

static void
sign_digest_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **result_out = user_data;

  *result_out = g_object_ref (result);
}

static void
teken_signer_default_init (TekenSignerInterface *iface)
{
}

/**
 * teken_signer_get_certificate:
 * @self: a #TekenSigner
 *
 * Returns: (transfer none): the DER of the signer's certificate, valid while
 *   @self lives; take a reference to keep it longer
 */
GBytes *
teken_signer_get_certificate (TekenSigner *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER (self), NULL);
  g_return_val_if_fail (TEKEN_SIGNER_GET_IFACE (self)->get_certificate != NULL, NULL);

  return TEKEN_SIGNER_GET_IFACE (self)->get_certificate (self);
}

/**
 * teken_signer_estimate_size:
 * @self: a #TekenSigner
 *
 * The PDF writer reserves this many bytes (twice, in hex) for /Contents before
 * the digest exists, plus its own room for a timestamp and revocation data.
 *
 * Returns: an upper bound of the length of the DER CMS that
 *   teken_signer_sign_digest_finish() returns
 */
gsize
teken_signer_estimate_size (TekenSigner *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER (self), 0);
  g_return_val_if_fail (TEKEN_SIGNER_GET_IFACE (self)->estimate_size != NULL, 0);

  return TEKEN_SIGNER_GET_IFACE (self)->estimate_size (self);
}

/**
 * teken_signer_sign_digest_async:
 * @self: a #TekenSigner
 * @digest: the SHA-256 digest of the signed bytes, 32 bytes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the signature is ready
 * @user_data: data for @callback
 *
 * Asks the signer for a detached CMS SignedData over @digest.
 */
void
teken_signer_sign_digest_async (TekenSigner         *self,
                                GBytes              *digest,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (TEKEN_IS_SIGNER (self));
  g_return_if_fail (digest != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (TEKEN_SIGNER_GET_IFACE (self)->sign_digest_async != NULL);

  /* Checked here once so that no backend, local or remote, ever signs
   * something that is not a SHA-256 digest. */
  if (g_bytes_get_size (digest) != TEKEN_SIGNER_DIGEST_LENGTH)
    {
      g_task_report_new_error (self, callback, user_data,
                               teken_signer_sign_digest_async,
                               TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_DIGEST,
                               _("The document could not be prepared for signing. Open it again and retry."));
      return;
    }

  TEKEN_SIGNER_GET_IFACE (self)->sign_digest_async (self, digest, cancellable,
                                                    callback, user_data);
}

/**
 * teken_signer_sign_digest_finish:
 * @self: a #TekenSigner
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the DER of a detached CMS SignedData, or %NULL
 *   with @error set
 */
GBytes *
teken_signer_sign_digest_finish (TekenSigner   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_async_result_is_tagged (result, teken_signer_sign_digest_async))
    return g_task_propagate_pointer (G_TASK (result), error);

  return TEKEN_SIGNER_GET_IFACE (self)->sign_digest_finish (self, result, error);
}

/**
 * teken_signer_sign_digest:
 * @self: a #TekenSigner
 * @digest: the SHA-256 digest of the signed bytes, 32 bytes
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of teken_signer_sign_digest_async(), for the command
 * line. It runs the asynchronous call on a private main context, so it must
 * not be called from the main loop of an application.
 *
 * Returns: (transfer full): the DER of a detached CMS SignedData, or %NULL
 *   with @error set
 */
GBytes *
teken_signer_sign_digest (TekenSigner   *self,
                          GBytes        *digest,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (TEKEN_IS_SIGNER (self), NULL);
  g_return_val_if_fail (digest != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  teken_signer_sign_digest_async (self, digest, cancellable, sign_digest_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);

  g_main_context_pop_thread_default (context);

  return teken_signer_sign_digest_finish (self, result, error);
}

/**
 * teken_signer_dup_holder_name:
 * @self: a #TekenSigner
 *
 * The name the visible signature shows: the certificate's common name, so
 * that the app can show it before signing without reading X.509 itself.
 *
 * Returns: (transfer full) (nullable): the holder's name, or %NULL when the
 *   certificate has none
 */
char *
teken_signer_dup_holder_name (TekenSigner *self)
{
  GBytes *certificate;
  const guint8 *der;
  g_autoptr(X509) x509 = NULL;

  g_return_val_if_fail (TEKEN_IS_SIGNER (self), NULL);

  certificate = teken_signer_get_certificate (self);
  if (certificate == NULL)
    return NULL;

  der = g_bytes_get_data (certificate, NULL);
  x509 = d2i_X509 (NULL, &der, g_bytes_get_size (certificate));

  return x509 != NULL ? teken_x509_get_display_name (x509) : NULL;
}
