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

/* A real teken-ca for a test: `teken-ca init` into a scratch directory,
 * `teken-ca serve` on a free loopback port, a SoupSession that trusts its
 * root. Needs TEKEN_CA_BIN and TEKEN_CA_SEED in the environment. */
typedef struct
{
  char *dir;                /* scratch directory, removed by teken_test_ca_free() */
  char *data_dir;
  char *root_pem;
  char *maildir;
  char *url;                /* https://127.0.0.1:PORT */
  char *client_id;
  char *client_secret;
  char **serve_args;        /* extra `serve` options, kept for restarts */
  GSubprocess *process;
  GDataInputStream *output;
  SoupSession *session;
} TekenTestCa;

/* The default seed's ready holder (data/ca/holders.csv). */
#define TEKEN_TEST_HOLDER_NIK "9971010101900001"
#define TEKEN_TEST_HOLDER_EMAIL "budi.santoso@pns.kotacontoh.go.id"
#define TEKEN_TEST_HOLDER_PASSWORD "Sandi-Demo1!"
#define TEKEN_TEST_HOLDER_PASSPHRASE "Frasa-Demo2!"
#define TEKEN_TEST_HOLDER_TOTP_SECRET "GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF"

TekenTestCa *teken_test_ca_new         (const char          *seed_ini,
                                        const char * const  *serve_args);
void         teken_test_ca_start       (TekenTestCa         *ca);
char        *teken_test_ca_stop        (TekenTestCa         *ca);
void         teken_test_ca_free        (TekenTestCa         *ca);
char        *teken_test_ca_path        (TekenTestCa         *ca,
                                        const char          *name);
void         teken_test_ca_write_file  (TekenTestCa         *ca,
                                        const char          *name,
                                        const char          *contents);
JsonObject  *teken_test_ca_request     (TekenTestCa         *ca,
                                        const char          *method,
                                        const char          *path,
                                        const char          *json,
                                        const char          *bearer,
                                        guint               *status);
JsonObject  *teken_test_ca_client_post (TekenTestCa         *ca,
                                        const char          *path,
                                        const char          *json,
                                        guint               *status);
void         teken_test_ca_assert_error (JsonObject         *object,
                                         guint               status,
                                         guint               expected_status,
                                         int                 code,
                                         const char         *error_id);
char        *teken_test_ca_find_mail   (TekenTestCa         *ca,
                                        const char          *to,
                                        const char          *purpose,
                                        char               **token);
guint        teken_test_ca_count_mail  (TekenTestCa         *ca,
                                        const char          *to,
                                        const char          *purpose);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenTestCa, teken_test_ca_free)

G_END_DECLS
