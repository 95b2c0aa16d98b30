/* teken-verification-model.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The verifier's report (teken-pdf-verifier) in the words a holder reads:
 * one overall status with a sentence saying what it means and what to do,
 * and for each signature who signed, when and how we know, the certificate,
 * revocation, what changed afterwards, and the problems found.
 *
 * Verification runs on a thread (it hashes the whole file); the widgets
 * only read strings from here, and the tests check the strings.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "teken-signature-appearance.h"
#include "teken-verification-model.h"

struct _TekenVerificationModel
{
  GObject              parent_instance;

  TekenDocumentReport *report;
};

G_DEFINE_FINAL_TYPE (TekenVerificationModel, teken_verification_model, G_TYPE_OBJECT)

static const TekenSignatureReport *
get_signature (TekenVerificationModel *self,
               guint                   index)
{
  g_return_val_if_fail (index < self->report->signatures->len, NULL);

  return g_ptr_array_index (self->report->signatures, index);
}

static TekenVerificationLook
look_for_status (TekenVerifyStatus status)
{
  switch (status)
    {
    case TEKEN_VERIFY_VALID:
      return TEKEN_VERIFICATION_LOOK_GOOD;
    case TEKEN_VERIFY_UNTRUSTED:
      return TEKEN_VERIFICATION_LOOK_WARNING;
    case TEKEN_VERIFY_UNSIGNED:
      return TEKEN_VERIFICATION_LOOK_NEUTRAL;
    case TEKEN_VERIFY_MODIFIED:
    case TEKEN_VERIFY_INVALID:
    case TEKEN_VERIFY_ERROR:
    default:
      return TEKEN_VERIFICATION_LOOK_BAD;
    }
}

static const char *
icon_for_status (TekenVerifyStatus status)
{
  switch (status)
    {
    case TEKEN_VERIFY_VALID:
      return "emblem-ok-symbolic";
    case TEKEN_VERIFY_UNTRUSTED:
    case TEKEN_VERIFY_MODIFIED:
      return "dialog-warning-symbolic";
    case TEKEN_VERIFY_UNSIGNED:
      return "dialog-information-symbolic";
    case TEKEN_VERIFY_INVALID:
    case TEKEN_VERIFY_ERROR:
    default:
      return "dialog-error-symbolic";
    }
}

/* "CN=Budi Santoso,OU=…" → "Budi Santoso": people know names, not DNs. */
static char *
common_name (const char *subject)
{
  const char *start = strstr (subject, "CN=");
  GString *name;

  if (start == NULL || (start != subject && start[-1] != ',' && start[-1] != '/' && start[-1] != ' '))
    return g_strdup (subject);

  name = g_string_new (NULL);
  for (const char *p = start + 3; *p != '\0' && *p != ','; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      g_string_append_c (name, *p);
    }

  return g_string_free (name, FALSE);
}

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);
  g_autofree char *zone = teken_time_zone_name (local);
  /* Translators: a date and time, see the strftime manual; e.g. 5 March 2026, 14:03:12 */
  g_autofree char *text = g_date_time_format (local, _("%-d %B %Y, %H:%M:%S"));

  /* Translators: a date and time, then its time zone: WIB, WITA, WIT or UTC+01:00 */
  return g_strdup_printf (C_("time and zone", "%s %s"), text, zone);
}

static const char *
trust_in_words (const char *trust)
{
  if (g_str_equal (trust, "trusted"))
    return _("Trusted");
  if (g_str_equal (trust, "untrusted"))
    return _("Not trusted: it does not lead to a certificate authority trusted on this computer");
  if (g_str_equal (trust, "expired"))
    return _("Not valid at the signing time");
  if (g_str_equal (trust, "revoked"))
    return _("Revoked by its certificate authority");
  return _("Could not be checked");
}

static const char *
revocation_in_words (const char *revocation)
{
  if (g_str_equal (revocation, "good"))
    return _("Not revoked, according to revocation data in the document");
  if (g_str_equal (revocation, "revoked"))
    return _("Revoked");
  if (g_str_equal (revocation, "unknown"))
    return _("Could not be checked: the revocation data in the document is out of date or cannot be verified");
  return _("Not checked: the document carries no revocation data, and Teken checks offline");
}

static const char *
changes_in_words (TekenChangeLevel level)
{
  switch (level)
    {
    case TEKEN_CHANGES_NONE:
      return _("None");
    case TEKEN_CHANGES_DSS:
      return _("Validation data added, which does not change the content");
    case TEKEN_CHANGES_SIGNATURES:
      return _("More signatures added");
    case TEKEN_CHANGES_FORM_FILL:
      return _("Form fields filled in");
    case TEKEN_CHANGES_ANNOTATIONS:
      return _("Comments or other annotations added");
    case TEKEN_CHANGES_OTHER:
    default:
      return _("The content or structure of the document was changed");
    }
}

static const char *
coverage_in_words (TekenCoverage coverage)
{
  switch (coverage)
    {
    case TEKEN_COVERAGE_ENTIRE_FILE:
      return _("The whole document");
    case TEKEN_COVERAGE_ENTIRE_REVISION:
      return _("The document as it was when signed; later changes were added after it");
    case TEKEN_COVERAGE_PARTIAL:
      return _("Only part of the document");
    case TEKEN_COVERAGE_MALFORMED:
    default:
      return _("Unknown: the signature does not say properly what it covers");
    }
}

static const char *
certification_in_words (int docmdp)
{
  switch (docmdp)
    {
    case 1:
      return _("Certified: no changes allowed");
    case 2:
      return _("Certified: filling in forms and signing allowed");
    case 3:
    default:
      return _("Certified: filling in forms, signing and comments allowed");
    }
}

static void
add_fact (GPtrArray  *facts,
          const char *label,
          char       *value)
{
  TekenVerificationFact *fact = g_new0 (TekenVerificationFact, 1);

  fact->label = g_strdup (label);
  fact->value = value;
  g_ptr_array_add (facts, fact);
}

static void
fact_free (TekenVerificationFact *fact)
{
  g_free (fact->label);
  g_free (fact->value);
  g_free (fact);
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GFile *file = g_object_get_data (G_OBJECT (task), "file");
  g_autoptr(TekenTrustStore) trust = task_data ? g_object_ref (task_data) : NULL;
  g_autofree char *path = g_file_get_path (file);
  TekenDocumentReport *report;

  if (trust == NULL)
    {
      trust = teken_trust_store_new ();
      teken_trust_store_add_defaults (trust);
    }

  if (path != NULL)
    report = teken_pdf_verify_file (path, trust, cancellable);
  else
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_file_get_basename (file);

      bytes = g_file_load_bytes (file, cancellable, NULL, &error);
      if (bytes == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      report = teken_pdf_verify_bytes (bytes, name, trust, cancellable);
    }

  if (g_task_return_error_if_cancelled (task))
    {
      teken_document_report_free (report);
      return;
    }

  g_task_return_pointer (task, teken_verification_model_new_for_report (report), g_object_unref);
}

static void
teken_verification_model_finalize (GObject *object)
{
  TekenVerificationModel *self = TEKEN_VERIFICATION_MODEL (object);

  g_clear_pointer (&self->report, teken_document_report_free);

  G_OBJECT_CLASS (teken_verification_model_parent_class)->finalize (object);
}

static void
teken_verification_model_class_init (TekenVerificationModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = teken_verification_model_finalize;
}

static void
teken_verification_model_init (TekenVerificationModel *self)
{
}

/**
 * teken_verification_model_new_async:
 * @trust: (nullable): the anchors; %NULL for Teken's defaults
 *
 * Verifies every signature in @file, offline, on a thread.
 */
void
teken_verification_model_new_async (GFile               *file,
                                    TekenTrustStore     *trust,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (trust == NULL || TEKEN_IS_TRUST_STORE (trust));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_verification_model_new_async);
  g_object_set_data_full (G_OBJECT (task), "file", g_object_ref (file), g_object_unref);
  if (trust != NULL)
    g_task_set_task_data (task, g_object_ref (trust), g_object_unref);
  g_task_run_in_thread (task, verify_thread);
}

TekenVerificationModel *
teken_verification_model_new_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * teken_verification_model_new_for_report:
 * @report: (transfer full): a verifier's report
 */
TekenVerificationModel *
teken_verification_model_new_for_report (TekenDocumentReport *report)
{
  TekenVerificationModel *self;

  g_return_val_if_fail (report != NULL, NULL);

  self = g_object_new (TEKEN_TYPE_VERIFICATION_MODEL, NULL);
  self->report = report;

  return self;
}

/* Whether the document is protected with a password, so that its
 * signatures were not checked. */
gboolean
teken_verification_model_get_encrypted (TekenVerificationModel *self)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), FALSE);

  return self->report->encrypted;
}

const TekenDocumentReport *
teken_verification_model_get_report (TekenVerificationModel *self)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), NULL);

  return self->report;
}

TekenVerifyStatus
teken_verification_model_get_status (TekenVerificationModel *self)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), TEKEN_VERIFY_ERROR);

  return self->report->status;
}

TekenVerificationLook
teken_verification_model_get_look (TekenVerificationModel *self)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), TEKEN_VERIFICATION_LOOK_BAD);

  /* Nothing was checked, so nothing is known to be wrong either. */
  if (self->report->encrypted)
    return TEKEN_VERIFICATION_LOOK_WARNING;

  return look_for_status (self->report->status);
}

const char *
teken_verification_model_get_icon_name (TekenVerificationModel *self)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), NULL);

  if (self->report->encrypted)
    return "dialog-password-symbolic";

  return icon_for_status (self->report->status);
}

/* A few words for the status bar. */
const char *
teken_verification_model_get_title (TekenVerificationModel *self)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), NULL);

  if (self->report->encrypted)
    return _("Signatures in encrypted documents cannot be checked yet");

  switch (self->report->status)
    {
    case TEKEN_VERIFY_VALID:
      return _("Signed and unchanged");
    case TEKEN_VERIFY_UNTRUSTED:
      return _("Signed, but the signer cannot be confirmed");
    case TEKEN_VERIFY_MODIFIED:
      return _("Changed after signing");
    case TEKEN_VERIFY_INVALID:
      return _("Signature not valid");
    case TEKEN_VERIFY_UNSIGNED:
      return _("Not signed");
    case TEKEN_VERIFY_ERROR:
    default:
      return _("Signatures cannot be checked");
    }
}

/* What the status means and what to do, in a sentence or two. */
char *
teken_verification_model_get_description (TekenVerificationModel *self)
{
  guint n;

  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), NULL);

  n = self->report->signatures->len;

  /* The core verifier does not decrypt, so it read no signature at all. */
  if (self->report->encrypted)
    return g_strdup (_("Teken does not read signatures inside password-protected documents, so nothing here shows who signed it or whether it changed. To check its signatures, ask the sender for a copy without a password."));

  switch (self->report->status)
    {
    case TEKEN_VERIFY_VALID:
      if (n == 1)
        return g_strdup_printf (_("Signed by %s. Nothing has changed since, and the certificate is trusted."),
                                teken_verification_model_get_signer (self, 0));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u signature, intact. Nothing has changed beyond what the signers allowed, and every certificate is trusted.",
                                           "%u signatures, all intact. Nothing has changed beyond what the signers allowed, and every certificate is trusted.",
                                           n), n);
    case TEKEN_VERIFY_UNTRUSTED:
      return g_strdup (_("The document is unchanged, but a certificate does not lead to an authority trusted on this computer, so Teken cannot confirm who signed. Check the signature details."));
    case TEKEN_VERIFY_MODIFIED:
      return g_strdup (_("The document was changed after it was signed, beyond what the signer allowed. What you see now is not what was signed: open the signature details to view the signed version."));
    case TEKEN_VERIFY_INVALID:
      return g_strdup (_("A signature is broken, forged, or does not cover this document. Do not rely on this document; ask the sender for the original."));
    case TEKEN_VERIFY_UNSIGNED:
      return g_strdup (_("This document has no electronic signatures, so nothing shows who made it or whether it was changed."));
    case TEKEN_VERIFY_ERROR:
    default:
      if (self->report->problems->len > 0)
        return g_strdup (g_ptr_array_index (self->report->problems, 0));
      return g_strdup (_("The file is not a readable PDF document."));
    }
}

guint
teken_verification_model_get_n_signatures (TekenVerificationModel *self)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), 0);

  return self->report->signatures->len;
}

TekenVerifyStatus
teken_verification_model_get_signature_status (TekenVerificationModel *self,
                                               guint                   index)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), TEKEN_VERIFY_ERROR);

  return get_signature (self, index)->status;
}

TekenVerificationLook
teken_verification_model_get_signature_look (TekenVerificationModel *self,
                                             guint                   index)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), TEKEN_VERIFICATION_LOOK_BAD);

  return look_for_status (get_signature (self, index)->status);
}

const char *
teken_verification_model_get_signature_icon_name (TekenVerificationModel *self,
                                                  guint                   index)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), NULL);

  return icon_for_status (get_signature (self, index)->status);
}

/* The signer's name from the certificate, or a placeholder saying there is none. */
const char *
teken_verification_model_get_signer (TekenVerificationModel *self,
                                     guint                   index)
{
  const TekenSignatureReport *signature;

  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), NULL);

  signature = get_signature (self, index);
  if (signature->signer != NULL && signature->signer[0] != '\0')
    return signature->signer;

  return _("Unknown signer");
}

/* The signature's status in a line, under the signer's name. */
const char *
teken_verification_model_get_signature_summary (TekenVerificationModel *self,
                                                guint                   index)
{
  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), NULL);

  switch (get_signature (self, index)->status)
    {
    case TEKEN_VERIFY_VALID:
      return _("Valid: intact, unchanged and trusted");
    case TEKEN_VERIFY_UNTRUSTED:
      return _("Intact, but the certificate is not trusted");
    case TEKEN_VERIFY_MODIFIED:
      return _("Intact, but the document was changed afterwards");
    case TEKEN_VERIFY_INVALID:
    case TEKEN_VERIFY_ERROR:
    case TEKEN_VERIFY_UNSIGNED:
    default:
      return _("Not valid: broken, forged or malformed");
    }
}

/**
 * teken_verification_model_get_signature_facts:
 *
 * Returns: (transfer full) (element-type TekenVerificationFact): label and
 *   value pairs for the signature's details, problems last
 */
GPtrArray *
teken_verification_model_get_signature_facts (TekenVerificationModel *self,
                                              guint                   index)
{
  const TekenSignatureReport *signature;
  GPtrArray *facts;

  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), NULL);

  signature = get_signature (self, index);
  facts = g_ptr_array_new_with_free_func ((GDestroyNotify) fact_free);

  if (signature->signing_time != NULL)
    {
      g_autofree char *time = format_time (signature->signing_time);

      add_fact (facts, _("Signed at"),
                g_strdup_printf (signature->time_from_timestamp
                                 ? _("%s, proven by a trusted timestamp")
                                 : _("%s, as claimed by the signer's computer (not proven)"),
                                 time));
    }
  else
    add_fact (facts, _("Signed at"), g_strdup (_("Unknown")));

  if (signature->has_timestamp && !signature->time_from_timestamp)
    add_fact (facts, _("Timestamp"), g_strdup (_("Present, but not from a trusted timestamp authority")));

  add_fact (facts, _("Certificate"), g_strdup (trust_in_words (signature->trust)));

  if (signature->chain->len > 0)
    {
      GString *chain = g_string_new (NULL);

      for (guint i = 0; i < signature->chain->len; i++)
        {
          g_autofree char *name = common_name (g_ptr_array_index (signature->chain, i));

          if (i > 0)
            g_string_append (chain, " → ");
          g_string_append (chain, name);
        }
      add_fact (facts, _("Certificate chain"), g_string_free (chain, FALSE));
    }
  else if (signature->issuer != NULL)
    {
      add_fact (facts, _("Issued by"), common_name (signature->issuer));
    }

  add_fact (facts, _("Revocation"), g_strdup (revocation_in_words (signature->revocation)));
  add_fact (facts, _("Covers"), g_strdup (coverage_in_words (signature->coverage)));

  if (signature->integrity)
    add_fact (facts, _("Changes after signing"), g_strdup (changes_in_words (signature->changes_after)));

  if (signature->docmdp != 0)
    add_fact (facts, _("Certification"), g_strdup (certification_in_words (signature->docmdp)));

  for (guint i = 0; i < signature->problems->len; i++)
    add_fact (facts, _("Problem"), g_strdup (g_ptr_array_index (signature->problems, i)));

  return facts;
}

/**
 * teken_verification_model_get_signed_revision_length:
 *
 * Returns: how many bytes from the start of the file make up the
 *   revision this signature signed, when that differs from the file and
 *   the signature is sound enough to say so; 0 otherwise
 */
goffset
teken_verification_model_get_signed_revision_length (TekenVerificationModel *self,
                                                     guint                   index)
{
  const TekenSignatureReport *signature;

  g_return_val_if_fail (TEKEN_IS_VERIFICATION_MODEL (self), 0);

  signature = get_signature (self, index);
  if (signature->coverage != TEKEN_COVERAGE_ENTIRE_REVISION || !signature->integrity)
    return 0;

  return signature->signed_length;
}

const char *
teken_verification_look_to_css_class (TekenVerificationLook look)
{
  static const char *classes[] = { "success", "warning", "error", "neutral" };

  g_return_val_if_fail (look <= TEKEN_VERIFICATION_LOOK_NEUTRAL, "neutral");

  return classes[look];
}
