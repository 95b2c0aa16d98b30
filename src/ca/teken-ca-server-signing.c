/* teken-ca-server-signing.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* BSrE's check/status (docs/api.md §9.1) and hash signing (§9.2): the
 * passphrase unwraps the holder's key in a worker thread, never on the main
 * loop, and five wrong ones lock it. */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "teken-holder-rules.h"
#include "teken-ca-auth.h"
#include "teken-ca-server-private.h"
#include "teken-cms.h"
#include "teken-key-wrap.h"
#include "teken-totp.h"
#include "teken-x509-private.h"

void
teken_ca_handle_check_status (Request    *request,
                              JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *nik;
  const char *email;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *status;

  if (!teken_ca_get_holder_identity (request, body, &nik, &email))
    return;

  account = teken_ca_find_account (self, nik, email);
  if (!teken_ca_acts_for (request, account))
    return;
  status = teken_ca_derive_status (self, account, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status_code");
  json_builder_add_int_value (b, account == NULL ? 1110 : 1111);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, teken_ca_status_message (status));
  json_builder_set_member_name (b, "verification_status");
  if (account != NULL)
    json_builder_add_string_value (b, account->verification);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  request->status_code = account == NULL ? 1110 : 1111;
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

static gboolean
is_valid_map_key (const char *key)
{
  gsize length = strlen (key);

  if (length < 1 || length > 64)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (key[i]) && strchr ("_.-", key[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* Checks the map of §9.2 and decodes its digests, in the map's order. */
static gboolean
read_digests (Request     *request,
              JsonObject  *body,
              GPtrArray  **keys_out,
              GPtrArray  **digests_out,
              GPtrArray  **timestamp_out,
              gboolean    *validation_out)
{
  JsonNode *node = json_object_get_member (body, "signaturePropertiesHashMap");
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) levels = g_ptr_array_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *map;
  guint count;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      teken_ca_respond_field_error (request, 4014, "signaturePropertiesHashMap", NULL);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      teken_ca_respond_field_error (request, 4015, "signaturePropertiesHashMap", "must be an object");
      return FALSE;
    }

  map = json_node_get_object (node);
  count = json_object_get_size (map);
  if (count == 0)
    {
      teken_ca_respond_field_error (request, 4015, "signaturePropertiesHashMap", "1 to 100 entries");
      return FALSE;
    }
  if (count > MAX_DOCUMENTS)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "max", MAX_DOCUMENTS);
      teken_ca_respond_error (request, 8405, details);
      return FALSE;
    }

  members = json_object_get_members (map);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *entry = json_object_get_member (map, key);
      g_autofree char *field = g_strdup_printf ("signaturePropertiesHashMap.%s", key);
      g_autofree char *digest_field = g_strconcat (field, ".documentDigestBase64", NULL);
      g_autofree char *level_field = g_strconcat (field, ".signatureLevel", NULL);
      g_autofree guint8 *digest = NULL;
      const char *digest_text;
      const char *level;
      gsize length = 0;

      if (!is_valid_map_key (key))
        {
          teken_ca_respond_field_error (request, 4015, "signaturePropertiesHashMap", "keys of 1 to 64 of A-Z a-z 0-9 _ . -");
          return FALSE;
        }
      if (!JSON_NODE_HOLDS_OBJECT (entry))
        {
          teken_ca_respond_field_error (request, 4015, field, "must be an object");
          return FALSE;
        }
      if (!teken_ca_get_optional_string (request, json_node_get_object (entry), "documentDigestBase64",
                                digest_field, &digest_text) ||
          !teken_ca_get_optional_string (request, json_node_get_object (entry), "signatureLevel",
                                level_field, &level))
        return FALSE;
      if (digest_text == NULL)
        {
          teken_ca_respond_field_error (request, 4014, digest_field, NULL);
          return FALSE;
        }
      /* Standard padded base64 of 32 bytes is 44 characters. */
      if (strlen (digest_text) != 44 ||
          strspn (digest_text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != 44 ||
          (digest = g_base64_decode (digest_text, &length)) == NULL || length != 32)
        {
          teken_ca_respond_field_error (request, 4015, digest_field, "base64 of 32 bytes");
          return FALSE;
        }
      if (level != NULL && !g_str_equal (level, "PAdES_BASELINE_B") &&
          !g_str_equal (level, "PAdES_BASELINE_T") && !g_str_equal (level, "PAdES_BASELINE_LT") &&
          !g_str_equal (level, "PAdES_BASELINE_LTA"))
        {
          teken_ca_respond_field_error (request, 4015, level_field, "a PAdES baseline level");
          return FALSE;
        }

      g_ptr_array_add (keys, g_strdup (key));
      g_ptr_array_add (digests, g_bytes_new_take (g_steal_pointer (&digest), length));
      /* Level T is the default; B is the only one without a timestamp. */
      g_ptr_array_add (levels, GINT_TO_POINTER (g_strcmp0 (level, "PAdES_BASELINE_B") != 0));
      if (g_strcmp0 (level, "PAdES_BASELINE_LT") == 0 || g_strcmp0 (level, "PAdES_BASELINE_LTA") == 0)
        *validation_out = TRUE;
    }

  *keys_out = g_steal_pointer (&keys);
  *digests_out = g_steal_pointer (&digests);
  *timestamp_out = g_steal_pointer (&levels);
  return TRUE;
}

/* The passphrase's copy inside the parsed JSON is wiped as soon as it is in
 * a TekenSecret, so that only the secret's own buffer holds it. */
TekenSecret *
teken_ca_take_secret (JsonObject *body,
                      const char *member)
{
  JsonNode *node = json_object_get_member (body, member);
  char *text = (char *) json_node_get_string (node);
  TekenSecret *secret = teken_secret_new (text, -1);

  teken_wipe_string (text);
  return secret;
}
/* The slow half of hash signing — scrypt, RSA, the timestamp — runs in a
 * worker thread while the message is paused, so that other requests are
 * answered meanwhile. The thread touches no SoupServerMessage: it leaves an
 * error code or a response body in the job, and the main thread answers. */
typedef struct
{
  TekenCaServer *server;
  SoupServerMessage *msg;
  char request_id[33];
  const char *auth;
  gint64 started;

  gint64 certificate_id;
  TekenSecret *passphrase;
  GPtrArray *keys;
  GPtrArray *digests;
  GPtrArray *timestamp;
  gboolean validation;   /* some entry is LT or LTA */

  int error_code;
  JsonObject *error_details;
  JsonNode *result;
} SignJob;

static void
sign_job_free (SignJob *job)
{
  g_clear_object (&job->server);
  g_clear_object (&job->msg);
  g_clear_pointer (&job->passphrase, teken_secret_unref);
  g_clear_pointer (&job->keys, g_ptr_array_unref);
  g_clear_pointer (&job->digests, g_ptr_array_unref);
  g_clear_pointer (&job->timestamp, g_ptr_array_unref);
  g_clear_pointer (&job->error_details, json_object_unref);
  g_clear_pointer (&job->result, json_node_unref);
  g_free (job);
}

static void
fail_job (SignJob *job,
          int      code)
{
  job->error_code = code;
}

/**
 * teken_ca_unwrap_key:
 * @code: (out): on failure, the error code of docs/api.md §3.2
 * @details: (out): on failure, its details or %NULL
 *
 * Checks the passphrase against the key, counting failures (docs/api.md
 * §2.9); the fifth locks the key and mails `key_locked`. scrypt runs
 * outside the lock, so one holder's parallel requests use every core; but
 * no more checks of a key may be under way than it has attempts left, so
 * parallel wrong guesses cannot outrun the limit: the others wait for a
 * result. Keys share the lock, condition and count of their stripe. Runs
 * scrypt: call it from a worker thread.
 *
 * Returns: (transfer full): the PKCS#8 key, in memory wiped when freed
 */
GBytes *
teken_ca_unwrap_key (TekenCaServer       *self,
                     gint64               certificate_id,
                     TekenSecret         *passphrase,
                     TekenCaCertificate **cert_out,
                     int                 *code,
                     JsonObject         **details)
{
  guint stripe = certificate_id % G_N_ELEMENTS (self->key_locks);
  GMutex *lock = &self->key_locks[stripe];
  GCond *changed = &self->key_changed[stripe];
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) store_error = NULL;
  int failures;

  *details = NULL;
  g_mutex_lock (lock);
  for (;;)
    {
      g_clear_pointer (&cert, teken_ca_certificate_free);
      cert = teken_ca_store_get_certificate (self->store, certificate_id);
      if (cert == NULL || cert->wrapped_key == NULL ||
          cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS)
        {
          g_mutex_unlock (lock);
          *code = cert == NULL ? 8010 : 8402;
          return NULL;
        }
      if (cert->key_failures + self->key_checks[stripe] < TEKEN_CA_PASSPHRASE_ATTEMPTS)
        break;
      g_cond_wait (changed, lock);
    }
  self->key_checks[stripe]++;
  g_mutex_unlock (lock);

  plain = teken_key_unwrap (cert->wrapped_key, passphrase, &error);

  g_mutex_lock (lock);
  self->key_checks[stripe]--;
  g_cond_broadcast (changed);
  g_clear_pointer (&cert, teken_ca_certificate_free);
  cert = teken_ca_store_get_certificate (self->store, certificate_id);
  if (cert == NULL)
    {
      g_mutex_unlock (lock);
      *code = 8010;
      return NULL;
    }
  failures = cert->key_failures;
  if (plain == NULL && g_error_matches (error, TEKEN_KEY_WRAP_ERROR, TEKEN_KEY_WRAP_ERROR_WRONG_PASSPHRASE))
    failures++;
  else if (plain != NULL)
    failures = 0;
  if (failures != cert->key_failures &&
      !teken_ca_store_set_key_failures (self->store, cert->id, failures, &store_error))
    {
      g_mutex_unlock (lock);
      g_warning ("%s", store_error->message);
      *code = 8010;
      return NULL;
    }
  g_mutex_unlock (lock);

  if (plain == NULL && failures > cert->key_failures)
    {
      if (failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS)
        {
          g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, cert->account_id);

          g_message ("key of certificate %s locked after %d wrong passphrases", cert->serial, failures);
          if (account != NULL)
            teken_ca_send_notice (self, account->email, "key_locked");
          *code = 8402;
        }
      else
        {
          *details = json_object_new ();
          json_object_set_int_member (*details, "attempts_left", TEKEN_CA_PASSPHRASE_ATTEMPTS - failures);
          *code = 2031;
        }
      return NULL;
    }
  if (plain == NULL)
    {
      g_warning ("key of certificate %s: %s", cert->serial, error->message);
      *code = 8010;
      return NULL;
    }

  if (cert_out != NULL)
    *cert_out = g_steal_pointer (&cert);
  return g_steal_pointer (&plain);
}

/* The key for this job: unwrapped with the passphrase, or, for a job that
 * a signing OTP allowed, unsealed with the server key (§7.9). */
static GBytes *
unwrap_key (SignJob             *job,
            TekenCaCertificate **cert_out)
{
  g_autoptr(TekenCaCertificate) cert = NULL;
  GBytes *plain;

  if (job->passphrase != NULL)
    return teken_ca_unwrap_key (job->server, job->certificate_id, job->passphrase, cert_out,
                                &job->error_code, &job->error_details);

  cert = teken_ca_store_get_certificate (job->server->store, job->certificate_id);
  plain = cert != NULL ? teken_ca_unseal_otp_key (job->server, cert) : NULL;
  if (plain == NULL)
    {
      fail_job (job, cert != NULL && cert->otp_key == NULL ? 8404 : 8010);
      return NULL;
    }
  *cert_out = g_steal_pointer (&cert);
  return plain;
}

static void
add_base64_array (JsonBuilder *builder,
                  const char  *member,
                  GPtrArray   *items)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (items, i);
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (bytes, NULL),
                                                  g_bytes_get_size (bytes));

      json_builder_add_string_value (builder, encoded);
    }
  json_builder_end_array (builder);
}

static void
sign_job_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  SignJob *job = task_data;
  TekenCaServer *self = job->server;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(GBytes) plain_key = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509) x509 = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(TekenX509Stack) issuing_only = sk_X509_new_null ();
  STACK_OF (X509) *chain = teken_ca_authority_get_chain (self->authority);
  const guint8 *p;

  plain_key = unwrap_key (job, &cert);
  if (plain_key == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  p = g_bytes_get_data (plain_key, NULL);
  key = d2i_AutoPrivateKey (NULL, &p, (long) g_bytes_get_size (plain_key));
  p = g_bytes_get_data (cert->der, NULL);
  x509 = d2i_X509 (NULL, &p, (long) g_bytes_get_size (cert->der));
  if (key == NULL || x509 == NULL)
    {
      teken_openssl_log_errors ("holder key");
      fail_job (job, 8010);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* The signer's and the issuing CA's certificates (§9.2). */
  X509_up_ref (sk_X509_value (chain, 0));
  sk_X509_push (issuing_only, sk_X509_value (chain, 0));

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "cmsSignedDataHashMap");
  json_builder_begin_object (b);
  for (guint i = 0; i < job->keys->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) cms = NULL;
      g_autofree char *encoded = NULL;

      cms = teken_cms_sign_digest (key, x509, issuing_only, g_ptr_array_index (job->digests, i), &error);
      if (cms != NULL && g_ptr_array_index (job->timestamp, i) != NULL)
        {
          GBytes *stamped = teken_ca_authority_timestamp_signature (self->authority, cms, &error);

          g_bytes_unref (cms);
          cms = stamped;
        }
      if (cms == NULL)
        {
          g_warning ("signing failed: %s", error->message);
          fail_job (job, 8010);
          g_task_return_boolean (task, TRUE);
          return;
        }
      encoded = g_base64_encode (g_bytes_get_data (cms, NULL), g_bytes_get_size (cms));
      json_builder_set_member_name (b, g_ptr_array_index (job->keys, i));
      json_builder_add_string_value (b, encoded);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "validationData");
  if (job->validation)
    {
      g_autoptr(GPtrArray) certificates = NULL;
      g_autoptr(GPtrArray) ocsp_responses = NULL;
      g_autoptr(GPtrArray) crls = NULL;
      g_autoptr(GError) error = NULL;

      if (!teken_ca_authority_get_validation_data (self->authority, x509, &certificates,
                                                   &ocsp_responses, &crls, &error))
        {
          g_warning ("validation data: %s", error->message);
          fail_job (job, 8010);
          g_task_return_boolean (task, TRUE);
          return;
        }
      json_builder_begin_object (b);
      add_base64_array (b, "certificates", certificates);
      add_base64_array (b, "ocspResponses", ocsp_responses);
      add_base64_array (b, "crls", crls);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_object (b);

  job->result = json_builder_get_root (b);
  g_task_return_boolean (task, TRUE);
}

static void
sign_job_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SignJob *job = g_task_get_task_data (G_TASK (result));
  Request request = { .server = job->server, .msg = job->msg, .auth = job->auth, .started = job->started };

  memcpy (request.request_id, job->request_id, sizeof request.request_id);
  if (job->result != NULL)
    teken_ca_set_json_response (&request, SOUP_STATUS_OK, job->result);
  else
    teken_ca_respond_error (&request, job->error_code, job->error_details);

  teken_ca_log_request (&request);
  soup_server_message_unpause (job->msg);
}

void
teken_ca_handle_sign_hash (Request    *request,
                           JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *nik;
  const char *email;
  const char *passphrase_text;
  const char *totp;
  const char *id_subscriber;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) digests = NULL;
  g_autoptr(GPtrArray) timestamp = NULL;
  g_autoptr(TekenSecret) passphrase = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(GTask) task = NULL;
  gboolean validation = FALSE;
  SignJob *job;
  const char *status;

  /* Body validation first: a malformed request never uses up an attempt. */
  if (!teken_ca_get_holder_identity (request, body, &nik, &email) ||
      !teken_ca_get_optional_string (request, body, "passphrase", "passphrase", &passphrase_text) ||
      !teken_ca_get_optional_string (request, body, "totp", "totp", &totp) ||
      !teken_ca_get_optional_string (request, body, "idSubscriber", "idSubscriber", &id_subscriber))
    return;
  if (passphrase_text == NULL && totp == NULL)
    {
      teken_ca_respond_field_error (request, 4014, "passphrase", NULL);
      return;
    }
  if (passphrase_text != NULL && totp != NULL)
    {
      teken_ca_respond_field_error (request, 4015, "passphrase", "passphrase and totp are exclusive");
      return;
    }
  if (passphrase_text != NULL && strlen (passphrase_text) > MAX_SECRET_LENGTH)
    {
      teken_ca_respond_field_error (request, 4015, "passphrase", "at most 128 characters");
      return;
    }
  if (totp != NULL && strlen (totp) > 16)
    {
      teken_ca_respond_field_error (request, 4015, "totp", "at most 16 characters");
      return;
    }
  if (id_subscriber != NULL)
    {
      teken_ca_respond_error (request, 8406, NULL);
      return;
    }
  if (!read_digests (request, body, &keys, &digests, &timestamp, &validation))
    return;

  if (passphrase_text != NULL)
    passphrase = teken_ca_take_secret (body, "passphrase");

  /* docs/api.md §4.4, in order; step 5 in the worker. */
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
  if (passphrase == NULL)
    {
      gboolean allowed = teken_ca_take_signing_otp (request, account, cert, totp, keys->len);

      teken_wipe_string ((char *) totp);
      if (!allowed)
        return;
    }

  job = g_new0 (SignJob, 1);
  job->server = g_object_ref (self);
  job->msg = g_object_ref (request->msg);
  memcpy (job->request_id, request->request_id, sizeof job->request_id);
  job->auth = request->auth;
  job->started = request->started;
  job->certificate_id = cert->id;
  job->passphrase = g_steal_pointer (&passphrase);
  job->keys = g_steal_pointer (&keys);
  job->digests = g_steal_pointer (&digests);
  job->timestamp = g_steal_pointer (&timestamp);
  job->validation = validation;

  request->paused = TRUE;
  soup_server_message_pause (request->msg);
  task = g_task_new (self, NULL, sign_job_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) sign_job_free);
  g_task_run_in_thread (task, sign_job_thread);
}
