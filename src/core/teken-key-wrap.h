/* teken-key-wrap.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "teken-secret.h"

G_BEGIN_DECLS

#define TEKEN_KEY_WRAP_ERROR (teken_key_wrap_error_quark ())

typedef enum
{
  TEKEN_KEY_WRAP_ERROR_WRONG_PASSPHRASE,
  TEKEN_KEY_WRAP_ERROR_CORRUPT,
  TEKEN_KEY_WRAP_ERROR_FAILED,
} TekenKeyWrapError;

GQuark  teken_key_wrap_error_quark (void);
GBytes *teken_key_wrap             (GBytes       *plaintext,
                                    TekenSecret  *passphrase,
                                    GError      **error);
GBytes *teken_key_unwrap           (GBytes       *wrapped,
                                    TekenSecret  *passphrase,
                                    GError      **error);

G_END_DECLS
