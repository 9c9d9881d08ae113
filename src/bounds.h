/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bounds.h: the bounds that need no cgroup: rlimits (--rlimit, and a default bound on the
   number of processes), the wall-clock --timeout, and the size of the ephemeral writable
   layers (--ephemeral-size).  */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

struct config;
struct sb_error;

/* One --rlimit NAME=SOFT[:HARD].  */
struct rlimit_op
{
  int resource; /* RLIMIT_* */
  rlim_t soft, hard;
};

/* The bound on the command's processes and threads when --rlimit nproc is not given.  Since
   Linux 5.14 RLIMIT_NPROC is counted per user namespace (ucounts): the sandbox's count holds
   its own processes only, while the user's own limit still holds for all of them.  */
#define BOUNDS_NPROC_DEFAULT 4096
/* The ephemeral writable layers together, in percent of the RAM, when not asked.  */
#define BOUNDS_EPHEMERAL_PERCENT_DEFAULT 25
/* --timeout's grace period between SIGTERM and SIGKILL, when not given.  */
#define BOUNDS_TIMEOUT_GRACE_MS_DEFAULT 10000

/* "nofile=1024", "nofile=1024:4096", "core=0", "stack=8M:unlimited", "nproc=-1" (podman's
   --ulimit names and values).  *RET_WHY says what is wrong.  */
int bounds_parse_rlimit (const char *s, struct rlimit_op *ret, const char **ret_why);
/* "30", "1.5", "2m", "1h", "30:5" (SECONDS[:GRACE], suffixes s, m, h, d as timeout(1)):
   milliseconds, both above 0.  */
int bounds_parse_timeout (const char *s, uint64_t *ret_ms, uint64_t *ret_grace_ms);
/* "2G", "512M", "25%": bytes, or a percent of the RAM (1-100).  */
int bounds_parse_size (const char *s, uint64_t *ret_bytes, unsigned *ret_percent);
/* The name of RLIMIT_* RESOURCE ("nofile"), or NULL.  */
const char *bounds_rlimit_name (int resource);

/* Launcher, before the first namespace: the default nproc bound, the rlimits checked
   against the caller's hard limits (nobody inside could raise them), the ephemeral size in
   bytes.  */
int bounds_plan (struct config *cfg, struct sb_error **err);
/* The command's process, before execve (system calls only): the rlimits.  -1 and errno, the
   failing one in *RET_FAILED.  */
int bounds_apply_rlimits (const struct config *cfg, const struct rlimit_op **ret_failed);
