/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nested.c: a nested sandbox refused by the seccomp policy.  Its own error is a deep
   "Operation not permitted"; the launcher, which knows the policy, runs the compiled filter
   on unshare (CLONE_NEWUSER) and says which policy refused and which one allows it.  */
#include "build-config.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include "config.h"
#include "log.h"
#include "nested.h"
#include "seccomp.h"

#if defined(__x86_64__) && defined(__ILP32__)
#define NATIVE_ARCH 0 /* x32: no hint */
#elif defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define NATIVE_ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define NATIVE_ARCH AUDIT_ARCH_ARM
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define NATIVE_ARCH AUDIT_ARCH_S390X
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ARCH AUDIT_ARCH_RISCV64
#else
#define NATIVE_ARCH 0
#endif

/* A classic BPF program run on DATA as the kernel's seccomp would: the instructions
   libseccomp emits (loads of the data, jumps, ALU on the accumulator, the scratch memory).
   Returns the action, or SECCOMP_RET_ALLOW for a program it cannot follow.  */
static uint32_t
run_filter (const struct sock_filter *f, size_t n, const struct seccomp_data *data)
{
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

  for (size_t pc = 0; pc < n; pc++)
    {
      const struct sock_filter *i = &f[pc];
      uint32_t k = i->k;

      switch (i->code)
        {
        case BPF_LD | BPF_W | BPF_ABS:
          if (k > sizeof *data - 4 || k % 4 != 0)
            return SECCOMP_RET_ALLOW;
          memcpy (&a, (const char *) data + k, 4);
          break;
        case BPF_LD | BPF_IMM:
          a = k;
          break;
        case BPF_LD | BPF_MEM:
          a = k < BPF_MEMWORDS ? mem[k] : 0;
          break;
        case BPF_LDX | BPF_IMM:
          x = k;
          break;
        case BPF_LDX | BPF_MEM:
          x = k < BPF_MEMWORDS ? mem[k] : 0;
          break;
        case BPF_ST:
          if (k < BPF_MEMWORDS)
            mem[k] = a;
          break;
        case BPF_STX:
          if (k < BPF_MEMWORDS)
            mem[k] = x;
          break;
        case BPF_MISC | BPF_TAX:
          x = a;
          break;
        case BPF_MISC | BPF_TXA:
          a = x;
          break;
        case BPF_ALU | BPF_AND | BPF_K:
          a &= k;
          break;
        case BPF_ALU | BPF_OR | BPF_K:
          a |= k;
          break;
        case BPF_JMP | BPF_JA:
          pc += k;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          pc += a == k ? i->jt : i->jf;
          break;
        case BPF_JMP | BPF_JGT | BPF_K:
          pc += a > k ? i->jt : i->jf;
          break;
        case BPF_JMP | BPF_JGE | BPF_K:
          pc += a >= k ? i->jt : i->jf;
          break;
        case BPF_JMP | BPF_JSET | BPF_K:
          pc += (a & k) != 0 ? i->jt : i->jf;
          break;
        case BPF_RET | BPF_K:
          return k;
        case BPF_RET | BPF_A:
          return a;
        default:
          return SECCOMP_RET_ALLOW;
        }
    }
  return SECCOMP_RET_ALLOW;
}

bool
nested_policy_allows_userns (const struct sb_seccomp_bpf *bpf)
{
  struct seccomp_data d = { .nr = SYS_unshare, .arch = NATIVE_ARCH };
  uint32_t action;

  if (bpf->insns == NULL || NATIVE_ARCH == 0)
    return true;
  d.args[0] = CLONE_NEWUSER;
  action = run_filter (bpf->insns, bpf->len / sizeof (struct sock_filter), &d);
  action &= SECCOMP_RET_ACTION_FULL;
  return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

void
nested_hint (const struct config *cfg, int status)
{
  static const char *const nesting[] = { "sandbox", "unshare", "bwrap" };
  const char *name;
  bool nested = false;

  if (status == 0 || cfg->argv == NULL || cfg->argv[0] == NULL)
    return;
  name = strrchr (cfg->argv[0], '/') ? strrchr (cfg->argv[0], '/') + 1 : cfg->argv[0];
  for (size_t i = 0; i < sizeof nesting / sizeof *nesting; i++)
    nested |= strcmp (name, nesting[i]) == 0;
  if (!nested || nested_policy_allows_userns (&cfg->seccomp_bpf))
    return;
  /* browser.json lets the browsers' own sandboxes make user namespaces (tests/nested.t) */
  log_notice ("'%s' failed: the seccomp policy '%s' refuses new user namespaces; "
              "-p browser (policy 'browser') or --seccomp unconfined allows them",
              name, cfg->seccomp != NULL ? cfg->seccomp : "default");
}
