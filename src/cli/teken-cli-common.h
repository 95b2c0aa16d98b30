/* teken-cli-common.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-ca-client.h"
#include "teken-secret.h"

G_BEGIN_DECLS

/* teken-ca's default public URL (docs/api.md §2.1). */
#define TEKEN_CLI_DEFAULT_SERVER "https://127.0.0.1:8443"

TekenSecret   *teken_cli_read_secret (const char     *path,
                                      GError        **error);
TekenCaClient *teken_cli_connect     (const char     *server,
                                      const char     *ca_file,
                                      const char     *client_id,
                                      const char     *client_secret_file,
                                      GError        **error);
GAsyncResult  *teken_cli_wait        (GAsyncResult  **result);
void           teken_cli_got_result  (GObject       *source,
                                      GAsyncResult  *result,
                                      gpointer       user_data);

G_END_DECLS
