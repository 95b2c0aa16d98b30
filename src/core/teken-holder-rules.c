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
