/* test-trust.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "teken-test-pki.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>

#include "teken-trust.h"
#include "teken-trust-anchor.h"
#include "teken-x509-private.h"

#define DAY (24 * 60 * 60)

static X509_CRL *
load_crl (const char *file)
{
  g_autofree char *path = teken_test_pki_path (file);
  g_autoptr(BIO) bio = BIO_new_file (path, "r");
  X509_CRL *crl;

  g_assert_nonnull (bio);
  crl = PEM_read_bio_X509_CRL (bio, NULL, NULL, NULL);
  g_assert_nonnull (crl);

  return crl;
}

static GBytes *
load_bytes (const char *file)
{
  g_autofree char *path = teken_test_pki_path (file);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

/* The issuing CA, as a CMS would carry it. */
static TekenX509Stack *
intermediates (void)
{
  TekenX509Stack *stack = sk_X509_new_null ();

  sk_X509_push (stack, teken_test_load_certificate ("issuing-ca.pem"));

  return stack;
}

static TekenX509CrlStack *
crls_of (const char *file)
{
  TekenX509CrlStack *stack = sk_X509_CRL_new_null ();

  sk_X509_CRL_push (stack, load_crl (file));

  return stack;
}

static GPtrArray *
ocsp_of (const char *file)
{
  GPtrArray *responses = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (responses, load_bytes (file));

  return responses;
}

static TekenTrustStore *
store_with_root (void)
{
  TekenTrustStore *store = teken_trust_store_new ();
  g_autofree char *root = teken_test_pki_path ("root.pem");
  g_autoptr(GError) error = NULL;

  g_assert_true (teken_trust_store_add_file (store, root, &error));
  g_assert_no_error (error);

  return store;
}

static GDateTime *
asn1_to_date_time (const ASN1_TIME *time)
{
  GDateTime *date_time = teken_asn1_time_to_date_time (time);

  g_assert_nonnull (date_time);

  return date_time;
}

/* As the problem sentences show dates. */
static char *
format_date (GDateTime *date_time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (date_time);

  return g_date_time_format (local, "%Y-%m-%d");
}

static gboolean
problems_mention (TekenTrustResult *result,
                  const char       *text)
{
  GPtrArray *problems = teken_trust_result_get_problems (result);

  for (guint i = 0; i < problems->len; i++)
    if (strstr (g_ptr_array_index (problems, i), text) != NULL)
      return TRUE;

  return FALSE;
}

static void
log_result (TekenTrustResult *result)
{
  GPtrArray *problems = teken_trust_result_get_problems (result);
  const char * const *chain = teken_trust_result_get_chain (result);

  g_test_message ("trust %s, revocation %s",
                  teken_trust_status_to_string (teken_trust_result_get_status (result)),
                  teken_revocation_status_to_string (teken_trust_result_get_revocation (result)));
  for (guint i = 0; chain[i] != NULL; i++)
    g_test_message ("  chain: %s", chain[i]);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("  problem: %s", (const char *) g_ptr_array_index (problems, i));
}

static TekenTrustResult *
validate (TekenTrustStore   *store,
          const char        *name,
          STACK_OF (X509)   *untrusted,
          STACK_OF (X509_CRL) *crls,
          GPtrArray         *ocsp,
          GDateTime         *at,
          TekenTrustPurpose  purpose,
          TekenTrustFlags    flags)
{
  g_autoptr(X509) leaf = teken_test_load_holder_certificate (name);
  TekenTrustResult *result;

  result = teken_trust_store_validate (store, leaf, untrusted, crls, ocsp, at, purpose, flags);
  g_assert_nonnull (result);
  log_result (result);

  return result;
}

static void
assert_status (TekenTrustResult      *result,
               TekenTrustStatus       status,
               TekenRevocationStatus  revocation)
{
  g_assert_cmpstr (teken_trust_status_to_string (teken_trust_result_get_status (result)), ==,
                   teken_trust_status_to_string (status));
  g_assert_cmpstr (teken_revocation_status_to_string (teken_trust_result_get_revocation (result)), ==,
                   teken_revocation_status_to_string (revocation));
}

static void
test_trusted (void)
{
  g_autoptr(TekenTrustStore) store = store_with_root ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenTrustResult) result = NULL;
  const char * const *chain;

  result = validate (store, "budi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_cmpuint (teken_trust_result_get_problems (result)->len, ==, 0);

  chain = teken_trust_result_get_chain (result);
  g_assert_cmpuint (g_strv_length ((char **) chain), ==, 3);
  g_assert_cmpstr (chain[0], ==, "CN=Budi Santoso,OU=Pemerintah Kota Contoh,O=Teken Test,C=ID");
  g_assert_cmpstr (chain[1], ==, "CN=Teken Test Issuing CA,O=Teken Test,C=ID");
  g_assert_cmpstr (chain[2], ==, "CN=Teken Test Root CA,O=Teken Test,C=ID");
  g_assert_cmpint (sk_X509_num (teken_trust_result_get_chain_certificates (result)), ==, 3);
  g_clear_pointer (&result, teken_trust_result_free);

  /* EC too. */
  result = validate (store, "dewi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
}

static void
test_untrusted (void)
{
  g_autoptr(TekenTrustStore) empty = teken_trust_store_new ();
  g_autoptr(TekenTrustStore) store = store_with_root ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenX509Stack) with_root = intermediates ();
  g_autoptr(TekenTrustResult) result = NULL;

  /* No anchor at all. */
  result = validate (empty, "budi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_cmpuint (teken_trust_result_get_problems (result)->len, ==, 1);
  g_clear_pointer (&result, teken_trust_result_free);

  /* A root the document carries is not an anchor just because it is there. */
  sk_X509_push (with_root, teken_test_load_certificate ("root.pem"));
  result = validate (empty, "budi", with_root, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_cmpuint (g_strv_length ((char **) teken_trust_result_get_chain (result)), ==, 3);
  g_clear_pointer (&result, teken_trust_result_free);

  /* The right root, but the issuing CA is missing. */
  result = validate (store, "budi", NULL, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_cmpuint (g_strv_length ((char **) teken_trust_result_get_chain (result)), ==, 1);
  g_assert_cmpuint (teken_trust_result_get_problems (result)->len, >, 0);
}

static char *
fingerprint_hex (const char *name,
                 gboolean    with_colons)
{
  g_autoptr(X509) certificate = teken_test_load_holder_certificate (name);
  g_autoptr(GString) hex = g_string_new (NULL);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;

  g_assert_true (X509_digest (certificate, EVP_sha256 (), digest, &length));
  g_assert_cmpuint (length, ==, 32);
  for (unsigned int i = 0; i < length; i++)
    g_string_append_printf (hex, with_colons && i > 0 ? ":%02x" : "%02X", digest[i]);

  return g_string_free (g_steal_pointer (&hex), FALSE);
}

static void
test_pinned (void)
{
  g_autoptr(TekenTrustStore) store = teken_trust_store_new ();
  g_autoptr(TekenTrustStore) other = teken_trust_store_new ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenTrustResult) result = NULL;
  g_autofree char *issuing = fingerprint_hex ("issuing-ca", TRUE);
  g_autofree char *root = fingerprint_hex ("root", FALSE);
  g_autofree char *too_long = g_strconcat (root, "00", NULL);

  g_assert_false (teken_trust_store_add_pinned_sha256 (store, ""));
  g_assert_false (teken_trust_store_add_pinned_sha256 (store, "not a fingerprint"));
  g_assert_false (teken_trust_store_add_pinned_sha256 (store, root + 1));
  g_assert_false (teken_trust_store_add_pinned_sha256 (store, too_long));

  /* Without the pin, the issuing CA the document carries is no anchor. */
  result = validate (store, "budi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_clear_pointer (&result, teken_trust_result_free);

  /* With it, the issuing CA is one, although it is not self-signed. */
  g_assert_true (teken_trust_store_add_pinned_sha256 (store, issuing));
  result = validate (store, "budi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_cmpuint (g_strv_length ((char **) teken_trust_result_get_chain (result)), ==, 2);
  g_assert_cmpstr (teken_trust_result_get_chain (result)[1], ==, "CN=Teken Test Issuing CA,O=Teken Test,C=ID");
  g_clear_pointer (&result, teken_trust_result_free);

  /* A pinned certificate must be in the document to count. */
  result = validate (store, "budi", NULL, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_clear_pointer (&result, teken_trust_result_free);

  /* Pinning the root (upper case, no colons) works the same. */
  g_assert_true (teken_trust_store_add_pinned_sha256 (other, root));
  sk_X509_push (untrusted, teken_test_load_certificate ("root.pem"));
  result = validate (other, "budi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_cmpuint (g_strv_length ((char **) teken_trust_result_get_chain (result)), ==, 3);
}

static void
test_expired (void)
{
  g_autoptr(TekenTrustStore) store = store_with_root ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(X509) eko = teken_test_load_certificate ("eko.pem");
  g_autoptr(X509) budi = teken_test_load_certificate ("budi.pem");
  g_autoptr(GDateTime) eko_start = asn1_to_date_time (X509_get0_notBefore (eko));
  g_autoptr(GDateTime) eko_end = asn1_to_date_time (X509_get0_notAfter (eko));
  g_autoptr(GDateTime) budi_start = asn1_to_date_time (X509_get0_notBefore (budi));
  g_autoptr(GDateTime) inside = g_date_time_add_days (eko_start, 100);
  g_autoptr(GDateTime) after = g_date_time_add_days (eko_end, 1);
  g_autoptr(GDateTime) before_budi = g_date_time_add_days (budi_start, -10);
  g_autofree char *end_date = format_date (eko_end);
  g_autofree char *budi_date = format_date (budi_start);

  /* Signed now, with a certificate that expired two years ago. */
  result = validate (store, "eko", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_EXPIRED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_true (problems_mention (result, end_date));
  g_clear_pointer (&result, teken_trust_result_free);

  result = validate (store, "eko", untrusted, NULL, NULL, after, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_EXPIRED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_true (problems_mention (result, end_date));
  g_clear_pointer (&result, teken_trust_result_free);

  /* Signed while it was valid: the CAs were valid then too. */
  result = validate (store, "eko", untrusted, NULL, NULL, inside, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_cmpuint (teken_trust_result_get_problems (result)->len, ==, 0);
  g_clear_pointer (&result, teken_trust_result_free);

  /* A signing time before the certificate existed. */
  result = validate (store, "budi", untrusted, NULL, NULL, before_budi, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_EXPIRED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_true (problems_mention (result, budi_date));
}

static GDateTime *
revocation_time (const char *name)
{
  g_autoptr(X509_CRL) crl = load_crl ("issuing-ca.crl");
  g_autoptr(X509) certificate = teken_test_load_holder_certificate (name);
  X509_REVOKED *entry = NULL;

  g_assert_cmpint (X509_CRL_get0_by_cert (crl, &entry, certificate), ==, 1);

  return asn1_to_date_time (X509_REVOKED_get0_revocationDate (entry));
}

static void
test_crl (void)
{
  g_autoptr(TekenTrustStore) store = store_with_root ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenX509CrlStack) crls = crls_of ("issuing-ca.crl");
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(GDateTime) revoked = revocation_time ("rudi");
  g_autoptr(GDateTime) before = g_date_time_add_hours (revoked, -1);
  g_autofree char *revoked_date = format_date (revoked);

  /* The CRL does not list budi. */
  result = validate (store, "budi", untrusted, crls, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_GOOD);
  g_assert_cmpuint (teken_trust_result_get_problems (result)->len, ==, 0);
  g_clear_pointer (&result, teken_trust_result_free);

  result = validate (store, "rudi", untrusted, crls, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_REVOKED, TEKEN_REVOCATION_STATUS_REVOKED);
  g_assert_true (problems_mention (result, revoked_date));
  g_clear_pointer (&result, teken_trust_result_free);

  /* Signed an hour before the revocation: only a proven time helps. */
  result = validate (store, "rudi", untrusted, crls, NULL, before, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_REVOKED, TEKEN_REVOCATION_STATUS_REVOKED);
  g_clear_pointer (&result, teken_trust_result_free);

  result = validate (store, "rudi", untrusted, crls, NULL, before, TEKEN_TRUST_PURPOSE_SIGNING,
                     TEKEN_TRUST_FLAG_PROVEN_TIME);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_GOOD);
  g_assert_true (problems_mention (result, revoked_date));
  g_clear_pointer (&result, teken_trust_result_free);

  /* A proven time after the revocation does not help. */
  result = validate (store, "rudi", untrusted, crls, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING,
                     TEKEN_TRUST_FLAG_PROVEN_TIME);
  assert_status (result, TEKEN_TRUST_STATUS_REVOKED, TEKEN_REVOCATION_STATUS_REVOKED);
  g_clear_pointer (&result, teken_trust_result_free);

  /* The CRL needs its issuer: without the issuing CA it proves nothing. */
  result = validate (store, "rudi", NULL, crls, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_UNKNOWN);
}

static void
test_crl_time (void)
{
  g_autoptr(TekenTrustStore) store = store_with_root ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenX509CrlStack) stale = crls_of ("issuing-ca-stale.crl");
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(X509) eko = teken_test_load_certificate ("eko.pem");
  g_autoptr(GDateTime) eko_end = asn1_to_date_time (X509_get0_notAfter (eko));
  g_autoptr(GDateTime) late_in_eko = g_date_time_add_days (eko_end, -1);
  g_autoptr(GDateTime) early_in_eko = g_date_time_add_days (eko_end, -200);

  /* Out of date now. */
  result = validate (store, "budi", untrusted, stale, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_UNKNOWN);
  g_assert_cmpuint (teken_trust_result_get_problems (result)->len, ==, 1);
  g_clear_pointer (&result, teken_trust_result_free);

  /* Made a day after eko was signed with: it covers that time. */
  result = validate (store, "eko", untrusted, stale, NULL, late_in_eko, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_GOOD);
  g_clear_pointer (&result, teken_trust_result_free);

  /* Made long after: still fine, it says eko was never revoked. */
  result = validate (store, "eko", untrusted, stale, NULL, early_in_eko, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_GOOD);
}

static void
test_crl_forged (void)
{
  g_autoptr(TekenTrustStore) store = store_with_root ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenX509CrlStack) crls = sk_X509_CRL_new_null ();
  g_autoptr(X509_CRL) crl = load_crl ("issuing-ca.crl");
  g_autoptr(TekenTrustResult) result = NULL;
  const ASN1_BIT_STRING *signature = NULL;
  unsigned char *der = NULL;
  const unsigned char *p;
  int length;

  /* The same CRL with one bit of its signature changed. */
  X509_CRL_get0_signature (crl, &signature, NULL);
  length = i2d_X509_CRL (crl, &der);
  g_assert_cmpint (length, >, 0);
  g_assert_cmpint (memcmp (der + length - 8, ASN1_STRING_get0_data (signature) + ASN1_STRING_length (signature) - 8, 8), ==, 0);
  der[length - 1] ^= 0x01;
  p = der;
  sk_X509_CRL_push (crls, d2i_X509_CRL (NULL, &p, length));
  OPENSSL_free (der);
  g_assert_nonnull (sk_X509_CRL_value (crls, 0));

  result = validate (store, "rudi", untrusted, crls, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_UNKNOWN);
  g_clear_pointer (&result, teken_trust_result_free);

  result = validate (store, "budi", untrusted, crls, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_UNKNOWN);
}

static GDateTime *
ocsp_next_update (const char *file)
{
  g_autoptr(GBytes) der = load_bytes (file);
  g_autoptr(OCSP_RESPONSE) response = NULL;
  g_autoptr(OCSP_BASICRESP) basic = NULL;
  ASN1_GENERALIZEDTIME *next_update = NULL;
  const unsigned char *p = g_bytes_get_data (der, NULL);

  response = d2i_OCSP_RESPONSE (NULL, &p, g_bytes_get_size (der));
  g_assert_nonnull (response);
  basic = OCSP_response_get1_basic (response);
  g_assert_nonnull (basic);
  g_assert_cmpint (OCSP_resp_count (basic), ==, 1);
  OCSP_single_get0_status (OCSP_resp_get0 (basic, 0), NULL, NULL, NULL, &next_update);

  return asn1_to_date_time (next_update);
}

static void
test_ocsp (void)
{
  g_autoptr(TekenTrustStore) store = store_with_root ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(GPtrArray) budi_ocsp = ocsp_of ("budi.ocsp");
  g_autoptr(GPtrArray) rudi_ocsp = ocsp_of ("rudi.ocsp");
  g_autoptr(GPtrArray) by_ca = ocsp_of ("budi-by-ca.ocsp");
  g_autoptr(GPtrArray) both = ocsp_of ("rudi.ocsp");
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(GDateTime) next_update = ocsp_next_update ("budi.ocsp");
  g_autoptr(GDateTime) after_next_update = g_date_time_add_days (next_update, 1);
  g_autoptr(GDateTime) revoked = revocation_time ("rudi");
  g_autofree char *revoked_date = format_date (revoked);

  result = validate (store, "budi", untrusted, NULL, budi_ocsp, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_GOOD);
  g_assert_cmpuint (teken_trust_result_get_problems (result)->len, ==, 0);
  g_clear_pointer (&result, teken_trust_result_free);

  /* Signed by the CA itself rather than a delegated responder. */
  result = validate (store, "budi", untrusted, NULL, by_ca, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_GOOD);
  g_clear_pointer (&result, teken_trust_result_free);

  result = validate (store, "rudi", untrusted, NULL, rudi_ocsp, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_REVOKED, TEKEN_REVOCATION_STATUS_REVOKED);
  g_assert_true (problems_mention (result, revoked_date));
  g_clear_pointer (&result, teken_trust_result_free);

  /* A response about someone else says nothing about budi. */
  result = validate (store, "budi", untrusted, NULL, rudi_ocsp, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_clear_pointer (&result, teken_trust_result_free);

  /* Among several responses, the right one is found. */
  g_ptr_array_add (both, load_bytes ("budi.ocsp"));
  result = validate (store, "budi", untrusted, NULL, both, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_GOOD);
  g_clear_pointer (&result, teken_trust_result_free);

  /* It does not cover a time after its next update. */
  result = validate (store, "budi", untrusted, NULL, budi_ocsp, after_next_update, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_UNKNOWN);
  g_clear_pointer (&result, teken_trust_result_free);

  /* The responder's certificate chains to the issuing CA: without it the
   * response cannot be verified. */
  result = validate (store, "budi", NULL, NULL, budi_ocsp, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_UNKNOWN);
}

static void
test_ocsp_forged (void)
{
  g_autoptr(TekenTrustStore) store = store_with_root ();
  g_autoptr(TekenTrustStore) empty = teken_trust_store_new ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(GBytes) good = load_bytes ("budi.ocsp");
  g_autoptr(GPtrArray) forged = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) junk = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) budi_ocsp = ocsp_of ("budi.ocsp");
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(OCSP_RESPONSE) response = NULL;
  g_autoptr(OCSP_BASICRESP) basic = NULL;
  gsize length;
  const unsigned char *p = g_bytes_get_data (good, &length);
  guint8 *bytes;

  /* The signature is the end of the basic response, before the
   * certificates: change a byte of it, found through OpenSSL. */
  response = d2i_OCSP_RESPONSE (NULL, &p, length);
  g_assert_nonnull (response);
  basic = OCSP_response_get1_basic (response);
  g_assert_nonnull (basic);
  {
    const ASN1_OCTET_STRING *signature = OCSP_resp_get0_signature (basic);
    const guint8 *data = g_bytes_get_data (good, NULL);
    const guint8 *found;

    found = memmem (data, length, ASN1_STRING_get0_data (signature), ASN1_STRING_length (signature));
    g_assert_nonnull (found);
    bytes = g_memdup2 (data, length);
    bytes[found - data + 10] ^= 0x01;
    g_ptr_array_add (forged, g_bytes_new_take (bytes, length));
  }

  result = validate (store, "budi", untrusted, NULL, forged, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_UNKNOWN);
  g_assert_cmpuint (teken_trust_result_get_problems (result)->len, ==, 1);
  g_clear_pointer (&result, teken_trust_result_free);

  /* Not an OCSP response at all: ignored. */
  g_ptr_array_add (junk, g_bytes_new_static ("\x30\x03\x0a\x01\x00", 5));
  g_ptr_array_add (junk, g_bytes_new_static ("junk", 4));
  result = validate (store, "budi", untrusted, NULL, junk, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_clear_pointer (&result, teken_trust_result_free);

  /* A responder that chains to no anchor is not believed. */
  result = validate (empty, "budi", untrusted, NULL, budi_ocsp, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_UNKNOWN);
}

static void
test_crl_and_ocsp (void)
{
  g_autoptr(TekenTrustStore) store = store_with_root ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenX509CrlStack) stale = crls_of ("issuing-ca-stale.crl");
  g_autoptr(GPtrArray) rudi_ocsp = ocsp_of ("rudi.ocsp");
  g_autoptr(GPtrArray) budi_ocsp = ocsp_of ("budi.ocsp");
  g_autoptr(TekenTrustResult) result = NULL;

  /* An old CRL that does not list rudi loses against a revocation. */
  result = validate (store, "rudi", untrusted, stale, rudi_ocsp, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_REVOKED, TEKEN_REVOCATION_STATUS_REVOKED);
  g_clear_pointer (&result, teken_trust_result_free);

  /* A current OCSP response makes up for an out-of-date CRL. */
  result = validate (store, "budi", untrusted, stale, budi_ocsp, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_GOOD);
}

static void
test_key_usage (void)
{
  g_autoptr(TekenTrustStore) store = store_with_root ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenTrustResult) result = NULL;

  /* keyUsage keyCertSign only. */
  result = validate (store, "keyusage", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_cmpuint (teken_trust_result_get_problems (result)->len, ==, 1);
  g_clear_pointer (&result, teken_trust_result_free);

  result = validate (store, "tsa", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_TIMESTAMPING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_clear_pointer (&result, teken_trust_result_free);

  /* A person's certificate is no timestamp authority. */
  result = validate (store, "budi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_TIMESTAMPING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_assert_cmpuint (teken_trust_result_get_problems (result)->len, ==, 1);
  g_clear_pointer (&result, teken_trust_result_free);

  /* And an OCSP responder's is neither. */
  result = validate (store, "ocsp", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_TIMESTAMPING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_UNTRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
}

static void
write_der (X509       *certificate,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  unsigned char *der = NULL;
  int length = i2d_X509 (certificate, &der);

  g_assert_cmpint (length, >, 0);
  g_file_set_contents (path, (const char *) der, length, &error);
  g_assert_no_error (error);
  OPENSSL_free (der);
}

static void
test_directory (void)
{
  g_autoptr(TekenTrustStore) store = teken_trust_store_new ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(X509) root = teken_test_load_certificate ("root.pem");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-trust-XXXXXX", &error);
  g_autofree char *root_path = NULL;
  g_autofree char *broken_path = NULL;
  g_autofree char *other_path = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *budi_pem = teken_test_pki_path ("budi.pem");
  g_autofree char *budi_contents = NULL;

  g_assert_no_error (error);
  root_path = g_build_filename (dir, "Root.CER", NULL);
  broken_path = g_build_filename (dir, "broken.pem", NULL);
  other_path = g_build_filename (dir, "budi.txt", NULL);
  missing = g_build_filename (dir, "missing", NULL);

  write_der (root, root_path);
  g_file_set_contents (broken_path, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", -1, &error);
  g_assert_no_error (error);
  /* Not a certificate file by its name: ignored. */
  g_file_get_contents (budi_pem, &budi_contents, NULL, &error);
  g_assert_no_error (error);
  g_file_set_contents (other_path, budi_contents, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (teken_trust_store_add_directory (store, missing), ==, 0);
  g_assert_cmpuint (teken_trust_store_add_directory (store, dir), ==, 1);
  /* Adding it again adds nothing. */
  g_assert_cmpuint (teken_trust_store_add_directory (store, dir), ==, 0);

  result = validate (store, "budi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);

  g_unlink (root_path);
  g_unlink (broken_path);
  g_unlink (other_path);
  g_rmdir (dir);
}

static void
test_file (void)
{
  g_autoptr(TekenTrustStore) store = teken_trust_store_new ();
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *chain = teken_test_pki_path ("chain.pem");
  g_autofree char *missing = teken_test_pki_path ("missing.pem");
  g_autofree char *not_certificate = teken_test_pki_path ("budi.pass");
  g_autofree char *key = teken_test_pki_path ("budi.key");

  g_assert_false (teken_trust_store_add_file (store, missing, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_assert_false (teken_trust_store_add_file (store, not_certificate, &error));
  g_assert_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_INVALID_FILE);
  g_clear_error (&error);

  g_assert_false (teken_trust_store_add_file (store, key, &error));
  g_assert_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_INVALID_FILE);
  g_clear_error (&error);

  /* Both certificates of chain.pem become anchors, so the issuing CA need
   * not come with the document. */
  g_assert_true (teken_trust_store_add_file (store, chain, &error));
  g_assert_no_error (error);
  result = validate (store, "siti", NULL, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
}

static void
test_defaults (void)
{
  g_autoptr(TekenTrustStore) store = teken_trust_store_new ();
  g_autoptr(TekenTrustStore) certificate_store = teken_trust_store_new ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(X509) root = teken_test_load_certificate ("root.pem");
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "teken", "trust", NULL);
  g_autofree char *path = g_build_filename (dir, "root.crt", NULL);

  /* The Indonesian roots of DESIGN.md, as the defaults pin them. */
  g_assert_true (teken_trust_store_add_pinned_sha256 (certificate_store, "B5F36672FD7CFD401E01EF640B2FE61F816F32F447B280B76F536244CF42FCDF"));
  g_assert_true (teken_trust_store_add_pinned_sha256 (certificate_store, "4A3AB062C4D24F60417FA28F6543AC7151C9F1FDE5817BBE67F49C55CE5FFED5"));
  g_assert_true (teken_trust_store_add_pinned_sha256 (certificate_store, "2178095B3CC0F6FACB9E6F07FEECEE6327A89C6681AF43BA95126B68867D02B2"));

  /* G_TEST_OPTION_ISOLATE_DIRS: the user data dir is a scratch one. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_der (root, path);

  teken_trust_store_add_defaults (store);
  result = validate (store, "budi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
  g_clear_pointer (&result, teken_trust_result_free);

  g_unlink (path);

  /* And as a certificate handed over directly. */
  teken_trust_store_add_certificate (certificate_store, root);
  result = validate (certificate_store, "budi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);
}

static guint
count_anchors (TekenTrustAnchorSource source)
{
  g_autoptr(GPtrArray) anchors = teken_trust_anchor_list_defaults ();
  guint n = 0;

  for (guint i = 0; i < anchors->len; i++)
    n += teken_trust_anchor_get_source (g_ptr_array_index (anchors, i)) == source;

  return n;
}

/* What Preferences lists, imports and removes, and that the store trusts
 * what was imported. */
static void
test_anchors (void)
{
  g_autoptr(GPtrArray) anchors = teken_trust_anchor_list_defaults ();
  g_autoptr(X509) root = teken_test_load_certificate ("root.pem");
  g_autofree char *scratch = g_build_filename (g_get_tmp_dir (), "root.der", NULL);
  g_autofree char *person = teken_test_pki_path ("budi.pem");
  g_autofree char *chain = teken_test_pki_path ("chain.pem");
  g_autoptr(TekenTrustAnchor) candidate = NULL;
  g_autoptr(TekenTrustAnchor) imported = NULL;
  g_autoptr(TekenTrustAnchor) refused = NULL;
  g_autoptr(TekenTrustStore) store = teken_trust_store_new ();
  g_autoptr(TekenX509Stack) untrusted = intermediates ();
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(GError) error = NULL;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  GString *expected = g_string_new (NULL);

  /* The pinned roots first, by name, with the fingerprints of DESIGN.md. */
  g_assert_cmpuint (anchors->len, >=, 3);
  g_assert_cmpint (teken_trust_anchor_get_source (g_ptr_array_index (anchors, 0)), ==, TEKEN_TRUST_ANCHOR_PINNED);
  g_assert_cmpstr (teken_trust_anchor_get_name (g_ptr_array_index (anchors, 0)), ==, "Root CA Indonesia DS G1");
  g_assert_cmpstr (teken_trust_anchor_get_fingerprint (g_ptr_array_index (anchors, 0)), ==,
                   "B5:F3:66:72:FD:7C:FD:40:1E:01:EF:64:0B:2F:E6:1F:81:6F:32:F4:47:B2:80:B7:6F:53:62:44:CF:42:FC:DF");
  g_assert_null (teken_trust_anchor_get_not_after (g_ptr_array_index (anchors, 0)));
  g_assert_false (teken_trust_anchor_remove (g_ptr_array_index (anchors, 0), &error));
  g_assert_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (count_anchors (TEKEN_TRUST_ANCHOR_USER), ==, 0);

  /* A DER root: read, checked, imported under its fingerprint. */
  write_der (root, scratch);
  candidate = teken_trust_anchor_new_from_file (scratch, &error);
  g_assert_no_error (error);
  g_assert_cmpint (teken_trust_anchor_get_source (candidate), ==, TEKEN_TRUST_ANCHOR_CANDIDATE);
  g_assert_cmpstr (teken_trust_anchor_get_name (candidate), ==, "Teken Test Root CA");
  g_assert_nonnull (strstr (teken_trust_anchor_get_subject (candidate), "CN=Teken Test Root CA"));
  g_assert_nonnull (teken_trust_anchor_get_not_before (candidate));
  g_assert_true (X509_digest (root, EVP_sha256 (), digest, &length));
  for (guint i = 0; i < length; i++)
    g_string_append_printf (expected, i ? ":%02X" : "%02X", digest[i]);
  g_assert_cmpstr (teken_trust_anchor_get_fingerprint (candidate), ==, expected->str);
  g_string_free (expected, TRUE);

  imported = teken_trust_anchor_import (candidate, &error);
  g_assert_no_error (error);
  g_assert_cmpint (teken_trust_anchor_get_source (imported), ==, TEKEN_TRUST_ANCHOR_USER);
  g_assert_true (g_file_test (teken_trust_anchor_get_path (imported), G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_anchors (TEKEN_TRUST_ANCHOR_USER), ==, 1);

  /* The store trusts it from there. */
  teken_trust_store_add_defaults (store);
  result = validate (store, "budi", untrusted, NULL, NULL, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  assert_status (result, TEKEN_TRUST_STATUS_TRUSTED, TEKEN_REVOCATION_STATUS_NOT_CHECKED);

  /* Twice is once. */
  g_assert_null (teken_trust_anchor_import (candidate, &error));
  g_assert_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_ALREADY_TRUSTED);
  g_clear_error (&error);

  /* A person's certificate is no anchor; a chain file is two certificates. */
  refused = teken_trust_anchor_new_from_file (person, &error);
  g_assert_no_error (error);
  g_assert_false (teken_trust_anchor_check_importable (refused, &error));
  g_assert_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_NOT_CA);
  g_clear_error (&error);
  g_assert_null (teken_trust_anchor_new_from_file (chain, &error));
  g_assert_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_INVALID_FILE);
  g_clear_error (&error);
  g_assert_null (teken_trust_anchor_new_from_file (scratch + 1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (teken_trust_anchor_remove (imported, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_anchors (TEKEN_TRUST_ANCHOR_USER), ==, 0);
  g_unlink (scratch);
}

static void
test_strings (void)
{
  g_assert_cmpstr (teken_trust_status_to_string (TEKEN_TRUST_STATUS_TRUSTED), ==, "trusted");
  g_assert_cmpstr (teken_trust_status_to_string (TEKEN_TRUST_STATUS_UNTRUSTED), ==, "untrusted");
  g_assert_cmpstr (teken_trust_status_to_string (TEKEN_TRUST_STATUS_EXPIRED), ==, "expired");
  g_assert_cmpstr (teken_trust_status_to_string (TEKEN_TRUST_STATUS_REVOKED), ==, "revoked");
  g_assert_cmpstr (teken_trust_status_to_string (TEKEN_TRUST_STATUS_UNKNOWN), ==, "unknown");
  g_assert_cmpstr (teken_revocation_status_to_string (TEKEN_REVOCATION_STATUS_GOOD), ==, "good");
  g_assert_cmpstr (teken_revocation_status_to_string (TEKEN_REVOCATION_STATUS_REVOKED), ==, "revoked");
  g_assert_cmpstr (teken_revocation_status_to_string (TEKEN_REVOCATION_STATUS_UNKNOWN), ==, "unknown");
  g_assert_cmpstr (teken_revocation_status_to_string (TEKEN_REVOCATION_STATUS_NOT_CHECKED), ==, "not_checked");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/trust/trusted", test_trusted);
  g_test_add_func ("/trust/untrusted", test_untrusted);
  g_test_add_func ("/trust/pinned", test_pinned);
  g_test_add_func ("/trust/expired", test_expired);
  g_test_add_func ("/trust/crl", test_crl);
  g_test_add_func ("/trust/crl-time", test_crl_time);
  g_test_add_func ("/trust/crl-forged", test_crl_forged);
  g_test_add_func ("/trust/ocsp", test_ocsp);
  g_test_add_func ("/trust/ocsp-forged", test_ocsp_forged);
  g_test_add_func ("/trust/crl-and-ocsp", test_crl_and_ocsp);
  g_test_add_func ("/trust/key-usage", test_key_usage);
  g_test_add_func ("/trust/directory", test_directory);
  g_test_add_func ("/trust/file", test_file);
  g_test_add_func ("/trust/defaults", test_defaults);
  g_test_add_func ("/trust/anchors", test_anchors);
  g_test_add_func ("/trust/strings", test_strings);

  return g_test_run ();
}
