/* teken-window.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-application.h"
#include "teken-document-view.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_WINDOW (teken_window_get_type ())

G_DECLARE_FINAL_TYPE (TekenWindow, teken_window, TEKEN, WINDOW, AdwApplicationWindow)

TekenWindow *teken_window_new        (TekenApplication  *application);
void         teken_window_open_files (TekenWindow       *self,
                                      GFile            **files,
                                      int                n_files);
void         teken_window_sign_file  (TekenWindow       *self,
                                      GFile             *file);
TekenDocumentView *teken_window_get_document_view (TekenWindow *self);

void         teken_window_add_toast  (TekenWindow  *self,
                                      const char   *message);

G_END_DECLS
