/* teken-cms.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* CMS SignedData for PDF signatures, PAdES baseline B-B, made from a digest.
 *
 * The signature is detached (the PDF holds the content) and its signed
 * attributes are exactly contentType, messageDigest and signingCertificateV2.
 * PAdES forbids signingTime: the time is the PDF's /M, and a verifier that
 * sees two times cannot tell which one to believe. OpenSSL's
 * CMS_SignerInfo_sign() always adds signingTime, so the signature over the
 * attributes is computed here, over the same DER that OpenSSL writes, and
 * checked with OpenSSL's own verifier before the CMS is handed out.
 *
 * Nothing here knows about PKCS#12: teken-ca signs a holder's digest with the
 * holder's key through the same function.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/rsa.h>
#include <string.h>

#include "teken-cms.h"
#include "teken-openssl-private.h"
#include "teken-x509-private.h"
#include "teken-signer.h"

/* Everything in a SignedData besides the certificates, the issuer's name and
 * the signature value: OIDs, algorithm identifiers, the three signed
 * attributes, versions and DER headers. About 300 bytes in practice; the rest
 * is margin. */
#define FIXED_OVERHEAD 1024

static void
set_failed_error (GError     **error,
                  const char  *context)
{
  teken_openssl_log_errors (context);
  g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_FAILED,
                       _("The document could not be signed because of an internal error. Try again; if it keeps failing, report the problem."));
}

static void
set_invalid_signature_error (GError     **error,
                             const char  *context)
{
  teken_openssl_log_errors (context);
  g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE,
                       _("The signature data is damaged and cannot be read. If it came from a signing service, sign the document again."));
}

static gboolean
add_signing_certificate_v2 (CMS_SignerInfo *si,
                            X509           *certificate)
{
  g_autoptr(ESS_SIGNING_CERT_V2) signing_cert = NULL;
  g_autoptr(ASN1_STRING) sequence = NULL;
  unsigned char *der = NULL;
  int length;
  gboolean ok;

  /* SHA-256 of the certificate without issuerSerial: the hash binds the
   * certificate, and EN 319 122-1 says the issuerSerial hint should be left
   * out. With SHA-256 the hash algorithm is the default and is not encoded. */
  signing_cert = OSSL_ESS_signing_cert_v2_new_init (EVP_sha256 (), certificate, NULL, 0);
  if (signing_cert == NULL)
    return FALSE;

  length = i2d_ESS_SIGNING_CERT_V2 (signing_cert, &der);
  if (length <= 0)
    return FALSE;

  sequence = ASN1_STRING_new ();
  ok = sequence != NULL && ASN1_STRING_set (sequence, der, length);
  OPENSSL_free (der);

  return ok &&
         CMS_signed_add1_attr_by_NID (si, NID_id_smime_aa_signingCertificateV2,
                                      V_ASN1_SEQUENCE, sequence, -1) > 0;
}

/* DER orders the elements of a SET OF by their encodings, compared as octet
 * strings; this is also how OpenSSL orders them when it writes signedAttrs. */
static int
compare_encodings (gconstpointer a,
                   gconstpointer b)
{
  GBytes *left = *(GBytes * const *) a;
  GBytes *right = *(GBytes * const *) b;
  gsize left_size = g_bytes_get_size (left);
  gsize right_size = g_bytes_get_size (right);
  int order;

  order = memcmp (g_bytes_get_data (left, NULL), g_bytes_get_data (right, NULL),
                  MIN (left_size, right_size));
  if (order != 0)
    return order;

  return (left_size > right_size) - (left_size < right_size);
}

static void
append_der_length (GByteArray *out,
                   gsize       length)
{
  guint8 bytes[sizeof (gsize)];
  guint8 prefix;
  gsize n = 0;

  if (length < 0x80)
    {
      prefix = length;
      g_byte_array_append (out, &prefix, 1);
      return;
    }

  for (gsize rest = length; rest > 0; rest >>= 8)
    bytes[sizeof bytes - ++n] = rest & 0xff;

  prefix = 0x80 | n;
  g_byte_array_append (out, &prefix, 1);
  g_byte_array_append (out, bytes + sizeof bytes - n, n);
}

/* The signed attributes as RFC 5652 §5.4 has them signed: the DER of a SET OF
 * Attribute with the universal SET tag, not the [0] of the SignerInfo. */
static GBytes *
encode_signed_attributes (CMS_SignerInfo *si)
{
  g_autoptr(GPtrArray) encodings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GByteArray) out = NULL;
  const guint8 set_tag = 0x31;
  gsize content_length = 0;
  int count;

  count = CMS_signed_get_attr_count (si);
  if (count <= 0)
    return NULL;

  for (int i = 0; i < count; i++)
    {
      unsigned char *der = NULL;
      int length;

      length = i2d_X509_ATTRIBUTE (CMS_signed_get_attr (si, i), &der);
      if (length <= 0)
        return NULL;

      g_ptr_array_add (encodings, g_bytes_new (der, length));
      OPENSSL_free (der);
      content_length += length;
    }

  g_ptr_array_sort (encodings, compare_encodings);

  out = g_byte_array_sized_new (content_length + 1 + 1 + sizeof (gsize));
  g_byte_array_append (out, &set_tag, 1);
  append_der_length (out, content_length);
  for (guint i = 0; i < encodings->len; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (encodings, i), &length);

      g_byte_array_append (out, data, length);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
sign_attributes (CMS_SignerInfo *si,
                 EVP_PKEY       *key)
{
  g_autoptr(EVP_MD_CTX) md_ctx = NULL;
  g_autoptr(GBytes) attributes = NULL;
  EVP_PKEY_CTX *pkey_ctx = NULL;
  unsigned char *signature = NULL;
  size_t signature_length = 0;
  const guint8 *data;
  gsize length;

  attributes = encode_signed_attributes (si);
  if (attributes == NULL)
    return FALSE;
  data = g_bytes_get_data (attributes, &length);

  md_ctx = EVP_MD_CTX_new ();
  if (md_ctx == NULL ||
      EVP_DigestSignInit_ex (md_ctx, &pkey_ctx, "SHA256", NULL, NULL, key, NULL) <= 0)
    return FALSE;

  /* The SignerInfo says rsaEncryption, which means PKCS#1 v1.5. */
  if (EVP_PKEY_is_a (key, "RSA") &&
      EVP_PKEY_CTX_set_rsa_padding (pkey_ctx, RSA_PKCS1_PADDING) <= 0)
    return FALSE;

  if (EVP_DigestSign (md_ctx, NULL, &signature_length, data, length) <= 0)
    return FALSE;

  signature = OPENSSL_malloc (signature_length);
  if (signature == NULL)
    return FALSE;

  /* ECDSA signatures vary in length; the second call gives the real one. */
  if (EVP_DigestSign (md_ctx, signature, &signature_length, data, length) <= 0)
    {
      OPENSSL_free (signature);
      return FALSE;
    }

  ASN1_STRING_set0 (CMS_SignerInfo_get0_signature (si), signature, signature_length);

  return TRUE;
}

static gboolean
contains_certificate (STACK_OF (X509) *certificates,
                      int              count,
                      X509            *certificate)
{
  for (int i = 0; i < count; i++)
    if (X509_cmp (sk_X509_value (certificates, i), certificate) == 0)
      return TRUE;

  return FALSE;
}

static GBytes *
encode_cms (CMS_ContentInfo *cms)
{
  unsigned char *der = NULL;
  GBytes *bytes;
  int length;

  length = i2d_CMS_ContentInfo (cms, &der);
  if (length <= 0)
    return NULL;

  bytes = g_bytes_new (der, length);
  OPENSSL_free (der);

  return bytes;
}

/* Parses a detached SignedData with exactly one signer, as a PDF signature
 * has. A PDF's /Contents is padded with zero bytes after the DER; those are
 * allowed, anything else after the DER is not. */
CMS_ContentInfo *
teken_cms_parse_signed_data (GBytes          *bytes,
                             CMS_SignerInfo **si_out,
                             GError         **error)
{
  g_autoptr(CMS_ContentInfo) cms = NULL;
  STACK_OF (CMS_SignerInfo) *signer_infos;
  const unsigned char *start;
  const unsigned char *p;
  gsize length;

  start = p = g_bytes_get_data (bytes, &length);
  if (length == 0 || length > G_MAXLONG)
    {
      set_invalid_signature_error (error, "CMS size");
      return NULL;
    }

  cms = d2i_CMS_ContentInfo (NULL, &p, length);
  if (cms == NULL)
    {
      set_invalid_signature_error (error, "d2i_CMS_ContentInfo");
      return NULL;
    }

  for (const unsigned char *rest = p; rest < start + length; rest++)
    if (*rest != 0)
      {
        set_invalid_signature_error (error, "data after the CMS");
        return NULL;
      }

  if (OBJ_obj2nid (CMS_get0_type (cms)) != NID_pkcs7_signed)
    {
      set_invalid_signature_error (error, "not SignedData");
      return NULL;
    }

  signer_infos = CMS_get0_SignerInfos (cms);
  if (sk_CMS_SignerInfo_num (signer_infos) != 1)
    {
      set_invalid_signature_error (error, "not exactly one SignerInfo");
      return NULL;
    }

  if (si_out != NULL)
    *si_out = sk_CMS_SignerInfo_value (signer_infos, 0);

  return g_steal_pointer (&cms);
}

/**
 * teken_cms_check_signing_key:
 *
 * Checks that @key is a kind Teken signs with (RSA, ECDSA) and belongs to
 * @certificate.
 *
 * Returns: %TRUE when it does; %FALSE with @error set for the user
 */
gboolean
teken_cms_check_signing_key (EVP_PKEY  *key,
                             X509      *certificate,
                             GError   **error)
{
  if (!EVP_PKEY_is_a (key, "RSA") && !EVP_PKEY_is_a (key, "EC"))
    {
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_UNSUPPORTED_KEY,
                           _("Teken cannot sign with this kind of key. Ask your certificate authority for an RSA or ECDSA certificate."));
      return FALSE;
    }

  if (X509_check_private_key (certificate, key) != 1)
    {
      teken_openssl_log_errors ("X509_check_private_key");
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_CERTIFICATE_MISMATCH,
                           _("The private key does not belong to the certificate. Use the certificate file your certificate authority gave you."));
      return FALSE;
    }

  return TRUE;
}

/**
 * teken_cms_sign_digest:
 * @key: the signer's private key, RSA or EC
 * @certificate: the signer's certificate, matching @key
 * @chain: (nullable): the certificates to carry with the signature, usually
 *   the issuing CAs up to the root
 * @digest: the SHA-256 digest of the signed bytes, 32 bytes
 * @error: return location for a #GError in %TEKEN_SIGNER_ERROR
 *
 * Makes a detached CMS SignedData over @digest: SHA-256, RSA PKCS#1 v1.5 or
 * ECDSA, signed attributes contentType (id-data), messageDigest and
 * signingCertificateV2 and nothing else. @certificate and every certificate
 * of @chain are included once each. The root is kept if given: a verifier
 * can accept a certificate carried in the document when its fingerprint is
 * pinned, and has to ignore it otherwise.
 *
 * Safe to call from any thread; @key is only read.
 *
 * Returns: (transfer full): the DER of the SignedData, or %NULL with @error set
 */
GBytes *
teken_cms_sign_digest (EVP_PKEY         *key,
                       X509             *certificate,
                       STACK_OF (X509)  *chain,
                       GBytes           *digest,
                       GError          **error)
{
  g_autoptr(CMS_ContentInfo) cms = NULL;
  CMS_SignerInfo *si;
  const guint8 *digest_data;
  gsize digest_length;
  GBytes *result;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (certificate != NULL, NULL);
  g_return_val_if_fail (digest != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  digest_data = g_bytes_get_data (digest, &digest_length);
  if (digest_length != TEKEN_SIGNER_DIGEST_LENGTH)
    {
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_DIGEST,
                           _("The document could not be prepared for signing. Open it again and retry."));
      return NULL;
    }

  if (!teken_cms_check_signing_key (key, certificate, error))
    return NULL;

  cms = CMS_ContentInfo_new ();
  if (cms == NULL || !CMS_SignedData_init (cms) || !CMS_set_detached (cms, 1))
    {
      set_failed_error (error, "SignedData");
      return NULL;
    }

  /* CMS_PARTIAL: OpenSSL only builds the SignerInfo; the attributes and the
   * signature are ours. No S/MIME capabilities, they mean nothing in a PDF. */
  si = CMS_add1_signer (cms, certificate, key, EVP_sha256 (),
                        CMS_PARTIAL | CMS_NOSMIMECAP | CMS_BINARY);
  if (si == NULL)
    {
      set_failed_error (error, "CMS_add1_signer");
      return NULL;
    }

  if (CMS_signed_add1_attr_by_NID (si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                   OBJ_nid2obj (NID_pkcs7_data), -1) <= 0 ||
      CMS_signed_add1_attr_by_NID (si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
                                   digest_data, digest_length) <= 0 ||
      !add_signing_certificate_v2 (si, certificate))
    {
      set_failed_error (error, "signed attributes");
      return NULL;
    }

  for (int i = 0; i < sk_X509_num (chain); i++)
    {
      X509 *issuer = sk_X509_value (chain, i);

      if (X509_cmp (issuer, certificate) == 0 || contains_certificate (chain, i, issuer))
        continue;

      if (!CMS_add1_cert (cms, issuer))
        {
          set_failed_error (error, "CMS_add1_cert");
          return NULL;
        }
    }

  if (!sign_attributes (si, key))
    {
      set_failed_error (error, "signing the attributes");
      return NULL;
    }

  /* Our encoding of the attributes must be the one OpenSSL writes, or every
   * verifier would reject the signature; check before anyone sees it. This
   * also catches a faulty signature computation. */
  if (CMS_SignerInfo_verify (si) != 1)
    {
      set_failed_error (error, "CMS_SignerInfo_verify");
      return NULL;
    }

  result = encode_cms (cms);
  if (result == NULL)
    set_failed_error (error, "i2d_CMS_ContentInfo");

  return result;
}

/**
 * teken_cms_estimate_size:
 * @certificate: the signer's certificate
 * @chain: (nullable): the certificates that teken_cms_sign_digest() is given
 *
 * Needs only the certificate (for the size of its public key), so a backend
 * whose key is elsewhere can use it too.
 *
 * Returns: an upper bound of the length of the DER that
 *   teken_cms_sign_digest() returns for these certificates
 */
gsize
teken_cms_estimate_size (X509            *certificate,
                         STACK_OF (X509) *chain)
{
  EVP_PKEY *public_key;
  gsize size = FIXED_OVERHEAD;
  int length;

  g_return_val_if_fail (certificate != NULL, 0);

  length = i2d_X509 (certificate, NULL);
  if (length > 0)
    size += length;

  for (int i = 0; i < sk_X509_num (chain); i++)
    {
      length = i2d_X509 (sk_X509_value (chain, i), NULL);
      if (length > 0)
        size += length;
    }

  /* The SignerInfo names the signer by issuer and serial number. */
  length = i2d_X509_NAME (X509_get_issuer_name (certificate), NULL);
  if (length > 0)
    size += length;
  length = i2d_ASN1_INTEGER (X509_get0_serialNumber (certificate), NULL);
  if (length > 0)
    size += length;

  /* The largest signature the key can make, DER-encoded for ECDSA. */
  public_key = X509_get0_pubkey (certificate);
  if (public_key != NULL && EVP_PKEY_get_size (public_key) > 0)
    size += EVP_PKEY_get_size (public_key);
  else
    size += 2048;

  return size;
}

/**
 * teken_cms_get_message_digest:
 * @cms: the DER of a SignedData, optionally followed by zero bytes
 * @digest_out: (out) (transfer full): the value of the messageDigest
 *   signed attribute
 * @error: return location for a #GError in %TEKEN_SIGNER_ERROR
 *
 * Reads the digest the signer claims to have signed, so that a signature
 * from a remote service can be checked against the document's digest before
 * it is embedded, and a verifier can compare it with the signed bytes. This
 * does not check the signature itself.
 *
 * Returns: %TRUE with @digest_out set, %FALSE with @error set
 */
gboolean
teken_cms_get_message_digest (GBytes  *cms,
                              GBytes **digest_out,
                              GError **error)
{
  g_autoptr(CMS_ContentInfo) content_info = NULL;
  ASN1_OCTET_STRING *digest;
  CMS_SignerInfo *si = NULL;

  g_return_val_if_fail (cms != NULL, FALSE);
  g_return_val_if_fail (digest_out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  content_info = teken_cms_parse_signed_data (cms, &si, error);
  if (content_info == NULL)
    return FALSE;

  /* -3: the attribute must be there exactly once with exactly one value. */
  digest = CMS_signed_get0_data_by_OBJ (si, OBJ_nid2obj (NID_pkcs9_messageDigest),
                                        -3, V_ASN1_OCTET_STRING);
  if (digest == NULL)
    {
      set_invalid_signature_error (error, "messageDigest");
      return FALSE;
    }

  *digest_out = g_bytes_new (ASN1_STRING_get0_data (digest), ASN1_STRING_length (digest));

  return TRUE;
}

/**
 * teken_cms_get_signer_certificate:
 * @cms: the DER of a SignedData, optionally followed by zero bytes
 * @error: return location for a #GError in %TEKEN_SIGNER_ERROR
 *
 * Finds, among the certificates the CMS carries, the one its SignerInfo
 * names. This does not check the signature or the certificate.
 *
 * Returns: (transfer full): the signer's certificate, free with X509_free(),
 *   or %NULL with @error set
 */
X509 *
teken_cms_get_signer_certificate (GBytes  *cms,
                                  GError **error)
{
  g_autoptr(CMS_ContentInfo) content_info = NULL;
  g_autoptr(TekenX509Stack) certificates = NULL;
  CMS_SignerInfo *si = NULL;

  g_return_val_if_fail (cms != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  content_info = teken_cms_parse_signed_data (cms, &si, error);
  if (content_info == NULL)
    return NULL;

  certificates = CMS_get1_certs (content_info);
  for (int i = 0; i < sk_X509_num (certificates); i++)
    {
      X509 *certificate = sk_X509_value (certificates, i);

      if (CMS_SignerInfo_cert_cmp (si, certificate) == 0)
        {
          X509_up_ref (certificate);
          return certificate;
        }
    }

  teken_openssl_log_errors ("signer certificate");
  g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE,
                       _("The signature does not include the signer’s certificate, so the signer cannot be identified."));

  return NULL;
}
