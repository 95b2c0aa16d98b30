/* teken-trust.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Trust anchors, and the validation of a signer's (or a timestamp
 * authority's) certificate chain at a given time, offline.
 *
 * The chain is built and checked by X509_verify_cert() at the signing time,
 * with a callback that records every error instead of stopping at the first,
 * so that the user hears everything that is wrong at once ("expired" and "not
 * trusted" need different actions).
 *
 * Revocation is checked here rather than with X509_V_FLAG_CRL_CHECK, because
 * a signature is judged at its signing time, not now: OpenSSL rejects a CRL
 * issued after the verification time as "not yet valid" (every CRL added to
 * a document after signing is), and counts a revocation whatever its date.
 * Here a CRL or OCSP response covers the signing time when it was still
 * current then or was made later, and a revocation dated after a proven
 * signing time does not count. Both kinds must be signed by the
 * certificate's issuer (OCSP: or a responder it delegated to), verified
 * against the same anchors.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/pem.h>
#include <string.h>

#include "teken-trust.h"
#include "teken-trust-private.h"
#include "teken-x509-private.h"

/* How long a CRL or OCSP response without a nextUpdate is taken to be
 * current after it was made: the usual publication interval. */
#define FRESHNESS_SECONDS (24 * 60 * 60)

#define SHA256_LENGTH 32

struct _TekenTrustStore
{
  GObject parent_instance;

  STACK_OF (X509) *anchors;
  GHashTable *pinned;               /* GBytes (a SHA-256 of DER) set */
};

struct _TekenTrustResult
{
  TekenTrustStatus status;
  TekenRevocationStatus revocation;
  GStrv chain;
  STACK_OF (X509) *certificates;
  GPtrArray *problems;
};

typedef enum
{
  CHAIN_ERROR_TIME,
  CHAIN_ERROR_NO_ANCHOR,
  CHAIN_ERROR_SIGNATURE,
  CHAIN_ERROR_RULES,
} ChainErrorKind;

typedef struct
{
  int error;
  int depth;
  X509 *certificate;
} ChainError;

typedef enum
{
  CRL_SCOPE_NONE,                   /* says nothing about the certificate */
  CRL_SCOPE_REVOKED_ONLY,           /* a listing counts, an absence does not */
  CRL_SCOPE_COMPLETE,
} CrlScope;

typedef struct
{
  OCSP_BASICRESP *basic;
  int verified;                     /* -1 until tried */
} OcspResponse;

typedef struct
{
  X509_STORE *store;
  STACK_OF (X509) *untrusted;
  STACK_OF (X509_CRL) *crls;
  GPtrArray *ocsp;                  /* OcspResponse */
  gint64 time;
  TekenTrustFlags flags;
} Validation;

typedef struct
{
  TekenRevocationStatus status;
  gint64 revoked_at;                /* when REVOKED */
  gboolean revoked_later;           /* revoked after a proven time */
  gint64 revoked_later_at;
} Revocation;

G_DEFINE_FINAL_TYPE (TekenTrustStore, teken_trust_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (teken-trust-error-quark, teken_trust_error)

const TekenTrustPin teken_trust_pins[] = {
  { "Root CA Indonesia DS G1",
    "B5F36672FD7CFD401E01EF640B2FE61F816F32F447B280B76F536244CF42FCDF" },
  /* issued by Root CA Indonesia DS G1 */
  { "BSRE CA DS G1",
    "4A3AB062C4D24F60417FA28F6543AC7151C9F1FDE5817BBE67F49C55CE5FFED5" },
  /* the older self-signed root */
  { "OSD LU Kelas 2",
    "2178095B3CC0F6FACB9E6F07FEECEE6327A89C6681AF43BA95126B68867D02B2" },
};
const gsize teken_trust_n_pins = G_N_ELEMENTS (teken_trust_pins);

static void
clear_chain_error (gpointer data)
{
  ChainError *chain_error = data;

  g_clear_pointer (&chain_error->certificate, X509_free);
}

static void
ocsp_response_free (gpointer data)
{
  OcspResponse *response = data;

  OCSP_BASICRESP_free (response->basic);
  g_free (response);
}

static TekenTrustResult *
result_new (void)
{
  TekenTrustResult *result = g_new0 (TekenTrustResult, 1);

  result->status = TEKEN_TRUST_STATUS_UNKNOWN;
  result->revocation = TEKEN_REVOCATION_STATUS_NOT_CHECKED;
  /* Empty rather than NULL when the check cannot even start. */
  result->chain = g_new0 (char *, 1);
  result->problems = g_ptr_array_new_with_free_func (g_free);

  return result;
}

static void
add_problem (TekenTrustResult *result,
             char             *sentence)
{
  for (guint i = 0; i < result->problems->len; i++)
    if (g_str_equal (g_ptr_array_index (result->problems, i), sentence))
      {
        g_free (sentence);
        return;
      }

  g_ptr_array_add (result->problems, sentence);
}

static gboolean
asn1_time_to_unix (const ASN1_TIME *time,
                   gint64          *unix_time)
{
  g_autoptr(GDateTime) date_time = teken_asn1_time_to_date_time (time);

  if (date_time == NULL)
    return FALSE;

  *unix_time = g_date_time_to_unix (date_time);

  return TRUE;
}

/* A date as the user's calendar shows it. */
static char *
format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("?");

  local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%Y-%m-%d");
}

static char *
format_asn1_date (const ASN1_TIME *time)
{
  gint64 unix_time;

  if (!asn1_time_to_unix (time, &unix_time))
    return g_strdup ("?");

  return format_date (unix_time);
}

static GBytes *
fingerprint (X509 *certificate)
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;

  if (!X509_digest (certificate, EVP_sha256 (), digest, &length) || length != SHA256_LENGTH)
    return NULL;

  return g_bytes_new (digest, length);
}

static gboolean
is_pinned (TekenTrustStore *self,
           X509            *certificate)
{
  g_autoptr(GBytes) digest = NULL;

  if (g_hash_table_size (self->pinned) == 0)
    return FALSE;

  digest = fingerprint (certificate);

  return digest != NULL && g_hash_table_contains (self->pinned, digest);
}

/* PEM with any number of certificates, or one DER certificate. */
TekenX509Stack *
teken_trust_read_certificates (const char *data,
                               gsize       length)
{
  g_autoptr(TekenX509Stack) certificates = sk_X509_new_null ();
  g_autoptr(BIO) bio = NULL;
  X509 *certificate;

  if (certificates == NULL || length == 0 || length > G_MAXINT)
    return g_steal_pointer (&certificates);

  bio = BIO_new_mem_buf (data, length);
  while (bio != NULL && (certificate = PEM_read_bio_X509 (bio, NULL, NULL, NULL)) != NULL)
    if (sk_X509_push (certificates, certificate) <= 0)
      X509_free (certificate);

  if (sk_X509_num (certificates) == 0)
    {
      const unsigned char *p = (const unsigned char *) data;

      certificate = d2i_X509 (NULL, &p, length);
      if (certificate != NULL && p == (const unsigned char *) data + length &&
          sk_X509_push (certificates, certificate) > 0)
        certificate = NULL;
      g_clear_pointer (&certificate, X509_free);
    }

  /* The end of the PEM data is reported as an error too. */
  ERR_clear_error ();

  return g_steal_pointer (&certificates);
}

static gboolean
add_anchor (TekenTrustStore *self,
            X509            *certificate)
{
  for (int i = 0; i < sk_X509_num (self->anchors); i++)
    if (X509_cmp (sk_X509_value (self->anchors, i), certificate) == 0)
      return FALSE;

  return X509_add_cert (self->anchors, certificate, X509_ADD_FLAG_UP_REF) == 1;
}

static guint
add_certificates_from_file (TekenTrustStore  *self,
                            const char       *path,
                            GError          **error)
{
  g_autoptr(TekenX509Stack) certificates = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint added = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return 0;

  certificates = teken_trust_read_certificates (contents, length);
  if (sk_X509_num (certificates) == 0)
    {
      g_autofree char *name = g_filename_display_basename (path);

      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_INVALID_FILE,
                   /* Translators: %s is a file name */
                   _("“%s” does not contain a certificate. Choose a certificate file (.pem, .crt or .cer)."),
                   name);
      return 0;
    }

  for (int i = 0; i < sk_X509_num (certificates); i++)
    if (add_anchor (self, sk_X509_value (certificates, i)))
      added++;

  return added;
}

static gboolean
has_certificate_extension (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".pem") || g_str_has_suffix (lower, ".crt") ||
         g_str_has_suffix (lower, ".cer");
}

/* Every certificate in the store is an anchor, self-signed or not: the
 * user chose them, or they are pinned. */
static X509_STORE *
make_store (TekenTrustStore *self,
            X509            *leaf,
            STACK_OF (X509) *untrusted)
{
  g_autoptr(X509_STORE) store = X509_STORE_new ();

  if (store == NULL)
    return NULL;

  for (int i = 0; i < sk_X509_num (self->anchors); i++)
    if (!X509_STORE_add_cert (store, sk_X509_value (self->anchors, i)))
      return NULL;

  if (is_pinned (self, leaf) && !X509_STORE_add_cert (store, leaf))
    return NULL;

  for (int i = 0; i < sk_X509_num (untrusted); i++)
    {
      X509 *certificate = sk_X509_value (untrusted, i);

      if (is_pinned (self, certificate) && !X509_STORE_add_cert (store, certificate))
        return NULL;
    }

  if (!X509_STORE_set_flags (store, X509_V_FLAG_PARTIAL_CHAIN))
    return NULL;

  return g_steal_pointer (&store);
}

static int
record_error_cb (int             ok,
                 X509_STORE_CTX *ctx)
{
  GArray *errors = X509_STORE_CTX_get_app_data (ctx);
  ChainError chain_error = { 0, };

  if (ok)
    return 1;

  chain_error.error = X509_STORE_CTX_get_error (ctx);
  chain_error.depth = X509_STORE_CTX_get_error_depth (ctx);
  chain_error.certificate = X509_STORE_CTX_get_current_cert (ctx);
  if (chain_error.certificate != NULL)
    X509_up_ref (chain_error.certificate);
  g_array_append_val (errors, chain_error);

  /* Go on: every error is reported, not just the first. */
  return 1;
}

static ChainErrorKind
classify_error (int error)
{
  switch (error)
    {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return CHAIN_ERROR_TIME;

    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
      return CHAIN_ERROR_NO_ANCHOR;

    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      return CHAIN_ERROR_SIGNATURE;

    default:
      return CHAIN_ERROR_RULES;
    }
}

static char *
describe_time_error (const ChainError *chain_error,
                     gboolean          at_signing_time)
{
  X509 *certificate = chain_error->certificate;
  g_autofree char *not_before = format_asn1_date (X509_get0_notBefore (certificate));
  g_autofree char *not_after = format_asn1_date (X509_get0_notAfter (certificate));
  g_autofree char *name = NULL;

  if (chain_error->depth == 0 && chain_error->error == X509_V_ERR_CERT_HAS_EXPIRED)
    {
      if (at_signing_time)
        /* Translators: %s is a date */
        return g_strdup_printf (_("The certificate was not valid at the signing time (it expired on %s)."), not_after);

      /* Translators: %s is a date */
      return g_strdup_printf (_("The certificate expired on %s."), not_after);
    }

  if (chain_error->depth == 0)
    {
      if (at_signing_time)
        /* Translators: %s is a date */
        return g_strdup_printf (_("The certificate was not yet valid at the signing time (it became valid on %s)."), not_before);

      /* Translators: %s is a date */
      return g_strdup_printf (_("The certificate is not valid yet (it becomes valid on %s)."), not_before);
    }

  name = teken_x509_get_display_name (certificate);

  if (at_signing_time)
    /* Translators: the first %s is a certificate authority's name, the others are dates */
    return g_strdup_printf (_("The certificate of the authority “%s” was not valid at the signing time (it was valid from %s to %s)."),
                            name, not_before, not_after);

  /* Translators: the first %s is a certificate authority's name, the others are dates */
  return g_strdup_printf (_("The certificate of the authority “%s” is not valid now (it is valid from %s to %s)."),
                          name, not_before, not_after);
}

static char *
describe_no_anchor (TekenTrustPurpose purpose)
{
  if (purpose == TEKEN_TRUST_PURPOSE_TIMESTAMPING)
    return g_strdup (_("The timestamp authority’s certificate is not issued by a trusted authority. If you trust it, import its root certificate in Preferences."));

  return g_strdup (_("The signer’s certificate is not issued by a trusted authority. If you trust the sender, import their root certificate in Preferences."));
}

static gboolean
usage_allows (X509              *leaf,
              TekenTrustPurpose  purpose)
{
  switch (purpose)
    {
    case TEKEN_TRUST_PURPOSE_SIGNING:
      /* X509_get_key_usage() has every bit set when there is no keyUsage. */
      return (X509_get_key_usage (leaf) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;

    case TEKEN_TRUST_PURPOSE_TIMESTAMPING:
      /* RFC 3161 §2.3: extendedKeyUsage critical and timeStamping only. */
      return X509_check_purpose (leaf, X509_PURPOSE_TIMESTAMP_SIGN, 0) == 1;

    default:
      g_return_val_if_reached (FALSE);
    }
}

/* Was the information current at the time, or made later? */
static gboolean
covers_time (const ASN1_TIME *this_update,
             const ASN1_TIME *next_update,
             gint64           time)
{
  gint64 t;

  if (next_update != NULL)
    return asn1_time_to_unix (next_update, &t) && t >= time;

  return asn1_time_to_unix (this_update, &t) && t + FRESHNESS_SECONDS >= time;
}

static void
note_revoked (Validation      *v,
              Revocation      *revocation,
              const ASN1_TIME *revocation_time)
{
  gint64 t;

  /* A revocation without a readable date is taken to be from the start. */
  if (!asn1_time_to_unix (revocation_time, &t))
    t = G_MININT64;

  if ((v->flags & TEKEN_TRUST_FLAG_PROVEN_TIME) && t > v->time)
    {
      /* The data says the certificate was fine until then. */
      revocation->revoked_later = TRUE;
      revocation->revoked_later_at = t;
      if (revocation->status != TEKEN_REVOCATION_STATUS_REVOKED)
        revocation->status = TEKEN_REVOCATION_STATUS_GOOD;
      return;
    }

  if (revocation->status != TEKEN_REVOCATION_STATUS_REVOKED || t < revocation->revoked_at)
    revocation->revoked_at = t;
  revocation->status = TEKEN_REVOCATION_STATUS_REVOKED;
}

static void
note_good (Revocation *revocation)
{
  if (revocation->status != TEKEN_REVOCATION_STATUS_REVOKED)
    revocation->status = TEKEN_REVOCATION_STATUS_GOOD;
}

static void
note_relevant (Revocation *revocation)
{
  if (revocation->status == TEKEN_REVOCATION_STATUS_NOT_CHECKED)
    revocation->status = TEKEN_REVOCATION_STATUS_UNKNOWN;
}

static gboolean
distribution_point_matches (const DIST_POINT_NAME *crl_point,
                            X509                  *certificate)
{
  g_autoptr(CRL_DIST_POINTS) points = NULL;

  if (crl_point->type != 0)
    return FALSE;

  points = X509_get_ext_d2i (certificate, NID_crl_distribution_points, NULL, NULL);
  for (int i = 0; i < sk_DIST_POINT_num (points); i++)
    {
      DIST_POINT *point = sk_DIST_POINT_value (points, i);

      if (point->distpoint == NULL || point->distpoint->type != 0)
        continue;

      for (int j = 0; j < sk_GENERAL_NAME_num (point->distpoint->name.fullname); j++)
        for (int k = 0; k < sk_GENERAL_NAME_num (crl_point->name.fullname); k++)
          if (GENERAL_NAME_cmp (sk_GENERAL_NAME_value (point->distpoint->name.fullname, j),
                                sk_GENERAL_NAME_value (crl_point->name.fullname, k)) == 0)
            return TRUE;
    }

  return FALSE;
}

/* What a CRL can say about @certificate. Partitioned CRLs (an issuing
 * distribution point) only cover the certificates of their partition, and
 * delta CRLs or CRLs for some reasons only list some revocations. */
static CrlScope
get_crl_scope (X509_CRL *crl,
               X509     *certificate)
{
  const STACK_OF (X509_EXTENSION) *extensions = X509_CRL_get0_extensions (crl);
  g_autoptr(ISSUING_DIST_POINT) idp = NULL;
  CrlScope scope = CRL_SCOPE_COMPLETE;
  int found = -1;

  for (int i = 0; i < sk_X509_EXTENSION_num (extensions); i++)
    {
      X509_EXTENSION *extension = sk_X509_EXTENSION_value (extensions, i);
      int nid = OBJ_obj2nid (X509_EXTENSION_get_object (extension));

      /* A critical extension we do not understand makes the CRL unusable
       * (RFC 5280 §5.2). */
      if (X509_EXTENSION_get_critical (extension) &&
          nid != NID_issuing_distribution_point && nid != NID_delta_crl)
        return CRL_SCOPE_NONE;
    }

  if (X509_CRL_get_ext_by_NID (crl, NID_delta_crl, -1) >= 0)
    scope = CRL_SCOPE_REVOKED_ONLY;

  idp = X509_CRL_get_ext_d2i (crl, NID_issuing_distribution_point, &found, NULL);
  if (idp == NULL)
    return found == -1 ? scope : CRL_SCOPE_NONE;

  if (idp->indirectCRL || idp->onlyattr > 0 ||
      (idp->onlyCA > 0 && !X509_check_ca (certificate)) ||
      (idp->onlyuser > 0 && X509_check_ca (certificate)))
    return CRL_SCOPE_NONE;

  if (idp->distpoint != NULL && !distribution_point_matches (idp->distpoint, certificate))
    return CRL_SCOPE_NONE;

  if (idp->onlysomereasons != NULL)
    scope = CRL_SCOPE_REVOKED_ONLY;

  return scope;
}

static void
check_crls (Validation *v,
            X509       *certificate,
            X509       *issuer,
            Revocation *revocation)
{
  for (int i = 0; i < sk_X509_CRL_num (v->crls); i++)
    {
      X509_CRL *crl = sk_X509_CRL_value (v->crls, i);
      X509_REVOKED *entry = NULL;
      EVP_PKEY *issuer_key;
      CrlScope scope;

      if (X509_NAME_cmp (X509_CRL_get_issuer (crl), X509_get_issuer_name (certificate)) != 0)
        continue;

      note_relevant (revocation);

      if (issuer == NULL || X509_NAME_cmp (X509_CRL_get_issuer (crl), X509_get_subject_name (issuer)) != 0)
        continue;

      /* Signed by the issuer, which is allowed to sign CRLs. */
      issuer_key = X509_get0_pubkey (issuer);
      if (issuer_key == NULL || (X509_get_key_usage (issuer) & KU_CRL_SIGN) == 0 ||
          X509_CRL_verify (crl, issuer_key) != 1)
        {
          teken_openssl_log_errors ("CRL signature");
          continue;
        }

      scope = get_crl_scope (crl, certificate);
      if (scope == CRL_SCOPE_NONE)
        continue;

      /* 2 is an entry that removes a hold (delta CRLs). */
      if (X509_CRL_get0_by_cert (crl, &entry, certificate) == 1)
        note_revoked (v, revocation, X509_REVOKED_get0_revocationDate (entry));
      else if (scope == CRL_SCOPE_COMPLETE &&
               covers_time (X509_CRL_get0_lastUpdate (crl), X509_CRL_get0_nextUpdate (crl), v->time))
        note_good (revocation);
    }
}

static gboolean
verify_ocsp (Validation   *v,
             OcspResponse *response)
{
  gint64 produced_at;

  if (response->verified >= 0)
    return response->verified;

  /* The responder's certificate is judged when it answered: responder
   * certificates are short-lived. */
  if (asn1_time_to_unix (OCSP_resp_get0_produced_at (response->basic), &produced_at))
    X509_VERIFY_PARAM_set_time (X509_STORE_get0_param (v->store), (time_t) produced_at);

  response->verified = OCSP_basic_verify (response->basic, v->untrusted, v->store, 0) == 1;
  if (!response->verified)
    teken_openssl_log_errors ("OCSP_basic_verify");

  return response->verified;
}

static void
check_ocsp (Validation *v,
            X509       *certificate,
            X509       *issuer,
            Revocation *revocation)
{
  for (guint i = 0; i < v->ocsp->len; i++)
    {
      OcspResponse *response = g_ptr_array_index (v->ocsp, i);

      for (int j = 0; j < OCSP_resp_count (response->basic); j++)
        {
          OCSP_SINGLERESP *single = OCSP_resp_get0 (response->basic, j);
          OCSP_CERTID *id = (OCSP_CERTID *) OCSP_SINGLERESP_get0_id (single);
          g_autoptr(OCSP_CERTID) our_id = NULL;
          ASN1_GENERALIZEDTIME *revocation_time = NULL;
          ASN1_GENERALIZEDTIME *this_update = NULL;
          ASN1_GENERALIZEDTIME *next_update = NULL;
          ASN1_OBJECT *md_object = NULL;
          ASN1_INTEGER *serial = NULL;
          const EVP_MD *md;
          int reason;
          int status;

          if (!OCSP_id_get0_info (NULL, &md_object, NULL, &serial, id) ||
              ASN1_INTEGER_cmp (serial, X509_get0_serialNumber (certificate)) != 0)
            continue;

          note_relevant (revocation);

          /* The CertID names the issuer by hashes, in the responder's
           * choice of digest. */
          md = EVP_get_digestbyobj (md_object);
          if (issuer == NULL || md == NULL)
            continue;
          our_id = OCSP_cert_to_id (md, certificate, issuer);
          if (our_id == NULL || OCSP_id_cmp (our_id, id) != 0)
            continue;

          if (!verify_ocsp (v, response))
            continue;

          status = OCSP_single_get0_status (single, &reason, &revocation_time, &this_update, &next_update);
          if (status == V_OCSP_CERTSTATUS_REVOKED)
            note_revoked (v, revocation, revocation_time);
          else if (status == V_OCSP_CERTSTATUS_GOOD && covers_time (this_update, next_update, v->time))
            note_good (revocation);
        }
    }

  ERR_clear_error ();
}

static Revocation
check_revocation (Validation *v,
                  X509       *certificate,
                  X509       *issuer)
{
  Revocation revocation = { TEKEN_REVOCATION_STATUS_NOT_CHECKED, 0, FALSE, 0 };

  check_crls (v, certificate, issuer, &revocation);
  check_ocsp (v, certificate, issuer, &revocation);

  return revocation;
}

static GPtrArray *
parse_ocsp_responses (GPtrArray *responses)
{
  GPtrArray *parsed = g_ptr_array_new_with_free_func (ocsp_response_free);

  for (guint i = 0; responses != NULL && i < responses->len; i++)
    {
      GBytes *der = g_ptr_array_index (responses, i);
      g_autoptr(OCSP_RESPONSE) response = NULL;
      const unsigned char *p;
      OcspResponse *entry;
      gsize length;

      p = g_bytes_get_data (der, &length);
      if (length == 0 || length > G_MAXLONG)
        continue;

      response = d2i_OCSP_RESPONSE (NULL, &p, length);
      if (response == NULL || OCSP_response_status (response) != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        {
          teken_openssl_log_errors ("OCSP response");
          continue;
        }

      entry = g_new0 (OcspResponse, 1);
      entry->basic = OCSP_response_get1_basic (response);
      entry->verified = -1;
      if (entry->basic == NULL)
        {
          ocsp_response_free (entry);
          continue;
        }
      g_ptr_array_add (parsed, entry);
    }

  ERR_clear_error ();

  return parsed;
}

static void
describe_revocation (TekenTrustResult *result,
                     Validation       *v,
                     X509             *certificate,
                     int               depth,
                     const Revocation *revocation)
{
  g_autofree char *date = NULL;
  g_autofree char *name = NULL;

  if (revocation->status == TEKEN_REVOCATION_STATUS_REVOKED)
    {
      date = format_date (revocation->revoked_at);
      if (depth > 0)
        {
          name = teken_x509_get_display_name (certificate);
          /* Translators: the first %s is a certificate authority's name, the second a date */
          add_problem (result, g_strdup_printf (_("The certificate of the authority “%s” was revoked on %s."), name, date));
        }
      else if (revocation->revoked_at > v->time)
        /* Translators: %s is a date */
        add_problem (result, g_strdup_printf (_("The certificate was revoked on %s, after the claimed signing time. Without a trusted timestamp the signature cannot be shown to be older than the revocation."),
                                              date));
      else
        /* Translators: %s is a date */
        add_problem (result, g_strdup_printf (_("The certificate was revoked on %s."), date));
      return;
    }

  if (depth == 0 && revocation->revoked_later)
    {
      date = format_date (revocation->revoked_later_at);
      /* Translators: %s is a date */
      add_problem (result, g_strdup_printf (_("The certificate was revoked on %s, after the signature was timestamped; the signature remains valid."),
                                            date));
    }

  if (depth == 0 && revocation->status == TEKEN_REVOCATION_STATUS_UNKNOWN)
    add_problem (result, g_strdup (_("The revocation information in the document is out of date or cannot be verified, so it is unknown whether the certificate was revoked.")));
}

static void
teken_trust_store_finalize (GObject *object)
{
  TekenTrustStore *self = (TekenTrustStore *) object;

  g_clear_pointer (&self->anchors, teken_x509_stack_free);
  g_clear_pointer (&self->pinned, g_hash_table_unref);

  G_OBJECT_CLASS (teken_trust_store_parent_class)->finalize (object);
}

static void
teken_trust_store_class_init (TekenTrustStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = teken_trust_store_finalize;
}

static void
teken_trust_store_init (TekenTrustStore *self)
{
  self->anchors = sk_X509_new_null ();
  self->pinned = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
}

/**
 * teken_trust_status_to_string:
 *
 * Returns: "trusted", "untrusted", "expired", "revoked" or "unknown", as
 *   `teken verify --json` writes them
 */
const char *
teken_trust_status_to_string (TekenTrustStatus status)
{
  switch (status)
    {
    case TEKEN_TRUST_STATUS_TRUSTED: return "trusted";
    case TEKEN_TRUST_STATUS_UNTRUSTED: return "untrusted";
    case TEKEN_TRUST_STATUS_EXPIRED: return "expired";
    case TEKEN_TRUST_STATUS_REVOKED: return "revoked";
    case TEKEN_TRUST_STATUS_UNKNOWN: return "unknown";
    default: g_return_val_if_reached ("unknown");
    }
}

/**
 * teken_revocation_status_to_string:
 *
 * Returns: "good", "revoked", "unknown" or "not_checked"
 */
const char *
teken_revocation_status_to_string (TekenRevocationStatus status)
{
  switch (status)
    {
    case TEKEN_REVOCATION_STATUS_GOOD: return "good";
    case TEKEN_REVOCATION_STATUS_REVOKED: return "revoked";
    case TEKEN_REVOCATION_STATUS_UNKNOWN: return "unknown";
    case TEKEN_REVOCATION_STATUS_NOT_CHECKED: return "not_checked";
    default: g_return_val_if_reached ("unknown");
    }
}

TekenTrustStatus
teken_trust_result_get_status (TekenTrustResult *self)
{
  g_return_val_if_fail (self != NULL, TEKEN_TRUST_STATUS_UNKNOWN);

  return self->status;
}

/**
 * teken_trust_result_get_revocation:
 *
 * The leaf's status, except that a revoked CA of the chain makes it
 * %TEKEN_REVOCATION_STATUS_REVOKED too. %TEKEN_REVOCATION_STATUS_NOT_CHECKED
 * (normal for a signature without long-term validation data) adds no
 * problem sentence.
 */
TekenRevocationStatus
teken_trust_result_get_revocation (TekenTrustResult *self)
{
  g_return_val_if_fail (self != NULL, TEKEN_REVOCATION_STATUS_UNKNOWN);

  return self->revocation;
}

/**
 * teken_trust_result_get_chain:
 *
 * Returns: (transfer none) (array zero-terminated=1): the subjects of the
 *   chain, leaf first, in RFC 2253 form ("CN=Budi Santoso,O=…,C=ID"); as far
 *   as it could be built when it is not trusted
 */
const char * const *
teken_trust_result_get_chain (TekenTrustResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->chain;
}

/**
 * teken_trust_result_get_chain_certificates:
 *
 * Returns: (transfer none) (nullable): the certificates of
 *   teken_trust_result_get_chain(); %NULL only when the status is
 *   %TEKEN_TRUST_STATUS_UNKNOWN
 */
STACK_OF (X509) *
teken_trust_result_get_chain_certificates (TekenTrustResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->certificates;
}

/**
 * teken_trust_result_get_problems:
 *
 * Returns: (transfer none) (element-type utf8): translated sentences saying
 *   what is wrong and, where there is something to do, what; empty when
 *   the chain is trusted and nothing is worth mentioning
 */
GPtrArray *
teken_trust_result_get_problems (TekenTrustResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->problems;
}

void
teken_trust_result_free (TekenTrustResult *self)
{
  if (self == NULL)
    return;

  g_strfreev (self->chain);
  g_clear_pointer (&self->certificates, teken_x509_stack_free);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_free (self);
}

TekenTrustStore *
teken_trust_store_new (void)
{
  return g_object_new (TEKEN_TYPE_TRUST_STORE, NULL);
}

/**
 * teken_trust_store_add_defaults:
 *
 * Adds the anchors installed with Teken (PKGDATADIR/trust), the ones the
 * user imported (`$XDG_DATA_HOME/teken/trust`) and the pinned fingerprints
 * of the Indonesian roots. The system's TLS store is deliberately not used:
 * a web server's CA has no say over who signed a document.
 */
void
teken_trust_store_add_defaults (TekenTrustStore *self)
{
  g_autofree char *user_dir = NULL;

  g_return_if_fail (TEKEN_IS_TRUST_STORE (self));

  teken_trust_store_add_directory (self, PKGDATADIR "/trust");

  user_dir = g_build_filename (g_get_user_data_dir (), "teken", "trust", NULL);
  teken_trust_store_add_directory (self, user_dir);

  for (gsize i = 0; i < teken_trust_n_pins; i++)
    teken_trust_store_add_pinned_sha256 (self, teken_trust_pins[i].sha256);
}

/**
 * teken_trust_store_add_directory:
 * @path: a directory, which need not exist
 *
 * Adds the certificates of every `*.pem`, `*.crt` and `*.cer` file in
 * @path, PEM (any number) or DER (one). Files that cannot be read are
 * skipped.
 *
 * Returns: the number of anchors added
 */
guint
teken_trust_store_add_directory (TekenTrustStore *self,
                                 const char      *path)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  guint added = 0;

  g_return_val_if_fail (TEKEN_IS_TRUST_STORE (self), 0);
  g_return_val_if_fail (path != NULL, 0);

  dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      g_debug ("No trust anchors from %s: %s", path, error->message);
      return 0;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = NULL;

      if (!has_certificate_extension (name))
        continue;

      file = g_build_filename (path, name, NULL);
      added += add_certificates_from_file (self, file, &error);
      if (error != NULL)
        {
          g_debug ("Skipping trust anchor %s: %s", file, error->message);
          g_clear_error (&error);
        }
    }

  return added;
}

/**
 * teken_trust_store_add_file:
 * @path: a PEM file with one or more certificates, or a DER certificate
 * @error: return location for a #GError in %G_FILE_ERROR or
 *   %TEKEN_TRUST_ERROR
 *
 * Returns: %TRUE when the file held at least one certificate (perhaps one
 *   already in the store)
 */
gboolean
teken_trust_store_add_file (TekenTrustStore  *self,
                            const char       *path,
                            GError          **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (TEKEN_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  add_certificates_from_file (self, path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

/**
 * teken_trust_store_add_certificate:
 * @certificate: an anchor; the store takes its own reference
 */
void
teken_trust_store_add_certificate (TekenTrustStore *self,
                                   X509            *certificate)
{
  g_return_if_fail (TEKEN_IS_TRUST_STORE (self));
  g_return_if_fail (certificate != NULL);

  add_anchor (self, certificate);
}

/**
 * teken_trust_store_add_pinned_sha256:
 * @hex: the SHA-256 of a certificate's DER, 64 hex digits in either case,
 *   optionally separated by colons or spaces
 *
 * A certificate whose fingerprint is pinned is an anchor when a document
 * carries it, self-signed or not.
 *
 * Returns: %FALSE when @hex is not a SHA-256 fingerprint
 */
gboolean
teken_trust_store_add_pinned_sha256 (TekenTrustStore *self,
                                     const char      *hex)
{
  guint8 digest[SHA256_LENGTH];
  gsize n = 0;

  g_return_val_if_fail (TEKEN_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (hex != NULL, FALSE);

  for (const char *p = hex; *p != '\0'; p++)
    {
      int high, low;

      if (*p == ':' || *p == ' ')
        continue;

      high = g_ascii_xdigit_value (p[0]);
      low = p[1] != '\0' ? g_ascii_xdigit_value (p[1]) : -1;
      if (high < 0 || low < 0 || n == sizeof digest)
        return FALSE;

      digest[n++] = (high << 4) | low;
      p++;
    }

  if (n != sizeof digest)
    return FALSE;

  g_hash_table_add (self->pinned, g_bytes_new (digest, sizeof digest));

  return TRUE;
}

/**
 * teken_trust_store_validate:
 * @leaf: the certificate to validate: the signer's, or the timestamp
 *   authority's
 * @untrusted: (nullable): certificates to build the chain from: the CMS's
 *   and the document's DSS; those with a pinned fingerprint are anchors
 * @crls: (nullable): CRLs from the signature and the DSS
 * @ocsp_responses: (nullable) (element-type GBytes): DER OCSPResponses from
 *   the signature and the DSS
 * @at: (nullable): the time to validate at, the signing time; %NULL for now
 * @purpose: what @leaf must be allowed to do
 * @flags: whether @at is proven by a timestamp
 *
 * Builds the chain from @leaf to an anchor and checks it at @at: validity
 * periods, signatures, CA constraints, @leaf's key usage, and revocation
 * from @crls and @ocsp_responses only (never the network). Revocation data
 * counts when signed by the certificate's issuer or its delegated OCSP
 * responder and current at @at or issued later.
 *
 * Safe to call from several threads as long as no anchor is being added.
 *
 * Returns: (transfer full): the result, never %NULL
 */
TekenTrustResult *
teken_trust_store_validate (TekenTrustStore     *self,
                            X509                *leaf,
                            STACK_OF (X509)     *untrusted,
                            STACK_OF (X509_CRL) *crls,
                            GPtrArray           *ocsp_responses,
                            GDateTime           *at,
                            TekenTrustPurpose    purpose,
                            TekenTrustFlags      flags)
{
  g_autoptr(TekenTrustResult) result = result_new ();
  g_autoptr(X509_STORE) store = NULL;
  g_autoptr(X509_STORE_CTX) ctx = NULL;
  g_autoptr(GArray) errors = NULL;
  g_autoptr(GPtrArray) ocsp = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  gboolean untrusted_chain = FALSE;
  gboolean time_error = FALSE;
  Validation v = { 0, };
  int count;

  g_return_val_if_fail (TEKEN_IS_TRUST_STORE (self), NULL);
  g_return_val_if_fail (leaf != NULL, NULL);

  errors = g_array_new (FALSE, TRUE, sizeof (ChainError));
  g_array_set_clear_func (errors, clear_chain_error);

  store = make_store (self, leaf, untrusted);
  ctx = X509_STORE_CTX_new ();
  if (store == NULL || ctx == NULL || !X509_STORE_CTX_init (ctx, store, leaf, untrusted))
    {
      teken_openssl_log_errors ("setting up the chain check");
      add_problem (result, g_strdup (_("The certificate could not be checked because of an internal error.")));
      return g_steal_pointer (&result);
    }

  v.store = store;
  v.untrusted = untrusted;
  v.crls = crls;
  v.flags = flags;
  v.time = at != NULL ? g_date_time_to_unix (at) : g_get_real_time () / G_USEC_PER_SEC;

  X509_STORE_CTX_set_verify_cb (ctx, record_error_cb);
  X509_STORE_CTX_set_app_data (ctx, errors);
  if (at != NULL)
    X509_STORE_CTX_set_time (ctx, 0, (time_t) v.time);

  if (X509_verify_cert (ctx) <= 0 && errors->len == 0)
    {
      teken_openssl_log_errors ("X509_verify_cert");
      add_problem (result, g_strdup (_("The certificate could not be checked because of an internal error.")));
      return g_steal_pointer (&result);
    }
  ERR_clear_error ();

  result->certificates = X509_STORE_CTX_get1_chain (ctx);
  if (result->certificates == NULL)
    {
      add_problem (result, g_strdup (_("The certificate could not be checked because of an internal error.")));
      return g_steal_pointer (&result);
    }
  count = sk_X509_num (result->certificates);

  chain = g_ptr_array_new ();
  for (int i = 0; i < count; i++)
    g_ptr_array_add (chain, teken_x509_name_to_string (X509_get_subject_name (sk_X509_value (result->certificates, i))));
  g_ptr_array_add (chain, NULL);
  g_strfreev (result->chain);
  result->chain = (GStrv) g_ptr_array_free (g_steal_pointer (&chain), FALSE);

  for (guint i = 0; i < errors->len; i++)
    {
      const ChainError *chain_error = &g_array_index (errors, ChainError, i);

      g_debug ("Chain error at depth %d: %s", chain_error->depth,
               X509_verify_cert_error_string (chain_error->error));

      switch (classify_error (chain_error->error))
        {
        case CHAIN_ERROR_TIME:
          time_error = TRUE;
          if (chain_error->certificate != NULL)
            add_problem (result, describe_time_error (chain_error, at != NULL));
          break;

        case CHAIN_ERROR_NO_ANCHOR:
          untrusted_chain = TRUE;
          add_problem (result, describe_no_anchor (purpose));
          break;

        case CHAIN_ERROR_SIGNATURE:
          untrusted_chain = TRUE;
          add_problem (result, g_strdup (_("A certificate in the chain has an invalid signature; the certificates may have been tampered with.")));
          break;

        case CHAIN_ERROR_RULES:
        default:
          untrusted_chain = TRUE;
          /* Translators: %s is OpenSSL's technical reason, in English */
          add_problem (result, g_strdup_printf (_("The certificate chain breaks the rules for certificate authorities (%s), so it cannot be trusted."),
                                                X509_verify_cert_error_string (chain_error->error)));
          break;
        }
    }

  if (!usage_allows (leaf, purpose))
    {
      untrusted_chain = TRUE;
      if (purpose == TEKEN_TRUST_PURPOSE_TIMESTAMPING)
        add_problem (result, g_strdup (_("The timestamp authority’s certificate is not meant for timestamps.")));
      else
        add_problem (result, g_strdup (_("The signer’s certificate is not meant for signing documents.")));
    }

  /* Revocation of every certificate that has an issuer in the chain; the
   * last one is the anchor, or as far as the chain got. */
  ocsp = parse_ocsp_responses (ocsp_responses);
  v.ocsp = ocsp;
  for (int i = 0; i < count; i++)
    {
      X509 *certificate = sk_X509_value (result->certificates, i);
      X509 *issuer = i + 1 < count ? sk_X509_value (result->certificates, i + 1) : NULL;
      Revocation revocation;

      if (issuer == NULL && X509_check_issued (certificate, certificate) == X509_V_OK)
        break;

      revocation = check_revocation (&v, certificate, issuer);
      describe_revocation (result, &v, certificate, i, &revocation);

      if (i == 0 || revocation.status == TEKEN_REVOCATION_STATUS_REVOKED)
        result->revocation = revocation.status;
    }

  if (result->revocation == TEKEN_REVOCATION_STATUS_REVOKED)
    result->status = TEKEN_TRUST_STATUS_REVOKED;
  else if (untrusted_chain)
    result->status = TEKEN_TRUST_STATUS_UNTRUSTED;
  else if (time_error)
    result->status = TEKEN_TRUST_STATUS_EXPIRED;
  else
    result->status = TEKEN_TRUST_STATUS_TRUSTED;

  return g_steal_pointer (&result);
}
