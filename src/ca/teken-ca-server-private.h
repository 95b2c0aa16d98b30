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
};

#define API_PREFIX "/api/teken/v1"
#define CHAIN_PREFIX "/api/v2/user/certificate/chain/"
#define MAX_JSON_BODY (64 * 1024)
#define MAX_SIGN_BODY (256 * 1024)
#define MAX_PKI_BODY (16 * 1024)
#define MAX_SELFIE_BODY (4 * 1024 * 1024)  /* the 3 MiB rule of §5.8 answers 8113 below this */
#define MAX_DOCUMENTS 100
#define MAX_CMS_SIZE 16384
#define MAX_SECRET_LENGTH 128
#define TOTP_ISSUER "Teken CA"

typedef enum
{
  AUTH_NONE,
  AUTH_CLIENT,
  AUTH_HOLDER,    /* scope account */
  AUTH_ENROLL,    /* scope enrollment or account (§2.3) */
} AuthKind;

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
  gint64 account_id;   /* AUTH_HOLDER: the token's holder and session */
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

gboolean teken_ca_add_certificate_object (JsonBuilder        *b,
                                          TekenCaCertificate *cert,
                                          gboolean            current,
                                          const char         *status);
void teken_ca_add_string_or_null (JsonBuilder *b,
                                  const char  *member,
                                  const char  *value);

/* teken-ca-server-enroll.c */
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

G_END_DECLS
