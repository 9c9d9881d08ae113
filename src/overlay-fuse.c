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
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "log.h"
#include "overlay-internal.h"
#include "overlay.h"
#include "sync.h"
#include "syscalls.h"
#include "util.h"

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
  if (asprintf (&opts,
                "fd=%d,rootmode=40000,user_id=%u,group_id=%u,allow_other,"
                "default_permissions",
                fd, (unsigned) geteuid (), (unsigned) getegid ())
      < 0)
    oom ();
  if (mount ("fuse-overlayfs", target, "fuse.fuse-overlayfs", MS_NOSUID | MS_NODEV, opts) < 0)
    return sb_error_set (err, errno, "mount fuse on '%s'", target);
  return steal_fd (&fd);
}

int
overlay_fuse_root (struct overlay_ctx *c, struct sb_error **err)
{
  c->fuse_fd = mount_fuse (c->cfg, OVERLAY_ROOT, err);
  if (c->fuse_fd < 0)
    return -1;
  /* the launcher starts fuse-overlayfs on it; until then requests on OVERLAY_ROOT wait */
  if (sync_send_fd (c->sock, SYNC_FUSE_FD, c->fuse_fd, err) < 0)
    return -1;
  (void) close (c->fuse_fd);
  c->fuse_fd = -1;
  return 0;
}

/* ---------------------------------------------------------------- the helper */

/* A descriptor the helper keeps across exec, as a path fuse-overlayfs can open.  PATH is
   canonical (the launcher resolved it): no symlink may be on it now, and a persist folder's
   upper or work that a sandbox replaced by one is refused, not followed.  */
static char *
fd_path (const char *path, struct sb_error **err)
{
  /* no O_CLOEXEC: fuse-overlayfs opens it */
  int fd = sys_openat2 (AT_FDCWD, path, O_PATH | O_DIRECTORY,
                        RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  char *p;

  if (fd < 0)
    {
      sb_error_set (err, errno, "open '%s'", path);
      return NULL;
    }
  if (asprintf (&p, "/proc/self/fd/%d", fd) < 0)
    oom ();
  return p;
}

/* In the helper: the lower folders (and a persistent upper) as fds, opened before our tmpfs
   covers /tmp, where they may live.  */
static int
helper_open_layers (const struct config *cfg, char **ret_lowers, char **ret_upper, char **ret_work,
                    struct sb_error **err)
{
  cleanup_free char *lowers = fd_path (cfg->rootfs ? cfg->rootfs : "/", err);
  size_t n = strv_len (cfg->layers);

  if (lowers == NULL)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *l = fd_path (cfg->layers[i], err);
      char *joined;

      if (l == NULL)
        return -1;
      if (asprintf (&joined, "%s:%s", l, lowers) < 0)
        oom ();
      free (lowers);
      lowers = joined;
    }
  if (cfg->persist != NULL)
    {
      cleanup_free char *u = NULL, *w = NULL;

      if (asprintf (&u, "%s/upper", cfg->persist) < 0 || asprintf (&w, "%s/work", cfg->persist) < 0)
        oom ();
      *ret_upper = fd_path (u, err);
      *ret_work = *ret_upper ? fd_path (w, err) : NULL;
      if (*ret_work == NULL)
        return -1;
    }
  *ret_lowers = steal_ptr (&lowers);
  return 0;
}

/* In the helper: root of the sandbox's user namespace, dying with the launcher.  */
static int
helper_enter (int userns_fd, pid_t launcher, struct sb_error **err)
{
  if (setns (userns_fd, CLONE_NEWUSER) < 0)
    return sb_error_set (err, errno, "fuse-overlayfs helper: join the user namespace");
  /* root inside: fuse-overlayfs then creates files as the ids the requests carry.  A
     one-id map has no root: the caller's own id inside is the only one files can have,
     and the capabilities setns gave stay across exec as ambient ones.  */
  (void) setgroups (0, NULL);
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    {
      if (errno != EINVAL)
        return sb_error_set (err, errno, "fuse-overlayfs helper: become root inside");
      sb_caps_keep_across_exec ();
    }
  /* the id change cleared it: set it now, then catch a launcher that died before */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid () != launcher)
    return sb_error_set (err, 0, "the launcher went away");
  return 0;
}

/* In the helper: the ephemeral upper, a tmpfs of our own mount namespace, gone with this
   process, so nothing is left on disk even after a SIGKILL, and no file of a subordinate id
   has to be removed by the launcher.  */
static int
helper_tmpfs_upper (const struct config *cfg, char **ret_upper, char **ret_work,
                    struct sb_error **err)
{
  struct stat st;
  char opts[128];

  if (unshare (CLONE_NEWNS) < 0)
    return sb_error_set (err, errno, "fuse-overlayfs helper: unshare the mount namespace");
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return sb_error_set (err, errno, "fuse-overlayfs helper: make mounts private");
  /* --ephemeral-size, with a tmpfs's own share of inodes (one a 4 KiB page) */
  snprintf (opts, sizeof opts, "mode=0700,size=%llu,nr_inodes=%llu",
            (unsigned long long) cfg->ephemeral_bytes,
            (unsigned long long) (cfg->ephemeral_bytes / 4096 + 1024));
  if (mount ("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
    return sb_error_set (err, errno, "fuse-overlayfs helper: mount the upper tmpfs");
  if (mkdir ("/tmp/upper", 0755) < 0 || mkdir ("/tmp/work", 0700) < 0)
    return sb_error_set (err, errno, "fuse-overlayfs helper: mkdir in the upper tmpfs");
  /* the root shows the upper folder's owner and mode: make them the lower root's (an owner
     this namespace does not map, the overflow id, becomes root inside) */
  if (stat (cfg->rootfs ? cfg->rootfs : "/", &st) == 0)
    {
      if (chown ("/tmp/upper", st.st_uid == 65534 ? 0 : st.st_uid,
                 st.st_gid == 65534 ? 0 : st.st_gid)
          < 0)
        (void) chown ("/tmp/upper", 0, 0);
      (void) chmod ("/tmp/upper", st.st_mode & 07777);
    }
  *ret_upper = xstrdup ("/tmp/upper");
  *ret_work = xstrdup ("/tmp/work");
  return 0;
}

/* In the helper: everything up to the exec of fuse-overlayfs.  */
static int
helper_prepare (const struct config *cfg, int userns_fd, pid_t launcher, int fuse_fd,
                char **ret_opts, int *ret_fuse, struct sb_error **err)
{
  cleanup_free char *lowers = NULL;
  cleanup_free char *upper = NULL;
  cleanup_free char *work = NULL;

  if (helper_open_layers (cfg, &lowers, &upper, &work, err) < 0
      || helper_enter (userns_fd, launcher, err) < 0)
    return -1;
  if (cfg->persist == NULL && helper_tmpfs_upper (cfg, &upper, &work, err) < 0)
    return -1;
  /* kept across exec (F_DUPFD leaves close-on-exec clear), above the lower folders' fds */
  if ((*ret_fuse = fcntl (fuse_fd, F_DUPFD, 100)) < 0)
    return sb_error_set (err, errno, "dup the /dev/fuse fd");
  /* it prints "unknown argument ignored" for options of its own on every start; the
     sandbox's setup reports a helper that failed (its requests end with ENOTCONN) */
  if (log_level < LOG_LEVEL_DEBUG)
    {
      int null = open ("/dev/null", O_WRONLY | O_CLOEXEC);

      if (null >= 0)
        {
          (void) dup2 (null, STDERR_FILENO);
          (void) close (null);
        }
    }
  /* static_nlink: a folder's link count is 1, as btrfs reports it and as find(1) takes for
     "unknown".  Without it fuse-overlayfs counts the subfolders of every layer at each stat
     of a folder, reading whole folders: the first exec through it (ld.so walking
     /usr/lib/x86_64-linux-gnu) took 45 ms instead of 3, and `sandbox --uid 0 true` 87 ms
     instead of 33.  */
  if (asprintf (ret_opts, "lowerdir=%s,upperdir=%s,workdir=%s,static_nlink", lowers, upper, work)
      < 0)
    oom ();
  return 0;
}

/* In the helper, right before exec: the ephemeral upper layer, to the launcher, which
   counts the working directory's changes at the end (workdir.c).  Best effort.  */
static void
helper_send_upper (const struct config *cfg, int sock)
{
  struct sb_error *e = NULL;
  cleanup_close int fd = -1;

  if (!cfg->report_cwd_changes || cfg->persist != NULL)
    return;
  fd = open ("/tmp/upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0)
    (void) sync_send_fd (sock, SYNC_UPPER_FD, fd, &e);
  sb_error_free (&e);
}

pid_t
overlay_fuse_spawn (const struct config *cfg, int userns_fd, int fuse_fd, int *ret_upper_fd,
                    struct sb_error **err)
{
  pid_t launcher = getpid ();
  int sv[2];
  pid_t pid;

  /* the helper reports a failure before exec as a SYNC_ERROR, and may pass its upper layer;
     the socket closed on exec means it runs */
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return sb_error_set (err, errno, "socketpair");
  pid = fork ();
  if (pid < 0)
    {
      (void) close (sv[0]);
      (void) close (sv[1]);
      return sb_error_set (err, errno, "fork");
    }
  if (pid == 0)
    {
      struct sb_error *e = NULL;
      cleanup_free char *opts = NULL;
      char mnt[32];
      int fuse = -1;

      (void) close (sv[0]);
      sb_signals_default ();
      if (helper_prepare (cfg, userns_fd, launcher, fuse_fd, &opts, &fuse, &e) == 0)
        {
          helper_send_upper (cfg, sv[1]);
          /* fuse-overlayfs serves a mounted /dev/fuse fd given as a "/dev/fd/N" mount point */
          snprintf (mnt, sizeof mnt, "/dev/fd/%d", fuse);
          execl (cfg->fuse_overlayfs, "fuse-overlayfs", "-f", "-o", opts, mnt, (char *) NULL);
          sb_error_set (&e, errno, "run '%s'", cfg->fuse_overlayfs);
        }
      sync_send_error (sv[1], e, 125);
      _exit (125);
    }
  (void) close (sv[1]);
  for (;;)
    {
      struct sync_msg m;
      int fd = -1;
      int r = sync_recv_fd (sv[0], &m, &fd, err);

      if (r == 0)
        break;
      if (r < 0 || m.step == SYNC_ERROR)
        {
          if (r > 0)
            sb_error_set (err, m.errnum, "%s", m.text);
          if (fd >= 0)
            (void) close (fd);
          (void) close (sv[0]);
          overlay_fuse_stop (pid);
          return -1;
        }
      if (m.step == SYNC_UPPER_FD && fd >= 0 && *ret_upper_fd < 0)
        *ret_upper_fd = fd;
      else if (fd >= 0)
        (void) close (fd);
    }
  (void) close (sv[0]);
  log_debug ("fuse-overlayfs runs as pid %d", (int) pid);
  return pid;
}

void
overlay_fuse_stop (pid_t helper)
{
  if (helper <= 0)
    return;
  /* every write already reached the upper layer: fuse-overlayfs keeps no dirty data */
  (void) kill (helper, SIGKILL);
  (void) TEMP_FAILURE_RETRY (waitpid (helper, NULL, 0));
}
