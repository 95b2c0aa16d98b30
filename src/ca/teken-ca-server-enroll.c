/* teken-ca-server-enroll.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Enrollment (docs/api.md §5): register with NIK and official e-mail,
 * activate from the e-mailed link, personal and employment data (Cek NIP
 * against the personnel registry), the live selfie, both agreements, the
 * automatic verification against the stand-in registries, and the
 * passphrase that has the key pair made and the certificate issued.
 * Every rule is checked here whatever the app already checked. */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "teken-ca-auth.h"
#include "teken-ca-server-private.h"
#include "teken-holder-rules.h"
#include "teken-image.h"
#include "teken-selfie-check.h"

#define AGREEMENT_PRIVACY "privacy_policy"
#define AGREEMENT_HOLDER "holder_agreement"

static const char * const employment_fields[] = { "unit", "position", "city", "province" };

/* The Indonesian sentence the holder sees for each automatic rejection. */
static const struct
{
  const char *reason;
  const char *message;
} rejections[] = {
  { "name_mismatch", N_("The name differs from the population registry. Write it exactly as on your KTP, titles in their own fields.") },
  { "agency_mismatch", N_("The NIP is no longer recorded at the agency of your e-mail. Check your NIP and your official e-mail.") },
  { "face_mismatch", N_("The selfie does not match the population registry's photo. Take the selfie again in good light, facing the camera.") },
};

static gint64
now_seconds (void)
{
  return teken_ca_now_seconds ();
}

/* The first step still to do (§5, `step`). */
static const char *
enrollment_step (TekenCaAccount *account,
                 const char     *status)
{
  if (account->activated_at == 0)
    return "activation";
  if (g_str_equal (status, "WAITING_FOR_VERIFICATION"))
    return "verification";
  if (g_str_equal (status, "NEW"))
    return "passphrase";
  if (!g_str_equal (status, "NO_CERTIFICATE"))
    return "done";
  if (account->personal_at == 0)
    return "personal";
  if (account->employment_kind == NULL)
    return "employment";
  if (account->selfie == NULL)
    return "selfie";
  return "agreements";
}

static void
add_json_or_null (JsonBuilder *b,
                  const char  *member,
                  const char  *json)
{
  g_autoptr(JsonNode) node = json != NULL ? json_from_string (json, NULL) : NULL;

  json_builder_set_member_name (b, member);
  if (node != NULL)
    json_builder_add_value (b, g_steal_pointer (&node));
  else
    json_builder_add_null_value (b);
}

/* The Employment object of §5, from a personnel registry row or an
 * account. */
void
teken_ca_add_employment_object (JsonBuilder *b,
                                const char  *kind,
                                const char  *employment_type,
                                const char  *nip,
                                const char  *agency,
                                const char  *unit,
                                const char  *position,
                                const char  *city,
                                const char  *province)
{
  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "kind", kind);
  teken_ca_add_string_or_null (b, "employment_type", employment_type);
  teken_ca_add_string_or_null (b, "nip", nip);
  teken_ca_add_string_or_null (b, "agency", agency);
  teken_ca_add_string_or_null (b, "unit", unit);
  teken_ca_add_string_or_null (b, "position", position);
  teken_ca_add_string_or_null (b, "city", city);
  teken_ca_add_string_or_null (b, "province", province);
  json_builder_end_object (b);
}

/* The Enrollment object of §5, into the object @b is building. */
static void
add_enrollment_members (Request        *request,
                        JsonBuilder    *b,
                        TekenCaAccount *account)
{
  const char *status = teken_ca_derive_status (request->server, account, NULL);

  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  json_builder_set_member_name (b, "activated");
  json_builder_add_boolean_value (b, account->activated_at != 0);
  json_builder_set_member_name (b, "step");
  json_builder_add_string_value (b, enrollment_step (account, status));

  json_builder_set_member_name (b, "personal");
  if (account->personal_at != 0)
    {
      json_builder_begin_object (b);
      teken_ca_add_string_or_null (b, "name", account->name);
      teken_ca_add_string_or_null (b, "title_prefix", account->title_prefix != NULL ? account->title_prefix : "");
      teken_ca_add_string_or_null (b, "title_suffix", account->title_suffix != NULL ? account->title_suffix : "");
      teken_ca_add_string_or_null (b, "phone", account->phone);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "employment");
  if (account->employment_kind != NULL)
    teken_ca_add_employment_object (b, account->employment_kind, account->employment_type, account->nip,
                                    account->agency, account->unit, account->position, account->city,
                                    account->province);
  else
    json_builder_add_null_value (b);

  add_json_or_null (b, "selfie", account->selfie);
  add_json_or_null (b, "agreements", account->agreements);
  add_json_or_null (b, "rejection", account->rejection);
}

static void
respond_enrollment (Request        *request,
                    guint           http_status,
                    TekenCaAccount *account)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_enrollment_members (request, b, account);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, http_status, root);
}

static void
respond_store_failure (Request *request,
                       GError  *error)
{
  g_warning ("enrollment: %s", error->message);
  teken_ca_store_rollback (request->server->store);
  teken_ca_respond_error (request, 8010, NULL);
}

/* Answers 8009 when a link of @purpose went to the account less than the
 * resend interval ago (§5.1, §15). */
static gboolean
refuse_if_too_soon (Request        *request,
                    TekenCaAccount *account,
                    const char     *purpose)
{
  gint64 last = teken_ca_store_last_link_time (request->server->store, account->id, purpose);
  gint64 wait = last + request->server->settings.resend_interval - now_seconds ();
  g_autoptr(JsonObject) details = NULL;
  g_autofree char *seconds = NULL;

  if (last == 0 || wait <= 0)
    return FALSE;
  details = json_object_new ();
  json_object_set_int_member (details, "retry_after", wait);
  seconds = g_strdup_printf ("%" G_GINT64_FORMAT, wait);
  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg), "Retry-After", seconds);
  teken_ca_respond_error (request, 8009, details);
  return TRUE;
}

static gboolean
get_nik_and_email (Request     *request,
                   JsonObject  *body,
                   const char **nik,
                   const char **email)
{
  if (!teken_ca_get_required_string (request, body, "nik", 16, nik) ||
      !teken_ca_get_required_string (request, body, "email", 254, email))
    return FALSE;
  if (!teken_nik_is_valid (*nik))
    {
      teken_ca_respond_field_error (request, 4015, "nik", "16 digits");
      return FALSE;
    }
  if (!teken_holder_email_is_valid (*email))
    {
      teken_ca_respond_field_error (request, 4015, "email", "an e-mail address");
      return FALSE;
    }
  return TRUE;
}

static void
add_time_member (JsonBuilder *b,
                 const char  *member,
                 gint64       unix_time)
{
  g_autofree char *text = teken_ca_format_time (unix_time);

  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, text);
}

/* §5.1 */
void
teken_ca_handle_register (Request    *request,
                          JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *nik;
  const char *email;
  g_autofree char *domain = NULL;
  g_autofree char *agency = NULL;
  g_auto(GStrv) person = NULL;
  g_autoptr(TekenCaAccount) existing = NULL;
  g_autoptr(TekenCaAccount) by_email = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gint64 expires_at = 0;

  if (!get_nik_and_email (request, body, &nik, &email))
    return;
  if ((person = teken_ca_store_lookup_person (self->store, nik)) == NULL)
    {
      teken_ca_respond_error (request, 8101, NULL);
      return;
    }
  domain = g_ascii_strdown (strchr (email, '@') + 1, -1);
  if ((agency = teken_ca_store_lookup_domain_agency (self->store, domain)) == NULL)
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_auto(GStrv) domains = teken_ca_store_list_agency_domains (self->store, NULL);
      g_autoptr(JsonArray) allowed = json_array_new ();

      for (guint i = 0; domains[i] != NULL; i++)
        json_array_add_string_element (allowed, domains[i]);
      json_object_set_array_member (details, "allowed_domains", g_steal_pointer (&allowed));
      json_object_set_string_member (details, "example_domain", domains[0] != NULL ? domains[0] : "instansi.go.id");
      teken_ca_respond_error (request, 8102, details);
      return;
    }

  existing = teken_ca_store_find_account_by_nik (self->store, nik);
  if (existing != NULL && existing->activated_at != 0)
    {
      teken_ca_respond_error (request, 4024, NULL);
      return;
    }
  by_email = teken_ca_store_find_account_by_email (self->store, email);
  if (by_email != NULL && (existing == NULL || by_email->id != existing->id))
    {
      teken_ca_respond_error (request, 8103, NULL);
      return;
    }
  if (existing != NULL && refuse_if_too_soon (request, existing, "activation"))
    return;

  /* Registering again before activating fixes a mistyped address: the
   * account keeps its NIK, takes the new e-mail, and older links die. */
  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  if (existing != NULL)
    {
      if (!teken_ca_store_set_account_text (self->store, existing->id, "email", email, &error) ||
          !teken_ca_store_set_account_text (self->store, existing->id, "agency", agency, &error))
        {
          respond_store_failure (request, error);
          return;
        }
      account = teken_ca_store_get_account (self->store, existing->id);
    }
  else
    {
      gint64 id = teken_ca_store_add_account (self->store, nik, email, "", agency, &error);

      if (id == 0)
        {
          respond_store_failure (request, error);
          return;
        }
      account = teken_ca_store_get_account (self->store, id);
    }
  if (!teken_ca_send_link (request, account, email, "activation", NULL, &expires_at))
    {
      teken_ca_store_rollback (self->store);
      return;
    }
  if (!teken_ca_store_commit (self->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  g_message ("account %s registered", account->public_id);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "NO_CERTIFICATE");
  json_builder_set_member_name (b, "step");
  json_builder_add_string_value (b, "activation");
  add_time_member (b, "activation_expires_at", expires_at);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_CREATED, root);
}

/* Finds the account of a {"nik", "email"} pair, answering 2011 (without
 * saying which member is wrong) when they do not belong together. */
static TekenCaAccount *
find_account_by_pair (Request    *request,
                      JsonObject *body)
{
  const char *nik;
  const char *email;
  g_autoptr(TekenCaAccount) account = NULL;

  if (!get_nik_and_email (request, body, &nik, &email))
    return NULL;
  account = teken_ca_store_find_account_by_nik (request->server->store, nik);
  if (account == NULL || g_ascii_strcasecmp (account->email, email) != 0)
    {
      teken_ca_respond_error (request, 2011, NULL);
      return NULL;
    }
  return g_steal_pointer (&account);
}

static void
respond_link_sent (Request    *request,
                   const char *member,
                   gint64      expires_at)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_time_member (b, member, expires_at);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_ACCEPTED, root);
}

/* Sends a link in its own transaction and answers 202 with its expiry. */
static void
resend_link (Request        *request,
             TekenCaAccount *account,
             const char     *purpose,
             const char     *member)
{
  g_autoptr(GError) error = NULL;
  gint64 expires_at = 0;

  if (refuse_if_too_soon (request, account, purpose))
    return;
  if (!teken_ca_store_begin (request->server->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  if (!teken_ca_send_link (request, account, account->email, purpose, NULL, &expires_at))
    {
      teken_ca_store_rollback (request->server->store);
      return;
    }
  if (!teken_ca_store_commit (request->server->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  respond_link_sent (request, member, expires_at);
}

/* §5.2 */
void
teken_ca_handle_activation_resend (Request    *request,
                                   JsonObject *body)
{
  g_autoptr(TekenCaAccount) account = find_account_by_pair (request, body);

  if (account == NULL)
    return;
  if (account->activated_at != 0)
    {
      teken_ca_respond_error (request, 8126, NULL);
      return;
    }
  resend_link (request, account, "activation", "activation_expires_at");
}

/* §5.3, in a worker thread: hashing the password takes scrypt's time. */
void
teken_ca_handle_activate (Request    *request,
                          JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token;
  g_autoptr(TekenCaLink) link = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenSecret) password = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  if (!teken_ca_get_required_string (request, body, "token", 64, &token) ||
      (link = teken_ca_check_link (request, token, "activation")) == NULL)
    return;
  account = teken_ca_store_get_account (self->store, link->account_id);
  if (account == NULL || account->activated_at != 0)
    {
      teken_ca_respond_error (request, account == NULL ? 8104 : 8126, NULL);
      return;
    }
  if (!teken_ca_check_new_secret (request, body, "password", "password_confirmation", 8124, "password"))
    return;
  password = teken_ca_take_secret (body, "password");
  teken_wipe_string ((char *) json_object_get_string_member (body, "password_confirmation"));
  if ((hash = teken_ca_password_hash (password, &error)) == NULL)
    {
      g_warning ("activation: %s", error->message);
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  if (!teken_ca_use_link (request, token, link))
    {
      teken_ca_store_rollback (self->store);
      return;
    }
  if (!teken_ca_store_set_password_hash (self->store, account->id, hash, &error) ||
      !teken_ca_store_set_account_time (self->store, account->id, "activated_at", now_seconds (), &error))
    {
      respond_store_failure (request, error);
      return;
    }
  if (!teken_ca_add_token_pair (request, b, account, "enrollment", 0, 0))
    {
      teken_ca_store_rollback (self->store);
      return;
    }
  if (!teken_ca_store_commit (self->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  g_message ("account %s activated", account->public_id);

  g_clear_pointer (&account, teken_ca_account_free);
  account = teken_ca_store_get_account (self->store, link->account_id);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, account->email);
  json_builder_set_member_name (b, "enrollment");
  json_builder_begin_object (b);
  add_enrollment_members (request, b, account);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

static TekenCaAccount *
get_token_account (Request *request)
{
  TekenCaAccount *account = teken_ca_store_get_account (request->server->store, request->account_id);

  if (account == NULL)
    teken_ca_respond_error (request, 8010, NULL);
  return account;
}

/* §5.4 */
void
teken_ca_handle_enrollment (Request    *request,
                            JsonObject *body)
{
  g_autoptr(TekenCaAccount) account = get_token_account (request);

  if (account != NULL)
    respond_enrollment (request, SOUP_STATUS_OK, account);
}

/* Steps 9, 11 and 12 only while there is no certificate yet (8107). */
static TekenCaAccount *
get_editable_account (Request *request)
{
  g_autoptr(TekenCaAccount) account = get_token_account (request);
  const char *status;

  if (account == NULL)
    return NULL;
  status = teken_ca_derive_status (request->server, account, NULL);
  if (!g_str_equal (status, "NO_CERTIFICATE"))
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonArray) missing = json_array_new ();

      json_object_set_array_member (details, "missing", g_steal_pointer (&missing));
      json_object_set_string_member (details, "status", status);
      teken_ca_respond_error (request, 8107, details);
      return NULL;
    }
  return g_steal_pointer (&account);
}

/* Writes @columns and @values of the account, and @time_column (if any)
 * as now, in one transaction; then answers with the Enrollment. */
static void
save_and_respond (Request            *request,
                  TekenCaAccount     *account,
                  const char         *time_column,
                  const char * const *columns,
                  const char * const *values,
                  gsize               n)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaAccount) saved = NULL;
  g_autoptr(GError) error = NULL;

  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  for (gsize i = 0; i < n; i++)
    if (!teken_ca_store_set_account_text (self->store, account->id, columns[i], values[i], &error))
      {
        respond_store_failure (request, error);
        return;
      }
  if ((time_column != NULL &&
       !teken_ca_store_set_account_time (self->store, account->id, time_column, now_seconds (), &error)) ||
      !teken_ca_store_commit (self->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  saved = teken_ca_store_get_account (self->store, account->id);
  respond_enrollment (request, SOUP_STATUS_OK, saved);
}

/* §5.5 */
void
teken_ca_handle_personal (Request    *request,
                          JsonObject *body)
{
  g_autoptr(TekenCaAccount) account = get_editable_account (request);
  const char *name;
  const char *title_prefix;
  const char *title_suffix;
  const char *phone_text;
  g_autofree char *normal_name = NULL;
  g_autofree char *phone = NULL;
  const char * const columns[] = { "name", "title_prefix", "title_suffix", "phone" };

  if (account == NULL ||
      !teken_ca_get_required_string (request, body, "name", 0, &name) ||
      !teken_ca_get_optional_string (request, body, "title_prefix", "title_prefix", &title_prefix) ||
      !teken_ca_get_optional_string (request, body, "title_suffix", "title_suffix", &title_suffix) ||
      !teken_ca_get_required_string (request, body, "phone", 0, &phone_text))
    return;

  if (!teken_holder_name_is_valid (name))
    {
      teken_ca_respond_error (request, 8108, NULL);
      return;
    }
  for (guint i = 0; i < 2; i++)
    {
      const char *title = i == 0 ? title_prefix : title_suffix;

      if (title != NULL && !teken_holder_title_is_valid (title))
        {
          g_autoptr(JsonObject) details = json_object_new ();

          json_object_set_string_member (details, "field", i == 0 ? "title_prefix" : "title_suffix");
          teken_ca_respond_error (request, 8129, details);
          return;
        }
    }
  if ((phone = teken_holder_phone_normalize (phone_text)) == NULL)
    {
      teken_ca_respond_error (request, 8127, NULL);
      return;
    }

  normal_name = teken_holder_name_normalize (name);
  {
    const char * const values[] = { normal_name, title_prefix != NULL ? title_prefix : "",
                                    title_suffix != NULL ? title_suffix : "", phone };

    save_and_respond (request, account, "personal_at", columns, values, G_N_ELEMENTS (columns));
  }
}

/* Cek NIP (§5.6): the registry row of @nip when it is the account's and
 * of its e-mail's agency; answers 4015, 8109, 8110 or 8111 otherwise. */
static char **
check_nip (Request        *request,
           TekenCaAccount *account,
           const char     *nip)
{
  g_auto(GStrv) row = NULL;

  if (!teken_nip_is_valid (nip))
    {
      teken_ca_respond_field_error (request, 4015, "nip", "18 digits");
      return NULL;
    }
  if ((row = teken_ca_store_lookup_employee (request->server->store, nip)) == NULL)
    {
      teken_ca_respond_error (request, 8109, NULL);
      return NULL;
    }
  if (!g_str_equal (row[1], account->nik))
    {
      teken_ca_respond_error (request, 8110, NULL);
      return NULL;
    }
  if (!g_str_equal (row[3], account->agency))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "agency", row[3]);
      teken_ca_respond_error (request, 8111, details);
      return NULL;
    }
  return g_steal_pointer (&row);
}

/* §5.6 */
void
teken_ca_handle_nip_check (Request    *request,
                           JsonObject *body)
{
  g_autoptr(TekenCaAccount) account = get_token_account (request);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) row = NULL;
  const char *nip;

  if (account == NULL || !teken_ca_get_required_string (request, body, "nip", 18, &nip) ||
      (row = check_nip (request, account, nip)) == NULL)
    return;

  b = json_builder_new ();
  teken_ca_add_employment_object (b, "asn", row[2], row[0], row[3], row[4], row[5], row[6], row[7]);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* §5.7 */
void
teken_ca_handle_employment (Request    *request,
                            JsonObject *body)
{
  g_autoptr(TekenCaAccount) account = get_editable_account (request);
  const char * const columns[] = { "employment_kind", "employment_type", "nip", "unit", "position", "city",
                                   "province" };
  const char *kind;

  if (account == NULL || !teken_ca_get_required_string (request, body, "kind", 16, &kind))
    return;

  if (g_str_equal (kind, "asn"))
    {
      g_auto(GStrv) row = NULL;
      const char *nip;

      if (!teken_ca_get_required_string (request, body, "nip", 18, &nip) ||
          (row = check_nip (request, account, nip)) == NULL)
        return;
      {
        const char * const values[] = { "asn", row[2], row[0], row[4], row[5], row[6], row[7] };

        save_and_respond (request, account, NULL, columns, values, G_N_ELEMENTS (columns));
      }
    }
  else if (g_str_equal (kind, "non_asn"))
    {
      const char *typed[G_N_ELEMENTS (employment_fields)];

      for (gsize i = 0; i < G_N_ELEMENTS (employment_fields); i++)
        if (!teken_ca_get_required_string (request, body, employment_fields[i], 0, &typed[i]))
          return;
      for (gsize i = 0; i < G_N_ELEMENTS (employment_fields); i++)
        if (!teken_holder_employment_field_is_valid (typed[i]))
          {
            g_autoptr(JsonObject) details = json_object_new ();

            json_object_set_string_member (details, "field", employment_fields[i]);
            teken_ca_respond_error (request, 8128, details);
            return;
          }
      {
        const char * const values[] = { "non_asn", NULL, account->nik, typed[0], typed[1], typed[2], typed[3] };

        save_and_respond (request, account, NULL, columns, values, G_N_ELEMENTS (columns));
      }
    }
  else
    teken_ca_respond_field_error (request, 4015, "kind", "asn or non_asn");
}

static void
respond_selfie_metrics (Request                  *request,
                        int                       code,
                        const TekenSelfieMetrics *metrics)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JsonObject) values = json_object_new ();

  json_object_set_double_member (values, "mean_luma", metrics->mean_luma);
  json_object_set_double_member (values, "luma_stddev", metrics->luma_stddev);
  json_object_set_double_member (values, "sharpness", metrics->sharpness);
  json_object_set_object_member (details, "metrics", g_steal_pointer (&values));
  teken_ca_respond_error (request, code, details);
}

/* @format is known from the magic bytes: naming it keeps gdk-pixbuf from
 * guessing, which needs the shared MIME database. */
static GdkPixbuf *
decode_pixels (GBytes     *image,
               const char *format)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type (format, NULL);
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;

  if (loader == NULL)
    return NULL;
  if (!gdk_pixbuf_loader_write_bytes (loader, image, &error) || !gdk_pixbuf_loader_close (loader, &error))
    {
      g_debug ("selfie not decoded: %s", error->message);
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  return pixbuf != NULL ? g_object_ref (pixbuf) : NULL;
}

/* §5.8, in a worker thread: decoding and measuring a 4K frame takes a
 * while. The checks run in the order of the table there. */
void
teken_ca_handle_selfie (Request    *request,
                        JsonObject *body)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaAccount) account = get_editable_account (request);
  const TekenCaSettings *settings = &self->settings;
  TekenSelfieThresholds thresholds = { settings->selfie_blank, settings->selfie_dark,
                                       settings->selfie_bright, settings->selfie_blur };
  TekenSelfieMetrics metrics;
  TekenSelfieProblem problem;
  const char *encoded;
  g_autofree guchar *data = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autoptr(TekenImage) parsed = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_auto(GStrv) person = NULL;
  g_autofree char *selfies_dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *uploaded_at = NULL;
  g_autofree char *selfie_json = NULL;
  g_autoptr(GError) error = NULL;
  const char *format;
  gsize length = 0;
  guint width, height;
  static const guint8 jpeg_magic[] = { 0xFF, 0xD8, 0xFF };
  static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
  static const int problem_codes[] = {
    [TEKEN_SELFIE_BLANK] = 8115, [TEKEN_SELFIE_TOO_DARK] = 8116,
    [TEKEN_SELFIE_TOO_BRIGHT] = 8117, [TEKEN_SELFIE_BLURRED] = 8118,
  };

  if (account == NULL || !teken_ca_get_required_string (request, body, "image", 0, &encoded))
    return;

  /* 1: size. The body limit of the route is looser; this is the rule. */
  if (strlen (encoded) > 3 * 1024 * 1024 ||
      (strlen (encoded) / 4) * 3 > TEKEN_SELFIE_MAX_BYTES + 3)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "limit_bytes", TEKEN_SELFIE_MAX_BYTES);
      teken_ca_respond_error (request, 8113, details);
      return;
    }
  data = g_base64_decode (encoded, &length);
  if (length > TEKEN_SELFIE_MAX_BYTES)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "limit_bytes", TEKEN_SELFIE_MAX_BYTES);
      teken_ca_respond_error (request, 8113, details);
      return;
    }
  image = g_bytes_new_take (g_steal_pointer (&data), length);

  /* 2: a JPEG or PNG that decodes completely, grey or RGB; no CMYK. */
  if (length >= sizeof jpeg_magic && memcmp (g_bytes_get_data (image, NULL), jpeg_magic, sizeof jpeg_magic) == 0)
    format = "jpeg";
  else if (length >= sizeof png_magic && memcmp (g_bytes_get_data (image, NULL), png_magic, sizeof png_magic) == 0)
    format = "png";
  else
    format = NULL;
  if (format == NULL || (parsed = teken_image_new_from_bytes (image, NULL)) == NULL ||
      teken_image_get_components (parsed) == 4 || (pixbuf = decode_pixels (image, format)) == NULL ||
      gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    {
      teken_ca_respond_error (request, 8112, NULL);
      return;
    }

  /* 3: resolution. */
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  if (MIN (width, height) < TEKEN_SELFIE_MIN_SIDE || MAX (width, height) > TEKEN_SELFIE_MAX_SIDE)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_int_member (details, "width", width);
      json_object_set_int_member (details, "height", height);
      teken_ca_respond_error (request, 8114, details);
      return;
    }

  /* 4–7: the metrics. */
  if (!teken_selfie_measure (gdk_pixbuf_read_pixels (pixbuf), width, height,
                             gdk_pixbuf_get_rowstride (pixbuf), gdk_pixbuf_get_n_channels (pixbuf), &metrics))
    {
      teken_ca_respond_error (request, 8112, NULL);
      return;
    }
  problem = teken_selfie_judge (&metrics, &thresholds);
  if (problem != TEKEN_SELFIE_OK)
    {
      respond_selfie_metrics (request, problem_codes[problem], &metrics);
      return;
    }

  /* 8: a face. The stand-in registry answers for the detector (§5.8). */
  person = teken_ca_store_lookup_person (self->store, account->nik);
  if (person != NULL && g_str_equal (person[4], "no_face"))
    {
      teken_ca_respond_error (request, 8119, NULL);
      return;
    }

  /* Kept for the verifier, never returned to the holder. */
  selfies_dir = g_build_filename (self->data_dir, "selfies", NULL);
  path = g_strdup_printf ("%s/%s.%s", selfies_dir, account->public_id, g_str_equal (format, "jpeg") ? "jpg" : "png");
  if (g_mkdir_with_parents (selfies_dir, 0700) != 0 ||
      !g_file_set_contents_full (path, g_bytes_get_data (image, NULL), length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_warning ("selfie: %s", error != NULL ? error->message : g_strerror (errno));
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }

  uploaded_at = teken_ca_format_time (now_seconds ());
  selfie_json = g_strdup_printf ("{\"uploaded_at\": \"%s\", \"format\": \"%s\", \"width\": %u, \"height\": %u,"
                                 " \"metrics\": {\"mean_luma\": %.1f, \"luma_stddev\": %.1f, \"sharpness\": %.1f}}",
                                 uploaded_at, format, width, height, metrics.mean_luma, metrics.luma_stddev,
                                 metrics.sharpness);
  {
    const char * const columns[] = { "selfie" };
    const char * const values[] = { selfie_json };

    save_and_respond (request, account, NULL, columns, values, 1);
  }
}

static void
add_agreement_summary (JsonBuilder *b,
                       char       **row)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, row[0]);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, row[1]);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, row[2]);
  json_builder_set_member_name (b, "languages");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "id");
  if (*row[4] != '\0')
    json_builder_add_string_value (b, "en");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, row[5]);
  json_builder_end_object (b);
}

/* §5.9, GET {T}/agreements */
void
teken_ca_handle_agreements (Request    *request,
                            JsonObject *body)
{
  static const char * const ids[] = { AGREEMENT_PRIVACY, AGREEMENT_HOLDER };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "agreements");
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_auto(GStrv) row = teken_ca_store_get_agreement (request->server->store, ids[i], NULL);

      if (row != NULL)
        add_agreement_summary (b, row);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* §5.9, GET {T}/agreements/{id}?lang=id|en&version=V */
void
teken_ca_handle_agreement (Request    *request,
                           JsonObject *body)
{
  GUri *uri = soup_server_message_get_uri (request->msg);
  const char *id = strrchr (g_uri_get_path (uri), '/') + 1;
  const char *query = g_uri_get_query (uri);
  g_autoptr(GHashTable) params = query != NULL ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL)
                                               : NULL;
  const char *lang = params != NULL ? g_hash_table_lookup (params, "lang") : NULL;
  const char *version = params != NULL ? g_hash_table_lookup (params, "version") : NULL;
  g_auto(GStrv) row = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (lang == NULL)
    lang = "id";
  row = teken_ca_store_get_agreement (request->server->store, id, version);
  if (row == NULL || (!g_str_equal (lang, "id") && !g_str_equal (lang, "en")) ||
      (g_str_equal (lang, "en") && *row[4] == '\0'))
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, row[0]);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, row[1]);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, row[2]);
  json_builder_set_member_name (b, "lang");
  json_builder_add_string_value (b, lang);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "text/markdown");
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, g_str_equal (lang, "id") ? row[3] : row[4]);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, row[5]);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}

/* The automatic verification of §5.10 against the stand-in registries:
 * NULL when it passes, "review" when a person must decide, else the
 * rejection reason. */
static const char *
verify_automatically (TekenCaServer  *self,
                      TekenCaAccount *account)
{
  g_auto(GStrv) person = teken_ca_store_lookup_person (self->store, account->nik);
  g_autofree char *registry_name = NULL;
  g_autofree char *given_name = NULL;

  if (person == NULL)
    return "name_mismatch";
  registry_name = teken_holder_name_normalize (person[1]);
  given_name = teken_holder_name_normalize (account->name);
  if (!g_str_equal (registry_name, given_name))
    return "name_mismatch";

  if (g_strcmp0 (account->employment_kind, "asn") == 0)
    {
      g_auto(GStrv) employee = teken_ca_store_lookup_employee (self->store, account->nip);

      if (employee == NULL || !g_str_equal (employee[1], account->nik) ||
          !g_str_equal (employee[3], account->agency))
        return "agency_mismatch";
    }

  if (g_str_equal (person[4], "review"))
    return "review";
  if (!g_str_equal (person[4], "match"))
    return "face_mismatch";
  return NULL;
}

static const char *
rejection_message (const char *reason)
{
  for (gsize i = 0; i < G_N_ELEMENTS (rejections); i++)
    if (g_str_equal (rejections[i].reason, reason))
      return _(rejections[i].message);
  return "";
}

static char *
rejection_json (const char *reason)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *at = teken_ca_format_time (now_seconds ());

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, reason);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, rejection_message (reason));
  json_builder_set_member_name (b, "at");
  json_builder_add_string_value (b, at);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* §5.10 */
void
teken_ca_handle_submit (Request    *request,
                        JsonObject *body)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaAccount) account = get_token_account (request);
  g_autoptr(TekenCaAccount) saved = NULL;
  g_autoptr(JsonArray) missing = NULL;
  g_auto(GStrv) privacy = NULL;
  g_auto(GStrv) holder = NULL;
  g_autofree char *agreements = NULL;
  g_autofree char *rejection = NULL;
  g_autoptr(GError) error = NULL;
  const char *privacy_version;
  const char *holder_version;
  const char *status;
  const char *outcome;
  gboolean review = FALSE;

  if (account == NULL)
    return;
  status = teken_ca_derive_status (self, account, NULL);
  missing = json_array_new ();
  if (account->personal_at == 0)
    json_array_add_string_element (missing, "personal");
  if (account->employment_kind == NULL)
    json_array_add_string_element (missing, "employment");
  if (account->selfie == NULL)
    json_array_add_string_element (missing, "selfie");
  if (!g_str_equal (status, "NO_CERTIFICATE") || json_array_get_length (missing) > 0)
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_array_member (details, "missing", g_steal_pointer (&missing));
      json_object_set_string_member (details, "status", status);
      teken_ca_respond_error (request, 8107, details);
      return;
    }

  if (!teken_ca_get_optional_string (request, body, "privacy_policy_version", "privacy_policy_version",
                                     &privacy_version) ||
      !teken_ca_get_optional_string (request, body, "holder_agreement_version", "holder_agreement_version",
                                     &holder_version))
    return;
  if (privacy_version == NULL || holder_version == NULL)
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonArray) ids = json_array_new ();

      if (privacy_version == NULL)
        json_array_add_string_element (ids, AGREEMENT_PRIVACY);
      if (holder_version == NULL)
        json_array_add_string_element (ids, AGREEMENT_HOLDER);
      json_object_set_array_member (details, "agreements", g_steal_pointer (&ids));
      teken_ca_respond_error (request, 8120, details);
      return;
    }
  privacy = teken_ca_store_get_agreement (self->store, AGREEMENT_PRIVACY, NULL);
  holder = teken_ca_store_get_agreement (self->store, AGREEMENT_HOLDER, NULL);
  if (privacy == NULL || holder == NULL || !g_str_equal (privacy[1], privacy_version) ||
      !g_str_equal (holder[1], holder_version))
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonObject) current = json_object_new ();

      if (privacy != NULL)
        json_object_set_string_member (current, AGREEMENT_PRIVACY, privacy[1]);
      if (holder != NULL)
        json_object_set_string_member (current, AGREEMENT_HOLDER, holder[1]);
      json_object_set_object_member (details, "current", g_steal_pointer (&current));
      teken_ca_respond_error (request, 8121, details);
      return;
    }

  agreements = g_strdup_printf ("{\"" AGREEMENT_PRIVACY "\": \"%s\", \"" AGREEMENT_HOLDER "\": \"%s\"}",
                                privacy[1], holder[1]);
  outcome = verify_automatically (self, account);

  if (!teken_ca_store_begin (self->store, &error) ||
      !teken_ca_store_set_account_text (self->store, account->id, "agreements", agreements, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  if (outcome == NULL)
    {
      /* Passed: NEW, and the link to choose the passphrase. */
      if (!teken_ca_store_set_account_text (self->store, account->id, "workflow", "NEW", &error) ||
          !teken_ca_store_set_account_text (self->store, account->id, "rejection", NULL, &error))
        {
          respond_store_failure (request, error);
          return;
        }
      if (!teken_ca_send_link (request, account, account->email, "set_passphrase", NULL, NULL))
        {
          teken_ca_store_rollback (self->store);
          return;
        }
    }
  else if (g_str_equal (outcome, "review"))
    {
      /* Undecided: a person at the agency looks at the selfie (§8). */
      if (!teken_ca_store_set_account_text (self->store, account->id, "workflow", "WAITING_FOR_VERIFICATION",
                                            &error) ||
          !teken_ca_store_set_account_text (self->store, account->id, "rejection", NULL, &error) ||
          !teken_ca_create_request (self, account, "enrollment_review", "NO_CERTIFICATE", NULL, &error))
        {
          respond_store_failure (request, error);
          return;
        }
      review = TRUE;
    }
  else
    {
      rejection = rejection_json (outcome);
      if (!teken_ca_store_set_account_text (self->store, account->id, "workflow", NULL, &error) ||
          !teken_ca_store_set_account_text (self->store, account->id, "rejection", rejection, &error))
        {
          respond_store_failure (request, error);
          return;
        }
    }
  if (!teken_ca_store_commit (self->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  if (rejection != NULL)
    teken_ca_send_notice (self, account->email, "verification_rejected");
  if (review)
    teken_ca_notify_verifiers (self, account);
  g_message ("account %s submitted: %s", account->public_id, outcome != NULL ? outcome : "verified");

  saved = teken_ca_store_get_account (self->store, account->id);
  respond_enrollment (request, SOUP_STATUS_OK, saved);
}

/* §5.11 */
void
teken_ca_handle_passphrase_resend (Request    *request,
                                   JsonObject *body)
{
  g_autoptr(TekenCaAccount) account = find_account_by_pair (request, body);
  const char *status;

  if (account == NULL)
    return;
  status = teken_ca_derive_status (request->server, account, NULL);
  if (!g_str_equal (status, "NEW"))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "status", status);
      teken_ca_respond_error (request, 8303, details);
      return;
    }
  resend_link (request, account, "set_passphrase", "expires_at");
}

/* §5.12, in a worker thread: checking the password, making the key pair
 * and wrapping it take seconds. None of it happens inside the store's
 * transaction, which only records the outcome. */
void
teken_ca_handle_set_passphrase (Request    *request,
                                JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token;
  const char *status;
  g_autoptr(TekenCaLink) link = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenSecret) passphrase = NULL;
  g_autoptr(TekenCaIssued) issued = NULL;
  g_autoptr(TekenCaCertificate) cert = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gint64 cert_id;

  if (!teken_ca_get_required_string (request, body, "token", 64, &token) ||
      (link = teken_ca_check_link (request, token, "set_passphrase")) == NULL)
    return;
  account = teken_ca_store_get_account (self->store, link->account_id);
  if (account == NULL)
    {
      teken_ca_respond_error (request, 8104, NULL);
      return;
    }
  status = teken_ca_derive_status (self, account, NULL);
  if (!g_str_equal (status, "NEW"))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      json_object_set_string_member (details, "status", status);
      teken_ca_respond_error (request, 8303, details);
      return;
    }
  if (!teken_ca_check_new_secret (request, body, "passphrase", "passphrase_confirmation", 8122, "passphrase"))
    return;
  passphrase = teken_ca_take_secret (body, "passphrase");
  teken_wipe_string ((char *) json_object_get_string_member (body, "passphrase_confirmation"));
  if (account->password_hash != NULL && teken_ca_password_verify (passphrase, account->password_hash))
    {
      teken_ca_respond_error (request, 8125, NULL);
      return;
    }

  issued = teken_ca_authority_issue_new_key (self->authority, account->name, account->agency, account->email,
                                             self->settings.cert_validity, passphrase, &error);
  if (issued == NULL)
    {
      g_warning ("issuing: %s", error->message);
      teken_ca_respond_error (request, 8010, NULL);
      return;
    }

  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  if (!teken_ca_use_link (request, token, link))
    {
      teken_ca_store_rollback (self->store);
      return;
    }
  cert_id = teken_ca_store_add_certificate (self->store, account->id, issued->serial, issued->der,
                                            issued->not_before, issued->not_after, issued->wrapped_key, &error);
  if (cert_id == 0 ||
      !teken_ca_store_set_current_certificate (self->store, account->id, cert_id, &error) ||
      !teken_ca_store_commit (self->store, &error))
    {
      respond_store_failure (request, error);
      return;
    }
  g_message ("account %s: certificate %s issued", account->public_id, issued->serial);
  teken_ca_send_notice (self, account->email, "certificate_issued");

  cert = teken_ca_store_get_certificate (self->store, cert_id);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "ISSUE");
  json_builder_set_member_name (b, "certificate");
  if (cert == NULL || !teken_ca_add_certificate_object (b, self, account, cert, FALSE))
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_CREATED, root);
}

/* §14, endpoint 3: whether a link is still usable, without using it. */
void
teken_ca_handle_links_check (Request    *request,
                             JsonObject *body)
{
  const char *token;
  g_autofree char *token_hash = NULL;
  g_autoptr(TekenCaLink) found = NULL;
  g_autoptr(TekenCaLink) link = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!teken_ca_get_required_string (request, body, "token", 64, &token))
    return;
  token_hash = teken_ca_token_hash (token);
  found = teken_ca_store_find_link (request->server->store, token_hash);
  if (found == NULL || (link = teken_ca_check_link (request, token, found->purpose)) == NULL)
    {
      if (found == NULL)
        teken_ca_respond_error (request, 8104, NULL);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "purpose");
  json_builder_add_string_value (b, link->purpose);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, "valid");
  add_time_member (b, "expires_at", link->expires_at);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, SOUP_STATUS_OK, root);
}
