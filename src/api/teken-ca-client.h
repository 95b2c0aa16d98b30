/* teken-ca-client.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "teken-ca-error.h"
#include "teken-ca-types.h"
#include "teken-secret.h"

G_BEGIN_DECLS

/* Every endpoint of docs/api.md §1, in its order; the comment is its
 * number there. */
typedef enum
{
  TEKEN_CA_ENDPOINT_INFO,                          /* 1 */
  TEKEN_CA_ENDPOINT_OAUTH2_TOKEN,                  /* 2 */
  TEKEN_CA_ENDPOINT_LINKS_CHECK,                   /* 3 */
  TEKEN_CA_ENDPOINT_LINK_PAGE,                     /* 4 */
  TEKEN_CA_ENDPOINT_ENROLLMENT_REGISTER,           /* 5 */
  TEKEN_CA_ENDPOINT_ENROLLMENT_ACTIVATION_RESEND,  /* 6 */
  TEKEN_CA_ENDPOINT_ENROLLMENT_ACTIVATE,           /* 7 */
  TEKEN_CA_ENDPOINT_ENROLLMENT,                    /* 8 */
  TEKEN_CA_ENDPOINT_ENROLLMENT_PERSONAL,           /* 9 */
  TEKEN_CA_ENDPOINT_ENROLLMENT_NIP_CHECK,          /* 10 */
  TEKEN_CA_ENDPOINT_ENROLLMENT_EMPLOYMENT,         /* 11 */
  TEKEN_CA_ENDPOINT_ENROLLMENT_SELFIE,             /* 12 */
  TEKEN_CA_ENDPOINT_AGREEMENTS,                    /* 13 */
  TEKEN_CA_ENDPOINT_AGREEMENT,                     /* 14 */
  TEKEN_CA_ENDPOINT_ENROLLMENT_AGREEMENTS,         /* 15 */
  TEKEN_CA_ENDPOINT_ENROLLMENT_PASSPHRASE_RESEND,  /* 16 */
  TEKEN_CA_ENDPOINT_ENROLLMENT_PASSPHRASE,         /* 17 */
  TEKEN_CA_ENDPOINT_AUTH_LOGIN,                    /* 18 */
  TEKEN_CA_ENDPOINT_AUTH_LOGIN_TOTP,               /* 19 */
  TEKEN_CA_ENDPOINT_AUTH_REFRESH,                  /* 20 */
  TEKEN_CA_ENDPOINT_AUTH_LOGOUT,                   /* 21 */
  TEKEN_CA_ENDPOINT_AUTH_PASSWORD_FORGOT,          /* 22 */
  TEKEN_CA_ENDPOINT_AUTH_PASSWORD_RESET,           /* 23 */
  TEKEN_CA_ENDPOINT_ACCOUNT,                       /* 24 */
  TEKEN_CA_ENDPOINT_ACCOUNT_DEVICES,               /* 25 */
  TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_ADD,            /* 26 */
  TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_CONFIRM,        /* 27 */
  TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_RENAME,         /* 28 */
  TEKEN_CA_ENDPOINT_ACCOUNT_DEVICE_REMOVE,         /* 29 */
  TEKEN_CA_ENDPOINT_CHECK_STATUS,                  /* 30 */
  TEKEN_CA_ENDPOINT_CERTIFICATE_CHAIN,             /* 31 */
  TEKEN_CA_ENDPOINT_CERTIFICATES,                  /* 32 */
  TEKEN_CA_ENDPOINT_CERTIFICATE,                   /* 33 */
  TEKEN_CA_ENDPOINT_CERTIFICATE_DOWNLOAD,          /* 34 */
  TEKEN_CA_ENDPOINT_PASSPHRASE_CHANGE_REQUEST,     /* 35 */
  TEKEN_CA_ENDPOINT_PASSPHRASE_CHANGE,             /* 36 */
  TEKEN_CA_ENDPOINT_PASSPHRASE_RESET_REQUEST,      /* 37 */
  TEKEN_CA_ENDPOINT_PASSPHRASE_RESET,              /* 38 */
  TEKEN_CA_ENDPOINT_CERTIFICATE_REVOKE,            /* 39 */
  TEKEN_CA_ENDPOINT_CERTIFICATE_RENEW,             /* 40 */
  TEKEN_CA_ENDPOINT_CERTIFICATE_REISSUE,           /* 41 */
  TEKEN_CA_ENDPOINT_SIGNING_OTP_CONSENT,           /* 42 */
  TEKEN_CA_ENDPOINT_PROFILE_UPDATE,                /* 43 */
  TEKEN_CA_ENDPOINT_PROFILE_CONFIRM,               /* 44 */
  TEKEN_CA_ENDPOINT_PROFILE_PENDING_RESEND,        /* 45 */
  TEKEN_CA_ENDPOINT_PROFILE_PENDING_CANCEL,        /* 46 */
  TEKEN_CA_ENDPOINT_VERIFIER_REQUESTS,             /* 47 */
  TEKEN_CA_ENDPOINT_VERIFIER_REQUEST,              /* 48 */
  TEKEN_CA_ENDPOINT_VERIFIER_REQUEST_SELFIE,       /* 49 */
  TEKEN_CA_ENDPOINT_VERIFIER_REQUEST_APPROVE,      /* 50 */
  TEKEN_CA_ENDPOINT_VERIFIER_REQUEST_REJECT,       /* 51 */
  TEKEN_CA_ENDPOINT_VERIFIER_HOLDERS_SEARCH,       /* 52 */
  TEKEN_CA_ENDPOINT_VERIFIER_HOLDER,               /* 53 */
  TEKEN_CA_ENDPOINT_VERIFIER_HOLDER_SUSPEND,       /* 54 */
  TEKEN_CA_ENDPOINT_VERIFIER_HOLDER_UNSUSPEND,     /* 55 */
  TEKEN_CA_ENDPOINT_VERIFIER_HOLDER_REVOKE,        /* 56 */
  TEKEN_CA_ENDPOINT_VERIFIER_HOLDER_REISSUE,       /* 57 */
  TEKEN_CA_ENDPOINT_SIGNING_OTP_REQUEST,           /* 58 */
  TEKEN_CA_ENDPOINT_SIGN_HASH,                     /* 59 */
  TEKEN_CA_ENDPOINT_SIGN_HASH_ENTITY,              /* 59, BSrE's entity path */
  TEKEN_CA_ENDPOINT_SIGN_PDF,                      /* 60 */
  TEKEN_CA_ENDPOINT_VERIFY_PDF,                    /* 61 */
  TEKEN_CA_ENDPOINT_PKI_CA,                        /* 62 */
  TEKEN_CA_ENDPOINT_PKI_ROOT,                      /* 63 */
  TEKEN_CA_ENDPOINT_PKI_ISSUING,                   /* 64 */
  TEKEN_CA_ENDPOINT_PKI_CRL,                       /* 65 */
  TEKEN_CA_ENDPOINT_PKI_ROOT_CRL,                  /* 66 */
  TEKEN_CA_ENDPOINT_PKI_OCSP,                      /* 67 */
  TEKEN_CA_ENDPOINT_PKI_OCSP_GET,                  /* 68 */
  TEKEN_CA_ENDPOINT_PKI_TSA,                       /* 69 */
  TEKEN_CA_N_ENDPOINTS
} TekenCaEndpoint;

/* docs/api.md §2.3. */
typedef enum
{
  TEKEN_CA_AUTH_NONE,              /* also the login and refresh tokens, sent in the body */
  TEKEN_CA_AUTH_CLIENT,            /* client credentials, Basic only */
  TEKEN_CA_AUTH_CLIENT_OR_HOLDER,  /* client credentials when set, else the session */
  TEKEN_CA_AUTH_SESSION,           /* holder, enroll or verifier: the session's bearer token */
  TEKEN_CA_AUTH_LINK,              /* none: the e-mailed link's token is in the body */
} TekenCaAuth;

/* docs/api.md §2.7. */
typedef enum
{
  TEKEN_CA_RETRY_SAFE,        /* network errors and 502/503/504, with back-off */
  TEKEN_CA_RETRY_IDEMPOTENT,  /* only a network error with no answer */
  TEKEN_CA_RETRY_NEVER,
} TekenCaRetry;

typedef struct
{
  guint         number;           /* in docs/api.md §1 */
  const char   *method;
  const char   *path;             /* {name} segments are filled from path arguments */
  TekenCaAuth   auth;
  TekenCaRetry  retry;
  gboolean      json_response;    /* else the body is returned as bytes */
  gboolean      secret_request;   /* the request carries a secret or a document: never logged */
  gboolean      secret_response;  /* so does the answer */
} TekenCaEndpointInfo;

const TekenCaEndpointInfo *teken_ca_endpoint_get_info (TekenCaEndpoint endpoint);

/* A member of a request body whose value is a secret: written into the
 * request in wiped memory, never through json-glib. Arrays of these end
 * with a member whose @name is %NULL. */
typedef struct
{
  const char  *name;
  TekenSecret *value;
} TekenCaSecretMember;

/* The signature levels of docs/api.md §9.2. */
#define TEKEN_CA_LEVEL_B "PAdES_BASELINE_B"
#define TEKEN_CA_LEVEL_T "PAdES_BASELINE_T"
#define TEKEN_CA_LEVEL_LT "PAdES_BASELINE_LT"

/* docs/api.md §2.8, §9.2. */
#define TEKEN_CA_MAX_DIGESTS 100
#define TEKEN_CA_MAX_CMS_SIZE 16384

#define TEKEN_TYPE_CA_CLIENT (teken_ca_client_get_type ())

G_DECLARE_FINAL_TYPE (TekenCaClient, teken_ca_client, TEKEN, CA_CLIENT, GObject)

TekenCaClient  *teken_ca_client_new                  (const char           *base_url,
                                                      const char           *ca_file,
                                                      GError              **error);
const char     *teken_ca_client_get_base_url         (TekenCaClient        *self);
void            teken_ca_client_set_client_credentials (TekenCaClient      *self,
                                                      const char           *client_id,
                                                      TekenSecret          *client_secret);
gboolean        teken_ca_client_has_client_credentials (TekenCaClient      *self);
TekenCaSession *teken_ca_client_dup_session          (TekenCaClient        *self);
void            teken_ca_client_set_session          (TekenCaClient        *self,
                                                      TekenCaSession       *session);

/* The generic call: any endpoint whose answer is JSON. @path_args fill the
 * {name} segments in order; @query is key, value, …, NULL. */
void            teken_ca_client_call_async           (TekenCaClient              *self,
                                                      TekenCaEndpoint             endpoint,
                                                      const char * const         *path_args,
                                                      const char * const         *query,
                                                      JsonObject                 *body,
                                                      const TekenCaSecretMember  *secrets,
                                                      GCancellable               *cancellable,
                                                      GAsyncReadyCallback         callback,
                                                      gpointer                    user_data);
JsonObject     *teken_ca_client_call_finish          (TekenCaClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* The generic call for endpoints that answer bytes (PKI, downloads,
 * images, the link page); @body is sent as @content_type. */
void            teken_ca_client_fetch_async          (TekenCaClient        *self,
                                                      TekenCaEndpoint       endpoint,
                                                      const char * const   *path_args,
                                                      const char * const   *query,
                                                      GBytes               *body,
                                                      const char           *content_type,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
GBytes         *teken_ca_client_fetch_finish         (TekenCaClient        *self,
                                                      GAsyncResult         *result,
                                                      char                **content_type,
                                                      GError              **error);

/* Typed calls. Those without their own _finish end with
 * teken_ca_client_call_finish() or teken_ca_client_fetch_finish(). */

void            teken_ca_client_get_info_async       (TekenCaClient        *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);

void            teken_ca_client_check_status_async   (TekenCaClient        *self,
                                                      const char           *nik,
                                                      const char           *email,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
TekenCaStatus  *teken_ca_client_check_status_finish  (TekenCaClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void            teken_ca_client_get_chain_async      (TekenCaClient        *self,
                                                      const char           *nik,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
GPtrArray      *teken_ca_client_get_chain_finish     (TekenCaClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void            teken_ca_client_login_async          (TekenCaClient        *self,
                                                      const char           *username,
                                                      TekenSecret          *password,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
TekenCaLoginStep *teken_ca_client_login_finish       (TekenCaClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void            teken_ca_client_login_totp_async     (TekenCaClient        *self,
                                                      TekenCaLoginStep     *step,
                                                      TekenSecret          *code,
                                                      const char           *device,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
TekenCaSession *teken_ca_client_login_totp_finish    (TekenCaClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void            teken_ca_client_refresh_async        (TekenCaClient        *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean        teken_ca_client_refresh_finish       (TekenCaClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void            teken_ca_client_logout_async         (TekenCaClient        *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean        teken_ca_client_logout_finish        (TekenCaClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void            teken_ca_client_get_account_async    (TekenCaClient        *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
TekenCaAccountInfo *teken_ca_client_get_account_finish (TekenCaClient      *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void            teken_ca_client_list_certificates_async  (TekenCaClient    *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
GPtrArray      *teken_ca_client_list_certificates_finish (TekenCaClient    *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void            teken_ca_client_get_certificate_async (TekenCaClient       *self,
                                                      const char           *id,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
TekenCaCertificateInfo *teken_ca_client_get_certificate_finish (TekenCaClient *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void            teken_ca_client_revoke_async         (TekenCaClient        *self,
                                                      const char           *reason,
                                                      const char           *confirmation,
                                                      TekenSecret          *password,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
TekenCaCertificateInfo *teken_ca_client_revoke_finish (TekenCaClient       *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

void            teken_ca_client_request_signing_otp_async (TekenCaClient   *self,
                                                      const char           *nik,
                                                      const char           *email,
                                                      guint                 n_documents,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);

void            teken_ca_client_sign_hash_async      (TekenCaClient        *self,
                                                      const char           *nik,
                                                      const char           *email,
                                                      TekenSecret          *passphrase,
                                                      TekenSecret          *otp,
                                                      GHashTable           *digests,
                                                      const char           *level,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
GHashTable     *teken_ca_client_sign_hash_finish     (TekenCaClient        *self,
                                                      GAsyncResult         *result,
                                                      JsonObject          **validation_data,
                                                      GError              **error);

void            teken_ca_client_ocsp_async           (TekenCaClient        *self,
                                                      GBytes               *request,
                                                      gboolean              use_get,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
void            teken_ca_client_timestamp_async      (TekenCaClient        *self,
                                                      GBytes               *query,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);

G_END_DECLS
