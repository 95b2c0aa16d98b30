/* teken-cli.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `teken <command> ...`: the subcommands for scripts.
 *
 * main() looks the first argument up here before it creates the application,
 * so a command never initialises GTK and runs without a display. A command
 * registers itself in the table below when it lands (verify, sign, status).
 */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-cli.h"
#include "teken-sign-command.h"
#include "teken-status-command.h"
#include "teken-verify-command.h"

typedef struct
{
  const char *name;
  const char *summary;  /* N_()-marked, translated when shown */
  int       (*run) (int argc, char **argv);
} TekenCliCommand;

static const TekenCliCommand commands[] = {
  { "sign", N_("Sign a PDF document, with a PKCS#12 certificate or at a CA server"), teken_sign_command_run },
  { "status", N_("Ask the CA server for a certificate’s status"), teken_status_command_run },
  { "verify", N_("Check the signatures of PDF documents, offline"), teken_verify_command_run },
  { NULL, NULL, NULL }
};

static const TekenCliCommand *
find_command (const char *name)
{
  for (const TekenCliCommand *command = commands; command->name != NULL; command++)
    {
      if (g_str_equal (command->name, name))
        return command;
    }

  return NULL;
}

gboolean
teken_cli_has_command (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return find_command (name) != NULL;
}

/**
 * teken_cli_run:
 * @argc: the number of arguments, the command's name included
 * @argv: the command's name followed by its arguments
 *
 * Returns: the process exit status
 */
int
teken_cli_run (int    argc,
               char **argv)
{
  const TekenCliCommand *command;

  g_return_val_if_fail (argc > 0, 2);

  command = find_command (argv[0]);
  g_return_val_if_fail (command != NULL, 2);

  /* Standard output is for the command's answer (--json); debug messages
   * go with the errors. */
  g_log_writer_default_set_use_stderr (TRUE);

  return command->run (argc, argv);
}

/**
 * teken_cli_describe_commands:
 *
 * Returns: (transfer full) (nullable): the commands and their summaries for
 *   `teken --help`, or %NULL when there are none
 */
char *
teken_cli_describe_commands (void)
{
  g_autoptr(GString) text = NULL;

  if (commands[0].name == NULL)
    return NULL;

  text = g_string_new (_("Commands:"));
  for (const TekenCliCommand *command = commands; command->name != NULL; command++)
    g_string_append_printf (text, "\n  %-10s %s", command->name, _(command->summary));

  return g_string_free (g_steal_pointer (&text), FALSE);
}
