/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp.h: OCI/Docker seccomp policies (JSON) compiled with libseccomp into one BPF
   program for every syscall ABI of the machine, cached, and installed right before exec.  */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct config;
struct sb_error;

/* A compiled filter: raw struct sock_filter instructions.  */
struct sb_seccomp_bpf
{
  void *insns;
  size_t len; /* bytes: a multiple of sizeof (struct sock_filter) */
};

/* What a policy is compiled for: rules with includes/excludes depend on these.  */
struct sb_seccomp_target
{
  uint64_t caps;         /* the capability set the command keeps (bit N: capability N) */
  unsigned kernel_major; /* for minKernel */
  unsigned kernel_minor;
};

/* The largest policy file read (Docker's and podman's have about 20 KiB).  */
#define SB_SECCOMP_MAX_POLICY (1024 * 1024)

/* What sandbox-seccomp writes on its standard output: this header, then LEN bytes, the
   program (VALUE: the unknown names skipped) or one error line (VALUE: its errno).  */
#define SB_SECCOMP_BPF_MAGIC "SBSCBPF1"
#define SB_SECCOMP_ERROR_MAGIC "SBSCERR1"
struct sb_seccomp_record
{
  char magic[8];
  uint32_t value;
  uint32_t len;
};

/* Compiles the policy TEXT (from the file PATH, named in errors) into *RET.  *RET_SKIPPED
   (when not NULL) counts names that libseccomp does not know and the policy let us skip.  */
int sb_seccomp_compile (const char *path, const char *text, size_t len,
                        const struct sb_seccomp_target *target, struct sb_seccomp_bpf *ret,
                        unsigned *ret_skipped, struct sb_error **err);

/* Loads BPF in a throw-away child and makes there the calls the command's process makes
   after it: execve, the send that reports a failed one, exit_group (or exit).  A policy that
   kills or refuses one of them is an error naming the policy (PATH) and the call, not a
   command that dies of SIGSYS without a word.  */
int sb_seccomp_check (const char *path, const struct sb_seccomp_bpf *bpf, struct sb_error **err);

/* The launcher's step, before the first namespace: finds cfg->seccomp (a name, a file, or
   "unconfined"), and fills cfg->seccomp_bpf from the cache or by running sandbox-seccomp.  */
int sb_seccomp_prepare (struct config *cfg, struct sb_error **err);

/* The command's last step before exec: loads cfg->seccomp_bpf (no_new_privs is set).  */
int sb_seccomp_install (const struct config *cfg, struct sb_error **err);

void sb_seccomp_bpf_free (struct sb_seccomp_bpf *bpf);
