/* teken-choice-list.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One choice out of a few (a revocation reason, a renewal method, an OTP
 * device), as rows of a boxed list. Each row's “Choose” is a toggle
 * button of one group rather than a radio check button: GTK 4.8 gives
 * check buttons and list rows no accessible action, so assistive
 * technologies (and the end-to-end tests) could not pick them. The whole
 * row activates its button, so a click anywhere on it chooses. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "teken-choice-list.h"

struct _TekenChoiceList
{
  GtkWidget parent_instance;

  GtkListBox *list;
  GtkToggleButton *group;     /* the first button, which the others join */
  char *selected;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (TekenChoiceList, teken_choice_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_selected (TekenChoiceList *self,
              const char      *id)
{
  if (g_strcmp0 (self->selected, id) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
show_marks (TekenChoiceList *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *mark = g_object_get_data (G_OBJECT (row), "teken-mark");
      const char *id = g_object_get_data (G_OBJECT (row), "teken-id");

      if (mark != NULL)
        gtk_widget_set_opacity (mark, g_strcmp0 (id, self->selected) == 0 ? 1.0 : 0.0);
    }
}

static void
toggled_cb (GtkToggleButton *button,
            TekenChoiceList *self)
{
  if (self->updating || !gtk_toggle_button_get_active (button))
    return;
  set_selected (self, g_object_get_data (G_OBJECT (button), "teken-id"));
  show_marks (self);
}

static void
teken_choice_list_dispose (GObject *object)
{
  TekenChoiceList *self = TEKEN_CHOICE_LIST (object);
  GtkWidget *list = GTK_WIDGET (self->list);

  self->list = NULL;
  self->group = NULL;
  g_clear_pointer (&list, gtk_widget_unparent);

  G_OBJECT_CLASS (teken_choice_list_parent_class)->dispose (object);
}

static void
teken_choice_list_finalize (GObject *object)
{
  TekenChoiceList *self = TEKEN_CHOICE_LIST (object);

  g_free (self->selected);

  G_OBJECT_CLASS (teken_choice_list_parent_class)->finalize (object);
}

static void
teken_choice_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TekenChoiceList *self = TEKEN_CHOICE_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_string (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_choice_list_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TekenChoiceList *self = TEKEN_CHOICE_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      teken_choice_list_set_selected (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
teken_choice_list_class_init (TekenChoiceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_choice_list_dispose;
  object_class->finalize = teken_choice_list_finalize;
  object_class->get_property = teken_choice_list_get_property;
  object_class->set_property = teken_choice_list_set_property;

  properties[PROP_SELECTED] =
    g_param_spec_string ("selected", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
teken_choice_list_init (TekenChoiceList *self)
{
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_parent (GTK_WIDGET (self->list), GTK_WIDGET (self));
}

GtkWidget *
teken_choice_list_new (void)
{
  return g_object_new (TEKEN_TYPE_CHOICE_LIST, NULL);
}

void
teken_choice_list_remove_all (TekenChoiceList *self)
{
  GtkWidget *row;

  g_return_if_fail (TEKEN_IS_CHOICE_LIST (self));

  self->group = NULL;
  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, row);
  set_selected (self, NULL);
}

/**
 * teken_choice_list_add:
 * @id: what teken_choice_list_get_selected() answers for it
 * @subtitle: (nullable): more about it, or why it is not available now
 * @available: whether it can be chosen now
 */
void
teken_choice_list_add (TekenChoiceList *self,
                       const char      *id,
                       const char      *title,
                       const char      *subtitle,
                       gboolean         available)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *mark = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *button = gtk_toggle_button_new_with_label (_("Choose"));
  g_autofree char *name = NULL;

  g_return_if_fail (TEKEN_IS_CHOICE_LIST (self));
  g_return_if_fail (id != NULL && title != NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_opacity (mark, 0.0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Chosen"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), mark);

  /* Translators: the accessible name of the button that picks %s */
  name = g_strdup_printf (_("Choose %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (self->group != NULL)
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->group);
  else
    self->group = GTK_TOGGLE_BUTTON (button);
  g_object_set_data_full (G_OBJECT (button), "teken-id", g_strdup (id), g_free);
  g_signal_connect (button, "toggled", G_CALLBACK (toggled_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);

  g_object_set_data_full (G_OBJECT (row), "teken-id", g_strdup (id), g_free);
  g_object_set_data (G_OBJECT (row), "teken-mark", mark);
  g_object_set_data (G_OBJECT (row), "teken-button", button);
  /* The button too: assistive technologies ask it, not its row. */
  gtk_widget_set_sensitive (button, available);
  gtk_widget_set_sensitive (row, available);
  gtk_list_box_append (self->list, row);
}

/**
 * teken_choice_list_get_selected:
 *
 * Returns: (nullable): the id chosen, %NULL while none is
 */
const char *
teken_choice_list_get_selected (TekenChoiceList *self)
{
  g_return_val_if_fail (TEKEN_IS_CHOICE_LIST (self), NULL);

  return self->selected;
}

/**
 * teken_choice_list_set_selected:
 * @id: (nullable): an id added before, or %NULL for none
 */
void
teken_choice_list_set_selected (TekenChoiceList *self,
                                const char      *id)
{
  g_return_if_fail (TEKEN_IS_CHOICE_LIST (self));

  self->updating = TRUE;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkToggleButton *button = g_object_get_data (G_OBJECT (row), "teken-button");
      const char *row_id = g_object_get_data (G_OBJECT (row), "teken-id");

      if (button != NULL)
        gtk_toggle_button_set_active (button, g_strcmp0 (row_id, id) == 0);
    }
  self->updating = FALSE;
  set_selected (self, id);
  show_marks (self);
}

guint
teken_choice_list_get_n_items (TekenChoiceList *self)
{
  guint n = 0;

  g_return_val_if_fail (TEKEN_IS_CHOICE_LIST (self), 0);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    n++;
  return n;
}
