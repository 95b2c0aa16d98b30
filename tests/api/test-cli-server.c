/* test-cli-server.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `teken sign --server` and `teken status` as scripts use them, against a
 * real teken-ca: exit 0 and the answer, or a non-zero exit with one line
 * saying why (and, for sign, no file at all). */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "teken-test-ca.h"

static TekenTestCa *ca;
static char *work_dir;
static char *secret_file;

static char *
work (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("TEKEN_TEST_FIXTURES"), name, NULL);
}

/* Runs `teken ARGS...` with @input on standard input, in @language
 * (NULL: untranslated); returns its exit status. */
static int
run_teken_v (const char          *language,
             const char          *input,
             char               **out,
             char               **err,
             const char * const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TEKEN_BIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", language != NULL ? "id_ID.UTF-8" : "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", language != NULL ? language : "C", TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

static int
run_teken (const char  *language,
           const char  *input,
           char       **out,
           char       **err,
           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return run_teken_v (language, input, out, err, (const char * const *) args->pdata);
}

static void
assert_one_line (const char *err,
                 const char *command,
                 const char *needle)
{
  g_autofree char *prefix = g_strconcat (command, ": ", NULL);

  if (!g_str_has_prefix (err, prefix) || !g_str_has_suffix (err, "\n") ||
      strchr (err, '\n') != err + strlen (err) - 1 || strstr (err, needle) == NULL)
    g_error ("expected one line with “%s”, got:\n%s", needle, err);
}

static void
test_sign (void)
{
  g_autofree char *input = fixture ("hand-minimal.pdf");
  g_autofree char *output = work ("signed.pdf");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *verify_out = NULL;
  g_autofree char *verify_err = NULL;

  g_assert_cmpint (run_teken (NULL, TEKEN_TEST_BUDI_PASSPHRASE "\n", &out, &err,
                              "sign", "--server", ca->url, "--ca-file", ca->root_pem,
                              "--nik", TEKEN_TEST_BUDI_NIK, "--passphrase-file", "-",
                              "--client-id", ca->client_id, "--client-secret-file", secret_file,
                              "--rect", "36,36,220,80", "--reason", "Persetujuan", "--location", "Kota Contoh",
                              "-o", output, input, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "");

  /* Our verifier, trusting the CA's root. */
  g_assert_cmpint (run_teken (NULL, NULL, &verify_out, &verify_err,
                              "verify", "--trust", ca->root_pem, output, NULL), ==, 0);
  g_assert_nonnull (strstr (verify_out, "BUDI SANTOSO CONTOH"));
  g_assert_nonnull (strstr (verify_out, "from a trusted timestamp"));

  /* pdfsig finds the signature intact over the whole file. */
  {
    const char * const argv[] = { "pdfsig", "-nocert", output, NULL };
    g_autofree char *pdfsig_out = NULL;
    int status = 0;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &pdfsig_out, NULL, &status, NULL);
    g_assert_nonnull (strstr (pdfsig_out, "Signature Validation: Signature is Valid."));
    g_assert_nonnull (strstr (pdfsig_out, "Total document signed"));
  }
}

/* Every failure: exit 1, one line, no file, no secret. */
static void
test_sign_failures (void)
{
  g_autofree char *input = fixture ("hand-minimal.pdf");
  g_autofree char *output = work ("never.pdf");
  g_autofree char *down = g_strdup ("https://127.0.0.1:9");
  g_autofree char *wrong_secret = work ("wrong-secret");
  const struct
  {
    const char *needle;
    const char *server;
    const char *ca_file;
    const char *passphrase;
    const char *client_secret_file;
    const char *nik;
  } cases[] = {
    { "Wrong passphrase. 4 tries left", ca->url, ca->root_pem, "Salah-Frasa1!", secret_file, TEKEN_TEST_BUDI_NIK },
    { "not registered", ca->url, ca->root_pem, TEKEN_TEST_BUDI_PASSPHRASE, secret_file, TEKEN_TEST_UNREGISTERED_NIK },
    { "does not recognise this application", ca->url, ca->root_pem, TEKEN_TEST_BUDI_PASSPHRASE, wrong_secret,
      TEKEN_TEST_BUDI_NIK },
    { "not trusted", ca->url, "/etc/ssl/certs/ca-certificates.crt", TEKEN_TEST_BUDI_PASSPHRASE, secret_file,
      TEKEN_TEST_BUDI_NIK },
    { "does not answer", down, ca->root_pem, TEKEN_TEST_BUDI_PASSPHRASE, secret_file, TEKEN_TEST_BUDI_NIK },
  };

  g_assert_true (g_file_set_contents (wrong_secret, "not-the-secret\n", -1, NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *line = g_strconcat (cases[i].passphrase, "\n", NULL);

      g_assert_cmpint (run_teken (NULL, line, &out, &err,
                                  "sign", "--server", cases[i].server, "--ca-file", cases[i].ca_file,
                                  "--nik", cases[i].nik, "--passphrase-file", "-",
                                  "--client-id", ca->client_id, "--client-secret-file", cases[i].client_secret_file,
                                  "-o", output, input, NULL), ==, 1);
      assert_one_line (err, "teken sign", cases[i].needle);
      g_assert_null (strstr (err, cases[i].passphrase));
      g_assert_null (strstr (err, ca->client_secret));
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }
}

static void
test_sign_usage (void)
{
  g_autofree char *input = fixture ("hand-minimal.pdf");
  g_autofree char *output = work ("usage.pdf");
  const struct
  {
    const char *args[10];
  } cases[] = {
    { { "--server", ca->url, "--p12", "x.p12", "--p12-password-file", "-", NULL } },  /* both signers */
    { { "--server", ca->url, "--passphrase-file", "-", NULL } },                      /* no NIK */
    { { "--server", ca->url, "--nik", TEKEN_TEST_BUDI_NIK, NULL } },                  /* no passphrase */
    { { "--server", ca->url, "--nik", "12345", "--passphrase-file", "-", NULL } },     /* not a NIK */
    { { "--server", ca->url, "--nik", TEKEN_TEST_BUDI_NIK, "--passphrase-file", "-",
        "--client-id", "demo", NULL } },                                               /* half the credentials */
    { { "--server", ca->url, "--nik", TEKEN_TEST_BUDI_NIK, "--passphrase-file", "-",
        "--client-secret-file", "-", NULL } },                                         /* two secrets from stdin */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_ptr_array_add (args, "sign");
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (gpointer) cases[i].args[j]);
      g_ptr_array_add (args, "-o");
      g_ptr_array_add (args, output);
      g_ptr_array_add (args, input);
      g_ptr_array_add (args, NULL);

      g_assert_cmpint (run_teken_v (NULL, NULL, &out, &err, (const char * const *) args->pdata), ==, 2);
      g_assert_true (g_str_has_prefix (err, "teken sign: "));
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }
}

static void
test_status (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_teken (NULL, NULL, &out, &err,
                              "status", "--server", ca->url, "--ca-file", ca->root_pem,
                              "--nik", TEKEN_TEST_BUDI_NIK,
                              "--client-id", ca->client_id, "--client-secret-file", secret_file, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (out, ==,
                   "NIK: " TEKEN_TEST_BUDI_NIK "\n"
                   "Certificate status: ISSUE — The certificate is active and can sign.\n"
                   "Account data: VERIFIED — Your account data is verified.\n");
}

static void
test_status_json (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *unknown_out = NULL;
  g_autofree char *unknown_err = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) unknown = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_cmpint (run_teken (NULL, NULL, &out, &err,
                              "status", "--json", "--server", ca->url, "--ca-file", ca->root_pem,
                              "--nik", TEKEN_TEST_BUDI_NIK,
                              "--client-id", ca->client_id, "--client-secret-file", secret_file, NULL), ==, 0);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "server"), ==, ca->url);
  g_assert_cmpstr (json_object_get_string_member (object, "nik"), ==, TEKEN_TEST_BUDI_NIK);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ISSUE");
  g_assert_cmpint (json_object_get_int_member (object, "status_code"), ==, 1111);
  g_assert_cmpstr (json_object_get_string_member (object, "verification_status"), ==, "VERIFIED");
  g_assert_true (json_object_get_boolean_member (object, "active"));

  /* Answered, but not active: exit 1, the answer still printed. */
  g_assert_cmpint (run_teken (NULL, NULL, &unknown_out, &unknown_err,
                              "status", "--json", "--server", ca->url, "--ca-file", ca->root_pem,
                              "--nik", TEKEN_TEST_UNREGISTERED_NIK,
                              "--client-id", ca->client_id, "--client-secret-file", secret_file, NULL), ==, 1);
  g_assert_cmpstr (unknown_err, ==, "");
  unknown = json_from_string (unknown_out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (unknown), "status"), ==, "NOT_REGISTERED");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (unknown), "active"));
  g_assert_true (json_object_get_null_member (json_node_get_object (unknown), "verification_status"));
}

static void
test_status_failures (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *usage_out = NULL;
  g_autofree char *usage_err = NULL;

  /* No client credentials, and no sign-in kept for this server. */
  g_assert_cmpint (run_teken (NULL, NULL, &out, &err,
                              "status", "--server", ca->url, "--ca-file", ca->root_pem,
                              "--nik", TEKEN_TEST_BUDI_NIK, NULL), ==, 1);
  assert_one_line (err, "teken status", "Not signed in to");
  g_assert_cmpstr (out, ==, "");

  g_assert_cmpint (run_teken (NULL, NULL, &usage_out, &usage_err, "status", "--server", ca->url, NULL), ==, 2);
  g_assert_true (g_str_has_prefix (usage_err, "teken status: "));
}

/* In the user's language; the translations are read from the build's
 * prefix, so this needs `meson install` first (as ./run test does). */
static void
test_status_indonesian (void)
{
  g_autofree char *mo = g_build_filename (LOCALEDIR, "id", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the Indonesian translation is not installed (meson install)");
      return;
    }

  g_assert_cmpint (run_teken ("id", NULL, &out, &err,
                              "status", "--server", ca->url, "--ca-file", ca->root_pem,
                              "--nik", TEKEN_TEST_BUDI_NIK,
                              "--client-id", ca->client_id, "--client-secret-file", secret_file, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Sertifikat aktif dan dapat dipakai untuk menandatangani."));
  g_assert_nonnull (strstr (out, "Data akun terverifikasi."));
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

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret_line = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  ca = teken_test_ca_start (NULL);
  work_dir = g_dir_make_tmp ("teken-cli-server-XXXXXX", &error);
  g_assert_no_error (error);
  secret_file = work ("client-secret");
  secret_line = g_strconcat (ca->client_secret, "\n", NULL);
  g_assert_true (g_file_set_contents (secret_file, secret_line, -1, NULL));

  g_test_add_func ("/cli-server/sign", test_sign);
  g_test_add_func ("/cli-server/sign-failures", test_sign_failures);
  g_test_add_func ("/cli-server/sign-usage", test_sign_usage);
  g_test_add_func ("/cli-server/status", test_status);
  g_test_add_func ("/cli-server/status-json", test_status_json);
  g_test_add_func ("/cli-server/status-failures", test_status_failures);
  g_test_add_func ("/cli-server/status-indonesian", test_status_indonesian);

  status = g_test_run ();

  remove_tree (work_dir);
  g_free (work_dir);
  g_free (secret_file);
  teken_test_ca_free (ca);
  return status;
}
