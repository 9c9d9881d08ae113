/* SPDX-License-Identifier: GPL-2.0-or-later */
/* helper.c: the helpers' one lifecycle (see helper.h).  The child reports a failure before
   its exec as one record on a close-on-exec socket: the launcher reads either that record
   or the end of the socket, which means the exec happened.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "helper.h"
#include "log.h"
#include "syscalls.h"
#include "util.h"

/* Where the child failed, for the launcher's line */
enum stage
{
  STAGE_PARENT, /* the launcher went away */
  STAGE_STDIO,
  STAGE_HOOK,
  STAGE_FDS,
  STAGE_EXEC,
  STAGE_FD, /* not a failure: the hook passes an fd */
};

struct report
{
  int stage;
  int step; /* STAGE_HOOK: the hook's step, from 1 */
  int errnum;
};

struct child_args
{
  const struct helper_spec *spec;
  pid_t parent;
  int report;
  int go; /* new_userns: read until the maps are written; else -1 */
};

static int
send_report (int report, enum stage stage, int step, int errnum, int fd)
{
  struct report r = { (int) stage, step, errnum };

  return send_with_fd (report, &r, sizeof r, fd) == (ssize_t) sizeof r ? 0 : -1;
}

int
helper_pass_fd (int report, int fd)
{
  return send_report (report, STAGE_FD, 0, 0, fd);
}

_Noreturn static void
child_fail (int report, enum stage stage, int step)
{
  (void) send_report (report, stage, step, errno, -1);
  _exit (127);
}

/* The death signal, and a launcher that died before it was set.  */
static int
die_with_parent (pid_t parent)
{
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    return -1;
  if (getppid () != parent)
    {
      errno = ESRCH;
      return -1;
    }
  return 0;
}

static int
child_stdio (const struct helper_spec *s)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  int in = s->stdin_fd > 0 ? s->stdin_fd : null;
  int out = s->stdout_fd > 0 ? s->stdout_fd : null;
  int errfd = s->stderr_fd == HELPER_FD_INHERIT ? STDERR_FILENO
              : s->stderr_fd > 0                ? s->stderr_fd
                                                : null;

  if (null < 0 || dup2 (in, STDIN_FILENO) < 0 || dup2 (out, STDOUT_FILENO) < 0
      || dup2 (errfd, STDERR_FILENO) < 0)
    return -1;
  return 0;
}

/* The kept fds lose close-on-exec; or the placed ones move to 3, 4, ...: first above every
   target (so that none is overwritten before it moved), then into place.  REPORT moves out
   of the way too.  */
static int
child_fds (const struct helper_spec *s, int *report)
{
  int above = 3 + (int) s->n_place;
  int moved[64];

  for (size_t i = 0; i < s->n_keep; i++)
    if (fcntl (s->keep[i], F_SETFD, 0) < 0)
      return -1;
  if (s->n_place == 0)
    return 0;
  if (s->n_place > sizeof moved / sizeof *moved)
    {
      errno = EMFILE;
      return -1;
    }
  *report = fcntl (*report, F_DUPFD_CLOEXEC, above);
  if (*report < 0)
    return -1;
  for (size_t i = 0; i < s->n_place; i++)
    {
      moved[i] = fcntl (s->place[i], F_DUPFD_CLOEXEC, above);
      if (moved[i] < 0)
        return -1;
    }
  for (size_t i = 0; i < s->n_place; i++)
    if (dup2 (moved[i], 3 + (int) i) < 0)
      return -1;
  return 0;
}

/* The helper's process up to its exec: system calls only (see spawn_shared).  */
_Noreturn static int
child_main (void *data)
{
  const struct child_args *a = data;
  const struct helper_spec *s = a->spec;
  int report = a->report, step;
  char c;

  if (die_with_parent (a->parent) < 0)
    child_fail (report, STAGE_PARENT, 0);
  /* new_userns: nothing may happen before the maps: our ids are unmapped until then */
  if (a->go >= 0 && TEMP_FAILURE_RETRY (read (a->go, &c, 1)) != 1)
    _exit (127);
  sb_signals_default ();
  if (s->new_session)
    (void) setsid ();
  if (child_stdio (s) < 0)
    child_fail (report, STAGE_STDIO, 0);
  if (s->hook != NULL && (step = s->hook (s->hook_arg, report)) != 0)
    child_fail (report, STAGE_HOOK, step);
  /* the hook may have changed our ids, which clears the death signal */
  if (die_with_parent (a->parent) < 0)
    child_fail (report, STAGE_PARENT, 0);
  if (child_fds (s, &report) < 0)
    child_fail (report, STAGE_FDS, 0);
  execv (s->argv[0], s->argv);
  child_fail (report, STAGE_EXEC, 0);
}

/* Reads the child's reports until its exec closes the socket.  */
static int
read_reports (const struct helper_spec *s, struct helper *h, struct sb_error **err)
{
  for (;;)
    {
      struct report r;
      int fd = -1;
      ssize_t n = recv_with_fd (h->report_fd, &r, sizeof r, 0, &fd);

      if (n == 0)
        break;
      if (n != (ssize_t) sizeof r)
        {
          closep (&fd);
          return sb_error_set (err, n < 0 ? errno : EPROTO, "%s: read its start report", s->name);
        }
      if (r.stage == STAGE_FD && fd >= 0 && h->passed_fd < 0)
        {
          h->passed_fd = fd;
          continue;
        }
      closep (&fd);
      if (r.stage == STAGE_FD)
        continue;
      if (r.stage == STAGE_EXEC)
        return sb_error_set (err, r.errnum, "run '%s'", s->argv[0]);
      if (r.stage == STAGE_HOOK)
        return sb_error_set (err, r.errnum, "%s: %s", s->name,
                             r.step > 0 ? s->hook_steps[r.step - 1] : "prepare");
      if (r.stage == STAGE_PARENT)
        return sb_error_set (err, r.errnum, "%s: the launcher went away", s->name);
      return sb_error_set (err, r.errnum, "%s: set up its %s", s->name,
                           r.stage == STAGE_STDIO ? "standard streams" : "descriptors");
    }
  closep (&h->report_fd);
  return 0;
}

int
helper_start (const struct helper_spec *spec, struct helper *h, struct sb_error **err)
{
  struct child_args a = { .spec = spec, .parent = getpid (), .go = -1 };
  cleanup_close int child_report = -1;
  cleanup_close int child_go = -1;
  int sv[2];

  h->name = spec->name;
  h->passed_fd = h->go_fd = h->report_fd = -1;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return sb_error_set (err, errno, "%s: socketpair", spec->name);
  h->report_fd = sv[0];
  a.report = child_report = sv[1];
  if (spec->new_userns)
    {
      int p[2];

      if (pipe2 (p, O_CLOEXEC) < 0)
        return sb_error_set (err, errno, "%s: pipe", spec->name);
      a.go = child_go = p[0];
      h->go_fd = p[1];
      /* a real fork: the child waits, for our maps, which we cannot write while we wait */
      fflush (NULL);
      h->pid = sys_clone_fork (CLONE_NEWUSER | SIGCHLD);
      if (h->pid == 0)
        child_main (&a);
    }
  else
    h->pid = spawn_shared (child_main, &a);
  if (h->pid < 0)
    {
      h->pid = 0;
      if (spec->new_userns)
        return sb_error_set (err, errno, "%s: create a user namespace", spec->name);
      return sb_error_set (err, errno, "start %s", spec->name);
    }
  closep (&child_report);
  if (spec->new_userns)
    return 0;
  if (read_reports (spec, h, err) < 0)
    {
      helper_stop (h, 0, 0);
      return -1;
    }
  log_debug ("%s runs as pid %d", spec->name, (int) h->pid);
  return 0;
}

int
helper_release (const struct helper_spec *spec, struct helper *h, struct sb_error **err)
{
  int r = 0;

  if (write_all (h->go_fd, "g", 1) < 0)
    r = sb_error_set (err, errno, "start %s", spec->name);
  closep (&h->go_fd);
  if (r == 0)
    r = read_reports (spec, h, err);
  if (r < 0)
    helper_stop (h, 0, 0);
  return r;
}

void
helper_stop (struct helper *h, int sig, unsigned grace_ms)
{
  if (h->pid > 0)
    {
      cleanup_close int pidfd = grace_ms > 0 ? (int) syscall (SYS_pidfd_open, h->pid, 0) : -1;

      if (sig != 0)
        (void) kill (h->pid, sig);
      if (pidfd >= 0)
        {
          struct pollfd pfd = { pidfd, POLLIN, 0 };

          (void) poll (&pfd, 1, (int) grace_ms);
        }
      (void) kill (h->pid, SIGKILL);
      (void) TEMP_FAILURE_RETRY (waitpid (h->pid, NULL, 0));
      if (h->name != NULL)
        log_debug ("%s stopped", h->name);
      h->pid = 0;
    }
  closep (&h->passed_fd);
  closep (&h->go_fd);
  closep (&h->report_fd);
}

int
helper_wait (struct helper *h, int *ret_status, struct sb_error **err)
{
  pid_t pid = h->pid;

  h->pid = 0;
  if (pid <= 0 || TEMP_FAILURE_RETRY (waitpid (pid, ret_status, 0)) < 0)
    return sb_error_set (err, pid <= 0 ? ECHILD : errno, "wait for %s", h->name);
  return 0;
}
