/* teken-profile-form.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The holder's data, to change with the seed rules (docs/api.md §7.10):
 *
 *  - name and e-mail (whose domain decides the agency, i.e. the
 *    organisation) are in the certificate: they can change only once it is
 *    revoked or expired, and the rows say so while they are locked;
 *  - titles, NIP, position, unit, city and province can change any time,
 *    and wait, with signing paused, for the e-mailed confirmation;
 *  - the mobile number applies at once.
 *
 * Every field is checked as it is typed with core's holder rules, the ones
 * teken-ca applies, and only what changed is sent. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "teken-holder-rules.h"
#include "teken-profile-form.h"

struct _TekenProfileForm
{
  GtkWidget parent_instance;

  GHashTable *original;    /* key (as in `changes`) → value when shown */
  gboolean certificate_open;
  gboolean asn;
  gboolean filling;

  /* Template widgets */
  GtkWidget *box;
  AdwPreferencesGroup *certificate_group;
  AdwEntryRow *name_row;
  AdwEntryRow *email_row;
  AdwActionRow *agency_row;
  AdwPreferencesGroup *employment_group;
  AdwEntryRow *title_prefix_row;
  AdwEntryRow *title_suffix_row;
  AdwEntryRow *nip_row;
  AdwEntryRow *position_row;
  AdwEntryRow *unit_row;
  AdwEntryRow *city_row;
  AdwEntryRow *province_row;
  AdwEntryRow *phone_row;
  GtkLabel *hint;
};

G_DEFINE_FINAL_TYPE (TekenProfileForm, teken_profile_form, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  RULE_NAME,
  RULE_EMAIL,
  RULE_TITLE,
  RULE_NIP,
  RULE_EMPLOYMENT,
  RULE_PHONE,
} Rule;

/* The form's fields: their key in the API's `changes` (§7.10), and their
 * member in a PATCH body (under `employment` when @employment). */
static const struct
{
  const char *key;
  const char *member;
  gboolean employment;
  gsize offset;
  Rule rule;
  gboolean in_certificate;
} fields[] = {
  { "name", "name", FALSE, G_STRUCT_OFFSET (TekenProfileForm, name_row), RULE_NAME, TRUE },
  { "email", "email", FALSE, G_STRUCT_OFFSET (TekenProfileForm, email_row), RULE_EMAIL, TRUE },
  { "title_prefix", "title_prefix", FALSE, G_STRUCT_OFFSET (TekenProfileForm, title_prefix_row), RULE_TITLE, FALSE },
  { "title_suffix", "title_suffix", FALSE, G_STRUCT_OFFSET (TekenProfileForm, title_suffix_row), RULE_TITLE, FALSE },
  { "employment.nip", "nip", TRUE, G_STRUCT_OFFSET (TekenProfileForm, nip_row), RULE_NIP, FALSE },
  { "employment.position", "position", TRUE, G_STRUCT_OFFSET (TekenProfileForm, position_row), RULE_EMPLOYMENT, FALSE },
  { "employment.unit", "unit", TRUE, G_STRUCT_OFFSET (TekenProfileForm, unit_row), RULE_EMPLOYMENT, FALSE },
  { "employment.city", "city", TRUE, G_STRUCT_OFFSET (TekenProfileForm, city_row), RULE_EMPLOYMENT, FALSE },
  { "employment.province", "province", TRUE, G_STRUCT_OFFSET (TekenProfileForm, province_row), RULE_EMPLOYMENT, FALSE },
  { "phone", "phone", FALSE, G_STRUCT_OFFSET (TekenProfileForm, phone_row), RULE_PHONE, FALSE },
};

static const struct
{
  const char *key;
  const char *label;
} labels[] = {
  { "name", N_("Name") },
  { "email", N_("E-mail") },
  { "agency", N_("Agency") },
  { "title_prefix", N_("Title before the name") },
  { "title_suffix", N_("Title after the name") },
  { "employment.kind", N_("Employment") },
  { "employment.employment_type", N_("Employment type") },
  { "employment.nip", N_("NIP") },
  { "employment.unit", N_("Unit") },
  { "employment.position", N_("Position") },
  { "employment.city", N_("City or regency") },
  { "employment.province", N_("Province") },
  { "phone", N_("Mobile number") },
};

/**
 * teken_profile_field_label:
 * @key: a key of a pending change's `changes` (docs/api.md §7.10)
 *
 * Returns: its label, translated; @key itself when unknown
 */
const char *
teken_profile_field_label (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].key, key) == 0)
      return _(labels[i].label);
  return key;
}

/**
 * teken_profile_certificate_data_can_change:
 * @status: the certificate status (§4.1)
 *
 * Returns: whether name and e-mail may change: only once the certificate
 *   is revoked or expired (the seed rules, §7.10 group A)
 */
gboolean
teken_profile_certificate_data_can_change (const char *status)
{
  return g_strcmp0 (status, "REVOKE") == 0 || g_strcmp0 (status, "EXPIRED") == 0;
}

static AdwEntryRow *
field_row (TekenProfileForm *self,
           gsize             i)
{
  return G_STRUCT_MEMBER (AdwEntryRow *, self, fields[i].offset);
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* The value a field would send: trimmed; the phone in its stored form. */
static char *
field_value (TekenProfileForm *self,
             gsize             i)
{
  g_autofree char *text = g_strstrip (g_strdup (row_text (field_row (self, i))));

  if (fields[i].rule == RULE_PHONE)
    {
      char *normal = teken_holder_phone_normalize (text);

      return normal != NULL ? normal : g_steal_pointer (&text);
    }
  if (fields[i].rule == RULE_EMAIL)
    return g_ascii_strdown (text, -1);
  return g_steal_pointer (&text);
}

static gboolean
field_is_valid (TekenProfileForm *self,
                gsize             i)
{
  g_autofree char *text = g_strstrip (g_strdup (row_text (field_row (self, i))));
  g_autofree char *phone = NULL;

  switch (fields[i].rule)
    {
    case RULE_NAME:
      return teken_holder_name_is_valid (text);
    case RULE_EMAIL:
      return teken_holder_email_is_valid (text);
    case RULE_TITLE:
      return teken_holder_title_is_valid (text);
    case RULE_NIP:
      return teken_nip_is_valid (text);
    case RULE_EMPLOYMENT:
      return teken_holder_employment_field_is_valid (text);
    case RULE_PHONE:
      return (phone = teken_holder_phone_normalize (text)) != NULL;
    default:
      g_return_val_if_reached (FALSE);
    }
}

static gboolean
field_applies (TekenProfileForm *self,
               gsize             i)
{
  if (fields[i].in_certificate && !self->certificate_open)
    return FALSE;
  if (fields[i].rule == RULE_NIP && !self->asn)
    return FALSE;
  return g_hash_table_contains (self->original, fields[i].key);
}

static gboolean
field_changed (TekenProfileForm *self,
               gsize             i)
{
  g_autofree char *value = NULL;

  if (!field_applies (self, i))
    return FALSE;
  value = field_value (self, i);
  return g_strcmp0 (value, g_hash_table_lookup (self->original, fields[i].key)) != 0;
}

/* What a field's rule asks for, said the way the wizard says it. */
static const char *
rule_hint (Rule rule)
{
  switch (rule)
    {
    case RULE_NAME:
      return _("The name: letters and single spaces only, as on your KTP; titles go in their own fields.");
    case RULE_EMAIL:
      return _("Use your agency's official e-mail address, such as name@agency.go.id.");
    case RULE_TITLE:
      return _("Titles may hold letters, dots, commas, hyphens, apostrophes and spaces.");
    case RULE_NIP:
      return _("The NIP has 18 digits. A new NIP is checked in the personnel registry.");
    case RULE_EMPLOYMENT:
      return _("Position, unit, city and province: letters, digits and single spaces, 2 to 100 characters each.");
    case RULE_PHONE:
      return _("A mobile number such as 0812-3456-7890.");
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
changed_cb (TekenProfileForm *self)
{
  const char *hint = NULL;

  if (self->filling)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      gboolean bad = field_applies (self, i) && field_changed (self, i) && !field_is_valid (self, i);

      if (bad)
        gtk_widget_add_css_class (GTK_WIDGET (field_row (self, i)), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (field_row (self, i)), "error");
      if (bad && hint == NULL)
        hint = rule_hint (fields[i].rule);
    }
  teken_profile_form_set_hint (self, hint, FALSE);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
teken_profile_form_dispose (GObject *object)
{
  TekenProfileForm *self = TEKEN_PROFILE_FORM (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_PROFILE_FORM);

  G_OBJECT_CLASS (teken_profile_form_parent_class)->dispose (object);
}

static void
teken_profile_form_finalize (GObject *object)
{
  TekenProfileForm *self = TEKEN_PROFILE_FORM (object);

  g_clear_pointer (&self->original, g_hash_table_unref);

  G_OBJECT_CLASS (teken_profile_form_parent_class)->finalize (object);
}

static void
teken_profile_form_class_init (TekenProfileFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_profile_form_dispose;
  object_class->finalize = teken_profile_form_finalize;

  /**
   * TekenProfileForm::changed:
   *
   * A field changed: whether the form is ready may have too.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-profile-form.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TekenProfileForm, name)
  BIND (box); BIND (certificate_group); BIND (name_row); BIND (email_row); BIND (agency_row);
  BIND (employment_group); BIND (title_prefix_row); BIND (title_suffix_row); BIND (nip_row);
  BIND (position_row); BIND (unit_row); BIND (city_row); BIND (province_row); BIND (phone_row); BIND (hint);
#undef BIND
}

static void
teken_profile_form_init (TekenProfileForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->original = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    g_signal_connect_swapped (field_row (self, i), "changed", G_CALLBACK (changed_cb), self);
}

GtkWidget *
teken_profile_form_new (void)
{
  return g_object_new (TEKEN_TYPE_PROFILE_FORM, NULL);
}

static const char *
json_string (JsonObject *object,
             const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

/**
 * teken_profile_form_set_account:
 * @account: the account as the server has it now
 *
 * Fills the form from @account and locks what its status does not let
 * change; anything typed before is replaced.
 */
void
teken_profile_form_set_account (TekenProfileForm         *self,
                                const TekenCaAccountInfo *account)
{
  JsonNode *node;
  JsonObject *employment = NULL;
  g_autofree char *agency = NULL;

  g_return_if_fail (TEKEN_IS_PROFILE_FORM (self));
  g_return_if_fail (account != NULL);

  node = json_object_get_member (account->json, "employment");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    employment = json_node_get_object (node);
  self->asn = g_strcmp0 (json_string (employment, "kind"), "asn") == 0;
  self->certificate_open = teken_profile_certificate_data_can_change (account->status);

  g_hash_table_remove_all (self->original);
  g_hash_table_insert (self->original, (gpointer) "name", g_strdup (account->name ? account->name : ""));
  g_hash_table_insert (self->original, (gpointer) "email", g_strdup (account->email ? account->email : ""));
  g_hash_table_insert (self->original, (gpointer) "title_prefix",
                       g_strdup (account->title_prefix ? account->title_prefix : ""));
  g_hash_table_insert (self->original, (gpointer) "title_suffix",
                       g_strdup (account->title_suffix ? account->title_suffix : ""));
  g_hash_table_insert (self->original, (gpointer) "phone", g_strdup (account->phone ? account->phone : ""));
  if (employment != NULL)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
        {
          const char *value;

          if (!fields[i].employment)
            continue;
          value = json_string (employment, fields[i].member);
          g_hash_table_insert (self->original, (gpointer) fields[i].key, g_strdup (value != NULL ? value : ""));
        }
    }

  self->filling = TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *value = g_hash_table_lookup (self->original, fields[i].key);

      gtk_editable_set_text (GTK_EDITABLE (field_row (self, i)), value != NULL ? value : "");
      gtk_widget_set_sensitive (GTK_WIDGET (field_row (self, i)), field_applies (self, i));
    }
  self->filling = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->nip_row), self->asn);
  agency = g_strdup_printf (_("%s — it follows the domain of your official e-mail."),
                            account->agency != NULL ? account->agency : "—");
  adw_action_row_set_subtitle (self->agency_row, agency);
  adw_preferences_group_set_description (self->certificate_group,
                                         self->certificate_open
                                           ? _("Your certificate is revoked or has expired, so your name and e-mail (and with it your agency) can change now. The new certificate you ask for afterwards carries them.")
                                           : _("Your name, e-mail and agency are written in your certificate. They can change only after the certificate is revoked; then ask for a new one. A move within the same agency needs nothing."));
  changed_cb (self);
}

/**
 * teken_profile_form_is_ready:
 *
 * Returns: whether something changed and every changed field follows its
 *   rule
 */
gboolean
teken_profile_form_is_ready (TekenProfileForm *self)
{
  gboolean any = FALSE;

  g_return_val_if_fail (TEKEN_IS_PROFILE_FORM (self), FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (!field_changed (self, i))
        continue;
      if (!field_is_valid (self, i))
        return FALSE;
      any = TRUE;
    }
  return any;
}

/**
 * teken_profile_form_build_changes:
 *
 * Returns: (transfer full) (nullable): the body of `PATCH {T}/account/profile`
 *   with only what changed, or %NULL when nothing did
 */
JsonObject *
teken_profile_form_build_changes (TekenProfileForm *self)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) employment = json_object_new ();

  g_return_val_if_fail (TEKEN_IS_PROFILE_FORM (self), NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *value = NULL;

      if (!field_changed (self, i))
        continue;
      value = g_strstrip (g_strdup (row_text (field_row (self, i))));
      json_object_set_string_member (fields[i].employment ? employment : body, fields[i].member, value);
    }
  if (json_object_get_size (employment) > 0)
    json_object_set_object_member (body, "employment", g_steal_pointer (&employment));
  return json_object_get_size (body) > 0 ? g_steal_pointer (&body) : NULL;
}

/**
 * teken_profile_form_describe_changes:
 *
 * Returns: (transfer full): one line per change, “Position: old → new”
 */
char *
teken_profile_form_describe_changes (TekenProfileForm *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (TEKEN_IS_PROFILE_FORM (self), NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *before;
      g_autofree char *after = NULL;

      if (!field_changed (self, i))
        continue;
      before = g_hash_table_lookup (self->original, fields[i].key);
      after = g_strstrip (g_strdup (row_text (field_row (self, i))));
      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: a field, its old value and its new one */
      g_string_append_printf (text, _("%s: %s → %s"), teken_profile_field_label (fields[i].key),
                              before != NULL && *before != '\0' ? before : "—", *after != '\0' ? after : "—");
    }
  return g_string_free (text, FALSE);
}

/**
 * teken_profile_form_needs_confirmation:
 *
 * Returns: whether the changes wait for an e-mailed confirmation, i.e.
 *   more than the mobile number changed
 */
gboolean
teken_profile_form_needs_confirmation (TekenProfileForm *self)
{
  g_return_val_if_fail (TEKEN_IS_PROFILE_FORM (self), FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].rule != RULE_PHONE && field_changed (self, i))
      return TRUE;
  return FALSE;
}

void
teken_profile_form_set_hint (TekenProfileForm *self,
                             const char       *message,
                             gboolean          is_error)
{
  g_return_if_fail (TEKEN_IS_PROFILE_FORM (self));

  gtk_label_set_label (self->hint, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint), message != NULL && *message != '\0');
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->hint), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->hint), "dim-label");
    }
}
