/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state.h: the per-user runtime folder ($XDG_RUNTIME_DIR/sandbox, else
   ${TMPDIR:-/tmp}/sandbox-UID) and each launcher's own folder in it, for what must exist on
   disk while a sandbox starts (the D-Bus proxy's sockets, slirp4netns's API socket).  A
   launcher's folder is named after it (pid namespace, pid, start time); a later start removes
   the folders of launchers that are gone, and what older versions left in the base folder. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct config;
struct sb_error;

/* A launcher's identity as its folder's name says it: "run-PIDNS-PID-START".  */
struct state_owner
{
  unsigned long long pidns; /* inode of /proc/PID/ns/pid */
  pid_t pid;
  unsigned long long start; /* field 22 of /proc/PID/stat: clock ticks after boot */
};

/* The per-user folder's path (not created).  */
char *state_dir_path (void);
/* The launcher's own folder, made (0700) on first use: cfg->run_dir.  */
const char *state_run_dir (struct config *cfg, struct sb_error **err);
/* Removes the launcher's folder and what is left in it; every path of main reaches it.  */
void state_run_remove (struct config *cfg);
/* Removes the folders of launchers that are gone, and the old versions' leftovers
   (sandbox-dbus.XXXXXX, sandbox-net.XXXXXX) that nothing uses.  Best effort, silent.  */
void state_sweep (void);

/* Named sandboxes (named.c): a name is a symlink NAME -> run-PIDNS-PID-START in the per-user
   folder, made atomically by symlink (2): a second launcher with the name gets EEXIST.  A name
   whose launcher is gone is taken over, and swept.  */
/* Claims NAME for this launcher (making its folder); a live owner: one line, exit 125.  */
int state_name_claim (struct config *cfg, const char *name, struct sb_error **err);
/* NAME's launcher folder (an absolute path) and owner; -1 with errno ENOENT when no live
   launcher has the name (a dead one's link and folder are removed).  */
int state_name_lookup (const char *name, char **ret_run_dir, struct state_owner *ret_owner);
/* Calls FN for each name of a live launcher, in no order; removes the dead ones.  */
void state_name_foreach (void (*fn) (const char *name, const char *run_dir,
                                     const struct state_owner *owner, void *data),
                         void *data);
/* Field 22 of /proc/PID/stat (clock ticks after boot); 0 when there is no such process or
   it is a zombie.  */
unsigned long long state_start_time (pid_t pid);

/* Exported for the unit tests.  Parses a folder's name; -1 when it is not one of ours.  */
int state_parse_owner (const char *name, struct state_owner *ret);
/* Whether OWNER is a running process, as /proc shows it: same pid namespace as ours, and
   the pid's start time matches.  A folder of another pid namespace counts as alive: we
   cannot tell.  */
bool state_owner_alive (const struct state_owner *owner);
