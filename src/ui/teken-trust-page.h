/* teken-trust-page.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_TRUST_PAGE (teken_trust_page_get_type ())

G_DECLARE_FINAL_TYPE (TekenTrustPage, teken_trust_page, TEKEN, TRUST_PAGE, AdwPreferencesPage)

GtkWidget *teken_trust_page_new         (void);
void       teken_trust_page_reload      (TekenTrustPage *self);
void       teken_trust_page_import_file (TekenTrustPage *self,
                                         GFile          *file);

G_END_DECLS
