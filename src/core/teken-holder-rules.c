/* teken-holder-rules.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "teken-holder-rules.h"

static gboolean
is_digits (const char *text,
           gsize       length)
{
  if (text == NULL || strlen (text) != length)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
    }

  return TRUE;
}

/* NIK: the 16 digits of the population registry. */
gboolean
teken_nik_is_valid (const char *nik)
{
  return is_digits (nik, TEKEN_NIK_LENGTH);
}

/* NIP: the 18 digits of the civil service personnel registry. */
gboolean
teken_nip_is_valid (const char *nip)
{
  return is_digits (nip, TEKEN_NIP_LENGTH);
}

/* E-mail: at most 254 bytes, a local part of 1–64 of A–Z a–z 0–9 . _ % + -
 * and a domain of letters, digits, dots and hyphens with at least one dot.
 * Whether the domain belongs to an agency is the server's to say. */
gboolean
teken_holder_email_is_valid (const char *email)
{
  const char *at;
  gsize local_length;

  if (email == NULL || strlen (email) > 254 || (at = strchr (email, '@')) == NULL)
    return FALSE;
  local_length = at - email;
  if (local_length < 1 || local_length > 64 ||
      strspn (email, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-") != local_length)
    return FALSE;
  at++;
  if (*at == '\0' || *at == '.' || *at == '-' || strchr (at, '.') == NULL ||
      strspn (at, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-") != strlen (at) ||
      strstr (at, "..") != NULL || at[strlen (at) - 1] == '.')
    return FALSE;
  return TRUE;
}

/* Words of @allowed characters separated by single spaces, no space at
 * either end, @min to @max bytes. */
static gboolean
is_spaced_words (const char *text,
                 gsize       min,
                 gsize       max,
                 gboolean    digits)
{
  gsize length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  if (length < min || length > max || text[0] == ' ' || (length > 0 && text[length - 1] == ' '))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == ' ')
        {
          if (text[i + 1] == ' ')
            return FALSE;
        }
      else if (!g_ascii_isalpha (text[i]) && !(digits && g_ascii_isdigit (text[i])))
        return FALSE;
    }
  return TRUE;
}

/* Full name as on the KTP: 2–100 letters in words separated by single
 * spaces; titles go in their own fields. */
gboolean
teken_holder_name_is_valid (const char *name)
{
  return is_spaced_words (name, 2, 100, FALSE);
}

/**
 * teken_holder_name_normalize:
 *
 * Returns: (transfer full): @name upper-cased with single spaces, as names
 *   are compared with the population registry
 */
char *
teken_holder_name_normalize (const char *name)
{
  g_auto(GStrv) words = g_strsplit (name, " ", -1);
  GString *out = g_string_new (NULL);
  g_autofree char *joined = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }
  joined = g_string_free (out, FALSE);
  return g_ascii_strup (joined, -1);
}

/* Academic titles: 0–50 of letters, dots, commas, hyphens, apostrophes and
 * spaces (“Dr.”, “S.Kom., M.T.”). */
gboolean
teken_holder_title_is_valid (const char *title)
{
  if (title == NULL || strlen (title) > 50)
    return FALSE;
  for (const char *c = title; *c != '\0'; c++)
    if (!g_ascii_isalpha (*c) && strchr (".,-' ", *c) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * teken_holder_phone_normalize:
 *
 * Indonesian mobile numbers: spaces and hyphens dropped, then 08…, 628… or
 * +628… with 7–11 more digits.
 *
 * Returns: (transfer full) (nullable): the number as +628…, or %NULL when
 *   it is not one
 */
char *
teken_holder_phone_normalize (const char *phone)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  const char *rest;
  gsize length;

  if (phone == NULL || strlen (phone) > 32)
    return NULL;
  for (const char *c = phone; *c != '\0'; c++)
    if (*c != ' ' && *c != '-')
      g_string_append_c (digits, *c);

  if (g_str_has_prefix (digits->str, "+628"))
    rest = digits->str + 4;
  else if (g_str_has_prefix (digits->str, "628"))
    rest = digits->str + 3;
  else if (g_str_has_prefix (digits->str, "08"))
    rest = digits->str + 2;
  else
    return NULL;

  length = strlen (rest);
  if (length < 7 || length > 11 || !is_digits (rest, length))
    return NULL;
  return g_strconcat ("+628", rest, NULL);
}

/* Unit, position, city, province: 2–100 letters, digits and single spaces. */
gboolean
teken_holder_employment_field_is_valid (const char *value)
{
  return is_spaced_words (value, 2, 100, TRUE);
}
