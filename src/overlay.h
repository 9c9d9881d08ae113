/* SPDX-License-Identifier: GPL-2.0-or-later */
/* overlay.h: the lower tree of the new root and its copy-on-write engines: the kernel's
   overlayfs mounted inside the user namespace (overlay-kernel.c), and the fuse-overlayfs
   helper, which runs outside the sandbox's pid namespace (overlay-fuse.c).  overlay.c
   chooses.  */
#pragma once

#include <sys/types.h>

struct config;
struct helper;
struct overlay_ctx;
struct sb_error;

/* pid 1, before the pool's tmpfs covers the host's /tmp: opens the lower tree, the layers
   and the persist folder, and reads the host's mount table.  It creates nothing (the user
   namespace may have no maps yet).  NULL on failure.  */
struct overlay_ctx *overlay_open (const struct config *cfg, struct sb_error **err);
void overlay_close (struct overlay_ctx *c);

/* pid 1, as uid 0 of the mapped user namespace, with the pool mounted: the lower tree on
   the pool's "root" folder, through the engine chosen here.  */
int overlay_setup (struct overlay_ctx *c, struct sb_error **err);
/* What the launcher gets from it, once each (-1: none; the caller closes it): the fuse
   engine's /dev/fuse fd, which fuse-overlayfs must serve before anything reads the root
   (pid 1 sends it as SYNC_FUSE_FD at once); the ephemeral upper layer, when the working
   directory's changes are counted (SYNC_UPPER_FD).  */
int overlay_take_fuse_fd (struct overlay_ctx *c);
int overlay_take_upper_fd (struct overlay_ctx *c);

/* The pool's folder that overlay_setup fills: the new root.  */
const char *overlay_root_path (void);

/* Launcher, when the engine may be fuse: the helper is installed and /dev/fuse is usable.  */
int overlay_fuse_check (const struct config *cfg, struct sb_error **err);

/* Launcher.  Starts fuse-overlayfs (helper.c) serving FUSE_FD for the sandbox whose user
   namespace is USERNS_FD (opened while pid 1 was still dumpable): it joins that user
   namespace (to own the files it creates as the ids inside), gets a private mount namespace
   with its own tmpfs for the ephemeral upper layer, and stays in the launcher's pid
   namespace, where the sandbox cannot see, signal or trace it.  When
   cfg->report_cwd_changes, *RET_UPPER_FD (if still -1) gets an fd on its ephemeral upper
   layer.  */
int overlay_fuse_start (const struct config *cfg, int userns_fd, int fuse_fd, struct helper *h,
                        int *ret_upper_fd, struct sb_error **err);
/* Launcher: ends it; safe to repeat.  */
void overlay_fuse_stop (struct helper *h);
