/* teken-totp-setup.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "teken-secret.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_TOTP_SETUP (teken_totp_setup_get_type ())

G_DECLARE_FINAL_TYPE (TekenTotpSetup, teken_totp_setup, TEKEN, TOTP_SETUP, GtkWidget)

GtkWidget   *teken_totp_setup_new             (void);
void         teken_totp_setup_show            (TekenTotpSetup *self,
                                               TekenSecret    *otpauth_uri,
                                               TekenSecret    *secret,
                                               const char     *account,
                                               guint           digits);
void         teken_totp_setup_clear           (TekenTotpSetup *self);
gboolean     teken_totp_setup_is_complete     (TekenTotpSetup *self);
char        *teken_totp_setup_dup_device_name (TekenTotpSetup *self);
TekenSecret *teken_totp_setup_dup_code        (TekenTotpSetup *self);
void         teken_totp_setup_set_hint        (TekenTotpSetup *self,
                                               const char     *message,
                                               gboolean        is_error);

gboolean     teken_device_name_is_valid       (const char     *name);
gboolean     teken_otp_code_is_valid          (const char     *code,
                                               guint           digits);
char        *teken_totp_format_key            (const char     *secret);

G_END_DECLS
