/* fuzz-cms.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A signature's CMS as it comes out of a PDF's /Contents, through
 * everything that reads it: the verification, its archived revocation data
 * and timestamp, and the signer's own checks of a returned CMS. */

#include "config.h"

#include <openssl/x509.h>

#include "teken-cms-verify.h"
#include "teken-cms.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autoptr(GBytes) digest = NULL;
  X509 *signer;

  verification = teken_cms_verification_new (bytes, NULL);
  if (verification != NULL)
    {
      g_autoptr(TekenCmsVerification) timestamp = NULL;

      teken_cms_verification_update (verification, data, MIN (size, 64));
      teken_cms_verification_finish (verification);
      teken_cms_verification_get_crls (verification);
      teken_cms_verification_get_ocsp_responses (verification);
      teken_cms_verification_get_claimed_signing_time (verification);
      if (teken_cms_verification_has_timestamp (verification))
        timestamp = teken_cms_verification_verify_timestamp (verification, NULL);
    }

  if (teken_cms_get_message_digest (bytes, &digest, NULL))
    g_assert (digest != NULL);

  signer = teken_cms_get_signer_certificate (bytes, NULL);
  if (signer != NULL)
    X509_free (signer);

  return 0;
}
