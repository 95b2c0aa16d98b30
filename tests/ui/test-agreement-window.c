/* test-agreement-window.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The agreement window in process, under Xvfb: teken-ca's seed agreements
 * and a document with every Markdown construct read as formatted text —
 * no Markdown left in what the holder reads, headings larger and bold,
 * list markers with a hanging indent, raw HTML shown as text, never
 * interpreted. The flows that open it are in tests/e2e. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "teken-agreement-window.h"
#include "teken-resources.h"
#include "teken-test-utils.h"

static const char every_construct[] =
  "# Heading one\n"
  "\n"
  "## Heading two\n"
  "\n"
  "A paragraph with **bold**, *italic*, `code` and a [link](https://example.org/hidden) that is\n"
  "wrapped across lines.  \n"
  "After a hard break.\n"
  "\n"
  "1. First item, whose text runs on and on so that it wraps under itself, with a continuation\n"
  "   line in the source.\n"
  "2. Second item\n"
  "   - nested bullet\n"
  "\n"
  "- Bullet\n"
  "- Another\n"
  "\n"
  "### Heading three\n"
  "\n"
  "> A quote.\n"
  "\n"
  "    code block\n"
  "\n"
  "<script>alert(1)</script>\n"
  "\n"
  "Inline <b>not bold</b> html.\n"
  "\n"
  "---\n"
  "\n"
  "The end.\n";

typedef struct
{
  GtkWindow *parent;
  TekenAgreementWindow *window;
  GtkTextView *view;
  GtkTextBuffer *buffer;
  char *text;
} Fixture;

static GtkTextView *
find_text_view (GtkWidget *root)
{
  if (GTK_IS_TEXT_VIEW (root))
    return GTK_TEXT_VIEW (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkTextView *found = find_text_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
fixture_open (Fixture    *fixture,
              const char *title,
              const char *markdown)
{
  GtkTextIter start, end;

  fixture->parent = GTK_WINDOW (gtk_window_new ());
  gtk_window_present (fixture->parent);
  fixture->window = teken_agreement_window_new (fixture->parent, title, "2026.1", markdown);
  gtk_window_present (GTK_WINDOW (fixture->window));
  teken_test_wait_until_drawn (GTK_WIDGET (fixture->window));

  fixture->view = find_text_view (GTK_WIDGET (fixture->window));
  g_assert_nonnull (fixture->view);
  fixture->buffer = gtk_text_view_get_buffer (fixture->view);
  gtk_text_buffer_get_bounds (fixture->buffer, &start, &end);
  fixture->text = gtk_text_buffer_get_text (fixture->buffer, &start, &end, TRUE);
}

static void
fixture_close (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  gtk_window_destroy (fixture->parent);
  g_free (fixture->text);
}

/* Where @needle begins in the buffer. */
static GtkTextIter
iter_at (Fixture    *fixture,
         const char *needle)
{
  const char *found = strstr (fixture->text, needle);
  GtkTextIter iter;

  if (found == NULL)
    g_error ("%s is not in the agreement's text:\n%s", needle, fixture->text);
  gtk_text_buffer_get_iter_at_offset (fixture->buffer, &iter, g_utf8_pointer_to_offset (fixture->text, found));
  return iter;
}

/* The text of the buffer line holding @needle. */
static char *
line_of (Fixture    *fixture,
         const char *needle)
{
  GtkTextIter start = iter_at (fixture, needle);
  GtkTextIter end = start;

  gtk_text_iter_set_line_offset (&start, 0);
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  return gtk_text_iter_get_text (&start, &end);
}

/* What the tags at @iter say about an int or double property that is set. */
static int
int_property (GtkTextIter *iter,
              const char  *property,
              int          unset)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);
  g_autofree char *is_set = g_strconcat (property, "-set", NULL);
  int value = unset;

  /* Sorted by priority, so the last one set is the one shown. */
  for (GSList *l = tags; l != NULL; l = l->next)
    {
      gboolean set;
      int tag_value;

      g_object_get (l->data, is_set, &set, property, &tag_value, NULL);
      if (set)
        value = tag_value;
    }
  return value;
}

static double
scale_at (GtkTextIter *iter)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);
  double value = 1.0;

  for (GSList *l = tags; l != NULL; l = l->next)
    {
      gboolean set;
      double scale;

      g_object_get (l->data, "scale-set", &set, "scale", &scale, NULL);
      if (set)
        value = scale;
    }
  return value;
}

static int
weight_of (Fixture    *fixture,
           const char *needle)
{
  GtkTextIter iter = iter_at (fixture, needle);

  return int_property (&iter, "weight", PANGO_WEIGHT_NORMAL);
}

static double
scale_of (Fixture    *fixture,
          const char *needle)
{
  GtkTextIter iter = iter_at (fixture, needle);

  return scale_at (&iter);
}

/* A paragraph property of the line holding @needle, as GtkTextView reads
 * it: from the tags at the line's start. */
static int
line_property (Fixture    *fixture,
               const char *needle,
               const char *property)
{
  GtkTextIter iter = iter_at (fixture, needle);

  gtk_text_iter_set_line_offset (&iter, 0);
  return int_property (&iter, property, 0);
}

static void
assert_no_markdown (const char *text)
{
  g_assert_null (strchr (text, '#'));
  g_assert_null (strstr (text, "**"));
  g_assert_null (strchr (text, '`'));
  /* Blocks are apart by the tags' spacing, not by empty lines. */
  g_assert_null (strstr (text, "\n\n"));
}

static char *
seed_agreement (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "ca", "agreements", name, NULL);
  g_autoptr(GError) error = NULL;
  char *markdown = NULL;

  g_file_get_contents (path, &markdown, NULL, &error);
  g_assert_no_error (error);
  return markdown;
}

/* teken-ca's privacy policy, as the endpoint sends it. */
static void
test_seed_privacy_policy (void)
{
  g_autofree char *markdown = seed_agreement ("privacy-policy.en.md");
  g_autofree char *identity = NULL;
  Fixture fixture;

  fixture_open (&fixture, "Privacy Policy", markdown);
  assert_no_markdown (fixture.text);

  g_assert_true (g_str_has_prefix (fixture.text, "Privacy Policy\n"));
  g_assert_cmpint (weight_of (&fixture, "Privacy Policy"), >=, PANGO_WEIGHT_BOLD);
  g_assert_cmpfloat (scale_of (&fixture, "Privacy Policy"), >, scale_of (&fixture, "What we collect"));
  g_assert_cmpfloat (scale_of (&fixture, "What we collect"), >, 1.0);
  g_assert_cmpint (weight_of (&fixture, "What we collect"), >=, PANGO_WEIGHT_BOLD);

  /* Soft breaks are spaces: a paragraph is one line, wrapped by the view. */
  g_assert_nonnull (strstr (fixture.text, "Applies to the teken-ca pilot electronic certificate service. The Indonesian"));
  g_assert_cmpint (weight_of (&fixture, "teken-ca pilot"), ==, PANGO_WEIGHT_NORMAL);
  g_assert_cmpint (line_property (&fixture, "Applies to the", "pixels-below-lines"), >, 0);

  identity = line_of (&fixture, "Identity");
  g_assert_true (g_str_has_prefix (identity, "•\tIdentity: NIK"));
  g_assert_cmpint (weight_of (&fixture, "Identity"), >=, PANGO_WEIGHT_BOLD);
  g_assert_cmpint (weight_of (&fixture, ": NIK"), ==, PANGO_WEIGHT_NORMAL);
  g_assert_cmpint (line_property (&fixture, "Identity", "indent"), <, 0);
  g_assert_nonnull (strstr (fixture.text, "compared with the population registry."));

  g_assert_true (gtk_window_get_modal (GTK_WINDOW (fixture.window)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (fixture.window)) == fixture.parent);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture.window)), ==, "Privacy Policy");
  g_assert_false (gtk_text_view_get_editable (fixture.view));
  g_assert_false (gtk_text_view_get_cursor_visible (fixture.view));
  g_assert_cmpint (gtk_text_view_get_wrap_mode (fixture.view), ==, GTK_WRAP_WORD_CHAR);
  gtk_test_accessible_assert_property (fixture.view, GTK_ACCESSIBLE_PROPERTY_LABEL, "Privacy Policy");
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (fixture.window), "Version 2026.1"));
  {
    int width, height;

    gtk_window_get_default_size (GTK_WINDOW (fixture.window), &width, &height);
    g_assert_cmpint (width, ==, 560);
    g_assert_cmpint (height, ==, 640);
  }

  teken_test_save_screenshot (GTK_WIDGET (fixture.window), "agreement-window");
  fixture_close (&fixture);
}

static void
test_every_construct (void)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *nested = NULL;
  g_autofree char *bullet = NULL;
  Fixture fixture;

  fixture_open (&fixture, "Every construct", every_construct);
  assert_no_markdown (fixture.text);

  /* Headings: bold, larger by level, with space above the second. */
  g_assert_cmpint (weight_of (&fixture, "Heading one"), >=, PANGO_WEIGHT_BOLD);
  g_assert_cmpint (weight_of (&fixture, "Heading two"), >=, PANGO_WEIGHT_BOLD);
  g_assert_cmpint (weight_of (&fixture, "Heading three"), >=, PANGO_WEIGHT_BOLD);
  g_assert_cmpfloat (scale_of (&fixture, "Heading one"), >, scale_of (&fixture, "Heading two"));
  g_assert_cmpfloat (scale_of (&fixture, "Heading two"), >, 1.0);
  g_assert_cmpint (line_property (&fixture, "Heading two", "pixels-above-lines"), >, 0);
  g_assert_cmpint (weight_of (&fixture, "A paragraph"), ==, PANGO_WEIGHT_NORMAL);
  g_assert_cmpfloat (scale_of (&fixture, "A paragraph"), ==, 1.0);

  /* Inlines. */
  g_assert_cmpint (weight_of (&fixture, "bold,"), >=, PANGO_WEIGHT_BOLD);
  g_assert_cmpint (weight_of (&fixture, "italic"), ==, PANGO_WEIGHT_NORMAL);
  {
    GtkTextIter iter = iter_at (&fixture, "italic");
    g_autoptr(GSList) tags = gtk_text_iter_get_tags (&iter);
    gboolean italic = FALSE;

    for (GSList *l = tags; l != NULL; l = l->next)
      {
        PangoStyle style;
        gboolean set;

        g_object_get (l->data, "style-set", &set, "style", &style, NULL);
        italic |= set && style == PANGO_STYLE_ITALIC;
      }
    g_assert_true (italic);
  }
  {
    GtkTextIter iter = iter_at (&fixture, "code and");
    g_autoptr(GSList) tags = gtk_text_iter_get_tags (&iter);
    gboolean monospace = FALSE;

    for (GSList *l = tags; l != NULL; l = l->next)
      {
        g_autofree char *family = NULL;

        g_object_get (l->data, "family", &family, NULL);
        monospace |= g_strcmp0 (family, "monospace") == 0;
      }
    g_assert_true (monospace);
  }
  /* A link reads as its text; soft breaks are spaces, a hard one breaks
   * the line inside the paragraph. */
  g_assert_nonnull (strstr (fixture.text, "a link that is wrapped across lines.\u2028After a hard break."));
  g_assert_null (strstr (fixture.text, "example.org"));

  /* Lists: the marker, a tab to the hanging indent, the item's text. */
  first = line_of (&fixture, "First item");
  g_assert_cmpstr (first, ==,
                   "1.\tFirst item, whose text runs on and on so that it wraps under itself, with a continuation line in the source.");
  second = line_of (&fixture, "Second item");
  g_assert_cmpstr (second, ==, "2.\tSecond item");
  nested = line_of (&fixture, "nested bullet");
  g_assert_cmpstr (nested, ==, "•\tnested bullet");
  bullet = line_of (&fixture, "Bullet");
  g_assert_cmpstr (bullet, ==, "•\tBullet");
  g_assert_cmpint (line_property (&fixture, "First item", "indent"), <, 0);
  g_assert_cmpint (line_property (&fixture, "nested bullet", "left-margin"), >,
                   line_property (&fixture, "First item", "left-margin"));
  g_assert_cmpint (line_property (&fixture, "Bullet", "left-margin"), ==,
                   line_property (&fixture, "First item", "left-margin"));
  /* Items of a tight list closer together than paragraphs; the list as a
   * whole apart from what follows. */
  g_assert_cmpint (line_property (&fixture, "Bullet", "pixels-below-lines"), <,
                   line_property (&fixture, "A paragraph", "pixels-below-lines"));
  g_assert_cmpint (line_property (&fixture, "Another", "pixels-below-lines"), ==,
                   line_property (&fixture, "A paragraph", "pixels-below-lines"));

  /* A quote is indented; a code block is monospace. */
  g_assert_cmpint (line_property (&fixture, "A quote.", "left-margin"), >, 0);
  g_assert_nonnull (strstr (fixture.text, "\ncode block\n"));

  /* Raw HTML is the text it is: shown, not interpreted. */
  g_assert_nonnull (strstr (fixture.text, "\n<script>alert(1)</script>\n"));
  g_assert_nonnull (strstr (fixture.text, "Inline <b>not bold</b> html."));
  g_assert_cmpint (weight_of (&fixture, "not bold"), ==, PANGO_WEIGHT_NORMAL);
  g_assert_true (g_str_has_suffix (fixture.text, "The end."));

  teken_test_save_screenshot (GTK_WIDGET (fixture.window), "agreement-window-markdown");
  fixture_close (&fixture);
}

/* Nothing in an agreement can break the window: empty, unbalanced, deep. */
static void
test_odd_input (void)
{
  static const char * const inputs[] = {
    "", "\n\n\n", "**", "`", "<", "- ", "1.", "> > > > > > > > > > > > > > deep", "* * *",
    "- - - - - - - - - - - - nested", "1. \n2. \n", "[a](<b>)", "\xff\xfe not UTF-8",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      TekenAgreementWindow *window = teken_agreement_window_new (NULL, NULL, NULL, inputs[i]);
      GtkTextView *view = find_text_view (GTK_WIDGET (window));
      GtkTextIter start, end;
      g_autofree char *text = NULL;

      gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (view), &start, &end);
      text = gtk_text_iter_get_text (&start, &end);
      g_assert_true (g_utf8_validate (text, -1, NULL));
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

/* The Indonesian agreement, the binding one, in the Indonesian UI. */
static void
test_indonesian (void)
{
  g_autofree char *markdown = seed_agreement ("holder-agreement.id.md");
  g_autofree char *second = NULL;
  Fixture fixture;

  if (!teken_test_use_indonesian ())
    return;

  fixture_open (&fixture, "Perjanjian Pemilik Sertifikat Elektronik", markdown);
  assert_no_markdown (fixture.text);
  g_assert_nonnull (teken_test_find_label (GTK_WIDGET (fixture.window), "Versi 2026.1"));
  g_assert_cmpint (weight_of (&fixture, "Perjanjian Pemilik"), >=, PANGO_WEIGHT_BOLD);
  second = line_of (&fixture, "Anda menjaga kerahasiaan");
  g_assert_cmpstr (second, ==,
                   "2.\tAnda menjaga kerahasiaan passphrase, kata sandi dan kode OTP, dan tidak memberikannya "
                   "kepada siapa pun, termasuk atasan, rekan kerja atau petugas layanan.");
  teken_test_save_screenshot (GTK_WIDGET (fixture.window), "agreement-window-id");
  fixture_close (&fixture);

  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();
  teken_register_resource ();

  g_test_add_func ("/agreement-window/seed-privacy-policy", test_seed_privacy_policy);
  g_test_add_func ("/agreement-window/every-construct", test_every_construct);
  g_test_add_func ("/agreement-window/odd-input", test_odd_input);
  g_test_add_func ("/agreement-window/indonesian", test_indonesian);

  return g_test_run ();
}
