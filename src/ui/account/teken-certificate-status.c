/* teken-certificate-status.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* BSrE's status words (docs/api.md §4) as the dashboard tells them: a
 * title in plain words, what it means (the contract's own sentence, as
 * teken-ca sends it) and what to do next. A status this version does not
 * know is shown as it is, with advice to update, never hidden. */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-ca-types.h"
#include "teken-certificate-status.h"

static const struct
{
  const char *status;
  const char *title;
  const char *next_step;
  const char *icon_name;
  const char *style;
  TekenCertificateNext next;
} statuses[] = {
  { "NOT_REGISTERED", N_("Not registered"),
    N_("Register with your NIK and official e-mail address under Get a Certificate."),
    "dialog-question-symbolic", "warning", TEKEN_CERTIFICATE_NEXT_ENROLL },
  { "NO_CERTIFICATE", N_("No certificate yet"),
    N_("Finish your enrollment under Get a Certificate: personal and employment data, selfie and agreements."),
    "dialog-information-symbolic", "warning", TEKEN_CERTIFICATE_NEXT_ENROLL },
  { "WAITING_FOR_VERIFICATION", N_("Being verified"),
    N_("Nothing to do for now. You will get an e-mail once your agency's verifier has decided."),
    "document-open-recent-symbolic", "warning", TEKEN_CERTIFICATE_NEXT_NONE },
  { "NEW", N_("Waiting for your passphrase"),
    N_("Open the link in the e-mail we sent you and choose your passphrase; the certificate is issued at once."),
    "mail-unread-symbolic", "warning", TEKEN_CERTIFICATE_NEXT_LINK },
  { "ISSUE", N_("Active"),
    N_("Nothing to do. Keep your passphrase to yourself; renew the certificate in its last 30 days."),
    "emblem-ok-symbolic", "success", TEKEN_CERTIFICATE_NEXT_NONE },
  { "RENEW", N_("Renewal requested"),
    N_("Wait for the e-mail: once the verifier approves, you choose a passphrase for the new certificate."),
    "document-open-recent-symbolic", "warning", TEKEN_CERTIFICATE_NEXT_NONE },
  { "EXPIRED", N_("Expired"),
    N_("Request a renewal: your agency's verifier checks your data, then you choose a passphrase for the new certificate."),
    "dialog-warning-symbolic", "error", TEKEN_CERTIFICATE_NEXT_RENEW },
  { "SUSPEND", N_("Suspended"),
    N_("Contact your agency's verifier to learn why, and to have it restored. Until then you cannot sign."),
    "media-playback-pause-symbolic", "error", TEKEN_CERTIFICATE_NEXT_NONE },
  { "REVOKE", N_("Revoked"),
    N_("To sign again, ask for a new certificate. Your agency's verifier checks your data first."),
    "action-unavailable-symbolic", "error", TEKEN_CERTIFICATE_NEXT_REISSUE },
};

static const TekenRevocationReason reasons[] = {
  { "keyCompromise", N_("The passphrase or key is known to someone else") },
  { "affiliationChanged", N_("Moved to another agency, or name or e-mail changed") },
  { "superseded", N_("Replaced by a new certificate") },
  { "cessationOfOperation", N_("No longer needs a certificate (retired, left)") },
  { "unspecified", N_("No particular reason") },
};

/* Also what teken-ca writes for reasons only the verifier or the server
 * gives (§7.6). */
static const TekenRevocationReason other_reasons[] = {
  { "privilegeWithdrawn", N_("Right to use it withdrawn by the agency") },
  { "certificateHold", N_("Suspended") },
};

/**
 * teken_certificate_status_describe:
 * @status: (nullable): the account's status (docs/api.md §4.1)
 * @verification_status: (nullable): `VERIFIED` or `UPDATE`
 * @cannot_sign_reason: (nullable): the account's `cannot_sign_reason`
 * @out: (out caller-allocates): the wording
 *
 * A locked key and an unconfirmed data change stop an `ISSUE` certificate
 * from signing; the wording then says so and what to do.
 */
void
teken_certificate_status_describe (const char             *status,
                                   const char             *verification_status,
                                   const char             *cannot_sign_reason,
                                   TekenCertificateStatus *out)
{
  g_return_if_fail (out != NULL);

  *out = (TekenCertificateStatus) {
    .status = status != NULL ? status : "",
    .title = _("Unknown status"),
    .meaning = _("The CA reported a status this version of Teken does not know."),
    .next_step = _("Update Teken, or ask your agency's verifier what it means."),
    .icon_name = "dialog-question-symbolic",
    .style = "warning",
    .next = TEKEN_CERTIFICATE_NEXT_NONE,
  };

  for (gsize i = 0; status != NULL && i < G_N_ELEMENTS (statuses); i++)
    {
      if (!g_str_equal (statuses[i].status, status))
        continue;
      out->title = _(statuses[i].title);
      out->meaning = teken_ca_status_describe (status);
      out->next_step = _(statuses[i].next_step);
      out->icon_name = statuses[i].icon_name;
      out->style = statuses[i].style;
      out->next = statuses[i].next;
      break;
    }

  if (g_strcmp0 (status, "ISSUE") != 0)
    return;
  if (g_strcmp0 (cannot_sign_reason, "key_locked") == 0)
    {
      out->title = _("Active, but the key is locked");
      out->meaning = _("Your signing key is locked after 5 wrong passphrases, so the certificate cannot sign.");
      out->next_step = _("Reset the passphrase: a new key and certificate are made, and you can sign again.");
      out->icon_name = "system-lock-screen-symbolic";
      out->style = "error";
      out->next = TEKEN_CERTIFICATE_NEXT_RESET_PASSPHRASE;
    }
  else if (g_strcmp0 (verification_status, "UPDATE") == 0 ||
           g_strcmp0 (cannot_sign_reason, "update_pending") == 0)
    {
      out->title = _("Active, signing paused");
      out->meaning = teken_ca_verification_status_describe ("UPDATE");
      out->next_step = _("Open the confirmation link we e-mailed you, or cancel the change.");
      out->style = "warning";
      out->icon_name = "mail-unread-symbolic";
      out->next = TEKEN_CERTIFICATE_NEXT_CONFIRM_UPDATE;
    }
}

/**
 * teken_certificate_describe_days_left:
 * @days_left: whole days until the end of validity (§7.3: 0 on the last
 *   day, negative after)
 *
 * Returns: (transfer full): e.g. “730 days left”
 */
char *
teken_certificate_describe_days_left (gint64 days_left)
{
  if (days_left < 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Ended %d day ago",
                                         "Ended %d days ago", (gulong) -days_left),
                            (int) -days_left);
  if (days_left == 0)
    return g_strdup (_("Last day"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day left",
                                       "%d days left", (gulong) days_left),
                          (int) days_left);
}

/**
 * teken_certificate_expiry_warning:
 * @status: the certificate's status
 * @days_left: as teken_certificate_describe_days_left()
 *
 * Returns: (transfer full) (nullable): a warning when an active
 *   certificate ends within %TEKEN_CERTIFICATE_WARN_DAYS days
 */
char *
teken_certificate_expiry_warning (const char *status,
                                  gint64      days_left)
{
  if (g_strcmp0 (status, "ISSUE") != 0 || days_left < 0 || days_left > TEKEN_CERTIFICATE_WARN_DAYS)
    return NULL;
  if (days_left == 0)
    return g_strdup (_("Your certificate ends today. Renew it now, or you cannot sign from tomorrow."));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Your certificate ends in %d day. Renew it now, so that you can keep signing.",
                                       "Your certificate ends in %d days. Renew it now, so that you can keep signing.",
                                       (gulong) days_left),
                          (int) days_left);
}

/**
 * teken_verification_status_title:
 *
 * Returns: a short translated name for `VERIFIED` or `UPDATE` (§4.3)
 */
const char *
teken_verification_status_title (const char *verification_status)
{
  if (g_strcmp0 (verification_status, "VERIFIED") == 0)
    return _("Verified");
  if (g_strcmp0 (verification_status, "UPDATE") == 0)
    return _("Change waiting for confirmation");
  return verification_status != NULL ? verification_status : "";
}

/**
 * teken_revocation_reasons:
 * @n_reasons: (out): how many
 *
 * Returns: (array length=n_reasons): the reasons a holder may give, the
 *   most telling first
 */
const TekenRevocationReason *
teken_revocation_reasons (gsize *n_reasons)
{
  *n_reasons = G_N_ELEMENTS (reasons);
  return reasons;
}

/**
 * teken_revocation_reason_describe:
 * @reason: an RFC 5280 reason name
 *
 * Returns: it in words, translated; @reason itself when unknown
 */
const char *
teken_revocation_reason_describe (const char *reason)
{
  for (gsize i = 0; reason != NULL && i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reasons[i].reason, reason))
      return _(reasons[i].label);
  for (gsize i = 0; reason != NULL && i < G_N_ELEMENTS (other_reasons); i++)
    if (g_str_equal (other_reasons[i].reason, reason))
      return _(other_reasons[i].label);
  return reason != NULL ? reason : "";
}

/**
 * teken_format_time:
 * @time: (nullable): an instant
 *
 * Returns: (transfer full): it in the local zone, e.g. “14 March 2026,
 *   09:52”; empty for %NULL
 */
char *
teken_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *text = NULL;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  /* Translators: a date and time, see g_date_time_format(); e.g. 14 March 2026, 09:52 */
  text = g_date_time_format (local, _("%e %B %Y, %H:%M"));
  return g_strdup (text != NULL ? g_strstrip (text) : "");
}

/**
 * teken_format_date:
 *
 * Returns: (transfer full): @time's day in the local zone, e.g. “14 March
 *   2026”; empty for %NULL
 */
char *
teken_format_date (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *text = NULL;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  /* Translators: a date, see g_date_time_format(); e.g. 14 March 2026 */
  text = g_date_time_format (local, _("%e %B %Y"));
  return g_strdup (text != NULL ? g_strstrip (text) : "");
}

/**
 * teken_format_iso_time:
 * @iso8601: (nullable): an instant as the API writes it (§2.4)
 *
 * Returns: (transfer full): as teken_format_time(); empty when unreadable
 */
char *
teken_format_iso_time (const char *iso8601)
{
  g_autoptr(GDateTime) time = iso8601 != NULL ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;

  return teken_format_time (time);
}
