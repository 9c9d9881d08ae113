/* rootfs.h: the new root of the sandbox. */
#pragma once

struct config;
struct sb_error;

/* Launcher, before any namespace: resolves the paths of --rootfs, --layer, --bind and
   --persist (making the persist folder), finds the engine's helper, and decides whether the
   working directory is bound (printing the one notice when it is not).  */
int rootfs_config_finish (struct config *cfg, struct sb_error **err);

struct rootctx;

/* In the setup process while newuidmap and newgidmap run (the user namespace has no maps
   yet, so this creates nothing): opens what the root is built from, the lower tree, the
   layers, the persist folder, detached clones of the bind sources, and reads the host's
   mount table.  NULL on failure.  */
struct rootctx *rootfs_open (const struct config *cfg, int sock, struct sb_error **err);
void rootfs_close (struct rootctx *c);

/* Then, as uid 0 of the mapped user namespace, in the new mount namespace: builds the root
   and pivots into it, and frees C.  With the fuse engine it sends the launcher a
   SYNC_FUSE_FD over the socket given to rootfs_open.  The working directory is /
   afterwards.  */
int rootfs_setup (struct rootctx *c, struct sb_error **err);
