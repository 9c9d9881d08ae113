/* SPDX-License-Identifier: GPL-2.0-or-later */
/* net.c: the sandbox's network.  --net none: a new network namespace with lo only.  --net
   host: the host's namespace.  --net slirp / pasta: a new namespace given a device by a
   user-mode helper (slirp4netns, or passt's pasta) that runs outside the sandbox, in the
   launcher's pid namespace, where the sandboxed program cannot see, signal or ptrace it; it
   dies with the launcher (PR_SET_PDEATHSIG, slirp4netns's --exit-fd).  Published ports go
   through the helper's own forwarding, so servers inside see the client's real address.
   Inside, /etc/resolv.conf names the helper's resolver and /etc/hosts the sandbox's name.  */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "egress.h"
#include "error.h"
#include "fault.h"
#include "helper.h"
#include "inroot.h"
#include "log.h"
#include "net.h"
#include "network.h"
#include "state.h"
#include "util.h"

/* MTU of the helper's device.  Measured here with iperf3 through --net-host-loopback
   (bench/net.sh; Gbit/s sandbox->host / host->sandbox, a loaded 2-core machine):
   slirp4netns 0.41 / 1.08 at 1500 against 1.39 / 2.86 at 65520; pasta 0.27 / 0.56 against
   0.68 / 3.02.  Each packet costs a trip through the helper, so the large MTU wins by 2.5-5x,
   and podman uses it too.  No run stalled.  The stalls reported with large MTUs come from
   paths whose real MTU is smaller; the helper terminates TCP on its own sockets, so the
   sandbox's MTU never reaches the wire.  */
#define NET_MTU "65520"

/* slirp4netns's fixed addresses (its --cidr default) */
#define SLIRP_DNS "10.0.2.3"
/* pasta maps DNS queries to this address onto the host's first resolver (--dns-forward),
   which may sit on the host's loopback (systemd-resolved's 127.0.0.53); podman uses it too */
#define PASTA_DNS "169.254.1.1"

/* The helper's device in the sandbox's namespace, made by pid 1 (see make_tap) */
#define TAP_NAME "tap0"

/* Where net_setup_files keeps its generated files: under the sandbox's /run (a tmpfs).  */
#define FILES_DIR "/run/sandbox-net"

static const char *const mode_names[] = {
  [NET_NONE] = "none", [NET_HOST] = "host",    [NET_SLIRP] = "slirp",    [NET_PASTA] = "pasta",
  [NET_AUTO] = "auto", [NET_JOIN] = "sandbox", [NET_NETWORK] = "network"
};

int
net_parse_mode (const char *s, enum net_mode *ret_mode)
{
  for (size_t i = 0; i < sizeof mode_names / sizeof *mode_names; i++)
    if (strcmp (s, mode_names[i]) == 0)
      {
        *ret_mode = (enum net_mode) i;
        return 0;
      }
  return -1;
}

const char *
net_mode_name (enum net_mode mode)
{
  return (size_t) mode < sizeof mode_names / sizeof *mode_names ? mode_names[mode] : "?";
}

static int
parse_port (const char *s, size_t len, uint16_t *ret)
{
  unsigned long v = 0;

  if (len == 0 || len > 5)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return -1;
      v = v * 10 + (unsigned long) (s[i] - '0');
    }
  if (v == 0 || v > 65535)
    return -1;
  *ret = (uint16_t) v;
  return 0;
}

int
net_parse_publish (const char *s, struct net_publish *ret, const char **ret_why)
{
  static const char *const form = "expected [HOSTIP:]HOSTPORT:PORT[/tcp|/udp]";
  struct net_publish p = { .proto = IPPROTO_TCP };
  const char *slash = strchr (s, '/');
  size_t len = slash ? (size_t) (slash - s) : strlen (s);
  const char *c1, *c2 = NULL;

  if (slash != NULL)
    {
      if (strcmp (slash, "/udp") == 0)
        p.proto = IPPROTO_UDP;
      else if (strcmp (slash, "/tcp") != 0)
        return *ret_why = "the protocol must be tcp or udp", -1;
    }
  if (s[0] == '[')
    return *ret_why = "IPv6 host addresses are not supported", -1;
  /* from the right: PORT, then HOSTPORT, then everything before is the address */
  c1 = memrchr (s, ':', len);
  if (c1 != NULL)
    c2 = memrchr (s, ':', (size_t) (c1 - s));
  if (c1 == NULL)
    return *ret_why = form, -1;
  if (parse_port (c1 + 1, len - (size_t) (c1 + 1 - s), &p.port) < 0)
    return *ret_why = "ports are numbers from 1 to 65535", -1;
  if (parse_port (c2 ? c2 + 1 : s, (size_t) (c1 - (c2 ? c2 + 1 : s)), &p.host_port) < 0)
    return *ret_why
           = c2 == NULL && memchr (s, '.', len) ? form : "ports are numbers from 1 to 65535",
           -1;
  p.host_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (c2 != NULL)
    {
      char addr[INET_ADDRSTRLEN];
      size_t alen = (size_t) (c2 - s);

      if (alen == 0 || alen >= sizeof addr || memchr (s, ':', alen) != NULL)
        return *ret_why = memchr (s, ':', alen) ? "IPv6 host addresses are not supported"
                                                : "not an IPv4 address",
               -1;
      memcpy (addr, s, alen);
      addr[alen] = '\0';
      if (inet_pton (AF_INET, addr, &p.host_addr) != 1)
        return *ret_why = "not an IPv4 address", -1;
    }
  p.spec = xstrdup (s);
  *ret = p;
  return 0;
}

/* A published host port that something else holds fails here, before any namespace, with
   one clear line; the helper's own error would be vaguer (slirp4netns: "add_hostfwd
   failed").  Only a listener or a bound UDP socket blocks it: TCP uses SO_REUSEADDR like
   the helpers, so connections in TIME_WAIT do not.  */
static int
check_port_free (const struct net_publish *p, struct sb_error **err)
{
  struct sockaddr_in sa
      = { .sin_family = AF_INET, .sin_addr = p->host_addr, .sin_port = htons (p->host_port) };
  bool tcp = p->proto == IPPROTO_TCP;
  cleanup_close int fd = socket (AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  int one = 1;

  if (fd < 0)
    return sb_error_set (err, errno, "--publish '%s': socket", p->spec);
  if (tcp)
    (void) setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    return sb_error_set (err, errno, "--publish '%s'", p->spec);
  return 0;
}

/* --network NET: its holder's slirp4netns forwards the ports (network.c) */
static int
network_ports_check (const struct config *cfg, struct sb_error **err)
{
  cleanup_free char *slirp = path_find ("slirp4netns");

  if (cfg->n_publish > NETWORK_MAX_PORTS)
    return sb_error_set (err, 0, "--publish: at most %d with --network", NETWORK_MAX_PORTS);
  if (slirp == NULL && cfg->n_publish > 0)
    return sb_error_set (err, 0,
                         "--publish '%s': with --network, needs slirp4netns: install the "
                         "Debian package slirp4netns",
                         cfg->publish[0].spec);
  if (slirp == NULL)
    log_notice ("--network '%s': slirp4netns not found: the network has no way out", cfg->network);
  for (size_t i = 0; i < cfg->n_publish; i++)
    if (check_port_free (&cfg->publish[i], err) < 0)
      return -1;
  return 0;
}

int
net_config_finish (struct config *cfg, struct sb_error **err)
{
  bool helper = cfg->net == NET_SLIRP || cfg->net == NET_PASTA || cfg->net == NET_AUTO;

  if (!helper && cfg->n_publish > 0 && cfg->net != NET_NETWORK)
    return sb_error_set (err, 0, "--publish '%s': needs --net slirp, pasta or auto",
                         cfg->publish[0].spec);
  if (!helper && cfg->net_host_loopback)
    return sb_error_set (err, 0, "--net-host-loopback: needs --net slirp, pasta or auto");
  if (cfg->net == NET_NETWORK)
    return network_ports_check (cfg, err);
  if (cfg->net == NET_HOST)
    log_notice ("--net host: the sandbox shares the host's network: it can reach every "
                "service on the host's loopback and its abstract unix sockets (X11's, "
                "D-Bus's), and bind the host's ports");
  if (!helper)
    return 0;

  if (cfg->net == NET_AUTO || cfg->net == NET_PASTA)
    {
      cfg->net_helper = path_find ("pasta");
      if (cfg->net_helper != NULL)
        cfg->net = NET_PASTA;
      else if (cfg->net == NET_PASTA)
        return sb_error_set (err, 0,
                             "--net pasta: pasta not found: install the Debian "
                             "package passt");
    }
  if (cfg->net == NET_AUTO || cfg->net == NET_SLIRP)
    {
      cfg->net_helper = path_find ("slirp4netns");
      if (cfg->net_helper == NULL)
        return sb_error_set (err, 0,
                             cfg->net == NET_AUTO
                                 ? "--net auto: neither pasta nor slirp4netns found: "
                                   "install the Debian package passt or slirp4netns"
                                 : "--net slirp: slirp4netns not found: install the "
                                   "Debian package slirp4netns");
      cfg->net = NET_SLIRP;
    }
  for (size_t i = 0; i < cfg->n_publish; i++)
    {
      const struct net_publish *p = &cfg->publish[i];

      if (check_port_free (p, err) < 0)
        return -1;
      /* the sandbox answers a loopback client at the gateway, which maps to the host's
         loopback only when that is open: TCP is unaffected (the helper holds the
         connection), UDP answers are dropped */
      if (p->proto == IPPROTO_UDP && !cfg->net_host_loopback
          && (ntohl (p->host_addr.s_addr) >> 24) == 127)
        log_warning ("--publish '%s': answers to the host's loopback need --net-host-loopback",
                     p->spec);
    }
  /* slirp4netns takes its ports through an API socket: it needs a folder on disk */
  if (cfg->net == NET_SLIRP && cfg->n_publish > 0)
    {
      struct sockaddr_un sa;
      const char *dir = state_run_dir (cfg, err);

      if (dir == NULL)
        return -1;
      if (strlen (dir) + sizeof "/slirp.sock" > sizeof sa.sun_path)
        return sb_error_set (err, ENAMETOOLONG,
                             "--publish: slirp4netns's API socket in '%s' (set a shorter "
                             "TMPDIR or XDG_RUNTIME_DIR)",
                             dir);
    }
  return 0;
}

/* ------------------------------------------------------------------ the launcher's side */

static void add_arg (char ***argv, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
add_arg (char ***argv, const char *fmt, ...)
{
  va_list ap;
  char *s;

  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    oom ();
  va_end (ap);
  strv_push (argv, s);
}

static char **
slirp_argv (const struct config *cfg, const struct net_helper *h, int ready, int exitfd)
{
  char **argv = xcalloc (1, sizeof (char *));

  add_arg (&argv, "%s", cfg->net_helper);
  add_arg (&argv, "--configure");
  add_arg (&argv, "--mtu=%s", NET_MTU);
  /* its own hardening: pivot_root into an empty tree, drop capabilities, a seccomp filter */
  add_arg (&argv, "--enable-sandbox");
  add_arg (&argv, "--enable-seccomp");
  if (!cfg->net_host_loopback)
    add_arg (&argv, "--disable-host-loopback");
  /* the allowlist covers IPv6 too: give the sandbox a route for it */
  if (egress_wanted (cfg))
    add_arg (&argv, "--enable-ipv6");
  add_arg (&argv, "--ready-fd=%d", ready);
  add_arg (&argv, "--exit-fd=%d", exitfd);
  if (h->api_sock != NULL)
    add_arg (&argv, "--api-socket=%s", h->api_sock);
  /* by fd: pid 1 is not dumpable, its /proc/PID/ns closed to the helper.  It starts in the
     sandbox's user namespace already (helper_exec), as root there: no --userns-path, which
     slirp4netns would not join for its own sandbox in this mode */
  add_arg (&argv, "--netns-type=path");
  add_arg (&argv, "/proc/self/fd/%d", h->netns_fd);
  add_arg (&argv, TAP_NAME);
  return argv;
}

static char **
pasta_argv (const struct config *cfg, const struct net_helper *h, int ready)
{
  char **argv = xcalloc (1, sizeof (char *));
  bool tcp = false, udp = false;

  add_arg (&argv, "%s", cfg->net_helper);
  /* in the foreground it stays our child, so PR_SET_PDEATHSIG ends it with us */
  add_arg (&argv, "--foreground");
  add_arg (&argv, "--quiet");
  add_arg (&argv, "--config-net");
  add_arg (&argv, "--ns-ifname=" TAP_NAME);
  add_arg (&argv, "--mtu=%s", NET_MTU);
  /* written once its device is up: our ready signal */
  add_arg (&argv, "--pid=/proc/self/fd/%d", ready);
  add_arg (&argv, "--dns-forward=%s", PASTA_DNS);
  if (!cfg->net_host_loopback)
    add_arg (&argv, "--no-map-gw");
  for (size_t i = 0; i < cfg->n_publish; i++)
    {
      const struct net_publish *p = &cfg->publish[i];
      char addr[INET_ADDRSTRLEN];

      inet_ntop (AF_INET, &p->host_addr, addr, sizeof addr);
      add_arg (&argv, "%s", p->proto == IPPROTO_TCP ? "--tcp-ports" : "--udp-ports");
      add_arg (&argv, "%s/%u:%u", addr, p->host_port, p->port);
      tcp |= p->proto == IPPROTO_TCP;
      udp |= p->proto == IPPROTO_UDP;
    }
  /* pasta's defaults ("auto") forward every port bound on either side to the other: that
     would open the host's loopback, and the sandbox's, without being asked */
  if (!tcp)
    add_arg (&argv, "--tcp-ports=none");
  if (!udp)
    add_arg (&argv, "--udp-ports=none");
  add_arg (&argv, "--tcp-ns=none");
  add_arg (&argv, "--udp-ns=none");
  /* by fd: pid 1 is not dumpable, its /proc/PID/ns closed to the helper */
  add_arg (&argv, "--userns");
  add_arg (&argv, "/proc/self/fd/%d", h->userns_fd);
  add_arg (&argv, "--netns");
  add_arg (&argv, "/proc/self/fd/%d", h->netns_fd);
  return argv;
}

/* In the helper (helper.c's hook: system calls only): root of the sandbox's user
   namespace, as slirp4netns --enable-sandbox makes itself when it is given a pid.  */
static int
slirp_hook (void *arg, int report)
{
  const struct net_helper *h = arg;

  (void) report;
  if (setns (h->userns_fd, CLONE_NEWUSER) < 0)
    return 1;
  (void) syscall (SYS_setgroups, 0, NULL); /* refused where the map denies it: harmless */
  /* root may be unmapped (--no-subids): slirp4netns then fails with its own message */
  if (syscall (SYS_setresgid, 0, 0, 0) == 0)
    (void) syscall (SYS_setresuid, 0, 0, 0);
  return 0;
}

static const char *const slirp_steps[] = { "join the sandbox's user namespace" };

int
net_helper_start (const struct config *cfg, struct net_helper *h, struct sb_error **err)
{
  cleanup_strv char **argv = NULL;
  cleanup_close int ready_w = -1;
  cleanup_close int exit_r = -1;
  struct helper_spec spec = { .stderr_fd = -1,
                              /* its own session: a terminal's ^C goes to the sandbox, which
                                 ends the helper through us */
                              .new_session = true };
  int keep[4], p[2];

  if (cfg->net != NET_SLIRP && cfg->net != NET_PASTA)
    return 0;
  if (pipe2 (p, O_CLOEXEC) < 0)
    return sb_error_set (err, errno, "pipe");
  h->ready_fd = p[0];
  ready_w = p[1];
  h->log_fd = memfd_create ("sandbox-net-log", MFD_CLOEXEC);
  if (h->log_fd < 0)
    return sb_error_set (err, errno, "memfd_create");
  keep[spec.n_keep++] = ready_w;
  keep[spec.n_keep++] = h->netns_fd;
  if (cfg->net == NET_SLIRP)
    {
      if (pipe2 (p, O_CLOEXEC) < 0)
        return sb_error_set (err, errno, "pipe");
      exit_r = p[0];
      h->exit_fd = p[1];
      keep[spec.n_keep++] = exit_r;
      /* the launcher's state folder is 0700: nobody else reaches the socket meanwhile */
      if (cfg->n_publish > 0 && asprintf (&h->api_sock, "%s/slirp.sock", cfg->run_dir) < 0)
        oom ();
      argv = slirp_argv (cfg, h, ready_w, exit_r);
      spec.name = "slirp4netns";
      spec.hook = slirp_hook;
      spec.hook_arg = h;
      spec.hook_steps = slirp_steps;
    }
  else
    {
      argv = pasta_argv (cfg, h, ready_w);
      spec.name = "pasta";
      keep[spec.n_keep++] = h->userns_fd;
    }
  spec.argv = argv;
  spec.keep = keep;
  spec.stderr_fd = h->log_fd;
  if (helper_start (&spec, &h->proc, err) < 0)
    {
      sb_error_prefix (*err, "--net: ");
      return -1;
    }
  fault_point (FAULT_NET_STARTED);
  return 0;
}

/* The helper's last line of stderr, for the error message.  */
static char *
helper_log_tail (int log_fd)
{
  char buf[512];
  off_t size = lseek (log_fd, 0, SEEK_END);
  off_t from = size > (off_t) sizeof buf - 1 ? size - (off_t) sizeof buf + 1 : 0;
  ssize_t n = pread (log_fd, buf, sizeof buf - 1, from);
  char *start;

  if (n <= 0)
    return xstrdup ("");
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
    n--;
  buf[n] = '\0';
  start = strrchr (buf, '\n');
  return xstrdup (start ? start + 1 : buf);
}

static int
helper_failed (const struct net_helper *h, const char *name, struct sb_error **err)
{
  cleanup_free char *tail = helper_log_tail (h->log_fd);

  if (*tail != '\0')
    return sb_error_set (err, 0, "--net: %s failed: %s", name, tail);
  return sb_error_set (err, 0, "--net: %s exited before it was ready", name);
}

/* One request on slirp4netns's API socket; it answers {"return": ...} or {"error": ...}.  */
static int
slirp_api (const struct net_helper *h, const char *req, char *resp, size_t size,
           struct sb_error **err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  size_t got = 0;
  ssize_t n;

  if (fd < 0)
    return sb_error_set (err, errno, "socket");
  if ((size_t) snprintf (sa.sun_path, sizeof sa.sun_path, "%s", h->api_sock) >= sizeof sa.sun_path)
    return sb_error_set (err, ENAMETOOLONG, "slirp4netns's API socket '%s'", h->api_sock);
  if (connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    return sb_error_set (err, errno, "connect to slirp4netns's API socket");
  if (write_all (fd, req, strlen (req)) < 0 || shutdown (fd, SHUT_WR) < 0)
    return sb_error_set (err, errno, "write to slirp4netns's API socket");
  while (got < size - 1 && (n = TEMP_FAILURE_RETRY (read (fd, resp + got, size - 1 - got))) > 0)
    got += (size_t) n;
  resp[got] = '\0';
  return 0;
}

static int
slirp_add_ports (const struct config *cfg, const struct net_helper *h, struct sb_error **err)
{
  for (size_t i = 0; i < cfg->n_publish; i++)
    {
      const struct net_publish *p = &cfg->publish[i];
      char addr[INET_ADDRSTRLEN], req[256], resp[1024];

      inet_ntop (AF_INET, &p->host_addr, addr, sizeof addr);
      snprintf (req, sizeof req,
                "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", "
                "\"host_addr\": \"%s\", \"host_port\": %u, \"guest_port\": %u}}",
                p->proto == IPPROTO_TCP ? "tcp" : "udp", addr, p->host_port, p->port);
      if (slirp_api (h, req, resp, sizeof resp, err) < 0)
        return -1;
      if (strstr (resp, "\"return\"") == NULL)
        {
          char *desc = strstr (resp, "\"desc\"");

          /* the port was free a moment ago: somebody took it since */
          return sb_error_set (err, 0, "--publish '%s': slirp4netns refused it: %s", p->spec,
                               desc ? desc : resp);
        }
    }
  return 0;
}

/* slirp4netns --enable-sandbox joins the sandbox's user namespace to isolate itself, so its
   API socket belongs to the sandbox's root (a subordinate uid) with mode 0755: only a
   process with CAP_DAC_OVERRIDE in that namespace may connect.  A short-lived child of ours
   joins it and talks to the socket; the launcher itself stays where it is.  */
static int
slirp_publish (const struct config *cfg, const struct net_helper *h, struct sb_error **err)
{
  cleanup_close int rd = -1;
  cleanup_close int wr = -1;
  char msg[600];
  ssize_t n;
  int p[2], status = 0;
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return sb_error_set (err, errno, "pipe");
  rd = p[0];
  wr = p[1];
  pid = fork ();
  if (pid < 0)
    return sb_error_set (err, errno, "fork");
  if (pid == 0)
    {
      struct sb_error *e = NULL;

      if (setns (h->userns_fd, CLONE_NEWUSER) < 0)
        sb_error_set (&e, errno, "join the sandbox's user namespace");
      else
        slirp_add_ports (cfg, h, &e);
      if (e != NULL)
        {
          char *text = sb_error_text (e);

          (void) write_all (wr, text, strlen (text));
          _exit (1);
        }
      _exit (0);
    }
  closep (&wr);
  wr = -1;
  n = TEMP_FAILURE_RETRY (read (rd, msg, sizeof msg - 1));
  (void) TEMP_FAILURE_RETRY (waitpid (pid, &status, 0));
  if (n > 0)
    {
      msg[n] = '\0';
      return sb_error_set (err, 0, "%s", msg);
    }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return sb_error_set (err, 0, "--publish: the process that adds the ports failed");
  return 0;
}

/* slirp4netns's API socket, once no longer needed */
static void
remove_api_sock (struct net_helper *h)
{
  if (h->api_sock == NULL)
    return;
  (void) unlink (h->api_sock);
  free (steal_ptr (&h->api_sock));
}

int
net_helper_wait (const struct config *cfg, struct net_helper *h, struct sb_error **err)
{
  const char *name = cfg->net == NET_SLIRP ? "slirp4netns" : "pasta";
  char c;
  ssize_t n;

  if (h->proc.pid == 0)
    return 0;
  /* slirp4netns writes "1"; pasta its pid and a newline.  Either exits or writes: EOF (all
     write ends gone) means it died, and its stderr says why.  */
  n = TEMP_FAILURE_RETRY (read (h->ready_fd, &c, 1));
  if (n < 0)
    return sb_error_set (err, errno, "read the ready pipe of %s", name);
  if (n == 0)
    return helper_failed (h, name, err);
  fault_point (FAULT_NET_READY);
  if (h->api_sock != NULL)
    {
      int r = slirp_publish (cfg, h, err);

      /* the socket has done its work: from now on nobody can add forwards */
      remove_api_sock (h);
      if (r < 0)
        return -1;
      fault_point (FAULT_PUBLISHED);
    }
  log_debug ("%s is ready", name);
  return 0;
}

void
net_helper_stop (struct net_helper *h)
{
  /* pid 1 is gone, and with it every process of the sandbox.  A graceful end (the exit fd,
     SIGTERM) costs 20-50 ms here, and neither helper promises to drain its queues first.
     Bytes a server wrote just before the sandbox ended may be lost; a server that closes
     properly (waits for the peer's FIN) loses nothing.  */
  helper_stop (&h->proc, 0, 0);
  remove_api_sock (h);
  closep (&h->ready_fd);
  closep (&h->exit_fd);
  closep (&h->log_fd);
  h->ready_fd = h->exit_fd = h->log_fd = -1;
}

/* ------------------------------------------------------------------ the child's side */

/* A small file of the new root, read through an fd opened inside it.  */
static char *
read_in_root (int root_fd, const char *rel)
{
  cleanup_close int fd = inroot_open (root_fd, rel, 0);
  struct stat st;
  char path[64];

  /* a fifo or a device there would block us or do worse: a regular file only */
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return NULL;
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  return read_file_at (AT_FDCWD, path, NULL);
}

/* Writes CONTENT to ROOT/FILES_DIR/NAME and binds it read-only over ROOT/REL.  REL is made
   when missing; a symlink (a Debian /etc/resolv.conf may point to
   ../run/systemd/resolve/stub-resolv.conf) is followed inside the root, and when it
   dangles, its target is made there, never on the host.  */
static int
bind_generated (int root_fd, const char *name, const char *content, const char *rel,
                struct sb_error **err)
{
  cleanup_free char *src = NULL;
  cleanup_close int fd = -1;
  cleanup_close int target = -1;
  cleanup_close int sfd = -1;
  char target_path[64], sfd_path[64];

  if (asprintf (&src, "%s/%s", FILES_DIR, name) < 0)
    oom ();
  /* on the sandbox's fresh /run */
  fd = inroot_make (root_fd, src, false, 0644);
  if (fd >= 0)
    {
      snprintf (sfd_path, sizeof sfd_path, "/proc/self/fd/%d", fd);
      sfd = open (sfd_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    }
  if (sfd < 0)
    return sb_error_set (err, errno, "create '%s'", src);
  if (write_all (sfd, content, strlen (content)) < 0)
    return sb_error_set (err, errno, "write '%s'", src);
  target = inroot_make (root_fd, rel, false, 0644);
  if (target < 0)
    {
      /* no /etc/hosts, and a read-only /etc to create it in: leave it */
      log_debug ("/%s: %s; not replaced", rel, strerror (errno));
      return 0;
    }
  /* mount by fd: a symlink swapped in meanwhile cannot redirect the bind */
  snprintf (target_path, sizeof target_path, "/proc/self/fd/%d", target);
  if (mount (sfd_path, target_path, NULL, MS_BIND, NULL) < 0)
    return sb_error_set (err, errno, "bind '%s' on '/%s'", src, rel);
  return 0;
}

/* pid 1's: the hosts file of --network, from net_open_hosts to net_setup_files */
static int network_hosts_fd = -1;

int
net_open_hosts (const struct config *cfg, struct sb_error **err)
{
  struct stat st;

  if (cfg->net != NET_NETWORK)
    return 0;
  /* a regular file of the private folder networks/NET, not a link */
  network_hosts_fd = open (cfg->network_hosts, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (network_hosts_fd < 0 || fstat (network_hosts_fd, &st) < 0 || !S_ISREG (st.st_mode))
    return sb_error_set (err, network_hosts_fd < 0 ? errno : EINVAL, "open '%s'",
                         cfg->network_hosts);
  return 0;
}

/* Binds the file open at FD over ROOT/REL (made when missing, resolved inside the root).  */
static int
bind_file (int root_fd, int fd, const char *rel, struct sb_error **err)
{
  cleanup_close int target = inroot_make (root_fd, rel, false, 0644);
  char src[64], dst[64];

  if (target < 0)
    {
      log_debug ("/%s: %s; not replaced", rel, strerror (errno));
      return 0;
    }
  snprintf (src, sizeof src, "/proc/self/fd/%d", fd);
  snprintf (dst, sizeof dst, "/proc/self/fd/%d", target);
  /* the member's own file (the holder writes one per member): what it writes there
     misleads only itself */
  if (mount (src, dst, NULL, MS_BIND, NULL) < 0)
    return sb_error_set (err, errno, "bind the network's hosts file on '/%s'", rel);
  return 0;
}

/* The host's resolv.conf without its nameservers: search and options still apply.  */
static char *
resolv_conf (int root_fd, const char *nameserver)
{
  cleanup_free char *host = NULL;
  char *out = NULL, *save = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&out, &size);

  if (f == NULL)
    oom ();
  fprintf (f, "# sandbox: the resolver of the network helper\nnameserver %s\n", nameserver);
  host = read_in_root (root_fd, "etc/resolv.conf");
  for (char *l = host ? strtok_r (host, "\n", &save) : NULL; l; l = strtok_r (NULL, "\n", &save))
    if (strncmp (l, "search", 6) == 0 || strncmp (l, "domain", 6) == 0
        || strncmp (l, "options", 7) == 0)
      fprintf (f, "%s\n", l);
  if (fclose (f) != 0)
    oom ();
  return out;
}

static char *
hosts_file (int root_fd, const char *hostname)
{
  cleanup_free char *host = NULL;
  char *out = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&out, &size);

  if (f == NULL)
    oom ();
  host = read_in_root (root_fd, "etc/hosts");
  if (host != NULL)
    fprintf (f, "%s%s", host, *host && host[strlen (host) - 1] != '\n' ? "\n" : "");
  /* Debian's line for the machine's own name */
  fprintf (f, "# sandbox: its host name\n127.0.1.1\t%s\n", hostname);
  if (fclose (f) != 0)
    oom ();
  return out;
}

int
net_setup_files (const struct config *cfg, int root_fd, struct sb_error **err)
{
  const char *hostname = cfg->hostname ? cfg->hostname : "sandbox";
  cleanup_free char *hosts = NULL;
  cleanup_free char *resolv = NULL;
  cleanup_free char *name = NULL;
  enum net_mode mode;

  /* the uts namespace is ours with every --net: /etc/hostname says its name, not the host's */
  if (asprintf (&name, "%s\n", hostname) < 0)
    oom ();
  if (bind_generated (root_fd, "hostname", name, "etc/hostname", err) < 0)
    return -1;
  if (cfg->net == NET_HOST)
    return 0;
  /* --network NET: the holder's file of the members, which it keeps current */
  if (cfg->net == NET_NETWORK)
    {
      /* and the resolver of its way out (network-out.c) */
      resolv = resolv_conf (root_fd, NETWORK_DNS);
      if (bind_generated (root_fd, "resolv.conf", resolv, "etc/resolv.conf", err) < 0)
        return -1;
      return bind_file (root_fd, network_hosts_fd, "etc/hosts", err);
    }
  hosts = hosts_file (root_fd, hostname);
  /* joined: the resolver of the network joined */
  mode = cfg->net == NET_JOIN ? cfg->join_mode : cfg->net;
  if (mode == NET_SLIRP || mode == NET_PASTA)
    resolv = resolv_conf (root_fd, egress_wanted (cfg) ? EGRESS_DNS
                                   : mode == NET_SLIRP ? SLIRP_DNS
                                                       : PASTA_DNS);
  if (bind_generated (root_fd, "hosts", hosts, "etc/hosts", err) < 0)
    return -1;
  if (resolv != NULL && bind_generated (root_fd, "resolv.conf", resolv, "etc/resolv.conf", err) < 0)
    return -1;
  return 0;
}

/* The helper's tap device, made persistent before the helper attaches to it.  The helper
   made it itself before; then its last close unregistered the device, and the helper's
   exit waited for that: 25-35 ms of RCU grace periods, all added to the sandbox's end.  A
   persistent device costs one grace period at the helper's close and goes away with the
   network namespace, in the kernel's own cleanup work that nobody waits for.  Made here,
   while newuidmap runs, its registration is off the critical path too.  Its owner stays
   unset: only a holder of CAP_NET_ADMIN in the namespace (the helper) may attach.  */
static int
make_tap (struct sb_error **err)
{
  cleanup_close int fd = open ("/dev/net/tun", O_RDWR | O_CLOEXEC);
  struct ifreq ifr;

  if (fd < 0)
    return sb_error_set (err, errno, "--net: open '/dev/net/tun'");
  memset (&ifr, 0, sizeof ifr);
  strcpy (ifr.ifr_name, TAP_NAME);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (ioctl (fd, TUNSETIFF, &ifr) < 0)
    return sb_error_set (err, errno, "--net: create the device '%s'", TAP_NAME);
  if (ioctl (fd, TUNSETPERSIST, 1) < 0)
    return sb_error_set (err, errno, "--net: make the device '%s' persistent", TAP_NAME);
  return 0;
}

int
net_setup_inside (const struct config *cfg, struct sb_error **err)
{
  cleanup_close int fd = -1;
  struct ifreq ifr;

  /* joined: lo is up, and not ours to change (the namespace is NAME's user namespace's) */
  if (cfg->net == NET_HOST || cfg->net == NET_JOIN)
    return 0;
  if ((cfg->net == NET_SLIRP || cfg->net == NET_PASTA) && make_tap (err) < 0)
    return -1;
  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return sb_error_set (err, errno, "socket");
  memset (&ifr, 0, sizeof ifr);
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return sb_error_set (err, errno, "get the flags of lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    return sb_error_set (err, errno, "bring up lo");
  return 0;
}
