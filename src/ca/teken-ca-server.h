/* teken-ca-server.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TEKEN_CA_TYPE_SERVER (teken_ca_server_get_type ())

G_DECLARE_FINAL_TYPE (TekenCaServer, teken_ca_server, TEKEN_CA, SERVER, GObject)

TekenCaServer *teken_ca_server_new    (const char     *data_dir,
                                       GError        **error);
char          *teken_ca_server_listen (TekenCaServer  *self,
                                       const char     *address,
                                       guint           port,
                                       GError        **error);
void           teken_ca_server_set_lifetimes (TekenCaServer *self,
                                              gint64         access_token_lifetime,
                                              gint64         lock_duration);

G_END_DECLS
