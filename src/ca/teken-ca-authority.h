/* teken-ca-authority.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "teken-ca-store.h"
#include "teken-secret.h"

G_BEGIN_DECLS

/* Holder certificates last two years (docs/api.md §11.6). */
#define TEKEN_CA_HOLDER_VALIDITY (2 * 365 * G_TIME_SPAN_DAY / G_TIME_SPAN_SECOND)

#define TEKEN_CA_TYPE_AUTHORITY (teken_ca_authority_get_type ())

G_DECLARE_FINAL_TYPE (TekenCaAuthority, teken_ca_authority, TEKEN_CA, AUTHORITY, GObject)

TekenCaAuthority *teken_ca_authority_create           (const char        *data_dir,
                                                       TekenCaStore      *store,
                                                       const char        *public_url,
                                                       GError           **error);
TekenCaAuthority *teken_ca_authority_load             (const char        *data_dir,
                                                       TekenCaStore      *store,
                                                       GError           **error);
const char       *teken_ca_authority_get_public_url   (TekenCaAuthority  *self);
X509             *teken_ca_authority_get_root         (TekenCaAuthority  *self);
X509             *teken_ca_authority_get_issuing      (TekenCaAuthority  *self);
STACK_OF (X509)  *teken_ca_authority_get_chain        (TekenCaAuthority  *self);
GTlsCertificate  *teken_ca_authority_get_tls_certificate (TekenCaAuthority *self,
                                                       GError           **error);
X509             *teken_ca_authority_issue_holder     (TekenCaAuthority  *self,
                                                       EVP_PKEY          *key,
                                                       const char        *name,
                                                       const char        *agency,
                                                       const char        *email,
                                                       gint64             validity,
                                                       GError           **error);
/* A holder certificate with its new key, the key wrapped under the
 * holder's passphrase (teken-key-wrap.h): what the store keeps. */
typedef struct
{
  GBytes *der;
  char *serial;
  gint64 not_before;
  gint64 not_after;
  GBytes *wrapped_key;
} TekenCaIssued;

void teken_ca_issued_free (TekenCaIssued *issued);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaIssued, teken_ca_issued_free)

TekenCaIssued    *teken_ca_authority_issue_new_key    (TekenCaAuthority  *self,
                                                       const char        *name,
                                                       const char        *agency,
                                                       const char        *email,
                                                       gint64             validity,
                                                       TekenSecret       *passphrase,
                                                       GError           **error);
GBytes           *teken_ca_authority_get_crl          (TekenCaAuthority  *self,
                                                       gboolean           root,
                                                       GError           **error);
void              teken_ca_authority_invalidate_crl  (TekenCaAuthority  *self);
GBytes           *teken_ca_authority_answer_ocsp      (TekenCaAuthority  *self,
                                                       GBytes            *request);
GBytes           *teken_ca_authority_answer_timestamp (TekenCaAuthority  *self,
                                                       GBytes            *query);
GBytes           *teken_ca_authority_timestamp_signature (TekenCaAuthority *self,
                                                       GBytes            *cms,
                                                       GError           **error);
gboolean          teken_ca_authority_get_validation_data (TekenCaAuthority *self,
                                                       X509              *signer,
                                                       GPtrArray        **certificates,
                                                       GPtrArray        **ocsp_responses,
                                                       GPtrArray        **crls,
                                                       GError           **error);
char             *teken_ca_serial_to_string           (const ASN1_INTEGER *serial);

G_END_DECLS
