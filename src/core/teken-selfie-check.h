/* teken-selfie-check.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The selfie metrics of docs/api.md §5.8. The wizard's hints and
 * teken-ca's checks both use these, so a hint predicts the server. */
typedef struct
{
  double mean_luma;
  double luma_stddev;
  double sharpness;
} TekenSelfieMetrics;

typedef struct
{
  double blank;    /* luma_stddev below this: blank (10) */
  double dark;     /* mean_luma below this: too dark (50) */
  double bright;   /* mean_luma above this: too bright (210) */
  double blur;     /* sharpness below this: blurred (40) */
} TekenSelfieThresholds;

typedef enum
{
  TEKEN_SELFIE_OK,
  TEKEN_SELFIE_BLANK,
  TEKEN_SELFIE_TOO_DARK,
  TEKEN_SELFIE_TOO_BRIGHT,
  TEKEN_SELFIE_BLURRED,
} TekenSelfieProblem;

#define TEKEN_SELFIE_MIN_SIDE 480
#define TEKEN_SELFIE_MAX_SIDE 4096
#define TEKEN_SELFIE_MAX_BYTES (2 * 1024 * 1024)

void               teken_selfie_thresholds_init (TekenSelfieThresholds       *thresholds);
gboolean           teken_selfie_measure         (const guint8                *pixels,
                                                 guint                        width,
                                                 guint                        height,
                                                 gsize                        rowstride,
                                                 guint                        n_channels,
                                                 TekenSelfieMetrics          *metrics);
TekenSelfieProblem teken_selfie_judge           (const TekenSelfieMetrics    *metrics,
                                                 const TekenSelfieThresholds *thresholds);

G_END_DECLS
