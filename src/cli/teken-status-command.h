/* teken-status-command.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int teken_status_command_run (int    argc,
                              char **argv);

G_END_DECLS
