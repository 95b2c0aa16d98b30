/* test-batch-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The batch window in process, with the test PKI's PKCS#12 file: who signs,
 * the documents (added, dropped, a non-PDF and a duplicate refused, one
 * removed), the placement rule and details, per-document progress, and the
 * summary with each signed copy and the damaged document's reason; Cancel
 * leaves no file. Signing at the CA through the same window is the e2e test's
 * (tests/e2e/test_batch.py); the runner itself is tests/api/test-sign-batch. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "teken-batch-window.h"
#include "teken-test-utils.h"
#include "teken-ui-test-utils.h"

static char *work_dir;

static char *
copy_to_work_dir (const char *fixture_name,
                  const char *name)
{
  g_autofree char *source = teken_ui_test_fixture (fixture_name);
  g_autofree char *contents = NULL;
  char *target = g_build_filename (work_dir, name, NULL);
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (target, contents, length, NULL));
  return target;
}

static char *
read_passphrase (const char *who)
{
  g_autofree char *name = g_strconcat (who, ".pass", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), name, NULL);
  char *passphrase = NULL;

  g_assert_true (g_file_get_contents (path, &passphrase, NULL, NULL));
  g_strchomp (passphrase);
  return passphrase;
}

/* A button the holder can see, by its tooltip. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *tooltip)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (root), tooltip) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, tooltip);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  TekenBatchWindow *window;
  const char       *page;
} PageWait;

static gboolean
on_page (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (teken_batch_window_get_page (wait->window), wait->page) == 0;
}

static void
wait_for_page (TekenBatchWindow *window,
               const char       *page)
{
  PageWait wait = { window, page };
  g_autofree char *what = g_strdup_printf ("the %s page", page);

  teken_ui_test_wait_until (on_page, &wait, what);
}

static gboolean
picker_ready (gpointer data)
{
  return teken_signer_picker_get_ready (data);
}

/* Files dropped on the window, as a file manager drops them. */
static gboolean
drop_files (TekenBatchWindow  *window,
            GFile            **files,
            guint              n_files)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  GtkDropTarget *target = NULL;
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (files, n_files));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);

  return accepted;
}

static void
progress_shown_cb (TekenBatchWindow *window,
                   GParamSpec       *pspec,
                   gboolean         *shown)
{
  if (g_strcmp0 (teken_batch_window_get_page (window), "progress") == 0)
    *shown = TRUE;
}

/* Who signs: Budi's certificate file and its passphrase. */
static void
choose_signer (TekenBatchWindow *window,
               gboolean          screenshot)
{
  g_autofree char *p12 = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), "budi.p12", NULL);
  g_autoptr(GFile) certificate = g_file_new_for_path (p12);
  g_autofree char *passphrase = read_passphrase ("budi");
  TekenSignerPicker *picker = teken_batch_window_get_picker (window);
  GtkWidget *row;

  teken_signer_picker_set_source (picker, TEKEN_SIGNER_SOURCE_FILE);
  teken_signer_picker_set_file (picker, certificate);
  row = teken_ui_test_find_row (GTK_WIDGET (picker), "Passphrase");
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), passphrase);
  teken_ui_test_wait_until (picker_ready, picker, "the picker to be ready");
  if (screenshot)
    teken_test_save_screenshot (GTK_WIDGET (window), "batch-window-signer");

  gtk_widget_activate_action (GTK_WIDGET (window), "batch.continue", NULL);
  wait_for_page (window, "details");
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Budi Santoso"));
}

static void
test_sign_with_file (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  TekenBatchWindow *window = teken_batch_window_new (GTK_APPLICATION (app), NULL);
  g_autofree char *a = copy_to_work_dir ("cairo-a4.pdf", "surat-a.pdf");
  g_autofree char *b = copy_to_work_dir ("hand-rotate.pdf", "surat-b.pdf");
  g_autofree char *c = copy_to_work_dir ("mutool-create.pdf", "surat-c.pdf");
  g_autofree char *damaged = g_build_filename (work_dir, "rusak.pdf", NULL);
  g_autofree char *text = g_build_filename (work_dir, "catatan.txt", NULL);
  g_autoptr(GFile) file_a = g_file_new_for_path (a);
  g_autoptr(GFile) file_b = g_file_new_for_path (b);
  g_autoptr(GFile) file_c = g_file_new_for_path (c);
  g_autoptr(GFile) file_damaged = NULL;
  g_autoptr(GFile) file_text = NULL;
  TekenSignBatch *batch;
  gboolean progress_shown = FALSE;

  g_assert_true (g_file_set_contents (damaged, "%PDF-1.7\n1 0 obj <</Type /Catalog", -1, NULL));
  g_assert_true (g_file_set_contents (text, "bukan PDF", -1, NULL));
  file_damaged = g_file_new_for_path (damaged);
  file_text = g_file_new_for_path (text);

  gtk_window_present (GTK_WINDOW (window));
  teken_test_wait_until_drawn (GTK_WIDGET (window));
  g_assert_cmpstr (teken_batch_window_get_page (window), ==, "signer");
  choose_signer (window, TRUE);

  /* Empty: says what to do, and Sign waits for documents. */
  teken_test_save_screenshot (GTK_WIDGET (window), "batch-window-empty");
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "No documents yet"));
  {
    gboolean can_sign = TRUE;

    g_object_get (window, "can-sign", &can_sign, NULL);
    g_assert_false (can_sign);
  }

  {
    GFile *files[] = { file_a, file_b, file_text, file_a };

    teken_batch_window_add_files (window, files, G_N_ELEMENTS (files));
  }
  g_assert_cmpuint (teken_batch_window_get_n_files (window), ==, 2);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "“catatan.txt” is not a PDF document"));
  {
    GFile *files[] = { file_damaged, file_c };

    g_assert_true (drop_files (window, files, G_N_ELEMENTS (files)));
  }
  g_assert_cmpuint (teken_batch_window_get_n_files (window), ==, 4);
  g_assert_null (teken_test_find_label (GTK_WIDGET (window), "is not a PDF document"));

  /* Remove one, and put it back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "batch.remove-document", "u", 1);
  g_assert_cmpuint (teken_batch_window_get_n_files (window), ==, 3);
  g_assert_null (teken_test_find_label (GTK_WIDGET (window), "surat-b.pdf"));
  {
    GFile *files[] = { file_b };

    teken_batch_window_add_files (window, files, 1);
  }
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "4 documents"));

  adw_combo_row_set_selected (ADW_COMBO_ROW (teken_ui_test_find_row (GTK_WIDGET (window), "Signature")), 0);
  gtk_widget_activate (find_button (GTK_WIDGET (window), "Plh. (Pelaksana Harian)"));
  gtk_editable_set_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (window), "Position (jabatan)")), "Sekretaris Daerah");
  gtk_editable_set_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (window), "Reason")), "Persetujuan");
  gtk_editable_set_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (window), "Location")), "Kota Contoh");
  /* A key in a file: no CA passphrase to ask. */
  g_assert_null (teken_ui_test_find_row (GTK_WIDGET (window), "Passphrase"));
  teken_test_save_screenshot (GTK_WIDGET (window), "batch-window-documents");

  g_signal_connect (window, "notify::page", G_CALLBACK (progress_shown_cb), &progress_shown);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "batch.sign", NULL));
  wait_for_page (window, "summary");
  g_assert_true (progress_shown);
  teken_test_save_screenshot (GTK_WIDGET (window), "batch-window-summary");

  batch = teken_batch_window_get_batch (window);
  g_assert_cmpuint (teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_SIGNED), ==, 3);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "3 of 4 Documents Signed"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "surat-a_signed.pdf"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "surat-b_signed.pdf"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "surat-c_signed.pdf"));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "“rusak.pdf” is damaged"));
  for (guint i = 0; i < teken_sign_batch_get_n_items (batch); i++)
    {
      const char *output = teken_sign_batch_get_output (batch, i);
      gboolean damaged_one = g_str_has_suffix (teken_sign_batch_get_input (batch, i), "rusak.pdf");

      g_assert_cmpint (g_file_test (output, G_FILE_TEST_EXISTS), ==, !damaged_one);
      g_assert_true (g_str_has_prefix (output, work_dir));
    }

  /* The details reached every signature: its appearance, as mutool reads it. */
  {
    g_autofree char *output = g_build_filename (work_dir, "surat-b_signed.pdf", NULL);
    const char *argv_mutool[] = { "mutool", "draw", "-F", "txt", output, NULL };
    g_autofree char *drawn = NULL;
    int wait_status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **) argv_mutool, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &drawn, NULL, &wait_status, NULL));
    g_assert_nonnull (strstr (drawn, "Plh. Sekretaris Daerah"));
    g_assert_nonnull (strstr (drawn, "Kota Contoh"));
  }

  /* Open shows a signed copy in a document window, verified. */
  gtk_widget_activate_action (GTK_WIDGET (window), "batch.open-output", "u", 0);
  {
    GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
    gboolean found = FALSE;

    for (GList *l = windows; l != NULL; l = l->next)
      found |= TEKEN_IS_WINDOW (l->data);
    g_assert_true (found);
  }

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = gtk_application_get_windows (GTK_APPLICATION (app)))
    gtk_window_destroy (l->data);
}

static gboolean
batch_stopped (gpointer data)
{
  return g_strcmp0 (teken_batch_window_get_page (data), "progress") != 0;
}

/* Only originals and whole signed copies, no temporary file. */
static guint
count_signed_copies (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_assert_true (g_str_has_prefix (name, "nota-"));
      n += strstr (name, "_signed") != NULL;
    }
  return n;
}

/* Cancel at once: back to the documents, nothing saved. Cancel later: the
 * copies already saved are listed, the rest say they were cancelled. */
static void
test_cancel (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  TekenBatchWindow *window = teken_batch_window_new (GTK_APPLICATION (app), NULL);
  g_autofree char *dir = g_build_filename (work_dir, "batal", NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  TekenSignBatch *batch;
  guint n_signed;

  /* A page mid-slide cannot be captured, and a batch of files this small
   * would be done by the end of the slide. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_mkdir (dir, 0755);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *relative = g_strdup_printf ("batal/nota-%u.pdf", i);
      g_autofree char *path = copy_to_work_dir ("cairo-a4.pdf", relative);

      g_ptr_array_add (files, g_file_new_for_path (path));
    }

  gtk_window_present (GTK_WINDOW (window));
  teken_test_wait_until_drawn (GTK_WIDGET (window));
  choose_signer (window, FALSE);
  teken_batch_window_add_files (window, (GFile **) files->pdata, files->len);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "batch.sign", NULL));
  g_assert_cmpstr (teken_batch_window_get_page (window), ==, "progress");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "batch.cancel", NULL));
  teken_ui_test_wait_until (batch_stopped, window, "the batch to stop");

  g_assert_cmpstr (teken_batch_window_get_page (window), ==, "details");
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Signing was cancelled. Nothing was saved"));
  g_assert_cmpuint (teken_batch_window_get_n_files (window), ==, 30);
  g_assert_cmpuint (count_signed_copies (dir), ==, 0);
  teken_test_save_screenshot (GTK_WIDGET (window), "batch-window-cancelled");

  /* Again, cancelled once the progress shows. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "batch.sign", NULL));
  teken_test_save_screenshot (GTK_WIDGET (window), "batch-window-progress");
  /* Local signing is quick: the batch may be over already. */
  if (g_strcmp0 (teken_batch_window_get_page (window), "progress") == 0)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "batch.cancel", NULL));
  teken_ui_test_wait_until (batch_stopped, window, "the batch to stop");

  batch = teken_batch_window_get_batch (window);
  n_signed = teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_SIGNED);
  g_assert_cmpuint (count_signed_copies (dir), ==, n_signed);
  g_assert_cmpuint (teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_FAILED), ==, 30 - n_signed);
  g_assert_cmpstr (teken_batch_window_get_page (window), ==, n_signed > 0 ? "summary" : "details");
  if (n_signed > 0 && n_signed < 30)
    {
      g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Nothing was saved for this document"));
      teken_test_save_screenshot (GTK_WIDGET (window), "batch-window-cancelled-summary");
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
}

/* The desktop's notification server, as GNOME Shell or a notification
 * daemon would be: the window notifies when it is not in front, and
 * whether it is under Xvfb is up to the X server. Counts what it gets. */
static guint n_notifications;

static void
notifications_called (GDBusConnection       *connection,
                      const char            *sender,
                      const char            *path,
                      const char            *interface,
                      const char            *method,
                      GVariant              *parameters,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  if (g_str_equal (method, "Notify"))
    {
      n_notifications++;
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", n_notifications));
    }
  else if (g_str_equal (method, "GetCapabilities"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new_parsed ("(@as ['body'],)"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
serve_notifications (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_called, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  node = g_dbus_node_info_new_for_xml ("<node><interface name='org.freedesktop.Notifications'>"
                                       "<method name='Notify'>"
                                       "<arg type='s' direction='in'/><arg type='u' direction='in'/>"
                                       "<arg type='s' direction='in'/><arg type='s' direction='in'/>"
                                       "<arg type='s' direction='in'/><arg type='as' direction='in'/>"
                                       "<arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
                                       "<arg type='u' direction='out'/></method>"
                                       "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
                                       "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
                                       "</interface></node>", &error);
  g_assert_no_error (error);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", node->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                NULL, NULL, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  teken_ui_test_init (&argc, &argv);
  serve_notifications ();
  work_dir = g_dir_make_tmp ("teken-batch-window-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/batch-window/sign-with-file", test_sign_with_file);
  g_test_add_func ("/batch-window/cancel", test_cancel);

  status = g_test_run ();

  if (status == 0)
    {
      const char *argv_rm[] = { "rm", "-rf", work_dir, NULL };

      g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }

  return status;
}
