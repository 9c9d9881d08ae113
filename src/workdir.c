/* SPDX-License-Identifier: GPL-2.0-or-later */
/* workdir.c: the notice about an unbound working directory, at the end and only when the
   command changed something there.  The setup process (kernel overlayfs) or the
   fuse-overlayfs helper hands the launcher an fd on the ephemeral upper layer; the launcher
   counts what is below the working directory once the sandbox is gone.  The tree is the
   sandbox's: nothing is followed, nothing but folders is opened, and the walk is bounded.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "unreadable.h"
#include "util.h"
#include "workdir.h"

#define MAX_DEPTH 64

/* Opens the folder REL below DIR one part at a time, refusing symlinks; -1 when missing.  */
static int
open_below (int dir, const char *rel)
{
  cleanup_free char *path = xstrdup (rel);
  char *save = NULL;
  int fd = fcntl (dir, F_DUPFD_CLOEXEC, 3);

  for (char *p = strtok_r (path, "/", &save); p != NULL && fd >= 0; p = strtok_r (NULL, "/", &save))
    {
      int next = openat (fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      (void) close (fd);
      fd = next;
    }
  return fd;
}

/* Whether NAME in DIR was made for root inside before the command ran (unreadable.h).  */
static bool
made_before (int dir, const char *name)
{
  char path[64 + 256];
  char v[4];

  snprintf (path, sizeof path, "/proc/self/fd/%d/%s", dir, name);
  return lgetxattr (path, UNREADABLE_XATTR, v, sizeof v) > 0;
}

/* Counts the non-folders below DIR into *N, up to LIMIT.  Takes DIR.  */
static void
count_dir (int dir, unsigned depth, unsigned *n, unsigned limit)
{
  bool made = fgetxattr (dir, UNREADABLE_XATTR, (char[4]){ 0 }, 4) > 0;

  DIR *d = fdopendir (dir);
  struct dirent *e;

  if (d == NULL)
    {
      (void) close (dir);
      return;
    }
  while (*n < limit && (e = readdir (d)) != NULL)
    {
      struct stat st;

      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0
          || fstatat (dirfd (d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      if (!S_ISDIR (st.st_mode))
        {
          if (!(made && strcmp (e->d_name, UNREADABLE_OPAQUE) == 0)
              && !made_before (dirfd (d), e->d_name))
            (*n)++;
        }
      else if (depth < MAX_DEPTH)
        {
          int sub = openat (dirfd (d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

          if (sub >= 0)
            count_dir (sub, depth + 1, n, limit);
        }
    }
  (void) closedir (d);
}

unsigned
workdir_count_changes (int upper_fd, const char *rel, unsigned limit)
{
  unsigned n = 0;
  int dir = open_below (upper_fd, rel);

  if (dir >= 0)
    count_dir (dir, 0, &n, limit);
  return n < limit ? n : limit;
}

void
workdir_report (const struct config *cfg, int upper_fd)
{
  const unsigned limit = 100000;
  unsigned n;

  if (!cfg->report_cwd_changes || upper_fd < 0 || cfg->cwd == NULL)
    return;
  n = workdir_count_changes (upper_fd, cfg->cwd + 1, limit);
  if (n == 0)
    return;
  log_notice ("%s%u change%s in the working directory '%s' %s discarded: it is not bound; "
              "run from a project folder or use --bind DIR to keep them",
              n == limit ? "over " : "", n, n == 1 ? "" : "s", cfg->cwd, n == 1 ? "was" : "were");
}
