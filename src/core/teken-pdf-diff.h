/* teken-pdf-diff.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-pdf-document.h"

G_BEGIN_DECLS

/* What changed in a document after a revision was signed, from harmless to
 * anything at all (the order matters: a level allows those below it). */
typedef enum
{
  TEKEN_CHANGES_NONE,
  TEKEN_CHANGES_DSS,            /* validation data, document timestamps, metadata */
  TEKEN_CHANGES_SIGNATURES,     /* new or filled signature fields */
  TEKEN_CHANGES_FORM_FILL,      /* form field values and their appearances */
  TEKEN_CHANGES_ANNOTATIONS,    /* comments and other annotations */
  TEKEN_CHANGES_OTHER,          /* content, structure: anything else */
} TekenChangeLevel;

/* One change, in a sentence for the user. */
typedef struct
{
  TekenChangeLevel  level;
  char             *description;
} TekenPdfChange;

const char       *teken_change_level_to_string (TekenChangeLevel  level);
void              teken_pdf_change_free        (TekenPdfChange   *change);

TekenChangeLevel  teken_pdf_diff              (TekenPdfDocument *signed_revision,
                                               TekenPdfDocument *current,
                                               GPtrArray        *changes,
                                               GPtrArray        *filled_fields);

G_END_DECLS
