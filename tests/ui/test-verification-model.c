/* test-verification-model.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The verdict in words: what the status bar and the signature list say
 * for valid, untrusted, modified, invalid and unsigned files, over the
 * attack corpus and the PDF fixtures. */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "teken-ui-test-utils.h"
#include "teken-verification-model.h"

static void
verified_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TekenVerificationModel **model = user_data;
  g_autoptr(GError) error = NULL;

  *model = teken_verification_model_new_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*model);
}

static TekenVerificationModel *
verify (const char      *path,
        TekenTrustStore *trust)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TekenVerificationModel *model = NULL;

  teken_verification_model_new_async (file, trust, NULL, verified_cb, &model);
  while (model == NULL)
    g_main_context_iteration (NULL, TRUE);

  return model;
}

static const char *
find_fact (GPtrArray  *facts,
           const char *label)
{
  for (guint i = 0; i < facts->len; i++)
    {
      TekenVerificationFact *fact = g_ptr_array_index (facts, i);

      if (g_str_equal (fact->label, label))
        return fact->value;
    }

  return NULL;
}

static void
test_valid (void)
{
  g_autofree char *path = teken_ui_test_corpus_file ("ok-teken.pdf");
  g_autoptr(TekenTrustStore) trust = teken_ui_test_trust_store ();
  g_autoptr(TekenVerificationModel) model = verify (path, trust);
  g_autoptr(GPtrArray) facts = NULL;
  g_autofree char *description = NULL;

  g_assert_cmpint (teken_verification_model_get_status (model), ==, TEKEN_VERIFY_VALID);
  g_assert_cmpint (teken_verification_model_get_look (model), ==, TEKEN_VERIFICATION_LOOK_GOOD);
  g_assert_cmpstr (teken_verification_model_get_title (model), ==, "Signed and unchanged");
  description = teken_verification_model_get_description (model);
  g_assert_nonnull (strstr (description, "Signed by Budi Santoso."));

  g_assert_cmpuint (teken_verification_model_get_n_signatures (model), ==, 1);
  g_assert_cmpstr (teken_verification_model_get_signer (model, 0), ==, "Budi Santoso");
  g_assert_cmpstr (teken_verification_model_get_signature_summary (model, 0), ==, "Valid: intact, unchanged and trusted");

  facts = teken_verification_model_get_signature_facts (model, 0);
  g_assert_cmpstr (find_fact (facts, "Certificate"), ==, "Trusted");
  /* Names, not distinguished names; the issuing CA is an anchor too here. */
  g_assert_true (g_str_has_prefix (find_fact (facts, "Certificate chain"),
                                   "Budi Santoso → Teken Test Issuing CA"));
  g_assert_cmpstr (find_fact (facts, "Changes after signing"), ==, "None");
  g_assert_cmpstr (find_fact (facts, "Covers"), ==, "The whole document");
  g_assert_nonnull (strstr (find_fact (facts, "Signed at"), "as claimed by the signer's computer"));
  /* In the reader's zone (main() puts the test in Jakarta), named as in Indonesia. */
  g_assert_nonnull (strstr (find_fact (facts, "Signed at"), " WIB, "));
  g_assert_nonnull (strstr (find_fact (facts, "Revocation"), "no revocation data"));
  g_assert_null (find_fact (facts, "Problem"));

  /* The whole file is what was signed: nothing else to show. */
  g_assert_cmpint (teken_verification_model_get_signed_revision_length (model, 0), ==, 0);
}

static void
test_untrusted_without_anchor (void)
{
  g_autofree char *path = teken_ui_test_corpus_file ("ok-teken.pdf");
  g_autoptr(TekenTrustStore) nothing = teken_trust_store_new ();
  g_autoptr(TekenVerificationModel) model = verify (path, nothing);
  g_autoptr(GPtrArray) facts = NULL;

  g_assert_cmpint (teken_verification_model_get_status (model), ==, TEKEN_VERIFY_UNTRUSTED);
  g_assert_cmpint (teken_verification_model_get_look (model), ==, TEKEN_VERIFICATION_LOOK_WARNING);
  g_assert_cmpstr (teken_verification_model_get_title (model), ==, "Signed, but the signer cannot be confirmed");

  facts = teken_verification_model_get_signature_facts (model, 0);
  g_assert_true (g_str_has_prefix (find_fact (facts, "Certificate"), "Not trusted"));
}

static void
test_modified (void)
{
  g_autofree char *path = teken_ui_test_corpus_file ("isa-content.pdf");
  g_autoptr(TekenTrustStore) trust = teken_ui_test_trust_store ();
  g_autoptr(TekenVerificationModel) model = verify (path, trust);
  g_autoptr(GPtrArray) facts = NULL;
  g_autofree char *description = NULL;
  const char *problem;
  goffset length, size;
  GStatBuf info;

  g_assert_cmpint (teken_verification_model_get_status (model), ==, TEKEN_VERIFY_MODIFIED);
  g_assert_cmpint (teken_verification_model_get_look (model), ==, TEKEN_VERIFICATION_LOOK_BAD);
  g_assert_cmpstr (teken_verification_model_get_title (model), ==, "Changed after signing");
  description = teken_verification_model_get_description (model);
  g_assert_nonnull (strstr (description, "view the signed version"));

  g_assert_cmpstr (teken_verification_model_get_signature_summary (model, 0), ==,
                   "Intact, but the document was changed afterwards");
  facts = teken_verification_model_get_signature_facts (model, 0);
  g_assert_cmpstr (find_fact (facts, "Changes after signing"), ==,
                   "The content or structure of the document was changed");
  problem = find_fact (facts, "Problem");
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "page 1"));

  /* The signed revision is a proper prefix ending at an %%EOF. */
  length = teken_verification_model_get_signed_revision_length (model, 0);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  size = info.st_size;
  g_assert_cmpint (length, >, 0);
  g_assert_cmpint (length, <, size);
  {
    g_autofree char *contents = NULL;
    gsize n;

    g_assert_true (g_file_get_contents (path, &contents, &n, NULL));
    g_assert_nonnull (g_strrstr_len (contents, length, "%%EOF"));
    g_assert_cmpint (g_strrstr_len (contents, length, "%%EOF") - contents, >=, length - 8);
  }
}

static void
test_invalid (void)
{
  g_autofree char *path = teken_ui_test_corpus_file ("usf-contents-empty-incremental.pdf");
  g_autoptr(TekenTrustStore) trust = teken_ui_test_trust_store ();
  g_autoptr(TekenVerificationModel) model = verify (path, trust);
  g_autoptr(GPtrArray) facts = NULL;

  g_assert_cmpint (teken_verification_model_get_status (model), ==, TEKEN_VERIFY_INVALID);
  g_assert_cmpstr (teken_verification_model_get_title (model), ==, "Signature not valid");
  g_assert_cmpstr (teken_verification_model_get_signature_summary (model, 0), ==, "Not valid: broken, forged or malformed");
  g_assert_cmpstr (teken_verification_model_get_signature_icon_name (model, 0), ==, "dialog-error-symbolic");

  facts = teken_verification_model_get_signature_facts (model, 0);
  g_assert_nonnull (find_fact (facts, "Problem"));
  g_assert_cmpint (teken_verification_model_get_signed_revision_length (model, 0), ==, 0);
}

static void
test_unsigned (void)
{
  g_autofree char *path = teken_ui_test_fixture ("cairo-a4.pdf");
  g_autoptr(TekenVerificationModel) model = verify (path, NULL);
  g_autofree char *description = teken_verification_model_get_description (model);

  g_assert_cmpint (teken_verification_model_get_status (model), ==, TEKEN_VERIFY_UNSIGNED);
  g_assert_cmpint (teken_verification_model_get_look (model), ==, TEKEN_VERIFICATION_LOOK_NEUTRAL);
  g_assert_cmpstr (teken_verification_model_get_title (model), ==, "Not signed");
  g_assert_nonnull (strstr (description, "no electronic signatures"));
  g_assert_cmpuint (teken_verification_model_get_n_signatures (model), ==, 0);
}

static void
test_not_a_pdf (void)
{
  g_autofree char *path = teken_ui_test_fixture ("bad-not-pdf.pdf");
  g_autoptr(TekenVerificationModel) model = verify (path, NULL);
  g_autofree char *description = teken_verification_model_get_description (model);

  g_assert_cmpint (teken_verification_model_get_status (model), ==, TEKEN_VERIFY_ERROR);
  g_assert_cmpstr (teken_verification_model_get_title (model), ==, "Signatures cannot be checked");
  g_assert_cmpstr (description, !=, "");
}

/* Every file of the attack corpus: the look matches what the file must
 * get, and every bad file names at least one problem in plain words. */
static void
test_corpus (void)
{
  g_autofree char *manifest_path = teken_ui_test_corpus_file ("manifest.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TekenTrustStore) trust = teken_ui_test_trust_store ();
  g_autoptr(GError) error = NULL;
  JsonArray *manifest;

  json_parser_load_from_file (parser, manifest_path, &error);
  g_assert_no_error (error);
  manifest = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (manifest), >, 50);

  for (guint i = 0; i < json_array_get_length (manifest); i++)
    {
      JsonObject *entry = json_array_get_object_element (manifest, i);
      const char *name = json_object_get_string_member (entry, "file");
      gboolean bad = g_str_equal (json_object_get_string_member (entry, "expect"), "bad");
      g_autofree char *path = NULL;
      g_autoptr(TekenVerificationModel) model = NULL;
      guint n_problems = 0;

      /* Attacks the verifier is known to miss (see tests/verify). */
      if (json_object_has_member (entry, "strict") && json_object_get_boolean_member (entry, "strict"))
        continue;

      path = teken_ui_test_corpus_file (name);
      model = verify (path, trust);

      g_test_message ("%s: %s", name, teken_verification_model_get_title (model));
      g_assert_cmpint (teken_verification_model_get_look (model), ==,
                       bad ? TEKEN_VERIFICATION_LOOK_BAD : TEKEN_VERIFICATION_LOOK_GOOD);
      g_assert_cmpuint (teken_verification_model_get_n_signatures (model), ==,
                        json_object_get_int_member (entry, "signatures"));

      for (guint s = 0; s < teken_verification_model_get_n_signatures (model); s++)
        {
          g_autoptr(GPtrArray) facts = teken_verification_model_get_signature_facts (model, s);

          for (guint f = 0; f < facts->len; f++)
            n_problems += g_str_equal (((TekenVerificationFact *) g_ptr_array_index (facts, f))->label, "Problem");
        }
      n_problems += teken_verification_model_get_report (model)->problems->len;
      if (bad)
        g_assert_cmpuint (n_problems, >, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  /* Western Indonesian Time, UTC+7, without needing tzdata. */
  g_setenv ("TZ", "WIB-7", TRUE);
  teken_ui_test_init (&argc, &argv);

  g_test_add_func ("/verification-model/valid", test_valid);
  g_test_add_func ("/verification-model/untrusted", test_untrusted_without_anchor);
  g_test_add_func ("/verification-model/modified", test_modified);
  g_test_add_func ("/verification-model/invalid", test_invalid);
  g_test_add_func ("/verification-model/unsigned", test_unsigned);
  g_test_add_func ("/verification-model/not-a-pdf", test_not_a_pdf);
  g_test_add_func ("/verification-model/corpus", test_corpus);

  return g_test_run ();
}
