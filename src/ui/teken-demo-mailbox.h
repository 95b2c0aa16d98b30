/* teken-demo-mailbox.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_DEMO_MAILBOX (teken_demo_mailbox_get_type ())

G_DECLARE_FINAL_TYPE (TekenDemoMailbox, teken_demo_mailbox, TEKEN, DEMO_MAILBOX, AdwWindow)

TekenDemoMailbox *teken_demo_mailbox_new    (GtkApplication   *application,
                                             const char       *maildir);
void              teken_demo_mailbox_reload (TekenDemoMailbox *self);

G_END_DECLS
