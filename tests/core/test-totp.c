/* test-totp.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "teken-totp.h"

/* RFC 6238 Appendix B: the ASCII secret "12345678901234567890". */
#define RFC_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static const struct
{
  gint64 time;
  const char *code;
} rfc_vectors[] = {
  { 59, "287082" },
  { 1111111109, "081804" },
  { 1111111111, "050471" },
  { 1234567890, "005924" },
  { 2000000000, "279037" },
  { G_GINT64_CONSTANT (20000000000), "353130" },
};

static void
test_rfc6238_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (rfc_vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = teken_totp_code (RFC_SECRET, rfc_vectors[i].time, &error);
      gint64 step = -1;

      g_assert_no_error (error);
      g_assert_cmpstr (code, ==, rfc_vectors[i].code);
      g_assert_true (teken_totp_verify (RFC_SECRET, rfc_vectors[i].code,
                                        rfc_vectors[i].time, 0, &step));
      g_assert_cmpint (step, ==, rfc_vectors[i].time / 30);
    }
}

static void
test_base32_tolerance (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *lower = teken_totp_code ("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", 59, &error);
  g_autofree char *padded = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (lower, ==, "287082");

  /* "12345" is five bytes, eight characters; "1234" needs padding. */
  padded = teken_totp_code ("GEZDGNA=", 59, &error);
  g_assert_no_error (error);
  g_assert_nonnull (padded);
}

static void
test_base32_invalid (void)
{
  const char *invalid[] = {
    "GEZDGNBVGY3TQOJ1",   /* '1' is not in the alphabet */
    "GEZDGNBVGY3TQOJ8",
    "GEZDGNBV-GY3TQOJQ",
    "GEZDGNBVGY3TQOJQ!",
    "GEZD=GNBV",          /* data after padding */
    "A",                  /* lengths that cannot come from whole bytes */
    "GEZ",
    "GEZDGN",
    "",
    "   ",
    "GEZDGNBVGY3TQOJ\xc3\x89",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = teken_totp_code (invalid[i], 59, &error);

      g_test_message ("secret %s", invalid[i]);
      g_assert_error (error, TEKEN_TOTP_ERROR, TEKEN_TOTP_ERROR_INVALID_SECRET);
      g_assert_null (code);
      g_assert_false (teken_totp_verify (invalid[i], "287082", 59, 1, NULL));
    }
}

static void
test_generate_secret (void)
{
  g_autofree char *first = teken_totp_generate_secret ();
  g_autofree char *second = teken_totp_generate_secret ();
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  g_assert_cmpuint (strlen (first), ==, 32);
  g_assert_cmpuint (strspn (first, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), ==, 32);
  g_assert_cmpstr (first, !=, second);

  code = teken_totp_code (first, 1773457200, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (code), ==, 6);
  g_assert_true (teken_totp_verify (first, code, 1773457200, 1, NULL));
}

static void
test_window (void)
{
  /* 1234567890 is step 41152263, 0 s into it. */
  const gint64 t = 1234567890;
  const gint64 step = t / 30;
  gint64 matched = -1;

  g_assert_true (teken_totp_verify (RFC_SECRET, "005924", t, 1, &matched));
  g_assert_cmpint (matched, ==, step);

  /* The holder's phone is one step behind or ahead of the server. */
  matched = -1;
  g_assert_true (teken_totp_verify (RFC_SECRET, "005924", t + 30, 1, &matched));
  g_assert_cmpint (matched, ==, step);
  matched = -1;
  g_assert_true (teken_totp_verify (RFC_SECRET, "005924", t - 30, 1, &matched));
  g_assert_cmpint (matched, ==, step);
  g_assert_true (teken_totp_verify (RFC_SECRET, "005924", t + 59, 1, NULL));

  /* Two steps off is too far, and a window of 0 means this step only. */
  matched = -1;
  g_assert_false (teken_totp_verify (RFC_SECRET, "005924", t + 60, 1, &matched));
  g_assert_false (teken_totp_verify (RFC_SECRET, "005924", t - 31, 1, &matched));
  g_assert_cmpint (matched, ==, -1);
  g_assert_false (teken_totp_verify (RFC_SECRET, "005924", t + 30, 0, NULL));
  g_assert_false (teken_totp_verify (RFC_SECRET, "005924", t - 30, 0, NULL));
  g_assert_true (teken_totp_verify (RFC_SECRET, "005924", t + 60, 2, NULL));

  /* Near the epoch the window does not reach below step 0. */
  g_assert_true (teken_totp_verify (RFC_SECRET, "287082", 0, 1, &matched));
  g_assert_cmpint (matched, ==, 1);
}

static void
test_wrong_codes (void)
{
  const char *wrong[] = {
    "", "05924", "0005924", "005925", "00592", "005924 ", " 005924",
    "00592a", "+05924", "-05924", "0059240", "0059249", "００５９２４", "005924\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_test_message ("code '%s'", wrong[i]);
      g_assert_false (teken_totp_verify (RFC_SECRET, wrong[i], 1234567890, 1, NULL));
    }
}

static void
test_uri (void)
{
  g_autofree char *uri = teken_totp_uri ("GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF", "Teken CA",
                                         "budi@pns.kotacontoh.go.id");
  g_autofree char *odd = teken_totp_uri ("GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF", "A:B&C",
                                         "x y?z/é");

  g_assert_cmpstr (uri, ==,
                   "otpauth://totp/Teken%20CA:budi%40pns.kotacontoh.go.id"
                   "?secret=GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF&issuer=Teken%20CA"
                   "&algorithm=SHA1&digits=6&period=30");
  g_assert_cmpstr (odd, ==,
                   "otpauth://totp/A%3AB%26C:x%20y%3Fz%2F%C3%A9"
                   "?secret=GAFXHYSLLZG4ESB4TWBZFFAI6MUN57KF&issuer=A%3AB%26C"
                   "&algorithm=SHA1&digits=6&period=30");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/totp/rfc6238-vectors", test_rfc6238_vectors);
  g_test_add_func ("/totp/base32-tolerance", test_base32_tolerance);
  g_test_add_func ("/totp/base32-invalid", test_base32_invalid);
  g_test_add_func ("/totp/generate-secret", test_generate_secret);
  g_test_add_func ("/totp/window", test_window);
  g_test_add_func ("/totp/wrong-codes", test_wrong_codes);
  g_test_add_func ("/totp/uri", test_uri);

  return g_test_run ();
}
