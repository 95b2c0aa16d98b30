/* teken-test-pki.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <openssl/pem.h>

#include "teken-test-pki.h"

char *
teken_test_pki_path (const char *file)
{
  const char *dir = g_getenv ("TEKEN_TEST_PKI");

  /* meson test sets it; run by hand, point it at build/tests/pki. */
  g_assert_nonnull (dir);

  return g_build_filename (dir, file, NULL);
}

X509 *
teken_test_load_certificate (const char *file)
{
  g_autofree char *path = teken_test_pki_path (file);
  BIO *bio = BIO_new_file (path, "r");
  X509 *certificate;

  g_assert_nonnull (bio);
  certificate = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  g_assert_nonnull (certificate);

  return certificate;
}

EVP_PKEY *
teken_test_load_key (const char *file)
{
  g_autofree char *path = teken_test_pki_path (file);
  BIO *bio = BIO_new_file (path, "r");
  EVP_PKEY *key;

  g_assert_nonnull (bio);
  key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  BIO_free (bio);
  g_assert_nonnull (key);

  return key;
}

/* A holder's NAME.pem, as teken-test-pki.sh names them. */
X509 *
teken_test_load_holder_certificate (const char *holder)
{
  g_autofree char *file = g_strconcat (holder, ".pem", NULL);

  return teken_test_load_certificate (file);
}

/* A holder's NAME.key. */
EVP_PKEY *
teken_test_load_holder_key (const char *holder)
{
  g_autofree char *file = g_strconcat (holder, ".key", NULL);

  return teken_test_load_key (file);
}
