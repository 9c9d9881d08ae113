/* SPDX-License-Identifier: GPL-2.0-or-later */
/* protect.h: what stays read-only inside a read-write bind, and stays so.

   - The sandbox's own configuration and data: $XDG_CONFIG_HOME/sandbox (profiles,
     policies), $XDG_DATA_HOME/sandbox (persist folders, images), $XDG_CACHE_HOME/sandbox,
     $XDG_STATE_HOME/sandbox (and the ~/.config, ~/.local/share, ~/.cache, ~/.local/state
     ones), and this run's --persist folder: a later start trusts them.
   - The paths that make the host run code: a repository's .git/config, .git/hooks and the
     files that redirect them (a .git file, commondir, core.hooksPath, included config),
     unless --unprotect-git.
   Each is bound read-only on itself, and every folder between the bind's root and it is
   bound on itself too (an anchor: a mount point cannot be renamed, so the protected
   folder cannot be moved away and replaced by a fresh copy).  A command that keeps
   CAP_SYS_ADMIN runs in a user namespace of its own, where these mounts are locked.  */
#pragma once

#include <stdbool.h>

struct config;
struct mount_op;
struct path_chain;
struct protect_folders;
struct sb_error;

/* Launcher: the sandbox's own folders, where they are (found once: the checks below make
   no system call for them).  */
struct protect_folders *protect_folders_new (const struct config *cfg);
void protect_folders_free (struct protect_folders *f);

/* Launcher: whether REAL is one of them or inside one.  */
bool protect_is_inside (const struct protect_folders *f, const struct path_chain *real);

/* Launcher, by binds_plan: the protected paths of every read-write bind, each with its
   identity.  A protected folder that does not exist yet but that a bind would expose is
   made (mode 0700), so that it can be protected.  */
int protect_plan (struct config *cfg, const struct protect_folders *f, struct sb_error **err);

/* pid 1: binds OP's protected paths below TREE, the bind just mounted.  */
int protect_apply (int tree, const struct mount_op *op, struct sb_error **err);

/* The command's process, before it drops anything: when it keeps CAP_SYS_ADMIN, moves it
   into a user namespace (and mount, UTS and IPC namespaces) nested in the sandbox's.  The
   kernel locks the mounts a less privileged namespace inherits: they cannot be unmounted,
   made writable or moved, and what they cover cannot be revealed.  */
int protect_lock_mounts (const struct config *cfg, struct sb_error **err);
