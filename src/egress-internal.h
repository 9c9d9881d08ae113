/* SPDX-License-Identifier: GPL-2.0-or-later */
/* egress-internal.h: what the parts of the helper sandbox-egress share: the policy it was
   given, the nftables rules (egress-rules.c), the resolver (egress-dns.c) and the log
   (sandbox-egress.c).  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "egress.h"

/* The helper's fds, set up by the launcher (egress.c helper_exec), kept by both stages */
#define EGRESS_FD_NFT 3
#define EGRESS_FD_NFLOG 4
#define EGRESS_FD_DNS_UDP 5
#define EGRESS_FD_DNS_TCP 6
#define EGRESS_FD_READY 7
#define EGRESS_FD_LOG 8

/* the NFLOG group of refused packets */
#define EGRESS_LOG_GROUP 7
/* an address of a name stays open at least this long, whatever the record's TTL: programs
   that cache an answer briefly (most libraries, browsers for seconds) still connect */
#define EGRESS_MIN_TTL 10
#define EGRESS_MAX_TTL 86400

struct policy
{
  bool slirp;   /* --net slirp: its 10.0.2.0/24 and fd00::/64 are the host's, never a name's */
  bool log;     /* --net-log */
  char **hosts; /* --allow-host patterns */
  struct egress_net *allow, *deny;
  size_t n_allow, n_deny;
};

/* egress-rules.c: the policy from the helper's arguments (MODE nolog|stderr|file [host=NAME]
   [allow=SPEC] [deny=SPEC]...).  *WHY: a static message on failure.  */
int policy_parse (int argc, char **argv, struct policy *p, const char **ret_why);
/* Takes the netfilter socket (fd 3), binding it in the first stage.  */
int rules_open (bool bind, const char **ret_why);
/* The table "sandbox" with its output chain and the sets of the names' addresses, in one
   transaction.  */
int rules_install (const struct policy *p, const char **ret_why);
/* Opens ADDR for TIMEOUT seconds from now; 0, or -1 and errno.  */
int rules_allow_addr (int family, const uint8_t *addr, uint32_t timeout);

/* egress-dns.c: answers one query on the UDP socket, or one TCP connection.  */
int dns_init (const struct policy *p, const char **ret_why);
void dns_serve_udp (const struct policy *p, int fd);
void dns_serve_tcp (const struct policy *p, int listen_fd);

/* sandbox-egress.c: the log of refusals (nothing without --net-log) and the names of the
   addresses the resolver gave out, for it.  */
void egress_log (const struct policy *p, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
/* Opens ADDR for TTL seconds (when that is longer than it already is); -1: not opened.  */
int names_remember (int family, const uint8_t *addr, const char *name, uint32_t ttl);
const char *names_lookup (int family, const uint8_t *addr);
