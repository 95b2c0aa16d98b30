/* teken-cli-common.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the commands share: reading a secret from a file or standard input
 * (never from the command line, where every user of the machine can read
 * it), and connecting to a CA server with client credentials or the
 * session the app keeps in the keyring.
 *
 * A command runs the asynchronous calls of src/api on the default main
 * context and waits for each with teken_cli_wait(): there is no window to
 * keep responsive.
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "teken-cli-common.h"
#include "teken-session-store.h"

#define MAX_SECRET_LENGTH 4096

/**
 * teken_cli_read_secret:
 * @path: a file, or "-" for standard input
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the first line of @path, without its
 *   end, or %NULL with @error set
 */
TekenSecret *
teken_cli_read_secret (const char  *path,
                       GError     **error)
{
  char buffer[MAX_SECRET_LENGTH + 2];
  gboolean from_stdin = g_str_equal (path, "-");
  FILE *file = from_stdin ? stdin : fopen (path, "re");
  g_autofree char *name = from_stdin ? g_strdup (_("standard input")) : g_filename_display_name (path);
  TekenSecret *secret;
  gsize length;

  if (file == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not read “%s”: %s"), name, g_strerror (saved_errno));
      return NULL;
    }

  if (fgets (buffer, sizeof buffer, file) == NULL)
    buffer[0] = '\0';
  if (!from_stdin)
    fclose (file);

  length = strcspn (buffer, "\r\n");
  if (length == 0 || length > MAX_SECRET_LENGTH)
    {
      OPENSSL_cleanse (buffer, sizeof buffer);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” does not hold a secret on its first line."), name);
      return NULL;
    }

  secret = teken_secret_new (buffer, length);
  OPENSSL_cleanse (buffer, sizeof buffer);

  return secret;
}

void
teken_cli_got_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **result_out = user_data;

  *result_out = g_object_ref (result);
}

/**
 * teken_cli_wait:
 * @result: where teken_cli_got_result() puts the result
 *
 * Runs the default main context until the call is done.
 *
 * Returns: (transfer none): *@result
 */
GAsyncResult *
teken_cli_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

/**
 * teken_cli_connect:
 * @server: the CA's URL
 * @ca_file: (nullable): the PEM file to trust for its TLS certificate
 * @client_id: (nullable): client credentials: the id…
 * @client_secret_file: (nullable): …and the file holding the secret
 * @error: return location for a #GError
 *
 * Without client credentials, the client uses the session the app keeps in
 * the keyring for @server; refreshing it keeps the keyring up to date.
 *
 * Returns: (transfer full) (nullable): a client, or %NULL with @error set
 */
TekenCaClient *
teken_cli_connect (const char  *server,
                   const char  *ca_file,
                   const char  *client_id,
                   const char  *client_secret_file,
                   GError     **error)
{
  g_autoptr(TekenCaClient) client = teken_ca_client_new (server, ca_file, error);
  g_autoptr(TekenSessionStore) store = NULL;
  g_autoptr(TekenCaSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;

  if (client == NULL)
    return NULL;

  if (client_id != NULL)
    {
      g_autoptr(TekenSecret) client_secret = teken_cli_read_secret (client_secret_file, error);

      if (client_secret == NULL)
        return NULL;
      teken_ca_client_set_client_credentials (client, client_id, client_secret);
      return g_steal_pointer (&client);
    }

  store = teken_session_store_new ();
  g_object_set (client, "session-store", store, NULL);
  teken_session_store_load_async (store, teken_ca_client_get_base_url (client), NULL, NULL,
                                  teken_cli_got_result, &result);
  session = teken_session_store_load_finish (store, teken_cli_wait (&result), &local_error);
  if (session == NULL)
    {
      if (local_error != NULL)
        g_debug ("no stored session: %s", local_error->message);
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_NO_CREDENTIALS,
                   _("Not signed in to %s. Give the client credentials with --client-id and --client-secret-file, or sign in to this server in Teken first."),
                   teken_ca_client_get_base_url (client));
      return NULL;
    }

  teken_ca_client_set_session (client, session);
  return g_steal_pointer (&client);
}
