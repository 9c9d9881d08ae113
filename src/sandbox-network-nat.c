/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox-network-nat: run once by a --network holder (network.c), in its namespaces, as
   root of its user namespace: the members' way out.  Installs, with libnftnl over the
   netfilter netlink socket:

   table ip sandbox-network {
     chain postrouting { type nat hook postrouting priority srcnat;
       ip saddr 10.89.0.0/24 oifname != "sb0" masquerade
     }
   }
   A program of its own, so that only it loads libnftnl and libmnl (the launcher, which the
   holder is a fork of, loads neither).  Exits 0, or 1 with one line on stderr.  */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "network.h"

#define TABLE "sandbox-network"
#define CHAIN "postrouting"

static uint32_t seq;

static struct nlmsghdr *
hdr (struct mnl_nlmsg_batch *b, uint16_t type, uint16_t flags)
{
  return nftnl_nlmsg_build_hdr (mnl_nlmsg_batch_current (b), type, NFPROTO_IPV4, flags | NLM_F_ACK,
                                seq++);
}

static struct nftnl_expr *
expr (struct nftnl_rule *r, const char *name)
{
  struct nftnl_expr *e = nftnl_expr_alloc (name);

  if (e == NULL)
    abort ();
  nftnl_rule_add_expr (r, e);
  return e;
}

static void
cmp (struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
  struct nftnl_expr *e = expr (r, "cmp");

  nftnl_expr_set_u32 (e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_CMP_OP, op);
  nftnl_expr_set (e, NFTNL_EXPR_CMP_DATA, data, len);
}

/* ip saddr 10.89.0.0/24 oifname != "sb0" masquerade */
static struct nftnl_rule *
masquerade_rule (void)
{
  struct nftnl_rule *r = nftnl_rule_alloc ();
  struct nftnl_expr *e;
  struct in_addr net, mask;
  uint32_t zero = 0;
  char ifname[IFNAMSIZ] = NETWORK_BRIDGE;

  if (r == NULL || inet_pton (AF_INET, NETWORK_PREFIX "0", &net) != 1
      || inet_pton (AF_INET, NETWORK_MASK, &mask) != 1)
    abort ();
  nftnl_rule_set_str (r, NFTNL_RULE_TABLE, TABLE);
  nftnl_rule_set_str (r, NFTNL_RULE_CHAIN, CHAIN);
  nftnl_rule_set_u32 (r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
  e = expr (r, "payload");
  nftnl_expr_set_u32 (e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_PAYLOAD_OFFSET, 12); /* the source address */
  nftnl_expr_set_u32 (e, NFTNL_EXPR_PAYLOAD_LEN, 4);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
  e = expr (r, "bitwise");
  nftnl_expr_set_u32 (e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_BITWISE_LEN, 4);
  nftnl_expr_set (e, NFTNL_EXPR_BITWISE_MASK, &mask, 4);
  nftnl_expr_set (e, NFTNL_EXPR_BITWISE_XOR, &zero, 4);
  cmp (r, NFT_CMP_EQ, &net, 4);
  e = expr (r, "meta");
  nftnl_expr_set_u32 (e, NFTNL_EXPR_META_KEY, NFT_META_OIFNAME);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_META_DREG, NFT_REG_1);
  cmp (r, NFT_CMP_NEQ, ifname, sizeof ifname);
  expr (r, "masq");
  return r;
}

static void
build (struct mnl_nlmsg_batch *b)
{
  struct nftnl_table *t = nftnl_table_alloc ();
  struct nftnl_chain *c = nftnl_chain_alloc ();
  struct nftnl_rule *r = masquerade_rule ();

  if (t == NULL || c == NULL)
    abort ();
  nftnl_batch_begin (mnl_nlmsg_batch_current (b), seq++);
  mnl_nlmsg_batch_next (b);
  nftnl_table_set_str (t, NFTNL_TABLE_NAME, TABLE);
  nftnl_table_set_u32 (t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
  nftnl_table_nlmsg_build_payload (hdr (b, NFT_MSG_NEWTABLE, NLM_F_CREATE), t);
  mnl_nlmsg_batch_next (b);
  nftnl_chain_set_str (c, NFTNL_CHAIN_TABLE, TABLE);
  nftnl_chain_set_str (c, NFTNL_CHAIN_NAME, CHAIN);
  nftnl_chain_set_u32 (c, NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
  nftnl_chain_set_str (c, NFTNL_CHAIN_TYPE, "nat");
  nftnl_chain_set_u32 (c, NFTNL_CHAIN_HOOKNUM, NF_INET_POST_ROUTING);
  nftnl_chain_set_s32 (c, NFTNL_CHAIN_PRIO, 100);
  nftnl_chain_set_u32 (c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
  nftnl_chain_nlmsg_build_payload (hdr (b, NFT_MSG_NEWCHAIN, NLM_F_CREATE), c);
  mnl_nlmsg_batch_next (b);
  nftnl_rule_nlmsg_build_payload (hdr (b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND), r);
  mnl_nlmsg_batch_next (b);
  nftnl_batch_end (mnl_nlmsg_batch_current (b), seq++);
  mnl_nlmsg_batch_next (b);
  nftnl_rule_free (r);
  nftnl_chain_free (c);
  nftnl_table_free (t);
}

/* Sends the batch; reads the three acks: the first error wins.  */
static int
send_batch (struct mnl_socket *nl, struct mnl_nlmsg_batch *b)
{
  char buf[8192];
  int acks = 0, e = 0;

  if (mnl_socket_sendto (nl, mnl_nlmsg_batch_head (b), mnl_nlmsg_batch_size (b)) < 0)
    return -1;
  while (acks < 3)
    {
      ssize_t n = mnl_socket_recvfrom (nl, buf, sizeof buf);
      const struct nlmsghdr *h = (const struct nlmsghdr *) buf;
      int len = (int) n;

      if (n < 0)
        return -1;
      for (; mnl_nlmsg_ok (h, len); h = mnl_nlmsg_next (h, &len))
        if (h->nlmsg_type == NLMSG_ERROR)
          {
            const struct nlmsgerr *err = mnl_nlmsg_get_payload (h);

            if (err->error != 0 && e == 0)
              e = -err->error;
            acks++;
          }
    }
  errno = e;
  return e == 0 ? 0 : -1;
}

int
main (int argc, char **argv)
{
  static char buf[16384];
  struct timeval tv = { .tv_sec = 2 };
  struct mnl_socket *nl = mnl_socket_open (NETLINK_NETFILTER);
  struct mnl_nlmsg_batch *b;

  (void) argv;
  if (argc != 1)
    return fprintf (stderr, "sandbox-network-nat: no arguments\n"), 2;
  seq = (uint32_t) time (NULL);
  if (nl == NULL || mnl_socket_bind (nl, 0, MNL_SOCKET_AUTOPID) < 0)
    return fprintf (stderr, "open the netfilter socket: %s\n", strerror (errno)), 1;
  (void) setsockopt (mnl_socket_get_fd (nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  b = mnl_nlmsg_batch_start (buf, sizeof buf);
  build (b);
  if (send_batch (nl, b) < 0)
    return fprintf (stderr, "install the masquerade rule: %s\n", strerror (errno)), 1;
  mnl_nlmsg_batch_stop (b);
  mnl_socket_close (nl);
  return 0;
}
