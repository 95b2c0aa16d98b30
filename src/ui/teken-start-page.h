/* teken-start-page.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_START_PAGE (teken_start_page_get_type ())

G_DECLARE_FINAL_TYPE (TekenStartPage, teken_start_page, TEKEN, START_PAGE, AdwBin)

G_END_DECLS
