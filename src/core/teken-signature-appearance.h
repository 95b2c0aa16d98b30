/* teken-signature-appearance.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TEKEN_APPEARANCE_ERROR (teken_appearance_error_quark ())

typedef enum
{
  TEKEN_APPEARANCE_ERROR_BOX_TOO_SMALL,
  TEKEN_APPEARANCE_ERROR_QR_TOO_LONG,
} TekenAppearanceError;

/* The smallest box that still holds two lines of 4 pt text. */
#define TEKEN_APPEARANCE_MIN_WIDTH  36.0
#define TEKEN_APPEARANCE_MIN_HEIGHT 18.0

typedef enum
{
  TEKEN_ACTING_ROLE_NONE,
  TEKEN_ACTING_ROLE_PLH, /* Pelaksana Harian */
  TEKEN_ACTING_ROLE_PLT, /* Pelaksana Tugas */
} TekenActingRole;

typedef struct
{
  const char      *signer_name;   /* the certificate's CN, UTF-8 */
  TekenActingRole  role;
  const char      *position;      /* nullable: the jabatan, without "Plh."/"Plt." */
  const char      *reason;        /* nullable */
  const char      *location;      /* nullable */
  GDateTime       *signing_time;  /* shown in its own time zone */
  const char      *qr_text;       /* nullable: encoded as a QR code */
  guint            image_width;   /* pixels of /Im1; 0 when there is no image */
  guint            image_height;
} TekenAppearanceSpec;

GQuark  teken_appearance_error_quark      (void);
GBytes *teken_signature_appearance_build  (const TekenAppearanceSpec  *spec,
                                           double                      width,
                                           double                      height,
                                           GError                    **error);
char   *teken_time_zone_name              (GDateTime                  *date_time);

G_END_DECLS
