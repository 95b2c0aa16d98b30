/* teken-cms-verify.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

/* Errors are in the TEKEN_SIGNER_ERROR domain (teken-signer.h), code
 * TEKEN_SIGNER_ERROR_INVALID_SIGNATURE. */

/**
 * TekenCmsMode:
 * @TEKEN_CMS_MODE_DETACHED: the CMS signs the bytes themselves:
 *   /SubFilter adbe.pkcs7.detached and ETSI.CAdES.detached (the default)
 * @TEKEN_CMS_MODE_SHA1: the CMS signs an encapsulated content that is the
 *   SHA-1 of the bytes: /SubFilter adbe.pkcs7.sha1
 * @TEKEN_CMS_MODE_TIMESTAMP: the CMS is an RFC 3161 timestamp token whose
 *   message imprint is the digest of the bytes: /SubFilter ETSI.RFC3161
 *   (document timestamps), and signature timestamps
 *
 * How the bytes given to teken_cms_verification_update() are bound to
 * the signature.
 */
typedef enum
{
  TEKEN_CMS_MODE_DETACHED,
  TEKEN_CMS_MODE_SHA1,
  TEKEN_CMS_MODE_TIMESTAMP,
} TekenCmsMode;

/* One signature's CMS SignedData, checked offline: parse it, stream the
 * signed bytes through _update(), and _finish() tells whether they are what
 * was signed. Everything else (who, when, revocation data, timestamp) can be
 * read at any time after _new(). Not thread-safe; one per thread. */
typedef struct _TekenCmsVerification TekenCmsVerification;

TekenCmsVerification *teken_cms_verification_new                     (GBytes                *cms,
                                                                      GError               **error);
void                  teken_cms_verification_free                    (TekenCmsVerification  *self);

void                  teken_cms_verification_set_mode                (TekenCmsVerification  *self,
                                                                      TekenCmsMode           mode);
void                  teken_cms_verification_update                  (TekenCmsVerification  *self,
                                                                      const guint8          *data,
                                                                      gsize                  length);
gboolean              teken_cms_verification_finish                  (TekenCmsVerification  *self);

X509                 *teken_cms_verification_get_signer_certificate  (TekenCmsVerification  *self);
STACK_OF (X509)      *teken_cms_verification_get_certificates        (TekenCmsVerification  *self);
const char           *teken_cms_verification_get_digest_algorithm    (TekenCmsVerification  *self);
GDateTime            *teken_cms_verification_get_claimed_signing_time (TekenCmsVerification *self);
GPtrArray            *teken_cms_verification_get_problems            (TekenCmsVerification  *self);

STACK_OF (X509_CRL)  *teken_cms_verification_get_crls                (TekenCmsVerification  *self);
GPtrArray            *teken_cms_verification_get_ocsp_responses      (TekenCmsVerification  *self);

gboolean              teken_cms_verification_has_timestamp           (TekenCmsVerification  *self);
TekenCmsVerification *teken_cms_verification_verify_timestamp        (TekenCmsVerification  *self,
                                                                      GError               **error);
GDateTime            *teken_cms_verification_get_timestamp_time      (TekenCmsVerification  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCmsVerification, teken_cms_verification_free)

G_END_DECLS
