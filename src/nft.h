/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nft.h: what the two programs that write nftables rules with libnftnl share (the
   allowlist's sandbox-egress, egress-rules.c, and --network's sandbox-network-nat): the
   expression builders and the batch, sent over a netfilter netlink socket with an ack for
   each message.  Linked into those programs only: the launcher loads neither libnftnl nor
   libmnl.  An allocation that fails ends the program (oom).  */
#pragma once

#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <stddef.h>
#include <stdint.h>

/* a new expression NAME, appended to R */
struct nftnl_expr *nft_expr (struct nftnl_rule *r, const char *name);
/* META's value into REG (NFT_REG_1, or a 32-bit NFT_REG32_xx of a concatenation) */
void nft_meta_to (struct nftnl_rule *r, uint32_t key, uint32_t reg);
/* LEN bytes at OFFSET of the header BASE into REG */
void nft_payload_to (struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len,
                     uint32_t reg);
/* reg 1 OP DATA */
void nft_cmp (struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len);
/* reg 1 &= MASK */
void nft_bitwise_and (struct nftnl_rule *r, const void *mask, uint32_t len);

struct nft_batch
{
  struct mnl_nlmsg_batch *b;
  char *buf;
  uint16_t family; /* NFPROTO_INET, NFPROTO_IPV4 */
  unsigned msgs;   /* each asks for an ack */
};

/* The sequence numbers start at SEQ (time and who: two senders on one socket differ).  */
void nft_seq_init (uint32_t seq);
/* A batch of at most SIZE bytes, for the tables of FAMILY.  */
void nft_batch_begin (struct nft_batch *bt, size_t size, uint16_t family);
/* The next message's header, to build its payload in; nft_batch_next after.  */
struct nlmsghdr *nft_batch_hdr (struct nft_batch *bt, uint16_t type, uint16_t flags);
void nft_batch_next (struct nft_batch *bt);
/* The table NAME, and its base chain NAME of TYPE ("filter", "nat") at HOOK (NF_INET_*)
   with PRIO and POLICY (NF_ACCEPT, NF_DROP), in the batch's family.  */
void nft_batch_table (struct nft_batch *bt, const char *name);
void nft_batch_chain (struct nft_batch *bt, const char *table, const char *name,
                      const char *type, uint32_t hook, int32_t prio, uint32_t policy);
/* Sends the batch on NL, frees it and reads an ack for each message: 0, or -1 and errno,
   the first error (EAGAIN: no ack within the socket's receive timeout).  */
int nft_batch_send (struct mnl_socket *nl, struct nft_batch *bt);
