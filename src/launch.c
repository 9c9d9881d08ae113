/* SPDX-License-Identifier: GPL-2.0-or-later */
/* launch.c: the launcher's side: namespaces, id maps, signal relay, the wait. */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "config.h"
#include "dbus.h"
#include "egress.h"
#include "error.h"
#include "fault.h"
#include "helper.h"
#include "idmap.h"
#include "init.h"
#include "launch.h"
#include "log.h"
#include "named.h"
#include "net.h"
#include "netjoin.h"
#include "network.h"
#include "overlay.h"
#include "procviews.h"
#include "sync.h"
#include "syscalls.h"
#include "terminal.h"
#include "util.h"
#include "workdir.h"

/* Only the user and pid namespaces come with the clone: newuidmap and newgidmap (a setuid
   exec each, most of our start-up) start at once, while pid 1 makes the others (init.c).
   No CLONE_NEWCGROUP here either: pid 1 unshares it once it is in its own cgroup (after
   SYNC_MAPS_DONE), so that the namespace is rooted there.  */
#define NS_FLAGS (CLONE_NEWUSER | CLONE_NEWPID)

char *
launch_userns_advice (const struct userns_state *st)
{
  static const char sysctl_aa[] = "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0";
  char *s = NULL;
  int r = 0;

  if (st->apparmor_restrict != NULL && st->apparmor_restrict[0] == '1')
    {
      /* the profile attaches by path: it allows the installed binary and no other */
      if (st->profile == NULL)
        r = asprintf (&s,
                      "AppArmor restricts them and sandbox was built without its AppArmor "
                      "profile (./configure --with-apparmor); or as root: %s",
                      sysctl_aa);
      else if (strcmp (st->exe, st->installed) != 0)
        r = asprintf (&s,
                      "AppArmor restricts them and the profile %s allows only %s; run that "
                      "one, or as root: %s",
                      st->profile, st->installed, sysctl_aa);
      else if (st->profile_present)
        r = asprintf (&s,
                      "AppArmor restricts them and the profile %s is not loaded; as root: "
                      "apparmor_parser -r %s (or systemctl reload apparmor)",
                      st->profile, st->profile);
      else
        r = asprintf (&s,
                      "AppArmor restricts them and the profile %s is missing; install it "
                      "(make install), then as root: apparmor_parser -r %s",
                      st->profile, st->profile);
    }
  else if (st->userns_clone != NULL && st->userns_clone[0] == '0')
    r = asprintf (&s, "disabled by the administrator; as root: "
                      "sysctl -w kernel.unprivileged_userns_clone=1");
  else if (st->max_user_namespaces != NULL && st->max_user_namespaces[0] == '0')
    r = asprintf (&s, "user.max_user_namespaces is 0; as root: "
                      "sysctl -w user.max_user_namespaces=15000");
  if (r < 0)
    oom ();
  return s;
}

int
launch_hold_fds (const struct config *cfg, struct sb_error **err)
{
  /* a closed 0, 1 or 2 would be taken by one of our own fds (the socket to pid 1), and
     then given to the command as its stdin */
  for (int fd = 0; fd < 3; fd++)
    if (fcntl (fd, F_GETFD) < 0 && errno == EBADF)
      {
        /* the lowest free number: FD; inherited by the command, so not O_CLOEXEC */
        int null = open ("/dev/null", O_RDWR); // NOLINT(android-cloexec-open)

        if (null != fd)
          return sb_error_set (err, null < 0 ? errno : EBADF, "open '/dev/null' as fd %d", fd);
      }
  for (size_t i = 0; i < cfg->n_keep_fds; i++)
    if (fcntl (cfg->keep_fds[i], F_GETFD) < 0)
      return sb_error_set (err, 0, "--keep-fd %d: not an open descriptor", cfg->keep_fds[i]);
  /* close-on-exec, the kept ones too: pid 1 inherits them all (a fork), keeps only the kept
     ones and the command clears the flag on those; no helper sees any */
  if (fds_close_except (NULL, 0, true) < 0)
    return sb_error_set (err, errno, "mark the caller's descriptors close-on-exec");
  return 0;
}

/* Why the kernel refused a user namespace, and what fixes it.  */
static int
clone_error (int e, struct sb_error **err)
{
  cleanup_free char *aa = NULL, *clone = NULL, *max = NULL, *exe = NULL, *advice = NULL;
  struct userns_state st = { .profile = SB_APPARMOR_PROFILE[0] ? SB_APPARMOR_PROFILE : NULL,
                             .installed = SB_BINDIR "/sandbox" };

  aa = read_file_at (AT_FDCWD, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", NULL);
  clone = read_file_at (AT_FDCWD, "/proc/sys/kernel/unprivileged_userns_clone", NULL);
  max = read_file_at (AT_FDCWD, "/proc/sys/user/max_user_namespaces", NULL);
  exe = realpath ("/proc/self/exe", NULL);
  st.apparmor_restrict = aa;
  st.userns_clone = clone;
  st.max_user_namespaces = max;
  st.exe = exe != NULL ? exe : "";
  st.profile_present = st.profile != NULL && access (st.profile, F_OK) == 0;
  advice = launch_userns_advice (&st);
  if (advice == NULL)
    return sb_error_set (err, e, "create the namespaces");
  return sb_error_set (err, e, "create a user namespace: %s", advice);
}

/* The sandbox's user namespace (for the helpers that join it: fuse-overlayfs, slirp4netns,
   pasta) and network namespace (for the network helper), opened while pid 1 waits for
   SYNC_MAPS_DONE.  Once released, pid 1 is not dumpable: no process of the user, outside
   or inside, may open its /proc/PID files any more, nor trace it.  */
static int
open_namespaces (const struct config *cfg, pid_t pid, int *ret_user, int *ret_net,
                 struct sb_error **err)
{
  bool net = cfg->net == NET_SLIRP || cfg->net == NET_PASTA || cfg->net == NET_NETWORK;
  char path[64];

  if (!net && cfg->fuse_overlayfs == NULL)
    return 0;
  snprintf (path, sizeof path, "/proc/%d/ns/user", (int) pid);
  *ret_user = open (path, O_RDONLY | O_CLOEXEC);
  if (*ret_user < 0)
    return sb_error_set (err, errno, "open '%s'", path);
  if (!net)
    return 0;
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int) pid);
  *ret_net = open (path, O_RDONLY | O_CLOEXEC);
  if (*ret_net < 0)
    return sb_error_set (err, errno, "open '%s'", path);
  return 0;
}

/* pid 1 has made its namespaces: from now on /proc/PID/ns/ names the sandbox's.  With the
   allowlist, its sockets for sandbox-egress come first.  */
static int
expect_namespaces (const struct config *cfg, int sock, struct egress_helper *egress, bool self,
                   int *ret_userns, struct sb_error **err)
{
  size_t n = 0;

  for (;;)
    {
      struct sync_msg m;
      int fd = -1, r = sync_recv (sock, &m, &fd, err);

      if (r < 0)
        return -1;
      if (r == 0)
        return sb_error_set (err, 0, "the sandbox's init ended before its namespaces were made");
      if (m.step == SYNC_EGRESS_FD && fd >= 0 && n < EGRESS_NFDS && egress_wanted (cfg))
        {
          egress->fds[n++] = fd;
          continue;
        }
      if (m.step != SYNC_NS_READY || n != (egress_wanted (cfg) ? EGRESS_NFDS : 0))
        {
          closep (&fd);
          return sb_error_set (err, EPROTO, "the setup process sent step %u, expected %d", m.step,
                               SYNC_NS_READY);
        }
      /* pid 1 wrote its own map: it told us its namespaces, and gave its user namespace */
      if (self)
        {
          m.text[sizeof m.text - 1] = '\0';
          named_take_namespaces (m.text);
          *ret_userns = steal_fd (&fd);
        }
      closep (&fd);
      return 0;
    }
}

struct waitstate
{
  const struct config *cfg;
  int userns_fd; /* the sandbox's user namespace, for fuse-overlayfs; -1 when not opened */
  const struct cgroup *cg;
  struct helper views; /* the /proc views' server, once pid 1 asked for it */
  pid_t pid;
  struct helper fuse; /* fuse-overlayfs, in our pid namespace */
  bool reaped, eof, exited;
  int pid_status;     /* pid 1's wait status */
  int cmd_status;     /* the command's, from SYNC_EXITED */
  uint64_t oom_kills; /* memory.events oom_kill, read while pid 1 still held the cgroup */
  struct term_relay term;
  int timer_fd;                     /* --timeout; -1: none */
  bool timed_out;                   /* SIGTERM sent; the next expiry sends SIGKILL */
  int upper_fd;                     /* the ephemeral upper layer, for workdir_report; else -1 */
  const struct launch_hooks *hooks; /* a front end's; SYNC_NET_READY waits for its ready */
  struct net_helper *net;           /* the network helper, its ready fd polled until it is up */
  struct egress_helper *egress;     /* the allowlist's helper, the same */
  int sock;                         /* our end of the sync socket */
  bool net_ready, egress_ready;     /* each helper has said it is ready (or is not wanted) */
  bool network_up;                  /* both: the command may run */
  bool cmd_ready;                   /* SYNC_CMD_READY came before the network was up */
};

/* The command waits, set up: a front end's ready hook runs now (or once the network is up,
   release_command), then it is released.  */
static int
on_command_ready (int sock, struct waitstate *w, struct sb_error **err)
{
  if (w->hooks == NULL || w->hooks->ready == NULL)
    return 0;
  if (!w->network_up)
    {
      w->cmd_ready = true;
      return 0;
    }
  if (w->hooks->ready (w->hooks->data, w->pid, sock, err) < 0)
    {
      (void) kill (w->pid, SIGKILL);
      return -1;
    }
  /* a command that ended meanwhile has closed its end: its status is read next */
  if (sync_send (sock, SYNC_NET_READY, 0, err) < 0)
    sb_error_free (err);
  else if (w->hooks->released != NULL)
    w->hooks->released (w->hooks->data);
  return 0;
}

/* Both network helpers are ready: the command may run.  Without a ready hook it is released
   now (it reads SYNC_NET_READY once set up); with one, once it says it is ready.  */
static int
release_command (struct waitstate *w, struct sb_error **err)
{
  w->network_up = true;
  /* a command that failed meanwhile has closed its end: its SYNC_ERROR is read next */
  if ((w->hooks == NULL || w->hooks->ready == NULL)
      && sync_send (w->sock, SYNC_NET_READY, 0, err) < 0)
    sb_error_free (err);
  fault_point (FAULT_RELEASED);
  /* a named sandbox is running (its state, -d's caller told) once its network is up */
  named_running (w->cfg, w->pid, w->cg->path);
  return w->cmd_ready ? on_command_ready (w->sock, w, err) : 0;
}

/* A network helper's ready fd is readable: it is up, or it failed.  */
static int
on_network (struct waitstate *w, bool egress, struct sb_error **err)
{
  if (egress ? egress_wait (w->egress, err) < 0 : net_helper_wait (w->cfg, w->net, err) < 0)
    return -1;
  if (egress)
    w->egress_ready = true;
  else
    w->net_ready = true;
  return w->net_ready && w->egress_ready ? release_command (w, err) : 0;
}

static int
on_message (int sock, struct waitstate *w, struct sb_error **err)
{
  struct sync_msg m;
  cleanup_close int fd = -1;
  int r = sync_recv (sock, &m, &fd, err);

  /* a SYNC_ERROR ends the stream too: pid 1 exits after it */
  if (r <= 0)
    {
      w->eof = true;
      return r;
    }
  if (m.step == SYNC_PROCVIEWS && fd >= 0 && w->views.pid <= 0)
    {
      /* pid 1 waits in the kernel for a server that will not come */
      if (procviews_start (w->cfg, w->cg, fd, &w->views, err) < 0)
        (void) kill (w->pid, SIGKILL);
      else
        fault_point (FAULT_HELPER);
      return *err != NULL ? -1 : 0;
    }
  if (m.step == SYNC_PTY && fd >= 0 && w->hooks != NULL && w->hooks->pty != NULL)
    return w->hooks->pty (w->hooks->data, steal_fd (&fd), err);
  if (m.step == SYNC_PTY && fd >= 0)
    return terminal_relay_start (&w->term, steal_fd (&fd), err);
  if (m.step == SYNC_FUSE_FD)
    {
      if (fd < 0 || w->fuse.pid > 0)
        return sb_error_set (err, EPROTO, "bad fuse message from the setup process");
      /* on failure the setup process sees the FUSE connection end with our fd */
      if (overlay_fuse_start (w->cfg, w->userns_fd, fd, &w->fuse, &w->upper_fd, err) < 0)
        return -1;
      fault_point (FAULT_HELPER);
      return 0;
    }
  if (m.step == SYNC_CMD_READY)
    return on_command_ready (sock, w, err);
  if (m.step == SYNC_UPPER_FD && fd >= 0 && w->upper_fd < 0)
    {
      w->upper_fd = steal_fd (&fd);
      return 0;
    }
  if (m.step == SYNC_EXITED)
    {
      log_debug ("the command ended");
      fault_point (FAULT_EXITED);
      w->exited = true;
      w->cmd_status = m.status;
      if (cgroup_oom_check_wanted (w->cfg, m.status))
        {
          w->oom_kills = cgroup_oom_kills (w->cg);
          if (sync_send (sock, SYNC_EXIT_ACK, 0, err) < 0)
            return -1;
        }
      /* pid 1 exits now: what the front end can undo goes meanwhile, on the other core */
      if (w->hooks != NULL && w->hooks->exited != NULL)
        w->hooks->exited (w->hooks->data);
    }
  return 0;
}

/* The command has ended and no terminal is relayed: pid 1 exits (its exit kills what is
   left of the sandbox, and takes its namespaces), and nothing it or we could still send
   matters.  One blocking wait for it, rather than a poll for the socket's end and another
   for SIGCHLD.  */
static void
wait_exit (struct waitstate *w)
{
  if (TEMP_FAILURE_RETRY (waitpid (w->pid, &w->pid_status, 0)) == w->pid)
    log_debug ("pid 1 reaped");
  w->reaped = true;
  w->eof = true;
}

static void
on_signal (int sfd, struct waitstate *w)
{
  struct signalfd_siginfo si;

  if (TEMP_FAILURE_RETRY (read (sfd, &si, sizeof si)) != (ssize_t) sizeof si)
    return;
  if (si.ssi_signo == SIGCHLD)
    {
      if (!w->reaped && TEMP_FAILURE_RETRY (waitpid (w->pid, &w->pid_status, WNOHANG)) == w->pid)
        {
          log_debug ("pid 1 reaped");
          w->reaped = true;
        }
      return;
    }
  if (si.ssi_signo == SIGCONT)
    {
      terminal_relay_continued (&w->term);
      return;
    }
  /* the terminal's window changed: the sandbox's pty follows, and the kernel tells its
     foreground job */
  if (si.ssi_signo == SIGWINCH && si.ssi_code == SI_KERNEL && w->term.master >= 0)
    {
      terminal_relay_resize (&w->term);
      return;
    }
  if (w->reaped)
    return;
  /* Nothing of the sandbox is in our terminal's session: what the terminal sent us (^C,
     ^\, a hangup) is for the command's process group, as the terminal would have done;
     what a process sent, for the command.  */
  if (si.ssi_code == SI_KERNEL)
    (void) sigqueue (w->pid, (int) si.ssi_signo, (union sigval){ .sival_int = INIT_SIGNAL_GROUP });
  else
    (void) kill (w->pid, (int) si.ssi_signo);
}

/* Arms TIMER to fire once in MS milliseconds.  */
static int
arm_timer (int timer, uint64_t ms)
{
  struct itimerspec it = { .it_value = { (time_t) (ms / 1000), (long) (ms % 1000) * 1000000 } };

  return timerfd_settime (timer, 0, &it, NULL);
}

/* --timeout: time is up.  SIGTERM to the command's process group, as timeout(1) sends it;
   after the grace period SIGKILL to pid 1, which takes every process of the sandbox.  */
static void
on_timer (struct waitstate *w)
{
  uint64_t n;

  if (TEMP_FAILURE_RETRY (read (w->timer_fd, &n, sizeof n)) != (ssize_t) sizeof n || w->reaped)
    return;
  if (w->timed_out)
    {
      log_debug ("--timeout: the grace period is over, SIGKILL");
      (void) kill (w->pid, SIGKILL);
      return;
    }
  log_debug ("--timeout: time is up, SIGTERM");
  w->timed_out = true;
  (void) sigqueue (w->pid, SIGTERM, (union sigval){ .sival_int = INIT_SIGNAL_GROUP });
  (void) arm_timer (w->timer_fd, w->cfg->timeout_grace_ms);
}

/* A step of ours failed (a network helper): pid 1's own reason, when it sent one, is the
   one told; the sandbox is killed, and the loop only waits for pid 1 to be reaped.  */
static void
fail_sandbox (int sock, struct waitstate *w, struct sb_error **err)
{
  sync_take_error (sock, err);
  (void) kill (w->pid, SIGKILL);
  w->eof = true;
}

/* The one event loop of the launcher, from clone on: signals, pid 1's messages (the fuse
   and /proc views helpers it asks for, the pty), the network helpers' ready fds (the
   command is released once both are up) and the --timeout clock, until pid 1 is gone and
   the socket closed: then no process of the sandbox is left.  fuse-overlayfs thus starts
   while slirp4netns or pasta is still starting.  */
static int
wait_sandbox (int sock, int sfd, struct waitstate *w, struct sb_error **err)
{
  while (!w->reaped || !w->eof)
    {
      int net_fd = w->net_ready || w->eof ? -1 : w->net->ready_fd;
      int egress_fd = w->egress_ready || w->eof ? -1 : w->egress->ready_fd;
      struct pollfd fds[5 + TERM_RELAY_NFDS] = { { sfd, POLLIN, 0 },
                                                 { w->eof ? -1 : sock, POLLIN, 0 },
                                                 { w->timer_fd, POLLIN, 0 },
                                                 { net_fd, POLLIN, 0 },
                                                 { egress_fd, POLLIN, 0 } };

      terminal_relay_poll (&w->term, fds + 5);
      if (poll (fds, 5 + TERM_RELAY_NFDS, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return sb_error_set (err, errno, "poll");
        }
      terminal_relay_io (&w->term, fds + 5);
      if (fds[0].revents)
        on_signal (sfd, w);
      if (fds[2].revents)
        on_timer (w);
      if ((fds[3].revents && on_network (w, false, err) < 0)
          || (fds[4].revents && on_network (w, true, err) < 0))
        fail_sandbox (sock, w, err);
      /* a SYNC_ERROR is kept in *err; the loop goes on until everything is gone */
      if (fds[1].revents && !w->eof && on_message (sock, w, err) < 0 && *err == NULL)
        return -1;
      if (w->exited && !w->reaped && w->term.master < 0)
        wait_exit (w);
    }
  return *err != NULL ? -1 : 0;
}

/* The command's end: its status, or the memory limit's kill as one line and 137.  */
static int
command_status (const struct config *cfg, uint64_t oom_kills, int cmd_status, int *ret_status,
                struct sb_error **err)
{
  if (cgroup_oom_check_wanted (cfg, cmd_status) && oom_kills > 0)
    {
      char limit[32];

      cgroup_format_size (cfg->memory_max, limit, sizeof limit);
      sb_error_set (err, 0, "killed: out of memory (limit %s)", limit);
      (*err)->status = 128 + SIGKILL;
      return -1;
    }
  if (WIFEXITED (cmd_status))
    *ret_status = WEXITSTATUS (cmd_status);
  else
    *ret_status = 128 + WTERMSIG (cmd_status);
  return 0;
}

/* What the launcher owns from the plan's end to the sandbox's: every helper's pid and fd,
   the cgroup, the id maps, the sync socket.  struct config stays as the plan left it.  */
struct launcher
{
  const struct config *cfg;
  struct cgroup cg;
  struct idmap map;
  struct waitstate w;
  struct net_helper net;
  struct egress_helper egress;
  struct sb_dbus_proxy dbus;
  struct term_plan term;
  int sock;      /* our end of the sync socket */
  int sfd;       /* signalfd: SIGCHLD and the relayed signals */
  bool self_map; /* pid 1 writes its own map and does not wait for us (pid1_maps_itself) */
  sigset_t old;
};

/* 1. Before anything starts: the id maps' plan, the cgroup (limits that cannot be applied
   stop us here), the bus filter, the sync socket.  *RET_SV1: pid 1's end.  */
static int
launch_prepare (struct launcher *l, int *ret_sv1, struct sb_error **err)
{
  const struct config *cfg = l->cfg;
  int sv[2];

  if (idmap_plan (cfg, &l->map, err) < 0)
    return -1;
  if (cgroup_prepare (cfg, &l->cg, err) < 0)
    {
      idmap_free (&l->map);
      return -1;
    }
  fault_point (FAULT_CGROUP);
  /* the first helper: the bus filter, ready before pid 1 opens its sockets */
  if (sb_dbus_start (cfg, &l->dbus, err) < 0
      || (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0
          && sb_error_set (err, errno, "socketpair") < 0))
    {
      sb_dbus_stop (cfg, &l->dbus);
      idmap_free (&l->map);
      cgroup_teardown (&l->cg);
      return -1;
    }
  l->sock = sv[0];
  *ret_sv1 = sv[1];
  return 0;
}

/* Whether pid 1 may write its own one-id map and build its root without waiting for us, as
   bwrap's child does: nothing of ours must come between its namespaces and its root.  No
   map helper, no cgroup to enter, no network helper or network to attach (they open its
   /proc files, or its namespaces, while it may still be opened), no allowlist, no CPU limit
   of the /proc views, no front end's hooks that wait for pid 1.  fuse-overlayfs, which may be
   needed later, gets the user namespace from pid 1 itself.  */
static bool
pid1_maps_itself (const struct launcher *l)
{
  const struct config *cfg = l->cfg;
  const struct launch_hooks *h = l->w.hooks;

  return idmap_self (&l->map) && l->cg.kind == CGROUP_KIND_NONE
         && (h == NULL || (h->ready == NULL && h->namespaces == NULL && h->pty == NULL))
         && (cfg->net == NET_NONE || cfg->net == NET_HOST) && !egress_wanted (cfg)
         && !procviews_wanted (cfg);
}

/* 2. pid 1 (init_main), with the relayed signals blocked until signalfd reads them; the
   --timeout clock starts.  */
static int
launch_clone (struct launcher *l, int sv1, struct sb_error **err)
{
  const struct config *cfg = l->cfg;
  sigset_t set;

  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  for (const int *s = init_forwarded_signals; *s; s++)
    sigaddset (&set, *s);
  sigprocmask (SIG_BLOCK, &set, &l->old);
  terminal_plan (&l->term);
  if (l->w.hooks != NULL && l->w.hooks->pty != NULL)
    terminal_plan_console (&l->term);
  terminal_relay_init (&l->w.term, &l->term);

  l->self_map = pid1_maps_itself (l);
  log_debug ("clone");
  /* --net sandbox:NAME: pid 1 is made inside NAME's network, its maps written there */
  l->w.pid = cfg->net == NET_JOIN || cfg->net == NET_NETWORK
                 ? netjoin_clone (cfg, &l->map, NS_FLAGS, err)
                 : sys_clone_fork (NS_FLAGS | SIGCHLD);
  if (l->w.pid == 0)
    {
      (void) close (l->sock);
      init_main (cfg, &l->term, l->self_map ? &l->map : NULL, sv1);
    }
  (void) close (sv1);
  if (l->w.pid < 0)
    return *err != NULL ? -1 : clone_error (errno, err);
  /* SIGCONT, for the relay only: pid 1 has no use for it blocked */
  sigaddset (&set, SIGCONT);
  sigprocmask (SIG_BLOCK, &set, NULL);
  fault_point (FAULT_CLONE);
  l->sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (l->sfd < 0)
    return sb_error_set (err, errno, "signalfd");
  /* the wall clock runs from the start of the sandbox */
  if (cfg->timeout_ms > 0)
    {
      l->w.timer_fd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC);
      if (l->w.timer_fd < 0 || arm_timer (l->w.timer_fd, cfg->timeout_ms) < 0)
        return sb_error_set (err, errno, "--timeout: timerfd");
    }
  return 0;
}

/* A step failed, maybe because pid 1 did: its reason, when it sent one, is the one told.  */
static int
take_error (struct launcher *l, struct sb_error **err)
{
  sync_take_error (l->sock, err);
  return -1;
}

/* The front end's own work (the named state), once pid 1 goes on without us: while it
   makes its namespaces when it maps itself, else once it has its maps (newuidmap and the
   cgroup come first: pid 1 waits for them).  Before the command's release, which writes
   the state.  */
static int
run_cloned_hook (const struct launcher *l, struct sb_error **err)
{
  const struct launch_hooks *h = l->w.hooks;

  return h == NULL || h->cloned == NULL ? 0 : h->cloned (h->data, err);
}

/* 3. pid 1's id maps, its cgroup, the network's helpers; then the command may run.  */
static int
launch_start (struct launcher *l, struct sb_error **err)
{
  const struct config *cfg = l->cfg;

  log_debug ("cloned pid %d; %s", (int) l->w.pid,
             l->self_map ? "it writes its own id map" : "writing id maps");
  if (l->self_map && run_cloned_hook (l, err) < 0)
    return -1;
  if (!l->self_map && idmap_start (&l->map, l->w.pid, err) < 0)
    return -1;
  /* the allowlist's helper while newuidmap runs: its rules (registering netfilter hooks in
     a new namespace takes milliseconds) are the longest path to the command; pid 1 makes
     its sockets before it has its maps */
  if (expect_namespaces (cfg, l->sock, &l->egress, l->self_map, &l->w.userns_fd, err) < 0
      || egress_start (cfg, &l->egress, err) < 0)
    return -1;
  fault_point (FAULT_IDMAP_STARTED);
  /* the helpers run while pid 1 makes its namespaces */
  if (idmap_finish (&l->map, err) < 0)
    return take_error (l, err);
  fault_point (FAULT_IDMAP_DONE);
  /* pid 1 is under the limits before it is released: nothing runs unlimited */
  if (!l->self_map && open_namespaces (cfg, l->w.pid, &l->w.userns_fd, &l->net.netns_fd, err) < 0)
    return -1;
  l->net.userns_fd = l->w.userns_fd;
  /* --network NET: pid 1's eth0 on NET's bridge before it goes on */
  if (network_attach (cfg, l->net.netns_fd, err) < 0)
    return -1;
  if (!l->self_map)
    named_record_namespaces (l->w.pid);
  if (l->w.hooks != NULL && l->w.hooks->namespaces != NULL
      && l->w.hooks->namespaces (l->w.hooks->data, l->w.pid, err) < 0)
    return -1;
  fault_point (FAULT_NS_READY);
  if (cgroup_enter (cfg, &l->cg, l->w.pid, err) < 0 || procviews_limit_cpus (cfg, l->w.pid, err) < 0
      || (!l->self_map && sync_send (l->sock, SYNC_MAPS_DONE, 0, err) < 0))
    /* pid 1 fails early too (rootfs_open): its reason is queued */
    return take_error (l, err);
  if (!l->self_map)
    log_debug ("id maps written");
  fault_point (FAULT_MAPS_DONE);
  /* the helper starts while the child builds its root; the event loop (wait_sandbox)
     waits for it, and releases the command once it and the allowlist's helper are up */
  if (net_helper_start (cfg, &l->net, err) < 0)
    return take_error (l, err);
  if (!l->self_map && run_cloned_hook (l, err) < 0)
    return -1;
  l->w.net_ready = l->net.proc.pid == 0;
  l->w.egress_ready = l->egress.proc.pid == 0;
  if (l->w.net_ready && l->w.egress_ready)
    return release_command (&l->w, err);
  return 0;
}

/* 4. After the wait: the exit status the launcher should exit with.  */
static int
launch_result (const struct launcher *l, int *ret_status, struct sb_error **err)
{
  const struct waitstate *w = &l->w;

  if (w->timed_out)
    {
      /* as timeout(1): 124, however the command took its SIGTERM */
      log_notice ("--timeout: the command ran out of time");
      *ret_status = 124;
      return 0;
    }
  if (w->exited)
    return command_status (l->cfg, w->oom_kills, w->cmd_status, ret_status, err);
  if (WIFSIGNALED (w->pid_status))
    return sb_error_set (err, 0, "the sandbox's init was killed by signal %d",
                         WTERMSIG (w->pid_status));
  return sb_error_set (err, 0, "the sandbox's init ended before the command");
}

/* 5. On every way out: the sandbox's last output, the terminal as it was, every helper
   stopped, the cgroup removed.  OK: the command ended as it should (its changes are
   counted).  */
static void
launch_teardown (struct launcher *l, bool ok)
{
  const struct config *cfg = l->cfg;

  terminal_relay_end (&l->w.term);
  procviews_stop (&l->w.views);
  /* pid 1 is gone: no process uses the overlay any more */
  overlay_fuse_stop (&l->w.fuse);
  /* everything that could write to the upper layer is gone: count what the command left */
  if (ok)
    workdir_report (cfg, l->w.upper_fd);
  closep (&l->w.upper_fd);
  /* the allowlist's helper ends while slirp4netns or pasta does */
  egress_stop_begin (&l->egress);
  net_helper_stop (&l->net);
  egress_stop (&l->egress);
  closep (&l->w.userns_fd);
  closep (&l->w.timer_fd);
  closep (&l->net.netns_fd);
  closep (&l->sfd);
  closep (&l->sock);
  sigprocmask (SIG_SETMASK, &l->old, NULL);
  sb_dbus_stop (cfg, &l->dbus);
  if (cfg->dbus_proxy_dir != NULL)
    fault_point (FAULT_DBUS_STOPPED);
  cgroup_teardown (&l->cg);
  idmap_free (&l->map);
  fault_point (FAULT_TEARDOWN);
}

int
launch_run_hooked (const struct config *cfg, const struct launch_hooks *hooks, int *ret_status,
                   struct sb_error **err)
{
  struct launcher l = { .cfg = cfg,
                        .w = { .cfg = cfg,
                               .hooks = hooks,
                               .views = HELPER_INIT,
                               .fuse = HELPER_INIT,
                               .userns_fd = -1,
                               .timer_fd = -1,
                               .upper_fd = -1 },
                        .net = NET_HELPER_INIT,
                        .egress = EGRESS_HELPER_INIT,
                        .dbus = SB_DBUS_PROXY_INIT,
                        .sock = -1,
                        .sfd = -1 };
  int sv1 = -1, r = -1;

  l.w.cg = &l.cg;
  l.w.net = &l.net;
  l.w.egress = &l.egress;
  if (launch_prepare (&l, &sv1, err) < 0)
    return -1;
  l.w.sock = l.sock;
  if (launch_clone (&l, sv1, err) == 0 && launch_start (&l, err) == 0)
    {
      r = wait_sandbox (l.sock, l.sfd, &l.w, err);
      log_debug ("sandbox ended");
      fault_point (FAULT_REAPED);
      if (r == 0)
        r = launch_result (&l, ret_status, err);
    }
  if (l.w.pid > 0 && !l.w.reaped)
    {
      (void) kill (l.w.pid, SIGKILL);
      (void) TEMP_FAILURE_RETRY (waitpid (l.w.pid, NULL, 0));
      r = -1;
    }
  launch_teardown (&l, r == 0);
  return r;
}
