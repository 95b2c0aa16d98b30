/* teken-totp.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TEKEN_TOTP_ERROR (teken_totp_error_quark ())

typedef enum
{
  TEKEN_TOTP_ERROR_INVALID_SECRET,
  TEKEN_TOTP_ERROR_FAILED,
} TekenTotpError;

/* RFC 6238 as FreeOTP and Google Authenticator use it. */
#define TEKEN_TOTP_DIGITS 6
#define TEKEN_TOTP_PERIOD 30

GQuark   teken_totp_error_quark     (void);
char    *teken_totp_generate_secret (void);
char    *teken_totp_code            (const char  *base32_secret,
                                     gint64       unix_time,
                                     GError     **error);
gboolean teken_totp_verify          (const char  *base32_secret,
                                     const char  *code,
                                     gint64       unix_time,
                                     guint        window,
                                     gint64      *matched_step);
char    *teken_totp_uri             (const char  *base32_secret,
                                     const char  *issuer,
                                     const char  *account);

G_END_DECLS
