/* test-cli.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The command line works with no display at all: no DISPLAY, no
 * WAYLAND_DISPLAY, no session bus. */

#include "config.h"

#include <gio/gio.h>

static int
run_teken (const char * const  *args,
           char               **out,
           char               **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TEKEN_BIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

static void
test_version (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--version", NULL };

  g_assert_cmpint (run_teken (args, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, PACKAGE_NAME " " PACKAGE_VERSION "\n");
  g_assert_cmpstr (err, ==, "");
}

static void
test_help (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--help", NULL };

  g_assert_cmpint (run_teken (args, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Usage:\n  teken [OPTION…] [FILE…|LINK]"));
  g_assert_nonnull (strstr (out, "--version"));
  /* The subcommands are listed. */
  g_assert_nonnull (strstr (out, "Commands:\n  sign "));
  g_assert_cmpstr (err, ==, "");
}

static void
test_unknown_option (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--no-such-option", NULL };

  g_assert_cmpint (run_teken (args, &out, &err), !=, 0);
  g_assert_nonnull (strstr (err, "--no-such-option"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/unknown-option", test_unknown_option);

  return g_test_run ();
}
