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

/* The numbers of docs/api.md §15 that `teken-ca serve` options change and
 * tests shorten; teken_ca_settings_init() fills in the defaults. */
typedef struct
{
  gint64 access_token_lifetime;  /* 900 */
  gint64 lock_duration;          /* 900 */
  gint64 link_lifetime;          /* 24 h */
  gint64 cert_validity;          /* 2 years */
  gint64 renewal_window;         /* 30 days */
  gint64 resend_interval;        /* 60 */
  gint64 signing_otp_lifetime;   /* 300 */
  gint64 sweep_interval;         /* 60 */
  double selfie_blank;           /* luma_stddev below: blank (10) */
  double selfie_dark;            /* mean_luma below: too dark (50) */
  double selfie_bright;          /* mean_luma above: too bright (210) */
  double selfie_blur;            /* sharpness below: blurred (40) */
} TekenCaSettings;

void           teken_ca_settings_init (TekenCaSettings *settings);

TekenCaServer *teken_ca_server_new    (const char     *data_dir,
                                       GError        **error);
char          *teken_ca_server_listen (TekenCaServer  *self,
                                       const char     *address,
                                       guint           port,
                                       GError        **error);
void           teken_ca_server_set_settings (TekenCaServer         *self,
                                             const TekenCaSettings *settings);

G_END_DECLS
