/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mounts.h: what pid 1 mounts on the new root once its lower tree is there: fresh /proc,
   /sys, /dev, /tmp and /run; the user's binds, tmpfs and masks; the kernel's sensitive
   files.  Every path inside goes through inroot.c.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct config;
struct sb_error;

/* The one tmpfs of the sandbox's throw-away writes (rootfs.c mounts it, --ephemeral-size
   bounds it): the upper layer, the top level, /tmp, /run and /dev/shm are folders of it.  */
#define MOUNTS_POOL "/tmp"

/* --ephemeral-size as tmpfs options: the size, and one inode per 4 KiB.  */
void mounts_pool_opts (const struct config *cfg, char *buf, size_t len);

/* The fresh pseudo file systems on ROOT (an O_PATH fd on the new root): a top-level folder
   that is a symlink (a --rootfs whose /dev links elsewhere) is refused.  TMP_RUN: /tmp and
   /run too (false: the tree's own, for a root used in place, OVERLAY_BIND).  */
int mounts_setup_pseudo (int root, bool tmp_run, struct sb_error **err);

/* The private home, cfg->mounts in order (TREES[i]: binds_open's clone for a bind, else
   -1), then the kernel's masks.  EMPTY: an O_PATH fd on an empty file of ours, what a
   masked file shows.  */
int mounts_setup_user (const struct config *cfg, int root, const int *trees, int empty,
                       struct sb_error **err);
