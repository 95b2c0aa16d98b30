/* teken-totp.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) with the one
 * profile every authenticator app understands: HMAC-SHA1, 6 digits, 30-second
 * steps, a 20-byte secret shown as unpadded base32.
 *
 * A step number, not a time, is what verification reports, so that teken-ca
 * can remember the last accepted step per device and refuse a code that was
 * already used (docs/api.md §6.1).
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>

#include "teken-totp.h"

#define SECRET_LENGTH 20
#define BASE32_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

G_DEFINE_QUARK (teken-totp-error-quark, teken_totp_error)

static char *
encode_base32 (const guchar *data,
               gsize         length)
{
  GString *out = g_string_sized_new ((length * 8 + 4) / 5 + 1);
  guint32 bits = 0;
  guint n_bits = 0;

  for (gsize i = 0; i < length; i++)
    {
      bits = (bits << 8) | data[i];
      n_bits += 8;
      while (n_bits >= 5)
        {
          n_bits -= 5;
          g_string_append_c (out, BASE32_ALPHABET[(bits >> n_bits) & 0x1f]);
        }
    }
  if (n_bits > 0)
    g_string_append_c (out, BASE32_ALPHABET[(bits << (5 - n_bits)) & 0x1f]);

  return g_string_free (out, FALSE);
}

/* Decodes a secret as people copy it: upper or lower case, grouped with
 * spaces, with or without '=' padding. The result holds key material, so it
 * is wiped by the caller; on failure nothing is left behind. */
static guchar *
decode_base32 (const char  *text,
               gsize       *length,
               GError     **error)
{
  gsize capacity = strlen (text) * 5 / 8 + 1;
  guchar *out = g_malloc (capacity);
  gsize n_out = 0;
  gsize n_chars = 0;
  guint32 bits = 0;
  guint n_bits = 0;
  gboolean padding = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      const char *found;

      if (*p == ' ')
        continue;
      if (*p == '=')
        {
          padding = TRUE;
          continue;
        }

      found = padding ? NULL : strchr (BASE32_ALPHABET, g_ascii_toupper (*p));
      if (found == NULL)
        goto invalid;

      bits = (bits << 5) | (guint32) (found - BASE32_ALPHABET);
      n_bits += 5;
      n_chars++;
      if (n_bits >= 8)
        {
          n_bits -= 8;
          out[n_out++] = (bits >> n_bits) & 0xff;
        }
    }

  /* 1, 3 or 6 characters past a full group cannot come from whole bytes. */
  if (n_out == 0 || n_chars % 8 == 1 || n_chars % 8 == 3 || n_chars % 8 == 6)
    goto invalid;

  OPENSSL_cleanse (&bits, sizeof bits);
  *length = n_out;

  return out;

invalid:
  OPENSSL_cleanse (out, capacity);
  OPENSSL_cleanse (&bits, sizeof bits);
  g_free (out);
  g_set_error_literal (error, TEKEN_TOTP_ERROR, TEKEN_TOTP_ERROR_INVALID_SECRET,
                       _("The authenticator secret is not valid base32. Copy it again exactly as shown."));

  return NULL;
}

/* RFC 4226 §5.3: HMAC the big-endian step, then dynamic truncation. */
static gboolean
compute_code (const guchar *key,
              gsize         key_length,
              guint64       step,
              char          code[TEKEN_TOTP_DIGITS + 1])
{
  guchar counter[8];
  guchar mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  guint offset;
  guint32 value;
  gboolean ok;

  for (int i = 7; i >= 0; i--)
    {
      counter[i] = step & 0xff;
      step >>= 8;
    }

  ok = key_length <= G_MAXINT &&
       HMAC (EVP_sha1 (), key, (int) key_length, counter, sizeof counter, mac, &mac_length) != NULL &&
       mac_length == 20;

  if (ok)
    {
      offset = mac[19] & 0x0f;
      value = ((guint32) (mac[offset] & 0x7f) << 24) |
              ((guint32) mac[offset + 1] << 16) |
              ((guint32) mac[offset + 2] << 8) |
              (guint32) mac[offset + 3];
      g_snprintf (code, TEKEN_TOTP_DIGITS + 1, "%06u", value % 1000000);
      OPENSSL_cleanse (&value, sizeof value);
    }

  OPENSSL_cleanse (mac, sizeof mac);

  return ok;
}

/**
 * teken_totp_generate_secret:
 *
 * Returns: (transfer full) (nullable): 20 random bytes as unpadded base32
 *   (32 characters); %NULL only if the random generator fails
 */
char *
teken_totp_generate_secret (void)
{
  guchar secret[SECRET_LENGTH];
  char *text;

  if (RAND_bytes (secret, sizeof secret) != 1)
    {
      g_warning ("The random generator failed; no TOTP secret made");
      return NULL;
    }

  text = encode_base32 (secret, sizeof secret);
  OPENSSL_cleanse (secret, sizeof secret);

  return text;
}

/**
 * teken_totp_code:
 * @base32_secret: the shared secret, base32
 * @unix_time: seconds since the epoch, not negative
 * @error: return location for a #TEKEN_TOTP_ERROR
 *
 * Returns: (transfer full): the six-digit code for the 30-second step that
 *   contains @unix_time, or %NULL with @error set
 */
char *
teken_totp_code (const char  *base32_secret,
                 gint64       unix_time,
                 GError     **error)
{
  g_autofree char *code = g_malloc (TEKEN_TOTP_DIGITS + 1);
  guchar *key;
  gsize key_length = 0;
  gboolean ok;

  g_return_val_if_fail (base32_secret != NULL, NULL);
  g_return_val_if_fail (unix_time >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = decode_base32 (base32_secret, &key_length, error);
  if (key == NULL)
    return NULL;

  ok = compute_code (key, key_length, (guint64) unix_time / TEKEN_TOTP_PERIOD, code);
  OPENSSL_cleanse (key, key_length);
  g_free (key);

  if (!ok)
    {
      g_set_error_literal (error, TEKEN_TOTP_ERROR, TEKEN_TOTP_ERROR_FAILED,
                           _("The one-time code could not be computed because of an internal error. Try again; if it keeps failing, report the problem."));
      return NULL;
    }

  return g_steal_pointer (&code);
}

/**
 * teken_totp_verify:
 * @base32_secret: the shared secret, base32
 * @code: the code the holder typed
 * @unix_time: the current time, seconds since the epoch
 * @window: how many steps either side of the current one to accept (1 in
 *   docs/api.md §6.1: clocks drift and people type slowly)
 * @matched_step: (out) (optional): the step @code belongs to; the one
 *   nearest the current step should two match
 *
 * Anything other than exactly six ASCII digits is refused. The comparison
 * takes the same time wherever the codes differ.
 *
 * Returns: %TRUE if @code is valid at @unix_time
 */
gboolean
teken_totp_verify (const char *base32_secret,
                   const char *code,
                   gint64      unix_time,
                   guint       window,
                   gint64     *matched_step)
{
  guchar *key;
  gsize key_length = 0;
  gint64 current;
  gboolean found = FALSE;
  gint64 found_step = 0;

  g_return_val_if_fail (base32_secret != NULL, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (unix_time >= 0, FALSE);

  if (strlen (code) != TEKEN_TOTP_DIGITS)
    return FALSE;
  for (const char *p = code; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  key = decode_base32 (base32_secret, &key_length, NULL);
  if (key == NULL)
    return FALSE;

  current = unix_time / TEKEN_TOTP_PERIOD;

  /* Nearest steps first, so that the step reported is the likeliest one. */
  for (guint distance = 0; distance <= window; distance++)
    {
      for (int sign = -1; sign <= 1; sign += 2)
        {
          gint64 step = sign < 0 ? current - distance : current + distance;
          char expected[TEKEN_TOTP_DIGITS + 1];

          if (step < 0 || (distance == 0 && sign > 0))
            continue;

          if (compute_code (key, key_length, (guint64) step, expected) &&
              CRYPTO_memcmp (expected, code, TEKEN_TOTP_DIGITS) == 0 &&
              !found)
            {
              found = TRUE;
              found_step = step;
            }
          OPENSSL_cleanse (expected, sizeof expected);
        }
    }

  OPENSSL_cleanse (key, key_length);
  g_free (key);

  if (found && matched_step != NULL)
    *matched_step = found_step;

  return found;
}

/**
 * teken_totp_uri:
 * @base32_secret: the shared secret, base32
 * @issuer: who issues it, shown by the app ("Teken CA")
 * @account: the holder's account, usually the e-mail address
 *
 * The Key Uri Format authenticator apps read from a QR code; the label is
 * `Issuer:account` and every part is percent-encoded.
 *
 * Returns: (transfer full): an `otpauth://totp/…` URI
 */
char *
teken_totp_uri (const char *base32_secret,
                const char *issuer,
                const char *account)
{
  g_autofree char *secret = NULL;
  g_autofree char *escaped_issuer = NULL;
  g_autofree char *escaped_account = NULL;

  g_return_val_if_fail (base32_secret != NULL, NULL);
  g_return_val_if_fail (issuer != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);

  secret = g_uri_escape_string (base32_secret, NULL, FALSE);
  escaped_issuer = g_uri_escape_string (issuer, NULL, FALSE);
  escaped_account = g_uri_escape_string (account, NULL, FALSE);

  return g_strdup_printf ("otpauth://totp/%s:%s?secret=%s&issuer=%s"
                          "&algorithm=SHA1&digits=%d&period=%d",
                          escaped_issuer, escaped_account, secret, escaped_issuer,
                          TEKEN_TOTP_DIGITS, TEKEN_TOTP_PERIOD);
}
