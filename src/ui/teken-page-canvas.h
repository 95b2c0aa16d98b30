/* teken-page-canvas.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "teken-page-layout.h"
#include "teken-page-renderer.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_PAGE_CANVAS (teken_page_canvas_get_type ())

G_DECLARE_FINAL_TYPE (TekenPageCanvas, teken_page_canvas, TEKEN, PAGE_CANVAS, GtkWidget)

GtkWidget         *teken_page_canvas_new                 (void);
void               teken_page_canvas_set_renderer        (TekenPageCanvas   *self,
                                                          TekenPageRenderer *renderer);
TekenPageRenderer *teken_page_canvas_get_renderer        (TekenPageCanvas   *self);
TekenPageLayout   *teken_page_canvas_get_layout          (TekenPageCanvas   *self);
guint              teken_page_canvas_get_n_pages         (TekenPageCanvas   *self);
guint              teken_page_canvas_get_current_page    (TekenPageCanvas   *self);
void               teken_page_canvas_go_to_page          (TekenPageCanvas   *self,
                                                          guint              page);
TekenZoomMode      teken_page_canvas_get_zoom_mode       (TekenPageCanvas   *self);
void               teken_page_canvas_set_zoom_mode       (TekenPageCanvas   *self,
                                                          TekenZoomMode      mode);
double             teken_page_canvas_get_scale           (TekenPageCanvas   *self);
void               teken_page_canvas_set_scale           (TekenPageCanvas   *self,
                                                          double             scale);
void               teken_page_canvas_zoom_in             (TekenPageCanvas   *self);
void               teken_page_canvas_zoom_out            (TekenPageCanvas   *self);
guint              teken_page_canvas_get_n_rendered      (TekenPageCanvas   *self);
gboolean           teken_page_canvas_page_is_rendered    (TekenPageCanvas   *self,
                                                          guint              page);
gsize              teken_page_canvas_get_cache_size      (TekenPageCanvas   *self);

G_END_DECLS
