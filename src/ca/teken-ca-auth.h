/* teken-ca-auth.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "teken-secret.h"

G_BEGIN_DECLS

/* docs/api.md §2.9 and §14. */
#define TEKEN_CA_LOGIN_ATTEMPTS 5
#define TEKEN_CA_LOGIN_TOKEN_LIFETIME 300
#define TEKEN_CA_LOGIN_TOKEN_CODES 5
#define TEKEN_CA_REFRESH_LIFETIME (7 * 24 * 3600)
#define TEKEN_CA_SESSION_LIFETIME (30 * 24 * 3600)
#define TEKEN_CA_SERVER_KEY_SIZE 32

char     *teken_ca_password_hash    (const TekenSecret  *password,
                                     GError            **error);
gboolean  teken_ca_password_verify  (const TekenSecret  *password,
                                     const char         *stored);
char     *teken_ca_token_new        (void);
char     *teken_ca_token_hash       (const char         *token);
char     *teken_ca_random_id        (const char         *prefix);
GBytes   *teken_ca_server_key_load  (const char         *data_dir,
                                     GError            **error);
GBytes   *teken_ca_seal             (GBytes             *server_key,
                                     const char         *plain,
                                     GError            **error);
char     *teken_ca_unseal           (GBytes             *server_key,
                                     GBytes             *sealed);

G_END_DECLS
