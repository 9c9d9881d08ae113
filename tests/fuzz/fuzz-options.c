/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-options.c: libFuzzer target for the command line: the input is argv, its words
   separated by NUL bytes; options_parse_argv () parses it (profiles included, from a
   private folder and the source tree's shipped ones), and --print-config prints it.  */
#include "build-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/config.h"
#include "../../src/error.h"
#include "../../src/options.h"
#include "../../src/profile.h"
#include "../../src/util.h"
#include "fuzz.h"

#define MAX_ARGS 64

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_home ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  cleanup_free char *copy = xcalloc (size + 1, 1);
  char *args[MAX_ARGS + 2] = { (char *) "sandbox" };
  struct sb_error *err = NULL;
  struct config cfg;
  int argc = 1;

  memcpy (copy, data, size);
  for (char *p = copy; p <= copy + size && argc <= MAX_ARGS; p += strlen (p) + 1)
    args[argc++] = p;
  config_init (&cfg);
  if (options_parse_argv (&cfg, argc, args, &err) == 0 && cfg.print_config)
    {
      FILE *null = fopen ("/dev/null", "we");

      if (null != NULL)
        {
          profile_print_config (&cfg, null);
          fclose (null);
        }
    }
  if (err != NULL)
    {
      free (sb_error_text (err));
      sb_error_free (&err);
    }
  config_free (&cfg);
  return 0;
}
