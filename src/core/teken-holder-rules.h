/* teken-holder-rules.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The seed documents' rules for a holder's identifiers, shared by the app's
 * forms and teken-ca. */
#define TEKEN_NIK_LENGTH 16
#define TEKEN_NIP_LENGTH 18

gboolean teken_nik_is_valid (const char *nik);
gboolean teken_nip_is_valid (const char *nip);

G_END_DECLS
