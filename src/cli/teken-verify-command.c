/* teken-verify-command.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `teken verify`: offline verification of signed PDFs, for people (plain
 * words, in their language) and for scripts (--json, and the exit status:
 * 0 when every file is valid, 1 otherwise, 2 for a usage error). */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "teken-pdf-verifier.h"
#include "teken-signature-appearance.h"
#include "teken-verify-command.h"

static const char *
status_in_words (TekenVerifyStatus status)
{
  switch (status)
    {
    case TEKEN_VERIFY_VALID:
      return _("valid: signed, unchanged and trusted");
    case TEKEN_VERIFY_UNTRUSTED:
      return _("untrusted: intact, but the signer's certificate is not trusted here");
    case TEKEN_VERIFY_MODIFIED:
      return _("modified: changed after signing");
    case TEKEN_VERIFY_INVALID:
      return _("invalid: the signature is broken or forged");
    case TEKEN_VERIFY_UNSIGNED:
      return _("unsigned: the document has no signatures");
    case TEKEN_VERIFY_ERROR:
    default:
      return _("error: not a readable PDF document");
    }
}

static const char *
changes_in_words (TekenChangeLevel level)
{
  switch (level)
    {
    case TEKEN_CHANGES_NONE:
      return _("none");
    case TEKEN_CHANGES_DSS:
      return _("validation data or metadata added");
    case TEKEN_CHANGES_SIGNATURES:
      return _("more signatures added");
    case TEKEN_CHANGES_FORM_FILL:
      return _("form fields filled in");
    case TEKEN_CHANGES_ANNOTATIONS:
      return _("comments or annotations added");
    case TEKEN_CHANGES_OTHER:
    default:
      return _("the content or structure was changed");
    }
}

static const char *
coverage_in_words (TekenCoverage coverage)
{
  switch (coverage)
    {
    case TEKEN_COVERAGE_ENTIRE_FILE:
      return _("the whole file");
    case TEKEN_COVERAGE_ENTIRE_REVISION:
      return _("the document as it was when signed; later revisions follow");
    case TEKEN_COVERAGE_PARTIAL:
      return _("only part of the document");
    case TEKEN_COVERAGE_MALFORMED:
    default:
      return _("unknown: the signature's byte range is malformed");
    }
}

static const char *
trust_in_words (const char *trust)
{
  if (g_str_equal (trust, "trusted"))
    return _("trusted");
  if (g_str_equal (trust, "untrusted"))
    return _("not trusted");
  if (g_str_equal (trust, "expired"))
    return _("the certificate was not valid at the signing time");
  if (g_str_equal (trust, "revoked"))
    return _("the certificate was revoked");
  return _("could not be checked");
}

static const char *
revocation_in_words (const char *revocation)
{
  if (g_str_equal (revocation, "good"))
    return _("not revoked");
  if (g_str_equal (revocation, "revoked"))
    return _("revoked");
  if (g_str_equal (revocation, "unknown"))
    return _("could not be checked");
  return _("no revocation data in the document");
}

static char *
format_time (GDateTime *time)
{
  g_autofree char *text = NULL;
  g_autofree char *zone = NULL;

  if (time == NULL)
    return g_strdup (_("unknown"));

  /* In the zone the time was given in, named the Indonesian way. */
  text = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
  zone = teken_time_zone_name (time);
  return g_strconcat (text, " ", zone, NULL);
}

static void
print_report (const TekenDocumentReport *report)
{
  g_print ("%s: %s\n", report->file, status_in_words (report->status));

  for (guint i = 0; i < report->problems->len; i++)
    g_print ("  %s\n", (const char *) g_ptr_array_index (report->problems, i));

  for (guint i = 0; i < report->signatures->len; i++)
    {
      const TekenSignatureReport *signature = g_ptr_array_index (report->signatures, i);
      g_autofree char *time = format_time (signature->signing_time);

      g_print (_("  Signature %u (%s): %s\n"), i + 1, signature->field, status_in_words (signature->status));
      if (signature->signer != NULL)
        g_print (_("    Signer: %s\n"), signature->signer);
      g_print (_("    Signed at: %s (%s)\n"), time,
               signature->time_from_timestamp ? _("from a trusted timestamp") : _("as claimed by the signer"));
      g_print (_("    Covers: %s\n"), coverage_in_words (signature->coverage));
      g_print (_("    Changes after signing: %s\n"), changes_in_words (signature->changes_after));
      if (signature->docmdp != 0)
        g_print (_("    Certification: level %d\n"), signature->docmdp);
      g_print (_("    Trust: %s\n"), trust_in_words (signature->trust));
      for (guint c = 0; c < signature->chain->len; c++)
        g_print ("      %s %s\n", c == 0 ? "→" : "↳", (const char *) g_ptr_array_index (signature->chain, c));
      g_print (_("    Revocation: %s\n"), revocation_in_words (signature->revocation));
      for (guint p = 0; p < signature->problems->len; p++)
        g_print (_("    Problem: %s\n"), (const char *) g_ptr_array_index (signature->problems, p));
    }
}

static void
add_string_array (JsonBuilder *builder,
                  const char  *name,
                  GPtrArray   *strings)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < strings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (strings, i));
  json_builder_end_array (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          GDateTime   *time)
{
  g_autofree char *text = time ? g_date_time_format_iso8601 (time) : NULL;

  json_builder_set_member_name (builder, name);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
build_report (JsonBuilder               *builder,
              const TekenDocumentReport *report)
{
  json_builder_begin_object (builder);
  add_member_string (builder, "file", report->file);
  add_member_string (builder, "status", teken_verify_status_to_string (report->status));

  json_builder_set_member_name (builder, "signatures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->signatures->len; i++)
    {
      const TekenSignatureReport *signature = g_ptr_array_index (report->signatures, i);

      json_builder_begin_object (builder);
      add_member_string (builder, "field", signature->field);
      add_member_string (builder, "signer", signature->signer);
      add_member_string (builder, "subject", signature->subject);
      add_member_string (builder, "issuer", signature->issuer);
      add_member_string (builder, "serial", signature->serial);
      add_time (builder, "signing_time", signature->signing_time);
      add_member_string (builder, "time_source", signature->time_from_timestamp ? "timestamp" : "claimed");
      add_member_string (builder, "status", teken_verify_status_to_string (signature->status));
      json_builder_set_member_name (builder, "integrity");
      json_builder_add_boolean_value (builder, signature->integrity);
      add_member_string (builder, "coverage", teken_coverage_to_string (signature->coverage));
      add_member_string (builder, "changes_after", teken_change_level_to_string (signature->changes_after));
      json_builder_set_member_name (builder, "docmdp");
      if (signature->docmdp != 0)
        json_builder_add_int_value (builder, signature->docmdp);
      else
        json_builder_add_null_value (builder);
      add_string_array (builder, "chain", signature->chain);
      add_member_string (builder, "trust", signature->trust);
      add_member_string (builder, "revocation", signature->revocation);

      json_builder_set_member_name (builder, "timestamp");
      if (signature->has_timestamp)
        {
          json_builder_begin_object (builder);
          add_time (builder, "time", signature->timestamp_time);
          add_member_string (builder, "authority", signature->timestamp_authority);
          json_builder_set_member_name (builder, "valid");
          json_builder_add_boolean_value (builder, signature->timestamp_valid);
          json_builder_end_object (builder);
        }
      else
        json_builder_add_null_value (builder);

      add_string_array (builder, "problems", signature->problems);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_string_array (builder, "problems", report->problems);
  json_builder_end_object (builder);
}

static int
usage_error (const char *message)
{
  g_printerr ("teken verify: %s\n", message);
  g_printerr (_("Run “teken verify --help” to see how to use it.\n"));
  return 2;
}

int
teken_verify_command_run (int    argc,
                          char **argv)
{
  gboolean json = FALSE;
  gboolean no_default_trust = FALSE;
  g_auto(GStrv) trust_files = NULL;
  g_auto(GStrv) inputs = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON, for scripts"), NULL },
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust_files, N_("Also trust the certificates in FILE (PEM); can be repeated"), N_("FILE") },
    { "no-default-trust", 0, 0, G_OPTION_ARG_NONE, &no_default_trust, N_("Trust only the certificates given with --trust"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, N_("FILE…") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenTrustStore) trust = teken_trust_store_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean all_valid = TRUE;

  g_set_prgname ("teken verify");
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Checks the signatures of PDF documents without a network: whether each is intact, who signed and when, whether the document changed after signing, and whether the signer is trusted."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (inputs == NULL)
    return usage_error (_("Give at least one document to verify."));

  if (!no_default_trust)
    teken_trust_store_add_defaults (trust);
  for (guint i = 0; trust_files != NULL && trust_files[i] != NULL; i++)
    {
      if (!teken_trust_store_add_file (trust, trust_files[i], &error))
        return usage_error (error->message);
    }

  json_builder_begin_array (builder);
  for (guint i = 0; inputs[i] != NULL; i++)
    {
      g_autoptr(TekenDocumentReport) report = teken_pdf_verify_file (inputs[i], trust, NULL);

      all_valid = all_valid && report->status == TEKEN_VERIFY_VALID;
      if (json)
        build_report (builder, report);
      else
        print_report (report);
    }
  json_builder_end_array (builder);

  if (json)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      g_autofree char *text = NULL;

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }

  return all_valid ? 0 : 1;
}
