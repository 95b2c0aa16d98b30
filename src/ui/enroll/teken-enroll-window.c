/* teken-enroll-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The enrollment wizard (docs/api.md §5): register → check your e-mail →
 * activate → personal data → employment data → selfie → agreements →
 * verification → passphrase → issued. Each field is checked as it is
 * typed with the same rules teken-ca applies (core's holder rules and
 * passphrase policy), so the server's refusals are rare; when one comes,
 * its sentence is shown where it belongs and nothing typed is lost.
 * Passwords and passphrases leave their rows only as TekenSecrets for the
 * request, and the rows are emptied when the page is left. */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-agreement-window.h"
#include "teken-application.h"
#include "teken-ca-client.h"
#include "teken-enroll-window.h"
#include "teken-holder-rules.h"
#include "teken-policy-checklist.h"
#include "teken-selfie-page.h"
#include "teken-session-store.h"

struct _TekenEnrollWindow
{
  AdwWindow parent_instance;

  TekenCaClient *client;
  TekenSessionStore *sessions;
  GCancellable *cancellable;
  GSettings *settings;
  char *username;             /* the e-mail the session belongs to */
  char *link_token;           /* activation or set-passphrase, until used */
  char *nik;
  char *email;
  gboolean privacy_read;
  gboolean holder_read;
  char *privacy_version;
  char *holder_version;
  gboolean nip_checked;
  gboolean busy;
  gboolean keyboard_used;     /* the last key or button pressed was a key */

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkButton *back_button;
  GtkSpinner *spinner;
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  AdwEntryRow *nik_row;
  AdwEntryRow *email_row;
  GtkLabel *register_hint;
  GtkButton *register_button;
  GtkButton *have_link_button;
  AdwEntryRow *link_row;
  GtkLabel *link_hint;
  GtkButton *link_button;
  GtkButton *resend_button;
  GtkButton *mailbox_button;
  AdwPasswordEntryRow *password_row;
  AdwPasswordEntryRow *password_again_row;
  GtkLabel *password_hint;
  TekenPolicyChecklist *password_checklist;
  GtkButton *activate_button;
  AdwEntryRow *name_row;
  AdwEntryRow *title_prefix_row;
  AdwEntryRow *title_suffix_row;
  AdwEntryRow *phone_row;
  GtkLabel *personal_hint;
  GtkButton *personal_button;
  GtkToggleButton *asn_check;
  GtkToggleButton *non_asn_check;
  AdwPreferencesGroup *asn_group;
  AdwPreferencesGroup *non_asn_group;
  AdwEntryRow *nip_row;
  GtkButton *nip_check_button;
  AdwActionRow *nip_unit_row;
  AdwActionRow *nip_position_row;
  AdwActionRow *nip_province_row;
  AdwEntryRow *unit_row;
  AdwEntryRow *position_row;
  AdwEntryRow *city_row;
  AdwEntryRow *province_row;
  GtkLabel *employment_hint;
  GtkButton *employment_button;
  AdwActionRow *privacy_row;
  AdwActionRow *holder_row;
  GtkButton *privacy_button;
  GtkButton *holder_button;
  GtkLabel *agreements_hint;
  GtkButton *submit_button;
  AdwPasswordEntryRow *passphrase_row;
  AdwPasswordEntryRow *passphrase_again_row;
  GtkLabel *passphrase_hint;
  TekenPolicyChecklist *passphrase_checklist;
  GtkButton *passphrase_button;
  AdwStatusPage *outcome_page;
  AdwPreferencesGroup *outcome_link_group;
  AdwEntryRow *outcome_link_row;
  GtkButton *outcome_button;
  GtkButton *outcome_secondary_button;
  AdwActionRow *issued_name_row;
  AdwActionRow *issued_serial_row;
  AdwActionRow *issued_validity_row;
  GtkButton *done_button;

  TekenSelfiePage *selfie_page;
};

G_DEFINE_FINAL_TYPE (TekenEnrollWindow, teken_enroll_window, ADW_TYPE_WINDOW)

typedef void (*ReplyFunc) (TekenEnrollWindow *self,
                           JsonObject        *reply,
                           const GError      *error);

/* The page before each page, for the back button; NULL: none. */
static const struct
{
  const char *page;
  const char *back;
} back_pages[] = {
  { "check-email", "register" },
  { "employment", "personal" },
  { "selfie", "employment" },
  { "agreements", "selfie" },
};

static void show_enrollment (TekenEnrollWindow *self,
                             JsonObject        *enrollment);

/* Helpers */

/* While a request is out, the page stays as it is (an insensitive page
 * would steal the focus from the field being typed in) but sends nothing
 * more. */
static void
set_busy (TekenEnrollWindow *self,
          gboolean           busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_can_target (GTK_WIDGET (self->stack), !busy);
}

static void
toast (TekenEnrollWindow *self,
       const char        *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 8);
  teken_add_toast (self->toast_overlay, toast);
}

/* Shows @message under a page's fields, as an error or as a plain hint. */
static void
set_hint (GtkLabel   *hint,
          const char *message,
          gboolean    is_error)
{
  gtk_label_set_label (hint, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (hint), message != NULL && *message != '\0');
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (hint), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (hint), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (hint), "dim-label");
    }
}

static void
mark_row (gpointer row,
          gboolean bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static const char *
row_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* Empties a password row, so the text leaves the widget's memory. */
static void
clear_secret_row (AdwPasswordEntryRow *row)
{
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static void
clear_secrets (TekenEnrollWindow *self)
{
  clear_secret_row (self->password_row);
  clear_secret_row (self->password_again_row);
  clear_secret_row (self->passphrase_row);
  clear_secret_row (self->passphrase_again_row);
}

static GtkWidget *
page_default_button (TekenEnrollWindow *self,
                     const char        *name)
{
  const struct
  {
    const char *page;
    GtkButton *button;
  } defaults[] = {
    { "register", self->register_button },
    { "check-email", self->link_button },
    { "activate", self->activate_button },
    { "personal", self->personal_button },
    { "employment", self->employment_button },
    { "agreements", self->submit_button },
    { "passphrase", self->passphrase_button },
    { "outcome", self->outcome_button },
    { "issued", self->done_button },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (defaults); i++)
    if (g_str_equal (defaults[i].page, name))
      return GTK_WIDGET (defaults[i].button);
  return NULL;
}

/* Where the keyboard starts on each page: its first control. */
static GtkWidget *
page_first_widget (TekenEnrollWindow *self,
                   const char        *name)
{
  const struct
  {
    const char *page;
    gpointer widget;
  } firsts[] = {
    { "register", self->nik_row },
    { "check-email", self->link_row },
    { "activate", self->password_row },
    { "personal", self->name_row },
    { "employment", self->asn_check },
    { "selfie", self->selfie_page },
    { "agreements", self->privacy_button },
    { "passphrase", self->passphrase_row },
    { "issued", self->done_button },
  };

  if (g_str_equal (name, "outcome"))
    return gtk_widget_get_visible (GTK_WIDGET (self->outcome_link_group)) ? GTK_WIDGET (self->outcome_link_row)
                                                                           : GTK_WIDGET (self->outcome_button);
  for (gsize i = 0; i < G_N_ELEMENTS (firsts); i++)
    if (g_str_equal (firsts[i].page, name))
      return GTK_WIDGET (firsts[i].widget);
  return NULL;
}

static void
show_page (TekenEnrollWindow *self,
           const char        *name)
{
  const char *back = NULL;
  GtkWidget *child = gtk_stack_get_child_by_name (self->stack, name);
  GtkStackPage *page = gtk_stack_get_page (self->stack, child);

  /* Nothing secret stays behind on a page that is left. */
  if (!g_str_equal (name, "activate"))
    {
      clear_secret_row (self->password_row);
      clear_secret_row (self->password_again_row);
    }
  if (!g_str_equal (name, "passphrase"))
    {
      clear_secret_row (self->passphrase_row);
      clear_secret_row (self->passphrase_again_row);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (back_pages); i++)
    if (g_str_equal (back_pages[i].page, name))
      back = back_pages[i].back;
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), back != NULL);
  /* Enter in a field presses the page's main button (the rows activate
   * the default); the selfie page's buttons take Enter themselves. */
  gtk_window_set_default_widget (GTK_WINDOW (self), page_default_button (self, name));
  adw_window_title_set_subtitle (self->window_title, gtk_stack_page_get_title (page));
  gtk_stack_set_visible_child_name (self->stack, name);
  /* The keyboard follows the page: its first field or button, named, as
   * moving the focus into a page not yet allocated sorts its widgets by
   * a geometry they do not have yet (GTK 4.8 gave it to Send Again). Not
   * before the window is shown: GTK 4.8 would then give the window's
   * accessible the wrong role. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      GtkWidget *first = page_first_widget (self, name);

      /* The selfie page takes it once its button can be pressed. */
      if (first != NULL)
        gtk_widget_grab_focus (first);
      else
        gtk_widget_child_focus (child, GTK_DIR_TAB_FORWARD);
    }
}

typedef struct
{
  TekenEnrollWindow *self;
  ReplyFunc reply;
} Call;

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(TekenEnrollWindow) self = call->self;
  ReplyFunc reply_func = call->reply;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = teken_ca_client_call_finish (TEKEN_CA_CLIENT (source), result, &error);

  g_free (call);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  reply_func (self, reply, error);
}

/* Sends one request of docs/api.md; @reply gets the answer or the error.
 * @secrets: (nullable): members whose values are secrets */
static void
send (TekenEnrollWindow         *self,
      TekenCaEndpoint            endpoint,
      const char * const        *path_args,
      const char * const        *query,
      JsonObject                *body,
      const TekenCaSecretMember *secrets,
      ReplyFunc                  reply)
{
  Call *call;

  if (self->busy)
    return;
  call = g_new0 (Call, 1);
  call->self = g_object_ref (self);
  call->reply = reply;
  set_busy (self, TRUE);
  teken_ca_client_call_async (self->client, endpoint, path_args, query, body, secrets,
                              self->cancellable, call_done_cb, call);
}

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
remember_account (TekenEnrollWindow *self,
                  const char        *username)
{
  g_free (self->username);
  self->username = g_strdup (username);
  g_settings_set_string (self->settings, "enroll-account", username != NULL ? username : "");
}

/* Register */

static void
register_changed_cb (TekenEnrollWindow *self)
{
  const char *nik = row_text (self->nik_row);
  const char *email = row_text (self->email_row);
  gboolean nik_ok = teken_nik_is_valid (nik);
  gboolean email_ok = teken_holder_email_is_valid (email);
  g_autofree char *hint = NULL;

  mark_row (self->nik_row, *nik != '\0' && !nik_ok && strlen (nik) >= TEKEN_NIK_LENGTH);
  mark_row (self->email_row, *email != '\0' && !email_ok && strchr (email, '.') != NULL);
  if (*nik != '\0' && !nik_ok)
    hint = g_strdup_printf (ngettext ("The NIK has 16 digits, as on your KTP: %u typed.",
                                      "The NIK has 16 digits, as on your KTP: %u typed.",
                                      strlen (nik)), (guint) strlen (nik));
  else if (*email != '\0' && !email_ok)
    hint = g_strdup (_("Use your agency's official e-mail address, such as name@agency.go.id."));
  set_hint (self->register_hint, hint, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->register_button), nik_ok && email_ok);
}

static void
registered (TekenEnrollWindow *self,
            JsonObject        *reply,
            const GError      *error)
{
  if (error != NULL)
    {
      /* Register's refusals are about what was typed on this page. */
      set_hint (self->register_hint, error->message, TRUE);
      return;
    }
  g_autofree char *sent = g_strdup_printf (_("The link was sent to %s. It works once, for 24 hours."),
                                           self->email);

  set_hint (self->register_hint, NULL, FALSE);
  set_hint (self->link_hint, sent, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->resend_button), TRUE);
  show_page (self, "check-email");
}

static void
register_clicked_cb (TekenEnrollWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_free (self->nik);
  g_free (self->email);
  self->nik = g_strdup (row_text (self->nik_row));
  self->email = g_strdup (row_text (self->email_row));
  json_object_set_string_member (body, "nik", self->nik);
  json_object_set_string_member (body, "email", self->email);
  send (self, TEKEN_CA_ENDPOINT_ENROLLMENT_REGISTER, NULL, NULL, body, NULL, registered);
}

static void
have_link_clicked_cb (TekenEnrollWindow *self)
{
  set_hint (self->link_hint, _("Paste the whole link from the e-mail."), FALSE);
  show_page (self, "check-email");
}

/* Links */

/**
 * teken_enroll_parse_link:
 * @text: a teken:// URI, an https:// link of an e-mail, or a bare token
 * @action: (out) (optional): what the link is for (`activate`, …), %NULL for a bare token
 * @token: (out): its token
 *
 * Returns: whether @text holds a link token
 */
gboolean
teken_enroll_parse_link (const char  *text,
                         char       **action,
                         char       **token)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *found;

  if (action != NULL)
    *action = NULL;
  *token = NULL;

  if (strlen (trimmed) == 43 && strspn (trimmed, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                 "0123456789-_") == 43)
    {
      *token = g_steal_pointer (&trimmed);
      return TRUE;
    }

  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_query (uri) == NULL)
    return FALSE;
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  found = params != NULL ? g_hash_table_lookup (params, "token") : NULL;
  if (found == NULL || strlen (found) != 43)
    return FALSE;

  if (action != NULL)
    {
      if (g_strcmp0 (g_uri_get_scheme (uri), "teken") == 0)
        *action = g_strdup (g_uri_get_host (uri));
      else if (g_str_has_prefix (g_uri_get_path (uri), "/link/"))
        *action = g_strdup (g_uri_get_path (uri) + strlen ("/link/"));
    }
  *token = g_strdup (found);
  return TRUE;
}

static void
link_changed_cb (TekenEnrollWindow *self)
{
  g_autofree char *token = NULL;
  gboolean ok = teken_enroll_parse_link (row_text (self->link_row), NULL, &token);

  mark_row (self->link_row, *row_text (self->link_row) != '\0' && !ok);
  gtk_widget_set_sensitive (GTK_WIDGET (self->link_button), ok);
}

static void
link_checked (TekenEnrollWindow *self,
              JsonObject        *reply,
              const GError      *error)
{
  const char *purpose = json_string (reply, "purpose");

  if (error != NULL)
    {
      /* Expired, used or unknown: say so, and offer a new link. */
      set_hint (self->link_hint, error->message, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->resend_button), self->nik != NULL);
      return;
    }
  if (g_strcmp0 (purpose, "set_passphrase") == 0)
    show_page (self, "passphrase");
  else if (g_strcmp0 (purpose, "activation") == 0)
    show_page (self, "activate");
  else
    set_hint (self->link_hint, _("This link is not for getting a certificate. Open it from its own e-mail."), TRUE);
}

/* Checks a link before anything is typed for it (docs/api.md §14, endpoint 3). */
static void
check_link (TekenEnrollWindow *self,
            const char        *token)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_free (self->link_token);
  self->link_token = g_strdup (token);
  json_object_set_string_member (body, "token", token);
  send (self, TEKEN_CA_ENDPOINT_LINKS_CHECK, NULL, NULL, body, NULL, link_checked);
}

static void
link_clicked_cb (TekenEnrollWindow *self)
{
  g_autofree char *token = NULL;

  if (teken_enroll_parse_link (row_text (self->link_row), NULL, &token))
    check_link (self, token);
}

static void
resent (TekenEnrollWindow *self,
        JsonObject        *reply,
        const GError      *error)
{
  if (error != NULL)
    set_hint (self->link_hint, error->message, TRUE);
  else
    set_hint (self->link_hint, _("A new link is on its way. Links sent earlier no longer work."), FALSE);
}

static void
resend_clicked_cb (TekenEnrollWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();

  if (self->nik == NULL || self->email == NULL)
    {
      show_page (self, "register");
      return;
    }
  json_object_set_string_member (body, "nik", self->nik);
  json_object_set_string_member (body, "email", self->email);
  send (self, TEKEN_CA_ENDPOINT_ENROLLMENT_ACTIVATION_RESEND, NULL, NULL, body, NULL, resent);
}

static void
mailbox_clicked_cb (TekenEnrollWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "app.demo-mailbox", NULL);
}

/* Activate */

static gboolean
secret_pair_ok (TekenPolicyChecklist *checklist,
                gpointer              row,
                gpointer              again_row,
                GtkLabel             *hint)
{
  const char *text = row_text (row);
  const char *again = row_text (again_row);
  gboolean policy_ok = teken_policy_checklist_update (checklist, text);
  gboolean same = g_str_equal (text, again);

  mark_row (again_row, *again != '\0' && !same);
  set_hint (hint, *again != '\0' && !same ? _("The two entries differ.") : NULL, FALSE);
  return policy_ok && same;
}

static void
password_changed_cb (TekenEnrollWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->activate_button),
                            secret_pair_ok (self->password_checklist, self->password_row,
                                            self->password_again_row, self->password_hint));
}

static void
session_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TekenEnrollWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!teken_session_store_save_finish (TEKEN_SESSION_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Teken could not keep your session in the keyring (%s). Finish the enrollment before you close Teken, or sign in again later."),
                                                  error->message);

      toast (self, message);
    }
}

/* The client has made the answer's token pair its session; it is kept in
 * the keyring too, so that closing Teken half-way loses nothing. */
static void
activated (TekenEnrollWindow *self,
           JsonObject        *reply,
           const GError      *error)
{
  g_autoptr(TekenCaSession) session = NULL;

  if (error != NULL)
    {
      set_hint (self->password_hint, error->message, TRUE);
      return;
    }
  clear_secrets (self);
  g_clear_pointer (&self->link_token, g_free);

  session = teken_ca_client_dup_session (self->client);
  remember_account (self, json_string (reply, "username"));
  if (session != NULL)
    teken_session_store_save_async (self->sessions, teken_ca_client_get_base_url (self->client), session,
                                    self->cancellable, session_saved_cb, g_object_ref (self));
  show_enrollment (self, json_object (reply, "enrollment"));
}

static void
activate_clicked_cb (TekenEnrollWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(TekenSecret) password = teken_secret_new (row_text (self->password_row), -1);
  g_autoptr(TekenSecret) again = teken_secret_new (row_text (self->password_again_row), -1);
  const TekenCaSecretMember secrets[] = {
    { "password", password }, { "password_confirmation", again }, { NULL, NULL },
  };

  if (self->link_token == NULL)
    {
      show_page (self, "check-email");
      return;
    }
  json_object_set_string_member (body, "token", self->link_token);
  send (self, TEKEN_CA_ENDPOINT_ENROLLMENT_ACTIVATE, NULL, NULL, body, secrets, activated);
}

/* Personal data */

static void
personal_changed_cb (TekenEnrollWindow *self)
{
  const char *name = row_text (self->name_row);
  const char *prefix = row_text (self->title_prefix_row);
  const char *suffix = row_text (self->title_suffix_row);
  const char *phone = row_text (self->phone_row);
  g_autofree char *normal_phone = teken_holder_phone_normalize (phone);
  gboolean name_ok = teken_holder_name_is_valid (name);
  gboolean titles_ok = teken_holder_title_is_valid (prefix) && teken_holder_title_is_valid (suffix);
  const char *hint = NULL;

  mark_row (self->name_row, *name != '\0' && !name_ok);
  mark_row (self->title_prefix_row, !teken_holder_title_is_valid (prefix));
  mark_row (self->title_suffix_row, !teken_holder_title_is_valid (suffix));
  mark_row (self->phone_row, *phone != '\0' && normal_phone == NULL && strlen (phone) >= 10);
  if (*name != '\0' && !name_ok)
    hint = _("Letters and single spaces only, as on your KTP; titles such as Dr. or S.Kom. go in the title fields.");
  else if (!titles_ok)
    hint = _("Titles may hold letters, dots, commas, hyphens, apostrophes and spaces.");
  else if (*phone != '\0' && normal_phone == NULL)
    hint = _("A mobile number such as 0812-3456-7890.");
  set_hint (self->personal_hint, hint, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->personal_button), name_ok && titles_ok && normal_phone != NULL);
}

static void
enrollment_saved (TekenEnrollWindow *self,
                  JsonObject        *reply,
                  const GError      *error)
{
  GtkLabel *hint = NULL;
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (error == NULL)
    {
      show_enrollment (self, reply);
      return;
    }
  if (g_str_equal (page, "personal"))
    hint = self->personal_hint;
  else if (g_str_equal (page, "employment"))
    hint = self->employment_hint;
  else if (g_str_equal (page, "agreements"))
    hint = self->agreements_hint;
  if (hint != NULL)
    set_hint (hint, error->message, TRUE);
  else
    toast (self, error->message);
}

static void
personal_clicked_cb (TekenEnrollWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_string_member (body, "name", row_text (self->name_row));
  json_object_set_string_member (body, "title_prefix", row_text (self->title_prefix_row));
  json_object_set_string_member (body, "title_suffix", row_text (self->title_suffix_row));
  json_object_set_string_member (body, "phone", row_text (self->phone_row));
  send (self, TEKEN_CA_ENDPOINT_ENROLLMENT_PERSONAL, NULL, NULL, body, NULL, enrollment_saved);
}

/* Employment data */

static void
employment_changed_cb (TekenEnrollWindow *self)
{
  gboolean asn = gtk_toggle_button_get_active (self->asn_check);
  gboolean ok;

  gtk_widget_set_visible (GTK_WIDGET (self->asn_group), asn);
  gtk_widget_set_visible (GTK_WIDGET (self->non_asn_group), !asn);
  gtk_widget_set_sensitive (GTK_WIDGET (self->nip_check_button), teken_nip_is_valid (row_text (self->nip_row)));

  if (asn)
    ok = self->nip_checked;
  else
    {
      AdwEntryRow *rows[] = { self->unit_row, self->position_row, self->city_row, self->province_row };

      ok = TRUE;
      for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
        {
          gboolean valid = teken_holder_employment_field_is_valid (row_text (rows[i]));

          mark_row (rows[i], *row_text (rows[i]) != '\0' && !valid);
          ok = ok && valid;
        }
      set_hint (self->employment_hint, ok ? NULL : _("Letters, digits and single spaces, 2 to 100 characters each."),
                FALSE);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->employment_button), ok);
}

static void
nip_changed_cb (TekenEnrollWindow *self)
{
  /* A new NIP needs a new check. */
  self->nip_checked = FALSE;
  adw_action_row_set_subtitle (self->nip_unit_row, "—");
  adw_action_row_set_subtitle (self->nip_position_row, "—");
  adw_action_row_set_subtitle (self->nip_province_row, "—");
  set_hint (self->employment_hint,
            teken_nip_is_valid (row_text (self->nip_row)) ? _("Now press Cek NIP.") : _("The NIP has 18 digits."),
            FALSE);
  employment_changed_cb (self);
}

static void
nip_checked (TekenEnrollWindow *self,
             JsonObject        *reply,
             const GError      *error)
{
  if (error != NULL)
    {
      set_hint (self->employment_hint, error->message, TRUE);
      return;
    }
  self->nip_checked = TRUE;
  adw_action_row_set_subtitle (self->nip_unit_row, json_string (reply, "unit"));
  adw_action_row_set_subtitle (self->nip_position_row, json_string (reply, "position"));
  adw_action_row_set_subtitle (self->nip_province_row, json_string (reply, "province"));
  set_hint (self->employment_hint, _("Found in the personnel registry. Check the data, then continue."), FALSE);
  employment_changed_cb (self);
}

static void
nip_check_clicked_cb (TekenEnrollWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_string_member (body, "nip", row_text (self->nip_row));
  send (self, TEKEN_CA_ENDPOINT_ENROLLMENT_NIP_CHECK, NULL, NULL, body, NULL, nip_checked);
}

/* Enter in the NIP field checks it: the page's Continue waits for that. */
static void
nip_activated_cb (TekenEnrollWindow *self)
{
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->nip_check_button)))
    nip_check_clicked_cb (self);
}

static void
employment_clicked_cb (TekenEnrollWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();

  if (gtk_toggle_button_get_active (self->asn_check))
    {
      json_object_set_string_member (body, "kind", "asn");
      json_object_set_string_member (body, "nip", row_text (self->nip_row));
    }
  else
    {
      json_object_set_string_member (body, "kind", "non_asn");
      json_object_set_string_member (body, "unit", row_text (self->unit_row));
      json_object_set_string_member (body, "position", row_text (self->position_row));
      json_object_set_string_member (body, "city", row_text (self->city_row));
      json_object_set_string_member (body, "province", row_text (self->province_row));
    }
  send (self, TEKEN_CA_ENDPOINT_ENROLLMENT_EMPLOYMENT, NULL, NULL, body, NULL, enrollment_saved);
}

/* Selfie */

static void
selfie_saved (TekenEnrollWindow *self,
              JsonObject        *reply,
              const GError      *error)
{
  if (error != NULL)
    {
      teken_selfie_page_show_refusal (self->selfie_page, error->message);
      return;
    }
  show_enrollment (self, reply);
}

static void
photo_chosen_cb (TekenEnrollWindow *self,
                 GBytes            *png)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *encoded = g_base64_encode (g_bytes_get_data (png, NULL), g_bytes_get_size (png));

  json_object_set_string_member (body, "image", encoded);
  send (self, TEKEN_CA_ENDPOINT_ENROLLMENT_SELFIE, NULL, NULL, body, NULL, selfie_saved);
}

/* Agreements */

static void
agreements_changed_cb (TekenEnrollWindow *self)
{
  gboolean read = self->privacy_read && self->holder_read;

  set_hint (self->agreements_hint,
            read ? _("Pressing Accept and Submit means you accept both documents.")
                 : _("Read both documents. Pressing the button below means you accept them."),
            FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), read);
}

static void
agreement_shown (TekenEnrollWindow *self,
                 JsonObject        *reply,
                 const GError      *error)
{
  const char *id = json_string (reply, "id");

  if (error != NULL)
    {
      toast (self, error->message);
      return;
    }

  gtk_window_present (GTK_WINDOW (teken_agreement_window_new (GTK_WINDOW (self), json_string (reply, "title"),
                                                              json_string (reply, "version"),
                                                              json_string (reply, "text"))));

  if (g_strcmp0 (id, "privacy_policy") == 0)
    {
      self->privacy_read = TRUE;
      g_free (self->privacy_version);
      self->privacy_version = g_strdup (json_string (reply, "version"));
      adw_action_row_set_subtitle (self->privacy_row, _("Read"));
    }
  else if (g_strcmp0 (id, "holder_agreement") == 0)
    {
      self->holder_read = TRUE;
      g_free (self->holder_version);
      self->holder_version = g_strdup (json_string (reply, "version"));
      adw_action_row_set_subtitle (self->holder_row, _("Read"));
    }
  agreements_changed_cb (self);
}

static void
show_agreement (TekenEnrollWindow *self,
                const char        *id)
{
  const char * const path_args[] = { id, NULL };
  const char * const query[] = { "lang", "id", NULL };

  send (self, TEKEN_CA_ENDPOINT_AGREEMENT, path_args, query, NULL, NULL, agreement_shown);
}

static void
privacy_clicked_cb (TekenEnrollWindow *self)
{
  show_agreement (self, "privacy_policy");
}

static void
holder_clicked_cb (TekenEnrollWindow *self)
{
  show_agreement (self, "holder_agreement");
}

static void
submit_clicked_cb (TekenEnrollWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_string_member (body, "privacy_policy_version", self->privacy_version);
  json_object_set_string_member (body, "holder_agreement_version", self->holder_version);
  send (self, TEKEN_CA_ENDPOINT_ENROLLMENT_AGREEMENTS, NULL, NULL, body, NULL, enrollment_saved);
}

/* Outcome of the verification, and the set-passphrase link */

static void
refresh_clicked_cb (TekenEnrollWindow *self);

static void
outcome_link_changed_cb (TekenEnrollWindow *self)
{
  g_autofree char *token = NULL;
  const char *text = row_text (self->outcome_link_row);
  gboolean ok = teken_enroll_parse_link (text, NULL, &token);

  mark_row (self->outcome_link_row, *text != '\0' && !ok);
  if (gtk_widget_get_visible (GTK_WIDGET (self->outcome_link_group)))
    gtk_widget_set_sensitive (GTK_WIDGET (self->outcome_button), ok);
}

static void
outcome_clicked_cb (TekenEnrollWindow *self)
{
  const char *action = g_object_get_data (G_OBJECT (self->outcome_button), "teken-action");
  g_autofree char *token = NULL;

  if (g_strcmp0 (action, "link") == 0 && teken_enroll_parse_link (row_text (self->outcome_link_row), NULL, &token))
    check_link (self, token);
  else if (g_strcmp0 (action, "refresh") == 0)
    refresh_clicked_cb (self);
  else if (action != NULL)
    show_page (self, action);
}

static void
outcome_secondary_clicked_cb (TekenEnrollWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "app.demo-mailbox", NULL);
}

static void
set_outcome (TekenEnrollWindow *self,
             const char        *icon,
             const char        *title,
             const char        *description,
             const char        *button,
             const char        *action,
             gboolean           with_link)
{
  adw_status_page_set_icon_name (self->outcome_page, icon);
  adw_status_page_set_title (self->outcome_page, title);
  adw_status_page_set_description (self->outcome_page, description);
  gtk_button_set_label (self->outcome_button, button);
  g_object_set_data_full (G_OBJECT (self->outcome_button), "teken-action", g_strdup (action), g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->outcome_link_group), with_link);
  gtk_widget_set_sensitive (GTK_WIDGET (self->outcome_button), !with_link);
  gtk_widget_set_visible (GTK_WIDGET (self->outcome_secondary_button),
                          with_link && gtk_widget_get_visible (GTK_WIDGET (self->mailbox_button)));
}

/* Shows the page of the enrollment's next step (docs/api.md §5, `step`),
 * filling in what was entered earlier. */
static void
show_enrollment (TekenEnrollWindow *self,
                 JsonObject        *enrollment)
{
  const char *step = json_string (enrollment, "step");
  const char *status = json_string (enrollment, "status");
  JsonObject *personal = json_object (enrollment, "personal");
  JsonObject *employment = json_object (enrollment, "employment");
  JsonObject *rejection = json_object (enrollment, "rejection");

  if (personal != NULL && *row_text (self->name_row) == '\0')
    {
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), json_string (personal, "name"));
      gtk_editable_set_text (GTK_EDITABLE (self->title_prefix_row), json_string (personal, "title_prefix"));
      gtk_editable_set_text (GTK_EDITABLE (self->title_suffix_row), json_string (personal, "title_suffix"));
      gtk_editable_set_text (GTK_EDITABLE (self->phone_row), json_string (personal, "phone"));
    }
  if (employment != NULL && *row_text (self->nip_row) == '\0' && *row_text (self->unit_row) == '\0')
    {
      if (g_strcmp0 (json_string (employment, "kind"), "asn") == 0)
        {
          gtk_editable_set_text (GTK_EDITABLE (self->nip_row), json_string (employment, "nip"));
          nip_checked (self, employment, NULL);
        }
      else
        {
          gtk_toggle_button_set_active (self->non_asn_check, TRUE);
          gtk_editable_set_text (GTK_EDITABLE (self->unit_row), json_string (employment, "unit"));
          gtk_editable_set_text (GTK_EDITABLE (self->position_row), json_string (employment, "position"));
          gtk_editable_set_text (GTK_EDITABLE (self->city_row), json_string (employment, "city"));
          gtk_editable_set_text (GTK_EDITABLE (self->province_row), json_string (employment, "province"));
        }
    }

  if (rejection != NULL && g_strcmp0 (status, "NO_CERTIFICATE") == 0)
    {
      const char *reason = json_string (rejection, "reason");

      set_outcome (self, "dialog-warning-symbolic", _("Your data needs a correction"),
                   json_string (rejection, "message"), _("Correct My Data"),
                   g_strcmp0 (reason, "face_mismatch") == 0 ? "selfie" : "personal", FALSE);
      show_page (self, "outcome");
    }
  else if (g_strcmp0 (step, "personal") == 0 || g_strcmp0 (step, "employment") == 0 ||
           g_strcmp0 (step, "selfie") == 0 || g_strcmp0 (step, "agreements") == 0)
    show_page (self, step);
  else if (g_strcmp0 (step, "verification") == 0)
    {
      set_outcome (self, "document-open-recent-symbolic", _("Your data is being verified"),
                   _("A verifier at your agency is checking your data. You will get an e-mail when it is done; you can close Teken meanwhile."),
                   _("Check Again"), "refresh", FALSE);
      show_page (self, "outcome");
    }
  else if (g_strcmp0 (step, "passphrase") == 0)
    {
      set_outcome (self, "mail-unread-symbolic", _("Verified: check your e-mail"),
                   _("Your data has been verified. We sent you a link to choose your passphrase: open it, or paste it here."),
                   _("Continue"), "link", TRUE);
      show_page (self, "outcome");
    }
  else if (g_strcmp0 (step, "done") == 0)
    show_page (self, "issued");
  else
    show_page (self, "register");
}

static void
refreshed (TekenEnrollWindow *self,
           JsonObject        *reply,
           const GError      *error)
{
  if (error != NULL)
    {
      if (g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SESSION_INVALID) ||
          g_error_matches (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_NOT_SIGNED_IN))
        show_page (self, "register");
      toast (self, error->message);
      return;
    }
  show_enrollment (self, reply);
}

static void
refresh_clicked_cb (TekenEnrollWindow *self)
{
  send (self, TEKEN_CA_ENDPOINT_ENROLLMENT, NULL, NULL, NULL, NULL, refreshed);
}

/* Passphrase */

static void
passphrase_changed_cb (TekenEnrollWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_button),
                            secret_pair_ok (self->passphrase_checklist, self->passphrase_row,
                                            self->passphrase_again_row, self->passphrase_hint));
}

static void
issued (TekenEnrollWindow *self,
        JsonObject        *reply,
        const GError      *error)
{
  JsonObject *certificate = json_object (reply, "certificate");
  g_autoptr(GDateTime) not_after = NULL;
  g_autofree char *until = NULL;

  if (error != NULL)
    {
      set_hint (self->passphrase_hint, error->message, TRUE);
      return;
    }
  clear_secrets (self);
  g_clear_pointer (&self->link_token, g_free);

  adw_action_row_set_subtitle (self->issued_name_row, json_string (certificate, "common_name"));
  adw_action_row_set_subtitle (self->issued_serial_row, json_string (certificate, "serial"));
  if (json_string (certificate, "not_after") != NULL)
    not_after = g_date_time_new_from_iso8601 (json_string (certificate, "not_after"), NULL);
  if (not_after != NULL)
    until = g_date_time_format (not_after, "%e %B %Y");
  adw_action_row_set_subtitle (self->issued_validity_row, until != NULL ? g_strstrip (until) : "");
  g_settings_set_string (self->settings, "enroll-account", "");
  show_page (self, "issued");
}

static void
passphrase_clicked_cb (TekenEnrollWindow *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(TekenSecret) passphrase = teken_secret_new (row_text (self->passphrase_row), -1);
  g_autoptr(TekenSecret) again = teken_secret_new (row_text (self->passphrase_again_row), -1);
  const TekenCaSecretMember secrets[] = {
    { "passphrase", passphrase }, { "passphrase_confirmation", again }, { NULL, NULL },
  };

  if (self->link_token == NULL)
    {
      show_page (self, "outcome");
      return;
    }
  json_object_set_string_member (body, "token", self->link_token);
  send (self, TEKEN_CA_ENDPOINT_ENROLLMENT_PASSPHRASE, NULL, NULL, body, secrets, issued);
}

/* Window */

static void
back_clicked_cb (TekenEnrollWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  for (gsize i = 0; i < G_N_ELEMENTS (back_pages); i++)
    if (g_str_equal (back_pages[i].page, page))
      show_page (self, back_pages[i].back);
}

static void
done_clicked_cb (TekenEnrollWindow *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
session_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TekenEnrollWindow) self = user_data;
  g_autoptr(TekenCaSession) session = teken_session_store_load_finish (TEKEN_SESSION_STORE (source), result, NULL);

  /* A link opened the wizard meanwhile: that page wins. */
  if (session == NULL || self->link_token != NULL)
    return;
  teken_ca_client_set_session (self->client, session);
  self->username = g_strdup (teken_ca_session_get_account (session));
  refresh_clicked_cb (self);
}

/* Picks up an enrollment left half-way: the session is in the keyring. */
static void
resume (TekenEnrollWindow *self)
{
  g_autofree char *account = g_settings_get_string (self->settings, "enroll-account");

  if (*account == '\0')
    return;
  teken_session_store_load_async (self->sessions, teken_ca_client_get_base_url (self->client), account,
                                  self->cancellable, session_loaded_cb, g_object_ref (self));
}

static gboolean
teken_enroll_window_close_request (GtkWindow *window)
{
  TekenEnrollWindow *self = TEKEN_ENROLL_WINDOW (window);

  g_cancellable_cancel (self->cancellable);
  clear_secrets (self);
  return GTK_WINDOW_CLASS (teken_enroll_window_parent_class)->close_request (window);
}

static void
teken_enroll_window_dispose (GObject *object)
{
  TekenEnrollWindow *self = TEKEN_ENROLL_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_ENROLL_WINDOW);

  G_OBJECT_CLASS (teken_enroll_window_parent_class)->dispose (object);
}

static void
teken_enroll_window_finalize (GObject *object)
{
  TekenEnrollWindow *self = TEKEN_ENROLL_WINDOW (object);

  g_clear_object (&self->client);
  g_clear_object (&self->sessions);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_free (self->username);
  g_free (self->link_token);
  g_free (self->nik);
  g_free (self->email);
  g_free (self->privacy_version);
  g_free (self->holder_version);

  G_OBJECT_CLASS (teken_enroll_window_parent_class)->finalize (object);
}

static void
teken_enroll_window_class_init (TekenEnrollWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = teken_enroll_window_dispose;
  object_class->finalize = teken_enroll_window_finalize;
  window_class->close_request = teken_enroll_window_close_request;

  g_type_ensure (TEKEN_TYPE_POLICY_CHECKLIST);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-enroll-window.ui");

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TekenEnrollWindow, name)
  BIND (window_title); BIND (back_button); BIND (spinner); BIND (toast_overlay); BIND (stack);
  BIND (nik_row); BIND (email_row); BIND (register_hint); BIND (register_button); BIND (have_link_button);
  BIND (link_row); BIND (link_hint); BIND (link_button); BIND (resend_button); BIND (mailbox_button);
  BIND (password_row); BIND (password_again_row); BIND (password_hint); BIND (password_checklist);
  BIND (activate_button);
  BIND (name_row); BIND (title_prefix_row); BIND (title_suffix_row); BIND (phone_row); BIND (personal_hint);
  BIND (personal_button);
  BIND (asn_check); BIND (non_asn_check); BIND (asn_group); BIND (non_asn_group); BIND (nip_row);
  BIND (nip_check_button); BIND (nip_unit_row); BIND (nip_position_row); BIND (nip_province_row);
  BIND (unit_row); BIND (position_row); BIND (city_row); BIND (province_row); BIND (employment_hint);
  BIND (employment_button);
  BIND (privacy_row); BIND (holder_row); BIND (privacy_button); BIND (holder_button); BIND (agreements_hint); BIND (submit_button);
  BIND (passphrase_row); BIND (passphrase_again_row); BIND (passphrase_hint); BIND (passphrase_checklist);
  BIND (passphrase_button);
  BIND (outcome_page); BIND (outcome_link_group); BIND (outcome_link_row); BIND (outcome_button);
  BIND (outcome_secondary_button);
  BIND (issued_name_row); BIND (issued_serial_row); BIND (issued_validity_row); BIND (done_button);
#undef BIND
}

static void
connect_changed (gpointer    editable,
                 GCallback   callback,
                 gpointer    self)
{
  g_signal_connect_swapped (editable, "changed", callback, self);
}

static void
forget_focus_child (GtkWidget *widget)
{
  GtkWidget *child = gtk_widget_get_focus_child (widget);

  if (child == NULL)
    return;
  forget_focus_child (child);
  gtk_widget_set_focus_child (widget, NULL);
}

/* GTK 4.8 remembers in each container the child that last had the focus,
 * and Tab into the page from the header bar went back there (on the
 * selfie's still, to Retake, never reaching Use This Photo above it): a
 * page the focus leaves forgets it, so Tab enters it in reading order. */
static void
focus_widget_cb (TekenEnrollWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *page = gtk_stack_get_visible_child (self->stack);

  if (page != NULL && focus != NULL && !gtk_widget_is_ancestor (focus, page))
    forget_focus_child (page);
  /* GTK 4.8 shows the focus ring for 3 s after a key press: when the
   * focus moves by itself (a new page's first control, Take Photo once
   * the camera runs), one who works with the keys sees it move. */
  if (focus != NULL && self->keyboard_used)
    gtk_window_set_focus_visible (GTK_WINDOW (self), TRUE);
}

static gboolean
input_event_cb (GtkEventControllerLegacy *controller,
                GdkEvent                 *event,
                TekenEnrollWindow        *self)
{
  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
      self->keyboard_used = TRUE;
      break;

    case GDK_BUTTON_PRESS:
    case GDK_TOUCH_BEGIN:
      self->keyboard_used = FALSE;
      break;

    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

static void
teken_enroll_window_init (TekenEnrollWindow *self)
{
  GtkEventController *input;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->sessions = teken_session_store_new ();
  self->settings = g_settings_new (APP_ID);

  /* The camera page is a widget of its own (src/ui/enroll/teken-selfie-page.c). */
  self->selfie_page = TEKEN_SELFIE_PAGE (teken_selfie_page_new ());
  gtk_stack_page_set_title (gtk_stack_add_named (self->stack, GTK_WIDGET (self->selfie_page), "selfie"),
                            _("Selfie"));
  g_signal_connect_swapped (self->selfie_page, "photo-chosen", G_CALLBACK (photo_chosen_cb), self);

  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (back_clicked_cb), self);
  connect_changed (self->nik_row, G_CALLBACK (register_changed_cb), self);
  connect_changed (self->email_row, G_CALLBACK (register_changed_cb), self);
  g_signal_connect_swapped (self->register_button, "clicked", G_CALLBACK (register_clicked_cb), self);
  g_signal_connect_swapped (self->have_link_button, "clicked", G_CALLBACK (have_link_clicked_cb), self);
  connect_changed (self->link_row, G_CALLBACK (link_changed_cb), self);
  g_signal_connect_swapped (self->link_button, "clicked", G_CALLBACK (link_clicked_cb), self);
  g_signal_connect_swapped (self->resend_button, "clicked", G_CALLBACK (resend_clicked_cb), self);
  g_signal_connect_swapped (self->mailbox_button, "clicked", G_CALLBACK (mailbox_clicked_cb), self);
  connect_changed (self->password_row, G_CALLBACK (password_changed_cb), self);
  connect_changed (self->password_again_row, G_CALLBACK (password_changed_cb), self);
  g_signal_connect_swapped (self->activate_button, "clicked", G_CALLBACK (activate_clicked_cb), self);
  connect_changed (self->name_row, G_CALLBACK (personal_changed_cb), self);
  connect_changed (self->title_prefix_row, G_CALLBACK (personal_changed_cb), self);
  connect_changed (self->title_suffix_row, G_CALLBACK (personal_changed_cb), self);
  connect_changed (self->phone_row, G_CALLBACK (personal_changed_cb), self);
  g_signal_connect_swapped (self->personal_button, "clicked", G_CALLBACK (personal_clicked_cb), self);
  g_signal_connect_swapped (self->asn_check, "toggled", G_CALLBACK (employment_changed_cb), self);
  connect_changed (self->nip_row, G_CALLBACK (nip_changed_cb), self);
  g_signal_connect_swapped (self->nip_row, "entry-activated", G_CALLBACK (nip_activated_cb), self);
  g_signal_connect_swapped (self->nip_check_button, "clicked", G_CALLBACK (nip_check_clicked_cb), self);
  connect_changed (self->unit_row, G_CALLBACK (employment_changed_cb), self);
  connect_changed (self->position_row, G_CALLBACK (employment_changed_cb), self);
  connect_changed (self->city_row, G_CALLBACK (employment_changed_cb), self);
  connect_changed (self->province_row, G_CALLBACK (employment_changed_cb), self);
  g_signal_connect_swapped (self->employment_button, "clicked", G_CALLBACK (employment_clicked_cb), self);
  g_signal_connect_swapped (self->privacy_button, "clicked", G_CALLBACK (privacy_clicked_cb), self);
  g_signal_connect_swapped (self->holder_button, "clicked", G_CALLBACK (holder_clicked_cb), self);
  g_signal_connect_swapped (self->submit_button, "clicked", G_CALLBACK (submit_clicked_cb), self);
  connect_changed (self->outcome_link_row, G_CALLBACK (outcome_link_changed_cb), self);
  g_signal_connect_swapped (self->outcome_button, "clicked", G_CALLBACK (outcome_clicked_cb), self);
  g_signal_connect_swapped (self->outcome_secondary_button, "clicked", G_CALLBACK (outcome_secondary_clicked_cb), self);
  connect_changed (self->passphrase_row, G_CALLBACK (passphrase_changed_cb), self);
  connect_changed (self->passphrase_again_row, G_CALLBACK (passphrase_changed_cb), self);
  g_signal_connect_swapped (self->passphrase_button, "clicked", G_CALLBACK (passphrase_clicked_cb), self);
  g_signal_connect_swapped (self->done_button, "clicked", G_CALLBACK (done_clicked_cb), self);

  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_widget_cb), NULL);
  input = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (input, GTK_PHASE_CAPTURE);
  g_signal_connect (input, "event", G_CALLBACK (input_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), input);

  gtk_widget_set_visible (GTK_WIDGET (self->resend_button), FALSE);
  employment_changed_cb (self);
  set_hint (self->employment_hint, _("The NIP has 18 digits."), FALSE);
  show_page (self, "register");
}

/**
 * teken_enroll_window_new:
 * @client: the CA the holder enrolls with
 */
TekenEnrollWindow *
teken_enroll_window_new (GtkApplication *application,
                         TekenCaClient  *client)
{
  TekenEnrollWindow *self = g_object_new (TEKEN_TYPE_ENROLL_WINDOW, "application", application, NULL);
  GAction *mailbox = g_action_map_lookup_action (G_ACTION_MAP (application), "demo-mailbox");

  g_autofree char *phone_link = NULL;

  self->client = g_object_ref (client);
  gtk_widget_set_visible (GTK_WIDGET (self->mailbox_button), mailbox != NULL);
  /* Without a camera here, the holder can go on where there is one. */
  phone_link = g_strconcat (teken_ca_client_get_base_url (client), "/link/enroll", NULL);
  teken_selfie_page_set_continue_link (self->selfie_page, phone_link);
  resume (self);
  return self;
}

/**
 * teken_enroll_window_open_link:
 * @action: `activate` or `set-passphrase` (teken:// actions of docs/api.md §12)
 * @token: the link's token
 *
 * Continues the enrollment from an e-mailed link.
 */
void
teken_enroll_window_open_link (TekenEnrollWindow *self,
                               const char        *action,
                               const char        *token)
{
  g_return_if_fail (TEKEN_IS_ENROLL_WINDOW (self));

  g_autoptr(TekenCaSession) session = teken_ca_client_dup_session (self->client);

  if (token != NULL)
    check_link (self, token);
  else if (session != NULL)
    refresh_clicked_cb (self);
}

/* The visible page's name, for tests. */
const char *
teken_enroll_window_get_page (TekenEnrollWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}
