/* main.c: the order of the stages and the exit status. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bounds.h"
#include "caps.h"
#include "config.h"
#include "dbus.h"
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
#include "options.h"
#include "profile.h"
#include "seccomp.h"
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

int
main (int argc, char **argv)
{
  struct config cfg;
  struct sb_error *err = NULL;
  int status = 125;

  log_start_clock ();
  config_init (&cfg);
  if (options_parse_argv (&cfg, argc, argv, &err) < 0)
    goto fail;
  if (cfg.help)
    {
      options_print_help (stdout);
      status = 0;
      goto out;
    }
  if (cfg.version)
    {
      puts ("sandbox " PACKAGE_VERSION);
      status = 0;
      goto out;
    }
  if (cfg.list_profiles)
    {
      status = profile_list (stdout, &err) < 0 ? 125 : 0;
      if (status != 0)
        goto fail;
      goto out;
    }
  if (cfg.list_images || cfg.image_rm != NULL || cfg.image_import[0] != NULL)
    {
      if (cfg.verbose)
        log_level = LOG_LEVEL_DEBUG;
      if ((cfg.list_images && image_list (stdout, &err) < 0)
          || (cfg.image_rm != NULL && image_remove (&cfg, cfg.image_rm, &err) < 0)
          || (cfg.image_import[0] != NULL
              && image_import (&cfg, cfg.image_import[0], cfg.image_import[1], &err) < 0))
        goto fail;
      status = 0;
      goto out;
    }
  if (cfg.desktop_install != NULL || cfg.desktop_remove != NULL || cfg.desktop_list)
    {
      if ((cfg.desktop_remove != NULL && desktop_remove (cfg.desktop_remove, &err) < 0)
          || (cfg.desktop_install != NULL && desktop_install (&cfg, cfg.desktop_install, &err) < 0)
          || (cfg.desktop_list && desktop_list (stdout, &err) < 0))
        goto fail;
      status = 0;
      goto out;
    }
  if (cfg.enter != NULL)
    {
      if (cfg.verbose)
        log_level = LOG_LEVEL_DEBUG;
      if (enter_run (&cfg, &status, &err) < 0)
        goto fail;
      goto out;
    }
  if (cfg.list || cfg.logs != NULL || cfg.stop != NULL || cfg.stop_all)
    {
      if (cfg.verbose)
        log_level = LOG_LEVEL_DEBUG;
      /* what killed launchers left goes first: never listed, never kept */
      state_sweep ();
      if ((cfg.list && named_list (&cfg, stdout, &err) < 0)
          || (cfg.logs != NULL && named_logs (cfg.logs, stdout, &err) < 0)
          || ((cfg.stop != NULL || cfg.stop_all) && named_stop (&cfg, &err) < 0))
        goto fail;
      status = 0;
      goto out;
    }
  if (cfg.print_config)
    {
      if (cfg.image != NULL && image_config_finish (&cfg, &err) < 0)
        goto fail;
      profile_print_config (&cfg, stdout);
      image_print_config (&cfg, stdout);
      idmap_print_config (&cfg, stdout);
      status = 0;
      goto out;
    }
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
  /* what killed launchers left on disk goes before we add our own */
  state_sweep ();
  if (named_prepare (&cfg, &err) < 0)
    goto fail;
  if (config_finish (&cfg, &err) < 0 || bounds_plan (&cfg, &err) < 0)
    goto fail;
  fault_point (FAULT_CONFIG);
  sb_caps_plan (&cfg);
  /* the policy's rules may depend on the capabilities: compile after them */
  if (sb_seccomp_prepare (&cfg, &err) < 0)
    goto fail;
  fault_point (FAULT_SECCOMP);
  fflush (stdout);
  if (launch_run (&cfg, &status, &err) < 0)
    goto fail;
  nested_hint (&cfg, status);
  goto out;

fail:
  status = report (err);
  sb_error_free (&err);
out:
  sb_dbus_stop (&cfg);
  fault_point (FAULT_DBUS_STOPPED);
  state_run_remove (&cfg);
  fault_point (FAULT_END);
  config_free (&cfg);
  return status;
}
