/* teken-ui-test-utils.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The application, its windows and documents in process, for the ui suite. */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "teken-test-utils.h"
#include "teken-ui-test-utils.h"

static char *data_home;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Only what this process made: a fresh directory from g_dir_make_tmp. */
static void
remove_data_home (void)
{
  if (data_home == NULL)
    return;

  remove_tree (data_home);
  g_clear_pointer (&data_home, g_free);
}

static void
copy_anchor (const char *trust_dir,
             const char *name)
{
  g_autofree char *source = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), name, NULL);
  g_autofree char *target = g_build_filename (trust_dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (target, contents, length, NULL));
}

/**
 * teken_ui_test_init:
 *
 * Initialises GLib's tests, GTK and libadwaita, with the test PKI's root
 * and issuing CA as the user's own trust anchors ($XDG_DATA_HOME/teken/trust
 * in a fresh directory), as a holder who imported them would have.
 */
void
teken_ui_test_init (int    *argc,
                    char ***argv)
{
  g_autofree char *trust_dir = NULL;

  g_assert_nonnull (g_getenv ("TEKEN_TEST_PKI"));

  /* Before anything asks GLib for the directory: it is cached. */
  data_home = g_dir_make_tmp ("teken-ui-test-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  atexit (remove_data_home);

  trust_dir = g_build_filename (data_home, "teken", "trust", NULL);
  g_assert_cmpint (g_mkdir_with_parents (trust_dir, 0700), ==, 0);
  copy_anchor (trust_dir, "root.pem");
  copy_anchor (trust_dir, "issuing-ca.pem");

  /* Not G_TEST_OPTION_ISOLATE_DIRS: it hides XDG_DATA_DIRS, and with them the
   * MIME database and icon themes. */
  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();

  /* As on a desktop: transitions and the sidebar's animation run. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
}

TekenApplication *
teken_ui_test_create_application (void)
{
  static guint n_created;
  g_autoptr(GError) error = NULL;
  g_autofree char *app_id = NULL;
  TekenApplication *app;

  /* An id of its own, so the e2e suite's instance of the real app running
   * at the same time is not asked to do our work, and each test's instance
   * gets its own D-Bus object paths. */
  app_id = g_strdup_printf ("%s.Test%u.Pid%d", APP_ID, ++n_created, (int) getpid ());
  app = g_object_new (TEKEN_TYPE_APPLICATION,
                      "application-id", app_id,
                      "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                      "resource-base-path", "/io/github/teken/Teken",
                      NULL);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  return app;
}

GtkWindow *
teken_ui_test_activate (TekenApplication *app)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (TEKEN_IS_WINDOW (window));
  teken_test_wait_until_drawn (GTK_WIDGET (window));

  return window;
}

/* Opens @file as the desktop would, and waits for its pages and verdict. */
TekenWindow *
teken_ui_test_open (TekenApplication *app,
                    GFile            *file)
{
  GtkWindow *window;

  g_application_open (G_APPLICATION (app), &file, 1, "");
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (TEKEN_IS_WINDOW (window));
  teken_test_wait_until_drawn (GTK_WIDGET (window));
  teken_ui_test_wait_for_document (teken_window_get_document_view (TEKEN_WINDOW (window)));

  return TEKEN_WINDOW (window);
}

void
teken_ui_test_wait_until (gboolean  (*predicate) (gpointer),
                          gpointer    data,
                          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }

  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
document_settled (gpointer data)
{
  return !teken_document_view_get_loading (data) && !teken_document_view_get_verifying (data);
}

/* Until the document shows (or failed) and its signatures are checked. */
void
teken_ui_test_wait_for_document (TekenDocumentView *view)
{
  teken_ui_test_wait_until (document_settled, view, "the document to load and verify");
}

typedef struct
{
  TekenPageCanvas *canvas;
  guint            page;
} PageWait;

static gboolean
page_rendered (gpointer data)
{
  PageWait *wait = data;

  return teken_page_canvas_page_is_rendered (wait->canvas, wait->page);
}

void
teken_ui_test_wait_for_rendered (TekenPageCanvas *canvas,
                                 guint            page)
{
  PageWait wait = { canvas, page };

  teken_ui_test_wait_until (page_rendered, &wait, "a page to render");

  /* Drawn since, whether or not that happened already. */
  gtk_widget_queue_draw (GTK_WIDGET (canvas));
  teken_test_wait_until_drawn (GTK_WIDGET (canvas));
}

char *
teken_ui_test_fixture (const char *name)
{
  g_assert_nonnull (g_getenv ("TEKEN_TEST_FIXTURES"));

  return g_build_filename (g_getenv ("TEKEN_TEST_FIXTURES"), name, NULL);
}

char *
teken_ui_test_corpus_file (const char *name)
{
  g_assert_nonnull (g_getenv ("TEKEN_TEST_VERIFY_CORPUS"));

  return g_build_filename (g_getenv ("TEKEN_TEST_VERIFY_CORPUS"), name, NULL);
}

/* The anchors the corpus is made for: the test PKI's root and issuing CA. */
TekenTrustStore *
teken_ui_test_trust_store (void)
{
  TekenTrustStore *trust = teken_trust_store_new ();
  const char *names[] = { "root.pem", "issuing-ca.pem" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), names[i], NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (teken_trust_store_add_file (trust, path, &error));
      g_assert_no_error (error);
    }

  return trust;
}

/* Shown: visible, and not on a hidden page of a stack (which GTK marks
 * not child-visible rather than not visible). */
static gboolean
shown (GtkWidget *widget)
{
  return gtk_widget_get_visible (widget) && gtk_widget_get_child_visible (widget);
}

/**
 * teken_ui_test_find:
 * @match: whether a widget is the one
 *
 * Returns: (transfer none) (nullable): the first widget under @root, in
 *   depth-first order, that is shown and matches
 */
GtkWidget *
teken_ui_test_find (GtkWidget      *root,
                    gboolean      (*match) (GtkWidget     *widget,
                                            gconstpointer  data),
                    gconstpointer   data)
{
  if (!shown (root))
    return NULL;
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = teken_ui_test_find (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
teken_ui_test_find_of_type (GtkWidget *root,
                            GType      type)
{
  return teken_ui_test_find (root, is_of_type, GSIZE_TO_POINTER (type));
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* An AdwPreferencesRow by its title. */
GtkWidget *
teken_ui_test_find_row (GtkWidget  *root,
                        const char *title)
{
  return teken_ui_test_find (root, is_row_titled, title);
}

static gboolean
is_toggle_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_TOGGLE_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* A toggle button by its label ("Plh.", "Plt."). */
GtkToggleButton *
teken_ui_test_find_toggle (GtkWidget  *root,
                           const char *label)
{
  return GTK_TOGGLE_BUTTON (teken_ui_test_find (root, is_toggle_labelled, label));
}

static gboolean
is_error_label (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error");
}

/* The label a form shows its error in (style class "error"). */
GtkWidget *
teken_ui_test_find_error_label (GtkWidget *root)
{
  return teken_ui_test_find (root, is_error_label, NULL);
}

/* A visible toplevel window of @type, such as a dialog another window
 * opened. */
GtkWindow *
teken_ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }

  return NULL;
}
