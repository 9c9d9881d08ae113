/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procviews.h: /proc/meminfo, cpuinfo, stat, uptime, loadavg, swaps and
   /sys/devices/system/cpu/online as the sandbox's cgroup sees them, served by the FUSE
   helper sandbox-procviews (src/sandbox-procviews.c) and bound over the real files.  */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct cgroup;
struct config;
struct helper;
struct sb_error;

/* Limits asked, a cgroup to read them from, and not --proc-views no.  */
bool procviews_wanted (const struct config *cfg);

/* pid 1, before the new root hides the host's /dev: opens /dev/fuse (-1 when no views).  */
int procviews_open (const struct config *cfg, int *ret_fd, struct sb_error **err);
/* pid 1, after pivot_root: mounts a FUSE file system on FUSE_FD, which then goes to the
   launcher (SYNC_PROCVIEWS): the server holds the only copy, so that reads fail instead of
   hanging if it dies.  */
int procviews_mount (const struct config *cfg, int fuse_fd, struct sb_error **err);
/* pid 1, once the fd is sent: binds the views over the real files, detaches the mount
   (each lookup waits for the server).  */
int procviews_bind (const struct config *cfg, struct sb_error **err);

/* Launcher: starts the server on FUSE_FD for the cgroup CG (helper.c).  */
int procviews_start (const struct config *cfg, const struct cgroup *cg, int fuse_fd,
                     struct helper *h, struct sb_error **err);
/* Launcher: with --cpus N, pid PID may run on N CPUs only, so nproc agrees with the view.  */
int procviews_limit_cpus (const struct config *cfg, pid_t pid, struct sb_error **err);
/* Launcher: ends the server; safe to repeat.  */
void procviews_stop (struct helper *h);
