/* SPDX-License-Identifier: GPL-2.0-or-later */
/* binds.h: the host folders and files a sandbox gets: --bind, --ro-bind, --whitelist, the
   working directory and --home host.  The launcher resolves and checks them; pid 1 mounts
   them, by fd, with their protected paths.  */
#pragma once

#include <stdbool.h>

struct config;
struct host_ids;
struct mount_op;
struct sb_error;

/* Launcher, before any namespace.  Resolves every bind source (a symlink a sandbox could
   have planted does not redirect it: hostpath_resolve), refuses what no bind may be (the
   home or above it, and for a read-write one a system or session folder), adds --home host
   and the working directory as binds of their own at the front of cfg->mounts (the
   working directory only when it is an ordinary folder; else one notice), and plans the
   protected paths inside the read-write ones (protect.c).  */
int binds_plan (struct config *cfg, const struct host_ids *ids, struct sb_error **err);

bool binds_is_rw (const struct mount_op *op);

/* pid 1, in its own mount namespace, before the new root covers anything: a detached
   clone of OP's source, checked to be the very file the launcher resolved.  */
int binds_open (const struct mount_op *op, struct sb_error **err);

/* pid 1: mounts TREE (from binds_open) on OP's destination inside ROOT, made when missing
   (in the sandbox's writable layer), read-only, or read-write with nosuid, nodev and its
   protected paths.  */
int binds_attach (int root, int tree, const struct mount_op *op, struct sb_error **err);
