/* teken-certificate-status.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the holder can do about a status: the dashboard's one button next
 * to its explanation. */
typedef enum
{
  TEKEN_CERTIFICATE_NEXT_NONE,
  TEKEN_CERTIFICATE_NEXT_ENROLL,            /* start or finish the enrollment wizard */
  TEKEN_CERTIFICATE_NEXT_LINK,              /* open the e-mailed set-passphrase link */
  TEKEN_CERTIFICATE_NEXT_RENEW,
  TEKEN_CERTIFICATE_NEXT_REISSUE,
  TEKEN_CERTIFICATE_NEXT_RESET_PASSPHRASE,  /* a locked key */
  TEKEN_CERTIFICATE_NEXT_CONFIRM_UPDATE,    /* a data change waits for its link */
} TekenCertificateNext;

/* A BSrE status (docs/api.md §4.1) told in plain words. The strings are
 * translated. */
typedef struct
{
  const char           *status;     /* BSrE's word, shown alongside */
  const char           *title;
  const char           *meaning;
  const char           *next_step;
  const char           *icon_name;
  const char           *style;      /* success, warning or error */
  TekenCertificateNext  next;
} TekenCertificateStatus;

/* From this many days before the end of validity the dashboard warns: the
 * renewal window of docs/api.md §7.7. */
#define TEKEN_CERTIFICATE_WARN_DAYS 30

/* A reason of docs/api.md §7.6 a holder may give. */
typedef struct
{
  const char *reason;       /* RFC 5280 name, as sent */
  const char *label;        /* untranslated; pass through _() */
} TekenRevocationReason;

void        teken_certificate_status_describe  (const char             *status,
                                                const char             *verification_status,
                                                const char             *cannot_sign_reason,
                                                TekenCertificateStatus *out);
char       *teken_certificate_describe_days_left (gint64                days_left);
char       *teken_certificate_expiry_warning   (const char             *status,
                                                gint64                  days_left);
const char *teken_verification_status_title    (const char             *verification_status);
const TekenRevocationReason *teken_revocation_reasons (gsize           *n_reasons);
const char *teken_revocation_reason_describe   (const char             *reason);
char       *teken_format_time                  (GDateTime              *time);
char       *teken_format_date                  (GDateTime              *time);
char       *teken_format_iso_time              (const char             *iso8601);

G_END_DECLS
