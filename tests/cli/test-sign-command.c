/* test-sign-command.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `teken sign` as a script uses it: exit 0 and a signed file, or a
 * non-zero exit with one line saying why and no file at all. */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

static char *work_dir;

static char *
pki (const char *name)
{
  return g_build_filename (g_getenv ("TEKEN_TEST_PKI"), name, NULL);
}

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("TEKEN_TEST_FIXTURES"), name, NULL);
}

static char *
work (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

/* Runs `teken sign ARGS...` with @input on standard input. */
static int
run_sign (const char  *input,
          char       **err,
          ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TEKEN_BIN"));
  g_ptr_array_add (argv, "sign");
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, err, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

static char *
read_password (void)
{
  g_autofree char *path = pki ("budi.pass");
  char *password = NULL;

  g_assert_true (g_file_get_contents (path, &password, NULL, NULL));

  return g_strchomp (password);
}

/* One line, naming the command, and containing @needle. */
static void
assert_one_line (const char *err,
                 const char *needle)
{
  g_assert_true (g_str_has_prefix (err, "teken sign: "));
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  g_assert_nonnull (strstr (err, needle));
}

static void
test_signs_visibly (void)
{
  g_autofree char *p12 = pki ("budi.p12");
  g_autofree char *pass = pki ("budi.pass");
  g_autofree char *input = fixture ("hand-minimal.pdf");
  g_autofree char *output = work ("visible.pdf");
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_cmpint (run_sign (NULL, &err, "--p12", p12, "--p12-password-file", pass,
                             "--rect", "36,36,200,60", "--role", "PLH", "--position", "Kepala Dinas",
                             "--reason", "Persetujuan", "--location", "Jakarta", "--qr", "https://example.go.id",
                             "-o", output, input, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_file_get_contents (output, &contents, &length, NULL));
  g_assert_nonnull (g_strstr_len (contents, length, "/ETSI.CAdES.detached"));
  g_assert_nonnull (g_strstr_len (contents, length, "/Subtype /Form"));
}

static void
test_password_from_stdin (void)
{
  g_autofree char *p12 = pki ("budi.p12");
  g_autofree char *input = fixture ("hand-minimal.pdf");
  g_autofree char *output = work ("stdin.pdf");
  g_autofree char *password = read_password ();
  g_autofree char *line = g_strconcat (password, "\n", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (run_sign (line, &err, "--p12", p12, "--p12-password-file", "-", "-o", output, input, NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_file_test (output, G_FILE_TEST_IS_REGULAR));
}

static void
test_failures_leave_nothing (void)
{
  g_autofree char *p12 = pki ("budi.p12");
  g_autofree char *pass = pki ("budi.pass");
  g_autofree char *minimal = fixture ("hand-minimal.pdf");
  g_autofree char *not_pdf = fixture ("bad-not-pdf.pdf");
  g_autofree char *truncated = fixture ("bad-truncated.pdf");
  g_autofree char *encrypted = fixture ("qpdf-encrypted-aes256.pdf");
  g_autofree char *output = work ("never.pdf");
  g_autofree char *wrong = work ("wrong.pass");
  g_autofree char *bad_image = work ("not-an-image.png");
  struct {
    const char *needle;
    const char *args[8];
  } cases[] = {
    { "password", { "--p12-password-file", wrong, minimal } },
    { "not a PDF", { "--p12-password-file", pass, not_pdf } },
    { "damaged", { "--p12-password-file", pass, truncated } },
    { "password", { "--p12-password-file", pass, encrypted } },
    { "no page 7", { "--p12-password-file", pass, "--rect", "10,10,100,40", "--page", "7", minimal } },
    { "does not fit", { "--p12-password-file", pass, "--rect", "500,10,300,40", minimal } },
    { "PNG or JPEG", { "--p12-password-file", pass, "--rect", "10,10,100,40", "--image", bad_image, minimal } },
  };

  g_assert_true (g_file_set_contents (wrong, "Salah#Sandi99\n", -1, NULL));
  g_assert_true (g_file_set_contents (bad_image, "this is text, not an image", -1, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      const char **a = cases[i].args;

      g_assert_cmpint (run_sign (NULL, &err, "--p12", p12, "-o", output,
                                 a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], NULL), ==, 1);
      assert_one_line (err, cases[i].needle);
      /* Never echo a secret back. */
      g_assert_null (strstr (err, "Salah#Sandi99"));
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }
}

static void
test_usage_errors (void)
{
  g_autofree char *p12 = pki ("budi.p12");
  g_autofree char *pass = pki ("budi.pass");
  g_autofree char *input = fixture ("hand-minimal.pdf");
  g_autofree char *output = work ("usage.pdf");
  struct {
    const char *args[6];
  } cases[] = {
    { { "--p12", p12, "--p12-password-file", pass, input } },                        /* no -o */
    { { "--p12", p12, "-o", output, input } },                                       /* no password file */
    { { "--p12", p12, "--p12-password-file", pass, "--rect", "1,2,3" } },            /* bad rect */
    { { "--p12", p12, "--p12-password-file", pass, "--role", "KADIS" } },            /* bad role */
    { { "--p12", p12, "--password", "Rahasia#2026", "-o", output } },                /* no secrets in argv */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      const char **a = cases[i].args;

      g_assert_cmpint (run_sign (NULL, &err, a[0], a[1], a[2], a[3], a[4], a[5], NULL), ==, 2);
      g_assert_true (g_str_has_prefix (err, "teken sign: "));
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }
}

static void
test_existing_output_kept (void)
{
  g_autofree char *p12 = pki ("budi.p12");
  g_autofree char *pass = pki ("budi.pass");
  g_autofree char *input = fixture ("hand-minimal.pdf");
  g_autofree char *output = work ("existing.pdf");
  g_autofree char *err = NULL;
  g_autofree char *kept = NULL;

  g_assert_true (g_file_set_contents (output, "an earlier document", -1, NULL));
  g_assert_cmpint (run_sign (NULL, &err, "--p12", p12, "--p12-password-file", pass, "-o", output, input, NULL), ==, 1);
  assert_one_line (err, "already exists");
  g_assert_true (g_file_get_contents (output, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "an earlier document");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  work_dir = g_dir_make_tmp ("teken-sign-command-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/sign-command/signs-visibly", test_signs_visibly);
  g_test_add_func ("/sign-command/password-from-stdin", test_password_from_stdin);
  g_test_add_func ("/sign-command/failures-leave-nothing", test_failures_leave_nothing);
  g_test_add_func ("/sign-command/usage-errors", test_usage_errors);
  g_test_add_func ("/sign-command/existing-output-kept", test_existing_output_kept);

  status = g_test_run ();

  if (status == 0)
    {
      g_autoptr(GDir) dir = g_dir_open (work_dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = work (name);
          g_unlink (path);
        }
      g_rmdir (work_dir);
    }

  return status;
}
