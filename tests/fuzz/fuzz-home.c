/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-home.c: the private home of a fuzz target (fuzz.h). */
#include "build-config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/util.h"
#include "fuzz.h"

static char dir[512];

static int
remove_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) flag;
  (void) ftw;
  (void) remove (path);
  return 0;
}

static void
remove_home (void)
{
  (void) nftw (dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
fuzz_home (void)
{
  static const char *const below[]
      = { "config", "config/sandbox", "config/sandbox/profiles", "run" };
  const char *tmp = getenv ("TMPDIR");
  char path[600];

  snprintf (dir, sizeof dir, "%s/sandbox-fuzz.XXXXXX", tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
  if (mkdtemp (dir) == NULL)
    abort ();
  atexit (remove_home);
  for (size_t i = 0; i < sizeof below / sizeof *below; i++)
    {
      snprintf (path, sizeof path, "%s/%s", dir, below[i]);
      if (mkdir (path, 0700) < 0)
        abort ();
    }
  setenv ("HOME", dir, 1);
  snprintf (path, sizeof path, "%s/config", dir);
  setenv ("XDG_CONFIG_HOME", path, 1);
  snprintf (path, sizeof path, "%s/run", dir);
  setenv ("XDG_RUNTIME_DIR", path, 1);
  setenv ("SANDBOX_DATADIR", SB_SRC_PROFILEDIR, 1);
  return dir;
}
