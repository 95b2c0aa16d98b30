/* teken-enroll-window.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-ca-client.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_ENROLL_WINDOW (teken_enroll_window_get_type ())

G_DECLARE_FINAL_TYPE (TekenEnrollWindow, teken_enroll_window, TEKEN, ENROLL_WINDOW, AdwWindow)

TekenEnrollWindow *teken_enroll_window_new       (GtkApplication    *application,
                                                  TekenCaClient     *client);
void               teken_enroll_window_open_link (TekenEnrollWindow *self,
                                                  const char        *action,
                                                  const char        *token);
const char        *teken_enroll_window_get_page  (TekenEnrollWindow *self);

gboolean           teken_enroll_parse_link       (const char        *text,
                                                  char             **action,
                                                  char             **token);

G_END_DECLS
