/* fuzz-image.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The signature image comes from the user's disk: any bytes must give an
 * image or an error, never a crash, a hang or a huge allocation. */

#include "config.h"

#include <stdint.h>

#include "teken-image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(TekenImage) image = teken_image_new_from_bytes (bytes, &error);

  if (image == NULL)
    {
      g_assert (error != NULL && error->domain == TEKEN_IMAGE_ERROR);
      return 0;
    }

  g_assert (error == NULL);
  g_assert (teken_image_get_width (image) > 0 && teken_image_get_height (image) > 0);
  g_assert (g_bytes_get_size (teken_image_get_data (image)) > 0);

  return 0;
}
