/* test-holder-rules.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "teken-holder-rules.h"

static void
test_nik (void)
{
  g_assert_true (teken_nik_is_valid ("9971010101900001"));
  g_assert_false (teken_nik_is_valid ("997101010190000"));
  g_assert_false (teken_nik_is_valid ("99710101019000012"));
  g_assert_false (teken_nik_is_valid ("99710101019000O1"));
  g_assert_false (teken_nik_is_valid (" 971010101900001"));
  g_assert_false (teken_nik_is_valid (""));
  g_assert_false (teken_nik_is_valid (NULL));
}

static void
test_nip (void)
{
  g_assert_true (teken_nip_is_valid ("198501012010011001"));
  g_assert_false (teken_nip_is_valid ("9971010101900001"));
  g_assert_false (teken_nip_is_valid ("19850101201001100x"));
  g_assert_false (teken_nip_is_valid (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/holder-rules/nik", test_nik);
  g_test_add_func ("/holder-rules/nip", test_nip);

  return g_test_run ();
}
