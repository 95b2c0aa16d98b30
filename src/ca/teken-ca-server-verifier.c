/* teken-ca-server-verifier.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The agency verifier (docs/api.md §8): requests to decide (enrollments the
 * automatic check left open, renewals, re-issues), and holders to suspend,
 * unsuspend, revoke or re-issue. A verifier sees only its own agency's
 * holders. The operations take an actor instead of a request, so that
 * `teken-ca admin` runs exactly them on the data directory; every decision
 * goes to DIR/audit.log, one JSON object a line. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "teken-ca-auth.h"
#include "teken-ca-server-private.h"

#define MAX_NOTE 500
#define DEFAULT_PAGE 50
#define MAX_PAGE 200

/**
 * teken_ca_audit:
 * @subject: the public id of the account or request decided on
 * @note: (nullable): the verifier's note
 *
 * Appends a decision to DIR/audit.log (mode 0600). Never a secret.
 */
void
teken_ca_audit (TekenCaServer *self,
                const char    *by,
                const char    *action,
                const char    *subject,
                const char    *note)
{
  g_autofree char *path = g_build_filename (self->data_dir, "audit.log", NULL);
  g_autofree char *time = teken_ca_format_time (teken_ca_now_seconds ());
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  int fd;

  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "time", time);
  teken_ca_add_string_or_null (b, "by", by);
  teken_ca_add_string_or_null (b, "action", action);
  teken_ca_add_string_or_null (b, "subject", subject);
  teken_ca_add_string_or_null (b, "note", note);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  line = g_strconcat (text, "\n", NULL);

  fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, line, strlen (line)) != (gssize) strlen (line) || fsync (fd) != 0)
    g_warning ("audit log %s: %s", path, g_strerror (errno));
  if (fd >= 0)
    close (fd);
  g_message ("%s: %s %s", by, action, subject);
}

/**
 * teken_ca_create_request:
 * @kind: `enrollment_review`, `renewal` or `reissue`
 * @previous_workflow: (nullable): the account's workflow to go back to when
 *   the verifier rejects (%NULL: what its certificate says)
 * @public_id: (out) (optional): the request's `req_…` id
 *
 * Opens a verifier request. Call inside the transaction that moves the
 * account, then teken_ca_notify_verifiers() after it.
 */
gboolean
teken_ca_create_request (TekenCaServer   *self,
                         TekenCaAccount  *account,
                         const char      *kind,
                         const char      *previous_workflow,
                         char           **public_id,
                         GError         **error)
{
  g_autofree char *id = teken_ca_random_id ("req_");

  if (teken_ca_store_add_request (self->store, id, account->id, kind, previous_workflow,
                                  teken_ca_now_seconds (), error) == 0)
    return FALSE;
  if (public_id != NULL)
    *public_id = g_steal_pointer (&id);
  return TRUE;
}

/* Mails `verifier_request` to every verifier of the holder's agency. */
void
teken_ca_notify_verifiers (TekenCaServer  *self,
                           TekenCaAccount *account)
{
  g_autoptr(GPtrArray) emails = teken_ca_store_list_verifier_emails (self->store, account->agency);

  for (guint i = 0; i < emails->len; i++)
    teken_ca_send_notice (self, g_ptr_array_index (emails, i), "verifier_request");
}

/* Upper case, single spaces: how §5.10 compares names. */
static char *
normalize_name (const char *name)
{
  g_auto(GStrv) words = g_strsplit (name != NULL ? name : "", " ", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_string_append_printf (out, "%s%s", out->len > 0 ? " " : "", words[i]);
  return g_ascii_strup (out->str, -1);
}

/* Adds the Request object of docs/api.md §8: what the holder gave now,
 * beside what the registries say. */
void
teken_ca_add_request_object (JsonBuilder            *b,
                             TekenCaServer          *self,
                             TekenCaVerifierRequest *request)
{
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, request->account_id);
  g_autoptr(TekenCaPopulation) population = account != NULL ? teken_ca_store_get_population (self->store, account->nik)
                                                             : NULL;
  g_autoptr(TekenCaPersonnel) personnel = NULL;
  g_autofree char *submitted_name = NULL;
  g_autofree char *registry_name = NULL;

  if (account != NULL && g_strcmp0 (account->employment_kind, "asn") == 0 && account->nip != NULL)
    personnel = teken_ca_store_get_personnel (self->store, account->nip);
  submitted_name = normalize_name (account != NULL ? account->name : NULL);
  registry_name = normalize_name (population != NULL ? population->name : NULL);

  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "id", request->public_id);
  teken_ca_add_string_or_null (b, "kind", request->kind);
  teken_ca_add_string_or_null (b, "state", request->state);
  teken_ca_add_time_or_null (b, "created_at", request->created_at);

  json_builder_set_member_name (b, "holder");
  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "id", account != NULL ? account->public_id : NULL);
  teken_ca_add_string_or_null (b, "nik", account != NULL ? account->nik : NULL);
  teken_ca_add_string_or_null (b, "name", account != NULL ? account->name : NULL);
  teken_ca_add_string_or_null (b, "email", account != NULL ? account->email : NULL);
  teken_ca_add_string_or_null (b, "agency", account != NULL ? account->agency : NULL);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "submitted");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "personal");
  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "name", account != NULL ? account->name : NULL);
  teken_ca_add_string_or_null (b, "title_prefix", account != NULL ? account->title_prefix : NULL);
  teken_ca_add_string_or_null (b, "title_suffix", account != NULL ? account->title_suffix : NULL);
  teken_ca_add_string_or_null (b, "phone", account != NULL ? account->phone : NULL);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "employment");
  if (account != NULL && account->employment_kind != NULL)
    teken_ca_add_employment_object (b, account->employment_kind, account->employment_type, account->nip,
                                    account->agency, account->unit, account->position, account->city,
                                    account->province);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "registry");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "population");
  if (population != NULL)
    {
      json_builder_begin_object (b);
      teken_ca_add_string_or_null (b, "name", population->name);
      teken_ca_add_string_or_null (b, "kk", population->kk);
      teken_ca_add_string_or_null (b, "photo_ref", population->photo_ref);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "personnel");
  if (personnel != NULL)
    teken_ca_add_employment_object (b, "asn", personnel->employment_type, personnel->nip, personnel->agency,
                                    personnel->unit, personnel->position, personnel->city, personnel->province);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "checks");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name_match");
  json_builder_add_boolean_value (b, population != NULL && g_str_equal (submitted_name, registry_name));
  json_builder_set_member_name (b, "agency_match");
  /* Non-ASN holders have no registry row; their agency is their e-mail's. */
  json_builder_add_boolean_value (b, account != NULL &&
                                     (g_strcmp0 (account->employment_kind, "asn") != 0 ||
                                      (personnel != NULL && g_str_equal (personnel->nik, account->nik) &&
                                       g_str_equal (personnel->agency, account->agency))));
  teken_ca_add_string_or_null (b, "face_match", population != NULL ? population->face_match : NULL);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "decision");
  if (request->decision_action != NULL)
    {
      json_builder_begin_object (b);
      teken_ca_add_string_or_null (b, "action", request->decision_action);
      teken_ca_add_string_or_null (b, "by", request->decision_by);
      teken_ca_add_time_or_null (b, "at", request->decision_at);
      teken_ca_add_string_or_null (b, "note", request->decision_note);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static int
wrong_status (const char          *status,
              const char * const  *allowed,
              JsonObject         **details)
{
  g_autoptr(JsonArray) array = json_array_new ();

  for (gsize i = 0; allowed[i] != NULL; i++)
    json_array_add_string_element (array, allowed[i]);
  *details = json_object_new ();
  json_object_set_string_member (*details, "status", status);
  json_object_set_array_member (*details, "allowed", g_steal_pointer (&array));
  return 8303;
}

static int
internal (TekenCaServer *self,
          GError        *error)
{
  if (error != NULL)
    g_warning ("%s", error->message);
  teken_ca_store_rollback (self->store);
  return 8010;
}

static gboolean
outside_agency (const TekenCaActor *actor,
                TekenCaAccount     *holder)
{
  return actor->agency != NULL && g_strcmp0 (actor->agency, holder->agency) != 0;
}

/* → NEW and a set-passphrase link (§4.2): the holder chooses a passphrase
 * again, and the key and certificate are made then. Inside a transaction. */
static gboolean
make_new (TekenCaServer   *self,
          TekenCaAccount  *holder,
          GError         **error)
{
  return teken_ca_store_set_account_text (self->store, holder->id, "workflow", "NEW", error) &&
         teken_ca_store_set_account_text (self->store, holder->id, "rejection", NULL, error) &&
         teken_ca_mail_link (self, holder, holder->email, "set_passphrase", NULL, NULL, error);
}

/**
 * teken_ca_decide_request:
 * @note: (nullable): required (by the caller) to reject
 * @details: (out): the details of a refusal, or %NULL
 *
 * Approves (→ `NEW`, `set_passphrase`) or rejects (→ the status before,
 * `verification_rejected`) a verifier request (§8, 50 and 51).
 *
 * Returns: 0, or the error code of docs/api.md §3.2 that refuses it
 */
int
teken_ca_decide_request (TekenCaServer           *self,
                         const TekenCaActor      *actor,
                         TekenCaVerifierRequest  *request,
                         gboolean                 approve,
                         const char              *note,
                         JsonObject             **details)
{
  g_autoptr(TekenCaAccount) holder = teken_ca_store_get_account (self->store, request->account_id);
  g_autoptr(GError) error = NULL;
  const char *waiting = g_str_equal (request->kind, "renewal") ? "RENEW" : "WAITING_FOR_VERIFICATION";
  gboolean enrollment = g_str_equal (request->kind, "enrollment_review");

  *details = NULL;
  if (holder == NULL)
    return 8004;
  if (outside_agency (actor, holder))
    return 8003;
  if (!g_str_equal (request->state, "pending"))
    {
      *details = json_object_new ();
      json_object_set_string_member (*details, "decision", request->decision_action);
      return 8601;
    }
  if (g_strcmp0 (holder->workflow, waiting) != 0)
    {
      const char * const allowed[] = { waiting, NULL };

      return wrong_status (teken_ca_derive_status (self, holder, NULL), allowed, details);
    }
  if (approve && g_strcmp0 (holder->verification, "VERIFIED") != 0)
    return 8302;

  if (!teken_ca_store_begin (self->store, &error))
    {
      g_warning ("%s", error->message);
      return 8010;
    }
  if (!teken_ca_store_decide_request (self->store, request->id, approve, actor->by, teken_ca_now_seconds (), note))
    {
      teken_ca_store_rollback (self->store);
      *details = json_object_new ();
      json_object_set_string_member (*details, "decision", "decided");
      return 8601;
    }
  if (approve)
    {
      if (!make_new (self, holder, &error))
        return internal (self, error);
    }
  else
    {
      g_autofree char *rejection = NULL;

      if (enrollment)
        {
          g_autoptr(JsonObject) object = json_object_new ();
          g_autoptr(JsonNode) node = NULL;
          g_autofree char *at = teken_ca_format_time (teken_ca_now_seconds ());

          json_object_set_string_member (object, "reason", "verifier_rejected");
          json_object_set_string_member (object, "message", note != NULL ? note : "");
          json_object_set_string_member (object, "at", at);
          node = json_node_init_object (json_node_alloc (), object);
          rejection = json_to_string (node, FALSE);
        }
      if (!teken_ca_store_set_account_text (self->store, holder->id, "workflow",
                                            enrollment ? "NO_CERTIFICATE" : request->previous_workflow, &error) ||
          (rejection != NULL &&
           !teken_ca_store_set_account_text (self->store, holder->id, "rejection", rejection, &error)))
        return internal (self, error);
    }
  if (!teken_ca_store_commit (self->store, &error))
    return internal (self, error);

  teken_ca_audit (self, actor->by, approve ? "approve" : "reject", request->public_id, note);
  if (!approve)
    {
      g_autofree char *name = teken_ca_mailer_send_with_action (self->mailer, holder->email, "verification_rejected",
                                                                enrollment ? "enroll" : "certificate", NULL, 0,
                                                                NULL, &error);

      if (name == NULL)
        g_warning ("verification_rejected mail: %s", error->message);
    }
  return 0;
}

/**
 * teken_ca_set_hold:
 * @hold: %TRUE to suspend (`ISSUE` → `SUSPEND`), %FALSE to lift it
 *
 * Suspension is revocation with reason certificateHold (§11.2, §11.3): the
 * CRL lists it and OCSP says revoked until it is lifted.
 *
 * Returns: 0, or the error code that refuses it
 */
int
teken_ca_set_hold (TekenCaServer       *self,
                   const TekenCaActor  *actor,
                   TekenCaAccount      *holder,
                   gboolean             hold,
                   const char          *note,
                   JsonObject         **details)
{
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  const char *status = teken_ca_derive_status (self, holder, &cert);
  const char *expected = hold ? "ISSUE" : "SUSPEND";

  *details = NULL;
  if (outside_agency (actor, holder))
    return 8003;
  if (!g_str_equal (status, expected))
    {
      const char * const allowed[] = { expected, NULL };

      return wrong_status (status, allowed, details);
    }
  if (!teken_ca_store_begin (self->store, &error))
    {
      g_warning ("%s", error->message);
      return 8010;
    }
  if ((hold ? !teken_ca_store_revoke_certificate (self->store, cert->id, teken_ca_now_seconds (), 6, &error)
            : !teken_ca_store_unrevoke_certificate (self->store, cert->id, &error)) ||
      !teken_ca_store_commit (self->store, &error))
    return internal (self, error);

  teken_ca_authority_invalidate_crl (self->authority);
  teken_ca_audit (self, actor->by, hold ? "suspend" : "unsuspend", holder->public_id, note);
  teken_ca_send_notice (self, holder->email, hold ? "certificate_suspended" : "certificate_unsuspended");
  return 0;
}

/**
 * teken_ca_verifier_revoke:
 * @reason: a CRL reason code a verifier may give (§7.6)
 *
 * Returns: 0, or the error code that refuses it
 */
int
teken_ca_verifier_revoke (TekenCaServer       *self,
                          const TekenCaActor  *actor,
                          TekenCaAccount      *holder,
                          int                  reason,
                          const char          *note,
                          JsonObject         **details)
{
  static const char * const allowed[] = { "ISSUE", "SUSPEND", NULL };
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  const char *status = teken_ca_derive_status (self, holder, &cert);

  *details = NULL;
  if (outside_agency (actor, holder))
    return 8003;
  if (!g_str_equal (status, "ISSUE") && !g_str_equal (status, "SUSPEND"))
    return wrong_status (status, allowed, details);
  if (!teken_ca_store_begin (self->store, &error))
    {
      g_warning ("%s", error->message);
      return 8010;
    }
  if (!teken_ca_store_revoke_certificate (self->store, cert->id, teken_ca_now_seconds (), reason, &error) ||
      !teken_ca_store_set_otp_key (self->store, cert->id, NULL, &error) ||
      !teken_ca_store_commit (self->store, &error))
    return internal (self, error);

  teken_ca_authority_invalidate_crl (self->authority);
  teken_ca_audit (self, actor->by, "revoke", holder->public_id, note);
  teken_ca_send_notice (self, holder->email, "certificate_revoked");
  return 0;
}

/**
 * teken_ca_verifier_reissue:
 *
 * `REVOKE` or `EXPIRED` (and `VERIFIED`) → `NEW` with a set-passphrase
 * link (§8, 57).
 *
 * Returns: 0, or the error code that refuses it
 */
int
teken_ca_verifier_reissue (TekenCaServer       *self,
                           const TekenCaActor  *actor,
                           TekenCaAccount      *holder,
                           const char          *note,
                           JsonObject         **details)
{
  static const char * const allowed[] = { "REVOKE", "EXPIRED", NULL };
  g_autoptr(GError) error = NULL;
  const char *status = teken_ca_derive_status (self, holder, NULL);

  *details = NULL;
  if (outside_agency (actor, holder))
    return 8003;
  if (!g_str_equal (status, "REVOKE") && !g_str_equal (status, "EXPIRED"))
    return wrong_status (status, allowed, details);
  if (g_strcmp0 (holder->verification, "VERIFIED") != 0)
    return 8302;
  if (!teken_ca_store_begin (self->store, &error))
    {
      g_warning ("%s", error->message);
      return 8010;
    }
  if (!make_new (self, holder, &error) || !teken_ca_store_commit (self->store, &error))
    return internal (self, error);

  teken_ca_audit (self, actor->by, "reissue", holder->public_id, note);
  return 0;
}

/* The verifier of a bearer request, as an actor of its agency. */
static TekenCaAccount *
verifier_of (Request     *request,
             TekenCaActor *actor)
{
  TekenCaAccount *verifier = teken_ca_store_get_account (request->server->store, request->account_id);

  if (verifier == NULL || g_strcmp0 (verifier->role, "verifier") != 0)
    {
      teken_ca_account_free (verifier);
      teken_ca_respond_error (request, 8003, NULL);
      return NULL;
    }
  actor->by = verifier->email;
  actor->agency = verifier->agency;
  return verifier;
}

/* The path's segments after @prefix: {id} and an optional action. */
static GStrv
path_parts (Request    *request,
            const char *prefix)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));

  return g_strsplit (path + strlen (prefix), "/", 3);
}

static void
respond_request (Request                *request,
                 TekenCaVerifierRequest *verifier_request)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  teken_ca_add_request_object (b, request->server, verifier_request);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* GET {T}/verifier/requests (47), oldest first, paginated (§2.6). The
 * cursor is the last row id of the page, which says nothing else. */
void
teken_ca_handle_verifier_requests (Request    *request,
                                   JsonObject *body)
{
  TekenCaServer *self = request->server;
  TekenCaActor actor = { NULL, NULL };
  g_autoptr(TekenCaAccount) verifier = verifier_of (request, &actor);
  const char *query = g_uri_get_query (soup_server_message_get_uri (request->msg));
  g_autoptr(GHashTable) params = query != NULL ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  const char *state = params != NULL ? g_hash_table_lookup (params, "state") : NULL;
  const char *kind = params != NULL ? g_hash_table_lookup (params, "kind") : NULL;
  const char *limit_text = params != NULL ? g_hash_table_lookup (params, "limit") : NULL;
  const char *cursor = params != NULL ? g_hash_table_lookup (params, "cursor") : NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint64 limit = DEFAULT_PAGE;
  guint64 after = 0;

  if (verifier == NULL)
    return;
  if (state != NULL && !g_str_equal (state, "pending") && !g_str_equal (state, "approved") &&
      !g_str_equal (state, "rejected"))
    {
      teken_ca_respond_field_error (request, 4015, "state", "pending, approved or rejected");
      return;
    }
  if (kind != NULL && !g_str_equal (kind, "enrollment_review") && !g_str_equal (kind, "renewal") &&
      !g_str_equal (kind, "reissue"))
    {
      teken_ca_respond_field_error (request, 4015, "kind", "enrollment_review, renewal or reissue");
      return;
    }
  if (limit_text != NULL &&
      (!g_ascii_string_to_unsigned (limit_text, 10, 1, MAX_PAGE, &limit, NULL)))
    {
      teken_ca_respond_field_error (request, 4015, "limit", "1 to 200");
      return;
    }
  if (cursor != NULL &&
      (!g_str_has_prefix (cursor, "c") || !g_ascii_string_to_unsigned (cursor + 1, 10, 1, G_MAXINT64, &after, NULL)))
    {
      teken_ca_respond_field_error (request, 4015, "cursor", "a cursor from the previous page");
      return;
    }

  list = teken_ca_store_list_requests (self->store, actor.agency, state, kind, (gint64) after, (int) limit + 1);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "requests");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len && i < limit; i++)
    teken_ca_add_request_object (b, self, g_ptr_array_index (list, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "next_cursor");
  if (list->len > limit)
    {
      TekenCaVerifierRequest *last = g_ptr_array_index (list, limit - 1);
      g_autofree char *next = g_strdup_printf ("c%" G_GINT64_FORMAT, last->id);

      json_builder_add_string_value (b, next);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* The request named by the path, of the verifier's agency (8004, 8003). */
static TekenCaVerifierRequest *
find_request (Request            *request,
              const TekenCaActor *actor,
              const char         *id)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaVerifierRequest) found = teken_ca_store_find_request (self->store, id);
  g_autoptr(TekenCaAccount) holder = NULL;

  if (found == NULL || (holder = teken_ca_store_get_account (self->store, found->account_id)) == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return NULL;
    }
  if (outside_agency (actor, holder))
    {
      teken_ca_respond_error (request, 8003, NULL);
      return NULL;
    }
  return g_steal_pointer (&found);
}

/* The holder's selfie, as §5.8 stored it under DIR/selfies. */
static void
respond_selfie (Request                *request,
                TekenCaVerifierRequest *verifier_request)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaAccount) holder = teken_ca_store_get_account (self->store, verifier_request->account_id);
  const char * const suffixes[] = { ".jpg", ".jpeg", ".png" };

  for (gsize i = 0; holder != NULL && i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (holder->public_id, suffixes[i], NULL);
      g_autofree char *path = g_build_filename (self->data_dir, "selfies", name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(GBytes) bytes = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &data, &length, NULL))
        continue;
      bytes = g_bytes_new_take (g_steal_pointer (&data), length);
      teken_ca_respond_bytes (request,
                              length >= 4 && memcmp (g_bytes_get_data (bytes, NULL), "\x89PNG", 4) == 0
                              ? "image/png" : "image/jpeg", bytes);
      return;
    }
  teken_ca_respond_error (request, 8004, NULL);
}

/* GET {T}/verifier/requests/{id} (48) and …/{id}/selfie (49). */
void
teken_ca_handle_verifier_request (Request    *request,
                                  JsonObject *body)
{
  TekenCaActor actor = { NULL, NULL };
  g_autoptr(TekenCaAccount) verifier = verifier_of (request, &actor);
  g_auto(GStrv) parts = path_parts (request, API_PREFIX "/verifier/requests/");
  g_autoptr(TekenCaVerifierRequest) found = NULL;

  if (verifier == NULL)
    return;
  if (g_strv_length (parts) > 2 || (parts[1] != NULL && !g_str_equal (parts[1], "selfie")))
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  if ((found = find_request (request, &actor, parts[0])) == NULL)
    return;
  if (parts[1] != NULL)
    respond_selfie (request, found);
  else
    respond_request (request, found);
}

/* `note`: optional, or required; 1–500 characters. */
static gboolean
read_note (Request     *request,
           JsonObject  *body,
           gboolean     required,
           const char **note)
{
  if (!teken_ca_get_optional_string (request, body, "note", "note", note))
    return FALSE;
  if (*note == NULL && required)
    {
      teken_ca_respond_field_error (request, 4014, "note", NULL);
      return FALSE;
    }
  if (*note != NULL && (g_utf8_strlen (*note, -1) > MAX_NOTE || (required && g_utf8_strlen (*note, -1) < 1)))
    {
      teken_ca_respond_field_error (request, 4015, "note", "1 to 500 characters");
      return FALSE;
    }
  return TRUE;
}

/* POST {T}/verifier/requests/{id}/approve (50) and …/reject (51). */
void
teken_ca_handle_verifier_decide (Request    *request,
                                 JsonObject *body)
{
  TekenCaServer *self = request->server;
  TekenCaActor actor = { NULL, NULL };
  g_autoptr(TekenCaAccount) verifier = verifier_of (request, &actor);
  g_auto(GStrv) parts = path_parts (request, API_PREFIX "/verifier/requests/");
  g_autoptr(TekenCaVerifierRequest) found = NULL;
  g_autoptr(TekenCaVerifierRequest) decided = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autofree char *note = NULL;
  const char *note_text;
  gboolean approve;
  int code;

  if (verifier == NULL)
    return;
  if (g_strv_length (parts) != 2 || (!g_str_equal (parts[1], "approve") && !g_str_equal (parts[1], "reject")))
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  approve = g_str_equal (parts[1], "approve");
  if (!read_note (request, body, !approve, &note_text) ||
      (found = find_request (request, &actor, parts[0])) == NULL)
    return;
  note = note_text != NULL ? g_strstrip (g_strdup (note_text)) : NULL;

  code = teken_ca_decide_request (self, &actor, found, approve, note, &details);
  if (code != 0)
    {
      teken_ca_respond_error (request, code, details);
      return;
    }
  decided = teken_ca_store_find_request (self->store, found->public_id);
  respond_request (request, decided);
}

/* POST {T}/verifier/holders/search (52): 0 or 1 holder of the verifier's
 * agency; another agency's holder is not found. */
void
teken_ca_handle_verifier_search (Request    *request,
                                 JsonObject *body)
{
  TekenCaServer *self = request->server;
  TekenCaActor actor = { NULL, NULL };
  g_autoptr(TekenCaAccount) verifier = verifier_of (request, &actor);
  g_autoptr(TekenCaAccount) holder = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *nik;
  const char *email;

  if (verifier == NULL || !teken_ca_get_holder_identity (request, body, &nik, &email))
    return;
  holder = teken_ca_find_account (self, nik, email);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "holders");
  json_builder_begin_array (b);
  if (holder != NULL && !outside_agency (&actor, holder))
    {
      json_builder_begin_object (b);
      teken_ca_add_string_or_null (b, "id", holder->public_id);
      teken_ca_add_string_or_null (b, "nik", holder->nik);
      teken_ca_add_string_or_null (b, "name", holder->name);
      teken_ca_add_string_or_null (b, "email", holder->email);
      teken_ca_add_string_or_null (b, "status", teken_ca_derive_status (self, holder, NULL));
      teken_ca_add_string_or_null (b, "verification_status", holder->verification);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* The holder named by the path, of the verifier's agency (8004, 8003). */
static TekenCaAccount *
find_holder (Request            *request,
             const TekenCaActor *actor,
             const char         *id)
{
  g_autoptr(TekenCaAccount) holder = teken_ca_store_find_account_by_public_id (request->server->store, id);

  if (holder == NULL || g_strcmp0 (holder->role, "verifier") == 0)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return NULL;
    }
  if (outside_agency (actor, holder))
    {
      teken_ca_respond_error (request, 8003, NULL);
      return NULL;
    }
  return g_steal_pointer (&holder);
}

static void
respond_holder (Request        *request,
                TekenCaAccount *holder)
{
  g_autoptr(TekenCaAccount) fresh = teken_ca_store_get_account (request->server->store, holder->id);
  g_autoptr(GPtrArray) certificates = teken_ca_store_list_certificates (request->server->store, holder->id);

  teken_ca_respond_account (request, SOUP_STATUS_OK, fresh != NULL ? fresh : holder, certificates);
}

/* GET {T}/verifier/holders/{id} (53). */
void
teken_ca_handle_verifier_holder (Request    *request,
                                 JsonObject *body)
{
  TekenCaActor actor = { NULL, NULL };
  g_autoptr(TekenCaAccount) verifier = verifier_of (request, &actor);
  g_auto(GStrv) parts = path_parts (request, API_PREFIX "/verifier/holders/");
  g_autoptr(TekenCaAccount) holder = NULL;

  if (verifier == NULL)
    return;
  if (g_strv_length (parts) != 1)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  if ((holder = find_holder (request, &actor, parts[0])) != NULL)
    respond_holder (request, holder);
}

/* POST {T}/verifier/holders/{id}/suspend|unsuspend|revoke|reissue (54–57). */
void
teken_ca_handle_verifier_holder_action (Request    *request,
                                        JsonObject *body)
{
  TekenCaServer *self = request->server;
  TekenCaActor actor = { NULL, NULL };
  g_autoptr(TekenCaAccount) verifier = verifier_of (request, &actor);
  g_auto(GStrv) parts = path_parts (request, API_PREFIX "/verifier/holders/");
  g_autoptr(TekenCaAccount) holder = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autofree char *note = NULL;
  const char *note_text;
  const char *action;
  int reason = -1;
  int code;

  if (verifier == NULL)
    return;
  if (g_strv_length (parts) != 2)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  action = parts[1];
  if (!g_str_equal (action, "suspend") && !g_str_equal (action, "unsuspend") &&
      !g_str_equal (action, "revoke") && !g_str_equal (action, "reissue"))
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  if (g_str_equal (action, "revoke"))
    {
      const char *reason_text;

      if (!teken_ca_get_required_string (request, body, "reason", 64, &reason_text))
        return;
      if ((reason = teken_ca_reason_code (reason_text, TRUE)) < 0)
        {
          teken_ca_respond_reasons (request, TRUE);
          return;
        }
    }
  if (!read_note (request, body, FALSE, &note_text) ||
      (holder = find_holder (request, &actor, parts[0])) == NULL)
    return;
  note = note_text != NULL ? g_strstrip (g_strdup (note_text)) : NULL;

  if (g_str_equal (action, "suspend") || g_str_equal (action, "unsuspend"))
    code = teken_ca_set_hold (self, &actor, holder, g_str_equal (action, "suspend"), note, &details);
  else if (g_str_equal (action, "revoke"))
    code = teken_ca_verifier_revoke (self, &actor, holder, reason, note, &details);
  else
    code = teken_ca_verifier_reissue (self, &actor, holder, note, &details);
  if (code != 0)
    {
      teken_ca_respond_error (request, code, details);
      return;
    }
  respond_holder (request, holder);
}
