/* teken-test-ca.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Start and stop a real teken-ca for a test program, over HTTPS on
 * loopback. A child process of the test attaches to the parent's server
 * through its environment instead of starting its own. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "teken-test-ca.h"

static const char holders[] =
  "nik,email,nip,unit,position,city,province,title_prefix,title_suffix,phone,password,passphrase,totp_secret,device_name\n"
  TEKEN_TEST_BUDI_NIK "," TEKEN_TEST_BUDI_EMAIL ",199001012015031001,,,,,,S.Kom.,081234567890,"
  TEKEN_TEST_BUDI_PASSWORD "," TEKEN_TEST_BUDI_PASSPHRASE "," TEKEN_TEST_BUDI_TOTP_SECRET ",Ponsel demo\n"
  TEKEN_TEST_SITI_NIK "," TEKEN_TEST_SITI_EMAIL ",198806052023212001,,,,,,,081234567891,"
  TEKEN_TEST_SITI_PASSWORD "," TEKEN_TEST_SITI_PASSPHRASE ",,\n"
  TEKEN_TEST_DEWI_NIK "," TEKEN_TEST_DEWI_EMAIL ",199208222019032004,,,,,,,081234567892,"
  TEKEN_TEST_DEWI_PASSWORD "," TEKEN_TEST_DEWI_PASSPHRASE ",,\n";

/* A failed assertion aborts the test; the server must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

char *
teken_test_ca_path (TekenTestCa *ca,
                    const char  *name)
{
  return g_build_filename (ca->dir, name, NULL);
}

static void
write_file (TekenTestCa *ca,
            const char  *name,
            const char  *contents)
{
  g_autofree char *path = teken_test_ca_path (ca, name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* The default seed's registries with the holders above. */
static char *
write_seed (TekenTestCa *ca)
{
  const char *seed = g_getenv ("TEKEN_CA_SEED");
  g_autofree char *base = NULL;
  g_autofree char *population = NULL;
  g_autofree char *personnel = NULL;
  g_autofree char *agencies = NULL;
  g_autofree char *ini = NULL;

  g_assert_nonnull (seed);
  base = g_path_get_dirname (seed);
  population = g_build_filename (base, "population.csv", NULL);
  personnel = g_build_filename (base, "personnel.csv", NULL);
  agencies = g_build_filename (base, "agencies.csv", NULL);
  ini = g_strdup_printf ("[seed]\npopulation=%s\npersonnel=%s\nagencies=%s\nholders=holders.csv\n",
                         population, personnel, agencies);
  write_file (ca, "seed.ini", ini);
  write_file (ca, "holders.csv", holders);

  return teken_test_ca_path (ca, "seed.ini");
}

static void
fill_paths (TekenTestCa *ca)
{
  ca->root_pem = g_build_filename (ca->data_dir, "root.pem", NULL);
  ca->tls_cert = g_build_filename (ca->data_dir, "certs", "tls.pem", NULL);
  ca->tls_key = g_build_filename (ca->data_dir, "keys", "tls.key", NULL);
}

/**
 * teken_test_ca_start:
 * @serve_args: (nullable): more options for `teken-ca serve`
 *
 * Returns: a running teken-ca
 */
TekenTestCa *
teken_test_ca_start (const char * const *serve_args)
{
  const char *bin = g_getenv ("TEKEN_CA_BIN");
  g_autoptr(TekenTestCa) ca = g_new0 (TekenTestCa, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GKeyFile) client = g_key_file_new ();
  g_autofree char *seed = NULL;
  g_autofree char *client_ini = NULL;
  g_autofree char *url_file = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_nonnull (bin);
  ca->dir = g_dir_make_tmp ("teken-test-ca-XXXXXX", &error);
  g_assert_no_error (error);
  ca->data_dir = teken_test_ca_path (ca, "data");
  fill_paths (ca);
  seed = write_seed (ca);

  {
    const char * const init[] = { bin, "init", ca->data_dir, "--seed", seed, NULL };

    g_spawn_sync (ca->dir, (char **) init, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("teken-ca init failed:\n%s%s", out, err);
  }

  client_ini = g_build_filename (ca->data_dir, "clients", "demo.ini", NULL);
  g_key_file_load_from_file (client, client_ini, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  ca->client_id = g_key_file_get_string (client, "client", "client_id", &error);
  g_assert_no_error (error);
  ca->client_secret = g_key_file_get_string (client, "client", "client_secret", &error);
  g_assert_no_error (error);

  /* Everything it prints, debug messages too, into a file: a pipe nobody
   * reads would block the server after some hundred requests. */
  ca->log_path = teken_test_ca_path (ca, "serve.log");
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, ca->log_path);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_ptr_array_add (argv, (gpointer) bin);
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, ca->data_dir);
  g_ptr_array_add (argv, "--address");
  g_ptr_array_add (argv, "127.0.0.1");
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, "0");
  for (guint i = 0; serve_args != NULL && serve_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) serve_args[i]);
  g_ptr_array_add (argv, NULL);
  ca->server = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* docs/api.md §15: serve writes DIR/serve.url once it listens. */
  url_file = g_build_filename (ca->data_dir, "serve.url", NULL);
  for (int i = 0; i < 600 && ca->url == NULL; i++)
    {
      g_autofree char *contents = NULL;

      if (g_file_get_contents (url_file, &contents, NULL, NULL) && strchr (contents, '\n') != NULL)
        ca->url = g_strdup (g_strstrip (contents));
      else
        {
          /* NULL once it has exited. */
          g_assert_nonnull (g_subprocess_get_identifier (ca->server));
          g_usleep (50 * G_TIME_SPAN_MILLISECOND);
        }
    }
  g_assert_nonnull (ca->url);
  g_assert_true (g_str_has_prefix (ca->url, "https://127.0.0.1:"));

  return g_steal_pointer (&ca);
}

/**
 * teken_test_ca_export:
 * @ca: a running teken-ca
 * @launcher: what starts a child of the test
 *
 * Tells the child about @ca, through its environment only: setenv() in a
 * test that has threads already is not safe.
 */
void
teken_test_ca_export (TekenTestCa         *ca,
                      GSubprocessLauncher *launcher)
{
  g_subprocess_launcher_setenv (launcher, "TEKEN_TEST_CA_DIR", ca->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "TEKEN_TEST_CA_URL", ca->url, TRUE);
  g_subprocess_launcher_setenv (launcher, "TEKEN_TEST_CA_CLIENT_ID", ca->client_id, TRUE);
  g_subprocess_launcher_setenv (launcher, "TEKEN_TEST_CA_CLIENT_SECRET", ca->client_secret, TRUE);
}

/**
 * teken_test_ca_attach:
 *
 * Returns: (nullable): the teken-ca a parent test exported, which this
 *   process neither stops nor removes; %NULL when there is none
 */
TekenTestCa *
teken_test_ca_attach (void)
{
  TekenTestCa *ca;

  if (g_getenv ("TEKEN_TEST_CA_URL") == NULL)
    return NULL;

  ca = g_new0 (TekenTestCa, 1);
  ca->data_dir = g_build_filename (g_getenv ("TEKEN_TEST_CA_DIR"), "data", NULL);
  fill_paths (ca);
  ca->url = g_strdup (g_getenv ("TEKEN_TEST_CA_URL"));
  ca->client_id = g_strdup (g_getenv ("TEKEN_TEST_CA_CLIENT_ID"));
  ca->client_secret = g_strdup (g_getenv ("TEKEN_TEST_CA_CLIENT_SECRET"));

  return ca;
}

/**
 * teken_test_ca_stop:
 * @ca: a teken-ca
 *
 * Stops the server with SIGTERM, as an operator would.
 *
 * Returns: everything it printed
 */
char *
teken_test_ca_stop (TekenTestCa *ca)
{
  g_autoptr(GError) error = NULL;
  char *log = NULL;

  if (ca->server != NULL)
    {
      g_subprocess_send_signal (ca->server, SIGTERM);
      g_subprocess_wait_check (ca->server, NULL, &error);
      g_assert_no_error (error);
      g_clear_object (&ca->server);
    }

  if (ca->log_path == NULL || !g_file_get_contents (ca->log_path, &log, NULL, NULL))
    log = g_strdup ("");
  return log;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
teken_test_ca_free (TekenTestCa *ca)
{
  if (ca == NULL)
    return;

  if (ca->server != NULL)
    {
      g_subprocess_send_signal (ca->server, SIGTERM);
      g_subprocess_wait (ca->server, NULL, NULL);
      g_clear_object (&ca->server);
    }
  /* Only the process that made the directory removes it. */
  if (ca->dir != NULL && ca->log_path != NULL)
    remove_tree (ca->dir);

  g_free (ca->dir);
  g_free (ca->data_dir);
  g_free (ca->root_pem);
  g_free (ca->tls_cert);
  g_free (ca->tls_key);
  g_free (ca->url);
  g_free (ca->client_id);
  g_free (ca->client_secret);
  g_free (ca->log_path);
  g_free (ca);
}
