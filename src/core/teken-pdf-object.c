/* teken-pdf-object.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "teken-pdf-object.h"

struct _TekenPdfObject
{
  gatomicrefcount ref_count;
  TekenPdfKind kind;
  goffset start;
  goffset end;
  union {
    gboolean boolean;
    gint64 integer;
    double real;
    struct {
      guint8 *data;
      gsize length;
      gboolean hex;
    } string;
    char *name;
    GPtrArray *array;
    struct {
      GPtrArray *keys;
      GPtrArray *values;
    } dict;
    struct {
      guint32 number;
      guint16 generation;
    } reference;
    struct {
      TekenPdfObject *dict;
      GBytes *data;
      goffset data_offset;
      gsize length;
    } stream;
  } u;
};

G_DEFINE_BOXED_TYPE (TekenPdfObject, teken_pdf_object, teken_pdf_object_ref, teken_pdf_object_unref)

static TekenPdfObject *
object_new (TekenPdfKind kind)
{
  TekenPdfObject *self = g_new0 (TekenPdfObject, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->start = -1;
  self->end = -1;

  return self;
}

TekenPdfObject *
teken_pdf_object_ref (TekenPdfObject *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
teken_pdf_object_unref (TekenPdfObject *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  switch (self->kind)
    {
    case TEKEN_PDF_STRING:
      g_free (self->u.string.data);
      break;
    case TEKEN_PDF_NAME:
      g_free (self->u.name);
      break;
    case TEKEN_PDF_ARRAY:
      g_ptr_array_unref (self->u.array);
      break;
    case TEKEN_PDF_DICT:
      g_ptr_array_unref (self->u.dict.keys);
      g_ptr_array_unref (self->u.dict.values);
      break;
    case TEKEN_PDF_STREAM:
      g_clear_pointer (&self->u.stream.dict, teken_pdf_object_unref);
      g_clear_pointer (&self->u.stream.data, g_bytes_unref);
      break;
    case TEKEN_PDF_NULL:
    case TEKEN_PDF_BOOLEAN:
    case TEKEN_PDF_INTEGER:
    case TEKEN_PDF_REAL:
    case TEKEN_PDF_REFERENCE:
    default:
      break;
    }

  g_free (self);
}

TekenPdfKind
teken_pdf_object_get_kind (const TekenPdfObject *self)
{
  g_return_val_if_fail (self != NULL, TEKEN_PDF_NULL);

  return self->kind;
}

gboolean
teken_pdf_object_is (const TekenPdfObject *self,
                     TekenPdfKind          kind)
{
  return self != NULL && self->kind == kind;
}

goffset
teken_pdf_object_get_start (const TekenPdfObject *self)
{
  return self->start;
}

goffset
teken_pdf_object_get_end (const TekenPdfObject *self)
{
  return self->end;
}

void
teken_pdf_object_set_span (TekenPdfObject *self,
                           goffset         start,
                           goffset         end)
{
  self->start = start;
  self->end = end;
}

TekenPdfObject *
teken_pdf_null_new (void)
{
  return object_new (TEKEN_PDF_NULL);
}

TekenPdfObject *
teken_pdf_boolean_new (gboolean value)
{
  TekenPdfObject *self = object_new (TEKEN_PDF_BOOLEAN);

  self->u.boolean = !!value;

  return self;
}

TekenPdfObject *
teken_pdf_integer_new (gint64 value)
{
  TekenPdfObject *self = object_new (TEKEN_PDF_INTEGER);

  self->u.integer = value;

  return self;
}

TekenPdfObject *
teken_pdf_real_new (double value)
{
  TekenPdfObject *self = object_new (TEKEN_PDF_REAL);

  self->u.real = value;

  return self;
}

TekenPdfObject *
teken_pdf_string_new (const guint8 *data,
                      gsize         length)
{
  TekenPdfObject *self = object_new (TEKEN_PDF_STRING);

  /* One spare byte so the text can be read as a C string. */
  self->u.string.data = g_malloc (length + 1);
  if (length > 0)
    memcpy (self->u.string.data, data, length);
  self->u.string.data[length] = '\0';
  self->u.string.length = length;

  return self;
}

/* A text string (7.9.2.2): PDFDocEncoding when the text is ASCII, else
 * UTF-16BE with a byte order mark. */
TekenPdfObject *
teken_pdf_string_new_text (const char *text)
{
  g_autofree gunichar2 *utf16 = NULL;
  g_autofree guint8 *bytes = NULL;
  glong n_units = 0;

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80)
        goto utf16;
    }

  return teken_pdf_string_new ((const guint8 *) text, strlen (text));

utf16:
  utf16 = g_utf8_to_utf16 (text, -1, NULL, &n_units, NULL);
  if (utf16 == NULL)
    return teken_pdf_string_new ((const guint8 *) "?", 1);

  bytes = g_malloc (2 + 2 * n_units);
  bytes[0] = 0xfe;
  bytes[1] = 0xff;
  for (glong i = 0; i < n_units; i++)
    {
      bytes[2 + 2 * i] = utf16[i] >> 8;
      bytes[3 + 2 * i] = utf16[i] & 0xff;
    }

  return teken_pdf_string_new (bytes, 2 + 2 * n_units);
}

TekenPdfObject *
teken_pdf_hex_string_new (const guint8 *data,
                          gsize         length)
{
  TekenPdfObject *self = teken_pdf_string_new (data, length);

  self->u.string.hex = TRUE;

  return self;
}

TekenPdfObject *
teken_pdf_name_new (const char *name)
{
  TekenPdfObject *self = object_new (TEKEN_PDF_NAME);

  self->u.name = g_strdup (name);

  return self;
}

TekenPdfObject *
teken_pdf_array_new (void)
{
  TekenPdfObject *self = object_new (TEKEN_PDF_ARRAY);

  self->u.array = g_ptr_array_new_with_free_func ((GDestroyNotify) teken_pdf_object_unref);

  return self;
}

TekenPdfObject *
teken_pdf_dict_new (void)
{
  TekenPdfObject *self = object_new (TEKEN_PDF_DICT);

  self->u.dict.keys = g_ptr_array_new_with_free_func (g_free);
  self->u.dict.values = g_ptr_array_new_with_free_func ((GDestroyNotify) teken_pdf_object_unref);

  return self;
}

TekenPdfObject *
teken_pdf_reference_new (guint32 number,
                         guint16 generation)
{
  TekenPdfObject *self = object_new (TEKEN_PDF_REFERENCE);

  self->u.reference.number = number;
  self->u.reference.generation = generation;

  return self;
}

/* A stream whose data is in memory; takes @dict. */
TekenPdfObject *
teken_pdf_stream_new (TekenPdfObject *dict,
                      GBytes         *data)
{
  TekenPdfObject *self = object_new (TEKEN_PDF_STREAM);

  g_return_val_if_fail (teken_pdf_object_is (dict, TEKEN_PDF_DICT), NULL);

  self->u.stream.dict = dict;
  self->u.stream.data = g_bytes_ref (data);
  self->u.stream.data_offset = -1;
  self->u.stream.length = g_bytes_get_size (data);

  return self;
}

/* A stream whose data stays in the file, at @data_offset; takes @dict. */
TekenPdfObject *
teken_pdf_stream_new_in_file (TekenPdfObject *dict,
                              goffset         data_offset,
                              gsize           length)
{
  TekenPdfObject *self = object_new (TEKEN_PDF_STREAM);

  g_return_val_if_fail (teken_pdf_object_is (dict, TEKEN_PDF_DICT), NULL);

  self->u.stream.dict = dict;
  self->u.stream.data_offset = data_offset;
  self->u.stream.length = length;

  return self;
}

gboolean
teken_pdf_object_get_boolean (const TekenPdfObject *self)
{
  return teken_pdf_object_is (self, TEKEN_PDF_BOOLEAN) && self->u.boolean;
}

gint64
teken_pdf_object_get_integer (const TekenPdfObject *self)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_INTEGER), 0);

  return self->u.integer;
}

gboolean
teken_pdf_object_get_number (const TekenPdfObject *self,
                             double               *value)
{
  if (teken_pdf_object_is (self, TEKEN_PDF_INTEGER))
    *value = self->u.integer;
  else if (teken_pdf_object_is (self, TEKEN_PDF_REAL))
    *value = self->u.real;
  else
    return FALSE;

  return TRUE;
}

const guint8 *
teken_pdf_object_get_string (const TekenPdfObject *self,
                             gsize                *length)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_STRING), NULL);

  if (length != NULL)
    *length = self->u.string.length;

  return self->u.string.data;
}

gboolean
teken_pdf_object_is_hex_string (const TekenPdfObject *self)
{
  return teken_pdf_object_is (self, TEKEN_PDF_STRING) && self->u.string.hex;
}

const char *
teken_pdf_object_get_name (const TekenPdfObject *self)
{
  if (!teken_pdf_object_is (self, TEKEN_PDF_NAME))
    return NULL;

  return self->u.name;
}

gboolean
teken_pdf_object_has_name (const TekenPdfObject *self,
                           const char           *name)
{
  return teken_pdf_object_is (self, TEKEN_PDF_NAME) && g_str_equal (self->u.name, name);
}

void
teken_pdf_reference_get (const TekenPdfObject *self,
                         guint32              *number,
                         guint16              *generation)
{
  g_return_if_fail (teken_pdf_object_is (self, TEKEN_PDF_REFERENCE));

  if (number != NULL)
    *number = self->u.reference.number;
  if (generation != NULL)
    *generation = self->u.reference.generation;
}

guint
teken_pdf_array_get_length (const TekenPdfObject *self)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_ARRAY), 0);

  return self->u.array->len;
}

TekenPdfObject *
teken_pdf_array_get (const TekenPdfObject *self,
                     guint                 index)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_ARRAY), NULL);
  g_return_val_if_fail (index < self->u.array->len, NULL);

  return g_ptr_array_index (self->u.array, index);
}

/* Takes @value. */
void
teken_pdf_array_append (TekenPdfObject *self,
                        TekenPdfObject *value)
{
  g_return_if_fail (teken_pdf_object_is (self, TEKEN_PDF_ARRAY));

  g_ptr_array_add (self->u.array, value);
}

guint
teken_pdf_dict_get_size (const TekenPdfObject *self)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_DICT), 0);

  return self->u.dict.keys->len;
}

const char *
teken_pdf_dict_get_key (const TekenPdfObject *self,
                        guint                 index)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_DICT), NULL);

  return g_ptr_array_index (self->u.dict.keys, index);
}

TekenPdfObject *
teken_pdf_dict_get_value (const TekenPdfObject *self,
                          guint                 index)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_DICT), NULL);

  return g_ptr_array_index (self->u.dict.values, index);
}

static int
dict_find (const TekenPdfObject *self,
           const char           *key)
{
  /* The last of duplicate keys wins, as in most readers. */
  for (guint i = self->u.dict.keys->len; i > 0; i--)
    {
      if (g_str_equal (g_ptr_array_index (self->u.dict.keys, i - 1), key))
        return i - 1;
    }

  return -1;
}

/**
 * teken_pdf_dict_get:
 *
 * Returns: (transfer none) (nullable): the value of @key, not resolved
 */
TekenPdfObject *
teken_pdf_dict_get (const TekenPdfObject *self,
                    const char           *key)
{
  int index;

  if (teken_pdf_object_is (self, TEKEN_PDF_STREAM))
    self = self->u.stream.dict;

  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_DICT), NULL);

  index = dict_find (self, key);

  return index < 0 ? NULL : g_ptr_array_index (self->u.dict.values, index);
}

/* Takes @value; replaces an existing entry in place, keeping the order. */
void
teken_pdf_dict_set (TekenPdfObject *self,
                    const char     *key,
                    TekenPdfObject *value)
{
  int index;

  g_return_if_fail (teken_pdf_object_is (self, TEKEN_PDF_DICT));

  index = dict_find (self, key);
  if (index >= 0)
    {
      teken_pdf_object_unref (g_ptr_array_index (self->u.dict.values, index));
      g_ptr_array_index (self->u.dict.values, index) = value;
    }
  else
    {
      g_ptr_array_add (self->u.dict.keys, g_strdup (key));
      g_ptr_array_add (self->u.dict.values, value);
    }
}

void
teken_pdf_dict_remove (TekenPdfObject *self,
                       const char     *key)
{
  int index;

  g_return_if_fail (teken_pdf_object_is (self, TEKEN_PDF_DICT));

  while ((index = dict_find (self, key)) >= 0)
    {
      g_ptr_array_remove_index (self->u.dict.keys, index);
      g_ptr_array_remove_index (self->u.dict.values, index);
    }
}

/* A shallow copy: a new dictionary sharing the values, so that changing an
 * entry of the copy leaves the document's cached object alone. */
TekenPdfObject *
teken_pdf_dict_copy (const TekenPdfObject *self)
{
  TekenPdfObject *copy;

  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_DICT), NULL);

  copy = teken_pdf_dict_new ();
  for (guint i = 0; i < self->u.dict.keys->len; i++)
    teken_pdf_dict_set (copy,
                        g_ptr_array_index (self->u.dict.keys, i),
                        teken_pdf_object_ref (g_ptr_array_index (self->u.dict.values, i)));

  return copy;
}

TekenPdfObject *
teken_pdf_stream_get_dict (const TekenPdfObject *self)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_STREAM), NULL);

  return self->u.stream.dict;
}

goffset
teken_pdf_stream_get_data_offset (const TekenPdfObject *self)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_STREAM), -1);

  return self->u.stream.data_offset;
}

gsize
teken_pdf_stream_get_length (const TekenPdfObject *self)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_STREAM), 0);

  return self->u.stream.length;
}

/**
 * teken_pdf_stream_get_data:
 *
 * Returns: (transfer none) (nullable): the raw data of a stream built in
 *   memory; %NULL for a stream in a file (read it through the document)
 */
GBytes *
teken_pdf_stream_get_data (const TekenPdfObject *self)
{
  g_return_val_if_fail (teken_pdf_object_is (self, TEKEN_PDF_STREAM), NULL);

  return self->u.stream.data;
}

/**
 * teken_pdf_object_equal:
 *
 * Compares two objects by value, references by number. Numbers compare by
 * value whatever their kind; dictionaries whatever their key order. Streams
 * compare their dictionaries only: their data lives in the file.
 */
gboolean
teken_pdf_object_equal (const TekenPdfObject *a,
                        const TekenPdfObject *b)
{
  double x, y;

  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  if (teken_pdf_object_get_number (a, &x) && teken_pdf_object_get_number (b, &y))
    return x == y;

  if (a->kind != b->kind)
    return FALSE;

  switch (a->kind)
    {
    case TEKEN_PDF_NULL:
      return TRUE;
    case TEKEN_PDF_BOOLEAN:
      return a->u.boolean == b->u.boolean;
    case TEKEN_PDF_STRING:
      return a->u.string.length == b->u.string.length &&
             memcmp (a->u.string.data, b->u.string.data, a->u.string.length) == 0;
    case TEKEN_PDF_NAME:
      return g_str_equal (a->u.name, b->u.name);
    case TEKEN_PDF_ARRAY:
      if (a->u.array->len != b->u.array->len)
        return FALSE;
      for (guint i = 0; i < a->u.array->len; i++)
        {
          if (!teken_pdf_object_equal (g_ptr_array_index (a->u.array, i), g_ptr_array_index (b->u.array, i)))
            return FALSE;
        }
      return TRUE;
    case TEKEN_PDF_DICT:
      if (a->u.dict.keys->len != b->u.dict.keys->len)
        return FALSE;
      for (guint i = 0; i < a->u.dict.keys->len; i++)
        {
          const char *key = g_ptr_array_index (a->u.dict.keys, i);

          if (!teken_pdf_object_equal (g_ptr_array_index (a->u.dict.values, i), teken_pdf_dict_get (b, key)))
            return FALSE;
        }
      return TRUE;
    case TEKEN_PDF_REFERENCE:
      return a->u.reference.number == b->u.reference.number &&
             a->u.reference.generation == b->u.reference.generation;
    case TEKEN_PDF_STREAM:
      return teken_pdf_object_equal (a->u.stream.dict, b->u.stream.dict);
    case TEKEN_PDF_INTEGER:
    case TEKEN_PDF_REAL:
    default:
      return FALSE;
    }
}

static gboolean
is_regular_name_char (guchar c)
{
  return c > 0x20 && c < 0x7f && c != '#' && strchr ("()<>[]{}/%", c) == NULL;
}

static void
write_name (const char *name,
            GString    *out)
{
  g_string_append_c (out, '/');
  for (const guchar *p = (const guchar *) name; *p != '\0'; p++)
    {
      if (is_regular_name_char (*p))
        g_string_append_c (out, *p);
      else
        g_string_append_printf (out, "#%02X", *p);
    }
}

static void
write_string (const TekenPdfObject *self,
              GString              *out)
{
  const guint8 *data = self->u.string.data;
  gsize length = self->u.string.length;
  gboolean printable = !self->u.string.hex;

  for (gsize i = 0; printable && i < length; i++)
    printable = data[i] >= 0x20 && data[i] < 0x7f;

  if (!printable)
    {
      g_string_append_c (out, '<');
      for (gsize i = 0; i < length; i++)
        g_string_append_printf (out, "%02X", data[i]);
      g_string_append_c (out, '>');
      return;
    }

  g_string_append_c (out, '(');
  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '(' || data[i] == ')' || data[i] == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, data[i]);
    }
  g_string_append_c (out, ')');
}

static void
write_real (double   value,
            GString *out)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char *end;

  /* PDF has no exponent notation; five decimals are plenty for points. */
  g_ascii_formatd (buffer, sizeof buffer, "%.5f", value);
  end = buffer + strlen (buffer) - 1;
  while (end > buffer && *end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
  if (g_str_equal (buffer, "-0"))
    g_strlcpy (buffer, "0", sizeof buffer);

  g_string_append (out, buffer);
}

/* Serializes @self as PDF syntax. Streams must be in memory: their /Length
 * is written from the data. */
void
teken_pdf_object_write (const TekenPdfObject *self,
                        GString              *out)
{
  switch (self->kind)
    {
    case TEKEN_PDF_NULL:
      g_string_append (out, "null");
      break;
    case TEKEN_PDF_BOOLEAN:
      g_string_append (out, self->u.boolean ? "true" : "false");
      break;
    case TEKEN_PDF_INTEGER:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, self->u.integer);
      break;
    case TEKEN_PDF_REAL:
      write_real (self->u.real, out);
      break;
    case TEKEN_PDF_STRING:
      write_string (self, out);
      break;
    case TEKEN_PDF_NAME:
      write_name (self->u.name, out);
      break;
    case TEKEN_PDF_ARRAY:
      g_string_append_c (out, '[');
      for (guint i = 0; i < self->u.array->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ' ');
          teken_pdf_object_write (g_ptr_array_index (self->u.array, i), out);
        }
      g_string_append_c (out, ']');
      break;
    case TEKEN_PDF_DICT:
      g_string_append (out, "<<");
      for (guint i = 0; i < self->u.dict.keys->len; i++)
        {
          write_name (g_ptr_array_index (self->u.dict.keys, i), out);
          g_string_append_c (out, ' ');
          teken_pdf_object_write (g_ptr_array_index (self->u.dict.values, i), out);
        }
      g_string_append (out, ">>");
      break;
    case TEKEN_PDF_REFERENCE:
      g_string_append_printf (out, "%u %u R", self->u.reference.number, self->u.reference.generation);
      break;
    case TEKEN_PDF_STREAM:
      {
        g_autoptr(TekenPdfObject) dict = teken_pdf_dict_copy (self->u.stream.dict);
        gsize size = 0;
        const guint8 *data = NULL;

        g_return_if_fail (self->u.stream.data != NULL);

        data = g_bytes_get_data (self->u.stream.data, &size);
        teken_pdf_dict_set (dict, "Length", teken_pdf_integer_new (size));
        teken_pdf_object_write (dict, out);
        g_string_append (out, "\nstream\n");
        g_string_append_len (out, (const char *) data, size);
        g_string_append (out, "\nendstream");
      }
      break;
    default:
      g_return_if_reached ();
    }
}

char *
teken_pdf_object_to_string (const TekenPdfObject *self)
{
  GString *out = g_string_new (NULL);

  teken_pdf_object_write (self, out);

  return g_string_free (out, FALSE);
}
