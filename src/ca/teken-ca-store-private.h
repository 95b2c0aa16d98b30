/* teken-ca-store-private.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the store's two files share: teken-ca-store.c (the schema, the
 * registries, accounts, sign-in) and teken-ca-store-lifecycle.c (what
 * docs/api.md §6.3–§9 adds). */

#pragma once

#include <sqlite3.h>

#include "teken-ca-store.h"

G_BEGIN_DECLS

/* Binds 's' strings, 'i' gint64s and 'b' GBytes, as in teken-ca-store.c. */
sqlite3_stmt       *teken_ca_store_prepare              (TekenCaStore   *self,
                                                         const char     *sql,
                                                         const char     *types,
                                                         ...);
void                teken_ca_store_finish               (sqlite3_stmt   *stmt);
gboolean            teken_ca_store_step_done            (TekenCaStore   *self,
                                                         sqlite3_stmt   *stmt,
                                                         GError        **error);
gboolean            teken_ca_store_step_changed         (TekenCaStore   *self,
                                                         sqlite3_stmt   *stmt);
gint64              teken_ca_store_step_returning       (TekenCaStore   *self,
                                                         sqlite3_stmt   *stmt);
char               *teken_ca_store_column_string        (sqlite3_stmt   *stmt,
                                                         int             column);
GBytes             *teken_ca_store_column_bytes         (sqlite3_stmt   *stmt,
                                                         int             column);
char               *teken_ca_store_query_string         (TekenCaStore   *self,
                                                         sqlite3_stmt   *stmt);
TekenCaCertificate *teken_ca_store_certificate_from_row (sqlite3_stmt   *stmt);
TekenCaAccount     *teken_ca_store_read_account         (sqlite3_stmt   *stmt);
const char         *teken_ca_store_certificate_columns  (void);
const char         *teken_ca_store_account_columns      (void);
gint64              teken_ca_store_last_insert_id       (TekenCaStore   *self);

G_END_DECLS
