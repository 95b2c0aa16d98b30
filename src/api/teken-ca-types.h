/* teken-ca-types.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "teken-secret.h"

G_BEGIN_DECLS

/* A signed-in session (docs/api.md §6.1, §6.2): immutable, shared by
 * reference, safe to pass between threads. Times are Unix seconds. */
typedef struct _TekenCaSession TekenCaSession;

#define TEKEN_TYPE_CA_SESSION (teken_ca_session_get_type ())

GType           teken_ca_session_get_type           (void) G_GNUC_CONST;
TekenCaSession *teken_ca_session_new                (const char     *account,
                                                     const char     *scope,
                                                     TekenSecret    *access_token,
                                                     gint64          access_expires_at,
                                                     TekenSecret    *refresh_token,
                                                     gint64          refresh_expires_at);
TekenCaSession *teken_ca_session_new_from_json      (const char     *account,
                                                     JsonObject     *token_pair,
                                                     gint64          now,
                                                     GError        **error);
TekenCaSession *teken_ca_session_ref                (TekenCaSession *self);
void            teken_ca_session_unref              (TekenCaSession *self);
const char     *teken_ca_session_get_account        (const TekenCaSession *self);
const char     *teken_ca_session_get_scope          (const TekenCaSession *self);
TekenSecret    *teken_ca_session_get_access_token   (const TekenCaSession *self);
TekenSecret    *teken_ca_session_get_refresh_token  (const TekenCaSession *self);
gint64          teken_ca_session_get_access_expires_at  (const TekenCaSession *self);
gint64          teken_ca_session_get_refresh_expires_at (const TekenCaSession *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaSession, teken_ca_session_unref)

/* `check/status` (docs/api.md §7.1). */
typedef struct
{
  char *status;               /* §4.1: NOT_REGISTERED … REVOKE */
  int   status_code;          /* 1110 NOT_REGISTERED, 1111 otherwise; informative */
  char *message;              /* the server's sentence */
  char *verification_status;  /* VERIFIED, UPDATE, or NULL */
} TekenCaStatus;

TekenCaStatus *teken_ca_status_new_from_json (JsonObject          *object,
                                              GError             **error);
void           teken_ca_status_free          (TekenCaStatus       *self);
gboolean       teken_ca_status_is_active     (const TekenCaStatus *self);
const char    *teken_ca_status_describe      (const char          *status);
const char    *teken_ca_verification_status_describe (const char *verification_status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaStatus, teken_ca_status_free)

/* A Certificate object (docs/api.md §7.3). The fields after `has_details`
 * are set only from `GET {T}/certificates/{id}`. */
typedef struct
{
  char       *id;
  gboolean    current;
  char       *status;             /* ISSUE, SUSPEND, REVOKE, EXPIRED */
  char       *serial;             /* uppercase hex */
  char       *subject;
  char       *common_name;
  char       *email;
  char       *organization;
  char       *issuer;
  GDateTime  *not_before;
  GDateTime  *not_after;
  gint64      days_left;
  GDateTime  *revoked_at;         /* nullable */
  char       *revocation_reason;  /* nullable */
  char       *fingerprint_sha256;

  gboolean    has_details;
  gboolean    key_locked;
  int         passphrase_attempts_left;
  gboolean    signing_otp_enabled;
  char       *pem;

  JsonObject *json;               /* the object as sent */
} TekenCaCertificateInfo;

TekenCaCertificateInfo *teken_ca_certificate_info_new_from_json (JsonObject              *object,
                                                                 GError                 **error);
void                    teken_ca_certificate_info_free          (TekenCaCertificateInfo  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaCertificateInfo, teken_ca_certificate_info_free)

/* The Account object (docs/api.md §6.4). */
typedef struct
{
  char       *id;
  char       *role;                   /* holder or verifier */
  char       *nik;                    /* nullable for verifiers */
  char       *username;
  char       *email;
  char       *name;
  char       *title_prefix;
  char       *title_suffix;
  char       *phone;
  char       *agency;
  char       *status;                 /* nullable for verifiers */
  char       *verification_status;
  char       *enrollment_step;
  gboolean    can_sign;
  char       *cannot_sign_reason;     /* status, update_pending, key_locked, or NULL */
  char       *current_certificate_id; /* nullable */

  JsonObject *json;                   /* the object as sent: employment, pending_update… */
} TekenCaAccountInfo;

TekenCaAccountInfo *teken_ca_account_info_new_from_json (JsonObject          *object,
                                                         GError             **error);
void                teken_ca_account_info_free          (TekenCaAccountInfo  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaAccountInfo, teken_ca_account_info_free)

/* An OTP device (docs/api.md §6.5). */
typedef struct
{
  char      *id;
  char      *name;
  GDateTime *created_at;    /* nullable */
  GDateTime *last_used_at;  /* nullable */
} TekenCaDeviceInfo;

TekenCaDeviceInfo *teken_ca_device_info_new_from_json (JsonObject         *object,
                                                       GError            **error);
void               teken_ca_device_info_free          (TekenCaDeviceInfo  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaDeviceInfo, teken_ca_device_info_free)

typedef enum
{
  TEKEN_CA_LOGIN_NEXT_TOTP,        /* a code from a registered device */
  TEKEN_CA_LOGIN_NEXT_TOTP_SETUP,  /* first device: show the secret, then a code */
} TekenCaLoginNext;

/* The answer to the first sign-in step (docs/api.md §6.1). The login token,
 * the TOTP secret and its otpauth URI are secrets. */
typedef struct
{
  TekenCaLoginNext  next;
  char             *username;       /* as given at the first step */
  TekenSecret      *login_token;
  gint64            expires_at;     /* Unix seconds */
  GPtrArray        *devices;        /* TekenCaDeviceInfo, for next == TOTP */

  /* next == TOTP_SETUP */
  TekenSecret      *otpauth_uri;
  TekenSecret      *totp_secret;
  char             *issuer;
  char             *account;
  char             *algorithm;
  int               digits;
  int               period;
} TekenCaLoginStep;

TekenCaLoginStep *teken_ca_login_step_new_from_json (const char       *username,
                                                     JsonObject       *object,
                                                     gint64            now,
                                                     GError          **error);
void              teken_ca_login_step_free          (TekenCaLoginStep *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaLoginStep, teken_ca_login_step_free)

G_END_DECLS
