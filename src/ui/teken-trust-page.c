/* teken-trust-page.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences → Trust: the certificate authorities whose signers Teken
 * trusts. The pinned Indonesian roots and the ones installed with Teken are
 * listed and cannot be removed; the holder's own are imported from a file
 * (core checks that it is a CA valid today) after the holder has seen its
 * fingerprint and confirmed, and can be removed again. Every change is
 * announced with ::changed so that open documents are checked again. */

#include "config.h"

#include <glib/gi18n.h>

#include "teken-trust.h"
#include "teken-trust-anchor.h"
#include "teken-trust-page.h"

struct _TekenTrustPage
{
  AdwPreferencesPage    parent_instance;

  AdwPreferencesGroup  *pinned_group;
  AdwPreferencesGroup  *installed_group;
  AdwPreferencesGroup  *user_group;
  GPtrArray            *rows;      /* (group, row) pairs, to remove on reload */
  GtkFileChooserNative *chooser;
  TekenTrustAnchor     *candidate; /* waiting for the holder's confirmation */
};

G_DEFINE_FINAL_TYPE (TekenTrustPage, teken_trust_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_date (GDateTime *date)
{
  /* Translators: a certificate's validity date, see strftime(3) */
  return date != NULL ? g_date_time_format (date, _("%-d %B %Y")) : g_strdup ("?");
}

static char *
describe_validity (TekenTrustAnchor *anchor)
{
  g_autofree char *from = format_date (teken_trust_anchor_get_not_before (anchor));
  g_autofree char *until = format_date (teken_trust_anchor_get_not_after (anchor));

  /* Translators: a certificate's validity, e.g. "Valid from 1 May 2020 to 1 May 2040" */
  return g_strdup_printf (_("Valid from %s to %s"), from, until);
}

static void
show_error (TekenTrustPage *self,
            const char     *heading,
            const char     *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_row (TekenTrustPage      *self,
         AdwPreferencesGroup *group,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, group);
  g_ptr_array_add (self->rows, row);
}

static void
remove_clicked_cb (GtkButton      *button,
                   TekenTrustPage *self)
{
  TekenTrustAnchor *anchor = g_object_get_data (G_OBJECT (button), "teken-anchor");
  g_autoptr(GError) error = NULL;

  if (!teken_trust_anchor_remove (anchor, &error))
    {
      show_error (self, _("Cannot Remove This Certificate"), error->message);
      return;
    }

  teken_trust_page_reload (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static GtkWidget *
make_anchor_row (TekenTrustPage   *self,
                 TekenTrustAnchor *anchor)
{
  GtkWidget *row = adw_action_row_new ();
  GString *subtitle = g_string_new (NULL);
  g_autofree char *fingerprint = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), teken_trust_anchor_get_name (anchor));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  if (teken_trust_anchor_get_source (anchor) != TEKEN_TRUST_ANCHOR_PINNED)
    {
      g_autofree char *validity = describe_validity (anchor);

      g_string_append_printf (subtitle, "%s\n%s\n", teken_trust_anchor_get_subject (anchor), validity);
    }
  /* Translators: before a certificate's fingerprint */
  fingerprint = g_strdup_printf (_("SHA-256: %s"), teken_trust_anchor_get_fingerprint (anchor));
  g_string_append (subtitle, fingerprint);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  g_string_free (subtitle, TRUE);

  if (teken_trust_anchor_get_source (anchor) == TEKEN_TRUST_ANCHOR_USER)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Remove"));
      g_autofree char *label = g_strdup_printf (_("Remove %s"), teken_trust_anchor_get_name (anchor));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (button), "teken-anchor", g_object_ref (anchor), g_object_unref);
      g_signal_connect (button, "clicked", G_CALLBACK (remove_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  else
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("channel-secure-symbolic");

      gtk_widget_set_tooltip_text (icon, _("Comes with Teken; cannot be removed"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Comes with Teken; cannot be removed"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
    }

  return row;
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     TekenTrustPage   *self)
{
  g_autoptr(TekenTrustAnchor) candidate = g_steal_pointer (&self->candidate);
  g_autoptr(TekenTrustAnchor) imported = NULL;
  g_autoptr(GError) error = NULL;

  if (candidate == NULL || g_strcmp0 (response, "trust") != 0)
    return;

  imported = teken_trust_anchor_import (candidate, &error);
  if (imported == NULL)
    {
      show_error (self, _("Cannot Import This Certificate"), error->message);
      return;
    }

  teken_trust_page_reload (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
file_chosen_cb (TekenTrustPage *self,
                int             response)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  g_clear_object (&self->chooser);

  if (file != NULL)
    teken_trust_page_import_file (self, file);
}

static void
import_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TekenTrustPage *self = TEKEN_TRUST_PAGE (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  gtk_file_filter_set_name (filter, _("Certificates (PEM or DER)"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_filter_add_pattern (filter, "*.cer");
  gtk_file_filter_add_pattern (filter, "*.der");
  self->chooser = gtk_file_chooser_native_new (_("Import Certificate"),
                                               GTK_WINDOW (gtk_widget_get_root (widget)),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
teken_trust_page_dispose (GObject *object)
{
  TekenTrustPage *self = TEKEN_TRUST_PAGE (object);

  g_clear_object (&self->chooser);
  g_clear_object (&self->candidate);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (teken_trust_page_parent_class)->dispose (object);
}

static void
teken_trust_page_class_init (TekenTrustPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = teken_trust_page_dispose;

  /**
   * TekenTrustPage::changed:
   *
   * An anchor was imported or removed: signatures may be judged otherwise.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "trust.import", NULL, import_activated);
}

static void
teken_trust_page_init (TekenTrustPage *self)
{
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (self);
  GtkWidget *import = gtk_button_new_with_mnemonic (_("_Import Certificate…"));

  self->rows = g_ptr_array_new ();

  adw_preferences_page_set_title (page, _("Trust"));
  adw_preferences_page_set_icon_name (page, "channel-secure-symbolic");

  self->pinned_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->pinned_group, _("Indonesian Roots"));
  adw_preferences_group_set_description (self->pinned_group,
                                         _("Signed documents carry these certificates; Teken knows them by their fingerprints."));

  self->installed_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->installed_group, _("Installed with Teken"));

  self->user_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->user_group, _("Your Certificate Authorities"));
  adw_preferences_group_set_description (self->user_group,
                                         _("Authorities you chose to trust, such as your agency's own. Open documents are checked again when this list changes."));
  gtk_widget_set_valign (import, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (import), "trust.import");
  adw_preferences_group_set_header_suffix (self->user_group, import);

  adw_preferences_page_add (page, self->pinned_group);
  adw_preferences_page_add (page, self->installed_group);
  adw_preferences_page_add (page, self->user_group);

  teken_trust_page_reload (self);
}

GtkWidget *
teken_trust_page_new (void)
{
  return g_object_new (TEKEN_TYPE_TRUST_PAGE, NULL);
}

/* Lists the anchors again, as they are on disk now. */
void
teken_trust_page_reload (TekenTrustPage *self)
{
  g_autoptr(GPtrArray) anchors = NULL;
  guint n_installed = 0, n_user = 0;

  g_return_if_fail (TEKEN_IS_TRUST_PAGE (self));

  for (guint i = 0; i + 1 < self->rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->rows, i), g_ptr_array_index (self->rows, i + 1));
  g_ptr_array_set_size (self->rows, 0);

  anchors = teken_trust_anchor_list_defaults ();
  for (guint i = 0; i < anchors->len; i++)
    {
      TekenTrustAnchor *anchor = g_ptr_array_index (anchors, i);
      AdwPreferencesGroup *group;

      switch (teken_trust_anchor_get_source (anchor))
        {
        case TEKEN_TRUST_ANCHOR_PINNED:
          group = self->pinned_group;
          break;
        case TEKEN_TRUST_ANCHOR_INSTALLED:
          group = self->installed_group;
          n_installed++;
          break;
        case TEKEN_TRUST_ANCHOR_USER:
        case TEKEN_TRUST_ANCHOR_CANDIDATE:
        default:
          group = self->user_group;
          n_user++;
          break;
        }
      add_row (self, group, make_anchor_row (self, anchor));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->installed_group), n_installed > 0);
  if (n_user == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("None yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Import the certificate of an authority to trust the documents its holders sign."));
      add_row (self, self->user_group, row);
    }
}

/**
 * teken_trust_page_import_file:
 *
 * Reads @file and, when it holds a CA certificate Teken may trust, asks the
 * holder to confirm with its fingerprint before trusting it; otherwise says
 * why not.
 */
void
teken_trust_page_import_file (TekenTrustPage *self,
                              GFile          *file)
{
  g_autoptr(TekenTrustAnchor) candidate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *validity = NULL;
  GtkWidget *dialog;

  g_return_if_fail (TEKEN_IS_TRUST_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_error (self, _("Cannot Import This Certificate"),
                  _("Only files on this computer can be imported. Save the certificate first."));
      return;
    }

  candidate = teken_trust_anchor_new_from_file (path, &error);
  if (candidate == NULL || !teken_trust_anchor_check_importable (candidate, &error))
    {
      show_error (self, _("Cannot Import This Certificate"), error->message);
      return;
    }

  validity = describe_validity (candidate);
  /* Translators: %s is a certificate authority's name */
  heading = g_strdup_printf (_("Trust “%s”?"), teken_trust_anchor_get_name (candidate));
  body = g_strdup_printf (_("Documents signed with certificates it issued will be shown as trusted. Trust it only if the fingerprint below is the one the authority publishes.\n\n%s\n%s\n\nSHA-256:\n%s"),
                          teken_trust_anchor_get_subject (candidate), validity,
                          teken_trust_anchor_get_fingerprint (candidate));

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "trust", _("_Trust"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_set_object (&self->candidate, candidate);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
