/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-paths.c: path_clean, the identity chains of hostpath.c, and inroot.c's walks on a
   tree of our own (RESOLVE_IN_ROOT and RESOLVE_BENEATH need no privilege).  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/hostpath.h"
#include "../src/inroot.h"
#include "../src/util.h"
#include "tap.h"

static const struct
{
  const char *cwd, *in, *out;
} clean_rows[] = {
  { NULL, "/home/ann/", "/home/ann" },
  { NULL, "/home/ann/.", "/home/ann" },
  { NULL, "//home//ann/./", "/home/ann" },
  { NULL, "/home/ann/../bob", "/home/bob" },
  { NULL, "/..", "/" },
  { NULL, "/", "/" },
  { "/src/proj", "./cache", "/src/proj/cache" },
  { "/src/proj", "../other/x/", "/src/other/x" },
};

static char top[] = "/tmp/unit-paths.XXXXXX";

static void
mk (const char *rel, bool dir)
{
  char p[512];

  snprintf (p, sizeof p, "%s/%s", top, rel);
  if (dir ? mkdir (p, 0755) : close (open (p, O_WRONLY | O_CREAT, 0644)))
    perror (p);
}

static void
ln (const char *target, const char *rel)
{
  char p[512];

  snprintf (p, sizeof p, "%s/%s", top, rel);
  if (symlink (target, p) < 0)
    perror (p);
}

static bool
exists (const char *rel)
{
  char p[512];
  struct stat st;

  snprintf (p, sizeof p, "%s/%s", top, rel);
  return lstat (p, &st) == 0;
}

int
main (void)
{
  size_t nclean = sizeof clean_rows / sizeof *clean_rows;
  char p[512], outside[512];
  int root, fd;

  tap_plan ((int) nclean + 18);
  for (size_t i = 0; i < nclean; i++)
    {
      char *out = path_clean (clean_rows[i].cwd, clean_rows[i].in);

      tap_ok (strcmp (out, clean_rows[i].out) == 0, "path_clean '%s' -> '%s' (got '%s')",
              clean_rows[i].in, clean_rows[i].out, out);
      free (out);
    }
  /* path_clean_beneath: below a top, never above it (protect.c's paths from git) */
  {
    static const struct
    {
      const char *dir, *rel, *out;
    } rows[] = { { "a", "b/../c", "a/c" },
                 { "a", "..", "" },
                 { "a/b", "./", "a/b" },
                 { "a", "../../x", NULL },
                 { "", "../etc", NULL } };

    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
      {
        char *out = path_clean_beneath (rows[i].dir, rows[i].rel);

        tap_ok (rows[i].out == NULL ? out == NULL : out != NULL && strcmp (out, rows[i].out) == 0,
                "path_clean_beneath '%s' '%s' -> '%s' (got '%s')", rows[i].dir, rows[i].rel,
                rows[i].out ? rows[i].out : "NULL", out ? out : "NULL");
        free (out);
      }
  }

  if (mkdtemp (top) == NULL)
    return 1;
  /* root/ is a new root; outside/ is the "host" a link must never reach */
  mk ("root", true);
  mk ("root/etc", true);
  mk ("outside", true);
  mk ("root/data", true);
  mk ("root/data/sub", true);
  snprintf (outside, sizeof outside, "%s/outside", top);
  ln ("/sbesc/made/hosts", "root/etc/hosts");
  ln (outside, "root/sbesc");
  ln ("../../..", "root/data/up");
  ln (outside, "root/data/abs");
  snprintf (p, sizeof p, "%s/root", top);
  root = open (p, O_PATH | O_DIRECTORY | O_CLOEXEC);

  fd = inroot_make (root, "/etc/hosts", false, 0644);
  tap_ok (fd >= 0, "inroot_make: a dangling /etc/hosts through an absolute link out is made");
  tap_ok (!exists ("outside/made"), "... nothing was made outside the root");
  {
    char *outside_rel = outside + 1; /* the link's target, as a path inside the root */
    char q[600];

    snprintf (q, sizeof q, "root/%s/made/hosts", outside_rel);
    tap_ok (exists (q), "... but where the link points, inside the root");
  }
  closep (&fd);
  fd = inroot_make (root, "/data/up/new", true, 0755);
  tap_ok (fd >= 0 && exists ("root/new") && !exists ("new"), "a '..' link is clamped at the root");
  closep (&fd);
  fd = inroot_open (root, "/proc/self/root", 0);
  tap_ok (fd < 0, "a path that does not exist inside is not found outside");
  closep (&fd);

  fd = inroot_dir_beneath (root, "data/abs/x", 0755);
  tap_ok (fd < 0 && (errno == ELOOP || errno == ENOTDIR) && !exists ("outside/x"),
          "inroot_dir_beneath: a symlink on the way is refused, nothing made (errno %d)", errno);
  closep (&fd);
  fd = inroot_dir_beneath (root, "data/sub/a/b", 0700);
  tap_ok (fd >= 0 && exists ("root/data/sub/a/b"), "... and real folders are made");
  closep (&fd);
  fd = inroot_mkdir_beneath (root, "data/abs/y", 0700);
  tap_ok (fd < 0 && !exists ("outside/y"),
          "inroot_mkdir_beneath: a symlink on the way is not followed, nothing made (errno %d)",
          errno);
  closep (&fd);
  fd = inroot_mkdir_beneath (root, "data/none/z", 0700);
  tap_ok (fd < 0 && errno == ENOENT && !exists ("root/data/none"),
          "... a missing folder on the way is not made");
  closep (&fd);
  fd = inroot_mkdir_beneath (root, "data/sub/c", 0700);
  tap_ok (fd >= 0 && exists ("root/data/sub/c"), "... the last component is");
  closep (&fd);

  {
    struct path_chain c;
    struct stat st;
    struct file_id id;
    char *rel = NULL;
    size_t end;

    snprintf (p, sizeof p, "%s/root/data/sub", top);
    hostpath_chain (p, &c);
    (void) stat (top, &st);
    id = file_id_of (&st);
    tap_ok (hostpath_chain_rel (&c, &id, &rel) && strcmp (rel, "root/data/sub") == 0,
            "hostpath_chain_rel: an ancestor by identity, and the path below it");
    free (rel);
    hostpath_chain_free (&c);
    snprintf (p, sizeof p, "%s/root/data/abs/y", top);
    {
      int r = hostpath_chain_walk (p, NULL, &c, &end);

      tap_ok (r < 0 && strcmp (c.real + strlen (top), "/root/data") == 0,
              "hostpath_chain_walk stops at a symlink (at '%s')", c.real);
    }
    hostpath_chain_free (&c);
    snprintf (p, sizeof p, "%s/root/data/missing/z", top);
    tap_ok (hostpath_chain_walk (p, NULL, &c, &end) == 1 && strcmp (p + end, "/missing/z") == 0,
            "... and says where the missing part starts");
    hostpath_chain_free (&c);
  }
  closep (&root);
  snprintf (p, sizeof p, "rm -rf '%s'", top);
  if (system (p) != 0)
    return 1;
  return tap_done ();
}
