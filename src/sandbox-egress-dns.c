/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox-egress-dns.c: the second stage of the helper (see sandbox-egress.c): with the
   rules in place, it serves the resolver (egress-dns.c), opens the addresses it gives out,
   and logs the refused packets (NFLOG) until the launcher ends it.  Its own program, so
   that ldns and the OpenSSL it pulls in load off the sandbox's start.  */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <netinet/in.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "egress-internal.h"
#include "util.h"

static bool log_file; /* a --net-log FILE: timestamps, no "sandbox:" prefix */
static struct mnl_socket *nflog;

/* ------------------------------------------------------------------ the log */

void
egress_log (const struct policy *p, const char *fmt, ...)
{
  char line[768];
  size_t n = 0;
  va_list ap;

  if (!p->log)
    return;
  if (log_file)
    {
      struct timespec ts;
      struct tm tm;

      clock_gettime (CLOCK_REALTIME, &ts);
      gmtime_r (&ts.tv_sec, &tm);
      n = strftime (line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &tm);
    }
  else
    n = (size_t) snprintf (line, sizeof line, "sandbox: net: ");
  va_start (ap, fmt);
  vsnprintf (line + n, sizeof line - n - 1, fmt, ap);
  va_end (ap);
  n = strlen (line);
  line[n++] = '\n';
  (void) write_all (EGRESS_FD_LOG, line, n);
}

/* ------------------------------------------------------------------ names of addresses */

struct name_entry
{
  int family;
  uint8_t addr[16];
  char name[256];
  time_t open_until; /* the set holds it until then */
};

#define MAX_NAMES 4096
static struct name_entry names[MAX_NAMES];
static size_t n_names;

static struct name_entry *
names_find (int family, const uint8_t *addr)
{
  size_t len = family == AF_INET ? 4 : 16;

  for (size_t i = 0; i < n_names; i++)
    if (names[i].family == family && memcmp (names[i].addr, addr, len) == 0)
      return &names[i];
  return NULL;
}

int
names_remember (int family, const uint8_t *addr, const char *name, uint32_t ttl)
{
  struct name_entry *e = names_find (family, addr);
  time_t now = time (NULL), until = now + (time_t) ttl;

  if (e == NULL)
    {
      /* full: the entry closed longest ago makes room */
      if (n_names < MAX_NAMES)
        e = &names[n_names++];
      else
        {
          e = &names[0];
          for (size_t i = 1; i < n_names; i++)
            if (names[i].open_until < e->open_until)
              e = &names[i];
        }
      memset (e, 0, sizeof *e);
      e->family = family;
      memcpy (e->addr, addr, family == AF_INET ? 4 : 16);
    }
  snprintf (e->name, sizeof e->name, "%s", name);
  if (until <= e->open_until)
    return 0;
  if (rules_allow_addr (family, addr, ttl) < 0)
    {
      char text[INET6_ADDRSTRLEN];

      inet_ntop (family, addr, text, sizeof text);
      dprintf (STDERR_FILENO, "sandbox: net: cannot open %s for %s: %s\n", text, name,
               strerror (errno));
      return -1;
    }
  e->open_until = until;
  return 0;
}

const char *
names_lookup (int family, const uint8_t *addr)
{
  struct name_entry *e = names_find (family, addr);

  return e != NULL ? e->name : NULL;
}

/* ------------------------------------------------------------------ refused packets */

/* the last few lines: a flow that retries is logged once a second, not once a packet */
struct recent
{
  uint8_t key[20];
  time_t when;
};
static struct recent recent[16];
static unsigned recent_next;

static bool
seen_recently (const uint8_t *key)
{
  time_t now = time (NULL);

  for (size_t i = 0; i < sizeof recent / sizeof *recent; i++)
    if (recent[i].when >= now - 1 && memcmp (recent[i].key, key, sizeof recent[i].key) == 0)
      return true;
  memcpy (recent[recent_next].key, key, sizeof recent[0].key);
  recent[recent_next].when = now;
  recent_next = (recent_next + 1) % (sizeof recent / sizeof *recent);
  return false;
}

static const char *
proto_name (uint8_t proto, char *buf, size_t size)
{
  switch (proto)
    {
    case IPPROTO_TCP:
      return "tcp";
    case IPPROTO_UDP:
      return "udp";
    case IPPROTO_ICMP:
      return "icmp";
    case IPPROTO_ICMPV6:
      return "icmpv6";
    default:
      snprintf (buf, size, "%u", proto);
      return buf;
    }
}

/* One refused packet: its IPv4 or IPv6 header and the start of the transport header.  */
static void
log_packet (const struct policy *p, const uint8_t *pkt, size_t len, const char *prefix)
{
  uint8_t key[20] = { 0 }, proto;
  int family;
  size_t hlen;
  char addr[INET6_ADDRSTRLEN], pbuf[8], port[16] = "";
  const char *name;

  if (len >= 20 && pkt[0] >> 4 == 4)
    {
      family = AF_INET;
      hlen = (size_t) (pkt[0] & 15) * 4;
      proto = pkt[9];
      memcpy (key, pkt + 16, 4);
    }
  else if (len >= 40 && pkt[0] >> 4 == 6)
    {
      family = AF_INET6;
      hlen = 40;
      proto = pkt[6];
      memcpy (key, pkt + 24, 16);
    }
  else
    return;
  key[16] = proto;
  if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && len >= hlen + 4)
    {
      snprintf (port, sizeof port, " port=%u", (unsigned) (pkt[hlen + 2] << 8 | pkt[hlen + 3]));
      memcpy (key + 17, pkt + hlen + 2, 2);
    }
  if (seen_recently (key))
    return;
  inet_ntop (family, key, addr, sizeof addr);
  name = names_lookup (family, key);
  egress_log (p, "refused proto=%s addr=%s%s%s%s why=%s", proto_name (proto, pbuf, sizeof pbuf),
              addr, port, name ? " name=" : "", name ? name : "",
              prefix != NULL && strcmp (prefix, "deny") == 0 ? "deny-net" : "not-allowed");
}

static int
nflog_attr (const struct nlattr *a, void *data)
{
  const struct nlattr **tb = data;
  int type = mnl_attr_get_type (a);

  if (mnl_attr_type_valid (a, NFULA_MAX) > 0)
    tb[type] = a;
  return MNL_CB_OK;
}

static int
nflog_msg (const struct nlmsghdr *h, void *data)
{
  const struct policy *p = data;
  const struct nlattr *tb[NFULA_MAX + 1] = { 0 };

  if ((h->nlmsg_type & 0xff) != NFULNL_MSG_PACKET)
    return MNL_CB_OK;
  mnl_attr_parse (h, sizeof (struct nfgenmsg), nflog_attr, tb);
  if (tb[NFULA_PAYLOAD] != NULL)
    log_packet (p, mnl_attr_get_payload (tb[NFULA_PAYLOAD]),
                mnl_attr_get_payload_len (tb[NFULA_PAYLOAD]),
                tb[NFULA_PREFIX] ? mnl_attr_get_str (tb[NFULA_PREFIX]) : NULL);
  return MNL_CB_OK;
}

/* Reads what is queued; false once nothing is (or on error).  */
static bool
nflog_read (const struct policy *p, bool wait)
{
  static char buf[65536];
  ssize_t n = recv (EGRESS_FD_NFLOG, buf, sizeof buf, wait ? 0 : MSG_DONTWAIT);

  /* ENOBUFS: a flood overran the queue; those packets were refused all the same */
  if (n > 0)
    (void) mnl_cb_run (buf, (size_t) n, 0, 0, nflog_msg, (void *) p);
  return n > 0 || (n < 0 && errno == ENOBUFS);
}

/* ------------------------------------------------------------------ main */

/* It parses what the sandbox sends (DNS messages) and runs as the user, outside: a flaw in
   a parser must not become the user's powers.  From here on it may only talk on sockets it
   has, make Internet sockets for its queries, and keep its memory: no file, no exec, no
   other process, no other kind of socket.  */
static int
confine (void)
{
  static const int allowed[] = {
    SCMP_SYS (read),          SCMP_SYS (write),        SCMP_SYS (readv),
    SCMP_SYS (writev),        SCMP_SYS (close),        SCMP_SYS (poll),
    SCMP_SYS (ppoll),         SCMP_SYS (select),       SCMP_SYS (pselect6),
    SCMP_SYS (recvfrom),      SCMP_SYS (recvmsg),      SCMP_SYS (sendto),
    SCMP_SYS (sendmsg),       SCMP_SYS (connect),      SCMP_SYS (accept4),
    SCMP_SYS (setsockopt),    SCMP_SYS (getsockopt),   SCMP_SYS (getsockname),
    SCMP_SYS (getpeername),   SCMP_SYS (shutdown),     SCMP_SYS (fcntl),
    SCMP_SYS (clock_gettime), SCMP_SYS (gettimeofday), SCMP_SYS (time),
    SCMP_SYS (getpid),        SCMP_SYS (getrandom),    SCMP_SYS (futex),
    SCMP_SYS (mmap),          SCMP_SYS (munmap),       SCMP_SYS (mremap),
    SCMP_SYS (brk),           SCMP_SYS (madvise),      SCMP_SYS (mprotect),
    SCMP_SYS (newfstatat),    SCMP_SYS (fstat),        SCMP_SYS (lseek),
    SCMP_SYS (rt_sigreturn),  SCMP_SYS (exit),         SCMP_SYS (exit_group),
  };
  /* spelled out: libseccomp's SCMP_A0 leaves datum_b to the compound literal's zero, which
     clang's -Wmissing-field-initializers refuses */
  const struct scmp_arg_cmp inet = { .arg = 0, .op = SCMP_CMP_EQ, .datum_a = AF_INET };
  const struct scmp_arg_cmp inet6 = { .arg = 0, .op = SCMP_CMP_EQ, .datum_a = AF_INET6 };
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ERRNO (EPERM));
  int r = ctx == NULL ? -ENOMEM : 0;

  for (size_t i = 0; i < sizeof allowed / sizeof *allowed && r == 0; i++)
    if (allowed[i] >= 0)
      r = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, allowed[i], 0);
  if (r == 0)
    r = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (socket), 1, inet);
  if (r == 0)
    r = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (socket), 1, inet6);
  if (r == 0 && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    r = -errno;
  if (r == 0)
    r = seccomp_load (ctx);
  seccomp_release (ctx);
  errno = -r;
  return r == 0 ? 0 : -1;
}

int
main (int argc, char **argv)
{
  struct policy p = { 0 };
  const char *why = NULL;
  sigset_t term;
  int sfd;

  (void) prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  signal (SIGPIPE, SIG_IGN);
  /* SIGTERM (blocked since the first stage): the sandbox has ended; the last refusals are
     still queued, log them first */
  sigemptyset (&term);
  sigaddset (&term, SIGTERM);
  sigprocmask (SIG_BLOCK, &term, NULL);
  sfd = signalfd (-1, &term, SFD_CLOEXEC);
  if (argc < 3 || policy_parse (argc, argv, &p, &why) < 0)
    {
      fputs ("sandbox-egress-dns: started by sandbox-egress only\n", stderr);
      return 2;
    }
  log_file = strcmp (argv[2], "file") == 0;
  nflog = mnl_socket_fdopen (EGRESS_FD_NFLOG);
  if (nflog == NULL || rules_open (false, &why) < 0 || dns_init (&p, &why) < 0
      || (confine () < 0 && (why = "seccomp")))
    {
      dprintf (STDERR_FILENO, "sandbox: net: sandbox-egress-dns: %s: %s\n", why ? why : "",
               strerror (errno));
      return 1;
    }

  for (;;)
    {
      struct pollfd fds[4] = { { EGRESS_FD_DNS_UDP, POLLIN, 0 },
                               { EGRESS_FD_DNS_TCP, POLLIN, 0 },
                               { p.log ? EGRESS_FD_NFLOG : -1, POLLIN, 0 },
                               { sfd, POLLIN, 0 } };

      if (poll (fds, 4, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return 1;
        }
      if (fds[3].revents & POLLIN)
        {
          while (p.log && nflog_read (&p, false))
            ;
          return 0;
        }
      if (fds[2].revents & POLLIN)
        (void) nflog_read (&p, true);
      if (fds[0].revents & POLLIN)
        dns_serve_udp (&p, EGRESS_FD_DNS_UDP);
      if (fds[1].revents & POLLIN)
        dns_serve_tcp (&p, EGRESS_FD_DNS_TCP);
      if ((fds[0].revents | fds[1].revents) & (POLLERR | POLLNVAL))
        return 1;
    }
}
