/* teken-pdf-verifier.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Offline verification of every signature in a PDF (DESIGN.md,
 * "Verification"), oldest first:
 *
 *  - structure: /ByteRange is [0 a b c]; the gap is exactly this
 *    signature's /Contents; the signature dictionary is inside the signed
 *    bytes; the signed bytes end at a revision boundary. Anything missing or
 *    malformed makes the signature invalid, never "unknown";
 *  - integrity: the CMS over the signed bytes (teken-cms-verify);
 *  - changes after signing: the signed revision against the document now
 *    (teken-pdf-diff), judged by DocMDP and FieldMDP;
 *  - trust: the chain to an anchor at the signing time, with the revocation
 *    data embedded in the signature and the DSS (teken-trust).
 *
 * Nothing here touches the network.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/x509.h>
#include <string.h>

#include "teken-cms-verify.h"
#include "teken-pdf-parser.h"
#include "teken-pdf-verifier.h"
#include "teken-x509-private.h"

#define READ_CHUNK (1u << 20)

typedef struct
{
  TekenPdfDocument    *document;
  TekenTrustStore     *trust;
  GCancellable        *cancellable;
  TekenDocumentReport *report;
  STACK_OF (X509)     *dss_certificates;
  STACK_OF (X509_CRL) *dss_crls;
  GPtrArray           *dss_ocsps;      /* GBytes, DER */
  int                  certification;  /* the document's DocMDP level, 0 for none */
  guint32              certification_number;
} Verifier;

const char *
teken_verify_status_to_string (TekenVerifyStatus status)
{
  static const char *names[] = { "valid", "untrusted", "modified", "invalid", "error", "unsigned" };

  g_return_val_if_fail (status <= TEKEN_VERIFY_UNSIGNED, "error");

  return names[status];
}

const char *
teken_coverage_to_string (TekenCoverage coverage)
{
  static const char *names[] = { "entire_file", "entire_revision", "partial", "malformed" };

  g_return_val_if_fail (coverage <= TEKEN_COVERAGE_MALFORMED, "malformed");

  return names[coverage];
}

static void
signature_report_free (TekenSignatureReport *report)
{
  g_free (report->field);
  g_free (report->signer);
  g_free (report->subject);
  g_free (report->issuer);
  g_free (report->serial);
  g_free (report->subfilter);
  g_clear_pointer (&report->signing_time, g_date_time_unref);
  g_clear_pointer (&report->timestamp_time, g_date_time_unref);
  g_free (report->timestamp_authority);
  g_clear_pointer (&report->chain, g_ptr_array_unref);
  g_clear_pointer (&report->problems, g_ptr_array_unref);
  g_free (report->reason);
  g_free (report->location);
  g_free (report->digest_algorithm);
  g_free (report->signature_algorithm);
  g_clear_pointer (&report->certificates, g_ptr_array_unref);
  g_free (report);
}

void
teken_document_report_free (TekenDocumentReport *report)
{
  g_free (report->file);
  g_clear_pointer (&report->signatures, g_ptr_array_unref);
  g_clear_pointer (&report->problems, g_ptr_array_unref);
  g_free (report);
}

static TekenDocumentReport *
document_report_new (const char *name)
{
  TekenDocumentReport *report = g_new0 (TekenDocumentReport, 1);

  report->file = g_strdup (name);
  report->signatures = g_ptr_array_new_with_free_func ((GDestroyNotify) signature_report_free);
  report->problems = g_ptr_array_new_with_free_func (g_free);
  report->status = TEKEN_VERIFY_UNSIGNED;

  return report;
}

static void
add_problem (TekenSignatureReport *report,
             TekenVerifyStatus     at_least,
             char                 *problem)
{
  report->status = MAX (report->status, at_least);
  if (problem != NULL)
    g_ptr_array_add (report->problems, problem);
}

static void
append_copies (GPtrArray *to,
               GPtrArray *from)
{
  for (guint i = 0; from != NULL && i < from->len; i++)
    g_ptr_array_add (to, g_strdup (g_ptr_array_index (from, i)));
}

static void
describe_signer (TekenSignatureReport *report,
                 X509                 *certificate)
{
  const ASN1_INTEGER *serial = X509_get0_serialNumber (certificate);
  BIGNUM *number = ASN1_INTEGER_to_BN (serial, NULL);
  char *hex = number ? BN_bn2hex (number) : NULL;

  report->subject = teken_x509_name_to_string (X509_get_subject_name (certificate));
  report->issuer = teken_x509_name_to_string (X509_get_issuer_name (certificate));
  report->signer = teken_x509_get_display_name (certificate);
  report->serial = g_strdup (hex);

  OPENSSL_free (hex);
  BN_free (number);
}

/* D:YYYYMMDDHHmmSSOHH'mm' (7.9.4); every part after the year is optional. */
static GDateTime *
parse_pdf_date (TekenPdfObject *value)
{
  const char *text;
  int parts[6] = { 0, 1, 1, 0, 0, 0 };
  int widths[6] = { 4, 2, 2, 2, 2, 2 };
  g_autoptr(GTimeZone) zone = NULL;
  gsize length;

  if (!teken_pdf_object_is (value, TEKEN_PDF_STRING))
    return NULL;

  text = (const char *) teken_pdf_object_get_string (value, &length);
  if (g_str_has_prefix (text, "D:"))
    text += 2;

  for (guint i = 0; i < 6; i++)
    {
      if (!g_ascii_isdigit (*text))
        break;
      parts[i] = 0;
      for (int w = 0; w < widths[i]; w++, text++)
        {
          if (!g_ascii_isdigit (*text))
            return NULL;
          parts[i] = parts[i] * 10 + (*text - '0');
        }
    }

  if (*text == '+' || *text == '-')
    {
      int hours = 0, minutes = 0;

      if (g_ascii_isdigit (text[1]) && g_ascii_isdigit (text[2]))
        hours = (text[1] - '0') * 10 + (text[2] - '0');
      if (text[3] == '\'' && g_ascii_isdigit (text[4]) && g_ascii_isdigit (text[5]))
        minutes = (text[4] - '0') * 10 + (text[5] - '0');
      zone = g_time_zone_new_offset ((*text == '-' ? -1 : 1) * (hours * 3600 + minutes * 60));
    }
  else
    zone = g_time_zone_new_utc ();

  return g_date_time_new (zone, parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
}

/* A text string (7.9.2.2): UTF-16BE with its byte order mark, else
 * PDFDocEncoding, read as Latin-1, which it matches for what is printable. */
static char *
text_string (TekenPdfObject *value)
{
  const guint8 *text;
  gsize length;
  char *utf8 = NULL;

  if (!teken_pdf_object_is (value, TEKEN_PDF_STRING))
    return NULL;
  text = teken_pdf_object_get_string (value, &length);
  if (length >= 2 && text[0] == 0xfe && text[1] == 0xff)
    utf8 = g_convert ((const char *) text + 2, length - 2, "UTF-8", "UTF-16BE", NULL, NULL, NULL);
  else if (g_utf8_validate ((const char *) text, length, NULL))
    utf8 = g_strndup ((const char *) text, length);
  else
    utf8 = g_convert ((const char *) text, length, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  return utf8;
}

/* "SHA256withRSA", as Java and BSrE name it, from "SHA-256" and the key. */
static char *
describe_signature_algorithm (const char *digest,
                              X509       *signer)
{
  EVP_PKEY *key = X509_get0_pubkey (signer);
  g_autoptr(GString) name = g_string_new (NULL);
  const char *kind;

  if (digest == NULL || key == NULL)
    return NULL;
  switch (EVP_PKEY_get_base_id (key))
    {
    case EVP_PKEY_RSA:
      kind = "RSA";
      break;
    case EVP_PKEY_RSA_PSS:
      kind = "RSASSA-PSS";
      break;
    case EVP_PKEY_EC:
      kind = "ECDSA";
      break;
    case EVP_PKEY_ED25519:
      return g_strdup ("Ed25519");
    default:
      kind = OBJ_nid2sn (EVP_PKEY_get_base_id (key));
      break;
    }
  for (const char *p = digest; *p != '\0'; p++)
    if (*p != '-')
      g_string_append_c (name, *p);
  g_string_append_printf (name, "with%s", kind);
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static gboolean
get_integer (TekenPdfObject *array,
             guint           index,
             gint64         *value)
{
  TekenPdfObject *item = teken_pdf_array_get (array, index);

  if (!teken_pdf_object_is (item, TEKEN_PDF_INTEGER) || teken_pdf_object_get_integer (item) < 0)
    return FALSE;

  *value = teken_pdf_object_get_integer (item);

  return TRUE;
}

/* DocMDP and FieldMDP of one signature (12.8.2). */
static void
read_transforms (TekenPdfDocument  *document,
                 TekenPdfObject    *signature,
                 int               *docmdp,
                 GPtrArray         *locked,
                 gboolean          *lock_all)
{
  g_autoptr(TekenPdfObject) references = teken_pdf_document_lookup (document, signature, "Reference", NULL);

  if (!teken_pdf_object_is (references, TEKEN_PDF_ARRAY))
    return;

  for (guint i = 0; i < teken_pdf_array_get_length (references); i++)
    {
      g_autoptr(TekenPdfObject) reference = teken_pdf_document_resolve (document, teken_pdf_array_get (references, i), NULL);
      g_autoptr(TekenPdfObject) params = NULL;
      TekenPdfObject *method;

      if (!teken_pdf_object_is (reference, TEKEN_PDF_DICT))
        continue;

      method = teken_pdf_dict_get (reference, "TransformMethod");
      params = teken_pdf_document_lookup (document, reference, "TransformParams", NULL);

      if (teken_pdf_object_has_name (method, "DocMDP"))
        {
          TekenPdfObject *p = params ? teken_pdf_dict_get (params, "P") : NULL;
          gint64 level = teken_pdf_object_is (p, TEKEN_PDF_INTEGER) ? teken_pdf_object_get_integer (p) : 2;

          *docmdp = CLAMP (level, 1, 3);
        }
      else if (teken_pdf_object_has_name (method, "FieldMDP") && params != NULL)
        {
          TekenPdfObject *action = teken_pdf_dict_get (params, "Action");
          g_autoptr(TekenPdfObject) fields = teken_pdf_document_lookup (document, params, "Fields", NULL);

          /* Exclude is treated as All: the fields it spares are rare, and
           * locking too much only errs on the side of caution. */
          if (teken_pdf_object_has_name (action, "All") || teken_pdf_object_has_name (action, "Exclude"))
            *lock_all = TRUE;
          else if (teken_pdf_object_is (fields, TEKEN_PDF_ARRAY))
            for (guint j = 0; j < teken_pdf_array_get_length (fields); j++)
              {
                TekenPdfObject *name = teken_pdf_array_get (fields, j);

                if (teken_pdf_object_is (name, TEKEN_PDF_STRING))
                  g_ptr_array_add (locked, g_strdup ((const char *) teken_pdf_object_get_string (name, NULL)));
              }
        }
    }
}

static TekenChangeLevel
allowed_changes (int docmdp)
{
  switch (docmdp)
    {
    case 1:
      return TEKEN_CHANGES_DSS;
    case 2:
      return TEKEN_CHANGES_FORM_FILL;
    case 3:
    default:
      return TEKEN_CHANGES_ANNOTATIONS;
    }
}

/* Streams the signed byte ranges into the CMS check. */
static gboolean
hash_ranges (Verifier             *verifier,
             TekenCmsVerification *cms,
             const gint64          ranges[4],
             GError              **error)
{
  g_autofree guint8 *buffer = g_malloc (READ_CHUNK);

  for (guint r = 0; r < 2; r++)
    {
      gint64 offset = ranges[2 * r];
      gint64 end = offset + ranges[2 * r + 1];

      while (offset < end)
        {
          gsize n = MIN (READ_CHUNK, end - offset);

          if (g_cancellable_set_error_if_cancelled (verifier->cancellable, error) ||
              !teken_pdf_document_read (verifier->document, offset, buffer, n, error))
            return FALSE;
          teken_cms_verification_update (cms, buffer, n);
          offset += n;
        }
    }

  return TRUE;
}

static gboolean
chain_includes (TekenPdfDocument *document,
                goffset           xref_offset)
{
  for (guint i = 0; i < teken_pdf_document_get_n_revisions (document); i++)
    {
      if (teken_pdf_document_get_revision (document, i)->xref_offset == xref_offset)
        return TRUE;
    }

  return FALSE;
}

static void
check_changes (Verifier             *verifier,
               TekenSignatureReport *report,
               TekenPdfDocument     *signed_revision,
               TekenPdfObject       *signature,
               guint32               signature_number)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) teken_pdf_change_free);
  g_autoptr(GPtrArray) filled = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) locked = g_ptr_array_new_with_free_func (g_free);
  gboolean lock_all = FALSE;
  TekenChangeLevel allowed;
  int docmdp = 0;
  guint n;

  read_transforms (verifier->document, signature, &docmdp, locked, &lock_all);
  if (signature_number != 0 && signature_number == verifier->certification_number)
    report->docmdp = verifier->certification;
  else if (docmdp != 0 && verifier->certification == 0)
    report->docmdp = docmdp;

  n = teken_pdf_document_get_n_revisions (signed_revision);
  if (signed_revision != verifier->document &&
      !chain_includes (verifier->document, teken_pdf_document_get_revision (signed_revision, n - 1)->xref_offset))
    {
      report->changes_after = TEKEN_CHANGES_OTHER;
      add_problem (report, TEKEN_VERIFY_MODIFIED,
                   g_strdup (_("The document's later revisions do not build on the signed one: what is shown now is not what was signed.")));
      return;
    }

  if (signed_revision != verifier->document)
    report->changes_after = teken_pdf_diff (signed_revision, verifier->document, changes, filled);

  /* A certification signature in the document sets what every signature
   * allows; without one, comments and form filling are accepted, as every
   * reader does for approval signatures. */
  allowed = allowed_changes (verifier->certification ? verifier->certification : report->docmdp);
  if (report->changes_after > allowed)
    {
      report->status = MAX (report->status, TEKEN_VERIFY_MODIFIED);
      for (guint i = 0; i < changes->len; i++)
        {
          TekenPdfChange *change = g_ptr_array_index (changes, i);

          if (change->level > allowed)
            g_ptr_array_add (report->problems, g_strdup (change->description));
        }
    }

  for (guint i = 0; i < filled->len; i++)
    {
      const char *name = g_ptr_array_index (filled, i);

      if (lock_all || g_ptr_array_find_with_equal_func (locked, name, g_str_equal, NULL))
        add_problem (report, TEKEN_VERIFY_MODIFIED,
                     g_strdup_printf (_("The form field “%s” was locked by this signature but was filled in afterwards."), name));
    }
}

static void
check_trust (Verifier             *verifier,
             TekenSignatureReport *report,
             TekenCmsVerification *cms)
{
  g_autoptr(TekenTrustResult) result = NULL;
  g_autoptr(GPtrArray) ocsps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  STACK_OF (X509) *untrusted = sk_X509_new_null ();
  STACK_OF (X509_CRL) *crls = sk_X509_CRL_new_null ();
  STACK_OF (X509) *carried = teken_cms_verification_get_certificates (cms);
  STACK_OF (X509_CRL) *archived = teken_cms_verification_get_crls (cms);
  GPtrArray *archived_ocsps = teken_cms_verification_get_ocsp_responses (cms);
  const char * const *chain;

  /* What the signature carries, then what the document's DSS adds. */
  for (int i = 0; carried != NULL && i < sk_X509_num (carried); i++)
    sk_X509_push (untrusted, sk_X509_value (carried, i));
  for (int i = 0; i < sk_X509_num (verifier->dss_certificates); i++)
    sk_X509_push (untrusted, sk_X509_value (verifier->dss_certificates, i));
  for (int i = 0; archived != NULL && i < sk_X509_CRL_num (archived); i++)
    sk_X509_CRL_push (crls, sk_X509_CRL_value (archived, i));
  for (int i = 0; i < sk_X509_CRL_num (verifier->dss_crls); i++)
    sk_X509_CRL_push (crls, sk_X509_CRL_value (verifier->dss_crls, i));
  for (guint i = 0; archived_ocsps != NULL && i < archived_ocsps->len; i++)
    g_ptr_array_add (ocsps, g_bytes_ref (g_ptr_array_index (archived_ocsps, i)));
  for (guint i = 0; i < verifier->dss_ocsps->len; i++)
    g_ptr_array_add (ocsps, g_bytes_ref (g_ptr_array_index (verifier->dss_ocsps, i)));

  result = teken_trust_store_validate (verifier->trust,
                                       teken_cms_verification_get_signer_certificate (cms),
                                       untrusted, crls, ocsps, report->signing_time,
                                       TEKEN_TRUST_PURPOSE_SIGNING,
                                       report->time_from_timestamp ? TEKEN_TRUST_FLAG_PROVEN_TIME : TEKEN_TRUST_FLAGS_NONE);
  sk_X509_free (untrusted);
  sk_X509_CRL_free (crls);

  report->trust = teken_trust_status_to_string (teken_trust_result_get_status (result));
  report->revocation = teken_revocation_status_to_string (teken_trust_result_get_revocation (result));
  chain = teken_trust_result_get_chain (result);
  for (guint i = 0; chain != NULL && chain[i] != NULL; i++)
    g_ptr_array_add (report->chain, g_strdup (chain[i]));
  {
    STACK_OF (X509) *certificates = teken_trust_result_get_chain_certificates (result);

    /* The whole chain when one was built; the signer alone is there already. */
    for (int i = 1; certificates != NULL && i < sk_X509_num (certificates); i++)
      {
        X509_up_ref (sk_X509_value (certificates, i));
        g_ptr_array_add (report->certificates, sk_X509_value (certificates, i));
      }
  }
  append_copies (report->problems, teken_trust_result_get_problems (result));

  if (teken_trust_result_get_status (result) != TEKEN_TRUST_STATUS_TRUSTED)
    add_problem (report, TEKEN_VERIFY_UNTRUSTED, NULL);
}

static void
check_timestamp (Verifier             *verifier,
                 TekenSignatureReport *report,
                 TekenCmsVerification *cms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenCmsVerification) token = NULL;
  g_autoptr(TekenTrustResult) result = NULL;
  GDateTime *time;

  if (!teken_cms_verification_has_timestamp (cms))
    return;

  report->has_timestamp = TRUE;
  token = teken_cms_verification_verify_timestamp (cms, &error);
  if (token == NULL)
    {
      add_problem (report, TEKEN_VERIFY_INVALID, g_strdup (error->message));
      return;
    }

  time = teken_cms_verification_get_timestamp_time (token);
  result = teken_trust_store_validate (verifier->trust,
                                       teken_cms_verification_get_signer_certificate (token),
                                       teken_cms_verification_get_certificates (token),
                                       NULL, NULL, time,
                                       TEKEN_TRUST_PURPOSE_TIMESTAMPING, TEKEN_TRUST_FLAGS_NONE);

  report->timestamp_time = time ? g_date_time_ref (time) : NULL;
  report->timestamp_authority = teken_x509_get_display_name (teken_cms_verification_get_signer_certificate (token));
  report->timestamp_valid = time != NULL && teken_trust_result_get_status (result) == TEKEN_TRUST_STATUS_TRUSTED;
  if (report->timestamp_valid)
    {
      g_clear_pointer (&report->signing_time, g_date_time_unref);
      report->signing_time = g_date_time_ref (time);
      report->time_from_timestamp = TRUE;
    }
  else
    g_ptr_array_add (report->problems,
                     g_strdup (_("The timestamp authority is not trusted, so the signing time is only what the signer claims.")));
}

static TekenSignatureReport *
verify_signature (Verifier      *verifier,
                  TekenPdfField *field)
{
  TekenSignatureReport *report = g_new0 (TekenSignatureReport, 1);
  TekenPdfDocument *document = verifier->document;
  g_autoptr(TekenPdfObject) signature = NULL;
  g_autoptr(TekenPdfDocument) signed_revision = NULL;
  g_autoptr(TekenCmsVerification) cms = NULL;
  g_autoptr(GBytes) cms_bytes = NULL;
  g_autoptr(GError) error = NULL;
  TekenPdfObject *value = teken_pdf_dict_get (field->dict, "V");
  TekenPdfObject *byte_range, *contents, *subfilter;
  gint64 ranges[4];
  guint32 signature_number = 0;
  goffset size = teken_pdf_document_get_size (document);
  gsize length;

  report->field = g_strdup (field->name);
  report->coverage = TEKEN_COVERAGE_MALFORMED;
  report->trust = "unknown";
  report->revocation = "not_checked";
  report->chain = g_ptr_array_new_with_free_func (g_free);
  report->problems = g_ptr_array_new_with_free_func (g_free);
  report->certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) X509_free);

  if (teken_pdf_object_is (value, TEKEN_PDF_REFERENCE))
    teken_pdf_reference_get (value, &signature_number, NULL);
  signature = teken_pdf_document_resolve (document, value, &error);
  if (!teken_pdf_object_is (signature, TEKEN_PDF_DICT))
    {
      add_problem (report, TEKEN_VERIFY_INVALID, g_strdup (_("The signature's data cannot be read.")));
      return report;
    }

  subfilter = teken_pdf_dict_get (signature, "SubFilter");
  report->subfilter = g_strdup (teken_pdf_object_get_name (subfilter));
  report->signing_time = parse_pdf_date (teken_pdf_dict_get (signature, "M"));
  report->reason = text_string (teken_pdf_dict_get (signature, "Reason"));
  report->location = text_string (teken_pdf_dict_get (signature, "Location"));

  /* Structure: /ByteRange is a direct [0 a b c] inside the file. */
  byte_range = teken_pdf_dict_get (signature, "ByteRange");
  if (!teken_pdf_object_is (byte_range, TEKEN_PDF_ARRAY) || teken_pdf_array_get_length (byte_range) != 4 ||
      !get_integer (byte_range, 0, &ranges[0]) || !get_integer (byte_range, 1, &ranges[1]) ||
      !get_integer (byte_range, 2, &ranges[2]) || !get_integer (byte_range, 3, &ranges[3]) ||
      ranges[0] != 0 || ranges[2] <= ranges[1] ||
      ranges[2] > size || ranges[3] > size - ranges[2])
    {
      add_problem (report, TEKEN_VERIFY_INVALID,
                   g_strdup (_("The signature's byte range (/ByteRange) is missing or malformed, so it cannot say what was signed.")));
      return report;
    }

  /* The gap is exactly this signature's /Contents, delimiters included. */
  contents = teken_pdf_dict_get (signature, "Contents");
  if (!teken_pdf_object_is_hex_string (contents) ||
      teken_pdf_object_get_start (contents) != ranges[1] ||
      teken_pdf_object_get_end (contents) != ranges[2])
    {
      add_problem (report, TEKEN_VERIFY_INVALID,
                   g_strdup (_("The part of the file the byte range (/ByteRange) leaves out is not exactly the signature value (/Contents). The file was tampered with.")));
      return report;
    }

  /* The signature dictionary itself is signed. */
  if (teken_pdf_object_get_start (signature) < 0 ||
      teken_pdf_object_get_end (signature) > ranges[2] + ranges[3])
    {
      add_problem (report, TEKEN_VERIFY_INVALID,
                   g_strdup (_("The signature's own description lies outside the signed part of the file.")));
      return report;
    }

  /* The signed bytes end where a revision ends. */
  if (ranges[2] + ranges[3] == size)
    signed_revision = g_object_ref (document);
  else
    {
      signed_revision = teken_pdf_document_new_prefix (document, ranges[2] + ranges[3], NULL);
      if (signed_revision == NULL ||
          teken_pdf_document_get_revision (signed_revision, teken_pdf_document_get_n_revisions (signed_revision) - 1)->end
            != ranges[2] + ranges[3])
        {
          report->coverage = TEKEN_COVERAGE_PARTIAL;
          add_problem (report, TEKEN_VERIFY_INVALID,
                       g_strdup (_("The signature covers only part of a revision of the document.")));
          return report;
        }
    }
  report->coverage = signed_revision == document ? TEKEN_COVERAGE_ENTIRE_FILE : TEKEN_COVERAGE_ENTIRE_REVISION;
  report->signed_length = ranges[2] + ranges[3];

  /* Integrity. */
  {
    const guint8 *data = teken_pdf_object_get_string (contents, &length);

    cms_bytes = g_bytes_new (data, length);
  }
  cms = teken_cms_verification_new (cms_bytes, &error);
  if (cms == NULL)
    {
      add_problem (report, TEKEN_VERIFY_INVALID,
                   g_strdup_printf (_("The signature value cannot be read: %s"), error->message));
      return report;
    }
  if (teken_pdf_object_has_name (subfilter, "adbe.pkcs7.sha1"))
    teken_cms_verification_set_mode (cms, TEKEN_CMS_MODE_SHA1);
  else if (teken_pdf_object_has_name (subfilter, "ETSI.RFC3161"))
    teken_cms_verification_set_mode (cms, TEKEN_CMS_MODE_TIMESTAMP);

  if (teken_cms_verification_get_signer_certificate (cms) == NULL)
    {
      add_problem (report, TEKEN_VERIFY_INVALID,
                   g_strdup (_("The signer's certificate is not in the signature, so nobody can tell who signed.")));
      return report;
    }
  describe_signer (report, teken_cms_verification_get_signer_certificate (cms));
  X509_up_ref (teken_cms_verification_get_signer_certificate (cms));
  g_ptr_array_add (report->certificates, teken_cms_verification_get_signer_certificate (cms));

  if (!hash_ranges (verifier, cms, ranges, &error))
    {
      add_problem (report, TEKEN_VERIFY_INVALID, g_strdup (error->message));
      return report;
    }

  report->integrity = teken_cms_verification_finish (cms);
  if (teken_cms_verification_get_digest_algorithm (cms) != NULL)
    {
      report->digest_algorithm = g_strdup (teken_cms_verification_get_digest_algorithm (cms));
      report->signature_algorithm = describe_signature_algorithm (report->digest_algorithm,
                                                                  teken_cms_verification_get_signer_certificate (cms));
    }
  append_copies (report->problems, teken_cms_verification_get_problems (cms));
  if (!report->integrity)
    {
      add_problem (report, TEKEN_VERIFY_INVALID,
                   g_strdup (_("The signature does not match the document (the digest differs): it was changed after signing, or the signature is forged.")));
      return report;
    }

  if (report->signing_time == NULL && teken_cms_verification_get_claimed_signing_time (cms) != NULL)
    report->signing_time = g_date_time_ref (teken_cms_verification_get_claimed_signing_time (cms));

  check_timestamp (verifier, report, cms);
  check_changes (verifier, report, signed_revision, signature, signature_number);
  check_trust (verifier, report, cms);

  return report;
}

static void
collect_dss (Verifier *verifier)
{
  g_autoptr(TekenPdfObject) catalog = teken_pdf_document_get_catalog (verifier->document);
  g_autoptr(TekenPdfObject) dss = catalog ? teken_pdf_document_lookup (verifier->document, catalog, "DSS", NULL) : NULL;
  const char *keys[] = { "Certs", "CRLs", "OCSPs" };

  if (!teken_pdf_object_is (dss, TEKEN_PDF_DICT))
    return;

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      g_autoptr(TekenPdfObject) list = teken_pdf_document_lookup (verifier->document, dss, keys[k], NULL);

      for (guint i = 0; teken_pdf_object_is (list, TEKEN_PDF_ARRAY) && i < teken_pdf_array_get_length (list); i++)
        {
          g_autoptr(TekenPdfObject) stream = teken_pdf_document_resolve (verifier->document, teken_pdf_array_get (list, i), NULL);
          g_autoptr(GBytes) data = NULL;

          if (!teken_pdf_object_is (stream, TEKEN_PDF_STREAM) ||
              !(data = teken_pdf_document_get_stream_data (verifier->document, stream, TRUE, 4 << 20, NULL)))
            continue;

          const guint8 *der = g_bytes_get_data (data, NULL);

          if (k == 0)
            {
              X509 *certificate = d2i_X509 (NULL, &der, g_bytes_get_size (data));

              if (certificate != NULL)
                sk_X509_push (verifier->dss_certificates, certificate);
            }
          else if (k == 1)
            {
              X509_CRL *crl = d2i_X509_CRL (NULL, &der, g_bytes_get_size (data));

              if (crl != NULL)
                sk_X509_CRL_push (verifier->dss_crls, crl);
            }
          else
            g_ptr_array_add (verifier->dss_ocsps, g_steal_pointer (&data));
        }
    }
}

static void
find_certification (Verifier *verifier)
{
  g_autoptr(TekenPdfObject) catalog = teken_pdf_document_get_catalog (verifier->document);
  g_autoptr(TekenPdfObject) perms = catalog ? teken_pdf_document_lookup (verifier->document, catalog, "Perms", NULL) : NULL;
  TekenPdfObject *docmdp = teken_pdf_object_is (perms, TEKEN_PDF_DICT) ? teken_pdf_dict_get (perms, "DocMDP") : NULL;
  g_autoptr(TekenPdfObject) signature = NULL;
  g_autoptr(GPtrArray) locked = g_ptr_array_new_with_free_func (g_free);
  gboolean lock_all = FALSE;
  int level = 0;

  if (!teken_pdf_object_is (docmdp, TEKEN_PDF_REFERENCE))
    return;

  signature = teken_pdf_document_resolve (verifier->document, docmdp, NULL);
  if (!teken_pdf_object_is (signature, TEKEN_PDF_DICT))
    return;

  read_transforms (verifier->document, signature, &level, locked, &lock_all);
  verifier->certification = level != 0 ? level : 2;
  teken_pdf_reference_get (docmdp, &verifier->certification_number, NULL);
}

/* Orders signatures by how much of the file they cover: oldest first. */
static int
compare_reports (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  GHashTable *extent = user_data;
  gint64 x = GPOINTER_TO_SIZE (g_hash_table_lookup (extent, *(gpointer *) a));
  gint64 y = GPOINTER_TO_SIZE (g_hash_table_lookup (extent, *(gpointer *) b));

  return x < y ? -1 : x > y;
}

static gint64
signed_extent (TekenPdfDocument *document,
               TekenPdfField    *field)
{
  g_autoptr(TekenPdfObject) signature = teken_pdf_document_lookup (document, field->dict, "V", NULL);
  TekenPdfObject *range = signature ? teken_pdf_dict_get (signature, "ByteRange") : NULL;
  gint64 b, c;

  if (teken_pdf_object_is (range, TEKEN_PDF_ARRAY) && teken_pdf_array_get_length (range) == 4 &&
      get_integer (range, 2, &b) && get_integer (range, 3, &c))
    return b + c;

  return G_MAXINT64 / 2;
}

/* Signed fields of every revision: a later revision may drop a signed
 * field from the form (or replace the whole catalog), and that signature
 * must still be checked, not silently forgotten. */
static GPtrArray *
collect_signed_fields (Verifier   *verifier,
                       GPtrArray  *keep_alive,
                       GError    **error)
{
  GPtrArray *signed_fields = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = teken_pdf_document_get_n_revisions (verifier->document);

  for (guint r = n; r > 0; r--)
    {
      const TekenPdfRevision *revision = teken_pdf_document_get_revision (verifier->document, r - 1);
      g_autoptr(TekenPdfDocument) view = NULL;
      GPtrArray *fields;

      if (r == n)
        view = g_object_ref (verifier->document);
      else if (revision->end < 0 ||
               !(view = teken_pdf_document_new_prefix (verifier->document, revision->end, NULL)))
        continue;

      fields = teken_pdf_document_get_fields (view, r == n ? error : NULL);
      if (fields == NULL)
        {
          if (r == n)
            {
              g_ptr_array_unref (signed_fields);
              return NULL;
            }
          continue;
        }
      g_ptr_array_add (keep_alive, fields);

      for (guint i = 0; i < fields->len; i++)
        {
          TekenPdfField *field = g_ptr_array_index (fields, i);
          TekenPdfObject *value = teken_pdf_dict_get (field->dict, "V");
          guint32 number = 0;

          if (!field->is_signed)
            continue;
          if (teken_pdf_object_is (value, TEKEN_PDF_REFERENCE))
            teken_pdf_reference_get (value, &number, NULL);
          if (number != 0 && g_hash_table_contains (seen, GUINT_TO_POINTER (number)))
            continue;
          g_hash_table_add (seen, GUINT_TO_POINTER (number));
          g_ptr_array_add (signed_fields, field);
        }
    }

  return signed_fields;
}

static void
verify_document (Verifier *verifier)
{
  TekenDocumentReport *report = verifier->report;
  g_autoptr(GPtrArray) keep_alive = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) signed_fields = NULL;
  g_autoptr(GHashTable) extent = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;

  signed_fields = collect_signed_fields (verifier, keep_alive, &error);
  if (signed_fields == NULL)
    {
      report->status = TEKEN_VERIFY_ERROR;
      g_ptr_array_add (report->problems, g_strdup (error->message));
      return;
    }

  for (guint i = 0; i < signed_fields->len; i++)
    {
      TekenPdfField *field = g_ptr_array_index (signed_fields, i);

      g_hash_table_insert (extent, field, GSIZE_TO_POINTER (signed_extent (verifier->document, field)));
    }
  g_ptr_array_sort_with_data (signed_fields, compare_reports, extent);

  verifier->dss_certificates = sk_X509_new_null ();
  verifier->dss_crls = sk_X509_CRL_new_null ();
  verifier->dss_ocsps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  collect_dss (verifier);
  find_certification (verifier);

  for (guint i = 0; i < signed_fields->len; i++)
    {
      TekenSignatureReport *signature = verify_signature (verifier, g_ptr_array_index (signed_fields, i));

      g_ptr_array_add (report->signatures, signature);
      report->status = report->status == TEKEN_VERIFY_UNSIGNED ? signature->status : MAX (report->status, signature->status);
    }

  sk_X509_pop_free (verifier->dss_certificates, X509_free);
  sk_X509_CRL_pop_free (verifier->dss_crls, X509_CRL_free);
  g_clear_pointer (&verifier->dss_ocsps, g_ptr_array_unref);
}

/* A damaged file may be an intact signed document followed by bytes that
 * are not a proper update (objects appended without a cross-reference
 * section). Find the last "%%EOF" after which the file still opens. */
static TekenPdfDocument *
open_intact_prefix (const char  *path,
                    GBytes      *bytes,
                    goffset      size,
                    gboolean    *unfinished)
{
  g_autoptr(GMappedFile) mapped = NULL;
  const char *data;
  guint tries = 0;

  if (bytes != NULL)
    data = g_bytes_get_data (bytes, NULL);
  else
    {
      /* Only the tail is searched; mapping does not read the rest. */
      if (!(mapped = g_mapped_file_new (path, FALSE, NULL)))
        return NULL;
      data = g_mapped_file_get_contents (mapped);
      size = g_mapped_file_get_length (mapped);
    }

  for (goffset at = size - 5; at >= 0 && tries < 16; at--)
    {
      g_autoptr(TekenPdfDocument) prefix = NULL;
      goffset end = at + 5;

      if (memcmp (data + at, "%%EOF", 5) != 0)
        continue;

      /* The revision ends after the end-of-line that follows the marker. */
      if (end < size && data[end] == '\r')
        end++;
      if (end < size && data[end] == '\n')
        end++;

      tries++;
      if (bytes != NULL)
        {
          g_autoptr(GBytes) head = g_bytes_new_from_bytes (bytes, 0, end);

          prefix = teken_pdf_document_new_for_bytes (head, NULL);
        }
      else
        prefix = teken_pdf_document_new_for_path_prefix (path, end, NULL);

      if (prefix != NULL)
        {
          /* No end marker after the intact part: its last update stops
           * part-way, whether cut off or written so on purpose. */
          *unfinished = tries == 1;
          return g_steal_pointer (&prefix);
        }
    }

  return NULL;
}

/* Whether anything but white space follows the last revision: bytes a
 * repairing reader might show, which no signature covers. */
static gboolean
has_trailing_bytes (TekenPdfDocument *document)
{
  guint n = teken_pdf_document_get_n_revisions (document);
  goffset end = teken_pdf_document_get_revision (document, n - 1)->end;
  goffset size = teken_pdf_document_get_size (document);
  guint8 buffer[4096];

  if (end < 0)
    return TRUE;

  for (goffset offset = end; offset < size; )
    {
      gsize length = MIN ((goffset) sizeof buffer, size - offset);

      if (!teken_pdf_document_read (document, offset, buffer, length, NULL))
        return TRUE;
      for (gsize i = 0; i < length; i++)
        {
          if (!teken_pdf_is_whitespace (buffer[i]))
            return TRUE;
        }
      offset += length;
    }

  return FALSE;
}

static TekenDocumentReport *
verify (const char      *path,
        GBytes          *bytes,
        const char      *name,
        TekenTrustStore *trust,
        GCancellable    *cancellable)
{
  Verifier verifier = { NULL, trust, cancellable, document_report_new (name) };
  g_autoptr(TekenPdfDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  gboolean truncated = FALSE;
  gboolean unfinished = FALSE;

  document = path ? teken_pdf_document_new_for_path (path, &error) : teken_pdf_document_new_for_bytes (bytes, &error);
  if (document == NULL && g_error_matches (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED))
    {
      document = open_intact_prefix (path, bytes, bytes ? (goffset) g_bytes_get_size (bytes) : 0, &unfinished);
      truncated = document != NULL;
    }

  if (document == NULL)
    {
      verifier.report->status = TEKEN_VERIFY_ERROR;
      verifier.report->encrypted = g_error_matches (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_ENCRYPTED);
      g_ptr_array_add (verifier.report->problems, g_strdup (error->message));
      return verifier.report;
    }

  verifier.document = document;
  verify_document (&verifier);

  if (truncated || (verifier.report->signatures->len > 0 && has_trailing_bytes (document)))
    {
      g_ptr_array_add (verifier.report->problems,
                       unfinished
                       ? g_strdup (_("The file is incomplete: it was cut off while downloading or copying, or bytes were added after it was signed. Ask the sender for the file again."))
                       : g_strdup (_("Bytes were added to the end of the file that are not a proper incremental update. Someone changed the document after it was signed.")));
      verifier.report->status = verifier.report->status == TEKEN_VERIFY_UNSIGNED
                                ? TEKEN_VERIFY_ERROR : MAX (verifier.report->status, TEKEN_VERIFY_MODIFIED);
    }

  return verifier.report;
}

/**
 * teken_pdf_verify_file:
 * @trust: the anchors to trust
 *
 * Verifies every signature in the file at @path, offline. Blocks: call it
 * from a worker thread in the UI.
 *
 * Returns: (transfer full): the report; never %NULL, a file that cannot be
 *   read has status %TEKEN_VERIFY_ERROR and says why
 */
TekenDocumentReport *
teken_pdf_verify_file (const char      *path,
                       TekenTrustStore *trust,
                       GCancellable    *cancellable)
{
  g_autofree char *display_name = g_filename_display_name (path);

  return verify (path, NULL, display_name, trust, cancellable);
}

TekenDocumentReport *
teken_pdf_verify_bytes (GBytes          *bytes,
                        const char      *name,
                        TekenTrustStore *trust,
                        GCancellable    *cancellable)
{
  return verify (NULL, bytes, name, trust, cancellable);
}
