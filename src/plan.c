/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.c: the launcher's plan, in order.  Each step fills what it derives in struct config
   and starts nothing that outlives it (sandbox-image and sandbox-seccomp may run and end
   within their step).  What happens after the plan: launch.c (the launcher, from clone on)
   and init.c (pid 1, the root's build list).  */
#include "build-config.h"

#include <stddef.h>

#include "bounds.h"
#include "caps.h"
#include "config.h"
#include "desktop.h"
#include "egress.h"
#include "error.h"
#include "fault.h"
#include "image.h"
#include "net.h"
#include "netjoin.h"
#include "network.h"
#include "plan.h"
#include "rootfs.h"
#include "seccomp.h"

static int
caps_plan (struct config *cfg, struct sb_error **err)
{
  (void) err;
  sb_caps_plan (cfg);
  return 0;
}

static const struct plan_step
{
  const char *name;
  int (*run) (struct config *cfg, struct sb_error **err);
  enum fault_stage done; /* tests/fault.t's kill point after it, or FAULT_NONE */
} steps[] = {
  /* uid and gid inside, home, working directory */
  { "caller", config_caller_plan, FAULT_NONE },
  /* --image: the lower tree, the ids and the command's defaults (sandbox-image) */
  { "image", image_config_finish, FAULT_NONE },
  /* binds resolved, the persist folder, the overlay engine, the working directory's bind */
  { "rootfs", rootfs_config_finish, FAULT_NONE },
  /* the command's environment and argv */
  { "environment", config_env_plan, FAULT_NONE },
  /* sockets and devices to bind, the X11 cookie, the bus filter's sockets (not started) */
  { "desktop", desktop_prepare, FAULT_NONE },
  /* --net auto -> pasta or slirp4netns, the helper found, --publish ports free */
  { "net", net_config_finish, FAULT_NONE },
  /* --net sandbox:NAME: NAME checked as --enter checks it, its network opened */
  { "netjoin", netjoin_config_finish, FAULT_NONE },
  /* --network NET: joined (its holder started when none runs) and checked */
  { "network", network_config_finish, FAULT_NETWORK },
  /* the allowlist's options, the --net-log file */
  { "egress", egress_config_finish, FAULT_NONE },
  /* rlimits, nproc, the ephemeral size */
  { "bounds", bounds_plan, FAULT_CONFIG },
  /* the capabilities inside */
  { "caps", caps_plan, FAULT_NONE },
  /* the policy, compiled or from the cache: its rules may depend on the capabilities */
  { "seccomp", sb_seccomp_prepare, FAULT_SECCOMP },
};

int
plan_run (struct config *cfg, struct sb_error **err)
{
  for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
    {
      if (steps[i].run (cfg, err) < 0)
        return -1;
      if (steps[i].done != FAULT_NONE)
        fault_point (steps[i].done);
    }
  return 0;
}
