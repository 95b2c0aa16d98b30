/* teken-test-ca.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

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

/* A real teken-ca: `init` with the test seed in a temporary directory, then
 * `serve` on 127.0.0.1 port 0 as a child process, which dies with the test.
 * TEKEN_CA_BIN and TEKEN_CA_SEED (the default seed) come from meson. */
typedef struct
{
  char *dir;            /* the temporary directory, removed by _free() */
  char *data_dir;       /* teken-ca's DIR */
  char *root_pem;       /* the root to trust for its TLS certificate */
  char *tls_cert;       /* its TLS certificate and key, for a second server */
  char *tls_key;
  char *url;            /* https://127.0.0.1:PORT */
  char *client_id;
  char *client_secret;
  GSubprocess *server;
  char *log_path;       /* what `serve` printed */
} TekenTestCa;

TekenTestCa *teken_test_ca_start    (const char * const *serve_args);
TekenTestCa *teken_test_ca_attach   (void);
void         teken_test_ca_export   (TekenTestCa         *ca,
                                     GSubprocessLauncher *launcher);
char        *teken_test_ca_stop     (TekenTestCa        *ca);
char        *teken_test_ca_path     (TekenTestCa        *ca,
                                     const char         *name);
void         teken_test_ca_free     (TekenTestCa        *ca);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenTestCa, teken_test_ca_free)

G_END_DECLS
