/* teken-ca-store.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* teken-ca's database: the stand-in registries, accounts and every
 * certificate the issuing CA made. SQLite in WAL mode; the schema version is
 * PRAGMA user_version, and open() upgrades older files step by step. Holders'
 * keys are stored only wrapped under their passphrase (teken-key-wrap.h). */

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "teken-ca-store.h"

struct _TekenCaStore
{
  GObject parent_instance;

  sqlite3 *db;
};

G_DEFINE_TYPE (TekenCaStore, teken_ca_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (teken-ca-error-quark, teken_ca_error)

#define SCHEMA_VERSION 1

/* Index i holds the statements that take a version-i file to version i + 1. */
static const char * const migrations[] = {
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE population (nik TEXT PRIMARY KEY, name TEXT NOT NULL, kk TEXT NOT NULL,"
  "  photo_ref TEXT, face_match TEXT NOT NULL DEFAULT 'match');"
  "CREATE TABLE personnel (nip TEXT PRIMARY KEY, nik TEXT NOT NULL, employment_type TEXT NOT NULL,"
  "  agency TEXT NOT NULL, unit TEXT NOT NULL, position TEXT NOT NULL, city TEXT NOT NULL,"
  "  province TEXT NOT NULL);"
  "CREATE TABLE agency_domains (email_domain TEXT PRIMARY KEY, agency TEXT NOT NULL);"
  "CREATE TABLE clients (client_id TEXT PRIMARY KEY, secret_sha256 TEXT NOT NULL);"
  "CREATE TABLE accounts (id INTEGER PRIMARY KEY, nik TEXT NOT NULL UNIQUE,"
  "  email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, agency TEXT NOT NULL,"
  "  workflow TEXT, verification TEXT NOT NULL DEFAULT 'VERIFIED',"
  "  current_certificate INTEGER REFERENCES certificates (id));"
  "CREATE TABLE certificates (id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES accounts (id),"
  "  serial TEXT NOT NULL UNIQUE, der BLOB NOT NULL, not_before INTEGER NOT NULL,"
  "  not_after INTEGER NOT NULL, revoked_at INTEGER, revocation_reason INTEGER,"
  "  wrapped_key BLOB, key_failures INTEGER NOT NULL DEFAULT 0);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SCHEMA_VERSION);

static gboolean
set_sqlite_error (TekenCaStore  *self,
                  GError       **error)
{
  /* The SQLite message names the table or constraint, never a value. */
  g_debug ("sqlite: %s", sqlite3_errmsg (self->db));
  g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_STORE,
               _("The database could not be updated (%s)."), sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (TekenCaStore  *self,
      const char    *sql,
      GError       **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error);
  return TRUE;
}

/* Binds each argument in turn: 's' a string (NULL allowed), 'i' a gint64,
 * 'b' a GBytes (NULL allowed). */
static sqlite3_stmt *
prepare (TekenCaStore *self,
         const char   *sql,
         const char   *types,
         ...)
{
  sqlite3_stmt *stmt = NULL;
  va_list args;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_warning ("sqlite: %s: %s", sql, sqlite3_errmsg (self->db));
      return NULL;
    }

  va_start (args, types);
  for (int i = 0; types[i] != '\0'; i++)
    {
      switch (types[i])
        {
        case 's':
          sqlite3_bind_text (stmt, i + 1, va_arg (args, const char *), -1, SQLITE_TRANSIENT);
          break;
        case 'i':
          sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
          break;
        case 'b':
          {
            GBytes *bytes = va_arg (args, GBytes *);

            if (bytes == NULL)
              sqlite3_bind_null (stmt, i + 1);
            else
              sqlite3_bind_blob (stmt, i + 1, g_bytes_get_data (bytes, NULL),
                                 (int) g_bytes_get_size (bytes), SQLITE_TRANSIENT);
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  va_end (args);

  return stmt;
}

static gboolean
step_done (TekenCaStore  *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc;

  if (stmt == NULL)
    return set_sqlite_error (self, error);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error);
  return TRUE;
}

static char *
column_string (sqlite3_stmt *stmt,
               int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  return g_bytes_new (sqlite3_column_blob (stmt, column), sqlite3_column_bytes (stmt, column));
}

static char *
query_string (TekenCaStore *self,
              sqlite3_stmt *stmt)
{
  char *result = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = column_string (stmt, 0);
  sqlite3_finalize (stmt);
  return result;
}

static gboolean
migrate (TekenCaStore  *self,
         GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_STORE,
                   _("The database was made by a newer teken-ca (schema %d). Use that version."),
                   version);
      return FALSE;
    }

  for (; version < SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!teken_ca_store_begin (self, error))
        return FALSE;
      if (!exec (self, migrations[version], error) || !exec (self, bump, error))
        {
          teken_ca_store_rollback (self);
          return FALSE;
        }
      if (!teken_ca_store_commit (self, error))
        return FALSE;
    }

  return TRUE;
}

static TekenCaCertificate *
certificate_from_row (sqlite3_stmt *stmt)
{
  TekenCaCertificate *cert = g_new0 (TekenCaCertificate, 1);

  cert->id = sqlite3_column_int64 (stmt, 0);
  cert->account_id = sqlite3_column_int64 (stmt, 1);
  cert->serial = column_string (stmt, 2);
  cert->der = column_bytes (stmt, 3);
  cert->not_before = sqlite3_column_int64 (stmt, 4);
  cert->not_after = sqlite3_column_int64 (stmt, 5);
  cert->revoked_at = sqlite3_column_int64 (stmt, 6);
  cert->revocation_reason = sqlite3_column_type (stmt, 7) == SQLITE_NULL
                            ? -1 : sqlite3_column_int (stmt, 7);
  cert->wrapped_key = column_bytes (stmt, 8);
  cert->key_failures = sqlite3_column_int (stmt, 9);
  return cert;
}

static TekenCaCertificate *
read_certificate (sqlite3_stmt *stmt)
{
  TekenCaCertificate *cert = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    cert = certificate_from_row (stmt);
  sqlite3_finalize (stmt);
  return cert;
}

#define CERTIFICATE_COLUMNS \
  "SELECT id, account_id, serial, der, not_before, not_after, revoked_at," \
  " revocation_reason, wrapped_key, key_failures FROM certificates "

static TekenCaAccount *
read_account (sqlite3_stmt *stmt)
{
  TekenCaAccount *account = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      account = g_new0 (TekenCaAccount, 1);
      account->id = sqlite3_column_int64 (stmt, 0);
      account->nik = column_string (stmt, 1);
      account->email = column_string (stmt, 2);
      account->name = column_string (stmt, 3);
      account->agency = column_string (stmt, 4);
      account->workflow = column_string (stmt, 5);
      account->verification = column_string (stmt, 6);
      account->current_certificate = sqlite3_column_int64 (stmt, 7);
    }
  sqlite3_finalize (stmt);
  return account;
}

#define ACCOUNT_COLUMNS \
  "SELECT id, nik, email, name, agency, workflow, verification, current_certificate FROM accounts "

static void
teken_ca_store_finalize (GObject *object)
{
  TekenCaStore *self = TEKEN_CA_STORE (object);

  g_clear_pointer (&self->db, sqlite3_close);

  G_OBJECT_CLASS (teken_ca_store_parent_class)->finalize (object);
}

static void
teken_ca_store_class_init (TekenCaStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = teken_ca_store_finalize;
}

static void
teken_ca_store_init (TekenCaStore *self)
{
}

void
teken_ca_certificate_free (TekenCaCertificate *self)
{
  if (self == NULL)
    return;
  g_free (self->serial);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_clear_pointer (&self->wrapped_key, g_bytes_unref);
  g_free (self);
}

void
teken_ca_account_free (TekenCaAccount *self)
{
  if (self == NULL)
    return;
  g_free (self->nik);
  g_free (self->email);
  g_free (self->name);
  g_free (self->agency);
  g_free (self->workflow);
  g_free (self->verification);
  g_free (self);
}

/**
 * teken_ca_store_open:
 * @path: the database file; created when missing
 *
 * Returns: (transfer full): the store, upgraded to the current schema
 */
TekenCaStore *
teken_ca_store_open (const char  *path,
                     GError     **error)
{
  g_autoptr(TekenCaStore) self = g_object_new (TEKEN_CA_TYPE_STORE, NULL);

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error);
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 5000);
  if (!exec (self, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
                   " PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;", error) ||
      !migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
teken_ca_store_begin (TekenCaStore  *self,
                      GError       **error)
{
  return exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
teken_ca_store_commit (TekenCaStore  *self,
                       GError       **error)
{
  return exec (self, "COMMIT", error);
}

void
teken_ca_store_rollback (TekenCaStore *self)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
teken_ca_store_get_meta (TekenCaStore *self,
                         const char   *key)
{
  return query_string (self, prepare (self, "SELECT value FROM meta WHERE key = ?", "s", key));
}

gboolean
teken_ca_store_set_meta (TekenCaStore  *self,
                         const char    *key,
                         const char    *value,
                         GError       **error)
{
  return step_done (self, prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                   "ss", key, value), error);
}

/**
 * teken_ca_store_next_counter:
 *
 * Increments the counter @key (CRL numbers, TSA serials) and returns its new
 * value, starting at 1; -1 on error.
 */
gint64
teken_ca_store_next_counter (TekenCaStore  *self,
                             const char    *key,
                             GError       **error)
{
  g_autofree char *value = NULL;
  gint64 next;

  if (!step_done (self, prepare (self,
                                 "INSERT INTO meta (key, value) VALUES (?, '1')"
                                 " ON CONFLICT (key) DO UPDATE SET value = CAST (value AS INTEGER) + 1",
                                 "s", key), error))
    return -1;
  value = teken_ca_store_get_meta (self, key);
  next = value != NULL ? g_ascii_strtoll (value, NULL, 10) : -1;
  return next;
}

gboolean
teken_ca_store_add_population (TekenCaStore  *self,
                               const char    *nik,
                               const char    *name,
                               const char    *kk,
                               const char    *photo_ref,
                               const char    *face_match,
                               GError       **error)
{
  return step_done (self, prepare (self,
                                   "INSERT INTO population (nik, name, kk, photo_ref, face_match)"
                                   " VALUES (?, ?, ?, NULLIF (?, ''), COALESCE (NULLIF (?, ''), 'match'))",
                                   "sssss", nik, name, kk, photo_ref, face_match), error);
}

/* @row: nip, nik, employment_type, agency, unit, position, city, province */
gboolean
teken_ca_store_add_personnel (TekenCaStore        *self,
                              const char * const  *row,
                              GError             **error)
{
  return step_done (self, prepare (self,
                                   "INSERT INTO personnel (nip, nik, employment_type, agency, unit,"
                                   " position, city, province) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   "ssssssss", row[0], row[1], row[2], row[3], row[4], row[5],
                                   row[6], row[7]), error);
}

gboolean
teken_ca_store_add_agency_domain (TekenCaStore  *self,
                                  const char    *agency,
                                  const char    *domain,
                                  GError       **error)
{
  g_autofree char *lower = g_ascii_strdown (domain, -1);

  return step_done (self, prepare (self,
                                   "INSERT INTO agency_domains (email_domain, agency) VALUES (?, ?)",
                                   "ss", lower, agency), error);
}

/* Returns: the name on the KTP, or %NULL when the NIK is not in the registry */
char *
teken_ca_store_lookup_population (TekenCaStore *self,
                                  const char   *nik)
{
  return query_string (self, prepare (self, "SELECT name FROM population WHERE nik = ?", "s", nik));
}

/* Returns: the agency of @nip when it is recorded for @nik, else %NULL */
char *
teken_ca_store_lookup_personnel_agency (TekenCaStore *self,
                                        const char   *nip,
                                        const char   *nik)
{
  return query_string (self, prepare (self,
                                      "SELECT agency FROM personnel WHERE nip = ? AND nik = ?",
                                      "ss", nip, nik));
}

char *
teken_ca_store_lookup_domain_agency (TekenCaStore *self,
                                     const char   *domain)
{
  g_autofree char *lower = g_ascii_strdown (domain, -1);

  return query_string (self, prepare (self,
                                      "SELECT agency FROM agency_domains WHERE email_domain = ?",
                                      "s", lower));
}

/* Returns: the new account's id, or 0 on error */
gint64
teken_ca_store_add_account (TekenCaStore  *self,
                            const char    *nik,
                            const char    *email,
                            const char    *name,
                            const char    *agency,
                            GError       **error)
{
  if (!step_done (self, prepare (self,
                                 "INSERT INTO accounts (nik, email, name, agency) VALUES (?, ?, ?, ?)",
                                 "ssss", nik, email, name, agency), error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

/**
 * teken_ca_store_add_certificate:
 * @account_id: the holder, or 0 for the CA's own service certificates
 * @wrapped_key: (nullable): the holder's key, wrapped under the passphrase
 *
 * Returns: the new certificate's id, or 0 on error
 */
gint64
teken_ca_store_add_certificate (TekenCaStore  *self,
                                gint64         account_id,
                                const char    *serial,
                                GBytes        *der,
                                gint64         not_before,
                                gint64         not_after,
                                GBytes        *wrapped_key,
                                GError       **error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "INSERT INTO certificates (account_id, serial, der, not_before, not_after, wrapped_key)"
                  " VALUES (NULLIF (?, 0), ?, ?, ?, ?, ?)",
                  "isbiib", account_id, serial, der, not_before, not_after, wrapped_key);
  if (!step_done (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
teken_ca_store_set_current_certificate (TekenCaStore  *self,
                                        gint64         account_id,
                                        gint64         certificate_id,
                                        GError       **error)
{
  return step_done (self, prepare (self,
                                   "UPDATE accounts SET current_certificate = ?, workflow = NULL"
                                   " WHERE id = ?", "ii", certificate_id, account_id), error);
}

TekenCaAccount *
teken_ca_store_find_account_by_nik (TekenCaStore *self,
                                    const char   *nik)
{
  return read_account (prepare (self, ACCOUNT_COLUMNS "WHERE nik = ?", "s", nik));
}

TekenCaAccount *
teken_ca_store_find_account_by_email (TekenCaStore *self,
                                      const char   *email)
{
  return read_account (prepare (self, ACCOUNT_COLUMNS "WHERE email = ? COLLATE NOCASE", "s", email));
}

TekenCaCertificate *
teken_ca_store_get_certificate (TekenCaStore *self,
                                gint64        id)
{
  return read_certificate (prepare (self, CERTIFICATE_COLUMNS "WHERE id = ?", "i", id));
}

TekenCaCertificate *
teken_ca_store_find_certificate_by_serial (TekenCaStore *self,
                                           const char   *serial)
{
  return read_certificate (prepare (self, CERTIFICATE_COLUMNS "WHERE serial = ?", "s", serial));
}

/**
 * teken_ca_store_list_revoked:
 *
 * Returns: (transfer full) (element-type TekenCaCertificate): every revoked
 *   or suspended certificate, for the CRL
 */
GPtrArray *
teken_ca_store_list_revoked (TekenCaStore *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) teken_ca_certificate_free);
  sqlite3_stmt *stmt = prepare (self, CERTIFICATE_COLUMNS "WHERE revoked_at IS NOT NULL ORDER BY id", "");

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, certificate_from_row (stmt));
  sqlite3_finalize (stmt);
  return list;
}

gboolean
teken_ca_store_set_key_failures (TekenCaStore  *self,
                                 gint64         certificate_id,
                                 int            failures,
                                 GError       **error)
{
  return step_done (self, prepare (self, "UPDATE certificates SET key_failures = ? WHERE id = ?",
                                   "ii", (gint64) failures, certificate_id), error);
}

gboolean
teken_ca_store_add_client (TekenCaStore  *self,
                           const char    *client_id,
                           const char    *secret_hash,
                           GError       **error)
{
  return step_done (self, prepare (self,
                                   "INSERT INTO clients (client_id, secret_sha256) VALUES (?, ?)",
                                   "ss", client_id, secret_hash), error);
}

char *
teken_ca_store_get_client_secret_hash (TekenCaStore *self,
                                       const char   *client_id)
{
  return query_string (self, prepare (self,
                                      "SELECT secret_sha256 FROM clients WHERE client_id = ?",
                                      "s", client_id));
}
