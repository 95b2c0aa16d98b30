/* teken-choice-list.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_CHOICE_LIST (teken_choice_list_get_type ())

G_DECLARE_FINAL_TYPE (TekenChoiceList, teken_choice_list, TEKEN, CHOICE_LIST, GtkWidget)

GtkWidget  *teken_choice_list_new          (void);
void        teken_choice_list_remove_all   (TekenChoiceList *self);
void        teken_choice_list_add          (TekenChoiceList *self,
                                            const char      *id,
                                            const char      *title,
                                            const char      *subtitle,
                                            gboolean         available);
const char *teken_choice_list_get_selected (TekenChoiceList *self);
void        teken_choice_list_set_selected (TekenChoiceList *self,
                                            const char      *id);
guint       teken_choice_list_get_n_items  (TekenChoiceList *self);

G_END_DECLS
