/* teken-policy-checklist.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The passphrase policy as a live checklist under a password field: each
 * rule ticks as it is met. The rules are core's teken_passphrase_check(),
 * which teken-ca applies too, so a full checklist means the server agrees. */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-passphrase-policy.h"
#include "teken-policy-checklist.h"

struct _TekenPolicyChecklist
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkWidget *icons[6];
  GtkWidget *labels[6];
};

G_DEFINE_FINAL_TYPE (TekenPolicyChecklist, teken_policy_checklist, GTK_TYPE_WIDGET)

static const struct
{
  TekenPassphraseProblems problem;
  const char *rule;
} rules[] = {
  { TEKEN_PASSPHRASE_TOO_SHORT, N_("At least 8 characters") },
  { TEKEN_PASSPHRASE_NO_LOWERCASE, N_("A lowercase letter") },
  { TEKEN_PASSPHRASE_NO_UPPERCASE, N_("An uppercase letter") },
  { TEKEN_PASSPHRASE_NO_DIGIT, N_("A digit") },
  { TEKEN_PASSPHRASE_NO_SYMBOL, N_("A symbol, such as ! - # or @") },
  { TEKEN_PASSPHRASE_FORBIDDEN_CHAR, N_("No spaces, and none of [ ] ^ \\") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (rules) == 6);

static void
teken_policy_checklist_dispose (GObject *object)
{
  TekenPolicyChecklist *self = TEKEN_POLICY_CHECKLIST (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (teken_policy_checklist_parent_class)->dispose (object);
}

static void
teken_policy_checklist_class_init (TekenPolicyChecklistClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_policy_checklist_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "policychecklist");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST);
}

static void
teken_policy_checklist_init (TekenPolicyChecklist *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Passphrase rules"), -1);

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

      self->icons[i] = gtk_image_new ();
      self->labels[i] = gtk_label_new (_(rules[i].rule));
      gtk_label_set_xalign (GTK_LABEL (self->labels[i]), 0);
      gtk_label_set_wrap (GTK_LABEL (self->labels[i]), TRUE);
      gtk_box_append (GTK_BOX (row), self->icons[i]);
      gtk_box_append (GTK_BOX (row), self->labels[i]);
      gtk_box_append (GTK_BOX (self->box), row);
    }
  teken_policy_checklist_update (self, "");
}

GtkWidget *
teken_policy_checklist_new (void)
{
  return g_object_new (TEKEN_TYPE_POLICY_CHECKLIST, NULL);
}

/**
 * teken_policy_checklist_update:
 * @text: what is typed so far
 *
 * Returns: %TRUE when @text meets every rule
 */
gboolean
teken_policy_checklist_update (TekenPolicyChecklist *self,
                               const char           *text)
{
  TekenPassphraseProblems problems;

  g_return_val_if_fail (TEKEN_IS_POLICY_CHECKLIST (self), FALSE);

  problems = teken_passphrase_check (text);
  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      gboolean met = (problems & rules[i].problem) == 0;

      /* Nothing typed: the forbidden-characters rule is met by default
       * but says nothing yet, so it is shown open too. */
      if (*text == '\0')
        met = FALSE;
      gtk_image_set_from_icon_name (GTK_IMAGE (self->icons[i]),
                                    met ? "object-select-symbolic" : "radio-symbolic");
      if (met)
        {
          gtk_widget_add_css_class (self->icons[i], "success");
          gtk_widget_remove_css_class (self->labels[i], "dim-label");
        }
      else
        {
          gtk_widget_remove_css_class (self->icons[i], "success");
          gtk_widget_add_css_class (self->labels[i], "dim-label");
        }
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->icons[i]), GTK_ACCESSIBLE_STATE_CHECKED,
                                   met ? GTK_ACCESSIBLE_TRISTATE_TRUE : GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
    }
  return problems == 0 && *text != '\0';
}
