/* teken-secret.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_SECRET (teken_secret_get_type ())

typedef struct _TekenSecret TekenSecret;

GType        teken_secret_get_type   (void) G_GNUC_CONST;
TekenSecret *teken_secret_new        (const char  *text,
                                      gssize       length);
TekenSecret *teken_secret_ref        (TekenSecret *self);
void         teken_secret_unref      (TekenSecret *self);
const char  *teken_secret_get_text   (const TekenSecret *self);
gsize        teken_secret_get_length (const TekenSecret *self);
gboolean     teken_secret_is_empty   (const TekenSecret *self);
void         teken_wipe_string       (char        *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenSecret, teken_secret_unref)

G_END_DECLS
