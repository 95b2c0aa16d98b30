/* teken-selfie-check.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Blank, dark, bright or blurred, from the pixels alone (docs/api.md §5.8):
 * the image is box-averaged down to about 480 pixels on its shorter side,
 * so that a 4K frame and a VGA frame of the same scene measure alike. */

#include "config.h"

#include <math.h>

#include "teken-selfie-check.h"

void
teken_selfie_thresholds_init (TekenSelfieThresholds *thresholds)
{
  *thresholds = (TekenSelfieThresholds) { .blank = 10, .dark = 50, .bright = 210, .blur = 40 };
}

/**
 * teken_selfie_measure:
 * @pixels: 8-bit samples, grey (1 or 2 channels) or RGB (3 or 4); alpha is ignored
 *
 * Returns: %FALSE when the image is too small to measure (under 3×3 after
 *   reduction)
 */
gboolean
teken_selfie_measure (const guint8       *pixels,
                      guint               width,
                      guint               height,
                      gsize               rowstride,
                      guint               n_channels,
                      TekenSelfieMetrics *metrics)
{
  guint k = MAX (1, MIN (width, height) / TEKEN_SELFIE_MIN_SIDE);
  guint w = width / k;
  guint h = height / k;
  g_autofree double *luma = NULL;
  double sum = 0, sum_squares = 0;
  double lap_sum = 0, lap_squares = 0;
  gsize n;

  g_return_val_if_fail (n_channels >= 1 && n_channels <= 4, FALSE);

  if (w < 3 || h < 3)
    return FALSE;

  luma = g_new (double, (gsize) w * h);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        double block = 0;

        for (guint dy = 0; dy < k; dy++)
          {
            const guint8 *row = pixels + (gsize) (y * k + dy) * rowstride;

            for (guint dx = 0; dx < k; dx++)
              {
                const guint8 *p = row + (gsize) (x * k + dx) * n_channels;

                if (n_channels >= 3)
                  block += (299.0 * p[0] + 587.0 * p[1] + 114.0 * p[2]) / 1000.0;
                else
                  block += p[0];
              }
          }
        luma[(gsize) y * w + x] = block / ((double) k * k);
      }

  n = (gsize) w * h;
  for (gsize i = 0; i < n; i++)
    {
      sum += luma[i];
      sum_squares += luma[i] * luma[i];
    }
  metrics->mean_luma = sum / n;
  metrics->luma_stddev = sqrt (MAX (0.0, sum_squares / n - metrics->mean_luma * metrics->mean_luma));

  for (guint y = 1; y + 1 < h; y++)
    for (guint x = 1; x + 1 < w; x++)
      {
        const double *c = luma + (gsize) y * w + x;
        double lap = c[-1] + c[1] + c[-(gssize) w] + c[w] - 4 * c[0];

        lap_sum += lap;
        lap_squares += lap * lap;
      }
  n = (gsize) (w - 2) * (h - 2);
  metrics->sharpness = MAX (0.0, lap_squares / n - (lap_sum / n) * (lap_sum / n));
  return TRUE;
}

/* The first problem in the order of §5.8: blank, dark, bright, blurred. */
TekenSelfieProblem
teken_selfie_judge (const TekenSelfieMetrics    *metrics,
                    const TekenSelfieThresholds *thresholds)
{
  if (metrics->luma_stddev < thresholds->blank)
    return TEKEN_SELFIE_BLANK;
  if (metrics->mean_luma < thresholds->dark)
    return TEKEN_SELFIE_TOO_DARK;
  if (metrics->mean_luma > thresholds->bright)
    return TEKEN_SELFIE_TOO_BRIGHT;
  if (metrics->sharpness < thresholds->blur)
    return TEKEN_SELFIE_BLURRED;
  return TEKEN_SELFIE_OK;
}
