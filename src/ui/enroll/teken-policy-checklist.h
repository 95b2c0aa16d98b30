/* teken-policy-checklist.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_POLICY_CHECKLIST (teken_policy_checklist_get_type ())

G_DECLARE_FINAL_TYPE (TekenPolicyChecklist, teken_policy_checklist, TEKEN, POLICY_CHECKLIST, GtkWidget)

GtkWidget *teken_policy_checklist_new    (void);
gboolean   teken_policy_checklist_update (TekenPolicyChecklist *self,
                                          const char           *text);

G_END_DECLS
