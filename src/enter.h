/* SPDX-License-Identifier: GPL-2.0-or-later */
/* enter.h: --enter NAME [COMMAND]: a new process in a running sandbox's namespaces, under
   its ids, capabilities, rlimits, no_new_privs and compiled seccomp filter (the launch's own
   functions: init_confine, sb_seccomp_install), in its cgroup.  */
#pragma once

#include <stddef.h>

struct config;
struct sb_error;

/* The namespaces entered, in the order setns takes them: the user namespace first.  */
#define ENTER_NS_COUNT 7
extern const char *const enter_ns_names[ENTER_NS_COUNT];
/* The compiled filter, in the launcher's folder.  */
#define ENTER_FILTER_FILE "seccomp.bpf"

/* Runs CFG->argv (NULL: the sandbox's shell) in sandbox CFG->enter; *RET_STATUS: its exit
   status, or 128+N when it died of signal N.  */
int enter_run (const struct config *cfg, int *ret_status, struct sb_error **err);
