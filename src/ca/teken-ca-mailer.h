/* teken-ca-mailer.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TEKEN_CA_TYPE_MAILER (teken_ca_mailer_get_type ())

G_DECLARE_FINAL_TYPE (TekenCaMailer, teken_ca_mailer, TEKEN_CA, MAILER, GObject)

TekenCaMailer *teken_ca_mailer_new            (const char     *maildir);
void           teken_ca_mailer_set_public_url (TekenCaMailer  *self,
                                               const char     *public_url);
const char    *teken_ca_mailer_get_action     (const char     *purpose);
char          *teken_ca_mailer_send           (TekenCaMailer  *self,
                                               const char     *to,
                                               const char     *purpose,
                                               const char     *token,
                                               gint64          expires_at,
                                               const char     *code,
                                               GError        **error);
char          *teken_ca_mailer_send_with_action (TekenCaMailer *self,
                                                 const char    *to,
                                                 const char    *purpose,
                                                 const char    *action,
                                                 const char    *token,
                                                 gint64         expires_at,
                                                 const char    *code,
                                                 GError       **error);

G_END_DECLS
