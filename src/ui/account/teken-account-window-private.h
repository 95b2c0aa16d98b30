/* teken-account-window-private.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-account-dashboard.h"
#include "teken-account-window.h"
#include "teken-ca-client.h"
#include "teken-choice-list.h"
#include "teken-policy-checklist.h"
#include "teken-profile-form.h"
#include "teken-session-store.h"
#include "teken-totp-setup.h"

G_BEGIN_DECLS

struct _TekenAccountWindow
{
  AdwWindow parent_instance;

  TekenCaClient *client;
  TekenSessionStore *sessions;
  GCancellable *cancellable;
  GPtrArray *secret_rows;                 /* password rows, emptied when their page is left */

  TekenCaLoginStep *login_step;
  TekenCaAccountInfo *account;            /* nullable: signed out, or not loaded yet */
  TekenCaCertificateInfo *certificate;    /* nullable */
  char *link_token;                       /* the e-mailed link in use, until it is used */
  char *link_resend;                      /* what the link page's Send Again asks for */
  char *link_back;                        /* the page the link page goes back to */
  char *holder_version;                   /* the holder agreement read, until then NULL */
  char *request_kind;                     /* the request page: change or reset */
  char *renew_mode;                       /* the renew page: renew or reissue */
  char *setup_id;                         /* a device being added */

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkButton *back_button;
  GtkButton *sign_out_button;
  GtkButton *refresh_button;
  GtkSpinner *spinner;
  gboolean busy;
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;

  AdwEntryRow *username_row;
  AdwPasswordEntryRow *password_row;
  GtkLabel *sign_in_hint;
  GtkButton *forgot_button;
  GtkButton *sign_in_button;

  TekenTotpSetup *totp_setup;
  GtkButton *totp_setup_button;

  TekenChoiceList *device_list;
  AdwEntryRow *code_row;
  GtkLabel *totp_hint;
  GtkButton *lost_device_button;
  GtkButton *totp_button;

  AdwEntryRow *forgot_username_row;
  GtkLabel *forgot_hint;
  GtkButton *forgot_send_button;

  AdwPasswordEntryRow *new_password_row;
  AdwPasswordEntryRow *new_password_again_row;
  TekenPolicyChecklist *new_password_checklist;
  GtkLabel *new_password_hint;
  GtkButton *new_password_button;

  GtkLabel *link_intro;
  AdwEntryRow *link_row;
  GtkLabel *link_hint;
  GtkButton *link_resend_button;
  GtkButton *mailbox_button;
  GtkButton *link_button;

  TekenAccountDashboard *dashboard;

  GtkLabel *request_heading;
  GtkLabel *request_intro;
  GtkLabel *request_detail;
  GtkLabel *request_hint;
  GtkButton *request_button;

  AdwPasswordEntryRow *old_passphrase_row;
  AdwPasswordEntryRow *change_new_row;
  AdwPasswordEntryRow *change_again_row;
  TekenPolicyChecklist *change_checklist;
  AdwActionRow *change_agreement_row;
  GtkLabel *change_hint;
  GtkButton *change_button;

  AdwPasswordEntryRow *reset_new_row;
  AdwPasswordEntryRow *reset_again_row;
  TekenPolicyChecklist *reset_checklist;
  AdwActionRow *reset_agreement_row;
  GtkLabel *reset_hint;
  GtkButton *reset_button;

  TekenChoiceList *reason_list;
  AdwEntryRow *confirm_row;
  AdwPasswordEntryRow *revoke_password_row;
  GtkLabel *revoke_hint;
  GtkButton *revoke_button;

  GtkLabel *renew_heading;
  GtkLabel *renew_intro;
  TekenChoiceList *method_list;
  AdwPreferencesGroup *renew_passphrase_group;
  AdwPasswordEntryRow *renew_passphrase_row;
  AdwActionRow *renew_agreement_row;
  GtkLabel *renew_hint;
  GtkButton *renew_button;

  TekenProfileForm *profile_form;
  GtkButton *update_button;

  GtkLabel *confirm_changes;
  GtkLabel *confirm_hint;
  GtkButton *confirm_button;

  GtkListBox *devices_list;
  GtkLabel *devices_hint;
  GtkButton *add_device_button;

  AdwPasswordEntryRow *device_password_row;
  GtkLabel *device_password_hint;
  GtkButton *device_password_button;

  TekenTotpSetup *device_setup;
  GtkButton *device_setup_button;

  AdwStatusPage *outcome_page;
  AdwPreferencesGroup *outcome_group;
  AdwActionRow *outcome_serial_row;
  AdwActionRow *outcome_validity_row;
  GtkButton *outcome_button;
};

/* The answer to one request; @error is set when it failed. */
typedef void (*TekenAccountReply) (TekenAccountWindow *self,
                                   JsonObject         *reply,
                                   const GError       *error);

/* teken-account-window.c */
void        teken_account_window_show_page    (TekenAccountWindow        *self,
                                               const char                *name);
void        teken_account_window_send         (TekenAccountWindow        *self,
                                               TekenCaEndpoint            endpoint,
                                               const char * const        *path_args,
                                               const char * const        *query,
                                               JsonObject                *body,
                                               const TekenCaSecretMember *secrets,
                                               TekenAccountReply          reply);
void        teken_account_window_set_busy     (TekenAccountWindow        *self,
                                               gboolean                   busy);
void        teken_account_window_toast        (TekenAccountWindow        *self,
                                               const char                *message);
void        teken_account_window_reload       (TekenAccountWindow        *self);
void        teken_account_window_show_outcome (TekenAccountWindow        *self,
                                               const char                *icon_name,
                                               const char                *title,
                                               const char                *description,
                                               JsonObject                *certificate);
void        teken_account_window_wait_for_link (TekenAccountWindow       *self,
                                               const char                *intro,
                                               const char                *resend,
                                               const char                *back);
gboolean    teken_account_window_is_signed_in (TekenAccountWindow        *self);
gboolean    teken_account_window_session_ended (TekenAccountWindow       *self,
                                               const GError              *error);
void        teken_account_window_error_hint   (TekenAccountWindow        *self,
                                               GtkLabel                  *hint,
                                               const GError              *error);

void        teken_set_hint                    (GtkLabel                  *hint,
                                               const char                *message,
                                               gboolean                   is_error);
void        teken_mark_row                    (gpointer                   row,
                                               gboolean                   bad);
const char *teken_row_text                    (gpointer                   row);
const char *teken_json_string                 (JsonObject                *object,
                                               const char                *member);
JsonObject *teken_json_object                 (JsonObject                *object,
                                               const char                *member);
TekenSecret *teken_row_secret                 (gpointer                   row);

/* teken-account-window-lifecycle.c: passphrase, revocation, renewal, data
 * updates, downloads */
void        teken_account_window_lifecycle_class_init (GtkWidgetClass     *widget_class);
void        teken_account_window_lifecycle_init       (TekenAccountWindow *self);
void        teken_account_window_route_link           (TekenAccountWindow *self,
                                                       const char         *purpose);

/* teken-account-window-devices.c: the OTP devices */
void        teken_account_window_devices_class_init   (GtkWidgetClass     *widget_class);
void        teken_account_window_devices_init         (TekenAccountWindow *self);

G_END_DECLS
