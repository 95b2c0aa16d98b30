/* teken-pdf-parser.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every read is bounded by the window, nesting by TEKEN_PDF_MAX_DEPTH, and
 * numbers by overflow checks: a hostile file can make the parser fail, never
 * crash, loop or allocate more than the window it was given. */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "teken-pdf-parser.h"

#define MAX_NAME_LENGTH 4096

G_DEFINE_QUARK (teken-pdf-error-quark, teken_pdf_error)

static TekenPdfObject *read_object (TekenPdfParser *self,
                                    GError        **error);

gboolean
teken_pdf_is_whitespace (guchar c)
{
  return c == 0x00 || c == 0x09 || c == 0x0a || c == 0x0c || c == 0x0d || c == 0x20;
}

gboolean
teken_pdf_is_delimiter (guchar c)
{
  return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' ||
         c == '{' || c == '}' || c == '/' || c == '%';
}

static gboolean
is_regular (guchar c)
{
  return !teken_pdf_is_whitespace (c) && !teken_pdf_is_delimiter (c);
}

static gboolean
set_truncated (GError **error)
{
  g_set_error_literal (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_TRUNCATED,
                       "unexpected end of data");
  return FALSE;
}

static gboolean
set_syntax (TekenPdfParser *self,
            GError        **error,
            const char     *what)
{
  g_set_error (error, TEKEN_PDF_ERROR, TEKEN_PDF_ERROR_DAMAGED,
               "syntax error at offset %" G_GOFFSET_FORMAT ": %s",
               teken_pdf_parser_tell (self), what);
  return FALSE;
}

void
teken_pdf_parser_init (TekenPdfParser *self,
                       const guint8   *data,
                       gsize           length,
                       goffset         base)
{
  self->data = data;
  self->length = length;
  self->base = base;
  self->pos = 0;
  self->depth = 0;
}

goffset
teken_pdf_parser_tell (const TekenPdfParser *self)
{
  return self->base + (goffset) self->pos;
}

void
teken_pdf_parser_skip_space (TekenPdfParser *self)
{
  while (self->pos < self->length)
    {
      guchar c = self->data[self->pos];

      if (teken_pdf_is_whitespace (c))
        self->pos++;
      else if (c == '%')
        {
          while (self->pos < self->length &&
                 self->data[self->pos] != '\n' && self->data[self->pos] != '\r')
            self->pos++;
        }
      else
        break;
    }
}

gboolean
teken_pdf_parser_at_eof (TekenPdfParser *self)
{
  teken_pdf_parser_skip_space (self);

  return self->pos >= self->length;
}

/* Consumes @keyword when it comes next as a whole token. */
gboolean
teken_pdf_parser_read_keyword (TekenPdfParser *self,
                               const char     *keyword)
{
  gsize n = strlen (keyword);
  gsize saved = self->pos;

  teken_pdf_parser_skip_space (self);

  if (self->length - self->pos >= n &&
      memcmp (self->data + self->pos, keyword, n) == 0 &&
      (self->pos + n == self->length || !is_regular (self->data[self->pos + n])))
    {
      self->pos += n;
      return TRUE;
    }

  self->pos = saved;

  return FALSE;
}

/* Reads an unsigned decimal integer no larger than @max. */
gboolean
teken_pdf_parser_read_uint (TekenPdfParser *self,
                            guint64         max,
                            guint64        *value)
{
  gsize saved = self->pos;
  guint64 v = 0;
  gsize start;

  teken_pdf_parser_skip_space (self);
  start = self->pos;

  while (self->pos < self->length && g_ascii_isdigit (self->data[self->pos]))
    {
      guint digit = self->data[self->pos] - '0';

      if (v > (max - digit) / 10)
        goto fail;
      v = v * 10 + digit;
      self->pos++;
    }

  if (self->pos == start ||
      (self->pos < self->length && is_regular (self->data[self->pos])))
    goto fail;

  *value = v;
  return TRUE;

fail:
  self->pos = saved;
  return FALSE;
}

static TekenPdfObject *
read_number (TekenPdfParser *self,
             GError        **error)
{
  gsize start = self->pos;
  gboolean negative = FALSE;
  gboolean real = FALSE;
  gboolean digits = FALSE;
  gboolean overflow = FALSE;
  gint64 integer = 0;
  char buffer[64];
  gsize n;

  if (self->data[self->pos] == '+' || self->data[self->pos] == '-')
    negative = self->data[self->pos++] == '-';

  for (; self->pos < self->length; self->pos++)
    {
      guchar c = self->data[self->pos];

      if (g_ascii_isdigit (c))
        {
          digits = TRUE;
          if (!real)
            {
              if (integer > (G_MAXINT64 - (c - '0')) / 10)
                overflow = TRUE;
              else
                integer = integer * 10 + (c - '0');
            }
        }
      else if (c == '.' && !real)
        real = TRUE;
      else
        break;
    }

  if (self->pos == self->length)
    {
      set_truncated (error);
      return NULL;
    }

  if (!digits)
    {
      set_syntax (self, error, "not a number");
      return NULL;
    }

  /* Sloppy writers emit things like "0.5.3" or "--1"; take what parsed. */
  while (self->pos < self->length && is_regular (self->data[self->pos]))
    self->pos++;

  if (!real && !overflow)
    return teken_pdf_integer_new (negative ? -integer : integer);

  n = MIN (self->pos - start, sizeof buffer - 1);
  memcpy (buffer, self->data + start, n);
  buffer[n] = '\0';

  return teken_pdf_real_new (g_ascii_strtod (buffer, NULL));
}

static TekenPdfObject *
read_literal_string (TekenPdfParser *self,
                     GError        **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint nesting = 1;

  self->pos++;                  /* ( */

  while (self->pos < self->length)
    {
      guchar c = self->data[self->pos++];

      if (c == '(')
        nesting++;
      else if (c == ')' && --nesting == 0)
        return teken_pdf_string_new (bytes->data, bytes->len);
      else if (c == '\\')
        {
          if (self->pos >= self->length)
            break;

          c = self->data[self->pos++];
          switch (c)
            {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case '\r':
              if (self->pos < self->length && self->data[self->pos] == '\n')
                self->pos++;
              continue;
            case '\n':
              continue;
            default:
              if (c >= '0' && c <= '7')
                {
                  guint value = c - '0';

                  for (guint i = 0; i < 2 && self->pos < self->length &&
                       self->data[self->pos] >= '0' && self->data[self->pos] <= '7'; i++)
                    value = value * 8 + (self->data[self->pos++] - '0');
                  c = value & 0xff;
                }
              /* Any other escaped character stands for itself. */
              break;
            }
        }
      else if (c == '\r')
        {
          /* An end of line inside a string is read as a line feed. */
          if (self->pos < self->length && self->data[self->pos] == '\n')
            self->pos++;
          c = '\n';
        }

      g_byte_array_append (bytes, &c, 1);
    }

  set_truncated (error);

  return NULL;
}

static TekenPdfObject *
read_hex_string (TekenPdfParser *self,
                 GError        **error)
{
  /* One pass over the digits; a signature's /Contents has tens of
   * thousands of them, so this is on the verifier's hot path. */
  g_autofree guint8 *bytes = g_malloc ((self->length - self->pos) / 2 + 1);
  gsize n = 0;
  int high = -1;

  self->pos++;                  /* < */

  while (self->pos < self->length)
    {
      guchar c = self->data[self->pos++];
      int value;

      if (c >= '0' && c <= '9')
        value = c - '0';
      else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        value = (c | 0x20) - 'a' + 10;
      else if (c == '>')
        {
          TekenPdfObject *string;

          if (high >= 0)
            bytes[n++] = high << 4;
          string = teken_pdf_hex_string_new (bytes, n);
          return string;
        }
      else if (teken_pdf_is_whitespace (c))
        continue;
      else
        {
          self->pos--;
          set_syntax (self, error, "bad character in hex string");
          return NULL;
        }

      if (high < 0)
        high = value;
      else
        {
          bytes[n++] = (high << 4) | value;
          high = -1;
        }
    }

  set_truncated (error);

  return NULL;
}

static char *
read_name_text (TekenPdfParser *self,
                GError        **error)
{
  g_autoptr(GString) name = g_string_new (NULL);

  self->pos++;                  /* / */

  while (self->pos < self->length && is_regular (self->data[self->pos]))
    {
      guchar c = self->data[self->pos++];

      if (c == '#' && self->pos + 1 < self->length &&
          g_ascii_isxdigit (self->data[self->pos]) && g_ascii_isxdigit (self->data[self->pos + 1]))
        {
          c = (g_ascii_xdigit_value (self->data[self->pos]) << 4) |
              g_ascii_xdigit_value (self->data[self->pos + 1]);
          self->pos += 2;
        }

      /* A NUL would cut the name short in C; the standard forbids it. */
      if (c == '\0')
        c = '?';

      if (name->len >= MAX_NAME_LENGTH)
        {
          set_syntax (self, error, "name too long");
          return NULL;
        }
      g_string_append_c (name, c);
    }

  if (self->pos == self->length)
    {
      set_truncated (error);
      return NULL;
    }

  return g_string_free (g_steal_pointer (&name), FALSE);
}

static TekenPdfObject *
read_array (TekenPdfParser *self,
            GError        **error)
{
  g_autoptr(TekenPdfObject) array = teken_pdf_array_new ();

  self->pos++;                  /* [ */

  for (;;)
    {
      TekenPdfObject *item;

      teken_pdf_parser_skip_space (self);
      if (self->pos >= self->length)
        {
          set_truncated (error);
          return NULL;
        }

      if (self->data[self->pos] == ']')
        {
          self->pos++;
          return g_steal_pointer (&array);
        }

      if (!(item = read_object (self, error)))
        return NULL;
      teken_pdf_array_append (array, item);
    }
}

static TekenPdfObject *
read_dict (TekenPdfParser *self,
           GError        **error)
{
  g_autoptr(TekenPdfObject) dict = teken_pdf_dict_new ();

  self->pos += 2;               /* << */

  for (;;)
    {
      g_autofree char *key = NULL;
      TekenPdfObject *value;

      teken_pdf_parser_skip_space (self);
      if (self->pos + 1 >= self->length)
        {
          set_truncated (error);
          return NULL;
        }

      if (self->data[self->pos] == '>' && self->data[self->pos + 1] == '>')
        {
          self->pos += 2;
          return g_steal_pointer (&dict);
        }

      if (self->data[self->pos] != '/')
        {
          set_syntax (self, error, "dictionary key is not a name");
          return NULL;
        }

      if (!(key = read_name_text (self, error)))
        return NULL;
      if (!(value = read_object (self, error)))
        return NULL;

      /* A null value is the same as an absent entry (7.3.7). */
      if (teken_pdf_object_is (value, TEKEN_PDF_NULL))
        teken_pdf_object_unref (value);
      else
        teken_pdf_dict_set (dict, key, value);
    }
}

/* After an integer: "G R" makes it a reference. */
static TekenPdfObject *
try_reference (TekenPdfParser *self,
               gint64          number,
               GError        **error)
{
  gsize saved = self->pos;
  guint64 generation;

  if (number >= 0 && number <= G_MAXUINT32 &&
      teken_pdf_parser_read_uint (self, G_MAXUINT16, &generation) &&
      teken_pdf_parser_read_keyword (self, "R"))
    return teken_pdf_reference_new (number, generation);

  /* At the very end of the window the reference may be cut in two. */
  teken_pdf_parser_skip_space (self);
  if (self->pos >= self->length)
    {
      set_truncated (error);
      return NULL;
    }

  self->pos = saved;

  return NULL;
}

static TekenPdfObject *
read_object (TekenPdfParser *self,
             GError        **error)
{
  g_autoptr(TekenPdfObject) object = NULL;
  goffset start;
  guchar c;

  teken_pdf_parser_skip_space (self);
  if (self->pos >= self->length)
    {
      set_truncated (error);
      return NULL;
    }

  if (self->depth >= TEKEN_PDF_MAX_DEPTH)
    {
      set_syntax (self, error, "objects nested too deeply");
      return NULL;
    }

  start = teken_pdf_parser_tell (self);
  c = self->data[self->pos];
  self->depth++;

  if (c == '(')
    object = read_literal_string (self, error);
  else if (c == '<' && self->pos + 1 < self->length && self->data[self->pos + 1] == '<')
    object = read_dict (self, error);
  else if (c == '<' && self->pos + 1 >= self->length)
    set_truncated (error);
  else if (c == '<')
    object = read_hex_string (self, error);
  else if (c == '[')
    object = read_array (self, error);
  else if (c == '/')
    {
      g_autofree char *name = read_name_text (self, error);

      if (name != NULL)
        object = teken_pdf_name_new (name);
    }
  else if (g_ascii_isdigit (c) || c == '+' || c == '-' || c == '.')
    {
      object = read_number (self, error);
      if (object != NULL && teken_pdf_object_is (object, TEKEN_PDF_INTEGER))
        {
          g_autoptr(GError) local_error = NULL;
          TekenPdfObject *reference;

          reference = try_reference (self, teken_pdf_object_get_integer (object), &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              g_clear_pointer (&object, teken_pdf_object_unref);
            }
          else if (reference != NULL)
            {
              teken_pdf_object_unref (object);
              object = reference;
            }
        }
    }
  else if (teken_pdf_parser_read_keyword (self, "true"))
    object = teken_pdf_boolean_new (TRUE);
  else if (teken_pdf_parser_read_keyword (self, "false"))
    object = teken_pdf_boolean_new (FALSE);
  else if (teken_pdf_parser_read_keyword (self, "null"))
    object = teken_pdf_null_new ();
  else
    {
      gsize end = self->pos;

      while (end < self->length && is_regular (self->data[end]))
        end++;
      if (end == self->length)
        set_truncated (error);
      else
        set_syntax (self, error, "unexpected token");
    }

  self->depth--;

  if (object != NULL)
    teken_pdf_object_set_span (object, start, teken_pdf_parser_tell (self));

  return g_steal_pointer (&object);
}

/**
 * teken_pdf_parser_read_object:
 *
 * Returns: (transfer full): the next direct object, or %NULL with @error set
 */
TekenPdfObject *
teken_pdf_parser_read_object (TekenPdfParser *self,
                              GError        **error)
{
  return read_object (self, error);
}

/**
 * teken_pdf_parser_read_indirect:
 *
 * Reads "N G obj <object> endobj". For a stream, reading stops at the start
 * of its data: the result is a stream object whose length is its /Length
 * when that is a direct integer, else G_MAXSIZE for the caller to resolve.
 *
 * Returns: (transfer full): the object, or %NULL with @error set
 */
TekenPdfObject *
teken_pdf_parser_read_indirect (TekenPdfParser *self,
                                guint32        *number,
                                guint16        *generation,
                                GError        **error)
{
  g_autoptr(TekenPdfObject) object = NULL;
  TekenPdfObject *length;
  guint64 n, g;

  if (!teken_pdf_parser_read_uint (self, G_MAXUINT32, &n) ||
      !teken_pdf_parser_read_uint (self, G_MAXUINT16, &g) ||
      !teken_pdf_parser_read_keyword (self, "obj"))
    {
      if (self->pos + 32 >= self->length)
        set_truncated (error);
      else
        set_syntax (self, error, "no object header");
      return NULL;
    }

  *number = n;
  *generation = g;

  if (!(object = read_object (self, error)))
    return NULL;

  if (!teken_pdf_object_is (object, TEKEN_PDF_DICT) || !teken_pdf_parser_read_keyword (self, "stream"))
    {
      /* Tolerate a missing endobj, as every reader does; the end of the
       * window is not a reason to fail an object that parsed. */
      teken_pdf_parser_read_keyword (self, "endobj");
      return g_steal_pointer (&object);
    }

  /* "stream" is followed by CRLF or LF; a lone CR is a common mistake. */
  if (self->pos < self->length && self->data[self->pos] == '\r')
    self->pos++;
  if (self->pos < self->length && self->data[self->pos] == '\n')
    self->pos++;

  length = teken_pdf_dict_get (object, "Length");
  if (teken_pdf_object_is (length, TEKEN_PDF_INTEGER) && teken_pdf_object_get_integer (length) >= 0)
    return teken_pdf_stream_new_in_file (g_steal_pointer (&object), teken_pdf_parser_tell (self),
                                         teken_pdf_object_get_integer (length));

  return teken_pdf_stream_new_in_file (g_steal_pointer (&object), teken_pdf_parser_tell (self), G_MAXSIZE);
}
