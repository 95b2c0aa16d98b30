/* teken-application.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "teken-ca-client.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_APPLICATION (teken_application_get_type ())

G_DECLARE_FINAL_TYPE (TekenApplication, teken_application, TEKEN, APPLICATION, AdwApplication)

TekenApplication *teken_application_new           (void);
TekenCaClient    *teken_application_get_ca_client (TekenApplication  *self,
                                                  GError           **error);

void              teken_add_toast                 (AdwToastOverlay   *overlay,
                                                  AdwToast          *toast);

G_END_DECLS
