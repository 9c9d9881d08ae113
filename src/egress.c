/* SPDX-License-Identifier: GPL-2.0-or-later */
/* egress.c: the outbound allowlist's plan (parsing, checks), pid 1's part (the sockets it
   opens inside and passes out) and the launcher's (starting and ending sandbox-egress).
   The rules and the resolver are the helper's: src/sandbox-egress.c, egress-rules.c,
   egress-dns.c.  */
#include "build-config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "egress.h"
#include "error.h"
#include "helper.h"
#include "log.h"
#include "util.h"

/* ------------------------------------------------------------------ parsing */

static int
parse_u16 (const char *s, size_t len, uint16_t *ret)
{
  unsigned long v = 0;

  if (len == 0 || len > 5)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      if (!isdigit ((unsigned char) s[i]))
        return -1;
      v = v * 10 + (unsigned long) (s[i] - '0');
    }
  if (v > 65535)
    return -1;
  *ret = (uint16_t) v;
  return 0;
}

/* PORT or PORT-PORT */
static int
parse_ports (const char *s, struct egress_net *n)
{
  const char *dash = strchr (s, '-');

  if (dash == NULL)
    {
      if (parse_u16 (s, strlen (s), &n->port_lo) < 0 || n->port_lo == 0)
        return -1;
      n->port_hi = n->port_lo;
      return 0;
    }
  if (parse_u16 (s, (size_t) (dash - s), &n->port_lo) < 0
      || parse_u16 (dash + 1, strlen (dash + 1), &n->port_hi) < 0 || n->port_lo == 0
      || n->port_hi < n->port_lo)
    return -1;
  return 0;
}

/* ADDR[/LEN] into N; clears the host bits */
static int
parse_cidr (char *s, struct egress_net *n, const char **ret_why)
{
  char *slash = strchr (s, '/');
  unsigned max;

  if (slash != NULL)
    *slash = '\0';
  if (inet_pton (AF_INET, s, n->addr) == 1)
    n->family = AF_INET;
  else if (inet_pton (AF_INET6, s, n->addr) == 1)
    n->family = AF_INET6;
  else
    return *ret_why = "not an IPv4 or IPv6 address", -1;
  max = n->family == AF_INET ? 32 : 128;
  n->prefix = max;
  if (slash != NULL)
    {
      uint16_t len;

      if (parse_u16 (slash + 1, strlen (slash + 1), &len) < 0 || len > max)
        return *ret_why = "the prefix length must be 0 to 32 (IPv4) or 128 (IPv6)", -1;
      n->prefix = len;
    }
  for (unsigned bit = n->prefix; bit < max; bit++)
    n->addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
  return 0;
}

int
egress_parse_net (const char *s, struct egress_net *ret, const char **ret_why)
{
  static const char *const form = "expected CIDR[:PORT[-PORT]][/tcp|/udp] ([IPv6]/LEN:PORT)";
  cleanup_free char *buf = xstrdup (s);
  struct egress_net n = { 0 };
  size_t len = strlen (buf);
  char *addr = buf, *ports = NULL;

  if (len > 4 && (strcmp (buf + len - 4, "/tcp") == 0 || strcmp (buf + len - 4, "/udp") == 0))
    {
      n.proto = buf[len - 3] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
      buf[len - 4] = '\0';
    }
  if (buf[0] == '[')
    {
      char *close = strchr (buf, ']');

      if (close == NULL)
        return *ret_why = form, -1;
      addr = buf + 1;
      *close = '\0';
      if (close[1] == '/')
        {
          /* [ADDR]/LEN:PORT: move "/LEN" next to the address */
          char *colon = strchr (close + 1, ':');
          size_t l = colon ? (size_t) (colon - close - 1) : strlen (close + 1);

          memmove (close, close + 1, l);
          close[l] = '\0';
          ports = colon ? colon + 1 : NULL;
        }
      else if (close[1] == ':')
        ports = close + 2;
      else if (close[1] != '\0')
        return *ret_why = form, -1;
    }
  else if (strchr (buf, ':') == strrchr (buf, ':') && strchr (buf, ':') != NULL)
    {
      /* one colon: IPv4 with a port; more: an IPv6 address without one */
      ports = strchr (buf, ':');
      *ports++ = '\0';
    }
  if (parse_cidr (addr, &n, ret_why) < 0)
    return -1;
  if (ports != NULL && parse_ports (ports, &n) < 0)
    return *ret_why = "ports are numbers from 1 to 65535, as PORT or LOW-HIGH", -1;
  n.spec = xstrdup (s);
  *ret = n;
  return 0;
}

static bool
valid_label_char (char c)
{
  return isalnum ((unsigned char) c) || c == '-' || c == '_';
}

bool
egress_valid_host (const char *s)
{
  size_t len;

  if (strncmp (s, "*.", 2) == 0)
    s += 2;
  len = strlen (s);
  if (len > 0 && s[len - 1] == '.')
    len--;
  if (len == 0 || len > 253 || s[0] == '.' || s[0] == '-')
    return false;
  for (size_t i = 0, label = 0; i < len; i++)
    {
      if (s[i] == '.')
        {
          if (label == 0)
            return false;
          label = 0;
          continue;
        }
      if (!valid_label_char (s[i]) || ++label > 63)
        return false;
    }
  return s[len - 1] != '.';
}

/* NAME equals PAT, ignoring case and a final dot on either */
static bool
name_equal (const char *name, size_t nlen, const char *pat)
{
  size_t plen = strlen (pat);

  if (plen > 0 && pat[plen - 1] == '.')
    plen--;
  return nlen == plen && strncasecmp (name, pat, nlen) == 0;
}

bool
egress_host_allowed (char *const *patterns, const char *name)
{
  size_t len = strlen (name);

  if (len > 0 && name[len - 1] == '.')
    len--;
  for (char *const *p = patterns; p != NULL && *p != NULL; p++)
    {
      if (strncmp (*p, "*.", 2) != 0)
        {
          if (name_equal (name, len, *p))
            return true;
          continue;
        }
      /* "*.example.org": NAME ends in ".example.org", with at least one label before */
      for (size_t i = 1; i < len; i++)
        if (name[i] == '.' && name_equal (name + i + 1, len - i - 1, *p + 2))
          return true;
    }
  return false;
}

bool
egress_net_contains (const struct egress_net *net, int family, const uint8_t *addr)
{
  unsigned full = net->prefix / 8, rest = net->prefix % 8;

  if (net->family != family)
    return false;
  if (memcmp (net->addr, addr, full) != 0)
    return false;
  return rest == 0 || ((net->addr[full] ^ addr[full]) & (uint8_t) (0xff00u >> rest)) == 0;
}

void
egress_net_free (struct egress_net *nets, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (nets[i].spec);
  free (nets);
}

/* ------------------------------------------------------------------ the plan */

bool
egress_wanted (const struct config *cfg)
{
  return cfg->allow_hosts != NULL || cfg->n_allow_nets > 0;
}

int
egress_config_finish (struct config *cfg, struct sb_error **err)
{
  uint64_t net_caps = (UINT64_C (1) << CAP_NET_ADMIN) | (UINT64_C (1) << CAP_NET_RAW);

  if (!egress_wanted (cfg))
    {
      if (cfg->n_deny_nets > 0)
        return sb_error_set (err, 0,
                             "--deny-net '%s': needs --allow-host or --allow-net (to deny "
                             "only: --allow-net 0.0.0.0/0 --allow-net ::/0)",
                             cfg->deny_nets[0].spec);
      if (cfg->net_log)
        return sb_error_set (err, 0, "--net-log: needs --allow-host or --allow-net");
      return 0;
    }
  if (cfg->net != NET_SLIRP && cfg->net != NET_PASTA && cfg->net != NET_AUTO)
    return sb_error_set (err, 0, "--%s: needs --net slirp, pasta or auto",
                         cfg->allow_hosts != NULL ? "allow-host" : "allow-net");
  /* the command would hold the power to change the rules, or to send past them */
  if (cfg->cap_add_all || (cfg->cap_add & net_caps) != 0)
    return sb_error_set (err, 0,
                         "--cap-add: CAP_NET_ADMIN and CAP_NET_RAW would let the command "
                         "change or bypass --allow-host and --allow-net");
  if (cfg->net_log && cfg->net_log_file != NULL)
    {
      cfg->net_log_fd
          = open (cfg->net_log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
      if (cfg->net_log_fd < 0)
        return sb_error_set (err, errno, "--net-log '%s'", cfg->net_log_file);
    }
  return 0;
}

/* ------------------------------------------------------------------ pid 1 */

static int
open_dns (int type, struct sb_error **err)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (53) };
  cleanup_close int fd = socket (AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

  if (fd < 0)
    return sb_error_set (err, errno, "--allow-host: the resolver's socket");
  inet_pton (AF_INET, EGRESS_DNS, &sa.sin_addr);
  /* port 53: we still hold CAP_NET_BIND_SERVICE in the sandbox's namespace */
  if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    return sb_error_set (err, errno, "--allow-host: bind %s:53", EGRESS_DNS);
  if (type == SOCK_STREAM && listen (fd, 16) < 0)
    return sb_error_set (err, errno, "--allow-host: listen on %s:53", EGRESS_DNS);
  return steal_fd (&fd);
}

int
egress_open_inside (const struct config *cfg, int ret_fds[EGRESS_NFDS], struct sb_error **err)
{
  int fds[EGRESS_NFDS] = { -1, -1, -1, -1 };

  for (int i = 0; i < EGRESS_NFDS; i++)
    ret_fds[i] = -1;
  if (!egress_wanted (cfg))
    return 0;
  /* netfilter netlink checks the opener's credentials: ours hold CAP_NET_ADMIN here */
  for (int i = 0; i < 2; i++)
    {
      fds[i] = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
      if (fds[i] < 0)
        {
          sb_error_set (err, errno, "--allow-host: a netfilter netlink socket");
          goto fail;
        }
    }
  fds[2] = open_dns (SOCK_DGRAM, err);
  if (fds[2] < 0)
    goto fail;
  fds[3] = open_dns (SOCK_STREAM, err);
  if (fds[3] < 0)
    goto fail;
  for (int i = 0; i < EGRESS_NFDS; i++)
    ret_fds[i] = fds[i];
  return 0;
fail:
  for (int i = 0; i < EGRESS_NFDS; i++)
    closep (&fds[i]);
  return -1;
}

/* ------------------------------------------------------------------ the launcher */

static char **
helper_argv (const struct config *cfg, const char *path)
{
  char **argv = xcalloc (1, sizeof (char *));

  strv_push (&argv, xstrdup (path));
  strv_push (&argv, xstrdup (net_mode_name (cfg->net)));
  strv_push (&argv, xstrdup (!cfg->net_log ? "nolog" : cfg->net_log_fd >= 0 ? "file" : "stderr"));
  for (char **p = cfg->allow_hosts; p != NULL && *p != NULL; p++)
    {
      char *s;

      if (asprintf (&s, "host=%s", *p) < 0)
        oom ();
      strv_push (&argv, s);
    }
  for (size_t i = 0; i < cfg->n_allow_nets + cfg->n_deny_nets; i++)
    {
      bool deny = i >= cfg->n_allow_nets;
      const struct egress_net *n
          = deny ? &cfg->deny_nets[i - cfg->n_allow_nets] : &cfg->allow_nets[i];
      char *s;

      if (asprintf (&s, "%s=%s", deny ? "deny" : "allow", n->spec) < 0)
        oom ();
      strv_push (&argv, s);
    }
  return argv;
}

int
egress_start (const struct config *cfg, struct egress_helper *h, struct sb_error **err)
{
  cleanup_free char *path = NULL;
  cleanup_strv char **argv = NULL;
  cleanup_close int ready_w = -1;
  /* fds 3..8: pid 1's sockets, the ready pipe, the log (stderr when not a file) */
  int place[EGRESS_NFDS + 2];
  struct helper_spec spec = { .name = "sandbox-egress",
                              .stderr_fd = HELPER_FD_INHERIT,
                              .place = place,
                              .n_place = EGRESS_NFDS + 2,
                              .new_session = true };
  int p[2];

  if (!egress_wanted (cfg))
    return 0;
  path = sb_helper_path ("sandbox-egress");
  if (pipe2 (p, O_CLOEXEC) < 0)
    return sb_error_set (err, errno, "pipe");
  h->ready_fd = p[0];
  ready_w = p[1];
  argv = helper_argv (cfg, path);
  spec.argv = argv;
  for (int i = 0; i < EGRESS_NFDS; i++)
    place[i] = h->fds[i];
  place[EGRESS_NFDS] = ready_w;
  place[EGRESS_NFDS + 1] = cfg->net_log_fd >= 0 ? cfg->net_log_fd : STDERR_FILENO;
  h->drain = cfg->net_log;
  if (helper_start (&spec, &h->proc, err) < 0)
    return -1;
  /* the helper has them: the launcher keeps no way into the sandbox's network */
  for (int i = 0; i < EGRESS_NFDS; i++)
    closep (&h->fds[i]);
  return 0;
}

int
egress_wait (struct egress_helper *h, struct sb_error **err)
{
  char buf[512];
  ssize_t n;

  if (h->proc.pid == 0)
    return 0;
  n = TEMP_FAILURE_RETRY (read (h->ready_fd, buf, sizeof buf - 1));
  if (n < 0)
    return sb_error_set (err, errno, "read the ready pipe of sandbox-egress");
  if (n == 1 && buf[0] == '1')
    {
      closep (&h->ready_fd);
      log_debug ("sandbox-egress: the rules are in place");
      return 0;
    }
  if (n == 0)
    return sb_error_set (err, 0, "--allow-host: sandbox-egress exited before it was ready");
  buf[n] = '\0';
  return sb_error_set (err, 0, "%s", buf);
}

void
egress_stop_begin (struct egress_helper *h)
{
  /* with --net-log the helper logs the refusals still queued, and exits */
  if (h->proc.pid > 0 && !h->signalled)
    (void) kill (h->proc.pid, h->drain ? SIGTERM : SIGKILL);
  h->signalled = h->proc.pid > 0;
}

void
egress_stop (struct egress_helper *h)
{
  /* the sandbox is gone: one that does not end within a second of its SIGTERM is killed */
  if (h->drain)
    helper_stop (&h->proc, h->signalled ? 0 : SIGTERM, 1000);
  else
    helper_stop (&h->proc, 0, 0);
  h->signalled = false;
  for (int i = 0; i < EGRESS_NFDS; i++)
    closep (&h->fds[i]);
  closep (&h->ready_fd);
}
