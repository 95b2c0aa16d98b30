/* teken-ca-authority.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The PKI of teken-ca (docs/api.md §11): the hierarchy `init` creates, the
 * holder certificates, CRLs, OCSP answers and RFC 3161 timestamps. Keys are
 * PEM files under DIR/keys (0600, directory 0700), certificates under
 * DIR/certs, and every certificate the issuing CA makes is recorded in the
 * store so that OCSP can answer for it. */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/bn.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "teken-ca-authority.h"
#include "teken-key-wrap.h"
#include "teken-openssl-private.h"
#include "teken-x509-private.h"

struct _TekenCaAuthority
{
  GObject parent_instance;

  char *data_dir;
  char *public_url;
  TekenCaStore *store;

  X509 *root;
  EVP_PKEY *root_key;
  X509 *issuing;
  EVP_PKEY *issuing_key;
  X509 *tsa;
  EVP_PKEY *tsa_key;
  X509 *ocsp;
  EVP_PKEY *ocsp_key;
  STACK_OF (X509) *chain;       /* issuing CA, root */

  /* TS_RESP_CTX and the CRL caches are not thread-safe. */
  GMutex lock;
  TS_RESP_CTX *ts;
  GBytes *crl;
  gint64 crl_made_at;
  gint64 crl_epoch;             /* TEKEN_CA_REVOCATION_EPOCH when it was made */
  GBytes *root_crl;
  gint64 root_crl_made_at;
};

G_DEFINE_TYPE (TekenCaAuthority, teken_ca_authority, G_TYPE_OBJECT)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ASN1_INTEGER, ASN1_INTEGER_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ASN1_TIME, ASN1_TIME_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ASN1_ENUMERATED, ASN1_ENUMERATED_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_EXTENSION, X509_EXTENSION_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_NAME, X509_NAME_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OCSP_REQUEST, OCSP_REQUEST_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_RESP, TS_RESP_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_REQ, TS_REQ_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TS_MSG_IMPRINT, TS_MSG_IMPRINT_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_ALGOR, X509_ALGOR_free)

/* teken-ca's own OIDs (UUID-based, ITU-T X.667), docs/api.md §11.4 and §11.6. */
#define TSA_POLICY_OID    "2.25.285568248589218818398431077560499404736"
#define HOLDER_POLICY_OID "2.25.290652254216530779129122538095846717969"

#define YEAR (365 * 24 * 60 * 60L)
#define CRL_REFRESH (12 * G_TIME_SPAN_HOUR)

typedef struct
{
  int nid;
  const char *value;
} Extension;

static gboolean
set_pki_error (GError     **error,
               const char  *what)
{
  teken_openssl_log_errors (what);
  g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_PKI,
               _("The certificate authority failed (%s)."), what);
  return FALSE;
}

static char *
path_in (TekenCaAuthority *self,
         const char       *folder,
         const char       *name)
{
  return g_build_filename (self->data_dir, folder, name, NULL);
}

static ASN1_INTEGER *
random_serial (void)
{
  guint8 bytes[16];
  g_autoptr(BIGNUM) bn = NULL;

  if (RAND_bytes (bytes, sizeof bytes) != 1)
    return NULL;
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;  /* always 16 bytes long, so serials sort and print alike */
  bn = BN_bin2bn (bytes, sizeof bytes, NULL);
  return bn != NULL ? BN_to_ASN1_INTEGER (bn, NULL) : NULL;
}

static X509_NAME *
make_name (const char *organization,
           const char *common_name)
{
  X509_NAME *name = X509_NAME_new ();

  X509_NAME_add_entry_by_txt (name, "C", MBSTRING_UTF8, (const guchar *) "ID", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8, (const guchar *) organization, -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *) common_name, -1, -1, 0);
  return name;
}

static gboolean
add_policy (X509       *cert,
            const char *oid)
{
  CERTIFICATEPOLICIES *policies = sk_POLICYINFO_new_null ();
  POLICYINFO *info = POLICYINFO_new ();
  gboolean ok;

  info->policyid = OBJ_txt2obj (oid, 1);
  ok = info->policyid != NULL && sk_POLICYINFO_push (policies, info) > 0 &&
       X509_add1_ext_i2d (cert, NID_certificate_policies, policies, 0, 0) == 1;
  sk_POLICYINFO_pop_free (policies, POLICYINFO_free);
  return ok;
}

/* @issuer NULL: self-signed with @issuer_key. */
static X509 *
make_certificate (X509_NAME        *subject,
                  EVP_PKEY         *key,
                  X509             *issuer,
                  EVP_PKEY         *issuer_key,
                  long              validity,
                  const Extension  *extensions,
                  GError          **error)
{
  g_autoptr(X509) cert = X509_new ();
  g_autoptr(ASN1_INTEGER) serial = random_serial ();
  X509V3_CTX ctx;

  if (cert == NULL || serial == NULL ||
      !X509_set_version (cert, X509_VERSION_3) ||
      !X509_set_serialNumber (cert, serial) ||
      !X509_set_subject_name (cert, subject) ||
      !X509_set_issuer_name (cert, issuer != NULL ? X509_get_subject_name (issuer) : subject) ||
      X509_gmtime_adj (X509_getm_notBefore (cert), 0) == NULL ||
      X509_time_adj_ex (X509_getm_notAfter (cert), 0, validity, NULL) == NULL ||
      !X509_set_pubkey (cert, key))
    {
      set_pki_error (error, "certificate");
      return NULL;
    }

  X509V3_set_ctx (&ctx, issuer != NULL ? issuer : cert, cert, NULL, NULL, 0);
  for (const Extension *e = extensions; e->value != NULL; e++)
    {
      g_autoptr(X509_EXTENSION) ext = NULL;

      /* The configuration syntax of certificatePolicies needs a config
       * database; one policy OID is simply built. */
      if (e->nid == NID_certificate_policies)
        {
          if (!add_policy (cert, e->value))
            {
              set_pki_error (error, OBJ_nid2sn (e->nid));
              return NULL;
            }
          continue;
        }

      ext = X509V3_EXT_conf_nid (NULL, &ctx, e->nid, e->value);

      if (ext == NULL || !X509_add_ext (cert, ext, -1))
        {
          set_pki_error (error, OBJ_nid2sn (e->nid));
          return NULL;
        }
    }

  if (X509_sign (cert, issuer_key, EVP_sha256 ()) <= 0)
    {
      set_pki_error (error, "X509_sign");
      return NULL;
    }

  return g_steal_pointer (&cert);
}

static gboolean
write_file (const char  *path,
            BIO         *bio,
            int          mode,
            GError     **error)
{
  char *data = NULL;
  long length = BIO_get_mem_data (bio, &data);

  return g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT,
                                   mode, error);
}

static gboolean
save_key (TekenCaAuthority  *self,
          const char        *name,
          EVP_PKEY          *key,
          GError           **error)
{
  g_autofree char *file = g_strconcat (name, ".key", NULL);
  g_autofree char *path = path_in (self, "keys", file);
  g_autoptr(BIO) bio = BIO_new (BIO_s_secmem ());

  if (bio == NULL || !PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL))
    return set_pki_error (error, "PEM_write_bio_PrivateKey");
  return write_file (path, bio, 0600, error);
}

static gboolean
save_certificate (const char  *path,
                  X509        *cert,
                  GError     **error)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());

  if (bio == NULL || !PEM_write_bio_X509 (bio, cert))
    return set_pki_error (error, "PEM_write_bio_X509");
  return write_file (path, bio, 0644, error);
}

static gboolean
load_pair (TekenCaAuthority  *self,
           const char        *name,
           X509             **cert_out,
           EVP_PKEY         **key_out,
           GError           **error)
{
  g_autofree char *key_file = g_strconcat (name, ".key", NULL);
  g_autofree char *cert_file = g_strconcat (name, ".pem", NULL);
  g_autofree char *key_path = path_in (self, "keys", key_file);
  g_autofree char *cert_path = path_in (self, "certs", cert_file);
  g_autoptr(BIO) key_bio = BIO_new_file (key_path, "r");
  g_autoptr(BIO) cert_bio = BIO_new_file (cert_path, "r");

  if (key_bio == NULL || cert_bio == NULL ||
      (*key_out = PEM_read_bio_PrivateKey (key_bio, NULL, NULL, NULL)) == NULL ||
      (*cert_out = PEM_read_bio_X509 (cert_bio, NULL, NULL, NULL)) == NULL)
    {
      teken_openssl_log_errors (name);
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_DATA_DIR,
                   _("The key or certificate “%s” of the data directory is missing or damaged. Run teken-ca init again in a new directory."),
                   name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
record_certificate (TekenCaAuthority  *self,
                    X509              *cert,
                    GError           **error)
{
  g_autofree char *serial = teken_ca_serial_to_string (X509_get0_serialNumber (cert));
  g_autofree guint8 *der = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int length = i2d_X509 (cert, &der);
  time_t not_before = 0;
  time_t not_after = 0;
  struct tm tm;

  if (length <= 0)
    return set_pki_error (error, "i2d_X509");
  bytes = g_bytes_new (der, length);

  if (ASN1_TIME_to_tm (X509_get0_notBefore (cert), &tm))
    not_before = timegm (&tm);
  if (ASN1_TIME_to_tm (X509_get0_notAfter (cert), &tm))
    not_after = timegm (&tm);

  return teken_ca_store_add_certificate (self->store, 0, serial, bytes, not_before, not_after,
                                         NULL, error) != 0;
}

static ASN1_INTEGER *
next_tsa_serial_cb (TS_RESP_CTX *ctx,
                    void        *data)
{
  /* Random like the certificates' serials: unique without a shared counter,
   * and does not leak how many stamps were made. */
  ASN1_INTEGER *serial = random_serial ();

  if (serial == NULL)
    TS_RESP_CTX_set_status_info (ctx, TS_STATUS_REJECTION, "no serial number available");
  return serial;
}

static gboolean
setup_timestamping (TekenCaAuthority  *self,
                    GError           **error)
{
  g_autoptr(ASN1_OBJECT) policy = OBJ_txt2obj (TSA_POLICY_OID, 1);
  g_autoptr(TekenX509Stack) issuing_only = sk_X509_new_null ();

  /* Tokens carry the TSA's and the issuing CA's certificates; the root is
   * the relying party's trust anchor. */
  X509_up_ref (self->issuing);
  sk_X509_push (issuing_only, self->issuing);
  self->ts = TS_RESP_CTX_new ();
  if (self->ts == NULL || policy == NULL ||
      !TS_RESP_CTX_set_signer_cert (self->ts, self->tsa) ||
      !TS_RESP_CTX_set_signer_key (self->ts, self->tsa_key) ||
      !TS_RESP_CTX_set_signer_digest (self->ts, EVP_sha256 ()) ||
      !TS_RESP_CTX_set_ess_cert_id_digest (self->ts, EVP_sha256 ()) ||
      !TS_RESP_CTX_set_def_policy (self->ts, policy) ||
      !TS_RESP_CTX_set_certs (self->ts, issuing_only) ||
      !TS_RESP_CTX_add_md (self->ts, EVP_sha256 ()) ||
      !TS_RESP_CTX_add_md (self->ts, EVP_sha384 ()) ||
      !TS_RESP_CTX_add_md (self->ts, EVP_sha512 ()) ||
      !TS_RESP_CTX_set_accuracy (self->ts, 1, 0, 0))
    return set_pki_error (error, "TS_RESP_CTX");

  TS_RESP_CTX_set_serial_cb (self->ts, next_tsa_serial_cb, self);
  return TRUE;
}

static gboolean
finish_setup (TekenCaAuthority  *self,
              GError           **error)
{
  self->chain = sk_X509_new_null ();
  X509_up_ref (self->issuing);
  sk_X509_push (self->chain, self->issuing);
  X509_up_ref (self->root);
  sk_X509_push (self->chain, self->root);

  if (self->public_url == NULL)
    self->public_url = teken_ca_store_get_meta (self->store, "public_url");
  if (self->public_url == NULL)
    {
      g_set_error_literal (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_DATA_DIR,
                           _("The data directory has no public URL. Run teken-ca init again in a new directory."));
      return FALSE;
    }

  return setup_timestamping (self, error);
}

static GBytes *
make_crl (TekenCaAuthority  *self,
          X509              *issuer,
          EVP_PKEY          *key,
          GPtrArray         *revoked,
          const char        *counter,
          GError           **error)
{
  g_autoptr(X509_CRL) crl = X509_CRL_new ();
  g_autoptr(ASN1_TIME) now = X509_gmtime_adj (NULL, 0);
  g_autoptr(ASN1_TIME) next = X509_gmtime_adj (NULL, 24 * 60 * 60);
  g_autoptr(ASN1_INTEGER) number = ASN1_INTEGER_new ();
  g_autoptr(X509_EXTENSION) akid = NULL;
  g_autofree guint8 *der = NULL;
  gint64 crl_number;
  X509V3_CTX ctx;
  int length;

  crl_number = teken_ca_store_next_counter (self->store, counter, error);
  if (crl_number < 0)
    return NULL;

  if (crl == NULL || now == NULL || next == NULL || number == NULL ||
      !X509_CRL_set_version (crl, X509_CRL_VERSION_2) ||
      !X509_CRL_set_issuer_name (crl, X509_get_subject_name (issuer)) ||
      !X509_CRL_set1_lastUpdate (crl, now) ||
      !X509_CRL_set1_nextUpdate (crl, next) ||
      !ASN1_INTEGER_set_int64 (number, crl_number))
    {
      set_pki_error (error, "CRL");
      return NULL;
    }

  for (guint i = 0; revoked != NULL && i < revoked->len; i++)
    {
      TekenCaCertificate *cert = g_ptr_array_index (revoked, i);
      X509_REVOKED *entry = X509_REVOKED_new ();
      g_autoptr(BIGNUM) bn = NULL;
      g_autoptr(ASN1_INTEGER) serial = NULL;
      g_autoptr(ASN1_TIME) when = ASN1_TIME_set (NULL, (time_t) cert->revoked_at);

      if (BN_hex2bn (&bn, cert->serial) == 0 ||
          (serial = BN_to_ASN1_INTEGER (bn, NULL)) == NULL ||
          !X509_REVOKED_set_serialNumber (entry, serial) ||
          !X509_REVOKED_set_revocationDate (entry, when))
        {
          X509_REVOKED_free (entry);
          set_pki_error (error, "CRL entry");
          return NULL;
        }

      /* reasonCode is omitted for unspecified (RFC 5280 §5.3.1). */
      if (cert->revocation_reason > 0)
        {
          g_autoptr(ASN1_ENUMERATED) reason = ASN1_ENUMERATED_new ();

          ASN1_ENUMERATED_set (reason, cert->revocation_reason);
          X509_REVOKED_add1_ext_i2d (entry, NID_crl_reason, reason, 0, 0);
        }
      X509_CRL_add0_revoked (crl, entry);
    }

  X509V3_set_ctx (&ctx, issuer, NULL, NULL, crl, 0);
  akid = X509V3_EXT_conf_nid (NULL, &ctx, NID_authority_key_identifier, "keyid:always");
  if (akid == NULL || !X509_CRL_add_ext (crl, akid, -1) ||
      !X509_CRL_add1_ext_i2d (crl, NID_crl_number, number, 0, 0) ||
      !X509_CRL_sort (crl) ||
      X509_CRL_sign (crl, key, EVP_sha256 ()) <= 0 ||
      (length = i2d_X509_CRL (crl, &der)) <= 0)
    {
      set_pki_error (error, "CRL signature");
      return NULL;
    }

  return g_bytes_new (der, length);
}

static GBytes *
ocsp_response_bytes (OCSP_RESPONSE *response)
{
  g_autofree guint8 *der = NULL;
  int length = i2d_OCSP_RESPONSE (response, &der);

  return length > 0 ? g_bytes_new (der, length) : NULL;
}

static GBytes *
ocsp_error_response (int status)
{
  g_autoptr(OCSP_RESPONSE) response = OCSP_response_create (status, NULL);

  return ocsp_response_bytes (response);
}

static void
teken_ca_authority_finalize (GObject *object)
{
  TekenCaAuthority *self = TEKEN_CA_AUTHORITY (object);

  g_clear_pointer (&self->ts, TS_RESP_CTX_free);
  g_clear_pointer (&self->chain, teken_x509_stack_free);
  g_clear_pointer (&self->root, X509_free);
  g_clear_pointer (&self->root_key, EVP_PKEY_free);
  g_clear_pointer (&self->issuing, X509_free);
  g_clear_pointer (&self->issuing_key, EVP_PKEY_free);
  g_clear_pointer (&self->tsa, X509_free);
  g_clear_pointer (&self->tsa_key, EVP_PKEY_free);
  g_clear_pointer (&self->ocsp, X509_free);
  g_clear_pointer (&self->ocsp_key, EVP_PKEY_free);
  g_clear_pointer (&self->crl, g_bytes_unref);
  g_clear_pointer (&self->root_crl, g_bytes_unref);
  g_clear_object (&self->store);
  g_free (self->data_dir);
  g_free (self->public_url);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (teken_ca_authority_parent_class)->finalize (object);
}

static void
teken_ca_authority_class_init (TekenCaAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = teken_ca_authority_finalize;
}

static void
teken_ca_authority_init (TekenCaAuthority *self)
{
  g_mutex_init (&self->lock);
}

/* Returns: the serial number in upper-case hexadecimal, as the store keeps it */
char *
teken_ca_serial_to_string (const ASN1_INTEGER *serial)
{
  g_autoptr(BIGNUM) bn = ASN1_INTEGER_to_BN (serial, NULL);
  char *hex;
  char *result;

  if (bn == NULL || (hex = BN_bn2hex (bn)) == NULL)
    return g_strdup ("");
  result = g_strdup (hex);
  OPENSSL_free (hex);
  return result;
}

/**
 * teken_ca_authority_create:
 * @data_dir: an existing, empty directory
 * @store: the new database
 * @public_url: the base URL baked into certificates, without a trailing slash
 *
 * Makes the hierarchy of docs/api.md §11.5 and writes it to @data_dir:
 * keys/NAME.key (0600), certs/NAME.pem, and root.pem for clients' --ca-file.
 */
TekenCaAuthority *
teken_ca_authority_create (const char    *data_dir,
                           TekenCaStore  *store,
                           const char    *public_url,
                           GError       **error)
{
  g_autoptr(TekenCaAuthority) self = g_object_new (TEKEN_CA_TYPE_AUTHORITY, NULL);
  g_autofree char *keys_dir = g_build_filename (data_dir, "keys", NULL);
  g_autofree char *certs_dir = g_build_filename (data_dir, "certs", NULL);
  g_autofree char *root_pem = g_build_filename (data_dir, "root.pem", NULL);
  g_autofree char *crl_dp = g_strdup_printf ("URI:%s/pki/crl", public_url);
  g_autofree char *aia = g_strdup_printf ("OCSP;URI:%s/pki/ocsp,caIssuers;URI:%s/pki/issuing.crt",
                                          public_url, public_url);
  g_autoptr(X509_NAME) root_name = make_name ("Teken", "Teken Demo Root CA");
  g_autoptr(X509_NAME) issuing_name = make_name ("Teken", "Teken Demo Issuing CA");
  g_autoptr(X509_NAME) tsa_name = make_name ("Teken", "Teken Demo TSA");
  g_autoptr(X509_NAME) ocsp_name = make_name ("Teken", "Teken Demo OCSP Responder");
  g_autoptr(X509_NAME) tls_name = X509_NAME_new ();
  g_autoptr(EVP_PKEY) tls_key = NULL;
  g_autoptr(X509) tls = NULL;
  const Extension root_ext[] = {
    { NID_basic_constraints, "critical,CA:TRUE" },
    { NID_key_usage, "critical,keyCertSign,cRLSign" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid:always" },
    { 0, NULL },
  };
  const Extension issuing_ext[] = {
    { NID_basic_constraints, "critical,CA:TRUE,pathlen:0" },
    { NID_key_usage, "critical,keyCertSign,cRLSign" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid:always" },
    { 0, NULL },
  };
  const Extension tsa_ext[] = {
    { NID_basic_constraints, "critical,CA:FALSE" },
    { NID_key_usage, "critical,digitalSignature,nonRepudiation" },
    { NID_ext_key_usage, "critical,timeStamping" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid:always" },
    { NID_crl_distribution_points, crl_dp },
    { NID_info_access, aia },
    { 0, NULL },
  };
  const Extension ocsp_ext[] = {
    { NID_basic_constraints, "critical,CA:FALSE" },
    { NID_key_usage, "critical,digitalSignature" },
    { NID_ext_key_usage, "OCSPSigning" },
    { NID_id_pkix_OCSP_noCheck, "ignored" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid:always" },
    { 0, NULL },
  };
  const Extension tls_ext[] = {
    { NID_basic_constraints, "critical,CA:FALSE" },
    { NID_key_usage, "critical,digitalSignature" },
    { NID_ext_key_usage, "serverAuth" },
    { NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost" },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid:always" },
    { 0, NULL },
  };

  self->data_dir = g_strdup (data_dir);
  self->store = g_object_ref (store);
  self->public_url = g_strdup (public_url);

  if (g_mkdir_with_parents (keys_dir, 0700) != 0 || g_chmod (keys_dir, 0700) != 0 ||
      g_mkdir_with_parents (certs_dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create the data directory: %s"), g_strerror (saved_errno));
      return NULL;
    }

  X509_NAME_add_entry_by_txt (tls_name, "CN", MBSTRING_UTF8, (const guchar *) "localhost", -1, -1, 0);

  self->root_key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 4096);
  self->issuing_key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 3072);
  self->tsa_key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 2048);
  self->ocsp_key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 2048);
  tls_key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  if (self->root_key == NULL || self->issuing_key == NULL || self->tsa_key == NULL ||
      self->ocsp_key == NULL || tls_key == NULL)
    {
      set_pki_error (error, "key generation");
      return NULL;
    }

  if ((self->root = make_certificate (root_name, self->root_key, NULL, self->root_key,
                                      20 * YEAR, root_ext, error)) == NULL ||
      (self->issuing = make_certificate (issuing_name, self->issuing_key, self->root,
                                         self->root_key, 10 * YEAR, issuing_ext, error)) == NULL ||
      (self->tsa = make_certificate (tsa_name, self->tsa_key, self->issuing,
                                     self->issuing_key, 5 * YEAR, tsa_ext, error)) == NULL ||
      (self->ocsp = make_certificate (ocsp_name, self->ocsp_key, self->issuing,
                                      self->issuing_key, YEAR, ocsp_ext, error)) == NULL ||
      (tls = make_certificate (tls_name, tls_key, self->root, self->root_key,
                               2 * YEAR, tls_ext, error)) == NULL)
    return NULL;

  {
    struct { const char *name; X509 *cert; EVP_PKEY *key; } pairs[] = {
      { "root", self->root, self->root_key },
      { "issuing", self->issuing, self->issuing_key },
      { "tsa", self->tsa, self->tsa_key },
      { "ocsp", self->ocsp, self->ocsp_key },
      { "tls", tls, tls_key },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
      {
        g_autofree char *file = g_strconcat (pairs[i].name, ".pem", NULL);
        g_autofree char *path = g_build_filename (certs_dir, file, NULL);

        if (!save_key (self, pairs[i].name, pairs[i].key, error) ||
            !save_certificate (path, pairs[i].cert, error))
          return NULL;
      }
  }

  if (!save_certificate (root_pem, self->root, error) ||
      !teken_ca_store_set_meta (store, "public_url", public_url, error) ||
      !record_certificate (self, self->tsa, error) ||
      !record_certificate (self, self->ocsp, error) ||
      !finish_setup (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

TekenCaAuthority *
teken_ca_authority_load (const char    *data_dir,
                         TekenCaStore  *store,
                         GError       **error)
{
  g_autoptr(TekenCaAuthority) self = g_object_new (TEKEN_CA_TYPE_AUTHORITY, NULL);

  self->data_dir = g_strdup (data_dir);
  self->store = g_object_ref (store);

  if (!load_pair (self, "root", &self->root, &self->root_key, error) ||
      !load_pair (self, "issuing", &self->issuing, &self->issuing_key, error) ||
      !load_pair (self, "tsa", &self->tsa, &self->tsa_key, error) ||
      !load_pair (self, "ocsp", &self->ocsp, &self->ocsp_key, error) ||
      !finish_setup (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
teken_ca_authority_get_public_url (TekenCaAuthority *self)
{
  return self->public_url;
}

X509 *
teken_ca_authority_get_root (TekenCaAuthority *self)
{
  return self->root;
}

X509 *
teken_ca_authority_get_issuing (TekenCaAuthority *self)
{
  return self->issuing;
}

/* Returns: (transfer none): the issuing CA, then the root */
STACK_OF (X509) *
teken_ca_authority_get_chain (TekenCaAuthority *self)
{
  return self->chain;
}

GTlsCertificate *
teken_ca_authority_get_tls_certificate (TekenCaAuthority  *self,
                                        GError           **error)
{
  g_autofree char *cert = path_in (self, "certs", "tls.pem");
  g_autofree char *key = path_in (self, "keys", "tls.key");

  return g_tls_certificate_new_from_files (cert, key, error);
}

/**
 * teken_ca_authority_issue_holder:
 * @key: the holder's key pair (only its public half is used)
 * @validity: seconds from now
 *
 * Makes a holder certificate with the profile of docs/api.md §11.6. The
 * caller records it in the store together with the wrapped key.
 *
 * Returns: (transfer full): the certificate
 */
X509 *
teken_ca_authority_issue_holder (TekenCaAuthority  *self,
                                 EVP_PKEY          *key,
                                 const char        *name,
                                 const char        *agency,
                                 const char        *email,
                                 gint64             validity,
                                 GError           **error)
{
  g_autoptr(X509_NAME) subject = make_name (agency, name);
  g_autofree char *san = g_strdup_printf ("email:%s", email);
  g_autofree char *crl_dp = g_strdup_printf ("URI:%s/pki/crl", self->public_url);
  g_autofree char *aia = g_strdup_printf ("OCSP;URI:%s/pki/ocsp,caIssuers;URI:%s/pki/issuing.crt",
                                          self->public_url, self->public_url);
  const Extension holder_ext[] = {
    { NID_basic_constraints, "critical,CA:FALSE" },
    { NID_key_usage, "critical,digitalSignature,nonRepudiation" },
    { NID_certificate_policies, HOLDER_POLICY_OID },
    { NID_subject_alt_name, san },
    { NID_subject_key_identifier, "hash" },
    { NID_authority_key_identifier, "keyid:always" },
    { NID_crl_distribution_points, crl_dp },
    { NID_info_access, aia },
    { 0, NULL },
  };

  return make_certificate (subject, key, self->issuing, self->issuing_key, (long) validity,
                           holder_ext, error);
}

/**
 * teken_ca_authority_get_crl:
 * @root: %TRUE for the root's CRL, %FALSE for the issuing CA's
 *
 * Returns: (transfer full): the DER of the current CRL, made again when it
 *   is older than 12 hours
 */
GBytes *
teken_ca_authority_get_crl (TekenCaAuthority  *self,
                            gboolean           root,
                            GError           **error)
{
  GBytes **cache = root ? &self->root_crl : &self->crl;
  gint64 *made_at = root ? &self->root_crl_made_at : &self->crl_made_at;
  gint64 now = g_get_real_time ();
  gint64 epoch = root ? 0 : teken_ca_store_get_revocation_epoch (self->store);
  GBytes *result = NULL;
  gboolean failed = FALSE;

  g_mutex_lock (&self->lock);
  /* Revocations made by another process (teken-ca admin) show too. */
  if (!root && *cache != NULL && epoch != self->crl_epoch)
    g_clear_pointer (cache, g_bytes_unref);
  if (*cache == NULL || now - *made_at > CRL_REFRESH)
    {
      g_autoptr(GPtrArray) revoked = root ? NULL : teken_ca_store_list_revoked (self->store);
      GBytes *crl = make_crl (self, root ? self->root : self->issuing,
                              root ? self->root_key : self->issuing_key, revoked,
                              root ? "root_crl_number" : "crl_number", error);

      if (crl != NULL)
        {
          g_clear_pointer (cache, g_bytes_unref);
          *cache = crl;
          *made_at = now;
          if (!root)
            self->crl_epoch = epoch;
        }
      else
        failed = TRUE;
    }
  if (!failed)
    result = g_bytes_ref (*cache);
  g_mutex_unlock (&self->lock);

  return result;
}

/**
 * teken_ca_authority_invalidate_crl:
 *
 * Drops the cached CRL of the issuing CA after a revocation, so that the
 * next request gets one that lists it (docs/api.md §11.2).
 */
void
teken_ca_authority_invalidate_crl (TekenCaAuthority *self)
{
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->crl, g_bytes_unref);
  g_mutex_unlock (&self->lock);
}

/**
 * teken_ca_authority_answer_ocsp:
 * @request: the DER of an OCSPRequest
 *
 * Answers as RFC 6960 says: problems with the request are answered inside
 * the protocol (malformedRequest, unauthorized), never as a %NULL.
 *
 * Returns: (transfer full): the DER of the OCSPResponse
 */
GBytes *
teken_ca_authority_answer_ocsp (TekenCaAuthority *self,
                                GBytes           *request)
{
  const guint8 *data;
  gsize length;
  g_autoptr(OCSP_REQUEST) req = NULL;
  g_autoptr(OCSP_BASICRESP) basic = NULL;
  g_autoptr(OCSP_RESPONSE) response = NULL;
  g_autoptr(ASN1_TIME) this_update = X509_gmtime_adj (NULL, 0);
  g_autoptr(ASN1_TIME) next_update = X509_gmtime_adj (NULL, 60 * 60);
  int count;

  data = g_bytes_get_data (request, &length);
  req = d2i_OCSP_REQUEST (NULL, &data, (long) length);
  if (req == NULL || (count = OCSP_request_onereq_count (req)) <= 0)
    {
      teken_openssl_log_errors ("OCSP request");
      return ocsp_error_response (OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    }

  basic = OCSP_BASICRESP_new ();
  for (int i = 0; i < count; i++)
    {
      OCSP_CERTID *id = OCSP_onereq_get0_id (OCSP_request_onereq_get0 (req, i));
      ASN1_OBJECT *md_object = NULL;
      ASN1_INTEGER *serial = NULL;
      const EVP_MD *md;
      g_autoptr(OCSP_CERTID) ours = NULL;
      g_autoptr(TekenCaCertificate) cert = NULL;
      g_autofree char *serial_text = NULL;
      g_autoptr(ASN1_TIME) revoked_at = NULL;
      int status = V_OCSP_CERTSTATUS_GOOD;
      int reason = -1;

      OCSP_id_get0_info (NULL, &md_object, NULL, &serial, id);
      md = md_object != NULL ? EVP_get_digestbyobj (md_object) : NULL;
      if (md == NULL || serial == NULL)
        return ocsp_error_response (OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);

      ours = OCSP_cert_id_new (md, X509_get_subject_name (self->issuing),
                               X509_get0_pubkey_bitstr (self->issuing), serial);
      if (ours == NULL || OCSP_id_issuer_cmp (ours, id) != 0)
        return ocsp_error_response (OCSP_RESPONSE_STATUS_UNAUTHORIZED);

      serial_text = teken_ca_serial_to_string (serial);
      cert = teken_ca_store_find_certificate_by_serial (self->store, serial_text);
      if (cert == NULL)
        status = V_OCSP_CERTSTATUS_UNKNOWN;
      else if (cert->revoked_at != 0)
        {
          status = V_OCSP_CERTSTATUS_REVOKED;
          reason = cert->revocation_reason;
          revoked_at = ASN1_TIME_set (NULL, (time_t) cert->revoked_at);
        }

      if (OCSP_basic_add1_status (basic, id, status, reason, revoked_at,
                                  this_update, next_update) == NULL)
        return ocsp_error_response (OCSP_RESPONSE_STATUS_INTERNALERROR);
    }

  if (OCSP_copy_nonce (basic, req) <= 0 ||
      !OCSP_basic_sign (basic, self->ocsp, self->ocsp_key, EVP_sha256 (), self->chain,
                        OCSP_RESPID_KEY))
    {
      teken_openssl_log_errors ("OCSP_basic_sign");
      return ocsp_error_response (OCSP_RESPONSE_STATUS_INTERNALERROR);
    }

  response = OCSP_response_create (OCSP_RESPONSE_STATUS_SUCCESSFUL, basic);
  return ocsp_response_bytes (response);
}

/**
 * teken_ca_authority_answer_timestamp:
 * @query: the DER of a TimeStampReq
 *
 * Returns: (transfer full): the DER of the TimeStampResp (a rejection for a
 *   bad request), or %NULL when the TSA itself failed
 */
GBytes *
teken_ca_authority_answer_timestamp (TekenCaAuthority *self,
                                     GBytes           *query)
{
  g_autoptr(BIO) bio = BIO_new_mem_buf (g_bytes_get_data (query, NULL),
                                        (int) g_bytes_get_size (query));
  g_autoptr(TS_RESP) response = NULL;
  g_autofree guint8 *der = NULL;
  int length;

  g_mutex_lock (&self->lock);
  response = TS_RESP_create_response (self->ts, bio);
  g_mutex_unlock (&self->lock);
  if (response == NULL || (length = i2d_TS_RESP (response, &der)) <= 0)
    {
      teken_openssl_log_errors ("TS_RESP_create_response");
      return NULL;
    }

  return g_bytes_new (der, length);
}

/**
 * teken_ca_authority_timestamp_signature:
 * @cms: the DER of a SignedData with one signer
 *
 * Adds an RFC 3161 signature timestamp from teken-ca's own TSA over the
 * signature value, as the unsigned attribute id-aa-signatureTimeStampToken
 * (PAdES baseline T, docs/api.md §9.2).
 *
 * Returns: (transfer full): the DER of the timestamped SignedData
 */
GBytes *
teken_ca_authority_timestamp_signature (TekenCaAuthority  *self,
                                        GBytes            *cms,
                                        GError           **error)
{
  const guint8 *p = g_bytes_get_data (cms, NULL);
  g_autoptr(CMS_ContentInfo) info = d2i_CMS_ContentInfo (NULL, &p, (long) g_bytes_get_size (cms));
  STACK_OF (CMS_SignerInfo) *signers;
  CMS_SignerInfo *si;
  ASN1_OCTET_STRING *signature;
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(TS_REQ) request = TS_REQ_new ();
  g_autoptr(TS_MSG_IMPRINT) imprint = TS_MSG_IMPRINT_new ();
  g_autoptr(X509_ALGOR) algorithm = X509_ALGOR_new ();
  g_autofree guint8 *request_der = NULL;
  g_autofree guint8 *token_der = NULL;
  g_autofree guint8 *result = NULL;
  g_autoptr(GBytes) query = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(TS_RESP) response = NULL;
  int request_length;
  int token_length;
  int result_length;

  if (info == NULL || (signers = CMS_get0_SignerInfos (info)) == NULL ||
      sk_CMS_SignerInfo_num (signers) != 1)
    {
      set_pki_error (error, "SignedData");
      return NULL;
    }
  si = sk_CMS_SignerInfo_value (signers, 0);
  signature = CMS_SignerInfo_get0_signature (si);
  g_checksum_update (checksum, ASN1_STRING_get0_data (signature), ASN1_STRING_length (signature));
  g_checksum_get_digest (checksum, digest, &digest_length);

  if (!X509_ALGOR_set0 (algorithm, OBJ_nid2obj (NID_sha256), V_ASN1_NULL, NULL) ||
      !TS_MSG_IMPRINT_set_algo (imprint, algorithm) ||
      !TS_MSG_IMPRINT_set_msg (imprint, digest, (int) digest_length) ||
      !TS_REQ_set_version (request, 1) ||
      !TS_REQ_set_msg_imprint (request, imprint) ||
      !TS_REQ_set_cert_req (request, 1) ||
      (request_length = i2d_TS_REQ (request, &request_der)) <= 0)
    {
      set_pki_error (error, "TimeStampReq");
      return NULL;
    }

  query = g_bytes_new (request_der, request_length);
  reply = teken_ca_authority_answer_timestamp (self, query);
  if (reply != NULL)
    {
      p = g_bytes_get_data (reply, NULL);
      response = d2i_TS_RESP (NULL, &p, (long) g_bytes_get_size (reply));
    }
  if (response == NULL || TS_RESP_get_token (response) == NULL ||
      (token_length = i2d_PKCS7 (TS_RESP_get_token (response), &token_der)) <= 0 ||
      CMS_unsigned_add1_attr_by_NID (si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
                                     token_der, token_length) <= 0 ||
      (result_length = i2d_CMS_ContentInfo (info, &result)) <= 0)
    {
      set_pki_error (error, "signature timestamp");
      return NULL;
    }

  return g_bytes_new (result, result_length);
}

static GBytes *
certificate_der (X509 *cert)
{
  g_autofree guint8 *der = NULL;
  int length = i2d_X509 (cert, &der);

  return g_bytes_new (der, MAX (length, 0));
}

static GBytes *
ocsp_response_for (TekenCaAuthority *self,
                   X509             *cert)
{
  g_autoptr(OCSP_REQUEST) request = OCSP_REQUEST_new ();
  OCSP_CERTID *id = OCSP_cert_to_id (EVP_sha1 (), cert, self->issuing);
  g_autofree guint8 *der = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int length;

  if (request == NULL || id == NULL || OCSP_request_add0_id (request, id) == NULL)
    {
      OCSP_CERTID_free (id);
      return NULL;
    }
  if ((length = i2d_OCSP_REQUEST (request, &der)) <= 0)
    return NULL;
  bytes = g_bytes_new (der, length);
  return teken_ca_authority_answer_ocsp (self, bytes);
}

/**
 * teken_ca_authority_get_validation_data:
 * @signer: the holder's certificate
 * @certificates: (out) (element-type GBytes): DER of the issuing CA, the root
 *   and the TSA
 * @ocsp_responses: (out) (element-type GBytes): fresh OCSP responses for
 *   @signer and for the TSA
 * @crls: (out) (element-type GBytes): the issuing CA's and the root's CRLs
 *
 * What a PAdES LT signature needs in the document security store
 * (docs/api.md §9.2, `validationData`).
 */
gboolean
teken_ca_authority_get_validation_data (TekenCaAuthority  *self,
                                        X509              *signer,
                                        GPtrArray        **certificates,
                                        GPtrArray        **ocsp_responses,
                                        GPtrArray        **crls,
                                        GError           **error)
{
  g_autoptr(GPtrArray) certs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) ocsp = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  X509 *subjects[] = { signer, self->tsa };
  GBytes *crl;

  g_ptr_array_add (certs, certificate_der (self->issuing));
  g_ptr_array_add (certs, certificate_der (self->root));
  g_ptr_array_add (certs, certificate_der (self->tsa));

  for (gsize i = 0; i < G_N_ELEMENTS (subjects); i++)
    {
      GBytes *response = ocsp_response_for (self, subjects[i]);

      if (response == NULL)
        return set_pki_error (error, "OCSP for validation data");
      g_ptr_array_add (ocsp, response);
    }

  if ((crl = teken_ca_authority_get_crl (self, FALSE, error)) == NULL)
    return FALSE;
  g_ptr_array_add (lists, crl);
  if ((crl = teken_ca_authority_get_crl (self, TRUE, error)) == NULL)
    return FALSE;
  g_ptr_array_add (lists, crl);

  *certificates = g_steal_pointer (&certs);
  *ocsp_responses = g_steal_pointer (&ocsp);
  *crls = g_steal_pointer (&lists);
  return TRUE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free)

static void
wipe_bytes (gpointer data)
{
  GByteArray *array = data;

  OPENSSL_cleanse (array->data, array->len);
  g_byte_array_unref (array);
}

/* The holder's key as PKCS#8 DER, in memory that is wiped when freed. */
static GBytes *
export_key (EVP_PKEY *key)
{
  g_autoptr(PKCS8_PRIV_KEY_INFO) info = EVP_PKEY2PKCS8 (key);
  guint8 *der = NULL;
  GByteArray *array;
  int length;

  if (info == NULL || (length = i2d_PKCS8_PRIV_KEY_INFO (info, &der)) <= 0)
    return NULL;
  array = g_byte_array_sized_new (length);
  g_byte_array_append (array, der, length);
  OPENSSL_clear_free (der, length);
  return g_bytes_new_with_free_func (array->data, array->len, wipe_bytes, array);
}

void
teken_ca_issued_free (TekenCaIssued *issued)
{
  if (issued == NULL)
    return;
  g_clear_pointer (&issued->der, g_bytes_unref);
  g_clear_pointer (&issued->wrapped_key, g_bytes_unref);
  g_free (issued->serial);
  g_free (issued);
}

/**
 * teken_ca_authority_issue_new_key:
 * @passphrase: the holder's passphrase, which alone unwraps the key
 *
 * Makes an RSA-2048 key pair on the server (docs/api.md §14), issues its
 * certificate and wraps the key. Slow (key generation, scrypt): call it
 * from a worker thread, outside any store transaction.
 *
 * Returns: (transfer full): the certificate and the wrapped key, or %NULL
 */
TekenCaIssued *
teken_ca_authority_issue_new_key (TekenCaAuthority   *self,
                                  const char         *name,
                                  const char         *agency,
                                  const char         *email,
                                  gint64              validity,
                                  TekenSecret        *passphrase,
                                  GError            **error)
{
  g_autoptr(TekenCaIssued) issued = g_new0 (TekenCaIssued, 1);
  g_autoptr(EVP_PKEY) key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 2048);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(X509) cert = NULL;
  g_autofree guint8 *der = NULL;
  int der_length;

  if (key == NULL || (plain = export_key (key)) == NULL)
    {
      teken_openssl_log_errors ("holder key");
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_PKI, _("The key pair could not be made."));
      return NULL;
    }
  cert = teken_ca_authority_issue_holder (self, key, name, agency, email, validity, error);
  if (cert == NULL || (issued->wrapped_key = teken_key_wrap (plain, passphrase, error)) == NULL)
    return NULL;

  der_length = i2d_X509 (cert, &der);
  issued->der = g_bytes_new (der, MAX (der_length, 0));
  issued->serial = teken_ca_serial_to_string (X509_get0_serialNumber (cert));
  {
    g_autoptr(GDateTime) not_before = teken_asn1_time_to_date_time (X509_get0_notBefore (cert));
    g_autoptr(GDateTime) not_after = teken_asn1_time_to_date_time (X509_get0_notAfter (cert));

    issued->not_before = g_date_time_to_unix (not_before);
    issued->not_after = g_date_time_to_unix (not_after);
  }
  return g_steal_pointer (&issued);
}
