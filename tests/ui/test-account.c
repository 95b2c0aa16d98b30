/* test-account.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* My Certificate's parts in process, under Xvfb: the wording of every BSrE
 * status, the dashboard for each (what it says, what it offers), the data
 * update form's rules, the authenticator set-up and the choice list. The
 * accounts and certificates are the JSON objects of docs/api.md §6.4 and
 * §7.3; the flows against a real teken-ca are in tests/e2e/test_account.py. */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "teken-account-dashboard.h"
#include "teken-ca-types.h"
#include "teken-certificate-status.h"
#include "teken-choice-list.h"
#include "teken-profile-form.h"
#include "teken-resources.h"
#include "teken-test-utils.h"
#include "teken-totp-setup.h"

static const char * const bsre_statuses[] = {
  "NOT_REGISTERED", "NO_CERTIFICATE", "WAITING_FOR_VERIFICATION", "NEW", "ISSUE", "RENEW", "EXPIRED",
  "SUSPEND", "REVOKE",
};

static JsonObject *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* An ASN holder's Account object with @status; @extra is more members. */
static TekenCaAccountInfo *
make_account (const char *status,
              const char *verification_status,
              const char *cannot_sign_reason,
              const char *extra)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  TekenCaAccountInfo *account;

  json = g_strdup_printf ("{\"id\": \"acc_TEST\", \"role\": \"holder\", \"nik\": \"9971010101900001\","
                          " \"username\": \"budi.santoso@pns.kotacontoh.go.id\","
                          " \"email\": \"budi.santoso@pns.kotacontoh.go.id\", \"name\": \"BUDI SANTOSO CONTOH\","
                          " \"title_prefix\": \"\", \"title_suffix\": \"S.Kom.\", \"phone\": \"+6281234567890\","
                          " \"agency\": \"Pemerintah Kota Contoh\","
                          " \"employment\": {\"kind\": \"asn\", \"employment_type\": \"PNS\","
                          "   \"nip\": \"199001012015031001\", \"agency\": \"Pemerintah Kota Contoh\","
                          "   \"unit\": \"Dinas Komunikasi dan Informatika\","
                          "   \"position\": \"Pranata Komputer Ahli Pertama\", \"city\": \"Kota Contoh\","
                          "   \"province\": \"Jawa Timur\"},"
                          " \"status\": \"%s\", \"verification_status\": \"%s\", \"enrollment_step\": \"done\","
                          " \"can_sign\": %s, \"cannot_sign_reason\": %s%s%s,"
                          " \"current_certificate_id\": \"crt_TEST\"%s%s}",
                          status, verification_status,
                          cannot_sign_reason == NULL ? "true" : "false",
                          cannot_sign_reason != NULL ? "\"" : "null",
                          cannot_sign_reason != NULL ? cannot_sign_reason : "",
                          cannot_sign_reason != NULL ? "\"" : "",
                          extra != NULL ? ", " : "", extra != NULL ? extra : "");
  object = parse (json);
  account = teken_ca_account_info_new_from_json (object, &error);
  g_assert_no_error (error);
  return account;
}

static TekenCaCertificateInfo *
make_certificate (const char *status,
                  gint64      days_left,
                  const char *methods)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  TekenCaCertificateInfo *certificate;
  gboolean revoked = g_str_equal (status, "REVOKE");

  json = g_strdup_printf ("{\"id\": \"crt_TEST\", \"current\": true, \"status\": \"%s\","
                          " \"serial\": \"5F0C9A7D1E2B3C4D5E6F708192A3B4C5\","
                          " \"subject\": \"CN=BUDI SANTOSO CONTOH,O=Pemerintah Kota Contoh,C=ID\","
                          " \"common_name\": \"BUDI SANTOSO CONTOH\","
                          " \"email\": \"budi.santoso@pns.kotacontoh.go.id\","
                          " \"organization\": \"Pemerintah Kota Contoh\","
                          " \"issuer\": \"CN=Teken Demo Issuing CA,O=Teken,C=ID\","
                          " \"not_before\": \"2026-03-14T09:52:30+07:00\", \"not_after\": \"2028-03-14T09:52:30+07:00\","
                          " \"days_left\": %" G_GINT64_FORMAT ", \"revoked_at\": %s, \"revocation_reason\": %s,"
                          " \"fingerprint_sha256\": \"3A7F000000000000000000000000000000000000000000000000000000000000\","
                          " \"key_algorithm\": \"RSA-2048\", \"key_locked\": false, \"passphrase_attempts_left\": 5,"
                          " \"signing_otp_enabled\": false,"
                          " \"renewal\": {\"rekey_from\": \"2028-02-13T09:52:30+07:00\", \"methods\": [%s]},"
                          " \"pem\": \"\"}",
                          status, days_left,
                          revoked ? "\"2026-06-01T10:00:00+07:00\"" : "null",
                          revoked ? "\"keyCompromise\"" : "null",
                          methods != NULL ? methods : "");
  object = parse (json);
  certificate = teken_ca_certificate_info_new_from_json (object, &error);
  g_assert_no_error (error);
  return certificate;
}

static GtkWidget *
show_in_window (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  gtk_widget_set_margin_top (child, 24);
  gtk_widget_set_margin_bottom (child, 24);
  gtk_widget_set_margin_start (child, 12);
  gtk_widget_set_margin_end (child, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), child);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_NEVER);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (window), 680, -1);
  gtk_window_present (GTK_WINDOW (window));
  teken_test_wait_until_drawn (window);
  return window;
}

/* After a change the window lays out again before it can be pictured. */
static void
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  teken_test_wait_until_drawn (window);
  teken_test_save_screenshot (window, name);
}

/* Every status of §4.1 has a title, the contract's meaning and advice. */
static void
test_status_wording (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bsre_statuses); i++)
    {
      TekenCertificateStatus wording;

      teken_certificate_status_describe (bsre_statuses[i], "VERIFIED", NULL, &wording);
      g_assert_cmpstr (wording.status, ==, bsre_statuses[i]);
      g_assert_cmpstr (wording.title, !=, "Unknown status");
      g_assert_cmpstr (wording.meaning, ==, teken_ca_status_describe (bsre_statuses[i]));
      g_assert_cmpuint (strlen (wording.next_step), >, 10);
      g_assert_nonnull (wording.icon_name);
    }

  {
    static const struct
    {
      const char *status;
      const char *title;
      TekenCertificateNext next;
      const char *style;
    } expected[] = {
      { "NOT_REGISTERED", "Not registered", TEKEN_CERTIFICATE_NEXT_ENROLL, "warning" },
      { "NO_CERTIFICATE", "No certificate yet", TEKEN_CERTIFICATE_NEXT_ENROLL, "warning" },
      { "WAITING_FOR_VERIFICATION", "Being verified", TEKEN_CERTIFICATE_NEXT_NONE, "warning" },
      { "NEW", "Waiting for your passphrase", TEKEN_CERTIFICATE_NEXT_LINK, "warning" },
      { "ISSUE", "Active", TEKEN_CERTIFICATE_NEXT_NONE, "success" },
      { "RENEW", "Renewal requested", TEKEN_CERTIFICATE_NEXT_NONE, "warning" },
      { "EXPIRED", "Expired", TEKEN_CERTIFICATE_NEXT_RENEW, "error" },
      { "SUSPEND", "Suspended", TEKEN_CERTIFICATE_NEXT_NONE, "error" },
      { "REVOKE", "Revoked", TEKEN_CERTIFICATE_NEXT_REISSUE, "error" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        TekenCertificateStatus wording;

        teken_certificate_status_describe (expected[i].status, "VERIFIED", NULL, &wording);
        g_assert_cmpstr (wording.title, ==, expected[i].title);
        g_assert_cmpint (wording.next, ==, expected[i].next);
        g_assert_cmpstr (wording.style, ==, expected[i].style);
      }
  }

  /* ISSUE that cannot sign says why. */
  {
    TekenCertificateStatus wording;

    teken_certificate_status_describe ("ISSUE", "VERIFIED", "key_locked", &wording);
    g_assert_cmpstr (wording.title, ==, "Active, but the key is locked");
    g_assert_cmpint (wording.next, ==, TEKEN_CERTIFICATE_NEXT_RESET_PASSPHRASE);
    teken_certificate_status_describe ("ISSUE", "UPDATE", "update_pending", &wording);
    g_assert_cmpstr (wording.title, ==, "Active, signing paused");
    g_assert_cmpint (wording.next, ==, TEKEN_CERTIFICATE_NEXT_CONFIRM_UPDATE);
    g_assert_cmpstr (wording.meaning, ==, teken_ca_verification_status_describe ("UPDATE"));
    teken_certificate_status_describe ("LOST_IN_SPACE", NULL, NULL, &wording);
    g_assert_cmpstr (wording.title, ==, "Unknown status");
    g_assert_cmpstr (wording.status, ==, "LOST_IN_SPACE");
  }

  g_assert_cmpstr (teken_verification_status_title ("VERIFIED"), ==, "Verified");
  g_assert_cmpstr (teken_verification_status_title ("UPDATE"), ==, "Change waiting for confirmation");
  g_assert_cmpstr (teken_revocation_reason_describe ("keyCompromise"), ==,
                   "The passphrase or key is known to someone else");
  g_assert_cmpstr (teken_revocation_reason_describe ("privilegeWithdrawn"), ==,
                   "Right to use it withdrawn by the agency");
  g_assert_cmpstr (teken_revocation_reason_describe ("somethingNew"), ==, "somethingNew");
}

static void
test_days_left (void)
{
  g_autofree char *many = teken_certificate_describe_days_left (730);
  g_autofree char *one = teken_certificate_describe_days_left (1);
  g_autofree char *last = teken_certificate_describe_days_left (0);
  g_autofree char *ended = teken_certificate_describe_days_left (-3);
  g_autofree char *soon = teken_certificate_expiry_warning ("ISSUE", 12);
  g_autofree char *today = teken_certificate_expiry_warning ("ISSUE", 0);
  g_autofree char *edge = teken_certificate_expiry_warning ("ISSUE", TEKEN_CERTIFICATE_WARN_DAYS);
  g_autofree char *early = teken_certificate_expiry_warning ("ISSUE", TEKEN_CERTIFICATE_WARN_DAYS + 1);
  g_autofree char *expired = teken_certificate_expiry_warning ("EXPIRED", -1);
  g_autofree char *revoked = teken_certificate_expiry_warning ("REVOKE", 12);

  g_assert_cmpstr (many, ==, "730 days left");
  g_assert_cmpstr (one, ==, "1 day left");
  g_assert_cmpstr (last, ==, "Last day");
  g_assert_cmpstr (ended, ==, "Ended 3 days ago");
  g_assert_nonnull (strstr (soon, "ends in 12 days"));
  g_assert_nonnull (strstr (today, "ends today"));
  g_assert_nonnull (edge);
  g_assert_null (early);
  g_assert_null (expired);
  g_assert_null (revoked);
}

typedef struct
{
  const char *status;
  const char *verification;
  const char *cannot_sign;
  const char *methods;
  gint64 days_left;
  const char *title;
  const char *offered[8];
  const char *refused[8];
} DashboardCase;

static void
test_dashboard (void)
{
  static const DashboardCase cases[] = {
    { "ISSUE", "VERIFIED", NULL, NULL, 700, "Active",
      { "change-passphrase", "reset-passphrase", "revoke", "update-data", "devices", "download-certificate",
        "download-chain", NULL },
      { "renew", "reissue", "cancel-update", NULL } },
    { "ISSUE", "VERIFIED", NULL, "\"rekey\"", 12, "Active",
      { "renew", "change-passphrase", "revoke", NULL },
      { "reissue", NULL } },
    { "ISSUE", "VERIFIED", "key_locked", NULL, 700, "Active, but the key is locked",
      { "reset-passphrase", "revoke", NULL },
      { "change-passphrase", NULL } },
    { "ISSUE", "UPDATE", "update_pending", "\"rekey\"", 12, "Active, signing paused",
      { "cancel-update", "resend-update-link", "enter-link", "change-passphrase", "revoke", NULL },
      { "update-data", "renew", NULL } },
    { "SUSPEND", "VERIFIED", "status", NULL, 700, "Suspended",
      { "revoke", "update-data", "devices", NULL },
      { "change-passphrase", "reset-passphrase", "renew", "reissue", NULL } },
    { "EXPIRED", "VERIFIED", "status", "\"verifier\"", -3, "Expired",
      { "renew", "update-data", NULL },
      { "revoke", "change-passphrase", "reissue", NULL } },
    { "REVOKE", "VERIFIED", "status", NULL, 600, "Revoked",
      { "reissue", "update-data", "devices", NULL },
      { "revoke", "renew", "change-passphrase", "reset-passphrase", NULL } },
    { "RENEW", "VERIFIED", "status", NULL, -3, "Renewal requested",
      { "update-data", "devices", NULL },
      { "renew", "revoke", "reissue", NULL } },
    { "NEW", "VERIFIED", "status", NULL, 0, "Waiting for your passphrase",
      { "update-data", NULL },
      { "revoke", "renew", NULL } },
    { "WAITING_FOR_VERIFICATION", "VERIFIED", "status", NULL, 0, "Being verified",
      { "devices", NULL },
      { "update-data", "revoke", "renew", "reissue", NULL } },
    { "NO_CERTIFICATE", "VERIFIED", "status", NULL, 0, "No certificate yet",
      { "devices", NULL },
      { "update-data", "revoke", "download-certificate", NULL } },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const DashboardCase *c = &cases[i];
      g_autoptr(TekenCaAccountInfo) account = NULL;
      g_autoptr(TekenCaCertificateInfo) certificate = NULL;
      GtkWidget *dashboard = teken_account_dashboard_new ();
      GtkWidget *window;
      g_autofree char *code = g_strdup_printf ("BSrE status: %s", c->status);
      g_autofree char *shot = NULL;
      const char *cert_status = c->status;
      TekenCertificateStatus wording;

      g_test_message ("status %s, %s, %s", c->status, c->verification, c->cannot_sign);
      account = make_account (c->status, c->verification, c->cannot_sign,
                              g_str_equal (c->verification, "UPDATE")
                                ? "\"pending_update\": {\"changes\": {\"employment.position\": {\"from\": \"Pranata Komputer Ahli Pertama\", \"to\": \"Pranata Komputer Ahli Muda\"}}, \"requested_at\": \"2026-03-14T10:05:00+07:00\", \"link_expires_at\": \"2026-03-15T10:05:00+07:00\"}"
                                : NULL);
      /* Statuses before issuance have no certificate to show. */
      if (g_str_equal (c->status, "NO_CERTIFICATE") || g_str_equal (c->status, "WAITING_FOR_VERIFICATION") ||
          g_str_equal (c->status, "NEW"))
        cert_status = NULL;
      else if (g_str_equal (c->status, "RENEW"))
        cert_status = "EXPIRED";
      if (cert_status != NULL)
        certificate = make_certificate (cert_status, c->days_left, c->methods);
      if (g_strcmp0 (c->cannot_sign, "key_locked") == 0)
        certificate->key_locked = TRUE;

      teken_account_dashboard_show (TEKEN_ACCOUNT_DASHBOARD (dashboard), account, certificate);
      window = show_in_window (dashboard);

      teken_certificate_status_describe (c->status, c->verification, c->cannot_sign, &wording);
      g_assert_nonnull (teken_test_find_label (window, c->title));
      g_assert_nonnull (teken_test_find_label (window, code));
      g_assert_nonnull (teken_test_find_label (window, wording.meaning));
      /* In its last 30 days an active certificate's advice is to renew. */
      if (certificate != NULL && g_str_equal (certificate->status, "ISSUE") && c->days_left <= 30 &&
          c->cannot_sign == NULL)
        g_assert_nonnull (teken_test_find_label (window, "Renew the certificate now with a new key"));
      else
        g_assert_nonnull (teken_test_find_label (window, wording.next_step));
      g_assert_nonnull (teken_test_find_label (window, "BUDI SANTOSO CONTOH, S.Kom."));
      for (gsize j = 0; c->offered[j] != NULL; j++)
        g_assert_true (teken_account_dashboard_offers (TEKEN_ACCOUNT_DASHBOARD (dashboard), c->offered[j]));
      for (gsize j = 0; c->refused[j] != NULL; j++)
        g_assert_false (teken_account_dashboard_offers (TEKEN_ACCOUNT_DASHBOARD (dashboard), c->refused[j]));

      /* A certificate in its last 30 days warns; the details are shown. */
      if (certificate != NULL && g_str_equal (certificate->status, "ISSUE") && c->days_left <= 30)
        g_assert_nonnull (teken_test_find_label (window, "Renew it now"));
      else
        g_assert_null (teken_test_find_label (window, "Renew it now"));
      if (certificate != NULL)
        g_assert_nonnull (teken_test_find_label (window, "5F0C9A7D1E2B3C4D5E6F708192A3B4C5"));
      if (g_str_equal (c->status, "REVOKE"))
        g_assert_nonnull (teken_test_find_label (window, "The passphrase or key is known to someone else"));
      if (g_str_equal (c->verification, "UPDATE"))
        g_assert_nonnull (teken_test_find_label (window, "Pranata Komputer Ahli Pertama → Pranata Komputer Ahli Muda"));
      if (c->methods == NULL && g_str_equal (c->status, "ISSUE") && c->cannot_sign == NULL)
        g_assert_nonnull (teken_test_find_label (window, "Possible from"));

      shot = g_strdup_printf ("account-dashboard-%s%s%s", c->status,
                              c->cannot_sign != NULL && !g_str_equal (c->cannot_sign, "status") ? "-" : "",
                              c->cannot_sign != NULL && !g_str_equal (c->cannot_sign, "status") ? c->cannot_sign : "");
      for (char *p = shot; *p != '\0'; p++)
        *p = g_ascii_tolower (*p);
      if (c->days_left == 12 && c->cannot_sign == NULL)
        {
          g_free (shot);
          shot = g_strdup ("account-dashboard-issue-expiring");
        }
      for (char *p = shot; *p != '\0'; p++)
        if (*p == '_')
          *p = '-';
      teken_test_save_screenshot (window, shot);
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

static AdwEntryRow *
find_entry_row (GtkWidget  *root,
                const char *title)
{
  if (ADW_IS_ENTRY_ROW (root) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return ADW_ENTRY_ROW (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      AdwEntryRow *found = find_entry_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
type (GtkWidget  *form,
      const char *row,
      const char *text)
{
  AdwEntryRow *entry = find_entry_row (form, row);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static char *
body_text (JsonObject *body)
{
  g_autoptr(JsonNode) node = NULL;

  if (body == NULL)
    return g_strdup ("(null)");
  node = json_node_init_object (json_node_alloc (), body);
  return json_to_string (node, FALSE);
}

/* The seed rules: name and e-mail wait for revocation; the rest may change
 * any time; only what changed is sent. */
static void
test_profile_form (void)
{
  g_autoptr(TekenCaAccountInfo) active = make_account ("ISSUE", "VERIFIED", NULL, NULL);
  g_autoptr(TekenCaAccountInfo) revoked = make_account ("REVOKE", "VERIFIED", "status", NULL);
  GtkWidget *form = teken_profile_form_new ();
  TekenProfileForm *self = TEKEN_PROFILE_FORM (form);
  GtkWidget *window;
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *described = NULL;

  g_assert_false (teken_profile_certificate_data_can_change ("ISSUE"));
  g_assert_false (teken_profile_certificate_data_can_change ("SUSPEND"));
  g_assert_false (teken_profile_certificate_data_can_change ("RENEW"));
  g_assert_true (teken_profile_certificate_data_can_change ("REVOKE"));
  g_assert_true (teken_profile_certificate_data_can_change ("EXPIRED"));
  g_assert_cmpstr (teken_profile_field_label ("employment.position"), ==, "Position");

  teken_profile_form_set_account (self, active);
  window = show_in_window (form);

  /* While the certificate is active, name and e-mail are locked. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (find_entry_row (form, "Full name, as on your KTP"))));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (find_entry_row (form, "Official e-mail"))));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (find_entry_row (form, "Position"))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (find_entry_row (form, "NIP"))));
  g_assert_nonnull (teken_test_find_label (window, "can change only after the certificate is revoked"));
  g_assert_nonnull (teken_test_find_label (window, "Pemerintah Kota Contoh — it follows the domain"));
  g_assert_false (teken_profile_form_is_ready (self));
  g_assert_null (teken_profile_form_build_changes (self));
  teken_test_save_screenshot (window, "account-profile-form");

  /* A name typed anyway is not sent. */
  type (form, "Full name, as on your KTP", "BUDI SANTOSO BARU");
  g_assert_false (teken_profile_form_is_ready (self));

  type (form, "Position", "Pranata Komputer Ahli Muda");
  g_assert_true (teken_profile_form_is_ready (self));
  g_assert_true (teken_profile_form_needs_confirmation (self));
  body = teken_profile_form_build_changes (self);
  text = body_text (body);
  g_assert_cmpstr (text, ==, "{\"employment\":{\"position\":\"Pranata Komputer Ahli Muda\"}}");
  described = teken_profile_form_describe_changes (self);
  g_assert_cmpstr (described, ==, "Position: Pranata Komputer Ahli Pertama → Pranata Komputer Ahli Muda");

  /* A field breaking its rule holds the form back and says why. */
  type (form, "Unit", "Dinas @ Kominfo");
  g_assert_false (teken_profile_form_is_ready (self));
  g_assert_nonnull (teken_test_find_label (window, "letters, digits and single spaces"));
  save_screenshot (window, "account-profile-form-refused");
  type (form, "Unit", "Dinas Komunikasi dan Informatika");
  type (form, "NIP", "12345");
  g_assert_false (teken_profile_form_is_ready (self));
  type (form, "NIP", "199001012015031001");
  type (form, "Title after the name", "S.Kom., M.T.");
  g_assert_true (teken_profile_form_is_ready (self));
  g_clear_pointer (&body, json_object_unref);
  g_clear_pointer (&text, g_free);
  body = teken_profile_form_build_changes (self);
  text = body_text (body);
  g_assert_cmpstr (text, ==, "{\"title_suffix\":\"S.Kom., M.T.\",\"employment\":{\"position\":\"Pranata Komputer Ahli Muda\"}}");

  /* The mobile number alone applies at once; its stored form is kept. */
  teken_profile_form_set_account (self, active);
  type (form, "Mobile number", "+62 812-3456-7890");
  g_assert_false (teken_profile_form_is_ready (self));
  type (form, "Mobile number", "0813-0000-1111");
  g_assert_true (teken_profile_form_is_ready (self));
  g_assert_false (teken_profile_form_needs_confirmation (self));

  /* Once revoked, name and e-mail may change. */
  teken_profile_form_set_account (self, revoked);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (find_entry_row (form, "Full name, as on your KTP"))));
  g_assert_nonnull (teken_test_find_label (window, "can change now"));
  type (form, "Full name, as on your KTP", "Budi Santoso 2");
  g_assert_false (teken_profile_form_is_ready (self));
  type (form, "Full name, as on your KTP", "BUDI SANTOSO CONTOH");
  type (form, "Official e-mail", "budi@gmail");
  g_assert_false (teken_profile_form_is_ready (self));
  type (form, "Official e-mail", "budi.santoso@asn.kotacontoh.go.id");
  g_assert_true (teken_profile_form_is_ready (self));
  g_clear_pointer (&body, json_object_unref);
  g_clear_pointer (&text, g_free);
  body = teken_profile_form_build_changes (self);
  text = body_text (body);
  g_assert_cmpstr (text, ==, "{\"email\":\"budi.santoso@asn.kotacontoh.go.id\"}");
  save_screenshot (window, "account-profile-form-revoked");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A non-ASN holder has no NIP to change: it is the NIK. */
static void
test_profile_form_non_asn (void)
{
  g_autoptr(TekenCaAccountInfo) account = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *form = teken_profile_form_new ();
  GtkWidget *window;

  object = parse ("{\"id\": \"acc_T\", \"role\": \"holder\", \"nik\": \"9971011203950003\","
                  " \"username\": \"agus.pratama@pns.kotacontoh.go.id\", \"email\": \"agus.pratama@pns.kotacontoh.go.id\","
                  " \"name\": \"AGUS PRATAMA CONTOH\", \"title_prefix\": \"\", \"title_suffix\": \"\","
                  " \"phone\": \"+6281234567899\", \"agency\": \"Pemerintah Kota Contoh\","
                  " \"employment\": {\"kind\": \"non_asn\", \"employment_type\": null, \"nip\": \"9971011203950003\","
                  "   \"agency\": \"Pemerintah Kota Contoh\", \"unit\": \"Bagian Umum\", \"position\": \"Tenaga Administrasi\","
                  "   \"city\": \"Kota Contoh\", \"province\": \"Jawa Timur\"},"
                  " \"status\": \"ISSUE\", \"verification_status\": \"VERIFIED\", \"enrollment_step\": \"done\","
                  " \"can_sign\": true, \"cannot_sign_reason\": null, \"current_certificate_id\": \"crt_T\","
                  " \"pending_update\": null}");
  account = teken_ca_account_info_new_from_json (object, &error);
  g_assert_no_error (error);
  teken_profile_form_set_account (TEKEN_PROFILE_FORM (form), account);
  window = show_in_window (form);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (find_entry_row (form, "NIP"))));
  type (form, "City or regency", "Kabupaten Sampel");
  g_assert_true (teken_profile_form_is_ready (TEKEN_PROFILE_FORM (form)));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
changed_cb (gpointer  instance,
            guint    *count)
{
  (*count)++;
}

static void
test_totp_setup (void)
{
  GtkWidget *setup = teken_totp_setup_new ();
  g_autoptr(TekenSecret) uri = teken_secret_new ("otpauth://totp/Teken%20CA:siti%40pns.kotacontoh.go.id?secret=GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF&issuer=Teken%20CA", -1);
  g_autoptr(TekenSecret) secret = teken_secret_new ("GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF", -1);
  g_autoptr(TekenSecret) code = NULL;
  g_autofree char *key = teken_totp_format_key ("GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF");
  g_autofree char *name = NULL;
  g_autofree char *long_name = g_strnfill (65, 'a');
  GtkWidget *window;
  guint changes = 0;

  g_assert_cmpstr (key, ==, "GAFX HYSL LZG4 ESB4 TWBZ FFAI 6MUN 57KF");
  g_assert_true (teken_device_name_is_valid ("Ponsel kantor"));
  g_assert_true (teken_device_name_is_valid ("  Ponsel ✓  "));
  g_assert_false (teken_device_name_is_valid ("   "));
  g_assert_false (teken_device_name_is_valid (long_name));
  g_assert_false (teken_device_name_is_valid ("Ponsel\tkantor"));
  g_assert_true (teken_otp_code_is_valid ("012345", 6));
  g_assert_false (teken_otp_code_is_valid ("12345", 6));
  g_assert_false (teken_otp_code_is_valid ("12345a", 6));

  g_signal_connect (setup, "changed", G_CALLBACK (changed_cb), &changes);
  teken_totp_setup_show (TEKEN_TOTP_SETUP (setup), uri, secret, "siti.rahayu@pns.kotacontoh.go.id", 6);
  window = show_in_window (setup);
  g_assert_nonnull (teken_test_find_label (window, "GAFX HYSL LZG4 ESB4 TWBZ FFAI 6MUN 57KF"));
  g_assert_nonnull (teken_test_find_label (window, "siti.rahayu@pns.kotacontoh.go.id"));
  g_assert_false (teken_totp_setup_is_complete (TEKEN_TOTP_SETUP (setup)));
  type (setup, "Device name, such as Office phone", " Ponsel kantor ");
  type (setup, "Code shown in the app", "12345");
  g_assert_false (teken_totp_setup_is_complete (TEKEN_TOTP_SETUP (setup)));
  type (setup, "Code shown in the app", "123456");
  g_assert_true (teken_totp_setup_is_complete (TEKEN_TOTP_SETUP (setup)));
  g_assert_cmpuint (changes, >=, 3);
  name = teken_totp_setup_dup_device_name (TEKEN_TOTP_SETUP (setup));
  g_assert_cmpstr (name, ==, "Ponsel kantor");
  code = teken_totp_setup_dup_code (TEKEN_TOTP_SETUP (setup));
  g_assert_cmpstr (teken_secret_get_text (code), ==, "123456");
  save_screenshot (window, "account-totp-setup");

  /* Leaving the set-up drops the key and the code from the widgets. */
  teken_totp_setup_clear (TEKEN_TOTP_SETUP (setup));
  g_assert_null (teken_test_find_label (window, "GAFX"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_entry_row (setup, "Code shown in the app"))), ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
collect_toggles (GtkWidget *root,
                 GPtrArray *toggles)
{
  if (GTK_IS_TOGGLE_BUTTON (root))
    g_ptr_array_add (toggles, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_toggles (child, toggles);
}

static void
test_choice_list (void)
{
  GtkWidget *list = teken_choice_list_new ();
  TekenChoiceList *self = TEKEN_CHOICE_LIST (list);
  g_autoptr(GPtrArray) toggles = g_ptr_array_new ();
  GtkWidget *window;
  GtkToggleButton *rekey;
  GtkToggleButton *verifier;

  teken_choice_list_add (self, "rekey", "Renew now with a new key", "In the last 30 days", TRUE);
  teken_choice_list_add (self, "verifier", "Renew through your agency's verifier", "Only once expired", FALSE);
  window = show_in_window (list);
  g_assert_cmpuint (teken_choice_list_get_n_items (self), ==, 2);
  g_assert_null (teken_choice_list_get_selected (self));

  collect_toggles (list, toggles);
  g_assert_cmpuint (toggles->len, ==, 2);
  rekey = g_ptr_array_index (toggles, 0);
  verifier = g_ptr_array_index (toggles, 1);
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (verifier)));
  gtk_toggle_button_set_active (rekey, TRUE);
  g_assert_cmpstr (teken_choice_list_get_selected (self), ==, "rekey");
  g_assert_true (gtk_toggle_button_get_active (rekey));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (rekey), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Choose Renew now with a new key");

  teken_choice_list_set_selected (self, "verifier");
  g_assert_cmpstr (teken_choice_list_get_selected (self), ==, "verifier");
  g_assert_false (gtk_toggle_button_get_active (rekey));
  teken_choice_list_set_selected (self, NULL);
  g_assert_null (teken_choice_list_get_selected (self));
  save_screenshot (window, "account-choice-list");

  teken_choice_list_remove_all (self);
  g_assert_cmpuint (teken_choice_list_get_n_items (self), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  teken_register_resource ();

  g_test_add_func ("/account/status-wording", test_status_wording);
  g_test_add_func ("/account/days-left", test_days_left);
  g_test_add_func ("/account/dashboard", test_dashboard);
  g_test_add_func ("/account/profile-form", test_profile_form);
  g_test_add_func ("/account/profile-form-non-asn", test_profile_form_non_asn);
  g_test_add_func ("/account/totp-setup", test_totp_setup);
  g_test_add_func ("/account/choice-list", test_choice_list);

  return g_test_run ();
}
