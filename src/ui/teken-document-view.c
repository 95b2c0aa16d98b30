/* teken-document-view.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One PDF: its pages (TekenPageCanvas), and what its signatures are worth.
 *
 * Opening starts two things at once on threads: Poppler reads the page
 * sizes so the pages show as soon as possible, and the core verifier checks
 * every signature, offline. The verdict goes into a status bar above the
 * pages (libadwaita 1.2 has no AdwBanner) and the details into a sidebar.
 *
 * A signed version is a prefix of the file: the bytes a signature covers.
 * It is verified again on its own before it is shown, so what the holder
 * sees is exactly what was signed, even if the file changed meanwhile.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "teken-document-view.h"
#include "teken-page-renderer.h"
#include "teken-sign-dialog.h"
#include "teken-signature-list.h"
#include "teken-thumbnail-list.h"

struct _TekenDocumentView
{
  AdwBin                  parent_instance;

  GFile                  *file;
  char                   *title;
  goffset                 revision_length;   /* 0: the whole file */
  char                   *revision_signer;
  GCancellable           *cancellable;
  GCancellable           *verify_cancellable;
  TekenVerificationModel *verification;
  GError                 *error;
  GError                 *verify_error;
  gboolean                loading;
  gboolean                verifying;
  gboolean                sign_when_loaded;
  gboolean                unlocking;
  gboolean                unlocked;          /* opened with a password */
  guint                   header_tick;
  guint                   flap_tick;
  guint                   thumbnail_flap_tick;

  /* Template widgets */
  GtkWidget              *thumbnails_button;
  GtkWidget              *sidebar_button;
  GtkWidget              *sign_button;
  GtkWidget              *placement_bar;
  GtkWidget              *place_button;
  AdwWindowTitle         *window_title;
  GtkMenuButton          *zoom_button;
  GtkLabel               *zoom_label;
  GtkWidget              *page_box;
  GtkEntry               *page_entry;
  GtkLabel               *n_pages_label;
  GtkStack               *stack;
  GtkSpinner             *loading_spinner;
  AdwStatusPage          *error_page;
  GtkWidget              *unlock_box;
  AdwPasswordEntryRow    *password_row;
  GtkStack               *unlock_stack;
  GtkSpinner             *unlock_spinner;
  GtkWidget              *open_another_button;
  GtkWidget              *status_bar;
  GtkStack               *status_icon_stack;
  GtkSpinner             *status_spinner;
  GtkImage               *status_icon;
  GtkLabel               *status_title;
  GtkLabel               *status_description;
  GtkWidget              *details_button;
  AdwFlap                *thumbnail_flap;
  TekenThumbnailList     *thumbnail_list;
  AdwFlap                *flap;
  TekenSignatureList     *signature_list;
  TekenPageCanvas        *canvas;
};

G_DEFINE_FINAL_TYPE (TekenDocumentView, teken_document_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_LOADING,
  PROP_VERIFYING,
  PROP_SHOW_SIDEBAR,
  PROP_SHOW_THUMBNAILS,
  PROP_ZOOM_MODE,
  N_PROPS
};

enum {
  OPEN_SIGNED_VERSION,
  DOCUMENT_SIGNED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  GBytes                 *bytes;
  TekenVerificationModel *verification;
} SignedVersion;

static void
signed_version_free (SignedVersion *version)
{
  g_clear_pointer (&version->bytes, g_bytes_unref);
  g_clear_object (&version->verification);
  g_free (version);
}

/* Crossfades only between pages that have been on screen: GtkStack cannot
 * fade from a page that was never allocated. */
static void
show_page (TekenDocumentView *self,
           const char        *name)
{
  gtk_stack_set_visible_child_full (self->stack, name,
                                    gtk_widget_get_mapped (GTK_WIDGET (self->stack))
                                    ? GTK_STACK_TRANSITION_TYPE_CROSSFADE
                                    : GTK_STACK_TRANSITION_TYPE_NONE);
}

static void
set_loading (TekenDocumentView *self,
             gboolean           loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  gtk_spinner_set_spinning (self->loading_spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_verifying (TekenDocumentView *self,
               gboolean           verifying)
{
  if (self->verifying == verifying)
    return;

  self->verifying = verifying;
  gtk_spinner_set_spinning (self->status_spinner, verifying);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFYING]);
}

static void
set_look (TekenDocumentView     *self,
          TekenVerificationLook  look)
{
  for (TekenVerificationLook l = TEKEN_VERIFICATION_LOOK_GOOD; l <= TEKEN_VERIFICATION_LOOK_NEUTRAL; l++)
    {
      gtk_widget_remove_css_class (self->status_bar, teken_verification_look_to_css_class (l));
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), teken_verification_look_to_css_class (l));
    }
  gtk_widget_add_css_class (self->status_bar, teken_verification_look_to_css_class (look));
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), teken_verification_look_to_css_class (look));
}

static void
set_status (TekenDocumentView     *self,
            TekenVerificationLook  look,
            const char            *icon_name,
            const char            *title,
            const char            *description)
{
  set_look (self, look);
  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_stack_set_visible_child_name (self->status_icon_stack, icon_name ? "icon" : "spinner");
  gtk_label_set_text (self->status_title, title);
  gtk_label_set_text (self->status_description, description);
  gtk_widget_set_visible (GTK_WIDGET (self->status_description), description != NULL && description[0] != '\0');
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_bar),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, title,
                                  -1);
}

static gboolean
has_signatures (TekenDocumentView *self)
{
  return self->verification != NULL && teken_verification_model_get_n_signatures (self->verification) > 0;
}

/* Protected with a password: what Poppler said when opening it, or what
 * the verifier found (a document with only an owner password opens
 * without asking). */
static gboolean
is_protected (TekenDocumentView *self)
{
  return self->unlocked ||
         (self->verification != NULL && teken_verification_model_get_encrypted (self->verification));
}

static void
update_status (TekenDocumentView *self)
{
  gboolean details = has_signatures (self);

  if (self->verifying)
    {
      set_status (self, TEKEN_VERIFICATION_LOOK_NEUTRAL, NULL, _("Checking signatures…"), NULL);
      details = FALSE;
    }
  else if (self->verify_error != NULL)
    set_status (self, TEKEN_VERIFICATION_LOOK_BAD, "dialog-error-symbolic",
                _("Signatures cannot be checked"), self->verify_error->message);
  else if (self->verification != NULL && self->revision_length > 0)
    {
      g_autofree char *title = g_strdup_printf (_("The document as %s signed it"), self->revision_signer);

      set_status (self, TEKEN_VERIFICATION_LOOK_NEUTRAL, "document-open-recent-symbolic", title,
                  _("This is exactly what was signed. Changes made to the file afterwards are not shown here."));
    }
  else if (self->verification != NULL)
    {
      g_autofree char *description = teken_verification_model_get_description (self->verification);

      set_status (self,
                  teken_verification_model_get_look (self->verification),
                  teken_verification_model_get_icon_name (self->verification),
                  teken_verification_model_get_title (self->verification),
                  description);
    }

  gtk_widget_set_visible (self->details_button, details);
  gtk_widget_set_visible (self->sidebar_button, details);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.show-sidebar", details);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.show-signatures", details);
}

static gboolean
can_sign (TekenDocumentView *self)
{
  g_autofree char *path = self->file ? g_file_get_path (self->file) : NULL;

  return path != NULL && self->revision_length == 0 && !self->loading && self->error == NULL &&
         teken_page_canvas_get_n_pages (self->canvas) > 0;
}

static void
update_signing (TekenDocumentView *self)
{
  gboolean placing = teken_page_canvas_get_placing (self->canvas);

  gtk_widget_set_visible (self->placement_bar, placing);
  gtk_widget_set_visible (self->sign_button, can_sign (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.sign", can_sign (self) && !placing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.place", placing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.sign-invisibly", placing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.cancel-placing", placing);
}

/* The focus goes to Place: Sign…, which had it, is disabled while placing,
 * and a keyboard would otherwise be left with the focus nowhere. */
static void
start_placing (TekenDocumentView *self)
{
  teken_page_canvas_set_placing (self->canvas, TRUE);
  update_signing (self);
  gtk_widget_grab_focus (self->place_button);
}

static void
update_title (TekenDocumentView *self)
{
  g_autofree char *subtitle = NULL;

  g_clear_pointer (&self->title, g_free);

  if (self->file != NULL)
    {
      g_autofree char *name = g_file_get_basename (self->file);
      g_autofree char *display_name = g_filename_display_name (name);

      if (self->revision_length > 0)
        {
          self->title = g_strdup_printf (_("%s (as signed by %s)"), display_name, self->revision_signer);
          subtitle = g_strdup_printf (_("As signed by %s"), self->revision_signer);
        }
      else
        self->title = g_strdup (display_name);

      adw_window_title_set_title (self->window_title, display_name);
    }
  else
    adw_window_title_set_title (self->window_title, "");

  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
update_page_label (TekenDocumentView *self)
{
  guint n_pages = teken_page_canvas_get_n_pages (self->canvas);
  g_autofree char *current = NULL;
  g_autofree char *of = NULL;

  gtk_widget_set_visible (self->page_box, n_pages > 0);
  gtk_widget_set_visible (self->thumbnails_button, n_pages > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.show-thumbnails", n_pages > 0);
  if (n_pages == 0)
    return;

  current = g_strdup_printf ("%u", teken_page_canvas_get_current_page (self->canvas) + 1);
  /* Translators: after the page number entry, e.g. "3 of 12" */
  of = g_strdup_printf (_("of %u"), n_pages);
  gtk_editable_set_text (GTK_EDITABLE (self->page_entry), current);
  gtk_label_set_text (self->n_pages_label, of);
}

static void
update_zoom (TekenDocumentView *self)
{
  g_autofree char *label = NULL;
  gboolean has_document = teken_page_canvas_get_n_pages (self->canvas) > 0;
  double percent = teken_page_canvas_get_scale (self->canvas) / TEKEN_SCALE_ACTUAL_SIZE * 100;

  label = g_strdup_printf ("%.0f%%", percent);
  gtk_label_set_text (self->zoom_label, label);
  gtk_widget_set_visible (GTK_WIDGET (self->zoom_button), has_document);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.zoom-in", has_document && percent < 399.5);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.zoom-out", has_document && percent > 10.5);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.zoom-actual-size", has_document);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.zoom-mode", has_document);
}

static void
show_error (TekenDocumentView *self,
            const GError      *error)
{
  g_clear_error (&self->error);
  self->error = g_error_copy (error);

  if (g_error_matches (error, TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_ENCRYPTED) ||
      g_error_matches (error, TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_WRONG_PASSWORD))
    {
      gboolean wrong = error->code == TEKEN_PAGE_RENDERER_ERROR_WRONG_PASSWORD;

      adw_status_page_set_icon_name (self->error_page, "dialog-password-symbolic");
      adw_status_page_set_title (self->error_page, _("This Document Is Protected"));
      gtk_widget_set_visible (self->unlock_box, TRUE);
      gtk_widget_remove_css_class (self->open_another_button, "suggested-action");
      if (wrong)
        gtk_widget_add_css_class (GTK_WIDGET (self->password_row), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }
  else
    {
      adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->error_page, _("Cannot Open This Document"));
      gtk_widget_set_visible (self->unlock_box, FALSE);
      gtk_widget_add_css_class (self->open_another_button, "suggested-action");
    }
  adw_status_page_set_description (self->error_page, error->message);
  show_page (self, "error");
}

static void
set_unlocking (TekenDocumentView *self,
               gboolean           unlocking)
{
  self->unlocking = unlocking;
  gtk_spinner_set_spinning (self->unlock_spinner, unlocking);
  gtk_stack_set_visible_child_name (self->unlock_stack, unlocking ? "spinner" : "button");
  /* Not insensitive: a focused GtkText made insensitive keeps blinking
   * without focus in GTK 4.8. */
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !unlocking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.unlock",
                                 !unlocking && *gtk_editable_get_text (GTK_EDITABLE (self->password_row)) != '\0');
}

static void
refuse_signing (TekenDocumentView *self)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                       _("Protected Documents Cannot Be Signed"),
                                                       _("This document is protected with a password. A signature in it could not be checked by Teken or by others, so Teken does not sign it. Ask the sender for a copy without a password and sign that.")));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
renderer_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TekenPageRenderer) renderer = NULL;
  g_autoptr(GError) error = NULL;
  TekenDocumentView *self;

  renderer = teken_page_renderer_new_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  set_loading (self, FALSE);
  if (self->unlocking)
    {
      set_unlocking (self, FALSE);
      self->unlocked = renderer != NULL;
    }

  if (renderer == NULL)
    {
      show_error (self, error);
      update_signing (self);
      return;
    }

  g_clear_error (&self->error);
  gtk_widget_set_visible (self->unlock_box, FALSE);
  teken_page_canvas_set_renderer (self->canvas, renderer);
  teken_thumbnail_list_set_renderer (self->thumbnail_list, renderer);
  show_page (self, "document");
  update_page_label (self);
  update_zoom (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));

  if (self->sign_when_loaded)
    {
      self->sign_when_loaded = FALSE;
      if (is_protected (self))
        refuse_signing (self);
      else if (can_sign (self))
        start_placing (self);
    }
  update_signing (self);
}

/* AdwFlap 1.2 divides a reveal's velocity by its flap's last allocated
 * width: 0/0 when it is mapped but not yet allocated, which lays the
 * content out one frame at a NaN width (a GTK warning, fatal in tests).
 * Such a reveal waits for the first allocation. */
static gboolean
reveal_when_allocated_cb (GtkWidget     *widget,
                          GdkFrameClock *frame_clock,
                          gpointer       user_data)
{
  guint *tick = user_data;

  if (gtk_widget_get_width (widget) == 0)
    return G_SOURCE_CONTINUE;

  *tick = 0;
  adw_flap_set_reveal_flap (ADW_FLAP (widget), TRUE);
  return G_SOURCE_REMOVE;
}

static void
cancel_reveal (AdwFlap *flap,
               guint   *tick)
{
  if (*tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (flap), *tick);
  *tick = 0;
}

static void
reveal_flap (AdwFlap  *flap,
             guint    *tick,
             gboolean  reveal)
{
  GtkWidget *widget = GTK_WIDGET (flap);

  cancel_reveal (flap, tick);
  if (reveal && gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) == 0)
    *tick = gtk_widget_add_tick_callback (widget, reveal_when_allocated_cb, tick, NULL);
  else
    adw_flap_set_reveal_flap (flap, reveal);
}

static void
set_verification (TekenDocumentView      *self,
                  TekenVerificationModel *verification)
{
  g_set_object (&self->verification, verification);
  teken_signature_list_set_model (self->signature_list, verification);
  set_verifying (self, FALSE);
  update_status (self);

  /* Bad news is shown with its reasons, without a click. */
  if (verification != NULL && self->revision_length == 0 && has_signatures (self))
    {
      TekenVerifyStatus status = teken_verification_model_get_status (verification);

      if (status != TEKEN_VERIFY_VALID)
        reveal_flap (self->flap, &self->flap_tick, TRUE);
    }
}

static void
verified_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TekenVerificationModel) verification = NULL;
  g_autoptr(GError) error = NULL;
  TekenDocumentView *self;

  verification = teken_verification_model_new_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (verification == NULL)
    self->verify_error = g_steal_pointer (&error);
  set_verification (self, verification);
}

static void
signed_version_read_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  SignedVersion *version;
  g_autoptr(GError) error = NULL;
  TekenDocumentView *self;

  version = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (version == NULL)
    {
      set_loading (self, FALSE);
      set_verifying (self, FALSE);
      show_error (self, error);
      return;
    }

  set_verification (self, version->verification);
  teken_page_renderer_new_for_bytes_async (version->bytes, self->cancellable,
                                           renderer_loaded_cb, self);
  signed_version_free (version);
}

/* Reads the signed revision and checks on its own that a signature covers
 * all of it: then these bytes are what was signed. */
static void
read_signed_version_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  GFile *file = g_object_get_data (G_OBJECT (task), "file");
  goffset length = *(goffset *) task_data;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(TekenTrustStore) trust = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree char *name = g_file_get_basename (file);
  SignedVersion *version;
  TekenDocumentReport *report;
  gsize n_read = 0;
  gboolean covered = FALSE;

  stream = g_file_read (file, cancellable, &error);
  data = g_try_malloc (length);
  if (stream == NULL || data == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), data, length, &n_read, cancellable, &error) ||
      n_read != (gsize) length)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_READ,
                                 _("The signed version cannot be read from the file. Check that the file still exists and open it again."));
      return;
    }

  version = g_new0 (SignedVersion, 1);
  version->bytes = g_bytes_new_take (g_steal_pointer (&data), length);

  trust = teken_trust_store_new ();
  teken_trust_store_add_defaults (trust);
  report = teken_pdf_verify_bytes (version->bytes, name, trust, cancellable);
  for (guint i = 0; i < report->signatures->len; i++)
    {
      const TekenSignatureReport *signature = g_ptr_array_index (report->signatures, i);

      covered |= signature->integrity && signature->coverage == TEKEN_COVERAGE_ENTIRE_FILE;
    }
  version->verification = teken_verification_model_new_for_report (report);

  if (!covered)
    {
      signed_version_free (version);
      g_task_return_new_error (task, TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_DAMAGED,
                               _("The file changed since it was checked, so the signed version cannot be shown. Open the file again."));
      return;
    }

  g_task_return_pointer (task, version, (GDestroyNotify) signed_version_free);
}

static void
reset (TekenDocumentView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->verify_cancellable);
  g_clear_object (&self->verify_cancellable);
  self->verify_cancellable = g_cancellable_new ();

  g_clear_object (&self->file);
  g_clear_pointer (&self->revision_signer, g_free);
  self->revision_length = 0;
  g_clear_error (&self->error);
  g_clear_error (&self->verify_error);
  g_clear_object (&self->verification);
  teken_signature_list_set_model (self->signature_list, NULL);
  teken_page_canvas_set_placing (self->canvas, FALSE);
  teken_page_canvas_set_renderer (self->canvas, NULL);
  teken_thumbnail_list_set_renderer (self->thumbnail_list, NULL);
  reveal_flap (self->flap, &self->flap_tick, FALSE);
  self->unlocked = FALSE;
  set_unlocking (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");

  show_page (self, "loading");
  set_loading (self, TRUE);
  update_page_label (self);
  update_zoom (self);
  update_signing (self);
}

static void
page_entry_activated_cb (TekenDocumentView *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->page_entry))));
  guint n_pages = teken_page_canvas_get_n_pages (self->canvas);
  guint64 page;

  if (g_ascii_string_to_unsigned (text, 10, 1, MAX (n_pages, 1), &page, NULL))
    {
      teken_page_canvas_go_to_page (self->canvas, page - 1);
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
  else
    gtk_widget_error_bell (GTK_WIDGET (self->page_entry));

  update_page_label (self);
}

static gboolean
update_header_cb (GtkWidget     *widget,
                  GdkFrameClock *frame_clock,
                  gpointer       user_data)
{
  TekenDocumentView *self = TEKEN_DOCUMENT_VIEW (widget);

  self->header_tick = 0;
  update_page_label (self);
  update_zoom (self);
  if (teken_page_canvas_get_n_pages (self->canvas) > 0)
    teken_thumbnail_list_set_current_page (self->thumbnail_list,
                                           teken_page_canvas_get_current_page (self->canvas));

  return G_SOURCE_REMOVE;
}

/* The page number and zoom follow the canvas's layout; they are updated at
 * the start of the next frame, before it is laid out, never from inside
 * the canvas's allocation. */
static void
queue_header_update (TekenDocumentView *self)
{
  if (self->header_tick == 0)
    self->header_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), update_header_cb, NULL, NULL);
}

static void
current_page_changed_cb (TekenDocumentView *self)
{
  queue_header_update (self);
}

/* Called from the canvas's allocation: only schedules. */
static void
scale_changed_cb (TekenDocumentView *self)
{
  queue_header_update (self);
}

/* Only from the holder's own actions, never from an allocation. */
static void
zoom_mode_changed_cb (TekenDocumentView *self)
{
  queue_header_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM_MODE]);
}

static void
flap_revealed_cb (TekenDocumentView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SIDEBAR]);
}

static void
thumbnail_flap_revealed_cb (TekenDocumentView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_THUMBNAILS]);
}

static void
thumbnail_selected_cb (TekenDocumentView *self,
                       guint              page)
{
  if (page < teken_page_canvas_get_n_pages (self->canvas))
    teken_page_canvas_go_to_page (self->canvas, page);
}

static void
password_changed_cb (TekenDocumentView *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");
  set_unlocking (self, self->unlocking);
}

/* The password goes to the renderer's thread in a TekenSecret, which is
 * wiped once Poppler has opened the file; the entry is emptied at once. */
static void
unlock_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TekenDocumentView *self = TEKEN_DOCUMENT_VIEW (widget);
  g_autoptr(TekenSecret) password = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->file == NULL || self->unlocking || *text == '\0')
    return;

  password = teken_secret_new (text, -1);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  set_unlocking (self, TRUE);
  teken_page_renderer_new_for_file_with_password_async (self->file, password, self->cancellable,
                                                        renderer_loaded_cb, self);
}

static void
password_activated_cb (TekenDocumentView *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "view.unlock", NULL);
}

static void
zoom_in_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  teken_page_canvas_zoom_in (TEKEN_DOCUMENT_VIEW (widget)->canvas);
}

static void
zoom_out_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  teken_page_canvas_zoom_out (TEKEN_DOCUMENT_VIEW (widget)->canvas);
}

static void
zoom_actual_size_activated (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  teken_page_canvas_set_scale (TEKEN_DOCUMENT_VIEW (widget)->canvas, TEKEN_SCALE_ACTUAL_SIZE);
}

static void
show_signatures_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  TekenDocumentView *self = TEKEN_DOCUMENT_VIEW (widget);

  reveal_flap (self->flap, &self->flap_tick, TRUE);
}

static void
show_signed_version_activated (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  TekenDocumentView *self = TEKEN_DOCUMENT_VIEW (widget);
  guint index = g_variant_get_uint32 (parameter);
  goffset length;

  if (self->verification == NULL || self->file == NULL ||
      index >= teken_verification_model_get_n_signatures (self->verification))
    return;

  length = teken_verification_model_get_signed_revision_length (self->verification, index);
  if (length <= 0)
    return;

  g_signal_emit (self, signals[OPEN_SIGNED_VERSION], 0, self->file, (gint64) length,
                 teken_verification_model_get_signer (self->verification, index));
}

static void
sign_dialog_signed_cb (TekenSignDialog   *dialog,
                       GFile             *output,
                       TekenDocumentView *self)
{
  g_autoptr(GFile) file = g_object_ref (output);

  /* The signed copy replaces the original in this window, checked. */
  teken_document_view_load_file (self, file);
  g_signal_emit (self, signals[DOCUMENT_SIGNED], 0, file);
}

static void
sign_dialog_destroyed_cb (TekenDocumentView *self)
{
  teken_page_canvas_set_box (self->canvas, 0, NULL);
  /* Back to Sign… (the Place button that opened the dialog is hidden),
   * so that the keyboard has a place to go on from. */
  if (gtk_widget_get_mapped (self->sign_button) && gtk_widget_is_sensitive (self->sign_button))
    gtk_widget_grab_focus (self->sign_button);
}

static void
open_sign_dialog (TekenDocumentView     *self,
                  guint                  page,
                  const graphene_rect_t *box)
{
  TekenSignDialog *dialog;

  teken_page_canvas_set_placing (self->canvas, FALSE);
  update_signing (self);

  /* The verifier may have found the password only after placing began. */
  if (is_protected (self))
    {
      refuse_signing (self);
      return;
    }

  dialog = teken_sign_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->file, page, box);
  g_signal_connect_object (dialog, "signed", G_CALLBACK (sign_dialog_signed_cb), self, 0);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (sign_dialog_destroyed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
box_placed_cb (TekenDocumentView *self,
               guint              page,
               double             x,
               double             y,
               double             width,
               double             height)
{
  open_sign_dialog (self, page, &GRAPHENE_RECT_INIT (x, y, width, height));
}

static void
sign_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TekenDocumentView *self = TEKEN_DOCUMENT_VIEW (widget);

  if (!can_sign (self))
    return;

  if (is_protected (self))
    {
      refuse_signing (self);
      return;
    }

  start_placing (self);
}

/* A place for the box without dragging: for keyboards, and the usual
 * corners. The same presets as batch signing (teken-pdf-signing.h). */
static void
place_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TekenDocumentView *self = TEKEN_DOCUMENT_VIEW (widget);
  TekenPdfPlacement placement = teken_pdf_placement_from_string (g_variant_get_string (parameter, NULL));
  TekenPageLayout *layout = teken_page_canvas_get_layout (self->canvas);
  guint page = teken_pdf_placement_get_page (placement, teken_page_canvas_get_n_pages (self->canvas));
  graphene_size_t size;
  double x, y, width, height;
  graphene_rect_t box;

  if (layout == NULL || placement == TEKEN_PDF_PLACEMENT_INVISIBLE)
    return;

  teken_page_layout_get_page_size (layout, page, &size);
  teken_pdf_placement_get_box (placement, size.width, size.height, &x, &y, &width, &height);
  graphene_rect_init (&box, x, y, width, height);

  teken_page_canvas_set_box (self->canvas, page, &box);
  teken_page_canvas_go_to_page (self->canvas, page);
  open_sign_dialog (self, page, &box);
}

static void
sign_invisibly_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  open_sign_dialog (TEKEN_DOCUMENT_VIEW (widget), 0, NULL);
}

static void
cancel_placing_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  TekenDocumentView *self = TEKEN_DOCUMENT_VIEW (widget);

  teken_page_canvas_set_placing (self->canvas, FALSE);
  update_signing (self);
  /* Back where placing began, rather than on the Cancel just hidden. */
  gtk_widget_grab_focus (self->sign_button);
}

static void
teken_document_view_dispose (GObject *object)
{
  TekenDocumentView *self = TEKEN_DOCUMENT_VIEW (object);

  cancel_reveal (self->flap, &self->flap_tick);
  cancel_reveal (self->thumbnail_flap, &self->thumbnail_flap_tick);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->verify_cancellable);
  g_clear_object (&self->verify_cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->verification);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->revision_signer, g_free);
  g_clear_error (&self->error);
  g_clear_error (&self->verify_error);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_DOCUMENT_VIEW);

  G_OBJECT_CLASS (teken_document_view_parent_class)->dispose (object);
}

static void
teken_document_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TekenDocumentView *self = TEKEN_DOCUMENT_VIEW (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_VERIFYING:
      g_value_set_boolean (value, self->verifying);
      break;
    case PROP_SHOW_SIDEBAR:
      g_value_set_boolean (value, adw_flap_get_reveal_flap (self->flap));
      break;
    case PROP_SHOW_THUMBNAILS:
      g_value_set_boolean (value, adw_flap_get_reveal_flap (self->thumbnail_flap));
      break;
    case PROP_ZOOM_MODE:
      g_value_set_enum (value, teken_page_canvas_get_zoom_mode (self->canvas));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_document_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TekenDocumentView *self = TEKEN_DOCUMENT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_SIDEBAR:
      reveal_flap (self->flap, &self->flap_tick, g_value_get_boolean (value));
      break;
    case PROP_SHOW_THUMBNAILS:
      reveal_flap (self->thumbnail_flap, &self->thumbnail_flap_tick, g_value_get_boolean (value));
      break;
    case PROP_ZOOM_MODE:
      teken_page_canvas_set_zoom_mode (self->canvas, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_shortcut (GtkShortcutController *controller,
              const char            *accelerator,
              const char            *action_name,
              GVariant              *target)
{
  GtkShortcutAction *action = gtk_named_action_new (action_name);
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_shortcut_trigger_parse_string (accelerator), action);

  if (target != NULL)
    gtk_shortcut_set_arguments (shortcut, target);
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

static void
teken_document_view_class_init (TekenDocumentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_document_view_dispose;
  object_class->get_property = teken_document_view_get_property;
  object_class->set_property = teken_document_view_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERIFYING] =
    g_param_spec_boolean ("verifying", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_SIDEBAR] =
    g_param_spec_boolean ("show-sidebar", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_THUMBNAILS] =
    g_param_spec_boolean ("show-thumbnails", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM_MODE] =
    g_param_spec_enum ("zoom-mode", NULL, NULL, TEKEN_TYPE_ZOOM_MODE, TEKEN_ZOOM_FIT_WIDTH,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TekenDocumentView::open-signed-version:
   * @file: the document
   * @length: the signed revision's length in bytes
   * @signer: who signed it
   *
   * The holder asked to see the document as a signature signed it.
   */
  signals[OPEN_SIGNED_VERSION] =
    g_signal_new ("open-signed-version", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_FILE, G_TYPE_INT64, G_TYPE_STRING);

  /**
   * TekenDocumentView::document-signed:
   * @output: the signed copy, now shown
   */
  signals[DOCUMENT_SIGNED] =
    g_signal_new ("document-signed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);

  g_type_ensure (TEKEN_TYPE_PAGE_CANVAS);
  g_type_ensure (TEKEN_TYPE_SIGNATURE_LIST);
  g_type_ensure (TEKEN_TYPE_THUMBNAIL_LIST);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-document-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, thumbnails_button);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, sign_button);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, placement_bar);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, place_button);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, window_title);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, page_box);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, page_entry);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, n_pages_label);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, stack);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, error_page);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, unlock_box);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, password_row);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, unlock_stack);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, unlock_spinner);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, open_another_button);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, status_bar);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, status_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, status_icon);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, status_title);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, status_description);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, details_button);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, thumbnail_flap);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, thumbnail_list);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, flap);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, signature_list);
  gtk_widget_class_bind_template_child (widget_class, TekenDocumentView, canvas);
  gtk_widget_class_bind_template_callback (widget_class, page_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, current_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, scale_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, zoom_mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, flap_revealed_cb);
  gtk_widget_class_bind_template_callback (widget_class, thumbnail_flap_revealed_cb);
  gtk_widget_class_bind_template_callback (widget_class, thumbnail_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, box_placed_cb);

  gtk_widget_class_install_action (widget_class, "view.zoom-in", NULL, zoom_in_activated);
  gtk_widget_class_install_action (widget_class, "view.zoom-out", NULL, zoom_out_activated);
  gtk_widget_class_install_action (widget_class, "view.zoom-actual-size", NULL, zoom_actual_size_activated);
  gtk_widget_class_install_property_action (widget_class, "view.zoom-mode", "zoom-mode");
  gtk_widget_class_install_property_action (widget_class, "view.show-sidebar", "show-sidebar");
  gtk_widget_class_install_property_action (widget_class, "view.show-thumbnails", "show-thumbnails");
  gtk_widget_class_install_action (widget_class, "view.unlock", NULL, unlock_activated);
  gtk_widget_class_install_action (widget_class, "view.show-signatures", NULL, show_signatures_activated);
  gtk_widget_class_install_action (widget_class, "view.show-signed-version", "u", show_signed_version_activated);
  gtk_widget_class_install_action (widget_class, "view.sign", NULL, sign_activated);
  gtk_widget_class_install_action (widget_class, "view.place", "s", place_activated);
  gtk_widget_class_install_action (widget_class, "view.sign-invisibly", NULL, sign_invisibly_activated);
  gtk_widget_class_install_action (widget_class, "view.cancel-placing", NULL, cancel_placing_activated);
}

static void
teken_document_view_init (TekenDocumentView *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->verify_cancellable = g_cancellable_new ();

  /* Zoom keys work wherever the focus is in the window. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>plus", "view.zoom-in", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>equal", "view.zoom-in", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>KP_Add", "view.zoom-in", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>minus", "view.zoom-out", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>KP_Subtract", "view.zoom-out", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>0", "view.zoom-mode", g_variant_new_string ("fit-width"));
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>KP_0", "view.zoom-mode", g_variant_new_string ("fit-width"));
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "F9", "view.show-sidebar", NULL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>F9", "view.show-thumbnails", NULL);
  /* Only while placing (the action is disabled otherwise, and Escape goes on). */
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "Escape", "view.cancel-placing", NULL);
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  update_page_label (self);
  update_zoom (self);
  update_status (self);
  update_signing (self);
  set_unlocking (self, FALSE);
}

GtkWidget *
teken_document_view_new (void)
{
  return g_object_new (TEKEN_TYPE_DOCUMENT_VIEW, NULL);
}

/**
 * teken_document_view_load_file:
 *
 * Shows @file and checks its signatures, both on threads.
 */
void
teken_document_view_load_file (TekenDocumentView *self,
                               GFile             *file)
{
  g_return_if_fail (TEKEN_IS_DOCUMENT_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  reset (self);
  self->file = g_object_ref (file);
  update_title (self);

  set_verifying (self, TRUE);
  update_status (self);

  teken_page_renderer_new_for_file_async (file, self->cancellable, renderer_loaded_cb, self);
  teken_verification_model_new_async (file, NULL, self->verify_cancellable, verified_cb, self);
}

/**
 * teken_document_view_check_again:
 *
 * Checks the signatures again, as when the trust anchors changed; the
 * pages stay as they are. A signed version is read and checked again.
 */
void
teken_document_view_check_again (TekenDocumentView *self)
{
  g_return_if_fail (TEKEN_IS_DOCUMENT_VIEW (self));

  if (self->file == NULL)
    return;

  if (self->revision_length > 0)
    {
      g_autoptr(GFile) file = g_object_ref (self->file);
      g_autofree char *signer = g_strdup (self->revision_signer);

      teken_document_view_load_signed_version (self, file, self->revision_length, signer);
      return;
    }

  g_cancellable_cancel (self->verify_cancellable);
  g_clear_object (&self->verify_cancellable);
  self->verify_cancellable = g_cancellable_new ();
  g_clear_error (&self->verify_error);

  set_verifying (self, TRUE);
  update_status (self);
  teken_verification_model_new_async (self->file, NULL, self->verify_cancellable, verified_cb, self);
}

/**
 * teken_document_view_load_signed_version:
 * @length: how many bytes from the start of @file the signature covers
 * @signer: the signer's name, for the title
 *
 * Shows the revision of @file that a signature signed.
 */
void
teken_document_view_load_signed_version (TekenDocumentView *self,
                                         GFile             *file,
                                         goffset            length,
                                         const char        *signer)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TEKEN_IS_DOCUMENT_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (length > 0);
  g_return_if_fail (signer != NULL);

  reset (self);
  self->file = g_object_ref (file);
  self->revision_length = length;
  self->revision_signer = g_strdup (signer);
  update_title (self);

  set_verifying (self, TRUE);
  update_status (self);

  task = g_task_new (NULL, self->cancellable, signed_version_read_cb, self);
  g_task_set_source_tag (task, teken_document_view_load_signed_version);
  g_object_set_data_full (G_OBJECT (task), "file", g_object_ref (file), g_object_unref);
  g_task_set_task_data (task, g_memdup2 (&self->revision_length, sizeof (goffset)), g_free);
  g_task_run_in_thread (task, read_signed_version_thread);
}

GFile *
teken_document_view_get_file (TekenDocumentView *self)
{
  g_return_val_if_fail (TEKEN_IS_DOCUMENT_VIEW (self), NULL);

  return self->file;
}

/* The length of the signed revision shown, or 0 when the whole file is. */
goffset
teken_document_view_get_signed_version_length (TekenDocumentView *self)
{
  g_return_val_if_fail (TEKEN_IS_DOCUMENT_VIEW (self), 0);

  return self->revision_length;
}

/* The window's title: the file's name, and whose signed version it is. */
const char *
teken_document_view_get_title (TekenDocumentView *self)
{
  g_return_val_if_fail (TEKEN_IS_DOCUMENT_VIEW (self), NULL);

  return self->title;
}

gboolean
teken_document_view_get_loading (TekenDocumentView *self)
{
  g_return_val_if_fail (TEKEN_IS_DOCUMENT_VIEW (self), FALSE);

  return self->loading;
}

gboolean
teken_document_view_get_verifying (TekenDocumentView *self)
{
  g_return_val_if_fail (TEKEN_IS_DOCUMENT_VIEW (self), FALSE);

  return self->verifying;
}

/* Why the document could not be shown, or %NULL. */
const GError *
teken_document_view_get_error (TekenDocumentView *self)
{
  g_return_val_if_fail (TEKEN_IS_DOCUMENT_VIEW (self), NULL);

  return self->error;
}

TekenPageCanvas *
teken_document_view_get_canvas (TekenDocumentView *self)
{
  g_return_val_if_fail (TEKEN_IS_DOCUMENT_VIEW (self), NULL);

  return self->canvas;
}

TekenThumbnailList *
teken_document_view_get_thumbnail_list (TekenDocumentView *self)
{
  g_return_val_if_fail (TEKEN_IS_DOCUMENT_VIEW (self), NULL);

  return self->thumbnail_list;
}

TekenVerificationModel *
teken_document_view_get_verification (TekenDocumentView *self)
{
  g_return_val_if_fail (TEKEN_IS_DOCUMENT_VIEW (self), NULL);

  return self->verification;
}

/**
 * teken_document_view_sign_when_loaded:
 *
 * Once the document shows, starts placing a signature on it (app.sign).
 */
void
teken_document_view_sign_when_loaded (TekenDocumentView *self)
{
  g_return_if_fail (TEKEN_IS_DOCUMENT_VIEW (self));

  if (!self->loading && is_protected (self))
    refuse_signing (self);
  else if (!self->loading && can_sign (self))
    start_placing (self);
  else
    self->sign_when_loaded = TRUE;
}
