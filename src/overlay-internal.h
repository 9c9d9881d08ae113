/* SPDX-License-Identifier: GPL-2.0-or-later */
/* overlay-internal.h: what overlay.c (the choice of engine) shares with its engines,
   overlay-kernel.c and overlay-fuse.c.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "config.h"
#include "mounts.h"

struct sb_error;

/* The new root is assembled here, on a private tmpfs of pid 1's mount namespace that also
   holds the ephemeral upper layer: it goes away with the namespace, even after a
   SIGKILL.  */
#define OVERLAY_BASE MOUNTS_POOL
#define OVERLAY_ROOT OVERLAY_BASE "/root"

#define OVERLAY_MAX_LOWERS 64 /* the layers and the lower tree */

/* What pid 1 opened before OVERLAY_BASE covered the host's /tmp.  */
struct overlay_ctx
{
  const struct config *cfg;
  enum overlay_engine engine; /* kernel or fuse once decided */
  int base_fd;                /* the lower tree: the host's / or the --rootfs */
  char *base_real;            /* the same on the host, for the mount table */
  int *layer_fds;             /* top first */
  size_t n_layers;
  int persist_fd;
  int upper_fd, work_fd;         /* roots of the upper and work folders, read-only fds */
  char **mnt_paths, **mnt_types; /* the host's mount table */
  int fuse_fd;                   /* the fuse engine's /dev/fuse fd, until overlay_take_fuse_fd */
  int upper_out_fd;              /* the ephemeral upper layer, until overlay_take_upper_fd */
};

/* overlay-kernel.c: the lower tree on OVERLAY_ROOT through the kernel's overlayfs, one
   overlay per folder where host mounts split it.  */
int overlay_kernel_root (struct overlay_ctx *c, struct sb_error **err);

/* overlay-fuse.c: a FUSE mount on OVERLAY_ROOT, its fd kept in C->fuse_fd: pid 1 sends it to
   the launcher, which starts fuse-overlayfs on it.  */
int overlay_fuse_root (struct overlay_ctx *c, struct sb_error **err);
