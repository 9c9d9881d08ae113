/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nft.c: libnftnl's expressions and batches, for the programs that write nftables rules
   (nft.h).  */
#include "build-config.h"

#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h> /* before expr.h, which needs its stdio.h */
#include <libnftnl/expr.h>
#include <libnftnl/table.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdlib.h>

#include "nft.h"
#include "util.h"

static uint32_t seq;

struct nftnl_expr *
nft_expr (struct nftnl_rule *r, const char *name)
{
  struct nftnl_expr *e = nftnl_expr_alloc (name);

  if (e == NULL)
    oom ();
  nftnl_rule_add_expr (r, e);
  return e;
}

void
nft_meta_to (struct nftnl_rule *r, uint32_t key, uint32_t reg)
{
  struct nftnl_expr *e = nft_expr (r, "meta");

  nftnl_expr_set_u32 (e, NFTNL_EXPR_META_KEY, key);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_META_DREG, reg);
}

void
nft_payload_to (struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len,
                uint32_t reg)
{
  struct nftnl_expr *e = nft_expr (r, "payload");

  nftnl_expr_set_u32 (e, NFTNL_EXPR_PAYLOAD_BASE, base);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_PAYLOAD_LEN, len);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_PAYLOAD_DREG, reg);
}

void
nft_cmp (struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
  struct nftnl_expr *e = nft_expr (r, "cmp");

  nftnl_expr_set_u32 (e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_CMP_OP, op);
  nftnl_expr_set (e, NFTNL_EXPR_CMP_DATA, data, len);
}

void
nft_bitwise_and (struct nftnl_rule *r, const void *mask, uint32_t len)
{
  struct nftnl_expr *e = nft_expr (r, "bitwise");
  uint8_t zero[16] = { 0 };

  nftnl_expr_set_u32 (e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
  nftnl_expr_set_u32 (e, NFTNL_EXPR_BITWISE_LEN, len);
  nftnl_expr_set (e, NFTNL_EXPR_BITWISE_MASK, mask, len);
  nftnl_expr_set (e, NFTNL_EXPR_BITWISE_XOR, zero, len);
}

void
nft_seq_init (uint32_t first)
{
  seq = first;
}

void
nft_batch_begin (struct nft_batch *bt, size_t size, uint16_t family)
{
  bt->buf = xcalloc (1, size);
  bt->b = mnl_nlmsg_batch_start (bt->buf, size);
  bt->family = family;
  bt->msgs = 0;
  nftnl_batch_begin (mnl_nlmsg_batch_current (bt->b), seq++);
  mnl_nlmsg_batch_next (bt->b);
}

struct nlmsghdr *
nft_batch_hdr (struct nft_batch *bt, uint16_t type, uint16_t flags)
{
  bt->msgs++;
  return nftnl_nlmsg_build_hdr (mnl_nlmsg_batch_current (bt->b), type, bt->family,
                                flags | NLM_F_ACK, seq++);
}

void
nft_batch_next (struct nft_batch *bt)
{
  /* the buffer is sized for what goes in: a full one is our bug */
  if (!mnl_nlmsg_batch_next (bt->b))
    abort ();
}

void
nft_batch_table (struct nft_batch *bt, const char *name)
{
  struct nftnl_table *t = nftnl_table_alloc ();

  if (t == NULL)
    oom ();
  nftnl_table_set_str (t, NFTNL_TABLE_NAME, name);
  nftnl_table_set_u32 (t, NFTNL_TABLE_FAMILY, bt->family);
  nftnl_table_nlmsg_build_payload (nft_batch_hdr (bt, NFT_MSG_NEWTABLE, NLM_F_CREATE), t);
  nftnl_table_free (t);
  nft_batch_next (bt);
}

void
nft_batch_chain (struct nft_batch *bt, const char *table, const char *name, const char *type,
                 uint32_t hook, int32_t prio, uint32_t policy)
{
  struct nftnl_chain *c = nftnl_chain_alloc ();

  if (c == NULL)
    oom ();
  nftnl_chain_set_str (c, NFTNL_CHAIN_TABLE, table);
  nftnl_chain_set_str (c, NFTNL_CHAIN_NAME, name);
  nftnl_chain_set_u32 (c, NFTNL_CHAIN_FAMILY, bt->family);
  nftnl_chain_set_str (c, NFTNL_CHAIN_TYPE, type);
  nftnl_chain_set_u32 (c, NFTNL_CHAIN_HOOKNUM, hook);
  nftnl_chain_set_s32 (c, NFTNL_CHAIN_PRIO, prio);
  nftnl_chain_set_u32 (c, NFTNL_CHAIN_POLICY, policy);
  nftnl_chain_nlmsg_build_payload (nft_batch_hdr (bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE), c);
  nftnl_chain_free (c);
  nft_batch_next (bt);
}

int
nft_batch_send (struct mnl_socket *nl, struct nft_batch *bt)
{
  char buf[16384];
  unsigned acks = 0;
  int e = 0;

  nftnl_batch_end (mnl_nlmsg_batch_current (bt->b), seq++);
  mnl_nlmsg_batch_next (bt->b);
  if (mnl_socket_sendto (nl, mnl_nlmsg_batch_head (bt->b), mnl_nlmsg_batch_size (bt->b)) < 0)
    e = errno;
  mnl_nlmsg_batch_stop (bt->b);
  free (bt->buf);
  while (e == 0 && acks < bt->msgs)
    {
      ssize_t n = mnl_socket_recvfrom (nl, buf, sizeof buf);
      const struct nlmsghdr *h = (const struct nlmsghdr *) buf;
      int len = (int) n;

      if (n < 0)
        return -1; /* errno: EAGAIN after the receive timeout */
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
