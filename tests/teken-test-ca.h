/* teken-test-ca.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The holders of the test seed (docs/api.md §13): all ISSUE and VERIFIED.
 * Budi has his TOTP device, as in the default seed; Siti and Dewi have none
 * yet. Fictional people, demo secrets. */
#define TEKEN_TEST_BUDI_NIK "9971010101900001"
#define TEKEN_TEST_BUDI_EMAIL "budi.santoso@pns.kotacontoh.go.id"
#define TEKEN_TEST_BUDI_PASSWORD "Sandi-Demo1!"
#define TEKEN_TEST_BUDI_PASSPHRASE "Frasa-Demo2!"
#define TEKEN_TEST_BUDI_TOTP_SECRET "GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF"
#define TEKEN_TEST_SITI_NIK "9971014506880002"
#define TEKEN_TEST_SITI_EMAIL "siti.rahayu@pns.kotacontoh.go.id"
#define TEKEN_TEST_SITI_PASSWORD "Sandi-Siti3!"
#define TEKEN_TEST_SITI_PASSPHRASE "Frasa-Siti4!"
#define TEKEN_TEST_DEWI_NIK "9971016208920004"
#define TEKEN_TEST_DEWI_EMAIL "dewi.lestari@pns.kotacontoh.go.id"
#define TEKEN_TEST_DEWI_PASSWORD "Sandi-Dewi5!"
#define TEKEN_TEST_DEWI_PASSPHRASE "Frasa-Dewi6!"
/* In the population registry, never registered. */
#define TEKEN_TEST_UNREGISTERED_NIK "9971011203950003"

/* A real teken-ca for a test: `teken-ca init` into a scratch directory,
 * `teken-ca serve` on a free loopback port, its output in a log file, and
 * a SoupSession that trusts its root. Needs TEKEN_CA_BIN and TEKEN_CA_SEED
 * in the environment. */
typedef struct
{
  char *dir;            /* the scratch directory, removed by _free() */
  char *data_dir;       /* teken-ca's DIR */
  char *root_pem;       /* the root to trust for its TLS certificate */
  char *tls_cert;       /* its TLS certificate and key, for a second server */
  char *tls_key;
  char *maildir;        /* the outbox (docs/api.md §12) */
  char *url;            /* https://127.0.0.1:PORT */
  char *client_id;
  char *client_secret;
  char **serve_args;    /* extra `serve` options, kept for restarts */
  GSubprocess *server;
  char *log_path;       /* what `serve` printed */
  SoupSession *session; /* for the request helpers, made on first use */
} TekenTestCa;

TekenTestCa *teken_test_ca_new          (const char          *seed_ini,
                                         const char * const  *serve_args);
TekenTestCa *teken_test_ca_start        (const char * const  *serve_args);
void         teken_test_ca_serve        (TekenTestCa         *ca);
char        *teken_test_ca_stop         (TekenTestCa         *ca);
TekenTestCa *teken_test_ca_attach       (void);
void         teken_test_ca_export       (TekenTestCa         *ca,
                                         GSubprocessLauncher *launcher);
void         teken_test_ca_free         (TekenTestCa         *ca);
char        *teken_test_ca_path         (TekenTestCa         *ca,
                                         const char          *name);
void         teken_test_ca_write_file   (TekenTestCa         *ca,
                                         const char          *name,
                                         const char          *contents);
JsonObject  *teken_test_ca_request      (TekenTestCa         *ca,
                                         const char          *method,
                                         const char          *path,
                                         const char          *json,
                                         const char          *bearer,
                                         guint               *status);
JsonObject  *teken_test_ca_client_post  (TekenTestCa         *ca,
                                         const char          *path,
                                         const char          *json,
                                         guint               *status);
void         teken_test_ca_assert_error (JsonObject          *object,
                                         guint                status,
                                         guint                expected_status,
                                         int                  code,
                                         const char          *error_id);
char        *teken_test_ca_find_mail    (TekenTestCa         *ca,
                                         const char          *to,
                                         const char          *purpose,
                                         char               **token);
guint        teken_test_ca_count_mail   (TekenTestCa         *ca,
                                         const char          *to,
                                         const char          *purpose);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenTestCa, teken_test_ca_free)

G_END_DECLS
