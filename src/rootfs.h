/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootfs.h: the new root of the sandbox. */
#pragma once

struct config;
struct sb_error;

/* Launcher, before any namespace: resolves the paths of --rootfs, --layer, --bind and
   --persist (making the persist folder), finds the engine's helper, and decides whether the
   working directory is bound (printing the one notice when it is not).  */
int rootfs_config_finish (struct config *cfg, struct sb_error **err);

/* pid 1 builds the root in init.c's order (init_build_root): rootfs_open; once its maps are
   written, rootfs_build_lower, then on rootfs_root_fd the pseudo file systems, the desktop's
   binds, rootfs_mount_user, the network's files; rootfs_pivot; rootfs_close.  */
struct rootctx;

/* While newuidmap and newgidmap run (the user namespace has no maps yet, so this creates
   nothing): opens what the root is built from, the lower tree, the layers, the persist
   folder, detached clones of the bind sources, and reads the host's mount table.  NULL on
   failure.  */
struct rootctx *rootfs_open (const struct config *cfg, struct sb_error **err);
void rootfs_close (struct rootctx *c);

/* As uid 0 of the mapped user namespace, in the new mount namespace: the tmpfs the root is
   assembled on (it holds the ephemeral writes too), and on it the lower tree, copy-on-write
   through one of overlay.c's engines or read-only.  */
int rootfs_build_lower (struct rootctx *c, struct sb_error **err);
/* For the launcher, once each (-1: none; the caller closes it): the fuse engine's /dev/fuse
   fd, which fuse-overlayfs must serve before anything reads the root; the ephemeral upper
   layer, when the working directory's changes are counted (overlay.h).  */
int rootfs_take_fuse_fd (struct rootctx *c);
int rootfs_take_upper_fd (struct rootctx *c);
/* An O_PATH fd on the new root (C keeps it): where the rest is mounted.  */
int rootfs_root_fd (const struct rootctx *c);
/* The user's --bind, --tmpfs and --mask, from the clones rootfs_open made.  */
int rootfs_mount_user (const struct rootctx *c, struct sb_error **err);
/* pivot_root into it; the old root is detached, the root gets cfg->root_propagation.  The
   working directory is / afterwards.  */
int rootfs_pivot (struct rootctx *c, struct sb_error **err);
