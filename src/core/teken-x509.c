/* teken-x509.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Small X.509 helpers shared by core's certificate code. */

#include "config.h"

#include "teken-x509-private.h"

/**
 * teken_asn1_time_to_date_time:
 *
 * Returns: (transfer full) (nullable): @time in UTC, or %NULL when it is not
 *   a valid UTCTime or GeneralizedTime
 */
GDateTime *
teken_asn1_time_to_date_time (const ASN1_TIME *time)
{
  struct tm tm;

  if (time == NULL || ASN1_TIME_to_tm (time, &tm) != 1)
    return NULL;

  return g_date_time_new_utc (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                              tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/**
 * teken_x509_name_to_string:
 *
 * Returns: (transfer full): @name in RFC 2253 form, with UTF-8 left as it is
 *   rather than escaped; "" when it cannot be printed
 */
char *
teken_x509_name_to_string (const X509_NAME *name)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;

  if (bio == NULL || X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    return g_strdup ("");

  length = BIO_get_mem_data (bio, &data);
  if (length <= 0 || !g_utf8_validate (data, length, NULL))
    return g_strdup ("");

  return g_strndup (data, length);
}

/**
 * teken_x509_get_display_name:
 *
 * Returns: (transfer full): the subject's common name, which is how people
 *   know a holder or a CA; the whole subject when it has none
 */
char *
teken_x509_get_display_name (X509 *certificate)
{
  const X509_NAME *name = X509_get_subject_name (certificate);
  int index = X509_NAME_get_index_by_NID (name, NID_commonName, -1);

  if (index >= 0)
    {
      unsigned char *utf8 = NULL;
      int length;

      length = ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, index)));
      if (length > 0 && g_utf8_validate ((const char *) utf8, length, NULL))
        {
          char *text = g_strndup ((const char *) utf8, length);

          OPENSSL_free (utf8);
          return text;
        }
      OPENSSL_free (utf8);
    }

  return teken_x509_name_to_string (name);
}
