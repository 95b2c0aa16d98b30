/* teken-key-wrap.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A holder's private key at rest, encrypted under a key derived from their
 * passphrase, so that whoever holds the file (teken-ca included) cannot sign
 * without the holder typing it.
 *
 * The blob describes itself, so that the scrypt cost can be raised later
 * without breaking the keys already stored:
 *
 *   "TKW1" | log2 N (1) | r (1) | p (1) | salt (16) | nonce (12)
 *          | AES-256-GCM ciphertext | tag (16)
 *
 * The 35-byte header is the GCM additional data: lowering the stored cost or
 * swapping the salt fails the tag just like a wrong passphrase. GCM cannot
 * tell a wrong passphrase from a damaged ciphertext; both fail the tag and
 * are reported as a wrong passphrase, which is by far the likelier cause.
 *
 * Unwrapping runs scrypt with the parameters the blob names, so they are
 * bounded first: otherwise a crafted blob could ask for gigabytes of memory
 * or minutes of work per attempt.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <string.h>

#include "teken-key-wrap-private.h"
#include "teken-openssl-private.h"

#define MAGIC        "TKW1"
#define MAGIC_LENGTH 4
#define SALT_LENGTH  16
#define NONCE_LENGTH 12
#define TAG_LENGTH   16
#define KEY_LENGTH   32
#define SALT_OFFSET  (MAGIC_LENGTH + 3)
#define NONCE_OFFSET (SALT_OFFSET + SALT_LENGTH)
#define HEADER_LENGTH (NONCE_OFFSET + NONCE_LENGTH)

/* Bounds on what a stored blob may ask for. scrypt needs 128·r·N bytes and
 * about N·r·p units of work; the defaults (2^15, 8, 1) take 32 MiB and 2^18.
 * The limits leave room to raise the cost eightfold while keeping a forged
 * blob from taking more than a few hundred milliseconds or 256 MiB. */
#define MAX_LOG2_N   20
#define MAX_R        32
#define MAX_P        16
#define MAX_MEMORY   (G_GUINT64_CONSTANT (256) * 1024 * 1024)
#define MAX_WORK     (G_GUINT64_CONSTANT (1) << 21)

G_DEFINE_QUARK (teken-key-wrap-error-quark, teken_key_wrap_error)

/* The plaintext key handed out by teken_key_unwrap(): one allocation that
 * knows its own length, so the GBytes free function can wipe all of it. */
typedef struct
{
  gsize length;
  guchar data[];
} WipedBuffer;

static WipedBuffer *
wiped_buffer_new (gsize length)
{
  WipedBuffer *buffer = g_malloc (sizeof *buffer + length);

  buffer->length = length;

  return buffer;
}

static void
wiped_buffer_free (gpointer data)
{
  WipedBuffer *buffer = data;

  OPENSSL_cleanse (buffer, sizeof *buffer + buffer->length);
  g_free (buffer);
}

static void
set_failed_error (GError     **error,
                  const char  *context)
{
  teken_openssl_log_errors (context);
  g_set_error_literal (error, TEKEN_KEY_WRAP_ERROR, TEKEN_KEY_WRAP_ERROR_FAILED,
                       _("The key could not be protected or opened because of an internal error. Try again; if it keeps failing, report the problem."));
}

static void
set_corrupt_error (GError **error)
{
  g_set_error_literal (error, TEKEN_KEY_WRAP_ERROR, TEKEN_KEY_WRAP_ERROR_CORRUPT,
                       _("The stored key is damaged or not in a known format, so it cannot be used. Reset the passphrase to make a new key."));
}

static gboolean
params_are_sane (guint log2_n,
                 guint r,
                 guint p)
{
  guint64 n;

  /* scrypt itself needs N > 1. */
  if (log2_n < 1 || log2_n > MAX_LOG2_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P)
    return FALSE;

  n = G_GUINT64_CONSTANT (1) << log2_n;

  return 128 * r * n <= MAX_MEMORY && n * r * p <= MAX_WORK;
}

static gboolean
derive_key (TekenSecret  *passphrase,
            const guchar *salt,
            guint         log2_n,
            guint         r,
            guint         p,
            guchar        key[KEY_LENGTH])
{
  EVP_KDF *kdf;
  EVP_KDF_CTX *ctx;
  OSSL_PARAM params[7];
  uint64_t n = G_GUINT64_CONSTANT (1) << log2_n;
  uint32_t r32 = r;
  uint32_t p32 = p;
  /* What OpenSSL's scrypt allocates (the V array and the p blocks), plus
   * slack; its default limit of 32 MiB refuses even the default cost. */
  uint64_t maxmem = 128 * (uint64_t) r * (n + 2) + 128 * (uint64_t) r * p + 1024 * 1024;
  gboolean ok;

  kdf = EVP_KDF_fetch (NULL, OSSL_KDF_NAME_SCRYPT, NULL);
  if (kdf == NULL)
    return FALSE;
  ctx = EVP_KDF_CTX_new (kdf);
  EVP_KDF_free (kdf);
  if (ctx == NULL)
    return FALSE;

  params[0] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_PASSWORD,
                                                 (char *) teken_secret_get_text (passphrase),
                                                 teken_secret_get_length (passphrase));
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (void *) salt, SALT_LENGTH);
  params[2] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_N, &n);
  params[3] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_R, &r32);
  params[4] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_P, &p32);
  params[5] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
  params[6] = OSSL_PARAM_construct_end ();

  ok = EVP_KDF_derive (ctx, key, KEY_LENGTH, params) == 1;
  /* The context holds a copy of the passphrase; freeing it wipes the copy. */
  EVP_KDF_CTX_free (ctx);

  if (!ok)
    OPENSSL_cleanse (key, KEY_LENGTH);

  return ok;
}

/* Encrypts or decrypts @length bytes of @in into @out (which has room for
 * them) with AES-256-GCM, authenticating @header; @tag is written when
 * encrypting and checked when decrypting. */
typedef enum
{
  GCM_OK,
  GCM_FAILED,
  GCM_TAG_MISMATCH,
} GcmResult;

static GcmResult
run_gcm (gboolean      encrypt,
         const guchar  key[KEY_LENGTH],
         const guchar *nonce,
         const guchar *header,
         const guchar *in,
         gsize         length,
         guchar       *out,
         guchar        tag[TAG_LENGTH])
{
  EVP_CIPHER *cipher;
  EVP_CIPHER_CTX *ctx;
  GcmResult result = GCM_FAILED;
  int written = 0;
  int final = 0;

  if (length > G_MAXINT)
    return GCM_FAILED;

  cipher = EVP_CIPHER_fetch (NULL, "AES-256-GCM", NULL);
  ctx = EVP_CIPHER_CTX_new ();
  if (cipher == NULL || ctx == NULL)
    goto out;

  if (EVP_CipherInit_ex2 (ctx, cipher, NULL, NULL, encrypt, NULL) != 1 ||
      EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LENGTH, NULL) != 1 ||
      EVP_CipherInit_ex2 (ctx, NULL, key, nonce, encrypt, NULL) != 1 ||
      EVP_CipherUpdate (ctx, NULL, &written, header, HEADER_LENGTH) != 1)
    goto out;

  if (length > 0 && EVP_CipherUpdate (ctx, out, &written, in, (int) length) != 1)
    goto out;

  if (encrypt)
    {
      if (EVP_CipherFinal_ex (ctx, out + written, &final) != 1 ||
          EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, TAG_LENGTH, tag) != 1)
        goto out;
    }
  else
    {
      if (EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, TAG_LENGTH, tag) != 1)
        goto out;
      if (EVP_CipherFinal_ex (ctx, out + written, &final) != 1)
        {
          /* The tag did not match: not an internal error, so leave
           * nothing in the error queue for a later call to report. */
          ERR_clear_error ();
          result = GCM_TAG_MISMATCH;
          goto out;
        }
    }

  result = GCM_OK;

out:
  /* Freeing the context wipes the expanded key schedule. */
  EVP_CIPHER_CTX_free (ctx);
  EVP_CIPHER_free (cipher);

  return result;
}

/**
 * teken_key_wrap_with_params:
 * @plaintext: the key to protect, typically PKCS#8 DER
 * @passphrase: the holder's passphrase
 * @log2_n: log2 of scrypt's N
 * @r: scrypt's block size
 * @p: scrypt's parallelism
 * @error: return location for a #TEKEN_KEY_WRAP_ERROR
 *
 * Returns: (transfer full): the blob, or %NULL with @error set
 */
GBytes *
teken_key_wrap_with_params (GBytes       *plaintext,
                            TekenSecret  *passphrase,
                            guint         log2_n,
                            guint         r,
                            guint         p,
                            GError      **error)
{
  guchar key[KEY_LENGTH];
  const guchar *in;
  gsize length;
  guchar *blob;
  gsize blob_length;
  GcmResult result;

  g_return_val_if_fail (plaintext != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (params_are_sane (log2_n, r, p), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  in = g_bytes_get_data (plaintext, &length);
  if (length > G_MAXINT - HEADER_LENGTH - TAG_LENGTH)
    {
      set_failed_error (error, "key too large");
      return NULL;
    }

  blob_length = HEADER_LENGTH + length + TAG_LENGTH;
  blob = g_malloc (blob_length);
  memcpy (blob, MAGIC, MAGIC_LENGTH);
  blob[MAGIC_LENGTH] = log2_n;
  blob[MAGIC_LENGTH + 1] = r;
  blob[MAGIC_LENGTH + 2] = p;

  /* A fresh salt and nonce each time: the same key wrapped twice under the
   * same passphrase gives unrelated blobs, and a nonce never repeats under
   * one derived key. */
  if (RAND_bytes (blob + SALT_OFFSET, SALT_LENGTH + NONCE_LENGTH) != 1)
    {
      g_free (blob);
      set_failed_error (error, "RAND_bytes");
      return NULL;
    }

  if (!derive_key (passphrase, blob + SALT_OFFSET, log2_n, r, p, key))
    {
      g_free (blob);
      set_failed_error (error, "scrypt");
      return NULL;
    }

  result = run_gcm (TRUE, key, blob + NONCE_OFFSET, blob, in, length,
                    blob + HEADER_LENGTH, blob + HEADER_LENGTH + length);
  OPENSSL_cleanse (key, sizeof key);

  if (result != GCM_OK)
    {
      g_free (blob);
      set_failed_error (error, "AES-256-GCM encrypt");
      return NULL;
    }

  return g_bytes_new_take (blob, blob_length);
}

/**
 * teken_key_wrap:
 * @plaintext: the key to protect, typically PKCS#8 DER
 * @passphrase: the holder's passphrase
 * @error: return location for a #TEKEN_KEY_WRAP_ERROR
 *
 * Encrypts @plaintext under a key derived from @passphrase with scrypt
 * (N = 2^15, r = 8, p = 1) and a random salt, with AES-256-GCM. The result
 * holds everything teken_key_unwrap() needs besides the passphrase.
 *
 * Returns: (transfer full): the blob, or %NULL with @error set
 */
GBytes *
teken_key_wrap (GBytes       *plaintext,
                TekenSecret  *passphrase,
                GError      **error)
{
  return teken_key_wrap_with_params (plaintext, passphrase,
                                     TEKEN_KEY_WRAP_LOG2_N,
                                     TEKEN_KEY_WRAP_R,
                                     TEKEN_KEY_WRAP_P,
                                     error);
}

/**
 * teken_key_unwrap:
 * @wrapped: a blob made by teken_key_wrap()
 * @passphrase: the holder's passphrase
 * @error: return location for a #TEKEN_KEY_WRAP_ERROR
 *
 * Fails with %TEKEN_KEY_WRAP_ERROR_WRONG_PASSPHRASE when the tag does not
 * match, and with %TEKEN_KEY_WRAP_ERROR_CORRUPT when @wrapped is not a blob
 * or names scrypt parameters beyond the accepted bounds.
 *
 * Returns: (transfer full): the plaintext, in memory that is wiped when the
 *   last reference goes, or %NULL with @error set
 */
GBytes *
teken_key_unwrap (GBytes       *wrapped,
                  TekenSecret  *passphrase,
                  GError      **error)
{
  guchar key[KEY_LENGTH];
  guchar tag[TAG_LENGTH];
  const guchar *blob;
  gsize blob_length;
  gsize length;
  WipedBuffer *plaintext;
  GcmResult result;

  g_return_val_if_fail (wrapped != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  blob = g_bytes_get_data (wrapped, &blob_length);
  if (blob_length < HEADER_LENGTH + TAG_LENGTH ||
      blob_length - HEADER_LENGTH - TAG_LENGTH > G_MAXINT ||
      memcmp (blob, MAGIC, MAGIC_LENGTH) != 0)
    {
      set_corrupt_error (error);
      return NULL;
    }

  if (!params_are_sane (blob[MAGIC_LENGTH], blob[MAGIC_LENGTH + 1], blob[MAGIC_LENGTH + 2]))
    {
      g_debug ("Refusing a wrapped key with scrypt parameters 2^%u, %u, %u",
               blob[MAGIC_LENGTH], blob[MAGIC_LENGTH + 1], blob[MAGIC_LENGTH + 2]);
      set_corrupt_error (error);
      return NULL;
    }

  if (!derive_key (passphrase, blob + SALT_OFFSET, blob[MAGIC_LENGTH],
                   blob[MAGIC_LENGTH + 1], blob[MAGIC_LENGTH + 2], key))
    {
      set_failed_error (error, "scrypt");
      return NULL;
    }

  length = blob_length - HEADER_LENGTH - TAG_LENGTH;
  /* OpenSSL wants a writable tag buffer even when only checking it. */
  memcpy (tag, blob + HEADER_LENGTH + length, TAG_LENGTH);
  plaintext = wiped_buffer_new (length);

  result = run_gcm (FALSE, key, blob + NONCE_OFFSET, blob, blob + HEADER_LENGTH,
                    length, plaintext->data, tag);
  OPENSSL_cleanse (key, sizeof key);

  switch (result)
    {
    case GCM_OK:
      return g_bytes_new_with_free_func (plaintext->data, length,
                                         wiped_buffer_free, plaintext);

    case GCM_TAG_MISMATCH:
      wiped_buffer_free (plaintext);
      g_set_error_literal (error, TEKEN_KEY_WRAP_ERROR, TEKEN_KEY_WRAP_ERROR_WRONG_PASSPHRASE,
                           _("The passphrase is wrong. Check it and try again."));
      return NULL;

    case GCM_FAILED:
    default:
      wiped_buffer_free (plaintext);
      set_failed_error (error, "AES-256-GCM decrypt");
      return NULL;
    }
}
