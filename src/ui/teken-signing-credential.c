/* teken-signing-credential.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The passphrase, or an e-mailed code, that lets the CA sign. Shared by
 * the signer picker (a credential asked up front, as batch signing wants)
 * and the sign dialog (asked at signing time). Nothing typed is kept: the
 * secret is taken into a TekenSecret and the field emptied. */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-signer-picker.h"
#include "teken-signing-credential.h"

struct _TekenSigningCredential
{
  AdwPreferencesGroup  parent_instance;

  TekenCaClient       *client;
  char                *nik;
  gboolean             otp_enabled;
  guint                n_documents;
  gboolean             ready;
  GCancellable        *cancellable;

  /* Template widgets */
  GtkWidget           *kind_row;
  GtkToggleButton     *code_button;
  AdwPasswordEntryRow *passphrase_row;
  AdwEntryRow         *code_row;
  GtkWidget           *send_code_button;
  GtkLabel            *message_label;
};

G_DEFINE_FINAL_TYPE (TekenSigningCredential, teken_signing_credential, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_READY,
  N_PROPS
};

enum {
  ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
using_code (TekenSigningCredential *self)
{
  return self->otp_enabled && gtk_toggle_button_get_active (self->code_button);
}

static void
show_message (TekenSigningCredential *self,
              const char             *message)
{
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
update_state (TekenSigningCredential *self)
{
  gboolean code = using_code (self);
  GtkEditable *field = code ? GTK_EDITABLE (self->code_row) : GTK_EDITABLE (self->passphrase_row);
  gboolean ready = gtk_editable_get_text (field)[0] != '\0';

  gtk_widget_set_visible (self->kind_row, self->otp_enabled);
  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_row), !code);
  gtk_widget_set_visible (GTK_WIDGET (self->code_row), code);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self),
                                   self->otp_enabled ? _("Confirm Signing") : _("Confirm with Your Passphrase"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         self->otp_enabled
                                         ? _("The CA signs only with your certificate's passphrase, or with a one-time code it e-mails to you.")
                                         : _("The CA signs only after it checks your certificate's passphrase. Teken does not keep it."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credential.send-code",
                                 self->client != NULL && self->nik != NULL && self->otp_enabled);
  if (self->ready != ready)
    {
      self->ready = ready;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }
}

static void
changed_cb (TekenSigningCredential *self)
{
  update_state (self);
}

static void
entry_activated_cb (TekenSigningCredential *self)
{
  if (self->ready)
    g_signal_emit (self, signals[ACTIVATE], 0);
}

static void
code_requested_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TekenSigningCredential) self = user_data;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = teken_ca_client_call_finish (TEKEN_CA_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (self->send_code_button, TRUE);
  if (answer == NULL)
    {
      g_autofree char *message = teken_signer_picker_describe_error (error, NULL);

      show_message (self, message);
      return;
    }
  show_message (self, _("A code is on its way to your e-mail. Type it in below; it is valid for a few minutes."));
  gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
}

static void
send_code_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TekenSigningCredential *self = TEKEN_SIGNING_CREDENTIAL (widget);

  if (self->client == NULL || self->nik == NULL)
    return;

  gtk_widget_set_sensitive (self->send_code_button, FALSE);
  show_message (self, NULL);
  teken_ca_client_request_signing_otp_async (self->client, self->nik, NULL, self->n_documents, self->cancellable,
                                             code_requested_cb, g_object_ref (self));
}

static void
teken_signing_credential_dispose (GObject *object)
{
  TekenSigningCredential *self = TEKEN_SIGNING_CREDENTIAL (object);

  g_cancellable_cancel (self->cancellable);
  if (self->passphrase_row != NULL)
    teken_signing_credential_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_SIGNING_CREDENTIAL);

  G_OBJECT_CLASS (teken_signing_credential_parent_class)->dispose (object);
}

static void
teken_signing_credential_finalize (GObject *object)
{
  TekenSigningCredential *self = TEKEN_SIGNING_CREDENTIAL (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_free (self->nik);

  G_OBJECT_CLASS (teken_signing_credential_parent_class)->finalize (object);
}

static void
teken_signing_credential_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  TekenSigningCredential *self = TEKEN_SIGNING_CREDENTIAL (object);

  switch (prop_id)
    {
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_signing_credential_class_init (TekenSigningCredentialClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_signing_credential_dispose;
  object_class->finalize = teken_signing_credential_finalize;
  object_class->get_property = teken_signing_credential_get_property;

  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TekenSigningCredential::activate:
   *
   * Enter was pressed in a filled field.
   */
  signals[ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-signing-credential.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenSigningCredential, kind_row);
  gtk_widget_class_bind_template_child (widget_class, TekenSigningCredential, code_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSigningCredential, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, TekenSigningCredential, code_row);
  gtk_widget_class_bind_template_child (widget_class, TekenSigningCredential, send_code_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSigningCredential, message_label);

  gtk_widget_class_install_action (widget_class, "credential.send-code", NULL, send_code_activated);
}

static void
teken_signing_credential_init (TekenSigningCredential *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->n_documents = 1;
  g_signal_connect_swapped (self->code_button, "toggled", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->passphrase_row, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->code_row, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->passphrase_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->code_row, "entry-activated", G_CALLBACK (entry_activated_cb), self);
  update_state (self);
}

TekenSigningCredential *
teken_signing_credential_new (void)
{
  return g_object_new (TEKEN_TYPE_SIGNING_CREDENTIAL, NULL);
}

/**
 * teken_signing_credential_set_account:
 * @client: (nullable): where codes are asked for
 * @nik: (nullable): whose certificate
 * @otp_enabled: whether the holder enabled signing with an e-mailed code
 *   (docs/api.md §7.9); otherwise only the passphrase is offered
 */
void
teken_signing_credential_set_account (TekenSigningCredential *self,
                                      TekenCaClient          *client,
                                      const char             *nik,
                                      gboolean                otp_enabled)
{
  g_return_if_fail (TEKEN_IS_SIGNING_CREDENTIAL (self));
  g_return_if_fail (client == NULL || TEKEN_IS_CA_CLIENT (client));

  g_set_object (&self->client, client);
  g_free (self->nik);
  self->nik = g_strdup (nik);
  self->otp_enabled = otp_enabled;
  if (!otp_enabled)
    gtk_toggle_button_set_active (self->code_button, FALSE);
  show_message (self, NULL);
  update_state (self);
}

void
teken_signing_credential_set_n_documents (TekenSigningCredential *self,
                                          guint                   n_documents)
{
  g_return_if_fail (TEKEN_IS_SIGNING_CREDENTIAL (self));
  g_return_if_fail (n_documents >= 1 && n_documents <= TEKEN_CA_MAX_DIGESTS);

  self->n_documents = n_documents;
}

gboolean
teken_signing_credential_get_ready (TekenSigningCredential *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGNING_CREDENTIAL (self), FALSE);

  return self->ready;
}

/**
 * teken_signing_credential_take:
 * @kind: (out): what the secret is
 *
 * Returns: (transfer full): the passphrase as typed, or the code without
 *   the spaces pasting brings; the fields are emptied
 */
TekenSecret *
teken_signing_credential_take (TekenSigningCredential      *self,
                               TekenRemoteSignerCredential *kind)
{
  gboolean code;
  GtkEditable *field;
  g_autofree char *text = NULL;
  TekenSecret *secret;

  g_return_val_if_fail (TEKEN_IS_SIGNING_CREDENTIAL (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  code = using_code (self);
  field = code ? GTK_EDITABLE (self->code_row) : GTK_EDITABLE (self->passphrase_row);
  text = g_strdup (gtk_editable_get_text (field));
  if (code)
    g_strstrip (text);
  secret = teken_secret_new (text, -1);
  teken_wipe_string (text);
  teken_signing_credential_clear (self);

  *kind = code ? TEKEN_REMOTE_SIGNER_OTP : TEKEN_REMOTE_SIGNER_PASSPHRASE;
  return secret;
}

/* Empties both fields. */
void
teken_signing_credential_clear (TekenSigningCredential *self)
{
  g_return_if_fail (TEKEN_IS_SIGNING_CREDENTIAL (self));

  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
}

void
teken_signing_credential_focus (TekenSigningCredential *self)
{
  g_return_if_fail (TEKEN_IS_SIGNING_CREDENTIAL (self));

  gtk_widget_grab_focus (using_code (self) ? GTK_WIDGET (self->code_row) : GTK_WIDGET (self->passphrase_row));
}
