/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-state.c: a launcher's state folder is named after it; only the canonical name is
   ours, and a folder counts as alive while its pid runs with the same start time.  */
#include "build-config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/state.h"
#include "../src/util.h"
#include "tap.h"

struct row
{
  const char *name;
  int ok; /* parses */
  unsigned long long pidns;
  int pid;
  unsigned long long start;
};

static const struct row rows[] = {
  { "run-4026531836-1234-5678", 1, 4026531836ULL, 1234, 5678 },
  { "run-1-1-1", 1, 1, 1, 1 },
  { "run-4026531836-1234-5678x", 0, 0, 0, 0 },
  { "run-4026531836-1234", 0, 0, 0, 0 },
  { "run-4026531836--1234-5678", 0, 0, 0, 0 },
  { "run-4026531836-+1234-5678", 0, 0, 0, 0 },
  { "run-4026531836-01234-5678", 0, 0, 0, 0 },
  { "run-4026531836- 1234-5678", 0, 0, 0, 0 },
  { "run-4026531836-0-5678", 0, 0, 0, 0 },
  { "run-4026531836-1234-0", 0, 0, 0, 0 },
  { "run-4026531836-1234--5678", 0, 0, 0, 0 },
  { "sandbox-dbus.Ab12Cd", 0, 0, 0, 0 },
  { "seccomp", 0, 0, 0, 0 },
  { "", 0, 0, 0, 0 },
};

/* this process's own identity, as the launcher computes it */
static struct state_owner
self (void)
{
  struct state_owner o = { 0, getpid (), 0 };
  char path[64], *text, *p;
  struct stat st;

  if (stat ("/proc/self/ns/pid", &st) == 0)
    o.pidns = st.st_ino;
  snprintf (path, sizeof path, "/proc/%d/stat", (int) getpid ());
  text = read_file_at (AT_FDCWD, path, NULL);
  p = text ? strrchr (text, ')') : NULL;
  if (p != NULL)
    sscanf (p, ") %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
            &o.start);
  free (text);
  return o;
}

int
main (void)
{
  size_t n = sizeof rows / sizeof *rows;
  struct state_owner me, o;

  tap_plan ((int) n + 4);
  for (size_t i = 0; i < n; i++)
    {
      const struct row *r = &rows[i];
      int got = state_parse_owner (r->name, &o) == 0;

      tap_ok (got == r->ok
                  && (!got || (o.pidns == r->pidns && o.pid == r->pid && o.start == r->start)),
              "'%s' %s", r->name, r->ok ? "is a launcher's folder" : "is not ours");
    }
  me = self ();
  tap_ok (me.pidns != 0 && me.start != 0 && state_owner_alive (&me),
          "a running launcher's folder is alive");
  o = me;
  o.start++;
  tap_ok (!state_owner_alive (&o), "the same pid with another start time: gone (pid reused)");
  o = me;
  o.pid = 0x3ffffff;
  tap_ok (!state_owner_alive (&o), "a pid that does not run: gone");
  o = me;
  o.pidns++;
  o.start++;
  tap_ok (state_owner_alive (&o), "another pid namespace's folder: left alone");
  return tap_done ();
}
