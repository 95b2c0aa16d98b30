/* test-selfie-check.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "teken-selfie-check.h"

typedef guint8 (*Shade) (guint x, guint y, guint width, guint height);

static guint8 *
paint (guint width,
       guint height,
       guint n_channels,
       Shade shade)
{
  guint8 *pixels = g_malloc ((gsize) width * height * n_channels);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 value = shade (x, y, width, height);
        guint8 *p = pixels + ((gsize) y * width + x) * n_channels;

        for (guint c = 0; c < n_channels; c++)
          p[c] = c == 3 ? 255 : value;
      }
  return pixels;
}

/* Blocks of 1/40 of the width: the same texture at any size. */
static guint8
blocks (guint x, guint y, guint width, guint height)
{
  guint size = MAX (1, width / 40);

  return ((x / size + y / size) % 2) ? 200 : 60;
}

static guint8
grey (guint x, guint y, guint width, guint height)
{
  return 128;
}

static guint8
dark_blocks (guint x, guint y, guint width, guint height)
{
  return blocks (x, y, width, height) / 6;
}

static guint8
bright_blocks (guint x, guint y, guint width, guint height)
{
  return blocks (x, y, width, height) == 200 ? 255 : 200;
}

static guint8
gradient (guint x, guint y, guint width, guint height)
{
  return (guint8) (40 + 170.0 * x / width);
}

static TekenSelfieProblem
judge (guint width,
       guint height,
       guint n_channels,
       Shade shade,
       TekenSelfieMetrics *metrics)
{
  g_autofree guint8 *pixels = paint (width, height, n_channels, shade);
  TekenSelfieThresholds thresholds;

  teken_selfie_thresholds_init (&thresholds);
  g_assert_true (teken_selfie_measure (pixels, width, height, (gsize) width * n_channels, n_channels, metrics));
  return teken_selfie_judge (metrics, &thresholds);
}

static void
test_problems (void)
{
  TekenSelfieMetrics m;

  g_assert_cmpint (judge (640, 480, 3, blocks, &m), ==, TEKEN_SELFIE_OK);
  g_assert_cmpfloat_with_epsilon (m.mean_luma, 130, 1);
  g_assert_cmpint (judge (640, 480, 3, grey, &m), ==, TEKEN_SELFIE_BLANK);
  g_assert_cmpfloat (m.luma_stddev, <, 0.001);
  g_assert_cmpint (judge (640, 480, 4, dark_blocks, &m), ==, TEKEN_SELFIE_TOO_DARK);
  g_assert_cmpint (judge (640, 480, 1, bright_blocks, &m), ==, TEKEN_SELFIE_TOO_BRIGHT);
  g_assert_cmpint (judge (640, 480, 3, gradient, &m), ==, TEKEN_SELFIE_BLURRED);
  g_assert_cmpfloat (m.sharpness, <, 1);
}

/* The same scene at 4× the resolution measures alike, thanks to the box
 * reduction: a 4K webcam is not called blurred where a VGA one is not. */
static void
test_scale (void)
{
  TekenSelfieMetrics small, large;

  judge (640, 480, 3, blocks, &small);
  judge (2560, 1920, 3, blocks, &large);
  g_assert_cmpfloat_with_epsilon (small.mean_luma, large.mean_luma, 1);
  g_assert_cmpfloat_with_epsilon (small.luma_stddev, large.luma_stddev, 1);
  g_assert_cmpfloat (fabs (small.sharpness - large.sharpness) / small.sharpness, <, 0.2);
}

static void
test_too_small (void)
{
  guint8 pixels[2 * 2 * 3] = { 0 };
  TekenSelfieMetrics m;

  g_assert_false (teken_selfie_measure (pixels, 2, 2, 6, 3, &m));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/selfie-check/problems", test_problems);
  g_test_add_func ("/selfie-check/scale", test_scale);
  g_test_add_func ("/selfie-check/too-small", test_too_small);

  return g_test_run ();
}
