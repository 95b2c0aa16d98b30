/* teken-sign-dialog.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Signing one document: who signs (the holder's BSrE certificate at the
 * CA, or a PKCS#12 file and its passphrase: TekenSignerPicker), then the
 * details of the visible signature with a preview, then the signed copy
 * saved beside the original as NAME_signed.pdf (never over an existing
 * file). With the BSrE certificate the passphrase is asked on the details
 * page, at signing time, goes to the CA once and is dropped; signing can
 * be cancelled while it waits for the CA.
 *
 * The preview is Poppler rendering the original bytes followed by the very
 * update signing will append (teken_pdf_sign_preview()), so what the
 * holder sees is what gets signed. Everything slow -- opening the
 * certificate, reading the document, the preview, signing -- runs on
 * threads. A passphrase lives in a TekenSecret for as long as it takes to
 * open the certificate or to sign, and the entry is emptied at once.
 *
 * The signer is a TekenSigner: the dialog signs with whatever the picker
 * produces.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "teken-application.h"
#include "teken-page-renderer.h"
#include "teken-pdf-signing.h"
#include "teken-remote-signer.h"
#include "teken-sign-dialog.h"
#include "teken-signer-picker.h"

/* Above this the preview would hold too much of the document in memory;
 * it is skipped, and the box on the page shows where the signature goes. */
#define PREVIEW_MAX_DOCUMENT (64 * 1024 * 1024)
#define PREVIEW_WIDTH        480.0
/* Longer than the stack's slide between pages. */
#define FOCUS_DELAY_MS       400

struct _TekenSignDialog
{
  AdwWindow          parent_instance;

  GFile             *document_file;
  gboolean           visible;
  guint              page;
  graphene_rect_t    box;
  GFile             *image_file;
  GFile             *output;
  TekenSigner       *signer;
  TekenPdfDocument  *document;
  GBytes            *original;        /* for the preview; NULL when too large */
  GCancellable      *cancellable;
  GCancellable      *preview_cancellable;
  GCancellable      *sign_cancellable;  /* the signing under way; Cancel stops it */
  guint              preview_source;
  guint              focus_source;
  gboolean           busy;
  gboolean           can_sign;

  /* Template widgets */
  GtkStack          *button_stack;
  GtkWidget         *continue_button;
  GtkWidget         *sign_button;
  GtkLabel          *error_label;
  GtkStack          *stack;
  TekenSignerPicker *picker;
  TekenSigningCredential *credential;
  AdwActionRow      *name_row;
  GtkToggleButton   *plh_button;
  GtkToggleButton   *plt_button;
  AdwEntryRow       *position_row;
  AdwEntryRow       *reason_row;
  AdwEntryRow       *location_row;
  AdwEntryRow       *qr_row;
  AdwActionRow      *image_row;
  GtkWidget         *clear_image_button;
  GtkWidget         *preview_group;
  GtkStack          *preview_stack;
  GtkSpinner        *preview_spinner;
  GtkPicture        *preview_picture;
  GtkLabel          *preview_message;
  AdwStatusPage     *working_page;
  GtkSpinner        *working_spinner;
};

G_DEFINE_FINAL_TYPE (TekenSignDialog, teken_sign_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_CAN_SIGN,
  N_PROPS
};

enum {
  SIGNED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What to sign with: the options and the strings and image they point to. */
typedef struct
{
  TekenPdfSignOptions  options;
  char                *position;
  char                *reason;
  char                *location;
  char                *qr_text;
  GFile               *image_file;
  TekenPdfDocument    *document;
  TekenSigner         *signer;
  GBytes              *original;
  char                *output_path;
} Request;

static void
request_free (Request *request)
{
  g_free (request->position);
  g_free (request->reason);
  g_free (request->location);
  g_free (request->qr_text);
  g_clear_object (&request->image_file);
  g_clear_pointer (&request->options.image, teken_image_unref);
  g_clear_object (&request->document);
  g_clear_object (&request->signer);
  g_clear_pointer (&request->original, g_bytes_unref);
  g_free (request->output_path);
  g_free (request);
}

typedef struct
{
  TekenPdfDocument *document;
  GBytes           *original;
} Opened;

static void
opened_free (Opened *opened)
{
  g_clear_object (&opened->document);
  g_clear_pointer (&opened->original, g_bytes_unref);
  g_free (opened);
}

static char *
dup_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  g_strstrip (text);
  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
set_busy (TekenSignDialog *self,
          gboolean         busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (TekenSignDialog *self,
            const char      *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
show_page (TekenSignDialog *self,
           const char      *name)
{
  gboolean working = g_str_equal (name, "working");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_stack_set_visible_child_name (self->button_stack, working ? "none" : name);
  /* Enter in a field presses the page's main button. */
  gtk_window_set_default_widget (GTK_WINDOW (self),
                                 g_str_equal (name, "certificate") ? self->continue_button :
                                 g_str_equal (name, "details") ? self->sign_button : NULL);
  gtk_spinner_set_spinning (self->working_spinner, working);
  set_busy (self, working);
}

static gboolean
is_remote (TekenSignDialog *self)
{
  return TEKEN_IS_REMOTE_SIGNER (self->signer);
}

static void
update_actions (TekenSignDialog *self)
{
  gboolean can_sign;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign.open-certificate",
                                 teken_signer_picker_get_ready (self->picker) && !self->busy);
  can_sign = self->signer != NULL && self->document != NULL && !self->busy &&
             (!is_remote (self) || teken_signing_credential_get_ready (self->credential));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign.sign", can_sign);
  if (self->can_sign != can_sign)
    {
      self->can_sign = can_sign;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SIGN]);
    }
}

static Request *
build_request (TekenSignDialog *self)
{
  Request *request = g_new0 (Request, 1);

  request->position = dup_text (self->position_row);
  request->reason = dup_text (self->reason_row);
  request->location = dup_text (self->location_row);
  request->qr_text = dup_text (self->qr_row);
  request->image_file = self->image_file ? g_object_ref (self->image_file) : NULL;
  request->document = self->document ? g_object_ref (self->document) : NULL;
  request->signer = self->signer ? g_object_ref (self->signer) : NULL;
  request->original = self->original ? g_bytes_ref (self->original) : NULL;

  request->options.page = self->page;
  request->options.visible = self->visible;
  request->options.x = self->box.origin.x;
  request->options.y = self->box.origin.y;
  request->options.width = self->box.size.width;
  request->options.height = self->box.size.height;
  request->options.role = gtk_toggle_button_get_active (self->plh_button) ? TEKEN_ACTING_ROLE_PLH
                        : gtk_toggle_button_get_active (self->plt_button) ? TEKEN_ACTING_ROLE_PLT
                        : TEKEN_ACTING_ROLE_NONE;
  request->options.position = request->position;
  request->options.reason = request->reason;
  request->options.location = request->location;
  request->options.qr_text = request->qr_text;
  request->options.subfilter = TEKEN_PDF_SUBFILTER_CADES;

  return request;
}

/* The image is read on the worker thread, with the rest. */
static gboolean
load_image (Request  *request,
            GError  **error)
{
  g_autofree char *path = NULL;

  if (request->image_file == NULL || !request->options.visible)
    return TRUE;

  path = g_file_get_path (request->image_file);
  request->options.image = path ? teken_image_new_from_file (path, error) : NULL;

  return request->options.image != NULL;
}

/* Step 0: the document, read once on a thread. */

static void
open_document_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  Opened *opened = g_new0 (Opened, 1);

  opened->document = path ? teken_pdf_document_new_for_path (path, &error) : NULL;
  if (opened->document == NULL)
    {
      opened_free (opened);
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("Only documents on this computer can be signed. Save it to a folder first."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (teken_pdf_document_get_size (opened->document) <= PREVIEW_MAX_DOCUMENT)
    opened->original = teken_pdf_document_read_bytes (opened->document, 0,
                                                      teken_pdf_document_get_size (opened->document), NULL);

  g_task_return_pointer (task, opened, (GDestroyNotify) opened_free);
}

static void
document_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  TekenSignDialog *self;
  Opened *opened;

  opened = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (opened == NULL)
    {
      show_error (self, error->message);
      return;
    }

  self->document = g_steal_pointer (&opened->document);
  self->original = g_steal_pointer (&opened->original);
  opened_free (opened);
  update_actions (self);
}

/* The preview. */

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Request *request = task_data;
  g_autoptr(GBytes) update = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) combined = NULL;

  if (!load_image (request, &error) ||
      !(update = teken_pdf_sign_preview (request->document, &request->options, request->signer, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  combined = g_byte_array_sized_new (g_bytes_get_size (request->original) + g_bytes_get_size (update));
  g_byte_array_append (combined, g_bytes_get_data (request->original, NULL), g_bytes_get_size (request->original));
  g_byte_array_append (combined, g_bytes_get_data (update, NULL), g_bytes_get_size (update));

  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&combined)),
                         (GDestroyNotify) g_bytes_unref);
}

static void
show_preview_message (TekenSignDialog *self,
                      const char      *message)
{
  gtk_spinner_set_spinning (self->preview_spinner, FALSE);
  gtk_label_set_text (self->preview_message, message);
  gtk_stack_set_visible_child_name (self->preview_stack, "message");
}

static void
preview_rendered_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  TekenSignDialog *self;

  texture = teken_page_renderer_render_finish (TEKEN_PAGE_RENDERER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (texture == NULL)
    {
      show_preview_message (self, error->message);
      return;
    }

  gtk_spinner_set_spinning (self->preview_spinner, FALSE);
  gtk_picture_set_paintable (self->preview_picture, GDK_PAINTABLE (texture));
  gtk_stack_set_visible_child_name (self->preview_stack, "picture");
}

static void
preview_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TekenPageRenderer) renderer = NULL;
  g_autoptr(GError) error = NULL;
  TekenSignDialog *self;
  double width, height;

  renderer = teken_page_renderer_new_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (renderer == NULL)
    {
      show_preview_message (self, error->message);
      return;
    }

  teken_page_renderer_get_page_size (renderer, self->page, &width, &height);
  teken_page_renderer_render_async (renderer, self->page,
                                    PREVIEW_WIDTH / MAX (width, 1) * gtk_widget_get_scale_factor (GTK_WIDGET (self)),
                                    0, self->preview_cancellable, preview_rendered_cb, self);
}

static void
preview_prepared_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  TekenSignDialog *self;

  bytes = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (bytes == NULL)
    {
      show_preview_message (self, error->message);
      return;
    }

  teken_page_renderer_new_for_bytes_async (bytes, self->preview_cancellable, preview_loaded_cb, self);
}

static gboolean
update_preview_cb (gpointer user_data)
{
  TekenSignDialog *self = user_data;
  g_autoptr(GTask) task = NULL;

  self->preview_source = 0;

  if (!self->visible || self->signer == NULL || self->document == NULL)
    return G_SOURCE_REMOVE;

  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);

  if (self->original == NULL)
    {
      show_preview_message (self, _("This document is too large to preview. The box you drew on the page shows where the signature goes."));
      return G_SOURCE_REMOVE;
    }

  self->preview_cancellable = g_cancellable_new ();
  gtk_spinner_set_spinning (self->preview_spinner, TRUE);
  gtk_stack_set_visible_child_name (self->preview_stack, "working");

  task = g_task_new (NULL, self->preview_cancellable, preview_prepared_cb, self);
  g_task_set_source_tag (task, update_preview_cb);
  g_task_set_task_data (task, build_request (self), (GDestroyNotify) request_free);
  g_task_run_in_thread (task, preview_thread);

  return G_SOURCE_REMOVE;
}

/* Typing does not render a page a key; a pause does. */
static void
queue_preview (TekenSignDialog *self)
{
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (300, update_preview_cb, self);
}

static void
details_changed_cb (TekenSignDialog *self)
{
  queue_preview (self);
}

/* Step 1: who signs. */

static void
signer_created_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TekenSigner) signer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *holder = NULL;
  TekenSignDialog *self;

  signer = teken_signer_picker_create_signer_finish (TEKEN_SIGNER_PICKER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (signer == NULL)
    {
      g_autofree char *message = teken_signer_picker_describe_error (error, NULL);

      show_page (self, "certificate");
      show_error (self, message);
      update_actions (self);
      return;
    }

  holder = teken_signer_dup_holder_name (signer);
  if (holder == NULL)
    {
      show_page (self, "certificate");
      show_error (self, _("This certificate has no holder name. Use the certificate BSrE issued to you."));
      update_actions (self);
      return;
    }

  g_set_object (&self->signer, signer);
  adw_action_row_set_subtitle (self->name_row, holder);
  teken_signer_picker_set_up_credential (self->picker, self->credential);
  gtk_widget_set_visible (GTK_WIDGET (self->credential), is_remote (self));
  show_error (self, NULL);
  show_page (self, "details");
  /* The keyboard follows the page to its first stop: Continue, which had
   * the focus, is gone, and GTK would leave it on Cancel, where Enter
   * closes the dialog. */
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  update_actions (self);
  queue_preview (self);
}

static void
open_certificate_activated (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  TekenSignDialog *self = TEKEN_SIGN_DIALOG (widget);

  if (!teken_signer_picker_get_ready (self->picker))
    return;

  adw_status_page_set_title (self->working_page, _("Opening the Certificate…"));
  adw_status_page_set_description (self->working_page, NULL);
  show_error (self, NULL);
  show_page (self, "working");
  update_actions (self);
  teken_signer_picker_create_signer_async (self->picker, self->cancellable, signer_created_cb, self);
}

static void
picker_changed_cb (TekenSignDialog *self)
{
  update_actions (self);
}

static void
passphrase_changed_cb (TekenSignDialog *self)
{
  update_actions (self);
}

static void
passphrase_activated_cb (TekenSignDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign.sign", NULL);
}

static void
chooser_responded_cb (GtkNativeDialog *chooser,
                      int              response,
                      TekenSignDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *name = g_file_get_basename (file);

      g_set_object (&self->image_file, file);
      adw_action_row_set_subtitle (self->image_row, name);
      gtk_widget_set_visible (self->clear_image_button, TRUE);
      queue_preview (self);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_image_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  TekenSignDialog *self = TEKEN_SIGN_DIALOG (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Choose an Image"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Images (PNG, JPEG)"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_responded_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
clear_image_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TekenSignDialog *self = TEKEN_SIGN_DIALOG (widget);

  g_clear_object (&self->image_file);
  adw_action_row_set_subtitle (self->image_row, _("None chosen"));
  gtk_widget_set_visible (self->clear_image_button, FALSE);
  queue_preview (self);
}

/* Step 2: signing. */

static void
sign_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Request *request = task_data;
  g_autoptr(GError) error = NULL;

  if (!load_image (request, &error) ||
      !teken_pdf_sign (request->document, request->output_path, &request->options,
                       request->signer, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
focus_credential_cb (gpointer user_data)
{
  TekenSignDialog *self = user_data;

  self->focus_source = 0;
  teken_signing_credential_focus (self->credential);
  return G_SOURCE_REMOVE;
}

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TekenSignDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  Request *request = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gboolean open_account = FALSE;
  g_autofree char *message = NULL;

  if (TEKEN_IS_REMOTE_SIGNER (request->signer))
    teken_remote_signer_set_credential (TEKEN_REMOTE_SIGNER (request->signer), TEKEN_REMOTE_SIGNER_PASSPHRASE, NULL);


  /* Stopped, or the dialog closed, while the CA was asked: the holder was
   * told nothing is saved, so a copy that got signed anyway goes. */
  if (self->sign_cancellable == NULL || self->sign_cancellable != g_task_get_cancellable (G_TASK (result)))
    {
      if (ok)
        g_unlink (request->output_path);
      return;
    }
  g_clear_object (&self->sign_cancellable);

  if (!ok)
    {
      message = teken_signer_picker_describe_error (error, &open_account);
      if (open_account)
        {
          /* The account changed (status, lock, session): the first page
           * shows it as it is now, with the way on. */
          g_clear_object (&self->signer);
          teken_signer_picker_reload (self->picker);
          show_page (self, "certificate");
        }
      else
        {
          show_page (self, "details");
          /* Once the page is laid out with the message above it, so that
           * the field scrolls into view. */
          if (TEKEN_IS_REMOTE_SIGNER (request->signer))
            {
              g_clear_handle_id (&self->focus_source, g_source_remove);
              self->focus_source = g_timeout_add (FOCUS_DELAY_MS, focus_credential_cb, self);
            }
        }
      show_error (self, message);
      update_actions (self);
      return;
    }

  self->output = g_file_new_for_path (request->output_path);
  set_busy (self, FALSE);
  g_signal_emit (self, signals[SIGNED], 0, self->output);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
sign_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TekenSignDialog *self = TEKEN_SIGN_DIALOG (widget);
  g_autoptr(GTask) task = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *description = NULL;
  Request *request;

  if (!self->can_sign)
    return;

  request = build_request (self);
  request->output_path = teken_sign_dialog_choose_output_path (self->document_file);
  if (request->output_path == NULL)
    {
      request_free (request);
      show_error (self, _("Only documents on this computer can be signed. Save it to a folder first."));
      return;
    }

  display_name = g_filename_display_basename (request->output_path);
  if (is_remote (self))
    {
      TekenRemoteSignerCredential kind;
      g_autoptr(TekenSecret) secret = teken_signing_credential_take (self->credential, &kind);

      teken_remote_signer_set_credential (TEKEN_REMOTE_SIGNER (self->signer), kind, secret);
      description = g_strdup_printf (_("Waiting for the CA to sign, then saving the signed document as “%s”."),
                                     display_name);
    }
  else
    description = g_strdup_printf (_("Saving the signed document as “%s”."), display_name);

  adw_status_page_set_title (self->working_page, _("Signing…"));
  adw_status_page_set_description (self->working_page, description);
  show_error (self, NULL);
  self->sign_cancellable = g_cancellable_new ();
  show_page (self, "working");
  update_actions (self);

  task = g_task_new (NULL, self->sign_cancellable, signed_cb, g_object_ref (self));
  g_task_set_source_tag (task, sign_activated);
  /* The result decides whether a copy was saved, cancelled or not. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, sign_thread);
}

/* Cancel stops a signing under way and stays; otherwise it closes. */
static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TekenSignDialog *self = TEKEN_SIGN_DIALOG (widget);

  if (self->sign_cancellable == NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  g_cancellable_cancel (self->sign_cancellable);
  g_clear_object (&self->sign_cancellable);
  show_page (self, "details");
  show_error (self, _("Signing was cancelled. Nothing was saved; the document is as it was."));
  update_actions (self);
}

static void
teken_sign_dialog_dispose (GObject *object)
{
  TekenSignDialog *self = TEKEN_SIGN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->preview_cancellable);
  g_cancellable_cancel (self->sign_cancellable);
  g_clear_object (&self->sign_cancellable);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  g_clear_handle_id (&self->focus_source, g_source_remove);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->preview_cancellable);
  g_clear_object (&self->document_file);
  g_clear_object (&self->image_file);
  g_clear_object (&self->output);
  g_clear_object (&self->signer);
  g_clear_object (&self->document);
  g_clear_pointer (&self->original, g_bytes_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_SIGN_DIALOG);

  G_OBJECT_CLASS (teken_sign_dialog_parent_class)->dispose (object);
}

static void
teken_sign_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TekenSignDialog *self = TEKEN_SIGN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_CAN_SIGN:
      g_value_set_boolean (value, self->can_sign);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_sign_dialog_class_init (TekenSignDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_sign_dialog_dispose;
  object_class->get_property = teken_sign_dialog_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_SIGN] =
    g_param_spec_boolean ("can-sign", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TekenSignDialog::signed:
   * @output: the signed document, a new file beside the original
   */
  signals[SIGNED] =
    g_signal_new ("signed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-sign-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, button_stack);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, continue_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, sign_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, picker);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, credential);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, plh_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, plt_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, position_row);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, location_row);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, qr_row);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, image_row);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, clear_image_button);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, preview_group);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, preview_spinner);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, preview_picture);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, preview_message);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, working_page);
  gtk_widget_class_bind_template_child (widget_class, TekenSignDialog, working_spinner);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, details_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, picker_changed_cb);

  gtk_widget_class_install_action (widget_class, "sign.open-certificate", NULL, open_certificate_activated);
  gtk_widget_class_install_action (widget_class, "sign.sign", NULL, sign_activated);
  gtk_widget_class_install_action (widget_class, "sign.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "sign.choose-image", NULL, choose_image_activated);
  gtk_widget_class_install_action (widget_class, "sign.clear-image", NULL, clear_image_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "sign.cancel", NULL);
}

static void
teken_sign_dialog_init (TekenSignDialog *self)
{
  g_type_ensure (TEKEN_TYPE_SIGNER_PICKER);
  g_type_ensure (TEKEN_TYPE_SIGNING_CREDENTIAL);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  show_page (self, "certificate");
  update_actions (self);
}

/**
 * teken_sign_dialog_new:
 * @document: the PDF to sign, a local file
 * @page: 0-based
 * @box: (nullable): the visible signature, in points on @page as shown;
 *   %NULL signs invisibly
 */
TekenSignDialog *
teken_sign_dialog_new (GtkWindow             *parent,
                       GFile                 *document,
                       guint                  page,
                       const graphene_rect_t *box)
{
  TekenSignDialog *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (G_IS_FILE (document), NULL);

  self = g_object_new (TEKEN_TYPE_SIGN_DIALOG,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       /* For app.my-certificate, which the picker opens. */
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  /* The application's CA client: a sign-in in My Certificate shows here. */
  if (parent != NULL && TEKEN_IS_APPLICATION (gtk_window_get_application (parent)))
    {
      g_autoptr(GError) error = NULL;
      TekenCaClient *client = teken_application_get_ca_client (TEKEN_APPLICATION (gtk_window_get_application (parent)),
                                                               &error);

      if (client == NULL)
        g_debug ("No CA client, certificate files only: %s", error->message);
      teken_signer_picker_set_client (self->picker, client);
    }
  self->document_file = g_object_ref (document);
  self->page = page;
  self->visible = box != NULL;
  if (box != NULL)
    self->box = *box;
  gtk_widget_set_visible (self->preview_group, self->visible);
  gtk_widget_set_visible (GTK_WIDGET (self->image_row), self->visible);
  gtk_widget_set_visible (GTK_WIDGET (self->qr_row), self->visible);

  task = g_task_new (NULL, self->cancellable, document_opened_cb, self);
  g_task_set_source_tag (task, teken_sign_dialog_new);
  g_task_set_task_data (task, g_object_ref (document), g_object_unref);
  g_task_run_in_thread (task, open_document_thread);

  return self;
}

/* Signs with the PKCS#12 file @certificate; its passphrase is typed on
 * the first page. */
void
teken_sign_dialog_set_certificate (TekenSignDialog *self,
                                   GFile           *certificate)
{
  g_return_if_fail (TEKEN_IS_SIGN_DIALOG (self));
  g_return_if_fail (G_IS_FILE (certificate));

  teken_signer_picker_set_file (self->picker, certificate);
}

/* The first page's picker, for tests. */
TekenSignerPicker *
teken_sign_dialog_get_picker (TekenSignDialog *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGN_DIALOG (self), NULL);

  return self->picker;
}

/* The signed document, once it is saved. */
GFile *
teken_sign_dialog_get_output (TekenSignDialog *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGN_DIALOG (self), NULL);

  return self->output;
}

/**
 * teken_sign_dialog_choose_output_path:
 *
 * Where the signed copy of @document goes: NAME_signed.pdf beside it, or
 * NAME_signed-2.pdf and so on when that exists; never an existing file
 * (teken_pdf_sign() refuses one anyway).
 *
 * Returns: (transfer full) (nullable): a path, or %NULL when @document is
 *   not a local file
 */
char *
teken_sign_dialog_choose_output_path (GFile *document)
{
  g_autofree char *path = g_file_get_path (document);
  g_autofree char *directory = NULL;
  g_autofree char *basename = NULL;
  char *dot;

  if (path == NULL)
    return NULL;

  directory = g_path_get_dirname (path);
  basename = g_path_get_basename (path);
  dot = strrchr (basename, '.');
  if (dot != NULL && g_ascii_strcasecmp (dot, ".pdf") == 0)
    *dot = '\0';

  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("%s_signed.pdf", basename)
                                     : g_strdup_printf ("%s_signed-%u.pdf", basename, n);
      g_autofree char *candidate = g_build_filename (directory, name, NULL);

      if (!g_file_test (candidate, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&candidate);
    }

  return NULL;
}
