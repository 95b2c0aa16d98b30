/* teken-page-layout.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Where each page of a continuous document sits at a zoom level, and how a
 * point on the screen maps to a point on a page.
 *
 * Pages are stacked top to bottom and centred; sizes are in points as the
 * page is shown (its /Rotate applied), so a point on a page is exactly what
 * TekenPdfSignOptions takes. Content coordinates are pixels from the top
 * left of the whole column. No widgets here: the view and the tests share
 * the arithmetic.
 */

#include "config.h"

#include <math.h>

#include "teken-page-layout.h"

struct _TekenPageLayout
{
  guint            n_pages;
  graphene_size_t *sizes;      /* points, as shown */
  double          *tops;       /* content y of each page at the scale */
  double           max_width;  /* points */
  double           max_height;
  double           scale;      /* pixels per point */
  double           content_width;
  double           content_height;
};

G_DEFINE_ENUM_TYPE (TekenZoomMode, teken_zoom_mode,
                    G_DEFINE_ENUM_VALUE (TEKEN_ZOOM_FIT_WIDTH, "fit-width"),
                    G_DEFINE_ENUM_VALUE (TEKEN_ZOOM_FIT_PAGE, "fit-page"),
                    G_DEFINE_ENUM_VALUE (TEKEN_ZOOM_FREE, "free"))

/**
 * teken_page_layout_new:
 * @page_sizes: (array length=n_pages): each page's size in points as shown
 *
 * Returns: a layout at 100 % for a viewport as wide as the widest page
 */
TekenPageLayout *
teken_page_layout_new (const graphene_size_t *page_sizes,
                       guint                  n_pages)
{
  TekenPageLayout *self = g_new0 (TekenPageLayout, 1);

  self->n_pages = n_pages;
  self->sizes = g_new0 (graphene_size_t, MAX (n_pages, 1));
  self->tops = g_new0 (double, MAX (n_pages, 1));

  for (guint i = 0; i < n_pages; i++)
    {
      /* A page with no area still gets a sliver, so every page can be
       * reached and hit-tested. */
      self->sizes[i].width = MAX (page_sizes[i].width, 1.0);
      self->sizes[i].height = MAX (page_sizes[i].height, 1.0);
      self->max_width = MAX (self->max_width, self->sizes[i].width);
      self->max_height = MAX (self->max_height, self->sizes[i].height);
    }

  teken_page_layout_set_scale (self, TEKEN_SCALE_ACTUAL_SIZE, 0);

  return self;
}

void
teken_page_layout_free (TekenPageLayout *self)
{
  if (self == NULL)
    return;

  g_free (self->sizes);
  g_free (self->tops);
  g_free (self);
}

guint
teken_page_layout_get_n_pages (TekenPageLayout *self)
{
  return self->n_pages;
}

void
teken_page_layout_get_page_size (TekenPageLayout *self,
                                 guint            page,
                                 graphene_size_t *size)
{
  g_return_if_fail (page < self->n_pages);

  *size = self->sizes[page];
}

/**
 * teken_page_layout_get_fit_scale:
 * @mode: %TEKEN_ZOOM_FIT_WIDTH or %TEKEN_ZOOM_FIT_PAGE
 *
 * The scale at which the widest page fills the viewport's width, or at
 * which the largest page fits whole; within the zoom limits.
 */
double
teken_page_layout_get_fit_scale (TekenPageLayout *self,
                                 TekenZoomMode    mode,
                                 double           viewport_width,
                                 double           viewport_height)
{
  double width = MAX (viewport_width - 2 * TEKEN_PAGE_MARGIN, 1.0);
  double height = MAX (viewport_height - 2 * TEKEN_PAGE_MARGIN, 1.0);
  double scale;

  if (self->n_pages == 0)
    return TEKEN_SCALE_ACTUAL_SIZE;

  scale = width / self->max_width;
  if (mode == TEKEN_ZOOM_FIT_PAGE)
    scale = MIN (scale, height / self->max_height);

  return CLAMP (scale, TEKEN_SCALE_MIN, TEKEN_SCALE_MAX);
}

/**
 * teken_page_layout_set_scale:
 * @scale: pixels per point
 * @viewport_width: pixels; pages are centred in it when they are narrower
 */
void
teken_page_layout_set_scale (TekenPageLayout *self,
                             double           scale,
                             double           viewport_width)
{
  double y = TEKEN_PAGE_MARGIN;

  self->scale = CLAMP (scale, TEKEN_SCALE_MIN, TEKEN_SCALE_MAX);

  for (guint i = 0; i < self->n_pages; i++)
    {
      self->tops[i] = y;
      y += floor (self->sizes[i].height * self->scale) + TEKEN_PAGE_SPACING;
    }

  self->content_height = self->n_pages > 0 ? y - TEKEN_PAGE_SPACING + TEKEN_PAGE_MARGIN : 0;
  self->content_width = MAX (viewport_width, floor (self->max_width * self->scale) + 2 * TEKEN_PAGE_MARGIN);
}

double
teken_page_layout_get_scale (TekenPageLayout *self)
{
  return self->scale;
}

void
teken_page_layout_get_content_size (TekenPageLayout *self,
                                    double          *width,
                                    double          *height)
{
  if (width != NULL)
    *width = self->content_width;
  if (height != NULL)
    *height = self->content_height;
}

/* Whole pixels, so page edges stay sharp. */
void
teken_page_layout_get_page_rect (TekenPageLayout *self,
                                 guint            page,
                                 graphene_rect_t *rect)
{
  double width, height;

  g_return_if_fail (page < self->n_pages);

  width = floor (self->sizes[page].width * self->scale);
  height = floor (self->sizes[page].height * self->scale);
  graphene_rect_init (rect, floor ((self->content_width - width) / 2), self->tops[page], width, height);
}

/**
 * teken_page_layout_get_page_at:
 * @y: content y
 *
 * Returns: the page at @y; the gap below a page counts as that page, and
 *   points above the first or below the last page give those pages
 */
guint
teken_page_layout_get_page_at (TekenPageLayout *self,
                               double           y)
{
  guint low = 0, high = self->n_pages;

  if (self->n_pages == 0)
    return 0;

  /* The last page whose top is at or above y. */
  while (high - low > 1)
    {
      guint middle = low + (high - low) / 2;

      if (self->tops[middle] <= y)
        low = middle;
      else
        high = middle;
    }

  return low;
}

/* The pages that show at least one row of pixels between @top and @bottom. */
void
teken_page_layout_get_visible_pages (TekenPageLayout *self,
                                     double           top,
                                     double           bottom,
                                     guint           *first,
                                     guint           *last)
{
  guint f = teken_page_layout_get_page_at (self, top);
  guint l = teken_page_layout_get_page_at (self, bottom);

  /* top may lie in the gap below page f. */
  if (f + 1 < self->n_pages &&
      top >= self->tops[f] + floor (self->sizes[f].height * self->scale))
    f++;

  *first = MIN (f, l);
  *last = l;
}

/**
 * teken_page_layout_content_to_page:
 * @page: (out): the page under the point
 * @point: (out): the point on that page, in points from its top left as
 *   shown
 *
 * Returns: whether the point lies on a page rather than between pages
 */
gboolean
teken_page_layout_content_to_page (TekenPageLayout  *self,
                                   double            x,
                                   double            y,
                                   guint            *page,
                                   graphene_point_t *point)
{
  graphene_rect_t rect;
  guint index;

  if (self->n_pages == 0)
    return FALSE;

  index = teken_page_layout_get_page_at (self, y);
  teken_page_layout_get_page_rect (self, index, &rect);

  *page = index;
  point->x = (x - rect.origin.x) * self->sizes[index].width / rect.size.width;
  point->y = (y - rect.origin.y) * self->sizes[index].height / rect.size.height;

  return point->x >= 0 && point->x <= self->sizes[index].width &&
         point->y >= 0 && point->y <= self->sizes[index].height;
}

/* The inverse: a box on @page, in points as shown, to content pixels. */
void
teken_page_layout_page_to_content (TekenPageLayout       *self,
                                   guint                  page,
                                   const graphene_rect_t *page_rect,
                                   graphene_rect_t       *content_rect)
{
  graphene_rect_t rect;
  double sx, sy;

  g_return_if_fail (page < self->n_pages);

  teken_page_layout_get_page_rect (self, page, &rect);
  sx = rect.size.width / self->sizes[page].width;
  sy = rect.size.height / self->sizes[page].height;
  graphene_rect_init (content_rect,
                      rect.origin.x + page_rect->origin.x * sx,
                      rect.origin.y + page_rect->origin.y * sy,
                      page_rect->size.width * sx,
                      page_rect->size.height * sy);
}
