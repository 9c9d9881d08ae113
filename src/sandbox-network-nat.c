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
   holder is a fork of, loads neither); the expressions and the batch are nft.c's, shared
   with the allowlist's egress-rules.c.  Exits 0, or 1 with one line on stderr.  */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
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
#include "nft.h"

#define TABLE "sandbox-network"
#define CHAIN "postrouting"

/* ip saddr 10.89.0.0/24 oifname != "sb0" masquerade */
static struct nftnl_rule *
masquerade_rule (void)
{
  struct nftnl_rule *r = nftnl_rule_alloc ();
  struct in_addr net, mask;
  char ifname[IFNAMSIZ] = NETWORK_BRIDGE;

  if (r == NULL || inet_pton (AF_INET, NETWORK_PREFIX "0", &net) != 1
      || inet_pton (AF_INET, NETWORK_MASK, &mask) != 1)
    abort ();
  nftnl_rule_set_str (r, NFTNL_RULE_TABLE, TABLE);
  nftnl_rule_set_str (r, NFTNL_RULE_CHAIN, CHAIN);
  nftnl_rule_set_u32 (r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
  /* the source address */
  nft_payload_to (r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG_1);
  nft_bitwise_and (r, &mask, 4);
  nft_cmp (r, NFT_CMP_EQ, &net, 4);
  nft_meta_to (r, NFT_META_OIFNAME, NFT_REG_1);
  nft_cmp (r, NFT_CMP_NEQ, ifname, sizeof ifname);
  nft_expr (r, "masq");
  return r;
}

static void
build (struct nft_batch *bt)
{
  struct nftnl_rule *r = masquerade_rule ();

  nft_batch_table (bt, TABLE);
  nft_batch_chain (bt, TABLE, CHAIN, "nat", NF_INET_POST_ROUTING, 100, NF_ACCEPT);
  nftnl_rule_nlmsg_build_payload (
      nft_batch_hdr (bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND), r);
  nft_batch_next (bt);
  nftnl_rule_free (r);
}

int
main (int argc, char **argv)
{
  struct timeval tv = { .tv_sec = 2 };
  struct mnl_socket *nl = mnl_socket_open (NETLINK_NETFILTER);
  struct nft_batch bt;

  (void) argv;
  if (argc != 1)
    return fprintf (stderr, "sandbox-network-nat: no arguments\n"), 2;
  nft_seq_init ((uint32_t) time (NULL));
  if (nl == NULL || mnl_socket_bind (nl, 0, MNL_SOCKET_AUTOPID) < 0)
    return fprintf (stderr, "open the netfilter socket: %s\n", strerror (errno)), 1;
  (void) setsockopt (mnl_socket_get_fd (nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  nft_batch_begin (&bt, 16384, NFPROTO_IPV4);
  build (&bt);
  if (nft_batch_send (nl, &bt) < 0)
    return fprintf (stderr, "install the masquerade rule: %s\n", strerror (errno)), 1;
  mnl_socket_close (nl);
  return 0;
}
