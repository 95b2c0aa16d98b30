/* test-cms-verify.c
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

#include "teken-cms.h"
#include "teken-cms-verify.h"
#include "teken-signer.h"
#include "teken-trust.h"
#include "teken-x509-private.h"

static const char content[] = "%PDF-1.7\nthe signed byte ranges of a document\n%%EOF\n";
#define CONTENT_LENGTH (sizeof content - 1)

static TekenX509Stack *
load_chain (void)
{
  TekenX509Stack *chain = sk_X509_new_null ();

  sk_X509_push (chain, teken_test_load_certificate ("issuing-ca.pem"));
  sk_X509_push (chain, teken_test_load_certificate ("root.pem"));

  return chain;
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

static GBytes *
digest_of (const EVP_MD *md,
           const void   *data,
           gsize         length)
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;

  g_assert_true (EVP_Digest (data, length, digest, &digest_length, md, NULL));

  return g_bytes_new (digest, digest_length);
}

static GBytes *
encode_cms (CMS_ContentInfo *cms)
{
  unsigned char *der = NULL;
  int length = i2d_CMS_ContentInfo (cms, &der);
  GBytes *bytes;

  g_assert_cmpint (length, >, 0);
  bytes = g_bytes_new (der, length);
  OPENSSL_free (der);

  return bytes;
}

static CMS_ContentInfo *
decode_cms (GBytes *der)
{
  const unsigned char *p = g_bytes_get_data (der, NULL);
  CMS_ContentInfo *cms = d2i_CMS_ContentInfo (NULL, &p, g_bytes_get_size (der));

  g_assert_nonnull (cms);

  return cms;
}

static CMS_SignerInfo *
first_signer_info (CMS_ContentInfo *cms)
{
  return sk_CMS_SignerInfo_value (CMS_get0_SignerInfos (cms), 0);
}

/* As the PDF side does: the bytes in pieces, as byte ranges come. */
static gboolean
check (TekenCmsVerification *verification,
       const void           *data,
       gsize                 length)
{
  const guint8 *bytes = data;
  gsize first = length / 3;
  gsize second = length / 2;
  GPtrArray *problems;
  gboolean intact;

  teken_cms_verification_update (verification, bytes, first);
  teken_cms_verification_update (verification, bytes + first, 0);
  teken_cms_verification_update (verification, bytes + first, second - first);
  teken_cms_verification_update (verification, bytes + second, length - second);
  intact = teken_cms_verification_finish (verification);

  problems = teken_cms_verification_get_problems (verification);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (const char *) g_ptr_array_index (problems, i));

  /* The answer stays. */
  g_assert_cmpint (teken_cms_verification_finish (verification), ==, intact);

  return intact;
}

static gboolean
verify_bytes (GBytes       *cms,
              TekenCmsMode  mode,
              const void   *data,
              gsize         length)
{
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autoptr(GError) error = NULL;

  verification = teken_cms_verification_new (cms, &error);
  g_assert_no_error (error);
  g_assert_nonnull (verification);
  teken_cms_verification_set_mode (verification, mode);

  return check (verification, data, length);
}

static char *
tampered_content (void)
{
  char *tampered = g_strdup (content);

  tampered[5] = '2';

  return tampered;
}

static char *
get_common_name (X509 *certificate)
{
  char name[256];

  g_assert_cmpint (X509_NAME_get_text_by_NID (X509_get_subject_name (certificate),
                                              NID_commonName, name, sizeof name), >, 0);

  return g_strdup (name);
}

/* A signature made by OpenSSL's own CMS code, the way many other signers
 * make them: with signingTime, and with the choices @flags and @md. */
static GBytes *
sign_with_openssl (const char      *name,
                   const EVP_MD    *md,
                   unsigned int     flags,
                   const void      *data,
                   gsize            length,
                   X509_ATTRIBUTE  *extra_attribute)
{
  g_autoptr(EVP_PKEY) key = teken_test_load_holder_key (name);
  g_autoptr(X509) certificate = teken_test_load_holder_certificate (name);
  g_autoptr(TekenX509Stack) chain = load_chain ();
  g_autoptr(CMS_ContentInfo) cms = NULL;
  g_autoptr(BIO) bio = BIO_new_mem_buf (data, length);
  CMS_SignerInfo *si;

  flags |= CMS_BINARY;
  cms = CMS_sign (NULL, NULL, (flags & CMS_NOCERTS) ? NULL : chain, NULL, flags | CMS_PARTIAL);
  g_assert_nonnull (cms);
  si = CMS_add1_signer (cms, certificate, key, md, flags);
  g_assert_nonnull (si);
  if (extra_attribute != NULL)
    g_assert_true (CMS_signed_add1_attr (si, extra_attribute));
  g_assert_true (CMS_final (cms, bio, NULL, flags));

  return encode_cms (cms);
}

static GBytes *
sign_digest (const char *name,
             const void *data,
             gsize       length)
{
  g_autoptr(EVP_PKEY) key = teken_test_load_holder_key (name);
  g_autoptr(X509) certificate = teken_test_load_holder_certificate (name);
  g_autoptr(TekenX509Stack) chain = load_chain ();
  g_autoptr(GBytes) digest = digest_of (EVP_sha256 (), data, length);
  g_autoptr(GError) error = NULL;
  GBytes *cms;

  cms = teken_cms_sign_digest (key, certificate, chain, digest, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cms);

  return cms;
}

static void
test_detached (gconstpointer data)
{
  const char *name = data;
  g_autoptr(GBytes) cms = sign_digest (name, content, CONTENT_LENGTH);
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autoptr(X509) expected = teken_test_load_holder_certificate (name);
  g_autoptr(GError) error = NULL;
  g_autofree char *tampered = tampered_content ();
  X509 *signer;

  verification = teken_cms_verification_new (cms, &error);
  g_assert_no_error (error);
  g_assert_true (check (verification, content, CONTENT_LENGTH));

  signer = teken_cms_verification_get_signer_certificate (verification);
  g_assert_nonnull (signer);
  g_assert_cmpint (X509_cmp (signer, expected), ==, 0);
  g_assert_cmpint (sk_X509_num (teken_cms_verification_get_certificates (verification)), ==, 3);
  g_assert_cmpstr (teken_cms_verification_get_digest_algorithm (verification), ==, "SHA-256");
  g_assert_cmpuint (teken_cms_verification_get_problems (verification)->len, ==, 0);
  /* PAdES: no signingTime. */
  g_assert_null (teken_cms_verification_get_claimed_signing_time (verification));
  g_assert_false (teken_cms_verification_has_timestamp (verification));
  g_assert_cmpint (sk_X509_CRL_num (teken_cms_verification_get_crls (verification)), ==, 0);
  g_assert_cmpuint (teken_cms_verification_get_ocsp_responses (verification)->len, ==, 0);
  g_assert_null (teken_cms_verification_get_timestamp_time (verification));

  /* One byte changed. */
  g_assert_false (verify_bytes (cms, TEKEN_CMS_MODE_DETACHED, tampered, CONTENT_LENGTH));
  /* One byte less, or one more. */
  g_assert_false (verify_bytes (cms, TEKEN_CMS_MODE_DETACHED, content, CONTENT_LENGTH - 1));
  g_assert_false (verify_bytes (cms, TEKEN_CMS_MODE_DETACHED, content, CONTENT_LENGTH + 1));
  /* Only the detached mode fits this signature. */
  g_assert_false (verify_bytes (cms, TEKEN_CMS_MODE_SHA1, content, CONTENT_LENGTH));
  g_assert_false (verify_bytes (cms, TEKEN_CMS_MODE_TIMESTAMP, content, CONTENT_LENGTH));
}

static void
test_changed_content (void)
{
  g_autoptr(GBytes) cms = sign_digest ("budi", content, CONTENT_LENGTH);
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autofree char *tampered = tampered_content ();

  verification = teken_cms_verification_new (cms, NULL);
  g_assert_nonnull (verification);
  g_assert_false (check (verification, tampered, CONTENT_LENGTH));
  /* The reason is given, and who signed is still known. */
  g_assert_cmpuint (teken_cms_verification_get_problems (verification)->len, ==, 1);
  g_assert_nonnull (teken_cms_verification_get_signer_certificate (verification));
}

static void
test_corrupted_signature (void)
{
  g_autoptr(GBytes) cms = sign_digest ("budi", content, CONTENT_LENGTH);
  g_autoptr(GBytes) other = sign_digest ("budi", content, CONTENT_LENGTH - 1);
  g_autoptr(CMS_ContentInfo) parsed = decode_cms (cms);
  g_autoptr(CMS_ContentInfo) parsed_other = decode_cms (other);
  g_autoptr(GBytes) corrupted = NULL;
  g_autoptr(GBytes) restored = NULL;
  g_autoptr(GBytes) transplanted = NULL;
  ASN1_OCTET_STRING *signature = CMS_SignerInfo_get0_signature (first_signer_info (parsed));
  ASN1_OCTET_STRING *other_signature = CMS_SignerInfo_get0_signature (first_signer_info (parsed_other));
  int length = ASN1_STRING_length (signature);
  guint8 *value = g_memdup2 (ASN1_STRING_get0_data (signature), length);

  /* One bit of the signature value. */
  value[length / 2] ^= 0x01;
  ASN1_STRING_set0 (signature, value, length);
  corrupted = encode_cms (parsed);
  g_assert_false (verify_bytes (corrupted, TEKEN_CMS_MODE_DETACHED, content, CONTENT_LENGTH));

  /* Put back, it verifies: the bit was the reason. */
  value[length / 2] ^= 0x01;
  restored = encode_cms (parsed);
  g_assert_true (verify_bytes (restored, TEKEN_CMS_MODE_DETACHED, content, CONTENT_LENGTH));

  /* A genuine signature by the same key, but over other attributes. */
  g_assert_true (ASN1_STRING_set (signature, ASN1_STRING_get0_data (other_signature),
                                  ASN1_STRING_length (other_signature)));
  transplanted = encode_cms (parsed);
  g_assert_false (verify_bytes (transplanted, TEKEN_CMS_MODE_DETACHED, content, CONTENT_LENGTH));
}

static void
test_missing_certificate (void)
{
  g_autoptr(GBytes) cms = sign_with_openssl ("budi", EVP_sha256 (), CMS_DETACHED | CMS_NOCERTS,
                                             content, CONTENT_LENGTH, NULL);
  g_autoptr(TekenCmsVerification) verification = NULL;

  verification = teken_cms_verification_new (cms, NULL);
  g_assert_nonnull (verification);
  g_assert_null (teken_cms_verification_get_signer_certificate (verification));
  g_assert_cmpint (sk_X509_num (teken_cms_verification_get_certificates (verification)), ==, 0);
  /* Said before the check, and the check fails. */
  g_assert_cmpuint (teken_cms_verification_get_problems (verification)->len, ==, 1);
  g_assert_false (check (verification, content, CONTENT_LENGTH));
  g_assert_cmpuint (teken_cms_verification_get_problems (verification)->len, ==, 1);
}

static void
test_sha1 (void)
{
  g_autoptr(GBytes) cms = sign_with_openssl ("budi", EVP_sha1 (), CMS_DETACHED, content, CONTENT_LENGTH, NULL);
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autofree char *tampered = tampered_content ();
  GPtrArray *problems;

  verification = teken_cms_verification_new (cms, NULL);
  g_assert_nonnull (verification);
  g_assert_cmpstr (teken_cms_verification_get_digest_algorithm (verification), ==, "SHA-1");

  /* Weak, reported, but still checked. */
  problems = teken_cms_verification_get_problems (verification);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "SHA-1"));
  g_assert_true (check (verification, content, CONTENT_LENGTH));
  g_assert_cmpuint (problems->len, ==, 1);

  g_assert_false (verify_bytes (cms, TEKEN_CMS_MODE_DETACHED, tampered, CONTENT_LENGTH));
}

static void
test_signing_time (void)
{
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(GBytes) cms = sign_with_openssl ("siti", EVP_sha256 (), CMS_DETACHED, content, CONTENT_LENGTH, NULL);
  g_autoptr(GDateTime) after = g_date_time_new_now_utc ();
  g_autoptr(TekenCmsVerification) verification = NULL;
  GDateTime *signing_time;

  verification = teken_cms_verification_new (cms, NULL);
  g_assert_nonnull (verification);
  signing_time = teken_cms_verification_get_claimed_signing_time (verification);
  g_assert_nonnull (signing_time);
  /* signingTime has whole seconds, from OpenSSL's time(), which reads the
   * kernel's coarse clock and can lag GLib's by a tick at a second's edge. */
  g_assert_cmpint (g_date_time_to_unix (signing_time), >=, g_date_time_to_unix (before) - 1);
  g_assert_cmpint (g_date_time_to_unix (signing_time), <=, g_date_time_to_unix (after));
  g_assert_true (check (verification, content, CONTENT_LENGTH));
}

static void
test_without_signed_attributes (void)
{
  g_autofree char *tampered = tampered_content ();
  const char * const names[] = { "budi", "dewi" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) cms = sign_with_openssl (names[i], EVP_sha256 (), CMS_DETACHED | CMS_NOATTR,
                                                 content, CONTENT_LENGTH, NULL);
      g_autoptr(CMS_ContentInfo) parsed = decode_cms (cms);

      g_assert_cmpint (CMS_signed_get_attr_count (first_signer_info (parsed)), <, 0);
      g_assert_true (verify_bytes (cms, TEKEN_CMS_MODE_DETACHED, content, CONTENT_LENGTH));
      g_assert_false (verify_bytes (cms, TEKEN_CMS_MODE_DETACHED, tampered, CONTENT_LENGTH));
    }
}

static void
test_adbe_sha1 (void)
{
  g_autoptr(GBytes) digest = digest_of (EVP_sha1 (), content, CONTENT_LENGTH);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GBytes) cms_no_attributes = NULL;
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autofree char *tampered = tampered_content ();
  gsize length;
  const void *data = g_bytes_get_data (digest, &length);

  /* adbe.pkcs7.sha1: the SHA-1 of the bytes is the encapsulated content. */
  cms = sign_with_openssl ("budi", EVP_sha256 (), 0, data, length, NULL);
  verification = teken_cms_verification_new (cms, NULL);
  g_assert_nonnull (verification);
  teken_cms_verification_set_mode (verification, TEKEN_CMS_MODE_SHA1);
  g_assert_cmpstr (teken_cms_verification_get_digest_algorithm (verification), ==, "SHA-1");
  g_assert_true (check (verification, content, CONTENT_LENGTH));
  g_assert_cmpuint (teken_cms_verification_get_problems (verification)->len, ==, 1);

  g_assert_false (verify_bytes (cms, TEKEN_CMS_MODE_SHA1, tampered, CONTENT_LENGTH));
  /* Read as detached, the signed content would be the 20 bytes. */
  g_assert_false (verify_bytes (cms, TEKEN_CMS_MODE_DETACHED, content, CONTENT_LENGTH));
  g_assert_true (verify_bytes (cms, TEKEN_CMS_MODE_DETACHED, data, length));

  cms_no_attributes = sign_with_openssl ("siti", EVP_sha256 (), CMS_NOATTR, data, length, NULL);
  g_assert_true (verify_bytes (cms_no_attributes, TEKEN_CMS_MODE_SHA1, content, CONTENT_LENGTH));
  g_assert_false (verify_bytes (cms_no_attributes, TEKEN_CMS_MODE_SHA1, tampered, CONTENT_LENGTH));
}

static void
test_signing_certificate_mismatch (void)
{
  g_autoptr(X509) siti = teken_test_load_certificate ("siti.pem");
  g_autoptr(ESS_SIGNING_CERT_V2) signing_cert = NULL;
  g_autoptr(ASN1_STRING) sequence = ASN1_STRING_new ();
  g_autoptr(GBytes) cms = NULL;
  X509_ATTRIBUTE *attribute;
  unsigned char *der = NULL;
  int length;

  /* Budi's signature, whose signingCertificateV2 names Siti's certificate. */
  signing_cert = OSSL_ESS_signing_cert_v2_new_init (EVP_sha256 (), siti, NULL, 0);
  g_assert_nonnull (signing_cert);
  length = i2d_ESS_SIGNING_CERT_V2 (signing_cert, &der);
  g_assert_cmpint (length, >, 0);
  g_assert_true (ASN1_STRING_set (sequence, der, length));
  OPENSSL_free (der);
  attribute = X509_ATTRIBUTE_create (NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, sequence);
  g_assert_nonnull (attribute);
  sequence = NULL;

  cms = sign_with_openssl ("budi", EVP_sha256 (), CMS_DETACHED, content, CONTENT_LENGTH, attribute);
  X509_ATTRIBUTE_free (attribute);
  g_assert_false (verify_bytes (cms, TEKEN_CMS_MODE_DETACHED, content, CONTENT_LENGTH));
}

static void
test_invalid (void)
{
  g_autoptr(GBytes) cms = sign_digest ("dewi", content, CONTENT_LENGTH);
  g_autoptr(GByteArray) padded = g_byte_array_new ();
  g_autoptr(GBytes) padded_bytes = NULL;
  g_autoptr(GBytes) garbage_bytes = NULL;
  g_autoptr(GBytes) random = g_bytes_new_static (content, CONTENT_LENGTH);
  g_autoptr(GBytes) data_bytes = NULL;
  g_autoptr(GBytes) certificates_only = NULL;
  g_autoptr(CMS_ContentInfo) data = NULL;
  g_autoptr(CMS_ContentInfo) degenerate = NULL;
  g_autoptr(TekenX509Stack) chain = load_chain ();
  g_autoptr(BIO) bio = BIO_new_mem_buf (content, CONTENT_LENGTH);
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 zeros[64] = { 0, };

  verification = teken_cms_verification_new (random, &error);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
  g_assert_null (verification);
  g_clear_error (&error);

  /* A CMS, but not SignedData. */
  data = CMS_data_create (bio, CMS_BINARY);
  g_assert_nonnull (data);
  data_bytes = encode_cms (data);
  g_assert_null (teken_cms_verification_new (data_bytes, &error));
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
  g_clear_error (&error);

  /* SignedData without a SignerInfo: certificates only. */
  degenerate = CMS_sign (NULL, NULL, chain, NULL, CMS_PARTIAL);
  g_assert_nonnull (degenerate);
  certificates_only = encode_cms (degenerate);
  g_assert_null (teken_cms_verification_new (certificates_only, &error));
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
  g_clear_error (&error);

  /* A PDF's /Contents: the DER, then zeros. */
  g_byte_array_append (padded, g_bytes_get_data (cms, NULL), g_bytes_get_size (cms));
  g_byte_array_append (padded, zeros, sizeof zeros);
  padded_bytes = g_bytes_new (padded->data, padded->len);
  g_assert_true (verify_bytes (padded_bytes, TEKEN_CMS_MODE_DETACHED, content, CONTENT_LENGTH));

  /* Anything else after it. */
  g_byte_array_append (padded, (const guint8 *) "x", 1);
  garbage_bytes = g_bytes_new (padded->data, padded->len);
  g_assert_null (teken_cms_verification_new (garbage_bytes, &error));
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
}

/* DER tag and length, then @content. */
static void
append_tlv (GByteArray   *out,
            guint8        tag,
            const guint8 *content_data,
            gsize         length)
{
  guint8 header[6] = { tag, };
  gsize header_length;

  g_assert_cmpuint (length, <, 0x1000000);
  if (length < 0x80)
    {
      header[1] = length;
      header_length = 2;
    }
  else if (length < 0x10000)
    {
      header[1] = 0x82;
      header[2] = length >> 8;
      header[3] = length & 0xff;
      header_length = 4;
    }
  else
    {
      header[1] = 0x83;
      header[2] = length >> 16;
      header[3] = (length >> 8) & 0xff;
      header[4] = length & 0xff;
      header_length = 5;
    }

  g_byte_array_append (out, header, header_length);
  g_byte_array_append (out, content_data, length);
}

static GByteArray *
wrap (guint8      tag,
      GByteArray *inner)
{
  GByteArray *out = g_byte_array_new ();

  append_tlv (out, tag, inner->data, inner->len);

  return out;
}

static void
test_revocation_archival (void)
{
  g_autofree char *crl_path = teken_test_pki_path ("issuing-ca.crl");
  g_autoptr(BIO) crl_bio = BIO_new_file (crl_path, "r");
  g_autoptr(X509_CRL) crl = NULL;
  g_autoptr(GBytes) ocsp = load_bytes ("budi.ocsp");
  g_autoptr(GByteArray) crls = g_byte_array_new ();
  g_autoptr(GByteArray) responses = g_byte_array_new ();
  g_autoptr(GByteArray) crl_set = NULL;
  g_autoptr(GByteArray) response_set = NULL;
  g_autoptr(GByteArray) crl_field = NULL;
  g_autoptr(GByteArray) response_field = NULL;
  g_autoptr(GByteArray) fields = g_byte_array_new ();
  g_autoptr(GByteArray) archival = NULL;
  g_autoptr(ASN1_OBJECT) oid = OBJ_txt2obj ("1.2.840.113583.1.1.8", 1);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autoptr(TekenTrustStore) store = teken_trust_store_new ();
  g_autoptr(TekenTrustResult) result = NULL;
  g_autofree char *root = teken_test_pki_path ("root.pem");
  X509_ATTRIBUTE *attribute;
  unsigned char *der = NULL;
  GPtrArray *ocsp_responses;
  int length;

  g_assert_nonnull (crl_bio);
  crl = PEM_read_bio_X509_CRL (crl_bio, NULL, NULL, NULL);
  g_assert_nonnull (crl);
  length = i2d_X509_CRL (crl, &der);
  g_assert_cmpint (length, >, 0);
  g_byte_array_append (crls, der, length);
  OPENSSL_free (der);
  g_byte_array_append (responses, g_bytes_get_data (ocsp, NULL), g_bytes_get_size (ocsp));

  /* SEQUENCE { [0] { SEQUENCE OF CRL }, [1] { SEQUENCE OF OCSPResponse } } */
  crl_set = wrap (0x30, crls);
  response_set = wrap (0x30, responses);
  crl_field = wrap (0xa0, crl_set);
  response_field = wrap (0xa1, response_set);
  g_byte_array_append (fields, crl_field->data, crl_field->len);
  g_byte_array_append (fields, response_field->data, response_field->len);
  archival = wrap (0x30, fields);

  attribute = X509_ATTRIBUTE_create_by_OBJ (NULL, oid, V_ASN1_SEQUENCE, archival->data, archival->len);
  g_assert_nonnull (attribute);

  cms = sign_with_openssl ("budi", EVP_sha256 (), CMS_DETACHED, content, CONTENT_LENGTH, attribute);
  X509_ATTRIBUTE_free (attribute);

  verification = teken_cms_verification_new (cms, NULL);
  g_assert_nonnull (verification);
  g_assert_true (check (verification, content, CONTENT_LENGTH));
  g_assert_cmpint (sk_X509_CRL_num (teken_cms_verification_get_crls (verification)), ==, 1);
  g_assert_cmpint (X509_CRL_cmp (sk_X509_CRL_value (teken_cms_verification_get_crls (verification), 0), crl), ==, 0);
  ocsp_responses = teken_cms_verification_get_ocsp_responses (verification);
  g_assert_cmpuint (ocsp_responses->len, ==, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (ocsp_responses, 0), ocsp));

  /* What the trust check makes of them. */
  g_assert_true (teken_trust_store_add_file (store, root, NULL));
  result = teken_trust_store_validate (store, teken_cms_verification_get_signer_certificate (verification),
                                       teken_cms_verification_get_certificates (verification),
                                       teken_cms_verification_get_crls (verification),
                                       ocsp_responses, NULL, TEKEN_TRUST_PURPOSE_SIGNING, 0);
  g_assert_cmpint (teken_trust_result_get_status (result), ==, TEKEN_TRUST_STATUS_TRUSTED);
  g_assert_cmpint (teken_trust_result_get_revocation (result), ==, TEKEN_REVOCATION_STATUS_GOOD);
}

static gboolean
run_openssl (const char  *cwd,
             char       **output,
             ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *argument;
  va_list args;

  g_ptr_array_add (argv, (char *) "openssl");
  va_start (args, output);
  while ((argument = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) argument);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_cwd (launcher, cwd);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, output, NULL, &error);
  g_assert_no_error (error);

  return g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
}

/* An RFC 3161 token from the test TSA over @data, as `openssl ts` makes it. */
static GBytes *
make_timestamp_token (const void *data,
                      gsize       length,
                      gboolean    with_certificate)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cms-verify-XXXXXX", &error);
  g_autofree char *data_path = NULL;
  g_autofree char *token_path = NULL;
  g_autofree char *query_path = NULL;
  g_autofree char *serial_path = NULL;
  g_autofree char *config = teken_test_pki_path ("tsa.cnf");
  g_autofree char *tsa = teken_test_pki_path ("tsa.pem");
  g_autofree char *tsa_key = teken_test_pki_path ("tsa.key");
  g_autofree char *chain = teken_test_pki_path ("issuing-ca.pem");
  g_autofree char *output = NULL;
  g_autofree char *token = NULL;
  gsize token_length;

  g_assert_no_error (error);
  data_path = g_build_filename (dir, "data", NULL);
  query_path = g_build_filename (dir, "query.tsq", NULL);
  token_path = g_build_filename (dir, "token.der", NULL);
  serial_path = g_build_filename (dir, "tsa-serial", NULL);
  g_file_set_contents (data_path, data, length, &error);
  g_assert_no_error (error);

  if (!run_openssl (dir, &output, "ts", "-query", "-data", data_path, "-sha256",
                    with_certificate ? "-cert" : "-no_nonce", "-out", query_path, NULL))
    g_error ("openssl ts -query: %s", output);
  g_clear_pointer (&output, g_free);

  if (!run_openssl (dir, &output, "ts", "-reply", "-config", config, "-queryfile", query_path,
                    "-signer", tsa, "-inkey", tsa_key, "-chain", chain,
                    "-token_out", "-out", token_path, NULL))
    g_error ("openssl ts -reply: %s", output);

  g_file_get_contents (token_path, &token, &token_length, &error);
  g_assert_no_error (error);

  g_unlink (data_path);
  g_unlink (query_path);
  g_unlink (token_path);
  g_unlink (serial_path);
  g_rmdir (dir);

  return g_bytes_new_take (g_steal_pointer (&token), token_length);
}

static GBytes *
add_timestamp (GBytes *cms,
               GBytes *token)
{
  g_autoptr(CMS_ContentInfo) parsed = decode_cms (cms);

  g_assert_cmpint (CMS_unsigned_add1_attr_by_NID (first_signer_info (parsed), NID_id_smime_aa_timeStampToken,
                                                  V_ASN1_SEQUENCE, g_bytes_get_data (token, NULL),
                                                  g_bytes_get_size (token)), ==, 1);

  return encode_cms (parsed);
}

static GBytes *
signature_value (GBytes *cms)
{
  g_autoptr(CMS_ContentInfo) parsed = decode_cms (cms);
  ASN1_OCTET_STRING *signature = CMS_SignerInfo_get0_signature (first_signer_info (parsed));

  return g_bytes_new (ASN1_STRING_get0_data (signature), ASN1_STRING_length (signature));
}

static void
test_timestamp (void)
{
  g_autoptr(GBytes) cms = sign_digest ("budi", content, CONTENT_LENGTH);
  g_autoptr(GBytes) signature = signature_value (cms);
  g_autoptr(GBytes) token = make_timestamp_token (g_bytes_get_data (signature, NULL),
                                                  g_bytes_get_size (signature), TRUE);
  g_autoptr(GBytes) other_token = make_timestamp_token (content, CONTENT_LENGTH, TRUE);
  g_autoptr(GBytes) bare_token = make_timestamp_token (g_bytes_get_data (signature, NULL),
                                                       g_bytes_get_size (signature), FALSE);
  g_autoptr(GBytes) timestamped = add_timestamp (cms, token);
  g_autoptr(GBytes) wrongly_timestamped = add_timestamp (cms, other_token);
  g_autoptr(GBytes) barely_timestamped = add_timestamp (cms, bare_token);
  g_autoptr(TekenCmsVerification) plain = NULL;
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autoptr(TekenCmsVerification) timestamp = NULL;
  g_autoptr(TekenCmsVerification) wrong = NULL;
  g_autoptr(TekenTrustStore) store = teken_trust_store_new ();
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *root = teken_test_pki_path ("root.pem");
  g_autofree char *tsa_name = NULL;
  GDateTime *time;

  plain = teken_cms_verification_new (cms, NULL);
  g_assert_false (teken_cms_verification_has_timestamp (plain));
  g_assert_null (teken_cms_verification_verify_timestamp (plain, &error));
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
  g_clear_error (&error);

  verification = teken_cms_verification_new (timestamped, &error);
  g_assert_no_error (error);
  g_assert_true (teken_cms_verification_has_timestamp (verification));
  /* An unsigned attribute: the signature itself is unchanged. */
  g_assert_true (check (verification, content, CONTENT_LENGTH));

  timestamp = teken_cms_verification_verify_timestamp (verification, &error);
  g_assert_no_error (error);
  g_assert_nonnull (timestamp);
  time = teken_cms_verification_get_timestamp_time (timestamp);
  g_assert_nonnull (time);
  g_assert_cmpint (ABS (g_date_time_difference (now, time)), <, 300 * G_TIME_SPAN_SECOND);
  g_assert_nonnull (teken_cms_verification_get_signer_certificate (timestamp));
  tsa_name = get_common_name (teken_cms_verification_get_signer_certificate (timestamp));
  g_assert_cmpstr (tsa_name, ==, "Teken Test TSA");
  g_assert_cmpstr (teken_cms_verification_get_digest_algorithm (timestamp), ==, "SHA-256");

  /* The TSA chains to the root, with the issuing CA from the token. */
  g_assert_true (teken_trust_store_add_file (store, root, NULL));
  result = teken_trust_store_validate (store, teken_cms_verification_get_signer_certificate (timestamp),
                                       teken_cms_verification_get_certificates (timestamp), NULL, NULL,
                                       time, TEKEN_TRUST_PURPOSE_TIMESTAMPING, TEKEN_TRUST_FLAG_PROVEN_TIME);
  g_assert_cmpint (teken_trust_result_get_status (result), ==, TEKEN_TRUST_STATUS_TRUSTED);

  /* A valid token, but over other data. */
  wrong = teken_cms_verification_new (wrongly_timestamped, NULL);
  g_assert_true (teken_cms_verification_has_timestamp (wrong));
  g_assert_null (teken_cms_verification_verify_timestamp (wrong, &error));
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
  g_clear_error (&error);
  g_clear_pointer (&wrong, teken_cms_verification_free);

  /* A token without the TSA's certificate cannot be checked. */
  wrong = teken_cms_verification_new (barely_timestamped, NULL);
  g_assert_null (teken_cms_verification_verify_timestamp (wrong, &error));
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
}

static void
test_timestamp_forged (void)
{
  g_autoptr(GBytes) cms = sign_digest ("dewi", content, CONTENT_LENGTH);
  g_autoptr(GBytes) signature = signature_value (cms);
  g_autoptr(GBytes) token = make_timestamp_token (g_bytes_get_data (signature, NULL),
                                                  g_bytes_get_size (signature), TRUE);
  g_autoptr(CMS_ContentInfo) parsed_token = decode_cms (token);
  g_autoptr(GBytes) forged_token = NULL;
  g_autoptr(GBytes) forged = NULL;
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autoptr(GError) error = NULL;
  ASN1_OCTET_STRING *tsa_signature = CMS_SignerInfo_get0_signature (first_signer_info (parsed_token));
  guint8 *value = g_memdup2 (ASN1_STRING_get0_data (tsa_signature), ASN1_STRING_length (tsa_signature));

  /* The TSA's signature value with one bit changed. */
  value[3] ^= 0x01;
  ASN1_STRING_set0 (tsa_signature, value, ASN1_STRING_length (tsa_signature));
  forged_token = encode_cms (parsed_token);
  forged = add_timestamp (cms, forged_token);

  verification = teken_cms_verification_new (forged, NULL);
  g_assert_nonnull (verification);
  g_assert_true (teken_cms_verification_has_timestamp (verification));
  g_assert_null (teken_cms_verification_verify_timestamp (verification, &error));
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
}

static void
test_document_timestamp (void)
{
  g_autoptr(GBytes) token = make_timestamp_token (content, CONTENT_LENGTH, TRUE);
  g_autoptr(TekenCmsVerification) verification = NULL;
  g_autofree char *tampered = tampered_content ();

  /* ETSI.RFC3161: the token is the whole signature. */
  verification = teken_cms_verification_new (token, NULL);
  g_assert_nonnull (verification);
  teken_cms_verification_set_mode (verification, TEKEN_CMS_MODE_TIMESTAMP);
  g_assert_nonnull (teken_cms_verification_get_timestamp_time (verification));
  g_assert_true (check (verification, content, CONTENT_LENGTH));
  g_assert_cmpuint (teken_cms_verification_get_problems (verification)->len, ==, 0);

  g_assert_false (verify_bytes (token, TEKEN_CMS_MODE_TIMESTAMP, tampered, CONTENT_LENGTH));
  /* Read as a detached signature it is not one. */
  g_assert_false (verify_bytes (token, TEKEN_CMS_MODE_DETACHED, content, CONTENT_LENGTH));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/cms-verify/detached/budi", "budi", test_detached);
  g_test_add_data_func ("/cms-verify/detached/siti", "siti", test_detached);
  g_test_add_data_func ("/cms-verify/detached/dewi", "dewi", test_detached);
  g_test_add_func ("/cms-verify/changed-content", test_changed_content);
  g_test_add_func ("/cms-verify/corrupted-signature", test_corrupted_signature);
  g_test_add_func ("/cms-verify/missing-certificate", test_missing_certificate);
  g_test_add_func ("/cms-verify/sha1", test_sha1);
  g_test_add_func ("/cms-verify/signing-time", test_signing_time);
  g_test_add_func ("/cms-verify/without-signed-attributes", test_without_signed_attributes);
  g_test_add_func ("/cms-verify/adbe-sha1", test_adbe_sha1);
  g_test_add_func ("/cms-verify/signing-certificate-mismatch", test_signing_certificate_mismatch);
  g_test_add_func ("/cms-verify/invalid", test_invalid);
  g_test_add_func ("/cms-verify/revocation-archival", test_revocation_archival);
  g_test_add_func ("/cms-verify/timestamp", test_timestamp);
  g_test_add_func ("/cms-verify/timestamp-forged", test_timestamp_forged);
  g_test_add_func ("/cms-verify/document-timestamp", test_document_timestamp);

  return g_test_run ();
}
