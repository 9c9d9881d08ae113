/* SPDX-License-Identifier: GPL-2.0-or-later */
/* overlay-fuse.c: the copy-on-write root through fuse-overlayfs.  pid 1 mounts the FUSE
   file system itself (so no wait for "mounted" is needed: requests block until the server
   answers) and hands the /dev/fuse fd to the launcher, whose child serves it from outside the
   sandbox's pid namespace.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "helper.h"
#include "log.h"
#include "overlay-internal.h"
#include "overlay.h"
#include "syscalls.h"
#include "unreadable.h"
#include "util.h"

/* the lower tree, the layers, a persistent upper and work, /dev/fuse */
#define MAX_FUSE_FDS 72

int
overlay_fuse_check (const struct config *cfg, struct sb_error **err)
{
  if (cfg->fuse_overlayfs == NULL)
    return sb_error_set (err, 0,
                         "fuse-overlayfs not found: install the fuse-overlayfs package "
                         "(or use --overlay kernel)");
  if (access ("/dev/fuse", R_OK | W_OK) < 0)
    return sb_error_set (err, 0,
                         "/dev/fuse: %s: let users open it (chmod 0666 /dev/fuse, as "
                         "the fuse3 package's udev rule does), or use --overlay kernel",
                         strerror (errno));
  return 0;
}

/* Checks that the helper and /dev/fuse are usable, opens /dev/fuse and mounts a FUSE file
   system on TARGET.  Returns the device fd: the launcher's helper serves it.  Requests on
   TARGET wait until the helper answers.  */
static int
mount_fuse (const struct config *cfg, const char *target, struct sb_error **err)
{
  cleanup_close int fd = -1;
  cleanup_free char *opts = NULL;

  if (overlay_fuse_check (cfg, err) < 0)
    return -1;
  fd = open ("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return sb_error_set (err, errno, "open '/dev/fuse'");
  /* allow_other: the command may run as another id than the mounter; default_permissions:
     the kernel checks modes, fuse-overlayfs (root inside) would allow everything.  The
     owner is our own id here: 0 is unmapped in a one-id map.  */
  opts = fuse_mount_opts (fd, ",default_permissions");
  if (mount ("fuse-overlayfs", target, "fuse.fuse-overlayfs", MS_NOSUID | MS_NODEV, opts) < 0)
    return sb_error_set (err, errno, "mount fuse on '%s'", target);
  return steal_fd (&fd);
}

int
overlay_fuse_root (struct overlay_ctx *c, struct sb_error **err)
{
  /* the launcher starts fuse-overlayfs on it (init.c sends it); until then requests on
     OVERLAY_ROOT wait */
  c->fuse_fd = mount_fuse (c->cfg, OVERLAY_ROOT, err);
  return c->fuse_fd < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- the helper */

/* What the helper keeps and how its hook prepares it, made by the launcher: the hook runs
   in a child that shares our memory (helper.c), system calls only.  */
struct fuse_start
{
  const struct config *cfg;
  int userns_fd;
  int fds[MAX_FUSE_FDS]; /* kept across exec: the lower folders, a persistent upper and
                            work, the /dev/fuse fd */
  size_t n_fds;
  char tmpfs_opts[128]; /* the ephemeral upper's tmpfs; "" with --persist */
  const char *tmpfs_at; /* where it is mounted: a folder no lower folder is below */
  char upper[64], work[64];
  bool own;       /* the owner and mode of the lower root, which the overlay's root */
  uid_t root_uid; /* shows: the ephemeral upper folder gets them */
  gid_t root_gid;
  mode_t root_mode;
  int persist_upper; /* an O_PATH fd on the --persist folder's upper, or -1 */
  bool root_inside;  /* --uid 0: UNREAD is made in the upper folder */
  struct unreadable_list unread;
};

/* An fd on PATH the helper keeps, and its "/proc/self/fd/N" for fuse-overlayfs's options.
   PATH is canonical (the launcher resolved it): no symlink may be on it now, and a persist
   folder's upper or work that a sandbox replaced by one is refused, not followed.  */
static char *
keep_dir (struct fuse_start *f, const char *path, struct sb_error **err)
{
  int fd;
  char *p;

  if (f->n_fds >= MAX_FUSE_FDS - 1)
    {
      sb_error_set (err, 0, "fuse-overlayfs: too many layers");
      return NULL;
    }
  fd = sys_openat2 (AT_FDCWD, path, O_PATH | O_DIRECTORY | O_CLOEXEC,
                    RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    {
      sb_error_set (err, errno, "open '%s'", path);
      return NULL;
    }
  f->fds[f->n_fds++] = fd;
  if (asprintf (&p, "/proc/self/fd/%d", fd) < 0)
    oom ();
  return p;
}

/* Whether PATH (canonical) is DIR or below it.  */
static bool
path_below (const char *path, const char *dir)
{
  size_t n = strlen (dir);

  return path != NULL && strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Where the helper mounts its ephemeral upper's tmpfs, in its own mount namespace: a
   folder that no lower folder is in.  fuse-overlayfs resolves the "/proc/self/fd/N" it is
   given to a path and opens that path again, so a lower folder below the tmpfs (a --rootfs
   or --layer under /tmp) would be hidden from it: its requests then end with ENOTCONN.  */
static const char *
tmpfs_place (const struct config *cfg)
{
  static const char *const places[] = { "/tmp", "/var/tmp", "/dev/shm", "/mnt", "/run" };
  struct stat st;

  for (size_t i = 0; i < sizeof places / sizeof *places; i++)
    {
      bool used = path_below (cfg->rootfs, places[i]);

      for (char **l = cfg->layers; !used && l != NULL && *l != NULL; l++)
        used = path_below (*l, places[i]);
      if (!used && stat (places[i], &st) == 0 && S_ISDIR (st.st_mode))
        return places[i];
    }
  return NULL;
}

/* Root inside (--uid 0): the ids fuse-overlayfs shows.  It runs as root of the sandbox's
   user namespace and sees a file of an owner that namespace does not map, the host's root
   above all, as the overflow id 65534 (nobody): dpkg, apt and useradd then meet /etc and
   /var/lib/dpkg owned by nobody.  Its uidmapping (an id it sees, HOST, is shown as TO; a
   file made by TO gets HOST; the last triple given is tried first) shows those files as
   root's.  The inside ids keep their own number, but nobody (65534), which needs another
   id on disk to stay apart from the unmapped owners: 65535, whose own files then show as
   root's (an id that no Debian or Fedora user has).  The namespace maps the caller's own
   id to 0, and nothing here reaches the host's root: fuse-overlayfs reads and writes as
   before, with the caller's rights, and the kernel checks the modes it shows.  */
#define ID_TRIPLES "65535:65534:1:65534:0:1:65536:65536:4294836224:1:1:65533:0:0:1"
#define ROOT_MAPPING ",uidmapping=" ID_TRIPLES ",gidmapping=" ID_TRIPLES

/* fuse-overlayfs's -o: the lower folders top first, the upper and work folders.  */
static char *
fuse_opts (struct fuse_start *f, struct sb_error **err)
{
  const struct config *cfg = f->cfg;
  cleanup_free char *lowers = keep_dir (f, cfg->rootfs ? cfg->rootfs : "/", err);
  cleanup_free char *upper = NULL, *work = NULL;
  char *opts;

  if (lowers == NULL)
    return NULL;
  for (char **l = cfg->layers; l != NULL && *l != NULL; l++)
    {
      cleanup_free char *fd = keep_dir (f, *l, err);
      char *joined;

      if (fd == NULL)
        return NULL;
      if (asprintf (&joined, "%s:%s", fd, lowers) < 0)
        oom ();
      free (lowers);
      lowers = joined;
    }
  if (cfg->persist != NULL)
    {
      cleanup_free char *u = NULL, *w = NULL;

      if (asprintf (&u, "%s/upper", cfg->persist) < 0 || asprintf (&w, "%s/work", cfg->persist) < 0)
        oom ();
      upper = keep_dir (f, u, err);
      f->persist_upper = upper != NULL ? f->fds[f->n_fds - 1] : -1;
      work = upper != NULL ? keep_dir (f, w, err) : NULL;
      if (work == NULL)
        return NULL;
    }
  /* static_nlink: a folder's link count is 1, as btrfs reports it and as find(1) takes for
     "unknown".  Without it fuse-overlayfs counts the subfolders of every layer at each stat
     of a folder, reading whole folders: the first exec through it (ld.so walking
     /usr/lib/x86_64-linux-gnu) took 45 ms instead of 3, and `sandbox --uid 0 true` 87 ms
     instead of 33.  */
  if (asprintf (&opts, "lowerdir=%s,upperdir=%s,workdir=%s,static_nlink%s", lowers,
                upper ? upper : f->upper, work ? work : f->work, f->root_inside ? ROOT_MAPPING : "")
      < 0)
    oom ();
  return opts;
}

enum fuse_step
{
  STEP_JOIN = 1,
  STEP_ROOT,
  STEP_UNSHARE,
  STEP_PRIVATE,
  STEP_TMPFS,
  STEP_MKDIR,
  STEP_UPPER,
};
static const char *const fuse_steps[] = {
  [STEP_JOIN - 1] = "join the sandbox's user namespace",
  [STEP_ROOT - 1] = "become root inside",
  [STEP_UNSHARE - 1] = "unshare the mount namespace",
  [STEP_PRIVATE - 1] = "make mounts private",
  [STEP_TMPFS - 1] = "mount the upper tmpfs",
  [STEP_MKDIR - 1] = "mkdir in the upper tmpfs",
  [STEP_UPPER - 1] = "pass its upper layer",
};

/* In the helper, before its exec (system calls only): root of the sandbox's user namespace,
   so that it owns the files it creates as the ids inside; with an ephemeral upper layer, a
   tmpfs of its own mount namespace, gone with this process, so nothing is left on disk even
   after a SIGKILL, and no file of a subordinate id has to be removed by the launcher.  The
   upper layer goes to the launcher, which counts the working directory's changes at the
   end (workdir.c).  */
static int
fuse_hook (void *arg, int report)
{
  const struct fuse_start *f = arg;
  int fd;

  if (setns (f->userns_fd, CLONE_NEWUSER) < 0)
    return STEP_JOIN;
  /* root inside: fuse-overlayfs then creates files as the ids the requests carry.  A
     one-id map has no root: the caller's own id inside is the only one files can have,
     and the capabilities setns gave stay across exec as ambient ones.  */
  (void) syscall (SYS_setgroups, 0, NULL);
  if (syscall (SYS_setresgid, 0, 0, 0) < 0 || syscall (SYS_setresuid, 0, 0, 0) < 0)
    {
      if (errno != EINVAL)
        return STEP_ROOT;
      sb_caps_keep_across_exec ();
    }
  /* before fuse-overlayfs serves a request: made as root inside, owned by it */
  if (f->root_inside && f->persist_upper >= 0)
    unreadable_make (&f->unread, f->persist_upper);
  if (f->tmpfs_opts[0] == '\0')
    return 0;
  if (unshare (CLONE_NEWNS) < 0)
    return STEP_UNSHARE;
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return STEP_PRIVATE;
  if (mount ("tmpfs", f->tmpfs_at, "tmpfs", MS_NOSUID | MS_NODEV, f->tmpfs_opts) < 0)
    return STEP_TMPFS;
  if (mkdir (f->upper, 0755) < 0 || mkdir (f->work, 0700) < 0)
    return STEP_MKDIR;
  if (f->own && chown (f->upper, f->root_uid, f->root_gid) < 0)
    (void) chown (f->upper, 0, 0);
  if (f->own)
    (void) chmod (f->upper, f->root_mode);
  if (!f->cfg->report_cwd_changes && !f->root_inside)
    return 0;
  fd = open (f->upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && f->root_inside)
    unreadable_make (&f->unread, fd);
  if (f->cfg->report_cwd_changes && (fd < 0 || helper_pass_fd (report, fd) < 0))
    return STEP_UPPER;
  if (fd >= 0)
    (void) close (fd);
  return 0;
}

int
overlay_fuse_start (const struct config *cfg, int userns_fd, int fuse_fd, struct helper *h,
                    int *ret_upper_fd, struct sb_error **err)
{
  struct fuse_start f
      = { .cfg = cfg, .userns_fd = userns_fd, .persist_upper = -1, .root_inside = cfg->uid == 0 };
  cleanup_free char *opts = NULL;
  char mnt[32];
  char *argv[] = { cfg->fuse_overlayfs, (char *) "-f", (char *) "-o", NULL, mnt, NULL };
  struct helper_spec spec
      = { .name = "fuse-overlayfs",
          .argv = argv,
          /* it prints "unknown argument ignored" for options of its own
             on every start; the sandbox's setup reports a helper that
             failed (its requests end with ENOTCONN) */
          .stderr_fd = log_level >= LOG_LEVEL_DEBUG ? HELPER_FD_INHERIT : HELPER_FD_NULL,
          .keep = f.fds,
          .hook = fuse_hook,
          .hook_arg = &f,
          .hook_steps = fuse_steps };
  struct stat st;
  size_t n_dirs;
  int r = -1;

  if (cfg->persist == NULL)
    {
      f.tmpfs_at = tmpfs_place (cfg);
      if (f.tmpfs_at == NULL)
        return sb_error_set (err, 0,
                             "fuse-overlayfs: no folder for its upper layer that no "
                             "lower folder is in; use --persist DIR");
      snprintf (f.upper, sizeof f.upper, "%s/upper", f.tmpfs_at);
      snprintf (f.work, sizeof f.work, "%s/work", f.tmpfs_at);
    }
  opts = fuse_opts (&f, err);
  n_dirs = f.n_fds;
  if (opts == NULL)
    goto out;
  if (f.root_inside)
    unreadable_list (f.fds[0], &f.unread); /* the lower tree, opened first */
  argv[3] = opts;
  /* fuse-overlayfs serves a mounted /dev/fuse fd given as a "/dev/fd/N" mount point */
  f.fds[f.n_fds++] = fuse_fd;
  snprintf (mnt, sizeof mnt, "/dev/fd/%d", fuse_fd);
  spec.n_keep = f.n_fds;
  if (cfg->persist == NULL)
    {
      /* --ephemeral-size, with a tmpfs's own share of inodes (one a 4 KiB page) */
      snprintf (f.tmpfs_opts, sizeof f.tmpfs_opts, "mode=0700,size=%llu,nr_inodes=%llu",
                (unsigned long long) cfg->ephemeral_bytes,
                (unsigned long long) cfg->ephemeral_bytes / 4096 + 1024);
      /* an owner this namespace does not map, the overflow id, becomes root inside */
      if (stat (cfg->rootfs ? cfg->rootfs : "/", &st) == 0)
        {
          f.own = true;
          f.root_uid = st.st_uid == 65534 ? 0 : st.st_uid;
          f.root_gid = st.st_gid == 65534 ? 0 : st.st_gid;
          f.root_mode = st.st_mode & 07777;
        }
    }
  r = helper_start (&spec, h, err);
  if (r == 0 && h->passed_fd >= 0 && *ret_upper_fd < 0)
    *ret_upper_fd = steal_fd (&h->passed_fd);
out:
  /* the helper has its own copies; fuse_fd is the caller's */
  for (size_t i = 0; i < n_dirs; i++)
    (void) close (f.fds[i]);
  return r;
}

void
overlay_fuse_stop (struct helper *h)
{
  /* every write already reached the upper layer: fuse-overlayfs keeps no dirty data */
  helper_stop (h, 0, 0);
}
