/* test-signing.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Signing from the document view, in process: a box placed on the screen
 * lands on the same spot of the signed PDF on pages turned 0, 90, 180 and
 * 270 degrees and at several zoom levels (Poppler renders the signed page
 * and only the pixels inside the box changed); the sign dialog with a
 * wrong and a right passphrase, the details, the preview, the signed copy
 * saved beside the original and shown verified. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "teken-pdf-document.h"
#include "teken-sign-dialog.h"
#include "teken-test-utils.h"
#include "teken-ui-test-utils.h"

static char *work_dir;

typedef struct
{
  gboolean placed;
  guint    page;
  double   x, y, width, height;
} Placed;

static void
box_placed_cb (TekenPageCanvas *canvas,
               guint            page,
               double           x,
               double           y,
               double           width,
               double           height,
               Placed          *placed)
{
  placed->placed = TRUE;
  placed->page = page;
  placed->x = x;
  placed->y = y;
  placed->width = width;
  placed->height = height;
}

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

typedef struct
{
  TekenSignDialog *dialog;
  GFile           *output;
} Signing;

/* Signed, or stopped with a message. */
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

static gboolean
preview_shown (gpointer data)
{
  GtkPicture *picture = GTK_PICTURE (teken_ui_test_find_of_type (data, GTK_TYPE_PICTURE));

  return picture != NULL && gtk_picture_get_paintable (picture) != NULL;
}

/* Signs through the dialog with Budi's certificate file.
 * Returns: (transfer full): the signed copy */
static GFile *
sign_with_dialog (TekenSignDialog *dialog,
                  gboolean         screenshots)
{
  g_autofree char *p12 = g_build_filename (g_getenv ("TEKEN_TEST_PKI"), "budi.p12", NULL);
  g_autoptr(GFile) certificate = g_file_new_for_path (p12);
  g_autofree char *passphrase = read_passphrase ("budi");
  GtkWidget *passphrase_row;
  GtkWidget *focus;
  Signing signing = { dialog, NULL };

  teken_test_wait_until_drawn (GTK_WIDGET (dialog));
  /* Enter in a field presses the page's main button. */
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (gtk_window_get_default_widget (GTK_WINDOW (dialog)))), ==,
                   "C_ontinue");
  teken_sign_dialog_set_certificate (dialog, certificate);
  passphrase_row = teken_ui_test_find_row (GTK_WIDGET (dialog), "Passphrase");
  g_assert_nonnull (passphrase_row);

  /* A wrong passphrase is said so, and nothing moves on. */
  gtk_editable_set_text (GTK_EDITABLE (passphrase_row), "salah-Passphrase-1!");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.open-certificate", NULL);
  teken_ui_test_wait_until (dialog_idle, dialog, "the certificate to be tried");
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (dialog), "password of the certificate file is wrong"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (passphrase_row)), ==, "");
  if (screenshots)
    teken_test_save_screenshot (GTK_WIDGET (dialog), "sign-dialog-wrong-passphrase");

  gtk_editable_set_text (GTK_EDITABLE (passphrase_row), passphrase);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.open-certificate", NULL);
  teken_ui_test_wait_until (dialog_idle, dialog, "the certificate to open");
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (dialog), "Budi Santoso"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (gtk_window_get_default_widget (GTK_WINDOW (dialog)))), ==,
                   "_Sign");
  /* The keyboard follows the page to its first stop (not to Cancel). */
  focus = gtk_root_get_focus (GTK_ROOT (dialog));
  g_assert_true (ADW_IS_ACTION_ROW (focus));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (focus)), ==, "Name");

  gtk_toggle_button_set_active (teken_ui_test_find_toggle (GTK_WIDGET (dialog), "Plt."), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (dialog), "Position (jabatan)")), "Kepala Dinas Kominfo");
  gtk_editable_set_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (dialog), "Reason")), "Persetujuan");
  gtk_editable_set_text (GTK_EDITABLE (teken_ui_test_find_row (GTK_WIDGET (dialog), "Location")), "Kota Contoh");

  if (screenshots)
    {
      teken_ui_test_wait_until (preview_shown, dialog, "the preview");
      teken_test_save_screenshot (GTK_WIDGET (dialog), "sign-dialog-details");
    }

  teken_ui_test_wait_until (dialog_can_sign, dialog, "the document to be read");
  g_signal_connect (dialog, "signed", G_CALLBACK (signed_cb), &signing);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.sign", NULL);
  g_assert_false (dialog_idle (dialog));
  teken_ui_test_wait_until (signing_over, &signing, "signing");
  if (signing.output == NULL)
    {
      GtkWidget *label = teken_ui_test_find_error_label (GTK_WIDGET (dialog));

      g_error ("Signing failed: %s", label ? gtk_label_get_text (GTK_LABEL (label)) : "?");
    }

  /* The dialog closes itself. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  return signing.output;
}

/* The pixels Poppler draws differently on @page of two documents, as a
 * box in points on the page as shown. */
static gboolean
changed_box (const char *before_path,
             const char *after_path,
             guint       page_index,
             double      box[4])
{
  const char *paths[] = { before_path, after_path };
  cairo_surface_t *surfaces[2];
  int width = 0, height = 0;
  double scale = 2;   /* half-point pixels */
  gboolean any = FALSE;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *uri = g_filename_to_uri (paths[i], NULL, NULL);
      g_autoptr(GError) error = NULL;
      PopplerDocument *document = poppler_document_new_from_file (uri, NULL, &error);
      PopplerPage *page;
      double w, h;
      cairo_t *cr;

      g_assert_no_error (error);
      page = poppler_document_get_page (document, page_index);
      poppler_page_get_size (page, &w, &h);
      width = (int) ceil (w * scale);
      height = (int) ceil (h * scale);
      surfaces[i] = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      cr = cairo_create (surfaces[i]);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, scale, scale);
      poppler_page_render (page, cr);
      cairo_destroy (cr);
      cairo_surface_flush (surfaces[i]);
      g_object_unref (page);
      g_object_unref (document);
    }

  box[0] = box[1] = G_MAXDOUBLE;
  box[2] = box[3] = -G_MAXDOUBLE;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint32 *a = (const guint32 *) (cairo_image_surface_get_data (surfaces[0]) + y * cairo_image_surface_get_stride (surfaces[0])) + x;
        const guint32 *b = (const guint32 *) (cairo_image_surface_get_data (surfaces[1]) + y * cairo_image_surface_get_stride (surfaces[1])) + x;

        if (*a != *b)
          {
            any = TRUE;
            box[0] = MIN (box[0], x / scale);
            box[1] = MIN (box[1], y / scale);
            box[2] = MAX (box[2], (x + 1) / scale);
            box[3] = MAX (box[3], (y + 1) / scale);
          }
      }

  cairo_surface_destroy (surfaces[0]);
  cairo_surface_destroy (surfaces[1]);

  return any;
}

/* A box dragged on the screen is where the signature lands, whatever the
 * page's rotation and the zoom. */
static void
test_placement_lands_where_dragged (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *fixture = teken_ui_test_fixture ("hand-rotate.pdf");
  g_autofree char *path = copy_to_work_dir (fixture);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TekenWindow *window = teken_ui_test_open (app, file);
  TekenDocumentView *view = teken_window_get_document_view (window);
  TekenPageCanvas *canvas = teken_document_view_get_canvas (view);
  const struct { guint page; double zoom; } cases[] = {
    { 0, 0 },             /* fit width, /Rotate 0 */
    { 1, 1.5 },           /* 150 %, /Rotate 90 */
    { 2, 0.67 },          /* 67 %, /Rotate 180 */
    { 3, 1.0 },           /* 100 %, /Rotate 270 */
  };
  const graphene_rect_t wanted = GRAPHENE_RECT_INIT (90, 120, 200, 80);
  Placed placed = { 0 };

  g_signal_connect (canvas, "box-placed", G_CALLBACK (box_placed_cb), &placed);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      GtkAdjustment *hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (canvas));
      GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (canvas));
      graphene_rect_t content;
      TekenSignDialog *dialog;
      double x0, y0, changed[4];
      g_autofree char *output = NULL;
      g_autoptr(GFile) signed_file = NULL;

      if (cases[c].zoom > 0)
        teken_page_canvas_set_scale (canvas, cases[c].zoom * TEKEN_SCALE_ACTUAL_SIZE);
      else
        teken_page_canvas_set_zoom_mode (canvas, TEKEN_ZOOM_FIT_WIDTH);
      teken_page_canvas_go_to_page (canvas, cases[c].page);
      teken_ui_test_wait_for_rendered (canvas, cases[c].page);

      /* Where the box is on the screen now, as the holder would drag it. */
      gtk_widget_activate_action (GTK_WIDGET (view), "view.sign", NULL);
      g_assert_true (teken_page_canvas_get_placing (canvas));
      teken_page_layout_page_to_content (teken_page_canvas_get_layout (canvas), cases[c].page, &wanted, &content);
      x0 = content.origin.x - gtk_adjustment_get_value (hadjustment);
      y0 = content.origin.y - gtk_adjustment_get_value (vadjustment);
      if (c == 1)
        teken_test_save_screenshot (GTK_WIDGET (window), "sign-placing");

      placed.placed = FALSE;
      g_assert_true (teken_page_canvas_place_box (canvas, x0, y0, x0 + content.size.width, y0 + content.size.height));
      g_assert_true (placed.placed);
      g_assert_cmpuint (placed.page, ==, cases[c].page);
      g_assert_cmpfloat (fabs (placed.x - wanted.origin.x), <, 0.01);
      g_assert_cmpfloat (fabs (placed.y - wanted.origin.y), <, 0.01);
      g_assert_cmpfloat (fabs (placed.width - wanted.size.width), <, 0.01);
      g_assert_cmpfloat (fabs (placed.height - wanted.size.height), <, 0.01);

      teken_ui_test_wait_until (has_sign_dialog, NULL, "the sign dialog");
      dialog = TEKEN_SIGN_DIALOG (teken_ui_test_find_toplevel (TEKEN_TYPE_SIGN_DIALOG));
      g_object_ref (dialog);
      signed_file = sign_with_dialog (dialog, FALSE);
      g_assert_nonnull (signed_file);
      g_object_unref (dialog);
      output = g_file_get_path (signed_file);

      /* Poppler draws the signed page differently only inside the box. */
      g_assert_true (changed_box (path, output, cases[c].page, changed));
      g_test_message ("page %u: changed %.1f %.1f %.1f %.1f", cases[c].page, changed[0], changed[1], changed[2], changed[3]);
      g_assert_cmpfloat (changed[0], >=, wanted.origin.x - 1);
      g_assert_cmpfloat (changed[1], >=, wanted.origin.y - 1);
      g_assert_cmpfloat (changed[2], <=, wanted.origin.x + wanted.size.width + 1);
      g_assert_cmpfloat (changed[3], <=, wanted.origin.y + wanted.size.height + 1);
      /* and the signature fills most of it */
      g_assert_cmpfloat (changed[2] - changed[0], >, wanted.size.width / 2);

      /* The view now shows the signed copy, verified; the next case signs
       * the original again. */
      teken_ui_test_wait_for_document (view);
      g_assert_cmpint (teken_verification_model_get_status (teken_document_view_get_verification (view)), ==, TEKEN_VERIFY_VALID);
      g_unlink (output);
      teken_document_view_load_file (view, file);
      teken_ui_test_wait_for_document (view);
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_sign_flow (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *fixture = teken_ui_test_fixture ("cairo-a4.pdf");
  g_autofree char *path = copy_to_work_dir (fixture);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = g_build_filename (work_dir, "cairo-a4_signed.pdf", NULL);
  gsize before_length, after_length;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TekenWindow *window = teken_ui_test_open (app, file);
  TekenDocumentView *view = teken_window_get_document_view (window);
  TekenVerificationModel *verification;
  TekenSignDialog *dialog;
  GtkWidget *focus;
  g_autoptr(GFile) output = NULL;

  g_assert_true (g_file_get_contents (path, &before, &before_length, NULL));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Not signed"));

  /* The corner presets place the box without a drag. */
  gtk_widget_activate_action (GTK_WIDGET (view), "view.sign", NULL);
  teken_test_wait_until_drawn (GTK_WIDGET (window));
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Where should the signature go?"));
  /* The focus follows placing: on Place (Sign… is disabled), and back on
   * Sign… when placing ends. */
  focus = gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (focus);
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (focus)), ==, "_Place");
  gtk_widget_activate_action (GTK_WIDGET (view), "view.cancel-placing", NULL);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (GTK_IS_BUTTON (focus));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (focus)), ==, "_Sign…");
  gtk_widget_activate_action (GTK_WIDGET (view), "view.sign", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.place", "s", "last-bottom-right");
  teken_ui_test_wait_until (has_sign_dialog, NULL, "the sign dialog");
  dialog = g_object_ref (TEKEN_SIGN_DIALOG (teken_ui_test_find_toplevel (TEKEN_TYPE_SIGN_DIALOG)));
  teken_test_save_screenshot (GTK_WIDGET (dialog), "sign-dialog-certificate");

  output = sign_with_dialog (dialog, TRUE);
  g_assert_nonnull (output);
  g_assert_cmpstr (g_file_peek_path (output), ==, expected);
  g_object_unref (dialog);

  /* The original is as it was; the window shows the signed copy, valid. */
  g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
  g_assert_cmpmem (before, before_length, after, after_length);
  teken_ui_test_wait_for_document (view);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "cairo-a4_signed.pdf");
  verification = teken_document_view_get_verification (view);
  g_assert_cmpint (teken_verification_model_get_status (verification), ==, TEKEN_VERIFY_VALID);
  g_assert_cmpstr (teken_verification_model_get_signer (verification, 0), ==, "Budi Santoso");
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (window), "Signed and saved as “cairo-a4_signed.pdf”"));
  teken_ui_test_wait_for_rendered (teken_document_view_get_canvas (view), 1);
  teken_test_save_screenshot (GTK_WIDGET (window), "sign-done");

  /* A second signed copy does not replace the first. */
  {
    g_autofree char *next = teken_sign_dialog_choose_output_path (file);
    g_autofree char *second = g_build_filename (work_dir, "cairo-a4_signed-2.pdf", NULL);

    g_assert_cmpstr (next, ==, second);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_sign_invisibly (void)
{
  g_autoptr(TekenApplication) app = teken_ui_test_create_application ();
  g_autofree char *fixture = teken_ui_test_fixture ("hand-minimal.pdf");
  g_autofree char *path = copy_to_work_dir (fixture);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TekenWindow *window = teken_ui_test_open (app, file);
  TekenDocumentView *view = teken_window_get_document_view (window);
  TekenSignDialog *dialog;
  g_autoptr(GFile) output = NULL;

  gtk_widget_activate_action (GTK_WIDGET (view), "view.sign", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.sign-invisibly", NULL);
  teken_ui_test_wait_until (has_sign_dialog, NULL, "the sign dialog");
  dialog = g_object_ref (TEKEN_SIGN_DIALOG (teken_ui_test_find_toplevel (TEKEN_TYPE_SIGN_DIALOG)));
  output = sign_with_dialog (dialog, FALSE);
  g_assert_nonnull (output);
  g_object_unref (dialog);

  teken_ui_test_wait_for_document (view);
  g_assert_cmpint (teken_verification_model_get_status (teken_document_view_get_verification (view)), ==, TEKEN_VERIFY_VALID);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  teken_ui_test_init (&argc, &argv);
  work_dir = g_dir_make_tmp ("teken-signing-ui-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/signing/placement-lands-where-dragged", test_placement_lands_where_dragged);
  g_test_add_func ("/signing/sign-flow", test_sign_flow);
  g_test_add_func ("/signing/sign-invisibly", test_sign_invisibly);

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

  return status;
}
