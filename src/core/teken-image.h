/* teken-image.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TEKEN_TYPE_IMAGE  (teken_image_get_type ())
#define TEKEN_IMAGE_ERROR (teken_image_error_quark ())

typedef enum
{
  TEKEN_IMAGE_ERROR_UNSUPPORTED,
  TEKEN_IMAGE_ERROR_CORRUPT,
  TEKEN_IMAGE_ERROR_TOO_LARGE,
} TekenImageError;

/* Far beyond any signature image, yet small enough that decoding stays within
 * a few hundred megabytes. */
#define TEKEN_IMAGE_MAX_DIMENSION 10000
#define TEKEN_IMAGE_MAX_PIXELS    40000000
#define TEKEN_IMAGE_MAX_FILE_SIZE (32 * 1024 * 1024)

typedef struct _TekenImage TekenImage;

GQuark      teken_image_error_quark       (void);
GType       teken_image_get_type          (void) G_GNUC_CONST;
TekenImage *teken_image_new_from_bytes    (GBytes            *bytes,
                                           GError           **error);
TekenImage *teken_image_new_from_file     (const char        *path,
                                           GError           **error);
TekenImage *teken_image_ref               (TekenImage        *self);
void        teken_image_unref             (TekenImage        *self);
guint       teken_image_get_width         (const TekenImage  *self);
guint       teken_image_get_height        (const TekenImage  *self);
guint       teken_image_get_components    (const TekenImage  *self);
const char *teken_image_get_filter        (const TekenImage  *self);
GBytes     *teken_image_get_data          (const TekenImage  *self);
GBytes     *teken_image_get_alpha         (const TekenImage  *self);
gboolean    teken_image_get_inverted_cmyk (const TekenImage  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TekenImage, teken_image_unref)

G_END_DECLS
