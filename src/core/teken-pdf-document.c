/* teken-pdf-document.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A PDF file opened for reading: the cross-reference chain (tables, streams,
 * hybrid files, /Prev chains), objects on demand (also from object
 * streams), the page tree with inherited attributes, and the form fields.
 *
 * The file is read with pread() through small windows, never mapped or read
 * whole, so opening a 1 GiB document costs what its structure costs. The
 * cross-reference table is taken as the file states it: nothing is repaired,
 * because for a signed document a repaired table is exactly how an attacker
 * shows content that was not signed.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "teken-pdf-document.h"
#include "teken-pdf-filter.h"
#include "teken-pdf-parser.h"

#define MAX_SECTIONS         4096
#define MAX_WINDOW           (64u << 20)
#define MAX_XREF_DATA        (256u << 20)
#define MAX_OBJECT_STREAM    (64u << 20)
#define MAX_RESOLVE_DEPTH    32
#define MAX_TREE_DEPTH       64
#define MAX_OBJECT_NUMBER    G_MAXINT32

typedef TekenPdfXrefEntry XrefEntry;

typedef struct
{
  GBytes *data;
  gsize   first;
  GArray *offsets;              /* pairs of guint64: object number, offset */
} ObjectStream;

struct _TekenPdfDocument
{
  GObject         parent_instance;

  char           *display_name;
  int             fd;
  GBytes         *bytes;
  goffset         size;

  GHashTable     *xref;         /* number -> XrefEntry, newest section wins */
  GPtrArray      *revisions;    /* TekenPdfRevision, oldest first */
  TekenPdfObject *trailer;
  guint32         xref_size;
  GHashTable     *objects;      /* number -> TekenPdfObject, loaded so far */
  GHashTable     *loading;      /* numbers being loaded, against loops */
  GHashTable     *object_streams;
  GPtrArray      *pages;
};

G_DEFINE_FINAL_TYPE (TekenPdfDocument, teken_pdf_document, G_TYPE_OBJECT)

static gboolean
set_damaged (TekenPdfDocument *self,
             GError          **error,
             GError           *detail)
{
  if (detail != NULL)
    g_debug ("%s: %s", self->display_name, detail->message);

  if (detail != NULL && detail->domain == TEKEN_PDF_ERROR && detail->code == TEKEN_PDF_ERROR_TOO_LARGE)
    g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TOO_LARGE,
                 _("“%s” has a structure too large for Teken to read safely."),
                 self->display_name);
  else
    g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED,
                 _("“%s” is damaged and cannot be read. Ask the sender for a new copy."),
                 self->display_name);

  g_clear_error (&detail);

  return FALSE;
}

gboolean
teken_pdf_document_read (TekenPdfDocument *self,
                         goffset           offset,
                         guint8           *buffer,
                         gsize             length,
                         GError          **error)
{
  if (offset < 0 || offset > self->size || length > (guint64) (self->size - offset))
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED,
                   "read past the end of the file");
      return FALSE;
    }

  if (length == 0)
    return TRUE;

  if (self->bytes != NULL)
    {
      memcpy (buffer, (const guint8 *) g_bytes_get_data (self->bytes, NULL) + offset, length);
      return TRUE;
    }

  while (length > 0)
    {
      gssize n = pread (self->fd, buffer, length, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = errno;

          g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO,
                       _("Could not read “%s”: %s"), self->display_name,
                       n < 0 ? g_strerror (saved_errno) : _("the file is shorter than expected"));
          return FALSE;
        }
      buffer += n;
      offset += n;
      length -= n;
    }

  return TRUE;
}

GBytes *
teken_pdf_document_read_bytes (TekenPdfDocument *self,
                               goffset           offset,
                               gsize             length,
                               GError          **error)
{
  g_autofree guint8 *buffer = NULL;

  if (offset < 0 || offset > self->size || length > (guint64) (self->size - offset))
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED,
                   "range past the end of the file");
      return NULL;
    }

  buffer = g_malloc (MAX (length, 1));
  if (!teken_pdf_document_read (self, offset, buffer, length, error))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&buffer), length);
}

/* Calls @parse on a window of the file starting at @offset, growing the
 * window while the parser reports that it ran out of bytes. */
typedef gpointer (*ParseFunc) (TekenPdfParser *parser,
                               gpointer        user_data,
                               GError        **error);

static gpointer
parse_at (TekenPdfDocument *self,
          goffset           offset,
          gsize             initial,
          gsize             limit,
          ParseFunc         parse,
          gpointer          user_data,
          GError          **error)
{
  gsize window = initial;

  if (offset < 0 || offset >= self->size)
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED,
                   "offset %" G_GOFFSET_FORMAT " outside the file", offset);
      return NULL;
    }

  for (;;)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) local_error = NULL;
      TekenPdfParser parser;
      gboolean at_end;
      gpointer result;

      window = MIN (window, (guint64) (self->size - offset));
      at_end = offset + (goffset) window == self->size;

      if (!(bytes = teken_pdf_document_read_bytes (self, offset, window, error)))
        return NULL;

      teken_pdf_parser_init (&parser, g_bytes_get_data (bytes, NULL), window, offset);
      result = parse (&parser, user_data, &local_error);
      if (result != NULL)
        return result;

      if (!g_error_matches (local_error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TRUNCATED) || at_end || window >= limit)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      window = MIN ((gsize) window * 4, limit);
    }
}

static gpointer
parse_indirect_cb (TekenPdfParser *parser,
                   gpointer        user_data,
                   GError        **error)
{
  guint32 *numbers = user_data;
  guint16 generation;

  return teken_pdf_parser_read_indirect (parser, &numbers[0], &generation, error);
}

static int
compare_numbers (gconstpointer a,
                 gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static gboolean
add_entry (GHashTable *section,
           guint64     number,
           XrefEntry  *entry)
{
  if (number > MAX_OBJECT_NUMBER)
    return FALSE;

  if (!g_hash_table_contains (section, GUINT_TO_POINTER (number)))
    g_hash_table_insert (section, GUINT_TO_POINTER (number), g_memdup2 (entry, sizeof *entry));

  return TRUE;
}

/* Reads a cross-reference stream's entries (7.5.8) into @section. */
static gboolean
read_xref_stream (TekenPdfDocument *self,
                  TekenPdfObject   *stream,
                  GHashTable       *section,
                  GError          **error)
{
  TekenPdfObject *w = teken_pdf_dict_get (stream, "W");
  TekenPdfObject *index = teken_pdf_dict_get (stream, "Index");
  TekenPdfObject *size = teken_pdf_dict_get (stream, "Size");
  g_autoptr(TekenPdfObject) default_index = NULL;
  g_autoptr(GBytes) data = NULL;
  const guint8 *p;
  gsize length, row = 0;
  guint widths[3];
  guint64 expected = 0;

  if (!teken_pdf_object_is (w, TEKEN_PDF_ARRAY) || teken_pdf_array_get_length (w) < 3 ||
      !teken_pdf_object_is (size, TEKEN_PDF_INTEGER) || teken_pdf_object_get_integer (size) < 0)
    return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad xref stream dictionary"));

  for (guint i = 0; i < 3; i++)
    {
      TekenPdfObject *width = teken_pdf_array_get (w, i);

      if (!teken_pdf_object_is (width, TEKEN_PDF_INTEGER) ||
          teken_pdf_object_get_integer (width) < 0 || teken_pdf_object_get_integer (width) > 8)
        return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad /W"));
      widths[i] = teken_pdf_object_get_integer (width);
      row += widths[i];
    }

  if (row == 0)
    return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "empty /W"));

  if (index == NULL)
    {
      default_index = teken_pdf_array_new ();
      teken_pdf_array_append (default_index, teken_pdf_integer_new (0));
      teken_pdf_array_append (default_index, teken_pdf_object_ref (size));
      index = default_index;
    }

  if (!teken_pdf_object_is (index, TEKEN_PDF_ARRAY) || teken_pdf_array_get_length (index) % 2 != 0)
    return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad /Index"));

  for (guint i = 0; i < teken_pdf_array_get_length (index); i += 2)
    {
      TekenPdfObject *count = teken_pdf_array_get (index, i + 1);

      if (!teken_pdf_object_is (count, TEKEN_PDF_INTEGER) || teken_pdf_object_get_integer (count) < 0 ||
          teken_pdf_object_get_integer (count) > MAX_OBJECT_NUMBER)
        return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad /Index count"));
      expected += teken_pdf_object_get_integer (count) * row;
    }

  if (expected > MAX_XREF_DATA)
    return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TOO_LARGE, "xref stream too large"));

  {
    g_autoptr(GError) local_error = NULL;

    /* PNG predictors add a byte to every row. */
    data = teken_pdf_document_get_stream_data (self, stream, TRUE, MIN (2 * expected + 64, MAX_XREF_DATA), &local_error);
    if (data == NULL)
      return set_damaged (self, error, g_steal_pointer (&local_error));
  }

  p = g_bytes_get_data (data, &length);
  if (length < expected)
    return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "xref stream too short"));

  for (guint i = 0; i < teken_pdf_array_get_length (index); i += 2)
    {
      TekenPdfObject *first = teken_pdf_array_get (index, i);
      gint64 count = teken_pdf_object_get_integer (teken_pdf_array_get (index, i + 1));

      if (!teken_pdf_object_is (first, TEKEN_PDF_INTEGER) || teken_pdf_object_get_integer (first) < 0)
        return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad /Index start"));

      for (gint64 k = 0; k < count; k++)
        {
          guint64 fields[3] = { 1, 0, 0 };  /* a missing type field means type 1 */
          XrefEntry entry = { 0 };

          for (guint f = 0; f < 3; f++)
            {
              if (widths[f] == 0)
                continue;
              fields[f] = 0;
              for (guint b = 0; b < widths[f]; b++)
                fields[f] = (fields[f] << 8) | *p++;
            }

          if (fields[0] > 2)
            continue;           /* unknown types are to be ignored (7.5.8.3) */

          entry.type = fields[0];
          entry.offset = fields[1];
          if (entry.type == 2)
            entry.index = MIN (fields[2], G_MAXUINT32);
          else
            entry.generation = MIN (fields[2], G_MAXUINT16);

          if (!add_entry (section, teken_pdf_object_get_integer (first) + k, &entry))
            return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "object number too large"));
        }
    }

  return TRUE;
}

typedef struct
{
  GHashTable     *section;
  TekenPdfObject *trailer;
} TableParse;

/* Reads a classic cross-reference table and its trailer (7.5.4, 7.5.5). */
static gpointer
parse_table_cb (TekenPdfParser *parser,
                gpointer        user_data,
                GError        **error)
{
  TableParse *result = user_data;
  g_autoptr(GHashTable) section = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  if (!teken_pdf_parser_read_keyword (parser, "xref"))
    {
      g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "no xref keyword");
      return NULL;
    }

  for (;;)
    {
      guint64 first, count;

      if (teken_pdf_parser_read_keyword (parser, "trailer"))
        break;

      if (!teken_pdf_parser_read_uint (parser, MAX_OBJECT_NUMBER, &first) ||
          !teken_pdf_parser_read_uint (parser, MAX_OBJECT_NUMBER, &count))
        {
          if (teken_pdf_parser_at_eof (parser))
            g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TRUNCATED, "table cut short");
          else
            g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad xref subsection");
          return NULL;
        }

      /* Each entry takes 20 bytes: a count the window cannot hold is a lie
       * or needs a bigger window. */
      if (count > (parser->length - parser->pos) / 18 + 1)
        {
          g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TRUNCATED, "table larger than window");
          return NULL;
        }

      for (guint64 k = 0; k < count; k++)
        {
          XrefEntry entry = { 0 };
          guint64 offset, generation;

          /* Some writers (mutool) give the head of the free list
           * generation 65536: five digits are allowed, and clamped. */
          if (!teken_pdf_parser_read_uint (parser, G_MAXINT64, &offset) ||
              !teken_pdf_parser_read_uint (parser, 99999, &generation))
            {
              g_set_error_literal (error, TEKEN_PDF_ERROR,
                                   teken_pdf_parser_at_eof (parser) ? TEKEN_PDF_ERROR_TRUNCATED : TEKEN_PDF_ERROR_DAMAGED,
                                   "bad xref entry");
              return NULL;
            }

          if (teken_pdf_parser_read_keyword (parser, "n"))
            entry.type = 1;
          else if (teken_pdf_parser_read_keyword (parser, "f"))
            entry.type = 0;
          else
            {
              g_set_error_literal (error, TEKEN_PDF_ERROR,
                                   teken_pdf_parser_at_eof (parser) ? TEKEN_PDF_ERROR_TRUNCATED : TEKEN_PDF_ERROR_DAMAGED,
                                   "bad xref entry type");
              return NULL;
            }

          entry.offset = offset;
          entry.generation = MIN (generation, G_MAXUINT16);
          if (first + k > MAX_OBJECT_NUMBER)
            {
              g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "object number too large");
              return NULL;
            }
          add_entry (section, first + k, &entry);
        }
    }

  result->trailer = teken_pdf_parser_read_object (parser, error);
  if (result->trailer == NULL)
    return NULL;

  if (!teken_pdf_object_is (result->trailer, TEKEN_PDF_DICT))
    {
      g_clear_pointer (&result->trailer, teken_pdf_object_unref);
      g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "trailer is not a dictionary");
      return NULL;
    }

  result->section = g_steal_pointer (&section);

  return result;
}

static void
revision_free (TekenPdfRevision *revision)
{
  g_clear_pointer (&revision->trailer, teken_pdf_object_unref);
  g_free (revision);
}

/* The end of the revision whose cross-reference section starts at @offset:
 * just past the first "%%EOF" line after it. */
static goffset
find_revision_end (TekenPdfDocument *self,
                   goffset           from)
{
  guint8 buffer[4096 + 5];
  goffset position = from;

  while (position < self->size)
    {
      gsize n = MIN ((goffset) sizeof buffer, self->size - position);
      const guint8 *hit;

      if (!teken_pdf_document_read (self, position, buffer, n, NULL))
        return -1;

      hit = memmem (buffer, n, "%%EOF", 5);
      if (hit != NULL)
        {
          goffset end = position + (hit - buffer) + 5;
          guint8 eol[2] = { 0 };
          gsize m = MIN (2, self->size - end);

          if (m > 0 && teken_pdf_document_read (self, end, eol, m, NULL))
            {
              if (eol[0] == '\r' && m > 1 && eol[1] == '\n')
                end += 2;
              else if (eol[0] == '\r' || eol[0] == '\n')
                end += 1;
            }
          return end;
        }

      if (n < sizeof buffer)
        break;
      position += n - 4;        /* keep an overlap for a marker cut in two */
    }

  return -1;
}

static void
merge_section (TekenPdfDocument *self,
               GHashTable       *section)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, section);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!g_hash_table_contains (self->xref, key))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (self->xref, key, value);
        }
    }
}

static gboolean
find_startxref (TekenPdfDocument *self,
                goffset          *startxref,
                GError          **error)
{
  guint8 tail[1024 + 1];
  gsize n = MIN ((goffset) sizeof tail - 1, self->size);
  TekenPdfParser parser;
  guint64 value;

  if (!teken_pdf_document_read (self, self->size - n, tail, n, error))
    return FALSE;

  for (gsize i = n >= 9 ? n - 9 + 1 : 0; i > 0; i--)
    {
      if (memcmp (tail + i - 1, "startxref", 9) == 0)
        {
          teken_pdf_parser_init (&parser, tail + i - 1 + 9, n - (i - 1 + 9), self->size - n + i - 1 + 9);
          if (!teken_pdf_parser_read_uint (&parser, G_MAXINT64, &value))
            break;
          *startxref = value;
          return TRUE;
        }
    }

  return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "no startxref"));
}

static gboolean
load_xref (TekenPdfDocument *self,
           GError          **error)
{
  g_autoptr(GHashTable) visited = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (goffset));
  goffset offset;

  if (!find_startxref (self, &offset, error))
    return FALSE;

  while (offset >= 0)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GHashTable) section = NULL;
      g_autoptr(TekenPdfObject) trailer = NULL;
      TekenPdfRevision *revision;
      TekenPdfObject *prev;
      guint8 probe[4] = { 0 };

      g_array_append_val (offsets, offset);
      if (g_hash_table_contains (visited, &g_array_index (offsets, goffset, offsets->len - 1)))
        return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "/Prev loop"));
      g_hash_table_add (visited, &g_array_index (offsets, goffset, offsets->len - 1));
      if (offsets->len > MAX_SECTIONS)
        return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TOO_LARGE, "too many revisions"));

      revision = g_new0 (TekenPdfRevision, 1);
      revision->xref_offset = offset;
      g_ptr_array_insert (self->revisions, 0, revision);

      if (offset >= self->size || !teken_pdf_document_read (self, offset, probe, MIN (4, self->size - offset), NULL))
        return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "startxref outside the file"));

      if (memcmp (probe, "xref", 4) == 0)
        {
          TableParse table = { 0 };
          TekenPdfObject *xref_stm;

          if (!parse_at (self, offset, 65536, MAX_XREF_DATA, parse_table_cb, &table, &local_error))
            return set_damaged (self, error, g_steal_pointer (&local_error));

          section = g_steal_pointer (&table.section);
          trailer = g_steal_pointer (&table.trailer);

          /* A hybrid file: objects the table does not have are in the
           * cross-reference stream it names (7.5.8.4). */
          xref_stm = teken_pdf_dict_get (trailer, "XRefStm");
          if (teken_pdf_object_is (xref_stm, TEKEN_PDF_INTEGER))
            {
              guint32 numbers[1];
              g_autoptr(TekenPdfObject) stream = NULL;
              g_autoptr(GHashTable) hidden = g_hash_table_new_full (NULL, NULL, NULL, g_free);
              GHashTableIter iter;
              gpointer key, value;

              stream = parse_at (self, teken_pdf_object_get_integer (xref_stm), 4096, MAX_WINDOW,
                                 parse_indirect_cb, numbers, &local_error);
              if (stream == NULL || !teken_pdf_object_is (stream, TEKEN_PDF_STREAM))
                return set_damaged (self, error, g_steal_pointer (&local_error));
              if (!read_xref_stream (self, stream, hidden, error))
                return FALSE;

              g_hash_table_iter_init (&iter, hidden);
              while (g_hash_table_iter_next (&iter, &key, &value))
                {
                  XrefEntry *in_table = g_hash_table_lookup (section, key);

                  if (in_table == NULL || in_table->type == 0)
                    {
                      g_hash_table_iter_steal (&iter);
                      g_hash_table_replace (section, key, value);
                    }
                }
            }
        }
      else
        {
          guint32 numbers[1];
          g_autoptr(TekenPdfObject) stream = NULL;

          stream = parse_at (self, offset, 4096, MAX_WINDOW, parse_indirect_cb, numbers, &local_error);
          if (stream == NULL || !teken_pdf_object_is (stream, TEKEN_PDF_STREAM) ||
              !teken_pdf_object_has_name (teken_pdf_dict_get (stream, "Type"), "XRef"))
            return set_damaged (self, error, local_error ? g_steal_pointer (&local_error)
                                : g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "startxref does not point to a cross-reference section"));

          section = g_hash_table_new_full (NULL, NULL, NULL, g_free);
          if (!read_xref_stream (self, stream, section, error))
            return FALSE;

          trailer = teken_pdf_object_ref (teken_pdf_stream_get_dict (stream));
          revision->is_stream = TRUE;
        }

      revision->trailer = teken_pdf_object_ref (trailer);
      revision->end = find_revision_end (self, offset);
      merge_section (self, section);

      if (self->trailer == NULL)
        self->trailer = teken_pdf_object_ref (trailer);

      {
        TekenPdfObject *size = teken_pdf_dict_get (trailer, "Size");

        if (teken_pdf_object_is (size, TEKEN_PDF_INTEGER) &&
            teken_pdf_object_get_integer (size) > 0 && teken_pdf_object_get_integer (size) <= MAX_OBJECT_NUMBER)
          self->xref_size = MAX (self->xref_size, (guint32) teken_pdf_object_get_integer (size));
      }

      prev = teken_pdf_dict_get (trailer, "Prev");
      if (prev == NULL)
        break;
      if (!teken_pdf_object_is (prev, TEKEN_PDF_INTEGER) || teken_pdf_object_get_integer (prev) < 0)
        return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad /Prev"));
      offset = teken_pdf_object_get_integer (prev);
    }

  /* Objects numbered past /Size are still found; writers must not reuse
   * their numbers. */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, self->xref);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      self->xref_size = MAX (self->xref_size, GPOINTER_TO_UINT (key) + 1);
  }

  return TRUE;
}

static void
object_stream_free (ObjectStream *stream)
{
  g_bytes_unref (stream->data);
  g_array_unref (stream->offsets);
  g_free (stream);
}

static ObjectStream *
load_object_stream (TekenPdfDocument *self,
                    guint32           number,
                    GError          **error)
{
  g_autoptr(TekenPdfObject) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  ObjectStream *result;
  TekenPdfObject *n, *first;
  TekenPdfParser parser;
  const guint8 *data;
  gsize length;

  if ((result = g_hash_table_lookup (self->object_streams, GUINT_TO_POINTER (number))))
    return result;

  stream = teken_pdf_document_get_object (self, number, &local_error);
  if (stream == NULL || !teken_pdf_object_is (stream, TEKEN_PDF_STREAM))
    {
      set_damaged (self, error, local_error ? g_steal_pointer (&local_error)
                   : g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "object stream is not a stream"));
      return NULL;
    }

  n = teken_pdf_dict_get (stream, "N");
  first = teken_pdf_dict_get (stream, "First");
  if (!teken_pdf_object_is (n, TEKEN_PDF_INTEGER) || !teken_pdf_object_is (first, TEKEN_PDF_INTEGER) ||
      teken_pdf_object_get_integer (n) < 0 || teken_pdf_object_get_integer (first) < 0)
    {
      set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad object stream dictionary"));
      return NULL;
    }

  result = g_new0 (ObjectStream, 1);
  result->offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  result->data = teken_pdf_document_get_stream_data (self, stream, TRUE, MAX_OBJECT_STREAM, &local_error);
  if (result->data == NULL)
    {
      object_stream_free (result);
      set_damaged (self, error, g_steal_pointer (&local_error));
      return NULL;
    }

  data = g_bytes_get_data (result->data, &length);
  result->first = teken_pdf_object_get_integer (first);
  if (result->first > length || (guint64) teken_pdf_object_get_integer (n) > length / 2)
    {
      object_stream_free (result);
      set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "object stream header out of range"));
      return NULL;
    }

  teken_pdf_parser_init (&parser, data, result->first, 0);
  for (gint64 i = 0; i < teken_pdf_object_get_integer (n); i++)
    {
      guint64 pair[2];

      if (!teken_pdf_parser_read_uint (&parser, MAX_OBJECT_NUMBER, &pair[0]) ||
          !teken_pdf_parser_read_uint (&parser, length, &pair[1]))
        {
          object_stream_free (result);
          set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad object stream header"));
          return NULL;
        }
      g_array_append_vals (result->offsets, pair, 2);
    }

  g_hash_table_insert (self->object_streams, GUINT_TO_POINTER (number), result);

  return result;
}

static TekenPdfObject *
load_compressed_object (TekenPdfDocument *self,
                        guint32           number,
                        XrefEntry        *entry,
                        GError          **error)
{
  ObjectStream *stream;
  TekenPdfParser parser;
  const guint8 *data;
  gsize length;
  guint64 offset;

  if (entry->offset > MAX_OBJECT_NUMBER || entry->offset == number)
    {
      set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "bad object stream number"));
      return NULL;
    }

  if (!(stream = load_object_stream (self, entry->offset, error)))
    return NULL;

  if (entry->index >= stream->offsets->len / 2 ||
      g_array_index (stream->offsets, guint64, 2 * entry->index) != number)
    {
      set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "object not in its object stream"));
      return NULL;
    }

  data = g_bytes_get_data (stream->data, &length);
  offset = g_array_index (stream->offsets, guint64, 2 * entry->index + 1);
  if (offset > length - stream->first)
    {
      set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "object offset out of range"));
      return NULL;
    }

  /* Offsets of objects inside a stream mean nothing in the file. */
  teken_pdf_parser_init (&parser, data + stream->first + offset, length - stream->first - offset, -1);
  {
    g_autoptr(GError) local_error = NULL;
    TekenPdfObject *object = teken_pdf_parser_read_object (&parser, &local_error);

    if (object == NULL)
      set_damaged (self, error, g_steal_pointer (&local_error));
    else
      teken_pdf_object_set_span (object, -1, -1);
    return object;
  }
}

static gboolean
has_endstream (TekenPdfDocument *self,
               goffset           position)
{
  guint8 buffer[32];
  gsize n = MIN ((goffset) sizeof buffer, self->size - position);
  gsize i = 0;

  if (position < 0 || position > self->size ||
      !teken_pdf_document_read (self, position, buffer, n, NULL))
    return FALSE;

  while (i < n && teken_pdf_is_whitespace (buffer[i]))
    i++;

  return n - i >= 9 && memcmp (buffer + i, "endstream", 9) == 0;
}

static TekenPdfObject *
load_object (TekenPdfDocument *self,
             guint32           number,
             XrefEntry        *entry,
             GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TekenPdfObject) object = NULL;
  guint32 numbers[1] = { 0 };
  TekenPdfObject *length;
  gint64 stream_length;

  if (entry->type == 2)
    return load_compressed_object (self, number, entry, error);

  object = parse_at (self, entry->offset, 4096, MAX_WINDOW, parse_indirect_cb, numbers, &local_error);
  if (object == NULL)
    {
      set_damaged (self, error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (numbers[0] != number)
    {
      set_damaged (self, error, g_error_new (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED,
                                             "xref entry for %u points to object %u", number, numbers[0]));
      return NULL;
    }

  if (!teken_pdf_object_is (object, TEKEN_PDF_STREAM))
    return g_steal_pointer (&object);

  /* The stream's /Length may be an indirect object of its own. */
  length = teken_pdf_dict_get (object, "Length");
  if (teken_pdf_object_is (length, TEKEN_PDF_REFERENCE))
    {
      g_autoptr(TekenPdfObject) resolved = teken_pdf_document_resolve (self, length, &local_error);

      if (resolved == NULL || !teken_pdf_object_is (resolved, TEKEN_PDF_INTEGER))
        {
          set_damaged (self, error, local_error ? g_steal_pointer (&local_error)
                       : g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "stream /Length is not an integer"));
          return NULL;
        }
      stream_length = teken_pdf_object_get_integer (resolved);
    }
  else if (teken_pdf_object_is (length, TEKEN_PDF_INTEGER))
    stream_length = teken_pdf_object_get_integer (length);
  else
    stream_length = -1;

  if (stream_length < 0 ||
      stream_length > self->size - teken_pdf_stream_get_data_offset (object) ||
      !has_endstream (self, teken_pdf_stream_get_data_offset (object) + stream_length))
    {
      set_damaged (self, error, g_error_new (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED,
                                             "stream %u has a wrong /Length", number));
      return NULL;
    }

  {
    TekenPdfObject *stream = teken_pdf_stream_new_in_file (teken_pdf_object_ref (teken_pdf_stream_get_dict (object)),
                                                           teken_pdf_stream_get_data_offset (object),
                                                           stream_length);

    teken_pdf_object_set_span (stream, teken_pdf_object_get_start (object), teken_pdf_object_get_end (object));
    return stream;
  }
}

/**
 * teken_pdf_document_get_object:
 *
 * Returns: (transfer full): object @number as the newest revision has it;
 *   the null object when it does not exist or is free (7.3.10)
 */
TekenPdfObject *
teken_pdf_document_get_object (TekenPdfDocument *self,
                               guint32           number,
                               GError          **error)
{
  TekenPdfObject *object;
  XrefEntry *entry;

  g_return_val_if_fail (TEKEN_IS_PDF_DOCUMENT (self), NULL);

  if ((object = g_hash_table_lookup (self->objects, GUINT_TO_POINTER (number))))
    return teken_pdf_object_ref (object);

  entry = g_hash_table_lookup (self->xref, GUINT_TO_POINTER (number));
  if (entry == NULL || entry->type == 0)
    return teken_pdf_null_new ();

  if (g_hash_table_contains (self->loading, GUINT_TO_POINTER (number)))
    {
      set_damaged (self, error, g_error_new (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED,
                                             "object %u refers to itself while loading", number));
      return NULL;
    }

  g_hash_table_add (self->loading, GUINT_TO_POINTER (number));
  object = load_object (self, number, entry, error);
  g_hash_table_remove (self->loading, GUINT_TO_POINTER (number));

  if (object != NULL)
    g_hash_table_insert (self->objects, GUINT_TO_POINTER (number), teken_pdf_object_ref (object));

  return object;
}

/**
 * teken_pdf_document_resolve:
 *
 * Returns: (transfer full): @object, or what the reference @object points
 *   to; %NULL with @error set when that cannot be read
 */
TekenPdfObject *
teken_pdf_document_resolve (TekenPdfDocument *self,
                            TekenPdfObject   *object,
                            GError          **error)
{
  g_autoptr(TekenPdfObject) current = teken_pdf_object_ref (object);

  for (guint depth = 0; teken_pdf_object_is (current, TEKEN_PDF_REFERENCE); depth++)
    {
      guint32 number;
      TekenPdfObject *next;

      if (depth >= MAX_RESOLVE_DEPTH)
        {
          set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "reference chain too long"));
          return NULL;
        }

      teken_pdf_reference_get (current, &number, NULL);
      if (!(next = teken_pdf_document_get_object (self, number, error)))
        return NULL;
      g_clear_pointer (&current, teken_pdf_object_unref);
      current = next;
    }

  return g_steal_pointer (&current);
}

/**
 * teken_pdf_document_lookup:
 *
 * Returns: (transfer full) (nullable): the resolved value of @key in @dict;
 *   %NULL without an error when it is absent or null
 */
TekenPdfObject *
teken_pdf_document_lookup (TekenPdfDocument *self,
                           TekenPdfObject   *dict,
                           const char       *key,
                           GError          **error)
{
  TekenPdfObject *value = teken_pdf_dict_get (dict, key);
  TekenPdfObject *resolved;

  if (value == NULL)
    return NULL;

  resolved = teken_pdf_document_resolve (self, value, error);
  if (teken_pdf_object_is (resolved, TEKEN_PDF_NULL))
    g_clear_pointer (&resolved, teken_pdf_object_unref);

  return resolved;
}

/**
 * teken_pdf_document_get_stream_data:
 * @decode: whether to apply the stream's filters
 * @max_output: the most bytes to read or produce
 *
 * Returns: (transfer full): the stream's data, or %NULL with @error set
 */
GBytes *
teken_pdf_document_get_stream_data (TekenPdfDocument *self,
                                    TekenPdfObject   *stream,
                                    gboolean          decode,
                                    gsize             max_output,
                                    GError          **error)
{
  g_autoptr(GBytes) raw = NULL;
  gsize length = teken_pdf_stream_get_length (stream);

  if (teken_pdf_stream_get_data (stream) != NULL)
    raw = g_bytes_ref (teken_pdf_stream_get_data (stream));
  else
    {
      /* Compressed data rarely shrinks: the raw bytes get the same cap. */
      if (length > max_output && (!decode || length > MAX_OBJECT_STREAM))
        {
          g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TOO_LARGE, "stream too large");
          return NULL;
        }
      if (!(raw = teken_pdf_document_read_bytes (self, teken_pdf_stream_get_data_offset (stream), length, error)))
        return NULL;
    }

  if (!decode)
    return g_steal_pointer (&raw);

  return teken_pdf_filter_decode (teken_pdf_stream_get_dict (stream), raw, max_output, error);
}

static void
page_free (TekenPdfPage *page)
{
  g_clear_pointer (&page->dict, teken_pdf_object_unref);
  g_free (page);
}

static gboolean
read_box (TekenPdfDocument *self,
          TekenPdfObject   *value,
          double            box[4])
{
  g_autoptr(TekenPdfObject) array = NULL;

  if (value == NULL || !(array = teken_pdf_document_resolve (self, value, NULL)) ||
      !teken_pdf_object_is (array, TEKEN_PDF_ARRAY) || teken_pdf_array_get_length (array) != 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(TekenPdfObject) item = teken_pdf_document_resolve (self, teken_pdf_array_get (array, i), NULL);

      if (item == NULL || !teken_pdf_object_get_number (item, &box[i]) || !isfinite (box[i]))
        return FALSE;
    }

  if (box[0] > box[2])
    {
      double t = box[0]; box[0] = box[2]; box[2] = t;
    }
  if (box[1] > box[3])
    {
      double t = box[1]; box[1] = box[3]; box[3] = t;
    }

  return box[2] - box[0] > 0 && box[3] - box[1] > 0;
}

typedef struct
{
  TekenPdfObject *media_box;
  TekenPdfObject *crop_box;
  TekenPdfObject *rotate;
} Inherited;

static gboolean
walk_pages (TekenPdfDocument *self,
            TekenPdfObject   *node_ref,
            Inherited         inherited,
            GHashTable       *visited,
            guint             depth,
            GError          **error)
{
  g_autoptr(TekenPdfObject) node = NULL;
  g_autoptr(TekenPdfObject) kids = NULL;
  g_autoptr(GError) local_error = NULL;
  TekenPdfObject *type;
  guint32 number;
  guint16 generation;

  if (!teken_pdf_object_is (node_ref, TEKEN_PDF_REFERENCE))
    return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "page tree node is not a reference"));

  teken_pdf_reference_get (node_ref, &number, &generation);
  if (depth > MAX_TREE_DEPTH || g_hash_table_contains (visited, GUINT_TO_POINTER (number)))
    return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "page tree loop"));
  g_hash_table_add (visited, GUINT_TO_POINTER (number));

  node = teken_pdf_document_get_object (self, number, &local_error);
  if (node == NULL || !teken_pdf_object_is (node, TEKEN_PDF_DICT))
    return set_damaged (self, error, local_error ? g_steal_pointer (&local_error)
                        : g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "page tree node is not a dictionary"));

  if (teken_pdf_dict_get (node, "MediaBox"))
    inherited.media_box = teken_pdf_dict_get (node, "MediaBox");
  if (teken_pdf_dict_get (node, "CropBox"))
    inherited.crop_box = teken_pdf_dict_get (node, "CropBox");
  if (teken_pdf_dict_get (node, "Rotate"))
    inherited.rotate = teken_pdf_dict_get (node, "Rotate");

  type = teken_pdf_dict_get (node, "Type");
  kids = teken_pdf_document_lookup (self, node, "Kids", &local_error);
  if (local_error != NULL)
    return set_damaged (self, error, g_steal_pointer (&local_error));

  if (teken_pdf_object_has_name (type, "Page") || (kids == NULL && !teken_pdf_object_has_name (type, "Pages")))
    {
      TekenPdfPage *page = g_new0 (TekenPdfPage, 1);
      g_autoptr(TekenPdfObject) rotate = NULL;

      page->number = number;
      page->generation = generation;
      page->dict = g_steal_pointer (&node);

      if (!read_box (self, inherited.media_box, page->media_box))
        {
          /* US Letter is the default the standard gives (table 30). */
          page->media_box[0] = page->media_box[1] = 0;
          page->media_box[2] = 612;
          page->media_box[3] = 792;
        }
      if (!read_box (self, inherited.crop_box, page->crop_box))
        memcpy (page->crop_box, page->media_box, sizeof page->crop_box);

      page->crop_box[0] = MAX (page->crop_box[0], page->media_box[0]);
      page->crop_box[1] = MAX (page->crop_box[1], page->media_box[1]);
      page->crop_box[2] = MIN (page->crop_box[2], page->media_box[2]);
      page->crop_box[3] = MIN (page->crop_box[3], page->media_box[3]);
      if (page->crop_box[2] <= page->crop_box[0] || page->crop_box[3] <= page->crop_box[1])
        memcpy (page->crop_box, page->media_box, sizeof page->crop_box);

      if (inherited.rotate != NULL &&
          (rotate = teken_pdf_document_resolve (self, inherited.rotate, NULL)) &&
          teken_pdf_object_is (rotate, TEKEN_PDF_INTEGER) &&
          teken_pdf_object_get_integer (rotate) % 90 == 0)
        page->rotate = ((teken_pdf_object_get_integer (rotate) % 360) + 360) % 360;

      g_ptr_array_add (self->pages, page);
      return TRUE;
    }

  if (!teken_pdf_object_is (kids, TEKEN_PDF_ARRAY))
    return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "page tree node without /Kids"));

  for (guint i = 0; i < teken_pdf_array_get_length (kids); i++)
    {
      if (!walk_pages (self, teken_pdf_array_get (kids, i), inherited, visited, depth + 1, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
load_pages (TekenPdfDocument *self,
            GError          **error)
{
  g_autoptr(GHashTable) visited = g_hash_table_new (NULL, NULL);
  g_autoptr(TekenPdfObject) catalog = NULL;
  g_autoptr(GError) local_error = NULL;
  Inherited inherited = { NULL, NULL, NULL };
  TekenPdfObject *pages;

  catalog = teken_pdf_document_lookup (self, self->trailer, "Root", &local_error);
  if (!teken_pdf_object_is (catalog, TEKEN_PDF_DICT))
    return set_damaged (self, error, local_error ? g_steal_pointer (&local_error)
                        : g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "no catalog"));

  pages = teken_pdf_dict_get (catalog, "Pages");
  if (pages == NULL)
    return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "no page tree"));

  return walk_pages (self, pages, inherited, visited, 0, error);
}

static gboolean
open_document (TekenPdfDocument *self,
               GError          **error)
{
  guint8 head[1024];
  gsize n = MIN ((goffset) sizeof head, self->size);

  if (!teken_pdf_document_read (self, 0, head, n, error))
    return FALSE;

  if (n < 8 || memmem (head, n, "%PDF-", 5) == NULL)
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_NOT_PDF,
                   _("“%s” is not a PDF document."), self->display_name);
      return FALSE;
    }

  if (!load_xref (self, error))
    return FALSE;

  if (teken_pdf_dict_get (self->trailer, "Encrypt") != NULL)
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_ENCRYPTED,
                   _("“%s” is protected with a password. Teken cannot sign or verify encrypted documents yet; ask the sender for a copy without a password."),
                   self->display_name);
      return FALSE;
    }

  return load_pages (self, error);
}

static void
teken_pdf_document_finalize (GObject *object)
{
  TekenPdfDocument *self = TEKEN_PDF_DOCUMENT (object);

  if (self->fd >= 0)
    close (self->fd);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->xref, g_hash_table_unref);
  g_clear_pointer (&self->revisions, g_ptr_array_unref);
  g_clear_pointer (&self->trailer, teken_pdf_object_unref);
  g_clear_pointer (&self->objects, g_hash_table_unref);
  g_clear_pointer (&self->loading, g_hash_table_unref);
  g_clear_pointer (&self->object_streams, g_hash_table_unref);
  g_clear_pointer (&self->pages, g_ptr_array_unref);

  G_OBJECT_CLASS (teken_pdf_document_parent_class)->finalize (object);
}

static void
teken_pdf_document_class_init (TekenPdfDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = teken_pdf_document_finalize;
}

static void
teken_pdf_document_init (TekenPdfDocument *self)
{
  self->fd = -1;
  self->xref = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->revisions = g_ptr_array_new_with_free_func ((GDestroyNotify) revision_free);
  self->objects = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) teken_pdf_object_unref);
  self->loading = g_hash_table_new (NULL, NULL);
  self->object_streams = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) object_stream_free);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
}

/**
 * teken_pdf_document_new_for_path:
 *
 * Returns: (transfer full): the document, or %NULL with @error set to a
 *   message for the user
 */
TekenPdfDocument *
teken_pdf_document_new_for_path (const char  *path,
                                 GError     **error)
{
  return teken_pdf_document_new_for_path_prefix (path, -1, error);
}

/**
 * teken_pdf_document_new_for_path_prefix:
 * @size: how many bytes of the file to see, or -1 for all
 *
 * Opens the file as if it ended after @size bytes.
 *
 * Returns: (transfer full): the document, or %NULL with @error set to a
 *   message for the user
 */
TekenPdfDocument *
teken_pdf_document_new_for_path_prefix (const char  *path,
                                        goffset      size,
                                        GError     **error)
{
  g_autoptr(TekenPdfDocument) self = g_object_new (TEKEN_TYPE_PDF_DOCUMENT, NULL);
  GStatBuf st;

  self->display_name = g_filename_display_basename (path);
  self->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (self->fd < 0 || fstat (self->fd, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO,
                   _("Could not open “%s”: %s"), self->display_name, g_strerror (saved_errno));
      return NULL;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_NOT_PDF,
                   _("“%s” is not a PDF document."), self->display_name);
      return NULL;
    }

  self->size = size >= 0 ? MIN (size, st.st_size) : st.st_size;
  if (!open_document (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

TekenPdfDocument *
teken_pdf_document_new_for_bytes (GBytes  *bytes,
                                  GError **error)
{
  g_autoptr(TekenPdfDocument) self = g_object_new (TEKEN_TYPE_PDF_DOCUMENT, NULL);

  self->display_name = g_strdup (_("the document"));
  self->bytes = g_bytes_ref (bytes);
  self->size = g_bytes_get_size (bytes);
  if (!open_document (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * teken_pdf_document_new_prefix:
 * @size: how many bytes of the file to see
 *
 * Opens the same file as if it ended after @size bytes: the document as it
 * was when a signature covering those bytes was made.
 *
 * Returns: (transfer full): the earlier document, or %NULL with @error set
 */
TekenPdfDocument *
teken_pdf_document_new_prefix (TekenPdfDocument  *self,
                               goffset            size,
                               GError           **error)
{
  g_autoptr(TekenPdfDocument) prefix = g_object_new (TEKEN_TYPE_PDF_DOCUMENT, NULL);

  g_return_val_if_fail (TEKEN_IS_PDF_DOCUMENT (self), NULL);
  g_return_val_if_fail (size >= 0 && size <= self->size, NULL);

  prefix->display_name = g_strdup (self->display_name);
  prefix->size = size;
  if (self->bytes != NULL)
    prefix->bytes = g_bytes_new_from_bytes (self->bytes, 0, size);
  else if ((prefix->fd = dup (self->fd)) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_IO,
                   _("Could not read “%s”: %s"), self->display_name, g_strerror (saved_errno));
      return NULL;
    }

  if (!open_document (prefix, error))
    return NULL;

  return g_steal_pointer (&prefix);
}

/**
 * teken_pdf_document_get_object_numbers:
 *
 * Returns: (transfer full) (element-type guint32): every object number the
 *   cross-reference sections name, in increasing order
 */
GArray *
teken_pdf_document_get_object_numbers (TekenPdfDocument *self)
{
  GArray *numbers = g_array_sized_new (FALSE, FALSE, sizeof (guint32), g_hash_table_size (self->xref));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->xref);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint32 number = GPOINTER_TO_UINT (key);

      g_array_append_val (numbers, number);
    }
  g_array_sort (numbers, compare_numbers);

  return numbers;
}

gboolean
teken_pdf_document_get_xref_entry (TekenPdfDocument  *self,
                                   guint32            number,
                                   TekenPdfXrefEntry *entry)
{
  XrefEntry *found = g_hash_table_lookup (self->xref, GUINT_TO_POINTER (number));

  if (found == NULL)
    return FALSE;

  *entry = *found;

  return TRUE;
}

const char *
teken_pdf_document_get_display_name (TekenPdfDocument *self)
{
  return self->display_name;
}

goffset
teken_pdf_document_get_size (TekenPdfDocument *self)
{
  return self->size;
}

TekenPdfObject *
teken_pdf_document_get_trailer (TekenPdfDocument *self)
{
  return self->trailer;
}

/**
 * teken_pdf_document_get_catalog:
 *
 * Returns: (transfer full): the document catalog (checked when opening)
 */
TekenPdfObject *
teken_pdf_document_get_catalog (TekenPdfDocument *self)
{
  return teken_pdf_document_lookup (self, self->trailer, "Root", NULL);
}

guint32
teken_pdf_document_get_xref_size (TekenPdfDocument *self)
{
  return self->xref_size;
}

guint
teken_pdf_document_get_n_revisions (TekenPdfDocument *self)
{
  return self->revisions->len;
}

const TekenPdfRevision *
teken_pdf_document_get_revision (TekenPdfDocument *self,
                                 guint             index)
{
  g_return_val_if_fail (index < self->revisions->len, NULL);

  return g_ptr_array_index (self->revisions, index);
}

guint
teken_pdf_document_get_n_pages (TekenPdfDocument *self)
{
  return self->pages->len;
}

const TekenPdfPage *
teken_pdf_document_get_page (TekenPdfDocument *self,
                             guint             index)
{
  g_return_val_if_fail (index < self->pages->len, NULL);

  return g_ptr_array_index (self->pages, index);
}

static void
field_free (TekenPdfField *field)
{
  g_free (field->name);
  g_clear_pointer (&field->dict, teken_pdf_object_unref);
  g_free (field);
}

static gboolean
walk_fields (TekenPdfDocument *self,
             TekenPdfObject   *node_ref,
             const char       *parent_name,
             TekenPdfObject   *inherited_type,
             GHashTable       *visited,
             guint             depth,
             GPtrArray        *fields,
             GError          **error)
{
  g_autoptr(TekenPdfObject) node = NULL;
  g_autoptr(TekenPdfObject) kids = NULL;
  g_autoptr(TekenPdfObject) partial = NULL;
  g_autofree char *name = NULL;
  TekenPdfObject *type;
  guint32 number = 0;

  if (depth > MAX_TREE_DEPTH)
    return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "field tree too deep"));

  if (teken_pdf_object_is (node_ref, TEKEN_PDF_REFERENCE))
    {
      teken_pdf_reference_get (node_ref, &number, NULL);
      if (g_hash_table_contains (visited, GUINT_TO_POINTER (number)))
        return set_damaged (self, error, g_error_new_literal (TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED, "field tree loop"));
      g_hash_table_add (visited, GUINT_TO_POINTER (number));
    }

  if (!(node = teken_pdf_document_resolve (self, node_ref, error)))
    return FALSE;
  if (!teken_pdf_object_is (node, TEKEN_PDF_DICT))
    return TRUE;                /* tolerate junk in /Fields, as readers do */

  partial = teken_pdf_document_lookup (self, node, "T", NULL);
  if (teken_pdf_object_is (partial, TEKEN_PDF_STRING))
    {
      gsize length;
      const guint8 *text = teken_pdf_object_get_string (partial, &length);
      g_autofree char *utf8 = NULL;

      if (length >= 2 && text[0] == 0xfe && text[1] == 0xff)
        utf8 = g_convert ((const char *) text + 2, length - 2, "UTF-8", "UTF-16BE", NULL, NULL, NULL);
      if (utf8 == NULL)
        utf8 = g_strndup ((const char *) text, length);
      name = parent_name != NULL ? g_strconcat (parent_name, ".", utf8, NULL) : g_steal_pointer (&utf8);
    }
  else
    name = g_strdup (parent_name);

  type = teken_pdf_dict_get (node, "FT");
  if (type == NULL)
    type = inherited_type;

  if (!(kids = teken_pdf_document_lookup (self, node, "Kids", error)) && error != NULL && *error != NULL)
    return FALSE;

  if (name != NULL && !g_str_equal (name, parent_name ? parent_name : ""))
    {
      TekenPdfField *field = g_new0 (TekenPdfField, 1);

      field->name = g_strdup (name);
      field->number = number;
      field->dict = teken_pdf_object_ref (node);
      field->is_signature = teken_pdf_object_has_name (type, "Sig");
      field->is_signed = field->is_signature && teken_pdf_dict_get (node, "V") != NULL;
      g_ptr_array_add (fields, field);
    }

  if (teken_pdf_object_is (kids, TEKEN_PDF_ARRAY))
    {
      for (guint i = 0; i < teken_pdf_array_get_length (kids); i++)
        {
          if (!walk_fields (self, teken_pdf_array_get (kids, i), name, type, visited, depth + 1, fields, error))
            return FALSE;
        }
    }

  return TRUE;
}

/**
 * teken_pdf_document_get_fields:
 *
 * Returns: (transfer full) (element-type TekenPdfField): the named form
 *   fields of the interactive form, or %NULL with @error set
 */
GPtrArray *
teken_pdf_document_get_fields (TekenPdfDocument *self,
                               GError          **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  g_autoptr(GHashTable) visited = g_hash_table_new (NULL, NULL);
  g_autoptr(TekenPdfObject) catalog = teken_pdf_document_get_catalog (self);
  g_autoptr(TekenPdfObject) form = NULL;
  g_autoptr(TekenPdfObject) list = NULL;
  g_autoptr(GError) local_error = NULL;

  if (catalog == NULL)
    return g_steal_pointer (&fields);

  form = teken_pdf_document_lookup (self, catalog, "AcroForm", &local_error);
  if (teken_pdf_object_is (form, TEKEN_PDF_DICT))
    list = teken_pdf_document_lookup (self, form, "Fields", &local_error);
  if (local_error != NULL)
    {
      set_damaged (self, error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (teken_pdf_object_is (list, TEKEN_PDF_ARRAY))
    {
      for (guint i = 0; i < teken_pdf_array_get_length (list); i++)
        {
          if (!walk_fields (self, teken_pdf_array_get (list, i), NULL, NULL, visited, 0, fields, error))
            return NULL;
        }
    }

  return g_steal_pointer (&fields);
}

/* The page as a reader shows it: the crop box, turned by /Rotate. */
void
teken_pdf_page_get_display_size (const TekenPdfPage *page,
                                 double             *width,
                                 double             *height)
{
  double w = page->crop_box[2] - page->crop_box[0];
  double h = page->crop_box[3] - page->crop_box[1];

  *width = page->rotate % 180 == 0 ? w : h;
  *height = page->rotate % 180 == 0 ? h : w;
}

static void
display_point_to_user (const TekenPdfPage *page,
                       double              u,
                       double              v,
                       double             *x,
                       double             *y)
{
  const double *box = page->crop_box;

  /* The reader turns the page clockwise by /Rotate; undo that. */
  switch (page->rotate)
    {
    case 90:
      *x = box[0] + v;
      *y = box[1] + u;
      break;
    case 180:
      *x = box[2] - u;
      *y = box[1] + v;
      break;
    case 270:
      *x = box[2] - v;
      *y = box[3] - u;
      break;
    case 0:
    default:
      *x = box[0] + u;
      *y = box[3] - v;
      break;
    }
}

/**
 * teken_pdf_page_display_to_user:
 * @x: (in): left edge, in points from the left of the page as shown
 * @y: (in): top edge, in points from the top of the page as shown
 * @rect: (out): the rectangle in the page's default user space, as
 *   x0 y0 x1 y1 with x0 < x1 and y0 < y1
 *
 * Converts a rectangle given the way BSrE's originX/originY are (origin at
 * the top left of the visible page) into PDF user space, for any crop box
 * offset and page rotation.
 */
void
teken_pdf_page_display_to_user (const TekenPdfPage *page,
                                double              x,
                                double              y,
                                double              width,
                                double              height,
                                double              rect[4])
{
  double ax, ay, bx, by;

  display_point_to_user (page, x, y, &ax, &ay);
  display_point_to_user (page, x + width, y + height, &bx, &by);

  rect[0] = MIN (ax, bx);
  rect[1] = MIN (ay, by);
  rect[2] = MAX (ax, bx);
  rect[3] = MAX (ay, by);
}
