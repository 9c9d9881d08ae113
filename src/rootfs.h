/* rootfs.h: the new root of the sandbox. */
#pragma once

struct config;
struct sb_error;

/* Launcher, before any namespace: resolves the paths of --rootfs, --layer, --bind and
   --persist (making the persist folder), finds the engine's helper, and decides whether the
   working directory is bound (printing the one notice when it is not).  */
int rootfs_config_finish (struct config *cfg, struct sb_error **err);

/* Runs in the setup process (uid 0 of the new user namespace, in the new mount namespace):
   builds the root and pivots into it.  With the fuse engine it sends the launcher a
   SYNC_FUSE_FD over SOCK.  The working directory is / afterwards.  */
int rootfs_setup (const struct config *cfg, int sock, struct sb_error **err);
