/* teken-ca-store.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TEKEN_CA_ERROR (teken_ca_error_quark ())

typedef enum
{
  TEKEN_CA_ERROR_STORE,
  TEKEN_CA_ERROR_SEED,
  TEKEN_CA_ERROR_PKI,
  TEKEN_CA_ERROR_DATA_DIR,
} TekenCaError;

GQuark teken_ca_error_quark (void);

/* The passphrase lock of docs/api.md §14: consecutive failures per key. */
#define TEKEN_CA_PASSPHRASE_ATTEMPTS 5

/* One row of `certificates`, as the server needs it. */
typedef struct
{
  gint64 id;
  gint64 account_id;
  char *serial;              /* upper-case hex, as BN_bn2hex() writes it */
  GBytes *der;
  gint64 not_before;         /* Unix time */
  gint64 not_after;
  gint64 revoked_at;         /* 0 when not revoked */
  int revocation_reason;     /* CRL reason code, -1 when not revoked */
  GBytes *wrapped_key;       /* NULL for certificates without a holder key */
  int key_failures;
  char *public_id;           /* crt_… */
} TekenCaCertificate;

void teken_ca_certificate_free (TekenCaCertificate *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaCertificate, teken_ca_certificate_free)

typedef struct
{
  gint64 id;
  char *nik;
  char *email;
  char *name;
  char *agency;
  char *workflow;            /* NO_CERTIFICATE, WAITING_FOR_VERIFICATION, NEW, RENEW, or NULL */
  char *verification;        /* VERIFIED or UPDATE */
  gint64 current_certificate;
  char *public_id;           /* acc_… */
  char *password_hash;       /* PHC scrypt string, NULL before activation */
  int login_failures;
  gint64 locked_until;       /* Unix time, 0 when not locked */
  gint64 activated_at;       /* 0 before activation (docs/api.md §5.3) */
  gint64 personal_at;        /* when personal data was given, 0 before */
  char *title_prefix;
  char *title_suffix;
  char *phone;               /* +628…, NULL before personal data */
  char *employment_kind;     /* asn or non_asn, NULL before employment data */
  char *employment_type;     /* PNS or PPPK for asn, NULL for non_asn */
  char *nip;                 /* the NIK for non_asn */
  char *unit;
  char *position;
  char *city;
  char *province;
  char *selfie;              /* JSON: the selfie object of §5 */
  char *agreements;          /* JSON: {id: version} */
  char *rejection;           /* JSON: the rejection object of §5, or NULL */
} TekenCaAccount;

void teken_ca_account_free (TekenCaAccount *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaAccount, teken_ca_account_free)

typedef struct
{
  gint64 id;
  char *public_id;           /* dev_… */
  char *name;
  GBytes *sealed_secret;     /* the base32 TOTP secret, under the server key */
  gint64 last_step;          /* the last accepted TOTP step, for replay refusal */
  gint64 created_at;
  gint64 last_used_at;       /* 0 when never used */
} TekenCaDevice;

void teken_ca_device_free (TekenCaDevice *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaDevice, teken_ca_device_free)

typedef struct
{
  gint64 account_id;
  gint64 expires_at;
  int codes_left;
  GBytes *sealed_setup_secret;  /* NULL when the account has devices */
} TekenCaLoginToken;

void teken_ca_login_token_free (TekenCaLoginToken *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaLoginToken, teken_ca_login_token_free)

typedef struct
{
  gint64 session_id;
  gint64 account_id;
  gint64 expires_at;
  gboolean used;
  gboolean ended;
  gint64 started_at;
  char scope[16];            /* account, enrollment or verifier */
} TekenCaSessionToken;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaSessionToken, g_free)

/* An e-mailed link (docs/api.md §12); the token itself is never stored. */
typedef struct
{
  gint64 account_id;
  char *purpose;
  gint64 created_at;
  gint64 expires_at;
  gint64 used_at;            /* 0 while unused */
  gboolean superseded;       /* a newer link of the same purpose was sent */
  char *payload;             /* NULL, or what the link carries (JSON) */
} TekenCaLink;

void teken_ca_link_free (TekenCaLink *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaLink, teken_ca_link_free)

#define TEKEN_CA_TYPE_STORE (teken_ca_store_get_type ())

G_DECLARE_FINAL_TYPE (TekenCaStore, teken_ca_store, TEKEN_CA, STORE, GObject)

TekenCaStore       *teken_ca_store_open                 (const char          *path,
                                                         GError             **error);
gboolean            teken_ca_store_begin                (TekenCaStore        *self,
                                                         GError             **error);
gboolean            teken_ca_store_commit               (TekenCaStore        *self,
                                                         GError             **error);
void                teken_ca_store_rollback             (TekenCaStore        *self);
char               *teken_ca_store_get_meta             (TekenCaStore        *self,
                                                         const char          *key);
gboolean            teken_ca_store_set_meta             (TekenCaStore        *self,
                                                         const char          *key,
                                                         const char          *value,
                                                         GError             **error);
gint64              teken_ca_store_next_counter         (TekenCaStore        *self,
                                                         const char          *key,
                                                         GError             **error);
gboolean            teken_ca_store_add_population       (TekenCaStore        *self,
                                                         const char          *nik,
                                                         const char          *name,
                                                         const char          *kk,
                                                         const char          *photo_ref,
                                                         const char          *face_match,
                                                         GError             **error);
gboolean            teken_ca_store_add_personnel        (TekenCaStore        *self,
                                                         const char * const  *row,
                                                         GError             **error);
gboolean            teken_ca_store_add_agency_domain    (TekenCaStore        *self,
                                                         const char          *agency,
                                                         const char          *domain,
                                                         GError             **error);
char               *teken_ca_store_lookup_population    (TekenCaStore        *self,
                                                         const char          *nik);
char               *teken_ca_store_lookup_personnel_agency (TekenCaStore     *self,
                                                         const char          *nip,
                                                         const char          *nik);
char               *teken_ca_store_lookup_domain_agency (TekenCaStore        *self,
                                                         const char          *domain);
gint64              teken_ca_store_add_account          (TekenCaStore        *self,
                                                         const char          *nik,
                                                         const char          *email,
                                                         const char          *name,
                                                         const char          *agency,
                                                         GError             **error);
gint64              teken_ca_store_add_certificate      (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         const char          *serial,
                                                         GBytes              *der,
                                                         gint64               not_before,
                                                         gint64               not_after,
                                                         GBytes              *wrapped_key,
                                                         GError             **error);
gboolean            teken_ca_store_set_current_certificate (TekenCaStore     *self,
                                                         gint64               account_id,
                                                         gint64               certificate_id,
                                                         GError             **error);
TekenCaAccount     *teken_ca_store_find_account_by_nik  (TekenCaStore        *self,
                                                         const char          *nik);
TekenCaAccount     *teken_ca_store_find_account_by_email (TekenCaStore       *self,
                                                         const char          *email);
TekenCaCertificate *teken_ca_store_get_certificate      (TekenCaStore        *self,
                                                         gint64               id);
TekenCaCertificate *teken_ca_store_find_certificate_by_serial (TekenCaStore  *self,
                                                         const char          *serial);
GPtrArray          *teken_ca_store_list_revoked         (TekenCaStore        *self);
gboolean            teken_ca_store_set_key_failures     (TekenCaStore        *self,
                                                         gint64               certificate_id,
                                                         int                  failures,
                                                         GError             **error);
gboolean            teken_ca_store_add_client           (TekenCaStore        *self,
                                                         const char          *client_id,
                                                         const char          *secret_hash,
                                                         GError             **error);
char               *teken_ca_store_get_client_secret_hash (TekenCaStore      *self,
                                                         const char          *client_id);
TekenCaAccount     *teken_ca_store_get_account          (TekenCaStore        *self,
                                                         gint64               id);
gboolean            teken_ca_store_set_password_hash    (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         const char          *password_hash,
                                                         GError             **error);
gboolean            teken_ca_store_set_login_failures   (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         int                  failures,
                                                         gint64               locked_until,
                                                         GError             **error);
int                 teken_ca_store_add_login_failure    (TekenCaStore        *self,
                                                         gint64               account_id);
gint64              teken_ca_store_add_device           (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         const char          *public_id,
                                                         const char          *name,
                                                         GBytes              *sealed_secret,
                                                         gint64               last_step,
                                                         gint64               now,
                                                         GError             **error);
GPtrArray          *teken_ca_store_list_devices         (TekenCaStore        *self,
                                                         gint64               account_id);
gboolean            teken_ca_store_use_device_step      (TekenCaStore        *self,
                                                         gint64               device_id,
                                                         gint64               step,
                                                         gint64               now);
gboolean            teken_ca_store_add_login_token      (TekenCaStore        *self,
                                                         const char          *token_hash,
                                                         gint64               account_id,
                                                         gint64               expires_at,
                                                         int                  codes,
                                                         GBytes              *sealed_setup_secret,
                                                         GError             **error);
TekenCaLoginToken  *teken_ca_store_find_login_token     (TekenCaStore        *self,
                                                         const char          *token_hash);
int                 teken_ca_store_take_login_token_code (TekenCaStore       *self,
                                                         const char          *token_hash,
                                                         gint64               now);
gboolean            teken_ca_store_delete_login_token   (TekenCaStore        *self,
                                                         const char          *token_hash,
                                                         gint64               now,
                                                         GError             **error);
gint64              teken_ca_store_add_session          (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         const char          *scope,
                                                         gint64               now,
                                                         GError             **error);
gboolean            teken_ca_store_end_session          (TekenCaStore        *self,
                                                         gint64               session_id,
                                                         GError             **error);
gboolean            teken_ca_store_add_session_token    (TekenCaStore        *self,
                                                         const char          *token_hash,
                                                         gint64               session_id,
                                                         const char          *kind,
                                                         gint64               expires_at,
                                                         GError             **error);
TekenCaSessionToken *teken_ca_store_find_session_token  (TekenCaStore        *self,
                                                         const char          *token_hash,
                                                         const char          *kind);
gboolean            teken_ca_store_use_session_token    (TekenCaStore        *self,
                                                         const char          *token_hash);
gboolean            teken_ca_store_revoke_certificate   (TekenCaStore        *self,
                                                         gint64               certificate_id,
                                                         gint64               when,
                                                         int                  reason,
                                                         GError             **error);
gboolean            teken_ca_store_set_account_text    (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         const char          *column,
                                                         const char          *value,
                                                         GError             **error);
gboolean            teken_ca_store_set_account_time    (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         const char          *column,
                                                         gint64               when,
                                                         GError             **error);
gboolean            teken_ca_store_delete_account       (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         GError             **error);
gboolean            teken_ca_store_add_link             (TekenCaStore        *self,
                                                         const char          *token_hash,
                                                         gint64               account_id,
                                                         const char          *purpose,
                                                         gint64               created_at,
                                                         gint64               expires_at,
                                                         const char          *payload,
                                                         GError             **error);
gboolean            teken_ca_store_supersede_links      (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         const char          *purpose,
                                                         GError             **error);
TekenCaLink        *teken_ca_store_find_link            (TekenCaStore        *self,
                                                         const char          *token_hash);
gboolean            teken_ca_store_use_link             (TekenCaStore        *self,
                                                         const char          *token_hash,
                                                         gint64               now);
gint64              teken_ca_store_last_link_time       (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         const char          *purpose);
char              **teken_ca_store_lookup_person        (TekenCaStore        *self,
                                                         const char          *nik);
char              **teken_ca_store_lookup_employee      (TekenCaStore        *self,
                                                         const char          *nip);
GStrv               teken_ca_store_list_agency_domains  (TekenCaStore        *self,
                                                         const char          *agency);
gboolean            teken_ca_store_add_agreement        (TekenCaStore        *self,
                                                         const char          *id,
                                                         const char          *version,
                                                         const char          *title,
                                                         const char          *text_id,
                                                         const char          *text_en,
                                                         const char          *sha256,
                                                         GError             **error);
char              **teken_ca_store_get_agreement        (TekenCaStore        *self,
                                                         const char          *id,
                                                         const char          *version);

G_END_DECLS
