/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.c: the option table and the command-line parser built from it. */
#include "build-config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bounds.h"
#include "caps.h"
#include "cgroup.h"
#include "config.h"
#include "egress.h"
#include "error.h"
#include "named.h"
#include "net.h"
#include "options.h"
#include "profile.h"
#include "util.h"

#define FIELD(f) offsetof (struct config, f)
#define AT(cfg, opt, type) ((type *) ((char *) (cfg) + (opt)->field))

static int
set_flag (struct config *cfg, const struct sb_option *opt, char *const *args, struct sb_error **err)
{
  (void) args;
  (void) err;
  *AT (cfg, opt, bool) = true;
  return 0;
}

static int
set_string (struct config *cfg, const struct sb_option *opt, char *const *args,
            struct sb_error **err)
{
  char **p = AT (cfg, opt, char *);

  if (args[0][0] == '\0')
    return sb_error_set (err, 0, "--%s '': must not be empty", opt->name);
  free (*p);
  *p = xstrdup (args[0]);
  return 0;
}

static int
set_id (struct config *cfg, const struct sb_option *opt, char *const *args, struct sb_error **err)
{
  unsigned id;

  if (parse_id (args[0], &id) < 0)
    return sb_error_set (err, 0, "--%s '%s': expected a number from 0 to 4294967294", opt->name,
                         args[0]);
  *AT (cfg, opt, unsigned) = id;
  /* the _set flag sits right before the pair of ids in struct config */
  if (opt->field == FIELD (uid))
    cfg->uid_set = true;
  else
    cfg->gid_set = true;
  return 0;
}

/* RFC 1123 labels: letters, digits and '-', dot-separated, at most 64 bytes (the uts limit) */
static bool
valid_hostname (const char *s)
{
  size_t len = strlen (s);

  if (len == 0 || len > 64 || s[0] == '-' || s[0] == '.' || s[len - 1] == '.')
    return false;
  for (const char *p = s; *p != '\0'; p++)
    {
      bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
                || *p == '-' || (*p == '.' && p[1] != '.');
      if (!ok)
        return false;
    }
  return true;
}

static int
set_hostname (struct config *cfg, const struct sb_option *opt, char *const *args,
              struct sb_error **err)
{
  if (!valid_hostname (args[0]))
    return sb_error_set (err, 0, "--%s '%s': not a valid host name", opt->name, args[0]);
  return set_string (cfg, opt, args, err);
}

static bool
valid_env_name (const char *s)
{
  return *s != '\0' && strchr (s, '=') == NULL;
}

static int
add_env_op (struct config *cfg, const char *name, const char *value)
{
  cfg->env_ops = xreallocarray (cfg->env_ops, cfg->n_env_ops + 1, sizeof *cfg->env_ops);
  cfg->env_ops[cfg->n_env_ops].name = xstrdup (name);
  cfg->env_ops[cfg->n_env_ops].value = xstrdup (value);
  cfg->n_env_ops++;
  return 0;
}

static int
set_setenv (struct config *cfg, const struct sb_option *opt, char *const *args,
            struct sb_error **err)
{
  if (!valid_env_name (args[0]))
    return sb_error_set (err, 0, "--%s '%s': not a valid variable name", opt->name, args[0]);
  return add_env_op (cfg, args[0], args[1]);
}

static int
set_unsetenv (struct config *cfg, const struct sb_option *opt, char *const *args,
              struct sb_error **err)
{
  if (!valid_env_name (args[0]))
    return sb_error_set (err, 0, "--%s '%s': not a valid variable name", opt->name, args[0]);
  return add_env_op (cfg, args[0], NULL);
}

static int
set_clearenv (struct config *cfg, const struct sb_option *opt, char *const *args,
              struct sb_error **err)
{
  (void) opt;
  (void) args;
  (void) err;
  return add_env_op (cfg, NULL, NULL);
}

static int
set_size (struct config *cfg, const struct sb_option *opt, char *const *args, struct sb_error **err)
{
  if (cgroup_parse_size (args[0], AT (cfg, opt, uint64_t)) < 0)
    return sb_error_set (err, 0, "--%s '%s': expected a size such as 512M or 2G", opt->name,
                         args[0]);
  return 0;
}

static int
set_cpus (struct config *cfg, const struct sb_option *opt, char *const *args, struct sb_error **err)
{
  if (cgroup_parse_cpus (args[0], &cfg->cpus_milli) < 0)
    return sb_error_set (err, 0,
                         "--%s '%s': expected a number of CPUs from 0.01 to 1024, "
                         "such as 2 or 1.5",
                         opt->name, args[0]);
  return 0;
}

static int
set_weight (struct config *cfg, const struct sb_option *opt, char *const *args,
            struct sb_error **err)
{
  unsigned v;

  if (parse_id (args[0], &v) < 0 || v < 1 || v > 10000)
    return sb_error_set (err, 0, "--%s '%s': expected a weight from 1 to 10000", opt->name,
                         args[0]);
  *AT (cfg, opt, unsigned) = v;
  return 0;
}

static int
set_pids (struct config *cfg, const struct sb_option *opt, char *const *args, struct sb_error **err)
{
  unsigned v;

  /* 4194304: the kernel's PID_MAX_LIMIT */
  if (parse_id (args[0], &v) < 0 || v < 1 || v > 4194304)
    return sb_error_set (err, 0, "--%s '%s': expected a number of processes from 1 to 4194304",
                         opt->name, args[0]);
  cfg->pids_max = v;
  return 0;
}

static int
set_io_bps (struct config *cfg, const struct sb_option *opt, char *const *args,
            struct sb_error **err)
{
  struct io_limit l = { .write = strcmp (opt->name, "io-write-bps") == 0 };
  cleanup_free char *dev = xstrdup (args[0]);
  char *colon = strrchr (dev, ':');
  struct sb_error *why = NULL;

  if (colon == NULL || colon == dev || cgroup_parse_size (colon + 1, &l.bps) < 0 || l.bps == 0)
    return sb_error_set (err, 0, "--%s '%s': expected DEV:RATE such as /dev/sda:10M", opt->name,
                         args[0]);
  *colon = '\0';
  if (cgroup_resolve_device (dev, &l.major, &l.minor, &why) < 0)
    {
      cleanup_free char *text = sb_error_text (why);

      sb_error_free (&why);
      return sb_error_set (err, 0, "--%s '%s': %s", opt->name, args[0], text);
    }
  cfg->io_limits = xreallocarray (cfg->io_limits, cfg->n_io_limits + 1, sizeof l);
  cfg->io_limits[cfg->n_io_limits++] = l;
  return 0;
}

/* ARG as an index into NAMES (N of them); the error line lists them: "expected a, b or c" */
static int
parse_choice (const struct sb_option *opt, const char *arg, const char *const *names, size_t n,
              int *ret, struct sb_error **err)
{
  char list[256] = "";

  for (size_t i = 0; i < n; i++)
    if (strcmp (arg, names[i]) == 0)
      {
        *ret = (int) i;
        return 0;
      }
  for (size_t i = 0; i < n; i++)
    snprintf (list + strlen (list), sizeof list - strlen (list), "%s%s",
              i == 0       ? ""
              : i + 1 == n ? " or "
                           : ", ",
              names[i]);
  return sb_error_set (err, 0, "--%s '%s': expected %s", opt->name, arg, list);
}

static int
set_cgroup_mode (struct config *cfg, const struct sb_option *opt, char *const *args,
                 struct sb_error **err)
{
  static const char *const names[] = { "auto", "systemd", "cgroupfs", "none" };
  int i;

  if (parse_choice (opt, args[0], names, sizeof names / sizeof *names, &i, err) < 0)
    return -1;
  cfg->cgroup_mode = (enum cgroup_mode) i;
  return 0;
}

static int
set_cgroup_parent (struct config *cfg, const struct sb_option *opt, char *const *args,
                   struct sb_error **err)
{
  if (args[0][0] != '/')
    return sb_error_set (err, 0, "--%s '%s': expected an absolute path", opt->name, args[0]);
  return set_string (cfg, opt, args, err);
}

static int
set_proc_views (struct config *cfg, const struct sb_option *opt, char *const *args,
                struct sb_error **err)
{
  if (strcmp (args[0], "yes") != 0 && strcmp (args[0], "no") != 0)
    return sb_error_set (err, 0, "--%s '%s': expected yes or no", opt->name, args[0]);
  cfg->proc_views_off = strcmp (args[0], "no") == 0;
  return 0;
}

/* --dbus-user none|filter|open, --dbus-system none|filter: the system bus is never shared
   whole (its services trust their callers' uids, which inside are not what they seem) */
static int
set_dbus_mode (struct config *cfg, const struct sb_option *opt, char *const *args,
               struct sb_error **err)
{
  static const char *const modes[]
      = { [DBUS_NONE] = "none", [DBUS_FILTER] = "filter", [DBUS_OPEN] = "open" };
  bool system = strcmp (opt->name, "dbus-system") == 0;
  int m;

  /* from DBUS_NONE (DBUS_UNSET is no choice); DBUS_OPEN is last, and not the system bus's */
  if (parse_choice (opt, args[0], modes + DBUS_NONE,
                    (size_t) (system ? DBUS_OPEN : DBUS_OPEN + 1) - DBUS_NONE, &m, err)
      < 0)
    return -1;
  *AT (cfg, opt, enum dbus_mode) = (enum dbus_mode) (m + DBUS_NONE);
  return 0;
}

/* a well-known bus name, or a prefix of them ending in ".*", as xdg-dbus-proxy takes them */
static int
set_dbus_name (struct config *cfg, const struct sb_option *opt, char *const *args,
               struct sb_error **err)
{
  const char *s = args[0];
  size_t len = strlen (s);
  bool ok = len > 0 && len <= 255 && s[0] != '.' && s[0] != ':';

  for (const char *p = s; ok && *p; p++)
    ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
         || *p == '_' || *p == '-' || (*p == '.' && p[1] != '.' && p[1] != '\0')
         || (*p == '*' && p[1] == '\0' && p > s && p[-1] == '.');
  if (!ok)
    return sb_error_set (err, 0,
                         "--%s '%s': not a D-Bus name such as org.example.App or "
                         "org.example.*",
                         opt->name, s);
  strv_push (AT (cfg, opt, char **), xstrdup (s));
  return 0;
}

/* -p: only noted here; options_parse_argv applies the profiles before the other options */
static int
set_profile (struct config *cfg, const struct sb_option *opt, char *const *args,
             struct sb_error **err)
{
  if (args[0][0] == '\0')
    return sb_error_set (err, 0, "--%s '': must not be empty", opt->name);
  strv_push (&cfg->profiles, xstrdup (args[0]));
  return 0;
}

static int
set_net (struct config *cfg, const struct sb_option *opt, char *const *args, struct sb_error **err)
{
  const char *join = strncmp (args[0], "sandbox:", 8) == 0 ? args[0] + 8 : NULL;

  if (join != NULL && named_valid_name (join))
    {
      cfg->net = NET_JOIN;
      free (cfg->net_join);
      cfg->net_join = xstrdup (join);
      return 0;
    }
  if (join != NULL || net_parse_mode (args[0], &cfg->net) < 0 || cfg->net == NET_JOIN
      || cfg->net == NET_NETWORK)
    return sb_error_set (err, 0,
                         "--%s '%s': expected none, host, slirp, pasta, auto or sandbox:NAME",
                         opt->name, args[0]);
  return 0;
}

static int
set_network (struct config *cfg, const struct sb_option *opt, char *const *args,
             struct sb_error **err)
{
  if (!named_valid_name (args[0]))
    return sb_error_set (err, 0, "--%s '%s': a name of letters, digits, '_', '.' and '-', up to 64",
                         opt->name, args[0]);
  cfg->net = NET_NETWORK;
  free (cfg->network);
  cfg->network = xstrdup (args[0]);
  return 0;
}

static int
set_publish (struct config *cfg, const struct sb_option *opt, char *const *args,
             struct sb_error **err)
{
  struct net_publish p;
  const char *why;

  if (net_parse_publish (args[0], &p, &why) < 0)
    return sb_error_set (err, 0, "--%s '%s': %s", opt->name, args[0], why);
  cfg->publish = xreallocarray (cfg->publish, cfg->n_publish + 1, sizeof *cfg->publish);
  cfg->publish[cfg->n_publish++] = p;
  return 0;
}

static int
set_allow_host (struct config *cfg, const struct sb_option *opt, char *const *args,
                struct sb_error **err)
{
  if (!egress_valid_host (args[0]))
    return sb_error_set (err, 0, "--%s '%s': expected a host name, or *. and one", opt->name,
                         args[0]);
  if (cfg->allow_hosts == NULL)
    cfg->allow_hosts = xcalloc (1, sizeof (char *));
  strv_push (&cfg->allow_hosts, xstrdup (args[0]));
  return 0;
}

static int
set_egress_net (struct config *cfg, const struct sb_option *opt, char *const *args,
                struct sb_error **err)
{
  bool deny = strcmp (opt->name, "deny-net") == 0;
  struct egress_net **v = deny ? &cfg->deny_nets : &cfg->allow_nets;
  size_t *n = deny ? &cfg->n_deny_nets : &cfg->n_allow_nets;
  struct egress_net net;
  const char *why;

  if (egress_parse_net (args[0], &net, &why) < 0)
    return sb_error_set (err, 0, "--%s '%s': %s", opt->name, args[0], why);
  *v = xreallocarray (*v, *n + 1, sizeof **v);
  (*v)[(*n)++] = net;
  return 0;
}

/* --net-log: to stderr; --net-log=FILE: appended to FILE */
static int
set_net_log (struct config *cfg, const struct sb_option *opt, char *const *args,
             struct sb_error **err)
{
  cfg->net_log = true;
  free (cfg->net_log_file);
  cfg->net_log_file = NULL;
  if (args[0] == NULL)
    return 0;
  return set_string (cfg, opt, args, err);
}

static int
set_cap (struct config *cfg, const struct sb_option *opt, char *const *args, struct sb_error **err)
{
  bool add = strcmp (opt->name, "cap-add") == 0;
  int c = sb_caps_from_name (args[0]);

  if (c == -2)
    return sb_error_set (err, 0, "--%s '%s': unknown capability", opt->name, args[0]);
  if (c == -1)
    *(add ? &cfg->cap_add_all : &cfg->cap_drop_all) = true;
  else
    *(add ? &cfg->cap_add : &cfg->cap_drop) |= UINT64_C (1) << c;
  return 0;
}

static int
set_overlay (struct config *cfg, const struct sb_option *opt, char *const *args,
             struct sb_error **err)
{
  static const char *const names[] = { "auto", "kernel", "fuse", "none" };
  int i;

  if (parse_choice (opt, args[0], names, sizeof names / sizeof *names, &i, err) < 0)
    return -1;
  cfg->overlay = (enum overlay_engine) i;
  return 0;
}

/* --subids and --no-subids: the later one wins */
static int
set_subids (struct config *cfg, const struct sb_option *opt, char *const *args,
            struct sb_error **err)
{
  (void) args;
  (void) err;
  cfg->subids = strcmp (opt->name, "subids") == 0 ? SUBIDS_YES : SUBIDS_NO;
  return 0;
}

static int
set_read_only (struct config *cfg, const struct sb_option *opt, char *const *args,
               struct sb_error **err)
{
  (void) opt;
  (void) args;
  (void) err;
  cfg->overlay = OVERLAY_NONE;
  return 0;
}

static int
set_layer (struct config *cfg, const struct sb_option *opt, char *const *args,
           struct sb_error **err)
{
  if (args[0][0] == '\0')
    return sb_error_set (err, 0, "--%s '': must not be empty", opt->name);
  if (cfg->layers == NULL)
    cfg->layers = xcalloc (1, sizeof (char *));
  strv_push (&cfg->layers, xstrdup (args[0]));
  return 0;
}

static int
set_image_import (struct config *cfg, const struct sb_option *opt, char *const *args,
                  struct sb_error **err)
{
  if (args[0][0] == '\0' || args[1][0] == '\0')
    return sb_error_set (err, 0, "--%s: REF and NAME must not be empty", opt->name);
  free (cfg->image_import[0]);
  free (cfg->image_import[1]);
  cfg->image_import[0] = xstrdup (args[0]);
  cfg->image_import[1] = xstrdup (args[1]);
  return 0;
}

/* A clean absolute path inside: no "." or ".." parts, which could climb out of a folder the
   user meant.  */
static bool
valid_inside_path (const char *p)
{
  if (p[0] != '/')
    return false;
  for (const char *s = p; *s != '\0'; s++)
    if (s[0] == '/' && s[1] == '.'
        && (s[2] == '/' || s[2] == '\0' || (s[2] == '.' && (s[3] == '/' || s[3] == '\0'))))
      return false;
  return true;
}

static int
set_mount (struct config *cfg, const struct sb_option *opt, char *const *args,
           struct sb_error **err)
{
  struct mount_op op = { 0 };
  const char *colon = NULL;

  op.opt = opt->name;
  if (strcmp (opt->name, "bind") == 0 || strcmp (opt->name, "bind-try") == 0
      || strcmp (opt->name, "whitelist") == 0)
    op.kind = MOUNT_BIND;
  else if (strcmp (opt->name, "ro-bind") == 0 || strcmp (opt->name, "ro-bind-try") == 0)
    op.kind = MOUNT_RO_BIND;
  else if (strcmp (opt->name, "tmpfs") == 0)
    op.kind = MOUNT_TMPFS;
  else
    op.kind = MOUNT_MASK;
  op.try = strstr (opt->name, "-try") != NULL;
  if (strcmp (opt->name, "whitelist") == 0)
    {
      /* one real path in a private home: SRC and DST are the same path */
      if (strchr (args[0], ':') != NULL || !valid_inside_path (args[0]))
        return sb_error_set (err, 0,
                             "--%s '%s': expected an absolute path without '.', '..' "
                             "or ':'",
                             opt->name, args[0]);
      cfg->home = HOME_PRIVATE;
    }
  if (op.kind == MOUNT_BIND || op.kind == MOUNT_RO_BIND)
    colon = strchr (args[0], ':');
  if (args[0][0] == '\0' || (colon != NULL && (colon == args[0] || colon[1] == '\0')))
    return sb_error_set (err, 0, "--%s '%s': expected %s", opt->name, args[0], opt->argname);
  if (op.kind == MOUNT_BIND || op.kind == MOUNT_RO_BIND)
    {
      op.src = colon ? strndup (args[0], (size_t) (colon - args[0])) : xstrdup (args[0]);
      if (op.src == NULL)
        oom ();
      op.dst = xstrdup (colon ? colon + 1 : args[0]);
      /* a relative SRC is the host's; an implied DST becomes absolute with it (config.c) */
      if (colon != NULL && !valid_inside_path (op.dst))
        {
          free (op.src);
          free (op.dst);
          return sb_error_set (err, 0,
                               "--%s '%s': the destination must be an absolute path "
                               "without '.' or '..'",
                               opt->name, args[0]);
        }
    }
  else
    {
      if (!valid_inside_path (args[0]))
        return sb_error_set (err, 0, "--%s '%s': expected an absolute path without '.' or '..'",
                             opt->name, args[0]);
      op.dst = xstrdup (args[0]);
    }
  op.arg = xstrdup (args[0]);
  cfg->mounts = xreallocarray (cfg->mounts, cfg->n_mounts + 1, sizeof *cfg->mounts);
  cfg->mounts[cfg->n_mounts++] = op;
  return 0;
}

static int
set_rlimit (struct config *cfg, const struct sb_option *opt, char *const *args,
            struct sb_error **err)
{
  struct rlimit_op r;
  const char *why;
  size_t i;

  if (bounds_parse_rlimit (args[0], &r, &why) < 0)
    return sb_error_set (err, 0, "--%s '%s': %s", opt->name, args[0], why);
  /* a later one for the same name wins */
  for (i = 0; i < cfg->n_rlimits && cfg->rlimits[i].resource != r.resource; i++)
    ;
  if (i == cfg->n_rlimits)
    cfg->rlimits = xreallocarray (cfg->rlimits, ++cfg->n_rlimits, sizeof *cfg->rlimits);
  cfg->rlimits[i] = r;
  return 0;
}

static int
set_timeout (struct config *cfg, const struct sb_option *opt, char *const *args,
             struct sb_error **err)
{
  if (bounds_parse_timeout (args[0], &cfg->timeout_ms, &cfg->timeout_grace_ms) < 0)
    return sb_error_set (err, 0,
                         "--%s '%s': expected SECONDS[:GRACE] above 0, such as 30, 1.5, 2m "
                         "or 1h:30s",
                         opt->name, args[0]);
  return 0;
}

static int
set_ephemeral_size (struct config *cfg, const struct sb_option *opt, char *const *args,
                    struct sb_error **err)
{
  if (bounds_parse_size (args[0], &cfg->ephemeral_bytes, &cfg->ephemeral_percent) < 0)
    return sb_error_set (err, 0,
                         "--%s '%s': expected a size of 1M or more, such as 2G, or a share of "
                         "the RAM from 1%% to 100%%",
                         opt->name, args[0]);
  return 0;
}

/* --keep-fd N: kept sorted and unique, for the ranges fds_close_except closes between */
static int
set_keep_fd (struct config *cfg, const struct sb_option *opt, char *const *args,
             struct sb_error **err)
{
  unsigned v;
  size_t i;

  if (parse_id (args[0], &v) < 0 || v < 3 || v > INT_MAX)
    return sb_error_set (err, 0,
                         "--%s '%s': expected a descriptor number above 2 (0, 1 and 2 are "
                         "always passed)",
                         opt->name, args[0]);
  for (i = 0; i < cfg->n_keep_fds && cfg->keep_fds[i] < (int) v; i++)
    ;
  if (i < cfg->n_keep_fds && cfg->keep_fds[i] == (int) v)
    return 0;
  cfg->keep_fds = xreallocarray (cfg->keep_fds, cfg->n_keep_fds + 1, sizeof *cfg->keep_fds);
  memmove (cfg->keep_fds + i + 1, cfg->keep_fds + i, (cfg->n_keep_fds - i) * sizeof *cfg->keep_fds);
  cfg->keep_fds[i] = (int) v;
  cfg->n_keep_fds++;
  return 0;
}

static int
set_name (struct config *cfg, const struct sb_option *opt, char *const *args, struct sb_error **err)
{
  if (!named_valid_name (args[0]))
    return sb_error_set (err, 0,
                         "--%s '%s': expected a letter or digit, then letters, digits, '_', "
                         "'.' or '-' (64 at most, not run-...)",
                         opt->name, args[0]);
  return set_string (cfg, opt, args, err);
}

static int
set_info_fd (struct config *cfg, const struct sb_option *opt, char *const *args,
             struct sb_error **err)
{
  unsigned v;

  if (parse_id (args[0], &v) < 0 || v < 3 || v > INT_MAX)
    return sb_error_set (err, 0, "--%s '%s': expected a descriptor number above 2", opt->name,
                         args[0]);
  cfg->info_fd = (int) v;
  return 0;
}

/* --stop NAME, and --stop --all as the issue spells it */
static int
set_stop (struct config *cfg, const struct sb_option *opt, char *const *args, struct sb_error **err)
{
  if (strcmp (args[0], "--all") == 0)
    {
      cfg->stop_all = true;
      return 0;
    }
  return set_name (cfg, opt, args, err);
}

static int
set_home (struct config *cfg, const struct sb_option *opt, char *const *args, struct sb_error **err)
{
  static const char *const names[]
      = { [HOME_COPY] = "copy", [HOME_HOST] = "host", [HOME_PRIVATE] = "private" };
  int i;

  if (parse_choice (opt, args[0], names, sizeof names / sizeof *names, &i, err) < 0)
    return -1;
  cfg->home = (enum home_mode) i;
  return 0;
}

/* clang-format off */
const struct sb_option sb_options[] = {
  { "help", 'h', OPT_ARG_NONE | OPT_CLI_ONLY, NULL, "show this help and exit", set_flag, FIELD (help) },
  { "version", 'V', OPT_ARG_NONE | OPT_CLI_ONLY, NULL, "show the version and exit", set_flag, FIELD (version) },
  { "verbose", 'v', OPT_ARG_NONE, NULL, "say what the sandbox does, step by step", set_flag, FIELD (verbose) },
  { "quiet", 'q', OPT_ARG_NONE, NULL, "print no notices, only warnings and errors", set_flag, FIELD (quiet) },
  { "uid", 0, OPT_ARG_ONE, "ID", "user id inside (default: your own; 0 for root inside)", set_id, FIELD (uid) },
  { "gid", 0, OPT_ARG_ONE, "ID", "group id inside (default: your own)", set_id, FIELD (gid) },
  { "no-subids", 0, OPT_ARG_NONE, NULL, "map your own uid and gid only, even where --uid, --cap-add or an image would take your subordinate ranges", set_subids, FIELD (subids) },
  { "subids", 0, OPT_ARG_NONE, NULL, "map your subordinate uid and gid ranges too (newuidmap, newgidmap), even where nothing inside needs them", set_subids, FIELD (subids) },
  { "hostname", 0, OPT_ARG_ONE, "NAME", "host name inside (default: sandbox)", set_hostname, FIELD (hostname) },
  { "chdir", 0, OPT_ARG_ONE, "DIR", "working directory of the command", set_string, FIELD (chdir) },
  { "memory", 0, OPT_ARG_ONE, "SIZE", "memory limit, such as 512M or 2G (memory.max)", set_size, FIELD (memory_max) },
  { "memory-swap", 0, OPT_ARG_ONE, "SIZE", "swap limit (memory.swap.max)", set_size, FIELD (memory_swap_max) },
  { "cpus", 0, OPT_ARG_ONE, "N", "CPU time limit in CPUs, fractions allowed (cpu.max)", set_cpus, 0 },
  { "cpu-weight", 0, OPT_ARG_ONE, "N", "CPU share from 1 to 10000 (cpu.weight)", set_weight, FIELD (cpu_weight) },
  { "pids", 0, OPT_ARG_ONE, "N", "most processes and threads at once (pids.max)", set_pids, 0 },
  { "io-weight", 0, OPT_ARG_ONE, "N", "I/O share from 1 to 10000 (io.weight)", set_weight, FIELD (io_weight) },
  { "io-read-bps", 0, OPT_ARG_ONE | OPT_REPEAT, "DEV:RATE", "read rate limit on the disk of DEV, such as /dev/sda:10M", set_io_bps, 0 },
  { "io-write-bps", 0, OPT_ARG_ONE | OPT_REPEAT, "DEV:RATE", "write rate limit on the disk of DEV", set_io_bps, 0 },
  { "cgroup", 0, OPT_ARG_ONE, "MODE", "where limits go: auto, systemd, cgroupfs or none", set_cgroup_mode, 0 },
  { "cgroup-parent", 0, OPT_ARG_ONE, "DIR", "a delegated cgroup v2 folder for the sandbox's own", set_cgroup_parent, FIELD (cgroup_parent) },
  { "rlimit", 0, OPT_ARG_ONE | OPT_REPEAT, "NAME=SOFT[:HARD]", "a resource limit: nofile, nproc, core, ... (podman's ulimit names); default nproc=4096", set_rlimit, 0 },
  { "timeout", 0, OPT_ARG_ONE, "SECONDS[:GRACE]", "stop the command after SECONDS (SIGTERM, SIGKILL after GRACE, default 10); exit 124", set_timeout, 0 },
  { "ephemeral-size", 0, OPT_ARG_ONE, "SIZE|N%", "most the throw-away writable layers (changes, /tmp, /run, /dev/shm) hold together (default 25%)", set_ephemeral_size, 0 },
  { "proc-views", 0, OPT_ARG_ONE, "yes|no", "show the limits in /proc/meminfo, cpuinfo, ... (default yes)", set_proc_views, 0 },
  { "setenv", 0, OPT_ARG_TWO | OPT_REPEAT, "NAME VALUE", "set an environment variable", set_setenv, 0 },
  { "unsetenv", 0, OPT_ARG_ONE | OPT_REPEAT, "NAME", "remove an environment variable", set_unsetenv, 0 },
  { "clearenv", 0, OPT_ARG_NONE | OPT_REPEAT, NULL, "start the command with an empty environment", set_clearenv, 0 },
  { "net", 0, OPT_ARG_ONE, "MODE", "network: none (lo only), host, slirp, pasta, auto, or sandbox:NAME (NAME's) (default: none)", set_net, FIELD (net) },
  { "network", 0, OPT_ARG_ONE, "NET", "join the private network NET (made on first use, gone with its last member): members reach each other by name", set_network, FIELD (network) },
  { "net-host-loopback", 0, OPT_ARG_NONE, NULL, "let the sandbox reach the host's 127.0.0.1 through the gateway", set_flag, FIELD (net_host_loopback) },
  { "publish", 0, OPT_ARG_ONE | OPT_REPEAT, "[HOSTIP:]HOSTPORT:PORT[/tcp|/udp]", "forward a host port (on 127.0.0.1 unless HOSTIP) to PORT inside", set_publish, 0 },
  { "allow-host", 0, OPT_ARG_ONE | OPT_REPEAT, "NAME", "let the command resolve NAME and connect to its addresses (*.NAME: every name below); the rest is refused", set_allow_host, 0 },
  { "allow-net", 0, OPT_ARG_ONE | OPT_REPEAT, "CIDR[:PORT[-PORT]][/tcp|/udp]", "let the command connect to these addresses (and ports); the rest is refused", set_egress_net, 0 },
  { "deny-net", 0, OPT_ARG_ONE | OPT_REPEAT, "CIDR[:PORT[-PORT]][/tcp|/udp]", "refuse these addresses (and ports), even when allowed otherwise", set_egress_net, 0 },
  { "net-log", 0, OPT_ARG_OPTIONAL, "[FILE]", "log every refused connection and name, to stderr or appended to FILE (--net-log=FILE)", set_net_log, FIELD (net_log_file) },
  { "seccomp", 0, OPT_ARG_ONE, "NAME|FILE", "seccomp policy: a name, a JSON file, or unconfined (default: default)", set_string, FIELD (seccomp) },
  { "new-session", 0, OPT_ARG_NONE, NULL, "always on: every command starts in a session of its own (kept for older profiles)", set_flag, FIELD (new_session) },
  { "keep-fd", 0, OPT_ARG_ONE | OPT_REPEAT, "FD", "pass the open descriptor FD (above 2) to the command; every other one is closed", set_keep_fd, 0 },
  { "cap-add", 0, OPT_ARG_ONE | OPT_REPEAT, "CAP", "keep capability CAP inside (ALL: every one)", set_cap, 0 },
  { "cap-drop", 0, OPT_ARG_ONE | OPT_REPEAT, "CAP", "drop capability CAP (ALL: every one)", set_cap, 0 },
  { "x11", 0, OPT_ARG_NONE, NULL, "share the X11 display $DISPLAY (its socket and cookie only)", set_flag, FIELD (x11) },
  { "wayland", 0, OPT_ARG_NONE, NULL, "share the Wayland compositor's socket", set_flag, FIELD (wayland) },
  { "pulseaudio", 0, OPT_ARG_NONE, NULL, "share the PulseAudio socket", set_flag, FIELD (pulseaudio) },
  { "pipewire", 0, OPT_ARG_NONE, NULL, "share the PipeWire socket", set_flag, FIELD (pipewire) },
  { "gpu", 0, OPT_ARG_NONE, NULL, "share the GPU devices (/dev/dri)", set_flag, FIELD (gpu) },
  { "dbus-user", 0, OPT_ARG_ONE, "MODE", "the session bus: none (default), filter or open", set_dbus_mode, FIELD (dbus_user) },
  { "dbus-talk", 0, OPT_ARG_ONE | OPT_REPEAT, "NAME", "let the command talk to bus name NAME (implies --dbus-user filter)", set_dbus_name, FIELD (dbus_talk) },
  { "dbus-own", 0, OPT_ARG_ONE | OPT_REPEAT, "NAME", "let the command own bus name NAME (implies --dbus-user filter)", set_dbus_name, FIELD (dbus_own) },
  { "dbus-system", 0, OPT_ARG_ONE, "MODE", "the system bus: none (default) or filter", set_dbus_mode, FIELD (dbus_system) },
  { "dbus-system-talk", 0, OPT_ARG_ONE | OPT_REPEAT, "NAME", "let the command talk to system bus name NAME (implies --dbus-system filter)", set_dbus_name, FIELD (dbus_system_talk) },
  { "profile", 'p', OPT_ARG_ONE | OPT_REPEAT, "NAME|PATH", "apply a profile first (repeatable, in order; default: the default profile)", set_profile, 0 },
  { "profiles", 0, OPT_ARG_NONE | OPT_CLI_ONLY, NULL, "list the profiles found, with their descriptions, and exit", set_flag, FIELD (list_profiles) },
  { "print-config", 0, OPT_ARG_NONE | OPT_CLI_ONLY, NULL, "print the resolved options and where each came from, and exit", set_flag, FIELD (print_config) },
  { "overlay", 0, OPT_ARG_ONE, "ENGINE", "copy-on-write engine: auto, kernel, fuse or none (default: auto)", set_overlay, 0 },
  { "read-only", 0, OPT_ARG_NONE, NULL, "no copy-on-write: the tree is read-only (--overlay none)", set_read_only, 0 },
  { "rootfs", 0, OPT_ARG_ONE, "DIR", "lower tree instead of the host's (e.g. made by debootstrap)", set_string, FIELD (rootfs) },
  { "layer", 0, OPT_ARG_ONE | OPT_REPEAT, "DIR", "a read-only layer over the lower tree; repeatable, stacked in order", set_layer, 0 },
  { "image", 0, OPT_ARG_ONE, "REF", "run a container image: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME] or a stored image's name", set_string, FIELD (image) },
  { "images", 0, OPT_ARG_NONE, NULL, "list the stored images and exit", set_flag, FIELD (list_images) },
  { "image-import", 0, OPT_ARG_TWO, "REF NAME", "store image REF under NAME and exit", set_image_import, 0 },
  { "image-rm", 0, OPT_ARG_ONE, "NAME", "remove a stored image, and the layers no other image uses, and exit", set_string, FIELD (image_rm) },
  { "desktop-install", 0, OPT_ARG_ONE, "APP", "make APP's menu entry and its name in ~/.local/bin run it in a sandbox, with -p's profile or the one known for APP, and exit", set_string, FIELD (desktop_install) },
  { "desktop-remove", 0, OPT_ARG_ONE, "APP", "undo --desktop-install APP, and exit", set_string, FIELD (desktop_remove) },
  { "desktop-list", 0, OPT_ARG_NONE, NULL, "list the apps --desktop-install set up, and exit", set_flag, FIELD (desktop_list) },
  { "persist", 0, OPT_ARG_ONE, "DIR", "keep the changes in DIR and reuse them next time", set_string, FIELD (persist) },
  { "bind", 0, OPT_ARG_ONE | OPT_REPEAT, "SRC[:DST]", "bind a host path read-write", set_mount, 0 },
  { "ro-bind", 0, OPT_ARG_ONE | OPT_REPEAT, "SRC[:DST]", "bind a host path read-only", set_mount, 0 },
  { "bind-try", 0, OPT_ARG_ONE | OPT_REPEAT, "SRC[:DST]", "as --bind; a missing SRC is skipped", set_mount, 0 },
  { "ro-bind-try", 0, OPT_ARG_ONE | OPT_REPEAT, "SRC[:DST]", "as --ro-bind; a missing SRC is skipped", set_mount, 0 },
  { "whitelist", 0, OPT_ARG_ONE | OPT_REPEAT, "PATH", "bind PATH read-write into a private home (implies --home private)", set_mount, 0 },
  { "tmpfs", 0, OPT_ARG_ONE | OPT_REPEAT, "DIR", "mount an empty tmpfs on DIR", set_mount, 0 },
  { "mask", 0, OPT_ARG_ONE | OPT_REPEAT, "PATH", "make PATH empty and unreadable", set_mount, 0 },
  { "no-bind-cwd", 0, OPT_ARG_NONE, NULL, "do not bind the working directory read-write", set_flag, FIELD (no_bind_cwd) },
  { "home", 0, OPT_ARG_ONE, "MODE", "the home folder: copy (copy-on-write, the default), host (read-write) or private (empty)", set_home, 0 },
  { "unprotect-git", 0, OPT_ARG_NONE, NULL, "for this run, let the command change .git/config and .git/hooks in read-write binds (command line only)", set_flag, FIELD (unprotect_git) },
  { "name", 0, OPT_ARG_ONE, "NAME", "name the sandbox, for --list, --logs, --stop (default: a generated one)", set_name, FIELD (name) },
  { "info-fd", 0, OPT_ARG_ONE | OPT_CLI_ONLY, "FD", "once the sandbox runs, write its pid and name as JSON to descriptor FD", set_info_fd, 0 },
  { "detach", 'd', OPT_ARG_NONE | OPT_CLI_ONLY, NULL, "run in the background, the output in a log file (--logs NAME); print the name", set_flag, FIELD (detach) },
  { "list", 0, OPT_ARG_NONE | OPT_CLI_ONLY, NULL, "list the running sandboxes, their use of memory and CPU, and exit", set_flag, FIELD (list) },
  { "json", 0, OPT_ARG_NONE | OPT_CLI_ONLY, NULL, "with --list: as JSON", set_flag, FIELD (json) },
  { "logs", 0, OPT_ARG_ONE | OPT_CLI_ONLY, "NAME", "print the output of the detached sandbox NAME, and exit", set_name, FIELD (logs) },
  { "stop", 0, OPT_ARG_ONE | OPT_CLI_ONLY, "NAME", "stop sandbox NAME: SIGTERM, SIGKILL after --timeout (default 10 s); wait until it is gone", set_stop, FIELD (stop) },
  { "enter", 0, OPT_ARG_ONE | OPT_CLI_ONLY, "NAME", "run COMMAND (default: the shell) in the running sandbox NAME, confined as its own command, and exit with its status", set_name, FIELD (enter) },
  { "all", 0, OPT_ARG_NONE | OPT_CLI_ONLY, NULL, "with --stop: every running sandbox", set_flag, FIELD (stop_all) },
  { NULL, 0, OPT_ARG_NONE, NULL, NULL, NULL, 0 },
};
/* clang-format on */

const struct sb_option *
options_find (const char *name)
{
  for (const struct sb_option *o = sb_options; o->name != NULL; o++)
    if (strcmp (o->name, name) == 0)
      return o;
  return NULL;
}

int
options_apply (struct config *cfg, const struct sb_option *opt, char *const *args,
               const char *origin, struct sb_error **err)
{
  struct applied_option *a;

  if (opt->set (cfg, opt, args, err) < 0)
    return -1;
  cfg->applied = xreallocarray (cfg->applied, cfg->n_applied + 1, sizeof *cfg->applied);
  a = &cfg->applied[cfg->n_applied++];
  a->opt = opt;
  a->args[0] = OPT_NARGS (opt) >= OPT_ARG_ONE && args[0] ? xstrdup (args[0]) : NULL;
  a->args[1] = OPT_NARGS (opt) == OPT_ARG_TWO ? xstrdup (args[1]) : NULL;
  a->origin = xstrdup (origin);
  return 0;
}

static const struct sb_option *
find_short (int c)
{
  for (const struct sb_option *o = sb_options; o->name != NULL; o++)
    if (o->short_name == c)
      return o;
  return NULL;
}

/* An option met on the command line, applied after the profiles.  */
struct pending
{
  const struct sb_option *opt;
  char *args[3];
};

static int
unknown_long (const char *bad, size_t len, struct sb_error **err)
{
  cleanup_free char *name = strndup (bad, len);
  const char *hint;

  if (name == NULL)
    oom ();
  hint = options_peer_spelling (name);
  if (hint != NULL)
    return sb_error_set (err, 0, "%s: unknown option (%s)", name, hint);
  hint = options_nearest (name);
  if (hint != NULL)
    return sb_error_set (err, 0, "%s: unknown option (did you mean '--%s'?)", name, hint);
  return sb_error_set (err, 0, "%s: unknown option", name);
}

/* The getopt pass: every option goes to *RET_PENDING (grown as needed: a word such as -vvv
   holds several), in order, none is applied yet.  */
static int
collect_argv (struct config *cfg, int argc, char **argv, struct pending **ret_pending,
              size_t *ret_n, struct sb_error **err)
{
  size_t n = 0;
  cleanup_free struct option *longopts = NULL;
  char shortopts[64] = "+:"; /* stop at the command; report a missing value as ':' */
  size_t sl = 2;
  int c, index;

  for (const struct sb_option *o = sb_options; o->name != NULL; o++)
    n++;
  longopts = xcalloc (n + 1, sizeof *longopts);
  for (size_t i = 0; i < n; i++)
    {
      const struct sb_option *o = &sb_options[i];

      longopts[i].name = o->name;
      longopts[i].has_arg = OPT_NARGS (o) == OPT_ARG_NONE       ? no_argument
                            : OPT_NARGS (o) == OPT_ARG_OPTIONAL ? optional_argument
                                                                : required_argument;
      longopts[i].val = 256 + (int) i;
      if (o->short_name != 0 && sl + 3 < sizeof shortopts)
        {
          shortopts[sl++] = (char) o->short_name;
          if (OPT_NARGS (o) != OPT_ARG_NONE)
            shortopts[sl++] = ':';
        }
    }
  shortopts[sl] = '\0';

  *ret_n = 0;
  opterr = 0;
  /* 0, not 1: glibc then forgets where it was in a group of short options (-hv) of an
     earlier parse, whose memory may be gone (unit tests and fuzzers parse many times) */
  optind = 0;
  while ((c = getopt_long (argc, argv, shortopts, longopts, &index)) != -1)
    {
      const struct sb_option *o;
      struct pending *p;

      *ret_pending = xreallocarray (*ret_pending, *ret_n + 1, sizeof **ret_pending);
      p = &(*ret_pending)[(*ret_n)++];

      if (c == '?' || c == ':')
        {
          const char *bad = argv[optind - 1];
          size_t len = strcspn (bad, "=");

          if (optopt != 0 && optopt < 256 && (c == '?' || bad[1] != '-'))
            return sb_error_set (err, 0, c == '?' ? "-%c: unknown option" : "-%c: missing value",
                                 optopt);
          if (c == '?')
            return unknown_long (bad, len, err);
          o = optopt >= 256 ? &sb_options[optopt - 256] : NULL;
          return sb_error_set (err, 0, "%.*s: missing value %s", (int) len, bad,
                               o != NULL && o->argname != NULL ? o->argname : "");
        }
      o = c >= 256 ? &sb_options[c - 256] : find_short (c);
      if (o == NULL)
        return sb_error_set (err, 0, "-%c: unknown option", c);
      p->opt = o;
      p->args[0] = optarg;
      p->args[1] = p->args[2] = NULL;
      if (OPT_NARGS (o) == OPT_ARG_TWO)
        {
          if (optind >= argc)
            return sb_error_set (err, 0, "--%s: missing value %s", o->name, o->argname);
          p->args[1] = argv[optind++];
        }
    }
  if (optind < argc)
    {
      cfg->argv = xcalloc ((size_t) (argc - optind) + 1, sizeof (char *));
      for (int i = optind; i < argc; i++)
        cfg->argv[i - optind] = xstrdup (argv[i]);
    }
  return 0;
}

static bool
is_row (const struct sb_option *o,
        int (*set) (struct config *, const struct sb_option *, char *const *, struct sb_error **))
{
  return o->set == set;
}

int
options_parse_argv (struct config *cfg, int argc, char **argv, struct sb_error **err)
{
  cleanup_free struct pending *pending = NULL;
  size_t n = 0;
  bool action = false;

  if (collect_argv (cfg, argc, argv, &pending, &n, err) < 0)
    return -1;
  /* -p first, in order: the command line's own options then win over every profile, even
     those written before the -p */
  for (size_t i = 0; i < n; i++)
    {
      const struct sb_option *o = pending[i].opt;

      if (is_row (o, set_profile) && o->set (cfg, o, pending[i].args, err) < 0)
        return -1;
      /* listing or helping must work even when the default profile is broken */
      action |= o->field == FIELD (help) || o->field == FIELD (version)
                || o->field == FIELD (list_profiles);
    }
  if (cfg->profiles != NULL)
    {
      for (char **p = cfg->profiles; *p != NULL; p++)
        if (profile_apply (cfg, *p, err) < 0)
          return -1;
    }
  else if (!action && profile_apply_default (cfg, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (!is_row (pending[i].opt, set_profile)
        && options_apply (cfg, pending[i].opt, pending[i].args, "command line", err) < 0)
      return -1;
  return 0;
}

void
options_print_help (FILE *f)
{
  fputs ("Usage: sandbox [OPTION...] [--] [COMMAND [ARG...]]\n"
         "Run COMMAND (default: your shell) in a rootless sandbox.\n\n",
         f);
  for (const struct sb_option *o = sb_options; o->name != NULL; o++)
    {
      char left[64];

      snprintf (left, sizeof left, "%s%c%s--%s%s%s", o->short_name ? "-" : "",
                o->short_name ? o->short_name : ' ', o->short_name ? ", " : " ", o->name,
                o->argname ? " " : "", o->argname ? o->argname : "");
      fprintf (f, "  %-28s %s\n", left, o->help);
    }
  fputs ("\nExit status: the command's own; 128+N when it died of signal N; 125 when the\n"
         "sandbox could not be set up; 126 when COMMAND cannot run; 127 when it is not found.\n",
         f);
}
