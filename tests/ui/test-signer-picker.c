/* test-signer-picker.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Who signs, in process, against a real teken-ca: the signer picker signed
 * out, then following a sign-in on the shared CA client (holder, status,
 * serial, a ready TekenRemoteSigner whose CMS is over the digest sent);
 * the sentences for CA errors; and the sign dialog with the BSrE
 * certificate: a wrong passphrase with the tries left, Cancel while the CA
 * is asked, then the signed copy shown verified against teken-ca's root. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "teken-cms.h"
#include "teken-remote-signer.h"
#include "teken-resources.h"
#include "teken-sign-dialog.h"
#include "teken-signer-picker.h"
#include "teken-signing-credential.h"
#include "teken-test-ca.h"
#include "teken-test-utils.h"
#include "teken-totp.h"
#include "teken-ui-test-utils.h"

static TekenTestCa *ca;
static char *work_dir;
static gint64 budi_last_step;

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Budi signs in on @client as My Certificate would: password, then a code
 * from his authenticator (a step never used before). */
static void
sign_in_budi (TekenCaClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenSecret) password = teken_secret_new (TEKEN_TEST_BUDI_PASSWORD, -1);
  g_autoptr(TekenCaLoginStep) step = NULL;
  g_autoptr(TekenCaSession) session = NULL;
  g_autoptr(TekenSecret) code_secret = NULL;
  g_autofree char *code = NULL;
  gint64 now_step, use_step;

  teken_ca_client_login_async (client, TEKEN_TEST_BUDI_NIK, password, NULL, got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the password step");
  step = teken_ca_client_login_finish (client, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  now_step = g_get_real_time () / G_USEC_PER_SEC / TEKEN_TOTP_PERIOD;
  use_step = MAX (now_step, budi_last_step + 1);
  while (use_step > now_step + 1)
    {
      g_usleep (G_USEC_PER_SEC);
      now_step = g_get_real_time () / G_USEC_PER_SEC / TEKEN_TOTP_PERIOD;
    }
  budi_last_step = use_step;
  code = teken_totp_code (TEKEN_TEST_BUDI_TOTP_SECRET, use_step * TEKEN_TOTP_PERIOD, &error);
  g_assert_no_error (error);
  code_secret = teken_secret_new (code, -1);

  teken_ca_client_login_totp_async (client, step, code_secret, NULL, NULL, got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the code step");
  session = teken_ca_client_login_totp_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
}

/* A holder with no authenticator signs in for the first time: the CA
 * hands out its key, and the first code from it finishes the sign-in. */
static void
sign_in_first_time (TekenCaClient *client,
                    const char    *nik,
                    const char    *password_text)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenSecret) password = teken_secret_new (password_text, -1);
  g_autoptr(TekenCaLoginStep) step = NULL;
  g_autoptr(TekenCaSession) session = NULL;
  g_autoptr(TekenSecret) code_secret = NULL;
  g_autofree char *code = NULL;

  teken_ca_client_login_async (client, nik, password, NULL, got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the password step");
  step = teken_ca_client_login_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (step->next, ==, TEKEN_CA_LOGIN_NEXT_TOTP_SETUP);
  g_clear_object (&result);

  code = teken_totp_code (teken_secret_get_text (step->totp_secret), g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  code_secret = teken_secret_new (code, -1);
  teken_ca_client_login_totp_async (client, step, code_secret, "Ponsel uji", NULL, got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the code step");
  session = teken_ca_client_login_totp_finish (client, result, &error);
  g_assert_no_error (error);
}

static gboolean
picker_has_holder (gpointer data)
{
  return teken_signer_picker_get_holder_name (data) != NULL && !teken_signer_picker_get_busy (data);
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return teken_test_find_label (wait->root, wait->text) != NULL;
}

static void
wait_for_label (GtkWidget  *root,
                                const char *text)
{
  LabelWait wait = { root, text };

  teken_ui_test_wait_until (label_shown, &wait, text);
}

static gboolean
picker_signed_out (gpointer data)
{
  return teken_signer_picker_get_holder_name (data) == NULL && !teken_signer_picker_get_busy (data);
}

static gboolean
picker_ready (gpointer data)
{
  return teken_signer_picker_get_ready (data);
}

static GtkWindow *
show_in_window (GtkWidget *widget)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_widget_set_margin_top (widget, 24);
  gtk_widget_set_margin_bottom (widget, 24);
  gtk_widget_set_margin_start (widget, 24);
  gtk_widget_set_margin_end (widget, 24);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), widget);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_window_set_child (window, scrolled);
  gtk_window_set_default_size (window, 520, 720);
  gtk_window_present (window);
  teken_test_wait_until_drawn (GTK_WIDGET (window));
  return window;
}

static TekenCaClient *
new_client (void)
{
  g_autoptr(GError) error = NULL;
  TekenCaClient *client = teken_ca_client_new (ca->url, ca->root_pem, &error);

  g_assert_no_error (error);
  return client;
}

/* Signed out: files only, and a way to sign in. Then the session appears
 * on the client and the picker follows, to a signer the CA signs with. */
static void
test_picker_follows_sign_in (void)
{
  g_autoptr(TekenCaClient) client = new_client ();
  TekenSignerPicker *picker = teken_signer_picker_new (client);
  GtkWindow *window = show_in_window (GTK_WIDGET (picker));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenSigner) signer = NULL;
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GBytes) signed_digest = NULL;
  g_autofree char *holder = NULL;
  guint8 bytes[TEKEN_SIGNER_DIGEST_LENGTH];
  GtkWidget *passphrase_row;

  g_assert_cmpint (teken_signer_picker_get_source (picker), ==, TEKEN_SIGNER_SOURCE_FILE);
  teken_signer_picker_set_source (picker, TEKEN_SIGNER_SOURCE_ACCOUNT);
  g_assert_nonnull (teken_ui_test_find_row (GTK_WIDGET (picker), "Not Signed In"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (picker), "Sign in to My Certificate to sign"));
  g_assert_false (teken_signer_picker_get_ready (picker));
  teken_test_save_screenshot (GTK_WIDGET (window), "signer-picker-signed-out");

  /* Asked to make a signer anyway: told to sign in. */
  teken_signer_picker_create_signer_async (picker, NULL, got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the refusal");
  g_assert_null (teken_signer_picker_create_signer_finish (picker, result, &error));
  g_assert_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);
  g_clear_object (&result);

  /* My Certificate signs in on the same client: the picker shows Budi. */
  teken_signer_picker_set_source (picker, TEKEN_SIGNER_SOURCE_FILE);
  sign_in_budi (client);
  teken_ui_test_wait_until (picker_has_holder, picker, "the holder");
  g_assert_cmpint (teken_signer_picker_get_source (picker), ==, TEKEN_SIGNER_SOURCE_ACCOUNT);
  g_assert_cmpstr (teken_signer_picker_get_certificate_status (picker), ==, "ISSUE");
  holder = g_ascii_strdown (teken_signer_picker_get_holder_name (picker), -1);
  g_assert_nonnull (strstr (holder, "budi santoso"));
  g_assert_nonnull (teken_ui_test_find_row (GTK_WIDGET (picker), "Serial Number"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (picker), "(ISSUE)"));
  g_assert_false (teken_signer_picker_get_ready (picker));

  passphrase_row = teken_ui_test_find_row (GTK_WIDGET (picker), "Passphrase");
  g_assert_nonnull (passphrase_row);
  gtk_editable_set_text (GTK_EDITABLE (passphrase_row), TEKEN_TEST_BUDI_PASSPHRASE);
  g_assert_true (teken_signer_picker_get_ready (picker));
  teken_test_save_screenshot (GTK_WIDGET (window), "signer-picker-account");

  teken_signer_picker_create_signer_async (picker, NULL, got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the signer");
  signer = teken_signer_picker_create_signer_finish (picker, result, &error);
  g_assert_no_error (error);
  g_assert_true (TEKEN_IS_REMOTE_SIGNER (signer));
  g_clear_object (&result);
  /* The passphrase went into the signer, not left in the field. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (passphrase_row)), ==, "");
  g_assert_false (teken_signer_picker_get_ready (picker));

  /* The CA signs this digest with Budi's key. */
  memset (bytes, 0x5a, sizeof bytes);
  digest = g_bytes_new (bytes, sizeof bytes);
  teken_signer_sign_digest_async (signer, digest, NULL, got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the CA's signature");
  cms = teken_signer_sign_digest_finish (signer, result, &error);
  g_assert_no_error (error);
  g_assert_true (teken_cms_get_message_digest (cms, &signed_digest, &error));
  g_assert_true (g_bytes_equal (signed_digest, digest));

  /* Signing out empties the account part again. */
  teken_ca_client_set_session (client, NULL);
  teken_ui_test_wait_until (picker_signed_out, picker, "the picker to see the sign-out");
  g_assert_nonnull (teken_ui_test_find_row (GTK_WIDGET (picker), "Not Signed In"));
  gtk_window_destroy (window);
}

/* Every CA refusal says what to do next. */
static void
test_error_sentences (void)
{
  const struct {
    int code;
    const char *details;
    const char *expected;
    gboolean open_account;
  } cases[] = {
    { TEKEN_CA_ERROR_WRONG_PASSPHRASE, "{\"attempts_left\": 3}", "3 tries left", FALSE },
    { TEKEN_CA_ERROR_WRONG_PASSPHRASE, "{\"attempts_left\": 1}", "1 try left", FALSE },
    { TEKEN_CA_ERROR_NO_ACTIVE_CERTIFICATE, "{\"status\": \"SUSPEND\"}", "Open My Certificate", TRUE },
    { TEKEN_CA_ERROR_ACCOUNT_UPDATE_PENDING, NULL, "UPDATE", TRUE },
    { TEKEN_CA_ERROR_KEY_LOCKED, NULL, "Reset the passphrase in My Certificate", TRUE },
    { TEKEN_CA_ERROR_SESSION_INVALID, NULL, "Sign in to My Certificate again", TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) details = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;
      gboolean open_account = !cases[i].open_account;

      if (cases[i].details != NULL)
        {
          g_autoptr(JsonNode) node = json_from_string (cases[i].details, NULL);

          details = json_object_ref (json_node_get_object (node));
        }
      error = teken_ca_error_new_literal (cases[i].code, details);
      message = teken_signer_picker_describe_error (error, &open_account);
      g_test_message ("%d: %s", cases[i].code, message);
      g_assert_nonnull (strstr (message, cases[i].expected));
      g_assert_cmpint (open_account, ==, cases[i].open_account);
    }

  /* No network: the client's sentence, and that nothing was signed. */
  {
    g_autoptr(GError) transport = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "unreachable");
    g_autoptr(GError) error = teken_ca_error_new_from_transport (transport, "https://ca.example");
    g_autofree char *message = teken_signer_picker_describe_error (error, NULL);

    g_assert_nonnull (strstr (message, "Nothing was signed."));
    g_assert_nonnull (strstr (message, "Check your network connection"));
  }
}

/* The sign dialog, as the document view opens it. */

static char *
copy_to_work_dir (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *target = g_build_filename (work_dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (target, contents, length, NULL));
  return g_steal_pointer (&target);
}

static gboolean
has_sign_dialog (gpointer data)
{
  return TEKEN_SIGN_DIALOG (teken_ui_test_find_toplevel (TEKEN_TYPE_SIGN_DIALOG)) != NULL;
}

static gboolean
dialog_idle (gpointer data)
{
  gboolean busy;

  g_object_get (data, "busy", &busy, NULL);
  return !busy;
}

static gboolean
dialog_can_sign (gpointer data)
{
  gboolean can_sign;

  g_object_get (data, "can-sign", &can_sign, NULL);
  return can_sign;
}

static const char *
error_text (TekenSignDialog *dialog)
{
  GtkWidget *label = teken_ui_test_find_error_label (GTK_WIDGET (dialog));

  return label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : "";
}

static gboolean
preview_shown (gpointer data)
{
  GtkWidget *picture = teken_ui_test_find_of_type (data, GTK_TYPE_PICTURE);

  return picture != NULL && gtk_picture_get_paintable (GTK_PICTURE (picture)) != NULL;
}

typedef struct
{
  TekenSignDialog *dialog;
  GFile           *output;
} Signing;

static gboolean
signing_over (gpointer data)
{
  Signing *signing = data;

  return signing->output != NULL || dialog_idle (signing->dialog);
}

static void
signed_cb (TekenSignDialog *dialog,
           GFile           *output,
           Signing         *signing)
{
  signing->output = g_object_ref (output);
}

/* Lets the stack's slide between pages finish before a screenshot. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static void
type_passphrase (TekenSignDialog *dialog,
                 const char      *passphrase)
{
  GtkWidget *row = teken_ui_test_find_row (GTK_WIDGET (dialog), "Passphrase");

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), passphrase);
}

static void
test_dialog_signs_at_the_ca (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *fixture = teken_ui_test_fixture ("cairo-a4.pdf");
  g_autofree char *path = copy_to_work_dir (fixture);
  g_autofree char *expected = g_build_filename (work_dir, "cairo-a4_signed.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TekenWindow *window = teken_ui_test_open (app, file);
  TekenDocumentView *view = teken_window_get_document_view (window);
  TekenCaClient *client = teken_application_get_ca_client (app, NULL);
  TekenVerificationModel *verification;
  TekenSignDialog *dialog;
  TekenSignerPicker *picker;
  Signing signing = { NULL, NULL };
  g_autofree char *signer_name = NULL;

  g_assert_nonnull (client);
  g_assert_cmpstr (teken_ca_client_get_base_url (client), ==, ca->url);
  sign_in_budi (client);

  /* A preset places the box; the dialog opens on Budi's certificate. */
  gtk_widget_activate_action (GTK_WIDGET (view), "view.sign", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.place", "s", "last-bottom-right");
  teken_ui_test_wait_until (has_sign_dialog, NULL, "the sign dialog");
  dialog = g_object_ref (TEKEN_SIGN_DIALOG (teken_ui_test_find_toplevel (TEKEN_TYPE_SIGN_DIALOG)));
  signing.dialog = dialog;
  picker = teken_sign_dialog_get_picker (dialog);
  teken_ui_test_wait_until (picker_has_holder, picker, "the holder");
  g_assert_cmpint (teken_signer_picker_get_source (picker), ==, TEKEN_SIGNER_SOURCE_ACCOUNT);
  teken_ui_test_wait_until (picker_ready, picker, "the picker to be ready");
  teken_test_save_screenshot (GTK_WIDGET (dialog), "sign-remote-certificate");

  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.open-certificate", NULL);
  teken_ui_test_wait_until (dialog_idle, dialog, "the details");
  g_assert_cmpstr (error_text (dialog), ==, "");
  gtk_toggle_button_set_active (teken_ui_test_find_toggle (GTK_WIDGET (dialog), "Plh."), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (dialog), "Position (jabatan)")), "Kepala Dinas Kominfo");
  gtk_editable_set_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (dialog), "Reason")), "Persetujuan");

  /* The preview is there before the passphrase; Sign is off without it. */
  teken_ui_test_wait_until (preview_shown, dialog, "the preview");
  g_assert_false (dialog_can_sign (dialog));
  teken_test_save_screenshot (GTK_WIDGET (dialog), "sign-remote-details");

  /* A wrong passphrase: the CA counts it, the dialog says how many are left. */
  type_passphrase (dialog, "Salah-Frasa9!");
  teken_ui_test_wait_until (dialog_can_sign, dialog, "Sign to be on");
  g_signal_connect (dialog, "signed", G_CALLBACK (signed_cb), &signing);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.sign", NULL);
  g_assert_false (dialog_idle (dialog));
  teken_ui_test_wait_until (signing_over, &signing, "the CA's answer");
  g_assert_null (signing.output);
  g_test_message ("wrong passphrase: %s", error_text (dialog));
  g_assert_nonnull (strstr (error_text (dialog), "tries left before your signing key is locked"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (dialog), "Passphrase"))), ==, "");
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));
  settle ();
  teken_test_save_screenshot (GTK_WIDGET (dialog), "sign-remote-wrong-passphrase");

  /* Cancel while the CA is asked: back to the details, nothing saved. */
  type_passphrase (dialog, TEKEN_TEST_BUDI_PASSPHRASE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.sign", NULL);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.cancel", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (dialog_idle (dialog));
  g_assert_nonnull (strstr (error_text (dialog), "Signing was cancelled"));
  {
    gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_null (signing.output);
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));

  /* The right passphrase: signed, saved beside the original, shown valid. */
  type_passphrase (dialog, TEKEN_TEST_BUDI_PASSPHRASE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.sign", NULL);
  teken_ui_test_wait_until (signing_over, &signing, "signing");
  if (signing.output == NULL)
    g_error ("Signing failed: %s", error_text (dialog));
  g_assert_cmpstr (g_file_peek_path (signing.output), ==, expected);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_object_unref (dialog);

  teken_ui_test_wait_for_document (view);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "cairo-a4_signed.pdf");
  verification = teken_document_view_get_verification (view);
  g_test_message ("verdict: %d", teken_verification_model_get_status (verification));
  g_assert_cmpint (teken_verification_model_get_status (verification), ==, TEKEN_VERIFY_VALID);
  signer_name = g_ascii_strdown (teken_verification_model_get_signer (verification, 0), -1);
  g_assert_nonnull (strstr (signer_name, "budi santoso"));
  teken_ui_test_wait_for_rendered (teken_document_view_get_canvas (view), 0);
  teken_test_save_screenshot (GTK_WIDGET (window), "sign-remote-done");

  g_object_unref (signing.output);
  gtk_window_destroy (GTK_WINDOW (window));
}

static char *
mail_header (const char *mail,
             const char *name)
{
  g_autofree char *prefix = g_strconcat ("\n", name, ": ", NULL);
  const char *start = strstr (mail, prefix);

  if (start == NULL)
    return NULL;
  start += strlen (prefix);
  return g_strndup (start, strchr (start, '\n') - start);
}

static gboolean
code_mailed (gpointer data)
{
  g_autofree char *mail = teken_test_ca_find_mail (ca, TEKEN_TEST_BUDI_EMAIL, "signing_otp", NULL);

  if (mail != NULL)
    *(char **) data = mail_header (mail, "X-Teken-Code");
  return *(char **) data != NULL;
}

/* With signing by e-mailed code enabled (docs/api.md §7.9), the picker
 * offers it: the code is asked for, typed, and the CA signs with it. */
static void
test_picker_emailed_code (void)
{
  g_autoptr(TekenCaClient) client = new_client ();
  TekenSignerPicker *picker = teken_signer_picker_new (client);
  GtkWindow *window = show_in_window (GTK_WIDGET (picker));
  g_autoptr(TekenSecret) passphrase = teken_secret_new (TEKEN_TEST_BUDI_PASSPHRASE, -1);
  const TekenCaSecretMember secrets[] = { { "passphrase", passphrase }, { NULL, NULL } };
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenSigner) signer = NULL;
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GBytes) signed_digest = NULL;
  g_autofree char *code = NULL;
  guint8 bytes[TEKEN_SIGNER_DIGEST_LENGTH];
  GtkWidget *credential;

  sign_in_budi (client);
  teken_ui_test_wait_until (picker_has_holder, picker, "the holder");
  g_assert_null (teken_ui_test_find_row (GTK_WIDGET (picker), "Confirm With"));

  json_object_set_boolean_member (body, "enabled", TRUE);
  teken_ca_client_call_async (client, TEKEN_CA_ENDPOINT_SIGNING_OTP_CONSENT, NULL, NULL, body, secrets, NULL,
                              got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the consent");
  answer = teken_ca_client_call_finish (client, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  teken_signer_picker_reload (picker);
  teken_ui_test_wait_until (picker_has_holder, picker, "the holder again");
  g_assert_nonnull (teken_ui_test_find_row (GTK_WIDGET (picker), "Confirm With"));
  gtk_toggle_button_set_active (teken_ui_test_find_toggle (GTK_WIDGET (picker), "E-mailed Code"), TRUE);
  g_assert_nonnull (teken_ui_test_find_row (GTK_WIDGET (picker), "Code from the E-mail"));
  g_assert_false (teken_signer_picker_get_ready (picker));

  credential = teken_ui_test_find_of_type (GTK_WIDGET (picker), TEKEN_TYPE_SIGNING_CREDENTIAL);
  g_assert_nonnull (credential);
  gtk_widget_activate_action (credential, "credential.send-code", NULL);
  teken_ui_test_wait_until (code_mailed, &code, "the e-mailed code");
  g_assert_cmpuint (strlen (code), ==, 6);
  wait_for_label (GTK_WIDGET (picker), "A code is on its way");
  gtk_editable_set_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (picker), "Code from the E-mail")), code);
  g_assert_true (teken_signer_picker_get_ready (picker));
  teken_test_save_screenshot (GTK_WIDGET (window), "signer-picker-code");

  teken_signer_picker_create_signer_async (picker, NULL, got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the signer");
  signer = teken_signer_picker_create_signer_finish (picker, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  memset (bytes, 0xa5, sizeof bytes);
  digest = g_bytes_new (bytes, sizeof bytes);
  teken_signer_sign_digest_async (signer, digest, NULL, got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the CA's signature");
  cms = teken_signer_sign_digest_finish (signer, result, &error);
  g_assert_no_error (error);
  g_assert_true (teken_cms_get_message_digest (cms, &signed_digest, &error));
  g_assert_true (g_bytes_equal (signed_digest, digest));

  gtk_window_destroy (window);
}

/* A certificate the agency verifier suspended: said so, with the way on,
 * and no signer. */
static void
test_picker_suspended (void)
{
  g_autoptr(TekenCaClient) client = new_client ();
  TekenSignerPicker *picker = teken_signer_picker_new (client);
  GtkWindow *window = show_in_window (GTK_WIDGET (picker));
  const char *argv[] = { g_getenv ("TEKEN_CA_BIN"), "admin", ca->data_dir, "suspend", TEKEN_TEST_BUDI_NIK,
                         "--note", "Cuti di luar tanggungan negara", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &output, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  sign_in_budi (client);
  teken_ui_test_wait_until (picker_has_holder, picker, "the holder");
  g_assert_cmpstr (teken_signer_picker_get_certificate_status (picker), ==, "SUSPEND");
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (picker), "(SUSPEND)"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (picker), "Open My Certificate"));
  g_assert_null (teken_ui_test_find_row (GTK_WIDGET (picker), "Passphrase"));
  g_assert_false (teken_signer_picker_get_ready (picker));
  teken_test_save_screenshot (GTK_WIDGET (window), "signer-picker-suspended");

  teken_signer_picker_create_signer_async (picker, NULL, got_result, &result);
  teken_ui_test_wait_until (has_result, &result, "the refusal");
  g_assert_null (teken_signer_picker_create_signer_finish (picker, result, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Open My Certificate"));

  gtk_window_destroy (window);
}

/* Five wrong passphrases lock the key at the CA: the dialog goes back to
 * who signs, which says the key is locked and what to do. */
static void
test_dialog_key_locked (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *fixture = teken_ui_test_fixture ("hand-minimal.pdf");
  g_autofree char *path = copy_to_work_dir (fixture);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TekenWindow *window = teken_ui_test_open (app, file);
  TekenDocumentView *view = teken_window_get_document_view (window);
  TekenSignDialog *dialog;
  TekenSignerPicker *picker;
  Signing signing = { NULL, NULL };

  sign_in_first_time (teken_application_get_ca_client (app, NULL), TEKEN_TEST_SITI_NIK, TEKEN_TEST_SITI_PASSWORD);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.sign", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.sign-invisibly", NULL);
  teken_ui_test_wait_until (has_sign_dialog, NULL, "the sign dialog");
  dialog = g_object_ref (TEKEN_SIGN_DIALOG (teken_ui_test_find_toplevel (TEKEN_TYPE_SIGN_DIALOG)));
  signing.dialog = dialog;
  g_signal_connect (dialog, "signed", G_CALLBACK (signed_cb), &signing);
  picker = teken_sign_dialog_get_picker (dialog);
  teken_ui_test_wait_until (picker_ready, picker, "Siti's certificate");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.open-certificate", NULL);
  teken_ui_test_wait_until (dialog_idle, dialog, "the details");

  for (int attempt = 1; attempt <= 5; attempt++)
    {
      type_passphrase (dialog, "Salah-Frasa9!");
      teken_ui_test_wait_until (dialog_can_sign, dialog, "Sign to be on");
      gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.sign", NULL);
      teken_ui_test_wait_until (signing_over, &signing, "the CA's answer");
      g_assert_null (signing.output);
      g_test_message ("try %d: %s", attempt, error_text (dialog));
      if (attempt == 4)
        g_assert_nonnull (strstr (error_text (dialog), "1 try left"));
    }

  g_assert_nonnull (strstr (error_text (dialog), "Your signing key is locked"));
  g_assert_nonnull (strstr (error_text (dialog), "Reset the passphrase in My Certificate"));
  /* Back on the first page, which asks the CA again and shows the lock. */
  teken_ui_test_wait_until (picker_has_holder, picker, "the holder again");
  g_assert_false (teken_signer_picker_get_ready (picker));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (dialog), "Open My Certificate"));
  settle ();
  teken_test_save_screenshot (GTK_WIDGET (dialog), "sign-remote-key-locked");

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The CA gone while signing: nothing signed, what to check, the details
 * kept. Then the server's own output: no passphrase in it. */
static void
test_dialog_no_network (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *fixture = teken_ui_test_fixture ("hand-minimal.pdf");
  g_autofree char *path = copy_to_work_dir (fixture);
  g_autofree char *expected = g_build_filename (work_dir, "hand-minimal_signed.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TekenWindow *window = teken_ui_test_open (app, file);
  TekenDocumentView *view = teken_window_get_document_view (window);
  TekenSignDialog *dialog;
  Signing signing = { NULL, NULL };
  g_autofree char *log = NULL;

  g_unlink (expected);
  sign_in_first_time (teken_application_get_ca_client (app, NULL), TEKEN_TEST_DEWI_NIK, TEKEN_TEST_DEWI_PASSWORD);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.sign", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.place", "s", "first-top-right");
  teken_ui_test_wait_until (has_sign_dialog, NULL, "the sign dialog");
  dialog = g_object_ref (TEKEN_SIGN_DIALOG (teken_ui_test_find_toplevel (TEKEN_TYPE_SIGN_DIALOG)));
  signing.dialog = dialog;
  g_signal_connect (dialog, "signed", G_CALLBACK (signed_cb), &signing);
  teken_ui_test_wait_until (picker_ready, teken_sign_dialog_get_picker (dialog), "Dewi's certificate");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.open-certificate", NULL);
  teken_ui_test_wait_until (dialog_idle, dialog, "the details");
  gtk_editable_set_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (dialog), "Reason")), "Mengetahui");

  log = teken_test_ca_stop (ca);
  type_passphrase (dialog, TEKEN_TEST_DEWI_PASSPHRASE);
  teken_ui_test_wait_until (dialog_can_sign, dialog, "Sign to be on");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.sign", NULL);
  teken_ui_test_wait_until (signing_over, &signing, "the network error");
  g_test_message ("no network: %s", error_text (dialog));
  g_assert_null (signing.output);
  g_assert_true (g_str_has_prefix (error_text (dialog), "Nothing was signed. The CA server at "));
  /* Still on the details, as typed, ready for another try. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (dialog), "Reason"))), ==, "Mengetahui");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (dialog), "Passphrase"))), ==, "");
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));
  settle ();
  teken_test_save_screenshot (GTK_WIDGET (dialog), "sign-remote-no-network");

  /* Every passphrase typed in this run went to the server: none in its output. */
  g_assert_null (strstr (log, TEKEN_TEST_BUDI_PASSPHRASE));
  g_assert_null (strstr (log, TEKEN_TEST_DEWI_PASSPHRASE));
  g_assert_null (strstr (log, "Salah-Frasa9!"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *anchor = NULL;
  g_autofree char *root = NULL;
  int status;

  teken_ui_test_init (&argc, &argv);
  teken_register_resource ();
  ca = teken_test_ca_start (NULL);

  /* The app's client and the verifier trust this teken-ca, as a holder
   * who set the server in Preferences and imported its root would. */
  g_setenv ("TEKEN_CA_URL", ca->url, TRUE);
  g_setenv ("TEKEN_CA_FILE", ca->root_pem, TRUE);
  anchor = g_build_filename (g_get_user_data_dir (), "teken", "trust", "teken-ca-root.pem", NULL);
  g_assert_true (g_file_get_contents (ca->root_pem, &root, NULL, NULL));
  g_assert_true (g_file_set_contents (anchor, root, -1, NULL));

  work_dir = g_dir_make_tmp ("teken-signer-picker-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/signer-picker/follows-sign-in", test_picker_follows_sign_in);
  g_test_add_func ("/signer-picker/error-sentences", test_error_sentences);
  g_test_add_func ("/signer-picker/dialog-signs-at-the-ca", test_dialog_signs_at_the_ca);
  /* Last: it leaves signing by e-mailed code enabled for Budi. */
  g_test_add_func ("/signer-picker/emailed-code", test_picker_emailed_code);
  g_test_add_func ("/signer-picker/dialog-key-locked", test_dialog_key_locked);
  /* Near the end: Budi stays suspended. */
  g_test_add_func ("/signer-picker/suspended", test_picker_suspended);
  /* Last: it stops the server. */
  g_test_add_func ("/signer-picker/dialog-no-network", test_dialog_no_network);

  status = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (work_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (work_dir, name, NULL);

        g_unlink (child);
      }
    g_rmdir (work_dir);
    g_free (work_dir);
  }
  teken_test_ca_free (ca);
  return status;
}
