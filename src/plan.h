/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.h: the launcher's plan, before anything of the sandbox is started. */
#pragma once

struct config;
struct sb_error;

/* Completes CFG from the options and the caller, step by step in plan.c's table (caller,
   image, rootfs, environment, desktop, net, egress, bounds, caps, seccomp).  Nothing here
   makes a namespace or starts a helper of the sandbox: launch_run_hooked does, after it.  CFG is
   constant afterwards.  A front end (the command line's main.c, named sandboxes, the OCI
   runtime) calls it once, between its own options and launch_run_hooked.  */
int plan_run (struct config *cfg, struct sb_error **err);
