/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.c: defaults, and the plan's first steps: the caller (ids, home, working directory)
   and the command's environment.  plan.c runs them with the others'.  */
#include "build-config.h"

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "image.h"
#include "util.h"

extern char **environ;

void
config_init (struct config *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->memory_max = LIMIT_UNSET;
  cfg->memory_swap_max = LIMIT_UNSET;
  cfg->caller_uid = getuid ();
  cfg->caller_gid = getgid ();
  cfg->net_log_fd = -1;
  cfg->join_userns_fd = -1;
  cfg->join_netns_fd = -1;
  cfg->network_fd = -1;
  cfg->network_dir_fd = -1;
  cfg->info_fd = -1;
  cfg->detach_fd = -1;
}

static void
env_apply (char ***envp, const struct env_op *op)
{
  size_t len = op->name ? strlen (op->name) : 0;
  char **v = *envp, **w;

  if (op->name == NULL)
    {
      strv_free (v);
      *envp = xcalloc (1, sizeof (char *));
      return;
    }
  /* drop every NAME=... entry, then append the new one */
  for (w = v; *v != NULL; v++)
    {
      if (strncmp (*v, op->name, len) == 0 && (*v)[len] == '=')
        free (*v);
      else
        *w++ = *v;
    }
  *w = NULL;
  if (op->value != NULL)
    {
      char *s;

      if (asprintf (&s, "%s=%s", op->name, op->value) < 0)
        oom ();
      strv_push (envp, s);
    }
}

void
config_env_set (char ***envp, const char *name, const char *value)
{
  struct env_op op = { .name = (char *) name, .value = (char *) value };

  env_apply (envp, &op);
}

/* Root's PATH, as Debian's login gives it: each .../bin folder of PATH preceded by its
   .../sbin, unless PATH has it already or the user set PATH (--setenv).  */
static void
root_path (struct config *cfg)
{
  cleanup_strv char **old = xcalloc (1, sizeof (char *));
  cleanup_strv char **new = xcalloc (1, sizeof (char *));
  cleanup_free char *copy = NULL;
  char *out = NULL, *save = NULL;
  size_t size = 0;
  FILE *f;

  for (size_t i = 0; i < cfg->n_env_ops; i++)
    if (cfg->env_ops[i].name != NULL && strcmp (cfg->env_ops[i].name, "PATH") == 0)
      return;
  for (char **e = cfg->envp; *e != NULL && copy == NULL; e++)
    if (strncmp (*e, "PATH=", 5) == 0)
      copy = xstrdup (*e + 5);
  if (copy == NULL)
    return;
  for (char *p = strtok_r (copy, ":", &save); p != NULL; p = strtok_r (NULL, ":", &save))
    strv_push (&old, xstrdup (p));
  for (char **p = old; *p != NULL; p++)
    {
      size_t len = strlen (*p);

      if (len >= 4 && strcmp (*p + len - 4, "/bin") == 0)
        {
          char *sbin;

          if (asprintf (&sbin, "%.*ssbin", (int) (len - 3), *p) < 0)
            oom ();
          if (strv_has (old, sbin) || strv_has (new, sbin))
            free (sbin);
          else
            strv_push (&new, sbin);
        }
      strv_push (&new, xstrdup (*p));
    }
  f = open_memstream (&out, &size);
  if (f == NULL)
    oom ();
  for (char **p = new; *p != NULL; p++)
    fprintf (f, "%s%s", p == new ? "" : ":", *p);
  if (fclose (f) != 0)
    oom ();
  config_env_set (&cfg->envp, "PATH", out);
  free (out);
}

int
config_caller_plan (struct config *cfg, struct sb_error **err)
{
  /* the home is $HOME, as for the shell and the profiles' ${HOME}; the password file's when
     it is unset */
  cfg->home_dir = user_home_dir ();
  /* --uid 0 alone is root's group too, as podman's --user 0 */
  if (cfg->uid_set && cfg->uid == 0 && !cfg->gid_set)
    {
      cfg->gid = 0;
      cfg->gid_set = true;
    }
  if (!cfg->uid_set)
    cfg->uid = cfg->caller_uid;
  if (!cfg->gid_set)
    cfg->gid = cfg->caller_gid;

  cfg->cwd = getcwd (NULL, 0);
  if (cfg->cwd == NULL && errno != ENOENT)
    return sb_error_set (err, errno, "working directory");
  if (cfg->cwd == NULL && cfg->chdir == NULL)
    return sb_error_set (err, 0, "working directory: it was deleted; use --chdir DIR");
  return 0;
}

int
config_env_plan (struct config *cfg, struct sb_error **err)
{
  char **envp = xcalloc (1, sizeof (char *));

  (void) err;
  for (char **e = cfg->image_env ? cfg->image_env : environ; *e != NULL; e++)
    strv_push (&envp, xstrdup (*e));
  for (size_t i = 0; i < cfg->n_env_ops; i++)
    env_apply (&envp, &cfg->env_ops[i]);
  cfg->envp = envp;
  if (cfg->uid == 0)
    root_path (cfg);
  if (cfg->argv == NULL)
    {
      const char *shell = getenv ("SHELL");
      struct passwd *pw = NULL;

      if (shell == NULL || *shell == '\0')
        pw = getpwuid (cfg->caller_uid);
      if (shell == NULL || *shell == '\0')
        shell = pw != NULL && pw->pw_shell != NULL && *pw->pw_shell ? pw->pw_shell : "/bin/sh";
      cfg->argv = xcalloc (2, sizeof (char *));
      cfg->argv[0] = xstrdup (shell);
    }
  return 0;
}

static void
mounts_free (struct mount_op *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (m[i].arg);
      free (m[i].src);
      free (m[i].dst);
      free (m[i].what);
      for (size_t j = 0; j < m[i].n_prot; j++)
        free (m[i].prot[j].rel);
      free (m[i].prot);
    }
  free (m);
}

void
config_free (struct config *cfg)
{
  strv_free (cfg->argv);
  free (cfg->hostname);
  free (cfg->uid_map);
  free (cfg->gid_map);
  free (cfg->keep_fds);
  free (cfg->groups);
  strv_free (cfg->sysctls);
  free (cfg->rlimits);
  free (cfg->chdir);
  for (size_t i = 0; i < cfg->n_publish; i++)
    free (cfg->publish[i].spec);
  free (cfg->publish);
  free (cfg->net_helper);
  strv_free (cfg->allow_hosts);
  egress_net_free (cfg->allow_nets, cfg->n_allow_nets);
  egress_net_free (cfg->deny_nets, cfg->n_deny_nets);
  free (cfg->net_log_file);
  closep (&cfg->net_log_fd);
  closep (&cfg->join_userns_fd);
  closep (&cfg->join_netns_fd);
  closep (&cfg->network_fd);
  free (cfg->network_hosts);
  free (cfg->net_join);
  free (cfg->network);
  free (cfg->seccomp);
  sb_seccomp_bpf_free (&cfg->seccomp_bpf);
  for (size_t i = 0; i < cfg->n_env_ops; i++)
    {
      free (cfg->env_ops[i].name);
      free (cfg->env_ops[i].value);
    }
  free (cfg->env_ops);
  free (cfg->io_limits);
  free (cfg->cgroup_parent);
  strv_free (cfg->profiles);
  strv_free (cfg->profile_files);
  for (size_t i = 0; i < cfg->n_applied; i++)
    {
      free (cfg->applied[i].args[0]);
      free (cfg->applied[i].args[1]);
      free (cfg->applied[i].origin);
    }
  free (cfg->applied);
  free (cfg->rootfs);
  strv_free (cfg->layers);
  free (cfg->persist);
  mounts_free (cfg->mounts, cfg->n_mounts);
  free (cfg->home_dir);
  free (cfg->fuse_overlayfs);
  free (cfg->cwd);
  strv_free (cfg->envp);
  for (size_t i = 0; i < cfg->n_desktop_binds; i++)
    {
      closep (&cfg->desktop_binds[i].fd);
      closep (&cfg->desktop_binds[i].up_fd);
      free (cfg->desktop_binds[i].src);
      free (cfg->desktop_binds[i].dst);
    }
  free (cfg->desktop_binds);
  free (cfg->runtime_dir);
  free (cfg->xauth);
  strv_free (cfg->dbus_talk);
  strv_free (cfg->dbus_own);
  strv_free (cfg->dbus_system_talk);
  free (cfg->dbus_proxy_dir);
  free (cfg->image);
  free (cfg->image_rm);
  free (cfg->desktop_install);
  free (cfg->desktop_remove);
  free (cfg->image_import[0]);
  free (cfg->image_import[1]);
  strv_free (cfg->image_env);
  image_run_free (cfg->image_run);
  free (cfg->run_dir);
  free (cfg->name);
  free (cfg->logs);
  free (cfg->stop);
  free (cfg->enter);
  memset (cfg, 0, sizeof *cfg);
}
