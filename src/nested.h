/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nested.h: the hint when a sandbox inside a sandbox is refused by the seccomp policy.  */
#pragma once

#include <stdbool.h>

struct config;
struct sb_seccomp_bpf;

/* Whether the compiled filter BPF lets unshare (CLONE_NEWUSER) through on this machine's own
   ABI.  An instruction it does not know counts as letting it through: no hint is better
   than a wrong one.  */
bool nested_policy_allows_userns (const struct sb_seccomp_bpf *bpf);

/* After the command ended with STATUS: when it failed, is a nested sandbox (sandbox,
   unshare, bwrap) and the policy refuses user namespaces, one notice names the policy and
   what allows them.  */
void nested_hint (const struct config *cfg, int status);
