/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inroot.c: paths inside a tree we do not trust (see inroot.h).  The kernel resolves them
   (openat2: RESOLVE_IN_ROOT for the new root, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS for a
   layer, a persist folder or a top-level folder of the root); we only ever create a single
   name in a folder it gave us as an fd, so a symlink met on the way cannot make us create
   anything outside.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inroot.h"
#include "syscalls.h"
#include "util.h"

/* the kernel's own limit on symlinks in one lookup */
#define MAX_LINKS 40

int
inroot_open (int root, const char *path, int flags)
{
  while (*path == '/')
    path++;
  return sys_openat2 (root, *path ? path : ".", (uint64_t) (flags | O_PATH | O_CLOEXEC),
                      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

static int
make_at (int root, const char *path, bool dir, mode_t mode, int links)
{
  cleanup_free char *p = NULL;
  cleanup_close int parent = -1;
  char target[PATH_MAX];
  const char *name;
  char *slash;
  ssize_t n;
  int fd = inroot_open (root, path, 0);

  if (fd >= 0 || errno != ENOENT)
    return fd;
  if (links > MAX_LINKS)
    {
      errno = ELOOP;
      return -1;
    }
  p = xstrdup (path);
  for (size_t l = strlen (p); l > 1 && p[l - 1] == '/'; l--)
    p[l - 1] = '\0';
  slash = strrchr (p, '/');
  if (slash == NULL)
    {
      name = p;
      parent = inroot_open (root, "/", O_DIRECTORY);
    }
  else
    {
      *slash = '\0';
      name = slash + 1;
      parent = make_at (root, *p ? p : "/", true, 0755, links);
    }
  if (parent < 0)
    return -1;
  if (*name == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    {
      errno = ENOENT;
      return -1;
    }
  if ((dir ? mkdirat (parent, name, mode) : mknodat (parent, name, S_IFREG | mode, 0)) == 0)
    return inroot_open (root, path, 0);
  if (errno != EEXIST)
    return -1;
  /* NAME exists, yet PATH did not resolve: a dangling symlink, made where it points */
  n = readlinkat (parent, name, target, sizeof target - 1);
  if (n <= 0)
    return inroot_open (root, path, 0);
  target[n] = '\0';
  if (target[0] == '/')
    return make_at (root, target, dir, mode, links + 1);
  {
    cleanup_free char *next = NULL;

    if (asprintf (&next, "%s/%s", slash != NULL ? p : "", target) < 0)
      oom ();
    return make_at (root, next, dir, mode, links + 1);
  }
}

int
inroot_make (int root, const char *path, bool dir, mode_t mode)
{
  return make_at (root, path, dir, mode, 0);
}

int
inroot_open_beneath (int dirfd, const char *rel, int flags)
{
  return sys_openat2 (dirfd, *rel ? rel : ".", (uint64_t) (flags | O_CLOEXEC),
                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
}

int
inroot_dir_beneath (int dirfd, const char *rel, mode_t mode)
{
  cleanup_free char *p = xstrdup (rel);
  cleanup_close int cur = -1;
  char *save = NULL;

  if (mode == 0)
    return inroot_open_beneath (dirfd, rel, O_RDONLY | O_DIRECTORY);
  for (char *c = strtok_r (p, "/", &save); c != NULL; c = strtok_r (NULL, "/", &save))
    {
      int at = cur >= 0 ? cur : dirfd, next;

      if (strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        {
          errno = EXDEV;
          return -1;
        }
      if (mkdirat (at, c, mode) < 0 && errno != EEXIST)
        return -1;
      next = inroot_open_beneath (at, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      if (next < 0)
        return -1;
      closep (&cur);
      cur = next;
    }
  return cur >= 0 ? steal_fd (&cur) : fcntl (dirfd, F_DUPFD_CLOEXEC, 3);
}

int
inroot_mkdir_beneath (int dirfd, const char *rel, mode_t mode)
{
  cleanup_free char *p = xstrdup (rel);
  cleanup_close int parent = -1;
  char *slash = strrchr (p, '/');
  const char *name = p;

  if (slash != NULL)
    {
      *slash = '\0';
      name = slash + 1;
      parent = inroot_dir_beneath (dirfd, p, 0);
      if (parent < 0)
        return -1;
    }
  if (*name == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    {
      errno = EINVAL;
      return -1;
    }
  if (mkdirat (parent >= 0 ? parent : dirfd, name, mode) < 0 && errno != EEXIST)
    return -1;
  return inroot_dir_beneath (parent >= 0 ? parent : dirfd, name, 0);
}
