/* teken-test-utils.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void       teken_test_wait_until_drawn     (GtkWidget  *widget);
void       teken_test_save_screenshot      (GtkWidget  *widget,
                                            const char *name);
void       teken_test_save_screenshot_now  (GtkWidget  *widget,
                                            const char *name);
GtkWidget *teken_test_find_label           (GtkWidget  *root,
                                            const char *substring);

gboolean   teken_test_use_indonesian       (void);

G_END_DECLS
