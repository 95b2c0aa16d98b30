/* teken-account-dashboard.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* “My Certificate” at a glance: the status in BSrE's word and in plain
 * words with what to do next, a warning before the certificate ends, its
 * details, the account's data and whether it is verified, a data change
 * waiting for its link, and what the holder can do now.
 *
 * Each thing to do is a `dashboard.*` action, enabled only when the
 * contract allows it (docs/api.md §4.2, §7); a row that cannot be used
 * now says why. Activating one asks the window for the `account.*`
 * action of the same name, which does the work. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "teken-account-dashboard.h"
#include "teken-certificate-status.h"
#include "teken-profile-form.h"

struct _TekenAccountDashboard
{
  GtkWidget parent_instance;

  GHashTable *offers;       /* action name → GINT_TO_POINTER (offered) */
  GPtrArray *pending_rows;

  /* Template widgets */
  GtkWidget *box;
  GtkImage *status_icon;
  GtkLabel *status_title;
  GtkLabel *status_code;
  GtkLabel *status_meaning;
  GtkLabel *next_step;
  GtkLabel *warning_label;
  GtkButton *next_button;
  AdwPreferencesGroup *pending_group;
  AdwPreferencesGroup *pending_actions_group;
  AdwActionRow *pending_link_row;
  AdwPreferencesGroup *certificate_group;
  AdwActionRow *serial_row;
  AdwActionRow *holder_row;
  AdwActionRow *issuer_row;
  AdwActionRow *not_before_row;
  AdwActionRow *not_after_row;
  AdwActionRow *days_left_row;
  AdwActionRow *revoked_row;
  AdwActionRow *key_row;
  AdwActionRow *fingerprint_row;
  AdwActionRow *change_row;
  AdwActionRow *reset_row;
  AdwActionRow *renew_row;
  AdwActionRow *reissue_row;
  AdwActionRow *update_row;
  AdwActionRow *devices_row;
  AdwActionRow *revoke_row;
  AdwActionRow *name_row;
  AdwActionRow *nik_row;
  AdwActionRow *email_row;
  AdwActionRow *agency_row;
  AdwActionRow *position_row;
  AdwActionRow *unit_row;
  AdwActionRow *verification_row;
};

G_DEFINE_FINAL_TYPE (TekenAccountDashboard, teken_account_dashboard, GTK_TYPE_WIDGET)

/* The actions the dashboard offers; each is passed on as account.<name>. */
static const char * const action_names[] = {
  "change-passphrase", "reset-passphrase", "renew", "reissue", "update-data", "devices", "revoke",
  "download-certificate", "download-chain", "enter-link", "resend-update-link", "cancel-update",
};

static const char *
json_string (JsonObject *object,
             const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static JsonObject *
json_object (JsonObject *object,
             const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text != NULL && *text != '\0' ? text : "—");
}

/* Offers @action, or not; @row (nullable) shows whether it applies at all
 * and, when it is not offered, @why. */
static void
offer (TekenAccountDashboard *self,
       const char            *action,
       AdwActionRow          *row,
       gboolean               visible,
       gboolean               enabled,
       const char            *why)
{
  g_autofree char *name = g_strconcat ("dashboard.", action, NULL);

  enabled = enabled && visible;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), name, enabled);
  g_hash_table_insert (self->offers, (gpointer) action, GINT_TO_POINTER (enabled));
  if (row == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (row), visible);
  if (!enabled && why != NULL)
    adw_action_row_set_subtitle (row, why);
  else
    adw_action_row_set_subtitle (row, g_object_get_data (G_OBJECT (row), "teken-subtitle"));
}

static gboolean
status_in (const char          *status,
           const char * const  *statuses)
{
  return status != NULL && g_strv_contains (statuses, status);
}

static void
show_offers (TekenAccountDashboard        *self,
             const TekenCaAccountInfo     *account,
             const TekenCaCertificateInfo *certificate)
{
  static const char * const active[] = { "ISSUE", "SUSPEND", NULL };
  static const char * const renewable[] = { "ISSUE", "EXPIRED", NULL };
  static const char * const enrolling[] = { "NOT_REGISTERED", "NO_CERTIFICATE", "WAITING_FOR_VERIFICATION", NULL };
  const char *status = account->status;
  gboolean issued = g_strcmp0 (status, "ISSUE") == 0;
  gboolean update = g_strcmp0 (account->verification_status, "UPDATE") == 0;
  gboolean locked = g_strcmp0 (account->cannot_sign_reason, "key_locked") == 0 ||
                    (certificate != NULL && certificate->key_locked);
  const char *only_active = _("Only while the certificate is active.");
  const char *update_first = _("First confirm or cancel the data change waiting above.");
  JsonObject *renewal = certificate != NULL ? json_object (certificate->json, "renewal") : NULL;
  JsonNode *methods = renewal != NULL ? json_object_get_member (renewal, "methods") : NULL;
  gboolean can_renew = methods != NULL && JSON_NODE_HOLDS_ARRAY (methods) &&
                       json_array_get_length (json_node_get_array (methods)) > 0;
  g_autofree char *renew_why = NULL;
  g_autofree char *rekey_from = NULL;

  offer (self, "change-passphrase", self->change_row, status_in (status, active), issued && !locked,
         locked ? _("Your key is locked after 5 wrong passphrases: reset the passphrase instead.") : only_active);
  offer (self, "reset-passphrase", self->reset_row, status_in (status, active), issued, only_active);

  if (update)
    renew_why = g_strdup (update_first);
  else if (issued && renewal != NULL && (rekey_from = teken_format_iso_time (json_string (renewal, "rekey_from"))) != NULL &&
           *rekey_from != '\0')
    renew_why = g_strdup_printf (_("Possible from %s, in the last 30 days of validity."), rekey_from);
  else
    renew_why = g_strdup (_("Not possible with the certificate's present status."));
  offer (self, "renew", self->renew_row, status_in (status, renewable), can_renew && !update, renew_why);
  if (can_renew && !update)
    adw_action_row_set_subtitle (self->renew_row,
                                 issued ? _("Renewal is open: renew now with a new key; your passphrase stays the same.")
                                        : _("Your agency's verifier checks your data, then you choose a passphrase."));

  offer (self, "reissue", self->reissue_row, g_strcmp0 (status, "REVOKE") == 0, !update, update_first);
  offer (self, "revoke", self->revoke_row, status_in (status, active), TRUE, NULL);
  offer (self, "update-data", self->update_row, status != NULL && !status_in (status, enrolling), !update,
         _("A data change is already waiting for confirmation."));
  if (!update && teken_profile_certificate_data_can_change (status))
    adw_action_row_set_subtitle (self->update_row,
                                 _("Now that the certificate is no longer valid, your name and e-mail can change too."));
  offer (self, "devices", self->devices_row, TRUE, TRUE, NULL);

  offer (self, "download-certificate", NULL, certificate != NULL, TRUE, NULL);
  offer (self, "download-chain", NULL, certificate != NULL, TRUE, NULL);
  offer (self, "enter-link", NULL, TRUE, TRUE, NULL);
  offer (self, "resend-update-link", NULL, update, TRUE, NULL);
  offer (self, "cancel-update", NULL, update, TRUE, NULL);
}

static void
show_next (TekenAccountDashboard *self,
           TekenCertificateNext   next)
{
  static const struct
  {
    TekenCertificateNext next;
    const char *label;
    const char *action;
  } buttons[] = {
    { TEKEN_CERTIFICATE_NEXT_ENROLL, N_("Open Get a Certificate"), "app.enroll" },
    { TEKEN_CERTIFICATE_NEXT_LINK, N_("Enter the Link"), "dashboard.enter-link" },
    { TEKEN_CERTIFICATE_NEXT_RENEW, N_("Renew"), "dashboard.renew" },
    { TEKEN_CERTIFICATE_NEXT_REISSUE, N_("Ask for a New Certificate"), "dashboard.reissue" },
    { TEKEN_CERTIFICATE_NEXT_RESET_PASSPHRASE, N_("Reset the Passphrase"), "dashboard.reset-passphrase" },
  };

  gtk_widget_set_visible (GTK_WIDGET (self->next_button), FALSE);
  for (gsize i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      if (buttons[i].next != next)
        continue;
      gtk_button_set_label (self->next_button, _(buttons[i].label));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->next_button), buttons[i].action);
      gtk_widget_set_visible (GTK_WIDGET (self->next_button), TRUE);
    }
}

static void
show_certificate (TekenAccountDashboard        *self,
                  const TekenCaCertificateInfo *certificate)
{
  g_autofree char *holder = NULL;
  g_autofree char *not_before = NULL;
  g_autofree char *not_after = NULL;
  g_autofree char *days = NULL;
  g_autofree char *key = NULL;
  const char *algorithm;
  const char *description = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->certificate_group), certificate != NULL);
  if (certificate == NULL)
    return;

  holder = certificate->organization != NULL
             ? g_strdup_printf ("%s, %s", certificate->common_name, certificate->organization)
             : g_strdup (certificate->common_name);
  not_before = teken_format_time (certificate->not_before);
  not_after = teken_format_time (certificate->not_after);
  days = teken_certificate_describe_days_left (certificate->days_left);
  set_subtitle (self->serial_row, certificate->serial);
  set_subtitle (self->holder_row, holder);
  set_subtitle (self->issuer_row, certificate->issuer);
  set_subtitle (self->not_before_row, not_before);
  set_subtitle (self->not_after_row, not_after);
  set_subtitle (self->days_left_row, days);
  set_subtitle (self->fingerprint_row, certificate->fingerprint_sha256);

  /* The certificate shown may be one that no longer signs, such as the
   * revoked one while a new one is on its way. */
  if (g_strcmp0 (certificate->status, "REVOKE") == 0)
    description = _("This certificate is revoked; it can no longer sign.");
  else if (g_strcmp0 (certificate->status, "EXPIRED") == 0)
    description = _("This certificate has expired; it can no longer sign.");
  else if (g_strcmp0 (certificate->status, "SUSPEND") == 0)
    description = _("This certificate is suspended; it cannot sign until the verifier restores it.");
  adw_preferences_group_set_description (self->certificate_group, description);
  gtk_widget_set_visible (GTK_WIDGET (self->days_left_row), certificate->revoked_at == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->revoked_row), certificate->revoked_at != NULL);
  if (certificate->revoked_at != NULL)
    {
      g_autofree char *when = teken_format_time (certificate->revoked_at);
      /* Translators: when a certificate was revoked, and why */
      g_autofree char *text = g_strdup_printf (_("%s — %s"), when,
                                               teken_revocation_reason_describe (certificate->revocation_reason));

      set_subtitle (self->revoked_row, text);
    }

  algorithm = json_string (certificate->json, "key_algorithm");
  gtk_widget_set_visible (GTK_WIDGET (self->key_row), certificate->has_details);
  if (certificate->key_locked)
    key = g_strdup_printf (_("%s, locked after 5 wrong passphrases"), algorithm != NULL ? algorithm : "");
  else if (certificate->has_details && certificate->passphrase_attempts_left < 5)
    key = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %d passphrase try left before it locks",
                                        "%s, %d passphrase tries left before it locks",
                                        (gulong) certificate->passphrase_attempts_left),
                           algorithm != NULL ? algorithm : "", certificate->passphrase_attempts_left);
  else
    key = g_strdup (algorithm);
  set_subtitle (self->key_row, key);
}

static void
show_pending (TekenAccountDashboard    *self,
              const TekenCaAccountInfo *account)
{
  JsonObject *pending = json_object (account->json, "pending_update");
  JsonObject *changes = json_object (pending, "changes");
  g_autofree char *expires = NULL;
  g_autofree char *link_text = NULL;
  g_autoptr(GList) members = NULL;

  for (guint i = 0; i < self->pending_rows->len; i++)
    adw_preferences_group_remove (self->pending_group, g_ptr_array_index (self->pending_rows, i));
  g_ptr_array_set_size (self->pending_rows, 0);

  gtk_widget_set_visible (GTK_WIDGET (self->pending_group),
                          g_strcmp0 (account->verification_status, "UPDATE") == 0 || pending != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_actions_group),
                          gtk_widget_get_visible (GTK_WIDGET (self->pending_group)));
  if (pending == NULL)
    return;

  expires = teken_format_iso_time (json_string (pending, "link_expires_at"));
  link_text = g_strdup_printf (_("We e-mailed it to you; it works until %s."), expires);
  adw_action_row_set_subtitle (self->pending_link_row, link_text);

  members = changes != NULL ? json_object_get_members (changes) : NULL;
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonObject *change = json_object (changes, l->data);
      const char *from = json_string (change, "from");
      const char *to = json_string (change, "to");
      /* Translators: a value before and after a change */
      g_autofree char *text = g_strdup_printf (_("%s → %s"), from != NULL && *from != '\0' ? from : "—",
                                               to != NULL && *to != '\0' ? to : "—");
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), teken_profile_field_label (l->data));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_preferences_group_add (self->pending_group, row);
      g_ptr_array_add (self->pending_rows, row);
    }
}

static void
show_account (TekenAccountDashboard    *self,
              const TekenCaAccountInfo *account)
{
  JsonObject *employment = json_object (account->json, "employment");
  g_autofree char *name = NULL;
  g_autofree char *verification = NULL;
  const char *description = teken_ca_verification_status_describe (account->verification_status);

  name = g_strjoin (" ", account->title_prefix != NULL && *account->title_prefix != '\0' ? account->title_prefix : "",
                    account->name != NULL ? account->name : "", NULL);
  if (account->title_suffix != NULL && *account->title_suffix != '\0')
    {
      char *with_suffix = g_strdup_printf ("%s, %s", g_strstrip (name), account->title_suffix);

      g_free (name);
      name = with_suffix;
    }
  set_subtitle (self->name_row, g_strstrip (name));
  set_subtitle (self->nik_row, account->nik);
  set_subtitle (self->email_row, account->email);
  set_subtitle (self->agency_row, account->agency);
  set_subtitle (self->position_row, json_string (employment, "position"));
  set_subtitle (self->unit_row, json_string (employment, "unit"));
  if (g_strcmp0 (account->verification_status, "UPDATE") == 0 && description != NULL)
    verification = g_strdup_printf ("%s. %s", teken_verification_status_title (account->verification_status),
                                    description);
  else
    verification = g_strdup (teken_verification_status_title (account->verification_status));
  set_subtitle (self->verification_row, verification);
}

static void
dashboard_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autofree char *name = g_strconcat ("account.", action_name + strlen ("dashboard."), NULL);

  gtk_widget_activate_action (widget, name, NULL);
}

static void
teken_account_dashboard_dispose (GObject *object)
{
  TekenAccountDashboard *self = TEKEN_ACCOUNT_DASHBOARD (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_ACCOUNT_DASHBOARD);

  G_OBJECT_CLASS (teken_account_dashboard_parent_class)->dispose (object);
}

static void
teken_account_dashboard_finalize (GObject *object)
{
  TekenAccountDashboard *self = TEKEN_ACCOUNT_DASHBOARD (object);

  g_clear_pointer (&self->offers, g_hash_table_unref);
  g_clear_pointer (&self->pending_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (teken_account_dashboard_parent_class)->finalize (object);
}

static void
teken_account_dashboard_class_init (TekenAccountDashboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_account_dashboard_dispose;
  object_class->finalize = teken_account_dashboard_finalize;

  for (gsize i = 0; i < G_N_ELEMENTS (action_names); i++)
    {
      g_autofree char *name = g_strconcat ("dashboard.", action_names[i], NULL);

      gtk_widget_class_install_action (widget_class, name, NULL, dashboard_action_cb);
    }

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-account-dashboard.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TekenAccountDashboard, name)
  BIND (box); BIND (status_icon); BIND (status_title); BIND (status_code); BIND (status_meaning);
  BIND (next_step); BIND (warning_label); BIND (next_button);
  BIND (pending_group); BIND (pending_actions_group); BIND (pending_link_row);
  BIND (certificate_group); BIND (serial_row); BIND (holder_row); BIND (issuer_row); BIND (not_before_row);
  BIND (not_after_row); BIND (days_left_row); BIND (revoked_row); BIND (key_row); BIND (fingerprint_row);
  BIND (change_row); BIND (reset_row); BIND (renew_row); BIND (reissue_row); BIND (update_row);
  BIND (devices_row); BIND (revoke_row);
  BIND (name_row); BIND (nik_row); BIND (email_row); BIND (agency_row); BIND (position_row); BIND (unit_row);
  BIND (verification_row);
#undef BIND
}

static void
teken_account_dashboard_init (TekenAccountDashboard *self)
{
  AdwActionRow *rows[] = { NULL, NULL, NULL, NULL, NULL, NULL, NULL };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->offers = g_hash_table_new (g_str_hash, g_str_equal);
  self->pending_rows = g_ptr_array_new ();

  /* The template's subtitles, to show again when a row is offered. */
  rows[0] = self->change_row; rows[1] = self->reset_row; rows[2] = self->renew_row;
  rows[3] = self->reissue_row; rows[4] = self->update_row; rows[5] = self->devices_row;
  rows[6] = self->revoke_row;
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    g_object_set_data_full (G_OBJECT (rows[i]), "teken-subtitle",
                            g_strdup (adw_action_row_get_subtitle (rows[i])), g_free);
}

GtkWidget *
teken_account_dashboard_new (void)
{
  return g_object_new (TEKEN_TYPE_ACCOUNT_DASHBOARD, NULL);
}

/**
 * teken_account_dashboard_show:
 * @account: the account (docs/api.md §6.4)
 * @certificate: (nullable): its current certificate, with details (§7.3)
 */
void
teken_account_dashboard_show (TekenAccountDashboard        *self,
                              const TekenCaAccountInfo     *account,
                              const TekenCaCertificateInfo *certificate)
{
  TekenCertificateStatus wording;
  g_autofree char *code = NULL;
  g_autofree char *next = NULL;
  g_autofree char *warning = NULL;
  static const char * const styles[] = { "success", "warning", "error" };

  g_return_if_fail (TEKEN_IS_ACCOUNT_DASHBOARD (self));
  g_return_if_fail (account != NULL);

  teken_certificate_status_describe (account->status, account->verification_status,
                                     account->cannot_sign_reason, &wording);
  gtk_image_set_from_icon_name (self->status_icon, wording.icon_name);
  for (gsize i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), styles[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), wording.style);
  gtk_label_set_label (self->status_title, wording.title);
  /* Translators: %s is BSrE's status word, such as ISSUE or REVOKE */
  code = g_strdup_printf (_("BSrE status: %s"), wording.status);
  gtk_label_set_label (self->status_code, code);
  gtk_label_set_label (self->status_meaning, wording.meaning);
  /* The end is near: renewing is what to do now. */
  warning = certificate != NULL ? teken_certificate_expiry_warning (certificate->status, certificate->days_left) : NULL;
  if (warning != NULL && wording.next == TEKEN_CERTIFICATE_NEXT_NONE)
    {
      wording.next_step = _("Renew the certificate now with a new key; your passphrase stays the same.");
      wording.next = TEKEN_CERTIFICATE_NEXT_RENEW;
    }
  gtk_label_set_label (self->warning_label, warning != NULL ? warning : "");
  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), warning != NULL);
  /* Translators: followed by the advice for the certificate's status */
  next = g_strdup_printf (_("What to do next: %s"), wording.next_step);
  gtk_label_set_label (self->next_step, next);
  show_next (self, wording.next);

  show_certificate (self, certificate);
  show_pending (self, account);
  show_account (self, account);
  show_offers (self, account, certificate);
}

/**
 * teken_account_dashboard_offers:
 * @action: an action's name without its prefix, such as `revoke`
 *
 * Returns: whether the dashboard offers @action now
 */
gboolean
teken_account_dashboard_offers (TekenAccountDashboard *self,
                                const char            *action)
{
  g_return_val_if_fail (TEKEN_IS_ACCOUNT_DASHBOARD (self), FALSE);

  return GPOINTER_TO_INT (g_hash_table_lookup (self->offers, action));
}
