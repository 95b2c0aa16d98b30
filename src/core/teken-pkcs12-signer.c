/* teken-pkcs12-signer.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A signer whose key is in a PKCS#12 file (.p12, .pfx) on this machine: for
 * offline signing, for agencies that hand out soft tokens, and for tests.
 *
 * The file is opened once with the holder's password; the password is not
 * kept and no copy of it is made here (OpenSSL turns it into the BMPString
 * the key derivation needs and wipes that itself). The decrypted key lives
 * in the EVP_PKEY until the signer is finalized, and OpenSSL wipes it then.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/provider.h>

#include "teken-cms.h"
#include "teken-openssl-private.h"
#include "teken-pkcs12-signer.h"

struct _TekenPkcs12Signer
{
  GObject parent_instance;

  EVP_PKEY *key;
  X509 *certificate;
  STACK_OF (X509) *chain;
  GBytes *certificate_der;
  gsize estimated_size;
};

static void signer_iface_init (TekenSignerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TekenPkcs12Signer, teken_pkcs12_signer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEKEN_TYPE_SIGNER, signer_iface_init))

/* Files exported by OpenSSL 1.x and by older Windows and Java tools encrypt
 * the certificates with RC2 or single DES, which OpenSSL 3 keeps in its
 * legacy provider. Loading that provider into the default library context
 * would make MD4, RC4 and the like available to every other use of OpenSSL
 * in the process, the verifier included, so it goes into a private context
 * used only to open such files. Its keys keep the context alive, so it is
 * never freed. */
static OSSL_LIB_CTX *
get_legacy_libctx (void)
{
  static gsize initialized;
  static OSSL_LIB_CTX *libctx;

  if (g_once_init_enter (&initialized))
    {
      OSSL_LIB_CTX *candidate = OSSL_LIB_CTX_new ();

      if (candidate != NULL &&
          OSSL_PROVIDER_load (candidate, "default") != NULL &&
          OSSL_PROVIDER_load (candidate, "legacy") != NULL)
        {
          libctx = candidate;
        }
      else
        {
          teken_openssl_log_errors ("legacy provider");
          /* Freeing the context unloads what was loaded into it. */
          OSSL_LIB_CTX_free (candidate);
        }

      g_once_init_leave (&initialized, 1);
    }

  return libctx;
}

static PKCS12 *
decode_pkcs12 (GBytes       *contents,
               OSSL_LIB_CTX *libctx)
{
  const unsigned char *p;
  PKCS12 *p12 = NULL;
  gsize length;

  p = g_bytes_get_data (contents, &length);
  if (length == 0 || length > G_MAXLONG)
    return NULL;

  if (libctx != NULL)
    {
      p12 = PKCS12_init_ex (NID_pkcs7_data, libctx, NULL);
      if (p12 == NULL)
        return NULL;
    }

  /* On failure d2i frees what p12 pointed to. */
  return d2i_PKCS12 (&p12, &p, length);
}

/* PKCS12_parse() treats an empty password as "no password or the empty
 * one"; so does this. */
static gboolean
check_password (PKCS12     *p12,
                const char *password)
{
  gboolean ok;

  if (!PKCS12_mac_present (p12))
    return TRUE;

  if (*password != '\0')
    return PKCS12_verify_mac (p12, password, -1) == 1;

  ok = PKCS12_verify_mac (p12, NULL, 0) == 1 || PKCS12_verify_mac (p12, "", 0) == 1;
  /* The first try may fail and leave an error for a later call to trip on. */
  teken_openssl_log_errors ("PKCS12_verify_mac");

  return ok;
}

static gboolean
parse_pkcs12 (PKCS12           *p12,
              const char       *password,
              EVP_PKEY        **key,
              X509            **certificate,
              STACK_OF (X509) **chain)
{
  if (PKCS12_parse (p12, password, key, certificate, chain))
    return TRUE;

  teken_openssl_log_errors ("PKCS12_parse");

  return FALSE;
}

static void
sign_digest_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  TekenPkcs12Signer *self = source_object;
  GBytes *digest = task_data;
  GError *error = NULL;
  GBytes *cms;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* The signer's fields are set once at construction and only read here, so
   * several signatures may run at the same time. */
  cms = teken_cms_sign_digest (self->key, self->certificate, self->chain, digest, &error);
  if (cms == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cms, (GDestroyNotify) g_bytes_unref);
}

static GBytes *
teken_pkcs12_signer_get_certificate (TekenSigner *signer)
{
  TekenPkcs12Signer *self = TEKEN_PKCS12_SIGNER (signer);

  return self->certificate_der;
}

static gsize
teken_pkcs12_signer_estimate_size (TekenSigner *signer)
{
  TekenPkcs12Signer *self = TEKEN_PKCS12_SIGNER (signer);

  return self->estimated_size;
}

static void
teken_pkcs12_signer_sign_digest_async (TekenSigner         *signer,
                                       GBytes              *digest,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (signer, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_pkcs12_signer_sign_digest_async);
  g_task_set_task_data (task, g_bytes_ref (digest), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, sign_digest_thread);
}

static GBytes *
teken_pkcs12_signer_sign_digest_finish (TekenSigner   *signer,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
signer_iface_init (TekenSignerInterface *iface)
{
  iface->get_certificate = teken_pkcs12_signer_get_certificate;
  iface->estimate_size = teken_pkcs12_signer_estimate_size;
  iface->sign_digest_async = teken_pkcs12_signer_sign_digest_async;
  iface->sign_digest_finish = teken_pkcs12_signer_sign_digest_finish;
}

static void
teken_pkcs12_signer_finalize (GObject *object)
{
  TekenPkcs12Signer *self = TEKEN_PKCS12_SIGNER (object);

  EVP_PKEY_free (self->key);
  X509_free (self->certificate);
  sk_X509_pop_free (self->chain, X509_free);
  g_clear_pointer (&self->certificate_der, g_bytes_unref);

  G_OBJECT_CLASS (teken_pkcs12_signer_parent_class)->finalize (object);
}

static void
teken_pkcs12_signer_class_init (TekenPkcs12SignerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = teken_pkcs12_signer_finalize;
}

static void
teken_pkcs12_signer_init (TekenPkcs12Signer *self)
{
}

/**
 * teken_pkcs12_signer_new_from_file:
 * @path: a PKCS#12 file (.p12, .pfx)
 * @password: (nullable): the password of the file; %NULL for none
 * @error: return location for a #GError in %TEKEN_SIGNER_ERROR
 *
 * Opens the file and decrypts its key. Fails with
 * %TEKEN_SIGNER_ERROR_WRONG_PASSWORD when the password is wrong,
 * %TEKEN_SIGNER_ERROR_INVALID_FILE when the file cannot be read or holds no
 * certificate, %TEKEN_SIGNER_ERROR_NO_KEY when it holds no private key and
 * %TEKEN_SIGNER_ERROR_CERTIFICATE_MISMATCH when the key and the certificate
 * do not belong together.
 *
 * The key derivation takes a noticeable moment; call this from a worker
 * thread in an application.
 *
 * Returns: (transfer full): a new signer, or %NULL with @error set
 */
TekenPkcs12Signer *
teken_pkcs12_signer_new_from_file (const char   *path,
                                   TekenSecret  *password,
                                   GError      **error)
{
  g_autoptr(TekenPkcs12Signer) self = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PKCS12) p12 = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509) certificate = NULL;
  g_autoptr(TekenX509Stack) chain = NULL;
  const char *password_text;
  OSSL_LIB_CTX *legacy_libctx;
  unsigned char *der = NULL;
  int der_length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  password_text = password != NULL ? teken_secret_get_text (password) : "";

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_FILE,
                   _("The certificate file could not be opened (%s). Choose the file again."),
                   local_error->message);
      return NULL;
    }
  contents = g_mapped_file_get_bytes (file);

  p12 = decode_pkcs12 (contents, NULL);
  if (p12 == NULL)
    {
      teken_openssl_log_errors ("d2i_PKCS12");
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_FILE,
                           _("This file is not a certificate file. Choose the .p12 or .pfx file that holds your certificate and its private key."));
      return NULL;
    }

  if (!check_password (p12, password_text))
    {
      teken_openssl_log_errors ("PKCS12_verify_mac");
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_WRONG_PASSWORD,
                           _("The password of the certificate file is wrong. Check it and try again."));
      return NULL;
    }

  if (!parse_pkcs12 (p12, password_text, &key, &certificate, &chain))
    {
      /* The password is right (the MAC matched), so the likely cause is an
       * old cipher; try again with the legacy provider. */
      legacy_libctx = get_legacy_libctx ();
      if (legacy_libctx != NULL)
        {
          g_clear_pointer (&key, EVP_PKEY_free);
          g_clear_pointer (&certificate, X509_free);
          g_clear_pointer (&chain, teken_x509_stack_free);
          g_clear_pointer (&p12, PKCS12_free);
          p12 = decode_pkcs12 (contents, legacy_libctx);
        }

      if (p12 == NULL || legacy_libctx == NULL ||
          !parse_pkcs12 (p12, password_text, &key, &certificate, &chain))
        {
          /* Without a MAC, a wrong password only shows here. */
          g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_FILE,
                               _("The certificate file could not be opened. Check the password; if it is right, the file is damaged or uses an encryption Teken does not support, so export it again."));
          return NULL;
        }
    }

  if (key == NULL)
    {
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_NO_KEY,
                           _("The certificate file holds no private key, so it cannot sign. Export the certificate again together with its private key."));
      return NULL;
    }

  /* PKCS12_parse() only returns a certificate that matches the key; the
   * others end up in the chain. */
  if (certificate == NULL && sk_X509_num (chain) > 0)
    {
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_CERTIFICATE_MISMATCH,
                           _("The private key does not belong to the certificate. Use the certificate file your certificate authority gave you."));
      return NULL;
    }

  if (certificate == NULL)
    {
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_FILE,
                           _("The certificate file holds no certificate. Export it again together with its certificate."));
      return NULL;
    }

  if (!teken_cms_check_signing_key (key, certificate, error))
    return NULL;

  der_length = i2d_X509 (certificate, &der);
  if (der_length <= 0)
    {
      teken_openssl_log_errors ("i2d_X509");
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_FILE,
                           _("The certificate file holds no certificate. Export it again together with its certificate."));
      return NULL;
    }

  self = g_object_new (TEKEN_TYPE_PKCS12_SIGNER, NULL);
  self->certificate_der = g_bytes_new (der, der_length);
  OPENSSL_free (der);
  self->key = g_steal_pointer (&key);
  self->certificate = g_steal_pointer (&certificate);
  self->chain = chain != NULL ? g_steal_pointer (&chain) : sk_X509_new_null ();
  self->estimated_size = teken_cms_estimate_size (self->certificate, self->chain);

  return g_steal_pointer (&self);
}
