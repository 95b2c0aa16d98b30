/* teken-ca-server-lifecycle.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A holder's certificates (docs/api.md §7.3–§7.8): the list and details,
 * downloads, changing and resetting the passphrase from e-mailed links,
 * renewal, re-issue after revocation, and the sweep that sends the expiry
 * mails. Each change is one transaction; the slow parts (scrypt, key
 * generation) run before it, in a worker thread (the routes are slow). */

#include "config.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include "teken-ca-auth.h"
#include "teken-ca-server-private.h"
#include "teken-key-wrap.h"
#include "teken-passphrase-policy.h"
#include "teken-x509-private.h"

#define HOLDER_KEY_BITS 2048

/* The RFC 5280 CRLReason names of docs/api.md §7.6; privilegeWithdrawn is
 * the verifier's only, certificateHold the suspension's. */
static const struct
{
  const char *name;
  int code;
  gboolean holder;
  gboolean verifier;
} reasons[] = {
  { "unspecified", 0, TRUE, TRUE },
  { "keyCompromise", 1, TRUE, TRUE },
  { "cACompromise", 2, FALSE, FALSE },
  { "affiliationChanged", 3, TRUE, TRUE },
  { "superseded", 4, TRUE, TRUE },
  { "cessationOfOperation", 5, TRUE, TRUE },
  { "certificateHold", 6, FALSE, FALSE },
  { "privilegeWithdrawn", 9, FALSE, TRUE },
};

const char *
teken_ca_reason_name (int code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (reasons[i].code == code)
      return reasons[i].name;
  return "unspecified";
}

/* Returns: the reason's code, or -1 when @verifier (or a holder) may not give it */
int
teken_ca_reason_code (const char *name,
                      gboolean    verifier)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reasons[i].name, name) && (verifier ? reasons[i].verifier : reasons[i].holder))
      return reasons[i].code;
  return -1;
}

/* Answers 8305 with the reasons allowed. */
void
teken_ca_respond_reasons (Request  *request,
                          gboolean  verifier)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JsonArray) allowed = json_array_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (verifier ? reasons[i].verifier : reasons[i].holder)
      json_array_add_string_element (allowed, reasons[i].name);
  json_object_set_array_member (details, "allowed", g_steal_pointer (&allowed));
  teken_ca_respond_error (request, 8305, details);
}

void
teken_ca_add_time_or_null (JsonBuilder *b,
                           const char  *member,
                           gint64       unix_time)
{
  json_builder_set_member_name (b, member);
  if (unix_time > 0)
    {
      g_autofree char *text = teken_ca_format_time (unix_time);

      json_builder_add_string_value (b, text);
    }
  else
    json_builder_add_null_value (b);
}

void
teken_ca_add_string_or_null (JsonBuilder *b,
                             const char  *member,
                             const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* A certificate's own status (docs/api.md §7.3). An expired certificate is
 * EXPIRED even while suspended: a hold ends with its validity (§4.2). */
const char *
teken_ca_certificate_status (TekenCaCertificate *cert)
{
  if (cert->revoked_at != 0 && cert->revocation_reason != 6)   /* 6: certificateHold */
    return "REVOKE";
  if (teken_ca_now_seconds () > cert->not_after)
    return "EXPIRED";
  if (cert->revoked_at != 0)
    return "SUSPEND";
  return "ISSUE";
}

/* Answers 8303 (docs/api.md §4.2): @status, and what would be allowed. */
void
teken_ca_respond_wrong_status (Request            *request,
                               const char         *status,
                               const char * const *allowed)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();

  for (gsize i = 0; allowed[i] != NULL; i++)
    json_array_add_string_element (array, allowed[i]);
  json_object_set_string_member (details, "status", status);
  json_object_set_array_member (details, "allowed", g_steal_pointer (&array));
  teken_ca_respond_error (request, 8303, details);
}

static X509 *
certificate_x509 (TekenCaCertificate *cert)
{
  const guint8 *p = g_bytes_get_data (cert->der, NULL);

  return d2i_X509 (NULL, &p, (long) g_bytes_get_size (cert->der));
}

static char *
name_to_string (const X509_NAME *name)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;

  /* RFC 2253 order is RFC 4514's: most specific first. */
  X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  length = BIO_get_mem_data (bio, &data);
  return g_strndup (data, length);
}

static char *
name_entry (const X509_NAME *name,
            int              nid)
{
  int index = X509_NAME_get_index_by_NID (name, nid, -1);
  unsigned char *utf8 = NULL;
  char *text;

  if (index < 0 || ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, index))) < 0)
    return NULL;
  text = g_strdup ((const char *) utf8);
  OPENSSL_free (utf8);
  return text;
}

/* The holder's e-mail is the subjectAltName rfc822Name (§11.6). */
static char *
certificate_email (X509 *x509)
{
  GENERAL_NAMES *names = X509_get_ext_d2i (x509, NID_subject_alt_name, NULL, NULL);
  char *email = NULL;

  for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num (names) && email == NULL; i++)
    {
      GENERAL_NAME *name = sk_GENERAL_NAME_value (names, i);

      if (name->type == GEN_EMAIL)
        email = g_strndup ((const char *) ASN1_STRING_get0_data (name->d.rfc822Name),
                           ASN1_STRING_length (name->d.rfc822Name));
    }
  GENERAL_NAMES_free (names);
  return email;
}

static char *
hex_upper (const guint8 *data,
           gsize         length)
{
  GString *hex = g_string_sized_new (length * 2);

  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02X", data[i]);
  return g_string_free (hex, FALSE);
}

static char *
key_algorithm (X509 *x509)
{
  EVP_PKEY *key = X509_get0_pubkey (x509);

  if (key == NULL)
    return g_strdup ("unknown");
  if (EVP_PKEY_get_base_id (key) == EVP_PKEY_RSA)
    return g_strdup_printf ("RSA-%d", EVP_PKEY_get_bits (key));
  if (EVP_PKEY_get_base_id (key) == EVP_PKEY_EC)
    return g_strdup_printf ("EC-%d", EVP_PKEY_get_bits (key));
  return g_strdup (OBJ_nid2sn (EVP_PKEY_get_base_id (key)));
}

static void
add_key_usage (JsonBuilder *b,
               X509        *x509)
{
  static const struct { guint32 bit; const char *name; } usages[] = {
    { KU_DIGITAL_SIGNATURE, "digitalSignature" }, { KU_NON_REPUDIATION, "nonRepudiation" },
    { KU_KEY_ENCIPHERMENT, "keyEncipherment" }, { KU_DATA_ENCIPHERMENT, "dataEncipherment" },
    { KU_KEY_AGREEMENT, "keyAgreement" }, { KU_KEY_CERT_SIGN, "keyCertSign" },
    { KU_CRL_SIGN, "cRLSign" },
  };
  guint32 bits = X509_get_key_usage (x509);

  json_builder_set_member_name (b, "key_usage");
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (usages); i++)
    if (bits != UINT32_MAX && (bits & usages[i].bit))
      json_builder_add_string_value (b, usages[i].name);
  json_builder_end_array (b);
}

static void
add_policies (JsonBuilder *b,
              X509        *x509)
{
  CERTIFICATEPOLICIES *policies = X509_get_ext_d2i (x509, NID_certificate_policies, NULL, NULL);

  json_builder_set_member_name (b, "policy_oids");
  json_builder_begin_array (b);
  for (int i = 0; policies != NULL && i < sk_POLICYINFO_num (policies); i++)
    {
      char oid[128];

      OBJ_obj2txt (oid, sizeof oid, sk_POLICYINFO_value (policies, i)->policyid, 1);
      json_builder_add_string_value (b, oid);
    }
  json_builder_end_array (b);
  sk_POLICYINFO_pop_free (policies, POLICYINFO_free);
}

static char *
crl_url (X509 *x509)
{
  g_autoptr(CRL_DIST_POINTS) points = X509_get_ext_d2i (x509, NID_crl_distribution_points, NULL, NULL);

  for (int i = 0; points != NULL && i < sk_DIST_POINT_num (points); i++)
    {
      DIST_POINT *point = sk_DIST_POINT_value (points, i);
      GENERAL_NAMES *names = point->distpoint != NULL && point->distpoint->type == 0
                             ? point->distpoint->name.fullname : NULL;

      for (int n = 0; names != NULL && n < sk_GENERAL_NAME_num (names); n++)
        {
          GENERAL_NAME *name = sk_GENERAL_NAME_value (names, n);

          if (name->type == GEN_URI)
            return g_strndup ((const char *) ASN1_STRING_get0_data (name->d.uniformResourceIdentifier),
                              ASN1_STRING_length (name->d.uniformResourceIdentifier));
        }
    }
  return NULL;
}

static char *
access_url (X509 *x509,
            int   method)
{
  AUTHORITY_INFO_ACCESS *access = X509_get_ext_d2i (x509, NID_info_access, NULL, NULL);
  char *url = NULL;

  for (int i = 0; access != NULL && i < sk_ACCESS_DESCRIPTION_num (access) && url == NULL; i++)
    {
      ACCESS_DESCRIPTION *description = sk_ACCESS_DESCRIPTION_value (access, i);

      if (OBJ_obj2nid (description->method) == method && description->location->type == GEN_URI)
        url = g_strndup ((const char *) ASN1_STRING_get0_data (description->location->d.uniformResourceIdentifier),
                         ASN1_STRING_length (description->location->d.uniformResourceIdentifier));
    }
  AUTHORITY_INFO_ACCESS_free (access);
  return url;
}

/* §7.3 renewal.methods: what endpoint 40 would accept now. */
static void
add_renewal (JsonBuilder        *b,
             TekenCaServer      *self,
             TekenCaAccount     *account,
             TekenCaCertificate *cert)
{
  gint64 rekey_from = cert->not_after - self->settings.renewal_window;
  gboolean current = account != NULL && account->current_certificate == cert->id;
  const char *status = current ? teken_ca_derive_status (self, account, NULL) : NULL;
  gboolean verified = account != NULL && g_strcmp0 (account->verification, "VERIFIED") == 0;

  json_builder_set_member_name (b, "renewal");
  json_builder_begin_object (b);
  teken_ca_add_time_or_null (b, "rekey_from", rekey_from);
  json_builder_set_member_name (b, "methods");
  json_builder_begin_array (b);
  if (current && verified && g_str_equal (status, "ISSUE") &&
      cert->key_failures < TEKEN_CA_PASSPHRASE_ATTEMPTS && teken_ca_now_seconds () >= rekey_from)
    json_builder_add_string_value (b, "rekey");
  if (current && verified && g_str_equal (status, "EXPIRED"))
    json_builder_add_string_value (b, "verifier");
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/**
 * teken_ca_add_certificate_object:
 * @account: (nullable): the holder, for `current` and `renewal`
 * @details: %TRUE for the members of `GET {T}/certificates/{id}` too
 *
 * Adds the Certificate object of docs/api.md §7.3 as the builder's next value.
 */
gboolean
teken_ca_add_certificate_object (JsonBuilder        *b,
                                 TekenCaServer      *self,
                                 TekenCaAccount     *account,
                                 TekenCaCertificate *cert,
                                 gboolean            details)
{
  g_autoptr(X509) x509 = certificate_x509 (cert);
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *common_name = NULL;
  g_autofree char *organization = NULL;
  g_autofree char *email = NULL;
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  gint64 now = teken_ca_now_seconds ();
  gint64 days_left;

  if (x509 == NULL || !X509_digest (x509, EVP_sha256 (), digest, &digest_length))
    return FALSE;
  subject = name_to_string (X509_get_subject_name (x509));
  issuer = name_to_string (X509_get_issuer_name (x509));
  fingerprint = hex_upper (digest, digest_length);
  common_name = name_entry (X509_get_subject_name (x509), NID_commonName);
  organization = name_entry (X509_get_subject_name (x509), NID_organizationName);
  email = certificate_email (x509);
  /* Whole days until not_after: 0 on the last day, negative after. */
  days_left = cert->not_after >= now ? (cert->not_after - now) / 86400
                                     : -((now - cert->not_after + 86399) / 86400);

  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "id", cert->public_id);
  json_builder_set_member_name (b, "current");
  json_builder_add_boolean_value (b, account != NULL && account->current_certificate == cert->id);
  teken_ca_add_string_or_null (b, "status", teken_ca_certificate_status (cert));
  teken_ca_add_string_or_null (b, "serial", cert->serial);
  teken_ca_add_string_or_null (b, "subject", subject);
  teken_ca_add_string_or_null (b, "common_name", common_name);
  teken_ca_add_string_or_null (b, "email", email);
  teken_ca_add_string_or_null (b, "organization", organization);
  teken_ca_add_string_or_null (b, "issuer", issuer);
  teken_ca_add_time_or_null (b, "not_before", cert->not_before);
  teken_ca_add_time_or_null (b, "not_after", cert->not_after);
  json_builder_set_member_name (b, "days_left");
  json_builder_add_int_value (b, days_left);
  teken_ca_add_time_or_null (b, "revoked_at", cert->revoked_at);
  teken_ca_add_string_or_null (b, "revocation_reason",
                               cert->revoked_at != 0 ? teken_ca_reason_name (cert->revocation_reason) : NULL);
  teken_ca_add_string_or_null (b, "fingerprint_sha256", fingerprint);

  if (details)
    {
      g_autofree char *algorithm = key_algorithm (x509);
      g_autofree char *crl = crl_url (x509);
      g_autofree char *ocsp = access_url (x509, NID_ad_OCSP);
      g_autofree char *ca_issuers = access_url (x509, NID_ad_ca_issuers);
      g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
      g_autofree char *pem = NULL;
      char *data = NULL;
      long length;

      PEM_write_bio_X509 (bio, x509);
      length = BIO_get_mem_data (bio, &data);
      pem = g_strndup (data, length);

      teken_ca_add_string_or_null (b, "key_algorithm", algorithm);
      add_key_usage (b, x509);
      add_policies (b, x509);
      teken_ca_add_string_or_null (b, "crl_url", crl);
      teken_ca_add_string_or_null (b, "ocsp_url", ocsp);
      teken_ca_add_string_or_null (b, "ca_issuers_url", ca_issuers);
      json_builder_set_member_name (b, "key_locked");
      json_builder_add_boolean_value (b, cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS);
      json_builder_set_member_name (b, "passphrase_attempts_left");
      json_builder_add_int_value (b, MAX (0, TEKEN_CA_PASSPHRASE_ATTEMPTS - cert->key_failures));
      json_builder_set_member_name (b, "signing_otp_enabled");
      json_builder_add_boolean_value (b, cert->otp_key != NULL);
      add_renewal (b, self, account, cert);
      teken_ca_add_string_or_null (b, "pem", pem);
    }
  json_builder_end_object (b);
  return TRUE;
}

/**
 * teken_ca_mail_rate_limited:
 * @purpose: an e-mail sent on request (docs/api.md §2.9)
 *
 * At most one such mail per resend interval and ten per 24 h, per account
 * and purpose. Answers 429 8009 with `retry_after` and a Retry-After
 * header when the limit is reached. Main thread only (it sets a header).
 */
gboolean
teken_ca_mail_rate_limited (Request        *request,
                            TekenCaAccount *account,
                            const char     *purpose)
{
  TekenCaServer *self = request->server;
  gint64 now = teken_ca_now_seconds ();
  gint64 oldest = 0;
  gint64 newest = 0;
  gint64 retry_after = 0;
  int count;

  if (g_str_equal (purpose, "signing_otp"))
    count = teken_ca_store_count_signing_otps_since (self->store, account->id, now - 86400, &oldest, &newest);
  else
    count = teken_ca_store_count_links_since (self->store, account->id, purpose, now - 86400, &oldest, &newest);

  if (newest > 0 && now - newest < self->settings.resend_interval)
    retry_after = self->settings.resend_interval - (now - newest);
  else if (count >= 10)
    retry_after = MAX (1, oldest + 86400 - now);

  if (retry_after > 0)
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autofree char *header = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after);

      json_object_set_int_member (details, "retry_after", retry_after);
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    "Retry-After", header);
      teken_ca_respond_error (request, 8009, details);
      return TRUE;
    }
  return FALSE;
}

/* `holder_agreement_version` (§7.5, §7.7, §7.8): 8120 when missing, 8121
 * when the seed's current version is another. */
gboolean
teken_ca_check_agreement (Request    *request,
                          JsonObject *body)
{
  const char *version;
  g_autofree char *current = NULL;

  if (!teken_ca_get_optional_string (request, body, "holder_agreement_version", "holder_agreement_version",
                                     &version))
    return FALSE;
  if (version == NULL || *version == '\0')
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonArray) agreements = json_array_new ();

      json_array_add_string_element (agreements, "holder_agreement");
      json_object_set_array_member (details, "agreements", g_steal_pointer (&agreements));
      teken_ca_respond_error (request, 8120, details);
      return FALSE;
    }
  current = teken_ca_store_get_agreement_version (request->server->store, "holder_agreement");
  if (current != NULL && !g_str_equal (current, version))
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonObject) versions = json_object_new ();

      json_object_set_string_member (versions, "holder_agreement", current);
      json_object_set_object_member (details, "current", g_steal_pointer (&versions));
      teken_ca_respond_error (request, 8121, details);
      return FALSE;
    }
  return TRUE;
}

/* A new password or passphrase and its confirmation (§3.3): the policy,
 * answered @policy_code (8122 passphrase, 8124 password) with every rule
 * broken, then equality, 8123 naming @field. Compared in constant time. */
gboolean
teken_ca_check_new_secret (Request    *request,
                           JsonObject *body,
                           const char *member,
                           const char *confirmation_member,
                           int         policy_code,
                           const char *field)
{
  static const struct { TekenPassphraseProblems flag; const char *name; } names[] = {
    { TEKEN_PASSPHRASE_TOO_SHORT, "too_short" }, { TEKEN_PASSPHRASE_NO_LOWERCASE, "no_lowercase" },
    { TEKEN_PASSPHRASE_NO_UPPERCASE, "no_uppercase" }, { TEKEN_PASSPHRASE_NO_DIGIT, "no_digit" },
    { TEKEN_PASSPHRASE_NO_SYMBOL, "no_symbol" }, { TEKEN_PASSPHRASE_FORBIDDEN_CHAR, "forbidden_char" },
  };
  const char *secret;
  const char *confirmation;
  TekenPassphraseProblems problems;

  if (!teken_ca_get_required_string (request, body, member, MAX_SECRET_LENGTH, &secret) ||
      !teken_ca_get_required_string (request, body, confirmation_member, MAX_SECRET_LENGTH, &confirmation))
    return FALSE;

  problems = teken_passphrase_check (secret);
  if (problems != 0)
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonArray) list = json_array_new ();

      for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
        if (problems & names[i].flag)
          json_array_add_string_element (list, names[i].name);
      json_object_set_array_member (details, "problems", g_steal_pointer (&list));
      teken_ca_respond_error (request, policy_code, details);
      return FALSE;
    }
  if (strlen (secret) != strlen (confirmation) || CRYPTO_memcmp (secret, confirmation, strlen (secret)) != 0)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "field", field);
      teken_ca_respond_error (request, 8123, details);
      return FALSE;
    }
  return TRUE;
}

/* 8125: the passphrase must not be the account password. Runs scrypt. */
gboolean
teken_ca_refuse_password_as_passphrase (Request        *request,
                                        TekenCaAccount *account,
                                        TekenSecret    *passphrase)
{
  if (account->password_hash == NULL || !teken_ca_password_verify (passphrase, account->password_hash))
    return FALSE;
  teken_ca_respond_error (request, 8125, NULL);
  return TRUE;
}

static void
wipe_bytes (gpointer data)
{
  GByteArray *array = data;

  OPENSSL_cleanse (array->data, array->len);
  g_byte_array_unref (array);
}

/* The key as PKCS#8 DER, in memory that is wiped when freed. */
static GBytes *
export_key (EVP_PKEY *key)
{
  PKCS8_PRIV_KEY_INFO *info = EVP_PKEY2PKCS8 (key);
  guint8 *der = NULL;
  GByteArray *array;
  int length;

  if (info == NULL || (length = i2d_PKCS8_PRIV_KEY_INFO (info, &der)) <= 0)
    {
      PKCS8_PRIV_KEY_INFO_free (info);
      return NULL;
    }
  PKCS8_PRIV_KEY_INFO_free (info);
  array = g_byte_array_sized_new (length);
  g_byte_array_append (array, der, length);
  OPENSSL_clear_free (der, length);
  return g_bytes_new_with_free_func (array->data, array->len, wipe_bytes, array);
}

static gint64
asn1_to_unix (const ASN1_TIME *time)
{
  struct tm tm;

  return ASN1_TIME_to_tm (time, &tm) ? (gint64) timegm (&tm) : 0;
}

void
teken_ca_new_certificate_clear (TekenCaNewCertificate *self)
{
  g_clear_pointer (&self->x509, X509_free);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_clear_pointer (&self->wrapped_key, g_bytes_unref);
  g_clear_pointer (&self->serial, g_free);
}

/**
 * teken_ca_make_holder_certificate:
 * @passphrase: what the new key is wrapped under
 *
 * A new key pair and its certificate for @account's current name, agency
 * and e-mail (docs/api.md §11.6), valid for the server's --cert-validity.
 * Slow (key generation, scrypt): call it from a worker thread, before the
 * transaction that stores it with teken_ca_store_holder_certificate().
 */
gboolean
teken_ca_make_holder_certificate (TekenCaServer          *self,
                                  TekenCaAccount         *account,
                                  TekenSecret            *passphrase,
                                  TekenCaNewCertificate  *out,
                                  GError                **error)
{
  g_autoptr(EVP_PKEY) key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) HOLDER_KEY_BITS);
  g_autoptr(GBytes) plain = key != NULL ? export_key (key) : NULL;
  g_autofree guint8 *der = NULL;
  int length;

  if (plain == NULL)
    {
      teken_openssl_log_errors ("holder key");
      g_set_error_literal (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_PKI, "the key pair could not be made");
      return FALSE;
    }
  out->x509 = teken_ca_authority_issue_holder (self->authority, key, account->name, account->agency,
                                               account->email, self->settings.cert_validity, error);
  if (out->x509 == NULL ||
      (out->wrapped_key = teken_key_wrap (plain, passphrase, error)) == NULL ||
      (length = i2d_X509 (out->x509, &der)) <= 0)
    {
      teken_ca_new_certificate_clear (out);
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_PKI, "i2d_X509");
      return FALSE;
    }
  out->der = g_bytes_new (der, length);
  out->serial = teken_ca_serial_to_string (X509_get0_serialNumber (out->x509));
  out->not_before = asn1_to_unix (X509_get0_notBefore (out->x509));
  out->not_after = asn1_to_unix (X509_get0_notAfter (out->x509));
  return TRUE;
}

/**
 * teken_ca_store_holder_certificate:
 * @superseded: the certificate the new one replaces (revoked `superseded`),
 *   or 0
 *
 * Records a certificate from teken_ca_make_holder_certificate() as the
 * account's current one. Call inside a transaction.
 *
 * Returns: its id, or 0 on error
 */
gint64
teken_ca_store_holder_certificate (TekenCaServer          *self,
                                   TekenCaAccount         *account,
                                   TekenCaNewCertificate  *certificate,
                                   gint64                  superseded,
                                   GError                **error)
{
  gint64 id = teken_ca_store_add_certificate (self->store, account->id, certificate->serial, certificate->der,
                                              certificate->not_before, certificate->not_after,
                                              certificate->wrapped_key, error);

  if (id == 0 || !teken_ca_store_set_current_certificate (self->store, account->id, id, error) ||
      (superseded != 0 &&
       (!teken_ca_store_revoke_certificate (self->store, superseded, teken_ca_now_seconds (), 4, error) ||
        !teken_ca_store_set_otp_key (self->store, superseded, NULL, error))))
    return 0;
  return id;
}

static void
respond_internal (Request *request,
                  GError  *error)
{
  g_warning ("%s", error != NULL ? error->message : "internal error");
  teken_ca_respond_error (request, 8010, NULL);
}

/* 201 {"status": "ISSUE", "certificate": Certificate} (§5.12, §7.5, §7.7). */
static void
respond_issued (Request *request,
                gint64   account_id)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, account_id);
  g_autoptr(TekenCaCertificate) cert = account != NULL
                                       ? teken_ca_store_get_certificate (self->store, account->current_certificate)
                                       : NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "status", "ISSUE");
  json_builder_set_member_name (b, "certificate");
  if (cert == NULL || !teken_ca_add_certificate_object (b, self, account, cert, FALSE))
    {
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_CREATED, root);
}

void
teken_ca_handle_certificates (Request    *request,
                              JsonObject *body)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, request->account_id);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (account == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  list = teken_ca_store_list_certificates (self->store, account->id);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "certificates");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    if (!teken_ca_add_certificate_object (b, self, account, g_ptr_array_index (list, i), FALSE))
      {
        teken_ca_respond_error (request, 8010, NULL);
        return;
      }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* docs/api.md §7.4: the certificate or the chain, PEM or DER. */
static void
respond_download (Request            *request,
                  TekenCaCertificate *cert)
{
  TekenCaServer *self = request->server;
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  g_autoptr(GHashTable) params = query != NULL ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  const char *what = params != NULL ? g_hash_table_lookup (params, "what") : NULL;
  const char *format = params != NULL ? g_hash_table_lookup (params, "format") : NULL;
  g_autoptr(X509) x509 = certificate_x509 (cert);
  g_autoptr(TekenX509Stack) chain = sk_X509_new_null ();
  STACK_OF (X509) *ca_chain = teken_ca_authority_get_chain (self->authority);
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *disposition = NULL;
  const char *content_type;
  const char *suffix;
  gboolean ok = TRUE;
  char *data = NULL;
  long length;

  if (what == NULL)
    what = "certificate";
  if (format == NULL)
    format = "pem";
  if (!g_str_equal (what, "certificate") && !g_str_equal (what, "chain"))
    {
      teken_ca_respond_field_error (request, 4015, "what", "certificate or chain");
      return;
    }
  if (!g_str_equal (format, "pem") && !g_str_equal (format, "der"))
    {
      teken_ca_respond_field_error (request, 4015, "format", "pem or der");
      return;
    }
  if (x509 == NULL)
    {
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }

  X509_up_ref (x509);
  sk_X509_push (chain, x509);
  if (g_str_equal (what, "chain"))
    for (int i = 0; i < sk_X509_num (ca_chain); i++)
      {
        X509_up_ref (sk_X509_value (ca_chain, i));
        sk_X509_push (chain, sk_X509_value (ca_chain, i));
      }

  if (g_str_equal (format, "pem"))
    {
      for (int i = 0; i < sk_X509_num (chain) && ok; i++)
        ok = PEM_write_bio_X509 (bio, sk_X509_value (chain, i)) == 1;
      content_type = g_str_equal (what, "chain") ? "application/pem-certificate-chain" : "application/x-pem-file";
      suffix = g_str_equal (what, "chain") ? "-chain.pem" : ".pem";
    }
  else if (g_str_equal (what, "certificate"))
    {
      ok = i2d_X509_bio (bio, x509) == 1;
      content_type = "application/pkix-cert";
      suffix = ".cer";
    }
  else
    {
      /* A certs-only SignedData, as `openssl crl2pkcs7 -nocrl` makes: no
       * signer, no content, so nothing to finalize. */
      g_autoptr(CMS_ContentInfo) cms = CMS_sign (NULL, NULL, chain, NULL, CMS_PARTIAL);

      ok = cms != NULL && i2d_CMS_bio (bio, cms) == 1;
      content_type = "application/pkcs7-mime; smime-type=certs-only";
      suffix = ".p7c";
    }
  if (!ok)
    {
      teken_openssl_log_errors ("download");
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }

  length = BIO_get_mem_data (bio, &data);
  bytes = g_bytes_new (data, length);
  disposition = g_strdup_printf ("attachment; filename=\"%s%s\"", cert->serial, suffix);
  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                "Content-Disposition", disposition);
  teken_ca_respond_bytes (request, content_type, bytes);
}

/* GET {T}/certificates/{id} and …/{id}/download (§7.3, §7.4); `current`
 * names the account's current certificate. */
void
teken_ca_handle_certificate (Request    *request,
                             JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));
  const char *rest = path + strlen (API_PREFIX "/certificates/");
  g_auto(GStrv) parts = g_strsplit (rest, "/", 3);
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, request->account_id);
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean download;

  if (account == NULL || g_strv_length (parts) > 2 ||
      (parts[1] != NULL && !g_str_equal (parts[1], "download")))
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  download = parts[1] != NULL;
  if (g_str_equal (parts[0], "current"))
    cert = account->current_certificate != 0
           ? teken_ca_store_get_certificate (self->store, account->current_certificate) : NULL;
  else
    cert = teken_ca_store_find_certificate (self->store, parts[0]);
  if (cert == NULL || cert->account_id != account->id)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }

  if (download)
    {
      respond_download (request, cert);
      return;
    }
  b = json_builder_new ();
  if (!teken_ca_add_certificate_object (b, self, account, cert, TRUE))
    {
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* The holder of a bearer request, with its status and current certificate.
 * Answers 8004 when the account is gone. */
static TekenCaAccount *
holder_with_status (Request             *request,
                    const char         **status,
                    TekenCaCertificate **cert)
{
  TekenCaAccount *account = teken_ca_store_get_account (request->server->store, request->account_id);

  if (account == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return NULL;
    }
  *status = teken_ca_derive_status (request->server, account, cert);
  return account;
}

/* 202 {"expires_at"} after mailing a link of @purpose to the holder. */
static void
request_link (Request    *request,
              const char *purpose,
              gboolean    refuse_locked)
{
  TekenCaServer *self = request->server;
  static const char * const issue_only[] = { "ISSUE", NULL };
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *expires = NULL;
  const char *status = NULL;
  gint64 expires_at = 0;

  if ((account = holder_with_status (request, &status, &cert)) == NULL)
    return;
  if (!g_str_equal (status, "ISSUE"))
    {
      teken_ca_respond_wrong_status (request, status, issue_only);
      return;
    }
  if (refuse_locked && cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS)
    {
      teken_ca_respond_error (request, 8402, NULL);
      return;
    }
  if (teken_ca_mail_rate_limited (request, account, purpose))
    return;

  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  if (!teken_ca_send_link (request, account, account->email, purpose, NULL, &expires_at))
    {
      teken_ca_store_rollback (self->store);
      return;
    }
  if (!teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }

  expires = teken_ca_format_time (expires_at);
  json_object_set_string_member (answer, "expires_at", expires);
  root = json_node_init_object (json_node_alloc (), answer);
  teken_ca_set_json_response (request, SOUP_STATUS_ACCEPTED, root);
}

/* POST {T}/certificates/current/passphrase/change-request (35). */
void
teken_ca_handle_passphrase_change_request (Request    *request,
                                           JsonObject *body)
{
  request_link (request, "change_passphrase", TRUE);
}

/* POST {T}/certificates/current/passphrase/reset-request (37): a locked
 * key is fine, this is how it is unlocked. */
void
teken_ca_handle_passphrase_reset_request (Request    *request,
                                          JsonObject *body)
{
  request_link (request, "reset_passphrase", FALSE);
}

/* The link's holder, in status ISSUE with a key (§7.5). */
static TekenCaAccount *
link_holder (Request             *request,
             TekenCaLink         *link,
             TekenCaCertificate **cert)
{
  static const char * const issue_only[] = { "ISSUE", NULL };
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (request->server->store, link->account_id);
  const char *status;

  if (account == NULL)
    {
      teken_ca_respond_error (request, 8104, NULL);
      return NULL;
    }
  status = teken_ca_derive_status (request->server, account, cert);
  if (!g_str_equal (status, "ISSUE"))
    {
      teken_ca_respond_wrong_status (request, status, issue_only);
      return NULL;
    }
  return g_steal_pointer (&account);
}

/* POST {T}/certificates/passphrase/change (36): the same key, wrapped under
 * the new passphrase; the old one stops working. A wrong old passphrase
 * counts toward the lock and leaves the link usable. */
void
teken_ca_handle_passphrase_change (Request    *request,
                                   JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token;
  const char *old_text;
  g_autoptr(TekenCaLink) link = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaAccount) again = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(TekenSecret) old_passphrase = NULL;
  g_autoptr(TekenSecret) new_passphrase = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autoptr(GError) error = NULL;
  int code = 0;

  if (!teken_ca_get_required_string (request, body, "token", 64, &token) ||
      !teken_ca_get_required_string (request, body, "old_passphrase", MAX_SECRET_LENGTH, &old_text) ||
      (link = teken_ca_check_link (request, token, "change_passphrase")) == NULL ||
      (account = link_holder (request, link, &cert)) == NULL)
    return;
  if (cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS)
    {
      teken_ca_respond_error (request, 8402, NULL);
      return;
    }
  if (!teken_ca_check_new_secret (request, body, "new_passphrase", "new_passphrase_confirmation", 8122,
                                  "passphrase") ||
      !teken_ca_check_agreement (request, body))
    return;
  old_passphrase = teken_ca_take_secret (body, "old_passphrase");
  new_passphrase = teken_ca_take_secret (body, "new_passphrase");
  teken_wipe_string ((char *) json_object_get_string_member (body, "new_passphrase_confirmation"));
  if (teken_ca_refuse_password_as_passphrase (request, account, new_passphrase))
    return;

  plain = teken_ca_unwrap_key (self, cert->id, old_passphrase, NULL, &code, &details);
  if (plain == NULL)
    {
      teken_ca_respond_error (request, code, details);
      return;
    }
  wrapped = teken_key_wrap (plain, new_passphrase, &error);
  if (wrapped == NULL)
    {
      respond_internal (request, error);
      return;
    }

  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  again = teken_ca_store_get_account (self->store, account->id);
  if (again == NULL || again->current_certificate != cert->id)
    {
      /* A reset or renewal made another key meanwhile. */
      teken_ca_store_rollback (self->store);
      teken_ca_respond_error (request, 8104, NULL);
      return;
    }
  if (!teken_ca_use_link (request, token, link))
    {
      teken_ca_store_rollback (self->store);
      return;
    }
  if (!teken_ca_store_set_wrapped_key (self->store, cert->id, wrapped, &error) ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }

  g_message ("passphrase of certificate %s changed", cert->serial);
  teken_ca_send_notice (self, account->email, "passphrase_changed");
  teken_ca_respond_no_content (request);
}

/* POST {T}/certificates/passphrase/reset (38): nobody can unwrap the old
 * key, so a new key and certificate replace it; the old certificate is
 * revoked `superseded`. A locked key is left behind with it. */
void
teken_ca_handle_passphrase_reset (Request    *request,
                                  JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token;
  g_autoptr(TekenCaLink) link = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaAccount) again = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(TekenSecret) passphrase = NULL;
  g_auto(TekenCaNewCertificate) issued = { 0 };
  g_autoptr(GError) error = NULL;

  if (!teken_ca_get_required_string (request, body, "token", 64, &token) ||
      (link = teken_ca_check_link (request, token, "reset_passphrase")) == NULL ||
      (account = link_holder (request, link, &cert)) == NULL ||
      !teken_ca_check_new_secret (request, body, "new_passphrase", "new_passphrase_confirmation", 8122,
                                  "passphrase") ||
      !teken_ca_check_agreement (request, body))
    return;
  passphrase = teken_ca_take_secret (body, "new_passphrase");
  teken_wipe_string ((char *) json_object_get_string_member (body, "new_passphrase_confirmation"));
  if (teken_ca_refuse_password_as_passphrase (request, account, passphrase))
    return;

  if (!teken_ca_make_holder_certificate (self, account, passphrase, &issued, &error) ||
      !teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  again = teken_ca_store_get_account (self->store, account->id);
  if (again == NULL || again->current_certificate != cert->id)
    {
      teken_ca_store_rollback (self->store);
      teken_ca_respond_error (request, 8104, NULL);
      return;
    }
  if (!teken_ca_use_link (request, token, link))
    {
      teken_ca_store_rollback (self->store);
      return;
    }
  if (teken_ca_store_holder_certificate (self, account, &issued, cert->id, &error) == 0 ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }

  teken_ca_authority_invalidate_crl (self->authority);
  g_message ("passphrase reset: certificate %s replaces %s", issued.serial, cert->serial);
  teken_ca_send_notice (self, account->email, "certificate_issued");
  respond_issued (request, account->id);
}

/* Renewal by re-key (§7.7): a new key under the same passphrase and a new
 * certificate with the same subject; the old one is superseded. */
static void
renew_rekey (Request            *request,
             JsonObject         *body,
             TekenCaAccount     *account,
             TekenCaCertificate *cert)
{
  TekenCaServer *self = request->server;
  const char *passphrase_text;
  g_autoptr(TekenSecret) passphrase = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autoptr(TekenCaAccount) again = NULL;
  g_auto(TekenCaNewCertificate) issued = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 rekey_from = cert->not_after - self->settings.renewal_window;
  int code = 0;

  if (!teken_ca_get_required_string (request, body, "passphrase", MAX_SECRET_LENGTH, &passphrase_text))
    return;
  passphrase = teken_ca_take_secret (body, "passphrase");
  if (cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS)
    {
      teken_ca_respond_error (request, 8402, NULL);
      return;
    }
  if (teken_ca_now_seconds () < rekey_from)
    {
      g_autofree char *from = teken_ca_format_time (rekey_from);

      details = json_object_new ();
      json_object_set_string_member (details, "renewable_from", from);
      teken_ca_respond_error (request, 8306, details);
      return;
    }

  plain = teken_ca_unwrap_key (self, cert->id, passphrase, NULL, &code, &details);
  if (plain == NULL)
    {
      teken_ca_respond_error (request, code, details);
      return;
    }
  if (!teken_ca_make_holder_certificate (self, account, passphrase, &issued, &error) ||
      !teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  again = teken_ca_store_get_account (self->store, account->id);
  if (again == NULL || again->current_certificate != cert->id || again->workflow != NULL)
    {
      static const char * const issue_only[] = { "ISSUE", NULL };

      teken_ca_store_rollback (self->store);
      teken_ca_respond_wrong_status (request, teken_ca_derive_status (self, again, NULL), issue_only);
      return;
    }
  if (teken_ca_store_holder_certificate (self, account, &issued, cert->id, &error) == 0 ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }

  teken_ca_authority_invalidate_crl (self->authority);
  g_message ("renewal: certificate %s replaces %s", issued.serial, cert->serial);
  teken_ca_send_notice (self, account->email, "certificate_issued");
  respond_issued (request, account->id);
}

/* Moves the account to @workflow and opens a verifier request of @kind
 * (§7.7 verifier renewal, §7.8 re-issue); 202 {"status", "request_id"}. */
static void
ask_verifier (Request        *request,
              TekenCaAccount *account,
              const char     *workflow,
              const char     *kind)
{
  TekenCaServer *self = request->server;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_id = NULL;
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(JsonNode) root = NULL;

  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  if (!teken_ca_store_set_account_text (self->store, account->id, "workflow", workflow, &error) ||
      !teken_ca_create_request (self, account, kind, NULL, &request_id, &error) ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }
  teken_ca_notify_verifiers (self, account);

  json_object_set_string_member (answer, "status", workflow);
  json_object_set_string_member (answer, "request_id", request_id);
  root = json_node_init_object (json_node_alloc (), answer);
  teken_ca_set_json_response (request, SOUP_STATUS_ACCEPTED, root);
}

/* POST {T}/certificates/current/renew (40). */
void
teken_ca_handle_renew (Request    *request,
                       JsonObject *body)
{
  const char *method;
  const char *passphrase = NULL;
  const char *status = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;
  gboolean rekey;

  if (!teken_ca_get_required_string (request, body, "method", 16, &method))
    return;
  if (!g_str_equal (method, "rekey") && !g_str_equal (method, "verifier"))
    {
      teken_ca_respond_field_error (request, 4015, "method", "rekey or verifier");
      return;
    }
  rekey = g_str_equal (method, "rekey");
  if (rekey && !teken_ca_get_required_string (request, body, "passphrase", MAX_SECRET_LENGTH, &passphrase))
    return;
  if ((account = holder_with_status (request, &status, &cert)) == NULL)
    return;

  if (!g_str_equal (status, rekey ? "ISSUE" : "EXPIRED"))
    {
      const char * const allowed[] = { rekey ? "ISSUE" : "EXPIRED", NULL };

      teken_ca_respond_wrong_status (request, status, allowed);
      return;
    }
  if (g_strcmp0 (account->verification, "VERIFIED") != 0)
    {
      teken_ca_respond_error (request, 8302, NULL);
      return;
    }
  if (!teken_ca_check_agreement (request, body))
    return;

  if (rekey)
    renew_rekey (request, body, account, cert);
  else
    ask_verifier (request, account, "RENEW", "renewal");
}

/* POST {T}/certificates/reissue (41): a new certificate after revocation
 * comes only through the agency verifier. */
void
teken_ca_handle_reissue (Request    *request,
                         JsonObject *body)
{
  static const char * const revoke_only[] = { "REVOKE", NULL };
  const char *status = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;

  if ((account = holder_with_status (request, &status, &cert)) == NULL)
    return;
  if (!g_str_equal (status, "REVOKE"))
    {
      teken_ca_respond_wrong_status (request, status, revoke_only);
      return;
    }
  if (g_strcmp0 (account->verification, "VERIFIED") != 0)
    {
      teken_ca_respond_error (request, 8302, NULL);
      return;
    }
  if (!teken_ca_check_agreement (request, body))
    return;
  ask_verifier (request, account, "WAITING_FOR_VERIFICATION", "reissue");
}

/**
 * teken_ca_sweep:
 *
 * Sends each current certificate's `certificate_expiring` mail once when
 * it enters the renewal window, and `certificate_expired` once after
 * not_after (docs/api.md §12); keeps the CRLs fresh. The status itself is
 * derived on every request, so nothing else changes here.
 */
void
teken_ca_sweep (TekenCaServer *self)
{
  gint64 now = teken_ca_now_seconds ();
  g_autoptr(GPtrArray) due = teken_ca_store_list_expiry_due (self->store, now, self->settings.renewal_window);
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(GBytes) root_crl = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < due->len; i++)
    {
      TekenCaCertificate *cert = g_ptr_array_index (due, i);
      g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, cert->account_id);
      gboolean expired = now > cert->not_after;
      g_autoptr(GError) mark_error = NULL;

      if (account == NULL)
        continue;
      /* Marked first: a mail lost to a crash is better than one sent twice a minute. */
      if (!teken_ca_store_set_expiry_mailed (self->store, cert->id, expired, &mark_error))
        {
          g_warning ("%s", mark_error->message);
          continue;
        }
      g_message ("certificate %s %s", cert->serial, expired ? "expired" : "expires soon");
      teken_ca_send_notice (self, account->email, expired ? "certificate_expired" : "certificate_expiring");
    }

  if ((crl = teken_ca_authority_get_crl (self->authority, FALSE, &error)) == NULL ||
      (root_crl = teken_ca_authority_get_crl (self->authority, TRUE, &error)) == NULL)
    g_warning ("CRL: %s", error->message);
}
