/* teken-trust-anchor.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The anchors Teken trusts, as the holder sees and manages them: the
 * pinned Indonesian roots, the certificates installed with Teken and the
 * ones the holder imported. The trust store (teken-trust.c) reads the same
 * places; this is what Preferences lists, and how a certificate gets into
 * the user's directory: only a CA certificate that is valid today, copied
 * atomically under its fingerprint, so a second import of it is noticed.
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>

#include "teken-trust.h"
#include "teken-trust-anchor.h"
#include "teken-trust-private.h"
#include "teken-x509-private.h"

struct _TekenTrustAnchor
{
  GObject                 parent_instance;

  TekenTrustAnchorSource  source;
  char                   *name;
  char                   *subject;
  char                   *fingerprint;   /* "AB:CD:…", as openssl x509 -fingerprint prints it */
  GDateTime              *not_before;
  GDateTime              *not_after;
  char                   *path;
  X509                   *certificate;   /* NULL when pinned */
};

G_DEFINE_FINAL_TYPE (TekenTrustAnchor, teken_trust_anchor, G_TYPE_OBJECT)

static char *
format_fingerprint (const guint8 *digest,
                    gsize         length)
{
  GString *text = g_string_sized_new (length * 3);

  for (gsize i = 0; i < length; i++)
    g_string_append_printf (text, i == 0 ? "%02X" : ":%02X", digest[i]);

  return g_string_free (text, FALSE);
}

static char *
format_pin (const char *hex)
{
  GString *text = g_string_new (NULL);

  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    {
      if (i > 0)
        g_string_append_c (text, ':');
      g_string_append_c (text, g_ascii_toupper (hex[i]));
      g_string_append_c (text, g_ascii_toupper (hex[i + 1]));
    }

  return g_string_free (text, FALSE);
}

static TekenTrustAnchor *
anchor_new_for_certificate (X509                   *certificate,
                            TekenTrustAnchorSource  source,
                            const char             *path)
{
  TekenTrustAnchor *self = g_object_new (TEKEN_TYPE_TRUST_ANCHOR, NULL);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;

  X509_up_ref (certificate);
  self->certificate = certificate;
  self->source = source;
  self->path = g_strdup (path);
  self->name = teken_x509_get_display_name (certificate);
  self->subject = teken_x509_name_to_string (X509_get_subject_name (certificate));
  self->not_before = teken_asn1_time_to_date_time (X509_get0_notBefore (certificate));
  self->not_after = teken_asn1_time_to_date_time (X509_get0_notAfter (certificate));
  if (X509_digest (certificate, EVP_sha256 (), digest, &length))
    self->fingerprint = format_fingerprint (digest, length);
  else
    self->fingerprint = g_strdup ("");

  return self;
}

static gboolean
has_certificate_extension (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".pem") || g_str_has_suffix (lower, ".crt") ||
         g_str_has_suffix (lower, ".cer");
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  TekenTrustAnchor *x = *(TekenTrustAnchor **) a;
  TekenTrustAnchor *y = *(TekenTrustAnchor **) b;

  return g_utf8_collate (x->name, y->name);
}

static void
add_directory (GPtrArray              *anchors,
               const char             *path,
               TekenTrustAnchorSource  source)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(TekenX509Stack) certificates = NULL;
      gsize length = 0;

      if (!has_certificate_extension (name))
        continue;

      file = g_build_filename (path, name, NULL);
      if (!g_file_get_contents (file, &contents, &length, NULL))
        continue;

      certificates = teken_trust_read_certificates (contents, length);
      for (int i = 0; i < sk_X509_num (certificates); i++)
        g_ptr_array_add (found, anchor_new_for_certificate (sk_X509_value (certificates, i), source, file));
    }

  g_ptr_array_sort (found, compare_by_name);
  g_ptr_array_extend_and_steal (anchors, g_steal_pointer (&found));
}

static gboolean
is_trusted (const char *fingerprint)
{
  g_autoptr(GPtrArray) anchors = teken_trust_anchor_list_defaults ();

  for (guint i = 0; i < anchors->len; i++)
    if (g_ascii_strcasecmp (teken_trust_anchor_get_fingerprint (g_ptr_array_index (anchors, i)), fingerprint) == 0)
      return TRUE;

  return FALSE;
}

static char *
format_date (GDateTime *date)
{
  return date != NULL ? g_date_time_format (date, "%Y-%m-%d") : g_strdup ("?");
}

static void
teken_trust_anchor_finalize (GObject *object)
{
  TekenTrustAnchor *self = TEKEN_TRUST_ANCHOR (object);

  g_free (self->name);
  g_free (self->subject);
  g_free (self->fingerprint);
  g_clear_pointer (&self->not_before, g_date_time_unref);
  g_clear_pointer (&self->not_after, g_date_time_unref);
  g_free (self->path);
  g_clear_pointer (&self->certificate, X509_free);

  G_OBJECT_CLASS (teken_trust_anchor_parent_class)->finalize (object);
}

static void
teken_trust_anchor_class_init (TekenTrustAnchorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = teken_trust_anchor_finalize;
}

static void
teken_trust_anchor_init (TekenTrustAnchor *self)
{
}

/**
 * teken_trust_anchor_get_user_directory:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/teken/trust`, which need not exist
 */
char *
teken_trust_anchor_get_user_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "teken", "trust", NULL);
}

/**
 * teken_trust_anchor_list_defaults:
 *
 * The anchors teken_trust_store_add_defaults() trusts: the pinned roots,
 * then the installed ones, then the user's, each sorted by name.
 *
 * Returns: (transfer container) (element-type TekenTrustAnchor): the anchors
 */
GPtrArray *
teken_trust_anchor_list_defaults (void)
{
  GPtrArray *anchors = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *user_dir = teken_trust_anchor_get_user_directory ();

  for (gsize i = 0; i < teken_trust_n_pins; i++)
    {
      TekenTrustAnchor *pinned = g_object_new (TEKEN_TYPE_TRUST_ANCHOR, NULL);

      pinned->source = TEKEN_TRUST_ANCHOR_PINNED;
      pinned->name = g_strdup (teken_trust_pins[i].name);
      pinned->subject = g_strdup (teken_trust_pins[i].name);
      pinned->fingerprint = format_pin (teken_trust_pins[i].sha256);
      g_ptr_array_add (anchors, pinned);
    }

  add_directory (anchors, PKGDATADIR "/trust", TEKEN_TRUST_ANCHOR_INSTALLED);
  add_directory (anchors, user_dir, TEKEN_TRUST_ANCHOR_USER);

  return anchors;
}

/**
 * teken_trust_anchor_new_from_file:
 * @path: a file with one certificate, PEM or DER
 *
 * Reads a certificate the holder may want to trust. Nothing is trusted
 * yet: see teken_trust_anchor_check_importable() and
 * teken_trust_anchor_import().
 *
 * Returns: (transfer full): a %TEKEN_TRUST_ANCHOR_CANDIDATE, or %NULL with
 *   @error set (%G_FILE_ERROR or %TEKEN_TRUST_ERROR_INVALID_FILE)
 */
TekenTrustAnchor *
teken_trust_anchor_new_from_file (const char  *path,
                                  GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *display_name = NULL;
  g_autoptr(TekenX509Stack) certificates = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  display_name = g_filename_display_basename (path);
  certificates = teken_trust_read_certificates (contents, length);
  if (sk_X509_num (certificates) == 0)
    {
      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_INVALID_FILE,
                   /* Translators: %s is a file name */
                   _("“%s” does not contain a certificate. Choose a certificate file (.pem, .crt or .cer)."),
                   display_name);
      return NULL;
    }
  if (sk_X509_num (certificates) > 1)
    {
      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_INVALID_FILE,
                   /* Translators: %s is a file name */
                   _("“%s” contains several certificates. Choose a file with only the certificate authority you want to trust."),
                   display_name);
      return NULL;
    }

  return anchor_new_for_certificate (sk_X509_value (certificates, 0), TEKEN_TRUST_ANCHOR_CANDIDATE, path);
}

TekenTrustAnchorSource
teken_trust_anchor_get_source (TekenTrustAnchor *self)
{
  g_return_val_if_fail (TEKEN_IS_TRUST_ANCHOR (self), TEKEN_TRUST_ANCHOR_CANDIDATE);

  return self->source;
}

/* The subject's common name: how people know a CA. */
const char *
teken_trust_anchor_get_name (TekenTrustAnchor *self)
{
  g_return_val_if_fail (TEKEN_IS_TRUST_ANCHOR (self), NULL);

  return self->name;
}

/* The whole subject (RFC 2253); only the name for a pinned root. */
const char *
teken_trust_anchor_get_subject (TekenTrustAnchor *self)
{
  g_return_val_if_fail (TEKEN_IS_TRUST_ANCHOR (self), NULL);

  return self->subject;
}

/* The SHA-256 of the DER in upper-case hex pairs separated by colons. */
const char *
teken_trust_anchor_get_fingerprint (TekenTrustAnchor *self)
{
  g_return_val_if_fail (TEKEN_IS_TRUST_ANCHOR (self), NULL);

  return self->fingerprint;
}

/* Returns: (nullable): %NULL for a pinned root, known only by its fingerprint */
GDateTime *
teken_trust_anchor_get_not_before (TekenTrustAnchor *self)
{
  g_return_val_if_fail (TEKEN_IS_TRUST_ANCHOR (self), NULL);

  return self->not_before;
}

/* Returns: (nullable): %NULL for a pinned root */
GDateTime *
teken_trust_anchor_get_not_after (TekenTrustAnchor *self)
{
  g_return_val_if_fail (TEKEN_IS_TRUST_ANCHOR (self), NULL);

  return self->not_after;
}

/* Returns: (nullable): the file it was read from; %NULL for a pinned root */
const char *
teken_trust_anchor_get_path (TekenTrustAnchor *self)
{
  g_return_val_if_fail (TEKEN_IS_TRUST_ANCHOR (self), NULL);

  return self->path;
}

/**
 * teken_trust_anchor_check_importable:
 *
 * Whether @self may become a trust anchor: a CA certificate
 * (basicConstraints cA), valid today, not trusted already.
 *
 * Returns: %FALSE with @error set (%TEKEN_TRUST_ERROR) when it may not
 */
gboolean
teken_trust_anchor_check_importable (TekenTrustAnchor  *self,
                                     GError           **error)
{
  g_return_val_if_fail (TEKEN_IS_TRUST_ANCHOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->certificate == NULL)
    {
      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_ALREADY_TRUSTED,
                   _("“%s” is already trusted."), self->name);
      return FALSE;
    }

  if ((X509_get_extension_flags (self->certificate) & EXFLAG_CA) == 0)
    {
      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_NOT_CA,
                   /* Translators: %s is a certificate's name */
                   _("“%s” is not the certificate of a certificate authority, so it cannot be a trust anchor. Import the root or issuing CA that issued the signers' certificates."),
                   self->name);
      return FALSE;
    }

  if (X509_cmp_current_time (X509_get0_notAfter (self->certificate)) <= 0)
    {
      g_autofree char *date = format_date (self->not_after);

      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_NOT_VALID_NOW,
                   /* Translators: the first %s is a certificate's name, the second a date */
                   _("“%s” expired on %s. Ask the certificate authority for its current certificate."),
                   self->name, date);
      return FALSE;
    }

  if (X509_cmp_current_time (X509_get0_notBefore (self->certificate)) >= 0)
    {
      g_autofree char *date = format_date (self->not_before);

      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_NOT_VALID_NOW,
                   /* Translators: the first %s is a certificate's name, the second a date */
                   _("“%s” is not valid before %s. Check the computer's date and time."),
                   self->name, date);
      return FALSE;
    }

  if (is_trusted (self->fingerprint))
    {
      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_ALREADY_TRUSTED,
                   _("“%s” is already trusted."), self->name);
      return FALSE;
    }

  return TRUE;
}

/**
 * teken_trust_anchor_import:
 *
 * Checks @self with teken_trust_anchor_check_importable() and writes it,
 * as PEM named after its fingerprint, into the user's trust directory:
 * a new file appears whole or not at all.
 *
 * Returns: (transfer full): the trusted anchor (%TEKEN_TRUST_ANCHOR_USER),
 *   or %NULL with @error set
 */
TekenTrustAnchor *
teken_trust_anchor_import (TekenTrustAnchor  *self,
                           GError           **error)
{
  g_autofree char *dir = teken_trust_anchor_get_user_directory ();
  g_autofree char *hex = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BIO) bio = NULL;
  g_autoptr(GError) local_error = NULL;
  char *pem = NULL;
  long length;

  g_return_val_if_fail (TEKEN_IS_TRUST_ANCHOR (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!teken_trust_anchor_check_importable (self, error))
    return NULL;

  bio = BIO_new (BIO_s_mem ());
  if (bio == NULL || !PEM_write_bio_X509 (bio, self->certificate) ||
      (length = BIO_get_mem_data (bio, &pem)) <= 0)
    {
      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_FAILED,
                   _("“%s” could not be saved. Try again."), self->name);
      return NULL;
    }

  hex = g_ascii_strdown (self->fingerprint, -1);
  g_strdelimit (hex, ":", '-');
  name = g_strconcat (hex, ".pem", NULL);
  path = g_build_filename (dir, name, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, pem, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_autofree char *display_dir = g_filename_display_name (dir);

      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_FAILED,
                   /* Translators: %s is a folder */
                   _("The certificate could not be saved in %s. Check that the folder can be written to."),
                   display_dir);
      return NULL;
    }

  return anchor_new_for_certificate (self->certificate, TEKEN_TRUST_ANCHOR_USER, path);
}

/**
 * teken_trust_anchor_remove:
 *
 * Stops trusting an anchor the user imported: deletes its file. Pinned
 * and installed anchors cannot be removed.
 *
 * Returns: %FALSE with @error set when the anchor is still trusted
 */
gboolean
teken_trust_anchor_remove (TekenTrustAnchor  *self,
                           GError           **error)
{
  g_return_val_if_fail (TEKEN_IS_TRUST_ANCHOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->source != TEKEN_TRUST_ANCHOR_USER || self->path == NULL)
    {
      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_FAILED,
                   _("“%s” comes with Teken and cannot be removed."), self->name);
      return FALSE;
    }

  if (g_unlink (self->path) != 0 && errno != ENOENT)
    {
      g_set_error (error, TEKEN_TRUST_ERROR, TEKEN_TRUST_ERROR_FAILED,
                   _("“%s” could not be removed. Check that its folder can be written to."), self->name);
      return FALSE;
    }

  return TRUE;
}
