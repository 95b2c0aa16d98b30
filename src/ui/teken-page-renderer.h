/* teken-page-renderer.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "teken-secret.h"

G_BEGIN_DECLS

#define TEKEN_PAGE_RENDERER_ERROR (teken_page_renderer_error_quark ())

typedef enum
{
  TEKEN_PAGE_RENDERER_ERROR_ENCRYPTED,
  TEKEN_PAGE_RENDERER_ERROR_DAMAGED,
  TEKEN_PAGE_RENDERER_ERROR_EMPTY,
  TEKEN_PAGE_RENDERER_ERROR_READ,
  TEKEN_PAGE_RENDERER_ERROR_WRONG_PASSWORD,
} TekenPageRendererError;

GQuark teken_page_renderer_error_quark (void);

#define TEKEN_TYPE_PAGE_RENDERER (teken_page_renderer_get_type ())

G_DECLARE_FINAL_TYPE (TekenPageRenderer, teken_page_renderer, TEKEN, PAGE_RENDERER, GObject)

void               teken_page_renderer_new_for_file_async  (GFile                *file,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
void               teken_page_renderer_new_for_file_with_password_async
                                                           (GFile                *file,
                                                            TekenSecret          *password,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
void               teken_page_renderer_new_for_bytes_async (GBytes               *bytes,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
TekenPageRenderer *teken_page_renderer_new_finish          (GAsyncResult         *result,
                                                            GError              **error);

guint              teken_page_renderer_get_n_pages         (TekenPageRenderer    *self);
void               teken_page_renderer_get_page_size       (TekenPageRenderer    *self,
                                                            guint                 page,
                                                            double               *width,
                                                            double               *height);

void               teken_page_renderer_render_async        (TekenPageRenderer    *self,
                                                            guint                 page,
                                                            double                scale,
                                                            int                   priority,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
GdkTexture        *teken_page_renderer_render_finish       (TekenPageRenderer    *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

G_END_DECLS
