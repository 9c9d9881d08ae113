/* SPDX-License-Identifier: GPL-2.0-or-later */
/* named-stop.c: --stop NAME|--all [--timeout SECONDS].  SIGTERM to the launcher, which
   passes it to the command as it passes every signal; after the timeout SIGKILL to the
   sandbox's pid 1, which takes every process inside; the launcher then stops its helpers
   and exits as it always does.  We return once the launcher is gone.  Every process is
   held by a pidfd opened before its start time is checked, so no signal reaches a process
   that reused a pid.  */
#include "build-config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "error.h"
#include "log.h"
#include "named-internal.h"
#include "named.h"
#include "state.h"
#include "syscalls.h"
#include "util.h"

/* After the SIGKILL: how long the launcher may take to stop its helpers.  */
#define TEARDOWN_MS 10000

struct target
{
  char *name;
  int launcher; /* pidfd; -1 once gone */
  int init;     /* pid 1's pidfd; -1 when unknown */
};

/* A pidfd on PID, when PID is still the process that started at START; else -1.  */
static int
open_checked (pid_t pid, unsigned long long start)
{
  int fd;

  if (pid <= 1)
    return -1;
  fd = sys_pidfd_open (pid, 0);
  if (fd >= 0 && state_start_time (pid) != start)
    closep (&fd);
  return fd;
}

static void
add_target (const char *name, const char *run_dir, const struct state_owner *owner, void *data)
{
  struct target **v = data;
  struct json_object *state = named_read_state (run_dir);
  size_t n = 0;

  while ((*v)[n].name != NULL)
    n++;
  *v = xreallocarray (*v, n + 2, sizeof **v);
  (*v)[n] = (struct target){ xstrdup (name), open_checked (owner->pid, owner->start), -1 };
  if (state != NULL)
    (*v)[n].init = open_checked ((pid_t) sb_json_int_or (state, "pid", 0),
                                 (unsigned long long) sb_json_int_or (state, "pid_start", 0));
  (*v)[n + 1] = (struct target){ NULL, -1, -1 };
  json_object_put (state);
}

static int64_t
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until every launcher is gone or DEADLINE (CLOCK_MONOTONIC ms) passes; true when
   they are all gone.  */
static bool
wait_gone (struct target *v, int64_t deadline)
{
  for (;;)
    {
      size_t n = 0, live = 0;
      struct pollfd *fds;
      int64_t left = deadline - now_ms ();

      while (v[n].name != NULL)
        n++;
      fds = xcalloc (n + 1, sizeof *fds);
      for (size_t i = 0; i < n; i++)
        {
          fds[i] = (struct pollfd){ v[i].launcher, POLLIN, 0 };
          live += v[i].launcher >= 0;
        }
      if (live == 0 || left <= 0)
        {
          free (fds);
          return live == 0;
        }
      if (poll (fds, n, (int) left) < 0 && errno != EINTR)
        {
          free (fds);
          return false;
        }
      for (size_t i = 0; i < n; i++)
        if (fds[i].revents)
          closep (&v[i].launcher);
      free (fds);
    }
}

static void
signal_all (struct target *v, bool kill_init, int sig)
{
  for (size_t i = 0; v[i].name != NULL; i++)
    {
      int fd = kill_init && v[i].init >= 0 ? v[i].init : v[i].launcher;

      if (v[i].launcher >= 0 && fd >= 0)
        (void) sys_pidfd_send_signal (fd, sig);
    }
}

int
named_stop (const struct config *cfg, struct sb_error **err)
{
  struct target *v = xcalloc (1, sizeof *v);
  uint64_t timeout = cfg->timeout_ms > 0 ? cfg->timeout_ms : 10000;
  int64_t start = now_ms ();
  int r = 0;

  v[0] = (struct target){ NULL, -1, -1 };
  if (cfg->stop_all)
    state_name_foreach (add_target, &v);
  else
    {
      cleanup_free char *run_dir = NULL;
      struct state_owner o;

      if (state_name_lookup (cfg->stop, &run_dir, &o) < 0)
        {
          free (v);
          return sb_error_set (err, 0, "--stop '%s': no running sandbox has this name", cfg->stop);
        }
      add_target (cfg->stop, run_dir, &o, &v);
    }
  signal_all (v, false, SIGTERM);
  if (!wait_gone (v, start + (int64_t) timeout))
    {
      log_debug ("--stop: the timeout is over, SIGKILL");
      signal_all (v, true, SIGKILL);
      if (!wait_gone (v, now_ms () + TEARDOWN_MS))
        {
          signal_all (v, false, SIGKILL);
          if (!wait_gone (v, now_ms () + TEARDOWN_MS))
            r = sb_error_set (err, 0, "--stop: a launcher is still running");
        }
    }
  for (size_t i = 0; v[i].name != NULL; i++)
    {
      free (v[i].name);
      closep (&v[i].launcher);
      closep (&v[i].init);
    }
  free (v);
  return r;
}
