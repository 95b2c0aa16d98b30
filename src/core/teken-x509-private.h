/* teken-x509-private.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <openssl/asn1.h>
#include <openssl/ocsp.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "teken-openssl-private.h"

G_BEGIN_DECLS

/* What the X.509 and CMS code of core (teken-cms, teken-cms-verify,
 * teken-trust, the PDF signer and verifier) and its tests share on top of
 * teken-openssl-private.h: more g_autoptr() types, names and times. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ASN1_OBJECT, ASN1_OBJECT_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ISSUING_DIST_POINT, ISSUING_DIST_POINT_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OCSP_BASICRESP, OCSP_BASICRESP_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OCSP_CERTID, OCSP_CERTID_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OCSP_RESPONSE, OCSP_RESPONSE_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CRL_DIST_POINTS, CRL_DIST_POINTS_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_TST_INFO, TS_TST_INFO_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_CRL, X509_CRL_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_STORE_CTX, X509_STORE_CTX_free)

typedef STACK_OF (X509_CRL) TekenX509CrlStack;

static inline void
teken_x509_crl_stack_free (TekenX509CrlStack *stack)
{
  sk_X509_CRL_pop_free (stack, X509_CRL_free);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenX509CrlStack, teken_x509_crl_stack_free)

GDateTime       *teken_asn1_time_to_date_time (const ASN1_TIME  *time);
char            *teken_x509_name_to_string    (const X509_NAME  *name);
char            *teken_x509_get_display_name  (X509             *certificate);
CMS_ContentInfo *teken_cms_parse_signed_data  (GBytes           *bytes,
                                               CMS_SignerInfo  **signer_info,
                                               GError          **error);

G_END_DECLS
