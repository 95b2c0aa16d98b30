/* main.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* teken-ca: `init` makes a data directory (database, CA keys and
 * certificates, the demo client, the seed of docs/api.md §13) and `serve`
 * answers over HTTPS until SIGTERM or SIGINT. */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "teken-holder-rules.h"
#include "teken-ca-admin.h"
#include "teken-ca-auth.h"
#include "teken-ca-authority.h"
#include "teken-ca-server.h"
#include "teken-ca-store.h"
#include "teken-key-wrap.h"
#include "teken-openssl-private.h"
#include "teken-passphrase-policy.h"
#include "teken-secret.h"
#include "teken-totp.h"

#define DEFAULT_PUBLIC_URL "https://127.0.0.1:8443"


typedef struct
{
  GPtrArray *rows;   /* of GStrv, in the order of the columns asked for */
  GArray *lines;     /* of int: each row's line in the file */
} Csv;

static void
csv_clear (Csv *csv)
{
  g_clear_pointer (&csv->rows, g_ptr_array_unref);
  g_clear_pointer (&csv->lines, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Csv, csv_clear)

/* Splits RFC 4180 text into records of fields. */
static GPtrArray *
split_csv (const char *text,
           GArray     *lines)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *record = NULL;
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;
  gboolean in_record = FALSE;
  int line = 1;
  int record_line = 1;

  for (const char *p = text; ; p++)
    {
      if (*p == '\0' || (!quoted && (*p == '\n' || (*p == '\r' && p[1] == '\n'))))
        {
          if (in_record || field->len > 0)
            {
              if (record == NULL)
                record = g_ptr_array_new_with_free_func (g_free);
              g_ptr_array_add (record, g_strdup (field->str));
              g_ptr_array_add (records, record);
              g_array_append_val (lines, record_line);
            }
          record = NULL;
          in_record = FALSE;
          g_string_truncate (field, 0);
          if (*p == '\0')
            break;
          if (*p == '\r')
            p++;
          line++;
          record_line = line;
          continue;
        }

      in_record = TRUE;
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (field, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            {
              if (*p == '\n')
                line++;
              g_string_append_c (field, *p);
            }
        }
      else if (*p == '"' && field->len == 0)
        quoted = TRUE;
      else if (*p == ',')
        {
          if (record == NULL)
            record = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (record, g_strdup (field->str));
          g_string_truncate (field, 0);
        }
      else
        g_string_append_c (field, *p);
    }

  g_string_free (field, TRUE);
  return records;
}

/* Reads @path, whose header must name each of @columns (in any order). */
static gboolean
read_csv (const char         *path,
          const char * const *columns,
          Csv                *csv,
          GError            **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (int));
  guint n_columns = g_strv_length ((char **) columns);
  g_autofree int *index = g_new0 (int, n_columns);
  GPtrArray *header;

  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  records = split_csv (text, lines);
  if (records->len == 0)
    {
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SEED, _("%s: the file is empty."), path);
      return FALSE;
    }

  header = g_ptr_array_index (records, 0);
  for (guint c = 0; c < n_columns; c++)
    {
      index[c] = -1;
      for (guint h = 0; h < header->len; h++)
        if (g_str_equal (g_ptr_array_index (header, h), columns[c]))
          index[c] = h;
      if (index[c] < 0)
        {
          g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SEED,
                       _("%s: the header has no column “%s”."), path, columns[c]);
          return FALSE;
        }
    }

  csv->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  csv->lines = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint r = 1; r < records->len; r++)
    {
      GPtrArray *record = g_ptr_array_index (records, r);
      int line = g_array_index (lines, int, r);
      char **row = g_new0 (char *, n_columns + 1);

      if (record->len != header->len)
        {
          g_strfreev (row);
          g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SEED,
                       _("%s:%d: the row has %u fields instead of %u."), path, line,
                       record->len, header->len);
          return FALSE;
        }
      for (guint c = 0; c < n_columns; c++)
        row[c] = g_strstrip (g_strdup (g_ptr_array_index (record, index[c])));
      g_ptr_array_add (csv->rows, row);
      g_array_append_val (csv->lines, line);
    }

  /* The records may hold demo passphrases. */
  for (guint r = 0; r < records->len; r++)
    {
      GPtrArray *record = g_ptr_array_index (records, r);

      for (guint f = 0; f < record->len; f++)
        teken_wipe_string (g_ptr_array_index (record, f));
    }
  teken_wipe_string (text);

  return TRUE;
}

static gboolean
seed_error (GError     **error,
            const char  *path,
            int          line,
            const char  *problem)
{
  g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SEED, "%s:%d: %s", path, line, problem);
  return FALSE;
}

/* The holder's sign-in: the password as a hash, and the demo TOTP device
 * when the seed gives one (docs/api.md §13). */
static gboolean
add_holder_login (TekenCaStore  *store,
                  GBytes        *server_key,
                  gint64         account_id,
                  char         **row,
                  const char    *path,
                  int            line,
                  GError       **error)
{
  g_autoptr(TekenSecret) password = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) totp_error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *code = NULL;
  g_autofree char *device_id = NULL;
  char *secret = row[5];
  const char *device_name = row[6];

  if (teken_passphrase_check (row[4]) != 0 || strlen (row[4]) > 128)
    return seed_error (error, path, line, _("the password breaks the password policy"));
  password = teken_secret_new (row[4], -1);
  teken_wipe_string (row[4]);
  if ((hash = teken_ca_password_hash (password, error)) == NULL ||
      !teken_ca_store_set_password_hash (store, account_id, hash, error))
    return FALSE;

  if (*secret == '\0')
    return TRUE;
  code = teken_totp_code (secret, 0, &totp_error);
  if (code == NULL)
    return seed_error (error, path, line, _("totp_secret is not a base32 TOTP secret"));
  if (*device_name == '\0' || g_utf8_strlen (device_name, -1) > 64)
    return seed_error (error, path, line, _("device_name must be 1 to 64 characters"));
  sealed = teken_ca_seal (server_key, secret, error);
  teken_wipe_string (secret);
  device_id = teken_ca_random_id ("dev_");
  return sealed != NULL &&
         teken_ca_store_add_device (store, account_id, device_id, device_name, sealed, 0,
                                    g_get_real_time () / G_USEC_PER_SEC, error) != 0;
}

/* What a ready holder entered during an enrollment they never went
 * through: personal and employment data, and the current agreements. */
static gboolean
add_holder_profile (TekenCaStore  *store,
                    gint64         account_id,
                    char         **row,
                    const char    *path,
                    int            line,
                    GError       **error)
{
  static const char * const employment_columns[] = { "unit", "position", "city", "province" };
  const char *nik = row[0];
  const char *nip = row[2];
  g_auto(GStrv) employee = NULL;
  g_auto(GStrv) privacy = teken_ca_store_get_agreement (store, "privacy_policy", NULL);
  g_auto(GStrv) holder = teken_ca_store_get_agreement (store, "holder_agreement", NULL);
  g_autofree char *phone = NULL;
  g_autofree char *agreements = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (*row[13] != '\0' && (phone = teken_holder_phone_normalize (row[13])) == NULL)
    return seed_error (error, path, line, _("the phone is not an Indonesian mobile number"));
  if (!teken_holder_title_is_valid (row[11]) || !teken_holder_title_is_valid (row[12]))
    return seed_error (error, path, line, _("a title has characters titles cannot have"));

  if (*nip != '\0')
    {
      employee = teken_ca_store_lookup_employee (store, nip);
      g_assert (employee != NULL);  /* add_holder() checked the NIP */
      if (!teken_ca_store_set_account_text (store, account_id, "employment_kind", "asn", error) ||
          !teken_ca_store_set_account_text (store, account_id, "employment_type", employee[2], error) ||
          !teken_ca_store_set_account_text (store, account_id, "nip", nip, error))
        return FALSE;
      for (gsize i = 0; i < G_N_ELEMENTS (employment_columns); i++)
        if (!teken_ca_store_set_account_text (store, account_id, employment_columns[i], employee[4 + i], error))
          return FALSE;
    }
  else
    {
      if (!teken_ca_store_set_account_text (store, account_id, "employment_kind", "non_asn", error) ||
          !teken_ca_store_set_account_text (store, account_id, "nip", nik, error))
        return FALSE;
      for (gsize i = 0; i < G_N_ELEMENTS (employment_columns); i++)
        {
          if (!teken_holder_employment_field_is_valid (row[7 + i]))
            return seed_error (error, path, line, _("a non-ASN holder needs unit, position, city and province"));
          if (!teken_ca_store_set_account_text (store, account_id, employment_columns[i], row[7 + i], error))
            return FALSE;
        }
    }

  if (privacy != NULL && holder != NULL)
    agreements = g_strdup_printf ("{\"privacy_policy\": \"%s\", \"holder_agreement\": \"%s\"}",
                                  privacy[1], holder[1]);
  return teken_ca_store_set_account_time (store, account_id, "activated_at", now, error) &&
         teken_ca_store_set_account_time (store, account_id, "personal_at", now, error) &&
         teken_ca_store_set_account_text (store, account_id, "title_prefix", row[11], error) &&
         teken_ca_store_set_account_text (store, account_id, "title_suffix", row[12], error) &&
         teken_ca_store_set_account_text (store, account_id, "phone", phone, error) &&
         teken_ca_store_set_account_text (store, account_id, "agreements", agreements, error);
}

static gboolean
add_holder (TekenCaStore      *store,
            TekenCaAuthority  *authority,
            GBytes            *server_key,
            char             **row,
            const char        *path,
            int                line,
            GError           **error)
{
  const char *nik = row[0];
  const char *email = row[1];
  const char *nip = row[2];
  const char *domain = strchr (email, '@');
  g_autofree char *name = NULL;
  g_autofree char *agency = NULL;
  g_autofree char *domain_agency = NULL;
  g_autoptr(TekenSecret) passphrase = NULL;
  g_autoptr(TekenCaIssued) issued = NULL;
  gint64 account_id;
  gint64 cert_id;

  if (!teken_nik_is_valid (nik) || (name = teken_ca_store_lookup_population (store, nik)) == NULL)
    return seed_error (error, path, line, _("the NIK is not in the population registry"));
  if (domain == NULL || (domain_agency = teken_ca_store_lookup_domain_agency (store, domain + 1)) == NULL)
    return seed_error (error, path, line, _("the e-mail domain belongs to no agency"));
  if (*nip != '\0')
    {
      agency = teken_ca_store_lookup_personnel_agency (store, nip, nik);
      if (agency == NULL)
        return seed_error (error, path, line, _("the NIP is not recorded for this NIK"));
      if (!g_str_equal (agency, domain_agency))
        return seed_error (error, path, line, _("the NIP belongs to another agency than the e-mail"));
    }
  else
    agency = g_strdup (domain_agency);

  if (teken_passphrase_check (row[3]) != 0 || strlen (row[3]) > 128)
    return seed_error (error, path, line, _("the passphrase breaks the passphrase policy"));
  passphrase = teken_secret_new (row[3], -1);
  teken_wipe_string (row[3]);

  issued = teken_ca_authority_issue_new_key (authority, name, agency, email, TEKEN_CA_HOLDER_VALIDITY,
                                             passphrase, error);
  if (issued == NULL)
    return FALSE;

  account_id = teken_ca_store_add_account (store, nik, email, name, agency, error);
  if (account_id == 0 || !add_holder_login (store, server_key, account_id, row, path, line, error) ||
      !add_holder_profile (store, account_id, row, path, line, error))
    return FALSE;
  cert_id = teken_ca_store_add_certificate (store, account_id, issued->serial, issued->der,
                                            issued->not_before, issued->not_after, issued->wrapped_key,
                                            error);
  if (cert_id == 0)
    return FALSE;
  return teken_ca_store_set_current_certificate (store, account_id, cert_id, error);
}

/* The [agreement ID] groups of the seed (docs/api.md §5.9, §13): the
 * Indonesian text is the binding one, and its SHA-256 is what a holder
 * accepts. */
static gboolean
load_agreements (TekenCaStore  *store,
                 GKeyFile      *seed,
                 const char    *base,
                 const char    *seed_path,
                 GError       **error)
{
  static const char * const ids[] = { "privacy_policy", "holder_agreement" };

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *group = g_strconcat ("agreement ", ids[i], NULL);
      g_autofree char *version = g_key_file_get_string (seed, group, "version", NULL);
      g_autofree char *title = g_key_file_get_string (seed, group, "title", NULL);
      g_autofree char *file = g_key_file_get_string (seed, group, "file", NULL);
      g_autofree char *file_en = g_key_file_get_string (seed, group, "file_en", NULL);
      g_autofree char *path = NULL;
      g_autofree char *path_en = NULL;
      g_autofree char *text = NULL;
      g_autofree char *text_en = NULL;
      g_autofree char *sha256 = NULL;
      g_autofree char *upper = NULL;

      if (!g_key_file_has_group (seed, group))
        continue;
      if (version == NULL || title == NULL || file == NULL)
        {
          g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SEED,
                       _("%s: [%s] needs version, title and file."), seed_path, group);
          return FALSE;
        }
      path = g_path_is_absolute (file) ? g_strdup (file) : g_build_filename (base, file, NULL);
      if (!g_file_get_contents (path, &text, NULL, error))
        return FALSE;
      if (file_en != NULL)
        {
          path_en = g_path_is_absolute (file_en) ? g_strdup (file_en) : g_build_filename (base, file_en, NULL);
          if (!g_file_get_contents (path_en, &text_en, NULL, error))
            return FALSE;
        }
      if (!g_utf8_validate (text, -1, NULL) || (text_en != NULL && !g_utf8_validate (text_en, -1, NULL)))
        {
          g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SEED,
                       _("%s: the texts of [%s] must be UTF-8."), seed_path, group);
          return FALSE;
        }
      sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
      upper = g_ascii_strup (sha256, -1);
      if (!teken_ca_store_add_agreement (store, ids[i], version, title, text, text_en, upper, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_seed (TekenCaStore      *store,
           TekenCaAuthority  *authority,
           GBytes            *server_key,
           const char        *seed_path,
           GError           **error)
{
  g_autoptr(GKeyFile) seed = g_key_file_new ();
  g_autofree char *base = g_path_get_dirname (seed_path);
  static const char * const population_columns[] = { "nik", "name", "kk", "photo_ref", "face_match", NULL };
  static const char * const personnel_columns[] = { "nip", "nik", "employment_type", "agency", "unit",
                                                    "position", "city", "province", NULL };
  static const char * const agency_columns[] = { "agency", "email_domain", NULL };
  static const char * const holder_columns[] = { "nik", "email", "nip", "passphrase", "password",
                                                 "totp_secret", "device_name", "unit", "position", "city",
                                                 "province", "title_prefix", "title_suffix", "phone", NULL };
  static const char * const verifier_columns[] = { "email", "name", "agency", "password", "totp_secret", NULL };
  g_auto(Csv) population = { 0 };
  g_auto(Csv) personnel = { 0 };
  g_auto(Csv) agencies = { 0 };
  g_auto(Csv) holders = { 0 };
  g_auto(Csv) verifiers = { 0 };
  struct { const char *key; const char * const *columns; Csv *csv; gboolean optional; } files[] = {
    { "population", population_columns, &population, FALSE },
    { "personnel", personnel_columns, &personnel, FALSE },
    { "agencies", agency_columns, &agencies, FALSE },
    { "holders", holder_columns, &holders, TRUE },
    { "verifiers", verifier_columns, &verifiers, TRUE },
  };
  g_autofree char *holders_path = NULL;
  g_autofree char *verifiers_path = NULL;

  if (!g_key_file_load_from_file (seed, seed_path, G_KEY_FILE_NONE, error))
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *name = g_key_file_get_string (seed, "seed", files[i].key, NULL);
      g_autofree char *path = NULL;

      if (name == NULL && files[i].optional)
        continue;
      if (name == NULL)
        {
          g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_SEED,
                       _("%s: the [seed] group has no key “%s”."), seed_path, files[i].key);
          return FALSE;
        }
      path = g_path_is_absolute (name) ? g_strdup (name) : g_build_filename (base, name, NULL);
      if (!read_csv (path, files[i].columns, files[i].csv, error))
        return FALSE;
      if (files[i].csv == &holders)
        holders_path = g_steal_pointer (&path);
      else if (files[i].csv == &verifiers)
        verifiers_path = g_steal_pointer (&path);
    }

  for (guint r = 0; r < agencies.rows->len; r++)
    {
      char **row = g_ptr_array_index (agencies.rows, r);

      if (!teken_ca_store_add_agency_domain (store, row[0], row[1], error))
        return FALSE;
    }
  for (guint r = 0; r < population.rows->len; r++)
    {
      char **row = g_ptr_array_index (population.rows, r);

      if (!teken_nik_is_valid (row[0]) || !teken_nik_is_valid (row[2]))
        return seed_error (error, seed_path, g_array_index (population.lines, int, r),
                           _("population: NIK and KK must be 16 digits"));
      if (!teken_ca_store_add_population (store, row[0], row[1], row[2], row[3], row[4], error))
        return FALSE;
    }
  for (guint r = 0; r < personnel.rows->len; r++)
    {
      char **row = g_ptr_array_index (personnel.rows, r);

      if (!teken_nip_is_valid (row[0]) || !teken_nik_is_valid (row[1]))
        return seed_error (error, seed_path, g_array_index (personnel.lines, int, r),
                           _("personnel: the NIP must be 18 digits and the NIK 16"));
      if (!teken_ca_store_add_personnel (store, (const char * const *) row, error))
        return FALSE;
    }

  if (!load_agreements (store, seed, base, seed_path, error))
    return FALSE;

  if ((holders.rows != NULL && holders.rows->len > 0) || (verifiers.rows != NULL && verifiers.rows->len > 0))
    g_printerr (_("teken-ca: warning: the seed holds demo passphrases; never use it for a real deployment.\n"));
  for (guint r = 0; verifiers.rows != NULL && r < verifiers.rows->len; r++)
    if (!teken_ca_seed_verifier (store, server_key, g_ptr_array_index (verifiers.rows, r), verifiers_path,
                                 g_array_index (verifiers.lines, int, r), error))
      return FALSE;
  if (holders.rows != NULL && holders.rows->len > 0)
    {
      for (guint r = 0; r < holders.rows->len; r++)
        if (!add_holder (store, authority, server_key, g_ptr_array_index (holders.rows, r), holders_path,
                         g_array_index (holders.lines, int, r), error))
          return FALSE;
    }

  return TRUE;
}

static gboolean
is_empty_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) == NULL;
}

static char *
default_seed (void)
{
  return g_build_filename (PKGDATADIR, "ca", "seed.ini", NULL);
}

static int
run_init (int    argc,
          char **argv)
{
  g_autofree char *seed = NULL;
  g_autofree char *public_url = NULL;
  g_autofree char *data_option = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("DATADIR — create a teken-ca data directory"));
  g_autoptr(TekenCaStore) store = NULL;
  g_autoptr(TekenCaAuthority) authority = NULL;
  g_autoptr(GBytes) server_key = NULL;
  g_autoptr(GError) error = NULL;
  const char *data_dir;
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_option, N_("The data directory to create"), N_("DIR") },
    { "seed", 0, 0, G_OPTION_ARG_FILENAME, &seed, N_("The seed (docs/api.md §13) to load"), N_("FILE") },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url, N_("The base URL written into certificates"), N_("URL") },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("teken-ca init: %s\n", error->message);
      return 2;
    }
  data_dir = data_option != NULL ? data_option : (argc == 2 ? argv[1] : NULL);
  if (data_dir == NULL || (data_option != NULL && argc != 1))
    {
      g_printerr (_("Usage: teken-ca init DATADIR [--seed FILE] [--public-url URL]\n"));
      return 2;
    }
  if (seed == NULL)
    seed = default_seed ();
  if (public_url == NULL)
    public_url = g_strdup (DEFAULT_PUBLIC_URL);

  if (g_file_test (data_dir, G_FILE_TEST_EXISTS) && !is_empty_dir (data_dir))
    {
      g_printerr (_("teken-ca init: “%s” exists and is not empty. Choose a new directory.\n"), data_dir);
      return 1;
    }
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      g_printerr (_("teken-ca init: could not create “%s”: %s\n"), data_dir, g_strerror (errno));
      return 1;
    }

  db_path = g_build_filename (data_dir, "teken-ca.db", NULL);
  if ((store = teken_ca_store_open (db_path, &error)) == NULL ||
      !teken_ca_store_begin (store, &error))
    goto failed;
  if ((authority = teken_ca_authority_create (data_dir, store, public_url, &error)) == NULL ||
      !teken_ca_add_client (store, data_dir, "demo", &error) ||
      (server_key = teken_ca_server_key_load (data_dir, &error)) == NULL ||
      !load_seed (store, authority, server_key, seed, &error) ||
      !teken_ca_store_commit (store, &error))
    {
      teken_ca_store_rollback (store);
      goto failed;
    }

  g_print (_("teken-ca: created %s (root certificate: %s/root.pem)\n"), data_dir, data_dir);
  return 0;

failed:
  g_printerr ("teken-ca init: %s\n", error->message);
  return 1;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
run_serve (int    argc,
           char **argv)
{
  g_autofree char *address = NULL;
  g_autofree char *data_option = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *url = NULL;
  g_autofree char *url_path = NULL;
  g_autofree char *url_line = NULL;
  int port = 8443;
  TekenCaSettings settings;
  gint64 access_token_lifetime, lock_duration, link_lifetime, cert_validity, renewal_window;
  gint64 resend_interval, signing_otp_lifetime, sweep_interval;
  g_autofree char *selfie_thresholds = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("DATADIR — serve the CA over HTTPS"));
  g_autoptr(TekenCaServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  const char *data_dir;
  guint term_id;
  guint int_id;
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_option, N_("The data directory"), N_("DIR") },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, N_("The IP address to listen on (127.0.0.1)"), N_("ADDRESS") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("The port to listen on, 0 for any free one (8443)"), N_("PORT") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, N_("Address and port together"), N_("HOST:PORT") },
    { "access-token-lifetime", 0, 0, G_OPTION_ARG_INT64, &access_token_lifetime,
      N_("Seconds an access token lasts (900)"), N_("SECONDS") },
    { "lock-duration", 0, 0, G_OPTION_ARG_INT64, &lock_duration,
      N_("Seconds an account stays locked after 5 failed sign-ins (900)"), N_("SECONDS") },
    { "link-lifetime", 0, 0, G_OPTION_ARG_INT64, &link_lifetime,
      N_("Seconds an e-mailed link lasts (86400)"), N_("SECONDS") },
    { "cert-validity", 0, 0, G_OPTION_ARG_INT64, &cert_validity,
      N_("Seconds a new holder certificate is valid (2 years)"), N_("SECONDS") },
    { "renewal-window", 0, 0, G_OPTION_ARG_INT64, &renewal_window,
      N_("Seconds before expiry that renewal opens (30 days)"), N_("SECONDS") },
    { "resend-interval", 0, 0, G_OPTION_ARG_INT64, &resend_interval,
      N_("Seconds between two e-mails of the same kind (60)"), N_("SECONDS") },
    { "signing-otp-lifetime", 0, 0, G_OPTION_ARG_INT64, &signing_otp_lifetime,
      N_("Seconds a signing OTP lasts (300)"), N_("SECONDS") },
    { "sweep-interval", 0, 0, G_OPTION_ARG_INT64, &sweep_interval,
      N_("Seconds between expiry sweeps (60)"), N_("SECONDS") },
    { "selfie-thresholds", 0, 0, G_OPTION_ARG_STRING, &selfie_thresholds,
      N_("Selfie limits: blank, dark, bright, blur (10,50,210,40)"), N_("B,D,L,S") },
    { NULL },
  };

  teken_ca_settings_init (&settings);
  access_token_lifetime = settings.access_token_lifetime;
  lock_duration = settings.lock_duration;
  link_lifetime = settings.link_lifetime;
  cert_validity = settings.cert_validity;
  renewal_window = settings.renewal_window;
  resend_interval = settings.resend_interval;
  signing_otp_lifetime = settings.signing_otp_lifetime;
  sweep_interval = settings.sweep_interval;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("teken-ca serve: %s\n", error->message);
      return 2;
    }
  data_dir = data_option != NULL ? data_option : (argc == 2 ? argv[1] : NULL);
  if (data_dir == NULL || (data_option != NULL && argc != 1) || port < 0 || port > 65535 ||
      access_token_lifetime <= 0 || lock_duration <= 0 || link_lifetime <= 0 ||
      cert_validity <= 0 || renewal_window < 0 || resend_interval < 0 ||
      signing_otp_lifetime <= 0 || sweep_interval <= 0 ||
      (selfie_thresholds != NULL &&
       sscanf (selfie_thresholds, "%lf,%lf,%lf,%lf", &settings.selfie_blank, &settings.selfie_dark,
               &settings.selfie_bright, &settings.selfie_blur) != 4))
    {
      g_printerr (_("Usage: teken-ca serve DATADIR [--address 127.0.0.1] [--port 8443]\n"));
      return 2;
    }
  if (listen != NULL)
    {
      char *colon = strrchr (listen, ':');

      if (colon == NULL)
        {
          g_printerr (_("Usage: teken-ca serve DATADIR [--address 127.0.0.1] [--port 8443]\n"));
          return 2;
        }
      *colon = '\0';
      g_free (address);
      address = g_strdup (listen);
      port = atoi (colon + 1);
    }

  /* Error messages go to holders in Indonesian (docs/api.md §3.1), whatever
   * the locale of the operator's shell. */
  g_setenv ("LANGUAGE", "id", TRUE);
  if (setlocale (LC_MESSAGES, "id_ID.UTF-8") == NULL)
    g_debug ("no id_ID.UTF-8 locale: error messages stay untranslated");

  server = teken_ca_server_new (data_dir, &error);
  settings.access_token_lifetime = access_token_lifetime;
  settings.lock_duration = lock_duration;
  settings.link_lifetime = link_lifetime;
  settings.cert_validity = cert_validity;
  settings.renewal_window = renewal_window;
  settings.resend_interval = resend_interval;
  settings.signing_otp_lifetime = signing_otp_lifetime;
  settings.sweep_interval = sweep_interval;
  if (server != NULL)
    teken_ca_server_set_settings (server, &settings);
  if (server == NULL ||
      (url = teken_ca_server_listen (server, address != NULL ? address : "127.0.0.1",
                                     port, &error)) == NULL)
    {
      g_printerr ("teken-ca serve: %s\n", error->message);
      return 1;
    }

  url_path = g_build_filename (data_dir, "serve.url", NULL);
  url_line = g_strconcat (url, "\n", NULL);
  if (!g_file_set_contents (url_path, url_line, -1, &error))
    {
      g_printerr ("teken-ca serve: %s\n", error->message);
      return 1;
    }

  /* Tests read the port from this line. */
  g_print ("teken-ca: listening on %s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  term_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  int_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (term_id);
  g_source_remove (int_id);

  g_unlink (url_path);
  g_message ("stopped");
  return 0;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc >= 2 && g_str_equal (argv[1], "init"))
    return run_init (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "serve"))
    return run_serve (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "admin"))
    return teken_ca_admin_run (argc - 1, argv + 1);

  g_printerr (_("Usage: teken-ca init DATADIR [--seed FILE] [--public-url URL]\n"
                "       teken-ca serve DATADIR [--address 127.0.0.1] [--port 8443]\n"
                "       teken-ca admin DATADIR COMMAND … (teken-ca admin --help)\n"));
  return 2;
}
