/* teken-preferences-window.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_PREFERENCES_WINDOW (teken_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (TekenPreferencesWindow, teken_preferences_window, TEKEN, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

TekenPreferencesWindow *teken_preferences_window_new (GtkWindow *parent);

G_END_DECLS
