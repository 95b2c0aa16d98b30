/* main.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* teken-app: the application itself, started by `teken` (src/main.c). */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "teken-application.h"
#include "teken-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TekenApplication) app = NULL;
  g_autofree char *commands = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = teken_application_new ();
  commands = teken_cli_describe_commands ();
  if (commands != NULL)
    g_application_set_option_context_description (G_APPLICATION (app), commands);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
