/* teken-account-window-lifecycle.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a holder does with the certificate (docs/api.md §7): change or
 * reset the passphrase (a request, then the e-mailed link's page), revoke
 * it, renew it or ask for a new one, update the account's data and
 * confirm or cancel the change, download the certificate and its chain.
 *
 * Each follows the seed rules before anything is sent — the passphrase
 * policy as a live checklist, the holder agreement read before it is
 * accepted, CABUT typed to revoke — and ends on a page that says what
 * happened and what comes next. */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "teken-account-window-private.h"
#include "teken-agreement-window.h"
#include "teken-certificate-status.h"

#define REVOKE_CONFIRMATION "CABUT"

/* The holder agreement */

static void
update_agreement_rows (TekenAccountWindow *self)
{
  AdwActionRow *rows[] = { self->change_agreement_row, self->reset_agreement_row, self->renew_agreement_row };
  g_autofree char *read = NULL;

  if (self->holder_version == NULL)
    return;
  /* Translators: %s is the agreement's version, such as 2026.1 */
  read = g_strdup_printf (_("Version %s, read. Pressing the button below means you accept it."), self->holder_version);
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    adw_action_row_set_subtitle (rows[i], read);
}

static void change_changed_cb (TekenAccountWindow *self);
static void reset_changed_cb (TekenAccountWindow *self);
static void renew_changed_cb (TekenAccountWindow *self);

static void
agreement_shown (TekenAccountWindow *self,
                 JsonObject         *reply,
                 const GError       *error)
{
  if (error != NULL)
    {
      teken_account_window_toast (self, error->message);
      return;
    }

  /* The Indonesian text is the binding one (docs/api.md §5.9). */
  gtk_window_present (GTK_WINDOW (teken_agreement_window_new (GTK_WINDOW (self), teken_json_string (reply, "title"),
                                                              teken_json_string (reply, "version"),
                                                              teken_json_string (reply, "text"))));

  g_free (self->holder_version);
  self->holder_version = g_strdup (teken_json_string (reply, "version"));
  update_agreement_rows (self);
  change_changed_cb (self);
  reset_changed_cb (self);
  renew_changed_cb (self);
}

static void
read_agreement_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  static const char * const path_args[] = { "holder_agreement", NULL };
  static const char * const query[] = { "lang", "id", NULL };

  teken_account_window_send (TEKEN_ACCOUNT_WINDOW (widget), TEKEN_CA_ENDPOINT_AGREEMENT, path_args, query, NULL,
                             NULL, agreement_shown);
}

/* A new passphrase typed twice, against the policy; as in the wizard. */
static gboolean
passphrase_pair_ok (TekenPolicyChecklist *checklist,
                    gpointer              row,
                    gpointer              again_row,
                    GtkLabel             *hint)
{
  const char *text = teken_row_text (row);
  const char *again = teken_row_text (again_row);
  gboolean policy_ok = teken_policy_checklist_update (checklist, text);
  gboolean same = g_str_equal (text, again);

  teken_mark_row (again_row, *again != '\0' && !same);
  if (*again != '\0' && !same)
    teken_set_hint (hint, _("The two entries of the new passphrase differ."), FALSE);
  else if (!gtk_widget_has_css_class (GTK_WIDGET (hint), "error"))
    teken_set_hint (hint, NULL, FALSE);
  return policy_ok && same;
}

/* Change and reset: the request */

static void
show_request (TekenAccountWindow *self,
              const char         *kind)
{
  GtkStackPage *page = gtk_stack_get_page (self->stack, gtk_stack_get_child_by_name (self->stack, "request"));
  gboolean change = g_str_equal (kind, "change");
  const char *title = change ? _("Change the passphrase") : _("Reset a forgotten passphrase");
  const char *email = self->account != NULL && self->account->email != NULL ? self->account->email : "";
  g_autofree char *intro = NULL;

  g_free (self->request_kind);
  self->request_kind = g_strdup (kind);
  intro = change
    ? g_strdup_printf (_("For your safety the change is made from a link we e-mail to %s. Open it, then type your current passphrase and the new one twice."), email)
    : g_strdup_printf (_("We e-mail a link to %s. Open it and choose a new passphrase."), email);
  gtk_label_set_label (self->request_heading, title);
  gtk_stack_page_set_title (page, title);
  gtk_label_set_label (self->request_intro, intro);
  gtk_label_set_label (self->request_detail,
                       change
                         ? _("The new passphrase protects the same key and certificate; nothing else changes. Keep it to yourself: nobody, not even your agency, may ask you for it.")
                         : _("Nobody, not even the CA, can recover a forgotten passphrase. So a new key and a new certificate with a new serial number are made, and the current certificate is revoked as replaced. Documents you signed before stay valid."));
  teken_set_hint (self->request_hint, NULL, FALSE);
  teken_account_window_show_page (self, "request");
}

static void
change_passphrase_activated (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  show_request (TEKEN_ACCOUNT_WINDOW (widget), "change");
}

static void
reset_passphrase_activated (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  show_request (TEKEN_ACCOUNT_WINDOW (widget), "reset");
}

static void
request_sent (TekenAccountWindow *self,
              JsonObject         *reply,
              const GError       *error)
{
  g_autofree char *until = NULL;
  g_autofree char *intro = NULL;

  if (error != NULL)
    {
      teken_account_window_error_hint (self, self->request_hint, error);
      return;
    }
  until = teken_format_iso_time (teken_json_string (reply, "expires_at"));
  intro = g_strdup_printf (_("We sent a link to %s. It works once, until %s."),
                           self->account != NULL && self->account->email != NULL ? self->account->email : "", until);
  teken_account_window_wait_for_link (self, intro, self->request_kind, "request");
}

static void
request_clicked_cb (TekenAccountWindow *self)
{
  teken_account_window_send (self,
                             g_strcmp0 (self->request_kind, "change") == 0 ? TEKEN_CA_ENDPOINT_PASSPHRASE_CHANGE_REQUEST
                                                                           : TEKEN_CA_ENDPOINT_PASSPHRASE_RESET_REQUEST,
                             NULL, NULL, NULL, NULL, request_sent);
}

/* Change: the link's page (docs/api.md §7.5) */

static void
change_changed_cb (TekenAccountWindow *self)
{
  gboolean pair = passphrase_pair_ok (self->change_checklist, self->change_new_row, self->change_again_row,
                                      self->change_hint);

  gtk_widget_set_sensitive (GTK_WIDGET (self->change_button),
                            pair && *teken_row_text (self->old_passphrase_row) != '\0' &&
                            self->holder_version != NULL && self->link_token != NULL);
}

static void
passphrase_changed (TekenAccountWindow *self,
                    JsonObject         *reply,
                    const GError       *error)
{
  if (error != NULL)
    {
      teken_set_hint (self->change_hint, error->message, TRUE);
      return;
    }
  g_clear_pointer (&self->link_token, g_free);
  teken_account_window_show_outcome (self, "emblem-ok-symbolic", _("Passphrase changed"),
                                     _("From now on sign with the new passphrase; the old one no longer works. We sent you an e-mail about the change."),
                                     NULL);
}

static void
change_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(TekenSecret) old = teken_row_secret (self->old_passphrase_row);
  g_autoptr(TekenSecret) passphrase = teken_row_secret (self->change_new_row);
  g_autoptr(TekenSecret) again = teken_row_secret (self->change_again_row);
  const TekenCaSecretMember secrets[] = {
    { "old_passphrase", old }, { "new_passphrase", passphrase }, { "new_passphrase_confirmation", again },
    { NULL, NULL },
  };

  if (self->link_token == NULL || self->holder_version == NULL)
    return;
  json_object_set_string_member (body, "token", self->link_token);
  json_object_set_string_member (body, "holder_agreement_version", self->holder_version);
  teken_set_hint (self->change_hint, NULL, FALSE);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_PASSPHRASE_CHANGE, NULL, NULL, body, secrets,
                             passphrase_changed);
}

/* Reset: the link's page */

static void
reset_changed_cb (TekenAccountWindow *self)
{
  gboolean pair = passphrase_pair_ok (self->reset_checklist, self->reset_new_row, self->reset_again_row,
                                      self->reset_hint);

  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button),
                            pair && self->holder_version != NULL && self->link_token != NULL);
}

static void
passphrase_reset (TekenAccountWindow *self,
                  JsonObject         *reply,
                  const GError       *error)
{
  if (error != NULL)
    {
      teken_set_hint (self->reset_hint, error->message, TRUE);
      return;
    }
  g_clear_pointer (&self->link_token, g_free);
  teken_account_window_show_outcome (self, "emblem-ok-symbolic", _("New certificate issued"),
                                     _("Your new passphrase protects a new key and a new certificate; the old certificate is revoked as replaced. Sign with the new passphrase from now on."),
                                     teken_json_object (reply, "certificate"));
}

static void
reset_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(TekenSecret) passphrase = teken_row_secret (self->reset_new_row);
  g_autoptr(TekenSecret) again = teken_row_secret (self->reset_again_row);
  const TekenCaSecretMember secrets[] = {
    { "new_passphrase", passphrase }, { "new_passphrase_confirmation", again }, { NULL, NULL },
  };

  if (self->link_token == NULL || self->holder_version == NULL)
    return;
  json_object_set_string_member (body, "token", self->link_token);
  json_object_set_string_member (body, "holder_agreement_version", self->holder_version);
  teken_set_hint (self->reset_hint, NULL, FALSE);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_PASSPHRASE_RESET, NULL, NULL, body, secrets, passphrase_reset);
}

/* Revoke (docs/api.md §7.6) */

static gboolean
confirmation_typed (TekenAccountWindow *self)
{
  g_autofree char *typed = g_strstrip (g_strdup (teken_row_text (self->confirm_row)));

  return g_ascii_strcasecmp (typed, REVOKE_CONFIRMATION) == 0;
}

static void
revoke_changed_cb (TekenAccountWindow *self)
{
  g_autofree char *typed = g_strstrip (g_strdup (teken_row_text (self->confirm_row)));
  gboolean confirmed = confirmation_typed (self);

  teken_mark_row (self->confirm_row, strlen (typed) >= strlen (REVOKE_CONFIRMATION) && !confirmed);
  gtk_widget_set_sensitive (GTK_WIDGET (self->revoke_button),
                            teken_choice_list_get_selected (self->reason_list) != NULL && confirmed &&
                            *teken_row_text (self->revoke_password_row) != '\0');
}

static void
revoke_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TekenAccountWindow *self = TEKEN_ACCOUNT_WINDOW (widget);

  teken_choice_list_set_selected (self->reason_list, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  teken_set_hint (self->revoke_hint, _("Choose a reason, type CABUT and your account password."), FALSE);
  teken_account_window_show_page (self, "revoke");
  revoke_changed_cb (self);
}

static void
revoked (TekenAccountWindow *self,
         JsonObject         *reply,
         const GError       *error)
{
  if (error != NULL)
    {
      teken_account_window_error_hint (self, self->revoke_hint, error);
      return;
    }
  teken_account_window_show_outcome (self, "action-unavailable-symbolic", _("Certificate revoked"),
                                     _("Your certificate is revoked for good and can no longer sign. To sign again, ask for a new certificate under My Certificate; your agency's verifier checks your data first."),
                                     teken_json_object (reply, "certificate"));
}

static void
revoke_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(TekenSecret) password = teken_row_secret (self->revoke_password_row);
  g_autofree char *typed = g_strstrip (g_strdup (teken_row_text (self->confirm_row)));
  const TekenCaSecretMember secrets[] = { { "password", password }, { NULL, NULL } };

  if (teken_choice_list_get_selected (self->reason_list) == NULL || !confirmation_typed (self))
    return;
  json_object_set_string_member (body, "reason", teken_choice_list_get_selected (self->reason_list));
  json_object_set_string_member (body, "confirmation", typed);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_CERTIFICATE_REVOKE, NULL, NULL, body, secrets, revoked);
}

/* Renew (§7.7) and re-issue after revocation (§7.8) */

static gboolean
renewal_offers (TekenAccountWindow *self,
                const char         *method)
{
  JsonObject *renewal = self->certificate != NULL ? teken_json_object (self->certificate->json, "renewal") : NULL;
  JsonNode *methods = renewal != NULL ? json_object_get_member (renewal, "methods") : NULL;
  JsonArray *array;

  if (methods == NULL || !JSON_NODE_HOLDS_ARRAY (methods))
    return FALSE;
  array = json_node_get_array (methods);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), method) == 0)
      return TRUE;
  return FALSE;
}

static void
renew_changed_cb (TekenAccountWindow *self)
{
  gboolean reissue = g_strcmp0 (self->renew_mode, "reissue") == 0;
  const char *method = teken_choice_list_get_selected (self->method_list);
  gboolean rekey = !reissue && g_strcmp0 (method, "rekey") == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->renew_passphrase_group), rekey);
  gtk_widget_set_sensitive (GTK_WIDGET (self->renew_button),
                            self->holder_version != NULL && (reissue || method != NULL) &&
                            (!rekey || *teken_row_text (self->renew_passphrase_row) != '\0'));
}

static void
show_renew (TekenAccountWindow *self,
            const char         *mode)
{
  GtkStackPage *page = gtk_stack_get_page (self->stack, gtk_stack_get_child_by_name (self->stack, "renew"));
  gboolean reissue = g_str_equal (mode, "reissue");
  const char *title = reissue ? _("Ask for a new certificate") : _("Renew your certificate");
  gboolean rekey = renewal_offers (self, "rekey");
  gboolean verifier = renewal_offers (self, "verifier");
  JsonObject *renewal = self->certificate != NULL ? teken_json_object (self->certificate->json, "renewal") : NULL;
  g_autofree char *rekey_from = teken_format_iso_time (teken_json_string (renewal, "rekey_from"));
  g_autofree char *rekey_why = NULL;

  g_free (self->renew_mode);
  self->renew_mode = g_strdup (mode);
  gtk_label_set_label (self->renew_heading, title);
  gtk_stack_page_set_title (page, title);
  gtk_button_set_label (self->renew_button, reissue ? _("Accept and Ask") : _("Accept and Renew"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->renew_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  reissue ? _("Accept and Ask for a New Certificate") : _("Accept and Renew"), -1);
  gtk_label_set_label (self->renew_intro,
                       reissue
                         ? _("Your certificate is revoked. A new one is issued after your agency's verifier checks your data, including any change you made since the revocation. You will get an e-mail, then choose the passphrase of the new certificate.")
                         : _("The CA renews in one of two ways; which one you can use depends on your certificate's status."));

  teken_choice_list_remove_all (self->method_list);
  gtk_widget_set_visible (GTK_WIDGET (self->method_list), !reissue);
  if (!reissue)
    {
      if (rekey)
        rekey_why = g_strdup (_("For an active certificate in its last 30 days. The new key is protected by your present passphrase, and you can sign right away."));
      else if (self->certificate != NULL && g_strcmp0 (self->certificate->status, "ISSUE") == 0 && *rekey_from != '\0')
        rekey_why = g_strdup_printf (_("Possible from %s, while the certificate is active."), rekey_from);
      else
        rekey_why = g_strdup (_("Only for an active certificate in its last 30 days."));
      teken_choice_list_add (self->method_list, "rekey", _("Renew now with a new key"), rekey_why, rekey);
      teken_choice_list_add (self->method_list, "verifier", _("Renew through your agency's verifier"),
                             verifier ? _("For an expired certificate. The verifier checks your data; then you choose a passphrase for the new certificate.")
                                      : _("Only once the certificate has expired."),
                             verifier);
      if (rekey != verifier)
        teken_choice_list_set_selected (self->method_list, rekey ? "rekey" : "verifier");
    }
  teken_set_hint (self->renew_hint, NULL, FALSE);
  teken_account_window_show_page (self, "renew");
  renew_changed_cb (self);
}

static void
renew_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  show_renew (TEKEN_ACCOUNT_WINDOW (widget), "renew");
}

static void
reissue_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  show_renew (TEKEN_ACCOUNT_WINDOW (widget), "reissue");
}

static void
renewed (TekenAccountWindow *self,
         JsonObject         *reply,
         const GError       *error)
{
  const char *status = teken_json_string (reply, "status");

  if (error != NULL)
    {
      teken_account_window_error_hint (self, self->renew_hint, error);
      return;
    }
  if (g_strcmp0 (status, "ISSUE") == 0)
    teken_account_window_show_outcome (self, "emblem-ok-symbolic", _("Certificate renewed"),
                                       _("Your new certificate is active: sign with the same passphrase as before. The old certificate is revoked as replaced."),
                                       teken_json_object (reply, "certificate"));
  else if (g_strcmp0 (self->renew_mode, "reissue") == 0)
    teken_account_window_show_outcome (self, "document-open-recent-symbolic", _("New certificate requested"),
                                       _("Your agency's verifier now checks your data. You will get an e-mail with a link to choose the passphrase of your new certificate."),
                                       NULL);
  else
    teken_account_window_show_outcome (self, "document-open-recent-symbolic", _("Renewal requested"),
                                       _("Your agency's verifier now checks your data. You will get an e-mail; then you choose a passphrase for the new certificate."),
                                       NULL);
}

static void
renew_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(TekenSecret) passphrase = teken_row_secret (self->renew_passphrase_row);
  const char *method = teken_choice_list_get_selected (self->method_list);
  const TekenCaSecretMember secrets[] = { { "passphrase", passphrase }, { NULL, NULL } };

  if (self->holder_version == NULL)
    return;
  json_object_set_string_member (body, "holder_agreement_version", self->holder_version);
  if (g_strcmp0 (self->renew_mode, "reissue") == 0)
    {
      teken_account_window_send (self, TEKEN_CA_ENDPOINT_CERTIFICATE_REISSUE, NULL, NULL, body, NULL, renewed);
      return;
    }
  if (method == NULL)
    return;
  json_object_set_string_member (body, "method", method);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_CERTIFICATE_RENEW, NULL, NULL, body,
                             g_str_equal (method, "rekey") ? secrets : NULL, renewed);
}

/* Data updates (§7.10) */

static void
profile_changed_cb (TekenAccountWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->update_button), teken_profile_form_is_ready (self->profile_form));
}

static void
update_data_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TekenAccountWindow *self = TEKEN_ACCOUNT_WINDOW (widget);

  if (self->account == NULL)
    return;
  teken_profile_form_set_account (self->profile_form, self->account);
  teken_account_window_show_page (self, "update");
  profile_changed_cb (self);
}

static void
profile_sent (TekenAccountWindow *self,
              JsonObject         *reply,
              const GError       *error)
{
  g_autofree char *message = NULL;

  if (error != NULL)
    {
      if (!teken_account_window_session_ended (self, error))
        teken_profile_form_set_hint (self->profile_form, error->message, TRUE);
      return;
    }
  if (g_strcmp0 (teken_json_string (reply, "verification_status"), "UPDATE") == 0)
    message = g_strdup (_("Confirm the change from the e-mailed link."));
  else
    message = g_strdup (_("Your mobile number is changed."));
  teken_account_window_toast (self, message);
  teken_account_window_reload (self);
}

static void
update_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    TekenAccountWindow *self)
{
  g_autoptr(JsonObject) body = NULL;

  if (!g_str_equal (response, "send") || (body = teken_profile_form_build_changes (self->profile_form)) == NULL)
    return;
  teken_profile_form_set_hint (self->profile_form, NULL, FALSE);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_PROFILE_UPDATE, NULL, NULL, body, NULL, profile_sent);
}

static void
update_clicked_cb (TekenAccountWindow *self)
{
  g_autofree char *changes = teken_profile_form_describe_changes (self->profile_form);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (!teken_profile_form_is_ready (self->profile_form))
    return;
  body = g_strdup_printf ("%s\n\n%s", changes,
                          teken_profile_form_needs_confirmation (self->profile_form)
                            ? _("We e-mail you a link to confirm the change. Until you open it, signing is paused.")
                            : _("The mobile number changes at once."));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Send These Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "send", _("_Send Changes"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "send");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_title (GTK_WINDOW (dialog), adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (update_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_confirmed (TekenAccountWindow *self,
                  JsonObject         *reply,
                  const GError       *error)
{
  if (error != NULL)
    {
      teken_set_hint (self->confirm_hint, error->message, TRUE);
      return;
    }
  g_clear_pointer (&self->link_token, g_free);
  teken_account_window_show_outcome (self, "emblem-ok-symbolic", _("Data change confirmed"),
                                     _("Your data is updated, and you can sign again. We sent you an e-mail about it."),
                                     NULL);
}

static void
confirm_clicked_cb (TekenAccountWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();

  if (self->link_token == NULL)
    return;
  json_object_set_string_member (body, "token", self->link_token);
  teken_account_window_send (self, TEKEN_CA_ENDPOINT_PROFILE_CONFIRM, NULL, NULL, body, NULL, update_confirmed);
}

static void
update_link_resent (TekenAccountWindow *self,
                    JsonObject         *reply,
                    const GError       *error)
{
  if (error != NULL)
    {
      if (!teken_account_window_session_ended (self, error))
        teken_account_window_toast (self, error->message);
      return;
    }
  teken_account_window_toast (self, _("A new confirmation link is on its way."));
  teken_account_window_reload (self);
}

static void
resend_update_link_activated (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  teken_account_window_send (TEKEN_ACCOUNT_WINDOW (widget), TEKEN_CA_ENDPOINT_PROFILE_PENDING_RESEND, NULL, NULL,
                             NULL, NULL, update_link_resent);
}

static void
update_cancelled (TekenAccountWindow *self,
                  JsonObject         *reply,
                  const GError       *error)
{
  if (error != NULL)
    {
      if (!teken_account_window_session_ended (self, error))
        teken_account_window_toast (self, error->message);
      return;
    }
  teken_account_window_toast (self, _("The data change is cancelled."));
  teken_account_window_reload (self);
}

static void
cancel_response_cb (AdwMessageDialog   *dialog,
                    const char         *response,
                    TekenAccountWindow *self)
{
  if (g_str_equal (response, "cancel-change"))
    teken_account_window_send (self, TEKEN_CA_ENDPOINT_PROFILE_PENDING_CANCEL, NULL, NULL, NULL, NULL,
                               update_cancelled);
}

static void
cancel_update_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TekenAccountWindow *self = TEKEN_ACCOUNT_WINDOW (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Cancel the Data Change?"),
                                              _("Nothing you asked to change is applied, and the confirmation link stops working. Signing works again at once."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep It"),
                                    "cancel-change", _("C_ancel the Change"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel-change", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  gtk_window_set_title (GTK_WINDOW (dialog), adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Downloads (§7.4) */

typedef struct
{
  TekenAccountWindow *self;
  GFile *file;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->self);
  g_clear_object (&download->file);
  g_free (download);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Download, download_free)

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Download) download = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (download->file);
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    message = g_strdup_printf (_("The file could not be saved (%s). Choose another folder and try again."),
                               error->message);
  else
    message = g_strdup_printf (_("Saved as %s."), name);
  teken_account_window_toast (download->self, message);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Download) download = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = teken_ca_client_fetch_finish (TEKEN_CA_CLIENT (source), result, NULL, &error);
  GCancellable *cancellable;
  GFile *file;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  teken_account_window_set_busy (download->self, FALSE);
  if (bytes == NULL)
    {
      if (!teken_account_window_session_ended (download->self, error))
        teken_account_window_toast (download->self, error->message);
      return;
    }
  file = download->file;
  cancellable = download->self->cancellable;
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                                       saved_cb, g_steal_pointer (&download));
}

static void
chooser_response_cb (GtkNativeDialog    *chooser,
                     int                 response,
                     TekenAccountWindow *self)
{
  gboolean chain = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "teken-chain"));
  const char *format = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "format");
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  Download *download;

  if (response == GTK_RESPONSE_ACCEPT && file != NULL && self->certificate != NULL)
    {
      const char * const path_args[] = { self->certificate->id, NULL };
      const char * const query[] = {
        "what", chain ? "chain" : "certificate", "format", g_strcmp0 (format, "der") == 0 ? "der" : "pem", NULL,
      };

      download = g_new0 (Download, 1);
      download->self = g_object_ref (self);
      download->file = g_steal_pointer (&file);
      teken_account_window_set_busy (self, TRUE);
      teken_ca_client_fetch_async (self->client, TEKEN_CA_ENDPOINT_CERTIFICATE_DOWNLOAD, path_args, query, NULL,
                                   NULL, self->cancellable, fetched_cb, download);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
start_download (TekenAccountWindow *self,
                gboolean            chain)
{
  static const char *formats[] = { "pem", "der", NULL };
  const char *labels[] = { _("PEM (text)"), _("DER (binary)"), NULL };
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (self->certificate == NULL)
    return;
  chooser = gtk_file_chooser_native_new (chain ? _("Save the Certificate Chain") : _("Save the Certificate"),
                                         GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "format", _("Format"), formats, labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "format", "pem");
  name = g_strdup_printf (chain ? "%s-chain.pem" : "%s.pem", self->certificate->serial);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "teken-chain", GINT_TO_POINTER (chain));
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
download_certificate_activated (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  start_download (TEKEN_ACCOUNT_WINDOW (widget), FALSE);
}

static void
download_chain_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  start_download (TEKEN_ACCOUNT_WINDOW (widget), TRUE);
}

/* Links */

static void
show_changes_to_confirm (TekenAccountWindow *self)
{
  JsonObject *pending = self->account != NULL ? teken_json_object (self->account->json, "pending_update") : NULL;
  JsonObject *changes = teken_json_object (pending, "changes");
  g_autoptr(GList) members = changes != NULL ? json_object_get_members (changes) : NULL;
  GString *text = g_string_new (NULL);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonObject *change = teken_json_object (changes, l->data);
      const char *from = teken_json_string (change, "from");
      const char *to = teken_json_string (change, "to");

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, _("%s: %s → %s"), teken_profile_field_label (l->data),
                              from != NULL && *from != '\0' ? from : "—", to != NULL && *to != '\0' ? to : "—");
    }
  gtk_label_set_label (self->confirm_changes, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_changes), text->len > 0);
  g_string_free (text, TRUE);
}

/**
 * teken_account_window_route_link:
 * @purpose: (nullable): a checked link's purpose (docs/api.md §12)
 *
 * Opens the page a valid e-mailed link is for.
 */
void
teken_account_window_route_link (TekenAccountWindow *self,
                                 const char         *purpose)
{
  if (g_strcmp0 (purpose, "change_passphrase") == 0)
    {
      teken_set_hint (self->change_hint, NULL, FALSE);
      update_agreement_rows (self);
      teken_account_window_show_page (self, "change-passphrase");
      change_changed_cb (self);
    }
  else if (g_strcmp0 (purpose, "reset_passphrase") == 0)
    {
      teken_set_hint (self->reset_hint, NULL, FALSE);
      update_agreement_rows (self);
      teken_account_window_show_page (self, "reset-passphrase");
      reset_changed_cb (self);
    }
  else if (g_strcmp0 (purpose, "reset_password") == 0)
    teken_account_window_show_page (self, "new-password");
  else if (g_strcmp0 (purpose, "confirm_update") == 0)
    {
      show_changes_to_confirm (self);
      teken_set_hint (self->confirm_hint, NULL, FALSE);
      teken_account_window_show_page (self, "confirm-update");
    }
  else if (g_strcmp0 (purpose, "activation") == 0 || g_strcmp0 (purpose, "set_passphrase") == 0)
    {
      /* An enrollment link pasted here: the wizard takes it. */
      g_autofree char *uri = g_strdup_printf ("teken://%s?token=%s",
                                              g_str_equal (purpose, "activation") ? "activate" : "set-passphrase",
                                              self->link_token);
      g_autoptr(GFile) file = g_file_new_for_uri (uri);

      g_clear_pointer (&self->link_token, g_free);
      g_application_open (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))), &file, 1, "");
    }
  else
    {
      g_clear_pointer (&self->link_token, g_free);
      teken_set_hint (self->link_hint, _("This link is not for My Certificate. Open it from its own e-mail."), TRUE);
    }
}

void
teken_account_window_lifecycle_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "account.read-agreement", NULL, read_agreement_activated);
  gtk_widget_class_install_action (widget_class, "account.change-passphrase", NULL, change_passphrase_activated);
  gtk_widget_class_install_action (widget_class, "account.reset-passphrase", NULL, reset_passphrase_activated);
  gtk_widget_class_install_action (widget_class, "account.revoke", NULL, revoke_activated);
  gtk_widget_class_install_action (widget_class, "account.renew", NULL, renew_activated);
  gtk_widget_class_install_action (widget_class, "account.reissue", NULL, reissue_activated);
  gtk_widget_class_install_action (widget_class, "account.update-data", NULL, update_data_activated);
  gtk_widget_class_install_action (widget_class, "account.resend-update-link", NULL, resend_update_link_activated);
  gtk_widget_class_install_action (widget_class, "account.cancel-update", NULL, cancel_update_activated);
  gtk_widget_class_install_action (widget_class, "account.download-certificate", NULL, download_certificate_activated);
  gtk_widget_class_install_action (widget_class, "account.download-chain", NULL, download_chain_activated);
}

void
teken_account_window_lifecycle_init (TekenAccountWindow *self)
{
  const TekenRevocationReason *reasons;
  gsize n_reasons;

  reasons = teken_revocation_reasons (&n_reasons);
  for (gsize i = 0; i < n_reasons; i++)
    teken_choice_list_add (self->reason_list, reasons[i].reason, _(reasons[i].label), NULL, TRUE);

  g_signal_connect_swapped (self->request_button, "clicked", G_CALLBACK (request_clicked_cb), self);
  g_signal_connect_swapped (self->old_passphrase_row, "changed", G_CALLBACK (change_changed_cb), self);
  g_signal_connect_swapped (self->change_new_row, "changed", G_CALLBACK (change_changed_cb), self);
  g_signal_connect_swapped (self->change_again_row, "changed", G_CALLBACK (change_changed_cb), self);
  g_signal_connect_swapped (self->change_button, "clicked", G_CALLBACK (change_clicked_cb), self);
  g_signal_connect_swapped (self->reset_new_row, "changed", G_CALLBACK (reset_changed_cb), self);
  g_signal_connect_swapped (self->reset_again_row, "changed", G_CALLBACK (reset_changed_cb), self);
  g_signal_connect_swapped (self->reset_button, "clicked", G_CALLBACK (reset_clicked_cb), self);
  g_signal_connect_swapped (self->reason_list, "notify::selected", G_CALLBACK (revoke_changed_cb), self);
  g_signal_connect_swapped (self->confirm_row, "changed", G_CALLBACK (revoke_changed_cb), self);
  g_signal_connect_swapped (self->revoke_password_row, "changed", G_CALLBACK (revoke_changed_cb), self);
  g_signal_connect_swapped (self->revoke_button, "clicked", G_CALLBACK (revoke_clicked_cb), self);
  g_signal_connect_swapped (self->method_list, "notify::selected", G_CALLBACK (renew_changed_cb), self);
  g_signal_connect_swapped (self->renew_passphrase_row, "changed", G_CALLBACK (renew_changed_cb), self);
  g_signal_connect_swapped (self->renew_button, "clicked", G_CALLBACK (renew_clicked_cb), self);
  g_signal_connect_swapped (self->profile_form, "changed", G_CALLBACK (profile_changed_cb), self);
  g_signal_connect_swapped (self->update_button, "clicked", G_CALLBACK (update_clicked_cb), self);
  g_signal_connect_swapped (self->confirm_button, "clicked", G_CALLBACK (confirm_clicked_cb), self);
}
