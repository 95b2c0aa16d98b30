/* teken-ca-auth.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The secrets of holders' sign-in, as docs/api.md §14 stores them: account
 * passwords as scrypt hashes in PHC form, tokens as their SHA-256 only, and
 * TOTP secrets (which the server must read back to compute codes) sealed
 * with AES-256-GCM under the server key DIR/keys/server.key. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "teken-ca-auth.h"
#include "teken-ca-store.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_CIPHER_CTX, EVP_CIPHER_CTX_free)

/* scrypt N = 2^15, r = 8, p = 1; OpenSSL's default memory cap of 32 MiB is
 * just too small for these, hence maxmem. */
#define SCRYPT_LOG_N 15
#define SCRYPT_R 8
#define SCRYPT_P 1
#define SCRYPT_MAXMEM (64 * 1024 * 1024)
#define SALT_SIZE 16
#define HASH_SIZE 32
#define NONCE_SIZE 12
#define TAG_SIZE 16

static gboolean
derive (const TekenSecret *password,
        const guint8      *salt,
        gsize              salt_length,
        guint              log_n,
        guint              r,
        guint              p,
        guint8             out[HASH_SIZE])
{
  return EVP_PBE_scrypt (teken_secret_get_text (password), teken_secret_get_length (password),
                         salt, salt_length, (guint64) 1 << log_n, r, p, SCRYPT_MAXMEM,
                         out, HASH_SIZE) == 1;
}

/* Unpadded standard base64, as PHC strings write it. */
static char *
encode_phc (const guint8 *data,
            gsize         length)
{
  char *text = g_base64_encode (data, length);
  char *pad = strchr (text, '=');

  if (pad != NULL)
    *pad = '\0';
  return text;
}

static guint8 *
decode_phc (const char *text,
            gsize      *length)
{
  gsize n = strlen (text);
  g_autofree char *padded = g_strnfill (n + (4 - n % 4) % 4, '=');

  memcpy (padded, text, n);
  return g_base64_decode (padded, length);
}

/**
 * teken_ca_password_hash:
 *
 * Returns: (transfer full): `$scrypt$ln=15,r=8,p=1$<salt>$<hash>`
 */
char *
teken_ca_password_hash (const TekenSecret  *password,
                        GError            **error)
{
  guint8 salt[SALT_SIZE];
  guint8 hash[HASH_SIZE];
  g_autofree char *salt_text = NULL;
  g_autofree char *hash_text = NULL;

  if (RAND_bytes (salt, sizeof salt) != 1 ||
      !derive (password, salt, sizeof salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, hash))
    {
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_PKI, _("The password could not be hashed."));
      return NULL;
    }
  salt_text = encode_phc (salt, sizeof salt);
  hash_text = encode_phc (hash, sizeof hash);
  OPENSSL_cleanse (hash, sizeof hash);
  return g_strdup_printf ("$scrypt$ln=%d,r=%d,p=%d$%s$%s", SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P,
                          salt_text, hash_text);
}

/* Compares in constant time; the cost parameters come from @stored, so that
 * they can be raised later without invalidating older hashes. */
gboolean
teken_ca_password_verify (const TekenSecret *password,
                          const char        *stored)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  guint8 hash[HASH_SIZE];
  gsize salt_length = 0;
  gsize expected_length = 0;
  guint log_n = 0, r = 0, p = 0;
  gboolean ok;

  if (stored == NULL)
    return FALSE;
  parts = g_strsplit (stored, "$", -1);
  if (g_strv_length (parts) != 5 || !g_str_equal (parts[1], "scrypt") ||
      sscanf (parts[2], "ln=%u,r=%u,p=%u", &log_n, &r, &p) != 3 ||
      log_n < 10 || log_n > 20 || r == 0 || r > 16 || p == 0 || p > 4)
    return FALSE;
  salt = decode_phc (parts[3], &salt_length);
  expected = decode_phc (parts[4], &expected_length);
  if (expected_length != HASH_SIZE || !derive (password, salt, salt_length, log_n, r, p, hash))
    return FALSE;
  ok = CRYPTO_memcmp (hash, expected, HASH_SIZE) == 0;
  OPENSSL_cleanse (hash, sizeof hash);
  return ok;
}

/* Returns: (transfer full): 256 random bits, base64url without padding (§2.3) */
char *
teken_ca_token_new (void)
{
  guint8 random[32];
  char *text;

  if (RAND_bytes (random, sizeof random) != 1)
    g_error ("no random bytes");
  text = encode_phc (random, sizeof random);
  OPENSSL_cleanse (random, sizeof random);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  return text;
}

/* Returns: (transfer full): the lower-case hex SHA-256 that the database keeps */
char *
teken_ca_token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* Returns: (transfer full): @prefix and 26 random base32 characters (§2.5) */
char *
teken_ca_random_id (const char *prefix)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  GString *id = g_string_new (prefix);
  guint8 random[26];

  if (RAND_bytes (random, sizeof random) != 1)
    g_error ("no random bytes");
  for (gsize i = 0; i < sizeof random; i++)
    g_string_append_c (id, alphabet[random[i] % 32]);
  return g_string_free (id, FALSE);
}

/**
 * teken_ca_server_key_load:
 *
 * Reads DIR/keys/server.key, making it (mode 0600) when a data directory
 * from before it existed has none.
 */
GBytes *
teken_ca_server_key_load (const char  *data_dir,
                          GError     **error)
{
  g_autofree char *path = g_build_filename (data_dir, "keys", "server.key", NULL);
  g_autofree char *data = NULL;
  guint8 key[TEKEN_CA_SERVER_KEY_SIZE];
  gsize length = 0;
  int fd;

  if (g_file_get_contents (path, &data, &length, NULL))
    {
      if (length != TEKEN_CA_SERVER_KEY_SIZE)
        {
          g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_DATA_DIR,
                       _("“%s” is damaged. Restore it from a backup."), path);
          return NULL;
        }
      return g_bytes_new_take (g_steal_pointer (&data), length);
    }

  if (RAND_bytes (key, sizeof key) != 1 ||
      (fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
    {
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_DATA_DIR,
                   _("“%s” could not be created (%s)."), path, g_strerror (errno));
      return NULL;
    }
  if (write (fd, key, sizeof key) != (gssize) sizeof key || fsync (fd) != 0)
    {
      close (fd);
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_DATA_DIR,
                   _("“%s” could not be created (%s)."), path, g_strerror (errno));
      return NULL;
    }
  close (fd);
  return g_bytes_new (key, sizeof key);
}

/* nonce ‖ ciphertext ‖ tag */
GBytes *
teken_ca_seal (GBytes      *server_key,
               const char  *plain,
               GError     **error)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  gsize length = strlen (plain);
  guint8 *out = g_malloc (NONCE_SIZE + length + TAG_SIZE);
  int n = 0;

  if (ctx == NULL || RAND_bytes (out, NONCE_SIZE) != 1 ||
      !EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, g_bytes_get_data (server_key, NULL), out) ||
      !EVP_EncryptUpdate (ctx, out + NONCE_SIZE, &n, (const guint8 *) plain, (int) length) ||
      !EVP_EncryptFinal_ex (ctx, out + NONCE_SIZE + n, &n) ||
      !EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, TAG_SIZE, out + NONCE_SIZE + length))
    {
      g_free (out);
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_PKI, _("A secret could not be encrypted."));
      return NULL;
    }
  return g_bytes_new_take (out, NONCE_SIZE + length + TAG_SIZE);
}

/* Returns: (transfer full) (nullable): the secret, or %NULL when @sealed
 *   was not made with this key */
char *
teken_ca_unseal (GBytes *server_key,
                 GBytes *sealed)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  gsize size = 0;
  const guint8 *in = sealed != NULL ? g_bytes_get_data (sealed, &size) : NULL;
  gsize length;
  char *plain;
  int n = 0;

  if (in == NULL || size < NONCE_SIZE + TAG_SIZE || ctx == NULL)
    return NULL;
  length = size - NONCE_SIZE - TAG_SIZE;
  plain = g_malloc0 (length + 1);
  if (!EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, g_bytes_get_data (server_key, NULL), in) ||
      !EVP_DecryptUpdate (ctx, (guint8 *) plain, &n, in + NONCE_SIZE, (int) length) ||
      !EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, TAG_SIZE, (void *) (in + NONCE_SIZE + length)) ||
      EVP_DecryptFinal_ex (ctx, (guint8 *) plain + n, &n) <= 0)
    {
      OPENSSL_cleanse (plain, length);
      g_free (plain);
      return NULL;
    }
  return plain;
}
