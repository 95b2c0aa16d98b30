/* teken-passphrase-policy.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The passphrase policy of the seed documents: at least eight characters with
 * a lowercase letter, an uppercase letter, a digit and a symbol; `[ ] ^ \` are
 * not allowed. Both the app and teken-ca enforce it through this one function.
 *
 * Only printable ASCII is accepted: the holder must be able to type the
 * passphrase on any keyboard, and BSrE's service rejects anything else.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "teken-passphrase-policy.h"

/**
 * teken_passphrase_check:
 * @passphrase: a candidate passphrase
 *
 * Returns: the rules @passphrase breaks; 0 when it is acceptable
 */
TekenPassphraseProblems
teken_passphrase_check (const char *passphrase)
{
  TekenPassphraseProblems problems = TEKEN_PASSPHRASE_NO_LOWERCASE |
                                     TEKEN_PASSPHRASE_NO_UPPERCASE |
                                     TEKEN_PASSPHRASE_NO_DIGIT |
                                     TEKEN_PASSPHRASE_NO_SYMBOL;
  gsize length = 0;

  g_return_val_if_fail (passphrase != NULL, TEKEN_PASSPHRASE_TOO_SHORT);

  for (const char *p = passphrase; *p != '\0'; p++)
    {
      guchar c = *p;

      /* Count characters, not bytes: skip UTF-8 continuation bytes. */
      if ((c & 0xc0) != 0x80)
        length++;

      if (c < 0x21 || c > 0x7e || strchr (TEKEN_PASSPHRASE_FORBIDDEN, c) != NULL)
        problems |= TEKEN_PASSPHRASE_FORBIDDEN_CHAR;
      else if (g_ascii_islower (c))
        problems &= ~TEKEN_PASSPHRASE_NO_LOWERCASE;
      else if (g_ascii_isupper (c))
        problems &= ~TEKEN_PASSPHRASE_NO_UPPERCASE;
      else if (g_ascii_isdigit (c))
        problems &= ~TEKEN_PASSPHRASE_NO_DIGIT;
      else
        problems &= ~TEKEN_PASSPHRASE_NO_SYMBOL;
    }

  if (length < TEKEN_PASSPHRASE_MIN_LENGTH)
    problems |= TEKEN_PASSPHRASE_TOO_SHORT;

  return problems;
}

/**
 * teken_passphrase_describe:
 * @problem: a single rule
 *
 * Returns: the rule as a sentence for a checklist, translated
 */
const char *
teken_passphrase_describe (TekenPassphraseProblems problem)
{
  switch (problem)
    {
    case TEKEN_PASSPHRASE_TOO_SHORT:
      return _("At least 8 characters");
    case TEKEN_PASSPHRASE_NO_LOWERCASE:
      return _("A lowercase letter (a–z)");
    case TEKEN_PASSPHRASE_NO_UPPERCASE:
      return _("An uppercase letter (A–Z)");
    case TEKEN_PASSPHRASE_NO_DIGIT:
      return _("A digit (0–9)");
    case TEKEN_PASSPHRASE_NO_SYMBOL:
      return _("A symbol such as ! @ # $ %");
    case TEKEN_PASSPHRASE_FORBIDDEN_CHAR:
      return _("No spaces, no letters outside A–Z, and none of [ ] ^ \\");
    default:
      g_return_val_if_reached (NULL);
    }
}
