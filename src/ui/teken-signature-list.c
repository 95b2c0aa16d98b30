/* teken-signature-list.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The signatures of a document, oldest first, one expandable row each:
 * who signed and the status in a line; opened, the facts behind it and a
 * way to see the document exactly as that signature signed it
 * (view.show-signed-version, handled by TekenDocumentView).
 */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-signature-list.h"

struct _TekenSignatureList
{
  AdwBin      parent_instance;

  /* Template widgets */
  GtkListBox *list;
  GtkLabel   *file_problems;
};

G_DEFINE_FINAL_TYPE (TekenSignatureList, teken_signature_list, ADW_TYPE_BIN)

static GtkWidget *
create_fact_row (const TekenVerificationFact *fact)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fact->label);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fact->value);
  gtk_widget_add_css_class (row, "property");

  return row;
}

static GtkWidget *
create_signature_row (TekenVerificationModel *model,
                      guint                   index)
{
  g_autoptr(GPtrArray) facts = teken_verification_model_get_signature_facts (model, index);
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (teken_verification_model_get_signature_icon_name (model, index));
  const char *summary = teken_verification_model_get_signature_summary (model, index);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), teken_verification_model_get_signer (model, index));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), summary);
  gtk_widget_add_css_class (icon, teken_verification_look_to_css_class (teken_verification_model_get_signature_look (model, index)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, summary, -1);
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), icon);
  /* libadwaita 1.2 names only the row's inner header; the row itself is
   * what takes the focus, so a screen reader would say just "list item". */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  teken_verification_model_get_signer (model, index),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary, -1);

  for (guint i = 0; i < facts->len; i++)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), create_fact_row (g_ptr_array_index (facts, i)));

  if (teken_verification_model_get_signed_revision_length (model, index) > 0)
    {
      GtkWidget *action_row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_View Signed Version"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), _("Later changes"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row),
                                   _("See the document exactly as this signature signed it"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "view.show-signed-version");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", index);
      adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (action_row), button);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), action_row);
    }

  /* Bad news is not hidden behind a click. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row),
                                 teken_verification_model_get_signature_status (model, index) != TEKEN_VERIFY_VALID);

  return row;
}

static void
teken_signature_list_class_init (TekenSignatureListClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-signature-list.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenSignatureList, list);
  gtk_widget_class_bind_template_child (widget_class, TekenSignatureList, file_problems);
}

static void
teken_signature_list_init (TekenSignatureList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * teken_signature_list_set_model:
 * @model: (nullable): the verification to show
 */
void
teken_signature_list_set_model (TekenSignatureList     *self,
                                TekenVerificationModel *model)
{
  const TekenDocumentReport *report;
  GtkWidget *child;
  g_autoptr(GString) problems = NULL;

  g_return_if_fail (TEKEN_IS_SIGNATURE_LIST (self));
  g_return_if_fail (model == NULL || TEKEN_IS_VERIFICATION_MODEL (model));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))))
    gtk_list_box_remove (self->list, child);

  gtk_widget_set_visible (GTK_WIDGET (self->list), model != NULL && teken_verification_model_get_n_signatures (model) > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->file_problems), FALSE);
  if (model == NULL)
    return;

  for (guint i = 0; i < teken_verification_model_get_n_signatures (model); i++)
    gtk_list_box_append (self->list, create_signature_row (model, i));

  report = teken_verification_model_get_report (model);
  problems = g_string_new (NULL);
  for (guint i = 0; i < report->problems->len; i++)
    {
      if (i > 0)
        g_string_append_c (problems, '\n');
      g_string_append (problems, g_ptr_array_index (report->problems, i));
    }
  gtk_label_set_text (self->file_problems, problems->str);
  gtk_widget_set_visible (GTK_WIDGET (self->file_problems), problems->len > 0);
}
