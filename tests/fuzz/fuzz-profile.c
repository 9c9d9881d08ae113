/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-profile.c: libFuzzer target for the profile parser.  The input is up to four files,
   separated by lines "%%": a.profile (the one applied), b.profile and c.profile (for
   include, by name or by path), and user-dirs.dirs (for ${XDG_DOWNLOAD_DIR}), all in the
   private ~/.config.  The shipped profiles can be included too.  */
#include "build-config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/config.h"
#include "../../src/error.h"
#include "../../src/profile.h"
#include "../../src/util.h"
#include "fuzz.h"

static const char *const files[] = {
  "config/sandbox/profiles/a.profile",
  "config/sandbox/profiles/b.profile",
  "config/sandbox/profiles/c.profile",
  "config/user-dirs.dirs",
};
#define N_FILES (sizeof files / sizeof *files)
static char paths[N_FILES][512];

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  const char *home = fuzz_home ();

  (void) argc;
  (void) argv;
  for (size_t i = 0; i < N_FILES; i++)
    snprintf (paths[i], sizeof paths[i], "%s/%s", home, files[i]);
  return 0;
}

static void
put (size_t i, const uint8_t *data, size_t len)
{
  int fd;

  /* a new file, not one truncated: ext4 flushes a truncated and rewritten file at close
     (auto_da_alloc), which made each run wait for the disk */
  (void) unlink (paths[i]);
  fd = open (paths[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd < 0)
    abort ();
  if (write_all (fd, data, len) < 0)
    abort ();
  close (fd);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char sep[] = "\n%%\n";
  struct sb_error *err = NULL;
  struct config cfg;
  size_t i = 0;

  for (const uint8_t *p = data, *end = data + size; i < N_FILES; i++)
    {
      const uint8_t *s = i + 1 < N_FILES ? memmem (p, (size_t) (end - p), sep, 3) : NULL;
      size_t len = s != NULL ? (size_t) (s - p) : (size_t) (end - p);

      put (i, p, len);
      if (s == NULL)
        break;
      p = s + 4 <= end ? s + 4 : end;
    }
  for (i++; i < N_FILES; i++)
    (void) unlink (paths[i]);
  config_init (&cfg);
  if (profile_apply (&cfg, paths[0], &err) == 0)
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
