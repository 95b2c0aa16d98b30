/* teken-account-dashboard.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "teken-ca-types.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_ACCOUNT_DASHBOARD (teken_account_dashboard_get_type ())

G_DECLARE_FINAL_TYPE (TekenAccountDashboard, teken_account_dashboard, TEKEN, ACCOUNT_DASHBOARD, GtkWidget)

GtkWidget *teken_account_dashboard_new    (void);
void       teken_account_dashboard_show   (TekenAccountDashboard        *self,
                                           const TekenCaAccountInfo     *account,
                                           const TekenCaCertificateInfo *certificate);
gboolean   teken_account_dashboard_offers (TekenAccountDashboard        *self,
                                           const char                   *action);

G_END_DECLS
