/* test-passphrase-policy.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "teken-passphrase-policy.h"

static void
test_accepts_a_good_passphrase (void)
{
  g_assert_cmpint (teken_passphrase_check ("Rahasia#2026"), ==, 0);
  g_assert_cmpint (teken_passphrase_check ("aB3!aB3!"), ==, 0);
}

static void
test_reports_each_missing_rule (void)
{
  g_assert_cmpint (teken_passphrase_check ("aB3!"), ==, TEKEN_PASSPHRASE_TOO_SHORT);
  g_assert_cmpint (teken_passphrase_check ("RAHASIA#2026"), ==, TEKEN_PASSPHRASE_NO_LOWERCASE);
  g_assert_cmpint (teken_passphrase_check ("rahasia#2026"), ==, TEKEN_PASSPHRASE_NO_UPPERCASE);
  g_assert_cmpint (teken_passphrase_check ("Rahasia#duaribu"), ==, TEKEN_PASSPHRASE_NO_DIGIT);
  g_assert_cmpint (teken_passphrase_check ("Rahasia2026"), ==, TEKEN_PASSPHRASE_NO_SYMBOL);
  g_assert_cmpint (teken_passphrase_check (""), ==,
                   TEKEN_PASSPHRASE_TOO_SHORT | TEKEN_PASSPHRASE_NO_LOWERCASE |
                   TEKEN_PASSPHRASE_NO_UPPERCASE | TEKEN_PASSPHRASE_NO_DIGIT |
                   TEKEN_PASSPHRASE_NO_SYMBOL);
}

static void
test_refuses_forbidden_characters (void)
{
  const char *forbidden[] = {
    "Rahasia#2026[", "Rahasia#2026]", "Rahasia#2026^", "Rahasia#2026\\",
    "Rahasia #2026", "Rahasia#2026\t", "Rahasiä#2026",
  };

  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    g_assert_cmpint (teken_passphrase_check (forbidden[i]), ==, TEKEN_PASSPHRASE_FORBIDDEN_CHAR);

  /* A forbidden character is not a symbol: the symbol rule still counts. */
  g_assert_cmpint (teken_passphrase_check ("Rahasia2026^"), ==,
                   TEKEN_PASSPHRASE_FORBIDDEN_CHAR | TEKEN_PASSPHRASE_NO_SYMBOL);
}

static void
test_counts_characters_not_bytes (void)
{
  /* Six characters, eight bytes: too short, whatever the byte count says. */
  g_assert_cmpint (teken_passphrase_check ("aB3!éé"), ==,
                   TEKEN_PASSPHRASE_TOO_SHORT | TEKEN_PASSPHRASE_FORBIDDEN_CHAR);
  g_assert_cmpint (teken_passphrase_check ("aB3!aB3é"), ==, TEKEN_PASSPHRASE_FORBIDDEN_CHAR);
  g_assert_cmpint (teken_passphrase_check ("aB3!aB3"), ==, TEKEN_PASSPHRASE_TOO_SHORT);
}

static void
test_describes_every_rule (void)
{
  for (guint flag = TEKEN_PASSPHRASE_TOO_SHORT; flag <= TEKEN_PASSPHRASE_FORBIDDEN_CHAR; flag <<= 1)
    {
      const char *text = teken_passphrase_describe (flag);

      g_assert_nonnull (text);
      g_assert_cmpstr (text, !=, "");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/passphrase-policy/accepts-good", test_accepts_a_good_passphrase);
  g_test_add_func ("/passphrase-policy/reports-each-rule", test_reports_each_missing_rule);
  g_test_add_func ("/passphrase-policy/refuses-forbidden", test_refuses_forbidden_characters);
  g_test_add_func ("/passphrase-policy/counts-characters", test_counts_characters_not_bytes);
  g_test_add_func ("/passphrase-policy/describes-rules", test_describes_every_rule);

  return g_test_run ();
}
