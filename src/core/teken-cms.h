/* teken-cms.h
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

/* Errors are in the TEKEN_SIGNER_ERROR domain (teken-signer.h). */

gboolean  teken_cms_check_signing_key      (EVP_PKEY         *key,
                                            X509             *certificate,
                                            GError          **error);
GBytes   *teken_cms_sign_digest            (EVP_PKEY         *key,
                                            X509             *certificate,
                                            STACK_OF (X509)  *chain,
                                            GBytes           *digest,
                                            GError          **error);
gsize     teken_cms_estimate_size          (X509             *certificate,
                                            STACK_OF (X509)  *chain);
gboolean  teken_cms_get_message_digest     (GBytes           *cms,
                                            GBytes          **digest_out,
                                            GError          **error);
X509     *teken_cms_get_signer_certificate (GBytes           *cms,
                                            GError          **error);

G_END_DECLS
