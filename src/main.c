/* main.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `teken`: the command line, and the way into the application.
 *
 * This binary links core, the CA client and the command line only. A
 * subcommand runs here; anything else starts the application (teken-app)
 * in this process with execv(), so scripts that run `teken verify` hundreds
 * of times never pay for loading GTK, libadwaita and GStreamer. */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <unistd.h>

#include "teken-cli.h"

/* Beside this binary in a build tree, in libexecdir once installed. */
static char *
find_application (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (self != NULL)
    {
      g_autofree char *directory = g_path_get_dirname (self);
      g_autofree char *sibling = g_build_filename (directory, "teken-app", NULL);

      if (g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&sibling);
    }

  return g_build_filename (LIBEXECDIR, "teken-app", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *application = NULL;
  int saved_errno;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc > 1 && teken_cli_has_command (argv[1]))
    return teken_cli_run (argc - 1, argv + 1);

  /* argv[0] stays "teken": it names the application to the desktop. */
  application = find_application ();
  execv (application, argv);

  saved_errno = errno;
  g_printerr (_("teken: could not start the application (%s): %s\n"), application, g_strerror (saved_errno));
  return 1;
}
