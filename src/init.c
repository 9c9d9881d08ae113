/* SPDX-License-Identifier: GPL-2.0-or-later */
/* init.c: pid 1 of the sandbox: setup, then the command's reaper and signal relay.  Its
   stages, in order, are init_main's lines (namespaces, the maps awaited, make_root with
   build_root's numbered list, the pty, the command) and reap_loop; the launcher's side of
   them is in launch.c, the protocol between them at the top of sync.h.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bounds.h"
#include "caps.h"
#include "cgroup.h"
#include "config.h"
#include "desktop.h"
#include "egress.h"
#include "error.h"
#include "idmap.h"
#include "init.h"
#include "log.h"
#include "mounts.h"
#include "named.h"
#include "net.h"
#include "procviews.h"
#include "protect.h"
#include "rootfs.h"
#include "seccomp.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

const int init_forwarded_signals[]
    = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, 0 };

_Noreturn static void
fail (int sock, struct sb_error *e, int status)
{
  sync_send_error (sock, e, status);
  _exit (status);
}

/* A system call failed: what it was (FMT) and its errno reach the launcher; exit 125.  */
_Noreturn static void fail_errno (int sock, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
_Noreturn static void
fail_errno (int sock, const char *fmt, ...)
{
  struct sb_error *err = NULL;
  int e = errno;
  va_list ap;

  va_start (ap, fmt);
  sb_error_setv (&err, e, fmt, ap);
  va_end (ap);
  fail (sock, err, 125);
}

static int
enter_workdir (const struct config *cfg, struct sb_error **err)
{
  /* the launcher's working directory when the sandbox has it, else / */
  if (cfg->cwd == NULL || chdir (cfg->cwd) < 0)
    if (chdir ("/") < 0)
      return sb_error_set (err, errno, "chdir '/'");
  if (cfg->chdir != NULL && chdir (cfg->chdir) < 0)
    return sb_error_set (err, errno, "--chdir '%s'", cfg->chdir);
  return 0;
}

/* PATH lookup as a shell does it: the first executable file wins; a name found only
   without execute permission is 126, a name found nowhere 127 (execvp would report EACCES
   for a PATH folder we may not search).  */
char *
init_find_command (char *const *envp, const char *name, int *ret_errno)
{
  const char *path = NULL;
  bool seen = false;

  /* the command's PATH, not ours: --setenv, --unsetenv and --clearenv apply */
  for (char *const *e = envp; *e != NULL && path == NULL; e++)
    if (strncmp (*e, "PATH=", 5) == 0)
      path = *e + 5;

  if (path == NULL)
    path = "/usr/local/bin:/usr/bin:/bin";
  for (const char *p = path;; p++)
    {
      size_t len = strcspn (p, ":");
      struct stat st;
      char *full;

      if (asprintf (&full, "%.*s%s%s", (int) len, p, len ? "/" : "", name) < 0)
        oom ();
      if (stat (full, &st) == 0 && S_ISREG (st.st_mode))
        {
          if (access (full, X_OK) == 0)
            return full;
          seen = true;
        }
      free (full);
      p += len;
      if (*p == '\0')
        break;
    }
  *ret_errno = seen ? EACCES : ENOENT;
  return NULL;
}

struct command_args
{
  const struct config *cfg;
  const struct term_plan *term;
  int sock;
  int slave; /* the pty's slave, or -1 */
};

int
init_confine (const struct config *cfg, struct sb_error **err)
{
  const struct rlimit_op *bad = NULL;

  /* still uid 0 of the namespace with every capability in it: the last moment we can */
  if (sb_caps_drop_bounding (cfg, err) < 0)
    return -1;
  /* the system calls themselves: libc's wrappers would signal the threads they believe
     share our credentials, and in this child they are pid 1's  */
  /* an image's user: the caller's own groups map to root's here (map_root); it gets none,
     as podman's (EPERM: a one-id map denies setgroups, and no group is mapped anyway) */
  if (cfg->map_root && syscall (SYS_setgroups, 0, NULL) < 0 && errno != EPERM)
    return sb_error_set (err, errno, "setgroups");
  /* asked for (the OCI front end's additionalGids): exactly these */
  if (cfg->n_groups > 0 && syscall (SYS_setgroups, cfg->n_groups, cfg->groups) < 0)
    return sb_error_set (err, errno, "setgroups (%zu groups)", cfg->n_groups);
  if (syscall (SYS_setresgid, cfg->gid, cfg->gid, cfg->gid) < 0)
    return sb_error_set (err, errno, "setresgid %u", cfg->gid);
  if (syscall (SYS_setresuid, cfg->uid, cfg->uid, cfg->uid) < 0)
    return sb_error_set (err, errno, "setresuid %u", cfg->uid);
  if (sb_caps_set (cfg, err) < 0)
    return -1;
  /* under our ids: RLIMIT_NPROC counts the processes of the command's uid in the
     sandbox's user namespace alone; nothing inside can raise a hard limit */
  if (bounds_apply_rlimits (cfg, &bad) < 0)
    return sb_error_set (err, errno, "--rlimit %s", bounds_rlimit_name (bad->resource));
  /* a setuid binary inside gains nothing */
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return sb_error_set (err, errno, "no_new_privs");
  return 0;
}

/* The command's process, spawned with spawn_shared: it shares pid 1's memory until execve,
   so it writes nothing pid 1 reads again (no environ, no setenv).  pid 1 waits meanwhile;
   the socket is ours alone until execve, and SYNC_NET_READY is read here.  */
_Noreturn static int
exec_command (void *data)
{
  const struct command_args *a = data;
  const struct config *cfg = a->cfg;
  int sock = a->sock;
  struct sb_error *err = NULL;
  sigset_t none;
  int e = 0;

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  /* a command that keeps CAP_SYS_ADMIN could unmount what protects paths: it gets a user
     namespace of its own, where the kernel locks them */
  if (protect_lock_mounts (cfg, &err) < 0)
    fail (sock, err, 125);
  if (init_confine (cfg, &err) < 0)
    fail (sock, err, 125);
  if (enter_workdir (cfg, &err) < 0)
    fail (sock, err, 125);
  /* a session of its own, on the sandbox's pty if any: TIOCSTI and TIOCLINUX reach that
     pty at most, never the caller's terminal (--new-session is always on) */
  if (terminal_attach (a->term, a->slave) < 0)
    fail_errno (sock, "set up the terminal");
  log_debug ("exec");
  {
    const char *path = cfg->argv[0];
    cleanup_free char *full = NULL;

    if (strchr (cfg->argv[0], '/') == NULL)
      path = full = init_find_command (cfg->envp, cfg->argv[0], &e);
    if (path != NULL)
      {
        /* The network helper may still be starting; the rest of our setup overlapped it.
           The command must not run before its device is up.  */
        if (sync_send (sock, SYNC_CMD_READY, 0, &err) < 0
            || sync_expect (sock, SYNC_NET_READY, &err) < 0)
          _exit (125);
        /* the fds the caller passed with --keep-fd, inherited from the launcher */
        for (size_t i = 0; i < cfg->n_keep_fds; i++)
          if (fcntl (cfg->keep_fds[i], F_SETFD, 0) < 0)
            fail_errno (sock, "--keep-fd %d", cfg->keep_fds[i]);
        /* last: nothing of our own setup runs under the policy, only execve itself */
        if (sb_seccomp_install (cfg, &err) < 0)
          fail (sock, err, 125);
        execve (path, cfg->argv, cfg->envp);
        e = errno;
      }
  }
  if (e == ENOENT && strchr (cfg->argv[0], '/') == NULL)
    sb_error_set (&err, 0, "'%s': command not found", cfg->argv[0]);
  else
    sb_error_set (&err, e, "'%s'", cfg->argv[0]);
  fail (sock, err, e == ENOENT ? 127 : 126);
}

/* The first thing pid 1 does: it keeps nothing of the caller's that the command is not to
   get.  */
static void
detach_from_caller (const struct config *cfg, const struct term_plan *term, int sock)
{
  struct sb_error *err = NULL;
  cleanup_free int *keep = xcalloc (cfg->n_keep_fds + 1, sizeof *keep);
  size_t n = 0;

  /* The caller's fds (the CVE-2024-21626 class: a leaked fd on a folder of the host is a
     way out of any new root): the socket, and the --keep-fd ones for the command.  */
  for (size_t i = 0; i < cfg->n_keep_fds; i++)
    {
      if (sock < cfg->keep_fds[i] && (n == 0 || keep[n - 1] < sock))
        keep[n++] = sock;
      keep[n++] = cfg->keep_fds[i];
    }
  if (n == 0 || keep[n - 1] < sock)
    keep[n++] = sock;
  if (fds_close_except (keep, n, false) < 0)
    fail_errno (sock, "close the caller's descriptors");
  /* A session keyring of our own: the caller's links its secrets (ssh, gpg, kerberos), and
     only the seccomp policy kept keyctl from them.  runc and crun do the same.  */
  if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
    fail_errno (sock, "create the sandbox's session keyring");
  /* Out of the caller's session: its terminal is no longer ours to open as /dev/tty, and
     we hold it on no fd (but stderr with --verbose until the command runs).  */
  if (setsid () < 0)
    fail_errno (sock, "setsid");
  if (terminal_release (term, log_level >= LOG_LEVEL_DEBUG, &err) < 0)
    fail (sock, err, 125);
}

/* Reaps every child; the command's end is reported and ends the sandbox.  */
_Noreturn static void
reap_loop (const struct config *cfg, int sock, pid_t cmd, int sfd)
{
  for (;;)
    {
      struct signalfd_siginfo si;
      ssize_t n = TEMP_FAILURE_RETRY (read (sfd, &si, sizeof si));

      if (n != (ssize_t) sizeof si)
        _exit (125);
      if (si.ssi_signo == SIGCHLD)
        {
          int status;
          pid_t p;

          while ((p = waitpid (-1, &status, WNOHANG)) > 0)
            if (p == cmd)
              {
                struct sb_error *err = NULL;

                (void) sync_send (sock, SYNC_EXITED, status, &err);
                /* the launcher reads memory.events of our cgroup; a systemd scope goes away
                   as soon as we are gone, so we wait until it has */
                if (cgroup_oom_check_wanted (cfg, status))
                  (void) sync_expect (sock, SYNC_EXIT_ACK, &err);
                /* our exit kills whatever the command left running */
                _exit (0);
              }
          continue;
        }
      /* The launcher relays what reaches it: a signal of its terminal to the command's
         process group (the command leads it, in a session of its own), as the terminal
         would have; one that a process sent to the command alone.  We have no terminal:
         the kernel sends us nothing else.  */
      if (si.ssi_code == SI_QUEUE && si.ssi_int == INIT_SIGNAL_GROUP)
        {
          if (kill (-cmd, (int) si.ssi_signo) < 0)
            (void) kill (cmd, (int) si.ssi_signo);
        }
      else if (si.ssi_code <= 0)
        (void) kill (cmd, (int) si.ssi_signo);
    }
}

/* The new root, in this order, as uid 0 of the mapped user namespace; then pivot_root into
   it.  ROOT is rootfs_open's, from before the maps; it is freed here.  */
static void
build_root (const struct config *cfg, int sock, struct rootctx *root)
{
  struct sb_error *err = NULL;
  int fd;

  /* 1. the lower tree, on the pool's tmpfs: the host's or --rootfs, --layer, the overlay */
  if (rootfs_build_lower (root, &err) < 0)
    fail (sock, err, 125);
  /* fuse-overlayfs must serve the root before anything below reads it */
  fd = rootfs_take_fuse_fd (root);
  if (fd >= 0 && sync_send_fd (sock, SYNC_FUSE_FD, fd, &err) < 0)
    _exit (125);
  closep (&fd);
  /* the ephemeral upper layer, for the working directory's notice: best effort */
  fd = rootfs_take_upper_fd (root);
  if (fd >= 0 && sync_send_fd (sock, SYNC_UPPER_FD, fd, &err) < 0)
    {
      log_debug ("the upper layer is not counted: %s", strerror (err->errnum));
      sb_error_free (&err);
    }
  closep (&fd);
  /* 2. fresh /proc, /sys, /dev, /tmp, /run and the kernel's sensitive files */
  if (mounts_setup_pseudo (rootfs_root_fd (root), cfg->overlay != OVERLAY_BIND, &err) < 0)
    fail (sock, err, 125);
  /* 3. the desktop's sockets and devices, on the fresh /tmp, /run and /dev */
  if (desktop_setup (cfg, rootfs_root_fd (root), &err) < 0)
    fail (sock, err, 125);
  /* 4. the user's --bind, --tmpfs and --mask: they may still cover the desktop's */
  if (rootfs_mount_user (root, &err) < 0)
    fail (sock, err, 125);
  /* 5. the network's /etc/resolv.conf, /etc/hosts and friends */
  if (net_setup_files (cfg, rootfs_root_fd (root), &err) < 0)
    fail (sock, err, 125);
  /* 6. pivot_root; the old root detached */
  if (rootfs_pivot (root, &err) < 0)
    fail (sock, err, 125);
  rootfs_close (root);
}

/* While newuidmap and newgidmap write our maps: the work that needs no mapped id (our own ids
   are unmapped here, so nothing may create a file yet).  We hold every capability of the
   new user namespace already.  SELF_MAP: we write our one-id map ourselves, as bwrap's child
   does, and go on without waiting (sync.h): the launcher gets our namespaces' identities
   with SYNC_NS_READY, and our user namespace for fuse-overlayfs, since it will not open our
   /proc files.  */
static void
make_namespaces (const struct config *cfg, int sock, const struct idmap *self_map)
{
  struct sb_error *err = NULL;
  int egress_fds[EGRESS_NFDS];
  bool self = self_map != NULL;

  if (self && idmap_write_self (self_map, &err) < 0)
    fail (sock, err, 125);

  if (unshare (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC
               | (cfg->net == NET_HOST || cfg->net == NET_JOIN ? 0 : CLONE_NEWNET))
      < 0)
    fail_errno (sock, "create the namespaces");
  /* nothing we mount from here on reaches the host */
  if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    fail_errno (sock, "make the mount namespace private");
  {
    const char *name = cfg->hostname ? cfg->hostname : "sandbox";

    if (sethostname (name, strlen (name)) < 0)
      fail_errno (sock, "sethostname");
  }
  if (net_setup_inside (cfg, &err) < 0 || egress_open_inside (cfg, egress_fds, &err) < 0)
    fail (sock, err, 125);
  /* the launcher holds them now: nothing of the sandbox keeps a copy */
  for (int i = 0; i < EGRESS_NFDS; i++)
    if (egress_fds[i] >= 0)
      {
        if (sync_send_fd (sock, SYNC_EGRESS_FD, egress_fds[i], &err) < 0)
          _exit (125);
        (void) close (egress_fds[i]);
      }
  /* the network helper joins our namespaces only now: before, they were the host's */
  if (self)
    {
      char ids[sizeof ((struct sync_msg *) NULL)->text];
      cleanup_close int userns = -1;

      if (cfg->fuse_overlayfs != NULL)
        {
          userns = open ("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
          if (userns < 0)
            fail_errno (sock, "open '/proc/self/ns/user'");
        }
      named_namespaces_text (ids, sizeof ids);
      if (sync_send_text (sock, SYNC_NS_READY, ids, userns, &err) < 0)
        _exit (125);
    }
  else if (sync_send (sock, SYNC_NS_READY, 0, &err) < 0)
    _exit (125);
}

int
init_sysctl_write (const char *kv, struct sb_error **err)
{
  const char *eq = strchr (kv, '=');
  int n = eq != NULL ? (int) (eq - kv) : 0;
  char path[256];
  cleanup_close int fd = -1;

  if (n == 0 || n > 200 || memchr (kv, '/', (size_t) n) != NULL || kv[0] == '.' || kv[n - 1] == '.'
      || strstr (kv, "..") != NULL)
    return sb_error_set (err, 0, "sysctl '%.*s': not a key", n, kv);
  snprintf (path, sizeof path, "/proc/sys/%.*s", n, kv);
  for (char *p = path + strlen ("/proc/sys/"); *p != '\0'; p++)
    if (*p == '.')
      *p = '/';
  fd = open (path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || write_all (fd, eq + 1, strlen (eq + 1)) < 0)
    return sb_error_set (err, errno, "sysctl %.*s", n, kv);
  return 0;
}

/* The sysctls a front end asks for (the OCI linux.sysctl), as uid 0 of the mapped
   namespace.  */
static void
write_sysctls (const struct config *cfg, int sock)
{
  struct sb_error *err = NULL;

  for (char **kv = cfg->sysctls; kv != NULL && *kv != NULL; kv++)
    if (init_sysctl_write (*kv, &err) < 0)
      fail (sock, err, 125);
}

/* As uid 0 of the mapped namespace: the /proc views, the desktop's sockets (opened before the
   root hides them), the root (build_root's list), the /proc views mounted in it.  */
static void
make_root (const struct config *cfg, int sock, struct rootctx *root)
{
  struct sb_error *err = NULL;
  int fuse_fd = -1;

  log_debug ("maps done; building the root");
  if (procviews_open (cfg, &fuse_fd, &err) < 0)
    fail (sock, err, 125);
  if (desktop_open (cfg, &err) < 0)
    fail (sock, err, 125);
  build_root (cfg, sock, root);
  log_debug ("root built");
  if (procviews_mount (cfg, fuse_fd, &err) < 0)
    fail (sock, err, 125);
  if (fuse_fd >= 0)
    {
      if (sync_send_fd (sock, SYNC_PROCVIEWS, fuse_fd, &err) < 0)
        _exit (125);
      (void) close (fuse_fd);
      if (procviews_bind (cfg, &err) < 0)
        fail (sock, err, 125);
    }
}

_Noreturn void
init_main (const struct config *cfg, const struct term_plan *term, const struct idmap *self_map,
           int sock)
{
  struct sb_error *err = NULL;
  struct rootctx *root = NULL;
  sigset_t set;
  int sfd, devnull, master = -1, slave = -1;
  pid_t cmd;

  /* the launcher's death kills us, and with us every process of the sandbox; if it died
     before this line, the wait for the maps below sees the end of the socket */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    _exit (125);
  detach_from_caller (cfg, term, sock);
  make_namespaces (cfg, sock, self_map);
  /* the caller's tree, seen in our mount namespace (a bind source must be in it) */
  if (net_open_hosts (cfg, &err) < 0)
    fail (sock, err, 125);
  /* the work that reads only, while the helpers still run: it overlaps theirs */
  root = rootfs_open (cfg, &err);
  if (root == NULL)
    fail (sock, err, 125);
  if (self_map == NULL && sync_expect (sock, SYNC_MAPS_DONE, &err) < 0)
    _exit (125);
  /* From here on nobody opens our /proc/PID files: the launcher holds the namespace files
     the helpers need (and newuidmap is done).  Not dumpable, this process can be traced or
     read only with CAP_SYS_PTRACE over the user namespace our memory was made in, the
     launcher's: a command holding every capability of the sandbox's namespace cannot, nor
     can any process of the user.  The command shares our memory until its execve, so it
     is out of reach from its first instruction.  */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    fail_errno (sock, "prctl PR_SET_DUMPABLE");
  /* the launcher has put us in the sandbox's cgroup by now: the namespace is rooted there,
     and /sys/fs/cgroup inside shows that cgroup only */
  if (unshare (CLONE_NEWCGROUP) < 0)
    fail_errno (sock, "unshare the cgroup namespace");
  write_sysctls (cfg, sock);

  make_root (cfg, sock, steal_ptr (&root));
  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  for (const int *s = init_forwarded_signals; *s; s++)
    sigaddset (&set, *s);
  /* the launcher blocked these before clone; they queue until signalfd reads them */
  sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (sfd < 0)
    fail_errno (sock, "signalfd");

  /* the sandbox's own terminal, in its devpts, for the command; the launcher relays */
  if (terminal_open_pty (term, cfg->uid, cfg->gid, &master, &slave, &err) < 0)
    fail (sock, err, 125);
  if (master >= 0)
    {
      if (sync_send_fd (sock, SYNC_PTY, master, &err) < 0)
        _exit (125);
      (void) close (master);
    }
  {
    struct command_args a = { .cfg = cfg, .term = term, .sock = sock, .slave = slave };

    /* back here once the command has called execve (or failed) */
    cmd = spawn_shared (exec_command, &a);
  }
  if (cmd < 0)
    fail_errno (sock, "start the command");
  log_debug ("command started");

  for (size_t i = 0; i < cfg->n_keep_fds; i++)
    (void) close (cfg->keep_fds[i]);
  if (slave >= 0)
    (void) close (slave);
  /* the command owns its stdio; we keep nothing it could wait on, no terminal either */
  devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0)
    {
      (void) dup2 (devnull, STDIN_FILENO);
      (void) dup2 (devnull, STDOUT_FILENO);
      (void) dup2 (devnull, STDERR_FILENO);
      (void) close (devnull);
    }
  reap_loop (cfg, sock, cmd, sfd);
}
