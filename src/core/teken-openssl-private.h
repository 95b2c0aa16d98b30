/* teken-openssl-private.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

/* g_autoptr() for the OpenSSL types core uses, so that error paths free what
 * they allocated without a goto ladder. Only for .c files of core and its
 * tests: public headers must not depend on this. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIO, BIO_free_all)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CMS_ContentInfo, CMS_ContentInfo_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ESS_SIGNING_CERT_V2, ESS_SIGNING_CERT_V2_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PKCS12, PKCS12_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_STORE, X509_STORE_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ASN1_STRING, ASN1_STRING_free)

/* STACK_OF(X509) is a macro-made type; name it so g_autoptr() can take it. */
typedef STACK_OF (X509) TekenX509Stack;

static inline void
teken_x509_stack_free (TekenX509Stack *stack)
{
  sk_X509_pop_free (stack, X509_free);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenX509Stack, teken_x509_stack_free)

/* Moves OpenSSL's error queue of this thread to the debug log and empties
 * it, so that a later call does not report a stale error. The entries name
 * functions and reasons, never key material or passwords. */
static inline void
teken_openssl_log_errors (const char *context)
{
  const char *file = NULL;
  const char *func = NULL;
  const char *data = NULL;
  int line = 0;
  int flags = 0;
  unsigned long code;

  while ((code = ERR_get_error_all (&file, &line, &func, &data, &flags)) != 0)
    {
      char reason[256];

      ERR_error_string_n (code, reason, sizeof reason);
      g_debug ("%s: %s (%s:%d %s)%s%s", context, reason, file, line, func,
               (flags & ERR_TXT_STRING) ? ": " : "",
               (flags & ERR_TXT_STRING) ? data : "");
    }
}

G_END_DECLS
