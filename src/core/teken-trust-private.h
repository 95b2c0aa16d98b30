/* teken-trust-private.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "teken-openssl-private.h"

G_BEGIN_DECLS

/* The Indonesian anchors that documents carry but no system store has:
 * pinned by the SHA-256 of their DER. Shared by the trust store, which
 * accepts them, and the anchor list, which shows them. */
typedef struct
{
  const char *name;
  const char *sha256;   /* 64 upper-case hex digits */
} TekenTrustPin;

extern const TekenTrustPin teken_trust_pins[];
extern const gsize         teken_trust_n_pins;

/* The certificates of a file: PEM with any number, or one DER. */
TekenX509Stack *teken_trust_read_certificates (const char *data,
                                               gsize       length);

G_END_DECLS
