/* teken-qr-texture.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A QR code as a texture for a GtkPicture, drawn pixel by pixel at its
 * final size: GTK 4.8 scales textures smoothly, which would blur the
 * modules' edges for a phone's camera. */

#include "config.h"

#include <qrencode.h>
#include <string.h>

#include "teken-qr-texture.h"

/* The quiet zone the QR specification asks for, in modules. */
#define QUIET_ZONE 4

/**
 * teken_qr_texture_new:
 * @text: what the code says, usually a link
 * @module_size: pixels per module
 *
 * Returns: (transfer full) (nullable): the code, black on white with its
 *   quiet zone, or %NULL when @text does not fit in a QR code
 */
GdkTexture *
teken_qr_texture_new (const char *text,
                      guint       module_size)
{
  g_autoptr(GBytes) bytes = NULL;
  QRcode *qr;
  guint8 *pixels;
  gsize side, stride;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (module_size > 0 && module_size <= 32, NULL);

  qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr == NULL)
    return NULL;

  side = (gsize) (qr->width + 2 * QUIET_ZONE) * module_size;
  stride = side * 3;
  pixels = g_malloc (stride * side);
  memset (pixels, 0xff, stride * side);

  for (int row = 0; row < qr->width; row++)
    for (int column = 0; column < qr->width; column++)
      {
        if ((qr->data[row * qr->width + column] & 1) == 0)
          continue;

        for (guint dy = 0; dy < module_size; dy++)
          memset (pixels + ((QUIET_ZONE + row) * module_size + dy) * stride +
                    (QUIET_ZONE + column) * module_size * 3,
                  0, module_size * 3);
      }

  QRcode_free (qr);
  bytes = g_bytes_new_take (pixels, stride * side);

  return gdk_memory_texture_new (side, side, GDK_MEMORY_R8G8B8, bytes, stride);
}
