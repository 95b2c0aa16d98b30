/* teken-ca-server-verify.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* BSrE's `POST /api/v2/verify/pdf` (docs/api.md §10): the same offline
 * verifier as `teken verify`, trusting teken-ca's own root and the pinned
 * Indonesian anchors, answered with BSrE's member names (misspellings
 * included) and, under `teken`, the object `teken verify --json` prints.
 * The route is slow: decoding and verifying run in a worker thread. */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/x509v3.h>

#include "teken-ca-server-private.h"
#include "teken-pdf-document.h"
#include "teken-pdf-error.h"
#include "teken-pdf-verifier.h"
#include "teken-x509-private.h"

/* The Indonesian sentence of each file status (§10, `description`). */
static const char *
describe (TekenVerifyStatus status)
{
  switch (status)
    {
    case TEKEN_VERIFY_VALID:
      return _("The document is valid: every signature is intact, the document did not change after signing, and the signers' certificates are trusted.");
    case TEKEN_VERIFY_UNTRUSTED:
      return _("The signatures are intact and the document did not change, but the signer's certificate cannot be confirmed as trusted.");
    case TEKEN_VERIFY_MODIFIED:
      return _("The document was changed after it was signed.");
    case TEKEN_VERIFY_INVALID:
      return _("A signature is damaged or does not match the document's content.");
    case TEKEN_VERIFY_UNSIGNED:
      return _("The document has no electronic signature.");
    case TEKEN_VERIFY_ERROR:
    default:
      return "";
    }
}

static const char *
conclusion (TekenVerifyStatus status)
{
  switch (status)
    {
    case TEKEN_VERIFY_VALID:
      return "VALID";
    case TEKEN_VERIFY_UNTRUSTED:
      return "WARNING";
    case TEKEN_VERIFY_UNSIGNED:
      return "NO_SIGNATURE";
    case TEKEN_VERIFY_MODIFIED:
    case TEKEN_VERIFY_INVALID:
    case TEKEN_VERIFY_ERROR:
    default:
      return "INVALID";
    }
}

static void
add_time (JsonBuilder *b,
          const char  *member,
          GDateTime   *time)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Asia/Jakarta");
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *text = NULL;

  json_builder_set_member_name (b, member);
  if (time == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  local = g_date_time_to_timezone (time, zone != NULL ? zone : g_time_zone_new_utc ());
  text = g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
  json_builder_add_string_value (b, text);
}

static void
add_asn1_time (JsonBuilder     *b,
               const char      *member,
               const ASN1_TIME *time)
{
  g_autoptr(GDateTime) date = teken_asn1_time_to_date_time (time);

  add_time (b, member, date);
}

static void
add_string_array (JsonBuilder *b,
                  const char  *member,
                  GPtrArray   *strings)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (strings, i));
  json_builder_end_array (b);
}

/* The certificate's CN, as the report names signers. */
static char *
common_name (X509 *x509)
{
  X509_NAME *name = X509_get_subject_name (x509);
  int index = X509_NAME_get_index_by_NID (name, NID_commonName, -1);
  unsigned char *utf8 = NULL;
  char *text;

  if (index < 0 || ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, index))) < 0)
    return teken_x509_name_to_string (name);
  text = g_strdup ((const char *) utf8);
  OPENSSL_free (utf8);
  return text;
}

static char *
rfc4514_name (const X509_NAME *name)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;

  X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  length = BIO_get_mem_data (bio, &data);
  return g_strndup (data, length);
}

/* "SHA256withRSA" from the certificate's own signature algorithm. */
static char *
certificate_signature_algorithm (X509 *x509)
{
  int digest = NID_undef;
  int key = NID_undef;
  g_autofree char *digest_name = NULL;
  const char *key_name;

  if (!OBJ_find_sigid_algs (X509_get_signature_nid (x509), &digest, &key) || digest == NID_undef)
    return g_strdup (OBJ_nid2ln (X509_get_signature_nid (x509)));
  digest_name = g_ascii_strup (OBJ_nid2sn (digest), -1);
  key_name = key == NID_rsaEncryption ? "RSA"
             : key == NID_X9_62_id_ecPublicKey ? "ECDSA"
             : key == NID_rsassaPss ? "RSASSA-PSS" : OBJ_nid2sn (key);
  return g_strdup_printf ("%swith%s", digest_name, key_name);
}

static void
add_key_usages (JsonBuilder *b,
                X509        *x509)
{
  static const struct { guint32 bit; const char *name; } usages[] = {
    { KU_DIGITAL_SIGNATURE, "digitalSignature" }, { KU_NON_REPUDIATION, "nonRepudiation" },
    { KU_KEY_ENCIPHERMENT, "keyEncipherment" }, { KU_DATA_ENCIPHERMENT, "dataEncipherment" },
    { KU_KEY_AGREEMENT, "keyAgreement" }, { KU_KEY_CERT_SIGN, "keyCertSign" }, { KU_CRL_SIGN, "cRLSign" },
  };
  guint32 bits = X509_get_key_usage (x509);

  json_builder_set_member_name (b, "keyUsages");
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (usages); i++)
    if (bits != UINT32_MAX && (bits & usages[i].bit))
      json_builder_add_string_value (b, usages[i].name);
  json_builder_end_array (b);
}

static void
add_certificate_details (JsonBuilder *b,
                         GPtrArray   *certificates)
{
  json_builder_set_member_name (b, "certificateDetails");
  json_builder_begin_array (b);
  for (guint i = 0; certificates != NULL && i < certificates->len; i++)
    {
      X509 *x509 = g_ptr_array_index (certificates, i);
      g_autofree char *cn = common_name (x509);
      g_autofree char *issuer = rfc4514_name (X509_get_issuer_name (x509));
      g_autofree char *serial = teken_ca_serial_to_string (X509_get0_serialNumber (x509));
      g_autofree char *algorithm = certificate_signature_algorithm (x509);

      json_builder_begin_object (b);
      teken_ca_add_string_or_null (b, "commonName", cn);
      teken_ca_add_string_or_null (b, "issuerName", issuer);
      teken_ca_add_string_or_null (b, "serialNumber", serial);
      add_asn1_time (b, "notBeforeDate", X509_get0_notBefore (x509));
      add_asn1_time (b, "notAfterDate", X509_get0_notAfter (x509));
      teken_ca_add_string_or_null (b, "signatureAlgoritm", algorithm);
      add_key_usages (b, x509);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* `signatureFormat` (§10): PAdES for CAdES subfilters, else PKCS7; B, T
 * with a valid signature timestamp, LT with revocation data as well. */
static char *
signature_format (const TekenSignatureReport *signature)
{
  const char *family = g_strcmp0 (signature->subfilter, "ETSI.CAdES.detached") == 0 ? "PAdES-BASELINE-" : "PKCS7-";
  const char *level = "B";

  if (signature->has_timestamp && signature->timestamp_valid)
    level = g_strcmp0 (signature->revocation, "not_checked") != 0 ? "LT" : "T";
  return g_strconcat (family, level, NULL);
}

static char *
bsre_digest (const char *digest)
{
  GString *name = g_string_new (NULL);

  for (const char *p = digest; p != NULL && *p != '\0'; p++)
    if (*p != '-')
      g_string_append_c (name, *p);
  return g_string_free (name, FALSE);
}

/* The object `teken verify --json` prints for a file (src/cli's
 * build_report(), which the CA cannot link: keep the two alike). */
static void
add_teken_report (JsonBuilder               *b,
                  const TekenDocumentReport *report)
{
  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "file", report->file);
  teken_ca_add_string_or_null (b, "status", teken_verify_status_to_string (report->status));
  json_builder_set_member_name (b, "signatures");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->signatures->len; i++)
    {
      const TekenSignatureReport *signature = g_ptr_array_index (report->signatures, i);
      g_autofree char *signing_time = signature->signing_time != NULL
                                      ? g_date_time_format_iso8601 (signature->signing_time) : NULL;

      json_builder_begin_object (b);
      teken_ca_add_string_or_null (b, "field", signature->field);
      teken_ca_add_string_or_null (b, "signer", signature->signer);
      teken_ca_add_string_or_null (b, "subject", signature->subject);
      teken_ca_add_string_or_null (b, "issuer", signature->issuer);
      teken_ca_add_string_or_null (b, "serial", signature->serial);
      teken_ca_add_string_or_null (b, "signing_time", signing_time);
      teken_ca_add_string_or_null (b, "time_source", signature->time_from_timestamp ? "timestamp" : "claimed");
      teken_ca_add_string_or_null (b, "status", teken_verify_status_to_string (signature->status));
      json_builder_set_member_name (b, "integrity");
      json_builder_add_boolean_value (b, signature->integrity);
      teken_ca_add_string_or_null (b, "coverage", teken_coverage_to_string (signature->coverage));
      teken_ca_add_string_or_null (b, "changes_after", teken_change_level_to_string (signature->changes_after));
      json_builder_set_member_name (b, "docmdp");
      if (signature->docmdp != 0)
        json_builder_add_int_value (b, signature->docmdp);
      else
        json_builder_add_null_value (b);
      add_string_array (b, "chain", signature->chain);
      teken_ca_add_string_or_null (b, "trust", signature->trust);
      teken_ca_add_string_or_null (b, "revocation", signature->revocation);
      json_builder_set_member_name (b, "timestamp");
      if (signature->has_timestamp)
        {
          g_autofree char *time = signature->timestamp_time != NULL
                                  ? g_date_time_format_iso8601 (signature->timestamp_time) : NULL;

          json_builder_begin_object (b);
          teken_ca_add_string_or_null (b, "time", time);
          teken_ca_add_string_or_null (b, "authority", signature->timestamp_authority);
          json_builder_set_member_name (b, "valid");
          json_builder_add_boolean_value (b, signature->timestamp_valid);
          json_builder_end_object (b);
        }
      else
        json_builder_add_null_value (b);
      add_string_array (b, "problems", signature->problems);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_string_array (b, "problems", report->problems);
  json_builder_end_object (b);
}

static void
add_signature (JsonBuilder                *b,
               const TekenSignatureReport *signature,
               guint                       index,
               gboolean                    last)
{
  g_autofree char *format = signature_format (signature);
  g_autofree char *digest = bsre_digest (signature->digest_algorithm);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, index + 1);
  teken_ca_add_string_or_null (b, "signatureFormat", format);
  teken_ca_add_string_or_null (b, "signerName", signature->signer);
  add_time (b, "signatureDate", signature->signing_time);
  teken_ca_add_string_or_null (b, "fieldName", signature->field);
  teken_ca_add_string_or_null (b, "reason", signature->reason);
  teken_ca_add_string_or_null (b, "location", signature->location);
  json_builder_set_member_name (b, "certLevelCode");
  json_builder_add_int_value (b, signature->docmdp);
  teken_ca_add_string_or_null (b, "signatureAlgorithm", signature->signature_algorithm);
  teken_ca_add_string_or_null (b, "digestAlgorithm", signature->digest_algorithm != NULL ? digest : NULL);
  json_builder_set_member_name (b, "timestampInfomation");
  if (signature->has_timestamp)
    {
      json_builder_begin_object (b);
      teken_ca_add_string_or_null (b, "signerName", signature->timestamp_authority);
      add_time (b, "timestampDate", signature->timestamp_time);
      json_builder_set_member_name (b, "valid");
      json_builder_add_boolean_value (b, signature->timestamp_valid);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  add_certificate_details (b, signature->certificates);
  json_builder_set_member_name (b, "integrityValid");
  json_builder_add_boolean_value (b, signature->integrity);
  json_builder_set_member_name (b, "certificateTrusted");
  json_builder_add_boolean_value (b, g_strcmp0 (signature->trust, "trusted") == 0);
  json_builder_set_member_name (b, "lastSignature");
  json_builder_add_boolean_value (b, last);
  json_builder_set_member_name (b, "ltv");
  json_builder_add_boolean_value (b, signature->has_timestamp && signature->timestamp_valid &&
                                     g_strcmp0 (signature->revocation, "good") == 0);
  json_builder_end_object (b);
}

/* POST /api/v2/verify/pdf (61). */
void
teken_ca_handle_verify_pdf (Request    *request,
                            JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *file;
  const char *password;
  g_autofree guint8 *data = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TekenTrustStore) trust = teken_trust_store_new ();
  g_autoptr(TekenDocumentReport) report = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize length = 0;

  if (!teken_ca_get_required_string (request, body, "file", 0, &file) ||
      !teken_ca_get_optional_string (request, body, "password", "password", &password))
    return;
  if (*file == '\0' || strspn (file, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n")
                       != strlen (file) ||
      (data = g_base64_decode (file, &length)) == NULL || length == 0)
    {
      teken_ca_respond_field_error (request, 4015, "file", "base64 of a PDF");
      return;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&data), length);

  teken_trust_store_add_defaults (trust);
  teken_trust_store_add_certificate (trust, teken_ca_authority_get_root (self->authority));
  report = teken_pdf_verify_bytes (bytes, "document.pdf", trust, NULL);

  if (report->status == TEKEN_VERIFY_ERROR)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TekenPdfDocument) document = NULL;

      /* The report says why in words; the error code says if it is encrypted. */
      document = teken_pdf_document_new_for_bytes (bytes, &error);
      teken_ca_respond_error (request, g_error_matches (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_ENCRYPTED) ? 8502 : 8501,
                              NULL);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "conclusion", conclusion (report->status));
  teken_ca_add_string_or_null (b, "description", describe (report->status));
  json_builder_set_member_name (b, "signatureCount");
  json_builder_add_int_value (b, report->signatures->len);
  json_builder_set_member_name (b, "signatureInformations");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->signatures->len; i++)
    add_signature (b, g_ptr_array_index (report->signatures, i), i, i + 1 == report->signatures->len);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "teken");
  add_teken_report (b, report);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}
