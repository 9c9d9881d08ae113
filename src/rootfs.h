/* rootfs.h: the new root of the sandbox. */
#pragma once

struct config;
struct sb_error;

/* Runs in the setup process (uid 0 of the new user namespace, in the new mount namespace):
   builds the root and pivots into it.  The working directory is / afterwards.  */
int rootfs_setup (const struct config *cfg, struct sb_error **err);
