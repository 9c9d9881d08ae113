/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c: the command line's front end: the options, the commands that make no sandbox, the
   plan (plan.c), launch_run (launch.c), and the exit status. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "desktop-install.h"
#include "enter.h"
#include "error.h"
#include "fault.h"
#include "idmap.h"
#include "image.h"
#include "launch.h"
#include "log.h"
#include "named.h"
#include "nested.h"
#include "network.h"
#include "options.h"
#include "plan.h"
#include "profile.h"
#include "state.h"
#include "util.h"

static int
report (struct sb_error *err)
{
  cleanup_free char *text = sb_error_text (err);
  int status = err->status ? err->status : 125;

  /* a detached launcher's caller prints it */
  if (!named_report (text, status))
    log_error ("%s", text);
  return status;
}

/* --enter, --list, --logs, --stop (named.c, enter.c): as run_other_command.  */
static int
run_named_command (struct config *cfg, int *ret_status, struct sb_error **err)
{
  if (cfg->enter == NULL && !cfg->list && cfg->logs == NULL && cfg->stop == NULL
      && !cfg->stop_all)
    return 0;
  if (cfg->verbose)
    log_level = LOG_LEVEL_DEBUG;
  if (cfg->enter != NULL)
    return enter_run (cfg, ret_status, err) < 0 ? -1 : 1;
  /* what killed launchers left goes first: never listed, never kept */
  state_sweep ();
  if ((cfg->list && named_list (cfg, stdout, err) < 0)
      || (cfg->logs != NULL && named_logs (cfg->logs, stdout, err) < 0)
      || ((cfg->stop != NULL || cfg->stop_all) && named_stop (cfg, err) < 0))
    return -1;
  *ret_status = 0;
  return 1;
}

/* The commands that make no sandbox (--help, --version, --list-profiles, the images', the
   desktop entries', --print-config): 1 when CFG asked for one and it ran (its status in
   *RET_STATUS), 0 when it asks for a sandbox, -1 on failure.  */
static int
run_other_command (struct config *cfg, int *ret_status, struct sb_error **err)
{
  int r;

  if (cfg->help)
    {
      options_print_help (stdout);
      *ret_status = 0;
      return 1;
    }
  if (cfg->version)
    {
      puts ("sandbox " PACKAGE_VERSION);
      *ret_status = 0;
      return 1;
    }
  if (cfg->list_profiles)
    {
      if (profile_list (stdout, err) < 0)
        return -1;
      *ret_status = 0;
      return 1;
    }
  if (cfg->list_images || cfg->image_rm != NULL || cfg->image_import[0] != NULL)
    {
      if (cfg->verbose)
        log_level = LOG_LEVEL_DEBUG;
      if ((cfg->list_images && image_list (stdout, err) < 0)
          || (cfg->image_rm != NULL && image_remove (cfg, cfg->image_rm, err) < 0)
          || (cfg->image_import[0] != NULL
              && image_import (cfg, cfg->image_import[0], cfg->image_import[1], err) < 0))
        return -1;
      *ret_status = 0;
      return 1;
    }
  if (cfg->desktop_install != NULL || cfg->desktop_remove != NULL || cfg->desktop_list)
    {
      if ((cfg->desktop_remove != NULL && desktop_remove (cfg->desktop_remove, err) < 0)
          || (cfg->desktop_install != NULL && desktop_install (cfg, cfg->desktop_install, err) < 0)
          || (cfg->desktop_list && desktop_list (stdout, err) < 0))
        return -1;
      *ret_status = 0;
      return 1;
    }
  r = run_named_command (cfg, ret_status, err);
  if (r != 0)
    return r;
  if (cfg->print_config)
    {
      if (cfg->image != NULL && image_config_finish (cfg, err) < 0)
        return -1;
      profile_print_config (cfg, stdout);
      image_print_config (cfg, stdout);
      idmap_print_config (cfg, stdout);
      *ret_status = 0;
      return 1;
    }
  return 0;
}

/* The named state (the launcher's folder, its name, state.json) and the sweep of what
   killed launchers left: pid 1 needs none of it, so they are made after clone, while pid 1
   works on the other core (launch.h: the cloned hook).  */
struct deferred_state
{
  struct config *cfg;
  bool remove_early; /* the folder holds our state alone: it goes while pid 1 exits */
};

static int
state_after_clone (void *data, struct sb_error **err)
{
  const struct deferred_state *d = data;

  state_sweep ();
  return named_prepare (d->cfg, err);
}

static void
state_after_exit (void *data)
{
  const struct deferred_state *d = data;

  if (d->remove_early)
    state_run_remove (d->cfg);
}

/* Whether the named state must be there before the plan, as it was: --detach sends the
   command's output to the folder's log, --network tells its holder our name.  */
static bool
state_needed_early (const struct config *cfg)
{
  return cfg->detach || cfg->network != NULL;
}

int
main (int argc, char **argv)
{
  struct config cfg;
  struct sb_error *err = NULL;
  int status = 125, r;
  struct deferred_state deferred = { .cfg = &cfg };
  const struct launch_hooks later
      = { .cloned = state_after_clone, .exited = state_after_exit, .data = &deferred };

  log_start_clock ();
  config_init (&cfg);
  if (options_parse_argv (&cfg, argc, argv, &err) < 0)
    goto fail;
  r = run_other_command (&cfg, &status, &err);
  if (r < 0)
    goto fail;
  if (r > 0)
    goto out;
  if (cfg.verbose)
    log_level = LOG_LEVEL_DEBUG;
  else if (cfg.quiet)
    log_level = LOG_LEVEL_WARNING;
  fault_point (FAULT_OPTIONS);
  /* before anything is started: the launcher that goes on is the detached child */
  if (cfg.detach)
    {
      int exit_now;

      if (named_detach (&cfg, &exit_now, &err) < 0)
        goto fail;
      if (exit_now >= 0)
        {
          status = exit_now;
          goto out;
        }
    }
  /* before anything starts a helper */
  if (launch_hold_fds (&cfg, &err) < 0)
    goto fail;
  /* what killed launchers left on disk goes before we add our own; else both after clone
     (state_after_clone) */
  if (state_needed_early (&cfg))
    {
      state_sweep ();
      if (named_prepare (&cfg, &err) < 0)
        goto fail;
    }
  /* the plan (plan.c's table): nothing of the sandbox runs yet */
  if (plan_run (&cfg, &err) < 0)
    goto fail;
  fflush (stdout);
  /* the plan made the folder for a helper's sockets (the bus filter, slirp4netns's API):
     it goes after the helpers */
  deferred.remove_early = cfg.run_dir == NULL;
  /* the launcher's stages from clone on (launch.c), and pid 1's (init.c) */
  if (launch_run_hooked (&cfg, state_needed_early (&cfg) ? NULL : &later, &status, &err) < 0)
    goto fail;
  nested_hint (&cfg, status);
  goto out;

fail:
  status = report (err);
  sb_error_free (&err);
out:
  network_leave (&cfg);
  state_run_remove (&cfg);
  fault_point (FAULT_END);
  config_free (&cfg);
  return status;
}
