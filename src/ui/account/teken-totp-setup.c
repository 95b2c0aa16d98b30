/* teken-totp-setup.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Setting up an authenticator app (docs/api.md §6.1, §6.5): the otpauth
 * URI as a QR code to scan, the key for typing in by hand, then a name for
 * the device and its first code. Used at the first sign-in and when a
 * device is added. The URI and the key are secrets: they are shown, and
 * dropped from the widgets by teken_totp_setup_clear(). */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "teken-qr-texture.h"
#include "teken-totp-setup.h"

#define QR_MODULE_SIZE 5
#define DEVICE_NAME_MAX 64

struct _TekenTotpSetup
{
  GtkWidget parent_instance;

  guint digits;

  /* Template widgets */
  GtkWidget *box;
  GtkPicture *qr_picture;
  GtkLabel *key_label;
  GtkButton *copy_button;
  GtkLabel *account_label;
  AdwEntryRow *name_row;
  AdwEntryRow *code_row;
  GtkLabel *hint;
};

G_DEFINE_FINAL_TYPE (TekenTotpSetup, teken_totp_setup, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * teken_device_name_is_valid:
 *
 * Returns: whether @name is 1–64 characters without control characters,
 *   the rule of docs/api.md §3.3 (after trimming)
 */
gboolean
teken_device_name_is_valid (const char *name)
{
  g_autofree char *trimmed = NULL;
  glong length;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  trimmed = g_strstrip (g_strdup (name));
  length = g_utf8_strlen (trimmed, -1);
  if (length < 1 || length > DEVICE_NAME_MAX)
    return FALSE;
  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/**
 * teken_otp_code_is_valid:
 *
 * Returns: whether @code is exactly @digits ASCII digits
 */
gboolean
teken_otp_code_is_valid (const char *code,
                         guint       digits)
{
  return code != NULL && strlen (code) == digits && strspn (code, "0123456789") == digits;
}

/**
 * teken_totp_format_key:
 * @secret: a base32 TOTP secret
 *
 * Returns: (transfer full): it in groups of four, easier to type
 */
char *
teken_totp_format_key (const char *secret)
{
  GString *key = g_string_new (NULL);

  for (gsize i = 0; secret[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (key, ' ');
      g_string_append_c (key, secret[i]);
    }
  return g_string_free (key, FALSE);
}

static void
changed_cb (TekenTotpSetup *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));

  if (*name != '\0' && !teken_device_name_is_valid (name))
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  if (strlen (code) >= self->digits && !teken_otp_code_is_valid (code, self->digits))
    gtk_widget_add_css_class (GTK_WIDGET (self->code_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->code_row), "error");
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
copy_clicked_cb (TekenTotpSetup *self)
{
  const char *key = gtk_label_get_label (self->key_label);
  g_autofree char *plain = NULL;
  char *out;

  if (key == NULL || *key == '\0')
    return;
  /* Without the spaces, which some apps refuse. */
  plain = g_strdup (key);
  out = plain;
  for (const char *in = key; *in != '\0'; in++)
    if (*in != ' ')
      *out++ = *in;
  *out = '\0';
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), plain);
  teken_wipe_string (plain);
  teken_totp_setup_set_hint (self, _("The key is copied. Paste it into your authenticator app."), FALSE);
}

static void
teken_totp_setup_dispose (GObject *object)
{
  TekenTotpSetup *self = TEKEN_TOTP_SETUP (object);

  teken_totp_setup_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TEKEN_TYPE_TOTP_SETUP);

  G_OBJECT_CLASS (teken_totp_setup_parent_class)->dispose (object);
}

static void
teken_totp_setup_class_init (TekenTotpSetupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = teken_totp_setup_dispose;

  /**
   * TekenTotpSetup::changed:
   *
   * The device name or the code changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/teken/Teken/ui/teken-totp-setup.ui");
  gtk_widget_class_bind_template_child (widget_class, TekenTotpSetup, box);
  gtk_widget_class_bind_template_child (widget_class, TekenTotpSetup, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, TekenTotpSetup, key_label);
  gtk_widget_class_bind_template_child (widget_class, TekenTotpSetup, copy_button);
  gtk_widget_class_bind_template_child (widget_class, TekenTotpSetup, account_label);
  gtk_widget_class_bind_template_child (widget_class, TekenTotpSetup, name_row);
  gtk_widget_class_bind_template_child (widget_class, TekenTotpSetup, code_row);
  gtk_widget_class_bind_template_child (widget_class, TekenTotpSetup, hint);
}

static void
teken_totp_setup_init (TekenTotpSetup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->digits = 6;
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->code_row, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->copy_button, "clicked", G_CALLBACK (copy_clicked_cb), self);
}

GtkWidget *
teken_totp_setup_new (void)
{
  return g_object_new (TEKEN_TYPE_TOTP_SETUP, NULL);
}

/**
 * teken_totp_setup_show:
 * @otpauth_uri: what the QR code says
 * @secret: the key, base32
 * @account: the account the app will show it under
 * @digits: how many digits a code has
 *
 * Starts a new set-up: the code and the name typed for an earlier one go.
 */
void
teken_totp_setup_show (TekenTotpSetup *self,
                       TekenSecret    *otpauth_uri,
                       TekenSecret    *secret,
                       const char     *account,
                       guint           digits)
{
  g_autoptr(GdkTexture) qr = NULL;
  g_autofree char *key = NULL;
  g_autofree char *account_text = NULL;

  g_return_if_fail (TEKEN_IS_TOTP_SETUP (self));
  g_return_if_fail (otpauth_uri != NULL && secret != NULL);

  teken_totp_setup_clear (self);
  self->digits = digits > 0 ? digits : 6;
  qr = teken_qr_texture_new (teken_secret_get_text (otpauth_uri), QR_MODULE_SIZE);
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), qr != NULL);
  key = teken_totp_format_key (teken_secret_get_text (secret));
  gtk_label_set_label (self->key_label, key);
  gtk_label_set_selectable (self->key_label, TRUE);
  teken_wipe_string (key);
  /* Translators: %s is the account an authenticator app shows the codes under */
  account_text = g_strdup_printf (_("Account in the app: %s"), account != NULL ? account : "");
  gtk_label_set_label (self->account_label, account_text);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
}

/**
 * teken_totp_setup_clear:
 *
 * Forgets the QR code, the key and the code typed.
 */
void
teken_totp_setup_clear (TekenTotpSetup *self)
{
  g_return_if_fail (TEKEN_IS_TOTP_SETUP (self));

  if (self->qr_picture == NULL)
    return;
  gtk_picture_set_paintable (self->qr_picture, NULL);
  gtk_label_set_label (self->key_label, "");
  /* Selectable, an empty label would still be a stop for the keyboard. */
  gtk_label_set_selectable (self->key_label, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  teken_totp_setup_set_hint (self, NULL, FALSE);
}

gboolean
teken_totp_setup_is_complete (TekenTotpSetup *self)
{
  g_return_val_if_fail (TEKEN_IS_TOTP_SETUP (self), FALSE);

  return teken_device_name_is_valid (gtk_editable_get_text (GTK_EDITABLE (self->name_row))) &&
         teken_otp_code_is_valid (gtk_editable_get_text (GTK_EDITABLE (self->code_row)), self->digits);
}

/**
 * teken_totp_setup_dup_device_name:
 *
 * Returns: (transfer full): the name typed, trimmed
 */
char *
teken_totp_setup_dup_device_name (TekenTotpSetup *self)
{
  g_return_val_if_fail (TEKEN_IS_TOTP_SETUP (self), NULL);

  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

/**
 * teken_totp_setup_dup_code:
 *
 * Returns: (transfer full): the code typed
 */
TekenSecret *
teken_totp_setup_dup_code (TekenTotpSetup *self)
{
  g_return_val_if_fail (TEKEN_IS_TOTP_SETUP (self), NULL);

  return teken_secret_new (gtk_editable_get_text (GTK_EDITABLE (self->code_row)), -1);
}

/**
 * teken_totp_setup_set_hint:
 * @message: (nullable): what to show under the fields, or %NULL
 * @is_error: whether it is a refusal
 */
void
teken_totp_setup_set_hint (TekenTotpSetup *self,
                           const char     *message,
                           gboolean        is_error)
{
  g_return_if_fail (TEKEN_IS_TOTP_SETUP (self));

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
