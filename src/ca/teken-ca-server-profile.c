/* teken-ca-server-profile.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Account object (docs/api.md §6.4) and data updates (§7.10) with the
 * seed rules: name and e-mail (hence agency) are in the certificate and
 * change only once it is revoked or expired; titles and employment change
 * any time after enrollment but wait, with signing off (`UPDATE`), until
 * the holder confirms them from an e-mailed link; the phone changes at once.
 * The pending change is kept as JSON in the account:
 *
 *   {"changes": {"employment.position": {"from", "to"}, …},
 *    "values": {column: value, …}, "to": e-mail of the link,
 *    "requested_at": unix time, "link_expires_at": unix time} */

#include "config.h"

#include <string.h>

#include "teken-ca-server-private.h"
#include "teken-holder-rules.h"

/* The account columns a change may write, with their names in `changes`. */
static const struct
{
  const char *column;
  const char *key;
  gboolean in_certificate;     /* group A */
} fields[] = {
  { "name", "name", TRUE },
  { "email", "email", TRUE },
  { "agency", "agency", TRUE },
  { "title_prefix", "title_prefix", FALSE },
  { "title_suffix", "title_suffix", FALSE },
  { "employment_kind", "employment.kind", FALSE },
  { "employment_type", "employment.employment_type", FALSE },
  { "nip", "employment.nip", FALSE },
  { "unit", "employment.unit", FALSE },
  { "position", "employment.position", FALSE },
  { "city", "employment.city", FALSE },
  { "province", "employment.province", FALSE },
};

static const char *
account_column (TekenCaAccount *account,
                const char     *column)
{
  struct { const char *column; const char *value; } columns[] = {
    { "name", account->name }, { "email", account->email }, { "agency", account->agency },
    { "title_prefix", account->title_prefix }, { "title_suffix", account->title_suffix },
    { "employment_kind", account->employment_kind }, { "employment_type", account->employment_type },
    { "nip", account->nip }, { "unit", account->unit }, { "position", account->position },
    { "city", account->city }, { "province", account->province },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (columns); i++)
    if (g_str_equal (columns[i].column, column))
      return columns[i].value;
  g_return_val_if_reached (NULL);
}

static void
add_employment (JsonBuilder    *b,
                TekenCaAccount *account)
{
  json_builder_set_member_name (b, "employment");
  if (account->employment_kind == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "kind", account->employment_kind);
  teken_ca_add_string_or_null (b, "employment_type", account->employment_type);
  teken_ca_add_string_or_null (b, "nip", account->nip);
  teken_ca_add_string_or_null (b, "agency", account->agency);
  teken_ca_add_string_or_null (b, "unit", account->unit);
  teken_ca_add_string_or_null (b, "position", account->position);
  teken_ca_add_string_or_null (b, "city", account->city);
  teken_ca_add_string_or_null (b, "province", account->province);
  json_builder_end_object (b);
}

/* The first thing still to do (§5): what the wizard would show. */
static const char *
enrollment_step (TekenCaAccount *account)
{
  if (account->current_certificate != 0)
    return "done";
  if (g_strcmp0 (account->workflow, "WAITING_FOR_VERIFICATION") == 0)
    return "verification";
  if (g_strcmp0 (account->workflow, "NEW") == 0)
    return "passphrase";
  if (account->activated_at == 0)
    return "activation";
  if (account->personal_at == 0)
    return "personal";
  if (account->employment_kind == NULL)
    return "employment";
  if (account->selfie == NULL)
    return "selfie";
  return "agreements";
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static void
add_pending_update (JsonBuilder    *b,
                    TekenCaAccount *account)
{
  g_autoptr(JsonObject) pending = parse_object (account->pending_update);

  json_builder_set_member_name (b, "pending_update");
  if (pending == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "changes");
  json_builder_add_value (b, json_node_copy (json_object_get_member (pending, "changes")));
  teken_ca_add_time_or_null (b, "requested_at", json_object_get_int_member (pending, "requested_at"));
  teken_ca_add_time_or_null (b, "link_expires_at", json_object_get_int_member (pending, "link_expires_at"));
  json_builder_end_object (b);
}

static void
build_account (JsonBuilder    *b,
               TekenCaServer  *self,
               TekenCaAccount *account,
               GPtrArray      *certificates)
{
  g_autoptr(TekenCaCertificate) cert = NULL;
  gboolean verifier = g_strcmp0 (account->role, "verifier") == 0;
  const char *status = verifier ? NULL : teken_ca_derive_status (self, account, &cert);
  const char *cannot_sign = NULL;

  if (status == NULL || !g_str_equal (status, "ISSUE"))
    cannot_sign = "status";
  else if (g_strcmp0 (account->verification, "VERIFIED") != 0)
    cannot_sign = "update_pending";
  else if (cert == NULL || cert->wrapped_key == NULL || cert->key_failures >= TEKEN_CA_PASSPHRASE_ATTEMPTS)
    cannot_sign = "key_locked";
  if (cert == NULL && !verifier && account->current_certificate != 0)
    cert = teken_ca_store_get_certificate (self->store, account->current_certificate);

  json_builder_begin_object (b);
  teken_ca_add_string_or_null (b, "id", account->public_id);
  teken_ca_add_string_or_null (b, "role", verifier ? "verifier" : "holder");
  teken_ca_add_string_or_null (b, "nik", verifier ? NULL : account->nik);
  teken_ca_add_string_or_null (b, "username", account->email);
  teken_ca_add_string_or_null (b, "email", account->email);
  teken_ca_add_string_or_null (b, "name", account->name);
  teken_ca_add_string_or_null (b, "title_prefix", account->title_prefix);
  teken_ca_add_string_or_null (b, "title_suffix", account->title_suffix);
  teken_ca_add_string_or_null (b, "phone", account->phone);
  teken_ca_add_string_or_null (b, "agency", account->agency);
  if (verifier)
    {
      json_builder_set_member_name (b, "employment");
      json_builder_add_null_value (b);
    }
  else
    add_employment (b, account);
  teken_ca_add_string_or_null (b, "status", status);
  teken_ca_add_string_or_null (b, "verification_status", account->verification);
  teken_ca_add_string_or_null (b, "enrollment_step", verifier ? NULL : enrollment_step (account));
  json_builder_set_member_name (b, "can_sign");
  json_builder_add_boolean_value (b, cannot_sign == NULL);
  teken_ca_add_string_or_null (b, "cannot_sign_reason", cannot_sign);
  teken_ca_add_string_or_null (b, "current_certificate_id", cert != NULL ? cert->public_id : NULL);
  add_pending_update (b, account);
  if (certificates != NULL)
    {
      json_builder_set_member_name (b, "certificates");
      json_builder_begin_array (b);
      for (guint i = 0; i < certificates->len; i++)
        teken_ca_add_certificate_object (b, self, account, g_ptr_array_index (certificates, i), FALSE);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

/* Adds the Account object of docs/api.md §6.4 as the builder's next value. */
void
teken_ca_add_account_object (JsonBuilder    *b,
                             TekenCaServer  *self,
                             TekenCaAccount *account)
{
  build_account (b, self, account, NULL);
}

/**
 * teken_ca_respond_account:
 * @certificates: (nullable) (element-type TekenCaCertificate): added as
 *   `certificates` (the verifier's view of a holder, §8)
 */
void
teken_ca_respond_account (Request        *request,
                          guint           http_status,
                          TekenCaAccount *account,
                          GPtrArray      *certificates)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  build_account (b, request->server, account, certificates);
  root = json_builder_get_root (b);
  teken_ca_set_json_response (request, http_status, root);
}

static void
respond_internal (Request *request,
                  GError  *error)
{
  g_warning ("%s", error != NULL ? error->message : "internal error");
  teken_ca_respond_error (request, 8010, NULL);
}

/* Reads a trimmed text member into @values[@column] when present; FALSE
 * (answered 4015) when it has the wrong type. */
static gboolean
read_text (Request    *request,
           JsonObject *object,
           const char *member,
           const char *field,
           GHashTable *given)
{
  const char *value;

  if (object == NULL || !json_object_has_member (object, member))
    return TRUE;
  if (!teken_ca_get_optional_string (request, object, member, field, &value))
    return FALSE;
  g_hash_table_insert (given, g_strdup (field), g_strstrip (g_strdup (value != NULL ? value : "")));
  return TRUE;
}

/* What a PATCH asks for, checked field by field, then against the
 * registries; fills @values with every column's value afterwards. */
static gboolean
resolve_profile (Request        *request,
                 JsonObject     *body,
                 TekenCaAccount *account,
                 GHashTable     *values,
                 char          **phone_out)
{
  TekenCaServer *self = request->server;
  g_autoptr(GHashTable) given = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonObject *employment = NULL;
  JsonNode *node = json_object_get_member (body, "employment");
  const char *text;
  const char *kind;
  const char *email;
  static const char * const typed[] = { "unit", "position", "city", "province" };

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          teken_ca_respond_field_error (request, 4015, "employment", "must be an object");
          return FALSE;
        }
      employment = json_node_get_object (node);
    }
  if (!read_text (request, body, "name", "name", given) ||
      !read_text (request, body, "email", "email", given) ||
      !read_text (request, body, "title_prefix", "title_prefix", given) ||
      !read_text (request, body, "title_suffix", "title_suffix", given) ||
      !read_text (request, body, "phone", "phone", given) ||
      !read_text (request, employment, "kind", "employment.kind", given) ||
      !read_text (request, employment, "nip", "employment.nip", given))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_autofree char *field = g_strconcat ("employment.", typed[i], NULL);

      if (!read_text (request, employment, typed[i], field, given))
        return FALSE;
    }

  /* Every column starts as it is. */
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    g_hash_table_insert (values, (gpointer) fields[i].column, g_strdup (account_column (account, fields[i].column)));

  /* Field rules (§3.3), in the order of the body. */
  if ((text = g_hash_table_lookup (given, "name")) != NULL)
    {
      if (!teken_holder_name_is_valid (text))
        {
          teken_ca_respond_error (request, 8108, NULL);
          return FALSE;
        }
      g_hash_table_insert (values, (gpointer) "name", g_strdup (text));
    }
  for (int t = 0; t < 2; t++)
    {
      const char *member = t == 0 ? "title_prefix" : "title_suffix";

      if ((text = g_hash_table_lookup (given, member)) == NULL)
        continue;
      if (!teken_holder_title_is_valid (text))
        {
          teken_ca_respond_field_error (request, 8129, member, NULL);
          return FALSE;
        }
      g_hash_table_insert (values, (gpointer) member, g_strdup (text));
    }
  if ((text = g_hash_table_lookup (given, "phone")) != NULL)
    {
      *phone_out = teken_holder_phone_normalize (text);
      if (*phone_out == NULL)
        {
          teken_ca_respond_error (request, 8127, NULL);
          return FALSE;
        }
    }

  /* The e-mail decides the agency (§7.10 group A). */
  if ((email = g_hash_table_lookup (given, "email")) != NULL)
    {
      g_autofree char *lower = NULL;
      g_autofree char *agency = NULL;
      g_autoptr(TekenCaAccount) other = NULL;

      if (!teken_holder_email_is_valid (email))
        {
          teken_ca_respond_field_error (request, 4015, "email", "an e-mail address");
          return FALSE;
        }
      lower = g_ascii_strdown (email, -1);
      agency = teken_ca_store_lookup_domain_agency (self->store, strchr (lower, '@') + 1);
      if (agency == NULL)
        {
          g_autoptr(JsonObject) details = json_object_new ();
          g_autoptr(JsonArray) domains = json_array_new ();
          g_autoptr(GPtrArray) list = teken_ca_store_list_domains (self->store);

          for (guint i = 0; i < list->len; i++)
            json_array_add_string_element (domains, g_ptr_array_index (list, i));
          json_object_set_array_member (details, "allowed_domains", g_steal_pointer (&domains));
          json_object_set_string_member (details, "example_domain",
                                         list->len > 0 ? g_ptr_array_index (list, 0) : "");
          teken_ca_respond_error (request, 8102, details);
          return FALSE;
        }
      other = teken_ca_store_find_account_by_email (self->store, lower);
      if (other != NULL && other->id != account->id)
        {
          teken_ca_respond_error (request, 8103, NULL);
          return FALSE;
        }
      g_hash_table_insert (values, (gpointer) "email", g_steal_pointer (&lower));
      g_hash_table_insert (values, (gpointer) "agency", g_steal_pointer (&agency));
    }

  /* Employment (§5.7): ASN through the personnel registry, non-ASN typed. */
  kind = g_hash_table_lookup (given, "employment.kind");
  if (kind != NULL && !g_str_equal (kind, "asn") && !g_str_equal (kind, "non_asn"))
    {
      teken_ca_respond_field_error (request, 4015, "employment.kind", "asn or non_asn");
      return FALSE;
    }
  if (kind == NULL)
    kind = g_hash_table_lookup (given, "employment.nip") != NULL ? "asn" : account->employment_kind;
  for (gsize i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_autofree char *field = g_strconcat ("employment.", typed[i], NULL);

      if ((text = g_hash_table_lookup (given, field)) == NULL)
        continue;
      if (!teken_holder_employment_field_is_valid (text))
        {
          teken_ca_respond_field_error (request, 8128, field, NULL);
          return FALSE;
        }
      g_hash_table_insert (values, (gpointer) typed[i], g_strdup (text));
    }

  if (g_strcmp0 (kind, "asn") == 0 &&
      (g_hash_table_contains (given, "employment.nip") || g_hash_table_contains (given, "employment.kind") ||
       email != NULL))
    {
      const char *nip = g_hash_table_lookup (given, "employment.nip");
      const char *agency = g_hash_table_lookup (values, "agency");
      g_autoptr(TekenCaPersonnel) row = NULL;
      gboolean new_nip;

      if (nip == NULL)
        nip = g_strcmp0 (account->employment_kind, "asn") == 0 ? account->nip : NULL;
      if (nip == NULL)
        {
          teken_ca_respond_field_error (request, 4014, "employment.nip", NULL);
          return FALSE;
        }
      if (!teken_nip_is_valid (nip))
        {
          teken_ca_respond_field_error (request, 4015, "employment.nip", "18 digits");
          return FALSE;
        }
      /* Cek NIP (§5.6), against the agency the e-mail will have. */
      row = teken_ca_store_get_personnel (self->store, nip);
      if (row == NULL)
        {
          teken_ca_respond_error (request, 8109, NULL);
          return FALSE;
        }
      if (!g_str_equal (row->nik, account->nik))
        {
          teken_ca_respond_error (request, 8110, NULL);
          return FALSE;
        }
      if (!g_str_equal (row->agency, agency))
        {
          g_autoptr(JsonObject) details = json_object_new ();

          json_object_set_string_member (details, "agency", row->agency);
          teken_ca_respond_error (request, 8111, details);
          return FALSE;
        }
      new_nip = g_strcmp0 (nip, account->nip) != 0 || g_strcmp0 (account->employment_kind, "asn") != 0;
      g_hash_table_insert (values, (gpointer) "employment_kind", g_strdup ("asn"));
      g_hash_table_insert (values, (gpointer) "nip", g_strdup (nip));
      g_hash_table_insert (values, (gpointer) "employment_type", g_strdup (row->employment_type));
      /* A new NIP fills what the holder did not type from the registry. */
      if (new_nip)
        {
          const char *registry[] = { row->unit, row->position, row->city, row->province };

          for (gsize i = 0; i < G_N_ELEMENTS (typed); i++)
            {
              g_autofree char *field = g_strconcat ("employment.", typed[i], NULL);

              if (!g_hash_table_contains (given, field))
                g_hash_table_insert (values, (gpointer) typed[i], g_strdup (registry[i]));
            }
        }
    }
  else if (g_strcmp0 (kind, "non_asn") == 0)
    {
      g_hash_table_insert (values, (gpointer) "employment_kind", g_strdup ("non_asn"));
      g_hash_table_insert (values, (gpointer) "nip", g_strdup (account->nik));
      g_hash_table_insert (values, (gpointer) "employment_type", NULL);
      for (gsize i = 0; i < G_N_ELEMENTS (typed); i++)
        if (g_hash_table_lookup (values, typed[i]) == NULL)
          {
            g_autofree char *field = g_strconcat ("employment.", typed[i], NULL);

            teken_ca_respond_field_error (request, 4014, field, NULL);
            return FALSE;
          }
    }
  else if (kind == NULL && employment != NULL && json_object_get_size (employment) > 0)
    {
      teken_ca_respond_field_error (request, 4014, "employment.kind", NULL);
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
pending_of (TekenCaAccount *account)
{
  return parse_object (account->pending_update);
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* PATCH {T}/account/profile (43). */
void
teken_ca_handle_profile_update (Request    *request,
                                JsonObject *body)
{
  TekenCaServer *self = request->server;
  static const char * const group_a_allowed[] = { "REVOKE", "EXPIRED", NULL };
  static const char * const group_b_allowed[] = { "NEW", "ISSUE", "RENEW", "EXPIRED", "SUSPEND", "REVOKE", NULL };
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, request->account_id);
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonArray) certificate_fields = json_array_new ();
  g_autoptr(JsonObject) stored = json_object_new ();
  g_autoptr(JsonObject) column_values = json_object_new ();
  g_autoptr(TekenCaAccount) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *pending_text = NULL;
  gboolean phone_changes;
  const char *status;
  const char *to;
  gint64 link_expires_at = 0;

  if (account == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  if (!resolve_profile (request, body, account, values, &phone))
    return;

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *from = account_column (account, fields[i].column);
      const char *value = g_hash_table_lookup (values, fields[i].column);
      g_autoptr(JsonObject) change = NULL;

      if (g_strcmp0 (from, value) == 0)
        continue;
      change = json_object_new ();
      if (from != NULL)
        json_object_set_string_member (change, "from", from);
      else
        json_object_set_null_member (change, "from");
      if (value != NULL)
        json_object_set_string_member (change, "to", value);
      else
        json_object_set_null_member (change, "to");
      json_object_set_object_member (changes, fields[i].key, g_steal_pointer (&change));
      if (value != NULL)
        json_object_set_string_member (column_values, fields[i].column, value);
      else
        json_object_set_null_member (column_values, fields[i].column);
      if (fields[i].in_certificate)
        json_array_add_string_element (certificate_fields, fields[i].key);
    }
  phone_changes = phone != NULL && g_strcmp0 (phone, account->phone) != 0;
  if (json_object_get_size (changes) == 0 && !phone_changes)
    {
      teken_ca_respond_error (request, 8307, NULL);
      return;
    }

  if (json_object_get_size (changes) > 0)
    {
      status = teken_ca_derive_status (self, account, NULL);
      if (g_str_equal (status, "NO_CERTIFICATE") || g_str_equal (status, "WAITING_FOR_VERIFICATION"))
        {
          teken_ca_respond_wrong_status (request, status,
                                         json_array_get_length (certificate_fields) > 0 ? group_a_allowed
                                                                                         : group_b_allowed);
          return;
        }
      if (json_array_get_length (certificate_fields) > 0 &&
          !g_str_equal (status, "REVOKE") && !g_str_equal (status, "EXPIRED"))
        {
          g_autoptr(JsonObject) details = json_object_new ();

          json_object_set_array_member (details, "fields", g_steal_pointer (&certificate_fields));
          teken_ca_respond_error (request, 8301, details);
          return;
        }
      if (account->pending_update != NULL)
        {
          teken_ca_respond_error (request, 8302, NULL);
          return;
        }
    }

  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  if (phone_changes && !teken_ca_store_set_account_text (self->store, account->id, "phone", phone, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }
  if (json_object_get_size (changes) > 0)
    {
      /* The confirmation goes to the new address when it changes (§12). */
      to = g_hash_table_lookup (values, "email");
      if (!teken_ca_send_link (request, account, to, "confirm_update", NULL, &link_expires_at))
        {
          teken_ca_store_rollback (self->store);
          return;
        }
      json_object_set_object_member (stored, "changes", json_object_ref (changes));
      json_object_set_object_member (stored, "values", json_object_ref (column_values));
      json_object_set_string_member (stored, "to", to);
      json_object_set_int_member (stored, "requested_at", teken_ca_now_seconds ());
      json_object_set_int_member (stored, "link_expires_at", link_expires_at);
      pending_text = object_to_string (stored);
      if (!teken_ca_store_set_account_text (self->store, account->id, "pending_update", pending_text, &error) ||
          !teken_ca_store_set_account_text (self->store, account->id, "verification", "UPDATE", &error))
        {
          teken_ca_store_rollback (self->store);
          respond_internal (request, error);
          return;
        }
    }
  if (!teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }

  if (json_object_get_size (changes) > 0)
    g_message ("account %s: data change waiting for confirmation", account->public_id);
  updated = teken_ca_store_get_account (self->store, account->id);
  teken_ca_respond_account (request, json_object_get_size (changes) > 0 ? SOUP_STATUS_ACCEPTED : SOUP_STATUS_OK,
                            updated, NULL);
}

/* POST {T}/account/profile/confirm (44): the change applies, signing is
 * back on. The rules are checked again: the status may have moved. */
void
teken_ca_handle_profile_confirm (Request    *request,
                                 JsonObject *body)
{
  TekenCaServer *self = request->server;
  const char *token;
  g_autoptr(TekenCaLink) link = NULL;
  g_autoptr(TekenCaAccount) account = NULL;
  g_autoptr(TekenCaAccount) updated = NULL;
  g_autoptr(JsonObject) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) columns = NULL;
  JsonObject *values;
  const char *status;

  if (!teken_ca_get_required_string (request, body, "token", 64, &token) ||
      (link = teken_ca_check_link (request, token, "confirm_update")) == NULL)
    return;
  account = teken_ca_store_get_account (self->store, link->account_id);
  pending = account != NULL ? pending_of (account) : NULL;
  if (pending == NULL || !json_object_has_member (pending, "values"))
    {
      teken_ca_respond_error (request, 8104, NULL);
      return;
    }
  values = json_object_get_object_member (pending, "values");
  status = teken_ca_derive_status (self, account, NULL);
  if ((json_object_has_member (values, "name") || json_object_has_member (values, "email")) &&
      !g_str_equal (status, "REVOKE") && !g_str_equal (status, "EXPIRED"))
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(JsonArray) list = json_array_new ();

      if (json_object_has_member (values, "name"))
        json_array_add_string_element (list, "name");
      if (json_object_has_member (values, "email"))
        json_array_add_string_element (list, "email");
      json_object_set_array_member (details, "fields", g_steal_pointer (&list));
      teken_ca_respond_error (request, 8301, details);
      return;
    }
  if (json_object_has_member (values, "email"))
    {
      g_autoptr(TekenCaAccount) other =
        teken_ca_store_find_account_by_email (self->store, json_object_get_string_member (values, "email"));

      if (other != NULL && other->id != account->id)
        {
          teken_ca_respond_error (request, 8103, NULL);
          return;
        }
    }

  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  if (!teken_ca_use_link (request, token, link))
    {
      teken_ca_store_rollback (self->store);
      return;
    }
  columns = json_object_get_members (values);
  for (GList *l = columns; l != NULL; l = l->next)
    {
      const char *column = l->data;
      JsonNode *node = json_object_get_member (values, column);
      gboolean known = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
        known = known || g_str_equal (fields[i].column, column);
      if (!known ||
          !teken_ca_store_set_account_text (self->store, account->id, column,
                                            JSON_NODE_HOLDS_NULL (node) ? NULL : json_node_get_string (node),
                                            &error))
        {
          teken_ca_store_rollback (self->store);
          respond_internal (request, error);
          return;
        }
    }
  if (!teken_ca_store_set_account_text (self->store, account->id, "pending_update", NULL, &error) ||
      !teken_ca_store_set_account_text (self->store, account->id, "verification", "VERIFIED", &error) ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }

  updated = teken_ca_store_get_account (self->store, account->id);
  g_message ("account %s: data change applied", account->public_id);
  teken_ca_send_notice (self, updated->email, "update_applied");
  teken_ca_respond_account (request, SOUP_STATUS_OK, updated, NULL);
}

/* POST {T}/account/profile/pending/resend (45): a new link; the change
 * itself stays until confirmed or cancelled. */
void
teken_ca_handle_profile_resend (Request    *request,
                                JsonObject *body)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, request->account_id);
  g_autoptr(JsonObject) pending = account != NULL ? pending_of (account) : NULL;
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pending_text = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *to = NULL;
  gint64 link_expires_at = 0;

  if (pending == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  if (teken_ca_mail_rate_limited (request, account, "confirm_update"))
    return;
  to = g_strdup (json_object_has_member (pending, "to") ? json_object_get_string_member (pending, "to")
                                                       : account->email);
  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  if (!teken_ca_send_link (request, account, to, "confirm_update", NULL, &link_expires_at))
    {
      teken_ca_store_rollback (self->store);
      return;
    }
  json_object_set_int_member (pending, "link_expires_at", link_expires_at);
  pending_text = object_to_string (pending);
  if (!teken_ca_store_set_account_text (self->store, account->id, "pending_update", pending_text, &error) ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }

  expires = teken_ca_format_time (link_expires_at);
  json_object_set_string_member (answer, "link_expires_at", expires);
  root = json_node_init_object (json_node_alloc (), answer);
  teken_ca_set_json_response (request, SOUP_STATUS_ACCEPTED, root);
}

/* DELETE {T}/account/profile/pending (46): nothing applies; its links die. */
void
teken_ca_handle_profile_cancel (Request    *request,
                                JsonObject *body)
{
  TekenCaServer *self = request->server;
  g_autoptr(TekenCaAccount) account = teken_ca_store_get_account (self->store, request->account_id);
  g_autoptr(GError) error = NULL;

  if (account == NULL || account->pending_update == NULL)
    {
      teken_ca_respond_error (request, 8004, NULL);
      return;
    }
  if (!teken_ca_store_begin (self->store, &error))
    {
      respond_internal (request, error);
      return;
    }
  if (!teken_ca_store_set_account_text (self->store, account->id, "pending_update", NULL, &error) ||
      !teken_ca_store_set_account_text (self->store, account->id, "verification", "VERIFIED", &error) ||
      !teken_ca_store_supersede_links (self->store, account->id, "confirm_update", &error) ||
      !teken_ca_store_commit (self->store, &error))
    {
      teken_ca_store_rollback (self->store);
      respond_internal (request, error);
      return;
    }
  g_message ("account %s: data change cancelled", account->public_id);
  teken_ca_respond_no_content (request);
}
