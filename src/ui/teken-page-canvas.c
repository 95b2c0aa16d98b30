/* teken-page-canvas.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The pages of a document in one continuous column, inside a
 * GtkScrolledWindow (the canvas is GtkScrollable).
 *
 * Every page has a placeholder of its real size from the start, so the
 * scroll bar is right and scrolling never jumps; only the visible pages and
 * a small margin are rendered (off the main thread, by TekenPageRenderer),
 * and rendered pages are kept within a memory budget, farthest first out.
 * While a page is re-rendered at a new zoom its old picture is stretched
 * over it, so zooming never shows blank pages.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "teken-page-canvas.h"
#include "teken-signature-appearance.h"

/* Pages beyond the visible ones rendered ahead, each way. */
#define PREFETCH_PAGES 2
/* Rendered pages kept beyond the visible ones, in bytes of pixels. */
#define CACHE_BUDGET   (160 * 1024 * 1024)

typedef struct
{
  GdkTexture   *texture;
  double        texture_scale;  /* device pixels per point it was rendered at */
  GCancellable *rendering;      /* in flight, or NULL */
  double        rendering_scale;
} PageState;

typedef struct
{
  TekenPageCanvas *canvas;
  guint            page;
  double           scale;
} RenderRequest;

struct _TekenPageCanvas
{
  GtkWidget          parent_instance;

  GtkAdjustment     *hadjustment;
  GtkAdjustment     *vadjustment;
  guint              hscroll_policy : 1;
  guint              vscroll_policy : 1;

  TekenPageRenderer *renderer;
  TekenPageLayout   *layout;
  GArray            *pages;         /* PageState */
  gsize              cache_size;

  TekenZoomMode      zoom_mode;
  double             free_scale;
  guint              current_page;
  int                pending_page;  /* to scroll to once laid out, or -1 */
  guint              update_source;

  /* Placing a signature: the box chosen (points on the page as shown) and
   * the one being dragged (widget pixels). */
  gboolean           placing;
  gboolean           has_box;
  guint              box_page;
  graphene_rect_t    box;
  gboolean           dragging;
  graphene_point_t   drag_start;
  graphene_point_t   drag_end;

  /* The point kept in place when the scale changes: a page, a spot on it
   * (0..1 of its size) and where in the viewport it was. */
  gboolean           have_anchor;
  guint              anchor_page;
  double             anchor_fx, anchor_fy;
  double             anchor_vx, anchor_vy;
};

enum {
  PROP_0,
  PROP_RENDERER,
  PROP_N_PAGES,
  PROP_CURRENT_PAGE,
  PROP_ZOOM_MODE,
  PROP_SCALE,
  PROP_PLACING,
  N_PROPS,

  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum {
  PAGE_RENDERED,
  BOX_PLACED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (TekenPageCanvas, teken_page_canvas, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

/* Zoom steps, in percent of the actual size. */
static const double zoom_steps[] = { 10, 25, 33, 50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300, 400 };

static void queue_update (TekenPageCanvas *self);

static double
get_device_scale (TekenPageCanvas *self)
{
  return teken_page_layout_get_scale (self->layout) * gtk_widget_get_scale_factor (GTK_WIDGET (self));
}

static void
clear_texture (TekenPageCanvas *self,
               PageState       *state)
{
  if (state->texture == NULL)
    return;

  self->cache_size -= (gsize) gdk_texture_get_width (state->texture) * gdk_texture_get_height (state->texture) * 4;
  g_clear_object (&state->texture);
}

static void
cancel_rendering (PageState *state)
{
  if (state->rendering == NULL)
    return;

  g_cancellable_cancel (state->rendering);
  g_clear_object (&state->rendering);
}

static void
clear_pages (TekenPageCanvas *self)
{
  for (guint i = 0; self->pages != NULL && i < self->pages->len; i++)
    {
      PageState *state = &g_array_index (self->pages, PageState, i);

      cancel_rendering (state);
      clear_texture (self, state);
    }
  g_clear_pointer (&self->pages, g_array_unref);
  self->cache_size = 0;
}

static void
update_accessible (TekenPageCanvas *self)
{
  g_autofree char *description = NULL;

  if (self->layout == NULL)
    return;

  description = g_strdup_printf (_("Page %u of %u"), self->current_page + 1,
                                 teken_page_layout_get_n_pages (self->layout));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
update_current_page (TekenPageCanvas *self)
{
  double top, height;
  guint page;

  if (self->layout == NULL || self->vadjustment == NULL)
    return;

  top = gtk_adjustment_get_value (self->vadjustment);
  height = gtk_adjustment_get_page_size (self->vadjustment);

  /* The page under the upper third of the window: the one being read. At
   * the very end the last page counts, even when it is short. */
  if (top + height >= gtk_adjustment_get_upper (self->vadjustment) - 1 && top > 0)
    page = teken_page_layout_get_n_pages (self->layout) - 1;
  else
    page = teken_page_layout_get_page_at (self->layout, top + height / 3);

  if (page != self->current_page)
    {
      self->current_page = page;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_PAGE]);
      queue_update (self);
    }
}

static void
page_rendered_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RenderRequest *request = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  TekenPageCanvas *self;
  PageState *state;

  texture = teken_page_renderer_render_finish (TEKEN_PAGE_RENDERER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (request);
      return;
    }

  /* Not cancelled: the canvas still has this renderer and its pages. */
  self = request->canvas;
  state = &g_array_index (self->pages, PageState, request->page);
  g_clear_object (&state->rendering);

  if (texture != NULL)
    {
      clear_texture (self, state);
      state->texture = g_steal_pointer (&texture);
      state->texture_scale = request->scale;
      self->cache_size += (gsize) gdk_texture_get_width (state->texture) * gdk_texture_get_height (state->texture) * 4;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_signal_emit (self, signals[PAGE_RENDERED], 0, request->page);
    }
  else
    g_warning ("Page %u could not be rendered: %s", request->page + 1, error->message);

  g_free (request);
  queue_update (self);
}

static void
request_page (TekenPageCanvas *self,
              guint            page,
              double           scale,
              int              priority)
{
  PageState *state = &g_array_index (self->pages, PageState, page);
  RenderRequest *request;

  if (state->texture != NULL && G_APPROX_VALUE (state->texture_scale, scale, 1e-6))
    return;
  if (state->rendering != NULL)
    {
      if (G_APPROX_VALUE (state->rendering_scale, scale, 1e-6))
        return;
      cancel_rendering (state);
    }

  request = g_new0 (RenderRequest, 1);
  request->canvas = self;
  request->page = page;
  request->scale = scale;

  state->rendering = g_cancellable_new ();
  state->rendering_scale = scale;
  teken_page_renderer_render_async (self->renderer, page, scale, priority, state->rendering,
                                    page_rendered_cb, request);
}

/* Renders what is on screen and near it, drops renders nobody waits for,
 * and keeps the rendered pages within the budget. */
static void
update_rendering (TekenPageCanvas *self)
{
  guint first, last, wanted_first, wanted_last, n_pages;
  double top, height, scale;

  if (self->layout == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      gtk_adjustment_get_page_size (self->vadjustment) <= 0)
    return;

  n_pages = teken_page_layout_get_n_pages (self->layout);
  top = gtk_adjustment_get_value (self->vadjustment);
  height = gtk_adjustment_get_page_size (self->vadjustment);
  teken_page_layout_get_visible_pages (self->layout, top, top + height, &first, &last);
  wanted_first = first > PREFETCH_PAGES ? first - PREFETCH_PAGES : 0;
  wanted_last = MIN (last + PREFETCH_PAGES, n_pages - 1);
  scale = get_device_scale (self);

  /* Visible pages first, nearest the current page first. */
  for (guint i = first; i <= last; i++)
    request_page (self, i, scale, ABS ((int) i - (int) self->current_page));
  for (guint i = wanted_first; i <= wanted_last; i++)
    if (i < first || i > last)
      request_page (self, i, scale, 1000 + ABS ((int) i - (int) self->current_page));

  for (guint i = 0; i < n_pages; i++)
    {
      PageState *state = &g_array_index (self->pages, PageState, i);

      if (i < wanted_first || i > wanted_last)
        cancel_rendering (state);
    }

  /* Over budget: drop the pages farthest from the visible ones. */
  while (self->cache_size > CACHE_BUDGET)
    {
      guint farthest = G_MAXUINT, distance = 0;

      for (guint i = 0; i < n_pages; i++)
        {
          PageState *state = &g_array_index (self->pages, PageState, i);
          guint d = i < first ? first - i : i > last ? i - last : 0;

          if (state->texture != NULL && d > distance)
            {
              farthest = i;
              distance = d;
            }
        }

      if (farthest == G_MAXUINT)
        break;
      clear_texture (self, &g_array_index (self->pages, PageState, farthest));
    }
}

static gboolean
update_cb (gpointer user_data)
{
  TekenPageCanvas *self = user_data;

  self->update_source = 0;
  update_accessible (self);
  update_rendering (self);

  return G_SOURCE_REMOVE;
}

static void
queue_update (TekenPageCanvas *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 30, update_cb, self, NULL);
}

static void
adjustment_value_changed_cb (GtkAdjustment   *adjustment,
                             TekenPageCanvas *self)
{
  update_current_page (self);
  queue_update (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (TekenPageCanvas  *self,
                GtkAdjustment   **slot,
                GtkAdjustment    *adjustment)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);

  if (*slot == adjustment)
    return;

  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, adjustment_value_changed_cb, self);
      g_object_unref (*slot);
    }

  *slot = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (adjustment_value_changed_cb), self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Remembers what is at the centre of the view before the scale changes. */
static void
save_anchor (TekenPageCanvas *self)
{
  graphene_rect_t rect;
  double x, y;

  if (self->layout == NULL || self->have_anchor || gtk_adjustment_get_page_size (self->vadjustment) <= 0)
    return;

  self->anchor_vx = gtk_adjustment_get_page_size (self->hadjustment) / 2;
  self->anchor_vy = gtk_adjustment_get_page_size (self->vadjustment) / 2;
  x = gtk_adjustment_get_value (self->hadjustment) + self->anchor_vx;
  y = gtk_adjustment_get_value (self->vadjustment) + self->anchor_vy;

  self->anchor_page = teken_page_layout_get_page_at (self->layout, y);
  teken_page_layout_get_page_rect (self->layout, self->anchor_page, &rect);
  self->anchor_fx = (x - rect.origin.x) / rect.size.width;
  self->anchor_fy = (y - rect.origin.y) / rect.size.height;
  self->have_anchor = TRUE;
}

static double
get_wanted_scale (TekenPageCanvas *self,
                  int              width,
                  int              height)
{
  if (self->zoom_mode == TEKEN_ZOOM_FREE)
    return self->free_scale;

  return teken_page_layout_get_fit_scale (self->layout, self->zoom_mode, width, height);
}

/* The natural size is the document at the current zoom, so that the
 * scrolled window decides on its scroll bars from the same numbers the
 * adjustments get. A fitted zoom never needs a horizontal scroll bar. */
static void
teken_page_canvas_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  TekenPageCanvas *self = TEKEN_PAGE_CANVAS (widget);
  double width = 0, height = 0;

  *minimum = 0;
  *natural = 0;

  if (self->layout == NULL)
    return;

  /* At the zoom asked for, which the next allocation lays out. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      if (self->zoom_mode == TEKEN_ZOOM_FREE)
        {
          teken_page_layout_get_content_size (self->layout, &width, NULL);
          *natural = (int) ceil (width / teken_page_layout_get_scale (self->layout) * self->free_scale);
        }
    }
  else
    {
      teken_page_layout_get_content_size (self->layout, NULL, &height);
      *natural = (int) ceil (height / teken_page_layout_get_scale (self->layout) * teken_page_canvas_get_scale (self));
    }
}

static void
teken_page_canvas_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  TekenPageCanvas *self = TEKEN_PAGE_CANVAS (widget);
  double content_width = 0, content_height = 0, x, y, scale;
  gboolean scale_changed;

  if (self->layout == NULL)
    {
      gtk_adjustment_configure (self->hadjustment, 0, 0, width, width * 0.1, width * 0.9, width);
      gtk_adjustment_configure (self->vadjustment, 0, 0, height, height * 0.1, height * 0.9, height);
      return;
    }

  scale = get_wanted_scale (self, width, height);
  scale_changed = !G_APPROX_VALUE (scale, teken_page_layout_get_scale (self->layout), 1e-9);
  if (scale_changed)
    save_anchor (self);
  teken_page_layout_set_scale (self->layout, scale, width);
  teken_page_layout_get_content_size (self->layout, &content_width, &content_height);

  x = gtk_adjustment_get_value (self->hadjustment);
  y = gtk_adjustment_get_value (self->vadjustment);

  if (self->pending_page >= 0)
    {
      graphene_rect_t rect;

      teken_page_layout_get_page_rect (self->layout, self->pending_page, &rect);
      y = rect.origin.y - TEKEN_PAGE_MARGIN;
      self->pending_page = -1;
    }
  else if (self->have_anchor)
    {
      graphene_rect_t rect;

      teken_page_layout_get_page_rect (self->layout, self->anchor_page, &rect);
      x = rect.origin.x + self->anchor_fx * rect.size.width - self->anchor_vx;
      y = rect.origin.y + self->anchor_fy * rect.size.height - self->anchor_vy;
    }
  self->have_anchor = FALSE;

  /* Arrow keys move about a line; Page Up and Down a screen, less a line so
   * the reader keeps their place. */
  gtk_adjustment_configure (self->hadjustment,
                            CLAMP (x, 0, MAX (0, content_width - width)),
                            0, content_width, 40, MAX (width - 40, 40), width);
  gtk_adjustment_configure (self->vadjustment,
                            CLAMP (y, 0, MAX (0, content_height - height)),
                            0, content_height, 40, MAX (height - 40, 40), height);

  update_current_page (self);
  queue_update (self);

  if (scale_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

/* A signature box: the accent colour, filled lightly. */
static void
append_box (GtkWidget             *widget,
            GtkSnapshot           *snapshot,
            const graphene_rect_t *rect)
{
  GdkRGBA accent = { 0.21, 0.52, 0.89, 1 };
  GdkRGBA fill;
  GskRoundedRect outline;
  const float widths[4] = { 2, 2, 2, 2 };
  GdkRGBA colors[4];

  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_bg_color", &accent);
  fill = accent;
  fill.alpha = 0.15;
  for (guint i = 0; i < 4; i++)
    colors[i] = accent;

  gsk_rounded_rect_init_from_rect (&outline, rect, 0);
  gtk_snapshot_append_color (snapshot, &fill, rect);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
}

static void
teken_page_canvas_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  TekenPageCanvas *self = TEKEN_PAGE_CANVAS (widget);
  static const GdkRGBA white = { 1, 1, 1, 1 };
  static const GdkRGBA shadow = { 0, 0, 0, 0.25 };
  static const GdkRGBA border = { 0, 0, 0, 0.15 };
  double top, left;
  guint first, last;

  if (self->layout == NULL)
    return;

  left = gtk_adjustment_get_value (self->hadjustment);
  top = gtk_adjustment_get_value (self->vadjustment);
  teken_page_layout_get_visible_pages (self->layout, top, top + gtk_widget_get_height (widget), &first, &last);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-left, -top));

  for (guint i = first; i <= last; i++)
    {
      PageState *state = &g_array_index (self->pages, PageState, i);
      const float widths[4] = { 1, 1, 1, 1 };
      const GdkRGBA colors[4] = { border, border, border, border };
      graphene_rect_t rect;
      GskRoundedRect outline;

      teken_page_layout_get_page_rect (self->layout, i, &rect);
      gsk_rounded_rect_init_from_rect (&outline, &rect, 0);

      gtk_snapshot_append_outset_shadow (snapshot, &outline, &shadow, 0, 1, 0, 4);
      if (state->texture != NULL)
        {
          /* Stretched until the render at the new scale arrives. */
          gtk_snapshot_append_texture (snapshot, state->texture, &rect);
        }
      else
        gtk_snapshot_append_color (snapshot, &white, &rect);
      gtk_snapshot_append_border (snapshot, &outline, widths, colors);
    }

  if (self->has_box && self->box_page < teken_page_layout_get_n_pages (self->layout))
    {
      graphene_rect_t rect;

      teken_page_layout_page_to_content (self->layout, self->box_page, &self->box, &rect);
      append_box (widget, snapshot, &rect);
    }

  gtk_snapshot_restore (snapshot);

  if (self->dragging)
    {
      graphene_rect_t rect;

      graphene_rect_init (&rect,
                          MIN (self->drag_start.x, self->drag_end.x), MIN (self->drag_start.y, self->drag_end.y),
                          fabs (self->drag_end.x - self->drag_start.x), fabs (self->drag_end.y - self->drag_start.y));
      append_box (widget, snapshot, &rect);
    }
}

static void
teken_page_canvas_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (teken_page_canvas_parent_class)->map (widget);

  queue_update (TEKEN_PAGE_CANVAS (widget));
}

static void
scroll_by (TekenPageCanvas *self,
           double           delta)
{
  gtk_adjustment_set_value (self->vadjustment, gtk_adjustment_get_value (self->vadjustment) + delta);
}

static gboolean
scroll_page_cb (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  TekenPageCanvas *self = TEKEN_PAGE_CANVAS (widget);
  int direction = g_variant_get_int32 (args);

  scroll_by (self, direction * gtk_adjustment_get_page_increment (self->vadjustment));

  return TRUE;
}

static gboolean
scroll_step_cb (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  TekenPageCanvas *self = TEKEN_PAGE_CANVAS (widget);
  int dx, dy;

  g_variant_get (args, "(ii)", &dx, &dy);
  gtk_adjustment_set_value (self->hadjustment,
                            gtk_adjustment_get_value (self->hadjustment) + dx * gtk_adjustment_get_step_increment (self->hadjustment));
  scroll_by (self, dy * gtk_adjustment_get_step_increment (self->vadjustment));

  return TRUE;
}

static gboolean
scroll_end_cb (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  TekenPageCanvas *self = TEKEN_PAGE_CANVAS (widget);

  if (self->layout == NULL)
    return FALSE;

  teken_page_canvas_go_to_page (self, g_variant_get_boolean (args) ? teken_page_layout_get_n_pages (self->layout) - 1 : 0);

  return TRUE;
}

static gboolean
scrolled_cb (GtkEventControllerScroll *controller,
             double                    dx,
             double                    dy,
             TekenPageCanvas          *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (!(state & GDK_CONTROL_MASK) || self->layout == NULL)
    return FALSE;

  if (dy < 0)
    teken_page_canvas_zoom_in (self);
  else if (dy > 0)
    teken_page_canvas_zoom_out (self);

  return TRUE;
}

static void
drag_began_cb (GtkGestureDrag  *gesture,
               double           x,
               double           y,
               TekenPageCanvas *self)
{
  if (!self->placing || self->layout == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->dragging = TRUE;
  self->drag_start = self->drag_end = GRAPHENE_POINT_INIT (x, y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_updated_cb (GtkGestureDrag  *gesture,
                 double           dx,
                 double           dy,
                 TekenPageCanvas *self)
{
  if (!self->dragging)
    return;

  self->drag_end = GRAPHENE_POINT_INIT (self->drag_start.x + dx, self->drag_start.y + dy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_ended_cb (GtkGestureDrag  *gesture,
               double           dx,
               double           dy,
               TekenPageCanvas *self)
{
  if (!self->dragging)
    return;

  self->dragging = FALSE;
  teken_page_canvas_place_box (self, self->drag_start.x, self->drag_start.y,
                               self->drag_start.x + dx, self->drag_start.y + dy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            TekenPageCanvas *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
teken_page_canvas_dispose (GObject *object)
{
  TekenPageCanvas *self = TEKEN_PAGE_CANVAS (object);

  g_clear_handle_id (&self->update_source, g_source_remove);
  clear_pages (self);
  g_clear_object (&self->renderer);
  g_clear_pointer (&self->layout, teken_page_layout_free);

  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, adjustment_value_changed_cb, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, adjustment_value_changed_cb, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (teken_page_canvas_parent_class)->dispose (object);
}

static void
teken_page_canvas_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TekenPageCanvas *self = TEKEN_PAGE_CANVAS (object);

  switch (prop_id)
    {
    case PROP_RENDERER:
      g_value_set_object (value, self->renderer);
      break;
    case PROP_N_PAGES:
      g_value_set_uint (value, teken_page_canvas_get_n_pages (self));
      break;
    case PROP_CURRENT_PAGE:
      g_value_set_uint (value, self->current_page);
      break;
    case PROP_ZOOM_MODE:
      g_value_set_enum (value, self->zoom_mode);
      break;
    case PROP_SCALE:
      g_value_set_double (value, teken_page_canvas_get_scale (self));
      break;
    case PROP_PLACING:
      g_value_set_boolean (value, self->placing);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_page_canvas_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TekenPageCanvas *self = TEKEN_PAGE_CANVAS (object);

  switch (prop_id)
    {
    case PROP_RENDERER:
      teken_page_canvas_set_renderer (self, g_value_get_object (value));
      break;
    case PROP_CURRENT_PAGE:
      teken_page_canvas_go_to_page (self, g_value_get_uint (value));
      break;
    case PROP_ZOOM_MODE:
      teken_page_canvas_set_zoom_mode (self, g_value_get_enum (value));
      break;
    case PROP_SCALE:
      teken_page_canvas_set_scale (self, g_value_get_double (value));
      break;
    case PROP_PLACING:
      teken_page_canvas_set_placing (self, g_value_get_boolean (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_page_canvas_class_init (TekenPageCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_page_canvas_dispose;
  object_class->get_property = teken_page_canvas_get_property;
  object_class->set_property = teken_page_canvas_set_property;

  widget_class->measure = teken_page_canvas_measure;
  widget_class->size_allocate = teken_page_canvas_size_allocate;
  widget_class->snapshot = teken_page_canvas_snapshot;
  widget_class->map = teken_page_canvas_map;

  properties[PROP_RENDERER] =
    g_param_spec_object ("renderer", NULL, NULL, TEKEN_TYPE_PAGE_RENDERER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PAGES] =
    g_param_spec_uint ("n-pages", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENT_PAGE] =
    g_param_spec_uint ("current-page", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM_MODE] =
    g_param_spec_enum ("zoom-mode", NULL, NULL, TEKEN_TYPE_ZOOM_MODE, TEKEN_ZOOM_FIT_WIDTH,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, NULL, TEKEN_SCALE_MIN, TEKEN_SCALE_MAX, TEKEN_SCALE_ACTUAL_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLACING] =
    g_param_spec_boolean ("placing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  /**
   * TekenPageCanvas::page-rendered:
   * @page: 0-based
   *
   * A page's picture arrived and is drawn from the next frame on.
   */
  signals[PAGE_RENDERED] =
    g_signal_new ("page-rendered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * TekenPageCanvas::box-placed:
   * @page: 0-based
   * @x: left edge, in points from the left of the page as shown
   * @y: top edge, in points from the top of the page as shown
   * @width: in points
   * @height: in points
   *
   * While placing, the holder dragged (or clicked) a signature box.
   */
  signals[BOX_PLACED] =
    g_signal_new ("box-placed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Page_Down, 0, scroll_page_cb, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Page_Down, 0, scroll_page_cb, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_space, 0, scroll_page_cb, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Page_Up, 0, scroll_page_cb, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Page_Up, 0, scroll_page_cb, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_space, GDK_SHIFT_MASK, scroll_page_cb, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Home, 0, scroll_end_cb, "b", FALSE);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Home, 0, scroll_end_cb, "b", FALSE);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_End, 0, scroll_end_cb, "b", TRUE);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_End, 0, scroll_end_cb, "b", TRUE);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, 0, scroll_step_cb, "(ii)", 0, 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, 0, scroll_step_cb, "(ii)", 0, -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Right, 0, scroll_step_cb, "(ii)", 1, 0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, 0, scroll_step_cb, "(ii)", -1, 0);

  gtk_widget_class_set_css_name (widget_class, "pagecanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_DOCUMENT);
}

static void
teken_page_canvas_init (TekenPageCanvas *self)
{
  GtkEventController *scroll;
  GtkGesture *click;
  GtkGesture *drag;

  self->zoom_mode = TEKEN_ZOOM_FIT_WIDTH;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Document pages"),
                                  -1);
  self->free_scale = TEKEN_SCALE_ACTUAL_SIZE;
  self->pending_page = -1;

  set_adjustment (self, &self->hadjustment, NULL);
  set_adjustment (self, &self->vadjustment, NULL);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                            GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scrolled_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_began_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_updated_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_ended_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

GtkWidget *
teken_page_canvas_new (void)
{
  return g_object_new (TEKEN_TYPE_PAGE_CANVAS, NULL);
}

/**
 * teken_page_canvas_set_renderer:
 * @renderer: (nullable): the document to show
 *
 * Shows @renderer's document from its first page.
 */
void
teken_page_canvas_set_renderer (TekenPageCanvas   *self,
                                TekenPageRenderer *renderer)
{
  g_autofree graphene_size_t *sizes = NULL;
  guint n_pages;

  g_return_if_fail (TEKEN_IS_PAGE_CANVAS (self));
  g_return_if_fail (renderer == NULL || TEKEN_IS_PAGE_RENDERER (renderer));

  if (self->renderer == renderer)
    return;

  clear_pages (self);
  g_clear_pointer (&self->layout, teken_page_layout_free);
  g_set_object (&self->renderer, renderer);
  self->current_page = 0;
  self->have_anchor = FALSE;
  self->pending_page = -1;
  self->has_box = FALSE;
  self->dragging = FALSE;

  if (renderer != NULL)
    {
      n_pages = teken_page_renderer_get_n_pages (renderer);
      sizes = g_new0 (graphene_size_t, n_pages);
      for (guint i = 0; i < n_pages; i++)
        {
          double width, height;

          teken_page_renderer_get_page_size (renderer, i, &width, &height);
          graphene_size_init (&sizes[i], width, height);
        }

      self->layout = teken_page_layout_new (sizes, n_pages);
      self->pages = g_array_sized_new (FALSE, TRUE, sizeof (PageState), n_pages);
      g_array_set_size (self->pages, n_pages);
      self->pending_page = 0;
      update_accessible (self);
    }

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RENDERER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_PAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

TekenPageRenderer *
teken_page_canvas_get_renderer (TekenPageCanvas *self)
{
  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), NULL);

  return self->renderer;
}

/* The layout as last allocated, or %NULL without a document. */
TekenPageLayout *
teken_page_canvas_get_layout (TekenPageCanvas *self)
{
  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), NULL);

  return self->layout;
}

guint
teken_page_canvas_get_n_pages (TekenPageCanvas *self)
{
  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), 0);

  return self->layout ? teken_page_layout_get_n_pages (self->layout) : 0;
}

guint
teken_page_canvas_get_current_page (TekenPageCanvas *self)
{
  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), 0);

  return self->current_page;
}

/* Scrolls so that @page's top is at the top of the view. */
void
teken_page_canvas_go_to_page (TekenPageCanvas *self,
                              guint            page)
{
  graphene_rect_t rect;

  g_return_if_fail (TEKEN_IS_PAGE_CANVAS (self));

  if (self->layout == NULL)
    return;

  page = MIN (page, teken_page_layout_get_n_pages (self->layout) - 1);
  if (self->pending_page >= 0 || gtk_adjustment_get_page_size (self->vadjustment) <= 0)
    {
      self->pending_page = page;
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }

  teken_page_layout_get_page_rect (self->layout, page, &rect);
  gtk_adjustment_set_value (self->vadjustment, rect.origin.y - TEKEN_PAGE_MARGIN);

  /* A short last page cannot scroll to the top; it is still the one asked for. */
  if (self->current_page != page)
    {
      self->current_page = page;
      update_accessible (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_PAGE]);
    }
}

TekenZoomMode
teken_page_canvas_get_zoom_mode (TekenPageCanvas *self)
{
  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), TEKEN_ZOOM_FIT_WIDTH);

  return self->zoom_mode;
}

void
teken_page_canvas_set_zoom_mode (TekenPageCanvas *self,
                                 TekenZoomMode    mode)
{
  g_return_if_fail (TEKEN_IS_PAGE_CANVAS (self));

  if (self->zoom_mode == mode)
    return;

  if (mode == TEKEN_ZOOM_FREE)
    self->free_scale = teken_page_canvas_get_scale (self);
  self->zoom_mode = mode;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM_MODE]);
}

/* Pixels per point. */
double
teken_page_canvas_get_scale (TekenPageCanvas *self)
{
  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), TEKEN_SCALE_ACTUAL_SIZE);

  /* A free zoom reads back at once, before the next layout. */
  if (self->layout == NULL || self->zoom_mode == TEKEN_ZOOM_FREE)
    return self->free_scale;

  return teken_page_layout_get_scale (self->layout);
}

/* Sets a free zoom, in pixels per point, keeping the centre in place. */
void
teken_page_canvas_set_scale (TekenPageCanvas *self,
                             double           scale)
{
  g_return_if_fail (TEKEN_IS_PAGE_CANVAS (self));

  scale = CLAMP (scale, TEKEN_SCALE_MIN, TEKEN_SCALE_MAX);
  self->free_scale = scale;
  if (self->zoom_mode != TEKEN_ZOOM_FREE)
    {
      self->zoom_mode = TEKEN_ZOOM_FREE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM_MODE]);
    }

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

void
teken_page_canvas_zoom_in (TekenPageCanvas *self)
{
  double percent = teken_page_canvas_get_scale (self) / TEKEN_SCALE_ACTUAL_SIZE * 100;

  for (guint i = 0; i < G_N_ELEMENTS (zoom_steps); i++)
    {
      if (zoom_steps[i] > percent * 1.01)
        {
          teken_page_canvas_set_scale (self, zoom_steps[i] / 100 * TEKEN_SCALE_ACTUAL_SIZE);
          return;
        }
    }
}

void
teken_page_canvas_zoom_out (TekenPageCanvas *self)
{
  double percent = teken_page_canvas_get_scale (self) / TEKEN_SCALE_ACTUAL_SIZE * 100;

  for (guint i = G_N_ELEMENTS (zoom_steps); i > 0; i--)
    {
      if (zoom_steps[i - 1] < percent * 0.99)
        {
          teken_page_canvas_set_scale (self, zoom_steps[i - 1] / 100 * TEKEN_SCALE_ACTUAL_SIZE);
          return;
        }
    }
}

/* How many pages hold a picture now; for tests and the benchmark. */
guint
teken_page_canvas_get_n_rendered (TekenPageCanvas *self)
{
  guint n = 0;

  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), 0);

  for (guint i = 0; self->pages != NULL && i < self->pages->len; i++)
    n += g_array_index (self->pages, PageState, i).texture != NULL;

  return n;
}

/* Whether @page's picture is there at the current zoom. */
gboolean
teken_page_canvas_page_is_rendered (TekenPageCanvas *self,
                                    guint            page)
{
  PageState *state;

  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), FALSE);

  if (self->pages == NULL || page >= self->pages->len)
    return FALSE;

  state = &g_array_index (self->pages, PageState, page);
  return state->texture != NULL && G_APPROX_VALUE (state->texture_scale, get_device_scale (self), 1e-6);
}

/* Bytes of pixels held by rendered pages. */
gsize
teken_page_canvas_get_cache_size (TekenPageCanvas *self)
{
  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), 0);

  return self->cache_size;
}

/* Whether a drag on a page places a signature box (and scrolling stays
 * with the wheel and keys meanwhile). */
void
teken_page_canvas_set_placing (TekenPageCanvas *self,
                               gboolean         placing)
{
  g_return_if_fail (TEKEN_IS_PAGE_CANVAS (self));

  placing = !!placing;
  if (self->placing == placing)
    return;

  self->placing = placing;
  self->dragging = FALSE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), placing ? "crosshair" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLACING]);
}

gboolean
teken_page_canvas_get_placing (TekenPageCanvas *self)
{
  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), FALSE);

  return self->placing;
}

/**
 * teken_page_canvas_set_box:
 * @box: (nullable): in points on @page as shown, or %NULL for none
 *
 * Shows a chosen signature box on a page.
 */
void
teken_page_canvas_set_box (TekenPageCanvas       *self,
                           guint                  page,
                           const graphene_rect_t *box)
{
  g_return_if_fail (TEKEN_IS_PAGE_CANVAS (self));

  self->has_box = box != NULL;
  self->box_page = page;
  if (box != NULL)
    self->box = *box;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * teken_page_canvas_place_box:
 * @x0: where the drag began, in widget pixels
 * @x1: where it ended
 *
 * Turns a drag into a signature box on the page where it began, in points
 * on that page as shown: clamped to the page, at least the smallest box a
 * signature's text fits in. A click, or a drag too short to mean a size,
 * places a box of the usual size centred there. Emits
 * TekenPageCanvas::box-placed.
 *
 * Returns: whether the drag began on a page
 */
gboolean
teken_page_canvas_place_box (TekenPageCanvas *self,
                             double           x0,
                             double           y0,
                             double           x1,
                             double           y1)
{
  double left, top;
  graphene_point_t start, end;
  graphene_size_t size;
  graphene_rect_t rect;
  guint page;
  double width, height, x, y;

  g_return_val_if_fail (TEKEN_IS_PAGE_CANVAS (self), FALSE);

  if (self->layout == NULL)
    return FALSE;

  left = gtk_adjustment_get_value (self->hadjustment);
  top = gtk_adjustment_get_value (self->vadjustment);
  if (!teken_page_layout_content_to_page (self->layout, x0 + left, y0 + top, &page, &start))
    return FALSE;

  teken_page_layout_get_page_size (self->layout, page, &size);
  teken_page_layout_get_page_rect (self->layout, page, &rect);
  end.x = CLAMP ((x1 + left - rect.origin.x) * size.width / rect.size.width, 0, size.width);
  end.y = CLAMP ((y1 + top - rect.origin.y) * size.height / rect.size.height, 0, size.height);

  width = fabs (end.x - start.x);
  height = fabs (end.y - start.y);
  x = MIN (start.x, end.x);
  y = MIN (start.y, end.y);

  if (width < TEKEN_SIGNATURE_BOX_CLICK && height < TEKEN_SIGNATURE_BOX_CLICK)
    {
      width = TEKEN_SIGNATURE_BOX_WIDTH;
      height = TEKEN_SIGNATURE_BOX_HEIGHT;
      x = start.x - width / 2;
      y = start.y - height / 2;
    }
  width = MIN (MAX (width, TEKEN_APPEARANCE_MIN_WIDTH), size.width);
  height = MIN (MAX (height, TEKEN_APPEARANCE_MIN_HEIGHT), size.height);
  x = CLAMP (x, 0, size.width - width);
  y = CLAMP (y, 0, size.height - height);

  teken_page_canvas_set_box (self, page, &GRAPHENE_RECT_INIT (x, y, width, height));
  g_signal_emit (self, signals[BOX_PLACED], 0, page, x, y, width, height);

  return TRUE;
}
