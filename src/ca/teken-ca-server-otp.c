/* teken-ca-server-otp.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Signing with an e-mailed OTP instead of the passphrase (docs/api.md §7.9,
 * §9.1). The holder opts in with the passphrase; teken-ca then keeps the
 * key sealed under its server key as well, so that a code can stand in for
 * the passphrase. Codes are six digits, stored as the SHA-256 of the
 * account id and the code, good for one signing request of at most `data`
 * digests, three tries and --signing-otp-lifetime seconds. */

#include "config.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "teken-ca-auth.h"
#include "teken-ca-server-private.h"

#define SIGNING_OTP_TRIES 3
#define MAX_OTP_DOCUMENTS 100

static void
respond_internal (Request *request,
                  GError  *error)
{
  g_warning ("%s", error != NULL ? error->message : "internal error");
  teken_ca_respond_error (request, 8010, NULL);
}

static char *
code_hash (TekenCaAccount *account,
           const char     *code)
{
  g_autofree char *text = g_strconcat (account->public_id, ":", code, NULL);
  char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  teken_wipe_string (text);
  return hash;
}

/* The key sealed under the server key: its PKCS#8 DER as base64 text,
 * which teken_ca_seal() takes. */
static GBytes *
seal_key (TekenCaServer  *self,
          GBytes         *plain,
          GError        **error)
{
  g_autofree char *encoded = g_base64_encode (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  GBytes *sealed = teken_ca_seal (self->server_key, encoded, error);

  teken_wipe_string (encoded);
  return sealed;
}

static void
wipe_buffer (gpointer data)
{
  GByteArray *array = data;

  OPENSSL_cleanse (array->data, array->len);
  g_byte_array_unref (array);
}

/**
 * teken_ca_unseal_otp_key:
 *
 * Returns: (transfer full) (nullable): the certificate's PKCS#8 key, in
 *   memory wiped when freed, or %NULL when OTP signing is off for it
 */
GBytes *
teken_ca_unseal_otp_key (TekenCaServer      *self,
                         TekenCaCertificate *cert)
{
  g_autofree char *encoded = cert->otp_key != NULL ? teken_ca_unseal (self->server_key, cert->otp_key) : NULL;
  g_autofree guint8 *der = NULL;
  GByteArray *array;
  gsize length = 0;

  if (encoded == NULL)
    return NULL;
  der = g_base64_decode (encoded, &length);
  teken_wipe_string (encoded);
  array = g_byte_array_sized_new (length);
  g_byte_array_append (array, der, length);
  OPENSSL_cleanse (der, length);
  return g_bytes_new_with_free_func (array->data, array->len, wipe_buffer, array);
}

/* PUT {T}/certificates/current/signing-otp (42). */
void
teken_ca_handle_signing_otp (Request    *request,
                             JsonObject *body)
{
  TekenCaServer *self = request->server;
  static const char * const issue_only[] = { "ISSUE", NULL };
  JsonNode *enabled_node = json_object_get_member (body, "enabled");
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, request->account_id);
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(TekenSecret) passphrase = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  const char *passphrase_text = NULL;
  const char *status;
  gboolean enabled;
  int code = 0;

  if (enabled_node == NULL || JSON_NODE_HOLDS_NULL (enabled_node))
    {
      teken_ca_respond_field_error (request, 4014, "enabled", NULL);
      return;
    }
  if (!JSON_NODE_HOLDS_VALUE (enabled_node) || json_node_get_value_type (enabled_node) != G_TYPE_BOOLEAN)
    {
      teken_ca_respond_field_error (request, 4015, "enabled", "true or false");
      return;
    }
  enabled = json_node_get_boolean (enabled_node);
  if (enabled && !teken_ca_get_required_string (request, body, "passphrase", MAX_SECRET_LENGTH, &passphrase_text))
    return;
  if (passphrase_text != NULL)
    passphrase = teken_ca_take_secret (body, "passphrase");
  if (account == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  status = teken_ca_derive_status (self, account, &cert);
  if (!g_str_equal (status, "ISSUE"))
    {
      teken_ca_respond_wrong_status (request, status, issue_only);
      return;
    }

  if (enabled)
    {
      if (cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS)
        {
          teken_ca_respond_error (request, 8402, NULL);
          return;
        }
      plain = teken_ca_unwrap_key (self, cert->id, passphrase, NULL, &code, &details);
      if (plain == NULL)
        {
          teken_ca_respond_error (request, code, details);
          return;
        }
      if ((sealed = seal_key (self, plain, &error)) == NULL)
        {
          respond_internal (request, error);
          return;
        }
    }
  if (!teken_ca_store_set_otp_key (self->store, cert->id, sealed, &error))
    {
      respond_internal (request, error);
      return;
    }
  g_message ("OTP signing %s for certificate %s", enabled ? "enabled" : "disabled", cert->serial);

  json_object_set_boolean_member (answer, "signing_otp_enabled", enabled);
  root = json_node_init_object (json_node_alloc (), answer);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* Six uniform random digits. */
static char *
new_code (void)
{
  guint32 value;

  do
    {
      if (RAND_bytes ((guint8 *) &value, sizeof value) != 1)
        g_error ("no random bytes");
    }
  while (value >= G_MAXUINT32 - G_MAXUINT32 % 1000000);
  return g_strdup_printf ("%06u", value % 1000000);
}

/* POST /api/v2/sign/get/totp (58) [BSrE]: the checks of §4.4 steps 1–4 and
 * OTP signing on, then a code by e-mail (`signing_otp`, X-Teken-Code). */
void
teken_ca_handle_get_totp (Request    *request,
                          JsonObject *body)
{
  TekenCaServer *self = request->server;
  JsonNode *data = json_object_get_member (body, "data");
  const char *nik;
  const char *email;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *mail = NULL;
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *status;
  gint64 documents;
  gint64 now = teken_ca_now_seconds ();
  gint64 expires_at = now + self->settings.signing_otp_lifetime;

  if (!teken_ca_get_holder_identity (request, body, &nik, &email))
    return;
  if (data == NULL || JSON_NODE_HOLDS_NULL (data))
    {
      teken_ca_respond_field_error (request, 4014, "data", NULL);
      return;
    }
  if (!JSON_NODE_HOLDS_VALUE (data) || json_node_get_value_type (data) != G_TYPE_INT64 ||
      (documents = json_node_get_int (data)) < 1 || documents > MAX_OTP_DOCUMENTS)
    {
      teken_ca_respond_field_error (request, 4015, "data", "an integer from 1 to 100");
      return;
    }

  account = teken_ca_find_account (self, nik, email);
  if (!teken_ca_acts_for (request, account))
    return;
  if (account == NULL)
    {
      teken_ca_respond_error (request, 2011, NULL);
      return;
    }
  status = teken_ca_derive_status (self, account, &cert);
  if (!g_str_equal (status, "ISSUE"))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "status", status);
      teken_ca_respond_error (request, 2021, details);
      return;
    }
  if (g_strcmp0 (account->verification, "VERIFIED") != 0)
    {
      teken_ca_respond_error (request, 8401, NULL);
      return;
    }
  if (cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS || cert->wrapped_key == NULL)
    {
      teken_ca_respond_error (request, 8402, NULL);
      return;
    }
  if (cert->otp_key == NULL)
    {
      teken_ca_respond_error (request, 8404, NULL);
      return;
    }
  if (teken_ca_mail_rate_limited (request, account, "signing_otp"))
    return;

  code = new_code ();
  hash = code_hash (account, code);
  if (!teken_ca_store_begin (self->store, &error))
    {
      teken_wipe_string (code);
      respond_internal (request, error);
      return;
    }
  if (!teken_ca_store_add_signing_otp (self->store, account->id, hash, now, expires_at, SIGNING_OTP_TRIES,
                                       (int) documents, &error) ||
      (mail = teken_ca_mailer_send (self->mailer, account->email, "signing_otp", NULL, expires_at, code,
                                    &error)) == NULL ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      teken_wipe_string (code);
      respond_internal (request, error);
      return;
    }
  teken_wipe_string (code);

  json_object_set_boolean_member (answer, "success", TRUE);
  root = json_node_init_object (json_node_alloc (), answer);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

static void
respond_otp_invalid (Request *request,
                     int      attempts_left)
{
  g_autoptr(JsonObject) details = json_object_new ();

  json_object_set_int_member (details, "attempts_left", MAX (0, attempts_left));
  teken_ca_respond_error (request, 8403, details);
}

/**
 * teken_ca_take_signing_otp:
 * @documents: how many digests the request signs
 *
 * Step 5 of docs/api.md §4.4 for a request with `totp`: OTP signing on
 * (8404), at most the code's `data` digests (8405, no try used), the code
 * right (8403 with the tries left). A try is used up before the code is
 * compared; a right code is used up by this request.
 *
 * Returns: %TRUE when the request may sign with the sealed key
 */
gboolean
teken_ca_take_signing_otp (Request            *request,
                           TekenCaAccount     *account,
                           TekenCaCertificate *cert,
                           const char         *code,
                           guint               documents)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaSigningOtp) otp = NULL;
  g_autofree char *hash = NULL;
  gint64 now = teken_ca_now_seconds ();
  int tries_left;

  if (cert->otp_key == NULL)
    {
      teken_ca_respond_error (request, 8404, NULL);
      return FALSE;
    }
  otp = teken_ca_store_find_signing_otp (self->store, account->id);
  if (otp == NULL || otp->expires_at < now || otp->tries_left <= 0)
    {
      respond_otp_invalid (request, 0);
      return FALSE;
    }
  if (documents > (guint) otp->documents)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "max", otp->documents);
      teken_ca_respond_error (request, 8405, details);
      return FALSE;
    }
  tries_left = teken_ca_store_take_signing_otp_try (self->store, otp->id, now);
  if (tries_left < 0)
    {
      respond_otp_invalid (request, 0);
      return FALSE;
    }
  hash = code_hash (account, code);
  if (strlen (hash) != strlen (otp->code_hash) || CRYPTO_memcmp (hash, otp->code_hash, strlen (hash)) != 0)
    {
      respond_otp_invalid (request, tries_left);
      return FALSE;
    }
  if (!teken_ca_store_use_signing_otp (self->store, otp->id))
    {
      respond_otp_invalid (request, 0);
      return FALSE;
    }
  return TRUE;
}
