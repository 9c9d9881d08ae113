/* SPDX-License-Identifier: GPL-2.0-or-later */
/* overlay-kernel.c: the copy-on-write root through the kernel's overlayfs, mounted by pid 1
   inside the user namespace.

   The kernel refuses an overlay whose lower folder has mounts below it (in a user namespace
   they are locked to the parent mount: "failed to clone lowerpath"), and an overlay does not
   cross mounts anyway.  So the host's root is built from one overlay per folder: a tmpfs
   holds the top level, each folder with no mount below it gets its own overlay, and a
   folder with mounts below is split the same way, one level down.  Pseudo file systems are
   not copied: they are made fresh.

   The lower tree and the layers are opened by fd, each REL beneath its own root with no
   symlink on the way (inroot.c: RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): a layer whose
   folder is a symlink to a host path does not bring that host folder in.  As in an
   overlay, a layer whose REL (or a folder on the way) is not a folder hides the ones below
   it.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "error.h"
#include "inroot.h"
#include "log.h"
#include "overlay-internal.h"
#include "syscalls.h"
#include "util.h"

#define MAX_DEPTH 16

/* Mounts the kernel's overlayfs on TARGET: LOWERS is a ':'-joined list, top first; UPPER
   and WORK are folders on one file system.  errnum tells why the kernel refused (EPERM,
   EINVAL: no overlayfs for this tree in a user namespace).  */
static int
mount_kernel (const char *target, const char *lowers, const char *upper, const char *work,
              struct sb_error **err)
{
  cleanup_free char *opts = NULL;

  /* userxattr: the only xattrs a user namespace may write; index and xino off: they need
     file handles and inode bits the user namespace cannot promise, and warn otherwise */
  if (asprintf (&opts, "lowerdir=%s,upperdir=%s,workdir=%s,userxattr,index=off,xino=off", lowers,
                upper, work)
      < 0)
    oom ();
  if (mount ("overlay", target, "overlay", 0, opts) < 0)
    return sb_error_set (err, errno, "mount overlayfs on '%s'", target);
  return 0;
}

static int
do_mount (const char *src, const char *target, unsigned long flags, struct sb_error **err)
{
  if (mount (src, target, NULL, flags, NULL) < 0)
    return sb_error_set (err, errno, "mount %s on '%s'", src, target);
  return 0;
}

static void
fd_path (int fd, char buf[static 32])
{
  snprintf (buf, 32, "/proc/self/fd/%d", fd);
}

/* Statvfs flags that a remount must keep: in a user namespace the kernel refuses to clear
   the flags the host set (they are locked).  */
static unsigned long
locked_flags (const char *path)
{
  struct statvfs sv;
  unsigned long f = 0;

  if (statvfs (path, &sv) < 0)
    return 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

static bool
is_pseudo (const char *type)
{
  static const char *const pseudo[]
      = { "proc",      "sysfs",       "devtmpfs",   "devpts",   "cgroup", "cgroup2",   "mqueue",
          "debugfs",   "tracefs",     "securityfs", "pstore",   "bpf",    "configfs",  "fusectl",
          "hugetlbfs", "binfmt_misc", "autofs",     "efivarfs", "nsfs",   "rpc_pipefs" };

  return strs_has_in (pseudo, type);
}

/* The type of the top mount on PATH, or NULL.  */
static const char *
mount_type_at (const struct overlay_ctx *c, const char *path)
{
  const char *t = NULL;

  for (size_t i = 0; c->mnt_paths[i] != NULL; i++)
    if (strcmp (c->mnt_paths[i], path) == 0)
      t = c->mnt_types[i];
  return t;
}

static bool
has_mount_below (const struct overlay_ctx *c, const char *path)
{
  size_t len = strcmp (path, "/") == 0 ? 0 : strlen (path);

  for (size_t i = 0; c->mnt_paths[i] != NULL; i++)
    if (strncmp (c->mnt_paths[i], path, len) == 0 && c->mnt_paths[i][len] == '/'
        && c->mnt_paths[i][len + 1] != '\0')
      return true;
  return false;
}

static char *
join (const char *a, const char *b)
{
  char *s;

  if (asprintf (&s, "%s%s%s", a, (*b && a[strlen (a) - 1] != '/') ? "/" : "", b) < 0)
    oom ();
  return s;
}

/* ---------------------------------------------------------------- the lower tree */

/* The layers, top first, then the lower tree: the Ith of them (I = n_layers: the lower).  */
static int
lower_root (const struct overlay_ctx *c, size_t i)
{
  return i < c->n_layers ? c->layer_fds[i] : c->base_fd;
}

/* REL in lower I, as FLAGS (O_PATH | O_NOFOLLOW: a symlink itself); -1 and errno, ENOENT
   when it is not there, anything else when something on the way hides it.  */
static int
lower_open (const struct overlay_ctx *c, size_t i, const char *rel, int flags)
{
  return inroot_open_beneath (lower_root (c, i), rel, flags);
}

/* Gives the folder FD (made by us, so owned by the caller's id inside) the owner and mode of
   the lower folder ST describes.  An owner the user namespace does not map shows as the
   overflow id; chowning to that would hand the folder to a subordinate id, so root inside
   owns it.  Without a root inside (a one-id map) the caller keeps it.  */
static void
own_like_fd (int fd, const struct stat *st)
{
  uid_t uid = st->st_uid == 65534 ? 0 : st->st_uid;
  gid_t gid = st->st_gid == 65534 ? 0 : st->st_gid;

  if (fchown (fd, uid, gid) < 0 && (uid != 0 || gid != 0))
    (void) fchown (fd, 0, 0);
  (void) fchmod (fd, st->st_mode & 07777);
}

/* Whether a lchown of a path we made to UID:GID can change it.  We own what we make (as our
   ids inside), so our own ids change nothing; and once root was refused (EINVAL: a one-id
   map has no root inside), root is refused again: a root-owned tree of a few dozen
   folders is not asked about each.  */
static bool root_unmapped;

static bool
chown_useful (uid_t uid, gid_t gid)
{
  static uid_t euid = (uid_t) -1;
  static gid_t egid = (gid_t) -1;

  if (euid == (uid_t) -1)
    {
      euid = geteuid ();
      egid = getegid ();
    }
  return !(uid == euid && gid == egid) && !(root_unmapped && uid == 0 && gid == 0);
}

/* The same for a path of ours (on OVERLAY_ROOT's tmpfs), a symlink included.  MADE_MODE:
   the mode it was made with, when it already is the lower one's (no chmod), else 0.  */
static void
own_like_made (const char *path, const struct stat *st, mode_t made_mode)
{
  uid_t uid = st->st_uid == 65534 ? 0 : st->st_uid;
  gid_t gid = st->st_gid == 65534 ? 0 : st->st_gid;

  if (chown_useful (uid, gid) && lchown (path, uid, gid) < 0)
    {
      if (uid == 0 && gid == 0)
        root_unmapped |= errno == EINVAL;
      else if (chown_useful (0, 0) && lchown (path, 0, 0) < 0)
        root_unmapped |= errno == EINVAL;
    }
  if (!S_ISLNK (st->st_mode) && (st->st_mode & 07777) != made_mode)
    (void) chmod (path, st->st_mode & 07777);
}

static void
own_like (const char *path, const struct stat *st)
{
  own_like_made (path, st, 0);
}

/* mkdir of PATH with the mode of the lower folder ST when the umask keeps it whole (the
   chmod of own_like is then saved); else 0700, and own_like_made gives the mode.  The
   pool's tmpfs is pid 1's alone: nobody sees the folder between the two.  Returns the mode
   made, or (mode_t) -1 with errno.  */
static mode_t
mkdir_like (const char *path, const struct stat *st)
{
  static mode_t mask = (mode_t) -1;
  mode_t want = st->st_mode & 07777;

  if (mask == (mode_t) -1)
    {
      mask = umask (0);
      (void) umask (mask);
    }
  if ((want & ~(mode_t) 0777) != 0 || (want & mask) != 0)
    want = 0700;
  return mkdir (path, want) < 0 ? (mode_t) -1 : want;
}

/* The upper and work folders of REL: made below their roots by fd, never through a symlink.
   With --persist they hold what sandboxes wrote: a symlink or a file on the way (a run with
   another root made it) is refused, not followed.  */
static int
open_upper (struct overlay_ctx *c, const char *rel, int *ret_up, int *ret_work,
            struct sb_error **err)
{
  *ret_up = inroot_dir_beneath (c->upper_fd, rel, 0755);
  *ret_work = *ret_up >= 0 ? inroot_dir_beneath (c->work_fd, rel, 0700) : -1;
  if (*ret_work >= 0)
    return 0;
  if (c->persist_fd >= 0 && (errno == ELOOP || errno == ENOTDIR))
    return sb_error_set (err, 0,
                         "--persist '%s': '%s/%s' is not a folder (a run with another root made "
                         "it); use a new folder",
                         c->cfg->persist, *ret_up < 0 ? "upper" : "work", rel);
  return sb_error_set (err, errno, "upper folder of '/%s'", rel);
}

static void each_name (int fd, bool (*fn) (const char *name, void *arg), void *arg);
static int find_lower (const struct overlay_ctx *c, const char *rel, struct stat *st);

/* ---------------------------------------------------------------- folders copied up first

   Overlayfs gives a folder it copies up the owner of the lower one, and an owner the user
   namespace does not map cannot be given: the copy-up fails with EOVERFLOW.  Root's /var
   is copied up when /var/tmp is written, root's /home when a folder for a bind is made
   below it (a --rootfs without the caller's home).  Such folders are made in the upper
   layer before the overlay is mounted: ours (root's inside, where root is mapped), with
   the lower folder's mode.  */

/* Whether the user namespace maps neither REL's owner nor its group (they show as the
   overflow id).  */
static bool
unmapped_owner (const struct stat *st)
{
  return st->st_uid == 65534 || st->st_gid == 65534;
}

/* REL below UP (the upper folder of the overlay), made like the lower folder ST.  With
   --persist UP holds what sandboxes wrote: its folders on the way are reached by fd and
   never made, and a symlink among them is not followed (inroot.c).  */
static void
upper_dir_like (int up, const char *rel, const struct stat *st)
{
  cleanup_close int fd = inroot_mkdir_beneath (up, rel, 0700);

  if (fd >= 0)
    own_like_fd (fd, st);
}

/* The folders of ROOTREL ("" or the overlay's folder) on the way to PATH (absolute, inside):
   those that exist in the lower tree with an owner we do not map, made in UP first.  *SEEN:
   the folders looked at already (the paths share their start: the home, its .config...).  */
static void
upper_path (struct overlay_ctx *c, const char *rootrel, int up, const char *path, char ***seen)
{
  size_t n = strlen (rootrel);
  cleanup_free char *rel = NULL;

  if (path == NULL || path[0] != '/'
      || (n > 0 && (strncmp (path + 1, rootrel, n) != 0 || (path[1 + n] != '/'))))
    return;
  rel = xstrdup (path + 1 + n + (n > 0));
  for (char *s = rel; (s = strchr (s, '/')) != NULL; s++)
    {
      cleanup_free char *full = NULL;
      cleanup_close int fd = -1;
      struct stat st;

      *s = '\0';
      full = n > 0 ? join (rootrel, rel) : xstrdup (rel);
      if (strv_has (*seen, full))
        {
          *s = '/';
          continue;
        }
      strv_push (seen, xstrdup (full));
      fd = find_lower (c, full, &st);
      if (fd < 0 || !S_ISDIR (st.st_mode))
        return;
      if (unmapped_owner (&st))
        upper_dir_like (up, rel, &st);
      *s = '/';
    }
}

struct writable_scan
{
  const struct overlay_ctx *c;
  const char *rel;
  int dir; /* the lower folder, read */
  int up;
};

/* A folder of the overlay's top level that the command may write, whose owner we do not
   map (/var/tmp): made in the upper layer.  */
static bool
upper_writable_entry (const char *name, void *arg)
{
  struct writable_scan *w = arg;
  struct stat st;

  if (fstatat (w->dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode)
      && unmapped_owner (&st) && faccessat (w->dir, name, W_OK, AT_EACCESS) == 0)
    upper_dir_like (w->up, name, &st);
  return true;
}

static void
prepare_upper (struct overlay_ctx *c, const char *rel, int up)
{
  const struct config *cfg = c->cfg;
  struct writable_scan w = { .c = c, .rel = rel, .up = up };
  cleanup_strv char **seen = xcalloc (1, sizeof (char *));

  if (*rel != '\0')
    {
      w.dir = lower_open (c, c->n_layers, rel, O_RDONLY | O_DIRECTORY);
      if (w.dir >= 0)
        {
          int names = fcntl (w.dir, F_DUPFD_CLOEXEC, 3);

          if (names >= 0)
            each_name (names, upper_writable_entry, &w);
          (void) close (w.dir);
        }
    }
  upper_path (c, rel, up, cfg->cwd, &seen);
  upper_path (c, rel, up, cfg->home_dir, &seen);
  for (size_t i = 0; i < cfg->n_mounts; i++)
    upper_path (c, rel, up, cfg->mounts[i].dst, &seen);
  for (size_t i = 0; i < cfg->n_desktop_binds; i++)
    upper_path (c, rel, up, cfg->desktop_binds[i].dst, &seen);
}

/* One overlay of REL ("" for the whole root) on OVERLAY_ROOT/REL: the layers that have REL as a
   folder, top first, over the lower tree's REL.  OWNER: the top-most lower folder's stat,
   whose owner and mode the overlay's root shows; NULL for the whole root.  */
static int
mount_overlay (struct overlay_ctx *c, const char *rel, const struct stat *owner,
               struct sb_error **err)
{
  cleanup_free char *target = join (OVERLAY_ROOT, rel);
  cleanup_free char *lowers = xcalloc (1, 1);
  cleanup_close int up = -1;
  cleanup_close int work = -1;
  int fds[OVERLAY_MAX_LOWERS];
  size_t n = 0;
  char upper[32], workp[32];
  int r = -1;

  for (size_t i = 0; i <= c->n_layers && n < OVERLAY_MAX_LOWERS; i++)
    {
      int fd = lower_open (c, i, rel, O_PATH | O_DIRECTORY);
      size_t len = strlen (lowers);

      if (fd < 0 && errno == ENOENT)
        continue;
      if (fd < 0)
        break; /* a file or a symlink here hides the lower ones */
      fds[n++] = fd;
      lowers = xreallocarray (lowers, len + 32, 1);
      snprintf (lowers + len, 32, "%s/proc/self/fd/%d", len ? ":" : "", fd);
    }
  if (n == 0)
    {
      sb_error_set (err, ENOENT, "lower folder of '/%s'", rel);
      goto out;
    }
  if (open_upper (c, rel, &up, &work, err) < 0)
    goto out;
  /* the overlay's root shows the upper folder's owner and mode: make them the lower's */
  if (owner != NULL)
    own_like_fd (up, owner);
  prepare_upper (c, rel, up);
  fd_path (up, upper);
  fd_path (work, workp);
  r = mount_kernel (target, lowers, upper, workp, err);
out:
  for (size_t i = 0; i < n; i++)
    (void) close (fds[i]);
  return r;
}

/* A file of the lower tree in a split folder (FD: an O_PATH fd on it): bound read-only.  */
static int
bind_file_ro (int fd, const char *target, struct sb_error **err)
{
  int t = open (target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  char src[32];

  if (t < 0)
    return sb_error_set (err, errno, "create '%s'", target + strlen (OVERLAY_ROOT));
  (void) close (t);
  fd_path (fd, src);
  if (mount (src, target, NULL, MS_BIND, NULL) < 0)
    return sb_error_set (err, errno, "bind '%s'", target + strlen (OVERLAY_ROOT));
  if (mount (NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags (target), NULL)
      < 0)
    return sb_error_set (err, errno, "remount '%s' read-only", target + strlen (OVERLAY_ROOT));
  return 0;
}

static bool
is_fresh (const char *rel)
{
  static const char *const fresh[] = { "proc", "sys", "dev", "tmp", "run" };

  for (size_t i = 0; i < sizeof fresh / sizeof *fresh; i++)
    if (strcmp (rel, fresh[i]) == 0)
      return true;
  return false;
}

/* Calls FN (NAME, ARG) for each entry of the folder FD but "." and "..", until FN returns
   false; FD is closed.  getdents64 itself: fdopendir would add an fstat and an fcntl per
   folder, and the root is a few dozen of them.  */
static void
each_name (int fd, bool (*fn) (const char *name, void *arg), void *arg)
{
  char buf[8192];
  bool more = true;

  while (more)
    {
      long n = syscall (SYS_getdents64, fd, buf, sizeof buf);

      if (n <= 0)
        break;
      for (long off = 0; more && off < n;)
        {
          struct dirent64 *de = (struct dirent64 *) (buf + off);

          off += de->d_reclen;
          if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
            more = fn (de->d_name, arg);
        }
    }
  (void) close (fd);
}

static bool
add_name (const char *name, void *arg)
{
  char ***names = arg;

  for (char **n = *names; *n != NULL; n++)
    if (strcmp (*n, name) == 0)
      return true;
  strv_push (names, xstrdup (name));
  return true;
}

/* The names in REL of the lower tree and of every layer.  */
static char **
list_names (const struct overlay_ctx *c, const char *rel)
{
  char **names = xcalloc (1, sizeof (char *));

  for (size_t i = 0; i <= c->n_layers; i++)
    {
      int fd = lower_open (c, i, rel, O_RDONLY | O_DIRECTORY);

      if (fd >= 0)
        each_name (fd, add_name, &names);
    }
  return names;
}

/* The top-most copy of REL among the layers and the lower tree: an O_PATH fd on it (a
   symlink itself), or -1.  */
static int
find_lower (const struct overlay_ctx *c, const char *rel, struct stat *st)
{
  for (size_t i = 0; i <= c->n_layers; i++)
    {
      int fd = lower_open (c, i, rel, O_PATH | O_NOFOLLOW);

      if (fd >= 0 && fstat (fd, st) == 0)
        return fd;
      if (fd >= 0)
        (void) close (fd);
      if (errno != ENOENT)
        return -1;
    }
  return -1;
}

static bool
seen_name (const char *name, void *arg)
{
  (void) name;
  *(bool *) arg = true;
  return false;
}

/* REL of the lower tree, read once for is_empty_everywhere and folder_read_only when there
   are no layers (the common case): one open and one read of it instead of one each.  */
struct lower_dir
{
  bool read; /* false: not read here (layers): each reads for itself */
  int fd;    /* O_RDONLY | O_DIRECTORY; -1 when it could not be read (errnum) */
  int errnum;
  char *buf; /* its getdents64 records */
  size_t len;
};

static void
lower_dir_read (const struct overlay_ctx *c, const char *rel, struct lower_dir *d)
{
  size_t cap = 8192;

  *d = (struct lower_dir){ .read = true, .fd = -1 };
  d->fd = lower_open (c, c->n_layers, rel, O_RDONLY | O_DIRECTORY);
  if (d->fd < 0)
    {
      d->errnum = errno;
      return;
    }
  d->buf = xreallocarray (NULL, cap, 1);
  for (;;)
    {
      long n;

      if (cap - d->len < 4096)
        d->buf = xreallocarray (d->buf, cap *= 2, 1);
      n = syscall (SYS_getdents64, d->fd, d->buf + d->len, cap - d->len);
      if (n == 0)
        return;
      if (n < 0)
        {
          /* not known: taken as unreadable, which keeps the folder's overlay */
          d->errnum = errno;
          closep (&d->fd);
          return;
        }
      d->len += (size_t) n;
    }
}

/* FN (NAME, ARG) for each entry D holds but "." and "..", until FN returns false.  */
static void
lower_dir_each (const struct lower_dir *d, bool (*fn) (const char *name, void *arg), void *arg)
{
  for (size_t off = 0; off < d->len;)
    {
      const struct dirent64 *de = (const struct dirent64 *) (d->buf + off);

      off += de->d_reclen;
      if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0 && !fn (de->d_name, arg))
        return;
    }
}

static void
lower_dir_free (struct lower_dir *d)
{
  closep (&d->fd);
  free (d->buf);
  d->buf = NULL;
}

/* REL has no entry in the lower tree nor in any layer.  A folder we cannot read is not
   known to be empty: it keeps its overlay.  */
static bool
is_empty_everywhere (const struct overlay_ctx *c, const char *rel, const struct lower_dir *d)
{
  if (d->read)
    {
      bool seen = false;

      if (d->fd < 0)
        return d->errnum == ENOENT || d->errnum == ENOTDIR || d->errnum == ELOOP;
      lower_dir_each (d, seen_name, &seen);
      return !seen;
    }
  for (size_t i = 0; i <= c->n_layers; i++)
    {
      int fd = lower_open (c, i, rel, O_RDONLY | O_DIRECTORY);
      bool seen = false;

      if (fd < 0)
        {
          if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
            continue; /* not in this layer */
          return false;
        }
      each_name (fd, seen_name, &seen);
      if (seen)
        return false;
    }
  return true;
}

/* ---------------------------------------------------------------- read-only folders

   A command that runs as the caller, with no capability, can write in the sandbox only what
   the caller could write on the host.  Over a folder of root's where the caller can write
   nothing, an overlay buys nothing and costs every lookup (1.46x the host on a tar of
   /usr/share, against 1.05x for a bind): auto binds such a folder read-only instead.  A
   folder stays copy-on-write when it, or an entry of its top level, is the caller's or
   writable by the caller (/home, /var for /var/tmp, /usr for a /usr/local of the staff
   group), when it holds the home or the working directory, or when a mount is to be made
   in it on a path that does not exist yet.  Deeper than its top level a folder is not
   read: what the caller may write further down in a folder of root's it cannot write
   (rare: a spool folder) is read-only inside, never written through.  */

/* Whether the command runs with the caller's rights and no more.  */
static bool
caller_rights_only (const struct overlay_ctx *c)
{
  const struct config *cfg = c->cfg;

  return cfg->overlay == OVERLAY_AUTO && c->engine == OVERLAY_AUTO && c->persist_fd < 0
         && c->n_layers == 0 && cfg->uid == (unsigned) cfg->caller_uid && cfg->caps == 0;
}

/* Whether the caller (EUID) owns NAME in DIR or may write it (by its mode, group or ACL).
   Most of a system folder's entries say no by their mode alone, and the system call is
   saved: without a write bit for the group (with an ACL, the group bits are its mask, which
   bounds every named user and group) nor for others, only the owner may write.  */
static bool
caller_may_write (int dir, const char *name, const struct stat *st, uid_t euid)
{
  if (st->st_uid == euid)
    return true;
  if (S_ISLNK (st->st_mode) || (st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
    return false;
  return faccessat (dir, name, W_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) == 0;
}

struct system_scan
{
  int dir;
  uid_t euid;
  bool mine; /* an entry is the caller's, or writable by the caller */
};

static bool
scan_entry (const char *name, void *arg)
{
  struct system_scan *s = arg;
  struct stat st;

  /* what cannot be looked at is taken as the caller's: the folder keeps its overlay */
  s->mine = fstatat (s->dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0
            || caller_may_write (s->dir, name, &st, s->euid);
  return !s->mine;
}

/* Whether PATH (absolute) is REL or below it.  */
static bool
path_in (const char *path, const char *rel)
{
  size_t n = strlen (rel);

  return path != NULL && path[0] == '/' && strncmp (path + 1, rel, n) == 0
         && (path[1 + n] == '\0' || path[1 + n] == '/');
}

/* Whether a mount of the sandbox is to be made in REL on a path the lower tree lacks.  */
static bool
mount_made_in (const struct overlay_ctx *c, const char *rel)
{
  const struct config *cfg = c->cfg;

  for (size_t i = 0; i < cfg->n_mounts + 1; i++)
    {
      const char *dst = i < cfg->n_mounts                                    ? cfg->mounts[i].dst
                        : cfg->home == HOME_PRIVATE && cfg->home_dir != NULL ? cfg->home_dir
                                                                             : NULL;
      cleanup_close int fd = -1;

      if (!path_in (dst, rel))
        continue;
      fd = lower_open (c, c->n_layers, dst + 1, O_PATH);
      if (fd < 0)
        return true;
    }
  for (size_t i = 0; i < cfg->n_desktop_binds; i++)
    if (path_in (cfg->desktop_binds[i].dst, rel))
      return true;
  return false;
}

/* Whether REL (a folder of the lower tree, ST; D: read by lower_dir_read) is one auto binds
   read-only.  */
static bool
folder_read_only (const struct overlay_ctx *c, const char *rel, const struct stat *st,
                  const struct lower_dir *d)
{
  const struct config *cfg = c->cfg;
  struct system_scan s = { .dir = d->fd, .euid = geteuid () };

  /* caller_rights_only: no layers, so D was read */
  if (!caller_rights_only (c) || !d->read || path_in (cfg->home_dir, rel) || path_in (cfg->cwd, rel)
      || mount_made_in (c, rel))
    return false;
  if (s.dir < 0)
    return d->errnum == EACCES && st->st_uid != s.euid; /* its entries are closed to us too */
  if (st->st_uid == s.euid || faccessat (s.dir, "", W_OK, AT_EACCESS | AT_EMPTY_PATH) == 0)
    return false;
  lower_dir_each (d, scan_entry, &s);
  return !s.mine;
}

/* REL of the lower tree (SRC: an O_PATH fd on it) bound on TARGET, read-only, nosuid and
   nodev as an overlay in the user namespace is: nothing gets through that the overlay kept
   out.  */
static int
bind_dir_ro (int src, const char *target, const char *rel, struct sb_error **err)
{
  struct sb_mount_attr attr
      = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
  cleanup_close int tree = -1;
  cleanup_close int to = -1;

  tree = sys_open_tree (src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return sb_error_set (err, errno, "clone '/%s'", rel);
  if (sys_mount_setattr (tree, "", AT_EMPTY_PATH, &attr) < 0)
    return sb_error_set (err, errno, "make '/%s' read-only", rel);
  to = open (target, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (to < 0
      || sys_move_mount (tree, "", to, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return sb_error_set (err, errno, "bind '/%s'", rel);
  log_debug ("overlay: '/%s' bound read-only: nothing in it is yours or writable by you", rel);
  return 0;
}

static int assemble (struct overlay_ctx *c, const char *rel, int depth, struct sb_error **err);

static int
assemble_entry (struct overlay_ctx *c, const char *rel, int depth, struct sb_error **err)
{
  cleanup_free char *target = join (OVERLAY_ROOT, rel);
  cleanup_free char *real = join (c->base_real, rel);
  cleanup_close int src = -1;
  struct lower_dir d = { .fd = -1 };
  struct stat st;
  const char *type;
  mode_t made;
  int r;

  if (depth == 0 && is_fresh (rel))
    {
      if (mkdir (target, 0755) < 0)
        return sb_error_set (err, errno, "mkdir '/%s'", rel);
      return 0;
    }
  src = find_lower (c, rel, &st);
  if (src < 0)
    return 0; /* gone since we listed it, or hidden */
  if (S_ISLNK (st.st_mode))
    {
      char link[PATH_MAX];
      ssize_t n = readlinkat (src, "", link, sizeof link - 1);

      if (n < 0)
        return sb_error_set (err, errno, "readlink '/%s'", rel);
      link[n] = '\0';
      if (symlink (link, target) < 0)
        return sb_error_set (err, errno, "symlink '/%s'", rel);
      own_like (target, &st);
      return 0;
    }
  if (!S_ISDIR (st.st_mode))
    return bind_file_ro (src, target, err);
  made = mkdir_like (target, &st);
  if (made == (mode_t) -1)
    return sb_error_set (err, errno, "mkdir '/%s'", rel);
  own_like_made (target, &st, made);
  type = mount_type_at (c, real);
  if (type != NULL && is_pseudo (type))
    return 0; /* made fresh, or left empty */
  if (has_mount_below (c, real))
    return assemble (c, rel, depth + 1, err);
  if (c->n_layers == 0 && (c->persist_fd < 0 || caller_rights_only (c)))
    lower_dir_read (c, rel, &d);
  /* an empty folder (/srv, /media, often /boot) is the same as an overlay of it: writes
     land on the ephemeral tmpfs either way, and the mount, about 0.15 ms with its
     teardown, is saved.  With --persist the writes must reach the upper folder.  */
  if (c->persist_fd < 0 && is_empty_everywhere (c, rel, &d))
    r = 0;
  else if (folder_read_only (c, rel, &st, &d))
    r = bind_dir_ro (src, target, rel, err);
  else
    r = mount_overlay (c, rel, &st, err);
  lower_dir_free (&d);
  return r;
}

static int
assemble (struct overlay_ctx *c, const char *rel, int depth, struct sb_error **err)
{
  cleanup_strv char **names = list_names (c, rel);

  if (depth > MAX_DEPTH)
    return sb_error_set (err, 0, "'/%s': mounts nested too deep", rel);
  for (char **n = names; *n != NULL; n++)
    {
      cleanup_free char *sub = *rel ? join (rel, *n) : xstrdup (*n);

      if (assemble_entry (c, sub, depth, err) < 0)
        return -1;
    }
  return 0;
}

int
overlay_kernel_root (struct overlay_ctx *c, struct sb_error **err)
{
  /* a lower tree without mounts below it is one overlay, its top level copy-on-write too */
  if (strcmp (c->base_real, "/") != 0 && !has_mount_below (c, c->base_real))
    return mount_overlay (c, "", NULL, err);
  /* the top level: OVERLAY_ROOT itself, a folder of the pool, made a mount for pivot_root */
  if (do_mount (OVERLAY_ROOT, OVERLAY_ROOT, MS_BIND, err) < 0)
    return -1;
  (void) lchown (OVERLAY_ROOT, 0, 0);
  return assemble (c, "", 0, err);
}
