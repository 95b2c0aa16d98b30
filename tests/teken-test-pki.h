/* teken-test-pki.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

/* The test PKI of tests/teken-test-pki.sh, in $TEKEN_TEST_PKI. */
char     *teken_test_pki_path         (const char *file);
X509     *teken_test_load_certificate (const char *file);
EVP_PKEY *teken_test_load_key         (const char *file);
X509     *teken_test_load_holder_certificate (const char *holder);
EVP_PKEY *teken_test_load_holder_key         (const char *holder);

G_END_DECLS
