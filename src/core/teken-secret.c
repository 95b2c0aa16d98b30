/* teken-secret.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A passphrase, password or one-time code held in memory only.
 *
 * The bytes live in one allocation that is wiped with OPENSSL_cleanse() when
 * the last reference goes, so a secret never lingers in freed heap memory. The
 * type has no to-string and no GValue transform: a secret cannot end up in a
 * log line or an error message by accident.
 */

#include "config.h"

#include <string.h>
#include <openssl/crypto.h>

#include "teken-secret.h"

struct _TekenSecret
{
  gatomicrefcount ref_count;
  gsize length;
  char text[];
};

G_DEFINE_BOXED_TYPE (TekenSecret, teken_secret, teken_secret_ref, teken_secret_unref)

/**
 * teken_secret_new:
 * @text: the secret, not necessarily nul-terminated
 * @length: the length of @text in bytes, or -1 if it is nul-terminated
 *
 * Copies @text into a buffer that is wiped when freed. The caller still owns
 * @text and should wipe it (see teken_wipe_string()).
 *
 * Returns: (transfer full): a new secret
 */
TekenSecret *
teken_secret_new (const char *text,
                  gssize      length)
{
  TekenSecret *self;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (text);

  self = g_malloc (sizeof *self + length + 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->length = length;
  if (length > 0)
    memcpy (self->text, text, length);
  self->text[length] = '\0';

  return self;
}

TekenSecret *
teken_secret_ref (TekenSecret *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
teken_secret_unref (TekenSecret *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      OPENSSL_cleanse (self, sizeof *self + self->length + 1);
      g_free (self);
    }
}

/**
 * teken_secret_get_text:
 *
 * Returns: (transfer none): the nul-terminated secret; valid while @self lives
 */
const char *
teken_secret_get_text (const TekenSecret *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text;
}

gsize
teken_secret_get_length (const TekenSecret *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->length;
}

gboolean
teken_secret_is_empty (const TekenSecret *self)
{
  return self == NULL || self->length == 0;
}

/**
 * teken_wipe_string:
 * @text: (nullable): a nul-terminated string to overwrite in place
 *
 * Overwrites a string that held a secret, for buffers the secret passed
 * through before it became a #TekenSecret (an entry's text, a file's line).
 */
void
teken_wipe_string (char *text)
{
  if (text != NULL)
    OPENSSL_cleanse (text, strlen (text));
}
