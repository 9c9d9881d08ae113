/* mounts.h: what pid 1 mounts on the new root once its lower tree is there: fresh /proc,
   /sys, /dev, /tmp and /run; the user's binds, tmpfs and masks; the kernel's sensitive
   files.  Every path inside goes through inroot.c.  */
#pragma once

struct config;
struct sb_error;

/* The fresh pseudo file systems on ROOT (an O_PATH fd on the new root): a top-level folder
   that is a symlink (a --rootfs whose /dev links elsewhere) is refused.  */
int mounts_setup_pseudo (int root, struct sb_error **err);

/* The private home, cfg->mounts in order (TREES[i]: binds_open's clone for a bind, else
   -1), then the kernel's masks.  EMPTY: an O_PATH fd on an empty file of ours, what a
   masked file shows.  */
int mounts_setup_user (const struct config *cfg, int root, const int *trees, int empty,
                       struct sb_error **err);
