/* SPDX-License-Identifier: GPL-2.0-or-later */
/* named.h: named sandboxes: --name (or a generated one), --info-fd, --detach, --list,
   --logs, --stop.  What they keep on disk is the launcher's folder (state.c): a link NAME
   to it, and in it state.json (written atomically) and, detached, the command's log.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct config;
struct sb_error;

/* A name a sandbox may have: a letter or digit first, then letters, digits, '_', '.', '-';
   64 characters at most; never "run-..." (the launchers' folders).  */
bool named_valid_name (const char *name);

/* --detach, before anything is started: forks.  In the caller's process, waits until the
   sandbox runs (or fails), prints its name, and sets *RET_EXIT (the status to exit with);
   the child, in a session of its own, returns 0 with *RET_EXIT -1 and goes on as the
   launcher.  */
int named_detach (struct config *cfg, int *ret_exit, struct sb_error **err);
/* Claims the name (or a generated one), writes the first state; detached, the command's
   output goes to the log file from now on.  */
int named_prepare (struct config *cfg, struct sb_error **err);
/* The launcher, while pid 1 can still be looked at (before it is released): records the
   identities of its namespaces for --enter.  */
void named_record_namespaces (pid_t pid);
/* The same when pid 1 writes its own maps and does not wait for the launcher: pid 1 puts
   its namespaces' identities into BUF (LEN bytes) as text, the launcher takes them from
   it.  */
void named_namespaces_text (char *buf, size_t len);
void named_take_namespaces (const char *text);
/* The launcher, once the sandbox runs: PID is its pid 1, CGROUP its cgroup folder or NULL.
   Completes the state, writes --info-fd's JSON, and lets a detached caller go.  */
void named_running (const struct config *cfg, pid_t pid, const char *cgroup);
/* Main's one error line, while a detached caller waits: it goes to the caller, who prints
   it.  False when there is no such caller (then main prints it).  */
bool named_report (const char *text, int status);

/* The actions: --list [--json], --logs NAME, --stop NAME|--all.  */
int named_list (const struct config *cfg, FILE *out, struct sb_error **err);
int named_logs (const char *name, FILE *out, struct sb_error **err);
int named_stop (const struct config *cfg, struct sb_error **err);
