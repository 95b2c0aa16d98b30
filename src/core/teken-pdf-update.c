/* teken-pdf-update.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <openssl/rand.h>
#include <string.h>

#include "teken-pdf-filter.h"
#include "teken-pdf-update.h"

typedef struct
{
  guint32  number;
  guint16  generation;
  GBytes  *body;                /* serialized, without "N G obj" and "endobj" */
  goffset  offset;              /* of "N G obj" in the file, once written */
  goffset  body_offset;
} Entry;

struct _TekenPdfUpdate
{
  TekenPdfDocument *document;
  GArray           *entries;    /* Entry, in the order they were set */
  guint32           next_number;
};

static void
entry_clear (Entry *entry)
{
  g_clear_pointer (&entry->body, g_bytes_unref);
}

TekenPdfUpdate *
teken_pdf_update_new (TekenPdfDocument *document)
{
  TekenPdfUpdate *self = g_new0 (TekenPdfUpdate, 1);

  self->document = g_object_ref (document);
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, (GDestroyNotify) entry_clear);
  self->next_number = MAX (1, teken_pdf_document_get_xref_size (document));

  return self;
}

void
teken_pdf_update_free (TekenPdfUpdate *self)
{
  g_clear_object (&self->document);
  g_clear_pointer (&self->entries, g_array_unref);
  g_free (self);
}

/* A fresh object number, past every number the document uses. */
guint32
teken_pdf_update_reserve (TekenPdfUpdate *self)
{
  return self->next_number++;
}

static Entry *
find_entry (TekenPdfUpdate *self,
            guint32         number)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      if (entry->number == number)
        return entry;
    }

  return NULL;
}

void
teken_pdf_update_set_raw (TekenPdfUpdate *self,
                          guint32         number,
                          guint16         generation,
                          GBytes         *body)
{
  Entry *entry = find_entry (self, number);

  if (entry == NULL)
    {
      Entry fresh = { number, generation, NULL, -1, -1 };

      g_array_append_val (self->entries, fresh);
      entry = &g_array_index (self->entries, Entry, self->entries->len - 1);
    }

  g_clear_pointer (&entry->body, g_bytes_unref);
  entry->body = g_bytes_ref (body);
  entry->generation = generation;
}

/* Takes @object. */
void
teken_pdf_update_set_object (TekenPdfUpdate *self,
                             guint32         number,
                             guint16         generation,
                             TekenPdfObject *object)
{
  g_autoptr(TekenPdfObject) owned = object;
  g_autoptr(GBytes) body = NULL;
  GString *text = g_string_new (NULL);

  teken_pdf_object_write (owned, text);
  body = g_string_free_to_bytes (text);
  teken_pdf_update_set_raw (self, number, generation, body);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a, *eb = b;

  return ea->number < eb->number ? -1 : ea->number > eb->number;
}

static void
append_bytes (GString *out,
              GBytes  *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  g_string_append_len (out, data, size);
}

/* The trailer entries every update carries over: /Root, /Info and the
 * first half of /ID, which identifies the document across revisions. */
static void
fill_trailer (TekenPdfUpdate *self,
              TekenPdfObject *trailer,
              guint32         size)
{
  TekenPdfObject *old = teken_pdf_document_get_trailer (self->document);
  TekenPdfObject *id = teken_pdf_dict_get (old, "ID");
  TekenPdfObject *new_id = teken_pdf_array_new ();
  guint8 random[16];
  guint n = teken_pdf_document_get_n_revisions (self->document);

  teken_pdf_dict_set (trailer, "Size", teken_pdf_integer_new (size));
  teken_pdf_dict_set (trailer, "Root", teken_pdf_object_ref (teken_pdf_dict_get (old, "Root")));
  if (teken_pdf_dict_get (old, "Info") != NULL)
    teken_pdf_dict_set (trailer, "Info", teken_pdf_object_ref (teken_pdf_dict_get (old, "Info")));

  if (RAND_bytes (random, sizeof random) != 1)
    g_error ("the system has no randomness");

  if (teken_pdf_object_is (id, TEKEN_PDF_ARRAY) && teken_pdf_array_get_length (id) == 2 &&
      teken_pdf_object_is (teken_pdf_array_get (id, 0), TEKEN_PDF_STRING))
    {
      gsize length;
      const guint8 *first = teken_pdf_object_get_string (teken_pdf_array_get (id, 0), &length);

      teken_pdf_array_append (new_id, teken_pdf_hex_string_new (first, length));
    }
  else
    teken_pdf_array_append (new_id, teken_pdf_hex_string_new (random, sizeof random));
  teken_pdf_array_append (new_id, teken_pdf_hex_string_new (random, sizeof random));
  teken_pdf_dict_set (trailer, "ID", new_id);

  teken_pdf_dict_set (trailer, "Prev",
                      teken_pdf_integer_new (teken_pdf_document_get_revision (self->document, n - 1)->xref_offset));
}

/* Contiguous runs of object numbers, as /Index pairs or table subsections. */
static GArray *
find_runs (GArray *entries)
{
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; i < entries->len; )
    {
      guint32 first = g_array_index (entries, Entry, i).number;
      guint32 count = 1;

      while (i + count < entries->len &&
             g_array_index (entries, Entry, i + count).number == first + count)
        count++;
      g_array_append_val (runs, first);
      g_array_append_val (runs, count);
      i += count;
    }

  return runs;
}

static void
write_table (TekenPdfUpdate *self,
             GString        *out,
             goffset         base,
             guint32         size)
{
  g_autoptr(TekenPdfObject) trailer = teken_pdf_dict_new ();
  g_autoptr(GArray) runs = find_runs (self->entries);
  goffset xref_offset = base + out->len;
  guint e = 0;

  g_string_append (out, "xref\n");
  for (guint r = 0; r < runs->len; r += 2)
    {
      guint32 count = g_array_index (runs, guint32, r + 1);

      g_string_append_printf (out, "%u %u\n", g_array_index (runs, guint32, r), count);
      for (guint32 k = 0; k < count; k++, e++)
        {
          const Entry *entry = &g_array_index (self->entries, Entry, e);

          g_string_append_printf (out, "%010" G_GINT64_FORMAT " %05u n \n", (gint64) entry->offset, entry->generation);
        }
    }

  fill_trailer (self, trailer, size);
  g_string_append (out, "trailer\n");
  teken_pdf_object_write (trailer, out);
  g_string_append_printf (out, "\nstartxref\n%" G_GINT64_FORMAT "\n%%%%EOF\n", (gint64) xref_offset);
}

static void
write_xref_stream (TekenPdfUpdate *self,
                   GString        *out,
                   goffset         base,
                   guint32         number,
                   guint32         size)
{
  g_autoptr(TekenPdfObject) dict = teken_pdf_dict_new ();
  g_autoptr(GArray) runs = NULL;
  g_autoptr(GByteArray) rows = g_byte_array_new ();
  g_autoptr(GBytes) data = NULL;
  TekenPdfObject *w = teken_pdf_array_new ();
  TekenPdfObject *index = teken_pdf_array_new ();
  goffset xref_offset = base + out->len;
  Entry self_entry = { number, 0, NULL, xref_offset, -1 };
  guint width = xref_offset < G_MAXUINT32 ? 4 : 8;

  /* The stream lists itself too. */
  g_array_append_val (self->entries, self_entry);
  g_array_sort (self->entries, compare_entries);
  runs = find_runs (self->entries);

  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *entry = &g_array_index (self->entries, Entry, i);
      guint8 row[1 + 8 + 2];

      row[0] = 1;
      for (guint b = 0; b < width; b++)
        row[1 + b] = (guint64) entry->offset >> (8 * (width - 1 - b));
      row[1 + width] = entry->generation >> 8;
      row[2 + width] = entry->generation & 0xff;
      g_byte_array_append (rows, row, 3 + width);
    }

  for (guint r = 0; r < runs->len; r++)
    teken_pdf_array_append (index, teken_pdf_integer_new (g_array_index (runs, guint32, r)));
  teken_pdf_array_append (w, teken_pdf_integer_new (1));
  teken_pdf_array_append (w, teken_pdf_integer_new (width));
  teken_pdf_array_append (w, teken_pdf_integer_new (2));

  teken_pdf_dict_set (dict, "Type", teken_pdf_name_new ("XRef"));
  fill_trailer (self, dict, size);
  teken_pdf_dict_set (dict, "W", w);
  teken_pdf_dict_set (dict, "Index", index);
  teken_pdf_dict_set (dict, "Filter", teken_pdf_name_new ("FlateDecode"));
  data = teken_pdf_filter_flate_encode (rows->data, rows->len);

  {
    g_autoptr(TekenPdfObject) stream = teken_pdf_stream_new (g_steal_pointer (&dict), data);

    g_string_append_printf (out, "%u 0 obj\n", number);
    teken_pdf_object_write (stream, out);
    g_string_append (out, "\nendobj\n");
  }

  g_string_append_printf (out, "startxref\n%" G_GINT64_FORMAT "\n%%%%EOF\n", (gint64) xref_offset);
}

/**
 * teken_pdf_update_write:
 *
 * Serializes the update, to be appended to the document's bytes as they
 * are. Object offsets are known afterwards.
 *
 * Returns: (transfer full): the bytes to append
 */
GBytes *
teken_pdf_update_write (TekenPdfUpdate *self)
{
  TekenPdfDocument *document = self->document;
  goffset base = teken_pdf_document_get_size (document);
  guint n = teken_pdf_document_get_n_revisions (document);
  gboolean use_stream = teken_pdf_document_get_revision (document, n - 1)->is_stream;
  guint32 xref_number = use_stream ? teken_pdf_update_reserve (self) : 0;
  GString *out = g_string_new (NULL);
  guint8 last = '\n';

  /* The update starts on a line of its own. */
  if (base > 0)
    teken_pdf_document_read (document, base - 1, &last, 1, NULL);
  if (last != '\n' && last != '\r')
    g_string_append_c (out, '\n');

  g_array_sort (self->entries, compare_entries);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      entry->offset = base + out->len;
      g_string_append_printf (out, "%u %u obj\n", entry->number, entry->generation);
      entry->body_offset = base + out->len;
      append_bytes (out, entry->body);
      g_string_append (out, "\nendobj\n");
    }

  if (use_stream)
    write_xref_stream (self, out, base, xref_number, self->next_number);
  else
    write_table (self, out, base, self->next_number);

  return g_string_free_to_bytes (out);
}

/* Where object @number's body starts in the updated file, after
 * teken_pdf_update_write(). */
goffset
teken_pdf_update_get_body_offset (TekenPdfUpdate *self,
                                  guint32         number)
{
  Entry *entry = find_entry (self, number);

  g_return_val_if_fail (entry != NULL, -1);

  return entry->body_offset;
}
