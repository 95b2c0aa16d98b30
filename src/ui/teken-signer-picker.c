/* teken-signer-picker.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Who signs. The account source follows the CA client: when a session
 * appears (My Certificate signed in, or one found in the keyring) it asks
 * the CA for the account and the current certificate, and says plainly why
 * a certificate that is not ISSUE cannot sign. The certificate's DER comes
 * with that answer, so the signer is made without another request, and a
 * caller can preview the signature before the passphrase is typed.
 *
 * Secrets typed here go into a TekenSecret when the signer is made, and
 * the fields are emptied at once; nothing is kept in the widget.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-certificate-status.h"
#include "teken-pkcs12-signer.h"
#include "teken-remote-signer.h"
#include "teken-session-store.h"
#include "teken-signer-picker.h"
#include "teken-signing-credential.h"

struct _TekenSignerPicker
{
  GtkBox              parent_instance;

  TekenCaClient      *client;
  TekenSessionStore  *sessions;
  GCancellable       *cancellable;   /* the account's requests; replaced on reload */
  GFile              *file;
  TekenSignerSource   source;
  gboolean            show_credential;
  gboolean            loading;
  gboolean            busy;
  gboolean            ready;
  gboolean            signed_in;
  char               *account;       /* the session's, to notice a different holder */

  char               *nik;
  char               *holder_name;
  char               *status;
  gboolean            can_sign;
  gboolean            otp_enabled;
  GBytes             *certificate;

  /* Template widgets */
  GtkToggleButton    *account_check;
  GtkToggleButton    *file_check;
  GtkWidget          *account_group;
  AdwActionRow       *holder_row;
  GtkSpinner         *spinner;
  GtkWidget          *sign_in_button;
  GtkWidget          *retry_button;
  AdwActionRow       *status_row;
  GtkImage           *status_icon;
  GtkWidget          *open_account_button;
  AdwActionRow       *serial_row;
  TekenSigningCredential *credential;
  GtkWidget          *file_group;
  AdwActionRow       *file_row;
  AdwPasswordEntryRow *file_passphrase_row;
  GtkLabel           *message_label;
};

G_DEFINE_FINAL_TYPE (TekenSignerPicker, teken_signer_picker, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_SOURCE,
  PROP_SHOW_CREDENTIAL,
  PROP_READY,
  PROP_BUSY,
  PROP_HOLDER_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_account (TekenSignerPicker *self);

static void
show_message (TekenSignerPicker *self,
              const char        *message)
{
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
update_state (TekenSignerPicker *self)
{
  gboolean account = self->source == TEKEN_SIGNER_SOURCE_ACCOUNT;
  gboolean ready;

  gtk_widget_set_visible (self->account_group, account);
  gtk_widget_set_visible (GTK_WIDGET (self->credential), account && self->show_credential && self->can_sign);
  gtk_widget_set_visible (self->file_group, !account);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->loading);
  gtk_spinner_set_spinning (self->spinner, self->loading);

  if (account)
    ready = self->can_sign && self->certificate != NULL && !self->loading &&
            (!self->show_credential || teken_signing_credential_get_ready (self->credential));
  else
    ready = self->file != NULL &&
            gtk_editable_get_text (GTK_EDITABLE (self->file_passphrase_row))[0] != '\0';
  ready = ready && !self->busy;

  if (self->ready != ready)
    {
      self->ready = ready;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }
}

/* `busy` covers both opening a file and asking the CA. */
static void
set_loading (TekenSignerPicker *self,
             gboolean           loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_busy (TekenSignerPicker *self,
          gboolean           busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self), !busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  update_state (self);
}

static void
forget_account (TekenSignerPicker *self)
{
  g_clear_pointer (&self->nik, g_free);
  g_clear_pointer (&self->holder_name, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->certificate, g_bytes_unref);
  self->can_sign = FALSE;
  self->otp_enabled = FALSE;
  if (self->credential != NULL)
    teken_signing_credential_set_account (self->credential, NULL, NULL, FALSE);
}

/* The account rows: signed out, loading, a problem, or the holder. */
static void
show_signed_out (TekenSignerPicker *self)
{
  forget_account (self);
  set_loading (self, FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->holder_row), _("Not Signed In"));
  adw_action_row_set_subtitle (self->holder_row,
                               _("Sign in to My Certificate to sign with your BSrE certificate. This window updates when you have signed in."));
  gtk_widget_set_visible (self->sign_in_button, TRUE);
  gtk_widget_set_visible (self->retry_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->status_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->serial_row), FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLDER_NAME]);
  update_state (self);
}

static void
show_problem (TekenSignerPicker *self,
              const char        *message)
{
  forget_account (self);
  set_loading (self, FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->holder_row), _("Certificate Not Available"));
  adw_action_row_set_subtitle (self->holder_row, message);
  gtk_widget_set_visible (self->sign_in_button, FALSE);
  gtk_widget_set_visible (self->retry_button, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->status_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->serial_row), FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLDER_NAME]);
  update_state (self);
}

static void
show_holder (TekenSignerPicker      *self,
             TekenCaAccountInfo     *account,
             TekenCaCertificateInfo *certificate)
{
  TekenCertificateStatus described;
  g_autofree char *status_text = NULL;
  const char *cannot_sign = account->cannot_sign_reason;

  forget_account (self);
  set_loading (self, FALSE);
  self->nik = g_strdup (account->nik);
  self->holder_name = g_strdup (certificate->common_name != NULL ? certificate->common_name : account->name);
  self->status = g_strdup (certificate->status != NULL ? certificate->status : account->status);
  self->otp_enabled = certificate->signing_otp_enabled;

  if (certificate->key_locked && cannot_sign == NULL)
    cannot_sign = "key_locked";
  self->can_sign = account->can_sign && !certificate->key_locked && self->nik != NULL &&
                   g_strcmp0 (self->status, "ISSUE") == 0;

  if (certificate->pem != NULL)
    {
      g_autoptr(GTlsCertificate) tls = g_tls_certificate_new_from_pem (certificate->pem, -1, NULL);
      g_autoptr(GByteArray) der = NULL;

      if (tls != NULL)
        g_object_get (tls, "certificate", &der, NULL);
      if (der != NULL && der->len > 0)
        self->certificate = g_bytes_new (der->data, der->len);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->holder_row), self->holder_name);
  adw_action_row_set_subtitle (self->holder_row, account->email != NULL ? account->email : "");
  gtk_widget_set_visible (self->sign_in_button, FALSE);
  gtk_widget_set_visible (self->retry_button, FALSE);

  teken_certificate_status_describe (self->status, account->verification_status, cannot_sign, &described);
  if (self->can_sign)
    /* Translators: the status in words, then BSrE's word for it */
    status_text = g_strdup_printf (_("%s (%s)"), described.title, self->status);
  else
    /* Translators: the status in words, BSrE's word, what to do (the
     * meaning is left out: it repeats what to do) */
    status_text = g_strdup_printf (_("%s (%s). %s"), described.title, self->status, described.next_step);
  adw_action_row_set_subtitle (self->status_row, status_text);
  gtk_image_set_from_icon_name (self->status_icon, described.icon_name);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "error");
  if (described.style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), described.style);
  gtk_widget_set_visible (self->open_account_button, !self->can_sign);
  gtk_widget_set_visible (GTK_WIDGET (self->status_row), TRUE);

  adw_action_row_set_subtitle (self->serial_row, certificate->serial != NULL ? certificate->serial : "");
  gtk_widget_set_visible (GTK_WIDGET (self->serial_row), certificate->serial != NULL);

  if (self->can_sign && self->certificate == NULL)
    {
      self->can_sign = FALSE;
      show_message (self, _("The CA server sent a certificate Teken cannot read. Check the server address; if it is right, report the problem."));
    }

  teken_signing_credential_set_account (self->credential, self->client, self->nik, self->otp_enabled);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLDER_NAME]);
  update_state (self);
}

/* Loading the account: the account, then its current certificate. The
 * callbacks hold a reference to the picker; a reload or dispose cancels
 * them first. */

static gboolean
session_ended (const GError *error)
{
  return g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SESSION_INVALID) ||
         g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_REFRESH_INVALID) ||
         g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_NOT_SIGNED_IN);
}

static void
load_failed (TekenSignerPicker *self,
             const GError      *error)
{
  if (session_ended (error))
    show_signed_out (self);
  else
    show_problem (self, error->message);
}

static void
certificate_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(TekenSignerPicker) self = user_data;
  g_autoptr(TekenCaCertificateInfo) certificate = NULL;
  g_autoptr(GError) error = NULL;
  TekenCaAccountInfo *account;

  certificate = teken_ca_client_get_certificate_finish (TEKEN_CA_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  account = g_object_get_data (G_OBJECT (self), "teken-account");
  if (certificate == NULL)
    load_failed (self, error);
  else
    show_holder (self, account, certificate);
  g_object_set_data (G_OBJECT (self), "teken-account", NULL);
}

static void
account_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TekenSignerPicker) self = user_data;
  g_autoptr(TekenCaAccountInfo) account = NULL;
  g_autoptr(GError) error = NULL;

  account = teken_ca_client_get_account_finish (TEKEN_CA_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (account == NULL)
    {
      load_failed (self, error);
      return;
    }
  if (g_strcmp0 (account->role, "holder") != 0 || account->current_certificate_id == NULL)
    {
      TekenCertificateStatus described;
      g_autofree char *message = NULL;

      teken_certificate_status_describe (account->status, account->verification_status,
                                         account->cannot_sign_reason, &described);
      message = g_strdup_printf ("%s %s", described.meaning, described.next_step);
      show_problem (self, g_strcmp0 (account->role, "holder") != 0
                          ? _("This account is not a certificate holder's. Sign in to My Certificate as the holder.")
                          : message);
      return;
    }

  teken_ca_client_get_certificate_async (self->client, account->current_certificate_id,
                                         self->cancellable, certificate_loaded_cb, g_object_ref (self));
  g_object_set_data_full (G_OBJECT (self), "teken-account", g_steal_pointer (&account),
                          (GDestroyNotify) teken_ca_account_info_free);
}

static void
load_account (TekenSignerPicker *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  show_message (self, NULL);

  if (self->client == NULL || !self->signed_in)
    {
      show_signed_out (self);
      return;
    }

  set_loading (self, TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->holder_row), _("Asking the CA…"));
  adw_action_row_set_subtitle (self->holder_row, "");
  gtk_widget_set_visible (self->sign_in_button, FALSE);
  gtk_widget_set_visible (self->retry_button, FALSE);
  update_state (self);
  teken_ca_client_get_account_async (self->client, self->cancellable, account_loaded_cb, g_object_ref (self));
}

/* A new session, a different holder or none: ask again. A refreshed token
 * for the same holder changes nothing here. */
static void
signed_in_changed_cb (TekenSignerPicker *self)
{
  g_autoptr(TekenCaSession) session = teken_ca_client_dup_session (self->client);
  gboolean holder = session != NULL && g_strcmp0 (teken_ca_session_get_scope (session), "account") == 0;
  const char *account = holder ? teken_ca_session_get_account (session) : NULL;

  if (holder == self->signed_in && g_strcmp0 (account, self->account) == 0)
    return;

  self->signed_in = holder;
  g_free (self->account);
  self->account = g_strdup (account);
  if (holder && self->file == NULL)
    teken_signer_picker_set_source (self, TEKEN_SIGNER_SOURCE_ACCOUNT);
  load_account (self);
}

static void
session_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TekenSignerPicker) self = user_data;
  g_autoptr(TekenCaSession) session = teken_session_store_load_finish (TEKEN_SESSION_STORE (source), result, NULL);

  /* Signed in meanwhile; a change of client cancelled the load. */
  if (self->client == NULL || self->signed_in)
    return;
  if (session != NULL && g_strcmp0 (teken_ca_session_get_scope (session), "account") == 0)
    teken_ca_client_set_session (self->client, session);
}

/* Credentials typed. */

static void
entry_changed_cb (TekenSignerPicker *self)
{
  update_state (self);
}

static void
source_toggled_cb (TekenSignerPicker *self)
{
  TekenSignerSource source = gtk_toggle_button_get_active (self->file_check) ? TEKEN_SIGNER_SOURCE_FILE
                                                                            : TEKEN_SIGNER_SOURCE_ACCOUNT;

  if (source == self->source)
    return;
  self->source = source;
  show_message (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
  update_state (self);
}

static void
open_account_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  /* My Certificate belongs to the application; the picker hears of the
   * session through the client when the holder has signed in there. */
  if (!gtk_widget_activate_action (widget, "app.my-certificate", NULL))
    g_warning ("No app.my-certificate action to sign in with");
}

static void
reload_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  teken_signer_picker_reload (TEKEN_SIGNER_PICKER (widget));
}

static void
chooser_responded_cb (GtkNativeDialog   *chooser,
                      int                response,
                      TekenSignerPicker *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      teken_signer_picker_set_file (self, file);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
choose_file_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TekenSignerPicker *self = TEKEN_SIGNER_PICKER (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (widget);

  chooser = gtk_file_chooser_native_new (_("Choose Certificate File"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Certificate Files (.p12, .pfx)"));
  gtk_file_filter_add_suffix (filter, "p12");
  gtk_file_filter_add_suffix (filter, "pfx");
  gtk_file_filter_add_mime_type (filter, "application/x-pkcs12");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_responded_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Making the signer. */

static void
open_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TekenSecret *passphrase = task_data;
  GFile *file = g_object_get_data (G_OBJECT (task), "file");
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  TekenPkcs12Signer *signer;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Only certificate files on this computer can be used. Copy it to a folder first."));
      return;
    }
  signer = teken_pkcs12_signer_new_from_file (path, passphrase, &error);
  if (signer == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, signer, g_object_unref);
}

static void
file_opened_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TekenSignerPicker *self = g_task_get_source_object (task);
  TekenSigner *signer;
  GError *error = NULL;

  set_busy (self, FALSE);
  signer = g_task_propagate_pointer (G_TASK (result), &error);
  if (signer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, signer, g_object_unref);
}

/* Takes the text of @editable, as typed, into wiped memory and empties it. */
static TekenSecret *
take_secret (GtkEditable *editable)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (editable));
  TekenSecret *secret;

  secret = teken_secret_new (text, -1);
  teken_wipe_string (text);
  gtk_editable_set_text (editable, "");
  return secret;
}

static void
set_property_client (TekenSignerPicker *self,
                     TekenCaClient     *client)
{
  g_autoptr(TekenSessionStore) store = NULL;

  if (self->client == client)
    return;

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_func (self->client, signed_in_changed_cb, self);
  g_set_object (&self->client, client);
  g_clear_pointer (&self->account, g_free);
  self->signed_in = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->account_check), client != NULL);
  if (client == NULL)
    {
      teken_signer_picker_set_source (self, TEKEN_SIGNER_SOURCE_FILE);
      load_account (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
      return;
    }

  /* As My Certificate does: refreshed sessions go back to the keyring. */
  g_object_get (client, "session-store", &store, NULL);
  if (store == NULL)
    g_object_set (client, "session-store", self->sessions, NULL);

  g_signal_connect_swapped (client, "notify::signed-in", G_CALLBACK (signed_in_changed_cb), self);
  signed_in_changed_cb (self);
  if (!self->signed_in)
    {
      load_account (self);
      teken_session_store_load_async (self->sessions, teken_ca_client_get_base_url (client), NULL,
                                      self->cancellable, session_loaded_cb, g_object_ref (self));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

static void
teken_signer_picker_dispose (GObject *object)
{
  TekenSignerPicker *self = TEKEN_SIGNER_PICKER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_func (self->client, signed_in_changed_cb, self);
  if (self->file_passphrase_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->file_passphrase_row), "");

  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_SIGNER_PICKER);

  G_OBJECT_CLASS (teken_signer_picker_parent_class)->dispose (object);
}

static void
teken_signer_picker_finalize (GObject *object)
{
  TekenSignerPicker *self = TEKEN_SIGNER_PICKER (object);

  forget_account (self);
  g_clear_object (&self->client);
  g_clear_object (&self->sessions);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);
  g_free (self->account);

  G_OBJECT_CLASS (teken_signer_picker_parent_class)->finalize (object);
}

static void
teken_signer_picker_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TekenSignerPicker *self = TEKEN_SIGNER_PICKER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_SOURCE:
      g_value_set_int (value, self->source);
      break;
    case PROP_SHOW_CREDENTIAL:
      g_value_set_boolean (value, self->show_credential);
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_HOLDER_NAME:
      g_value_set_string (value, self->holder_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_signer_picker_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TekenSignerPicker *self = TEKEN_SIGNER_PICKER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      set_property_client (self, g_value_get_object (value));
      break;
    case PROP_SOURCE:
      teken_signer_picker_set_source (self, g_value_get_int (value));
      break;
    case PROP_SHOW_CREDENTIAL:
      teken_signer_picker_set_show_credential (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_signer_picker_class_init (TekenSignerPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_signer_picker_dispose;
  object_class->finalize = teken_signer_picker_finalize;
  object_class->get_property = teken_signer_picker_get_property;
  object_class->set_property = teken_signer_picker_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, TEKEN_TYPE_CA_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE] =
    g_param_spec_int ("source", NULL, NULL, TEKEN_SIGNER_SOURCE_ACCOUNT, TEKEN_SIGNER_SOURCE_FILE,
                      TEKEN_SIGNER_SOURCE_ACCOUNT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_CREDENTIAL] =
    g_param_spec_boolean ("show-credential", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOLDER_NAME] =
    g_param_spec_string ("holder-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-signer-picker.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TekenSignerPicker, name)
  BIND (account_check); BIND (file_check); BIND (account_group); BIND (holder_row); BIND (spinner);
  BIND (sign_in_button); BIND (retry_button); BIND (status_row); BIND (status_icon);
  BIND (open_account_button); BIND (serial_row); BIND (credential); BIND (file_group); BIND (file_row);
  BIND (file_passphrase_row); BIND (message_label);
#undef BIND

  gtk_widget_class_install_action (widget_class, "picker.open-account", NULL, open_account_activated);
  gtk_widget_class_install_action (widget_class, "picker.reload", NULL, reload_activated);
  gtk_widget_class_install_action (widget_class, "picker.choose-file", NULL, choose_file_activated);
}

static void
teken_signer_picker_init (TekenSignerPicker *self)
{
  g_type_ensure (TEKEN_TYPE_SIGNING_CREDENTIAL);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->sessions = teken_session_store_new ();
  self->cancellable = g_cancellable_new ();
  self->show_credential = TRUE;
  /* The BSrE certificate becomes the choice when a session appears. */
  self->source = TEKEN_SIGNER_SOURCE_FILE;

  g_signal_connect_swapped (self->account_check, "toggled", G_CALLBACK (source_toggled_cb), self);
  g_signal_connect_swapped (self->file_check, "toggled", G_CALLBACK (source_toggled_cb), self);
  g_signal_connect_swapped (self->credential, "notify::ready", G_CALLBACK (entry_changed_cb), self);
  g_signal_connect_swapped (self->file_passphrase_row, "changed", G_CALLBACK (entry_changed_cb), self);
  show_signed_out (self);
}

/**
 * teken_signer_picker_new:
 * @client: (nullable): the application's CA client; %NULL offers files only
 */
TekenSignerPicker *
teken_signer_picker_new (TekenCaClient *client)
{
  return g_object_new (TEKEN_TYPE_SIGNER_PICKER, "client", client, NULL);
}

void
teken_signer_picker_set_client (TekenSignerPicker *self,
                                TekenCaClient     *client)
{
  g_return_if_fail (TEKEN_IS_SIGNER_PICKER (self));
  g_return_if_fail (client == NULL || TEKEN_IS_CA_CLIENT (client));

  set_property_client (self, client);
}

TekenCaClient *
teken_signer_picker_get_client (TekenSignerPicker *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER_PICKER (self), NULL);

  return self->client;
}

TekenSignerSource
teken_signer_picker_get_source (TekenSignerPicker *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER_PICKER (self), TEKEN_SIGNER_SOURCE_FILE);

  return self->source;
}

void
teken_signer_picker_set_source (TekenSignerPicker *self,
                                TekenSignerSource  source)
{
  g_return_if_fail (TEKEN_IS_SIGNER_PICKER (self));

  if (source == TEKEN_SIGNER_SOURCE_ACCOUNT && self->client == NULL)
    source = TEKEN_SIGNER_SOURCE_FILE;
  /* The toggled handler does the rest. */
  gtk_toggle_button_set_active (source == TEKEN_SIGNER_SOURCE_FILE ? self->file_check : self->account_check, TRUE);
}

gboolean
teken_signer_picker_get_show_credential (TekenSignerPicker *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER_PICKER (self), FALSE);

  return self->show_credential;
}

void
teken_signer_picker_set_show_credential (TekenSignerPicker *self,
                                         gboolean           show_credential)
{
  g_return_if_fail (TEKEN_IS_SIGNER_PICKER (self));

  show_credential = !!show_credential;
  if (self->show_credential == show_credential)
    return;
  self->show_credential = show_credential;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_CREDENTIAL]);
  update_state (self);
}

gboolean
teken_signer_picker_get_ready (TekenSignerPicker *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER_PICKER (self), FALSE);

  return self->ready;
}

gboolean
teken_signer_picker_get_busy (TekenSignerPicker *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER_PICKER (self), FALSE);

  return self->busy || self->loading;
}

/* Chooses @file as the certificate file, and that source. */
void
teken_signer_picker_set_file (TekenSignerPicker *self,
                              GFile             *file)
{
  g_autofree char *name = NULL;

  g_return_if_fail (TEKEN_IS_SIGNER_PICKER (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->file, file);
  name = g_file_get_basename (file);
  adw_action_row_set_subtitle (self->file_row, name);
  teken_signer_picker_set_source (self, TEKEN_SIGNER_SOURCE_FILE);
  update_state (self);
}

const char *
teken_signer_picker_get_holder_name (TekenSignerPicker *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER_PICKER (self), NULL);

  return self->holder_name;
}

const char *
teken_signer_picker_get_certificate_status (TekenSignerPicker *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER_PICKER (self), NULL);

  return self->status;
}

/* How many documents an e-mailed code asked for here is for (docs/api.md
 * §9.1): batch signing sends them all in one request. */
void
teken_signer_picker_set_n_documents (TekenSignerPicker *self,
                                     guint              n_documents)
{
  g_return_if_fail (TEKEN_IS_SIGNER_PICKER (self));

  teken_signing_credential_set_n_documents (self->credential, n_documents);
}

/**
 * teken_signer_picker_set_up_credential:
 * @credential: a credential widget shown elsewhere, such as at signing time
 *
 * Points @credential at the signed-in holder (NIK, whether an e-mailed
 * code may be used), for a picker whose `show-credential` is FALSE.
 */
void
teken_signer_picker_set_up_credential (TekenSignerPicker      *self,
                                       TekenSigningCredential *credential)
{
  g_return_if_fail (TEKEN_IS_SIGNER_PICKER (self));
  g_return_if_fail (TEKEN_IS_SIGNING_CREDENTIAL (credential));

  teken_signing_credential_set_account (credential, self->can_sign ? self->client : NULL,
                                        self->can_sign ? self->nik : NULL, self->can_sign && self->otp_enabled);
}

void
teken_signer_picker_reload (TekenSignerPicker *self)
{
  g_return_if_fail (TEKEN_IS_SIGNER_PICKER (self));

  load_account (self);
}

/**
 * teken_signer_picker_create_signer_async:
 *
 * Makes the signer from what was chosen and typed, and empties the secret
 * fields. A certificate file is opened on a thread; the account's signer
 * needs no request (the certificate came with the status).
 */
void
teken_signer_picker_create_signer_async (TekenSignerPicker   *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TEKEN_IS_SIGNER_PICKER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_signer_picker_create_signer_async);

  if (self->source == TEKEN_SIGNER_SOURCE_FILE)
    {
      g_autoptr(GTask) thread = NULL;

      if (self->file == NULL)
        {
          g_task_return_new_error (task, TEKEN_SIGNER_ERROR, TEKEN_SIGNER_ERROR_INVALID_FILE,
                                   _("Choose the certificate file first."));
          return;
        }
      thread = g_task_new (self, cancellable, file_opened_cb, g_object_ref (task));
      g_task_set_source_tag (thread, open_file_thread);
      g_object_set_data_full (G_OBJECT (thread), "file", g_object_ref (self->file), g_object_unref);
      g_task_set_task_data (thread, take_secret (GTK_EDITABLE (self->file_passphrase_row)),
                            (GDestroyNotify) teken_secret_unref);
      set_busy (self, TRUE);
      g_task_run_in_thread (thread, open_file_thread);
      return;
    }

  if (!self->can_sign || self->certificate == NULL)
    {
      g_task_return_new_error (task, TEKEN_CA_ERROR, TEKEN_CA_ERROR_NOT_SIGNED_IN,
                               self->signed_in
                               ? _("This certificate cannot sign now. Open My Certificate to see what to do next.")
                               : _("Sign in to My Certificate first to sign with your BSrE certificate."));
      return;
    }

  {
    TekenRemoteSignerCredential kind = TEKEN_REMOTE_SIGNER_PASSPHRASE;
    g_autoptr(TekenSecret) secret = NULL;
    TekenRemoteSigner *signer;

    if (self->show_credential)
      secret = teken_signing_credential_take (self->credential, &kind);
    signer = teken_remote_signer_new (self->client, self->nik, kind, secret, self->certificate);
    update_state (self);
    g_task_return_pointer (task, signer, g_object_unref);
  }
}

TekenSigner *
teken_signer_picker_create_signer_finish (TekenSignerPicker  *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (TEKEN_IS_SIGNER_PICKER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * teken_signer_picker_describe_error:
 * @error: what signing, or making the signer, failed with
 * @open_account: (out) (optional): set to whether My Certificate is where
 *   the holder goes next
 *
 * Returns: (transfer full): a translated sentence or two
 */
char *
teken_signer_picker_describe_error (const GError *error,
                                    gboolean     *open_account)
{
  gboolean account = FALSE;
  char *message = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == TEKEN_CA_ERROR)
    switch (error->code)
      {
      case TEKEN_CA_ERROR_WRONG_PASSPHRASE:
        {
          int left = teken_ca_error_get_attempts_left (error);

          if (left > 0)
            message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "Wrong passphrase. %d try left before your signing key is locked. Nothing was signed; check the passphrase and sign again.",
                                                    "Wrong passphrase. %d tries left before your signing key is locked. Nothing was signed; check the passphrase and sign again.",
                                                    left), left);
          else
            message = g_strdup (_("Wrong passphrase. Nothing was signed; check the passphrase and sign again."));
        }
        break;
      case TEKEN_CA_ERROR_KEY_LOCKED:
        account = TRUE;
        message = g_strdup (_("Your signing key is locked after too many wrong passphrases. Reset the passphrase in My Certificate; a new certificate will be issued."));
        break;
      case TEKEN_CA_ERROR_NO_ACTIVE_CERTIFICATE:
      case TEKEN_CA_ERROR_WRONG_STATUS:
        account = TRUE;
        message = g_strdup (_("Your certificate is not active (not ISSUE), so it cannot sign. Open My Certificate to see its status and what to do next."));
        break;
      case TEKEN_CA_ERROR_ACCOUNT_UPDATE_PENDING:
      case TEKEN_CA_ERROR_UPDATE_PENDING:
        account = TRUE;
        message = g_strdup (_("Signing is off while a change of your data waits for confirmation (status UPDATE). Confirm it from the e-mailed link, or cancel the change in My Certificate."));
        break;
      case TEKEN_CA_ERROR_SESSION_INVALID:
      case TEKEN_CA_ERROR_REFRESH_INVALID:
      case TEKEN_CA_ERROR_NOT_SIGNED_IN:
        account = TRUE;
        message = g_strdup (_("Your session at the CA has ended. Sign in to My Certificate again, then sign."));
        break;
      case TEKEN_CA_ERROR_NO_NETWORK:
      case TEKEN_CA_ERROR_UNREACHABLE:
      case TEKEN_CA_ERROR_TIMEOUT:
        /* Translators: %s says why the CA could not be reached and what to check */
        message = g_strdup_printf (_("Nothing was signed. %s"), error->message);
        break;
      default:
        break;
      }

  if (open_account != NULL)
    *open_account = account;
  return message != NULL ? message : g_strdup (error->message);
}
