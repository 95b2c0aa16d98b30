/* teken-agreement-window.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_AGREEMENT_WINDOW (teken_agreement_window_get_type ())

G_DECLARE_FINAL_TYPE (TekenAgreementWindow, teken_agreement_window, TEKEN, AGREEMENT_WINDOW, AdwWindow)

TekenAgreementWindow *teken_agreement_window_new (GtkWindow  *parent,
                                                  const char *title,
                                                  const char *version,
                                                  const char *markdown);

G_END_DECLS
