/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup-internal.h: what cgroup.c shares with its two backends. */
#pragma once

#include <sys/types.h>

#include "cgroup.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/* The cgroup folder of PID: CGROUP_ROOT + its "0::" line.  NULL and errno on failure.  */
char *cgroup_path_of (pid_t pid);
/* The first controller the limits need that CONTROLLERS (a cgroup.controllers text) lacks,
   or NULL.  */
const char *cgroup_missing_controller (const struct config *cfg, const char *controllers);
/* Writes the limits as cgroup v2 files in the folder DIRFD.  */
int cgroup_write_limits (const struct config *cfg, int dirfd, const char *path,
                         struct sb_error **err);

int cgroup_systemd_prepare (struct cgroup *cg, struct sb_error **err);
int cgroup_systemd_enter (const struct config *cfg, struct cgroup *cg, pid_t pid,
                          struct sb_error **err);
void cgroup_systemd_close (struct cgroup *cg);

int cgroup_fs_prepare (const struct config *cfg, struct cgroup *cg, struct sb_error **err);
int cgroup_fs_enter (const struct config *cfg, struct cgroup *cg, pid_t pid, struct sb_error **err);
void cgroup_fs_remove (struct cgroup *cg);
