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

/* The field rules of docs/api.md §3.3, which the wizard shows as you type
 * and teken-ca enforces. */
gboolean teken_holder_email_is_valid            (const char *email);
gboolean teken_holder_name_is_valid             (const char *name);
char    *teken_holder_name_normalize            (const char *name);
gboolean teken_holder_title_is_valid            (const char *title);
char    *teken_holder_phone_normalize           (const char *phone);
gboolean teken_holder_employment_field_is_valid (const char *value);

G_END_DECLS
