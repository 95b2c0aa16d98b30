/* teken-cms-verify.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The cryptographic check of one PDF signature, offline.
 *
 * A PDF signature is a CMS SignedData with one SignerInfo. The caller streams
 * the signed byte ranges through _update(), so memory does not grow with the
 * document. With signed attributes (every PAdES signature), the digest of
 * those bytes is compared with messageDigest here rather than inside
 * OpenSSL, so that "the document changed" and "the signature is broken" are
 * told apart; the signature over the attributes is then OpenSSL's
 * CMS_SignerInfo_verify(). Without signed attributes (old adbe.pkcs7
 * signers), the signature is over the digest itself and OpenSSL checks both
 * at once from a digest BIO.
 *
 * Nothing here decides whether the signer is trusted: the certificates, the
 * embedded revocation data and the timestamp are handed to teken-trust.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/asn1t.h>
#include <string.h>

#include "teken-cms-verify.h"
#include "teken-signer.h"
#include "teken-x509-private.h"

/* Adobe's revocationInfoArchival, where Acrobat and most PAdES signers keep
 * the CRLs and OCSP responses they fetched when signing. */
#define REVOCATION_INFO_ARCHIVAL_OID "1.2.840.113583.1.1.8"

/* Below these sizes a key is considered breakable (ETSI TS 119 312). */
#define MINIMUM_RSA_BITS 2048
#define MINIMUM_EC_BITS 256

typedef enum
{
  FAILURE_NONE,
  FAILURE_NO_CERTIFICATE,
  FAILURE_UNSUPPORTED,
  FAILURE_MALFORMED,
  FAILURE_DIGEST,
  FAILURE_SIGNATURE,
  FAILURE_DIGEST_OR_SIGNATURE,
  FAILURE_SIGNING_CERTIFICATE,
  FAILURE_INTERNAL,
} Failure;

struct _TekenCmsVerification
{
  CMS_ContentInfo *cms;
  CMS_SignerInfo *si;               /* owned by cms */
  X509 *signer;                     /* nullable */
  STACK_OF (X509) *certificates;
  STACK_OF (X509_CRL) *crls;
  GPtrArray *ocsp_responses;        /* GBytes, DER OCSPResponse */
  GDateTime *signing_time;          /* nullable */
  GPtrArray *problems;              /* char * */

  /* The SignerInfo's digestAlgorithm: what its signature is made over. */
  const EVP_MD *signer_md;          /* NULL when OpenSSL does not know it */
  char *signer_md_name;

  /* The digest of the bytes given to _update(), which depends on the mode. */
  TekenCmsMode mode;
  EVP_MD_CTX *document_ctx;         /* NULL when the mode cannot be checked */
  char *document_md_name;
  Failure mode_failure;
  TS_TST_INFO *tst_info;            /* TEKEN_CMS_MODE_TIMESTAMP */
  GDateTime *timestamp_time;

  gboolean updated;
  gboolean update_failed;
  gboolean finished;
  Failure failure;
};

/* RevocationInfoArchival ::= SEQUENCE {
 *   crl          [0] EXPLICIT SEQUENCE OF CRLs OPTIONAL,
 *   ocsp         [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL,
 *   otherRevInfo [2] EXPLICIT SEQUENCE OF OtherRevInfo OPTIONAL }
 *
 * The OCSP responses are kept as ANY: they are handed on as DER, and OpenSSL
 * has no STACK_OF (OCSP_RESPONSE). */
typedef struct
{
  STACK_OF (X509_CRL) *crls;
  STACK_OF (ASN1_TYPE) *ocsp;
  STACK_OF (ASN1_TYPE) *other;
} RevocationInfoArchival;

ASN1_SEQUENCE (RevocationInfoArchival) = {
  ASN1_EXP_SEQUENCE_OF_OPT (RevocationInfoArchival, crls, X509_CRL, 0),
  ASN1_EXP_SEQUENCE_OF_OPT (RevocationInfoArchival, ocsp, ASN1_ANY, 1),
  ASN1_EXP_SEQUENCE_OF_OPT (RevocationInfoArchival, other, ASN1_ANY, 2),
} static_ASN1_SEQUENCE_END (RevocationInfoArchival)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ESS_SIGNING_CERT, ESS_SIGNING_CERT_free)

static void
set_damaged_error (GError     **error,
                   const char  *context)
{
  teken_openssl_log_errors (context);
  g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE,
                       _("The signature data is damaged or is not a PDF signature, so it cannot be checked."));
}

static void
add_problem (TekenCmsVerification *self,
             char                 *sentence)
{
  for (guint i = 0; i < self->problems->len; i++)
    if (g_str_equal (g_ptr_array_index (self->problems, i), sentence))
      {
        g_free (sentence);
        return;
      }

  g_ptr_array_add (self->problems, sentence);
}

/* The names people know digests by, as in "SHA-256", rather than OpenSSL's
 * short names. */
static char *
describe_digest (const ASN1_OBJECT *object)
{
  char text[128];

  switch (OBJ_obj2nid (object))
    {
    case NID_md2: return g_strdup ("MD2");
    case NID_md4: return g_strdup ("MD4");
    case NID_md5: return g_strdup ("MD5");
    case NID_sha1: return g_strdup ("SHA-1");
    case NID_sha224: return g_strdup ("SHA-224");
    case NID_sha256: return g_strdup ("SHA-256");
    case NID_sha384: return g_strdup ("SHA-384");
    case NID_sha512: return g_strdup ("SHA-512");
    case NID_sha3_256: return g_strdup ("SHA3-256");
    case NID_sha3_384: return g_strdup ("SHA3-384");
    case NID_sha3_512: return g_strdup ("SHA3-512");
    default:
      break;
    }

  if (object == NULL || OBJ_obj2txt (text, sizeof text, object, 0) <= 0)
    return g_strdup ("unknown");

  return g_strdup (text);
}

static gboolean
is_weak_digest (int nid)
{
  return nid == NID_md2 || nid == NID_md4 || nid == NID_md5 || nid == NID_sha1 ||
         nid == NID_md5_sha1;
}

static void
check_digest_strength (TekenCmsVerification *self,
                       const ASN1_OBJECT    *object,
                       const char           *name)
{
  if (is_weak_digest (OBJ_obj2nid (object)))
    /* Translators: %s is a digest algorithm, such as SHA-1 */
    add_problem (self, g_strdup_printf (_("The signature uses %s, which is no longer considered secure."),
                                        name));
}

static void
check_key_strength (TekenCmsVerification *self)
{
  EVP_PKEY *key = X509_get0_pubkey (self->signer);
  int bits;

  if (key == NULL)
    return;

  bits = EVP_PKEY_get_bits (key);
  if (((EVP_PKEY_is_a (key, "RSA") || EVP_PKEY_is_a (key, "RSA-PSS") || EVP_PKEY_is_a (key, "DSA")) &&
       bits < MINIMUM_RSA_BITS) ||
      (EVP_PKEY_is_a (key, "EC") && bits < MINIMUM_EC_BITS))
    /* Translators: %d is a key size in bits, such as 1024 */
    add_problem (self, g_strdup_printf (_("The signature was made with a %d-bit key, which is no longer considered secure."),
                                        bits));
}

static void
add_revocation_archival (TekenCmsVerification *self,
                         X509_ATTRIBUTE       *attribute)
{
  RevocationInfoArchival *archival;
  ASN1_TYPE *value = X509_ATTRIBUTE_get0_type (attribute, 0);
  const unsigned char *p;

  if (value == NULL || value->type != V_ASN1_SEQUENCE)
    return;

  p = ASN1_STRING_get0_data (value->value.sequence);
  archival = (RevocationInfoArchival *) ASN1_item_d2i (NULL, &p, ASN1_STRING_length (value->value.sequence),
                                                       ASN1_ITEM_rptr (RevocationInfoArchival));
  if (archival == NULL)
    {
      /* Revocation data that cannot be read is as good as none: the trust
       * check says "not checked", the signature itself is unaffected. */
      teken_openssl_log_errors ("revocationInfoArchival");
      return;
    }

  for (int i = 0; i < sk_X509_CRL_num (archival->crls); i++)
    {
      X509_CRL *crl = sk_X509_CRL_value (archival->crls, i);

      if (sk_X509_CRL_push (self->crls, crl) > 0)
        X509_CRL_up_ref (crl);
    }

  for (int i = 0; i < sk_ASN1_TYPE_num (archival->ocsp); i++)
    {
      ASN1_TYPE *response = sk_ASN1_TYPE_value (archival->ocsp, i);
      g_autoptr(OCSP_RESPONSE) parsed = NULL;

      if (response->type != V_ASN1_SEQUENCE)
        continue;

      p = ASN1_STRING_get0_data (response->value.sequence);
      parsed = d2i_OCSP_RESPONSE (NULL, &p, ASN1_STRING_length (response->value.sequence));
      if (parsed == NULL)
        {
          teken_openssl_log_errors ("archived OCSP response");
          continue;
        }

      g_ptr_array_add (self->ocsp_responses,
                       g_bytes_new (ASN1_STRING_get0_data (response->value.sequence),
                                    ASN1_STRING_length (response->value.sequence)));
    }

  ASN1_item_free ((ASN1_VALUE *) archival, ASN1_ITEM_rptr (RevocationInfoArchival));
}

static void
read_revocation_data (TekenCmsVerification *self)
{
  g_autoptr(ASN1_OBJECT) archival = OBJ_txt2obj (REVOCATION_INFO_ARCHIVAL_OID, 1);
  g_autoptr(TekenX509CrlStack) crls = CMS_get1_crls (self->cms);

  /* SignedData's own crls field: rare in PDFs, but standard CMS. */
  while (sk_X509_CRL_num (crls) > 0)
    sk_X509_CRL_push (self->crls, sk_X509_CRL_shift (crls));

  if (archival == NULL)
    return;

  /* Adobe specifies a signed attribute; a few signers add it unsigned.
   * Either way each CRL and OCSP response is signed by its issuer, which is
   * what the trust check relies on. */
  for (int i = CMS_signed_get_attr_by_OBJ (self->si, archival, -1); i >= 0;
       i = CMS_signed_get_attr_by_OBJ (self->si, archival, i))
    add_revocation_archival (self, CMS_signed_get_attr (self->si, i));

  for (int i = CMS_unsigned_get_attr_by_OBJ (self->si, archival, -1); i >= 0;
       i = CMS_unsigned_get_attr_by_OBJ (self->si, archival, i))
    add_revocation_archival (self, CMS_unsigned_get_attr (self->si, i));
}

static void
read_signing_time (TekenCmsVerification *self)
{
  X509_ATTRIBUTE *attribute;
  ASN1_TYPE *value;
  int index;

  index = CMS_signed_get_attr_by_NID (self->si, NID_pkcs9_signingTime, -1);
  if (index < 0)
    return;

  attribute = CMS_signed_get_attr (self->si, index);
  value = X509_ATTRIBUTE_get0_type (attribute, 0);
  if (value == NULL)
    return;

  if (value->type == V_ASN1_UTCTIME)
    self->signing_time = teken_asn1_time_to_date_time (value->value.utctime);
  else if (value->type == V_ASN1_GENERALIZEDTIME)
    self->signing_time = teken_asn1_time_to_date_time (value->value.generalizedtime);
}

static ASN1_OCTET_STRING *
get_encapsulated_content (TekenCmsVerification *self)
{
  ASN1_OCTET_STRING **content = CMS_get0_content (self->cms);

  return content != NULL ? *content : NULL;
}

/* teken_cms_parse_signed_data() with this module's sentence for a user. */
static CMS_ContentInfo *
parse_signed_data (GBytes  *bytes,
                   GError **error)
{
  g_autoptr(GError) local_error = NULL;
  CMS_ContentInfo *cms = teken_cms_parse_signed_data (bytes, NULL, &local_error);

  if (cms == NULL)
    set_damaged_error (error, "SignedData");

  return cms;
}

static gboolean
final_digest (EVP_MD_CTX    *ctx,
              unsigned char *digest,
              unsigned int  *length)
{
  g_autoptr(EVP_MD_CTX) copy = EVP_MD_CTX_new ();

  /* On a copy: the no-signed-attributes path still needs the state. */
  return copy != NULL &&
         EVP_MD_CTX_copy_ex (copy, ctx) &&
         EVP_DigestFinal_ex (copy, digest, length);
}

static gboolean
digest_equals (EVP_MD_CTX              *ctx,
               const ASN1_OCTET_STRING *expected)
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;

  return expected != NULL &&
         final_digest (ctx, digest, &length) &&
         (int) length == ASN1_STRING_length (expected) &&
         CRYPTO_memcmp (digest, ASN1_STRING_get0_data (expected), length) == 0;
}

/* signingCertificate (v1) and signingCertificateV2 bind the signer's
 * certificate into the signed attributes; when present, they must name the
 * certificate that was used, or a certificate with the same key but another
 * subject could be swapped in. */
static gboolean
check_signing_certificate (TekenCmsVerification *self)
{
  g_autoptr(ESS_SIGNING_CERT) v1 = NULL;
  g_autoptr(ESS_SIGNING_CERT_V2) v2 = NULL;
  g_autoptr(TekenX509Stack) chain = NULL;
  ASN1_STRING *sequence;
  const unsigned char *p;

  sequence = CMS_signed_get0_data_by_OBJ (self->si, OBJ_nid2obj (NID_id_smime_aa_signingCertificate),
                                          -3, V_ASN1_SEQUENCE);
  if (sequence != NULL)
    {
      p = ASN1_STRING_get0_data (sequence);
      v1 = d2i_ESS_SIGNING_CERT (NULL, &p, ASN1_STRING_length (sequence));
      if (v1 == NULL)
        return FALSE;
    }

  sequence = CMS_signed_get0_data_by_OBJ (self->si, OBJ_nid2obj (NID_id_smime_aa_signingCertificateV2),
                                          -3, V_ASN1_SEQUENCE);
  if (sequence != NULL)
    {
      p = ASN1_STRING_get0_data (sequence);
      v2 = d2i_ESS_SIGNING_CERT_V2 (NULL, &p, ASN1_STRING_length (sequence));
      if (v2 == NULL)
        return FALSE;
    }

  if (v1 == NULL && v2 == NULL)
    return TRUE;

  /* The first ESSCertID names the signer; any others name certificates of
   * its chain, which OpenSSL looks for after the signer. */
  chain = sk_X509_new_null ();
  if (chain == NULL || !X509_add_cert (chain, self->signer, X509_ADD_FLAG_UP_REF) ||
      !X509_add_certs (chain, self->certificates, X509_ADD_FLAG_UP_REF | X509_ADD_FLAG_NO_DUP))
    return FALSE;

  return OSSL_ESS_check_signing_certs (v1, v2, chain, 0) == 1;
}

/* Checks the SignerInfo against the digest of its content: the document's
 * bytes, or the encapsulated content. */
static Failure
check_signer_info (TekenCmsVerification *self,
                   EVP_MD_CTX           *content_ctx)
{
  g_autoptr(BIO) md_bio = NULL;
  EVP_MD_CTX *bio_ctx = NULL;

  if (CMS_signed_get_attr_count (self->si) >= 0)
    {
      ASN1_OCTET_STRING *message_digest;
      ASN1_OBJECT *content_type;

      /* -3: exactly one attribute with exactly one value. */
      message_digest = CMS_signed_get0_data_by_OBJ (self->si, OBJ_nid2obj (NID_pkcs9_messageDigest),
                                                    -3, V_ASN1_OCTET_STRING);
      content_type = CMS_signed_get0_data_by_OBJ (self->si, OBJ_nid2obj (NID_pkcs9_contentType),
                                                  -3, V_ASN1_OBJECT);
      if (message_digest == NULL || content_type == NULL ||
          OBJ_cmp (content_type, CMS_get0_eContentType (self->cms)) != 0)
        return FAILURE_MALFORMED;

      if (!digest_equals (content_ctx, message_digest))
        return FAILURE_DIGEST;

      if (CMS_SignerInfo_verify (self->si) != 1)
        {
          teken_openssl_log_errors ("CMS_SignerInfo_verify");
          return FAILURE_SIGNATURE;
        }

      if (!check_signing_certificate (self))
        {
          teken_openssl_log_errors ("signingCertificate");
          return FAILURE_SIGNING_CERTIFICATE;
        }

      return FAILURE_NONE;
    }

  /* The signature is over the content's digest itself; OpenSSL takes that
   * digest from an MD BIO, so hand it one holding our state. */
  md_bio = BIO_new (BIO_f_md ());
  if (md_bio == NULL || BIO_get_md_ctx (md_bio, &bio_ctx) != 1 ||
      !EVP_MD_CTX_copy_ex (bio_ctx, content_ctx))
    return FAILURE_INTERNAL;

  if (CMS_SignerInfo_verify_content (self->si, md_bio) != 1)
    {
      teken_openssl_log_errors ("CMS_SignerInfo_verify_content");
      return FAILURE_DIGEST_OR_SIGNATURE;
    }

  return FAILURE_NONE;
}

static Failure
check_encapsulated (TekenCmsVerification    *self,
                    const ASN1_OCTET_STRING *expected_digest)
{
  g_autoptr(EVP_MD_CTX) content_ctx = NULL;
  ASN1_OCTET_STRING *content = get_encapsulated_content (self);

  if (content == NULL)
    return FAILURE_MALFORMED;

  if (!digest_equals (self->document_ctx, expected_digest))
    return FAILURE_DIGEST;

  content_ctx = EVP_MD_CTX_new ();
  if (content_ctx == NULL ||
      !EVP_DigestInit_ex (content_ctx, self->signer_md, NULL) ||
      !EVP_DigestUpdate (content_ctx, ASN1_STRING_get0_data (content), ASN1_STRING_length (content)))
    return FAILURE_INTERNAL;

  return check_signer_info (self, content_ctx);
}

static Failure
check_integrity (TekenCmsVerification *self)
{
  if (self->signer == NULL)
    return FAILURE_NO_CERTIFICATE;

  if (self->signer_md == NULL)
    return FAILURE_UNSUPPORTED;

  if (self->mode_failure != FAILURE_NONE)
    return self->mode_failure;

  if (self->update_failed)
    return FAILURE_INTERNAL;

  switch (self->mode)
    {
    case TEKEN_CMS_MODE_DETACHED:
      return check_signer_info (self, self->document_ctx);

    case TEKEN_CMS_MODE_SHA1:
      /* The encapsulated content is the SHA-1 of the document. */
      return check_encapsulated (self, get_encapsulated_content (self));

    case TEKEN_CMS_MODE_TIMESTAMP:
      return check_encapsulated (self, TS_MSG_IMPRINT_get_msg (TS_TST_INFO_get_msg_imprint (self->tst_info)));

    default:
      g_assert_not_reached ();
    }
}

static char *
describe_failure (TekenCmsVerification *self,
                  Failure               failure)
{
  switch (failure)
    {
    case FAILURE_NONE:
      return NULL;
    case FAILURE_NO_CERTIFICATE:
      return g_strdup (_("The signature does not include the signer’s certificate, so the signer cannot be identified."));
    case FAILURE_UNSUPPORTED:
      /* Translators: %s is a digest algorithm, such as SHA-256, or a number such as 1.2.3.4 */
      return g_strdup_printf (_("The signature uses a digest algorithm that Teken does not support (%s), so it cannot be checked."),
                              self->signer_md == NULL ? self->signer_md_name : self->document_md_name);
    case FAILURE_MALFORMED:
      return g_strdup (_("The signature data is incomplete or malformed, so it cannot be checked."));
    case FAILURE_DIGEST:
      return g_strdup (_("The signed content does not match the signature: it was changed after it was signed."));
    case FAILURE_SIGNATURE:
      return g_strdup (_("The signature value does not match the signer’s certificate: the signature is damaged or forged."));
    case FAILURE_DIGEST_OR_SIGNATURE:
      return g_strdup (_("The signature does not match the signed content: the content was changed after it was signed, or the signature is damaged."));
    case FAILURE_SIGNING_CERTIFICATE:
      return g_strdup (_("The certificate in the signature is not the one the signer committed to; it may have been replaced."));
    case FAILURE_INTERNAL:
    default:
      return g_strdup (_("The signature could not be checked because of an internal error."));
    }
}

/**
 * teken_cms_verification_new:
 * @cms: the DER of a CMS SignedData with one SignerInfo, optionally followed
 *   by zero bytes (as in a PDF's /Contents)
 * @error: return location for a #GError in %TEKEN_SIGNER_ERROR
 *
 * Parses the signature and reads what it says about itself. The mode is
 * %TEKEN_CMS_MODE_DETACHED; change it with teken_cms_verification_set_mode()
 * before the first teken_cms_verification_update().
 *
 * Returns: (transfer full): a new verification, or %NULL with @error set when
 *   @cms is not a SignedData with exactly one SignerInfo
 */
TekenCmsVerification *
teken_cms_verification_new (GBytes  *cms,
                            GError **error)
{
  g_autoptr(TekenCmsVerification) self = NULL;
  g_autoptr(CMS_ContentInfo) content_info = NULL;
  X509_ALGOR *digest_algorithm = NULL;
  const ASN1_OBJECT *digest_object = NULL;

  g_return_val_if_fail (cms != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  content_info = parse_signed_data (cms, error);
  if (content_info == NULL)
    return NULL;

  self = g_new0 (TekenCmsVerification, 1);
  self->cms = g_steal_pointer (&content_info);
  self->si = sk_CMS_SignerInfo_value (CMS_get0_SignerInfos (self->cms), 0);
  self->problems = g_ptr_array_new_with_free_func (g_free);
  self->ocsp_responses = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->crls = sk_X509_CRL_new_null ();
  self->certificates = CMS_get1_certs (self->cms);
  if (self->certificates == NULL)
    self->certificates = sk_X509_new_null ();
  if (self->crls == NULL || self->certificates == NULL)
    {
      set_damaged_error (error, "allocating");
      return NULL;
    }

  for (int i = 0; i < sk_X509_num (self->certificates); i++)
    {
      X509 *certificate = sk_X509_value (self->certificates, i);

      if (CMS_SignerInfo_cert_cmp (self->si, certificate) == 0)
        {
          X509_up_ref (certificate);
          self->signer = certificate;
          CMS_SignerInfo_set1_signer_cert (self->si, certificate);
          break;
        }
    }
  ERR_clear_error ();

  CMS_SignerInfo_get0_algs (self->si, NULL, NULL, &digest_algorithm, NULL);
  if (digest_algorithm != NULL)
    X509_ALGOR_get0 (&digest_object, NULL, NULL, digest_algorithm);
  self->signer_md = digest_object != NULL ? EVP_get_digestbyobj (digest_object) : NULL;
  /* Some signers write sha256WithRSAEncryption where sha256 belongs; name
   * the digest that is meant. */
  if (self->signer_md != NULL)
    self->signer_md_name = describe_digest (OBJ_nid2obj (EVP_MD_get_type (self->signer_md)));
  else
    self->signer_md_name = describe_digest (digest_object);

  if (self->signer == NULL)
    add_problem (self, describe_failure (self, FAILURE_NO_CERTIFICATE));
  else
    check_key_strength (self);

  if (self->signer_md != NULL)
    check_digest_strength (self, OBJ_nid2obj (EVP_MD_get_type (self->signer_md)), self->signer_md_name);
  else
    add_problem (self, describe_failure (self, FAILURE_UNSUPPORTED));

  read_signing_time (self);
  read_revocation_data (self);

  teken_cms_verification_set_mode (self, TEKEN_CMS_MODE_DETACHED);

  return g_steal_pointer (&self);
}

void
teken_cms_verification_free (TekenCmsVerification *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->cms, CMS_ContentInfo_free);
  g_clear_pointer (&self->signer, X509_free);
  g_clear_pointer (&self->certificates, teken_x509_stack_free);
  g_clear_pointer (&self->crls, teken_x509_crl_stack_free);
  g_clear_pointer (&self->ocsp_responses, g_ptr_array_unref);
  g_clear_pointer (&self->signing_time, g_date_time_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->signer_md_name, g_free);
  g_clear_pointer (&self->document_ctx, EVP_MD_CTX_free);
  g_clear_pointer (&self->document_md_name, g_free);
  g_clear_pointer (&self->tst_info, TS_TST_INFO_free);
  g_clear_pointer (&self->timestamp_time, g_date_time_unref);
  g_free (self);
}

/**
 * teken_cms_verification_set_mode:
 * @mode: how the signed bytes are bound to the signature, from the
 *   signature's /SubFilter
 *
 * Must be called before the first teken_cms_verification_update(). A mode
 * the CMS does not fit (no encapsulated content for %TEKEN_CMS_MODE_SHA1,
 * no TSTInfo for %TEKEN_CMS_MODE_TIMESTAMP) makes
 * teken_cms_verification_finish() fail.
 */
void
teken_cms_verification_set_mode (TekenCmsVerification *self,
                                 TekenCmsMode          mode)
{
  const EVP_MD *md = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->updated && !self->finished);

  self->mode = mode;
  self->mode_failure = FAILURE_NONE;
  g_clear_pointer (&self->document_ctx, EVP_MD_CTX_free);
  g_clear_pointer (&self->document_md_name, g_free);
  g_clear_pointer (&self->tst_info, TS_TST_INFO_free);
  g_clear_pointer (&self->timestamp_time, g_date_time_unref);

  switch (mode)
    {
    case TEKEN_CMS_MODE_DETACHED:
      md = self->signer_md;
      self->document_md_name = g_strdup (self->signer_md_name);
      break;

    case TEKEN_CMS_MODE_SHA1:
      md = EVP_sha1 ();
      self->document_md_name = describe_digest (OBJ_nid2obj (NID_sha1));
      check_digest_strength (self, OBJ_nid2obj (NID_sha1), self->document_md_name);
      break;

    case TEKEN_CMS_MODE_TIMESTAMP:
      {
        ASN1_OCTET_STRING *content = get_encapsulated_content (self);
        const ASN1_OBJECT *object = NULL;
        const unsigned char *p;

        if (content != NULL && OBJ_obj2nid (CMS_get0_eContentType (self->cms)) == NID_id_smime_ct_TSTInfo)
          {
            p = ASN1_STRING_get0_data (content);
            self->tst_info = d2i_TS_TST_INFO (NULL, &p, ASN1_STRING_length (content));
          }

        if (self->tst_info == NULL)
          {
            teken_openssl_log_errors ("TSTInfo");
            self->mode_failure = FAILURE_MALFORMED;
            self->document_md_name = g_strdup ("unknown");
            break;
          }

        X509_ALGOR_get0 (&object, NULL, NULL,
                         TS_MSG_IMPRINT_get_algo (TS_TST_INFO_get_msg_imprint (self->tst_info)));
        md = EVP_get_digestbyobj (object);
        self->document_md_name = describe_digest (object);
        self->timestamp_time = teken_asn1_time_to_date_time (TS_TST_INFO_get_time (self->tst_info));
        if (md == NULL)
          {
            self->mode_failure = FAILURE_UNSUPPORTED;
            break;
          }
        check_digest_strength (self, OBJ_nid2obj (EVP_MD_get_type (md)), self->document_md_name);
      }
      break;

    default:
      g_return_if_reached ();
    }

  if (md == NULL)
    return;

  self->document_ctx = EVP_MD_CTX_new ();
  if (self->document_ctx == NULL || !EVP_DigestInit_ex (self->document_ctx, md, NULL))
    self->update_failed = TRUE;
}

/**
 * teken_cms_verification_update:
 * @data: (array length=length): the next piece of the signed bytes
 * @length: the length of @data
 *
 * Adds the next piece of the signed bytes (for a PDF, the byte ranges in
 * order) to the digest, with the algorithm the signature says it used.
 */
void
teken_cms_verification_update (TekenCmsVerification *self,
                               const guint8         *data,
                               gsize                 length)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || length == 0);
  g_return_if_fail (!self->finished);

  self->updated = TRUE;

  if (self->document_ctx != NULL && length > 0 &&
      !EVP_DigestUpdate (self->document_ctx, data, length))
    self->update_failed = TRUE;
}

/**
 * teken_cms_verification_finish:
 *
 * Checks the signature over the bytes given to
 * teken_cms_verification_update(): their digest is the one that was signed
 * (messageDigest, the encapsulated SHA-1 or the timestamp's imprint,
 * depending on the mode), the signature value verifies with the signer's
 * certificate, and signingCertificate(V2), when present, names that
 * certificate. When it fails, teken_cms_verification_get_problems() says
 * why. Later calls return the same answer.
 *
 * Returns: %TRUE when the signed bytes are intact and the signature is the
 *   signer's
 */
gboolean
teken_cms_verification_finish (TekenCmsVerification *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->finished)
    return self->failure == FAILURE_NONE;

  self->finished = TRUE;
  self->failure = check_integrity (self);
  ERR_clear_error ();

  if (self->failure != FAILURE_NONE)
    add_problem (self, describe_failure (self, self->failure));

  return self->failure == FAILURE_NONE;
}

/**
 * teken_cms_verification_get_signer_certificate:
 *
 * Returns: (transfer none) (nullable): the certificate the SignerInfo
 *   names, among those the CMS carries, or %NULL when it is not there
 *   (then teken_cms_verification_finish() fails)
 */
X509 *
teken_cms_verification_get_signer_certificate (TekenCmsVerification *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->signer;
}

/**
 * teken_cms_verification_get_certificates:
 *
 * Returns: (transfer none): every certificate the CMS carries, the
 *   signer's included, for building its chain; may be empty
 */
STACK_OF (X509) *
teken_cms_verification_get_certificates (TekenCmsVerification *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->certificates;
}

/**
 * teken_cms_verification_get_digest_algorithm:
 *
 * Returns: the digest computed over the signed bytes, as people name it:
 *   "SHA-256", "SHA-1", …, or its OID when it is not known
 */
const char *
teken_cms_verification_get_digest_algorithm (TekenCmsVerification *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->document_md_name;
}

/**
 * teken_cms_verification_get_claimed_signing_time:
 *
 * PAdES signatures have none (the time is the PDF's /M); older ones often
 * do. Either way it is only what the signer's computer said.
 *
 * Returns: (transfer none) (nullable): the signingTime signed attribute, or
 *   %NULL when there is none
 */
GDateTime *
teken_cms_verification_get_claimed_signing_time (TekenCmsVerification *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->signing_time;
}

/**
 * teken_cms_verification_get_problems:
 *
 * Weak algorithms are reported from teken_cms_verification_new() on and do
 * not make the check fail; the reason of a failed
 * teken_cms_verification_finish() is added by it.
 *
 * Returns: (transfer none) (element-type utf8): translated sentences about
 *   what is wrong or weak in the signature; may be empty
 */
GPtrArray *
teken_cms_verification_get_problems (TekenCmsVerification *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->problems;
}

/**
 * teken_cms_verification_get_crls:
 *
 * Returns: (transfer none): the CRLs the signature carries (in
 *   revocationInfoArchival or the SignedData's crls field), not checked
 *   here; may be empty
 */
STACK_OF (X509_CRL) *
teken_cms_verification_get_crls (TekenCmsVerification *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->crls;
}

/**
 * teken_cms_verification_get_ocsp_responses:
 *
 * Returns: (transfer none) (element-type GBytes): the DER OCSPResponses the
 *   signature carries in revocationInfoArchival, not checked here; may be
 *   empty
 */
GPtrArray *
teken_cms_verification_get_ocsp_responses (TekenCmsVerification *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->ocsp_responses;
}

/**
 * teken_cms_verification_has_timestamp:
 *
 * Returns: %TRUE when the SignerInfo has an RFC 3161 signature timestamp
 *   (the unsigned attribute id-aa-signatureTimeStampToken)
 */
gboolean
teken_cms_verification_has_timestamp (TekenCmsVerification *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return CMS_unsigned_get_attr_by_NID (self->si, NID_id_smime_aa_timeStampToken, -1) >= 0;
}

/**
 * teken_cms_verification_verify_timestamp:
 * @error: return location for a #GError in %TEKEN_SIGNER_ERROR
 *
 * Checks the signature timestamp: the token is a SignedData over a TSTInfo,
 * signed by the certificate it carries, and its message imprint is the
 * digest of this SignerInfo's signature value, so it proves that the
 * signature existed at the token's time. Whether the timestamp authority is
 * trusted is for teken_trust_store_validate() with
 * %TEKEN_TRUST_PURPOSE_TIMESTAMPING, at the returned token's
 * teken_cms_verification_get_timestamp_time().
 *
 * Returns: (transfer full): the token's verification, finished, whose
 *   teken_cms_verification_get_timestamp_time() is genTime,
 *   teken_cms_verification_get_signer_certificate() the timestamp authority
 *   and teken_cms_verification_get_problems() its weak algorithms; or %NULL
 *   with @error set when there is no timestamp or it is not valid
 */
TekenCmsVerification *
teken_cms_verification_verify_timestamp (TekenCmsVerification  *self,
                                         GError               **error)
{
  g_autoptr(TekenCmsVerification) token = NULL;
  g_autoptr(GBytes) token_der = NULL;
  g_autoptr(GError) local_error = NULL;
  X509_ATTRIBUTE *attribute;
  ASN1_OCTET_STRING *signature;
  ASN1_TYPE *value;
  int index;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  index = CMS_unsigned_get_attr_by_NID (self->si, NID_id_smime_aa_timeStampToken, -1);
  if (index < 0)
    {
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE,
                           _("The signature has no timestamp."));
      return NULL;
    }

  attribute = CMS_unsigned_get_attr (self->si, index);
  value = X509_ATTRIBUTE_get0_type (attribute, 0);
  if (value != NULL && value->type == V_ASN1_SEQUENCE)
    {
      token_der = g_bytes_new (ASN1_STRING_get0_data (value->value.sequence),
                               ASN1_STRING_length (value->value.sequence));
      token = teken_cms_verification_new (token_der, &local_error);
    }

  if (token == NULL)
    {
      g_debug ("signature timestamp: %s", local_error != NULL ? local_error->message : "not a SEQUENCE");
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE,
                           _("The signature’s timestamp is damaged and cannot be read."));
      return NULL;
    }

  teken_cms_verification_set_mode (token, TEKEN_CMS_MODE_TIMESTAMP);
  signature = CMS_SignerInfo_get0_signature (self->si);
  teken_cms_verification_update (token, ASN1_STRING_get0_data (signature), ASN1_STRING_length (signature));

  if (teken_cms_verification_finish (token))
    return g_steal_pointer (&token);

  switch (token->failure)
    {
    case FAILURE_DIGEST:
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE,
                           _("The signature’s timestamp was made for other data, not for this signature."));
      break;

    case FAILURE_NO_CERTIFICATE:
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE,
                           _("The signature’s timestamp does not include the certificate of the timestamp authority, so it cannot be checked."));
      break;

    case FAILURE_MALFORMED:
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE,
                           _("The signature’s timestamp is damaged and cannot be read."));
      break;

    default:
      g_set_error_literal (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE,
                           _("The signature’s timestamp is not valid: it is damaged or forged."));
      break;
    }

  return NULL;
}

/**
 * teken_cms_verification_get_timestamp_time:
 *
 * Returns: (transfer none) (nullable): the TSTInfo's genTime when the mode
 *   is %TEKEN_CMS_MODE_TIMESTAMP, %NULL otherwise; only proven once
 *   teken_cms_verification_finish() returned %TRUE
 */
GDateTime *
teken_cms_verification_get_timestamp_time (TekenCmsVerification *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->timestamp_time;
}
