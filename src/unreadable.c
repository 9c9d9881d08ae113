/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unreadable.c: the package managers' files that the caller cannot read, made fresh in the
   upper layer for root inside (unreadable.h says why).

   Which files: the entries, one level deep, of a few small folders of the package managers,
   and single names in big ones (/etc, apt's archives).  A scan of the whole root finds
   about 50 such files on a Debian host but takes seconds (20 s cold, as the test user);
   the list takes about 0.5 ms (1.1 ms when it scanned /etc and apt's archives of 1500
   packages whole), and holds every file apt-get, dpkg, useradd and debconf open for
   writing.  A file the caller cannot read elsewhere stays as it is: unreadable inside,
   and not replaceable in place.  Only the lower tree (the host's / or the --rootfs) is
   looked at, not the --layer folders.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "syscalls.h"
#include "unreadable.h"
#include "util.h"

/* The package managers' small folders, whose entries are all looked at: dpkg's, debconf's,
   ldconfig's cache (in var/cache), the logs, rpm's and dnf's, pacman's.  */
static const char *const folders[]
    = { "etc/security", "var/lib/dpkg", "var/lib/dpkg/triggers", "var/cache",   "var/cache/debconf",
        "var/log",      "var/log/apt",  "var/lib/rpm",           "var/lib/dnf", "var/lib/pacman" };
/* and single entries of big ones: /etc (shadow's tools: useradd's lock and files, sudo's),
   apt's lists and archives (the archives hold every package apt fetched) */
static const char *const names[] = { "etc/.pwd.lock",
                                     "etc/shadow",
                                     "etc/shadow-",
                                     "etc/gshadow",
                                     "etc/gshadow-",
                                     "etc/sudoers",
                                     "etc/subuid",
                                     "etc/subgid",
                                     "var/lib/apt/lists/lock",
                                     "var/lib/apt/lists/partial",
                                     "var/cache/apt/archives/lock",
                                     "var/cache/apt/archives/partial",
                                     "lib/apk/db/lock" };

/* A host id as the id inside that fuse-overlayfs shows for it (overlay-fuse.c): the host's
   root, the caller and the ids past the ranges are root inside; the system's own users and
   groups (_apt, shadow, ...) keep their numbers, which the same /etc/passwd names.  */
static unsigned
inside_id (unsigned id, unsigned caller)
{
  return id == caller || id >= 65534 ? 0 : id;
}

static void
set_entry (struct unreadable_entry *e, const struct stat *st)
{
  e->mode = st->st_mode;
  e->uid = inside_id (st->st_uid, getuid ());
  e->gid = inside_id (st->st_gid, getgid ());
}

static bool
has_dir (const struct unreadable_list *l, const char *rel)
{
  for (size_t i = 0; i < l->n_dirs; i++)
    if (strcmp (l->dirs[i].rel, rel) == 0)
      return true;
  return false;
}

/* The folders on the way to FOLDER (itself included), parents first, with their modes.  */
static bool
add_dirs (int root, const char *folder, struct unreadable_list *l)
{
  char rel[UNREADABLE_PATH];
  size_t len = strlen (folder);

  for (size_t i = 1; i <= len; i++)
    {
      struct stat st;

      if (folder[i] != '/' && folder[i] != '\0')
        continue;
      snprintf (rel, sizeof rel, "%.*s", (int) i, folder);
      if (has_dir (l, rel))
        continue;
      if (l->n_dirs >= UNREADABLE_MAX || fstatat (root, rel, &st, AT_SYMLINK_NOFOLLOW) < 0
          || !S_ISDIR (st.st_mode))
        return false;
      snprintf (l->dirs[l->n_dirs].rel, UNREADABLE_PATH, "%s", rel);
      set_entry (&l->dirs[l->n_dirs++], &st);
    }
  return true;
}

/* NAME in FOLDER (FD, below ROOT), listed when the caller cannot read it.  A file or folder
   that others may read is readable: no access check for it (an ACL cannot take from
   "other" what the mode gives).  */
static void
check_entry (int root, int fd, const char *folder, const char *name, struct unreadable_list *l)
{
  struct unreadable_entry *e = &l->e[l->n];
  struct stat st;

  if (l->n >= UNREADABLE_MAX || fstatat (fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0
      || !(S_ISREG (st.st_mode) || S_ISDIR (st.st_mode)) || (st.st_mode & S_IROTH)
      || faccessat (fd, name, R_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) == 0 || errno != EACCES
      || snprintf (e->rel, sizeof e->rel, "%s/%s", folder, name) >= (int) sizeof e->rel
      || !add_dirs (root, folder, l))
    return;
  set_entry (e, &st);
  l->n++;
}

static int
open_folder (int root, const char *folder)
{
  /* not there, a symlink (another layout), or itself unreadable: nothing to do */
  return sys_openat2 (root, folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
}

static void
scan_folder (int root, const char *folder, struct unreadable_list *l)
{
  int fd = open_folder (root, folder);
  DIR *d;
  struct dirent *de;

  if (fd < 0)
    return;
  d = fdopendir (fd);
  if (d == NULL)
    {
      (void) close (fd);
      return;
    }
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0
        && (de->d_type == DT_REG || de->d_type == DT_DIR || de->d_type == DT_UNKNOWN))
      check_entry (root, fd, folder, de->d_name, l);
  (void) closedir (d);
}

static void
check_name (int root, const char *rel, struct unreadable_list *l)
{
  char folder[UNREADABLE_PATH];
  const char *slash = strrchr (rel, '/');
  int fd;

  snprintf (folder, sizeof folder, "%.*s", (int) (slash - rel), rel);
  fd = open_folder (root, folder);
  if (fd < 0)
    return;
  check_entry (root, fd, folder, slash + 1, l);
  (void) close (fd);
}

void
unreadable_list (int root, struct unreadable_list *ret)
{
  memset (ret, 0, sizeof *ret);
  for (size_t i = 0; i < sizeof folders / sizeof *folders; i++)
    scan_folder (root, folders[i], ret);
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    check_name (root, names[i], ret);
}

/* ---------------------------------------------------------------- in the hook: syscalls only */

/* The folder of REL in UPPER (".": the top), and REL's last name in *RET_NAME.  -1 when
   it is not a folder there (a file, a symlink: nothing is followed).  */
static int
open_parent (int upper, const char *rel, const char **ret_name)
{
  char parent[UNREADABLE_PATH];
  const char *slash = strrchr (rel, '/');

  if (slash == NULL)
    {
      *ret_name = rel;
      return sys_openat2 (upper, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, RESOLVE_BENEATH);
    }
  *ret_name = slash + 1;
  snprintf (parent, sizeof parent, "%.*s", (int) (slash - rel), rel);
  return sys_openat2 (upper, parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
}

/* Whether NAME is in DIR already, or hidden by a whiteout (".wh.NAME"; a 0:0 character
   device is NAME itself).  */
static bool
present_or_hidden (int dir, const char *name)
{
  char wh[UNREADABLE_PATH + 8];
  struct stat st;

  if (fstatat (dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    return true;
  snprintf (wh, sizeof wh, ".wh.%s", name);
  return fstatat (dir, wh, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* FD (made by root inside) gets E's owner and mode; chown clears set-id bits: chmod last */
static void
own_like (int fd, const struct unreadable_entry *e)
{
  (void) fsetxattr (fd, UNREADABLE_XATTR, "1", 1, 0);
  (void) fchown (fd, e->uid, e->gid);
  (void) fchmod (fd, e->mode & 07777);
}

/* A fresh folder NAME in DIR, like E; OPAQUE: its lower copy is hidden (the
   caller could not list it).  */
static void
make_dir (int dir, const char *name, const struct unreadable_entry *e, bool opaque)
{
  int fd;

  if (mkdirat (dir, name, 0700) < 0)
    return;
  fd = sys_openat2 (dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
                    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
  if (fd < 0)
    return;
  if (opaque)
    {
      /* fuse-overlayfs's marker that works on every file system */
      int o
          = openat (fd, ".wh..wh..opq", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

      if (o >= 0)
        (void) close (o);
    }
  own_like (fd, e);
  (void) close (fd);
}

static void
make_one (int upper, const struct unreadable_entry *e, bool dir_on_way)
{
  const char *name;
  int dir = open_parent (upper, e->rel, &name);

  if (dir < 0)
    return;
  if (!present_or_hidden (dir, name))
    {
      if (S_ISDIR (e->mode))
        make_dir (dir, name, e, !dir_on_way);
      else
        {
          int fd = openat (dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

          if (fd >= 0)
            {
              own_like (fd, e);
              (void) close (fd);
            }
        }
    }
  (void) close (dir);
}

void
unreadable_make (const struct unreadable_list *l, int upper)
{
  for (size_t i = 0; i < l->n_dirs; i++)
    make_one (upper, &l->dirs[i], true);
  for (size_t i = 0; i < l->n; i++)
    make_one (upper, &l->e[i], false);
}
