/* teken-batch-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Signing several documents at once: who signs (the signer picker, as in
 * the sign dialog), then the documents (added with a chooser or dropped),
 * one placement rule and the details of the signature, the passphrase (or
 * an e-mailed signing code for as many documents) when the key is at the CA; then each document's progress and the total, and
 * at the end a summary: each signed copy with Open and Show in Folder,
 * each failure with its reason. A desktop notification says the batch is
 * done when the window is not the one in front.
 *
 * The work is TekenSignBatch's (src/api): one request to the CA for the
 * whole batch, a failure per document, nothing left behind on Cancel.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "teken-application.h"
#include "teken-batch-window.h"
#include "teken-remote-signer.h"
#include "teken-sign-dialog.h"
#include "teken-signing-credential.h"
#include "teken-window.h"

#define NOTIFICATION_ID "batch-signed"

struct _TekenBatchWindow
{
  AdwWindow          parent_instance;

  GPtrArray         *files;            /* GFile, in the order added */
  GFile             *image_file;
  TekenSigner       *signer;
  TekenSignBatch    *batch;
  GCancellable      *cancellable;      /* the window's: the picker */
  GCancellable      *sign_cancellable; /* the batch under way */
  GPtrArray         *progress_rows;    /* AdwActionRow per document of the batch */
  const char        *page;
  gboolean           busy;
  gboolean           can_sign;

  /* Template widgets */
  GtkWidget         *cancel_button;
  GtkStack          *button_stack;
  GtkLabel          *error_label;
  GtkStack          *stack;
  TekenSignerPicker *picker;
  AdwPreferencesGroup *documents_group;
  GtkListBox        *documents_list;
  AdwComboRow       *placement_row;
  AdwActionRow      *name_row;
  GtkToggleButton   *plh_button;
  GtkToggleButton   *plt_button;
  AdwEntryRow       *position_row;
  AdwEntryRow       *reason_row;
  AdwEntryRow       *location_row;
  AdwEntryRow       *qr_row;
  AdwActionRow      *image_row;
  GtkWidget         *clear_image_button;
  TekenSigningCredential *credential;
  AdwStatusPage     *working_page;
  GtkSpinner        *working_spinner;
  AdwPreferencesGroup *progress_group;
  GtkProgressBar    *progress_bar;
  GtkListBox        *progress_list;
  GtkImage          *summary_icon;
  GtkLabel          *summary_title;
  GtkLabel          *summary_description;
  GtkWidget         *signed_group;
  GtkListBox        *signed_list;
  GtkWidget         *failed_group;
  GtkListBox        *failed_list;
};

G_DEFINE_FINAL_TYPE (TekenBatchWindow, teken_batch_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_CAN_SIGN,
  PROP_PAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The placement row's items, in order. */
static const TekenPdfPlacement placements[] = {
  TEKEN_PDF_PLACEMENT_LAST_BOTTOM_RIGHT,
  TEKEN_PDF_PLACEMENT_LAST_BOTTOM_LEFT,
  TEKEN_PDF_PLACEMENT_FIRST_TOP_RIGHT,
  TEKEN_PDF_PLACEMENT_FIRST_BOTTOM_RIGHT,
  TEKEN_PDF_PLACEMENT_INVISIBLE,
};

static char *
dup_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  g_strstrip (text);
  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

static char *
dup_display_name (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  return path ? g_filename_display_basename (path) : g_file_get_uri (file);
}

static char *
dup_display_folder (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);

  return g_filename_display_name (folder);
}

static gboolean
is_remote (TekenBatchWindow *self)
{
  return TEKEN_IS_REMOTE_SIGNER (self->signer);
}

static void
set_busy (TekenBatchWindow *self,
          gboolean          busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (TekenBatchWindow *self,
            const char       *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void update_actions (TekenBatchWindow *self);

static void
show_page (TekenBatchWindow *self,
           const char       *name)
{
  gboolean working = g_str_equal (name, "working") || g_str_equal (name, "progress");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_stack_set_visible_child_name (self->button_stack, working ? "none" : name);
  gtk_spinner_set_spinning (self->working_spinner, g_str_equal (name, "working"));
  /* The summary has nothing to cancel: Done closes. */
  gtk_widget_set_visible (self->cancel_button, !g_str_equal (name, "summary"));
  set_busy (self, working);
  self->page = g_intern_string (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
  update_actions (self);
}

static void
update_actions (TekenBatchWindow *self)
{
  gboolean can_sign;
  gboolean summary = g_strcmp0 (self->page, "summary") == 0;

  /* Once asked, a batch stops as soon as it can; there is nothing more. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.cancel",
                                 self->sign_cancellable == NULL ||
                                 !g_cancellable_is_cancelled (self->sign_cancellable));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.continue",
                                 teken_signer_picker_get_ready (self->picker) && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.add-documents", !self->busy && !summary);
  can_sign = self->signer != NULL && self->files->len > 0 && !self->busy && !summary &&
             (!is_remote (self) || teken_signing_credential_get_ready (self->credential));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.sign", can_sign);
  if (self->can_sign != can_sign)
    {
      self->can_sign = can_sign;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SIGN]);
    }
}

/* The documents page. */

static GtkWidget *
create_document_row (GFile *file,
                     guint  index)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *folder = dup_display_folder (path);
  g_autofree char *label = g_strdup_printf (_("Remove “%s” from the List"), name);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("x-office-document-symbolic");
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "batch.remove-document");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "u", index);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  return row;
}

/* The rows only: the placeholder is a child too, and stays. */
static void
clear_list (GtkListBox *list)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

static void
update_documents (TekenBatchWindow *self)
{
  g_autofree char *description = NULL;

  clear_list (self->documents_list);
  for (guint i = 0; i < self->files->len; i++)
    gtk_list_box_append (self->documents_list, create_document_row (g_ptr_array_index (self->files, i), i));

  if (self->files->len > 0)
    description = g_strdup_printf (ngettext ("%u document, each signed into a copy beside it.",
                                                "%u documents, each signed into a copy beside it.",
                                                self->files->len),
                                   self->files->len);
  adw_preferences_group_set_description (self->documents_group, description);
  /* A signing code is asked for this many documents (docs/api.md §9.1). */
  teken_signing_credential_set_n_documents (self->credential, MAX (self->files->len, 1));
  update_actions (self);
}

static gboolean
is_pdf_name (const char *path)
{
  const char *dot = strrchr (path, '.');

  return dot != NULL && g_ascii_strcasecmp (dot, ".pdf") == 0;
}

static void
add_files (TekenBatchWindow  *self,
           GFile            **files,
           guint              n_files)
{
  g_autoptr(GString) refused = g_string_new (NULL);

  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);
      g_autofree char *name = dup_display_name (files[i]);
      gboolean known = FALSE;

      if (path == NULL)
        {
          g_string_append_printf (refused, _("“%s” is not on this computer. Save it to a folder first."), name);
          g_string_append_c (refused, '\n');
          continue;
        }
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_string_append_printf (refused, _("“%s” is a folder. Add the PDF documents inside it."), name);
          g_string_append_c (refused, '\n');
          continue;
        }
      if (!is_pdf_name (path))
        {
          g_string_append_printf (refused, _("“%s” is not a PDF document and was not added."), name);
          g_string_append_c (refused, '\n');
          continue;
        }

      for (guint j = 0; j < self->files->len && !known; j++)
        known = g_file_equal (files[i], g_ptr_array_index (self->files, j));
      if (!known)
        g_ptr_array_add (self->files, g_object_ref (files[i]));
    }

  if (refused->len > 0)
    g_string_truncate (refused, refused->len - 1);
  show_error (self, refused->len > 0 ? refused->str : NULL);
  update_documents (self);
}

static void
remove_document_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (self->busy || index >= self->files->len)
    return;

  g_ptr_array_remove_index (self->files, index);
  update_documents (self);
}

static void
documents_chosen_cb (GtkNativeDialog  *chooser,
                     int               response,
                     TekenBatchWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) chosen = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (chosen); i++)
        g_ptr_array_add (files, g_list_model_get_item (chosen, i));
      add_files (self, (GFile **) files->pdata, files->len);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
add_documents_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (widget);
  g_autoptr(GtkFileFilter) pdf = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Add Documents"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Add"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (pdf, _("PDF Documents"));
  gtk_file_filter_add_mime_type (pdf, "application/pdf");
  gtk_file_filter_add_suffix (pdf, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pdf);
  g_signal_connect (chooser, "response", G_CALLBACK (documents_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
files_dropped_cb (GtkDropTarget    *target,
                  const GValue     *value,
                  double            x,
                  double            y,
                  TekenBatchWindow *self)
{
  GSList *list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  if (self->busy || g_strcmp0 (self->page, "summary") == 0 || !G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  for (list = g_value_get_boxed (value); list != NULL; list = list->next)
    g_ptr_array_add (files, list->data);
  add_files (self, (GFile **) files->pdata, files->len);

  return TRUE;
}

static void
image_chosen_cb (GtkNativeDialog  *chooser,
                 int               response,
                 TekenBatchWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *name = g_file_get_basename (file);

      g_set_object (&self->image_file, file);
      adw_action_row_set_subtitle (self->image_row, name);
      gtk_widget_set_visible (self->clear_image_button, TRUE);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_image_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose an Image"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Images (PNG, JPEG)"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (image_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
clear_image_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (widget);

  g_clear_object (&self->image_file);
  adw_action_row_set_subtitle (self->image_row, _("None chosen"));
  gtk_widget_set_visible (self->clear_image_button, FALSE);
}

static TekenPdfPlacement
get_placement (TekenBatchWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->placement_row);

  return selected < G_N_ELEMENTS (placements) ? placements[selected] : TEKEN_PDF_PLACEMENT_INVISIBLE;
}

static void
placement_changed_cb (TekenBatchWindow *self)
{
  gboolean visible = get_placement (self) != TEKEN_PDF_PLACEMENT_INVISIBLE;

  /* An invisible signature has no picture to put them in. */
  gtk_widget_set_visible (GTK_WIDGET (self->qr_row), visible);
  gtk_widget_set_visible (GTK_WIDGET (self->image_row), visible);
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
  TekenBatchWindow *self;

  signer = teken_signer_picker_create_signer_finish (TEKEN_SIGNER_PICKER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (signer == NULL)
    {
      g_autofree char *message = teken_signer_picker_describe_error (error, NULL);

      show_page (self, "signer");
      show_error (self, message);
      return;
    }

  holder = teken_signer_dup_holder_name (signer);
  if (holder == NULL)
    {
      show_page (self, "signer");
      show_error (self, _("This certificate has no holder name. Use the certificate BSrE issued to you."));
      return;
    }

  g_set_object (&self->signer, signer);
  adw_action_row_set_subtitle (self->name_row, holder);
  teken_signer_picker_set_up_credential (self->picker, self->credential);
  teken_signing_credential_set_n_documents (self->credential, MAX (self->files->len, 1));
  gtk_widget_set_visible (GTK_WIDGET (self->credential), is_remote (self));
  show_error (self, NULL);
  show_page (self, "details");
}

static void
continue_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (widget);

  if (!teken_signer_picker_get_ready (self->picker) || self->busy)
    return;

  adw_status_page_set_title (self->working_page, _("Opening the Certificate…"));
  show_error (self, NULL);
  show_page (self, "working");
  teken_signer_picker_create_signer_async (self->picker, self->cancellable, signer_created_cb, self);
}

static void
picker_changed_cb (TekenBatchWindow *self)
{
  update_actions (self);
}

static void
credential_changed_cb (TekenBatchWindow *self)
{
  update_actions (self);
}

static void
credential_activated_cb (TekenBatchWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "batch.sign", NULL);
}

/* Step 2: signing, with progress. */

static const char *
describe_state (TekenSignBatchState state,
                gboolean            remote)
{
  switch (state)
    {
    case TEKEN_SIGN_BATCH_WAITING:
      return _("Waiting");
    case TEKEN_SIGN_BATCH_PREPARING:
      return _("Preparing…");
    case TEKEN_SIGN_BATCH_PREPARED:
      return _("Ready, waiting for the signature");
    case TEKEN_SIGN_BATCH_SIGNING:
      return remote ? _("Being signed at the CA…") : _("Signing…");
    case TEKEN_SIGN_BATCH_SAVING:
      return _("Checking and saving…");
    case TEKEN_SIGN_BATCH_SIGNED:
      return _("Signed");
    case TEKEN_SIGN_BATCH_FAILED:
    default:
      return _("Not signed");
    }
}

static GtkWidget *
create_progress_row (TekenBatchWindow *self,
                     guint             index)
{
  const char *input = teken_sign_batch_get_input (self->batch, index);
  g_autofree char *name = g_filename_display_basename (input);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *icon = gtk_image_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), describe_state (TEKEN_SIGN_BATCH_WAITING, FALSE));
  gtk_widget_set_visible (spinner, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  g_object_set_data (G_OBJECT (row), "spinner", spinner);
  g_object_set_data (G_OBJECT (row), "icon", icon);

  return row;
}

static void
update_progress_row (TekenBatchWindow *self,
                     guint             index)
{
  AdwActionRow *row = g_ptr_array_index (self->progress_rows, index);
  TekenSignBatchState state = teken_sign_batch_get_state (self->batch, index);
  GtkWidget *spinner = g_object_get_data (G_OBJECT (row), "spinner");
  GtkImage *icon = g_object_get_data (G_OBJECT (row), "icon");
  const GError *error = teken_sign_batch_get_error (self->batch, index);
  gboolean active = state > TEKEN_SIGN_BATCH_WAITING && state < TEKEN_SIGN_BATCH_SIGNED;

  adw_action_row_set_subtitle (row, state == TEKEN_SIGN_BATCH_FAILED && error != NULL
                                    ? error->message : describe_state (state, is_remote (self)));
  gtk_widget_set_visible (spinner, active);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), active);
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "error");
  if (state == TEKEN_SIGN_BATCH_SIGNED)
    {
      gtk_image_set_from_icon_name (icon, "emblem-ok-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "success");
    }
  else if (state == TEKEN_SIGN_BATCH_FAILED)
    {
      gtk_image_set_from_icon_name (icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "error");
    }
  else
    gtk_image_clear (icon);
}

static void
batch_item_changed_cb (TekenSignBatch   *batch,
                       guint             index,
                       TekenBatchWindow *self)
{
  if (batch == self->batch)
    update_progress_row (self, index);
}

static void
batch_fraction_changed_cb (TekenSignBatch   *batch,
                           GParamSpec       *pspec,
                           TekenBatchWindow *self)
{
  guint n = teken_sign_batch_get_n_items (batch);
  guint done = teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_SIGNED) +
               teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_FAILED);
  g_autofree char *text = NULL;

  if (batch != self->batch)
    return;

  /* Translators: the progress of a batch, e.g. "2 of 5 documents done" */
  text = g_strdup_printf (ngettext ("%u of %u document done", "%u of %u documents done", n), done, n);
  gtk_progress_bar_set_fraction (self->progress_bar, teken_sign_batch_get_fraction (batch));
  gtk_progress_bar_set_text (self->progress_bar, text);
}

/* Step 3: the summary. */

static GtkWidget *
create_output_row (TekenBatchWindow *self,
                   guint             index)
{
  const char *output = teken_sign_batch_get_output (self->batch, index);
  g_autofree char *name = g_filename_display_basename (output);
  g_autofree char *folder = dup_display_folder (output);
  g_autofree char *open_label = g_strdup_printf (_("Open “%s”"), name);
  g_autofree char *show_label = g_strdup_printf (_("Show “%s” in Its Folder"), name);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
  GtkWidget *open = gtk_button_new_with_mnemonic (_("_Open"));
  GtkWidget *show = gtk_button_new_from_icon_name ("folder-open-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_widget_add_css_class (icon, "success");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (open, open_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (open), GTK_ACCESSIBLE_PROPERTY_LABEL, open_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "batch.open-output");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (open), "u", index);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);

  gtk_widget_set_valign (show, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (show, "flat");
  gtk_widget_set_tooltip_text (show, show_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (show), GTK_ACCESSIBLE_PROPERTY_LABEL, show_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (show), "batch.show-output");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (show), "u", index);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), show);

  return row;
}

static GtkWidget *
create_failure_row (TekenBatchWindow *self,
                    guint             index)
{
  g_autofree char *name = g_filename_display_basename (teken_sign_batch_get_input (self->batch, index));
  const GError *error = teken_sign_batch_get_error (self->batch, index);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error ? error->message : _("Not signed"));
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  gtk_widget_add_css_class (icon, "error");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  return row;
}

static void
notify_done (TekenBatchWindow *self,
             guint             n_signed,
             guint             n_failed)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;

  /* The summary says it in the window; the desktop only when the holder
   * looks elsewhere. */
  if (application == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;

  if (n_failed == 0)
    body = g_strdup_printf (ngettext ("%u document was signed.", "%u documents were signed.", n_signed),
                            n_signed);
  else
    body = g_strdup_printf (ngettext ("%u of %u document was signed. See which were not, and why.",
                                         "%u of %u documents were signed. See which were not, and why.",
                                         n_signed + n_failed),
                            n_signed, n_signed + n_failed);

  notification = g_notification_new (_("Batch Signing Done"));
  g_notification_set_body (notification, body);
  g_application_send_notification (application, NOTIFICATION_ID, notification);
}

static void
show_summary (TekenBatchWindow *self)
{
  guint n = teken_sign_batch_get_n_items (self->batch);
  guint n_signed = teken_sign_batch_count (self->batch, TEKEN_SIGN_BATCH_SIGNED);
  guint n_failed = n - n_signed;
  g_autofree char *title = NULL;

  clear_list (self->signed_list);
  clear_list (self->failed_list);
  for (guint i = 0; i < n; i++)
    {
      if (teken_sign_batch_get_state (self->batch, i) == TEKEN_SIGN_BATCH_SIGNED)
        gtk_list_box_append (self->signed_list, create_output_row (self, i));
      else
        gtk_list_box_append (self->failed_list, create_failure_row (self, i));
    }
  gtk_widget_set_visible (self->signed_group, n_signed > 0);
  gtk_widget_set_visible (self->failed_group, n_failed > 0);

  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_icon), "error");
  if (n_failed == 0)
    {
      title = g_strdup_printf (ngettext ("%u Document Signed", "%u Documents Signed", n_signed), n_signed);
      gtk_image_set_from_icon_name (self->summary_icon, "emblem-ok-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_icon), "success");
      gtk_label_set_text (self->summary_description,
                          _("Each signed copy is saved beside its original, which is unchanged."));
    }
  else
    {
      /* Translators: a batch's result, e.g. "3 of 4 Documents Signed" */
      title = g_strdup_printf (ngettext ("%u of %u Document Signed", "%u of %u Documents Signed", n),
                               n_signed, n);
      gtk_image_set_from_icon_name (self->summary_icon, n_signed > 0 ? "dialog-warning-symbolic" : "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_icon), n_signed > 0 ? "warning" : "error");
      gtk_label_set_text (self->summary_description,
                          _("The documents not signed say why; their originals are unchanged. Fix what is said and sign them again."));
    }
  gtk_label_set_text (self->summary_title, title);

  show_error (self, NULL);
  show_page (self, "summary");
  notify_done (self, n_signed, n_failed);
}

static void
batch_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TekenBatchWindow) self = user_data;
  TekenSignBatch *batch = TEKEN_SIGN_BATCH (source);
  g_autoptr(GError) error = NULL;
  gboolean open_account = FALSE;
  g_autofree char *message = NULL;

  teken_sign_batch_run_finish (batch, result, &error);
  if (TEKEN_IS_REMOTE_SIGNER (self->signer))
    teken_remote_signer_set_credential (TEKEN_REMOTE_SIGNER (self->signer), TEKEN_REMOTE_SIGNER_PASSPHRASE, NULL);

  /* The window went meanwhile. */
  if (batch != self->batch || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  g_clear_object (&self->sign_cancellable);

  /* Something saved, even when cancelled: the summary tells what. */
  if (teken_sign_batch_count (batch, TEKEN_SIGN_BATCH_SIGNED) > 0 ||
      (error == NULL && teken_sign_batch_get_n_items (batch) > 0))
    {
      show_summary (self);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      show_page (self, "details");
      show_error (self, _("Signing was cancelled. Nothing was saved; the documents are as they were."));
      return;
    }

  /* The signer refused, so nothing was signed: say why, and where to go. */
  message = teken_signer_picker_describe_error (error, &open_account);
  if (open_account)
    {
      g_clear_object (&self->signer);
      teken_signer_picker_reload (self->picker);
      show_page (self, "signer");
    }
  else
    {
      show_page (self, "details");
      if (is_remote (self))
        teken_signing_credential_focus (self->credential);
    }
  show_error (self, message);
}

static void
sign_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (widget);
  g_autoptr(GHashTable) outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *position = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *location = NULL;
  g_autofree char *qr_text = NULL;
  g_autofree char *title = NULL;
  TekenPdfSignOptions details = { 0 };
  TekenPdfPlacement placement = get_placement (self);

  if (!self->can_sign)
    return;

  g_clear_object (&self->batch);
  self->batch = teken_sign_batch_new (self->signer);
  for (guint i = 0; i < self->files->len; i++)
    {
      GFile *file = g_ptr_array_index (self->files, i);
      g_autofree char *input = g_file_get_path (file);
      g_autofree char *output = teken_sign_dialog_choose_output_path (file);

      /* Two originals that would get the same copy's name (a.pdf and
       * a.PDF): the second gets one of its own. */
      if (output != NULL && g_hash_table_contains (outputs, output))
        g_clear_pointer (&output, g_free);
      if (output == NULL)
        output = g_strconcat (input, ".signed.pdf", NULL);
      g_hash_table_add (outputs, g_strdup (output));
      teken_sign_batch_add (self->batch, input, output);
    }

  position = dup_text (self->position_row);
  reason = dup_text (self->reason_row);
  location = dup_text (self->location_row);
  qr_text = placement != TEKEN_PDF_PLACEMENT_INVISIBLE ? dup_text (self->qr_row) : NULL;
  details.role = gtk_toggle_button_get_active (self->plh_button) ? TEKEN_ACTING_ROLE_PLH
               : gtk_toggle_button_get_active (self->plt_button) ? TEKEN_ACTING_ROLE_PLT
               : TEKEN_ACTING_ROLE_NONE;
  details.position = position;
  details.reason = reason;
  details.location = location;
  details.qr_text = qr_text;
  details.subfilter = TEKEN_PDF_SUBFILTER_CADES;
  teken_sign_batch_set_details (self->batch, &details);
  teken_sign_batch_set_placement (self->batch, placement);
  if (self->image_file != NULL && placement != TEKEN_PDF_PLACEMENT_INVISIBLE)
    {
      g_autofree char *image = g_file_get_path (self->image_file);

      teken_sign_batch_set_image_file (self->batch, image);
    }

  if (is_remote (self))
    {
      TekenRemoteSignerCredential kind;
      g_autoptr(TekenSecret) secret = NULL;

      /* A code is good for one request, and a request takes at most
       * TEKEN_CA_MAX_DIGESTS documents. */
      secret = teken_signing_credential_take (self->credential, &kind);
      if (kind == TEKEN_REMOTE_SIGNER_OTP && self->files->len > TEKEN_CA_MAX_DIGESTS)
        {
          g_autofree char *message = g_strdup_printf (_("A signing code is good for at most %u documents. Sign with your passphrase, or sign these in groups of %u."),
                                                      TEKEN_CA_MAX_DIGESTS, TEKEN_CA_MAX_DIGESTS);

          g_clear_object (&self->batch);
          show_error (self, message);
          return;
        }
      teken_remote_signer_set_credential (TEKEN_REMOTE_SIGNER (self->signer), kind, secret);
    }

  clear_list (self->progress_list);
  g_clear_pointer (&self->progress_rows, g_ptr_array_unref);
  self->progress_rows = g_ptr_array_new ();
  for (guint i = 0; i < self->files->len; i++)
    {
      GtkWidget *row = create_progress_row (self, i);

      g_ptr_array_add (self->progress_rows, row);
      gtk_list_box_append (self->progress_list, row);
    }
  title = g_strdup_printf (ngettext ("Signing %u Document", "Signing %u Documents", self->files->len),
                           self->files->len);
  adw_preferences_group_set_title (self->progress_group, title);
  adw_preferences_group_set_description (self->progress_group,
                                         is_remote (self) ? _("All documents go to the CA in one request, with one passphrase check.")
                                                          : NULL);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  batch_fraction_changed_cb (self->batch, NULL, self);

  g_signal_connect_object (self->batch, "item-changed", G_CALLBACK (batch_item_changed_cb), self, 0);
  g_signal_connect_object (self->batch, "notify::fraction", G_CALLBACK (batch_fraction_changed_cb), self, 0);

  show_error (self, NULL);
  g_clear_object (&self->sign_cancellable);
  self->sign_cancellable = g_cancellable_new ();
  show_page (self, "progress");
  teken_sign_batch_run_async (self->batch, self->sign_cancellable, batch_done_cb, g_object_ref (self));
}

/* Cancel stops a batch under way and stays; otherwise it closes. */
static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (widget);

  if (self->sign_cancellable == NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  g_cancellable_cancel (self->sign_cancellable);
  adw_preferences_group_set_title (self->progress_group, _("Cancelling…"));
  update_actions (self);
}

static TekenWindow *
get_document_window (TekenBatchWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (application == NULL)
    return NULL;

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (TEKEN_IS_WINDOW (l->data))
      return l->data;

  return TEKEN_IS_APPLICATION (application) ? teken_window_new (TEKEN_APPLICATION (application)) : NULL;
}

/* In Teken, where the signed copy shows verified. */
static void
open_output_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (widget);
  guint index = g_variant_get_uint32 (parameter);
  g_autoptr(GFile) file = NULL;
  TekenWindow *window;

  if (self->batch == NULL || index >= teken_sign_batch_get_n_items (self->batch))
    return;

  file = g_file_new_for_path (teken_sign_batch_get_output (self->batch, index));
  window = get_document_window (self);
  if (window == NULL)
    return;
  teken_window_open_files (window, &file, 1);
  gtk_window_present (GTK_WINDOW (window));
}

typedef struct
{
  TekenBatchWindow *self;
  char             *folder_uri;
} ShowFolder;

static void
show_folder_free (ShowFolder *show)
{
  g_object_unref (show->self);
  g_free (show->folder_uri);
  g_free (show);
}

static void
folder_shown_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ShowFolder *show = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      /* No file manager with that interface: the folder, opened as any. */
      g_debug ("FileManager1.ShowItems: %s", error->message);
      gtk_show_uri (GTK_WINDOW (show->self), show->folder_uri, GDK_CURRENT_TIME);
    }

  show_folder_free (show);
}

/* The file manager, with the signed copy selected. */
static void
show_output_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (widget);
  guint index = g_variant_get_uint32 (parameter);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *uri = NULL;
  GDBusConnection *bus = application ? g_application_get_dbus_connection (G_APPLICATION (application)) : NULL;
  const char *uris[2] = { NULL, NULL };
  ShowFolder *show;

  if (self->batch == NULL || index >= teken_sign_batch_get_n_items (self->batch))
    return;

  file = g_file_new_for_path (teken_sign_batch_get_output (self->batch, index));
  folder = g_file_get_parent (file);
  uri = g_file_get_uri (file);
  uris[0] = uri;

  show = g_new0 (ShowFolder, 1);
  show->self = g_object_ref (self);
  show->folder_uri = g_file_get_uri (folder);
  if (bus == NULL)
    {
      gtk_show_uri (GTK_WINDOW (self), show->folder_uri, GDK_CURRENT_TIME);
      show_folder_free (show);
      return;
    }

  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""), NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, folder_shown_cb, show);
}

static void
active_changed_cb (TekenBatchWindow *self)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  /* Back at the window: the notification has said its piece. */
  if (application != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    g_application_withdraw_notification (application, NOTIFICATION_ID);
}

static void
teken_batch_window_dispose (GObject *object)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->sign_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sign_cancellable);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_pointer (&self->progress_rows, g_ptr_array_unref);
  g_clear_object (&self->image_file);
  g_clear_object (&self->signer);
  g_clear_object (&self->batch);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_BATCH_WINDOW);

  G_OBJECT_CLASS (teken_batch_window_parent_class)->dispose (object);
}

static void
teken_batch_window_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TekenBatchWindow *self = TEKEN_BATCH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_CAN_SIGN:
      g_value_set_boolean (value, self->can_sign);
      break;
    case PROP_PAGE:
      g_value_set_string (value, self->page);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_batch_window_class_init (TekenBatchWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_batch_window_dispose;
  object_class->get_property = teken_batch_window_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_SIGN] =
    g_param_spec_boolean ("can-sign", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * TekenBatchWindow:page:
   *
   * The step shown: "signer", "working", "details", "progress" or
   * "summary".
   */
  properties[PROP_PAGE] =
    g_param_spec_string ("page", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TEKEN_TYPE_SIGNER_PICKER);
  g_type_ensure (TEKEN_TYPE_SIGNING_CREDENTIAL);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-batch-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, button_stack);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, picker);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, documents_group);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, documents_list);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, placement_row);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, plh_button);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, plt_button);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, position_row);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, reason_row);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, location_row);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, qr_row);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, image_row);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, clear_image_button);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, credential);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, working_page);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, working_spinner);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, progress_group);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, progress_list);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, summary_icon);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, summary_title);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, summary_description);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, signed_group);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, signed_list);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, failed_group);
  gtk_widget_class_bind_template_child (widget_class, TekenBatchWindow, failed_list);
  gtk_widget_class_bind_template_callback (widget_class, picker_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, placement_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, credential_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, credential_activated_cb);

  gtk_widget_class_install_action (widget_class, "batch.continue", NULL, continue_activated);
  gtk_widget_class_install_action (widget_class, "batch.sign", NULL, sign_activated);
  gtk_widget_class_install_action (widget_class, "batch.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "batch.add-documents", NULL, add_documents_activated);
  gtk_widget_class_install_action (widget_class, "batch.remove-document", "u", remove_document_activated);
  gtk_widget_class_install_action (widget_class, "batch.choose-image", NULL, choose_image_activated);
  gtk_widget_class_install_action (widget_class, "batch.clear-image", NULL, clear_image_activated);
  gtk_widget_class_install_action (widget_class, "batch.open-output", "u", open_output_activated);
  gtk_widget_class_install_action (widget_class, "batch.show-output", "u", show_output_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "batch.cancel", NULL);
}

static void
teken_batch_window_init (TekenBatchWindow *self)
{
  GtkDropTarget *drop;
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->files = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();

  placeholder = gtk_label_new (_("No documents yet. Add PDF documents, or drop them here."));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (self->documents_list, placeholder);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (files_dropped_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect (self, "notify::is-active", G_CALLBACK (active_changed_cb), NULL);

  placement_changed_cb (self);
  show_page (self, "signer");
  update_documents (self);
}

/**
 * teken_batch_window_new:
 * @application: (nullable): the application; its CA client lets the holder
 *   sign with the BSrE certificate at the CA
 * @parent: (nullable): the window it belongs to
 */
TekenBatchWindow *
teken_batch_window_new (GtkApplication *application,
                        GtkWindow      *parent)
{
  TekenBatchWindow *self;

  self = g_object_new (TEKEN_TYPE_BATCH_WINDOW,
                       "application", application,
                       "transient-for", parent,
                       NULL);

  if (TEKEN_IS_APPLICATION (application))
    {
      g_autoptr(GError) error = NULL;
      TekenCaClient *client = teken_application_get_ca_client (TEKEN_APPLICATION (application), &error);

      if (client == NULL)
        g_debug ("No CA client, certificate files only: %s", error->message);
      teken_signer_picker_set_client (self->picker, client);
    }

  return self;
}

/* Adds PDF documents to sign; others, and those already there, are not. */
void
teken_batch_window_add_files (TekenBatchWindow  *self,
                              GFile            **files,
                              guint              n_files)
{
  g_return_if_fail (TEKEN_IS_BATCH_WINDOW (self));
  g_return_if_fail (files != NULL || n_files == 0);

  if (self->busy)
    return;
  add_files (self, files, n_files);
}

guint
teken_batch_window_get_n_files (TekenBatchWindow *self)
{
  g_return_val_if_fail (TEKEN_IS_BATCH_WINDOW (self), 0);

  return self->files->len;
}

/* The step shown; see TekenBatchWindow:page. */
const char *
teken_batch_window_get_page (TekenBatchWindow *self)
{
  g_return_val_if_fail (TEKEN_IS_BATCH_WINDOW (self), NULL);

  return self->page;
}

/* The first page's picker, for tests. */
TekenSignerPicker *
teken_batch_window_get_picker (TekenBatchWindow *self)
{
  g_return_val_if_fail (TEKEN_IS_BATCH_WINDOW (self), NULL);

  return self->picker;
}

/* The batch signed last, or %NULL; for tests. */
TekenSignBatch *
teken_batch_window_get_batch (TekenBatchWindow *self)
{
  g_return_val_if_fail (TEKEN_IS_BATCH_WINDOW (self), NULL);

  return self->batch;
}
