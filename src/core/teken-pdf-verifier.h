/* teken-pdf-verifier.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "teken-pdf-diff.h"
#include "teken-trust.h"

G_BEGIN_DECLS

/* From best to worst; a file takes the worst of its signatures. */
typedef enum
{
  TEKEN_VERIFY_VALID,
  TEKEN_VERIFY_UNTRUSTED,       /* intact and unchanged, but the chain is not trusted */
  TEKEN_VERIFY_MODIFIED,        /* intact, but changed afterwards beyond what was allowed */
  TEKEN_VERIFY_INVALID,         /* broken, malformed or not over these bytes */
  TEKEN_VERIFY_ERROR,           /* not a readable PDF */
  TEKEN_VERIFY_UNSIGNED,        /* a readable PDF without signatures */
} TekenVerifyStatus;

typedef enum
{
  TEKEN_COVERAGE_ENTIRE_FILE,
  TEKEN_COVERAGE_ENTIRE_REVISION,
  TEKEN_COVERAGE_PARTIAL,
  TEKEN_COVERAGE_MALFORMED,
} TekenCoverage;

typedef struct
{
  char              *field;
  char              *signer;        /* the certificate's CN */
  char              *subject;
  char              *issuer;
  char              *serial;        /* hex */
  char              *subfilter;
  GDateTime         *signing_time;  /* nullable */
  gboolean           time_from_timestamp;
  TekenVerifyStatus  status;
  gboolean           integrity;
  TekenCoverage      coverage;
  goffset            signed_length; /* the signed revision is the file's first signed_length bytes; 0 unless coverage is entire */
  TekenChangeLevel   changes_after;
  int                docmdp;        /* 1, 2, 3; 0 when this is not a certification signature */
  GPtrArray         *chain;         /* subjects, signer first */
  const char        *trust;         /* trusted, untrusted, expired, revoked, unknown */
  const char        *revocation;    /* good, revoked, unknown, not_checked */
  gboolean           has_timestamp;
  gboolean           timestamp_valid;
  GDateTime         *timestamp_time;
  char              *timestamp_authority;
  GPtrArray         *problems;      /* sentences */
  char              *reason;        /* nullable: the signature dictionary's /Reason */
  char              *location;      /* nullable: its /Location */
  char              *digest_algorithm;     /* nullable: "SHA-256", … */
  char              *signature_algorithm;  /* nullable: "SHA256withRSA", "SHA256withECDSA", … */
  GPtrArray         *certificates;  /* X509, the chain, signer first (at least the signer when known) */
} TekenSignatureReport;

typedef struct
{
  char              *file;
  TekenVerifyStatus  status;
  GPtrArray         *signatures;    /* TekenSignatureReport, oldest first */
  GPtrArray         *problems;      /* sentences about the file itself */
  gboolean           encrypted;     /* protected with a password: status is error, nothing was checked */
} TekenDocumentReport;

const char          *teken_verify_status_to_string   (TekenVerifyStatus    status);
const char          *teken_coverage_to_string        (TekenCoverage        coverage);

TekenDocumentReport *teken_pdf_verify_file           (const char          *path,
                                                      TekenTrustStore     *trust,
                                                      GCancellable        *cancellable);
TekenDocumentReport *teken_pdf_verify_bytes          (GBytes              *bytes,
                                                      const char          *name,
                                                      TekenTrustStore     *trust,
                                                      GCancellable        *cancellable);
void                 teken_document_report_free      (TekenDocumentReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenDocumentReport, teken_document_report_free)

G_END_DECLS
