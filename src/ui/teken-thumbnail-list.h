/* teken-thumbnail-list.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-page-renderer.h"

G_BEGIN_DECLS

/* Thumbnails are this wide, in logical pixels; at most this many are kept. */
#define TEKEN_THUMBNAIL_WIDTH      120
#define TEKEN_THUMBNAIL_CACHE_SIZE  64

#define TEKEN_TYPE_THUMBNAIL_LIST (teken_thumbnail_list_get_type ())

G_DECLARE_FINAL_TYPE (TekenThumbnailList, teken_thumbnail_list, TEKEN, THUMBNAIL_LIST, AdwBin)

void         teken_thumbnail_list_set_renderer      (TekenThumbnailList *self,
                                                     TekenPageRenderer  *renderer);
void         teken_thumbnail_list_set_current_page  (TekenThumbnailList *self,
                                                     guint               page);
guint        teken_thumbnail_list_get_selected_page (TekenThumbnailList *self);
GtkListView *teken_thumbnail_list_get_list_view     (TekenThumbnailList *self);
gboolean     teken_thumbnail_list_page_is_rendered  (TekenThumbnailList *self,
                                                     guint               page);
guint        teken_thumbnail_list_get_n_rendered    (TekenThumbnailList *self);
guint        teken_thumbnail_list_get_n_requested   (TekenThumbnailList *self);

G_END_DECLS
