/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netjoin.h: --net sandbox:NAME, a pod's network: the sandbox joins the network namespace of
   running sandbox NAME.  A network namespace belongs to the user namespace that made it, and
   setns into it needs CAP_SYS_ADMIN over that owner, which a sibling user namespace never
   has.  So pid 1 is cloned by a short-lived process of the launcher that first enters NAME's
   network's owning user namespace (its owner, the caller, holds every capability there) and
   the network namespace: pid 1's user namespace is a child of NAME's, its ids mapped through
   NAME's map (the same host ids as a sandbox of its own; that process writes the maps, since
   newuidmap, in the host's user namespace, may write only a child's).  The joiner keeps its
   own root, mounts, pid namespace, ids, capabilities and policy.  */
#pragma once

#include <sys/types.h>

struct config;
struct idmap;
struct sb_error;

/* The plan's step (nothing without --net sandbox:NAME): NAME must be a running sandbox of the
   caller's, checked as --enter checks it (enter_load_checked), and not of the host's network; opens
   its network namespace and that one's owning user namespace into CFG.  */
int netjoin_config_finish (struct config *cfg, struct sb_error **err);

/* Clones pid 1 (FLAGS: its namespaces) in the network namespace CFG joins, as a child of
   ours (CLONE_PARENT), and writes its id maps (MAP, idmap_plan's, marked written).  Returns
   0 in pid 1, its pid in the launcher, -1 with *ERR on failure (nothing left running).  */
pid_t netjoin_clone (const struct config *cfg, struct idmap *map, unsigned long flags,
                     struct sb_error **err);

/* Exported for the unit tests.  MAP's lines ("inside outside count", outside in the host's
   ids) with their outside ids translated through PARENT (a user namespace's map, as its own
   processes read it); NULL when PARENT does not map one of them, *RET_MISSING then.  */
char *netjoin_translate_map (const char *map, const char *parent, unsigned *ret_missing);
