/* SPDX-License-Identifier: GPL-2.0-or-later */
/* enter.h: --enter NAME [COMMAND]: a new process in a running sandbox's namespaces, under
   its ids, capabilities, rlimits, no_new_privs and compiled seccomp filter (the launch's own
   functions: init_confine, sb_seccomp_install), in its cgroup.  The stages are exported for
   the OCI runtime's `exec` (oci-exec.c), which narrows the credentials in between.  */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "config.h"

struct sb_error;
struct json_object;
struct term_plan;
struct term_relay;

/* The namespaces entered, in the order setns takes them: the user namespace first.  */
#define ENTER_NS_COUNT 7
extern const char *const enter_ns_names[ENTER_NS_COUNT];
/* The compiled filter, in the launcher's folder.  */
#define ENTER_FILTER_FILE "seccomp.bpf"

/* The trusted view of running sandbox NAME: the name leads to a private launcher folder of
   ours whose launcher is alive, pid 1 is its child with the recorded start time, and a
   process below pid 1 is in every namespace the launcher recorded; those are opened into
   FDS[ENTER_NS_COUNT] (enter_ns_names' order; -1 on failure), the folder into *RET_RUN_DIR.
   Returns its state (json_object_put it), or NULL with one line "WHAT: why".  */
struct json_object *enter_load_checked (const char *name, const char *what, char **ret_run_dir,
                                        int *fds, struct sb_error **err);
/* Runs CFG->argv (NULL: the sandbox's shell) in sandbox CFG->enter; *RET_STATUS: its exit
   status, or 128+N when it died of signal N.  */
int enter_run (const struct config *cfg, int *ret_status, struct sb_error **err);

/* A running sandbox, checked (its launcher and pid 1 alive as recorded, its namespaces
   opened and matched against the launcher's record).  */
struct enter_target
{
  struct json_object *state; /* the launcher's state.json */
  char *run_dir;
  int fds[ENTER_NS_COUNT];
  pid_t launcher;
  const char *cwd, *shell; /* the command's, in STATE */
  struct config ec;        /* the command's credentials: a caller may narrow them */
};

/* Opens sandbox NAME: the checks, then EC from its state.  enter_close on every path.  */
int enter_open (const char *name, struct enter_target *t, struct sb_error **err);
/* Joins its cgroup and namespaces (user first), non-dumpable from then on.  */
int enter_join (const char *name, struct enter_target *t, struct sb_error **err);
/* Forks the process that runs ARGV under T->ec from CWD (a session of its own; SLAVE on
   the fds TERM says); signals are blocked and *RET_SFD reads them.  Its pid, or -1.  */
pid_t enter_spawn (const struct enter_target *t, char *const *argv, const char *cwd,
                   const struct term_plan *term, int slave, int *ret_sfd, struct sb_error **err);
/* The child's side of enter_spawn, for a caller that forked itself.  */
_Noreturn void enter_exec (const struct config *ec, char *const *argv, const char *cwd,
                           const struct term_plan *term, int slave);
/* Relays MASTER (taken; -1: none) and signals until CHILD ends; *RET_STATUS as enter_run.  */
int enter_wait (pid_t child, int sfd, struct term_relay *relay, int master, int *ret_status,
                struct sb_error **err);
void enter_close (struct enter_target *t);
