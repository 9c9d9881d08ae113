/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault.c: fault injection, compiled into src/sandbox-fault only (see fault.h). */
#include "build-config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

static const char *const names[FAULT_STAGE_COUNT] = {
  [FAULT_NONE] = "none",
  [FAULT_OPTIONS] = "options",
  [FAULT_SWEEP] = "sweep",
  [FAULT_RUN_DIR] = "run-dir",
  [FAULT_DBUS_SPAWNED] = "dbus-spawned",
  [FAULT_DBUS_READY] = "dbus-ready",
  [FAULT_NETWORK] = "network-joined",
  [FAULT_CONFIG] = "config",
  [FAULT_SECCOMP] = "seccomp",
  [FAULT_CGROUP] = "cgroup",
  [FAULT_CLONE] = "clone",
  [FAULT_IDMAP_STARTED] = "idmap-started",
  [FAULT_IDMAP_DONE] = "idmap-done",
  [FAULT_NS_READY] = "ns-ready",
  [FAULT_MAPS_DONE] = "maps-done",
  [FAULT_NET_STARTED] = "net-started",
  [FAULT_NET_READY] = "net-ready",
  [FAULT_PUBLISHED] = "published",
  [FAULT_RELEASED] = "released",
  [FAULT_HELPER] = "helper",
  [FAULT_EXITED] = "exited",
  [FAULT_REAPED] = "reaped",
  [FAULT_TEARDOWN] = "teardown",
  [FAULT_DBUS_STOPPED] = "dbus-stopped",
  [FAULT_END] = "end",
};

void
fault_point (enum fault_stage stage)
{
  /* read once: a test build's knob, not configuration */
  static int want = -1;

  if (want < 0)
    {
      const char *s = getenv ("SANDBOX_FAULT_STAGE");

      want = FAULT_NONE;
      if (s != NULL && strcmp (s, "list") == 0)
        {
          for (int i = 1; i < FAULT_STAGE_COUNT; i++)
            printf ("%d %s\n", i, names[i]);
          fflush (stdout);
          _exit (0);
        }
      for (int i = 1; s != NULL && i < FAULT_STAGE_COUNT; i++)
        if (strcmp (s, names[i]) == 0 || atoi (s) == i)
          want = i;
    }
  if (want != FAULT_NONE && (int) stage == want)
    (void) kill (getpid (), SIGKILL);
}
