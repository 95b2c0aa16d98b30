/* teken-page-layout.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <graphene.h>
#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  TEKEN_ZOOM_FIT_WIDTH,
  TEKEN_ZOOM_FIT_PAGE,
  TEKEN_ZOOM_FREE,
} TekenZoomMode;

GType teken_zoom_mode_get_type (void) G_GNUC_CONST;
#define TEKEN_TYPE_ZOOM_MODE (teken_zoom_mode_get_type ())

/* Pixels per point at 100 %: a page at its paper size on a 96 dpi screen. */
#define TEKEN_SCALE_ACTUAL_SIZE (96.0 / 72.0)
#define TEKEN_SCALE_MIN         (0.1 * TEKEN_SCALE_ACTUAL_SIZE)
#define TEKEN_SCALE_MAX         (4.0 * TEKEN_SCALE_ACTUAL_SIZE)

/* Space around and between pages, in pixels at any zoom. */
#define TEKEN_PAGE_MARGIN  12.0
#define TEKEN_PAGE_SPACING 12.0

typedef struct _TekenPageLayout TekenPageLayout;

TekenPageLayout *teken_page_layout_new              (const graphene_size_t *page_sizes,
                                                     guint                  n_pages);
void             teken_page_layout_free             (TekenPageLayout       *self);

guint            teken_page_layout_get_n_pages      (TekenPageLayout       *self);
void             teken_page_layout_get_page_size    (TekenPageLayout       *self,
                                                     guint                  page,
                                                     graphene_size_t       *size);

double           teken_page_layout_get_fit_scale    (TekenPageLayout       *self,
                                                     TekenZoomMode          mode,
                                                     double                 viewport_width,
                                                     double                 viewport_height);
void             teken_page_layout_set_scale        (TekenPageLayout       *self,
                                                     double                 scale,
                                                     double                 viewport_width);
double           teken_page_layout_get_scale        (TekenPageLayout       *self);
void             teken_page_layout_get_content_size (TekenPageLayout       *self,
                                                     double                *width,
                                                     double                *height);
void             teken_page_layout_get_page_rect    (TekenPageLayout       *self,
                                                     guint                  page,
                                                     graphene_rect_t       *rect);
guint            teken_page_layout_get_page_at      (TekenPageLayout       *self,
                                                     double                 y);
void             teken_page_layout_get_visible_pages (TekenPageLayout      *self,
                                                     double                 top,
                                                     double                 bottom,
                                                     guint                 *first,
                                                     guint                 *last);
gboolean         teken_page_layout_content_to_page  (TekenPageLayout       *self,
                                                     double                 x,
                                                     double                 y,
                                                     guint                 *page,
                                                     graphene_point_t      *point);
void             teken_page_layout_page_to_content  (TekenPageLayout       *self,
                                                     guint                  page,
                                                     const graphene_rect_t *page_rect,
                                                     graphene_rect_t       *content_rect);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenPageLayout, teken_page_layout_free)

G_END_DECLS
