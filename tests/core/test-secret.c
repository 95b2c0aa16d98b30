/* test-secret.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "teken-secret.h"

static void
test_copies_and_terminates (void)
{
  const char input[] = "Rahasia#2026-and-more";
  g_autoptr(TekenSecret) secret = teken_secret_new (input, 12);

  g_assert_cmpuint (teken_secret_get_length (secret), ==, 12);
  g_assert_cmpstr (teken_secret_get_text (secret), ==, "Rahasia#2026");
  g_assert_true (teken_secret_get_text (secret) != input);
  g_assert_false (teken_secret_is_empty (secret));
}

static void
test_empty (void)
{
  g_autoptr(TekenSecret) secret = teken_secret_new ("", -1);

  g_assert_true (teken_secret_is_empty (secret));
  g_assert_true (teken_secret_is_empty (NULL));
  g_assert_cmpstr (teken_secret_get_text (secret), ==, "");
}

static void
test_refcount_and_boxed (void)
{
  g_autoptr(TekenSecret) secret = teken_secret_new ("Rahasia#2026", -1);
  TekenSecret *copy = g_boxed_copy (TEKEN_TYPE_SECRET, secret);

  g_assert_true (copy == secret);
  g_boxed_free (TEKEN_TYPE_SECRET, copy);
  g_assert_cmpstr (teken_secret_get_text (secret), ==, "Rahasia#2026");
}

static void
test_wipe_string (void)
{
  char buffer[] = "Rahasia#2026";

  teken_wipe_string (buffer);
  for (gsize i = 0; i < sizeof buffer - 1; i++)
    g_assert_cmpint (buffer[i], ==, 0);
  teken_wipe_string (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/secret/copies-and-terminates", test_copies_and_terminates);
  g_test_add_func ("/secret/empty", test_empty);
  g_test_add_func ("/secret/refcount-and-boxed", test_refcount_and_boxed);
  g_test_add_func ("/secret/wipe-string", test_wipe_string);

  return g_test_run ();
}
