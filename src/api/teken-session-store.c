/* teken-session-store.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Sign-ins kept between runs, in the Secret Service (gnome-keyring, or the
 * Secret portal in Flatpak) through libsecret.
 *
 * One item per CA server and account, found by the attributes `server` and
 * `account` of the schema io.github.teken.Teken.Session. Its secret holds
 * the access and refresh tokens with their scope and expiry times; nothing
 * else is kept. Passwords, passphrases and one-time codes never come here
 * (docs/api.md §14: the app keeps only the refresh and access tokens).
 * Signing out deletes the item.
 *
 * The secret is a few lines of text:
 *
 *   teken-session-1
 *   <scope>
 *   <access token expiry, Unix seconds>
 *   <refresh token expiry, Unix seconds>
 *   <access token>
 *   <refresh token>
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <openssl/crypto.h>
#include <string.h>

#include "teken-ca-error.h"
#include "teken-session-store.h"

#define FORMAT "teken-session-1"

struct _TekenSessionStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (TekenSessionStore, teken_session_store, G_TYPE_OBJECT)

static const SecretSchema session_schema = {
  "io.github.teken.Teken.Session", SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* The values are copies: libsecret keeps the table until its call ends,
 * which can be after the caller's strings (a session's account) are gone. */
static GHashTable *
make_attributes (const char *server_url,
                 const char *account)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, "server", g_strdup (server_url));
  if (account != NULL)
    g_hash_table_insert (attributes, "account", g_strdup (account));

  return attributes;
}

static GError *
keyring_error (const GError *error)
{
  return g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                      _("The keyring could not be used (%s). You will have to sign in again next time."),
                      error->message);
}

/* Reads the secret text back into a session; NULL when it is not ours. */
static TekenCaSession *
parse_secret (const char *account,
              const char *text,
              gsize       length)
{
  g_autofree char *copy = g_strndup (text, length);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", -1);
  g_autoptr(TekenSecret) access = NULL;
  g_autoptr(TekenSecret) refresh = NULL;
  TekenCaSession *session = NULL;
  gint64 access_expires;
  gint64 refresh_expires;
  char *end = NULL;

  if (g_strv_length (lines) == 6 && g_str_equal (lines[0], FORMAT) &&
      *lines[4] != '\0' && *lines[5] != '\0')
    {
      access_expires = g_ascii_strtoll (lines[2], &end, 10);
      if (end != NULL && *end == '\0')
        {
          refresh_expires = g_ascii_strtoll (lines[3], &end, 10);
          if (end != NULL && *end == '\0')
            {
              access = teken_secret_new (lines[4], -1);
              refresh = teken_secret_new (lines[5], -1);
              session = teken_ca_session_new (account, lines[1], access, access_expires,
                                              refresh, refresh_expires);
            }
        }
    }

  for (guint i = 0; lines[i] != NULL; i++)
    teken_wipe_string (lines[i]);
  OPENSSL_cleanse (copy, length);

  return session;
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
searched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GList *items = secret_password_search_finish (result, &error);
  gint64 best_expiry = G_MININT64;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  TekenCaSession *found = NULL;

  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      return;
    }

  /* Several accounts on one server: the one whose sign-in lasts longest,
   * i.e. the most recent. An ended one is of no use. */
  for (GList *l = items; l != NULL; l = l->next)
    {
      SecretRetrievable *item = l->data;
      /* Loaded with the search: no further round trip. */
      g_autoptr(SecretValue) value = SECRET_IS_ITEM (item) ? secret_item_get_secret (SECRET_ITEM (item))
                                                           : secret_retrievable_retrieve_secret_sync (item, NULL, NULL);
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (item);
      g_autoptr(TekenCaSession) session = NULL;
      const char *text;
      gsize length = 0;

      if (value == NULL)
        continue;
      text = secret_value_get (value, &length);
      session = parse_secret (g_hash_table_lookup (attributes, "account"), text, length);
      if (session == NULL || teken_ca_session_get_refresh_expires_at (session) <= now ||
          teken_ca_session_get_refresh_expires_at (session) <= best_expiry)
        continue;

      best_expiry = teken_ca_session_get_refresh_expires_at (session);
      g_clear_pointer (&found, teken_ca_session_unref);
      found = g_steal_pointer (&session);
    }
  g_list_free_full (items, g_object_unref);
  g_task_return_pointer (task, found, found != NULL ? (GDestroyNotify) teken_ca_session_unref : NULL);
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error: there was nothing to delete. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
teken_session_store_class_init (TekenSessionStoreClass *klass)
{
}

static void
teken_session_store_init (TekenSessionStore *self)
{
}

TekenSessionStore *
teken_session_store_new (void)
{
  return g_object_new (TEKEN_TYPE_SESSION_STORE, NULL);
}

/**
 * teken_session_store_save_async:
 * @self: a #TekenSessionStore
 * @server_url: the CA's base URL
 * @session: the session to keep, replacing the account's earlier one
 */
void
teken_session_store_save_async (TekenSessionStore   *self,
                                const char          *server_url,
                                TekenCaSession      *session,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autofree char *label = NULL;
  g_autofree char *header = NULL;
  TekenSecret *access;
  TekenSecret *refresh;
  gsize header_length;
  gsize length;
  char *text;

  g_return_if_fail (TEKEN_IS_SESSION_STORE (self));
  g_return_if_fail (server_url != NULL);
  g_return_if_fail (session != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_session_store_save_async);

  /* The tokens go straight into libsecret's own wiped memory. */
  access = teken_ca_session_get_access_token (session);
  refresh = teken_ca_session_get_refresh_token (session);
  header = g_strdup_printf ("%s\n%s\n%" G_GINT64_FORMAT "\n%" G_GINT64_FORMAT "\n", FORMAT,
                            teken_ca_session_get_scope (session),
                            teken_ca_session_get_access_expires_at (session),
                            teken_ca_session_get_refresh_expires_at (session));
  header_length = strlen (header);
  length = header_length + teken_secret_get_length (access) + 1 + teken_secret_get_length (refresh);
  text = g_malloc (length + 1);
  memcpy (text, header, header_length);
  memcpy (text + header_length, teken_secret_get_text (access), teken_secret_get_length (access));
  text[header_length + teken_secret_get_length (access)] = '\n';
  memcpy (text + header_length + teken_secret_get_length (access) + 1, teken_secret_get_text (refresh),
          teken_secret_get_length (refresh));
  text[length] = '\0';
  value = secret_value_new (text, length, "text/plain");
  OPENSSL_cleanse (text, length);
  g_free (text);

  attributes = make_attributes (server_url, teken_ca_session_get_account (session));
  /* TRANSLATORS: the label of the keyring item; %s are an account and a server address. */
  label = g_strdup_printf (_("Teken sign-in of %s at %s"), teken_ca_session_get_account (session), server_url);
  secret_password_storev_binary (&session_schema, attributes, SECRET_COLLECTION_DEFAULT, label, value,
                                 cancellable, stored_cb, task);
}

gboolean
teken_session_store_save_finish (TekenSessionStore  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * teken_session_store_load_async:
 * @self: a #TekenSessionStore
 * @server_url: the CA's base URL
 * @account: (nullable): the account, or %NULL for the most recent sign-in
 *   on @server_url
 */
void
teken_session_store_load_async (TekenSessionStore   *self,
                                const char          *server_url,
                                const char          *account,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (TEKEN_IS_SESSION_STORE (self));
  g_return_if_fail (server_url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_session_store_load_async);
  attributes = make_attributes (server_url, account);
  secret_password_searchv (&session_schema, attributes,
                           SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                           cancellable, searched_cb, task);
}

/**
 * teken_session_store_load_finish:
 *
 * Returns: (transfer full) (nullable): the session, or %NULL when there is
 *   none (then @error is not set) or on error
 */
TekenCaSession *
teken_session_store_load_finish (TekenSessionStore  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * teken_session_store_clear_async:
 * @self: a #TekenSessionStore
 * @server_url: the CA's base URL
 * @account: (nullable): the account, or %NULL for every account on
 *   @server_url
 */
void
teken_session_store_clear_async (TekenSessionStore   *self,
                                 const char          *server_url,
                                 const char          *account,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (TEKEN_IS_SESSION_STORE (self));
  g_return_if_fail (server_url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, teken_session_store_clear_async);
  attributes = make_attributes (server_url, account);
  secret_password_clearv (&session_schema, attributes, cancellable, cleared_cb, task);
}

gboolean
teken_session_store_clear_finish (TekenSessionStore  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
