/* teken-sign-batch.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Signing many documents with one placement rule and one passphrase check.
 *
 * Three phases, so that the CA sees one request however many documents
 * there are (docs/api.md §9.2: up to TEKEN_CA_MAX_DIGESTS digests a
 * request, one passphrase check for all):
 *
 *  1. on a worker thread, each document is read, the rule placed on its own
 *     pages, and teken_pdf_sign_prepare() writes it beside its output and
 *     hashes it;
 *  2. on the caller's thread, all the digests go to the signer: a
 *     TekenRemoteSigner gets them in one sign_digests request (one per
 *     TEKEN_CA_MAX_DIGESTS), any other signer (a PKCS#12 file) one by one;
 *  3. on a worker thread, each signature is completed: checked, written,
 *     verified, linked beside the original.
 *
 * A document that fails (damaged, its output exists, its folder cannot be
 * written) fails alone, with its sentence; the others go on. A failed
 * signing request fails every document it carried, and none is saved, and
 * further requests are not sent: a wrong passphrase must not be counted
 * twice. Cancelling abandons every prepared document, so no temporary file
 * and no partial output is left.
 *
 * Each document's state and the total progress change only on the
 * caller's thread (the thread-default main context of run_async), where
 * the workers post them; the "item-changed" signal and "fraction" notify
 * say so.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "teken-ca-client.h"
#include "teken-remote-signer.h"
#include "teken-sign-batch.h"

typedef struct
{
  char                       *input;
  char                       *output;
  /* The caller's thread only. */
  TekenSignBatchState         state;
  GError                     *error;
  /* Whichever phase runs, one at a time. */
  TekenPdfPreparedSignature  *prepared;
  GBytes                     *cms;
  TekenSignBatchState         result_state;
  GError                     *result_error;
} Item;

struct _TekenSignBatch
{
  GObject             parent_instance;

  TekenSigner        *signer;
  GPtrArray          *items;
  TekenPdfPlacement   placement;
  TekenActingRole     role;
  char               *position;
  char               *reason;
  char               *location;
  char               *contact_info;
  char               *qr_text;
  TekenPdfSubFilter   subfilter;
  GDateTime          *signing_time;
  char               *image_path;

  GMainContext       *context;
  gboolean            started;
  GArray             *pending;      /* indices of prepared items, in order */
  guint               next;         /* the first of @pending not sent yet */
  GArray             *in_flight;    /* indices at the signer now */
  GError             *signer_error;
  guint               n_requests;
  double              fraction;
};

G_DEFINE_FINAL_TYPE (TekenSignBatch, teken_sign_batch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FRACTION,
  N_PROPS
};

enum {
  ITEM_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* How far along each state is, for the total. */
static const double state_weights[] = {
  [TEKEN_SIGN_BATCH_WAITING] = 0.0,
  [TEKEN_SIGN_BATCH_PREPARING] = 0.1,
  [TEKEN_SIGN_BATCH_PREPARED] = 0.4,
  [TEKEN_SIGN_BATCH_SIGNING] = 0.5,
  [TEKEN_SIGN_BATCH_SAVING] = 0.8,
  [TEKEN_SIGN_BATCH_SIGNED] = 1.0,
  [TEKEN_SIGN_BATCH_FAILED] = 1.0,
};

typedef struct
{
  TekenSignBatch      *self;
  guint                index;
  TekenSignBatchState  state;
  GError              *error;
} Update;

static void
item_free (Item *item)
{
  g_free (item->input);
  g_free (item->output);
  g_clear_error (&item->error);
  g_clear_pointer (&item->prepared, teken_pdf_prepared_signature_free);
  g_clear_pointer (&item->cms, g_bytes_unref);
  g_clear_error (&item->result_error);
  g_free (item);
}

static void
update_free (Update *update)
{
  g_object_unref (update->self);
  g_clear_error (&update->error);
  g_free (update);
}

/* g_set_str() is GLib 2.76. */
static void
set_string (char       **field,
            const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

static Item *
get_item (TekenSignBatch *self,
          guint           index)
{
  return g_ptr_array_index (self->items, index);
}

static GError *
new_cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              _("Signing was cancelled. Nothing was saved for this document."));
}

static void
update_fraction (TekenSignBatch *self)
{
  double total = 0;
  double fraction;

  for (guint i = 0; i < self->items->len; i++)
    total += state_weights[get_item (self, i)->state];
  fraction = self->items->len > 0 ? total / self->items->len : 0;

  if (fraction != self->fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
}

/* The caller's thread. States only move forward, so an update from a worker
 * that arrives after the phase's own account changes nothing. */
static void
set_state (TekenSignBatch      *self,
           guint                index,
           TekenSignBatchState  state,
           const GError        *error)
{
  Item *item = get_item (self, index);

  if (state <= item->state)
    return;

  item->state = state;
  if (error != NULL)
    {
      g_clear_error (&item->error);
      item->error = g_error_copy (error);
    }

  g_signal_emit (self, signals[ITEM_CHANGED], 0, index);
  update_fraction (self);
}

static gboolean
apply_update_cb (gpointer data)
{
  Update *update = data;

  set_state (update->self, update->index, update->state, update->error);

  return G_SOURCE_REMOVE;
}

/* From a worker: shown as soon as the caller's thread gets to it. */
static void
post_state (TekenSignBatch      *self,
            guint                index,
            TekenSignBatchState  state,
            const GError        *error)
{
  Update *update = g_new0 (Update, 1);

  update->self = g_object_ref (self);
  update->index = index;
  update->state = state;
  update->error = error ? g_error_copy (error) : NULL;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, apply_update_cb, update,
                              (GDestroyNotify) update_free);
}

/* From a worker: the item's outcome in this phase, kept with the item and
 * applied again when the phase ends. */
static void
finish_item (TekenSignBatch      *self,
             guint                index,
             TekenSignBatchState  state,
             GError              *error)
{
  Item *item = get_item (self, index);

  item->result_state = state;
  g_clear_error (&item->result_error);
  item->result_error = error;
  post_state (self, index, state, error);
}

static void
apply_results (TekenSignBatch *self)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = get_item (self, i);

      set_state (self, i, item->result_state, item->result_error);
    }
}

/* The caller's thread: @index fails, its prepared file removed. */
static void
fail_item (TekenSignBatch *self,
           guint           index,
           const GError   *error)
{
  Item *item = get_item (self, index);

  g_clear_pointer (&item->prepared, teken_pdf_prepared_signature_free);
  g_clear_pointer (&item->cms, g_bytes_unref);
  item->result_state = TEKEN_SIGN_BATCH_FAILED;
  g_clear_error (&item->result_error);
  item->result_error = g_error_copy (error);
  set_state (self, index, TEKEN_SIGN_BATCH_FAILED, error);
}

/* Every document not done yet stops here. */
static void
fail_unfinished (TekenSignBatch *self,
                 const GError   *error)
{
  for (guint i = 0; i < self->items->len; i++)
    if (get_item (self, i)->state < TEKEN_SIGN_BATCH_SIGNED)
      fail_item (self, i, error);
}

static void
return_from_run (TekenSignBatch *self,
                 GTask          *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->in_flight, g_array_unref);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_autoptr(GError) cancelled = new_cancelled_error ();

      fail_unfinished (self, cancelled);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Signing was cancelled."));
    }
  /* Nothing could be signed at all: the signer's reason (a wrong
   * passphrase, with the tries left) is the batch's. */
  else if (self->signer_error != NULL && teken_sign_batch_count (self, TEKEN_SIGN_BATCH_SIGNED) == 0)
    g_task_return_error (task, g_error_copy (self->signer_error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Phase 1: prepare every document, on a worker thread. */

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TekenSignBatch *self = source_object;
  g_autoptr(TekenImage) image = NULL;
  g_autoptr(GDateTime) now = NULL;
  GError *error = NULL;

  if (self->image_path != NULL && self->placement != TEKEN_PDF_PLACEMENT_INVISIBLE &&
      !(image = teken_image_new_from_file (self->image_path, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  /* One signing time for the whole batch. */
  now = self->signing_time ? g_date_time_ref (self->signing_time) : g_date_time_new_now_local ();

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = get_item (self, i);
      g_autoptr(TekenPdfDocument) document = NULL;
      TekenPdfSignOptions options = { 0 };

      if (g_cancellable_is_cancelled (cancellable))
        break;

      post_state (self, i, TEKEN_SIGN_BATCH_PREPARING, NULL);

      options.role = self->role;
      options.position = self->position;
      options.reason = self->reason;
      options.location = self->location;
      options.contact_info = self->contact_info;
      options.qr_text = self->qr_text;
      options.image = image;
      options.subfilter = self->subfilter;
      options.signing_time = now;

      if ((document = teken_pdf_document_new_for_path (item->input, &error)) &&
          teken_pdf_sign_options_place (&options, document, self->placement, &error) &&
          (item->prepared = teken_pdf_sign_prepare (document, item->output, &options, self->signer,
                                                    cancellable, &error)))
        finish_item (self, i, TEKEN_SIGN_BATCH_PREPARED, NULL);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_clear_error (&error);
      else
        finish_item (self, i, TEKEN_SIGN_BATCH_FAILED, g_steal_pointer (&error));
    }

  g_task_return_boolean (task, TRUE);
}

/* Phase 3: complete every signed document, on a worker thread. */

static void
complete_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TekenSignBatch *self = source_object;

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = get_item (self, i);
      g_autoptr(TekenPdfPreparedSignature) prepared = g_steal_pointer (&item->prepared);
      g_autoptr(GBytes) cms = g_steal_pointer (&item->cms);
      GError *error = NULL;

      if (prepared == NULL || cms == NULL)
        continue;

      if (g_cancellable_is_cancelled (cancellable))
        {
          finish_item (self, i, TEKEN_SIGN_BATCH_FAILED, new_cancelled_error ());
          continue;
        }

      post_state (self, i, TEKEN_SIGN_BATCH_SAVING, NULL);
      if (teken_pdf_sign_complete (prepared, cms, cancellable, &error))
        finish_item (self, i, TEKEN_SIGN_BATCH_SIGNED, NULL);
      else
        finish_item (self, i, TEKEN_SIGN_BATCH_FAILED, error);
    }

  g_task_return_boolean (task, TRUE);
}

static void
completed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TekenSignBatch *self = TEKEN_SIGN_BATCH (source);
  g_autoptr(GTask) task = user_data;

  g_task_propagate_boolean (G_TASK (result), NULL);
  apply_results (self);
  return_from_run (self, task);
}

static void
start_completing (TekenSignBatch *self,
                  GTask          *task)
{
  g_autoptr(GTask) complete = g_task_new (self, g_task_get_cancellable (task), completed_cb, g_object_ref (task));

  g_task_set_source_tag (complete, start_completing);
  g_task_set_check_cancellable (complete, FALSE);
  g_task_run_in_thread (complete, complete_thread);
}

/* Phase 2: the digests to the signer, on the caller's thread. */

static void sign_next (TekenSignBatch *self,
                       GTask          *task);

/* The request failed: its documents, and those not sent yet, are not
 * signed; the request is not repeated (docs/api.md §2.7). */
static void
signing_failed (TekenSignBatch *self,
                GTask          *task,
                GError         *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      error = new_cancelled_error ();
    }
  g_clear_error (&self->signer_error);
  self->signer_error = error;

  for (guint i = 0; i < self->in_flight->len; i++)
    fail_item (self, g_array_index (self->in_flight, guint, i), error);
  for (guint i = self->next; i < self->pending->len; i++)
    fail_item (self, g_array_index (self->pending, guint, i), error);
  g_array_set_size (self->in_flight, 0);
  self->next = self->pending->len;

  start_completing (self, task);
}

static void
digests_signed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TekenSignBatch *self = g_task_get_source_object (task);
  g_autoptr(GHashTable) signatures = NULL;
  GError *error = NULL;

  signatures = teken_remote_signer_sign_digests_finish (TEKEN_REMOTE_SIGNER (source), result, NULL, &error);
  if (signatures == NULL)
    {
      signing_failed (self, task, error);
      return;
    }

  for (guint i = 0; i < self->in_flight->len; i++)
    {
      guint index = g_array_index (self->in_flight, guint, i);
      g_autofree char *id = g_strdup_printf ("%u", index);

      /* The signer checked each is there and over its digest. */
      get_item (self, index)->cms = g_bytes_ref (g_hash_table_lookup (signatures, id));
    }
  g_array_set_size (self->in_flight, 0);

  sign_next (self, task);
}

static void
digest_signed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TekenSignBatch *self = g_task_get_source_object (task);
  g_autoptr(GBytes) cms = NULL;
  GError *error = NULL;

  cms = teken_signer_sign_digest_finish (TEKEN_SIGNER (source), result, &error);
  if (cms == NULL)
    {
      signing_failed (self, task, error);
      return;
    }

  get_item (self, g_array_index (self->in_flight, guint, 0))->cms = g_steal_pointer (&cms);
  g_array_set_size (self->in_flight, 0);

  sign_next (self, task);
}

static void
sign_next (TekenSignBatch *self,
           GTask          *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  gboolean remote = TEKEN_IS_REMOTE_SIGNER (self->signer);
  guint batch = remote ? TEKEN_CA_MAX_DIGESTS : 1;
  g_autoptr(GHashTable) digests = NULL;

  if (self->next >= self->pending->len || g_cancellable_is_cancelled (cancellable))
    {
      start_completing (self, task);
      return;
    }

  digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  for (; self->next < self->pending->len && self->in_flight->len < batch; self->next++)
    {
      guint index = g_array_index (self->pending, guint, self->next);
      Item *item = get_item (self, index);

      g_array_append_val (self->in_flight, index);
      g_hash_table_insert (digests, g_strdup_printf ("%u", index),
                           g_bytes_ref (teken_pdf_prepared_signature_get_digest (item->prepared)));
      item->result_state = TEKEN_SIGN_BATCH_SIGNING;
      set_state (self, index, TEKEN_SIGN_BATCH_SIGNING, NULL);
    }

  self->n_requests++;
  if (remote)
    teken_remote_signer_sign_digests_async (TEKEN_REMOTE_SIGNER (self->signer), digests, cancellable,
                                            digests_signed_cb, g_object_ref (task));
  else
    {
      guint index = g_array_index (self->in_flight, guint, 0);

      teken_signer_sign_digest_async (self->signer,
                                      teken_pdf_prepared_signature_get_digest (get_item (self, index)->prepared),
                                      cancellable, digest_signed_cb, g_object_ref (task));
    }
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TekenSignBatch *self = TEKEN_SIGN_BATCH (source);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The batch's own image could not be read: nothing was prepared. */
      fail_unfinished (self, error);
      g_task_return_error (task, error);
      return;
    }

  apply_results (self);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      return_from_run (self, task);
      return;
    }

  self->pending = g_array_new (FALSE, FALSE, sizeof (guint));
  self->in_flight = g_array_new (FALSE, FALSE, sizeof (guint));
  self->next = 0;
  for (guint i = 0; i < self->items->len; i++)
    if (get_item (self, i)->prepared != NULL)
      g_array_append_val (self->pending, i);

  sign_next (self, task);
}

static void
teken_sign_batch_finalize (GObject *object)
{
  TekenSignBatch *self = TEKEN_SIGN_BATCH (object);

  g_clear_object (&self->signer);
  g_ptr_array_unref (self->items);
  g_free (self->position);
  g_free (self->reason);
  g_free (self->location);
  g_free (self->contact_info);
  g_free (self->qr_text);
  g_clear_pointer (&self->signing_time, g_date_time_unref);
  g_free (self->image_path);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->in_flight, g_array_unref);
  g_clear_error (&self->signer_error);

  G_OBJECT_CLASS (teken_sign_batch_parent_class)->finalize (object);
}

static void
teken_sign_batch_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TekenSignBatch *self = TEKEN_SIGN_BATCH (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_sign_batch_class_init (TekenSignBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = teken_sign_batch_finalize;
  object_class->get_property = teken_sign_batch_get_property;

  /**
   * TekenSignBatch:fraction:
   *
   * How far the whole batch is, 0 to 1.
   */
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TekenSignBatch::item-changed:
   * @index: the document whose state or error changed
   */
  signals[ITEM_CHANGED] =
    g_signal_new ("item-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
teken_sign_batch_init (TekenSignBatch *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->placement = TEKEN_PDF_PLACEMENT_LAST_BOTTOM_RIGHT;
  self->subfilter = TEKEN_PDF_SUBFILTER_CADES;
}

/**
 * teken_sign_batch_new:
 * @signer: signs every document: a #TekenRemoteSigner gets all the digests
 *   in one request, any other signer one by one
 *
 * Returns: (transfer full): a batch to add documents to and run once
 */
TekenSignBatch *
teken_sign_batch_new (TekenSigner *signer)
{
  TekenSignBatch *self;

  g_return_val_if_fail (TEKEN_IS_SIGNER (signer), NULL);

  self = g_object_new (TEKEN_TYPE_SIGN_BATCH, NULL);
  self->signer = g_object_ref (signer);

  return self;
}

/**
 * teken_sign_batch_add:
 * @input_path: a PDF to sign; only read
 * @output_path: where its signed copy goes; must not exist
 *
 * Returns: the document's index
 */
guint
teken_sign_batch_add (TekenSignBatch *self,
                      const char     *input_path,
                      const char     *output_path)
{
  Item *item;

  g_return_val_if_fail (TEKEN_IS_SIGN_BATCH (self), 0);
  g_return_val_if_fail (input_path != NULL && output_path != NULL, 0);
  g_return_val_if_fail (!self->started, 0);

  item = g_new0 (Item, 1);
  item->input = g_strdup (input_path);
  item->output = g_strdup (output_path);
  g_ptr_array_add (self->items, item);

  return self->items->len - 1;
}

/* The rule each document's box follows; the last page's bottom right
 * corner unless set. */
void
teken_sign_batch_set_placement (TekenSignBatch    *self,
                                TekenPdfPlacement  placement)
{
  g_return_if_fail (TEKEN_IS_SIGN_BATCH (self));
  g_return_if_fail (!self->started);

  self->placement = placement;
}

/**
 * teken_sign_batch_set_details:
 * @details: the role, position, reason, location, contact, QR text,
 *   subfilter and signing time (copied); its page, box, visibility, field
 *   name and image are not used: the placement decides the first three per
 *   document, the field gets a fresh name, the image is set apart
 */
void
teken_sign_batch_set_details (TekenSignBatch            *self,
                              const TekenPdfSignOptions *details)
{
  g_return_if_fail (TEKEN_IS_SIGN_BATCH (self));
  g_return_if_fail (details != NULL);
  g_return_if_fail (!self->started);

  self->role = details->role;
  set_string (&self->position, details->position);
  set_string (&self->reason, details->reason);
  set_string (&self->location, details->location);
  set_string (&self->contact_info, details->contact_info);
  set_string (&self->qr_text, details->qr_text);
  self->subfilter = details->subfilter;
  g_clear_pointer (&self->signing_time, g_date_time_unref);
  if (details->signing_time != NULL)
    self->signing_time = g_date_time_ref (details->signing_time);
}

/* An image (PNG, JPEG) in every visible signature; read when the batch
 * runs. */
void
teken_sign_batch_set_image_file (TekenSignBatch *self,
                                 const char     *path)
{
  g_return_if_fail (TEKEN_IS_SIGN_BATCH (self));
  g_return_if_fail (!self->started);

  set_string (&self->image_path, path);
}

guint
teken_sign_batch_get_n_items (TekenSignBatch *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGN_BATCH (self), 0);

  return self->items->len;
}

const char *
teken_sign_batch_get_input (TekenSignBatch *self,
                            guint           index)
{
  g_return_val_if_fail (TEKEN_IS_SIGN_BATCH (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);

  return get_item (self, index)->input;
}

/* Where the signed copy goes; it is there once the state is SIGNED. */
const char *
teken_sign_batch_get_output (TekenSignBatch *self,
                             guint           index)
{
  g_return_val_if_fail (TEKEN_IS_SIGN_BATCH (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);

  return get_item (self, index)->output;
}

TekenSignBatchState
teken_sign_batch_get_state (TekenSignBatch *self,
                            guint           index)
{
  g_return_val_if_fail (TEKEN_IS_SIGN_BATCH (self), TEKEN_SIGN_BATCH_WAITING);
  g_return_val_if_fail (index < self->items->len, TEKEN_SIGN_BATCH_WAITING);

  return get_item (self, index)->state;
}

/* Why the document failed, a sentence for the holder; %NULL unless FAILED. */
const GError *
teken_sign_batch_get_error (TekenSignBatch *self,
                            guint           index)
{
  g_return_val_if_fail (TEKEN_IS_SIGN_BATCH (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);

  return get_item (self, index)->error;
}

/* How many documents are in @state. */
guint
teken_sign_batch_count (TekenSignBatch      *self,
                        TekenSignBatchState  state)
{
  guint n = 0;

  g_return_val_if_fail (TEKEN_IS_SIGN_BATCH (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    n += get_item (self, i)->state == state;

  return n;
}

double
teken_sign_batch_get_fraction (TekenSignBatch *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGN_BATCH (self), 0);

  return self->fraction;
}

/* How many signing requests the batch sent: one per TEKEN_CA_MAX_DIGESTS
 * documents to a CA, one per document to a local key. */
guint
teken_sign_batch_get_n_requests (TekenSignBatch *self)
{
  g_return_val_if_fail (TEKEN_IS_SIGN_BATCH (self), 0);

  return self->n_requests;
}

/**
 * teken_sign_batch_run_async:
 * @self: a #TekenSignBatch, run once
 * @cancellable: (nullable): cancels the documents not saved yet; none is
 *   left half-written
 * @callback: called when every document is signed or failed
 * @user_data: data for @callback
 *
 * Signs every document. States and progress change on the thread-default
 * main context of this call.
 */
void
teken_sign_batch_run_async (TekenSignBatch      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) prepare = NULL;

  g_return_if_fail (TEKEN_IS_SIGN_BATCH (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_sign_batch_run_async);

  prepare = g_task_new (self, cancellable, prepared_cb, g_steal_pointer (&task));
  g_task_set_source_tag (prepare, prepared_cb);
  /* The outcome is in the items, whatever happens to the cancellable. */
  g_task_set_return_on_cancel (prepare, FALSE);
  g_task_set_check_cancellable (prepare, FALSE);
  g_task_run_in_thread (prepare, prepare_thread);
}

/**
 * teken_sign_batch_run_finish:
 * @error: set when the batch was cancelled, or when the signer refused
 *   and nothing was signed (the signer's message, e.g. a wrong passphrase
 *   with the tries left); a document that failed on its own is not an
 *   error of the batch: see teken_sign_batch_get_error()
 *
 * Returns: %TRUE when every document was tried
 */
gboolean
teken_sign_batch_run_finish (TekenSignBatch  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
