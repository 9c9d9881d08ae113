/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup.h: resource limits in a cgroup v2 of the sandbox's own, made by the user's systemd
   (a transient scope) or in a delegated folder; the parsers of the limit options.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct config;
struct sb_error;

enum cgroup_kind
{
  CGROUP_KIND_NONE = 0, /* no limits asked: nothing made, nothing connected */
  CGROUP_KIND_SYSTEMD,
  CGROUP_KIND_FS,
};

struct cgroup
{
  enum cgroup_kind kind;
  char *path;   /* the sandbox's cgroup folder, e.g. /sys/fs/cgroup/user.slice/.../x.scope */
  char *unit;   /* systemd: the scope's name */
  void *bus;    /* systemd: the user bus, from prepare to enter */
  char *parent; /* cgroupfs: the delegated folder that holds ours */
};

/* True when an option asks for a limit.  */
bool cgroup_limits_asked (const struct config *cfg);
/* Why cgroup v2 cannot be used at all here, or NULL when /sys/fs/cgroup is cgroup v2.  */
const char *cgroup_v2_unavailable (void);
/* Before the first namespace: picks a path (systemd, then a delegated folder) and checks it
   can hold the limits; with no limits asked, does nothing at all.  */
int cgroup_prepare (const struct config *cfg, struct cgroup *cg, struct sb_error **err);
/* Puts PID (the sandbox's pid 1, not yet released) under the limits.  */
int cgroup_enter (const struct config *cfg, struct cgroup *cg, pid_t pid, struct sb_error **err);
/* True when the command's wait STATUS may be the memory limit's kill: the launcher then
   reads the OOM count while pid 1 still holds the cgroup (SYNC_EXIT_ACK).  */
bool cgroup_oom_check_wanted (const struct config *cfg, int status);
/* The number of processes the memory limit killed (memory.events oom_kill).  */
uint64_t cgroup_oom_kills (const struct cgroup *cg);
/* Removes what cgroup_enter made (a scope goes away by itself once empty).  */
void cgroup_teardown (struct cgroup *cg);

/* "512K", "512M", "2G", "1T", "4096": bytes.  -1 on bad input.  */
int cgroup_parse_size (const char *s, uint64_t *ret);
/* "2", "1.5", "0.25": thousandths of a CPU, from 0.01 to 1024.  -1 on bad input.  */
int cgroup_parse_cpus (const char *s, unsigned *ret_milli);
/* The whole disk holding PATH (a block device, or a file on one).  */
int cgroup_resolve_device (const char *path, unsigned *ret_major, unsigned *ret_minor,
                           struct sb_error **err);
/* 2147483648 -> "2G"; for messages.  */
void cgroup_format_size (uint64_t v, char *buf, size_t len);
