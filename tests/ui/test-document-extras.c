/* test-document-extras.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The document view's side parts, in process, under Xvfb: thumbnails of a
 * 500-page document rendered only near what is shown and taking the view
 * to their page; a password-protected PDF unlocked after a wrong password,
 * whose signatures are honestly not checked and which cannot be signed;
 * and trust anchors imported and removed in Preferences, with the open
 * document checked again each time. Screenshots of each state are saved. */

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <unistd.h>

#include "teken-preferences-window.h"
#include "teken-test-utils.h"
#include "teken-trust-anchor.h"
#include "teken-trust-page.h"
#include "teken-ui-test-utils.h"

static TekenDocumentView *
get_view (TekenWindow *window)
{
  return teken_window_get_document_view (window);
}

static void
spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static TekenWindow *
open_path (TekenApplication *app,
           const char       *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return teken_ui_test_open (app, file);
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The message dialog on top, if any. */
static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
has_message_dialog (gpointer data)
{
  return find_message_dialog () != NULL;
}

static AdwMessageDialog *
wait_for_message_dialog (void)
{
  teken_ui_test_wait_until (has_message_dialog, NULL, "a message dialog");
  return find_message_dialog ();
}

static void
close_message_dialog (AdwMessageDialog *dialog,
                      const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* A document of @n_pages A4 pages made with cairo, each saying its number. */
static char *
write_long_pdf (guint n_pages)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  int fd;

  fd = g_file_open_tmp ("teken-thumbnails-XXXXXX.pdf", &path, &error);
  g_assert_no_error (error);
  close (fd);

  surface = cairo_pdf_surface_create (path, 595, 842);
  cr = cairo_create (surface);
  for (guint i = 0; i < n_pages; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u", i + 1);

      cairo_set_font_size (cr, 240);
      cairo_move_to (cr, 72, 400);
      cairo_show_text (cr, text);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  return g_steal_pointer (&path);
}

typedef struct
{
  TekenThumbnailList *list;
  TekenPageCanvas    *canvas;
  guint               page;
} ThumbnailWait;

static gboolean
thumbnail_rendered (gpointer data)
{
  ThumbnailWait *wait = data;

  return teken_thumbnail_list_page_is_rendered (wait->list, wait->page);
}

static gboolean
canvas_on_page (gpointer data)
{
  ThumbnailWait *wait = data;

  return teken_page_canvas_get_current_page (wait->canvas) == wait->page;
}

static gboolean
thumbnail_selected (gpointer data)
{
  ThumbnailWait *wait = data;

  return teken_thumbnail_list_get_selected_page (wait->list) == wait->page;
}

static void
test_thumbnails (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = write_long_pdf (500);
  TekenWindow *window = open_path (app, path);
  TekenDocumentView *view = get_view (window);
  TekenThumbnailList *list = teken_document_view_get_thumbnail_list (view);
  ThumbnailWait wait = { list, teken_document_view_get_canvas (view), 0 };
  GtkListView *list_view = teken_thumbnail_list_get_list_view (list);
  gboolean shown;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 720);
  teken_ui_test_wait_for_rendered (wait.canvas, 0);

  /* Hidden, the sidebar costs nothing. */
  g_assert_cmpuint (teken_thumbnail_list_get_n_rendered (list), ==, 0);
  g_assert_cmpuint (teken_thumbnail_list_get_n_requested (list), ==, 0);

  gtk_widget_activate_action (GTK_WIDGET (view), "view.show-thumbnails", NULL);
  g_object_get (view, "show-thumbnails", &shown, NULL);
  g_assert_true (shown);
  teken_ui_test_wait_until (thumbnail_rendered, &wait, "the first thumbnail");
  g_assert_cmpuint (teken_thumbnail_list_get_selected_page (list), ==, 0);

  /* Only the rows near the top were asked for, not 500 pages. */
  g_assert_false (teken_thumbnail_list_page_is_rendered (list, 250));
  g_assert_cmpuint (teken_thumbnail_list_get_n_rendered (list) + teken_thumbnail_list_get_n_requested (list), <=, 60);
  spin (600);
  teken_test_wait_until_drawn (GTK_WIDGET (window));
  teken_test_save_screenshot (GTK_WIDGET (window), "document-view-thumbnails");

  /* Choosing a thumbnail, as a click or the arrow keys do, shows its page. */
  gtk_widget_activate_action (GTK_WIDGET (list_view), "list.select-item", "(ubb)", 249, FALSE, FALSE);
  wait.page = 249;
  teken_ui_test_wait_until (canvas_on_page, &wait, "the view to go to page 250");

  /* Activating one (Enter, a double click) does too. */
  gtk_widget_activate_action (GTK_WIDGET (list_view), "list.activate-item", "u", 99);
  wait.page = 99;
  teken_ui_test_wait_until (canvas_on_page, &wait, "the view to go to page 100");

  /* The view's page is selected in the sidebar, which scrolls to it and
   * renders it; memory stays bounded. */
  teken_page_canvas_go_to_page (wait.canvas, 399);
  wait.page = 399;
  teken_ui_test_wait_until (thumbnail_selected, &wait, "thumbnail 400 to be selected");
  teken_ui_test_wait_until (thumbnail_rendered, &wait, "thumbnail 400");
  g_assert_cmpuint (teken_thumbnail_list_get_n_rendered (list), <=, TEKEN_THUMBNAIL_CACHE_SIZE);
  g_assert_false (teken_thumbnail_list_page_is_rendered (list, 250));
  spin (300);
  teken_test_wait_until_drawn (GTK_WIDGET (window));
  teken_test_save_screenshot (GTK_WIDGET (window), "document-view-thumbnails-400");

  /* Both sides at once: pages on the left, signatures on the right. */
  gtk_widget_activate_action (GTK_WIDGET (view), "view.show-thumbnails", NULL);
  g_object_get (view, "show-thumbnails", &shown, NULL);
  g_assert_false (shown);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
}

static gboolean
wrong_password_said (gpointer data)
{
  return g_error_matches (teken_document_view_get_error (data), TEKEN_PAGE_RENDERER_ERROR,
                          TEKEN_PAGE_RENDERER_ERROR_WRONG_PASSWORD);
}

static gboolean
unlocked (gpointer data)
{
  return teken_document_view_get_error (data) == NULL &&
         teken_page_canvas_get_n_pages (teken_document_view_get_canvas (data)) > 0;
}

static void
test_unlock (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = teken_ui_test_fixture ("qpdf-encrypted-aes256.pdf");
  TekenWindow *window = open_path (app, path);
  TekenDocumentView *view = get_view (window);
  GtkWidget *row = find_widget (GTK_WIDGET (view), ADW_TYPE_PASSWORD_ENTRY_ROW);
  TekenVerificationModel *verification;
  AdwMessageDialog *dialog;

  g_assert_error (teken_document_view_get_error (view), TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_ENCRYPTED);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_is_visible (row));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Enter the document's password"));

  /* Nothing to unlock with yet. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (view), "view.unlock", NULL) &&
                  teken_document_view_get_loading (view));

  /* A wrong password: said so, the entry emptied, another try possible. */
  gtk_editable_set_text (GTK_EDITABLE (row), "salah");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.unlock", NULL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  teken_ui_test_wait_until (wrong_password_said, view, "the wrong password to be refused");
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "The password is not right"));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (row)));
  teken_test_wait_until_drawn (GTK_WIDGET (window));
  teken_test_save_screenshot (GTK_WIDGET (window), "document-view-wrong-password");

  /* The right one (Enter in the entry works as the button does). */
  gtk_editable_set_text (GTK_EDITABLE (row), "user");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_signal_emit_by_name (row, "entry-activated");
  teken_ui_test_wait_until (unlocked, view, "the document to open with its password");
  teken_ui_test_wait_for_document (view);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  teken_ui_test_wait_for_rendered (teken_document_view_get_canvas (view), 0);

  /* What the verifier can say about it, and no more. */
  verification = teken_document_view_get_verification (view);
  g_assert_nonnull (verification);
  g_assert_true (teken_verification_model_get_encrypted (verification));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Signatures in encrypted documents cannot be checked yet"));
  teken_test_save_screenshot (GTK_WIDGET (window), "document-view-unlocked");

  /* And it is not signed. */
  gtk_widget_activate_action (GTK_WIDGET (view), "view.sign", NULL);
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Protected Documents Cannot Be Signed");
  g_assert_false (teken_page_canvas_get_placing (teken_document_view_get_canvas (view)));
  teken_test_save_screenshot (GTK_WIDGET (dialog), "document-view-protected-sign-refused");
  close_message_dialog (dialog, "close");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A document with only an owner password opens without asking, and is
 * still not signed. */
static void
test_owner_password_only (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *path = teken_ui_test_fixture ("qpdf-encrypted-nouserpw.pdf");
  TekenWindow *window = open_path (app, path);
  TekenDocumentView *view = get_view (window);
  AdwMessageDialog *dialog;

  g_assert_null (teken_document_view_get_error (view));
  g_assert_true (teken_verification_model_get_encrypted (teken_document_view_get_verification (view)));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Signatures in encrypted documents cannot be checked yet"));

  gtk_widget_activate_action (GTK_WIDGET (view), "view.sign", NULL);
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Protected Documents Cannot Be Signed");
  close_message_dialog (dialog, "close");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* `openssl x509 -fingerprint -sha256`, the tool a holder would check with. */
static char *
openssl_fingerprint (const char *path)
{
  const char *argv[] = { "openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", path, NULL };
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const char *equals;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &output, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  equals = strchr (output, '=');
  g_assert_nonnull (equals);

  return g_strstrip (g_strdup (equals + 1));
}

/* A self-signed CA certificate that expired a year ago. */
static char *
write_expired_ca (void)
{
  g_autofree char *path = NULL;
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *certificate = X509_new ();
  X509_NAME *name = X509_NAME_new ();
  X509V3_CTX ctx;
  X509_EXTENSION *extension;
  FILE *file;
  int fd;

  fd = g_file_open_tmp ("teken-expired-ca-XXXXXX.pem", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  close (fd);

  X509_set_version (certificate, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (certificate), 7);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const unsigned char *) "Teken Expired CA", -1, -1, 0);
  X509_set_subject_name (certificate, name);
  X509_set_issuer_name (certificate, name);
  X509_gmtime_adj (X509_getm_notBefore (certificate), -3L * 365 * 24 * 3600);
  X509_gmtime_adj (X509_getm_notAfter (certificate), -1L * 365 * 24 * 3600);
  X509_set_pubkey (certificate, key);
  X509V3_set_ctx (&ctx, certificate, certificate, NULL, NULL, 0);
  extension = X509V3_EXT_conf_nid (NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
  X509_add_ext (certificate, extension, -1);
  X509_EXTENSION_free (extension);
  g_assert_cmpint (X509_sign (certificate, key, EVP_sha256 ()), >, 0);

  file = fopen (path, "w");
  g_assert_nonnull (file);
  g_assert_true (PEM_write_X509 (file, certificate));
  fclose (file);

  X509_NAME_free (name);
  X509_free (certificate);
  EVP_PKEY_free (key);

  return g_steal_pointer (&path);
}

static void
import_and_expect_refusal (TekenTrustPage *page,
                           const char     *path,
                           const char     *reason)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AdwMessageDialog *dialog;

  teken_trust_page_import_file (page, file);
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Cannot Import This Certificate");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), reason));
  close_message_dialog (dialog, "close");
}

static guint
count_user_anchors (void)
{
  g_autoptr(GPtrArray) anchors = teken_trust_anchor_list_defaults ();
  guint n = 0;

  for (guint i = 0; i < anchors->len; i++)
    n += teken_trust_anchor_get_source (g_ptr_array_index (anchors, i)) == TEKEN_TRUST_ANCHOR_USER;

  return n;
}

static gboolean
document_status_is (gpointer data)
{
  TekenDocumentView *view = ((gpointer *) data)[0];
  TekenVerifyStatus status = GPOINTER_TO_INT (((gpointer *) data)[1]);

  return !teken_document_view_get_verifying (view) &&
         teken_document_view_get_verification (view) != NULL &&
         teken_verification_model_get_status (teken_document_view_get_verification (view)) == status;
}

static void
wait_for_status (TekenDocumentView *view,
                 TekenVerifyStatus  status)
{
  gpointer data[2] = { view, GINT_TO_POINTER (status) };

  teken_ui_test_wait_until (document_status_is, data, teken_verify_status_to_string (status));
}

static GtkWidget *
find_remove_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), "_Remove") == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_remove_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_anchors (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *document = teken_ui_test_corpus_file ("ok-teken.pdf");
  g_autofree char *root = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), "root.pem", NULL);
  g_autofree char *person = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), "budi.pem", NULL);
  g_autofree char *expired = write_expired_ca ();
  g_autofree char *fingerprint = openssl_fingerprint (root);
  g_autoptr(GPtrArray) anchors = teken_trust_anchor_list_defaults ();
  g_autoptr(GFile) root_file = g_file_new_for_path (root);
  g_autoptr(GError) error = NULL;
  TekenPreferencesWindow *preferences;
  TekenTrustPage *page;
  TekenWindow *window;
  AdwMessageDialog *dialog;
  GtkWidget *remove;

  /* Start as a holder who trusts only what comes with Teken. */
  for (guint i = 0; i < anchors->len; i++)
    if (teken_trust_anchor_get_source (g_ptr_array_index (anchors, i)) == TEKEN_TRUST_ANCHOR_USER)
      {
        g_assert_true (teken_trust_anchor_remove (g_ptr_array_index (anchors, i), &error));
        g_assert_no_error (error);
      }
  g_assert_cmpuint (count_user_anchors (), ==, 0);

  window = open_path (app, document);
  wait_for_status (get_view (window), TEKEN_VERIFY_UNTRUSTED);

  preferences = teken_preferences_window_new (GTK_WINDOW (window));
  page = TEKEN_TRUST_PAGE (find_widget (GTK_WIDGET (preferences), TEKEN_TYPE_TRUST_PAGE));
  g_assert_nonnull (page);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (preferences), ADW_PREFERENCES_PAGE (page));
  gtk_window_set_default_size (GTK_WINDOW (preferences), 720, 800);
  gtk_window_present (GTK_WINDOW (preferences));
  teken_test_wait_until_drawn (GTK_WIDGET (preferences));

  /* The pinned roots, by name and fingerprint, not removable. */
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (page), "Root CA Indonesia DS G1"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (page), "B5:F3:66:72:FD:7C:FD:40"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (page), "OSD LU Kelas 2"));
  g_assert_null (find_remove_button (GTK_WIDGET (page)));

  /* A person's certificate and an expired CA are refused, with the reason. */
  import_and_expect_refusal (page, person, "is not the certificate of a certificate authority");
  import_and_expect_refusal (page, expired, "expired on");
  g_assert_cmpuint (count_user_anchors (), ==, 0);

  /* The root, after the holder saw its fingerprint and said yes. */
  teken_trust_page_import_file (page, root_file);
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Trust “Teken Test Root CA”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), fingerprint));
  teken_test_save_screenshot (GTK_WIDGET (dialog), "preferences-trust-confirm");
  close_message_dialog (dialog, "trust");

  g_assert_cmpuint (count_user_anchors (), ==, 1);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (page), fingerprint));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (page), "Teken Test Root CA"));

  /* The open document is checked again, and now its signer is known. */
  wait_for_status (get_view (window), TEKEN_VERIFY_VALID);
  teken_test_wait_until_drawn (GTK_WIDGET (preferences));
  teken_test_save_screenshot (GTK_WIDGET (preferences), "preferences-trust");

  /* Twice is once. */
  import_and_expect_refusal (page, root, "is already trusted");

  /* Removed, it is no longer trusted, and the document says so again. */
  remove = find_remove_button (GTK_WIDGET (page));
  g_assert_nonnull (remove);
  g_signal_emit_by_name (remove, "clicked");
  g_assert_cmpuint (count_user_anchors (), ==, 0);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (page), "None yet"));
  wait_for_status (get_view (window), TEKEN_VERIFY_UNTRUSTED);

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (expired);
}

int
main (int   argc,
      char *argv[])
{
  teken_ui_test_init (&argc, &argv);

  g_test_add_func ("/document-extras/thumbnails", test_thumbnails);
  g_test_add_func ("/document-extras/unlock", test_unlock);
  g_test_add_func ("/document-extras/owner-password-only", test_owner_password_only);
  g_test_add_func ("/document-extras/anchors", test_anchors);

  return g_test_run ();
}
