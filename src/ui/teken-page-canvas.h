/* teken-page-canvas.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "teken-page-layout.h"
#include "teken-pdf-signing.h"
#include "teken-page-renderer.h"

G_BEGIN_DECLS

/* A signature box placed with a click, and the drag below which a drag
 * counts as a click, in points. */
#define TEKEN_SIGNATURE_BOX_WIDTH  TEKEN_PDF_SIGNATURE_BOX_WIDTH
#define TEKEN_SIGNATURE_BOX_HEIGHT TEKEN_PDF_SIGNATURE_BOX_HEIGHT
#define TEKEN_SIGNATURE_BOX_CLICK    6.0

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
void               teken_page_canvas_set_placing         (TekenPageCanvas   *self,
                                                          gboolean           placing);
gboolean           teken_page_canvas_get_placing         (TekenPageCanvas   *self);
void               teken_page_canvas_set_box             (TekenPageCanvas   *self,
                                                          guint              page,
                                                          const graphene_rect_t *box);
gboolean           teken_page_canvas_place_box           (TekenPageCanvas   *self,
                                                          double             x0,
                                                          double             y0,
                                                          double             x1,
                                                          double             y1);

G_END_DECLS
