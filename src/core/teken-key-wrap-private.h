/* teken-key-wrap-private.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-key-wrap.h"

G_BEGIN_DECLS

/* The scrypt cost of docs/api.md §14: N = 2^15, r = 8, p = 1. */
#define TEKEN_KEY_WRAP_LOG2_N 15
#define TEKEN_KEY_WRAP_R      8
#define TEKEN_KEY_WRAP_P      1

/* teken_key_wrap() with chosen scrypt parameters, for tests that need to
 * unwrap hundreds of blobs quickly and for raising the cost later. */
GBytes *teken_key_wrap_with_params (GBytes       *plaintext,
                                    TekenSecret  *passphrase,
                                    guint         log2_n,
                                    guint         r,
                                    guint         p,
                                    GError      **error);

G_END_DECLS
