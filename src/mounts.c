/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mounts.c: pid 1's mounts on the new root after its lower tree (see mounts.h).  Targets
   are opened inside the root (inroot.c) and mounted on by fd: a symlink in a --rootfs or a
   --layer, or one swapped in meanwhile, cannot aim a mount at the host.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "binds.h"
#include "config.h"
#include "error.h"
#include "inroot.h"
#include "log.h"
#include "mounts.h"
#include "syscalls.h"
#include "util.h"

static void
fd_path (int fd, char buf[static 32])
{
  snprintf (buf, 32, "/proc/self/fd/%d", fd);
}

static int
mount_at (const char *src, int target, const char *type, unsigned long flags, const char *data,
          const char *what, struct sb_error **err)
{
  char p[32];

  fd_path (target, p);
  if (mount (src, p, type, flags, data) < 0)
    return sb_error_set (err, errno, "mount %s on '%s'", type ? type : src, what);
  return 0;
}

void
mounts_pool_opts (const struct config *cfg, char *buf, size_t len)
{
  uint64_t inodes = cfg->ephemeral_bytes / 4096;

  /* as many inodes as a tmpfs has by default for that size: empty files cannot fill the
     kernel's memory either */
  snprintf (buf, len, "size=%llu,nr_inodes=%llu", (unsigned long long) cfg->ephemeral_bytes,
            (unsigned long long) (inodes < 1024 ? 1024 : inodes));
}

/* A folder NAME of the pool bound on TARGET: it starts as a fresh tmpfs would, empty, ours,
   MODE, and counts against --ephemeral-size with the rest of the pool.  */
static int
pool_bind (const char *name, mode_t mode, int target, const char *what, struct sb_error **err)
{
  char src[64];

  snprintf (src, sizeof src, MOUNTS_POOL "/%s", name);
  if (mkdir (src, mode) < 0 || chmod (src, mode) < 0)
    return sb_error_set (err, errno, "mkdir '%s'", src);
  return mount_at (src, target, NULL, MS_BIND, NULL, what, err);
}

/* A top-level folder for a fresh file system: never a symlink, which could aim the mount at
   the host (a --rootfs or layer may hold anything).  */
static int
fresh_dir (int root, const char *name, struct sb_error **err)
{
  int fd = inroot_open_beneath (root, name, O_PATH | O_DIRECTORY);

  if (fd < 0 && errno == ENOENT)
    {
      /* NAME is one component, made in the root's own fd */
      if (mkdirat (root, name, 0755) < 0)
        return sb_error_set (err, errno, "mkdir '/%s'", name);
      fd = inroot_open_beneath (root, name, O_PATH | O_DIRECTORY);
    }
  if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
    return sb_error_set (err, 0,
                         "the new root's '/%s' is not a folder (a symlink?): it gets a fresh "
                         "file system, and a link could aim it elsewhere",
                         name);
  if (fd < 0)
    return sb_error_set (err, errno, "open '/%s' inside", name);
  return fd;
}

/* The file system just mounted on top of ROOT/NAME: ours, whatever was below.  */
static int
reopen_fresh (int root, const char *name, unsigned long magic, struct sb_error **err)
{
  cleanup_close int fd = inroot_open_beneath (root, name, O_PATH | O_DIRECTORY);
  struct statfs sf;

  if (fd < 0 || fstatfs (fd, &sf) < 0)
    return sb_error_set (err, errno, "open '/%s' inside", name);
  if ((unsigned long) sf.f_type != magic)
    return sb_error_set (err, 0, "'/%s' inside is not the file system just mounted", name);
  return steal_fd (&fd);
}

static int
setup_dev (int dev, struct sb_error **err)
{
  static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
  static const char *const links[][2] = {
    { "pts/ptmx", "ptmx" },          { "/proc/self/fd", "fd" },
    { "/proc/self/fd/0", "stdin" },  { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" },
  };
  char src[64];

  for (size_t i = 0; i < sizeof devices / sizeof *devices; i++)
    {
      cleanup_close int target = -1;
      int fd = openat (dev, devices[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);

      if (fd < 0)
        return sb_error_set (err, errno, "create '/dev/%s'", devices[i]);
      (void) close (fd);
      target = openat (dev, devices[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
      snprintf (src, sizeof src, "/dev/%s", devices[i]);
      if (target < 0 || mount_at (src, target, NULL, MS_BIND, NULL, src, err) < 0)
        return target < 0 ? sb_error_set (err, errno, "open '%s'", src) : -1;
    }
  if (mkdirat (dev, "pts", 0755) < 0 || mkdirat (dev, "shm", 01777) < 0)
    return sb_error_set (err, errno, "mkdir in /dev");
  {
    cleanup_close int pts = openat (dev, "pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    cleanup_close int shm = openat (dev, "shm", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (pts < 0 || shm < 0)
      return sb_error_set (err, errno, "open in /dev");
    /* a new devpts instance: the sandbox sees only its own terminals */
    if (mount_at ("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC,
                  "newinstance,ptmxmode=0666,mode=620", "/dev/pts", err)
            < 0
        || pool_bind ("shm", 01777, shm, "/dev/shm", err) < 0)
      return -1;
  }
  for (size_t i = 0; i < sizeof links / sizeof *links; i++)
    if (symlinkat (links[i][0], dev, links[i][1]) < 0)
      return sb_error_set (err, errno, "symlink '/dev/%s'", links[i][1]);
  return 0;
}

static int
setup_sys (int root, int sys)
{
  const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  cleanup_close int cg = -1;
  char p[32];

  /* a fresh sysfs shows the new network namespace's devices only.  The kernel refuses it
     in a network namespace that is not ours (--net host, an OCI engine's joined by path):
     the host's /sys then, read-only with what is mounted below it, as crun does; failing
     that, /sys stays as the lower tree has it */
  fd_path (sys, p);
  if (mount ("sysfs", p, "sysfs", ro, NULL) < 0)
    {
      struct sb_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID
                                                | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
      cleanup_close int tree = -1;

      log_debug ("mount sysfs: %s; binding the host's /sys", strerror (errno));
      tree = sys_open_tree (AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      if (tree < 0 || sys_mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0
          || sys_move_mount (tree, "", sys, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
                 < 0)
        log_debug ("bind the host's /sys: %s", strerror (errno));
      return 0;
    }
  /* the cgroup namespace makes our own cgroup the root of this view */
  cg = inroot_open (root, "/sys/fs/cgroup", O_DIRECTORY);
  fd_path (cg, p);
  if (cg < 0 || mount ("cgroup2", p, "cgroup2", ro, NULL) < 0)
    log_debug ("mount cgroup2: %s", strerror (errno));
  return 0;
}

int
mounts_setup_pseudo (int root, bool tmp_run, struct sb_error **err)
{
  static const char *const names[] = { "proc", "sys", "dev", "tmp", "run" };
  size_t n = tmp_run ? 5 : 3;
  int fds[5];
  int r = -1;

  for (size_t i = 0; i < 5; i++)
    fds[i] = -1;
  for (size_t i = 0; i < n; i++)
    if ((fds[i] = fresh_dir (root, names[i], err)) < 0)
      goto out;
  if (mount_at ("proc", fds[0], "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, "/proc", err) < 0
      || setup_sys (root, fds[1]) < 0
      || mount_at ("tmpfs", fds[2], "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k", "/dev",
                   err)
             < 0
      || (tmp_run && pool_bind ("tmp", 01777, fds[3], "/tmp", err) < 0)
      || (tmp_run && pool_bind ("run", 0755, fds[4], "/run", err) < 0))
    goto out;
  {
    cleanup_close int dev = reopen_fresh (root, "dev", TMPFS_MAGIC, err);

    if (dev < 0 || setup_dev (dev, err) < 0)
      goto out;
  }
  r = 0;
out:
  for (size_t i = 0; i < 5; i++)
    if (fds[i] >= 0)
      (void) close (fds[i]);
  return r;
}

/* DST inside, made when missing (in the writable layer); WHAT names it for errors.  */
static int
destination (int root, const char *dst, bool dir, const char *what, struct sb_error **err)
{
  int fd = inroot_make (root, dst, dir, dir ? 0755 : 0644);

  if (fd < 0 && errno == EROFS)
    return sb_error_set (err, 0,
                         "%s: the destination '%s' is missing, and it would be on a read-only "
                         "mount; make it in a --layer, or use one below /tmp",
                         what, dst);
  if (fd < 0)
    return sb_error_set (err, errno, "%s: destination '%s'", what, dst);
  return fd;
}

static int
move_tree (int tree, int target, bool ro, const char *what, struct sb_error **err)
{
  struct sb_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

  if (ro && sys_mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0)
    return sb_error_set (err, errno, "%s: make read-only", what);
  if (sys_move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return sb_error_set (err, errno, "%s: mount", what);
  return 0;
}

/* Empty and unreadable: a mode-000 tmpfs on a folder, our own empty file (mode 000) bound
   read-only on anything else, never a file of the new root.  A path that does not exist has
   nothing to hide.  */
static int
do_mask (int root, const char *dst, int empty, const char *what, struct sb_error **err)
{
  cleanup_close int target = inroot_open (root, dst, 0);
  cleanup_close int tree = -1;
  struct stat st;

  if (target < 0)
    return errno == ENOENT ? 0 : sb_error_set (err, errno, "%s", what);
  if (fstat (target, &st) < 0)
    return sb_error_set (err, errno, "%s", what);
  if (S_ISDIR (st.st_mode))
    return mount_at ("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                     "mode=000,size=4k", what, err);
  tree = sys_open_tree (empty, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return sb_error_set (err, errno, "%s: clone the empty file", what);
  return move_tree (tree, target, true, what, err);
}

/* OCI's defaults: what the kernel shows of the host's hardware and memory is hidden, and its
   knobs are read-only (root inside holds capabilities over this user namespace).  */
static int
setup_kernel_masks (int root, int empty, struct sb_error **err)
{
  static const char *const masked[]
      = { "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
          "/proc/scsi",  "/proc/acpi", "/sys/firmware" };
  static const char *const readonly[]
      = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus" };

  for (size_t i = 0; i < sizeof masked / sizeof *masked; i++)
    if (do_mask (root, masked[i], empty, masked[i], err) < 0)
      return -1;
  for (size_t i = 0; i < sizeof readonly / sizeof *readonly; i++)
    {
      cleanup_close int target = inroot_open (root, readonly[i], 0);
      cleanup_close int tree = -1;

      if (target < 0 && errno == ENOENT)
        continue;
      if (target >= 0)
        tree = sys_open_tree (target, "",
                              OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
      if (target < 0 || tree < 0)
        return sb_error_set (err, errno, "open '%s'", readonly[i]);
      if (move_tree (tree, target, true, readonly[i], err) < 0)
        return -1;
    }
  return 0;
}

int
mounts_setup_user (const struct config *cfg, int root, const int *trees, int empty,
                   struct sb_error **err)
{
  char opts[192], size[96];

  /* each its own tmpfs, of the ephemeral bound too */
  mounts_pool_opts (cfg, size, sizeof size);
  if (cfg->home == HOME_PRIVATE && cfg->home_dir != NULL)
    {
      cleanup_close int target = destination (root, cfg->home_dir, true, "--home private", err);

      snprintf (opts, sizeof opts, "mode=0700,uid=%u,gid=%u,%s", cfg->uid, cfg->gid, size);
      if (target < 0
          || mount_at ("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, opts, "--home private", err)
                 < 0)
        return -1;
    }
  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      const struct mount_op *op = &cfg->mounts[i];
      char what[PATH_MAX + 32];

      switch (op->kind)
        {
        case MOUNT_BIND:
        case MOUNT_RO_BIND:
        case MOUNT_DEVICE:
          if (binds_attach (root, trees[i], op, err) < 0)
            return -1;
          break;
        case MOUNT_TMPFS:
          {
            cleanup_close int target = -1;

            snprintf (what, sizeof what, "--tmpfs '%s'", op->arg);
            snprintf (opts, sizeof opts, "mode=0755,uid=%u,gid=%u,%s", cfg->uid, cfg->gid, size);
            target = destination (root, op->dst, true, what, err);
            if (target < 0
                || mount_at ("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, opts, what, err) < 0)
              return -1;
            break;
          }
        case MOUNT_MASK:
          snprintf (what, sizeof what, "--mask '%s'", op->arg);
          if (do_mask (root, op->dst, empty, what, err) < 0)
            return -1;
          break;
        }
    }
  return setup_kernel_masks (root, empty, err);
}
