/* teken-ui-test-utils.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-application.h"
#include "teken-document-view.h"
#include "teken-window.h"

G_BEGIN_DECLS

void              teken_ui_test_init                (int                *argc,
                                                     char             ***argv);
TekenApplication *teken_ui_test_create_application  (void);
GtkWindow        *teken_ui_test_activate            (TekenApplication   *app);
TekenWindow      *teken_ui_test_open                (TekenApplication   *app,
                                                     GFile              *file);
void              teken_ui_test_wait_for_document   (TekenDocumentView  *view);
void              teken_ui_test_wait_for_rendered   (TekenPageCanvas    *canvas,
                                                     guint               page);
void              teken_ui_test_wait_until          (gboolean          (*predicate) (gpointer),
                                                     gpointer            data,
                                                     const char         *what);
char             *teken_ui_test_fixture             (const char         *name);
char             *teken_ui_test_corpus_file         (const char         *name);
TekenTrustStore  *teken_ui_test_trust_store         (void);

GtkWidget        *teken_ui_test_find                (GtkWidget          *root,
                                                     gboolean          (*match) (GtkWidget     *widget,
                                                                                 gconstpointer  data),
                                                     gconstpointer       data);
GtkWidget        *teken_ui_test_find_of_type        (GtkWidget          *root,
                                                     GType               type);
GtkWidget        *teken_ui_test_find_row            (GtkWidget          *root,
                                                     const char         *title);
GtkToggleButton  *teken_ui_test_find_toggle         (GtkWidget          *root,
                                                     const char         *label);
GtkWidget        *teken_ui_test_find_error_label    (GtkWidget          *root);
GtkWindow        *teken_ui_test_find_toplevel       (GType               type);

G_END_DECLS
