/* fuzz-verifier.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The whole offline verification over arbitrary bytes: structure, CMS,
 * difference analysis between revisions and chain building. */

#include "config.h"

#include "teken-pdf-verifier.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static TekenTrustStore *trust;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(TekenDocumentReport) report = NULL;

  /* Anchors come from the seeds' own certificates when they are pinned;
   * an empty store still walks every path up to the trust decision. */
  if (trust == NULL)
    trust = teken_trust_store_new ();

  report = teken_pdf_verify_bytes (bytes, "fuzz.pdf", trust, NULL);
  g_assert (report != NULL);
  g_assert (report->status <= TEKEN_VERIFY_UNSIGNED);

  return 0;
}
