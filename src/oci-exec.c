/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci-exec.c: `sandbox-oci exec`, a process in a running container.  A container is a
   named sandbox (its monitor claims a generated name), so exec is `sandbox --enter` with
   the process config.json's form gives: the same checks of the launcher's state and of
   the namespaces by the fds we join (enter.c), the same setns order, init_confine and the
   compiled seccomp filter; only the credentials the process asks for differ (ids,
   capabilities, rlimits, environment, working directory), as crun's and runc's exec.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "config.h"
#include "enter.h"
#include "error.h"
#include "oci.h"
#include "terminal.h"
#include "util.h"

/* The process to run: --process FILE, else ARGV with --cwd, --env, --user.  */
static int
load_exec_process (const struct oci_exec_opts *o, char **argv, struct config *pc,
                   bool *ret_terminal, struct sb_error **err)
{
  *ret_terminal = false;
  if (o->process != NULL)
    {
      if (oci_config_process (o->process, pc, ret_terminal, err) < 0)
        return -1;
      sb_caps_plan (pc);
      return 0;
    }
  if (argv == NULL || argv[0] == NULL)
    return sb_error_set (err, 0, "exec: a command (or --process FILE) is needed");
  pc->argv = xcalloc (1, sizeof (char *));
  for (char **a = argv; *a != NULL; a++)
    strv_push (&pc->argv, xstrdup (*a));
  if (o->cwd != NULL)
    {
      if (o->cwd[0] != '/')
        return sb_error_set (err, 0, "--cwd '%s': not an absolute path", o->cwd);
      pc->chdir = xstrdup (o->cwd);
    }
  if (o->user != NULL)
    {
      cleanup_free char *u = xstrdup (o->user);
      char *colon = strchr (u, ':');

      if (colon != NULL)
        *colon++ = '\0';
      if (parse_id (u, &pc->uid) < 0 || (colon != NULL && parse_id (colon, &pc->gid) < 0))
        return sb_error_set (err, 0, "--user '%s': expected UID[:GID]", o->user);
      pc->uid_set = true;
      pc->gid_set = colon != NULL;
    }
  for (char **c = o->caps; c != NULL && *c != NULL; c++)
    {
      int n = sb_caps_from_name (*c);

      if (n == -2)
        return sb_error_set (err, 0, "--cap '%s': unknown capability", *c);
      if (n == -1)
        pc->cap_add_all = true;
      else
        pc->cap_add |= 1ull << n;
    }
  *ret_terminal = o->tty;
  return 0;
}

/* The container's command's credentials (T->ec), narrowed or replaced by what PC asks.  */
static int
apply_process (const struct oci_exec_opts *o, struct config *pc, struct config *ec,
               struct sb_error **err)
{
  if (pc->uid_set)
    ec->uid = pc->uid;
  if (pc->n_groups > 0)
    {
      free (ec->groups);
      ec->groups = steal_ptr (&pc->groups);
      ec->n_groups = pc->n_groups;
      pc->n_groups = 0;
    }
  if (pc->gid_set)
    ec->gid = pc->gid;
  else if (pc->uid_set)
    ec->gid = pc->uid;
  if (o->process != NULL)
    {
      ec->caps = pc->caps;
      strv_free (ec->envp);
      ec->envp = steal_ptr (&pc->envp);
      if (pc->n_rlimits > 0)
        {
          free (ec->rlimits);
          ec->rlimits = steal_ptr (&pc->rlimits);
          ec->n_rlimits = pc->n_rlimits;
          pc->n_rlimits = 0;
        }
    }
  else
    {
      sb_caps_plan (pc);
      ec->caps |= pc->cap_add_all ? pc->caps : pc->cap_add;
    }
  for (char **e = o->env; e != NULL && *e != NULL; e++)
    {
      cleanup_free char *name = xstrdup (*e);
      char *eq = strchr (name, '=');

      if (eq == NULL || eq == name)
        return sb_error_set (err, 0, "--env '%s': not NAME=VALUE", *e);
      *eq = '\0';
      config_env_set (&ec->envp, name, eq + 1);
    }
  if (o->preserve_fds > 0)
    {
      ec->keep_fds = xcalloc (o->preserve_fds, sizeof (int));
      for (unsigned i = 0; i < o->preserve_fds; i++)
        ec->keep_fds[i] = 3 + (int) i;
      ec->n_keep_fds = o->preserve_fds;
    }
  return 0;
}

/* The terminal: none (fds 0-2 the caller's), a pty whose master goes to --console-socket,
   or, on the caller's own terminal, a pty relayed as --enter relays it.  */
static int
plan_terminal (const struct oci_exec_opts *o, bool tty, struct term_plan *term,
               struct sb_error **err)
{
  memset (term, 0, sizeof *term);
  term->mode = TERM_NONE;
  term->fd = -1;
  if (!tty)
    return 0;
  if (o->console_socket != NULL)
    terminal_plan_console (term);
  else if (isatty (STDIN_FILENO))
    terminal_plan (term);
  else
    return sb_error_set (err, 0, "exec: a terminal: --console-socket is needed");
  return 0;
}

/* The container's sandbox, checked against the container's state: its monitor is the
   sandbox's launcher.  */
static int
open_container (const char *root, const char *id, struct enter_target *t, struct sb_error **err)
{
  struct oci_state st;
  int r = -1;

  if (oci_state_read (root, id, &st, NULL, err) < 0)
    return -1;
  if (st.status != OCI_CREATED && st.status != OCI_RUNNING)
    sb_error_set (err, 0, "container '%s' is %s, not running", id, oci_status_name (st.status));
  else if (st.sandbox == NULL)
    sb_error_set (err, 0, "container '%s' has no sandbox to enter", id);
  else if (enter_open (st.sandbox, t, err) == 0)
    {
      if (t->launcher != st.monitor)
        sb_error_set (err, 0, "container '%s': its state does not match its sandbox", id);
      else
        r = 0;
    }
  oci_state_free (&st);
  return r;
}

/* PATH's folder, opened, and its last name.  */
static int
open_parent (const char *path, char **ret_name, struct sb_error **err)
{
  cleanup_free char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  int fd;

  if (slash == NULL)
    fd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  else
    {
      *slash = '\0';
      fd = open (slash == dir ? "/" : dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
  if (fd < 0)
    return sb_error_set (err, errno, "--pid-file '%s'", path);
  *ret_name = xstrdup (strrchr (path, '/') ? strrchr (path, '/') + 1 : path);
  return fd;
}

int
oci_exec (const char *root, const char *id, const struct oci_exec_opts *o, char **argv,
          int *ret_status, struct sb_error **err)
{
  struct enter_target t = { .state = NULL };
  struct config pc;
  struct term_plan term;
  struct term_relay relay;
  cleanup_close int sfd = -1, master = -1, slave = -1, console = -1, pid_dir = -1;
  cleanup_free char *pid_name = NULL;
  bool tty;
  pid_t child;
  int r = -1;

  config_init (&pc);
  config_init (&t.ec);
  terminal_relay_init (&relay, &term);
  if (load_exec_process (o, argv, &pc, &tty, err) < 0 || plan_terminal (o, tty, &term, err) < 0
      || open_container (root, id, &t, err) < 0 || apply_process (o, &pc, &t.ec, err) < 0)
    goto out;
  /* the caller's paths, while its mount namespace is ours */
  if ((o->pid_file != NULL && (pid_dir = open_parent (o->pid_file, &pid_name, err)) < 0)
      || (tty && o->console_socket != NULL
          && (console = oci_console_connect (o->console_socket, err)) < 0)
      || enter_join (id, &t, err) < 0)
    goto out;
  /* in the container's root: a pty of its devpts */
  if (terminal_open_pty (&term, t.ec.uid, t.ec.gid, &master, &slave, err) < 0)
    goto out;
  if (master >= 0 && console >= 0)
    {
      if (oci_console_send (console, master, err) < 0)
        goto out;
      closep (&master);
    }
  child = enter_spawn (&t, pc.argv, pc.chdir ? pc.chdir : t.cwd, &term, slave, &sfd, err);
  if (child < 0)
    goto out;
  closep (&slave);
  if (pid_dir >= 0 && oci_write_pid_file_at (pid_dir, pid_name, child, err) < 0)
    {
      (void) kill (child, SIGKILL);
      goto out;
    }
  if (o->detach)
    {
      /* the caller (conmon, a subreaper) reaps it */
      *ret_status = 0;
      r = 0;
    }
  else
    r = enter_wait (child, sfd, &relay, steal_fd (&master), ret_status, err);
out:
  terminal_relay_end (&relay);
  enter_close (&t);
  config_free (&pc);
  return r;
}
