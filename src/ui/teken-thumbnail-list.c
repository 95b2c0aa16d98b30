/* teken-thumbnail-list.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The pages of a document as small pictures, in a sidebar.
 *
 * A GtkListView recycles its rows, but GTK 4.8 binds up to 200 of them
 * around the visible ones, so binding is not seeing: after each scroll the
 * rows within half a screen of the visible area are asked of the page
 * renderer, and the requests of rows that scrolled away are cancelled.
 * Scrolling past 500 pages renders the few that stopped on screen, and
 * nothing is rendered while the sidebar is hidden. Thumbnails queue behind
 * the pages of the document itself (a larger priority number); the last
 * TEKEN_THUMBNAIL_CACHE_SIZE stay in memory and rows far from the screen
 * let go of theirs, so memory does not grow with the document.
 *
 * Selecting a thumbnail (a click, or the arrow keys) asks the view to go
 * to its page; the view tells the list which page is current, which is
 * selected without going anywhere.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-thumbnail-list.h"

/* After the document's visible and prefetched pages (0… and 1000…). */
#define THUMBNAIL_PRIORITY 2000

struct _TekenThumbnailList
{
  AdwBin              parent_instance;

  TekenPageRenderer  *renderer;
  GHashTable         *textures;   /* page → GdkTexture */
  GQueue              recent;     /* pages in textures, most recently shown first */
  GHashTable         *pending;    /* page → GCancellable */
  GHashTable         *bound;      /* page → GtkListItem */
  gboolean            syncing;
  guint               update_source;

  /* Template widgets */
  GtkScrolledWindow  *scrolled_window;
  GtkListView        *list_view;
  GtkSingleSelection *selection;
};

G_DEFINE_FINAL_TYPE (TekenThumbnailList, teken_thumbnail_list, ADW_TYPE_BIN)

enum {
  PAGE_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  TekenThumbnailList *self;
  guint               page;
} Request;

#define PAGE_KEY(page) GUINT_TO_POINTER ((page) + 1)

static void queue_update (TekenThumbnailList *self);

static GtkPicture *
get_picture (GtkListItem *item)
{
  GtkWidget *box = gtk_list_item_get_child (item);

  return GTK_PICTURE (gtk_widget_get_first_child (gtk_widget_get_first_child (box)));
}

static GtkLabel *
get_label (GtkListItem *item)
{
  GtkWidget *box = gtk_list_item_get_child (item);

  return GTK_LABEL (gtk_widget_get_last_child (box));
}

static void
get_thumbnail_size (TekenThumbnailList *self,
                    guint               page,
                    int                *width,
                    int                *height)
{
  double page_width = 1, page_height = 1;

  teken_page_renderer_get_page_size (self->renderer, page, &page_width, &page_height);
  page_width = MAX (page_width, 1);
  page_height = MAX (page_height, 1);

  /* A very tall page is as high as two A4 ones, no higher. */
  *width = TEKEN_THUMBNAIL_WIDTH;
  *height = CLAMP ((int) (TEKEN_THUMBNAIL_WIDTH * page_height / page_width + 0.5), 16, 3 * TEKEN_THUMBNAIL_WIDTH);
  if (page_width < page_height && *height == 3 * TEKEN_THUMBNAIL_WIDTH)
    *width = MAX (16, (int) (*height * page_width / page_height + 0.5));
}

static void
touch (TekenThumbnailList *self,
       guint               page)
{
  g_queue_remove (&self->recent, PAGE_KEY (page));
  g_queue_push_head (&self->recent, PAGE_KEY (page));
}

static void
remember (TekenThumbnailList *self,
          guint               page,
          GdkTexture         *texture)
{
  g_hash_table_replace (self->textures, PAGE_KEY (page), g_object_ref (texture));
  touch (self, page);

  /* A row on screen keeps its own reference; the cache forgets the oldest. */
  while (g_queue_get_length (&self->recent) > TEKEN_THUMBNAIL_CACHE_SIZE)
    g_hash_table_remove (self->textures, g_queue_pop_tail (&self->recent));
}

static void
thumbnail_rendered_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autofree Request *request = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  TekenThumbnailList *self;
  GtkListItem *item;

  texture = teken_page_renderer_render_finish (TEKEN_PAGE_RENDERER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Not cancelled: the list still has this renderer. */
  self = request->self;
  g_hash_table_remove (self->pending, PAGE_KEY (request->page));

  if (texture == NULL)
    {
      g_debug ("The thumbnail of page %u could not be rendered: %s", request->page + 1, error->message);
      return;
    }

  remember (self, request->page, texture);
  item = g_hash_table_lookup (self->bound, PAGE_KEY (request->page));
  if (item != NULL)
    gtk_picture_set_paintable (get_picture (item), GDK_PAINTABLE (texture));
}

static void
request_thumbnail (TekenThumbnailList *self,
                   guint               page)
{
  GCancellable *cancellable;
  Request *request;
  int width, height;
  double page_width, page_height;

  if (g_hash_table_contains (self->pending, PAGE_KEY (page)))
    return;

  get_thumbnail_size (self, page, &width, &height);
  teken_page_renderer_get_page_size (self->renderer, page, &page_width, &page_height);

  request = g_new0 (Request, 1);
  request->self = self;
  request->page = page;
  cancellable = g_cancellable_new ();
  g_hash_table_insert (self->pending, PAGE_KEY (page), cancellable);
  teken_page_renderer_render_async (self->renderer, page,
                                    width * gtk_widget_get_scale_factor (GTK_WIDGET (self)) / MAX (page_width, 1),
                                    THUMBNAIL_PRIORITY, cancellable,
                                    thumbnail_rendered_cb, request);
}

static void
cancel_all (TekenThumbnailList *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (value);
  g_hash_table_remove_all (self->pending);
}

static void
cancel_request (TekenThumbnailList *self,
                gpointer            key)
{
  GCancellable *cancellable = g_hash_table_lookup (self->pending, key);

  if (cancellable != NULL)
    {
      g_cancellable_cancel (cancellable);
      g_hash_table_remove (self->pending, key);
    }
}

/* Whether a row is on screen or within half a screen of it. */
static gboolean
is_near (TekenThumbnailList *self,
         GtkListItem        *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);
  int height = gtk_widget_get_height (GTK_WIDGET (self->scrolled_window));
  graphene_rect_t bounds;

  if (child == NULL || height <= 0 || !gtk_widget_get_child_visible (gtk_widget_get_parent (child)) ||
      !gtk_widget_compute_bounds (child, GTK_WIDGET (self->scrolled_window), &bounds))
    return FALSE;

  return bounds.origin.y + bounds.size.height >= -height / 2.0 && bounds.origin.y <= height * 1.5;
}

static gboolean
update_cb (gpointer user_data)
{
  TekenThumbnailList *self = user_data;
  GHashTableIter iter;
  gpointer key, value;

  self->update_source = 0;
  if (self->renderer == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_REMOVE;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint page = GPOINTER_TO_UINT (key) - 1;
      GtkPicture *picture = get_picture (value);
      GdkTexture *texture = g_hash_table_lookup (self->textures, key);

      if (is_near (self, value))
        {
          if (texture != NULL)
            {
              touch (self, page);
              if (gtk_picture_get_paintable (picture) == NULL)
                gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
            }
          else if (gtk_picture_get_paintable (picture) == NULL)
            request_thumbnail (self, page);
        }
      else
        {
          cancel_request (self, key);
          gtk_picture_set_paintable (picture, NULL);
        }
    }

  return G_SOURCE_REMOVE;
}

/* After the next layout: rows are placed where they will be drawn. */
static void
queue_update (TekenThumbnailList *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, update_cb, self, NULL);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          TekenThumbnailList       *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *frame = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_halign (frame, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (frame, "thumbnail");
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (frame), picture);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         TekenThumbnailList       *self)
{
  guint page = gtk_list_item_get_position (item);
  GtkPicture *picture = get_picture (item);
  g_autofree char *name = NULL;
  GdkTexture *texture;
  GtkWidget *row;
  int width, height;

  if (self->renderer == NULL || page >= teken_page_renderer_get_n_pages (self->renderer))
    return;

  get_thumbnail_size (self, page, &width, &height);
  gtk_widget_set_size_request (GTK_WIDGET (picture), width, height);
  gtk_label_set_text (get_label (item), gtk_string_object_get_string (gtk_list_item_get_item (item)));
  /* Translators: a thumbnail's accessible name, %u is a page number */
  name = g_strdup_printf (_("Page %u"), page + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_list_item_get_child (item)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  /* The row around the child is what takes the focus, and GTK 4.8 has no
   * gtk_list_item_set_accessible_label(): name it too. */
  if ((row = gtk_widget_get_parent (gtk_list_item_get_child (item))) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);

  g_object_set_data (G_OBJECT (item), "teken-page", PAGE_KEY (page));
  g_hash_table_insert (self->bound, PAGE_KEY (page), item);

  texture = g_hash_table_lookup (self->textures, PAGE_KEY (page));
  gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
  queue_update (self);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           TekenThumbnailList       *self)
{
  gpointer key = g_object_get_data (G_OBJECT (item), "teken-page");

  gtk_picture_set_paintable (get_picture (item), NULL);
  if (key == NULL)
    return;

  g_object_set_data (G_OBJECT (item), "teken-page", NULL);
  if (g_hash_table_lookup (self->bound, key) == item)
    g_hash_table_remove (self->bound, key);

  /* Nobody waits for it any more. */
  cancel_request (self, key);
}

static void
selected_changed_cb (TekenThumbnailList *self)
{
  guint page = gtk_single_selection_get_selected (self->selection);

  if (self->syncing || page == GTK_INVALID_LIST_POSITION)
    return;

  g_signal_emit (self, signals[PAGE_SELECTED], 0, page);
}

/* Enter or a double click on the page already selected. */
static void
activated_cb (TekenThumbnailList *self,
              guint               position)
{
  g_signal_emit (self, signals[PAGE_SELECTED], 0, position);
}

static void
scrolled_cb (TekenThumbnailList *self)
{
  queue_update (self);
}

static void
teken_thumbnail_list_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (teken_thumbnail_list_parent_class)->map (widget);

  queue_update (TEKEN_THUMBNAIL_LIST (widget));
}

/* Hidden, the sidebar renders nothing. */
static void
teken_thumbnail_list_unmap (GtkWidget *widget)
{
  TekenThumbnailList *self = TEKEN_THUMBNAIL_LIST (widget);

  cancel_all (self);
  g_clear_handle_id (&self->update_source, g_source_remove);

  GTK_WIDGET_CLASS (teken_thumbnail_list_parent_class)->unmap (widget);
}

static void
teken_thumbnail_list_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  GTK_WIDGET_CLASS (teken_thumbnail_list_parent_class)->size_allocate (widget, width, height, baseline);

  queue_update (TEKEN_THUMBNAIL_LIST (widget));
}

static void
teken_thumbnail_list_dispose (GObject *object)
{
  TekenThumbnailList *self = TEKEN_THUMBNAIL_LIST (object);

  g_clear_handle_id (&self->update_source, g_source_remove);
  if (self->pending != NULL)
    cancel_all (self);
  g_clear_object (&self->renderer);

  /* AdwBin unparents the scrolled window, a template child of ours too. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  self->scrolled_window = NULL;
  self->list_view = NULL;
  self->selection = NULL;

  G_OBJECT_CLASS (teken_thumbnail_list_parent_class)->dispose (object);
}

static void
teken_thumbnail_list_finalize (GObject *object)
{
  TekenThumbnailList *self = TEKEN_THUMBNAIL_LIST (object);

  g_hash_table_unref (self->textures);
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->bound);
  g_queue_clear (&self->recent);

  G_OBJECT_CLASS (teken_thumbnail_list_parent_class)->finalize (object);
}

static void
teken_thumbnail_list_class_init (TekenThumbnailListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_thumbnail_list_dispose;
  object_class->finalize = teken_thumbnail_list_finalize;
  widget_class->map = teken_thumbnail_list_map;
  widget_class->unmap = teken_thumbnail_list_unmap;
  widget_class->size_allocate = teken_thumbnail_list_size_allocate;

  /**
   * TekenThumbnailList::page-selected:
   * @page: 0-based
   *
   * The holder chose a page: the view should show it.
   */
  signals[PAGE_SELECTED] =
    g_signal_new ("page-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-thumbnail-list.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenThumbnailList, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, TekenThumbnailList, list_view);
  gtk_widget_class_bind_template_child (widget_class, TekenThumbnailList, selection);
  gtk_widget_class_bind_template_callback (widget_class, selected_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, activated_cb);
}

static void
teken_thumbnail_list_init (TekenThumbnailList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->textures = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->pending = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->bound = g_hash_table_new (NULL, NULL);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scrolled_window), "value-changed",
                           G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);
}

/**
 * teken_thumbnail_list_set_renderer:
 * @renderer: (nullable): the document's pages, or %NULL for none
 */
void
teken_thumbnail_list_set_renderer (TekenThumbnailList *self,
                                   TekenPageRenderer  *renderer)
{
  g_autoptr(GtkStringList) pages = NULL;

  g_return_if_fail (TEKEN_IS_THUMBNAIL_LIST (self));
  g_return_if_fail (renderer == NULL || TEKEN_IS_PAGE_RENDERER (renderer));

  if (self->renderer == renderer)
    return;

  cancel_all (self);
  g_hash_table_remove_all (self->textures);
  g_queue_clear (&self->recent);

  self->syncing = TRUE;
  gtk_single_selection_set_model (self->selection, NULL);
  g_set_object (&self->renderer, renderer);

  if (renderer != NULL)
    {
      guint n_pages = teken_page_renderer_get_n_pages (renderer);

      pages = gtk_string_list_new (NULL);
      for (guint i = 0; i < n_pages; i++)
        {
          char label[16];

          g_snprintf (label, sizeof label, "%u", i + 1);
          gtk_string_list_append (pages, label);
        }
      gtk_single_selection_set_model (self->selection, G_LIST_MODEL (pages));
      gtk_single_selection_set_selected (self->selection, 0);
    }
  self->syncing = FALSE;
}

/* Selects @page, which the view shows, and scrolls to it. */
void
teken_thumbnail_list_set_current_page (TekenThumbnailList *self,
                                       guint               page)
{
  g_return_if_fail (TEKEN_IS_THUMBNAIL_LIST (self));

  if (self->renderer == NULL || page >= teken_page_renderer_get_n_pages (self->renderer) ||
      gtk_single_selection_get_selected (self->selection) == page)
    return;

  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, page);
  self->syncing = FALSE;

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", page);
}

guint
teken_thumbnail_list_get_selected_page (TekenThumbnailList *self)
{
  g_return_val_if_fail (TEKEN_IS_THUMBNAIL_LIST (self), GTK_INVALID_LIST_POSITION);

  return gtk_single_selection_get_selected (self->selection);
}

GtkListView *
teken_thumbnail_list_get_list_view (TekenThumbnailList *self)
{
  g_return_val_if_fail (TEKEN_IS_THUMBNAIL_LIST (self), NULL);

  return self->list_view;
}

/* Whether the thumbnail of @page is in memory. */
gboolean
teken_thumbnail_list_page_is_rendered (TekenThumbnailList *self,
                                       guint               page)
{
  g_return_val_if_fail (TEKEN_IS_THUMBNAIL_LIST (self), FALSE);

  return g_hash_table_contains (self->textures, PAGE_KEY (page));
}

/* How many thumbnails are in memory (the rows on screen may keep a few more). */
guint
teken_thumbnail_list_get_n_rendered (TekenThumbnailList *self)
{
  g_return_val_if_fail (TEKEN_IS_THUMBNAIL_LIST (self), 0);

  return g_hash_table_size (self->textures);
}

/* How many thumbnails are being rendered or wait for the renderer. */
guint
teken_thumbnail_list_get_n_requested (TekenThumbnailList *self)
{
  g_return_val_if_fail (TEKEN_IS_THUMBNAIL_LIST (self), 0);

  return g_hash_table_size (self->pending);
}
