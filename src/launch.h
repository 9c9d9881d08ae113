/* SPDX-License-Identifier: GPL-2.0-or-later */
/* launch.h: clone, the sync protocol, waiting, teardown. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct config;
struct sb_error;

/* Before anything is started: fds 0-2 open, every other fd of the caller close-on-exec (no
   helper inherits one), the --keep-fd ones checked.  */
int launch_hold_fds (const struct config *cfg, struct sb_error **err);

/* A front end's step in the launcher's sequence (the OCI runtime's create/start split):
   READY runs once the sandbox is built, its network up and its command set up and waiting
   (SYNC_CMD_READY), right before the command is released to exec; PID1 is pid 1's pid
   (pid 1 waits for the command's exec: its one child is the command) and SOCK the socket
   that becomes readable when pid 1 has something to say (the command was killed): a hook
   that waits polls it too, and returns 0 to let the launcher read it.  A failure kills the
   sandbox and becomes launch_run_hooked's error.  */
struct launch_hooks
{
  int (*ready) (void *data, pid_t pid1, int sock, struct sb_error **err);
  /* Set: runs once pid 1 has made its namespaces, before it stops being dumpable (before
     SYNC_MAPS_DONE): the one time the caller's front end may open its /proc/PID1/ns files
     (the OCI runtime's createContainer and startContainer hooks join them later).  A
     failure kills the sandbox and becomes launch_run_hooked's error.  */
  int (*namespaces) (void *data, pid_t pid1, struct sb_error **err);
  /* Set: the command gets a pty (terminal_plan_console), whose master is handed to PTY
     (which owns it) instead of relayed to our terminal.  */
  int (*pty) (void *data, int master, struct sb_error **err);
  /* Set: runs once the command is released (told to exec), after READY; what fails in it
     is the front end's to report (the OCI runtime's poststart hooks: warnings).  */
  void (*released) (void *data);
  /* Set: runs in the launcher once pid 1 goes on without us (right after clone when it
     maps itself, else once it has its maps and cgroup), before the command is released:
     what only the launcher needs (the command line's named state), done on the other core.
     A failure kills the sandbox and becomes launch_run_hooked's error.  */
  int (*cloned) (void *data, struct sb_error **err);
  /* Set: runs once the command has ended (SYNC_EXITED), while pid 1 exits and its
     namespaces are torn down: what can go before pid 1 is reaped.  */
  void (*exited) (void *data);
  void *data;
};
/* After plan_run (plan.h), with CFG constant: starts the sandbox's helpers (the bus filter
   first, then pid 1 and the rest from clone on), runs the sandbox to its end and stops them
   all, with a front end's HOOKS (NULL: none).  *ret_status: the exit status the launcher
   should exit with.  On failure, err->status says which status (125, 126 or 127).  */
int launch_run_hooked (const struct config *cfg, const struct launch_hooks *hooks, int *ret_status,
                       struct sb_error **err);

/* What refused a user namespace, as read from /proc/sys (NULL: no such file).  */
struct userns_state
{
  const char *apparmor_restrict;   /* kernel.apparmor_restrict_unprivileged_userns */
  const char *userns_clone;        /* kernel.unprivileged_userns_clone (Debian's) */
  const char *max_user_namespaces; /* user.max_user_namespaces */
  const char *exe;                 /* the running binary */
  const char *installed;           /* the installed binary, which the profile allows */
  const char *profile;             /* the AppArmor profile's file; NULL: built without */
  bool profile_present;            /* it is there (installed, maybe not loaded) */
};

/* The reason and the exact fix, "AppArmor restricts them and ...; as root: ...";
   NULL when no setting explains the refusal.  Pure: clone_error reads the state.  */
char *launch_userns_advice (const struct userns_state *st);
