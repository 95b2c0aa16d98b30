/* teken-page-renderer.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Pages of one PDF rendered by Poppler on a thread of their own.
 *
 * A PopplerDocument must not be used by two threads at once, so each
 * renderer has one worker thread that alone touches its document after
 * loading. Requests queue up with a priority (the view asks for visible
 * pages first) and are GTasks, so a request the view no longer needs is
 * cancelled before it costs anything. The worker hands back pixels; the
 * texture is made on the main thread.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <poppler.h>

#include "teken-page-renderer.h"

/* Above this a page is rendered smaller and scaled up by the GPU. */
#define MAX_TEXTURE_SIDE   8192
#define MAX_TEXTURE_PIXELS (24 * 1024 * 1024)

typedef struct
{
  gatomicrefcount  ref_count;
  GMutex           mutex;
  GCond            cond;
  GPtrArray       *queue;      /* GTask, guarded by mutex */
  gboolean         shutdown;   /* guarded by mutex */
  guint64          next_sequence;
  PopplerDocument *document;   /* the worker thread's alone */
} Worker;

typedef struct
{
  guint   page;
  double  scale;
  int     priority;
  guint64 sequence;
} RenderJob;

typedef struct
{
  GBytes *pixels;
  int     width;
  int     height;
  int     stride;
} RenderResult;

struct _TekenPageRenderer
{
  GObject  parent_instance;

  Worker  *worker;
  guint    n_pages;
  double  *sizes;   /* width, height per page, in points as shown */
};

G_DEFINE_FINAL_TYPE (TekenPageRenderer, teken_page_renderer, G_TYPE_OBJECT)

G_DEFINE_QUARK (teken-page-renderer-error-quark, teken_page_renderer_error)

static Worker *
worker_ref (Worker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

static void
worker_unref (Worker *worker)
{
  if (!g_atomic_ref_count_dec (&worker->ref_count))
    return;

  g_clear_object (&worker->document);
  g_ptr_array_unref (worker->queue);
  g_mutex_clear (&worker->mutex);
  g_cond_clear (&worker->cond);
  g_free (worker);
}

static void
render_result_free (RenderResult *result)
{
  g_bytes_unref (result->pixels);
  g_free (result);
}

static RenderResult *
render_page (PopplerDocument *document,
             RenderJob       *job)
{
  PopplerPage *page = poppler_document_get_page (document, job->page);
  RenderResult *result;
  cairo_surface_t *surface;
  cairo_t *cr;
  double width = 1, height = 1, scale = job->scale;
  guchar *data;

  if (page != NULL)
    poppler_page_get_size (page, &width, &height);

  if (ceil (width * scale) > MAX_TEXTURE_SIDE || ceil (height * scale) > MAX_TEXTURE_SIDE)
    scale = MAX_TEXTURE_SIDE / MAX (width, height);
  if (ceil (width * scale) * ceil (height * scale) > MAX_TEXTURE_PIXELS)
    scale = sqrt (MAX_TEXTURE_PIXELS / (width * height));

  result = g_new0 (RenderResult, 1);
  result->width = MAX (1, (int) ceil (width * scale));
  result->height = MAX (1, (int) ceil (height * scale));
  result->stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, result->width);
  data = g_malloc ((gsize) result->stride * result->height);

  surface = cairo_image_surface_create_for_data (data, CAIRO_FORMAT_ARGB32,
                                                 result->width, result->height, result->stride);
  cr = cairo_create (surface);

  /* Paper is white; PDF pages are transparent. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  if (page != NULL)
    {
      cairo_scale (cr, (double) result->width / width, (double) result->height / height);
      poppler_page_render (page, cr);
      g_object_unref (page);
    }

  cairo_destroy (cr);
  cairo_surface_flush (surface);
  cairo_surface_destroy (surface);

  result->pixels = g_bytes_new_take (data, (gsize) result->stride * result->height);

  return result;
}

static GTask *
take_next_job (Worker *worker)
{
  guint best = 0;

  for (guint i = 1; i < worker->queue->len; i++)
    {
      RenderJob *a = g_task_get_task_data (g_ptr_array_index (worker->queue, i));
      RenderJob *b = g_task_get_task_data (g_ptr_array_index (worker->queue, best));

      if (a->priority < b->priority ||
          (a->priority == b->priority && a->sequence < b->sequence))
        best = i;
    }

  return g_ptr_array_steal_index (worker->queue, best);
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;

  for (;;)
    {
      g_autoptr(GTask) task = NULL;

      g_mutex_lock (&worker->mutex);
      while (!worker->shutdown && worker->queue->len == 0)
        g_cond_wait (&worker->cond, &worker->mutex);

      if (worker->shutdown)
        {
          g_autoptr(GPtrArray) left = g_steal_pointer (&worker->queue);

          worker->queue = g_ptr_array_new_with_free_func (g_object_unref);
          g_mutex_unlock (&worker->mutex);

          for (guint i = 0; i < left->len; i++)
            g_task_return_new_error (g_ptr_array_index (left, i), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     "The document was closed");
          break;
        }

      task = take_next_job (worker);
      g_mutex_unlock (&worker->mutex);

      if (g_task_return_error_if_cancelled (task))
        continue;

      g_task_return_pointer (task, render_page (worker->document, g_task_get_task_data (task)),
                             (GDestroyNotify) render_result_free);
    }

  worker_unref (worker);

  return NULL;
}

typedef struct
{
  GFile       *file;
  GBytes      *bytes;
  TekenSecret *password;   /* nullable; wiped when the last reference goes */
} Source;

static void
source_free (Source *source)
{
  g_clear_object (&source->file);
  g_clear_pointer (&source->bytes, g_bytes_unref);
  g_clear_pointer (&source->password, teken_secret_unref);
  g_free (source);
}

static GError *
describe_load_error (const GError *error,
                     gboolean      had_password)
{
  if (g_error_matches (error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED) && had_password)
    return g_error_new_literal (TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_WRONG_PASSWORD,
                                _("The password is not right. Check it and try again; passwords are case-sensitive."));

  if (g_error_matches (error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
    return g_error_new_literal (TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_ENCRYPTED,
                                _("Enter the document's password to open it. The sender can tell you what it is."));

  if (g_error_matches (error, POPPLER_ERROR, POPPLER_ERROR_OPEN_FILE) ||
      error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
    return g_error_new_literal (TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_READ,
                                _("The file cannot be read. Check that it still exists and that you are allowed to open it."));

  return g_error_new_literal (TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_DAMAGED,
                              _("The file is damaged or is not a PDF document. Ask the sender for a new copy."));
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Source *source = task_data;
  PopplerDocument *document;    /* poppler-glib 22.12 has no g_autoptr for it */
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenPageRenderer) self = NULL;
  const char *password = source->password ? teken_secret_get_text (source->password) : NULL;
  gboolean had_password = password != NULL;

  /* Poppler keeps its own copy of the password while it opens the file;
   * ours is wiped as soon as the task is done with it. */
  if (source->file != NULL)
    document = poppler_document_new_from_gfile (source->file, password, cancellable, &error);
  else
    document = poppler_document_new_from_bytes (source->bytes, password, &error);
  g_clear_pointer (&source->password, teken_secret_unref);

  if (document == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, describe_load_error (error, had_password));
      return;
    }

  self = g_object_new (TEKEN_TYPE_PAGE_RENDERER, NULL);
  self->worker->document = document;
  self->n_pages = poppler_document_get_n_pages (document);
  if (self->n_pages == 0)
    {
      g_task_return_new_error (task, TEKEN_PAGE_RENDERER_ERROR, TEKEN_PAGE_RENDERER_ERROR_EMPTY,
                               _("The document has no pages, so there is nothing to show or sign."));
      return;
    }

  /* The layout needs every page's size before the first is drawn; Poppler
   * reads them without parsing page content. */
  self->sizes = g_new (double, 2 * self->n_pages);
  for (guint i = 0; i < self->n_pages; i++)
    {
      PopplerPage *page = poppler_document_get_page (document, i);

      self->sizes[2 * i] = self->sizes[2 * i + 1] = 0;
      if (page != NULL)
        {
          poppler_page_get_size (page, &self->sizes[2 * i], &self->sizes[2 * i + 1]);
          g_object_unref (page);
        }
    }

  g_thread_unref (g_thread_new ("teken-render", worker_thread, worker_ref (self->worker)));

  g_task_return_pointer (task, g_steal_pointer (&self), g_object_unref);
}

static void
teken_page_renderer_finalize (GObject *object)
{
  TekenPageRenderer *self = TEKEN_PAGE_RENDERER (object);

  /* The worker may be rendering a page; it cancels the rest and frees the
   * document when it stops, without the main loop waiting for it. */
  g_mutex_lock (&self->worker->mutex);
  self->worker->shutdown = TRUE;
  g_cond_signal (&self->worker->cond);
  g_mutex_unlock (&self->worker->mutex);
  worker_unref (self->worker);

  g_free (self->sizes);

  G_OBJECT_CLASS (teken_page_renderer_parent_class)->finalize (object);
}

static void
teken_page_renderer_class_init (TekenPageRendererClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = teken_page_renderer_finalize;
}

static void
teken_page_renderer_init (TekenPageRenderer *self)
{
  self->worker = g_new0 (Worker, 1);
  g_atomic_ref_count_init (&self->worker->ref_count);
  g_mutex_init (&self->worker->mutex);
  g_cond_init (&self->worker->cond);
  self->worker->queue = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * teken_page_renderer_new_for_file_async:
 *
 * Opens @file with Poppler on a thread and reads every page's size.
 */
void
teken_page_renderer_new_for_file_async (GFile               *file,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Source *source;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_page_renderer_new_for_file_async);
  source = g_new0 (Source, 1);
  source->file = g_object_ref (file);
  g_task_set_task_data (task, source, (GDestroyNotify) source_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * teken_page_renderer_new_for_file_with_password_async:
 * @password: the document's user or owner password
 *
 * Like teken_page_renderer_new_for_file_async(), for a document protected
 * with a password. A wrong one fails with
 * %TEKEN_PAGE_RENDERER_ERROR_WRONG_PASSWORD. The renderer drops its
 * reference to @password once the document is open.
 */
void
teken_page_renderer_new_for_file_with_password_async (GFile               *file,
                                                      TekenSecret         *password,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Source *source;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_page_renderer_new_for_file_with_password_async);
  source = g_new0 (Source, 1);
  source->file = g_object_ref (file);
  source->password = teken_secret_ref (password);
  g_task_set_task_data (task, source, (GDestroyNotify) source_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * teken_page_renderer_new_for_bytes_async:
 *
 * Like teken_page_renderer_new_for_file_async(), for a PDF in memory, such
 * as a signed revision cut from a later file.
 */
void
teken_page_renderer_new_for_bytes_async (GBytes              *bytes,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Source *source;

  g_return_if_fail (bytes != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_page_renderer_new_for_bytes_async);
  source = g_new0 (Source, 1);
  source->bytes = g_bytes_ref (bytes);
  g_task_set_task_data (task, source, (GDestroyNotify) source_free);
  g_task_run_in_thread (task, load_thread);
}

TekenPageRenderer *
teken_page_renderer_new_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
teken_page_renderer_get_n_pages (TekenPageRenderer *self)
{
  g_return_val_if_fail (TEKEN_IS_PAGE_RENDERER (self), 0);

  return self->n_pages;
}

/* In points, as shown: the page's /Rotate is applied. */
void
teken_page_renderer_get_page_size (TekenPageRenderer *self,
                                   guint              page,
                                   double            *width,
                                   double            *height)
{
  g_return_if_fail (TEKEN_IS_PAGE_RENDERER (self));
  g_return_if_fail (page < self->n_pages);

  *width = self->sizes[2 * page];
  *height = self->sizes[2 * page + 1];
}

/**
 * teken_page_renderer_render_async:
 * @page: 0-based
 * @scale: device pixels per point
 * @priority: lower goes first; among equals, first come first served
 *
 * Renders @page on the worker thread. Cancel what is no longer wanted.
 */
void
teken_page_renderer_render_async (TekenPageRenderer   *self,
                                  guint                page,
                                  double               scale,
                                  int                  priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  RenderJob *job;

  g_return_if_fail (TEKEN_IS_PAGE_RENDERER (self));
  g_return_if_fail (page < self->n_pages);
  g_return_if_fail (scale > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_page_renderer_render_async);

  job = g_new0 (RenderJob, 1);
  job->page = page;
  job->scale = scale;
  job->priority = priority;
  g_task_set_task_data (task, job, g_free);

  g_mutex_lock (&self->worker->mutex);
  job->sequence = self->worker->next_sequence++;
  g_ptr_array_add (self->worker->queue, task);
  g_cond_signal (&self->worker->cond);
  g_mutex_unlock (&self->worker->mutex);
}

GdkTexture *
teken_page_renderer_render_finish (TekenPageRenderer  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  RenderResult *rendered;
  GdkTexture *texture;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  rendered = g_task_propagate_pointer (G_TASK (result), error);
  if (rendered == NULL)
    return NULL;

  texture = gdk_memory_texture_new (rendered->width, rendered->height, GDK_MEMORY_DEFAULT,
                                    rendered->pixels, rendered->stride);
  render_result_free (rendered);

  return texture;
}
