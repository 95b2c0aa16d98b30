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

/* A meta counter that every revocation, suspension and unsuspension
 * raises, so that a CRL made before it is made again, also in a server
 * that did not make the change itself (teken-ca admin). */
#define TEKEN_CA_REVOCATION_EPOCH "revocation_epoch"

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
  GBytes *otp_key;           /* the key sealed for OTP signing (§7.9), or NULL */
  gboolean expiring_mailed;  /* certificate_expiring was sent */
  gboolean expired_mailed;   /* certificate_expired was sent */
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
  char *role;                /* holder or verifier */
  char *pending_update;      /* JSON: a data change waiting for confirmation (§7.10), or NULL */
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

/* A device set-up between docs/api.md §6.5's add and confirm. */
typedef struct
{
  gint64 account_id;
  GBytes *sealed_secret;
  gint64 expires_at;
} TekenCaDeviceSetup;

void teken_ca_device_setup_free (TekenCaDeviceSetup *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaDeviceSetup, teken_ca_device_setup_free)

/* A signing OTP (§9.1); only the hash of the code is stored. */
typedef struct
{
  gint64 id;
  char *code_hash;
  gint64 created_at;
  gint64 expires_at;
  int tries_left;
  int documents;
} TekenCaSigningOtp;

void teken_ca_signing_otp_free (TekenCaSigningOtp *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaSigningOtp, teken_ca_signing_otp_free)

/* A request to the agency verifier (§8). */
typedef struct
{
  gint64 id;
  char *public_id;           /* req_… */
  gint64 account_id;
  char *kind;                /* enrollment_review, renewal or reissue */
  char *state;               /* pending, approved or rejected */
  gint64 created_at;
  char *previous_workflow;   /* the account's workflow to go back to on rejection */
  char *decision_action;     /* approve or reject, NULL while pending */
  char *decision_by;
  gint64 decision_at;
  char *decision_note;
} TekenCaVerifierRequest;

void teken_ca_verifier_request_free (TekenCaVerifierRequest *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaVerifierRequest, teken_ca_verifier_request_free)

/* A row of the population registry stand-in (§13). */
typedef struct
{
  char *nik;
  char *name;
  char *kk;
  char *photo_ref;
  char *face_match;
} TekenCaPopulation;

void teken_ca_population_free (TekenCaPopulation *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaPopulation, teken_ca_population_free)

/* A row of the personnel registry stand-in (§13). */
typedef struct
{
  char *nip;
  char *nik;
  char *employment_type;
  char *agency;
  char *unit;
  char *position;
  char *city;
  char *province;
} TekenCaPersonnel;

void teken_ca_personnel_free (TekenCaPersonnel *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenCaPersonnel, teken_ca_personnel_free)

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

/* teken-ca-store-lifecycle.c: docs/api.md §6.3–§9. */
gint64              teken_ca_store_add_verifier         (TekenCaStore        *self,
                                                         const char          *email,
                                                         const char          *name,
                                                         const char          *agency,
                                                         gint64               now,
                                                         GError             **error);
GPtrArray          *teken_ca_store_list_verifier_emails (TekenCaStore        *self,
                                                         const char          *agency);
TekenCaAccount     *teken_ca_store_find_account_by_public_id (TekenCaStore   *self,
                                                         const char          *public_id);
GPtrArray          *teken_ca_store_list_domains         (TekenCaStore        *self);
TekenCaPopulation  *teken_ca_store_get_population       (TekenCaStore        *self,
                                                         const char          *nik);
TekenCaPersonnel   *teken_ca_store_get_personnel        (TekenCaStore        *self,
                                                         const char          *nip);
GPtrArray          *teken_ca_store_list_certificates    (TekenCaStore        *self,
                                                         gint64               account_id);
TekenCaCertificate *teken_ca_store_find_certificate     (TekenCaStore        *self,
                                                         const char          *public_id);
gboolean            teken_ca_store_unrevoke_certificate (TekenCaStore        *self,
                                                         gint64               certificate_id,
                                                         GError             **error);
gboolean            teken_ca_store_set_otp_key          (TekenCaStore        *self,
                                                         gint64               certificate_id,
                                                         GBytes              *sealed_key,
                                                         GError             **error);
gboolean            teken_ca_store_set_expiry_mailed    (TekenCaStore        *self,
                                                         gint64               certificate_id,
                                                         gboolean             expired,
                                                         GError             **error);
GPtrArray          *teken_ca_store_list_expiry_due      (TekenCaStore        *self,
                                                         gint64               now,
                                                         gint64               window);
gint64              teken_ca_store_get_revocation_epoch (TekenCaStore        *self);
gboolean            teken_ca_store_rename_device        (TekenCaStore        *self,
                                                         gint64               device_id,
                                                         const char          *name,
                                                         GError             **error);
gboolean            teken_ca_store_delete_device        (TekenCaStore        *self,
                                                         gint64               device_id,
                                                         GError             **error);
gboolean            teken_ca_store_delete_devices       (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         GError             **error);
gboolean            teken_ca_store_add_device_setup     (TekenCaStore        *self,
                                                         const char          *public_id,
                                                         gint64               account_id,
                                                         GBytes              *sealed_secret,
                                                         gint64               now,
                                                         gint64               expires_at,
                                                         GError             **error);
TekenCaDeviceSetup *teken_ca_store_find_device_setup    (TekenCaStore        *self,
                                                         const char          *public_id);
gboolean            teken_ca_store_delete_device_setup  (TekenCaStore        *self,
                                                         const char          *public_id,
                                                         GError             **error);
gboolean            teken_ca_store_end_account_sessions (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         GError             **error);
int                 teken_ca_store_count_links_since    (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         const char          *purpose,
                                                         gint64               since,
                                                         gint64              *oldest,
                                                         gint64              *newest);
gboolean            teken_ca_store_set_wrapped_key      (TekenCaStore        *self,
                                                         gint64               certificate_id,
                                                         GBytes              *wrapped_key,
                                                         GError             **error);
char               *teken_ca_store_get_agreement_version (TekenCaStore       *self,
                                                         const char          *id);
gboolean            teken_ca_store_add_signing_otp      (TekenCaStore        *self,
                                                         gint64               account_id,
                                                         const char          *code_hash,
                                                         gint64               now,
                                                         gint64               expires_at,
                                                         int                  tries,
                                                         int                  documents,
                                                         GError             **error);
TekenCaSigningOtp  *teken_ca_store_find_signing_otp     (TekenCaStore        *self,
                                                         gint64               account_id);
int                 teken_ca_store_take_signing_otp_try (TekenCaStore        *self,
                                                         gint64               otp_id,
                                                         gint64               now);
gboolean            teken_ca_store_use_signing_otp      (TekenCaStore        *self,
                                                         gint64               otp_id);
int                 teken_ca_store_count_signing_otps_since (TekenCaStore    *self,
                                                         gint64               account_id,
                                                         gint64               since,
                                                         gint64              *oldest,
                                                         gint64              *newest);
gint64              teken_ca_store_add_request          (TekenCaStore        *self,
                                                         const char          *public_id,
                                                         gint64               account_id,
                                                         const char          *kind,
                                                         const char          *previous_workflow,
                                                         gint64               now,
                                                         GError             **error);
TekenCaVerifierRequest *teken_ca_store_find_request     (TekenCaStore        *self,
                                                         const char          *public_id);
GPtrArray          *teken_ca_store_list_requests        (TekenCaStore        *self,
                                                         const char          *agency,
                                                         const char          *state,
                                                         const char          *kind,
                                                         gint64               after_id,
                                                         int                  limit);
gboolean            teken_ca_store_decide_request       (TekenCaStore        *self,
                                                         gint64               request_id,
                                                         gboolean             approve,
                                                         const char          *by,
                                                         gint64               when,
                                                         const char          *note);
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
