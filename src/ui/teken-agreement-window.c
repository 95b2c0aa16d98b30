/* teken-agreement-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One agreement to read before accepting it — the privacy policy or the
 * certificate holder agreement, as the CA's agreement endpoint sends it
 * (docs/api.md §5.9). The enrollment wizard and My Certificate both open
 * it; each keeps its own note of which version was read. */

#include "config.h"

#include <cmark.h>
#include <glib/gi18n.h>
#include <string.h>

#include "teken-agreement-window.h"

/* The text view's margin (as in the template), how far a list item's text
 * sits from its marker, the gap between blocks and between tight items. */
#define MARGIN 18
#define HANG 28
#define BLOCK_GAP 12
#define ITEM_GAP 4
/* Deeper nesting than this is drawn at this depth, not off the window. */
#define MAX_LEVEL 6

struct _TekenAgreementWindow
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  GtkTextView *text_view;
};

G_DEFINE_FINAL_TYPE (TekenAgreementWindow, teken_agreement_window, ADW_TYPE_WINDOW)

/* The agreements are CommonMark. A holder reads the document, not its
 * `#` and `**`, so it is parsed with cmark (the CommonMark reference
 * parser) and put into the buffer as text with tags. Raw HTML is never
 * interpreted: it is shown as the text it is, so nothing the CA sends is
 * hidden from the reader and nothing in it can act. */

typedef struct
{
  int offset;        /* where the node's text begins */
  GtkTextTag *margin;
} Open;

typedef struct
{
  GtkTextBuffer *buffer;
  GArray *open;          /* Open, for each paragraph, heading, emphasis */
  GArray *numbers;       /* int, the next number of each list */
  gboolean after_marker; /* a list marker waits for its item's first block */
  int marker_offset;
} Renderer;

static void
create_tags (GtkTextBuffer *buffer)
{
  if (gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "gap") != NULL)
    return;
  /* Where two tags set the same property the later one wins: the gap
   * after a list outweighs the one between its items. */
  gtk_text_buffer_create_tag (buffer, "item-gap", "pixels-below-lines", ITEM_GAP, NULL);
  gtk_text_buffer_create_tag (buffer, "gap", "pixels-below-lines", BLOCK_GAP, NULL);
  gtk_text_buffer_create_tag (buffer, "heading-1", "weight", PANGO_WEIGHT_BOLD, "scale", PANGO_SCALE_X_LARGE,
                              "pixels-below-lines", 8, NULL);
  gtk_text_buffer_create_tag (buffer, "heading-2", "weight", PANGO_WEIGHT_BOLD, "scale", PANGO_SCALE_LARGE,
                              "pixels-above-lines", 12, "pixels-below-lines", 6, NULL);
  gtk_text_buffer_create_tag (buffer, "heading-3", "weight", PANGO_WEIGHT_BOLD,
                              "pixels-above-lines", 8, "pixels-below-lines", 4, NULL);
  gtk_text_buffer_create_tag (buffer, "strong", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (buffer, "emph", "style", PANGO_STYLE_ITALIC, NULL);
  gtk_text_buffer_create_tag (buffer, "code", "family", "monospace", NULL);
  gtk_text_buffer_create_tag (buffer, "rule", "justification", GTK_JUSTIFY_CENTER, NULL);
}

/* Text @level steps in. With @hanging, the first line starts a step back,
 * where the list marker goes, and a tab after the marker takes the text
 * to the step, under which the item's later lines wrap. */
static GtkTextTag *
margin_tag (GtkTextBuffer *buffer,
            guint          level,
            gboolean       hanging)
{
  g_autofree char *name = NULL;
  GtkTextTag *tag;
  PangoTabArray *tabs;

  level = MIN (level, MAX_LEVEL);
  if (level == 0)
    return NULL;
  name = g_strdup_printf ("%s-%u", hanging ? "hanging" : "margin", level);
  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), name);
  if (tag != NULL)
    return tag;
  if (!hanging)
    return gtk_text_buffer_create_tag (buffer, name, "left-margin", MARGIN + level * HANG, NULL);
  tabs = pango_tab_array_new_with_positions (1, TRUE, PANGO_TAB_LEFT, HANG);
  tag = gtk_text_buffer_create_tag (buffer, name, "left-margin", MARGIN + (level - 1) * HANG,
                                    "indent", -HANG, "tabs", tabs, NULL);
  pango_tab_array_free (tabs);
  return tag;
}

/* How many list items and block quotes hold @node. */
static guint
nesting_level (cmark_node *node)
{
  guint level = 0;

  for (cmark_node *up = cmark_node_parent (node); up != NULL && level < MAX_LEVEL; up = cmark_node_parent (up))
    if (cmark_node_get_type (up) == CMARK_NODE_ITEM || cmark_node_get_type (up) == CMARK_NODE_BLOCK_QUOTE)
      level++;
  return level;
}

static int
end_offset (Renderer *r)
{
  return gtk_text_buffer_get_char_count (r->buffer);
}

static void
insert (Renderer   *r,
        const char *text,
        gssize      length,
        const char *tag_name)
{
  GtkTextIter end;
  g_autofree char *valid = NULL;

  if (text == NULL)
    return;
  if (length < 0)
    length = strlen (text);
  /* cmark replaces bad UTF-8 already; the buffer must never see any. */
  if (!g_utf8_validate (text, length, NULL))
    {
      valid = g_utf8_make_valid (text, length);
      text = valid;
      length = strlen (valid);
    }
  gtk_text_buffer_get_end_iter (r->buffer, &end);
  gtk_text_buffer_insert_with_tags_by_name (r->buffer, &end, text, length, tag_name, NULL);
}

/* A literal without its last newline (code and HTML blocks end with one). */
static void
insert_block_literal (Renderer   *r,
                      cmark_node *node,
                      const char *tag_name)
{
  const char *literal = cmark_node_get_literal (node);
  gssize length = literal != NULL ? (gssize) strlen (literal) : 0;

  while (length > 0 && literal[length - 1] == '\n')
    length--;
  insert (r, literal, length, tag_name);
}

static void
apply (Renderer   *r,
       GtkTextTag *tag,
       int         from)
{
  GtkTextIter start, end;

  if (tag == NULL)
    return;
  gtk_text_buffer_get_iter_at_offset (r->buffer, &start, from);
  gtk_text_buffer_get_end_iter (r->buffer, &end);
  gtk_text_buffer_apply_tag (r->buffer, tag, &start, &end);
}

static GtkTextTag *
lookup (Renderer   *r,
        const char *name)
{
  return gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (r->buffer), name);
}

/* The space under a block is the space under its last line (a paragraph
 * is one line of the buffer, wrapped; a code block is several). */
static void
apply_to_last_line (Renderer   *r,
                    const char *name)
{
  GtkTextIter start;

  gtk_text_buffer_get_end_iter (r->buffer, &start);
  gtk_text_iter_set_line_offset (&start, 0);
  apply (r, lookup (r, name), gtk_text_iter_get_offset (&start));
}

/* A block begins on a line of its own, or on the line of the list marker
 * that waits for it. */
static Open
begin_block (Renderer *r,
             guint     level)
{
  Open block;
  GtkTextIter end;

  if (r->after_marker)
    {
      r->after_marker = FALSE;
      block.offset = r->marker_offset;
      block.margin = margin_tag (r->buffer, level, TRUE);
      return block;
    }
  gtk_text_buffer_get_end_iter (r->buffer, &end);
  if (!gtk_text_iter_is_start (&end) && !gtk_text_iter_starts_line (&end))
    insert (r, "\n", 1, NULL);
  block.offset = end_offset (r);
  block.margin = margin_tag (r->buffer, level, FALSE);
  return block;
}

static void
end_block (Renderer   *r,
           Open        block,
           const char *gap)
{
  apply (r, block.margin, block.offset);
  if (gap != NULL)
    apply_to_last_line (r, gap);
}

static const char *
paragraph_gap (cmark_node *node)
{
  cmark_node *parent = cmark_node_parent (node);

  if (cmark_node_get_type (parent) == CMARK_NODE_ITEM && cmark_node_get_list_tight (cmark_node_parent (parent)))
    return "item-gap";
  return "gap";
}

static void
push (Renderer *r,
      Open      block)
{
  g_array_append_val (r->open, block);
}

static Open
pop (Renderer *r)
{
  Open block = g_array_index (r->open, Open, r->open->len - 1);

  g_array_set_size (r->open, r->open->len - 1);
  return block;
}

static void
begin_item (Renderer   *r,
            cmark_node *node)
{
  cmark_node *list = cmark_node_parent (node);
  g_autofree char *marker = NULL;

  /* An item whose first block was itself a list: that marker stands alone. */
  if (r->after_marker)
    end_block (r, begin_block (r, nesting_level (node)), NULL);
  r->marker_offset = begin_block (r, 0).offset;
  if (cmark_node_get_list_type (list) == CMARK_ORDERED_LIST)
    {
      int *number = &g_array_index (r->numbers, int, r->numbers->len - 1);

      marker = g_strdup_printf ("%d%s\t", *number,
                                cmark_node_get_list_delim (list) == CMARK_PAREN_DELIM ? ")" : ".");
      (*number)++;
    }
  else
    marker = g_strdup ("•\t");
  insert (r, marker, -1, NULL);
  r->after_marker = TRUE;
}

static void
end_item (Renderer   *r,
          cmark_node *node)
{
  /* An empty item: its marker alone. */
  if (r->after_marker)
    end_block (r, begin_block (r, nesting_level (node) + 1),
               cmark_node_get_list_tight (cmark_node_parent (node)) ? "item-gap" : "gap");
}

static void
entered (Renderer   *r,
         cmark_node *node)
{
  Open block;

  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
      push (r, begin_block (r, nesting_level (node)));
      break;
    case CMARK_NODE_CODE_BLOCK:
      block = begin_block (r, nesting_level (node));
      insert_block_literal (r, node, "code");
      end_block (r, block, "gap");
      break;
    case CMARK_NODE_HTML_BLOCK:
      block = begin_block (r, nesting_level (node));
      insert_block_literal (r, node, NULL);
      end_block (r, block, "gap");
      break;
    case CMARK_NODE_THEMATIC_BREAK:
      block = begin_block (r, nesting_level (node));
      insert (r, "⁂", -1, "rule");
      end_block (r, block, "gap");
      break;
    case CMARK_NODE_LIST:
      {
        int start = cmark_node_get_list_start (node);

        g_array_append_val (r->numbers, start);
      }
      break;
    case CMARK_NODE_ITEM:
      begin_item (r, node);
      break;
    case CMARK_NODE_TEXT:
    case CMARK_NODE_HTML_INLINE:
      insert (r, cmark_node_get_literal (node), -1, NULL);
      break;
    case CMARK_NODE_CODE:
      insert (r, cmark_node_get_literal (node), -1, "code");
      break;
    case CMARK_NODE_SOFTBREAK:
      insert (r, " ", 1, NULL);
      break;
    case CMARK_NODE_LINEBREAK:
      /* U+2028 breaks the line inside the paragraph, so the text after it
       * keeps the paragraph's (or list item's) margin. */
      insert (r, "\u2028", -1, NULL);
      break;
    case CMARK_NODE_EMPH:
    case CMARK_NODE_STRONG:
      push (r, (Open) { end_offset (r), NULL });
      break;
    case CMARK_NODE_NONE:
    case CMARK_NODE_DOCUMENT:
    case CMARK_NODE_BLOCK_QUOTE:
    case CMARK_NODE_CUSTOM_BLOCK:
    case CMARK_NODE_CUSTOM_INLINE:
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
    default:
      /* Their children carry the text: a link reads as its text. */
      break;
    }
}

static void
exited (Renderer   *r,
        cmark_node *node)
{
  g_autofree char *heading = NULL;
  Open block;

  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_PARAGRAPH:
      end_block (r, pop (r), paragraph_gap (node));
      break;
    case CMARK_NODE_HEADING:
      block = pop (r);
      heading = g_strdup_printf ("heading-%d", MIN (cmark_node_get_heading_level (node), 3));
      apply (r, lookup (r, heading), block.offset);
      end_block (r, block, NULL);
      break;
    case CMARK_NODE_ITEM:
      end_item (r, node);
      break;
    case CMARK_NODE_LIST:
      g_array_set_size (r->numbers, r->numbers->len - 1);
      if (cmark_node_get_type (cmark_node_parent (node)) != CMARK_NODE_ITEM)
        apply_to_last_line (r, "gap");
      break;
    case CMARK_NODE_EMPH:
      apply (r, lookup (r, "emph"), pop (r).offset);
      break;
    case CMARK_NODE_STRONG:
      apply (r, lookup (r, "strong"), pop (r).offset);
      break;
    case CMARK_NODE_NONE:
    case CMARK_NODE_DOCUMENT:
    case CMARK_NODE_BLOCK_QUOTE:
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_HTML_BLOCK:
    case CMARK_NODE_CUSTOM_BLOCK:
    case CMARK_NODE_THEMATIC_BREAK:
    case CMARK_NODE_TEXT:
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
    case CMARK_NODE_CODE:
    case CMARK_NODE_HTML_INLINE:
    case CMARK_NODE_CUSTOM_INLINE:
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
    default:
      break;
    }
}

static void
render_markdown (GtkTextBuffer *buffer,
                 const char    *markdown)
{
  cmark_node *document = cmark_parse_document (markdown, strlen (markdown), CMARK_OPT_DEFAULT);
  cmark_iter *iter = cmark_iter_new (document);
  Renderer r = {
    .buffer = buffer,
    .open = g_array_new (FALSE, FALSE, sizeof (Open)),
    .numbers = g_array_new (FALSE, FALSE, sizeof (int)),
  };
  cmark_event_type event;

  create_tags (buffer);
  gtk_text_buffer_set_text (buffer, "", 0);
  while ((event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
    {
      if (event == CMARK_EVENT_ENTER)
        entered (&r, cmark_iter_get_node (iter));
      else
        exited (&r, cmark_iter_get_node (iter));
    }
  cmark_iter_free (iter);
  cmark_node_free (document);
  g_array_unref (r.open);
  g_array_unref (r.numbers);
}

/* Closed, the window that opened it takes the keyboard back (with no
 * window manager to hand it over, X would give it to no one). */
static void
teken_agreement_window_unmap (GtkWidget *widget)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));

  GTK_WIDGET_CLASS (teken_agreement_window_parent_class)->unmap (widget);
  if (parent != NULL && gtk_widget_get_mapped (GTK_WIDGET (parent)))
    gtk_window_present (parent);
}

static void
teken_agreement_window_class_init (TekenAgreementWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->unmap = teken_agreement_window_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-agreement-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenAgreementWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TekenAgreementWindow, text_view);

  /* Escape closes it, as a dialog. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
teken_agreement_window_init (TekenAgreementWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* A window showing @markdown, the agreement @title in version @version,
 * modal over @parent; present it. */
TekenAgreementWindow *
teken_agreement_window_new (GtkWindow  *parent,
                            const char *title,
                            const char *version,
                            const char *markdown)
{
  TekenAgreementWindow *self;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  if (title == NULL)
    title = "";
  self = g_object_new (TEKEN_TYPE_AGREEMENT_WINDOW, "title", title, "transient-for", parent, NULL);
  if (version != NULL && *version != '\0')
    /* Translators: %s is the agreement's version, such as 2026.1 */
    subtitle = g_strdup_printf (_("Version %s"), version);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  render_markdown (gtk_text_view_get_buffer (self->text_view), markdown != NULL ? markdown : "");
  return self;
}
