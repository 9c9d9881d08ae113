/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault.h: fault injection for the tests.  The launcher's setup stages, in the order they
   run; in src/sandbox-fault (built by make check only, never installed) fault_point (N)
   kills the launcher with SIGKILL when $SANDBOX_FAULT_STAGE names stage N.  In every other
   build fault_point is nothing.  tests/fault.t kills at each stage, in each mode, and checks
   that nothing is left behind.  */
#pragma once

enum fault_stage
{
  FAULT_NONE,
  FAULT_OPTIONS,       /* the options and profiles are parsed */
  FAULT_SWEEP,         /* dead launchers' folders are removed (after clone, but with
                          --detach or --network) */
  FAULT_RUN_DIR,       /* the launcher's own state folder is made (the same) */
  FAULT_NETWORK,       /* --network NET: joined, its holder and slirp4netns run */
  FAULT_CONFIG,        /* the configuration is settled */
  FAULT_SECCOMP,       /* the policy is compiled (or read from the cache): the plan is done */
  FAULT_CGROUP,        /* the cgroup is prepared */
  FAULT_DBUS_SPAWNED,  /* xdg-dbus-proxy is started, not ready */
  FAULT_DBUS_READY,    /* its sockets are there */
  FAULT_CLONE,         /* pid 1 is cloned */
  FAULT_IDMAP_STARTED, /* newuidmap and newgidmap run */
  FAULT_IDMAP_DONE,    /* the id maps are written */
  FAULT_NS_READY,      /* pid 1 has made its namespaces */
  FAULT_MAPS_DONE,     /* pid 1 is in its cgroup and builds the root */
  FAULT_NET_STARTED,   /* the network helper is started */
  FAULT_NET_READY,     /* its device is up */
  FAULT_PUBLISHED,     /* slirp4netns's ports are added, its API socket removed */
  FAULT_RELEASED,      /* the command may run */
  FAULT_HELPER,        /* a helper pid 1 asked for runs (/proc views, fuse-overlayfs) */
  FAULT_EXITED,        /* the command has ended */
  FAULT_REAPED,        /* pid 1 is reaped, the helpers still run */
  FAULT_DBUS_STOPPED,  /* the helpers are stopped, the D-Bus proxy too */
  FAULT_TEARDOWN,      /* the cgroup is removed */
  FAULT_END,           /* the state folder is removed; the launcher exits */
  FAULT_STAGE_COUNT
};

#ifdef SB_FAULT_INJECTION
/* SIGKILLs the launcher when $SANDBOX_FAULT_STAGE is STAGE's number or name; with "list",
   the first call prints "N name" for every stage and exits 0.  */
void fault_point (enum fault_stage stage);
#else
#define fault_point(stage) ((void) 0)
#endif
