/* teken-trust-anchor.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TekenTrustAnchorSource:
 * @TEKEN_TRUST_ANCHOR_PINNED: an Indonesian root pinned by its fingerprint
 * @TEKEN_TRUST_ANCHOR_INSTALLED: a file installed with Teken (PKGDATADIR/trust)
 * @TEKEN_TRUST_ANCHOR_USER: a file the user imported (`$XDG_DATA_HOME/teken/trust`)
 * @TEKEN_TRUST_ANCHOR_CANDIDATE: read from a file, not trusted (yet)
 */
typedef enum
{
  TEKEN_TRUST_ANCHOR_PINNED,
  TEKEN_TRUST_ANCHOR_INSTALLED,
  TEKEN_TRUST_ANCHOR_USER,
  TEKEN_TRUST_ANCHOR_CANDIDATE,
} TekenTrustAnchorSource;

#define TEKEN_TYPE_TRUST_ANCHOR (teken_trust_anchor_get_type ())

G_DECLARE_FINAL_TYPE (TekenTrustAnchor, teken_trust_anchor, TEKEN, TRUST_ANCHOR, GObject)

char                  *teken_trust_anchor_get_user_directory (void);
GPtrArray             *teken_trust_anchor_list_defaults      (void);
TekenTrustAnchor      *teken_trust_anchor_new_from_file      (const char        *path,
                                                              GError           **error);

TekenTrustAnchorSource teken_trust_anchor_get_source         (TekenTrustAnchor  *self);
const char            *teken_trust_anchor_get_name           (TekenTrustAnchor  *self);
const char            *teken_trust_anchor_get_subject        (TekenTrustAnchor  *self);
const char            *teken_trust_anchor_get_fingerprint    (TekenTrustAnchor  *self);
GDateTime             *teken_trust_anchor_get_not_before     (TekenTrustAnchor  *self);
GDateTime             *teken_trust_anchor_get_not_after      (TekenTrustAnchor  *self);
const char            *teken_trust_anchor_get_path           (TekenTrustAnchor  *self);
gboolean               teken_trust_anchor_check_importable   (TekenTrustAnchor  *self,
                                                              GError           **error);
TekenTrustAnchor      *teken_trust_anchor_import             (TekenTrustAnchor  *self,
                                                              GError           **error);
gboolean               teken_trust_anchor_remove             (TekenTrustAnchor  *self,
                                                              GError           **error);

G_END_DECLS
