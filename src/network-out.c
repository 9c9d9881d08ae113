/* SPDX-License-Identifier: GPL-2.0-or-later */
/* network-out.c: a --network's way out (see network.h).  One slirp4netns for the network,
   on a tap device in the holder's network namespace, as --net slirp gives one sandbox.  It
   must run in the host's network namespace, which the holder has left: the spawner, a
   process forked with the holder (the caller's user and network namespaces, outside every
   sandbox), starts it once the holder's namespaces are made and stays its parent, so that
   it dies with the spawner; the spawner ends when the holder does (its pidfd), and
   slirp4netns too on its own (its --exit-fd, whose write end only the holder has).  The
   holder then gives the bridge the gateway's address, forwards, and masquerades the
   members' addresses (sandbox-network-nat).  Published ports are slirp4netns's forwards
   to a member's address, which the holder answers ARP for on the tap (proxy_arp).  */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "helper.h"
#include "network.h"
#include "syscalls.h"
#include "util.h"

/* slirp4netns's device in the holder's namespace, and its (--configure) resolver */
#define OUT_TAP "tap0"
#define OUT_MTU "65520"

struct out_msg
{
  int errnum;
  char text[200]; /* empty: ready */
};

void
network_sort_fds (int *fds, size_t n)
{
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && fds[j - 1] > fds[j]; j--)
      {
        int t = fds[j];

        fds[j] = fds[j - 1];
        fds[j - 1] = t;
      }
}

/* In slirp4netns's child (helper.c's hook): root of the holder's user namespace.  */
static int
out_hook (void *arg, int report)
{
  const int *userns = arg;

  (void) report;
  if (setns (*userns, CLONE_NEWUSER) < 0)
    return 1;
  (void) syscall (SYS_setgroups, 0, NULL);
  if (syscall (SYS_setresgid, 0, 0, 0) == 0)
    (void) syscall (SYS_setresuid, 0, 0, 0);
  return 0;
}

static const char *const out_steps[] = { "join the network's user namespace" };

/* The spawner, once the holder says go: slirp4netns on the holder's namespaces.  */
static void
spawner_run (const struct network_out *o, pid_t holder, int pidfd, struct out_msg *m)
{
  struct helper h = HELPER_INIT;
  struct helper_spec spec = { .name = "slirp4netns", .stderr_fd = -1, .new_session = true };
  struct sb_error *err = NULL;
  char path[64], *argv[16], a[6][300];
  int userns, netns, ready[2], keep[3], n = 0;
  struct pollfd p[2];
  char c;

  snprintf (path, sizeof path, "/proc/%d/ns/user", (int) holder);
  userns = open (path, O_RDONLY | O_CLOEXEC);
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int) holder);
  netns = open (path, O_RDONLY | O_CLOEXEC);
  /* the holder is still the process we were forked with */
  if (userns < 0 || netns < 0 || sys_pidfd_send_signal (pidfd, 0) < 0)
    {
      m->errnum = errno;
      snprintf (m->text, sizeof m->text, "open its namespaces");
      return;
    }
  if (pipe2 (ready, O_CLOEXEC) < 0)
    {
      m->errnum = errno;
      snprintf (m->text, sizeof m->text, "pipe");
      return;
    }
  snprintf (a[0], sizeof a[0], "--ready-fd=%d", ready[1]);
  snprintf (a[1], sizeof a[1], "--exit-fd=%d", o->exit_r);
  snprintf (a[2], sizeof a[2], "--api-socket=%s/slirp.sock", o->dir);
  snprintf (a[3], sizeof a[3], "/proc/self/fd/%d", netns);
  argv[n++] = o->slirp;
  argv[n++] = (char *) "--configure";
  argv[n++] = (char *) "--mtu=" OUT_MTU;
  argv[n++] = (char *) "--enable-sandbox";
  argv[n++] = (char *) "--enable-seccomp";
  /* the host's loopback stays closed, as with --net slirp */
  argv[n++] = (char *) "--disable-host-loopback";
  argv[n++] = a[0];
  argv[n++] = a[1];
  argv[n++] = a[2];
  argv[n++] = (char *) "--netns-type=path";
  argv[n++] = a[3];
  argv[n++] = (char *) OUT_TAP;
  argv[n] = NULL;
  keep[0] = ready[1];
  keep[1] = o->exit_r;
  keep[2] = netns;
  network_sort_fds (keep, 3);
  spec.argv = argv;
  spec.keep = keep;
  spec.n_keep = 3;
  spec.hook = out_hook;
  spec.hook_arg = &userns;
  spec.hook_steps = out_steps;
  if (helper_start (&spec, &h, &err) < 0)
    {
      snprintf (m->text, sizeof m->text, "%s", sb_error_text (err));
      return;
    }
  (void) close (ready[1]);
  if (TEMP_FAILURE_RETRY (read (ready[0], &c, 1)) != 1)
    {
      snprintf (m->text, sizeof m->text, "slirp4netns exited before it was ready");
      helper_stop (&h, 0, 0);
      return;
    }
  (void) write_all (o->report_w, m, sizeof *m);
  /* until the holder ends, or slirp4netns does */
  p[0] = (struct pollfd){ pidfd, POLLIN, 0 };
  p[1] = (struct pollfd){ sys_pidfd_open (h.pid, 0), POLLIN, 0 };
  while (poll (p, 2, -1) < 0 && errno == EINTR)
    ;
  helper_stop (&h, SIGTERM, 100);
  _exit (0);
}

_Noreturn static void
spawner_main (const struct network_out *o, pid_t holder)
{
  struct out_msg m = { 0, "" };
  int pidfd = sys_pidfd_open (holder, 0);
  int keep[4] = { o->go_r, o->report_w, o->exit_r, pidfd };
  char c;

  (void) setsid ();
  sb_signals_default ();
  network_sort_fds (keep, 4);
  if (pidfd < 0 || fds_close_except (keep, 4, false) < 0)
    _exit (1);
  /* EOF: the holder failed before its network was made */
  if (TEMP_FAILURE_RETRY (read (o->go_r, &c, 1)) != 1)
    _exit (0);
  spawner_run (o, holder, pidfd, &m);
  (void) write_all (o->report_w, &m, sizeof m);
  _exit (1);
}

int
network_out_prepare (struct network_out *o, const char *dir)
{
  int p[2];

  *o = (struct network_out){ -1, -1, -1, -1, -1, -1, NULL, NULL };
  o->slirp = path_find ("slirp4netns");
  if (o->slirp == NULL)
    return 0;
  o->dir = dir;
  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  o->go_r = p[0], o->go_w = p[1];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  o->report_r = p[0], o->report_w = p[1];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  o->exit_r = p[0], o->exit_fd = p[1];
  return 0;
}

void
network_out_fork (const struct network_out *o, pid_t holder)
{
  pid_t pid;

  if (o->slirp == NULL)
    return;
  pid = sys_clone_fork (SIGCHLD);
  if (pid == 0)
    spawner_main (o, holder);
}

/* The holder: runs sandbox-network-nat in its namespaces.  */
static int
install_nat (void)
{
  cleanup_free char *path = sb_helper_path ("sandbox-network-nat");
  char *argv[] = { path, NULL };
  int status;
  pid_t pid = fork ();

  if (pid == 0)
    {
      execv (path, argv);
      _exit (127);
    }
  if (pid < 0 || TEMP_FAILURE_RETRY (waitpid (pid, &status, 0)) < 0)
    return -1;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return errno = 0, -1;
  return 0;
}

static int
write_sysctl (const char *path)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);

  return fd < 0 || write (fd, "1", 1) != 1 ? -1 : 0;
}

const char *
network_out_start (struct network_out *o)
{
  struct out_msg m = { 0, "" };
  static char text[sizeof m.text + 32];

  if (o->slirp == NULL)
    return NULL;
  (void) write_all (o->go_w, "g", 1);
  if (TEMP_FAILURE_RETRY (read (o->report_r, &m, sizeof m)) != (ssize_t) sizeof m)
    return errno = 0, "start slirp4netns";
  if (m.text[0] != '\0')
    {
      m.text[sizeof m.text - 1] = '\0';
      errno = m.errnum;
      snprintf (text, sizeof text, "slirp4netns: %s", m.text);
      return text;
    }
  if (network_link_address (NETWORK_BRIDGE, NETWORK_GATEWAY, NETWORK_MASK) < 0)
    return "give the bridge the gateway's address";
  if (write_sysctl ("/proc/sys/net/ipv4/ip_forward") < 0
      || write_sysctl ("/proc/sys/net/ipv4/conf/" OUT_TAP "/proxy_arp") < 0)
    return "turn forwarding on";
  if (install_nat () < 0)
    return "install the masquerade rule (sandbox-network-nat)";
  return NULL;
}

void
network_out_close (struct network_out *o)
{
  int *fds[] = { &o->go_r, &o->go_w, &o->report_r, &o->report_w, &o->exit_r, &o->exit_fd };

  for (size_t i = 0; i < sizeof fds / sizeof *fds; i++)
    closep (fds[i]);
  free (steal_ptr (&o->slirp));
}

/* One request on slirp4netns's API socket (DIR/slirp.sock): its answer in RESP.  */
static int
slirp_request (const char *dir, const char *req, char *resp, size_t size)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct timeval tv = { 2, 0 };
  size_t got = 0;
  ssize_t n;

  snprintf (sa.sun_path, sizeof sa.sun_path, "%s/slirp.sock", dir);
  if (fd < 0 || setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0
      || connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0
      || write_all (fd, req, strlen (req)) < 0 || shutdown (fd, SHUT_WR) < 0)
    return -1;
  while (got < size - 1 && (n = TEMP_FAILURE_RETRY (read (fd, resp + got, size - 1 - got))) > 0)
    got += (size_t) n;
  resp[got] = '\0';
  return 0;
}

int
network_out_publish (const char *dir, const struct network_port *p, const char *addr, char *why,
                     size_t size)
{
  char req[320], resp[512], host[INET_ADDRSTRLEN];
  const char *id;
  struct in_addr a = { p->host_addr };

  inet_ntop (AF_INET, &a, host, sizeof host);
  snprintf (req, sizeof req,
            "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", \"host_addr\": "
            "\"%s\", \"host_port\": %u, \"guest_addr\": \"%s\", \"guest_port\": %u}}",
            p->proto == IPPROTO_UDP ? "udp" : "tcp", host, p->host_port, addr, p->port);
  if (slirp_request (dir, req, resp, sizeof resp) < 0)
    return snprintf (why, size, "slirp4netns's API socket: %s", strerror (errno)), -1;
  id = strstr (resp, "\"id\"");
  if (strstr (resp, "\"return\"") == NULL || id == NULL)
    {
      const char *desc = strstr (resp, "\"desc\"");

      return snprintf (why, size, "slirp4netns refused it: %s", desc ? desc : resp), -1;
    }
  id += strlen ("\"id\"");
  while (*id == ' ' || *id == ':')
    id++;
  return atoi (id);
}

void
network_out_unpublish (const char *dir, int id)
{
  char req[128], resp[256];

  snprintf (req, sizeof req, "{\"execute\": \"remove_hostfwd\", \"arguments\": {\"id\": %d}}", id);
  (void) slirp_request (dir, req, resp, sizeof resp);
}
