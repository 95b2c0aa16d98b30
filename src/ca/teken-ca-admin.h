/* teken-ca-admin.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "teken-ca-store.h"

G_BEGIN_DECLS

int      teken_ca_admin_run             (int            argc,
                                         char         **argv);
gboolean teken_ca_add_client           (TekenCaStore  *store,
                                         const char    *data_dir,
                                         const char    *name,
                                         GError       **error);
gboolean teken_ca_seed_verifier         (TekenCaStore  *store,
                                         GBytes        *server_key,
                                         char         **row,
                                         const char    *path,
                                         int            line,
                                         GError       **error);

G_END_DECLS
