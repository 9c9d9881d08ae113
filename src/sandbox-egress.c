/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox-egress.c: the helper behind --allow-host and --allow-net (egress.h), first
   stage.  The launcher starts it in its own pid and network namespaces, out of the
   sandbox's sight, with pid 1's sockets on fds 3-6 (egress-internal.h), a pipe on 7 to say
   that the rules are in place, and the log on 8:
     sandbox-egress MODE nolog|stderr|file [host=NAME] [allow=SPEC] [deny=SPEC]...
   It listens to the log of refused packets (NFLOG), installs the rules, says so, and
   becomes sandbox-egress-dns, which serves the resolver with the same fds, once the first
   query or refused packet comes.  Two programs: the command waits for this one only,
   which loads libnftnl and libmnl; ldns (and the OpenSSL it pulls in: 5 ms of CPU here)
   loads only when it has work, off the sandbox's start.  */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "egress-internal.h"
#include "util.h"

static struct mnl_socket *nflog;

static int
nflog_config (uint8_t cmd_or_0, bool mode)
{
  char buf[16384];
  struct nlmsghdr *h = mnl_nlmsg_put_header (buf);
  struct nfgenmsg *g;

  h->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
  h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  g = mnl_nlmsg_put_extra_header (h, sizeof *g);
  g->nfgen_family = AF_UNSPEC;
  g->version = NFNETLINK_V0;
  g->res_id = htons (EGRESS_LOG_GROUP);
  if (!mode)
    {
      struct nfulnl_msg_config_cmd cmd = { .command = cmd_or_0 };

      mnl_attr_put (h, NFULA_CFG_CMD, sizeof cmd, &cmd);
    }
  else
    {
      struct nfulnl_msg_config_mode m
          = { .copy_range = htonl (128), .copy_mode = NFULNL_COPY_PACKET };

      mnl_attr_put (h, NFULA_CFG_MODE, sizeof m, &m);
      /* each packet at once: the kernel's default holds up to 100 of them for a second,
         and a sandbox that ends meanwhile takes them along */
      mnl_attr_put_u32 (h, NFULA_CFG_QTHRESH, htonl (1));
    }
  if (mnl_socket_sendto (nflog, h, h->nlmsg_len) < 0)
    return -1;
  {
    ssize_t n = mnl_socket_recvfrom (nflog, buf, sizeof buf);

    if (n < 0 || mnl_cb_run (buf, (size_t) n, 0, 0, NULL, NULL) < 0)
      return -1;
  }
  return 0;
}

static int
nflog_open (const char **ret_why)
{
  struct timeval tv = { .tv_sec = 2 };

  nflog = mnl_socket_fdopen (EGRESS_FD_NFLOG);
  if (nflog == NULL || mnl_socket_bind (nflog, 0, MNL_SOCKET_AUTOPID) < 0)
    return *ret_why = "the NFLOG socket", -1;
  (void) setsockopt (EGRESS_FD_NFLOG, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (nflog_config (NFULNL_CFG_CMD_BIND, false) < 0 || nflog_config (0, true) < 0)
    return *ret_why = "listen to the log of refused packets (NFLOG)", -1;
  tv.tv_sec = 0;
  (void) setsockopt (EGRESS_FD_NFLOG, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return 0;
}

_Noreturn static void
fail (const char *why)
{
  dprintf (EGRESS_FD_READY, "--allow-host: sandbox-egress: %s: %s", why, strerror (errno));
  _exit (1);
}

int
main (int argc, char **argv)
{
  struct policy p = { 0 };
  const char *why = NULL;
  sigset_t term;
  char *next;

  /* nothing may trace it or read its memory, not even another process of the user */
  (void) prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* the second stage reads it, with what came meanwhile */
  sigemptyset (&term);
  sigaddset (&term, SIGTERM);
  sigprocmask (SIG_BLOCK, &term, NULL);
  if (argc < 3)
    {
      fputs ("sandbox-egress: started by sandbox only\n", stderr);
      return 2;
    }
  errno = 0;
  if (policy_parse (argc, argv, &p, &why) < 0)
    fail (why);
  /* before the rules: no refused packet goes unlogged */
  if (p.log && nflog_open (&why) < 0)
    fail (why);
  if (rules_open (true, &why) < 0 || rules_install (&p, &why) < 0)
    fail (why);
  next = sb_helper_path ("sandbox-egress-dns");
  if (access (next, X_OK) < 0)
    fail (next);
  if (write (EGRESS_FD_READY, "1", 1) != 1)
    return 1;
  (void) close (EGRESS_FD_READY);
  /* the second stage when it has work: a query, or a refused packet to log (a command
     that never resolves a name nor is refused never loads it); what came stays queued */
  {
    struct pollfd fds[3] = { { EGRESS_FD_DNS_UDP, POLLIN, 0 },
                             { EGRESS_FD_DNS_TCP, POLLIN, 0 },
                             { p.log ? EGRESS_FD_NFLOG : -1, POLLIN, 0 } };

    while (poll (fds, 3, -1) < 0)
      if (errno != EINTR)
        return 1;
  }
  argv[0] = next;
  execv (next, argv);
  dprintf (STDERR_FILENO, "sandbox: net: exec '%s': %s\n", next, strerror (errno));
  return 127;
}
