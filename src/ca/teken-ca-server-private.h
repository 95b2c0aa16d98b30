/* teken-ca-server-private.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the files of TekenCaServer share: the instance, one request being
 * answered, and the helpers that answer it. Each teken-ca-server-*.c holds
 * the handlers of one part of docs/api.md; teken-ca-server.c routes. */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <openssl/x509.h>

#include "teken-ca-authority.h"
#include "teken-ca-mailer.h"
#include "teken-ca-server.h"
#include "teken-ca-store.h"
#include "teken-secret.h"

G_BEGIN_DECLS

struct _TekenCaServer
{
  GObject parent_instance;

  char *data_dir;
  TekenCaStore *store;
  TekenCaAuthority *authority;
  SoupServer *soup;
  GMutex key_locks[16];       /* passphrase checks, by certificate id stripe */
  GCond key_changed[16];
  int key_checks[16];         /* checks under way, per stripe */
  GBytes *server_key;
  char *dummy_hash;           /* checked for unknown usernames, to take the same time */
  TekenCaMailer *mailer;
  TekenCaSettings settings;
  guint sweep_id;
};

#define API_PREFIX "/api/teken/v1"
#define CHAIN_PREFIX "/api/v2/user/certificate/chain/"
#define MAX_JSON_BODY (64 * 1024)
#define MAX_SIGN_BODY (256 * 1024)
#define MAX_PKI_BODY (16 * 1024)
#define MAX_SELFIE_BODY (4 * 1024 * 1024)  /* the 3 MiB rule of §5.8 answers 8113 below this */
#define MAX_VERIFY_BODY (40 * 1024 * 1024)
#define MAX_DOCUMENTS 100
#define MAX_CMS_SIZE 16384
#define MAX_SECRET_LENGTH 128
#define TOTP_ISSUER "Teken CA"

/* Who may call a route (docs/api.md §2.3), as a set: a route that takes
 * client credentials or a holder's token names both. */
typedef enum
{
  AUTH_NONE = 0,
  AUTH_CLIENT = 1 << 0,       /* Basic client_id:client_secret */
  AUTH_HOLDER = 1 << 1,       /* bearer, scope account */
  AUTH_ENROLLMENT = 1 << 2,   /* bearer, scope enrollment */
  AUTH_VERIFIER = 1 << 3,     /* bearer, scope verifier */
} AuthKind;

/* §2.3's "enroll": the enrollment wizard's token, or a holder's. */
#define AUTH_ENROLL (AUTH_HOLDER | AUTH_ENROLLMENT)

/* What one request produced, for its log line and its headers. */
typedef struct
{
  TekenCaServer *server;
  SoupServerMessage *msg;
  char request_id[33];
  const char *auth;
  int status_code;
  gint64 started;
  gboolean paused;     /* answered later, by a worker's callback */
  gint64 account_id;   /* bearer tokens: the token's account and session */
  gint64 session_id;
  char scope[16];      /* the token's scope */
  /* Set in a worker thread, which must not touch the message: the answer
   * waits here for the main thread. */
  gboolean deferred;
  guint deferred_status;
  JsonNode *deferred_body;
} Request;

typedef void (*Handler) (Request    *request,
                         JsonObject *body);

/* teken-ca-server-account.c */
void teken_ca_handle_login (Request    *request,
                            JsonObject *body);
void teken_ca_handle_login_totp (Request    *request,
                                 JsonObject *body);
void teken_ca_handle_refresh (Request    *request,
                              JsonObject *body);
void teken_ca_handle_logout (Request    *request,
                             JsonObject *body);
void teken_ca_handle_account (Request    *request,
                              JsonObject *body);
void teken_ca_handle_revoke (Request    *request,
                             JsonObject *body);

gboolean teken_ca_add_token_pair (Request        *request,
                                  JsonBuilder    *b,
                                  TekenCaAccount *account,
                                  const char     *scope,
                                  gint64          session_id,
                                  gint64          session_started);

/* teken-ca-server-lifecycle.c: certificates (docs/api.md §7.3–§7.8),
 * the expiry sweep, and what they share with the other parts. */
typedef struct
{
  X509 *x509;
  GBytes *der;
  GBytes *wrapped_key;
  char *serial;
  gint64 not_before;
  gint64 not_after;
} TekenCaNewCertificate;

void teken_ca_new_certificate_clear (TekenCaNewCertificate *self);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TekenCaNewCertificate, teken_ca_new_certificate_clear)

gboolean teken_ca_make_holder_certificate (TekenCaServer         *self,
                                           TekenCaAccount        *account,
                                           TekenSecret           *passphrase,
                                           TekenCaNewCertificate *out,
                                           GError               **error);
gint64 teken_ca_store_holder_certificate (TekenCaServer         *self,
                                          TekenCaAccount        *account,
                                          TekenCaNewCertificate *certificate,
                                          gint64                 superseded,
                                          GError               **error);
const char *teken_ca_certificate_status (TekenCaCertificate *cert);
const char *teken_ca_reason_name (int code);
int teken_ca_reason_code (const char *name,
                          gboolean    verifier);
void teken_ca_respond_reasons (Request  *request,
                               gboolean  verifier);
gboolean teken_ca_add_certificate_object (JsonBuilder        *b,
                                          TekenCaServer      *self,
                                          TekenCaAccount     *account,
                                          TekenCaCertificate *cert,
                                          gboolean            details);
void teken_ca_respond_wrong_status (Request            *request,
                                    const char         *status,
                                    const char * const *allowed);
gboolean teken_ca_mail_rate_limited (Request        *request,
                                     TekenCaAccount *account,
                                     const char     *purpose);
gboolean teken_ca_check_agreement (Request    *request,
                                   JsonObject *body);
gboolean teken_ca_check_new_secret (Request    *request,
                                    JsonObject *body,
                                    const char *member,
                                    const char *confirmation_member,
                                    int         policy_code,
                                    const char *field);
gboolean teken_ca_refuse_password_as_passphrase (Request        *request,
                                                 TekenCaAccount *account,
                                                 TekenSecret    *passphrase);
void teken_ca_add_time_or_null (JsonBuilder *b,
                                const char  *member,
                                gint64       unix_time);
void teken_ca_add_string_or_null (JsonBuilder *b,
                                  const char  *member,
                                  const char  *value);
void teken_ca_sweep (TekenCaServer *self);
void teken_ca_handle_certificates (Request    *request,
                                   JsonObject *body);
void teken_ca_handle_certificate (Request    *request,
                                  JsonObject *body);
void teken_ca_handle_passphrase_change_request (Request    *request,
                                                JsonObject *body);
void teken_ca_handle_passphrase_change (Request    *request,
                                        JsonObject *body);
void teken_ca_handle_passphrase_reset_request (Request    *request,
                                               JsonObject *body);
void teken_ca_handle_passphrase_reset (Request    *request,
                                       JsonObject *body);
void teken_ca_handle_renew (Request    *request,
                            JsonObject *body);
void teken_ca_handle_reissue (Request    *request,
                              JsonObject *body);

/* teken-ca-server-devices.c: forgotten password and OTP devices (§6.3, §6.5) */
void teken_ca_handle_password_forgot (Request    *request,
                                      JsonObject *body);
void teken_ca_handle_password_reset (Request    *request,
                                     JsonObject *body);
void teken_ca_handle_devices (Request    *request,
                              JsonObject *body);
void teken_ca_handle_device_add (Request    *request,
                                 JsonObject *body);
void teken_ca_handle_device_confirm (Request    *request,
                                     JsonObject *body);
void teken_ca_handle_device_rename (Request    *request,
                                    JsonObject *body);
void teken_ca_handle_device_remove (Request    *request,
                                    JsonObject *body);

/* teken-ca-server-profile.c: the Account object (§6.4) and data updates (§7.10) */
void teken_ca_add_account_object (JsonBuilder    *b,
                                  TekenCaServer  *self,
                                  TekenCaAccount *account);
void teken_ca_respond_account (Request        *request,
                               guint           http_status,
                               TekenCaAccount *account,
                               GPtrArray      *certificates);
void teken_ca_handle_profile_update (Request    *request,
                                     JsonObject *body);
void teken_ca_handle_profile_confirm (Request    *request,
                                      JsonObject *body);
void teken_ca_handle_profile_resend (Request    *request,
                                     JsonObject *body);
void teken_ca_handle_profile_cancel (Request    *request,
                                     JsonObject *body);

/* teken-ca-server-otp.c: signing with an e-mailed OTP (§7.9, §9.1) */
void teken_ca_handle_signing_otp (Request    *request,
                                  JsonObject *body);
void teken_ca_handle_get_totp (Request    *request,
                               JsonObject *body);
gboolean teken_ca_take_signing_otp (Request            *request,
                                    TekenCaAccount     *account,
                                    TekenCaCertificate *cert,
                                    const char         *code,
                                    guint               documents);
GBytes *teken_ca_unseal_otp_key (TekenCaServer      *self,
                                 TekenCaCertificate *cert);

/* teken-ca-server-verifier.c: the agency verifier (§8); the operations
 * also serve `teken-ca admin`. */
typedef struct
{
  const char *by;          /* the verifier's e-mail, or "teken-ca admin" */
  const char *agency;      /* NULL: every agency (the local administrator) */
} TekenCaActor;

gboolean teken_ca_create_request (TekenCaServer  *self,
                                  TekenCaAccount *account,
                                  const char     *kind,
                                  const char     *previous_workflow,
                                  char          **public_id,
                                  GError        **error);
void teken_ca_notify_verifiers (TekenCaServer  *self,
                                TekenCaAccount *account);
void teken_ca_audit (TekenCaServer *self,
                     const char    *by,
                     const char    *action,
                     const char    *subject,
                     const char    *note);
void teken_ca_add_request_object (JsonBuilder            *b,
                                  TekenCaServer          *self,
                                  TekenCaVerifierRequest *request);
int teken_ca_decide_request (TekenCaServer          *self,
                             const TekenCaActor     *actor,
                             TekenCaVerifierRequest *request,
                             gboolean                approve,
                             const char             *note,
                             JsonObject            **details);
int teken_ca_set_hold (TekenCaServer      *self,
                       const TekenCaActor *actor,
                       TekenCaAccount     *holder,
                       gboolean            hold,
                       const char         *note,
                       JsonObject        **details);
int teken_ca_verifier_revoke (TekenCaServer      *self,
                              const TekenCaActor *actor,
                              TekenCaAccount     *holder,
                              int                 reason,
                              const char         *note,
                              JsonObject        **details);
int teken_ca_verifier_reissue (TekenCaServer      *self,
                               const TekenCaActor *actor,
                               TekenCaAccount     *holder,
                               const char         *note,
                               JsonObject        **details);
void teken_ca_handle_verifier_requests (Request    *request,
                                        JsonObject *body);
void teken_ca_handle_verifier_request (Request    *request,
                                       JsonObject *body);
void teken_ca_handle_verifier_decide (Request    *request,
                                      JsonObject *body);
void teken_ca_handle_verifier_search (Request    *request,
                                      JsonObject *body);
void teken_ca_handle_verifier_holder (Request    *request,
                                      JsonObject *body);
void teken_ca_handle_verifier_holder_action (Request    *request,
                                             JsonObject *body);

/* teken-ca-server-verify.c: BSrE's verify/pdf (§10) */
void teken_ca_handle_verify_pdf (Request    *request,
                                 JsonObject *body);

/* teken-ca-server-account.c, for the files above */
gboolean teken_ca_check_password (Request        *request,
                                  TekenCaAccount *account,
                                  TekenSecret    *password,
                                  int             code);
void teken_ca_count_login_failure (Request        *request,
                                   TekenCaAccount *account,
                                   int             code,
                                   JsonObject     *details);
gboolean teken_ca_reset_login_failures (Request        *request,
                                        TekenCaAccount *account);
void teken_ca_add_totp_setup (JsonBuilder *b,
                              const char  *secret,
                              const char  *account_name);
gboolean teken_ca_is_valid_device_name (const char *name);

/* teken-ca-server-enroll.c */
void teken_ca_add_employment_object (JsonBuilder *b,
                                     const char  *kind,
                                     const char  *employment_type,
                                     const char  *nip,
                                     const char  *agency,
                                     const char  *unit,
                                     const char  *position,
                                     const char  *city,
                                     const char  *province);
void teken_ca_handle_register (Request *request, JsonObject *body);
void teken_ca_handle_activation_resend (Request *request, JsonObject *body);
void teken_ca_handle_activate (Request *request, JsonObject *body);
void teken_ca_handle_enrollment (Request *request, JsonObject *body);
void teken_ca_handle_personal (Request *request, JsonObject *body);
void teken_ca_handle_nip_check (Request *request, JsonObject *body);
void teken_ca_handle_employment (Request *request, JsonObject *body);
void teken_ca_handle_selfie (Request *request, JsonObject *body);
void teken_ca_handle_agreements (Request *request, JsonObject *body);
void teken_ca_handle_agreement (Request *request, JsonObject *body);
void teken_ca_handle_submit (Request *request, JsonObject *body);
void teken_ca_handle_passphrase_resend (Request *request, JsonObject *body);
void teken_ca_handle_set_passphrase (Request *request, JsonObject *body);
void teken_ca_handle_links_check (Request *request, JsonObject *body);

/* teken-ca-server-pki.c */
void teken_ca_handle_chain (Request    *request,
                            JsonObject *body);
void teken_ca_handle_pki_ca (Request    *request,
                             JsonObject *body);
void teken_ca_handle_pki_root (Request    *request,
                               JsonObject *body);
void teken_ca_handle_pki_issuing (Request    *request,
                                  JsonObject *body);
void teken_ca_handle_pki_crl (Request    *request,
                              JsonObject *body);
void teken_ca_handle_pki_root_crl (Request    *request,
                                   JsonObject *body);
GBytes *teken_ca_request_body (Request *request);
void teken_ca_handle_pki_ocsp (Request    *request,
                               JsonObject *body);
void teken_ca_handle_pki_tsa (Request    *request,
                              JsonObject *body);

/* teken-ca-server.c */
void teken_ca_set_json_response (Request  *request,
                                 guint     http_status,
                                 JsonNode *root);
void teken_ca_respond_error (Request    *request,
                             int         code,
                             JsonObject *details);
void teken_ca_respond_no_content (Request *request);
void teken_ca_respond_field_error (Request    *request,
                                   int         code,
                                   const char *field,
                                   const char *rule);
void teken_ca_respond_bytes (Request    *request,
                             const char *content_type,
                             GBytes     *bytes);
void teken_ca_respond_certificate (Request *request,
                                   X509    *cert);
gboolean teken_ca_get_optional_string (Request     *request,
                                       JsonObject  *object,
                                       const char  *member,
                                       const char  *field,
                                       const char **value);
gboolean teken_ca_get_holder_identity (Request     *request,
                                       JsonObject  *body,
                                       const char **nik,
                                       const char **email);
TekenCaAccount *teken_ca_find_account (TekenCaServer *self,
                                       const char    *nik,
                                       const char    *email);
const char *teken_ca_derive_status (TekenCaServer       *self,
                                    TekenCaAccount      *account,
                                    TekenCaCertificate **current_out);
const char *teken_ca_status_message (const char *status);
char *teken_ca_format_time (gint64 unix_time);
void teken_ca_log_request (Request *request);
char *teken_ca_describe_error (int         code,
                               JsonObject *details);
gboolean teken_ca_acts_for (Request        *request,
                            TekenCaAccount *account);
gboolean teken_ca_mail_link (TekenCaServer  *self,
                             TekenCaAccount *account,
                             const char     *to,
                             const char     *purpose,
                             const char     *payload,
                             gint64         *expires_at,
                             GError        **error);
gint64 teken_ca_now_seconds (void);
gboolean teken_ca_get_required_string (Request     *request,
                                       JsonObject  *object,
                                       const char  *member,
                                       gsize        max_length,
                                       const char **value);
const char *teken_ca_bearer_token (Request *request);
gboolean teken_ca_send_link (Request        *request,
                             TekenCaAccount *account,
                             const char     *to,
                             const char     *purpose,
                             const char     *payload,
                             gint64         *expires_at);
void teken_ca_send_notice (TekenCaServer  *self,
                           const char     *to,
                           const char     *purpose);
TekenCaLink *teken_ca_check_link (Request    *request,
                                  const char *token,
                                  const char *purpose);
gboolean teken_ca_use_link (Request     *request,
                            const char  *token,
                            TekenCaLink *link);

/* teken-ca-server-signing.c */
void teken_ca_handle_check_status (Request    *request,
                                   JsonObject *body);
TekenSecret *teken_ca_take_secret (JsonObject *body,
                                   const char *member);
void teken_ca_handle_sign_hash (Request    *request,
                                JsonObject *body);
GBytes *teken_ca_unwrap_key (TekenCaServer       *self,
                             gint64               certificate_id,
                             TekenSecret         *passphrase,
                             TekenCaCertificate **cert_out,
                             int                 *code,
                             JsonObject         **details);

G_END_DECLS
