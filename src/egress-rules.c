/* SPDX-License-Identifier: GPL-2.0-or-later */
/* egress-rules.c: the sandbox's nftables table, built with libnftnl and sent over the
   netfilter netlink socket pid 1 opened in the sandbox's network namespace (fd 3).

   table inet sandbox {
     set names4 { type ipv4_addr; flags timeout; }   # the addresses the resolver gave out
     set names6 { type ipv6_addr; flags timeout; }
     set allow4 { type ipv4_addr . nf_proto; flags interval; }   # --allow-net CIDR
     set allow4p { type ipv4_addr . inet_proto . inet_service; flags interval; }  # with ports
     (and allow6, allow6p, deny4, deny4p, deny6, deny6p: each only when it has elements)
     chain output { type filter hook output priority filter; policy drop;
       oifname "lo" accept                           # the sandbox's own services, its resolver
       ct state established,related accept           # replies, flows already let out
       icmpv6 type { 133-136, 143 } accept           # neighbour discovery, MLD: the link only
       ip daddr . meta nfproto @deny4 [log group 7 prefix "deny"] reject  # and deny4p, 6, 6p
       <each --deny-net that overlaps an element of its set> [log ...] reject
       ip daddr @names4 accept
       ip6 daddr @names6 accept
       ip daddr . meta nfproto @allow4 accept   # and allow4p: ip daddr . meta l4proto . th dport
       <each --allow-net that overlaps an element of its set> accept
       [log group 7] reject with icmpx admin-prohibited
     }
   }
   A refused connection fails at once (EHOSTUNREACH, or EACCES over IPv6) rather than
   after the retransmissions of a silent drop.  */
#include "build-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "egress-internal.h"
#include "nft.h"
#include "util.h"

#define TABLE "sandbox"
#define CHAIN "output"
#define SET4 "names4"
#define SET6 "names6"
#define SET4_ID 1
#define SET6_ID 2

#define CT_ESTABLISHED 2u
#define CT_RELATED 4u

static struct mnl_socket *nl;

/* ------------------------------------------------------------------ expressions */

static void
meta (struct nftnl_rule *r, uint32_t key)
{
  nft_meta_to (r, key, NFT_REG_1);
}

static void
payload (struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
  nft_payload_to (r, base, offset, len, NFT_REG_1);
}

static void
range (struct nftnl_rule *r, const void *from, const void *to, uint32_t len)
{
  struct nftnl_expr *e = nft_expr (r, "range");

  nftnl_expr_set_u32 (e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_RANGE_OP, NFT_RANGE_EQ);
  nftnl_expr_set (e, NFTNL_EXPR_RANGE_FROM_DATA, from, len);
  nftnl_expr_set (e, NFTNL_EXPR_RANGE_TO_DATA, to, len);
}

static void
verdict (struct nftnl_rule *r, int v)
{
  struct nftnl_expr *e = nft_expr (r, "immediate");

  nftnl_expr_set_u32 (e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_IMM_VERDICT, (uint32_t) v);
}

static void
nfproto (struct nftnl_rule *r, uint8_t proto)
{
  meta (r, NFT_META_NFPROTO);
  nft_cmp (r, NFT_CMP_EQ, &proto, 1);
}

static void
l4proto (struct nftnl_rule *r, uint8_t proto)
{
  meta (r, NFT_META_L4PROTO);
  nft_cmp (r, NFT_CMP_EQ, &proto, 1);
}

/* the destination address into reg 1 */
static void
daddr (struct nftnl_rule *r, int family)
{
  if (family == AF_INET)
    payload (r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4);
  else
    payload (r, NFT_PAYLOAD_NETWORK_HEADER, 24, 16);
}

/* log (with --net-log) and refuse */
static void
refuse (const struct policy *p, struct nftnl_rule *r, const char *prefix)
{
  struct nftnl_expr *e;

  if (p->log)
    {
      e = nft_expr (r, "log");
      nftnl_expr_set_u16 (e, NFTNL_EXPR_LOG_GROUP, EGRESS_LOG_GROUP);
      nftnl_expr_set_u32 (e, NFTNL_EXPR_LOG_SNAPLEN, 128);
      if (prefix != NULL)
        nftnl_expr_set_str (e, NFTNL_EXPR_LOG_PREFIX, prefix);
    }
  e = nft_expr (r, "reject");
  nftnl_expr_set_u32 (e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_ICMPX_UNREACH);
  nftnl_expr_set_u8 (e, NFTNL_EXPR_REJECT_CODE, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
}

/* ------------------------------------------------------------------ the rules */

static void
add_rule (struct nft_batch *bt, struct nftnl_rule *r)
{
  struct nlmsghdr *h;

  nftnl_rule_set_str (r, NFTNL_RULE_TABLE, TABLE);
  nftnl_rule_set_str (r, NFTNL_RULE_CHAIN, CHAIN);
  nftnl_rule_set_u32 (r, NFTNL_RULE_FAMILY, NFPROTO_INET);
  h = nft_batch_hdr (bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
  nftnl_rule_nlmsg_build_payload (h, r);
  nftnl_rule_free (r);
  nft_batch_next (bt);
}

static struct nftnl_rule *
new_rule (void)
{
  struct nftnl_rule *r = nftnl_rule_alloc ();

  if (r == NULL)
    oom ();
  return r;
}

/* The match of one --allow-net or --deny-net, for protocol PROTO (0: any) */
static void
net_match (struct nftnl_rule *r, const struct egress_net *n, uint8_t proto)
{
  unsigned len = n->family == AF_INET ? 4 : 16;

  nfproto (r, n->family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
  if (n->prefix > 0)
    {
      daddr (r, n->family);
      if (n->prefix < len * 8)
        {
          uint8_t mask[16] = { 0 };

          for (unsigned bit = 0; bit < n->prefix; bit++)
            mask[bit / 8] |= (uint8_t) (0x80u >> (bit % 8));
          nft_bitwise_and (r, mask, len);
        }
      nft_cmp (r, NFT_CMP_EQ, n->addr, len);
    }
  if (proto != 0)
    l4proto (r, proto);
  if (n->port_lo != 0)
    {
      uint16_t lo = htons (n->port_lo), hi = htons (n->port_hi);

      payload (r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
      if (lo == hi)
        nft_cmp (r, NFT_CMP_EQ, &lo, 2);
      else
        range (r, &lo, &hi, 2);
    }
}

/* One rule per protocol the spec names: a port without /tcp or /udp means both.  */
static void
add_net_rules (struct nft_batch *bt, const struct policy *p, const struct egress_net *n, bool deny)
{
  uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
  size_t count = 2;

  if (n->proto != 0 || n->port_lo == 0)
    {
      protos[0] = (uint8_t) n->proto;
      count = 1;
    }
  for (size_t i = 0; i < count; i++)
    {
      struct nftnl_rule *r = new_rule ();

      net_match (r, n, protos[i]);
      if (deny)
        refuse (p, r, "deny");
      else
        verdict (r, NF_ACCEPT);
      add_rule (bt, r);
    }
}

static void
add_table_and_sets (struct nft_batch *bt)
{
  nft_batch_table (bt, TABLE);
  for (int v6 = 0; v6 <= 1; v6++)
    {
      struct nftnl_set *s = nftnl_set_alloc ();

      if (s == NULL)
        oom ();
      nftnl_set_set_str (s, NFTNL_SET_TABLE, TABLE);
      nftnl_set_set_str (s, NFTNL_SET_NAME, v6 ? SET6 : SET4);
      nftnl_set_set_u32 (s, NFTNL_SET_FAMILY, NFPROTO_INET);
      nftnl_set_set_u32 (s, NFTNL_SET_KEY_LEN, v6 ? 16 : 4);
      /* nft's type numbers, so that "nft list" shows ipv4_addr and ipv6_addr */
      nftnl_set_set_u32 (s, NFTNL_SET_KEY_TYPE, v6 ? 8 : 7);
      nftnl_set_set_u32 (s, NFTNL_SET_FLAGS, NFT_SET_TIMEOUT);
      nftnl_set_set_u32 (s, NFTNL_SET_ID, v6 ? SET6_ID : SET4_ID);
      nftnl_set_nlmsg_build_payload (nft_batch_hdr (bt, NFT_MSG_NEWSET, NLM_F_CREATE), s);
      nftnl_set_free (s);
      nft_batch_next (bt);
    }
  nft_batch_chain (bt, TABLE, CHAIN, "filter", NF_INET_LOCAL_OUT, 0, NF_DROP);
}

static void
add_base_rules (struct nft_batch *bt)
{
  struct nftnl_rule *r;
  char lo[16] = "lo";
  uint32_t mask = CT_ESTABLISHED | CT_RELATED, zero = 0;
  uint8_t nd_lo = 133, nd_hi = 136, mld2 = 143;

  r = new_rule ();
  meta (r, NFT_META_OIFNAME);
  nft_cmp (r, NFT_CMP_EQ, lo, sizeof lo);
  verdict (r, NF_ACCEPT);
  add_rule (bt, r);

  r = new_rule ();
  {
    struct nftnl_expr *e = nft_expr (r, "ct");

    nftnl_expr_set_u32 (e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
    nftnl_expr_set_u32 (e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
  }
  nft_bitwise_and (r, &mask, 4);
  nft_cmp (r, NFT_CMP_NEQ, &zero, 4);
  verdict (r, NF_ACCEPT);
  add_rule (bt, r);

  /* IPv6 needs these on its link; slirp4netns and pasta answer them, forward none */
  r = new_rule ();
  nfproto (r, NFPROTO_IPV6);
  l4proto (r, IPPROTO_ICMPV6);
  payload (r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
  range (r, &nd_lo, &nd_hi, 1);
  verdict (r, NF_ACCEPT);
  add_rule (bt, r);
  r = new_rule ();
  nfproto (r, NFPROTO_IPV6);
  l4proto (r, IPPROTO_ICMPV6);
  payload (r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
  nft_cmp (r, NFT_CMP_EQ, &mld2, 1);
  verdict (r, NF_ACCEPT);
  add_rule (bt, r);
}

static void
add_names_rules (struct nft_batch *bt)
{
  for (int v6 = 0; v6 <= 1; v6++)
    {
      struct nftnl_rule *r = new_rule ();
      struct nftnl_expr *e;

      nfproto (r, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
      daddr (r, v6 ? AF_INET6 : AF_INET);
      e = nft_expr (r, "lookup");
      nftnl_expr_set_u32 (e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
      nftnl_expr_set_str (e, NFTNL_EXPR_LOOKUP_SET, v6 ? SET6 : SET4);
      nftnl_expr_set_u32 (e, NFTNL_EXPR_LOOKUP_SET_ID, v6 ? SET6_ID : SET4_ID);
      verdict (r, NF_ACCEPT);
      add_rule (bt, r);
    }
}

/* ------------------------------------------------------------------ the policy's sets */

/* The --allow-net and --deny-net specs are elements of interval sets of concatenations, one
   rule a set, rather than a rule each: the start loads one element a spec, and a packet
   takes one lookup.  A spec without protocol nor port goes into "allow4" (address . meta
   nfproto: the address alone, as the kernel's interval sets of concatenations need two
   fields), the others into "allow4p" (address . l4proto . port; a port without /tcp or /udp
   is both), and so for IPv6 and deny.  The kernel refuses an element that overlaps one in
   its set: such a spec gets its own rule (add_net_rules), as the order of accepts, or of
   refusals, does not matter.  */

#define NSETS 8
#define SETS_FIRST_ID 3
#define KEY_MAX 24 /* an IPv6 address . protocol . port, each field in 32-bit registers */

struct box
{
  uint8_t key[KEY_MAX], key_end[KEY_MAX];
};

struct nets_set
{
  struct box *boxes;
  size_t n;
};

/* the set of KIND: deny, IPv6, with a port */
static unsigned
set_index (bool deny, int family, bool ports)
{
  return (deny ? 4u : 0u) + (family == AF_INET6 ? 2u : 0u) + (ports ? 1u : 0u);
}

static const char *
set_name (unsigned i)
{
  static const char *const names[NSETS]
      = { "allow4", "allow4p", "allow6", "allow6p", "deny4", "deny4p", "deny6", "deny6p" };
  return names[i];
}

static unsigned
set_alen (unsigned i)
{
  return (i & 2) ? 16 : 4;
}

static unsigned
set_klen (unsigned i)
{
  return set_alen (i) + ((i & 1) ? 8 : 4);
}

/* N's box with protocol PROTO (0: any) */
static void
net_box (const struct egress_net *n, unsigned set, uint8_t proto, struct box *b)
{
  unsigned alen = set_alen (set);

  memset (b, 0, sizeof *b);
  memcpy (b->key, n->addr, alen);
  memcpy (b->key_end, n->addr, alen);
  for (unsigned bit = n->prefix; bit < alen * 8; bit++)
    b->key_end[bit / 8] |= (uint8_t) (0x80u >> (bit % 8));
  if ((set & 1) == 0)
    {
      /* meta nfproto: the set's family */
      b->key[alen] = b->key_end[alen] = alen == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
      return;
    }
  b->key[alen] = b->key_end[alen] = proto;
  b->key[alen + 4] = (uint8_t) (n->port_lo >> 8);
  b->key[alen + 5] = (uint8_t) n->port_lo;
  b->key_end[alen + 4] = n->port_lo == 0 ? 0xff : (uint8_t) (n->port_hi >> 8);
  b->key_end[alen + 5] = n->port_lo == 0 ? 0xff : (uint8_t) n->port_hi;
}

/* A and B share a key in every field */
static bool
boxes_meet (const struct box *a, const struct box *b, unsigned set)
{
  unsigned alen = set_alen (set);
  unsigned off[3] = { 0, alen, alen + 4 }, len[3] = { alen, 1, 2 };

  for (unsigned f = 0; f < ((set & 1) ? 3u : 2u); f++)
    if (memcmp (a->key + off[f], b->key_end + off[f], len[f]) > 0
        || memcmp (b->key + off[f], a->key_end + off[f], len[f]) > 0)
      return false;
  return true;
}

/* N into its set; false: it overlaps an element there, and needs a rule of its own */
static bool
sets_add (struct nets_set sets[NSETS], const struct egress_net *n, bool deny)
{
  bool ports = n->port_lo != 0;
  unsigned set = set_index (deny, n->family, ports || n->proto != 0);
  struct nets_set *s = &sets[set];
  struct box b[2];
  size_t nb = 1;

  net_box (n, set, (uint8_t) (n->proto != 0 ? n->proto : IPPROTO_TCP), &b[0]);
  if (ports && n->proto == 0)
    net_box (n, set, IPPROTO_UDP, &b[nb++]);
  for (size_t i = 0; i < s->n; i++)
    for (size_t j = 0; j < nb; j++)
      if (boxes_meet (&s->boxes[i], &b[j], set))
        return false;
  s->boxes = xreallocarray (s->boxes, s->n + nb, sizeof *s->boxes);
  memcpy (&s->boxes[s->n], b, nb * sizeof *b);
  s->n += nb;
  return true;
}

/* nft's type of the set's key, for "nft list" */
static uint32_t
set_type (unsigned i)
{
  uint32_t t = (i & 2) ? 8 : 7; /* ipv4_addr, ipv6_addr */

  if ((i & 1) == 0)
    return t << 6 | 2;            /* . nf_proto */
  return (t << 6 | 12) << 6 | 13; /* . inet_proto . inet_service */
}

/* The set and its elements, in the batch */
static void
add_nets_set (struct nft_batch *bt, unsigned i, const struct nets_set *ns)
{
  uint8_t fields[3] = { (uint8_t) set_alen (i), 1, 2 };
  struct nftnl_set *s = nftnl_set_alloc ();
  struct nlmsghdr *h;

  if (s == NULL)
    oom ();
  nftnl_set_set_str (s, NFTNL_SET_TABLE, TABLE);
  nftnl_set_set_str (s, NFTNL_SET_NAME, set_name (i));
  nftnl_set_set_u32 (s, NFTNL_SET_FAMILY, NFPROTO_INET);
  nftnl_set_set_u32 (s, NFTNL_SET_KEY_LEN, set_klen (i));
  nftnl_set_set_u32 (s, NFTNL_SET_KEY_TYPE, set_type (i));
  nftnl_set_set_u32 (s, NFTNL_SET_FLAGS, NFT_SET_INTERVAL | NFT_SET_CONCAT);
  nftnl_set_set_data (s, NFTNL_SET_DESC_CONCAT, fields, (i & 1) ? 3 : 2);
  nftnl_set_set_u32 (s, NFTNL_SET_ID, SETS_FIRST_ID + i);
  h = nft_batch_hdr (bt, NFT_MSG_NEWSET, NLM_F_CREATE);
  nftnl_set_nlmsg_build_payload (h, s);
  nft_batch_next (bt);
  for (size_t k = 0; k < ns->n; k++)
    {
      struct nftnl_set_elem *e = nftnl_set_elem_alloc ();

      if (e == NULL)
        oom ();
      nftnl_set_elem_set (e, NFTNL_SET_ELEM_KEY, ns->boxes[k].key, set_klen (i));
      nftnl_set_elem_set (e, NFTNL_SET_ELEM_KEY_END, ns->boxes[k].key_end, set_klen (i));
      nftnl_set_elem_add (s, e);
    }
  h = nft_batch_hdr (bt, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
  nftnl_set_elems_nlmsg_build_payload (h, s);
  nftnl_set_free (s);
  nft_batch_next (bt);
}

/* The rule that looks a packet up in set I: accept, or (deny) log and refuse */
static void
add_set_rule (struct nft_batch *bt, const struct policy *p, unsigned i)
{
  struct nftnl_rule *r = new_rule ();
  struct nftnl_expr *e;
  int family = (i & 2) ? AF_INET6 : AF_INET;
  uint32_t next = NFT_REG32_00 + set_alen (i) / 4;

  nfproto (r, family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
  daddr (r, family);
  if ((i & 1) == 0)
    nft_meta_to (r, NFT_META_NFPROTO, next);
  else
    {
      nft_meta_to (r, NFT_META_L4PROTO, next);
      nft_payload_to (r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, next + 1);
    }
  e = nft_expr (r, "lookup");
  nftnl_expr_set_u32 (e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG32_00);
  nftnl_expr_set_str (e, NFTNL_EXPR_LOOKUP_SET, set_name (i));
  nftnl_expr_set_u32 (e, NFTNL_EXPR_LOOKUP_SET_ID, SETS_FIRST_ID + i);
  if (i >= 4)
    refuse (p, r, "deny");
  else
    verdict (r, NF_ACCEPT);
  add_rule (bt, r);
}

/* DENY's specs (or the allowed ones): their sets' rules, then the rules of the specs that
   did not fit in a set.  The sets are in the batch already (add_policy_sets).  */
static void
add_policy_rules (struct nft_batch *bt, const struct policy *p, const struct nets_set sets[NSETS],
                  const bool *in_set, bool deny)
{
  const struct egress_net *nets = deny ? p->deny : p->allow;
  size_t n = deny ? p->n_deny : p->n_allow;

  for (unsigned i = deny ? 4 : 0; i < (deny ? 8u : 4u); i++)
    if (sets[i].n > 0)
      add_set_rule (bt, p, i);
  for (size_t k = 0; k < n; k++)
    if (!in_set[k])
      add_net_rules (bt, p, &nets[k], deny);
}

int
policy_parse (int argc, char **argv, struct policy *p, const char **ret_why)
{
  p->slirp = strcmp (argv[1], "slirp") == 0;
  p->log = strcmp (argv[2], "nolog") != 0;
  p->hosts = xcalloc (1, sizeof (char *));
  for (int i = 3; i < argc; i++)
    {
      bool deny = strncmp (argv[i], "deny=", 5) == 0;

      if (strncmp (argv[i], "host=", 5) == 0)
        strv_push (&p->hosts, xstrdup (argv[i] + 5));
      else if (deny || strncmp (argv[i], "allow=", 6) == 0)
        {
          struct egress_net **v = deny ? &p->deny : &p->allow;
          size_t *n = deny ? &p->n_deny : &p->n_allow;

          *v = xreallocarray (*v, *n + 1, sizeof **v);
          if (egress_parse_net (argv[i] + (deny ? 5 : 6), &(*v)[*n], ret_why) < 0)
            return -1;
          (*n)++;
        }
      else
        return *ret_why = "unknown argument", -1;
    }
  return 0;
}

int
rules_open (bool bind, const char **ret_why)
{
  struct timeval tv = { .tv_sec = 2 };

  nl = mnl_socket_fdopen (EGRESS_FD_NFT);
  if (nl == NULL || (bind && mnl_socket_bind (nl, 0, MNL_SOCKET_AUTOPID) < 0))
    return *ret_why = "the netfilter socket", -1;
  /* an ack that never comes must not hang the sandbox's start, nor its resolver */
  (void) setsockopt (EGRESS_FD_NFT, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  nft_seq_init ((uint32_t) time (NULL) ^ ((uint32_t) bind << 31));
  return 0;
}

int
rules_install (const struct policy *p, const char **ret_why)
{
  struct nets_set sets[NSETS] = { 0 };
  cleanup_free bool *deny_in = xcalloc (p->n_deny + 1, sizeof (bool));
  cleanup_free bool *allow_in = xcalloc (p->n_allow + 1, sizeof (bool));
  struct nft_batch bt;
  struct nftnl_rule *r;
  int ret = 0;

  for (size_t i = 0; i < p->n_deny; i++)
    deny_in[i] = sets_add (sets, &p->deny[i], true);
  for (size_t i = 0; i < p->n_allow; i++)
    allow_in[i] = sets_add (sets, &p->allow[i], false);
  /* some 600 bytes a rule at most, 2 rules a spec; an element takes less */
  nft_batch_begin (&bt, 16384 + (p->n_allow + p->n_deny) * 2 * 1024, NFPROTO_INET);
  add_table_and_sets (&bt);
  for (unsigned i = 0; i < NSETS; i++)
    if (sets[i].n > 0)
      add_nets_set (&bt, i, &sets[i]);
  add_base_rules (&bt);
  add_policy_rules (&bt, p, sets, deny_in, true);
  add_names_rules (&bt);
  add_policy_rules (&bt, p, sets, allow_in, false);
  r = new_rule ();
  refuse (p, r, NULL);
  add_rule (&bt, r);
  for (unsigned i = 0; i < NSETS; i++)
    free (sets[i].boxes);
  if (nft_batch_send (nl, &bt) < 0)
    ret = -1, *ret_why = "install the nftables rules";
  return ret;
}

int
rules_allow_addr (int family, const uint8_t *addr, uint32_t timeout)
{
  struct nft_batch bt;
  const char *name = family == AF_INET ? SET4 : SET6;
  uint32_t len = family == AF_INET ? 4 : 16;

  /* An element's timeout does not change when it is added again: add it (if new), delete
     it and add it with the new timeout, in one transaction, so that it is never absent.  */
  nft_batch_begin (&bt, 4096, NFPROTO_INET);
  for (int step = 0; step < 3; step++)
    {
      struct nftnl_set *s = nftnl_set_alloc ();
      struct nftnl_set_elem *e = nftnl_set_elem_alloc ();
      struct nlmsghdr *h;

      if (s == NULL || e == NULL)
        oom ();
      nftnl_set_set_str (s, NFTNL_SET_TABLE, TABLE);
      nftnl_set_set_str (s, NFTNL_SET_NAME, name);
      nftnl_set_set_u32 (s, NFTNL_SET_FAMILY, NFPROTO_INET);
      nftnl_set_elem_set (e, NFTNL_SET_ELEM_KEY, addr, len);
      if (step != 1)
        nftnl_set_elem_set_u64 (e, NFTNL_SET_ELEM_TIMEOUT, (uint64_t) timeout * 1000);
      nftnl_set_elem_add (s, e);
      h = nft_batch_hdr (&bt, step == 1 ? NFT_MSG_DELSETELEM : NFT_MSG_NEWSETELEM,
                     step == 1 ? 0 : NLM_F_CREATE);
      nftnl_set_elems_nlmsg_build_payload (h, s);
      nftnl_set_free (s);
      nft_batch_next (&bt);
    }
  return nft_batch_send (nl, &bt);
}
