/* SPDX-License-Identifier: GPL-2.0-or-later */
/* init.h: the setup process, which becomes pid 1 of the sandbox. */
#pragma once

struct config;
struct term_plan;

/* Sent with sigqueue by the launcher for a signal of its terminal (^C, ^\, a hangup): pid 1
   passes it to the command's process group, as the terminal would have.  */
#define INIT_SIGNAL_GROUP 1

/* Waits for the id maps (or writes SELF_MAP, not NULL when idmap_self), builds the sandbox,
   runs the command under a reaper, and reports the command's end to the launcher on SOCK.
   Never returns.  */
struct idmap;
_Noreturn void init_main (const struct config *cfg, const struct term_plan *term,
                          const struct idmap *self_map, int sock);

/* The command's credentials, as uid 0 of the sandbox's user namespace: the bounding set,
   the ids, the capability sets, the rlimits, no_new_privs.  The command's process and
   --enter's (enter.c) both call it; seccomp comes after, right before exec.  */
struct sb_error;
int init_confine (const struct config *cfg, struct sb_error **err);
/* Writes sysctl KV ("key=value", a key of dotted words: a slash or an empty word is
   refused) through /proc/sys, which shows the writer's network and IPC namespaces: pid 1
   writes config's sysctls with it, the OCI front end those of a network namespace it
   joined.  */
int init_sysctl_write (const char *kv, struct sb_error **err);

/* NAME (no slash) looked up in ENVP's PATH as a shell does: the first executable file, to
   free; else NULL with *RET_ERRNO EACCES (found, not executable) or ENOENT (found nowhere,
   even where a PATH folder cannot be searched).  The command's exec and --enter's.  */
char *init_find_command (char *const *envp, const char *name, int *ret_errno);

/* The signals the launcher and pid 1 pass on to the command.  */
extern const int init_forwarded_signals[];
