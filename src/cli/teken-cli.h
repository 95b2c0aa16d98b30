/* teken-cli.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  teken_cli_has_command      (const char  *name);
int       teken_cli_run              (int          argc,
                                      char       **argv);
char     *teken_cli_describe_commands (void);

G_END_DECLS
