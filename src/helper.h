/* SPDX-License-Identifier: GPL-2.0-or-later */
/* helper.h: the one way the launcher starts and stops a helper program (fuse-overlayfs,
   slirp4netns, pasta, xdg-dbus-proxy, sandbox-procviews, sandbox-egress, sandbox-seccomp,
   sandbox-image).  Every helper gets, before its exec:
   - the death signal (SIGKILL when the launcher dies, set again after the hook, since an id
     change clears it) and a getppid check for a launcher that died before;
   - every signal at its default disposition, none blocked;
   - stdin and stdout on /dev/null unless given, stderr on /dev/null, ours or a given fd;
   - the fds it is given, and no other (every fd of ours is close-on-exec);
   - an optional hook, run in the child (system calls only), and a session of its own;
   and a failure before its exec becomes one line in *err ("run 'PATH': why").  helper_stop
   ends it and is safe to repeat.  The child shares our memory until its exec
   (spawn_shared): a start costs no copy of the launcher's pages.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sb_error;

/* For stdin_fd, stdout_fd, stderr_fd */
#define HELPER_FD_NULL (-1)    /* /dev/null; 0 means it too */
#define HELPER_FD_INHERIT (-2) /* the launcher's own */

struct helper_spec
{
  const char *name;  /* for messages: "slirp4netns" */
  char *const *argv; /* argv[0]: the program's absolute path */
  int stdin_fd;      /* 0 or HELPER_FD_NULL: /dev/null */
  int stdout_fd;     /* 0 or HELPER_FD_NULL: /dev/null */
  int stderr_fd;     /* HELPER_FD_NULL, HELPER_FD_INHERIT or an fd */
  const int *keep;   /* fds the helper keeps at their own numbers (argv names them) */
  size_t n_keep;
  const int *place; /* or: fds moved to 3, 4, ... in this order; not with KEEP */
  size_t n_place;
  bool new_session; /* setsid: the terminal's ^C is the sandbox's, not the helper's */
  /* In the child, after the above and before the fds are placed: system calls only (no
     malloc, nothing the launcher reads again).  0, or on failure the number N (1, 2, ...)
     of the step that failed, which hook_steps[N - 1] names, with errno.  REPORT may carry
     one fd back to the launcher (helper_pass_fd).  */
  int (*hook) (void *arg, int report);
  void *hook_arg;
  const char *const *hook_steps;
  /* A user namespace of its own (CLONE_NEWUSER): helper_start returns once it is cloned,
     the caller writes its maps, and helper_release lets it go on.  */
  bool new_userns;
};

struct helper
{
  const char *name;
  pid_t pid;     /* 0: not running */
  int passed_fd; /* what its hook passed (helper_pass_fd), else -1 */
  int go_fd;     /* new_userns: written by helper_release */
  int report_fd; /* until its exec */
};
#define HELPER_INIT                                                                                \
  {                                                                                                \
    NULL, 0, -1, -1, -1                                                                            \
  }

/* Starts SPEC's program; it runs (or, new_userns, waits for helper_release) when this
   returns.  */
int helper_start (const struct helper_spec *spec, struct helper *h, struct sb_error **err);
/* new_userns: its maps are written; it goes on to its exec, reported as helper_start's.  */
int helper_release (const struct helper_spec *spec, struct helper *h, struct sb_error **err);
/* In the hook: FD to the launcher, as h->passed_fd.  -1 and errno.  */
int helper_pass_fd (int report, int fd);

/* Ends it: SIG (0: none) and up to GRACE_MS for it to end by itself (a closed socket, the
   signal), then SIGKILL; reaps it.  Safe on a helper never started, and to repeat.  */
void helper_stop (struct helper *h, int sig, unsigned grace_ms);
/* Waits for a helper that ends by itself; its wait status in *RET_STATUS.  */
int helper_wait (struct helper *h, int *ret_status, struct sb_error **err);
