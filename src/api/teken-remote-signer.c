/* teken-remote-signer.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A TekenSigner whose key stays at the CA: the document's digest goes to
 * the hash-signing endpoint (docs/api.md §9.2) with the holder's NIK and
 * passphrase (or a signing OTP), and a CMS SignedData comes back. The
 * document itself never leaves the desktop.
 *
 * The certificate is fetched when the signer is made (the chain endpoint
 * with client credentials, the current certificate with a holder session),
 * because the PDF writer needs the signer's name before anything is signed
 * and checks the returned CMS against it.
 *
 * The passphrase is held as a TekenSecret, wiped when the signer goes, and
 * reaches the request body without passing through json-glib. A signing
 * request is never repeated automatically (§2.7): a lost answer would count
 * a wrong passphrase twice.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "teken-cms.h"
#include "teken-remote-signer.h"

struct _TekenRemoteSigner
{
  GObject parent_instance;

  TekenCaClient *client;
  char *nik;
  TekenRemoteSignerCredential kind;
  TekenSecret *secret;
  GBytes *certificate;
  GPtrArray *chain;
  char *level;
};

static void signer_iface_init (TekenSignerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TekenRemoteSigner, teken_remote_signer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEKEN_TYPE_SIGNER, signer_iface_init))

typedef struct
{
  TekenCaClient *client;
  char *nik;
  TekenRemoteSignerCredential kind;
  TekenSecret *secret;
} NewData;

static void
new_data_free (NewData *data)
{
  g_clear_object (&data->client);
  g_free (data->nik);
  g_clear_pointer (&data->secret, teken_secret_unref);
  g_free (data);
}

/* Each returned CMS must be over the digest sent: the PDF writer checks its
 * one, and a batch caller gets them already checked. */
static gboolean
check_signatures (GHashTable  *digests,
                  GHashTable  *signatures,
                  GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, digests);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GBytes *cms = g_hash_table_lookup (signatures, key);
      g_autoptr(GBytes) signed_digest = NULL;

      if (cms == NULL || !teken_cms_get_message_digest (cms, &signed_digest, error))
        {
          if (cms == NULL)
            g_set_error_literal (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_BAD_RESPONSE,
                                 _("The CA server did not return every signature asked for. Nothing was signed; try again."));
          return FALSE;
        }
      if (!g_bytes_equal (signed_digest, value))
        {
          g_set_error_literal (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_BAD_RESPONSE,
                               _("The CA server returned a signature for different content. Nothing was signed; try again, and report it if it happens again."));
          return FALSE;
        }
    }

  return TRUE;
}

static void
sign_digests_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GHashTable *digests = g_task_get_task_data (task);
  g_autoptr(GHashTable) signatures = NULL;
  g_autoptr(JsonObject) validation = NULL;
  GError *error = NULL;

  signatures = teken_ca_client_sign_hash_finish (TEKEN_CA_CLIENT (source), result, &validation, &error);
  if (signatures == NULL || !check_signatures (digests, signatures, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (validation != NULL)
    g_object_set_data_full (G_OBJECT (task), "validation-data", g_steal_pointer (&validation),
                            (GDestroyNotify) json_object_unref);
  g_task_return_pointer (task, g_steal_pointer (&signatures), (GDestroyNotify) g_hash_table_unref);
}

static void
send_digests (TekenRemoteSigner   *self,
              GHashTable          *digests,
              GTask               *task)
{
  if (self->secret == NULL)
    {
      g_task_return_new_error (task, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_WRONG_PASSWORD,
                               _("Enter your passphrase to sign."));
      return;
    }
  g_task_set_task_data (task, g_hash_table_ref (digests), (GDestroyNotify) g_hash_table_unref);
  teken_ca_client_sign_hash_async (self->client, self->nik, NULL,
                                   self->kind == TEKEN_REMOTE_SIGNER_PASSPHRASE ? self->secret : NULL,
                                   self->kind == TEKEN_REMOTE_SIGNER_OTP ? self->secret : NULL,
                                   digests, self->level, g_task_get_cancellable (task),
                                   sign_digests_done_cb, task);
}

static GBytes *
teken_remote_signer_get_certificate (TekenSigner *signer)
{
  return TEKEN_REMOTE_SIGNER (signer)->certificate;
}

static gsize
teken_remote_signer_estimate_size (TekenSigner *signer)
{
  /* What the CA promises at most (§9.2), timestamp included. */
  return TEKEN_CA_MAX_CMS_SIZE;
}

static void
sign_digest_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GHashTable) signatures = NULL;
  GError *error = NULL;

  signatures = teken_remote_signer_sign_digests_finish (TEKEN_REMOTE_SIGNER (source), result, NULL, &error);
  if (signatures == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_bytes_ref (g_hash_table_lookup (signatures, "0")),
                         (GDestroyNotify) g_bytes_unref);
}

static void
teken_remote_signer_sign_digest_async (TekenSigner         *signer,
                                       GBytes              *digest,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  TekenRemoteSigner *self = TEKEN_REMOTE_SIGNER (signer);
  g_autoptr(GHashTable) digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_bytes_unref);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, teken_remote_signer_sign_digest_async);
  g_hash_table_insert (digests, g_strdup ("0"), g_bytes_ref (digest));
  teken_remote_signer_sign_digests_async (self, digests, cancellable, sign_digest_done_cb, task);
}

static GBytes *
teken_remote_signer_sign_digest_finish (TekenSigner   *signer,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
signer_iface_init (TekenSignerInterface *iface)
{
  iface->get_certificate = teken_remote_signer_get_certificate;
  iface->estimate_size = teken_remote_signer_estimate_size;
  iface->sign_digest_async = teken_remote_signer_sign_digest_async;
  iface->sign_digest_finish = teken_remote_signer_sign_digest_finish;
}

static void
teken_remote_signer_finalize (GObject *object)
{
  TekenRemoteSigner *self = TEKEN_REMOTE_SIGNER (object);

  g_clear_object (&self->client);
  g_free (self->nik);
  g_clear_pointer (&self->secret, teken_secret_unref);
  g_clear_pointer (&self->certificate, g_bytes_unref);
  g_clear_pointer (&self->chain, g_ptr_array_unref);
  g_free (self->level);

  G_OBJECT_CLASS (teken_remote_signer_parent_class)->finalize (object);
}

static void
teken_remote_signer_class_init (TekenRemoteSignerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = teken_remote_signer_finalize;
}

static void
teken_remote_signer_init (TekenRemoteSigner *self)
{
  self->level = g_strdup (TEKEN_CA_LEVEL_T);
}

/**
 * teken_remote_signer_new:
 * @client: the CA client, with client credentials or a holder session
 * @nik: the holder's NIK
 * @kind: what @secret is
 * @secret: (nullable): the passphrase or signing OTP; the signer keeps a
 *   reference. %NULL when it is asked later, at signing time: set it then
 *   with teken_remote_signer_set_credential()
 * @certificate: the holder's current certificate, DER
 *
 * For a caller that has the certificate already; otherwise use
 * teken_remote_signer_new_async().
 *
 * Returns: (transfer full): a new signer
 */
TekenRemoteSigner *
teken_remote_signer_new (TekenCaClient               *client,
                         const char                  *nik,
                         TekenRemoteSignerCredential  kind,
                         TekenSecret                 *secret,
                         GBytes                      *certificate)
{
  TekenRemoteSigner *self;

  g_return_val_if_fail (TEKEN_IS_CA_CLIENT (client), NULL);
  g_return_val_if_fail (nik != NULL, NULL);
  g_return_val_if_fail (certificate != NULL, NULL);

  self = g_object_new (TEKEN_TYPE_REMOTE_SIGNER, NULL);
  self->client = g_object_ref (client);
  self->nik = g_strdup (nik);
  self->kind = kind;
  self->secret = secret != NULL ? teken_secret_ref (secret) : NULL;
  self->certificate = g_bytes_ref (certificate);
  self->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (self->chain, g_bytes_ref (certificate));

  return self;
}

static void
return_signer (GTask     *task,
               GPtrArray *chain)
{
  NewData *data = g_task_get_task_data (task);
  TekenRemoteSigner *self = teken_remote_signer_new (data->client, data->nik, data->kind, data->secret,
                                                     g_ptr_array_index (chain, 0));

  g_clear_pointer (&self->chain, g_ptr_array_unref);
  self->chain = g_ptr_array_ref (chain);
  g_task_return_pointer (task, self, g_object_unref);
}

static void
chain_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) chain = NULL;
  GError *error = NULL;

  if (!(chain = teken_ca_client_get_chain_finish (TEKEN_CA_CLIENT (source), result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  return_signer (task, chain);
}

static void
certificate_fetched_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TekenCaCertificateInfo) info = NULL;
  g_autoptr(GTlsCertificate) tls = NULL;
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GError *error = NULL;

  if (!(info = teken_ca_client_get_certificate_finish (TEKEN_CA_CLIENT (source), result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  tls = info->pem != NULL ? g_tls_certificate_new_from_pem (info->pem, -1, NULL) : NULL;
  if (tls != NULL)
    g_object_get (tls, "certificate", &der, NULL);
  if (der == NULL || der->len == 0)
    {
      g_task_return_new_error (task, TEKEN_CA_ERROR, TEKEN_CA_ERROR_BAD_RESPONSE,
                               _("The CA server sent a certificate Teken cannot read. Check the server address; if it is right, report the problem."));
      return;
    }

  g_ptr_array_add (chain, g_bytes_new (der->data, der->len));
  return_signer (task, chain);
}

/**
 * teken_remote_signer_new_async:
 * @client: the CA client, with client credentials or a holder session
 * @nik: the holder's NIK
 * @kind: what @secret is
 * @secret: (nullable): the passphrase or signing OTP, as for
 *   teken_remote_signer_new()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the signer is ready
 * @user_data: data for @callback
 *
 * Fetches the holder's current certificate: by NIK (docs/api.md §7.2) with
 * client credentials, else the signed-in holder's (§7.3).
 */
void
teken_remote_signer_new_async (TekenCaClient               *client,
                               const char                  *nik,
                               TekenRemoteSignerCredential  kind,
                               TekenSecret                 *secret,
                               GCancellable                *cancellable,
                               GAsyncReadyCallback          callback,
                               gpointer                     user_data)
{
  GTask *task;
  NewData *data;

  g_return_if_fail (TEKEN_IS_CA_CLIENT (client));
  g_return_if_fail (nik != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_remote_signer_new_async);
  data = g_new0 (NewData, 1);
  data->client = g_object_ref (client);
  data->nik = g_strdup (nik);
  data->kind = kind;
  data->secret = secret != NULL ? teken_secret_ref (secret) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) new_data_free);

  if (teken_ca_client_has_client_credentials (client))
    teken_ca_client_get_chain_async (client, nik, cancellable, chain_fetched_cb, task);
  else
    teken_ca_client_get_certificate_async (client, "current", cancellable, certificate_fetched_cb, task);
}

/**
 * teken_remote_signer_new_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the signer, or %NULL with @error set
 */
TekenRemoteSigner *
teken_remote_signer_new_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * teken_remote_signer_set_credential:
 * @kind: what @secret is
 * @secret: (nullable): the passphrase or signing OTP; %NULL forgets it
 *
 * For a signer made before the holder typed the passphrase: the preview
 * needs the certificate, the CA needs the passphrase only to sign.
 */
void
teken_remote_signer_set_credential (TekenRemoteSigner           *self,
                                    TekenRemoteSignerCredential  kind,
                                    TekenSecret                 *secret)
{
  g_return_if_fail (TEKEN_IS_REMOTE_SIGNER (self));

  g_clear_pointer (&self->secret, teken_secret_unref);
  self->kind = kind;
  self->secret = secret != NULL ? teken_secret_ref (secret) : NULL;
}

const char *
teken_remote_signer_get_level (TekenRemoteSigner *self)
{
  g_return_val_if_fail (TEKEN_IS_REMOTE_SIGNER (self), NULL);

  return self->level;
}

/**
 * teken_remote_signer_set_level:
 * @self: a #TekenRemoteSigner
 * @level: %TEKEN_CA_LEVEL_B, %TEKEN_CA_LEVEL_T (the default) or
 *   %TEKEN_CA_LEVEL_LT
 */
void
teken_remote_signer_set_level (TekenRemoteSigner *self,
                               const char        *level)
{
  g_return_if_fail (TEKEN_IS_REMOTE_SIGNER (self));
  g_return_if_fail (level != NULL);

  g_free (self->level);
  self->level = g_strdup (level);
}

/**
 * teken_remote_signer_get_chain:
 * @self: a #TekenRemoteSigner
 *
 * Returns: (transfer none) (element-type GBytes): the holder's certificate
 *   and, when the CA sent them, its issuers, DER
 */
GPtrArray *
teken_remote_signer_get_chain (TekenRemoteSigner *self)
{
  g_return_val_if_fail (TEKEN_IS_REMOTE_SIGNER (self), NULL);

  return self->chain;
}

/**
 * teken_remote_signer_sign_digests_async:
 * @self: a #TekenRemoteSigner
 * @digests: (element-type utf8 GBytes): id → SHA-256 digest, 1–100 of
 *   them; ids of `A–Z a–z 0–9 _ . -`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the signatures
 * @user_data: data for @callback
 *
 * Signs several documents with one request and one passphrase check, all
 * or nothing (docs/api.md §9.2): how batch signing stays fast, since each
 * passphrase check costs the CA tens of milliseconds.
 */
void
teken_remote_signer_sign_digests_async (TekenRemoteSigner   *self,
                                        GHashTable          *digests,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TEKEN_IS_REMOTE_SIGNER (self));
  g_return_if_fail (digests != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_remote_signer_sign_digests_async);
  send_digests (self, digests, task);
}

/**
 * teken_remote_signer_sign_digests_finish:
 * @self: a #TekenRemoteSigner
 * @result: the result passed to the callback
 * @validation_data: (out) (optional) (transfer full) (nullable): revocation
 *   data for the document security store, at level LT
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type utf8 GBytes) (nullable): id → DER
 *   CMS SignedData, each checked to be over its digest, or %NULL with
 *   @error set
 */
GHashTable *
teken_remote_signer_sign_digests_finish (TekenRemoteSigner  *self,
                                         GAsyncResult       *result,
                                         JsonObject        **validation_data,
                                         GError            **error)
{
  GHashTable *signatures;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  signatures = g_task_propagate_pointer (G_TASK (result), error);
  if (signatures != NULL && validation_data != NULL)
    *validation_data = g_object_steal_data (G_OBJECT (result), "validation-data");

  return signatures;
}
