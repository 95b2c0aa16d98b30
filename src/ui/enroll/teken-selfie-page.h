/* teken-selfie-page.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_SELFIE_PAGE (teken_selfie_page_get_type ())

G_DECLARE_FINAL_TYPE (TekenSelfiePage, teken_selfie_page, TEKEN, SELFIE_PAGE, AdwBin)

GtkWidget *teken_selfie_page_new               (void);
void       teken_selfie_page_set_continue_link (TekenSelfiePage *self,
                                                const char      *uri);
void       teken_selfie_page_show_refusal      (TekenSelfiePage *self,
                                                const char      *message);

G_END_DECLS
