/* teken-pdf-filter.h
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "teken-pdf-error.h"
#include "teken-pdf-object.h"

G_BEGIN_DECLS

GBytes *teken_pdf_filter_decode (TekenPdfObject *stream_dict,
                                 GBytes         *raw,
                                 gsize           max_output,
                                 GError        **error);
GBytes *teken_pdf_filter_flate_encode (const guint8 *data,
                                       gsize         length);
gboolean teken_png_unfilter_row       (guint         filter,
                                       guint8       *row,
                                       const guint8 *previous,
                                       gsize         length,
                                       guint         bpp);

G_END_DECLS
