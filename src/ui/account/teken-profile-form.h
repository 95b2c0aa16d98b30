/* teken-profile-form.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "teken-ca-types.h"

G_BEGIN_DECLS

#define TEKEN_TYPE_PROFILE_FORM (teken_profile_form_get_type ())

G_DECLARE_FINAL_TYPE (TekenProfileForm, teken_profile_form, TEKEN, PROFILE_FORM, GtkWidget)

GtkWidget  *teken_profile_form_new                 (void);
void        teken_profile_form_set_account         (TekenProfileForm         *self,
                                                    const TekenCaAccountInfo *account);
gboolean    teken_profile_form_is_ready            (TekenProfileForm         *self);
JsonObject *teken_profile_form_build_changes       (TekenProfileForm         *self);
char       *teken_profile_form_describe_changes    (TekenProfileForm         *self);
gboolean    teken_profile_form_needs_confirmation  (TekenProfileForm         *self);
void        teken_profile_form_set_hint            (TekenProfileForm         *self,
                                                    const char               *message,
                                                    gboolean                  is_error);

gboolean    teken_profile_certificate_data_can_change (const char            *status);
const char *teken_profile_field_label              (const char               *key);

G_END_DECLS
