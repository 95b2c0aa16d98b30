/* teken-ca-store-lifecycle.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The store's side of the lifecycle (docs/api.md §6.3–§9): verifier
 * accounts, the registries' whole rows, certificates by id, suspension,
 * OTP devices and their set-ups, signing OTPs, expiry mails and the agency
 * verifier's requests. Secrets are stored only as §14 allows. */

#include "config.h"

#include "teken-ca-auth.h"
#include "teken-ca-store.h"
#include "teken-ca-store-private.h"

#define prepare teken_ca_store_prepare
#define step_done teken_ca_store_step_done
#define step_changed teken_ca_store_step_changed
#define step_returning teken_ca_store_step_returning
#define column_string teken_ca_store_column_string
#define column_bytes teken_ca_store_column_bytes

void
teken_ca_device_setup_free (TekenCaDeviceSetup *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->sealed_secret, g_bytes_unref);
  g_free (self);
}

void
teken_ca_signing_otp_free (TekenCaSigningOtp *self)
{
  if (self == NULL)
    return;
  g_free (self->code_hash);
  g_free (self);
}

void
teken_ca_verifier_request_free (TekenCaVerifierRequest *self)
{
  if (self == NULL)
    return;
  g_free (self->public_id);
  g_free (self->kind);
  g_free (self->state);
  g_free (self->previous_workflow);
  g_free (self->decision_action);
  g_free (self->decision_by);
  g_free (self->decision_note);
  g_free (self);
}

void
teken_ca_population_free (TekenCaPopulation *self)
{
  if (self == NULL)
    return;
  g_free (self->nik);
  g_free (self->name);
  g_free (self->kk);
  g_free (self->photo_ref);
  g_free (self->face_match);
  g_free (self);
}

void
teken_ca_personnel_free (TekenCaPersonnel *self)
{
  if (self == NULL)
    return;
  g_free (self->nip);
  g_free (self->nik);
  g_free (self->employment_type);
  g_free (self->agency);
  g_free (self->unit);
  g_free (self->position);
  g_free (self->city);
  g_free (self->province);
  g_free (self);
}

/**
 * teken_ca_store_add_verifier:
 *
 * Makes an agency verifier's account (docs/api.md §8). It has no NIK:
 * the column holds `verifier:` and the e-mail, which no NIK lookup can
 * match. Activated at once; the password and devices are set apart.
 *
 * Returns: the new account's id, or 0 on error
 */
gint64
teken_ca_store_add_verifier (TekenCaStore  *self,
                             const char    *email,
                             const char    *name,
                             const char    *agency,
                             gint64         now,
                             GError       **error)
{
  g_autofree char *public_id = teken_ca_random_id ("acc_");
  g_autofree char *nik = g_strconcat ("verifier:", email, NULL);

  if (!step_done (self, prepare (self,
                                 "INSERT INTO accounts (nik, email, name, agency, public_id, role,"
                                 " activated_at) VALUES (?, ?, ?, ?, ?, 'verifier', ?)",
                                 "sssssi", nik, email, name, agency, public_id, now), error))
    return 0;
  return teken_ca_store_last_insert_id (self);
}

/* Returns: (transfer full) (element-type utf8): the e-mails of @agency's verifiers */
GPtrArray *
teken_ca_store_list_verifier_emails (TekenCaStore *self,
                                     const char   *agency)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT email FROM accounts WHERE role = 'verifier' AND agency = ? ORDER BY id",
                                "s", agency);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, column_string (stmt, 0));
  teken_ca_store_finish (stmt);
  return list;
}

TekenCaAccount *
teken_ca_store_find_account_by_public_id (TekenCaStore *self,
                                          const char   *public_id)
{
  g_autofree char *sql = g_strconcat (teken_ca_store_account_columns (), "WHERE public_id = ?", NULL);

  return teken_ca_store_read_account (prepare (self, sql, "s", public_id));
}

/* Returns: (transfer full) (element-type utf8): every e-mail domain of
 * agencies.csv, sorted */
GPtrArray *
teken_ca_store_list_domains (TekenCaStore *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = prepare (self, "SELECT email_domain FROM agency_domains ORDER BY email_domain", "");

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, column_string (stmt, 0));
  teken_ca_store_finish (stmt);
  return list;
}

TekenCaPopulation *
teken_ca_store_get_population (TekenCaStore *self,
                               const char   *nik)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT nik, name, kk, photo_ref, face_match FROM population WHERE nik = ?",
                                "s", nik);
  TekenCaPopulation *row = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      row = g_new0 (TekenCaPopulation, 1);
      row->nik = column_string (stmt, 0);
      row->name = column_string (stmt, 1);
      row->kk = column_string (stmt, 2);
      row->photo_ref = column_string (stmt, 3);
      row->face_match = column_string (stmt, 4);
    }
  teken_ca_store_finish (stmt);
  return row;
}

TekenCaPersonnel *
teken_ca_store_get_personnel (TekenCaStore *self,
                              const char   *nip)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT nip, nik, employment_type, agency, unit, position, city, province"
                                " FROM personnel WHERE nip = ?", "s", nip);
  TekenCaPersonnel *row = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      row = g_new0 (TekenCaPersonnel, 1);
      row->nip = column_string (stmt, 0);
      row->nik = column_string (stmt, 1);
      row->employment_type = column_string (stmt, 2);
      row->agency = column_string (stmt, 3);
      row->unit = column_string (stmt, 4);
      row->position = column_string (stmt, 5);
      row->city = column_string (stmt, 6);
      row->province = column_string (stmt, 7);
    }
  teken_ca_store_finish (stmt);
  return row;
}

/* Returns: (transfer full) (element-type TekenCaCertificate): newest first */
GPtrArray *
teken_ca_store_list_certificates (TekenCaStore *self,
                                  gint64        account_id)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) teken_ca_certificate_free);
  g_autofree char *sql = g_strconcat (teken_ca_store_certificate_columns (),
                                      "WHERE account_id = ? ORDER BY not_before DESC, id DESC", NULL);
  sqlite3_stmt *stmt = prepare (self, sql, "i", account_id);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, teken_ca_store_certificate_from_row (stmt));
  teken_ca_store_finish (stmt);
  return list;
}

TekenCaCertificate *
teken_ca_store_find_certificate (TekenCaStore *self,
                                 const char   *public_id)
{
  g_autofree char *sql = g_strconcat (teken_ca_store_certificate_columns (), "WHERE public_id = ?", NULL);
  sqlite3_stmt *stmt = prepare (self, sql, "s", public_id);
  TekenCaCertificate *cert = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    cert = teken_ca_store_certificate_from_row (stmt);
  teken_ca_store_finish (stmt);
  return cert;
}

/* Lifts a suspension (certificateHold): only a held certificate changes. */
gboolean
teken_ca_store_unrevoke_certificate (TekenCaStore  *self,
                                     gint64         certificate_id,
                                     GError       **error)
{
  return step_done (self, prepare (self,
                                   "UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL"
                                   " WHERE id = ? AND revocation_reason = 6", "i", certificate_id), error) &&
         teken_ca_store_next_counter (self, TEKEN_CA_REVOCATION_EPOCH, error) >= 0;
}

/* @sealed_key: (nullable): the key sealed under the server key, NULL to drop it */
gboolean
teken_ca_store_set_otp_key (TekenCaStore  *self,
                            gint64         certificate_id,
                            GBytes        *sealed_key,
                            GError       **error)
{
  return step_done (self, prepare (self, "UPDATE certificates SET otp_key = ? WHERE id = ?",
                                   "bi", sealed_key, certificate_id), error);
}

gboolean
teken_ca_store_set_expiry_mailed (TekenCaStore  *self,
                                  gint64         certificate_id,
                                  gboolean       expired,
                                  GError       **error)
{
  return step_done (self, prepare (self,
                                   expired ? "UPDATE certificates SET expired_mailed = 1, expiring_mailed = 1 WHERE id = ?"
                                           : "UPDATE certificates SET expiring_mailed = 1 WHERE id = ?",
                                   "i", certificate_id), error);
}

/**
 * teken_ca_store_list_expiry_due:
 * @window: how long before not_after certificate_expiring is sent
 *
 * Returns: (transfer full) (element-type TekenCaCertificate): holders'
 *   current certificates, not revoked (suspended ones count), whose
 *   expiring or expired mail is due
 */
GPtrArray *
teken_ca_store_list_expiry_due (TekenCaStore *self,
                                gint64        now,
                                gint64        window)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) teken_ca_certificate_free);
  g_autofree char *sql = g_strconcat (teken_ca_store_certificate_columns (),
                                      "WHERE id IN (SELECT current_certificate FROM accounts)"
                                      " AND (revoked_at IS NULL OR revocation_reason = 6)"
                                      " AND ((not_after < ? AND expired_mailed = 0)"
                                      "  OR (not_after - ? <= ? AND expiring_mailed = 0 AND revoked_at IS NULL))"
                                      " ORDER BY id", NULL);
  sqlite3_stmt *stmt = prepare (self, sql, "iii", now, window, now);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, teken_ca_store_certificate_from_row (stmt));
  teken_ca_store_finish (stmt);
  return list;
}

gint64
teken_ca_store_get_revocation_epoch (TekenCaStore *self)
{
  g_autofree char *value = teken_ca_store_get_meta (self, TEKEN_CA_REVOCATION_EPOCH);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

gboolean
teken_ca_store_rename_device (TekenCaStore  *self,
                              gint64         device_id,
                              const char    *name,
                              GError       **error)
{
  return step_done (self, prepare (self, "UPDATE otp_devices SET name = ? WHERE id = ?",
                                   "si", name, device_id), error);
}

gboolean
teken_ca_store_delete_device (TekenCaStore  *self,
                              gint64         device_id,
                              GError       **error)
{
  return step_done (self, prepare (self, "DELETE FROM otp_devices WHERE id = ?", "i", device_id), error);
}

/* Removes every OTP device and device set-up of the account. */
gboolean
teken_ca_store_delete_devices (TekenCaStore  *self,
                               gint64         account_id,
                               GError       **error)
{
  return step_done (self, prepare (self, "DELETE FROM otp_devices WHERE account_id = ?", "i", account_id),
                    error) &&
         step_done (self, prepare (self, "DELETE FROM device_setups WHERE account_id = ?", "i", account_id),
                    error);
}

/* Stores a set-up; expired ones of every account go at the same time. */
gboolean
teken_ca_store_add_device_setup (TekenCaStore  *self,
                                 const char    *public_id,
                                 gint64         account_id,
                                 GBytes        *sealed_secret,
                                 gint64         now,
                                 gint64         expires_at,
                                 GError       **error)
{
  return step_done (self, prepare (self, "DELETE FROM device_setups WHERE expires_at < ?", "i", now), error) &&
         step_done (self, prepare (self,
                                   "INSERT INTO device_setups (public_id, account_id, sealed_secret, expires_at)"
                                   " VALUES (?, ?, ?, ?)", "sibi", public_id, account_id, sealed_secret,
                                   expires_at), error);
}

TekenCaDeviceSetup *
teken_ca_store_find_device_setup (TekenCaStore *self,
                                  const char   *public_id)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT account_id, sealed_secret, expires_at FROM device_setups"
                                " WHERE public_id = ?", "s", public_id);
  TekenCaDeviceSetup *setup = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      setup = g_new0 (TekenCaDeviceSetup, 1);
      setup->account_id = sqlite3_column_int64 (stmt, 0);
      setup->sealed_secret = column_bytes (stmt, 1);
      setup->expires_at = sqlite3_column_int64 (stmt, 2);
    }
  teken_ca_store_finish (stmt);
  return setup;
}

/* Returns: %TRUE when this call removed it (two confirmations race) */
gboolean
teken_ca_store_delete_device_setup (TekenCaStore  *self,
                                    const char    *public_id,
                                    GError       **error)
{
  return step_changed (self, prepare (self, "DELETE FROM device_setups WHERE public_id = ? RETURNING account_id",
                                      "s", public_id));
}

/* Ends every session of the account, and its sign-ins half done. */
gboolean
teken_ca_store_end_account_sessions (TekenCaStore  *self,
                                     gint64         account_id,
                                     GError       **error)
{
  return step_done (self, prepare (self,
                                   "DELETE FROM session_tokens WHERE session_id IN"
                                   " (SELECT id FROM sessions WHERE account_id = ?)", "i", account_id), error) &&
         step_done (self, prepare (self, "UPDATE sessions SET ended = 1 WHERE account_id = ?", "i", account_id),
                    error) &&
         step_done (self, prepare (self, "DELETE FROM login_tokens WHERE account_id = ?", "i", account_id),
                    error);
}

/**
 * teken_ca_store_count_links_since:
 * @oldest: (out): when the oldest of them was sent, 0 when none was
 * @newest: (out): when the newest of them was sent, 0 when none was
 *
 * Returns: how many links of @purpose the account was sent since @since,
 *   for the rate limit of docs/api.md §2.9
 */
int
teken_ca_store_count_links_since (TekenCaStore *self,
                                  gint64        account_id,
                                  const char   *purpose,
                                  gint64        since,
                                  gint64       *oldest,
                                  gint64       *newest)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT COUNT(*), COALESCE(MIN(created_at), 0), COALESCE(MAX(created_at), 0)"
                                " FROM link_tokens WHERE account_id = ? AND purpose = ? AND created_at >= ?",
                                "isi", account_id, purpose, since);
  int count = 0;

  *oldest = *newest = 0;
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      count = sqlite3_column_int (stmt, 0);
      *oldest = sqlite3_column_int64 (stmt, 1);
      *newest = sqlite3_column_int64 (stmt, 2);
    }
  teken_ca_store_finish (stmt);
  return count;
}

/* Replaces the key's wrapping (a new passphrase) and clears its failures. */
gboolean
teken_ca_store_set_wrapped_key (TekenCaStore  *self,
                                gint64         certificate_id,
                                GBytes        *wrapped_key,
                                GError       **error)
{
  return step_done (self, prepare (self,
                                   "UPDATE certificates SET wrapped_key = ?, key_failures = 0 WHERE id = ?",
                                   "bi", wrapped_key, certificate_id), error);
}

/* Returns: (nullable): the current version of agreement @id, %NULL when
 *   the seed gave none */
char *
teken_ca_store_get_agreement_version (TekenCaStore *self,
                                      const char   *id)
{
  return teken_ca_store_query_string (self, prepare (self,
                                                     "SELECT version FROM agreements WHERE id = ?"
                                                     " ORDER BY rowid DESC LIMIT 1", "s", id));
}

/* Stores a new signing OTP; the account's earlier ones are void (§9.1). */
gboolean
teken_ca_store_add_signing_otp (TekenCaStore  *self,
                                gint64         account_id,
                                const char    *code_hash,
                                gint64         now,
                                gint64         expires_at,
                                int            tries,
                                int            documents,
                                GError       **error)
{
  return step_done (self, prepare (self, "UPDATE signing_otps SET tries_left = 0 WHERE account_id = ?",
                                   "i", account_id), error) &&
         step_done (self, prepare (self,
                                   "INSERT INTO signing_otps (account_id, code_sha256, created_at, expires_at,"
                                   " tries_left, documents) VALUES (?, ?, ?, ?, ?, ?)",
                                   "isiiii", account_id, code_hash, now, expires_at, (gint64) tries,
                                   (gint64) documents), error);
}

/* Returns: the account's newest signing OTP, used up or not */
TekenCaSigningOtp *
teken_ca_store_find_signing_otp (TekenCaStore *self,
                                 gint64        account_id)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, code_sha256, created_at, expires_at, tries_left, documents"
                                " FROM signing_otps WHERE account_id = ? ORDER BY id DESC LIMIT 1",
                                "i", account_id);
  TekenCaSigningOtp *otp = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      otp = g_new0 (TekenCaSigningOtp, 1);
      otp->id = sqlite3_column_int64 (stmt, 0);
      otp->code_hash = column_string (stmt, 1);
      otp->created_at = sqlite3_column_int64 (stmt, 2);
      otp->expires_at = sqlite3_column_int64 (stmt, 3);
      otp->tries_left = sqlite3_column_int (stmt, 4);
      otp->documents = sqlite3_column_int (stmt, 5);
    }
  teken_ca_store_finish (stmt);
  return otp;
}

/**
 * teken_ca_store_take_signing_otp_try:
 *
 * Uses up one try before the code is compared, so that parallel requests
 * cannot try more than three.
 *
 * Returns: the tries left after this one, or -1 when none was left
 */
int
teken_ca_store_take_signing_otp_try (TekenCaStore *self,
                                     gint64        otp_id,
                                     gint64        now)
{
  return (int) step_returning (self, prepare (self,
                                              "UPDATE signing_otps SET tries_left = tries_left - 1"
                                              " WHERE id = ? AND tries_left > 0 AND expires_at >= ?"
                                              " RETURNING tries_left", "ii", otp_id, now));
}

/* A right code signs one request: the code is void afterwards. */
gboolean
teken_ca_store_use_signing_otp (TekenCaStore *self,
                                gint64        otp_id)
{
  return step_changed (self, prepare (self,
                                      "UPDATE signing_otps SET tries_left = 0, expires_at = 0 WHERE id = ?"
                                      " AND expires_at > 0 RETURNING id", "i", otp_id));
}

/* Like teken_ca_store_count_links_since(), for signing OTPs. */
int
teken_ca_store_count_signing_otps_since (TekenCaStore *self,
                                         gint64        account_id,
                                         gint64        since,
                                         gint64       *oldest,
                                         gint64       *newest)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT COUNT(*), COALESCE(MIN(created_at), 0), COALESCE(MAX(created_at), 0)"
                                " FROM signing_otps WHERE account_id = ? AND created_at >= ?",
                                "ii", account_id, since);
  int count = 0;

  *oldest = *newest = 0;
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      count = sqlite3_column_int (stmt, 0);
      *oldest = sqlite3_column_int64 (stmt, 1);
      *newest = sqlite3_column_int64 (stmt, 2);
    }
  teken_ca_store_finish (stmt);
  return count;
}

/* Returns: the new request's row id, or 0 on error */
gint64
teken_ca_store_add_request (TekenCaStore  *self,
                            const char    *public_id,
                            gint64         account_id,
                            const char    *kind,
                            const char    *previous_workflow,
                            gint64         now,
                            GError       **error)
{
  if (!step_done (self, prepare (self,
                                 "INSERT INTO verifier_requests (public_id, account_id, kind, created_at,"
                                 " previous_workflow) VALUES (?, ?, ?, ?, ?)",
                                 "sisis", public_id, account_id, kind, now, previous_workflow), error))
    return 0;
  return teken_ca_store_last_insert_id (self);
}

#define REQUEST_COLUMNS \
  "SELECT r.id, r.public_id, r.account_id, r.kind, r.state, r.created_at, r.previous_workflow," \
  " r.decision_action, r.decision_by, r.decision_at, r.decision_note FROM verifier_requests r "

static TekenCaVerifierRequest *
request_from_row (sqlite3_stmt *stmt)
{
  TekenCaVerifierRequest *request = g_new0 (TekenCaVerifierRequest, 1);

  request->id = sqlite3_column_int64 (stmt, 0);
  request->public_id = column_string (stmt, 1);
  request->account_id = sqlite3_column_int64 (stmt, 2);
  request->kind = column_string (stmt, 3);
  request->state = column_string (stmt, 4);
  request->created_at = sqlite3_column_int64 (stmt, 5);
  request->previous_workflow = column_string (stmt, 6);
  request->decision_action = column_string (stmt, 7);
  request->decision_by = column_string (stmt, 8);
  request->decision_at = sqlite3_column_int64 (stmt, 9);
  request->decision_note = column_string (stmt, 10);
  return request;
}

TekenCaVerifierRequest *
teken_ca_store_find_request (TekenCaStore *self,
                             const char   *public_id)
{
  sqlite3_stmt *stmt = prepare (self, REQUEST_COLUMNS "WHERE r.public_id = ?", "s", public_id);
  TekenCaVerifierRequest *request = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    request = request_from_row (stmt);
  teken_ca_store_finish (stmt);
  return request;
}

/**
 * teken_ca_store_list_requests:
 * @agency: (nullable): only requests of this agency's holders
 * @state: (nullable): only requests in this state
 * @kind: (nullable): only requests of this kind
 * @after_id: only requests after this row id (a page's cursor), 0 for all
 *
 * Returns: (transfer full) (element-type TekenCaVerifierRequest): oldest
 *   first, at most @limit
 */
GPtrArray *
teken_ca_store_list_requests (TekenCaStore *self,
                              const char   *agency,
                              const char   *state,
                              const char   *kind,
                              gint64        after_id,
                              int           limit)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) teken_ca_verifier_request_free);
  sqlite3_stmt *stmt = prepare (self,
                                REQUEST_COLUMNS "JOIN accounts a ON a.id = r.account_id"
                                " WHERE (? IS NULL OR a.agency = ?) AND (? IS NULL OR r.state = ?)"
                                " AND (? IS NULL OR r.kind = ?) AND r.id > ? ORDER BY r.id LIMIT ?",
                                "ssssssii", agency, agency, state, state, kind, kind, after_id,
                                (gint64) limit);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, request_from_row (stmt));
  teken_ca_store_finish (stmt);
  return list;
}

/* Returns: %TRUE when this call decided the request, %FALSE when it was
 *   decided already */
gboolean
teken_ca_store_decide_request (TekenCaStore *self,
                               gint64        request_id,
                               gboolean      approve,
                               const char   *by,
                               gint64        when,
                               const char   *note)
{
  return step_changed (self, prepare (self,
                                      "UPDATE verifier_requests SET state = ?, decision_action = ?,"
                                      " decision_by = ?, decision_at = ?, decision_note = ?"
                                      " WHERE id = ? AND state = 'pending' RETURNING id",
                                      "sssisi", approve ? "approved" : "rejected",
                                      approve ? "approve" : "reject", by, when, note, request_id));
}
