/* SPDX-License-Identifier: GPL-2.0-or-later */
/* binds.c: the host folders and files a sandbox gets (see binds.h).

   The rules, each a class of escape shown against this project:
   - no bind's source is the home, an ancestor of it or / (a profile variable resolving to
     the home bound all of it), except the home itself with --home host;
   - a read-write one is an ordinary folder or file: never /tmp, /var/tmp, anything at or
     below /dev, /proc, /sys, /run or $XDG_RUNTIME_DIR, nor a pseudo file system (the
     session's sockets live there);
   - the working directory is bound only when it passes these, is not inside the sandbox's
     own configuration or data, and holds no socket;
   - folders are compared by (device, inode), never by spelling;
   - a symlink that a sandbox could have planted does not redirect a source (hostpath.c),
     and pid 1 binds the very file the launcher checked.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binds.h"
#include "config.h"
#include "error.h"
#include "hostpath.h"
#include "inroot.h"
#include "log.h"
#include "protect.h"
#include "syscalls.h"
#include "util.h"

bool
binds_is_rw (const struct mount_op *op)
{
  return op->kind == MOUNT_BIND;
}

/* mkdir -p of a --whitelist path below the home, a program's own folder on its first run
   (firejail's whitelist does the same): the existing part resolved as any source is, the
   rest made by fd, mode 0700, never through a symlink.  */
static int
make_home_folder (const struct host_ids *ids, const char *path)
{
  cleanup_free char *p = xstrdup (path);
  cleanup_free char *real = NULL;
  cleanup_free char *rel = NULL;
  cleanup_close int fd = -1;
  struct sb_error *e = NULL;
  struct stat st;
  char *rest = NULL;

  while (lstat (p, &st) < 0 && errno == ENOENT)
    {
      char *slash = strrchr (p, '/');

      if (slash == NULL || slash == p)
        return -1;
      if (rest != NULL)
        rest[-1] = '/';
      *slash = '\0';
      rest = slash + 1;
    }
  if (rest == NULL)
    return 0;
  fd = hostpath_resolve (ids, "", p, &real, &e);
  sb_error_free (&e);
  if (fd < 0 || !hostpath_below (&ids->home, real, &rel))
    return -1;
  {
    int made = inroot_dir_beneath (fd, rest, 0700);

    if (made < 0)
      return -1;
    (void) close (made);
  }
  return 0;
}

/* Resolves OP's source and checks it; *RET_DROP: a -try source that does not exist.  */
static int
plan_source (struct config *cfg, const struct host_ids *ids, struct mount_op *op, bool *ret_drop,
             struct sb_error **err)
{
  cleanup_free char *real = NULL;
  cleanup_close int fd = -1;
  struct sb_error *e = NULL;
  struct stat st;
  enum home_rel rel;

  *ret_drop = false;
  if (asprintf (&op->what, "--%s '%s'", op->opt, op->arg) < 0)
    oom ();
  fd = hostpath_resolve (ids, op->what, op->src, &real, &e);
  if (fd < 0 && e->errnum == ENOENT && strcmp (op->opt, "whitelist") == 0
      && make_home_folder (ids, op->src) == 0)
    {
      sb_error_free (&e);
      fd = hostpath_resolve (ids, op->what, op->src, &real, &e);
    }
  if (fd < 0 && op->try && e->errnum == ENOENT)
    {
      log_debug ("%s: no such source, skipped", op->what);
      sb_error_free (&e);
      *ret_drop = true;
      return 0;
    }
  if (fd < 0)
    {
      *err = e;
      return -1;
    }
  if (fstat (fd, &st) < 0)
    return sb_error_set (err, errno, "%s", op->what);
  /* an OCI engine's mount is its own decision (podman binds its run folder's files) */
  rel = op->engine ? HOME_REL_NONE : hostpath_home_rel (ids, &st);
  if (rel == HOME_REL_HOME && cfg->home != HOME_HOST)
    return sb_error_set (err, 0,
                         "%s: is your home folder; bind a folder inside it, or share all of "
                         "it with --home host",
                         op->what);
  if (rel == HOME_REL_ABOVE)
    return sb_error_set (err, 0, "%s: holds your home folder; bind a folder inside it", op->what);
  if (binds_is_rw (op) && !op->engine && hostpath_is_system (ids, fd))
    return sb_error_set (err, 0,
                         "%s: a system or session folder is never bound read-write; "
                         "--ro-bind it (devices and sockets work through that too)",
                         op->what);
  if (strcmp (op->src, op->dst) == 0) /* DST implied: the path as written, made absolute */
    {
      free (op->dst);
      op->dst = path_clean (cfg->cwd, op->src);
    }
  free (op->src);
  op->src = steal_ptr (&real);
  op->src_dev = st.st_dev;
  op->src_ino = st.st_ino;
  return 0;
}

/* A socket right in FD's folder: a server of the session (tmux, ssh-agent, an X server,
   emacs) listens there, and a read-write bind would let the sandbox connect.  */
static bool
holds_socket (int fd)
{
  int dfd = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dfd >= 0 ? fdopendir (dfd) : NULL;
  struct dirent *de;
  bool found = false;

  if (d == NULL)
    {
      if (dfd >= 0)
        (void) close (dfd);
      return false; /* unreadable: the command cannot list it either */
    }
  while (!found && (de = readdir (d)) != NULL)
    {
      struct stat st;

      if (de->d_type == DT_SOCK)
        found = true;
      else if (de->d_type == DT_UNKNOWN)
        found = fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
                && S_ISSOCK (st.st_mode);
    }
  closedir (d);
  return found;
}

static void
push_front (struct config *cfg, struct mount_op *op)
{
  cfg->mounts = xreallocarray (cfg->mounts, cfg->n_mounts + 1, sizeof *cfg->mounts);
  memmove (cfg->mounts + 1, cfg->mounts, cfg->n_mounts * sizeof *cfg->mounts);
  cfg->mounts[0] = *op;
  cfg->n_mounts++;
}

/* The working directory: bound read-write when it is an ordinary folder.  */
static int
plan_cwd (struct config *cfg, const struct host_ids *ids, const struct protect_folders *folders,
          struct sb_error **err)
{
  cleanup_close int fd = -1;
  struct mount_op op = { .kind = MOUNT_BIND, .opt = "bind" };
  struct path_chain chain;
  const char *why = NULL;
  struct stat st;
  enum home_rel rel;

  if (cfg->overlay == OVERLAY_NONE || cfg->overlay == OVERLAY_BIND || cfg->no_bind_cwd
      || cfg->cwd == NULL)
    return 0;
  fd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) < 0)
    return sb_error_set (err, errno, "working directory");
  rel = hostpath_home_rel (ids, &st);
  if (rel == HOME_REL_HOME && cfg->home == HOME_HOST)
    return 0; /* bound with the home */
  if (rel != HOME_REL_NONE)
    {
      /* its changes are discarded: workdir.c counts them at the end, and says so then */
      cfg->report_cwd_changes
          = cfg->persist == NULL && !(rel == HOME_REL_HOME && cfg->home == HOME_PRIVATE);
      return 0;
    }
  /* getcwd's path is canonical: its prefixes are its ancestors */
  hostpath_chain (cfg->cwd, &chain);
  if (hostpath_chain_is_system (ids, &chain, fd))
    why = "it is a system or session folder";
  else if (protect_is_inside (folders, &chain))
    why = "it holds the sandbox's own configuration or data";
  hostpath_chain_free (&chain);
  if (why == NULL && holds_socket (fd))
    why = "it holds a socket, which a server of your session may listen on";
  if (why != NULL)
    {
      log_notice ("the working directory '%s' is not bound: %s; its changes stay inside", cfg->cwd,
                  why);
      return 0;
    }
  op.arg = xstrdup (cfg->cwd);
  op.src = xstrdup (cfg->cwd);
  op.dst = xstrdup (cfg->cwd);
  if (asprintf (&op.what, "the working directory '%s'", cfg->cwd) < 0)
    oom ();
  op.src_dev = st.st_dev;
  op.src_ino = st.st_ino;
  push_front (cfg, &op);
  return 0;
}

static int
plan_home (struct config *cfg, const struct host_ids *ids, struct sb_error **err)
{
  struct mount_op op = { .kind = MOUNT_BIND, .opt = "home" };
  cleanup_close int fd = -1;
  struct stat st;

  if (cfg->home != HOME_HOST || cfg->home_dir == NULL)
    return 0;
  op.what = xstrdup ("--home host");
  fd = hostpath_resolve (ids, op.what, cfg->home_dir, &op.src, err);
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      free (op.what);
      return fd < 0 ? -1 : sb_error_set (err, errno, "--home host");
    }
  op.arg = xstrdup ("host");
  op.dst = xstrdup (cfg->home_dir);
  op.src_dev = st.st_dev;
  op.src_ino = st.st_ino;
  push_front (cfg, &op);
  return 0;
}

static void
mount_op_free (struct mount_op *op)
{
  free (op->arg);
  free (op->src);
  free (op->dst);
  free (op->what);
}

int
binds_plan (struct config *cfg, const struct host_ids *ids, struct sb_error **err)
{
  struct protect_folders *folders;
  int r;

  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      struct mount_op *op = &cfg->mounts[i];
      bool drop;

      if (op->src == NULL)
        continue;
      if (plan_source (cfg, ids, op, &drop, err) < 0)
        return -1;
      if (drop)
        {
          mount_op_free (op);
          memmove (op, op + 1, (cfg->n_mounts - i - 1) * sizeof *op);
          cfg->n_mounts--;
          i--;
        }
    }
  folders = protect_folders_new (cfg);
  /* pid 1 mounts in order: the working directory over the home, the options over both */
  r = plan_cwd (cfg, ids, folders, err) < 0 || plan_home (cfg, ids, err) < 0
          ? -1
          : protect_plan (cfg, folders, err);
  protect_folders_free (folders);
  return r;
}

/* ---------------------------------------------------------------- pid 1 */

int
binds_open (const struct mount_op *op, struct sb_error **err)
{
  /* the launcher's canonical path, in our own mount namespace now: no symlink may be on
     it, and it must still be the file the launcher checked */
  cleanup_close int fd = sys_openat2 (AT_FDCWD, op->src, O_PATH | O_CLOEXEC,
                                      RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  struct stat st;
  int tree;

  if (fd < 0 || fstat (fd, &st) < 0)
    return sb_error_set (err, errno, "%s", op->what);
  if (st.st_dev != op->src_dev || st.st_ino != op->src_ino)
    return sb_error_set (err, 0, "%s: '%s' was replaced while the sandbox started", op->what,
                         op->src);
  tree = sys_open_tree (fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
  if (tree < 0)
    return sb_error_set (err, errno, "%s", op->what);
  return tree;
}

int
binds_attach (int root, int tree, const struct mount_op *op, struct sb_error **err)
{
  struct sb_mount_attr attr = { 0 };
  cleanup_close int target = -1;
  struct stat st;

  if (fstat (tree, &st) < 0)
    return sb_error_set (err, errno, "%s", op->what);
  target = inroot_make (root, op->dst, S_ISDIR (st.st_mode), S_ISDIR (st.st_mode) ? 0755 : 0644);
  if (target < 0 && errno == EROFS)
    return sb_error_set (err, 0,
                         "%s: the destination '%s' is missing, and it would be on a "
                         "read-only mount; make it in a --layer, or bind below /tmp",
                         op->what, op->dst);
  if (target < 0)
    return sb_error_set (err, errno, "%s: destination '%s'", op->what, op->dst);
  /* a read-write bind runs nothing setuid and opens no device: files the sandbox wrote; a
     device bind is the one node, read-only (writing to a device is not writing its inode) */
  attr.attr_set = binds_is_rw (op) ? MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV : MOUNT_ATTR_RDONLY;
  if (op->kind == MOUNT_DEVICE)
    {
      if (S_ISDIR (st.st_mode) || S_ISREG (st.st_mode) || S_ISLNK (st.st_mode))
        return sb_error_set (err, 0, "%s: '%s' is not a device", op->what, op->src);
      attr.attr_set |= MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
    }
  if (sys_mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0)
    return sb_error_set (err, errno, "%s: set its mount flags", op->what);
  if (sys_move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return sb_error_set (err, errno, "%s: mount", op->what);
  return binds_is_rw (op) ? protect_apply (tree, op, err) : 0;
}
