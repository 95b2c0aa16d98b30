/* teken-session-store.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "teken-ca-types.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_SESSION_STORE (teken_session_store_get_type ())

G_DECLARE_FINAL_TYPE (TekenSessionStore, teken_session_store, TEKEN, SESSION_STORE, GObject)

TekenSessionStore *teken_session_store_new          (void);

void               teken_session_store_save_async   (TekenSessionStore    *self,
                                                     const char           *server_url,
                                                     TekenCaSession       *session,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean           teken_session_store_save_finish  (TekenSessionStore    *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void               teken_session_store_load_async   (TekenSessionStore    *self,
                                                     const char           *server_url,
                                                     const char           *account,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
TekenCaSession    *teken_session_store_load_finish  (TekenSessionStore    *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void               teken_session_store_clear_async  (TekenSessionStore    *self,
                                                     const char           *server_url,
                                                     const char           *account,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean           teken_session_store_clear_finish (TekenSessionStore    *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_END_DECLS
