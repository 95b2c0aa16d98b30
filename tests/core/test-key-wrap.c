/* test-key-wrap.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <string.h>

#include "teken-key-wrap-private.h"

#define PASSPHRASE "Rahasia#2026"
#define HEADER_LENGTH 35
#define TAG_LENGTH 16

/* Not a real key: the module does not look inside what it wraps. */
static GBytes *
make_plaintext (gsize length)
{
  guchar *data = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    data[i] = (guchar) (i * 37 + 11);

  return g_bytes_new_take (data, length);
}

static void
test_round_trip (void)
{
  g_autoptr(TekenSecret) passphrase = teken_secret_new (PASSPHRASE, -1);
  g_autoptr(GBytes) plaintext = make_plaintext (1218);
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) unwrapped = NULL;
  g_autoptr(GError) error = NULL;
  const guchar *blob;
  gsize length;

  wrapped = teken_key_wrap (plaintext, passphrase, &error);
  g_assert_no_error (error);

  /* The format teken-ca stores: magic, the §14 scrypt cost, salt, nonce,
   * ciphertext as long as the plaintext, tag. */
  blob = g_bytes_get_data (wrapped, &length);
  g_assert_cmpuint (length, ==, HEADER_LENGTH + 1218 + TAG_LENGTH);
  g_assert_cmpmem (blob, 4, "TKW1", 4);
  g_assert_cmpuint (blob[4], ==, 15);
  g_assert_cmpuint (blob[5], ==, 8);
  g_assert_cmpuint (blob[6], ==, 1);
  g_assert_true (memcmp (blob + HEADER_LENGTH, g_bytes_get_data (plaintext, NULL), 1218) != 0);

  unwrapped = teken_key_unwrap (wrapped, passphrase, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (unwrapped, plaintext));
}

static void
test_empty_plaintext (void)
{
  g_autoptr(TekenSecret) passphrase = teken_secret_new ("", -1);
  g_autoptr(GBytes) plaintext = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) unwrapped = NULL;
  g_autoptr(GError) error = NULL;

  wrapped = teken_key_wrap_with_params (plaintext, passphrase, 4, 8, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (wrapped), ==, HEADER_LENGTH + TAG_LENGTH);

  unwrapped = teken_key_unwrap (wrapped, passphrase, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (unwrapped), ==, 0);
}

static void
test_wrong_passphrase (void)
{
  g_autoptr(TekenSecret) passphrase = teken_secret_new (PASSPHRASE, -1);
  g_autoptr(TekenSecret) wrong = teken_secret_new ("Rahasia#2027", -1);
  g_autoptr(TekenSecret) prefix = teken_secret_new (PASSPHRASE, 11);
  g_autoptr(GBytes) plaintext = make_plaintext (64);
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) unwrapped = NULL;
  g_autoptr(GError) error = NULL;

  wrapped = teken_key_wrap (plaintext, passphrase, &error);
  g_assert_no_error (error);

  unwrapped = teken_key_unwrap (wrapped, wrong, &error);
  g_assert_error (error, TEKEN_KEY_WRAP_ERROR, TEKEN_KEY_WRAP_ERROR_WRONG_PASSPHRASE);
  g_assert_null (unwrapped);
  g_assert_null (strstr (error->message, "Rahasia"));
  g_assert_null (strstr (error->message, "2027"));
  g_assert_null (strstr (error->message, "2026"));
  g_clear_error (&error);

  unwrapped = teken_key_unwrap (wrapped, prefix, &error);
  g_assert_error (error, TEKEN_KEY_WRAP_ERROR, TEKEN_KEY_WRAP_ERROR_WRONG_PASSPHRASE);
  g_assert_null (unwrapped);
}

static void
assert_refused (GBytes      *blob,
                TekenSecret *passphrase)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) unwrapped = teken_key_unwrap (blob, passphrase, &error);

  g_assert_null (unwrapped);
  g_assert_nonnull (error);
  g_assert_true (error->domain == TEKEN_KEY_WRAP_ERROR);
  g_assert_true (error->code == TEKEN_KEY_WRAP_ERROR_CORRUPT ||
                 error->code == TEKEN_KEY_WRAP_ERROR_WRONG_PASSPHRASE);
}

/* Cheap scrypt parameters, so that every truncation and every flipped bit
 * can be tried within a second or two. */
static void
test_damage (void)
{
  g_autoptr(TekenSecret) passphrase = teken_secret_new (PASSPHRASE, -1);
  g_autoptr(GBytes) plaintext = make_plaintext (48);
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GError) error = NULL;
  const guchar *blob;
  gsize length;
  g_autofree guchar *copy = NULL;

  wrapped = teken_key_wrap_with_params (plaintext, passphrase, 4, 8, 1, &error);
  g_assert_no_error (error);
  blob = g_bytes_get_data (wrapped, &length);

  for (gsize cut = 0; cut < length; cut++)
    {
      g_autoptr(GBytes) truncated = g_bytes_new (blob, cut);

      assert_refused (truncated, passphrase);
    }

  /* Truncations short of a header and a tag are not even worth a KDF. */
  {
    g_autoptr(GBytes) short_blob = g_bytes_new (blob, HEADER_LENGTH + TAG_LENGTH - 1);
    g_autoptr(GBytes) unwrapped = teken_key_unwrap (short_blob, passphrase, &error);

    g_assert_error (error, TEKEN_KEY_WRAP_ERROR, TEKEN_KEY_WRAP_ERROR_CORRUPT);
    g_assert_null (unwrapped);
    g_clear_error (&error);
  }

  copy = g_memdup2 (blob, length);
  for (gsize i = 0; i < length * 8; i++)
    {
      g_autoptr(GBytes) flipped = NULL;

      copy[i / 8] ^= 1u << (i % 8);
      flipped = g_bytes_new (copy, length);
      assert_refused (flipped, passphrase);
      copy[i / 8] ^= 1u << (i % 8);
    }

  /* Appending is damage too: the tag is the last 16 bytes. */
  {
    g_autofree guchar *longer = g_malloc (length + 1);
    g_autoptr(GBytes) extended = NULL;

    memcpy (longer, blob, length);
    longer[length] = 0;
    extended = g_bytes_new (longer, length + 1);
    assert_refused (extended, passphrase);
  }

  /* The copy is intact again. */
  {
    g_autoptr(GBytes) same = g_bytes_new (copy, length);
    g_autoptr(GBytes) unwrapped = teken_key_unwrap (same, passphrase, &error);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (unwrapped, plaintext));
  }
}

static void
test_wraps_differ (void)
{
  g_autoptr(TekenSecret) passphrase = teken_secret_new (PASSPHRASE, -1);
  g_autoptr(GBytes) plaintext = make_plaintext (64);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  const guchar *a;
  const guchar *b;

  first = teken_key_wrap_with_params (plaintext, passphrase, 4, 8, 1, &error);
  g_assert_no_error (error);
  second = teken_key_wrap_with_params (plaintext, passphrase, 4, 8, 1, &error);
  g_assert_no_error (error);

  a = g_bytes_get_data (first, NULL);
  b = g_bytes_get_data (second, NULL);
  g_assert_cmpmem (a, 7, b, 7);
  g_assert_true (memcmp (a + 7, b + 7, 16) != 0);          /* salt */
  g_assert_true (memcmp (a + 23, b + 23, 12) != 0);        /* nonce */
  g_assert_true (memcmp (a + HEADER_LENGTH, b + HEADER_LENGTH, 64) != 0);
}

static void
test_absurd_parameters (void)
{
  g_autoptr(TekenSecret) passphrase = teken_secret_new (PASSPHRASE, -1);
  g_autoptr(GBytes) plaintext = make_plaintext (64);
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GError) error = NULL;
  const struct { guchar log2_n, r, p; } absurd[] = {
    { 63, 8, 1 },      /* N = 2^63 */
    { 255, 8, 1 },
    { 30, 8, 1 },      /* 128 GiB */
    { 20, 32, 1 },     /* 4 GiB */
    { 15, 255, 1 },    /* r beyond the bound */
    { 15, 8, 255 },    /* p beyond the bound */
    { 18, 8, 16 },     /* fits in memory, but minutes of work */
    { 0, 8, 1 },       /* N = 1 is not scrypt */
    { 15, 0, 1 },
    { 15, 8, 0 },
  };
  const guchar *blob;
  gsize length;

  wrapped = teken_key_wrap_with_params (plaintext, passphrase, 4, 8, 1, &error);
  g_assert_no_error (error);
  blob = g_bytes_get_data (wrapped, &length);

  for (gsize i = 0; i < G_N_ELEMENTS (absurd); i++)
    {
      g_autofree guchar *copy = g_memdup2 (blob, length);
      g_autoptr(GBytes) forged = NULL;
      g_autoptr(GBytes) unwrapped = NULL;
      gint64 start;

      copy[4] = absurd[i].log2_n;
      copy[5] = absurd[i].r;
      copy[6] = absurd[i].p;
      forged = g_bytes_new (copy, length);

      start = g_get_monotonic_time ();
      unwrapped = teken_key_unwrap (forged, passphrase, &error);
      g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 10);
      g_assert_error (error, TEKEN_KEY_WRAP_ERROR, TEKEN_KEY_WRAP_ERROR_CORRUPT);
      g_assert_null (unwrapped);
      g_clear_error (&error);
    }
}

/* The format rebuilt from its description with OpenSSL alone, so that a
 * change to it cannot go unnoticed by the keys teken-ca has stored. */
static void
test_format (void)
{
  g_autoptr(TekenSecret) passphrase = teken_secret_new (PASSPHRASE, -1);
  guchar blob[HEADER_LENGTH + 5 + TAG_LENGTH] = "TKW1\x05\x08\x02";
  guchar key[32];
  EVP_CIPHER_CTX *ctx;
  int length = 0;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) unwrapped = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 7; i < HEADER_LENGTH; i++)
    blob[i] = (guchar) i;

  g_assert_cmpint (EVP_PBE_scrypt (PASSPHRASE, strlen (PASSPHRASE), blob + 7, 16,
                                   32, 8, 2, 0, key, sizeof key), ==, 1);

  ctx = EVP_CIPHER_CTX_new ();
  g_assert_cmpint (EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, blob + 23), ==, 1);
  g_assert_cmpint (EVP_EncryptUpdate (ctx, NULL, &length, blob, HEADER_LENGTH), ==, 1);
  g_assert_cmpint (EVP_EncryptUpdate (ctx, blob + HEADER_LENGTH, &length,
                                      (const guchar *) "kunci", 5), ==, 1);
  g_assert_cmpint (EVP_EncryptFinal_ex (ctx, blob + HEADER_LENGTH + 5, &length), ==, 1);
  g_assert_cmpint (EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, TAG_LENGTH,
                                        blob + HEADER_LENGTH + 5), ==, 1);
  EVP_CIPHER_CTX_free (ctx);

  wrapped = g_bytes_new (blob, sizeof blob);
  unwrapped = teken_key_unwrap (wrapped, passphrase, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (unwrapped, NULL), g_bytes_get_size (unwrapped), "kunci", 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/key-wrap/round-trip", test_round_trip);
  g_test_add_func ("/key-wrap/empty-plaintext", test_empty_plaintext);
  g_test_add_func ("/key-wrap/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/key-wrap/damage", test_damage);
  g_test_add_func ("/key-wrap/wraps-differ", test_wraps_differ);
  g_test_add_func ("/key-wrap/absurd-parameters", test_absurd_parameters);
  g_test_add_func ("/key-wrap/format", test_format);

  return g_test_run ();
}
