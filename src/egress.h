/* SPDX-License-Identifier: GPL-2.0-or-later */
/* egress.h: the outbound allowlist (--allow-host, --allow-net, --deny-net, --net-log).

   The sandbox's own network namespace holds an nftables table whose output chain lets a
   packet leave only to an address of --allow-net, or to one that an allowed name resolved
   to; a --deny-net match is refused first.  The addresses of names come from the sandbox's
   resolver (127.0.0.53, the only nameserver in its resolv.conf), which answers allowed names
   only.  Both the resolver and the rules belong to the helper sandbox-egress, which runs in
   the launcher's pid and network namespaces, where the command can neither see nor trace
   it.  It works through sockets that pid 1 opened inside the sandbox's network namespace
   while it held CAP_NET_ADMIN there, and passed out: a netfilter netlink socket for the
   rules and the set of resolved addresses, one for the log of refused packets (NFLOG), and
   the resolver's UDP and TCP sockets.  The command holds none of them, and no capability
   that could change the rules or bypass them (CAP_NET_ADMIN, CAP_NET_RAW).  */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "helper.h"

struct config;
struct sb_error;

/* The resolver's address inside, on lo */
#define EGRESS_DNS "127.0.0.53"

/* One --allow-net or --deny-net CIDR[:PORT[-PORT]][/tcp|/udp].  */
struct egress_net
{
  char *spec;       /* as the user wrote it */
  int family;       /* AF_INET or AF_INET6 */
  uint8_t addr[16]; /* network order, host bits cleared */
  unsigned prefix;  /* 0..32 or 0..128 */
  int proto;        /* 0: any protocol (and any port); IPPROTO_TCP or IPPROTO_UDP */
  uint16_t port_lo; /* 0, 0: every port */
  uint16_t port_hi;
};

/* Parsers for the option table; *RET_WHY says what is wrong.  */
int egress_parse_net (const char *s, struct egress_net *ret, const char **ret_why);
/* A host name, or "*." and a host name: every name below it (not the name itself).  */
bool egress_valid_host (const char *s);
/* NAME (no final dot; any case) matches one of PATTERNS.  */
bool egress_host_allowed (char *const *patterns, const char *name);
/* ADDR (FAMILY) lies in NET.  */
bool egress_net_contains (const struct egress_net *net, int family, const uint8_t *addr);
void egress_net_free (struct egress_net *nets, size_t n);

/* An allow option is given: the network is filtered.  */
bool egress_wanted (const struct config *cfg);
/* config_finish: checks the options that go together, opens the --net-log file.  */
int egress_config_finish (struct config *cfg, struct sb_error **err);

#define EGRESS_NFDS 4
/* pid 1, in its new network namespace with lo up, before SYNC_NS_READY: opens the helper's
   sockets, for the launcher (SYNC_EGRESS_FD, in this order); all -1 without the allowlist.
   pid 1 keeps no copy once they are sent.  */
int egress_open_inside (const struct config *cfg, int ret_fds[EGRESS_NFDS], struct sb_error **err);

/* The launcher's handle on the helper.  */
struct egress_helper
{
  struct helper proc;
  int fds[EGRESS_NFDS]; /* from pid 1 (SYNC_EGRESS_FD), until the helper has them */
  int ready_fd;         /* the helper writes "1" once its rules are in, or why it failed */
  bool drain;           /* --net-log: let it log what is queued before it ends */
  bool signalled;       /* egress_stop_begin told it to end */
};
#define EGRESS_HELPER_INIT                                                                         \
  {                                                                                                \
    HELPER_INIT, { -1, -1, -1, -1 }, -1, false, false                                              \
  }

/* Starts the helper (no wait), then waits until its rules are in place: before the command
   may run.  */
int egress_start (const struct config *cfg, struct egress_helper *h, struct sb_error **err);
int egress_wait (struct egress_helper *h, struct sb_error **err);
/* The sandbox is gone: tells the helper to end, without waiting, so that its exit overlaps
   the other helpers' stops; egress_stop reaps it.  */
void egress_stop_begin (struct egress_helper *h);
/* Kills and reaps the helper; safe on one never started.  */
void egress_stop (struct egress_helper *h);
