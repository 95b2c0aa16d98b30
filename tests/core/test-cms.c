/* test-cms.c
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
#include "teken-openssl-private.h"
#include "teken-pkcs12-signer.h"

typedef struct
{
  const char *name;
  const char *common_name;
  int signature_nid;
} SignerCase;

static const SignerCase signer_cases[] = {
  { "budi", "Budi Santoso", NID_rsaEncryption },
  { "siti", "Siti Rahmawati", NID_rsaEncryption },
  { "dewi", "Dewi Lestari", NID_ecdsa_with_SHA256 },
};

static const char content[] = "%PDF-1.7\nthe signed byte ranges of a document\n%%EOF\n";

typedef struct
{
  GMainLoop *loop;
  GBytes *cms;
  GError *error;
} AsyncResult;

static TekenSecret *
read_password (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".pass", NULL);
  g_autofree char *path = teken_test_pki_path (file);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TekenSecret *secret;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_strchomp (text);
  secret = teken_secret_new (text, -1);
  teken_wipe_string (text);

  return secret;
}

static TekenPkcs12Signer *
open_signer (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".p12", NULL);
  g_autofree char *path = teken_test_pki_path (file);
  g_autoptr(TekenSecret) password = read_password (name);
  g_autoptr(GError) error = NULL;
  TekenPkcs12Signer *signer;

  signer = teken_pkcs12_signer_new_from_file (path, password, &error);
  g_assert_no_error (error);
  g_assert_true (TEKEN_IS_PKCS12_SIGNER (signer));

  return signer;
}

static GBytes *
sha256 (const void *data,
        gsize       length)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  g_checksum_update (checksum, data, length);
  g_checksum_get_digest (checksum, digest, &digest_length);
  g_assert_cmpuint (digest_length, ==, 32);

  return g_bytes_new (digest, digest_length);
}

static X509 *
certificate_from_der (GBytes *der)
{
  const unsigned char *p = g_bytes_get_data (der, NULL);
  X509 *certificate = d2i_X509 (NULL, &p, g_bytes_get_size (der));

  g_assert_nonnull (certificate);

  return certificate;
}

static char *
get_common_name (X509 *certificate)
{
  char name[256];

  g_assert_cmpint (X509_NAME_get_text_by_NID (X509_get_subject_name (certificate),
                                              NID_commonName, name, sizeof name), >, 0);

  return g_strdup (name);
}

static CMS_ContentInfo *
parse_cms (GBytes *der)
{
  const unsigned char *p = g_bytes_get_data (der, NULL);
  CMS_ContentInfo *cms = d2i_CMS_ContentInfo (NULL, &p, g_bytes_get_size (der));

  g_assert_nonnull (cms);
  /* Exactly the DER, nothing after it. */
  g_assert_true (p == (const unsigned char *) g_bytes_get_data (der, NULL) + g_bytes_get_size (der));

  return cms;
}

static gboolean
verify_in_process (GBytes     *der,
                   const void *data,
                   gsize       length)
{
  g_autoptr(CMS_ContentInfo) cms = parse_cms (der);
  g_autoptr(X509_STORE) store = X509_STORE_new ();
  g_autofree char *root = teken_test_pki_path ("root.pem");
  g_autoptr(BIO) data_bio = BIO_new_mem_buf (data, length);
  int verified;

  g_assert_cmpint (X509_STORE_load_file (store, root), ==, 1);

  /* The trust store holds only the root: the issuing CA has to come from
   * the certificates inside the CMS. */
  verified = CMS_verify (cms, NULL, store, data_bio, NULL, CMS_BINARY);
  ERR_clear_error ();

  return verified == 1;
}

static gboolean
verify_with_openssl (GBytes     *der,
                     const void *data,
                     gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cms-XXXXXX", &error);
  g_autofree char *cms_path = NULL;
  g_autofree char *content_path = NULL;
  g_autofree char *root = teken_test_pki_path ("root.pem");
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *output = NULL;
  gboolean verified;

  g_assert_no_error (error);
  cms_path = g_build_filename (dir, "signature.der", NULL);
  content_path = g_build_filename (dir, "content.bin", NULL);
  g_file_set_contents (cms_path, g_bytes_get_data (der, NULL), g_bytes_get_size (der), &error);
  g_assert_no_error (error);
  g_file_set_contents (content_path, data, length, &error);
  g_assert_no_error (error);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              "openssl", "cms", "-verify", "-binary", "-inform", "DER",
                              "-in", cms_path, "-content", content_path,
                              "-CAfile", root, "-purpose", "any", "-out", "/dev/null",
                              NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &output, &error);
  g_assert_no_error (error);

  verified = g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0;
  g_test_message ("openssl cms -verify: %s", output);

  g_unlink (cms_path);
  g_unlink (content_path);
  g_rmdir (dir);

  return verified;
}

static void
check_structure (GBytes     *der,
                 GBytes     *digest,
                 X509       *signer_certificate,
                 int         signature_nid,
                 gboolean    with_chain)
{
  g_autoptr(CMS_ContentInfo) cms = parse_cms (der);
  g_autoptr(TekenX509Stack) certificates = NULL;
  g_autoptr(ESS_SIGNING_CERT_V2) signing_cert = NULL;
  g_autoptr(TekenX509Stack) signer_only = sk_X509_new_null ();
  STACK_OF (CMS_SignerInfo) *signer_infos;
  CMS_SignerInfo *si;
  X509_ALGOR *digest_algorithm = NULL;
  X509_ALGOR *signature_algorithm = NULL;
  const ASN1_OBJECT *object = NULL;
  ASN1_OCTET_STRING *message_digest;
  ASN1_STRING *sequence;
  const unsigned char *p;
  gboolean seen[3] = { FALSE, FALSE, FALSE };
  gboolean found_issuing = FALSE;
  gboolean found_root = FALSE;
  gboolean found_signer = FALSE;

  g_assert_cmpint (OBJ_obj2nid (CMS_get0_type (cms)), ==, NID_pkcs7_signed);
  g_assert_cmpint (CMS_is_detached (cms), ==, 1);
  g_assert_cmpint (OBJ_obj2nid (CMS_get0_eContentType (cms)), ==, NID_pkcs7_data);

  signer_infos = CMS_get0_SignerInfos (cms);
  g_assert_cmpint (sk_CMS_SignerInfo_num (signer_infos), ==, 1);
  si = sk_CMS_SignerInfo_value (signer_infos, 0);
  g_assert_cmpint (CMS_SignerInfo_cert_cmp (si, signer_certificate), ==, 0);

  CMS_SignerInfo_get0_algs (si, NULL, NULL, &digest_algorithm, &signature_algorithm);
  X509_ALGOR_get0 (&object, NULL, NULL, digest_algorithm);
  g_assert_cmpint (OBJ_obj2nid (object), ==, NID_sha256);
  X509_ALGOR_get0 (&object, NULL, NULL, signature_algorithm);
  g_assert_cmpint (OBJ_obj2nid (object), ==, signature_nid);

  /* Exactly contentType, messageDigest and signingCertificateV2: no
   * signingTime (PAdES forbids it), no S/MIME capabilities. */
  g_assert_cmpint (CMS_signed_get_attr_count (si), ==, 3);
  for (int i = 0; i < 3; i++)
    {
      X509_ATTRIBUTE *attribute = CMS_signed_get_attr (si, i);
      int nid = OBJ_obj2nid (X509_ATTRIBUTE_get0_object (attribute));

      g_assert_cmpint (X509_ATTRIBUTE_count (attribute), ==, 1);
      if (nid == NID_pkcs9_contentType)
        seen[0] = TRUE;
      else if (nid == NID_pkcs9_messageDigest)
        seen[1] = TRUE;
      else if (nid == NID_id_smime_aa_signingCertificateV2)
        seen[2] = TRUE;
      else
        g_error ("unexpected signed attribute %s", OBJ_nid2sn (nid));
    }
  g_assert_true (seen[0] && seen[1] && seen[2]);
  g_assert_cmpint (CMS_signed_get_attr_by_NID (si, NID_pkcs9_signingTime, -1), <, 0);
  g_assert_cmpint (CMS_unsigned_get_attr_count (si), <=, 0);

  object = CMS_signed_get0_data_by_OBJ (si, OBJ_nid2obj (NID_pkcs9_contentType), -3, V_ASN1_OBJECT);
  g_assert_nonnull (object);
  g_assert_cmpint (OBJ_obj2nid (object), ==, NID_pkcs7_data);

  message_digest = CMS_signed_get0_data_by_OBJ (si, OBJ_nid2obj (NID_pkcs9_messageDigest),
                                                -3, V_ASN1_OCTET_STRING);
  g_assert_nonnull (message_digest);
  g_assert_cmpmem (ASN1_STRING_get0_data (message_digest), ASN1_STRING_length (message_digest),
                   g_bytes_get_data (digest, NULL), g_bytes_get_size (digest));

  /* signingCertificateV2 names the signer's certificate by its SHA-256. */
  sequence = CMS_signed_get0_data_by_OBJ (si, OBJ_nid2obj (NID_id_smime_aa_signingCertificateV2),
                                          -3, V_ASN1_SEQUENCE);
  g_assert_nonnull (sequence);
  p = ASN1_STRING_get0_data (sequence);
  signing_cert = d2i_ESS_SIGNING_CERT_V2 (NULL, &p, ASN1_STRING_length (sequence));
  g_assert_nonnull (signing_cert);
  X509_up_ref (signer_certificate);
  sk_X509_push (signer_only, signer_certificate);
  g_assert_cmpint (OSSL_ESS_check_signing_certs (NULL, signing_cert, signer_only, 1), ==, 1);

  certificates = CMS_get1_certs (cms);
  for (int i = 0; i < sk_X509_num (certificates); i++)
    {
      X509 *certificate = sk_X509_value (certificates, i);
      g_autofree char *name = get_common_name (certificate);

      if (X509_cmp (certificate, signer_certificate) == 0)
        found_signer = TRUE;
      else if (g_str_equal (name, "Teken Test Issuing CA"))
        found_issuing = TRUE;
      else if (g_str_equal (name, "Teken Test Root CA"))
        found_root = TRUE;
      else
        g_error ("unexpected certificate %s", name);
    }
  g_assert_true (found_signer);
  g_assert_cmpint (found_issuing, ==, with_chain);
  g_assert_cmpint (found_root, ==, with_chain);
  g_assert_cmpint (sk_X509_num (certificates), ==, with_chain ? 3 : 1);
}

static void
test_sign (gconstpointer data)
{
  const SignerCase *signer_case = data;
  g_autoptr(TekenPkcs12Signer) signer = open_signer (signer_case->name);
  g_autoptr(GBytes) digest = sha256 (content, sizeof content - 1);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GBytes) claimed_digest = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(X509) certificate = NULL;
  g_autoptr(X509) from_cms = NULL;
  g_autofree char *common_name = NULL;
  g_autofree char *tampered = g_strdup (content);
  GBytes *certificate_der;

  certificate_der = teken_signer_get_certificate (TEKEN_SIGNER (signer));
  g_assert_nonnull (certificate_der);
  certificate = certificate_from_der (certificate_der);
  common_name = get_common_name (certificate);
  g_assert_cmpstr (common_name, ==, signer_case->common_name);

  cms = teken_signer_sign_digest (TEKEN_SIGNER (signer), digest, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cms);

  g_assert_cmpuint (g_bytes_get_size (cms), <=, teken_signer_estimate_size (TEKEN_SIGNER (signer)));
  /* A bound, but not a wasteful one: /Contents is written twice as hex. */
  g_assert_cmpuint (teken_signer_estimate_size (TEKEN_SIGNER (signer)), <, g_bytes_get_size (cms) + 4096);

  check_structure (cms, digest, certificate, signer_case->signature_nid, TRUE);

  g_assert_true (verify_in_process (cms, content, sizeof content - 1));
  g_assert_true (verify_with_openssl (cms, content, sizeof content - 1));

  /* Both verifiers must notice a changed byte, or the checks above prove
   * nothing. */
  tampered[5] = '2';
  g_assert_false (verify_in_process (cms, tampered, sizeof content - 1));
  g_assert_false (verify_with_openssl (cms, tampered, sizeof content - 1));

  g_assert_true (teken_cms_get_message_digest (cms, &claimed_digest, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (claimed_digest, digest));

  from_cms = teken_cms_get_signer_certificate (cms, &error);
  g_assert_no_error (error);
  g_assert_nonnull (from_cms);
  g_assert_cmpint (X509_cmp (from_cms, certificate), ==, 0);
}

static void
test_sign_without_pkcs12 (void)
{
  g_autoptr(EVP_PKEY) key = teken_test_load_key ("siti.key");
  g_autoptr(X509) certificate = teken_test_load_certificate ("siti.pem");
  g_autoptr(GBytes) digest = sha256 (content, sizeof content - 1);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GError) error = NULL;

  /* As teken-ca does: a key and a certificate, no chain. */
  cms = teken_cms_sign_digest (key, certificate, NULL, digest, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cms);
  g_assert_cmpuint (g_bytes_get_size (cms), <=, teken_cms_estimate_size (certificate, NULL));
  check_structure (cms, digest, certificate, NID_rsaEncryption, FALSE);
}

static void
test_duplicate_chain (void)
{
  g_autoptr(EVP_PKEY) key = teken_test_load_key ("dewi.key");
  g_autoptr(X509) certificate = teken_test_load_certificate ("dewi.pem");
  g_autoptr(TekenX509Stack) chain = sk_X509_new_null ();
  g_autoptr(GBytes) digest = sha256 (content, sizeof content - 1);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GError) error = NULL;

  /* The signer's own certificate and a repeated CA are carried once. */
  X509_up_ref (certificate);
  sk_X509_push (chain, certificate);
  sk_X509_push (chain, teken_test_load_certificate ("issuing-ca.pem"));
  sk_X509_push (chain, teken_test_load_certificate ("root.pem"));
  sk_X509_push (chain, teken_test_load_certificate ("issuing-ca.pem"));

  cms = teken_cms_sign_digest (key, certificate, chain, digest, &error);
  g_assert_no_error (error);
  check_structure (cms, digest, certificate, NID_ecdsa_with_SHA256, TRUE);
  g_assert_true (verify_in_process (cms, content, sizeof content - 1));
}

static void
test_wrong_password (void)
{
  const char *wrong = "Salah#Sandi2026";
  g_autofree char *path = teken_test_pki_path ("budi.p12");
  g_autoptr(TekenSecret) password = teken_secret_new (wrong, -1);
  g_autoptr(TekenSecret) right = read_password ("budi");
  g_autoptr(TekenPkcs12Signer) signer = NULL;
  g_autoptr(GError) error = NULL;

  signer = teken_pkcs12_signer_new_from_file (path, password, &error);
  g_assert_null (signer);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_WRONG_PASSWORD);
  g_assert_null (strstr (error->message, wrong));
  g_assert_null (strstr (error->message, teken_secret_get_text (right)));
  g_clear_error (&error);

  signer = teken_pkcs12_signer_new_from_file (path, NULL, &error);
  g_assert_null (signer);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_WRONG_PASSWORD);
}

static void
test_invalid_files (void)
{
  g_autoptr(TekenSecret) password = read_password ("budi");
  g_autofree char *pem = teken_test_pki_path ("root.pem");
  g_autofree char *missing = teken_test_pki_path ("missing.p12");
  g_autofree char *no_key = teken_test_pki_path ("budi-nokey.p12");
  g_autoptr(TekenPkcs12Signer) signer = NULL;
  g_autoptr(GError) error = NULL;

  signer = teken_pkcs12_signer_new_from_file (missing, password, &error);
  g_assert_null (signer);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_FILE);
  g_clear_error (&error);

  signer = teken_pkcs12_signer_new_from_file (pem, password, &error);
  g_assert_null (signer);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_FILE);
  g_clear_error (&error);

  signer = teken_pkcs12_signer_new_from_file (no_key, password, &error);
  g_assert_null (signer);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_NO_KEY);
  g_assert_null (strstr (error->message, teken_secret_get_text (password)));
}

static void
test_certificate_mismatch (void)
{
  g_autoptr(EVP_PKEY) key = teken_test_load_key ("budi.key");
  g_autoptr(X509) other = teken_test_load_certificate ("siti.pem");
  g_autoptr(TekenX509Stack) certificates = sk_X509_new_null ();
  g_autoptr(TekenSecret) password = teken_secret_new ("Cocok#Tidak1", -1);
  g_autoptr(PKCS12) p12 = NULL;
  g_autoptr(GBytes) digest = sha256 (content, sizeof content - 1);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(TekenPkcs12Signer) signer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-cms-XXXXXX", &error);
  g_autofree char *path = NULL;
  unsigned char *der = NULL;
  int length;

  g_assert_no_error (error);

  cms = teken_cms_sign_digest (key, other, NULL, digest, &error);
  g_assert_null (cms);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_CERTIFICATE_MISMATCH);
  g_clear_error (&error);

  /* A file with Budi's key and only Siti's certificate. */
  X509_up_ref (other);
  sk_X509_push (certificates, other);
  p12 = PKCS12_create (teken_secret_get_text (password), NULL, key, NULL, certificates,
                       0, 0, 0, 0, 0);
  g_assert_nonnull (p12);
  length = i2d_PKCS12 (p12, &der);
  g_assert_cmpint (length, >, 0);
  path = g_build_filename (dir, "mismatch.p12", NULL);
  g_file_set_contents (path, (const char *) der, length, &error);
  OPENSSL_free (der);
  g_assert_no_error (error);

  signer = teken_pkcs12_signer_new_from_file (path, password, &error);
  g_assert_null (signer);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_CERTIFICATE_MISMATCH);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_legacy_file (void)
{
  g_autofree char *path = teken_test_pki_path ("budi-legacy.p12");
  g_autoptr(TekenSecret) password = read_password ("budi");
  g_autoptr(TekenPkcs12Signer) signer = NULL;
  g_autoptr(GBytes) digest = sha256 (content, sizeof content - 1);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the openssl command has no legacy provider");
      return;
    }

  signer = teken_pkcs12_signer_new_from_file (path, password, &error);
  g_assert_no_error (error);
  cms = teken_signer_sign_digest (TEKEN_SIGNER (signer), digest, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (verify_in_process (cms, content, sizeof content - 1));
}

static void
test_digest_length (void)
{
  g_autoptr(TekenPkcs12Signer) signer = open_signer ("budi");
  g_autoptr(EVP_PKEY) key = teken_test_load_key ("budi.key");
  g_autoptr(X509) certificate = teken_test_load_certificate ("budi.pem");
  g_autoptr(GBytes) sha1_sized = g_bytes_new_static ("0123456789abcdefghij", 20);
  g_autoptr(GBytes) too_long = g_bytes_new_static ("0123456789abcdefghijklmnopqrstuvw", 33);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GError) error = NULL;

  cms = teken_signer_sign_digest (TEKEN_SIGNER (signer), sha1_sized, NULL, &error);
  g_assert_null (cms);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_DIGEST);
  g_clear_error (&error);

  cms = teken_signer_sign_digest (TEKEN_SIGNER (signer), empty, NULL, &error);
  g_assert_null (cms);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_DIGEST);
  g_clear_error (&error);

  cms = teken_cms_sign_digest (key, certificate, NULL, too_long, &error);
  g_assert_null (cms);
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_DIGEST);
}

static void
sign_digest_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  AsyncResult *async = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  async->cms = teken_signer_sign_digest_finish (TEKEN_SIGNER (object), result, &async->error);
  g_main_loop_quit (async->loop);
}

static void
run_async (TekenSigner  *signer,
           GBytes       *digest,
           GCancellable *cancellable,
           AsyncResult  *async,
           gboolean      cancel_after_start)
{
  async->loop = g_main_loop_new (NULL, FALSE);
  teken_signer_sign_digest_async (signer, digest, cancellable, sign_digest_done_cb, async);
  if (cancel_after_start)
    g_cancellable_cancel (cancellable);
  g_main_loop_run (async->loop);
  g_main_loop_unref (async->loop);
}

static void
test_async (void)
{
  g_autoptr(TekenPkcs12Signer) signer = open_signer ("dewi");
  g_autoptr(GBytes) digest = sha256 (content, sizeof content - 1);
  g_autoptr(GBytes) claimed_digest = NULL;
  g_autoptr(GBytes) short_digest = g_bytes_new_static ("short", 5);
  g_autoptr(GError) error = NULL;
  AsyncResult async = { 0 };

  run_async (TEKEN_SIGNER (signer), digest, NULL, &async, FALSE);
  g_assert_no_error (async.error);
  g_assert_nonnull (async.cms);
  g_assert_true (teken_cms_get_message_digest (async.cms, &claimed_digest, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (claimed_digest, digest));
  g_assert_true (verify_in_process (async.cms, content, sizeof content - 1));
  g_clear_pointer (&async.cms, g_bytes_unref);

  /* A wrong digest fails through the callback, not synchronously. */
  run_async (TEKEN_SIGNER (signer), short_digest, NULL, &async, FALSE);
  g_assert_null (async.cms);
  g_assert_error (async.error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_DIGEST);
  g_clear_error (&async.error);
}

static void
test_cancel (void)
{
  g_autoptr(TekenPkcs12Signer) signer = open_signer ("budi");
  g_autoptr(GBytes) digest = sha256 (content, sizeof content - 1);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GError) error = NULL;
  AsyncResult async = { 0 };

  g_cancellable_cancel (cancelled);

  run_async (TEKEN_SIGNER (signer), digest, cancelled, &async, FALSE);
  g_assert_null (async.cms);
  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&async.error);

  /* Cancelled while the worker may already be signing: the result is
   * dropped all the same. */
  run_async (TEKEN_SIGNER (signer), digest, cancellable, &async, TRUE);
  g_assert_null (async.cms);
  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&async.error);

  cms = teken_signer_sign_digest (TEKEN_SIGNER (signer), digest, cancelled, &error);
  g_assert_null (cms);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_parse (void)
{
  g_autoptr(TekenPkcs12Signer) signer = open_signer ("budi");
  g_autoptr(GBytes) digest = sha256 (content, sizeof content - 1);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GBytes) padded = NULL;
  g_autoptr(GBytes) trailing = NULL;
  g_autoptr(GBytes) truncated = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("not a signature", 15);
  g_autoptr(GBytes) claimed_digest = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(X509) certificate = NULL;
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  const guint8 zeros[64] = { 0 };
  gsize size;

  cms = teken_signer_sign_digest (TEKEN_SIGNER (signer), digest, NULL, &error);
  g_assert_no_error (error);
  size = g_bytes_get_size (cms);

  /* As it comes out of a PDF's /Contents: zero padding after the DER. */
  g_byte_array_append (buffer, g_bytes_get_data (cms, NULL), size);
  g_byte_array_append (buffer, zeros, sizeof zeros);
  padded = g_bytes_new (buffer->data, buffer->len);
  g_assert_true (teken_cms_get_message_digest (padded, &claimed_digest, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (claimed_digest, digest));
  certificate = teken_cms_get_signer_certificate (padded, &error);
  g_assert_no_error (error);
  g_assert_nonnull (certificate);
  g_clear_pointer (&claimed_digest, g_bytes_unref);

  buffer->data[size + 10] = 'x';
  trailing = g_bytes_new (buffer->data, buffer->len);
  g_assert_false (teken_cms_get_message_digest (trailing, &claimed_digest, &error));
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
  g_assert_null (claimed_digest);
  g_clear_error (&error);

  truncated = g_bytes_new_from_bytes (cms, 0, size - 1);
  g_assert_false (teken_cms_get_message_digest (truncated, &claimed_digest, &error));
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
  g_clear_error (&error);

  g_assert_null (teken_cms_get_signer_certificate (garbage, &error));
  g_assert_error (error, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_SIGNATURE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (signer_cases); i++)
    {
      g_autofree char *name = g_strconcat ("/cms/sign/", signer_cases[i].name, NULL);

      g_test_add_data_func (name, &signer_cases[i], test_sign);
    }
  g_test_add_func ("/cms/sign-without-pkcs12", test_sign_without_pkcs12);
  g_test_add_func ("/cms/duplicate-chain", test_duplicate_chain);
  g_test_add_func ("/cms/wrong-password", test_wrong_password);
  g_test_add_func ("/cms/invalid-files", test_invalid_files);
  g_test_add_func ("/cms/certificate-mismatch", test_certificate_mismatch);
  g_test_add_func ("/cms/legacy-file", test_legacy_file);
  g_test_add_func ("/cms/digest-length", test_digest_length);
  g_test_add_func ("/cms/async", test_async);
  g_test_add_func ("/cms/cancel", test_cancel);
  g_test_add_func ("/cms/parse", test_parse);

  return g_test_run ();
}
