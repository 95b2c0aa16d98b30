/* teken-ca-mailer.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* teken-ca sends no mail: it writes each message into a Maildir that any
 * mail client, the app's demo mailbox and the tests read (docs/api.md §12).
 * A message is written to tmp/, fsynced and renamed into new/, so a reader
 * never sees half of one. The body is Indonesian, then English, and gives
 * each link both as an https:// URL and as a teken:// URI. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "teken-ca-mailer.h"
#include "teken-ca-store.h"

struct _TekenCaMailer
{
  GObject parent_instance;

  char *maildir;
  char *public_url;
  char *from;
};

G_DEFINE_TYPE (TekenCaMailer, teken_ca_mailer, G_TYPE_OBJECT)

typedef struct
{
  const char *purpose;
  const char *action;      /* the teken:// action, NULL for messages without a link */
  gboolean has_token;      /* the link carries a single-use token */
  const char *subject;
  const char *text_id;
  const char *text_en;
} MailTemplate;

/* The purposes of docs/api.md §12. Both languages always: the holder reads
 * the mail outside the app, whatever its locale. */
static const MailTemplate templates[] = {
  { "activation", "activate", TRUE, "Aktivasi akun sertifikat elektronik",
    "Anda mendaftar untuk sertifikat elektronik. Buka tautan di bawah untuk mengaktifkan akun dan membuat kata sandi.",
    "You registered for an electronic certificate. Open the link below to activate your account and choose a password." },
  { "set_passphrase", "set-passphrase", TRUE, "Buat passphrase sertifikat elektronik Anda",
    "Data Anda telah diverifikasi. Buka tautan di bawah untuk membuat passphrase; sertifikat elektronik Anda terbit sesudahnya.",
    "Your data has been verified. Open the link below to choose your passphrase; your electronic certificate is issued then." },
  { "certificate_issued", "certificate", FALSE, "Sertifikat elektronik Anda telah terbit",
    "Sertifikat elektronik Anda telah terbit dan dapat dipakai untuk menandatangani dokumen.",
    "Your electronic certificate has been issued and can sign documents." },
  { "verification_rejected", "enroll", FALSE, "Pengajuan sertifikat elektronik ditolak",
    "Pengajuan Anda belum dapat disetujui. Buka Teken untuk melihat alasannya, perbaiki data Anda, lalu ajukan kembali.",
    "Your request could not be approved yet. Open Teken to see why, correct your data and submit it again." },
  { "change_passphrase", "change-passphrase", TRUE, "Ubah passphrase sertifikat elektronik",
    "Anda meminta untuk mengubah passphrase. Buka tautan di bawah untuk melanjutkan. Abaikan e-mail ini bila Anda tidak memintanya.",
    "You asked to change your passphrase. Open the link below to go on. Ignore this e-mail if you did not ask for it." },
  { "passphrase_changed", NULL, FALSE, "Passphrase sertifikat elektronik telah diubah",
    "Passphrase sertifikat elektronik Anda telah diubah. Bila bukan Anda yang mengubahnya, segera hubungi verifikator instansi Anda.",
    "The passphrase of your electronic certificate was changed. If it was not you, contact your agency's verifier at once." },
  { "reset_passphrase", "reset-passphrase", TRUE, "Atur ulang passphrase sertifikat elektronik",
    "Anda meminta untuk mengatur ulang passphrase. Sertifikat baru akan diterbitkan dan sertifikat lama dicabut. Buka tautan di bawah untuk melanjutkan.",
    "You asked to reset your passphrase. A new certificate will be issued and the old one revoked. Open the link below to go on." },
  { "key_locked", "certificate", FALSE, "Kunci tanda tangan Anda diblokir",
    "Kunci tanda tangan Anda diblokir setelah 5 kali passphrase salah. Atur ulang passphrase di Teken untuk mendapatkan sertifikat baru.",
    "Your signing key is locked after 5 wrong passphrases. Reset the passphrase in Teken to get a new certificate." },
  { "reset_password", "reset-password", TRUE, "Atur ulang kata sandi akun",
    "Anda meminta untuk mengatur ulang kata sandi akun. Buka tautan di bawah untuk membuat kata sandi baru. Abaikan e-mail ini bila Anda tidak memintanya.",
    "You asked to reset your account password. Open the link below to choose a new one. Ignore this e-mail if you did not ask for it." },
  { "password_changed", NULL, FALSE, "Kata sandi akun telah diubah",
    "Kata sandi akun Anda telah diubah. Bila bukan Anda yang mengubahnya, segera hubungi verifikator instansi Anda.",
    "Your account password was changed. If it was not you, contact your agency's verifier at once." },
  { "account_locked", NULL, FALSE, "Akun Anda dikunci sementara",
    "Akun Anda dikunci sementara karena terlalu banyak percobaan masuk yang gagal.",
    "Your account is locked for a while after too many failed sign-ins." },
  { "device_added", NULL, FALSE, "Perangkat OTP baru ditambahkan",
    "Sebuah perangkat OTP baru ditambahkan ke akun Anda. Bila bukan Anda, segera hapus perangkat itu di Teken.",
    "A new OTP device was added to your account. If it was not you, remove it in Teken at once." },
  { "device_removed", NULL, FALSE, "Perangkat OTP dihapus",
    "Sebuah perangkat OTP dihapus dari akun Anda.",
    "An OTP device was removed from your account." },
  { "confirm_update", "confirm-update", TRUE, "Konfirmasi perubahan data akun",
    "Anda mengajukan perubahan data akun. Penandatanganan dinonaktifkan sampai perubahan itu dikonfirmasi dari tautan di bawah.",
    "You asked to change your account data. Signing is off until you confirm the change from the link below." },
  { "update_applied", NULL, FALSE, "Perubahan data akun telah diterapkan",
    "Perubahan data akun Anda telah diterapkan. Anda dapat menandatangani kembali.",
    "The change to your account data has been applied. You can sign again." },
  { "certificate_revoked", NULL, FALSE, "Sertifikat elektronik Anda telah dicabut",
    "Sertifikat elektronik Anda telah dicabut dan tidak dapat dipakai lagi. Untuk sertifikat baru, ajukan penerbitan ulang melalui verifikator instansi Anda.",
    "Your electronic certificate has been revoked and can no longer be used. For a new one, ask your agency's verifier to re-issue it." },
  { "certificate_suspended", NULL, FALSE, "Sertifikat elektronik Anda ditangguhkan",
    "Sertifikat elektronik Anda ditangguhkan oleh verifikator instansi Anda. Hubungi mereka untuk keterangan lebih lanjut.",
    "Your electronic certificate was suspended by your agency's verifier. Contact them for details." },
  { "certificate_unsuspended", NULL, FALSE, "Sertifikat elektronik Anda aktif kembali",
    "Sertifikat elektronik Anda aktif kembali dan dapat dipakai untuk menandatangani.",
    "Your electronic certificate is active again and can sign." },
  { "certificate_expiring", "certificate", FALSE,
    "Sertifikat elektronik Anda akan segera habis masa berlakunya",
    "Sertifikat elektronik Anda akan habis masa berlakunya dalam 30 hari. Perbarui sertifikat di Teken.",
    "Your electronic certificate expires within 30 days. Renew it in Teken." },
  { "certificate_expired", "certificate", FALSE, "Masa berlaku sertifikat elektronik Anda telah habis",
    "Masa berlaku sertifikat elektronik Anda telah habis. Ajukan pembaruan di Teken.",
    "Your electronic certificate has expired. Request a renewal in Teken." },
  { "signing_otp", NULL, FALSE, "Kode OTP tanda tangan elektronik",
    "Kode OTP untuk menandatangani dokumen Anda ada di bawah. Jangan berikan kode ini kepada siapa pun.",
    "The OTP to sign your documents is below. Do not give it to anyone." },
  { "verifier_request", NULL, FALSE, "Permintaan verifikasi baru",
    "Ada permintaan verifikasi baru dari pemilik sertifikat di instansi Anda. Periksa dengan teken-ca admin.",
    "There is a new verification request from a certificate holder of your agency. Review it with teken-ca admin." },
};

static const MailTemplate *
find_template (const char *purpose)
{
  for (gsize i = 0; i < G_N_ELEMENTS (templates); i++)
    if (g_str_equal (templates[i].purpose, purpose))
      return &templates[i];
  return NULL;
}

static char *
format_expiry (gint64 unix_time)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Asia/Jakarta");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = NULL;

  if (zone == NULL)
    zone = g_time_zone_new_utc ();
  local = g_date_time_to_timezone (utc, zone);
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

static void
append_links (GString    *out,
              const char *link_line,
              const char *url,
              const char *uri)
{
  g_string_append_printf (out, "%s\n%s\n%s\n", link_line, url, uri);
}

static char *
compose (TekenCaMailer        *self,
         const MailTemplate   *template,
         const char           *action,
         const char           *to,
         const char           *token,
         gint64                expires_at,
         const char           *code)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%a, %d %b %Y %H:%M:%S +0000");
  g_autofree char *message_id = g_uuid_string_random ();
  g_autofree char *expires = expires_at > 0 ? format_expiry (expires_at) : NULL;
  g_autofree char *uri = NULL;
  g_autofree char *url = NULL;
  GString *out = g_string_new (NULL);

  if (action != NULL)
    {
      if (template->has_token)
        {
          uri = g_strdup_printf ("teken://%s?token=%s", action, token);
          url = g_strdup_printf ("%s/link/%s?token=%s", self->public_url, action, token);
        }
      else
        {
          uri = g_strdup_printf ("teken://%s", action);
          url = g_strdup_printf ("%s/link/%s", self->public_url, action);
        }
    }

  g_string_append_printf (out, "From: %s\n", self->from);
  g_string_append_printf (out, "To: %s\n", to);
  g_string_append_printf (out, "Subject: %s\n", template->subject);
  g_string_append_printf (out, "Date: %s\n", date);
  g_string_append_printf (out, "Message-ID: <%s@teken-ca.invalid>\n", message_id);
  g_string_append (out, "MIME-Version: 1.0\n"
                        "Content-Type: text/plain; charset=utf-8\n"
                        "Content-Transfer-Encoding: 8bit\n");
  g_string_append_printf (out, "X-Teken-Purpose: %s\n", template->purpose);
  if (uri != NULL)
    g_string_append_printf (out, "X-Teken-Link: %s\n", uri);
  if (expires != NULL)
    g_string_append_printf (out, "X-Teken-Expires: %s\n", expires);
  if (code != NULL)
    g_string_append_printf (out, "X-Teken-Code: %s\n", code);
  g_string_append_c (out, '\n');

  g_string_append_printf (out, "Yth. Bapak/Ibu,\n\n%s\n\n", template->text_id);
  if (code != NULL)
    g_string_append_printf (out, "Kode: %s (berlaku sampai %s)\n\n", code, expires);
  if (uri != NULL)
    {
      g_autofree char *line = expires != NULL && template->has_token
                              ? g_strdup_printf ("Tautan berlaku satu kali sampai %s:", expires)
                              : g_strdup ("Tautan:");

      append_links (out, line, url, uri);
      g_string_append_c (out, '\n');
    }

  g_string_append_printf (out, "-- English --\n\n%s\n\n", template->text_en);
  if (code != NULL)
    g_string_append_printf (out, "Code: %s (valid until %s)\n\n", code, expires);
  if (uri != NULL)
    {
      g_autofree char *line = expires != NULL && template->has_token
                              ? g_strdup_printf ("The link works once, until %s:", expires)
                              : g_strdup ("Link:");

      append_links (out, line, url, uri);
      g_string_append_c (out, '\n');
    }

  g_string_append (out, "Teken CA\n");
  return g_string_free (out, FALSE);
}

static gboolean
write_synced (const char  *path,
              const char  *text,
              GError     **error)
{
  gsize length = strlen (text);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  gsize done = 0;

  if (fd < 0)
    goto failed;
  while (done < length)
    {
      gssize n = write (fd, text + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto failed;
      done += n;
    }
  if (fsync (fd) != 0)
    goto failed;
  if (close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }
  return TRUE;

failed:
  {
    int saved = errno;

    if (fd >= 0)
      close (fd);
    g_unlink (path);
    g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_STORE,
                 _("The mail could not be written to the outbox (%s)."), g_strerror (saved));
    return FALSE;
  }
}

static void
teken_ca_mailer_finalize (GObject *object)
{
  TekenCaMailer *self = TEKEN_CA_MAILER (object);

  g_free (self->maildir);
  g_free (self->public_url);
  g_free (self->from);

  G_OBJECT_CLASS (teken_ca_mailer_parent_class)->finalize (object);
}

static void
teken_ca_mailer_class_init (TekenCaMailerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = teken_ca_mailer_finalize;
}

static void
teken_ca_mailer_init (TekenCaMailer *self)
{
  self->public_url = g_strdup ("https://127.0.0.1:8443");
  self->from = g_strdup ("Teken CA <no-reply@teken-ca.invalid>");
}

/**
 * teken_ca_mailer_new:
 * @maildir: the outbox, `DIR/mail`
 */
TekenCaMailer *
teken_ca_mailer_new (const char *maildir)
{
  TekenCaMailer *self = g_object_new (TEKEN_CA_TYPE_MAILER, NULL);

  self->maildir = g_strdup (maildir);
  return self;
}

/**
 * teken_ca_mailer_set_public_url:
 * @public_url: the https:// base the links point at
 */
void
teken_ca_mailer_set_public_url (TekenCaMailer *self,
                                const char    *public_url)
{
  g_return_if_fail (TEKEN_CA_IS_MAILER (self));

  g_free (self->public_url);
  self->public_url = g_strdup (public_url);
}

/**
 * teken_ca_mailer_get_action:
 *
 * Returns: (nullable): the teken:// action of @purpose's link
 */
const char *
teken_ca_mailer_get_action (const char *purpose)
{
  const MailTemplate *template = find_template (purpose);

  return template != NULL ? template->action : NULL;
}

/**
 * teken_ca_mailer_send:
 * @purpose: one of docs/api.md §12
 * @token: (nullable): the link's token, for purposes whose link has one
 * @expires_at: when the link or code expires, 0 when nothing does
 * @code: (nullable): the signing OTP, for `signing_otp`
 *
 * Returns: (transfer full): the message's file name in new/, or %NULL
 */
char *
teken_ca_mailer_send (TekenCaMailer  *self,
                      const char     *to,
                      const char     *purpose,
                      const char     *token,
                      gint64          expires_at,
                      const char     *code,
                      GError        **error)
{
  return teken_ca_mailer_send_with_action (self, to, purpose, NULL, token, expires_at, code, error);
}

/**
 * teken_ca_mailer_send_with_action:
 * @action: (nullable): the teken:// action of a link without a token, in
 *   place of the purpose's usual one (`verification_rejected` points at
 *   `certificate` once there was a certificate)
 *
 * Like teken_ca_mailer_send().
 */
char *
teken_ca_mailer_send_with_action (TekenCaMailer  *self,
                                  const char     *to,
                                  const char     *purpose,
                                  const char     *action,
                                  const char     *token,
                                  gint64          expires_at,
                                  const char     *code,
                                  GError        **error)
{
  const MailTemplate *template = find_template (purpose);
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  g_autofree char *tmp_dir = g_build_filename (self->maildir, "tmp", NULL);
  g_autofree char *new_dir = g_build_filename (self->maildir, "new", NULL);
  g_autofree char *cur_dir = g_build_filename (self->maildir, "cur", NULL);
  g_autofree char *tmp_path = NULL;
  g_autofree char *new_path = NULL;

  g_return_val_if_fail (TEKEN_CA_IS_MAILER (self), NULL);
  g_return_val_if_fail (template != NULL, NULL);
  g_return_val_if_fail (!template->has_token || token != NULL, NULL);

  if (g_mkdir_with_parents (tmp_dir, 0700) != 0 || g_mkdir_with_parents (new_dir, 0700) != 0 ||
      g_mkdir_with_parents (cur_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_STORE,
                   _("The mail outbox could not be made (%s)."), g_strerror (saved));
      return NULL;
    }

  /* Microseconds first, so that a directory listing sorts oldest first. */
  name = g_strdup_printf ("%" G_GINT64_FORMAT ".%08x%08x.teken-ca", g_get_real_time (),
                          g_random_int (), g_random_int ());
  tmp_path = g_build_filename (tmp_dir, name, NULL);
  new_path = g_build_filename (new_dir, name, NULL);
  text = compose (self, template,
                  action != NULL && template->action != NULL && !template->has_token ? action : template->action,
                  to, token, expires_at, code);

  if (!write_synced (tmp_path, text, error))
    return NULL;
  if (g_rename (tmp_path, new_path) != 0)
    {
      int saved = errno;

      g_unlink (tmp_path);
      g_set_error (error, TEKEN_CA_ERROR, TEKEN_CA_ERROR_STORE,
                   _("The mail could not be written to the outbox (%s)."), g_strerror (saved));
      return NULL;
    }

  g_message ("mail %s queued as %s", purpose, name);
  return g_steal_pointer (&name);
}
