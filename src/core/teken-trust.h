/* teken-trust.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

#define TEKEN_TRUST_ERROR (teken_trust_error_quark ())

typedef enum
{
  TEKEN_TRUST_ERROR_INVALID_FILE,   /* no certificate could be read from a file */
  TEKEN_TRUST_ERROR_NOT_CA,         /* an anchor to import is not a CA certificate */
  TEKEN_TRUST_ERROR_NOT_VALID_NOW,  /* an anchor to import has expired or is not valid yet */
  TEKEN_TRUST_ERROR_ALREADY_TRUSTED,
  TEKEN_TRUST_ERROR_FAILED,         /* writing or removing an anchor failed */
} TekenTrustError;

GQuark teken_trust_error_quark (void);

/**
 * TekenTrustPurpose:
 * @TEKEN_TRUST_PURPOSE_SIGNING: a document signer: keyUsage, when present,
 *   must allow digitalSignature or nonRepudiation
 * @TEKEN_TRUST_PURPOSE_TIMESTAMPING: a timestamp authority: extendedKeyUsage
 *   must be critical and timeStamping only (RFC 3161)
 */
typedef enum
{
  TEKEN_TRUST_PURPOSE_SIGNING,
  TEKEN_TRUST_PURPOSE_TIMESTAMPING,
} TekenTrustPurpose;

/**
 * TekenTrustFlags:
 * @TEKEN_TRUST_FLAGS_NONE: the time is only claimed (a signingTime
 *   attribute, the PDF's /M): any revocation the embedded data shows counts
 * @TEKEN_TRUST_FLAG_PROVEN_TIME: the time comes from a verified timestamp:
 *   a revocation dated after it does not count against the signature
 */
typedef enum
{
  TEKEN_TRUST_FLAGS_NONE = 0,
  TEKEN_TRUST_FLAG_PROVEN_TIME = 1 << 0,
} TekenTrustFlags;

typedef enum
{
  TEKEN_TRUST_STATUS_TRUSTED,
  TEKEN_TRUST_STATUS_UNKNOWN,       /* the check itself could not be done */
  TEKEN_TRUST_STATUS_EXPIRED,       /* a certificate of the chain was not valid at that time */
  TEKEN_TRUST_STATUS_UNTRUSTED,     /* no chain to an anchor, a broken chain, or the wrong key usage */
  TEKEN_TRUST_STATUS_REVOKED,
} TekenTrustStatus;

typedef enum
{
  TEKEN_REVOCATION_STATUS_GOOD,         /* signed data covering the time says not revoked */
  TEKEN_REVOCATION_STATUS_NOT_CHECKED,  /* no CRL or OCSP response about the certificate */
  TEKEN_REVOCATION_STATUS_UNKNOWN,      /* there is some, but it is out of date or cannot be verified */
  TEKEN_REVOCATION_STATUS_REVOKED,
} TekenRevocationStatus;

const char *teken_trust_status_to_string      (TekenTrustStatus      status);
const char *teken_revocation_status_to_string (TekenRevocationStatus status);

/* The outcome of one chain validation. */
typedef struct _TekenTrustResult TekenTrustResult;

TekenTrustStatus       teken_trust_result_get_status             (TekenTrustResult *self);
TekenRevocationStatus  teken_trust_result_get_revocation         (TekenTrustResult *self);
const char * const    *teken_trust_result_get_chain              (TekenTrustResult *self);
STACK_OF (X509)       *teken_trust_result_get_chain_certificates (TekenTrustResult *self);
GPtrArray             *teken_trust_result_get_problems           (TekenTrustResult *self);
void                   teken_trust_result_free                   (TekenTrustResult *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenTrustResult, teken_trust_result_free)

#define TEKEN_TYPE_TRUST_STORE (teken_trust_store_get_type ())

G_DECLARE_FINAL_TYPE (TekenTrustStore, teken_trust_store, TEKEN, TRUST_STORE, GObject)

TekenTrustStore  *teken_trust_store_new                (void);
void              teken_trust_store_add_defaults       (TekenTrustStore    *self);
guint             teken_trust_store_add_directory      (TekenTrustStore    *self,
                                                        const char         *path);
gboolean          teken_trust_store_add_file           (TekenTrustStore    *self,
                                                        const char         *path,
                                                        GError            **error);
void              teken_trust_store_add_certificate    (TekenTrustStore    *self,
                                                        X509               *certificate);
gboolean          teken_trust_store_add_pinned_sha256  (TekenTrustStore    *self,
                                                        const char         *hex);
TekenTrustResult *teken_trust_store_validate           (TekenTrustStore    *self,
                                                        X509               *leaf,
                                                        STACK_OF (X509)    *untrusted,
                                                        STACK_OF (X509_CRL) *crls,
                                                        GPtrArray          *ocsp_responses,
                                                        GDateTime          *at,
                                                        TekenTrustPurpose   purpose,
                                                        TekenTrustFlags     flags);

G_END_DECLS
