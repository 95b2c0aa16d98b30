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

static void
test_email (void)
{
  g_assert_true (teken_holder_email_is_valid ("siti.rahayu@asn.kotacontoh.go.id"));
  g_assert_true (teken_holder_email_is_valid ("a_b%c+d-e@x.go.id"));
  g_assert_false (teken_holder_email_is_valid ("siti rahayu@asn.kotacontoh.go.id"));
  g_assert_false (teken_holder_email_is_valid ("@asn.kotacontoh.go.id"));
  g_assert_false (teken_holder_email_is_valid ("siti@localhost"));
  g_assert_false (teken_holder_email_is_valid ("siti@kota..go.id"));
  g_assert_false (teken_holder_email_is_valid ("siti@kota.go.id."));
  g_assert_false (teken_holder_email_is_valid ("siti@@kota.go.id"));
  g_assert_false (teken_holder_email_is_valid (NULL));
}

static void
test_name (void)
{
  g_autofree char *normal = teken_holder_name_normalize ("Siti  Rahayu contoh ");

  g_assert_true (teken_holder_name_is_valid ("SITI RAHAYU CONTOH"));
  g_assert_true (teken_holder_name_is_valid ("Agus"));
  g_assert_false (teken_holder_name_is_valid ("A"));
  g_assert_false (teken_holder_name_is_valid ("Siti  Rahayu"));
  g_assert_false (teken_holder_name_is_valid (" Siti"));
  g_assert_false (teken_holder_name_is_valid ("Dr. Siti"));
  g_assert_false (teken_holder_name_is_valid ("Siti2"));
  g_assert_cmpstr (normal, ==, "SITI RAHAYU CONTOH");
}

static void
test_title (void)
{
  g_assert_true (teken_holder_title_is_valid (""));
  g_assert_true (teken_holder_title_is_valid ("S.Kom., M.T."));
  g_assert_true (teken_holder_title_is_valid ("Dr. Ir. H."));
  g_assert_false (teken_holder_title_is_valid ("S.Kom; DROP"));
  g_assert_false (teken_holder_title_is_valid ("S2"));
}

static void
test_phone (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "081234567890", "+6281234567890" },
    { "0812-3456-7890", "+6281234567890" },
    { "+62 812 3456 7890", "+6281234567890" },
    { "6281234567", "+6281234567" },
    { "0212345678", NULL },
    { "08123456", NULL },
    { "08123456789012", NULL },
    { "08l234567890", NULL },
    { "", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normal = teken_holder_phone_normalize (cases[i].in);

      g_assert_cmpstr (normal, ==, cases[i].out);
    }
}

static void
test_employment_field (void)
{
  g_assert_true (teken_holder_employment_field_is_valid ("Dinas Komunikasi dan Informatika"));
  g_assert_true (teken_holder_employment_field_is_valid ("Seksi 2"));
  g_assert_false (teken_holder_employment_field_is_valid ("X"));
  g_assert_false (teken_holder_employment_field_is_valid ("Bagian/Umum"));
  g_assert_false (teken_holder_employment_field_is_valid ("Bagian  Umum"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/holder-rules/nik", test_nik);
  g_test_add_func ("/holder-rules/nip", test_nip);
  g_test_add_func ("/holder-rules/email", test_email);
  g_test_add_func ("/holder-rules/name", test_name);
  g_test_add_func ("/holder-rules/title", test_title);
  g_test_add_func ("/holder-rules/phone", test_phone);
  g_test_add_func ("/holder-rules/employment-field", test_employment_field);

  return g_test_run ();
}
