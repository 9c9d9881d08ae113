/* SPDX-License-Identifier: GPL-2.0-or-later */
/* enter.h: --enter NAME [COMMAND]: a new process in a running sandbox's namespaces, under
   its ids, capabilities, rlimits, no_new_privs and compiled seccomp filter (the launch's own
   functions: init_confine, sb_seccomp_install), in its cgroup.  */
#pragma once

#include <stddef.h>

struct config;
struct json_object;
struct sb_error;

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
