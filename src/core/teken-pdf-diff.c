/* teken-pdf-diff.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Difference analysis between the document as it was signed and as it is
 * now, object by object (the answer to incremental saving and shadow
 * attacks). Every object a later revision defines again is compared with
 * the signed one; a change is accepted only for what it is in the signed
 * document's structure — the catalog gaining a form or a DSS, a page
 * gaining annotations, a field gaining a value — and everything else is
 * TEKEN_CHANGES_OTHER. Objects that are new and referenced from nowhere the
 * signed document looks change nothing by themselves; what references them
 * is judged instead.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "teken-pdf-diff.h"

typedef enum
{
  ROLE_NONE,
  ROLE_CATALOG,
  ROLE_FORM,
  ROLE_FIELD_LIST,
  ROLE_PAGE,
  ROLE_ANNOTATION_LIST,
  ROLE_FIELD,
  ROLE_ANNOTATION,
  ROLE_APPEARANCE,
  ROLE_PAGE_CONTENT,
  ROLE_PAGE_TREE,
  ROLE_RESOURCES,
  ROLE_DSS,
  ROLE_INFO,
} Role;

typedef struct
{
  Role        role;
  guint       page;             /* ROLE_PAGE, ROLE_ANNOTATION_LIST, ROLE_PAGE_CONTENT */
  const char *field;            /* ROLE_FIELD, ROLE_APPEARANCE */
  gboolean    signature;        /* ROLE_FIELD */
  guint32     owner;            /* ROLE_APPEARANCE: the field or annotation drawn */
} Part;

typedef struct
{
  TekenPdfDocument *before;
  TekenPdfDocument *after;
  GHashTable       *parts;      /* object number -> Part, in the signed document */
  GPtrArray        *fields;     /* TekenPdfField of the signed document */
  GPtrArray        *changes;    /* TekenPdfChange */
  GPtrArray        *names;      /* strings the parts point to */
  GPtrArray        *filled_fields;
  TekenChangeLevel  level;
} Diff;

const char *
teken_change_level_to_string (TekenChangeLevel level)
{
  static const char *names[] = { "none", "dss", "signatures", "form_fill", "annotations", "other" };

  g_return_val_if_fail (level <= TEKEN_CHANGES_OTHER, "other");

  return names[level];
}

void
teken_pdf_change_free (TekenPdfChange *change)
{
  g_free (change->description);
  g_free (change);
}

/* Takes @description. */
static void
note_change (Diff             *diff,
             TekenChangeLevel  level,
             char             *description)
{
  TekenPdfChange *change;

  diff->level = MAX (diff->level, level);

  /* The same sentence once is enough. */
  for (guint i = 0; i < diff->changes->len; i++)
    {
      change = g_ptr_array_index (diff->changes, i);
      if (g_str_equal (change->description, description))
        {
          change->level = MAX (change->level, level);
          g_free (description);
          return;
        }
    }

  change = g_new0 (TekenPdfChange, 1);
  change->level = level;
  change->description = description;
  g_ptr_array_add (diff->changes, change);
}

static void
note_filled (Diff       *diff,
             const char *field)
{
  note_change (diff, TEKEN_CHANGES_FORM_FILL,
               g_strdup_printf (_("The form field “%s” was filled in after signing."), field));
  if (!g_ptr_array_find_with_equal_func (diff->filled_fields, field, g_str_equal, NULL))
    g_ptr_array_add (diff->filled_fields, g_strdup (field));
}

static TekenPdfObject *
resolve_in (TekenPdfDocument *document,
            TekenPdfObject   *value)
{
  return value != NULL ? teken_pdf_document_resolve (document, value, NULL) : NULL;
}

static void
add_part (Diff           *diff,
          TekenPdfObject *reference,
          Part            part)
{
  guint32 number;

  if (!teken_pdf_object_is (reference, TEKEN_PDF_REFERENCE))
    return;

  teken_pdf_reference_get (reference, &number, NULL);
  if (!g_hash_table_contains (diff->parts, GUINT_TO_POINTER (number)))
    g_hash_table_insert (diff->parts, GUINT_TO_POINTER (number), g_memdup2 (&part, sizeof part));
}

static void
add_appearances (Diff           *diff,
                 TekenPdfObject *dict,
                 const char     *field,
                 guint32         owner)
{
  g_autoptr(TekenPdfObject) ap = teken_pdf_document_lookup (diff->before, dict, "AP", NULL);

  if (!teken_pdf_object_is (ap, TEKEN_PDF_DICT))
    return;

  /* /N, /R, /D: a stream, or a dictionary of streams by state. */
  for (guint i = 0; i < teken_pdf_dict_get_size (ap); i++)
    {
      TekenPdfObject *value = teken_pdf_dict_get_value (ap, i);
      g_autoptr(TekenPdfObject) states = teken_pdf_document_resolve (diff->before, value, NULL);

      add_part (diff, value, (Part) { ROLE_APPEARANCE, 0, field, FALSE, owner });
      if (teken_pdf_object_is (states, TEKEN_PDF_DICT))
        for (guint j = 0; j < teken_pdf_dict_get_size (states); j++)
          add_part (diff, teken_pdf_dict_get_value (states, j), (Part) { ROLE_APPEARANCE, 0, field, FALSE, owner });
    }
}

static void
add_array_items (Diff           *diff,
                 TekenPdfObject *array_value,
                 Part            part)
{
  g_autoptr(TekenPdfObject) array = resolve_in (diff->before, array_value);

  if (teken_pdf_object_is (array, TEKEN_PDF_ARRAY))
    for (guint i = 0; i < teken_pdf_array_get_length (array); i++)
      add_part (diff, teken_pdf_array_get (array, i), part);
}

static char *
widget_name (TekenPdfObject *widget)
{
  TekenPdfObject *name = teken_pdf_dict_get (widget, "T");

  if (teken_pdf_object_is (name, TEKEN_PDF_STRING))
    return g_utf8_make_valid ((const char *) teken_pdf_object_get_string (name, NULL), -1);

  return g_strdup (_("(unnamed)"));
}

/* A page's resources and their sub-dictionaries (fonts, XObjects, ...):
 * changing them changes what the page shows. */
static void
add_resources (Diff           *diff,
               TekenPdfObject *value,
               guint           page)
{
  g_autoptr(TekenPdfObject) resources = resolve_in (diff->before, value);

  add_part (diff, value, (Part) { ROLE_RESOURCES, page });
  if (!teken_pdf_object_is (resources, TEKEN_PDF_DICT))
    return;

  for (guint i = 0; i < teken_pdf_dict_get_size (resources); i++)
    add_part (diff, teken_pdf_dict_get_value (resources, i), (Part) { ROLE_RESOURCES, page });
}

/* What each object of the signed document is, for judging its changes. */
static void
map_parts (Diff *diff)
{
  TekenPdfObject *trailer = teken_pdf_document_get_trailer (diff->before);
  g_autoptr(TekenPdfObject) catalog = teken_pdf_document_get_catalog (diff->before);
  g_autoptr(TekenPdfObject) form = NULL;
  g_autoptr(TekenPdfObject) dss = NULL;

  add_part (diff, teken_pdf_dict_get (trailer, "Root"), (Part) { ROLE_CATALOG });
  add_part (diff, teken_pdf_dict_get (trailer, "Info"), (Part) { ROLE_INFO });

  if (catalog == NULL)
    return;

  form = teken_pdf_document_lookup (diff->before, catalog, "AcroForm", NULL);
  add_part (diff, teken_pdf_dict_get (catalog, "AcroForm"), (Part) { ROLE_FORM });
  add_part (diff, teken_pdf_dict_get (catalog, "Pages"), (Part) { ROLE_PAGE_TREE });
  if (teken_pdf_object_is (form, TEKEN_PDF_DICT))
    add_part (diff, teken_pdf_dict_get (form, "Fields"), (Part) { ROLE_FIELD_LIST });

  /* Fields first: a widget merged with its field is a field. */
  for (guint i = 0; diff->fields != NULL && i < diff->fields->len; i++)
    {
      TekenPdfField *field = g_ptr_array_index (diff->fields, i);

      if (field->number != 0)
        {
          Part part = { ROLE_FIELD, 0, field->name, field->is_signature };

          if (!g_hash_table_contains (diff->parts, GUINT_TO_POINTER (field->number)))
            g_hash_table_insert (diff->parts, GUINT_TO_POINTER (field->number), g_memdup2 (&part, sizeof part));
        }
      add_appearances (diff, field->dict, field->name, field->number);
      add_array_items (diff, teken_pdf_dict_get (field->dict, "Kids"), (Part) { ROLE_FIELD, 0, field->name, field->is_signature });
    }

  for (guint i = 0; i < teken_pdf_document_get_n_pages (diff->before); i++)
    {
      const TekenPdfPage *page = teken_pdf_document_get_page (diff->before, i);
      Part part = { ROLE_PAGE, i };
      TekenPdfObject *annots = teken_pdf_dict_get (page->dict, "Annots");
      g_autoptr(TekenPdfObject) list = NULL;

      if (!g_hash_table_contains (diff->parts, GUINT_TO_POINTER (page->number)))
        g_hash_table_insert (diff->parts, GUINT_TO_POINTER (page->number), g_memdup2 (&part, sizeof part));

      add_part (diff, annots, (Part) { ROLE_ANNOTATION_LIST, i });
      add_part (diff, teken_pdf_dict_get (page->dict, "Contents"), (Part) { ROLE_PAGE_CONTENT, i });
      add_array_items (diff, teken_pdf_dict_get (page->dict, "Contents"), (Part) { ROLE_PAGE_CONTENT, i });
      add_part (diff, teken_pdf_dict_get (page->dict, "Parent"), (Part) { ROLE_PAGE_TREE, i });
      add_resources (diff, teken_pdf_dict_get (page->dict, "Resources"), i);

      list = resolve_in (diff->before, annots);
      if (teken_pdf_object_is (list, TEKEN_PDF_ARRAY))
        for (guint j = 0; j < teken_pdf_array_get_length (list); j++)
          {
            TekenPdfObject *item = teken_pdf_array_get (list, j);
            g_autoptr(TekenPdfObject) annotation = teken_pdf_document_resolve (diff->before, item, NULL);

            guint32 owner = 0;

            if (!teken_pdf_object_is (annotation, TEKEN_PDF_DICT))
              continue;
            if (teken_pdf_object_is (item, TEKEN_PDF_REFERENCE))
              teken_pdf_reference_get (item, &owner, NULL);

            /* A widget outside the form's field list still shows a value:
             * judge it as a field, not as a comment. */
            if (teken_pdf_object_has_name (teken_pdf_dict_get (annotation, "Subtype"), "Widget"))
              {
                char *name = widget_name (annotation);

                g_ptr_array_add (diff->names, name);
                add_part (diff, item, (Part) { ROLE_FIELD, i, name,
                                               teken_pdf_object_has_name (teken_pdf_dict_get (annotation, "FT"), "Sig") });
                add_appearances (diff, annotation, name, owner);
              }
            else
              {
                add_part (diff, item, (Part) { ROLE_ANNOTATION, i });
                add_appearances (diff, annotation, NULL, owner);
              }
          }
    }

  dss = teken_pdf_document_lookup (diff->before, catalog, "DSS", NULL);
  add_part (diff, teken_pdf_dict_get (catalog, "DSS"), (Part) { ROLE_DSS });
  if (teken_pdf_object_is (dss, TEKEN_PDF_DICT))
    for (guint i = 0; i < teken_pdf_dict_get_size (dss); i++)
      {
        add_part (diff, teken_pdf_dict_get_value (dss, i), (Part) { ROLE_DSS });
        add_array_items (diff, teken_pdf_dict_get_value (dss, i), (Part) { ROLE_DSS });
      }
}

static gboolean
streams_equal (Diff           *diff,
               TekenPdfObject *old,
               TekenPdfObject *new)
{
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;

  if (!teken_pdf_object_equal (old, new))
    return FALSE;
  if (teken_pdf_stream_get_length (old) != teken_pdf_stream_get_length (new))
    return FALSE;
  if (teken_pdf_stream_get_data_offset (old) == teken_pdf_stream_get_data_offset (new))
    return TRUE;

  a = teken_pdf_document_get_stream_data (diff->before, old, FALSE, 64 << 20, NULL);
  b = teken_pdf_document_get_stream_data (diff->after, new, FALSE, 64 << 20, NULL);

  return a != NULL && b != NULL && g_bytes_equal (a, b);
}

static gboolean
is_visible (TekenPdfObject *widget)
{
  TekenPdfObject *rect = teken_pdf_dict_get (widget, "Rect");
  double box[4];

  if (!teken_pdf_object_is (rect, TEKEN_PDF_ARRAY) || teken_pdf_array_get_length (rect) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!teken_pdf_object_get_number (teken_pdf_array_get (rect, i), &box[i]))
      return FALSE;

  return teken_pdf_dict_get (widget, "AP") != NULL && fabs (box[2] - box[0]) > 1 && fabs (box[3] - box[1]) > 1;
}

static gboolean
is_signature_field (Diff           *diff,
                    TekenPdfObject *dict,
                    gboolean       *is_timestamp)
{
  g_autoptr(TekenPdfObject) parent = NULL;
  g_autoptr(TekenPdfObject) value = NULL;
  TekenPdfObject *type = teken_pdf_dict_get (dict, "FT");

  if (type == NULL && (parent = teken_pdf_document_lookup (diff->after, dict, "Parent", NULL)))
    type = teken_pdf_dict_get (parent, "FT");

  if (!teken_pdf_object_has_name (type, "Sig"))
    return FALSE;

  /* An empty signature field has no /V yet. */
  value = teken_pdf_document_lookup (diff->after, parent ? parent : dict, "V", NULL);
  *is_timestamp = teken_pdf_object_is (value, TEKEN_PDF_DICT) &&
                  teken_pdf_object_has_name (teken_pdf_dict_get (value, "Type"), "DocTimeStamp");

  return TRUE;
}

/* New entries in a list of annotations or fields: what is each? */
static void
judge_added_items (Diff           *diff,
                   TekenPdfObject *old_list,
                   TekenPdfObject *new_list,
                   gboolean        annotations)
{
  guint n_old = teken_pdf_object_is (old_list, TEKEN_PDF_ARRAY) ? teken_pdf_array_get_length (old_list) : 0;
  guint n_new = teken_pdf_object_is (new_list, TEKEN_PDF_ARRAY) ? teken_pdf_array_get_length (new_list) : 0;

  /* Every earlier item stays; new ones are appended. */
  for (guint i = 0; i < n_old; i++)
    {
      TekenPdfObject *item = teken_pdf_array_get (old_list, i);
      gboolean kept = FALSE;

      for (guint j = 0; j < n_new && !kept; j++)
        kept = teken_pdf_object_equal (item, teken_pdf_array_get (new_list, j));

      if (!kept)
        note_change (diff, annotations ? TEKEN_CHANGES_ANNOTATIONS : TEKEN_CHANGES_OTHER,
               g_strdup (annotations ? _("An annotation was removed after signing.")
                                     : _("A form field was removed after signing.")));
    }

  for (guint j = 0; j < n_new; j++)
    {
      TekenPdfObject *item = teken_pdf_array_get (new_list, j);
      g_autoptr(TekenPdfObject) dict = NULL;
      gboolean existed = FALSE;
      gboolean is_timestamp = FALSE;

      for (guint i = 0; i < n_old && !existed; i++)
        existed = teken_pdf_object_equal (item, teken_pdf_array_get (old_list, i));
      if (existed)
        continue;

      dict = teken_pdf_document_resolve (diff->after, item, NULL);
      if (!teken_pdf_object_is (dict, TEKEN_PDF_DICT))
        note_change (diff, TEKEN_CHANGES_OTHER, g_strdup (_("Something that is not an annotation was added to a page after signing.")));
      else if (is_signature_field (diff, dict, &is_timestamp))
        {
          if (is_timestamp)
            note_change (diff, TEKEN_CHANGES_DSS, g_strdup (_("A document timestamp was added after signing.")));
          else if (teken_pdf_dict_get (dict, "V") == NULL && is_visible (dict))
            /* An empty signature field with an appearance can cover what
             * was signed ("sneaky signature"): it counts as an annotation. */
            note_change (diff, TEKEN_CHANGES_ANNOTATIONS,
                         g_strdup (_("An empty signature field that can cover the page was added after signing.")));
          else
            note_change (diff, TEKEN_CHANGES_SIGNATURES, g_strdup (_("Another signature was added after signing.")));
        }
      else if (!annotations || teken_pdf_object_has_name (teken_pdf_dict_get (dict, "Subtype"), "Widget"))
        note_change (diff, TEKEN_CHANGES_OTHER, g_strdup (_("A form field was added after signing.")));
      else
        note_change (diff, TEKEN_CHANGES_ANNOTATIONS, g_strdup (_("An annotation was added after signing.")));
    }
}

static void
judge_form (Diff           *diff,
            TekenPdfObject *old,
            TekenPdfObject *new)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  if (!teken_pdf_object_is (new, TEKEN_PDF_DICT))
    {
      note_change (diff, TEKEN_CHANGES_OTHER, g_strdup (_("The document's form was removed after signing.")));
      return;
    }

  for (guint i = 0; teken_pdf_object_is (old, TEKEN_PDF_DICT) && i < teken_pdf_dict_get_size (old); i++)
    g_hash_table_add (keys, (gpointer) teken_pdf_dict_get_key (old, i));
  for (guint i = 0; i < teken_pdf_dict_get_size (new); i++)
    g_hash_table_add (keys, (gpointer) teken_pdf_dict_get_key (new, i));

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      TekenPdfObject *a = teken_pdf_object_is (old, TEKEN_PDF_DICT) ? teken_pdf_dict_get (old, key) : NULL;
      TekenPdfObject *b = teken_pdf_dict_get (new, key);

      if (teken_pdf_object_equal (a, b) || g_str_equal (key, "SigFlags"))
        continue;

      if (g_str_equal (key, "Fields"))
        {
          g_autoptr(TekenPdfObject) old_list = resolve_in (diff->before, a);
          g_autoptr(TekenPdfObject) new_list = resolve_in (diff->after, b);

          judge_added_items (diff, old_list, new_list, FALSE);
        }
      else if (g_str_equal (key, "NeedAppearances") || g_str_equal (key, "DR") || g_str_equal (key, "DA"))
        note_change (diff, TEKEN_CHANGES_FORM_FILL, g_strdup (_("The form's settings for filling it in were changed after signing.")));
      else
        note_change (diff, TEKEN_CHANGES_OTHER, g_strdup (_("The document's form settings were changed after signing.")));
    }
}

static void
judge_catalog (Diff           *diff,
               TekenPdfObject *old,
               TekenPdfObject *new)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < teken_pdf_dict_get_size (old); i++)
    g_hash_table_add (keys, (gpointer) teken_pdf_dict_get_key (old, i));
  for (guint i = 0; i < teken_pdf_dict_get_size (new); i++)
    g_hash_table_add (keys, (gpointer) teken_pdf_dict_get_key (new, i));

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      TekenPdfObject *a = teken_pdf_dict_get (old, key);
      TekenPdfObject *b = teken_pdf_dict_get (new, key);

      if (teken_pdf_object_equal (a, b))
        continue;

      if (g_str_equal (key, "AcroForm"))
        {
          g_autoptr(TekenPdfObject) old_form = resolve_in (diff->before, a);
          g_autoptr(TekenPdfObject) new_form = resolve_in (diff->after, b);

          judge_form (diff, old_form, new_form);
        }
      else if (g_str_equal (key, "DSS"))
        note_change (diff, TEKEN_CHANGES_DSS, g_strdup (_("Validation data (certificates and revocation information) was added after signing.")));
      else if (g_str_equal (key, "Metadata"))
        note_change (diff, TEKEN_CHANGES_DSS, g_strdup (_("The document's metadata was updated after signing.")));
      else
        note_change (diff, TEKEN_CHANGES_OTHER,
               g_strdup_printf (_("The document's structure (its catalog entry /%s) was changed after signing."), (const char *) key));
    }
}

static void
judge_page (Diff           *diff,
            guint           page,
            TekenPdfObject *old,
            TekenPdfObject *new)
{
  for (guint round = 0; round < 2; round++)
    {
      TekenPdfObject *from = round == 0 ? old : new;
      TekenPdfObject *to = round == 0 ? new : old;

      for (guint i = 0; i < teken_pdf_dict_get_size (from); i++)
        {
          const char *key = teken_pdf_dict_get_key (from, i);

          if (teken_pdf_object_equal (teken_pdf_dict_get_value (from, i), teken_pdf_dict_get (to, key)))
            continue;

          if (g_str_equal (key, "Annots"))
            {
              if (round == 0 || teken_pdf_dict_get (old, key) == NULL)
                {
                  g_autoptr(TekenPdfObject) old_list = resolve_in (diff->before, teken_pdf_dict_get (old, key));
                  g_autoptr(TekenPdfObject) new_list = resolve_in (diff->after, teken_pdf_dict_get (new, key));

                  judge_added_items (diff, old_list, new_list, TRUE);
                }
            }
          else if (g_str_equal (key, "Contents"))
            note_change (diff, TEKEN_CHANGES_OTHER,
                         g_strdup_printf (_("The content of page %u was changed after signing."), page + 1));
          else if (g_str_equal (key, "Resources"))
            note_change (diff, TEKEN_CHANGES_OTHER,
                         g_strdup_printf (_("The resources of page %u (its fonts and images) were changed after signing."), page + 1));
          else
            note_change (diff, TEKEN_CHANGES_OTHER,
                         g_strdup_printf (_("Page %u was changed after signing."), page + 1));
        }
    }
}

static void
judge_field (Diff           *diff,
             const Part     *part,
             TekenPdfObject *old,
             TekenPdfObject *new)
{
  gboolean signing = part->signature && teken_pdf_dict_get (old, "V") == NULL && teken_pdf_dict_get (new, "V") != NULL;

  for (guint round = 0; round < 2; round++)
    {
      TekenPdfObject *from = round == 0 ? old : new;
      TekenPdfObject *to = round == 0 ? new : old;

      for (guint i = 0; i < teken_pdf_dict_get_size (from); i++)
        {
          const char *key = teken_pdf_dict_get_key (from, i);
          gboolean value_key = g_str_equal (key, "V") || g_str_equal (key, "AP") || g_str_equal (key, "AS");

          if (teken_pdf_object_equal (teken_pdf_dict_get_value (from, i), teken_pdf_dict_get (to, key)))
            continue;

          if (signing && (value_key || g_str_equal (key, "F") || g_str_equal (key, "Lock")))
            note_change (diff, TEKEN_CHANGES_SIGNATURES,
                         g_strdup_printf (_("The empty signature field “%s” was signed later."), part->field));
          else if (part->signature)
            note_change (diff, TEKEN_CHANGES_OTHER,
                   g_strdup_printf (_("The signature field “%s” was changed after it was signed."), part->field));
          else if (value_key)
            note_filled (diff, part->field);
          else
            note_change (diff, TEKEN_CHANGES_OTHER,
                   g_strdup_printf (_("The form field “%s” was changed after signing beyond its value."), part->field));
        }
    }
}

/* A field's appearance may change with its value; changed alone, it shows
 * something other than the value that was signed (a shadow "replace"). */
static void
judge_appearance (Diff       *diff,
                  const Part *part)
{
  g_autoptr(TekenPdfObject) before = NULL;
  g_autoptr(TekenPdfObject) after = NULL;

  if (part->field == NULL)
    {
      note_change (diff, TEKEN_CHANGES_ANNOTATIONS, g_strdup (_("An annotation was changed after signing.")));
      return;
    }

  if (part->owner != 0)
    {
      before = teken_pdf_document_get_object (diff->before, part->owner, NULL);
      after = teken_pdf_document_get_object (diff->after, part->owner, NULL);
    }

  if (before != NULL && after != NULL &&
      teken_pdf_object_is (before, TEKEN_PDF_DICT) && teken_pdf_object_is (after, TEKEN_PDF_DICT) &&
      !teken_pdf_object_equal (teken_pdf_dict_get (before, "V"), teken_pdf_dict_get (after, "V")))
    note_filled (diff, part->field);
  else
    note_change (diff, TEKEN_CHANGES_OTHER,
                 g_strdup_printf (_("What the form field “%s” shows was changed after signing, but not its value."), part->field));
}

/* Something the structure does not explain: say at least what it is. */
static char *
describe_other_change (TekenPdfObject *old,
                       guint32         number)
{
  TekenPdfObject *type = NULL;
  TekenPdfObject *subtype = NULL;

  if (teken_pdf_object_is (old, TEKEN_PDF_DICT) || teken_pdf_object_is (old, TEKEN_PDF_STREAM))
    {
      type = teken_pdf_dict_get (old, "Type");
      subtype = teken_pdf_dict_get (old, "Subtype");
    }

  if (teken_pdf_object_has_name (type, "Font") || teken_pdf_object_has_name (type, "FontDescriptor") ||
      teken_pdf_object_has_name (type, "Encoding"))
    return g_strdup (_("A font the document uses was changed after signing, which can change what the text says."));

  if (teken_pdf_object_has_name (subtype, "Image") || teken_pdf_object_has_name (subtype, "Form"))
    return g_strdup (_("An image or drawing (XObject) the document uses was changed after signing."));

  return g_strdup_printf (_("Part of the document (object %u) was changed after signing."), number);
}

static void
judge_object (Diff           *diff,
              guint32         number,
              TekenPdfObject *old,
              TekenPdfObject *new)
{
  const Part *part = g_hash_table_lookup (diff->parts, GUINT_TO_POINTER (number));
  gboolean dicts = teken_pdf_object_is (old, TEKEN_PDF_DICT) && teken_pdf_object_is (new, TEKEN_PDF_DICT);
  Role role = part ? part->role : ROLE_NONE;

  switch (role)
    {
    case ROLE_CATALOG:
      if (dicts)
        judge_catalog (diff, old, new);
      else
        note_change (diff, TEKEN_CHANGES_OTHER, g_strdup (_("The document's catalog was replaced after signing.")));
      return;

    case ROLE_FORM:
      judge_form (diff, old, new);
      return;

    case ROLE_FIELD_LIST:
    case ROLE_ANNOTATION_LIST:
      judge_added_items (diff, old, new, role == ROLE_ANNOTATION_LIST);
      return;

    case ROLE_PAGE:
      if (dicts)
        judge_page (diff, part->page, old, new);
      else
        note_change (diff, TEKEN_CHANGES_OTHER, g_strdup_printf (_("Page %u was changed after signing."), part->page + 1));
      return;

    case ROLE_FIELD:
      if (dicts)
        judge_field (diff, part, old, new);
      else
        note_change (diff, TEKEN_CHANGES_OTHER, g_strdup_printf (_("The form field “%s” was changed after signing beyond its value."), part->field));
      return;

    case ROLE_APPEARANCE:
      judge_appearance (diff, part);
      return;

    case ROLE_ANNOTATION:
      note_change (diff, TEKEN_CHANGES_ANNOTATIONS, g_strdup (_("An annotation was changed after signing.")));
      return;

    case ROLE_PAGE_CONTENT:
      note_change (diff, TEKEN_CHANGES_OTHER, g_strdup_printf (_("The content of page %u was changed after signing."), part->page + 1));
      return;

    case ROLE_PAGE_TREE:
      note_change (diff, TEKEN_CHANGES_OTHER, g_strdup (_("Pages were added, removed or reordered after signing.")));
      return;

    case ROLE_RESOURCES:
      note_change (diff, TEKEN_CHANGES_OTHER,
                   g_strdup_printf (_("The resources of page %u (its fonts and images) were changed after signing."), part->page + 1));
      return;

    case ROLE_DSS:
      note_change (diff, TEKEN_CHANGES_DSS, g_strdup (_("Validation data (certificates and revocation information) was added after signing.")));
      return;

    case ROLE_INFO:
      note_change (diff, TEKEN_CHANGES_DSS, g_strdup (_("The document's metadata was updated after signing.")));
      return;

    case ROLE_NONE:
    default:
      note_change (diff, TEKEN_CHANGES_OTHER, describe_other_change (old, number));
      return;
    }
}

static gboolean
is_container (TekenPdfObject *object)
{
  TekenPdfObject *type = teken_pdf_object_is (object, TEKEN_PDF_STREAM) ? teken_pdf_dict_get (object, "Type") : NULL;

  return teken_pdf_object_has_name (type, "XRef") || teken_pdf_object_has_name (type, "ObjStm");
}

/**
 * teken_pdf_diff:
 * @signed_revision: the document as far as a signature covers it
 * @current: the whole document
 * @changes: (element-type TekenPdfChange): receives what changed, each
 *   with its level, in sentences
 * @filled_fields: (element-type utf8): receives the names of form fields
 *   whose value changed, for FieldMDP
 *
 * Returns: the most significant kind of change
 */
TekenChangeLevel
teken_pdf_diff (TekenPdfDocument *signed_revision,
                TekenPdfDocument *current,
                GPtrArray        *changes,
                GPtrArray        *filled_fields)
{
  g_autoptr(GHashTable) parts = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GPtrArray) fields = teken_pdf_document_get_fields (signed_revision, NULL);
  g_autoptr(GArray) numbers = teken_pdf_document_get_object_numbers (current);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  Diff diff = { signed_revision, current, parts, fields, changes, names, filled_fields, TEKEN_CHANGES_NONE };
  TekenPdfObject *old_root = teken_pdf_dict_get (teken_pdf_document_get_trailer (signed_revision), "Root");
  TekenPdfObject *new_root = teken_pdf_dict_get (teken_pdf_document_get_trailer (current), "Root");

  map_parts (&diff);

  if (!teken_pdf_object_equal (old_root, new_root))
    note_change (&diff, TEKEN_CHANGES_OTHER, g_strdup (_("The document's catalog was replaced after signing.")));

  for (guint i = 0; i < numbers->len; i++)
    {
      guint32 number = g_array_index (numbers, guint32, i);
      TekenPdfXrefEntry before, after;
      gboolean existed = teken_pdf_document_get_xref_entry (signed_revision, number, &before);
      g_autoptr(TekenPdfObject) old = NULL;
      g_autoptr(TekenPdfObject) new = NULL;
      g_autoptr(GError) error = NULL;

      teken_pdf_document_get_xref_entry (current, number, &after);
      if (existed && memcmp (&before, &after, sizeof before) == 0)
        continue;

      new = teken_pdf_document_get_object (current, number, &error);
      if (new == NULL)
        {
          note_change (&diff, TEKEN_CHANGES_OTHER,
                 g_strdup_printf (_("Part of the document (object %u) added after signing cannot be read."), number));
          continue;
        }
      old = existed ? teken_pdf_document_get_object (signed_revision, number, NULL) : NULL;
      if (old == NULL || teken_pdf_object_is (old, TEKEN_PDF_NULL))
        continue;               /* new objects count where they are used */

      if (teken_pdf_object_is (new, TEKEN_PDF_NULL))
        {
          note_change (&diff, TEKEN_CHANGES_OTHER,
                 g_strdup_printf (_("Part of the document (object %u) was removed after signing."), number));
          continue;
        }

      if (is_container (old) && is_container (new))
        continue;

      if (teken_pdf_object_is (old, TEKEN_PDF_STREAM) && teken_pdf_object_is (new, TEKEN_PDF_STREAM)
          ? streams_equal (&diff, old, new)
          : teken_pdf_object_equal (old, new))
        continue;

      judge_object (&diff, number, old, new);
    }

  return diff.level;
}
