/* test-sign-batch.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The batch runner against a real teken-ca over HTTPS on loopback and the
 * test PKI's PKCS#12 files: good documents come out signed and pass
 * qpdf --check, pdfsig and our verifier; a damaged one, an existing output
 * and an unwritable folder fail alone; the CA sees one signing request per
 * batch (counted in its own log), two past its limit of digests a request;
 * a wrong passphrase saves nothing and says how many tries are left;
 * cancelling leaves no file at all. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "teken-ca-client.h"
#include "teken-ca-error.h"
#include "teken-pdf-verifier.h"
#include "teken-pkcs12-signer.h"
#include "teken-remote-signer.h"
#include "teken-sign-batch.h"
#include "teken-test-ca.h"

static TekenTestCa *ca;
static char *nss_dir;

/* -- helpers -------------------------------------------------------------- */

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static int
run (const char * const  *argv,
     char               **output)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (output != NULL)
    *output = g_strconcat (out, err, NULL);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static guint
count_in_log (const char *needle)
{
  g_autofree char *log = NULL;
  guint count = 0;

  g_assert_true (g_file_get_contents (ca->log_path, &log, NULL, NULL));
  for (const char *p = log; (p = strstr (p, needle)) != NULL; p++)
    count++;
  return count;
}

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("TEKEN_TEST_FIXTURES"), name, NULL);
}

/* A fresh folder per test: what is in it afterwards is what the test made. */
static char *
make_work_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("teken-batch-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static char *
copy_into (const char *dir,
           const char *fixture_name,
           const char *name)
{
  g_autofree char *source = fixture (fixture_name);
  g_autofree char *contents = NULL;
  char *target = g_build_filename (dir, name, NULL);
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (target, contents, length, NULL));
  return target;
}

static char *
signed_name (const char *input)
{
  g_autofree char *stem = g_strndup (input, strlen (input) - strlen (".pdf"));

  return g_strconcat (stem, "_signed.pdf", NULL);
}

static int
sort_names (const char **a,
            const char **b,
            gpointer     user_data)
{
  return strcmp (*a, *b);
}

/* The names in @dir, sorted, hidden ones (temporary files) included. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_qsort_with_data (names->pdata, names->len, sizeof (char *), (GCompareDataFunc) sort_names, NULL);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
remove_dir (const char *dir)
{
  const char * const argv[] = { "rm", "-rf", dir, NULL };

  run (argv, NULL);
}

static TekenCaClient *
new_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenSecret) client_secret = teken_secret_new (ca->client_secret, -1);
  TekenCaClient *client = teken_ca_client_new (ca->url, ca->root_pem, &error);

  g_assert_no_error (error);
  teken_ca_client_set_client_credentials (client, ca->client_id, client_secret);
  return client;
}

static TekenSigner *
new_remote_signer (const char *nik,
                   const char *passphrase)
{
  g_autoptr(TekenCaClient) client = new_client ();
  g_autoptr(TekenSecret) pass = teken_secret_new (passphrase, -1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TekenRemoteSigner *signer;

  teken_remote_signer_new_async (client, nik, TEKEN_REMOTE_SIGNER_PASSPHRASE, pass, NULL, got_result, &result);
  signer = teken_remote_signer_new_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  return TEKEN_SIGNER (signer);
}

static TekenSigner *
new_pkcs12_signer (const char *who)
{
  g_autofree char *p12_name = g_strconcat (who, ".p12", NULL);
  g_autofree char *pass_name = g_strconcat (who, ".pass", NULL);
  g_autofree char *p12 = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), p12_name, NULL);
  g_autofree char *pass_path = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), pass_name, NULL);
  g_autofree char *password = NULL;
  g_autoptr(TekenSecret) secret = NULL;
  g_autoptr(GError) error = NULL;
  TekenPkcs12Signer *signer;

  g_assert_true (g_file_get_contents (pass_path, &password, NULL, NULL));
  g_strchomp (password);
  secret = teken_secret_new (password, -1);
  signer = teken_pkcs12_signer_new_from_file (p12, secret, &error);
  g_assert_no_error (error);
  return TEKEN_SIGNER (signer);
}

typedef struct
{
  guint   changes;
  double  last_fraction;
  gboolean fraction_went_back;
  GArray *seen_states;   /* per item, a bit per state seen */
} Progress;

static void
item_changed_cb (TekenSignBatch *batch,
                 guint           index,
                 Progress       *progress)
{
  guint *bits = &g_array_index (progress->seen_states, guint, index);

  *bits |= 1u << teken_sign_batch_get_state (batch, index);
  progress->changes++;
}

static void
fraction_changed_cb (TekenSignBatch *batch,
                     GParamSpec     *pspec,
                     Progress       *progress)
{
  double fraction = teken_sign_batch_get_fraction (batch);

  if (fraction < progress->last_fraction)
    progress->fraction_went_back = TRUE;
  progress->last_fraction = fraction;
}

static gboolean
run_batch (TekenSignBatch  *batch,
           GCancellable    *cancellable,
           Progress        *progress,
           GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (progress != NULL)
    {
      progress->seen_states = g_array_new (FALSE, TRUE, sizeof (guint));
      g_array_set_size (progress->seen_states, teken_sign_batch_get_n_items (batch));
      g_signal_connect (batch, "item-changed", G_CALLBACK (item_changed_cb), progress);
      g_signal_connect (batch, "notify::fraction", G_CALLBACK (fraction_changed_cb), progress);
    }

  teken_sign_batch_run_async (batch, cancellable, got_result, &result);
  return teken_sign_batch_run_finish (batch, wait_for (&result), error);
}

/* qpdf --check, pdfsig and our verifier, each trusting only @root. */
static void
assert_signed (const char *path,
               const char *root,
               const char *signer)
{
  g_autofree char *db = g_strconcat ("sql:", nss_dir, NULL);
  const char * const qpdf[] = { "qpdf", "--check", path, NULL };
  const char * const pdfsig[] = { "pdfsig", "-nssdir", db, path, NULL };
  g_autofree char *output = NULL;
  g_autoptr(TekenTrustStore) trust = teken_trust_store_new ();
  g_autoptr(GError) error = NULL;
  TekenDocumentReport *report;

  g_assert_cmpint (run (qpdf, NULL), ==, 0);
  g_assert_cmpint (run (pdfsig, &output), ==, 0);
  if (strstr (output, "Signature Validation: Signature is Valid.") == NULL ||
      strstr (output, "Total document signed") == NULL || strstr (output, signer) == NULL)
    g_error ("pdfsig does not find %s valid:\n%s", path, output);

  g_assert_true (teken_trust_store_add_file (trust, root, &error));
  g_assert_no_error (error);
  report = teken_pdf_verify_file (path, trust, NULL);
  g_assert_cmpint (report->status, ==, TEKEN_VERIFY_VALID);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  teken_document_report_free (report);
}

static void
add_root_to_nss (const char *nick,
                 const char *root)
{
  g_autofree char *db = g_strconcat ("sql:", nss_dir, NULL);
  const char * const add[] = { "certutil", "-A", "-d", db, "-n", nick, "-t", "CT,C,C", "-i", root, NULL };

  g_assert_cmpint (run (add, NULL), ==, 0);
}

/* -- tests ---------------------------------------------------------------- */

/* Three good documents of different shapes and a damaged one, with the
 * holder's key at the CA: three signed, one error, one request. */
static void
test_remote_batch (void)
{
  g_autofree char *dir = make_work_dir ();
  g_autoptr(TekenSigner) signer = new_remote_signer (TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE);
  g_autoptr(TekenSignBatch) batch = teken_sign_batch_new (signer);
  g_autoptr(GError) error = NULL;
  const char *names[] = { "surat-a.pdf", "surat-b.pdf", "rusak.pdf", "surat-c.pdf" };
  const char *sources[] = { "cairo-a4.pdf", "hand-rotate.pdf", NULL, "mutool-create.pdf" };
  TekenPdfSignOptions details = { 0 };
  Progress progress = { 0 };
  guint requests = count_in_log ("POST /api/v2/sign/hash/pdf");
  g_autofree char *listing = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *input = NULL;
      g_autofree char *output = NULL;

      if (sources[i] != NULL)
        input = copy_into (dir, sources[i], names[i]);
      else
        {
          input = g_build_filename (dir, names[i], NULL);
          g_assert_true (g_file_set_contents (input, "%PDF-1.7\n1 0 obj <</Type /Catalog", -1, NULL));
        }
      output = signed_name (input);
      g_assert_cmpuint (teken_sign_batch_add (batch, input, output), ==, i);
    }

  details.role = TEKEN_ACTING_ROLE_PLT;
  details.position = "Kepala Dinas Kominfo";
  details.reason = "Persetujuan";
  details.location = "Kota Contoh";
  teken_sign_batch_set_details (batch, &details);
  teken_sign_batch_set_placement (batch, TEKEN_PDF_PLACEMENT_LAST_BOTTOM_RIGHT);

  g_assert_true (run_batch (batch, NULL, &progress, &error));
  g_assert_no_error (error);

  /* Exactly one signing request reached the CA, and it was answered. */
  g_assert_cmpuint (count_in_log ("POST /api/v2/sign/hash/pdf"), ==, requests + 1);
  g_assert_cmpuint (teken_sign_batch_get_n_requests (batch), ==, 1);

  g_assert_cmpuint (teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_SIGNED), ==, 3);
  g_assert_cmpuint (teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_FAILED), ==, 1);
  g_assert_cmpfloat (teken_sign_batch_get_fraction (batch), ==, 1.0);
  g_assert_false (progress.fraction_went_back);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      guint seen = g_array_index (progress.seen_states, guint, i);

      if (sources[i] == NULL)
        {
          const GError *failure = teken_sign_batch_get_error (batch, i);

          g_assert_cmpint (teken_sign_batch_get_state (batch, i), ==, TEKEN_SIGN_BATCH_FAILED);
          g_assert_nonnull (failure);
          g_assert_nonnull (strstr (failure->message, "rusak.pdf"));
          g_assert_false (g_file_test (teken_sign_batch_get_output (batch, i), G_FILE_TEST_EXISTS));
          continue;
        }

      g_assert_cmpint (teken_sign_batch_get_state (batch, i), ==, TEKEN_SIGN_BATCH_SIGNED);
      g_assert_null (teken_sign_batch_get_error (batch, i));
      /* Each step was seen, on this thread. */
      g_assert_cmpuint (seen & (1u << TEKEN_SIGN_BATCH_SIGNING), !=, 0);
      g_assert_cmpuint (seen & (1u << TEKEN_SIGN_BATCH_SIGNED), !=, 0);
      assert_signed (teken_sign_batch_get_output (batch, i), ca->root_pem, "BUDI SANTOSO CONTOH");
    }

  /* The originals, their signed copies; no temporary file. */
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "rusak.pdf surat-a.pdf surat-a_signed.pdf surat-b.pdf surat-b_signed.pdf "
                                "surat-c.pdf surat-c_signed.pdf");
  g_array_unref (progress.seen_states);
  remove_dir (dir);
}

/* More documents than the CA takes in one request: two requests, all
 * signed. */
static void
test_remote_batch_chunks (void)
{
  g_autofree char *dir = make_work_dir ();
  g_autoptr(TekenSigner) signer = new_remote_signer (TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE);
  g_autoptr(TekenSignBatch) batch = teken_sign_batch_new (signer);
  g_autoptr(GError) error = NULL;
  guint requests = count_in_log ("POST /api/v2/sign/hash/pdf 200");
  guint n = TEKEN_CA_MAX_DIGESTS + 1;

  teken_sign_batch_set_placement (batch, TEKEN_PDF_PLACEMENT_INVISIBLE);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("memo-%03u.pdf", i);
      g_autofree char *input = copy_into (dir, "hand-minimal.pdf", name);
      g_autofree char *output = signed_name (input);

      teken_sign_batch_add (batch, input, output);
    }

  g_assert_true (run_batch (batch, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_SIGNED), ==, n);
  g_assert_cmpuint (count_in_log ("POST /api/v2/sign/hash/pdf 200"), ==, requests + 2);
  g_assert_cmpuint (teken_sign_batch_get_n_requests (batch), ==, 2);
  assert_signed (teken_sign_batch_get_output (batch, n - 1), ca->root_pem, "BUDI SANTOSO CONTOH");
  remove_dir (dir);
}

/* A wrong passphrase: one request, refused; nothing saved; the message
 * says how many tries are left. */
static void
test_remote_wrong_passphrase (void)
{
  g_autofree char *dir = make_work_dir ();
  g_autoptr(TekenSigner) signer = new_remote_signer (TEKEN_TEST_SITI_NIK, "Salah-Frasa9!");
  g_autoptr(TekenSignBatch) batch = teken_sign_batch_new (signer);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  guint requests = count_in_log ("POST /api/v2/sign/hash/pdf");

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("nota-%u.pdf", i);
      g_autofree char *input = copy_into (dir, "cairo-a4.pdf", name);
      g_autofree char *output = signed_name (input);

      teken_sign_batch_add (batch, input, output);
    }

  g_assert_false (run_batch (batch, NULL, NULL, &error));
  g_assert_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_WRONG_PASSPHRASE);
  g_assert_cmpint (teken_ca_error_get_attempts_left (error), ==, 4);
  g_assert_nonnull (strstr (error->message, "4 tries left"));
  g_assert_null (strstr (error->message, "Salah-Frasa9!"));
  g_assert_cmpuint (count_in_log ("POST /api/v2/sign/hash/pdf"), ==, requests + 1);

  g_assert_cmpuint (teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_FAILED), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_error (teken_sign_batch_get_error (batch, i), TEKEN_CA_ERROR, TEKEN_CA_ERROR_WRONG_PASSPHRASE);

  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "nota-0.pdf nota-1.pdf nota-2.pdf");
  remove_dir (dir);
}

static gboolean
cancel_cb (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

/* Once the request is on its way, not before it is sent. */
static void
cancel_when_signing_cb (TekenSignBatch *batch,
                        guint           index,
                        GCancellable   *cancellable)
{
  if (index == 0 && teken_sign_batch_get_state (batch, index) == TEKEN_SIGN_BATCH_SIGNING)
    g_idle_add_full (G_PRIORITY_DEFAULT, cancel_cb, g_object_ref (cancellable), g_object_unref);
}

static void
cancel_when_preparing_cb (TekenSignBatch *batch,
                          guint           index,
                          GCancellable   *cancellable)
{
  if (index == 1 && teken_sign_batch_get_state (batch, index) == TEKEN_SIGN_BATCH_PREPARING)
    g_cancellable_cancel (cancellable);
}

/* Cancelled at once, while preparing, and while the CA signs: no file is
 * left but the originals, and every document says it was cancelled. */
static void
test_cancel (void)
{
  GCallback handlers[] = { NULL, G_CALLBACK (cancel_when_preparing_cb), G_CALLBACK (cancel_when_signing_cb) };

  for (guint round = 0; round < G_N_ELEMENTS (handlers); round++)
    {
      g_autofree char *dir = make_work_dir ();
      g_autoptr(TekenSigner) signer = new_remote_signer (TEKEN_TEST_BUDI_NIK, TEKEN_TEST_BUDI_PASSPHRASE);
      g_autoptr(TekenSignBatch) batch = teken_sign_batch_new (signer);
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *listing = NULL;

      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *name = g_strdup_printf ("batal-%u.pdf", i);
          g_autofree char *input = copy_into (dir, "cairo-a4.pdf", name);
          g_autofree char *output = signed_name (input);

          teken_sign_batch_add (batch, input, output);
        }

      if (handlers[round] == NULL)
        g_cancellable_cancel (cancellable);
      else
        g_signal_connect (batch, "item-changed", handlers[round], cancellable);

      g_assert_false (run_batch (batch, cancellable, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpuint (teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_FAILED), ==, 3);
      for (guint i = 0; i < 3; i++)
        {
          const GError *failure = teken_sign_batch_get_error (batch, i);

          g_assert_error (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_assert_nonnull (strstr (failure->message, "Nothing was saved"));
        }

      /* Updates the workers posted before the end change nothing now. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_assert_cmpuint (teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_FAILED), ==, 3);

      listing = list_dir (dir);
      g_assert_cmpstr (listing, ==, "batal-0.pdf batal-1.pdf batal-2.pdf");
      remove_dir (dir);
    }
}

/* With a local PKCS#12 file: one passphrase entry (opening the file), N
 * local signatures. An output that exists and a folder that cannot be
 * written to fail alone, each with its sentence. */
static void
test_pkcs12_batch (void)
{
  g_autofree char *dir = make_work_dir ();
  g_autoptr(TekenSigner) signer = new_pkcs12_signer ("budi");
  g_autoptr(TekenSignBatch) batch = teken_sign_batch_new (signer);
  g_autofree char *root = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), "root.pem", NULL);
  g_autofree char *good_a = copy_into (dir, "cairo-a4.pdf", "a.pdf");
  g_autofree char *good_b = copy_into (dir, "hand-rotate.pdf", "b.pdf");
  g_autofree char *taken = copy_into (dir, "cairo-a4.pdf", "c.pdf");
  g_autofree char *unwritable = copy_into (dir, "cairo-a4.pdf", "d.pdf");
  g_autofree char *output_a = signed_name (good_a);
  g_autofree char *output_b = signed_name (good_b);
  g_autofree char *output_c = signed_name (taken);
  /* A folder that cannot hold files, whoever runs the test: a file. */
  g_autofree char *output_d = g_build_filename (good_a, "d_signed.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(GError) error = NULL;
  TekenPdfSignOptions details = { 0 };
  const GError *failure;

  g_assert_true (g_file_set_contents (output_c, "someone else's", -1, NULL));
  g_assert_cmpuint (teken_sign_batch_add (batch, good_a, output_a), ==, 0);
  g_assert_cmpuint (teken_sign_batch_add (batch, taken, output_c), ==, 1);
  g_assert_cmpuint (teken_sign_batch_add (batch, unwritable, output_d), ==, 2);
  g_assert_cmpuint (teken_sign_batch_add (batch, good_b, output_b), ==, 3);

  details.reason = "Persetujuan";
  teken_sign_batch_set_details (batch, &details);
  teken_sign_batch_set_placement (batch, TEKEN_PDF_PLACEMENT_FIRST_TOP_RIGHT);

  g_assert_true (run_batch (batch, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (teken_sign_batch_get_n_requests (batch), ==, 2);

  g_assert_cmpint (teken_sign_batch_get_state (batch, 0), ==, TEKEN_SIGN_BATCH_SIGNED);
  g_assert_cmpint (teken_sign_batch_get_state (batch, 3), ==, TEKEN_SIGN_BATCH_SIGNED);
  assert_signed (output_a, root, "Budi Santoso");
  assert_signed (output_b, root, "Budi Santoso");

  failure = teken_sign_batch_get_error (batch, 1);
  g_assert_error (failure, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO);
  g_assert_nonnull (strstr (failure->message, "already exists"));
  g_assert_true (g_file_get_contents (output_c, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "someone else's");

  failure = teken_sign_batch_get_error (batch, 2);
  g_assert_error (failure, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO);
  g_assert_nonnull (strstr (failure->message, "Could not create the signed document"));

  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "a.pdf a_signed.pdf b.pdf b_signed.pdf c.pdf c_signed.pdf d.pdf");
  remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pki_root = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), "root.pem", NULL);
  g_autofree char *nss_parent = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  ca = teken_test_ca_start (NULL);
  nss_parent = g_dir_make_tmp ("teken-batch-nss-XXXXXX", &error);
  g_assert_no_error (error);
  nss_dir = g_build_filename (nss_parent, "nssdb", NULL);
  g_mkdir (nss_dir, 0700);
  {
    g_autofree char *db = g_strconcat ("sql:", nss_dir, NULL);
    const char * const create[] = { "certutil", "-N", "-d", db, "--empty-password", NULL };

    g_assert_cmpint (run (create, NULL), ==, 0);
  }
  add_root_to_nss ("Teken CA root", ca->root_pem);
  add_root_to_nss ("Teken test root", pki_root);

  g_test_add_func ("/sign-batch/remote", test_remote_batch);
  g_test_add_func ("/sign-batch/remote-chunks", test_remote_batch_chunks);
  g_test_add_func ("/sign-batch/wrong-passphrase", test_remote_wrong_passphrase);
  g_test_add_func ("/sign-batch/cancel", test_cancel);
  g_test_add_func ("/sign-batch/pkcs12", test_pkcs12_batch);

  status = g_test_run ();

  teken_test_ca_free (ca);
  remove_dir (nss_parent);
  g_free (nss_dir);

  return status;
}
