/* teken-account-window.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-ca-client.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_ACCOUNT_WINDOW (teken_account_window_get_type ())

G_DECLARE_FINAL_TYPE (TekenAccountWindow, teken_account_window, TEKEN, ACCOUNT_WINDOW, AdwWindow)

TekenAccountWindow *teken_account_window_new         (GtkApplication     *application,
                                                      TekenCaClient      *client);
gboolean            teken_account_window_handles_link (const char        *action);
void                teken_account_window_open_link   (TekenAccountWindow *self,
                                                      const char         *action,
                                                      const char         *token);
const char         *teken_account_window_get_page    (TekenAccountWindow *self);

G_END_DECLS
