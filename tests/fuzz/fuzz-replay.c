/* fuzz-replay.c
 *
 * Copyright 2026 The Teken authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Runs a fuzz target over every file of the directories given, for builds
 * without libFuzzer: the seed corpus becomes a regression test. */

#include "config.h"

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
main (int   argc,
      char *argv[])
{
  guint n_inputs = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, &error);
      const char *name;

      if (dir == NULL)
        g_error ("%s", error->message);

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *contents = NULL;
          gsize length;

          if (!g_file_get_contents (path, &contents, &length, &error))
            g_error ("%s", error->message);
          LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
          n_inputs++;
        }
    }

  if (n_inputs == 0)
    g_error ("no seed inputs found");

  g_print ("replayed %u inputs\n", n_inputs);

  return 0;
}
