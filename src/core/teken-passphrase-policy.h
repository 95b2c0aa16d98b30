/* teken-passphrase-policy.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* BSrE's passphrase policy: the rules a passphrase breaks, as flags, so that a
 * form can tick off each rule as the holder types. */
typedef enum
{
  TEKEN_PASSPHRASE_TOO_SHORT      = 1 << 0,
  TEKEN_PASSPHRASE_NO_LOWERCASE   = 1 << 1,
  TEKEN_PASSPHRASE_NO_UPPERCASE   = 1 << 2,
  TEKEN_PASSPHRASE_NO_DIGIT       = 1 << 3,
  TEKEN_PASSPHRASE_NO_SYMBOL      = 1 << 4,
  TEKEN_PASSPHRASE_FORBIDDEN_CHAR = 1 << 5,
} TekenPassphraseProblems;

#define TEKEN_PASSPHRASE_MIN_LENGTH 8
#define TEKEN_PASSPHRASE_FORBIDDEN  "[]^\\"

TekenPassphraseProblems teken_passphrase_check      (const char              *passphrase);
const char             *teken_passphrase_describe   (TekenPassphraseProblems  problem);

G_END_DECLS
