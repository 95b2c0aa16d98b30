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

#include "teken-ca-auth.h"
#include "teken-ca-store.h"
#include "teken-ca-store-private.h"

struct _TekenCaStore
{
  GObject parent_instance;

  sqlite3 *db;
};

G_DEFINE_TYPE (TekenCaStore, teken_ca_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (teken-ca-error-quark, teken_ca_error)

/* One connection serves the main loop and the worker threads (hash signing
 * and password hashing run there). A transaction belongs to the connection,
 * not to a thread, so a thread holds this lock from BEGIN to COMMIT and
 * for each statement: another thread's statement can never land inside
 * someone else's transaction. Recursive, because a transaction's own
 * statements take it again. So that the main loop never waits long for
 * it, do slow work (scrypt, key generation) before teken_ca_store_begin(). */
static GRecMutex store_lock;

/* Every statement teken_ca_store_prepare() made ends here. */
void
teken_ca_store_finish (sqlite3_stmt *stmt)
{
  if (stmt == NULL)
    return;  /* prepare() failed, and let go of the lock then */
  sqlite3_finalize (stmt);
  g_rec_mutex_unlock (&store_lock);
}

#define SCHEMA_VERSION 4

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

  /* Sign-in (docs/api.md §6): passwords, OTP devices, login tokens, sessions.
   * Secrets are stored only as §14 allows: hashes, or sealed. */
  "ALTER TABLE accounts ADD COLUMN password_hash TEXT;"
  "ALTER TABLE accounts ADD COLUMN login_failures INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE accounts ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE accounts ADD COLUMN public_id TEXT;"
  "ALTER TABLE certificates ADD COLUMN public_id TEXT;"
  "CREATE UNIQUE INDEX accounts_public_id ON accounts (public_id);"
  "CREATE UNIQUE INDEX certificates_public_id ON certificates (public_id);"
  "CREATE TABLE otp_devices (id INTEGER PRIMARY KEY, public_id TEXT NOT NULL UNIQUE,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id), name TEXT NOT NULL,"
  "  sealed_secret BLOB NOT NULL, last_step INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL, last_used_at INTEGER);"
  "CREATE TABLE login_tokens (token_sha256 TEXT PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id), expires_at INTEGER NOT NULL,"
  "  codes_left INTEGER NOT NULL, sealed_setup_secret BLOB);"
  "CREATE TABLE sessions (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts (id),"
  "  scope TEXT NOT NULL, started_at INTEGER NOT NULL, ended INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE session_tokens (token_sha256 TEXT PRIMARY KEY,"
  "  session_id INTEGER NOT NULL REFERENCES sessions (id), kind TEXT NOT NULL,"
  "  expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);",

  /* Enrollment (docs/api.md §5) and e-mailed links (§12). Accounts made
   * before this version were seeded holders, activated when made. The
   * selfie, agreements and rejection columns hold the JSON objects of §5. */
  "ALTER TABLE accounts ADD COLUMN activated_at INTEGER NOT NULL DEFAULT 0;"
  "UPDATE accounts SET activated_at = CAST(strftime('%s', 'now') AS INTEGER);"
  "ALTER TABLE accounts ADD COLUMN personal_at INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE accounts ADD COLUMN title_prefix TEXT;"
  "ALTER TABLE accounts ADD COLUMN title_suffix TEXT;"
  "ALTER TABLE accounts ADD COLUMN phone TEXT;"
  "ALTER TABLE accounts ADD COLUMN employment_kind TEXT;"
  "ALTER TABLE accounts ADD COLUMN employment_type TEXT;"
  "ALTER TABLE accounts ADD COLUMN nip TEXT;"
  "ALTER TABLE accounts ADD COLUMN unit TEXT;"
  "ALTER TABLE accounts ADD COLUMN position TEXT;"
  "ALTER TABLE accounts ADD COLUMN city TEXT;"
  "ALTER TABLE accounts ADD COLUMN province TEXT;"
  "ALTER TABLE accounts ADD COLUMN selfie TEXT;"
  "ALTER TABLE accounts ADD COLUMN agreements TEXT;"
  "ALTER TABLE accounts ADD COLUMN rejection TEXT;"
  "CREATE TABLE link_tokens (token_sha256 TEXT PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id), purpose TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER NOT NULL DEFAULT 0,"
  "  superseded INTEGER NOT NULL DEFAULT 0, payload TEXT);"
  "CREATE INDEX link_tokens_account ON link_tokens (account_id, purpose);"
  "CREATE TABLE agreements (id TEXT NOT NULL, version TEXT NOT NULL, title TEXT NOT NULL,"
  "  text_id TEXT NOT NULL, text_en TEXT, sha256 TEXT NOT NULL, PRIMARY KEY (id, version));",

  /* The lifecycle (docs/api.md §6.3–§9): verifier accounts (role
   * `verifier`; their nik column holds `verifier:` and the e-mail, never a
   * NIK), pending data changes (the JSON of §7.10), device set-ups, the
   * key sealed for OTP signing (§7.9), signing OTPs (SHA-256 of the code
   * and the account id), the expiry mails already sent, and the agency
   * verifier's requests (§8). */
  "ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'holder';"
  "ALTER TABLE accounts ADD COLUMN pending_update TEXT;"
  "ALTER TABLE certificates ADD COLUMN otp_key BLOB;"
  "ALTER TABLE certificates ADD COLUMN expiring_mailed INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE certificates ADD COLUMN expired_mailed INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE device_setups (public_id TEXT PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id), sealed_secret BLOB NOT NULL,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE TABLE signing_otps (id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id), code_sha256 TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, tries_left INTEGER NOT NULL,"
  "  documents INTEGER NOT NULL);"
  "CREATE INDEX signing_otps_account ON signing_otps (account_id, id);"
  "CREATE TABLE verifier_requests (id INTEGER PRIMARY KEY, public_id TEXT NOT NULL UNIQUE,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id), kind TEXT NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'pending', created_at INTEGER NOT NULL, previous_workflow TEXT,"
  "  decision_action TEXT, decision_by TEXT, decision_at INTEGER, decision_note TEXT);"
  "CREATE INDEX verifier_requests_state ON verifier_requests (state, id);",
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
  gboolean ok;

  g_rec_mutex_lock (&store_lock);
  ok = sqlite3_exec (self->db, sql, NULL, NULL, NULL) == SQLITE_OK;
  if (!ok)
    set_sqlite_error (self, error);
  g_rec_mutex_unlock (&store_lock);
  return ok;
}

/* Binds each argument in turn: 's' a string (NULL allowed), 'i' a gint64,
 * 'b' a GBytes (NULL allowed). */
static sqlite3_stmt *
prepare_valist (TekenCaStore *self,
                const char   *sql,
                const char   *types,
                va_list       args)
{
  sqlite3_stmt *stmt = NULL;

  g_rec_mutex_lock (&store_lock);
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_warning ("sqlite: %s: %s", sql, sqlite3_errmsg (self->db));
      g_rec_mutex_unlock (&store_lock);
      return NULL;
    }

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

  return stmt;
}

static sqlite3_stmt *
prepare (TekenCaStore *self,
         const char   *sql,
         const char   *types,
         ...)
{
  sqlite3_stmt *stmt;
  va_list args;

  va_start (args, types);
  stmt = prepare_valist (self, sql, types, args);
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
  teken_ca_store_finish (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error);
  return TRUE;
}

/* For an UPDATE … RETURNING: whether it changed a row. Read from the
 * statement itself, since other threads share the connection. */
static gboolean
step_changed (TekenCaStore *self,
              sqlite3_stmt *stmt)
{
  gboolean changed;
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  changed = rc == SQLITE_ROW;
  while (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      g_warning ("sqlite: %s", sqlite3_errmsg (self->db));
      changed = FALSE;
    }
  teken_ca_store_finish (stmt);
  return changed;
}

/* For an UPDATE … RETURNING of one integer: the value, or -1 when no row
 * changed (or on error). */
static gint64
step_returning (TekenCaStore *self,
                sqlite3_stmt *stmt)
{
  gint64 value = -1;
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  while (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      g_warning ("sqlite: %s", sqlite3_errmsg (self->db));
      value = -1;
    }
  teken_ca_store_finish (stmt);
  return value;
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
  teken_ca_store_finish (stmt);
  return result;
}

static gboolean
migrate (TekenCaStore  *self,
         GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if ((stmt = prepare (self, "PRAGMA user_version", "")) == NULL)
    return set_sqlite_error (self, error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  teken_ca_store_finish (stmt);

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
        {
          teken_ca_store_rollback (self);
          return FALSE;
        }
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
  cert->public_id = column_string (stmt, 10);
  cert->otp_key = column_bytes (stmt, 11);
  cert->expiring_mailed = sqlite3_column_int (stmt, 12) != 0;
  cert->expired_mailed = sqlite3_column_int (stmt, 13) != 0;
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
  teken_ca_store_finish (stmt);
  return cert;
}

#define CERTIFICATE_COLUMNS \
  "SELECT id, account_id, serial, der, not_before, not_after, revoked_at," \
  " revocation_reason, wrapped_key, key_failures, public_id, otp_key, expiring_mailed," \
  " expired_mailed FROM certificates "

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
      account->public_id = column_string (stmt, 8);
      account->password_hash = column_string (stmt, 9);
      account->login_failures = sqlite3_column_int (stmt, 10);
      account->locked_until = sqlite3_column_int64 (stmt, 11);
      account->activated_at = sqlite3_column_int64 (stmt, 12);
      account->personal_at = sqlite3_column_int64 (stmt, 13);
      account->title_prefix = column_string (stmt, 14);
      account->title_suffix = column_string (stmt, 15);
      account->phone = column_string (stmt, 16);
      account->employment_kind = column_string (stmt, 17);
      account->employment_type = column_string (stmt, 18);
      account->nip = column_string (stmt, 19);
      account->unit = column_string (stmt, 20);
      account->position = column_string (stmt, 21);
      account->city = column_string (stmt, 22);
      account->province = column_string (stmt, 23);
      account->selfie = column_string (stmt, 24);
      account->agreements = column_string (stmt, 25);
      account->rejection = column_string (stmt, 26);
      account->role = column_string (stmt, 27);
      account->pending_update = column_string (stmt, 28);
    }
  teken_ca_store_finish (stmt);
  return account;
}

#define ACCOUNT_COLUMNS \
  "SELECT id, nik, email, name, agency, workflow, verification, current_certificate," \
  " public_id, password_hash, login_failures, locked_until, activated_at, personal_at," \
  " title_prefix, title_suffix, phone, employment_kind, employment_type, nip, unit, position," \
  " city, province, selfie, agreements, rejection, role, pending_update FROM accounts "

/* The helpers above, for the store's second file (teken-ca-store-private.h). */
sqlite3_stmt *
teken_ca_store_prepare (TekenCaStore *self,
                        const char   *sql,
                        const char   *types,
                        ...)
{
  sqlite3_stmt *stmt;
  va_list args;

  va_start (args, types);
  stmt = prepare_valist (self, sql, types, args);
  va_end (args);
  return stmt;
}

gboolean
teken_ca_store_step_done (TekenCaStore  *self,
                          sqlite3_stmt  *stmt,
                          GError       **error)
{
  return step_done (self, stmt, error);
}

gboolean
teken_ca_store_step_changed (TekenCaStore *self,
                             sqlite3_stmt *stmt)
{
  return step_changed (self, stmt);
}

gint64
teken_ca_store_step_returning (TekenCaStore *self,
                               sqlite3_stmt *stmt)
{
  return step_returning (self, stmt);
}

char *
teken_ca_store_column_string (sqlite3_stmt *stmt,
                              int           column)
{
  return column_string (stmt, column);
}

GBytes *
teken_ca_store_column_bytes (sqlite3_stmt *stmt,
                             int           column)
{
  return column_bytes (stmt, column);
}

char *
teken_ca_store_query_string (TekenCaStore *self,
                             sqlite3_stmt *stmt)
{
  return query_string (self, stmt);
}

TekenCaCertificate *
teken_ca_store_certificate_from_row (sqlite3_stmt *stmt)
{
  return certificate_from_row (stmt);
}

TekenCaAccount *
teken_ca_store_read_account (sqlite3_stmt *stmt)
{
  return read_account (stmt);
}

const char *
teken_ca_store_certificate_columns (void)
{
  return CERTIFICATE_COLUMNS;
}

const char *
teken_ca_store_account_columns (void)
{
  return ACCOUNT_COLUMNS;
}

gint64
teken_ca_store_last_insert_id (TekenCaStore *self)
{
  return sqlite3_last_insert_rowid (self->db);
}

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
  g_free (self->public_id);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_clear_pointer (&self->wrapped_key, g_bytes_unref);
  g_clear_pointer (&self->otp_key, g_bytes_unref);
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
  g_free (self->public_id);
  g_free (self->title_prefix);
  g_free (self->title_suffix);
  g_free (self->phone);
  g_free (self->employment_kind);
  g_free (self->employment_type);
  g_free (self->nip);
  g_free (self->unit);
  g_free (self->position);
  g_free (self->city);
  g_free (self->province);
  g_free (self->selfie);
  g_free (self->agreements);
  g_free (self->rejection);
  g_free (self->role);
  g_free (self->pending_update);
  if (self->password_hash != NULL)
    teken_wipe_string (self->password_hash);
  g_free (self->password_hash);
  g_free (self);
}

void
teken_ca_device_free (TekenCaDevice *self)
{
  if (self == NULL)
    return;
  g_free (self->public_id);
  g_free (self->name);
  g_clear_pointer (&self->sealed_secret, g_bytes_unref);
  g_free (self);
}

void
teken_ca_login_token_free (TekenCaLoginToken *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->sealed_setup_secret, g_bytes_unref);
  g_free (self);
}

/* Rows made before ids were public (schema 1) get one. */
static gboolean
assign_public_ids (TekenCaStore  *self,
                   const char    *table,
                   const char    *prefix,
                   GError       **error)
{
  g_autofree char *select = g_strdup_printf ("SELECT id FROM %s WHERE public_id IS NULL", table);
  g_autofree char *update = g_strdup_printf ("UPDATE %s SET public_id = ? WHERE id = ?", table);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = prepare (self, select, "");

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  teken_ca_store_finish (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *public_id = teken_ca_random_id (prefix);

      if (!step_done (self, prepare (self, update, "si", public_id, g_array_index (ids, gint64, i)), error))
        return FALSE;
    }
  return TRUE;
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
      !migrate (self, error) ||
      !assign_public_ids (self, "accounts", "acc_", error) ||
      !assign_public_ids (self, "certificates", "crt_", error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * teken_ca_store_begin:
 *
 * Starts a transaction, waiting while another thread has one open. Every
 * successful call is followed by teken_ca_store_commit() or
 * teken_ca_store_rollback() in the same thread.
 */
gboolean
teken_ca_store_begin (TekenCaStore  *self,
                      GError       **error)
{
  g_rec_mutex_lock (&store_lock);
  if (exec (self, "BEGIN IMMEDIATE", error))
    return TRUE;
  g_rec_mutex_unlock (&store_lock);
  return FALSE;
}

/* Ends the transaction; when COMMIT fails, the transaction stays open for
 * the caller's teken_ca_store_rollback(). */
gboolean
teken_ca_store_commit (TekenCaStore  *self,
                       GError       **error)
{
  if (!exec (self, "COMMIT", error))
    return FALSE;  /* still in the transaction: the caller rolls back */
  g_rec_mutex_unlock (&store_lock);
  return TRUE;
}

void
teken_ca_store_rollback (TekenCaStore *self)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  g_rec_mutex_unlock (&store_lock);
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
  g_autofree char *public_id = teken_ca_random_id ("acc_");

  if (!step_done (self, prepare (self,
                                 "INSERT INTO accounts (nik, email, name, agency, public_id) VALUES (?, ?, ?, ?, ?)",
                                 "sssss", nik, email, name, agency, public_id), error))
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
  g_autofree char *public_id = teken_ca_random_id ("crt_");
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "INSERT INTO certificates (account_id, serial, der, not_before, not_after, wrapped_key,"
                  " public_id) VALUES (NULLIF (?, 0), ?, ?, ?, ?, ?, ?)",
                  "isbiibs", account_id, serial, der, not_before, not_after, wrapped_key, public_id);
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
  teken_ca_store_finish (stmt);
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

TekenCaAccount *
teken_ca_store_get_account (TekenCaStore *self,
                            gint64        id)
{
  return read_account (prepare (self, ACCOUNT_COLUMNS "WHERE id = ?", "i", id));
}

gboolean
teken_ca_store_set_password_hash (TekenCaStore  *self,
                                  gint64         account_id,
                                  const char    *password_hash,
                                  GError       **error)
{
  return step_done (self, prepare (self, "UPDATE accounts SET password_hash = ? WHERE id = ?",
                                   "si", password_hash, account_id), error);
}

/* The consecutive sign-in failures and the end of a lock-out (§2.9). */
gboolean
teken_ca_store_set_login_failures (TekenCaStore  *self,
                                   gint64         account_id,
                                   int            failures,
                                   gint64         locked_until,
                                   GError       **error)
{
  return step_done (self, prepare (self,
                                   "UPDATE accounts SET login_failures = ?, locked_until = ? WHERE id = ?",
                                   "iii", (gint64) failures, locked_until, account_id), error);
}

/**
 * teken_ca_store_add_login_failure:
 *
 * Counts one more failed sign-in in a single statement, so that parallel
 * requests cannot lose a count.
 *
 * Returns: the consecutive failures now, or -1 on error
 */
int
teken_ca_store_add_login_failure (TekenCaStore *self,
                                  gint64        account_id)
{
  return (int) step_returning (self, prepare (self,
                                              "UPDATE accounts SET login_failures = login_failures + 1"
                                              " WHERE id = ? RETURNING login_failures", "i", account_id));
}

/* Returns: the new device's id, or 0 on error */
gint64
teken_ca_store_add_device (TekenCaStore  *self,
                           gint64         account_id,
                           const char    *public_id,
                           const char    *name,
                           GBytes        *sealed_secret,
                           gint64         last_step,
                           gint64         now,
                           GError       **error)
{
  if (!step_done (self, prepare (self,
                                 "INSERT INTO otp_devices (public_id, account_id, name, sealed_secret,"
                                 " last_step, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, NULLIF (?, 0))",
                                 "sisbiii", public_id, account_id, name, sealed_secret, last_step, now,
                                 last_step > 0 ? now : 0), error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

/* Returns: (transfer full) (element-type TekenCaDevice): oldest first */
GPtrArray *
teken_ca_store_list_devices (TekenCaStore *self,
                             gint64        account_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) teken_ca_device_free);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, public_id, name, sealed_secret, last_step, created_at,"
                                " last_used_at FROM otp_devices WHERE account_id = ? ORDER BY id",
                                "i", account_id);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      TekenCaDevice *device = g_new0 (TekenCaDevice, 1);

      device->id = sqlite3_column_int64 (stmt, 0);
      device->public_id = column_string (stmt, 1);
      device->name = column_string (stmt, 2);
      device->sealed_secret = column_bytes (stmt, 3);
      device->last_step = sqlite3_column_int64 (stmt, 4);
      device->created_at = sqlite3_column_int64 (stmt, 5);
      device->last_used_at = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (list, device);
    }
  teken_ca_store_finish (stmt);
  return list;
}

/**
 * teken_ca_store_use_device_step:
 *
 * Records that @device accepted a code for @step. Only a step later than
 * the last accepted one is recorded, in one statement, so that two requests
 * with the same code cannot both succeed.
 *
 * Returns: %TRUE when recorded, %FALSE when @step was used already (or on error)
 */
gboolean
teken_ca_store_use_device_step (TekenCaStore *self,
                                gint64        device_id,
                                gint64        step,
                                gint64        now)
{
  return step_changed (self, prepare (self,
                                      "UPDATE otp_devices SET last_step = ?, last_used_at = ?"
                                      " WHERE id = ? AND last_step < ? RETURNING id",
                                      "iiii", step, now, device_id, step));
}

gboolean
teken_ca_store_add_login_token (TekenCaStore  *self,
                                const char    *token_hash,
                                gint64         account_id,
                                gint64         expires_at,
                                int            codes,
                                GBytes        *sealed_setup_secret,
                                GError       **error)
{
  return step_done (self, prepare (self,
                                   "INSERT INTO login_tokens (token_sha256, account_id, expires_at,"
                                   " codes_left, sealed_setup_secret) VALUES (?, ?, ?, ?, ?)",
                                   "siiib", token_hash, account_id, expires_at, (gint64) codes,
                                   sealed_setup_secret), error);
}

TekenCaLoginToken *
teken_ca_store_find_login_token (TekenCaStore *self,
                                 const char   *token_hash)
{
  TekenCaLoginToken *token = NULL;
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT account_id, expires_at, codes_left, sealed_setup_secret"
                                " FROM login_tokens WHERE token_sha256 = ?", "s", token_hash);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      token = g_new0 (TekenCaLoginToken, 1);
      token->account_id = sqlite3_column_int64 (stmt, 0);
      token->expires_at = sqlite3_column_int64 (stmt, 1);
      token->codes_left = sqlite3_column_int (stmt, 2);
      token->sealed_setup_secret = column_bytes (stmt, 3);
    }
  teken_ca_store_finish (stmt);
  return token;
}

/**
 * teken_ca_store_take_login_token_code:
 *
 * Uses up one of the codes a login token allows, before the code is
 * checked, so that parallel requests cannot try more than it allows.
 *
 * Returns: the codes left after this one, or -1 when none was left
 */
int
teken_ca_store_take_login_token_code (TekenCaStore *self,
                                      const char   *token_hash,
                                      gint64        now)
{
  return (int) step_returning (self, prepare (self,
                                              "UPDATE login_tokens SET codes_left = codes_left - 1"
                                              " WHERE token_sha256 = ? AND codes_left > 0 AND expires_at >= ?"
                                              " RETURNING codes_left", "si", token_hash, now));
}

/* Ends @token_hash (%NULL: none), and every expired login token with it. */
gboolean
teken_ca_store_delete_login_token (TekenCaStore  *self,
                                   const char    *token_hash,
                                   gint64         now,
                                   GError       **error)
{
  return step_done (self, prepare (self,
                                   "DELETE FROM login_tokens WHERE token_sha256 = ? OR expires_at < ?",
                                   "si", token_hash, now), error);
}

/* Returns: the new session's id, or 0 on error */
gint64
teken_ca_store_add_session (TekenCaStore  *self,
                            gint64         account_id,
                            const char    *scope,
                            gint64         now,
                            GError       **error)
{
  if (!step_done (self, prepare (self,
                                 "INSERT INTO sessions (account_id, scope, started_at) VALUES (?, ?, ?)",
                                 "isi", account_id, scope, now), error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
teken_ca_store_end_session (TekenCaStore  *self,
                            gint64         session_id,
                            GError       **error)
{
  return step_done (self, prepare (self,
                                   "UPDATE sessions SET ended = 1 WHERE id = ?", "i", session_id), error) &&
         step_done (self, prepare (self,
                                   "DELETE FROM session_tokens WHERE session_id = ? AND kind = 'access'",
                                   "i", session_id), error);
}

gboolean
teken_ca_store_add_session_token (TekenCaStore  *self,
                                  const char    *token_hash,
                                  gint64         session_id,
                                  const char    *kind,
                                  gint64         expires_at,
                                  GError       **error)
{
  return step_done (self, prepare (self,
                                   "INSERT INTO session_tokens (token_sha256, session_id, kind, expires_at)"
                                   " VALUES (?, ?, ?, ?)", "sisi", token_hash, session_id, kind, expires_at),
                    error);
}

TekenCaSessionToken *
teken_ca_store_find_session_token (TekenCaStore *self,
                                   const char   *token_hash,
                                   const char   *kind)
{
  TekenCaSessionToken *token = NULL;
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT t.session_id, s.account_id, t.expires_at, t.used, s.ended, s.started_at, s.scope"
                                " FROM session_tokens t JOIN sessions s ON s.id = t.session_id"
                                " WHERE t.token_sha256 = ? AND t.kind = ?", "ss", token_hash, kind);

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      token = g_new0 (TekenCaSessionToken, 1);
      token->session_id = sqlite3_column_int64 (stmt, 0);
      token->account_id = sqlite3_column_int64 (stmt, 1);
      token->expires_at = sqlite3_column_int64 (stmt, 2);
      token->used = sqlite3_column_int (stmt, 3) != 0;
      token->ended = sqlite3_column_int (stmt, 4) != 0;
      token->started_at = sqlite3_column_int64 (stmt, 5);
      g_strlcpy (token->scope, (const char *) sqlite3_column_text (stmt, 6), sizeof token->scope);
    }
  teken_ca_store_finish (stmt);
  return token;
}

/* Returns: %TRUE when this call used the token up, %FALSE when it was used already */
gboolean
teken_ca_store_use_session_token (TekenCaStore *self,
                                  const char   *token_hash)
{
  return step_changed (self, prepare (self,
                                      "UPDATE session_tokens SET used = 1 WHERE token_sha256 = ? AND used = 0"
                                      " RETURNING used", "s", token_hash));
}

/* Revokes (or, with reason 6, suspends) a certificate; a suspended one may
 * be revoked for good afterwards, which keeps its reason up to date. */
gboolean
teken_ca_store_revoke_certificate (TekenCaStore  *self,
                                   gint64         certificate_id,
                                   gint64         when,
                                   int            reason,
                                   GError       **error)
{
  return step_done (self, prepare (self,
                                   "UPDATE certificates SET revoked_at = ?, revocation_reason = ? WHERE id = ?",
                                   "iii", when, (gint64) reason, certificate_id), error) &&
         teken_ca_store_next_counter (self, TEKEN_CA_REVOCATION_EPOCH, error) >= 0;
}

/* The account columns that teken_ca_store_set_account_text() may write:
 * never a value from a request. */
static const char * const account_text_columns[] = {
  "nik", "email", "name", "agency", "workflow", "verification", "title_prefix", "title_suffix",
  "phone", "employment_kind", "employment_type", "nip", "unit", "position", "city", "province",
  "selfie", "agreements", "rejection", "pending_update",
};

static const char * const account_time_columns[] = {
  "activated_at", "personal_at",
};

static gboolean
is_one_of (const char         *column,
           const char * const *columns,
           gsize               n_columns)
{
  for (gsize i = 0; i < n_columns; i++)
    if (g_str_equal (columns[i], column))
      return TRUE;
  return FALSE;
}

/**
 * teken_ca_store_set_account_text:
 * @column: one of the account's text columns
 * @value: (nullable): the new value
 *
 * Writes one column of an account. Several calls inside
 * teken_ca_store_begin()/commit() make one change.
 */
gboolean
teken_ca_store_set_account_text (TekenCaStore  *self,
                                 gint64         account_id,
                                 const char    *column,
                                 const char    *value,
                                 GError       **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (is_one_of (column, account_text_columns, G_N_ELEMENTS (account_text_columns)), FALSE);

  sql = g_strdup_printf ("UPDATE accounts SET %s = ? WHERE id = ?", column);
  return step_done (self, prepare (self, sql, "si", value, account_id), error);
}

/**
 * teken_ca_store_set_account_time:
 * @column: `activated_at` or `personal_at`
 * @when: Unix time, 0 for never
 */
gboolean
teken_ca_store_set_account_time (TekenCaStore  *self,
                                 gint64         account_id,
                                 const char    *column,
                                 gint64         when,
                                 GError       **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (is_one_of (column, account_time_columns, G_N_ELEMENTS (account_time_columns)), FALSE);

  sql = g_strdup_printf ("UPDATE accounts SET %s = ? WHERE id = ?", column);
  return step_done (self, prepare (self, sql, "ii", when, account_id), error);
}

/**
 * teken_ca_store_delete_account:
 *
 * Removes an account that was never activated, with its links: registering
 * the same NIK again starts afresh (docs/api.md §5.1).
 */
gboolean
teken_ca_store_delete_account (TekenCaStore  *self,
                               gint64         account_id,
                               GError       **error)
{
  return step_done (self, prepare (self, "DELETE FROM link_tokens WHERE account_id = ?", "i", account_id),
                    error) &&
         step_done (self, prepare (self, "DELETE FROM accounts WHERE id = ? AND activated_at = 0",
                                   "i", account_id), error);
}

void
teken_ca_link_free (TekenCaLink *self)
{
  if (self == NULL)
    return;
  g_free (self->purpose);
  g_free (self->payload);
  g_free (self);
}

/**
 * teken_ca_store_add_link:
 * @token_hash: teken_ca_token_hash() of the token sent
 * @payload: (nullable): what the link carries besides its account
 *
 * Stores an e-mailed link; links of the same purpose sent to the account
 * earlier are superseded (docs/api.md §12).
 */
gboolean
teken_ca_store_add_link (TekenCaStore  *self,
                         const char    *token_hash,
                         gint64         account_id,
                         const char    *purpose,
                         gint64         created_at,
                         gint64         expires_at,
                         const char    *payload,
                         GError       **error)
{
  return step_done (self, prepare (self,
                                   "UPDATE link_tokens SET superseded = 1"
                                   " WHERE account_id = ? AND purpose = ? AND used_at = 0",
                                   "is", account_id, purpose), error) &&
         step_done (self, prepare (self,
                                   "INSERT INTO link_tokens (token_sha256, account_id, purpose,"
                                   " created_at, expires_at, payload) VALUES (?, ?, ?, ?, ?, ?)",
                                   "sisiis", token_hash, account_id, purpose, created_at, expires_at,
                                   payload), error);
}

/**
 * teken_ca_store_supersede_links:
 * @purpose: (nullable): only links of this purpose; %NULL for all
 *
 * Voids the account's unused links, e.g. when what they would do is no
 * longer possible.
 */
gboolean
teken_ca_store_supersede_links (TekenCaStore  *self,
                                gint64         account_id,
                                const char    *purpose,
                                GError       **error)
{
  return step_done (self, prepare (self,
                                   "UPDATE link_tokens SET superseded = 1 WHERE account_id = ?"
                                   " AND used_at = 0 AND (? IS NULL OR purpose = ?)",
                                   "iss", account_id, purpose, purpose), error);
}

TekenCaLink *
teken_ca_store_find_link (TekenCaStore *self,
                          const char   *token_hash)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT account_id, purpose, created_at, expires_at, used_at,"
                                " superseded, payload FROM link_tokens WHERE token_sha256 = ?",
                                "s", token_hash);
  TekenCaLink *link = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      link = g_new0 (TekenCaLink, 1);
      link->account_id = sqlite3_column_int64 (stmt, 0);
      link->purpose = column_string (stmt, 1);
      link->created_at = sqlite3_column_int64 (stmt, 2);
      link->expires_at = sqlite3_column_int64 (stmt, 3);
      link->used_at = sqlite3_column_int64 (stmt, 4);
      link->superseded = sqlite3_column_int (stmt, 5) != 0;
      link->payload = column_string (stmt, 6);
    }
  teken_ca_store_finish (stmt);
  return link;
}

/**
 * teken_ca_store_use_link:
 *
 * Uses a link up, once: of two requests racing with the same token, one
 * wins.
 *
 * Returns: %TRUE when this call used it
 */
gboolean
teken_ca_store_use_link (TekenCaStore *self,
                         const char   *token_hash,
                         gint64        now)
{
  return step_changed (self, prepare (self,
                                      "UPDATE link_tokens SET used_at = ? WHERE token_sha256 = ?"
                                      " AND used_at = 0 AND superseded = 0 AND expires_at >= ?"
                                      " RETURNING account_id",
                                      "isi", now, token_hash, now));
}

/**
 * teken_ca_store_last_link_time:
 *
 * Returns: when the newest link of @purpose was sent to the account, 0
 *   when none was
 */
gint64
teken_ca_store_last_link_time (TekenCaStore *self,
                               gint64        account_id,
                               const char   *purpose)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT MAX(created_at) FROM link_tokens WHERE account_id = ? AND purpose = ?",
                                "is", account_id, purpose);
  gint64 when = 0;

  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    when = sqlite3_column_int64 (stmt, 0);
  teken_ca_store_finish (stmt);
  return when;
}

static char **
query_row (sqlite3_stmt *stmt)
{
  char **row = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      int n = sqlite3_column_count (stmt);

      row = g_new0 (char *, n + 1);
      for (int i = 0; i < n; i++)
        row[i] = column_string (stmt, i) ?: g_strdup ("");
    }
  teken_ca_store_finish (stmt);
  return row;
}

/**
 * teken_ca_store_lookup_person:
 *
 * Returns: (transfer full) (nullable): the population registry's row of
 *   @nik: nik, name, kk, photo_ref, face_match (empty strings for nulls)
 */
char **
teken_ca_store_lookup_person (TekenCaStore *self,
                              const char   *nik)
{
  return query_row (prepare (self,
                             "SELECT nik, name, kk, photo_ref, COALESCE(NULLIF(face_match, ''), 'match')"
                             " FROM population WHERE nik = ?", "s", nik));
}

/**
 * teken_ca_store_lookup_employee:
 *
 * Returns: (transfer full) (nullable): the personnel registry's row of
 *   @nip: nip, nik, employment_type, agency, unit, position, city, province
 */
char **
teken_ca_store_lookup_employee (TekenCaStore *self,
                                const char   *nip)
{
  return query_row (prepare (self,
                             "SELECT nip, nik, employment_type, agency, unit, position, city, province"
                             " FROM personnel WHERE nip = ?", "s", nip));
}

/**
 * teken_ca_store_list_agency_domains:
 *
 * @agency: (nullable): an agency, %NULL for all
 *
 * Returns: (transfer full): the e-mail domains of @agency, sorted
 */
GStrv
teken_ca_store_list_agency_domains (TekenCaStore *self,
                                    const char   *agency)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT email_domain FROM agency_domains WHERE ? IS NULL OR agency = ?"
                                      " ORDER BY email_domain", "ss", agency, agency);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  teken_ca_store_finish (stmt);
  return g_strv_builder_end (builder);
}

gboolean
teken_ca_store_add_agreement (TekenCaStore  *self,
                              const char    *id,
                              const char    *version,
                              const char    *title,
                              const char    *text_id,
                              const char    *text_en,
                              const char    *sha256,
                              GError       **error)
{
  return step_done (self, prepare (self,
                                   "INSERT INTO agreements (id, version, title, text_id, text_en, sha256)"
                                   " VALUES (?, ?, ?, ?, ?, ?)",
                                   "ssssss", id, version, title, text_id, text_en, sha256), error);
}

/**
 * teken_ca_store_get_agreement:
 * @version: (nullable): a version, %NULL for the current one (the last loaded)
 *
 * Returns: (transfer full) (nullable): id, version, title, text_id,
 *   text_en (empty when none), sha256
 */
char **
teken_ca_store_get_agreement (TekenCaStore *self,
                              const char   *id,
                              const char   *version)
{
  return query_row (prepare (self,
                             "SELECT id, version, title, text_id, text_en, sha256 FROM agreements"
                             " WHERE id = ? AND (? IS NULL OR version = ?) ORDER BY rowid DESC LIMIT 1",
                             "sss", id, version, version));
}
