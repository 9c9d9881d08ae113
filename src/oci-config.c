/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci-config.c: an OCI bundle's config.json (runtime-spec 1.0 to 1.2) translated into the
   struct config the command line fills, so that the same stages run it.  Unknown fields
   are ignored, as the spec says; what has no stage of ours is said in oci.h.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bounds.h"
#include "caps.h"
#include "cgroup.h"
#include "config.h"
#include "error.h"
#include "init.h"
#include "json.h"
#include "log.h"
#include "oci.h"
#include "util.h"

static void
add_env_op (struct config *cfg, char *name, char *value)
{
  cfg->env_ops = xreallocarray (cfg->env_ops, cfg->n_env_ops + 1, sizeof *cfg->env_ops);
  cfg->env_ops[cfg->n_env_ops].name = name;
  cfg->env_ops[cfg->n_env_ops].value = value;
  cfg->n_env_ops++;
}

/* The command's environment is exactly process.env: cleared, then each NAME=VALUE.  */
int
oci_config_env (struct config *cfg, char **env, struct sb_error **err)
{
  add_env_op (cfg, NULL, NULL);
  for (char **e = env; e != NULL && *e != NULL; e++)
    {
      const char *eq = strchr (*e, '=');

      if (eq == NULL || eq == *e)
        return sb_error_set (err, 0, "config.json: process.env: '%s' is not NAME=VALUE", *e);
      {
        char *name = strndup (*e, (size_t) (eq - *e));

        if (name == NULL)
          oom ();
        add_env_op (cfg, name, xstrdup (eq + 1));
      }
    }
  return 0;
}

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

static int
load_rlimits (struct config *cfg, struct json_object *process, struct sb_error **err)
{
  struct json_object *a = NULL;

  if (sb_json_get (process, "rlimits", json_type_array, "config.json: process", &a, err) < 0)
    return -1;
  for (size_t i = 0; a != NULL && i < json_object_array_length (a); i++)
    {
      struct json_object *r = json_object_array_get_idx (a, i);
      const char *type = sb_json_str_or (r, "type", NULL);
      struct json_object *soft = sb_json_member (r, "soft", json_type_int);
      struct json_object *hard = sb_json_member (r, "hard", json_type_int);
      struct rlimit_op op = { .resource = -1 };

      for (size_t k = 0; type != NULL && k < sizeof rlimit_names / sizeof *rlimit_names; k++)
        if (strcmp (type, rlimit_names[k].name) == 0)
          op.resource = rlimit_names[k].resource;
      if (op.resource < 0 || soft == NULL || hard == NULL)
        return sb_error_set (err, 0, "config.json: process.rlimits: bad entry %zu", i);
      op.soft = (rlim_t) json_object_get_uint64 (soft);
      op.hard = (rlim_t) json_object_get_uint64 (hard);
      cfg->rlimits = xreallocarray (cfg->rlimits, cfg->n_rlimits + 1, sizeof *cfg->rlimits);
      cfg->rlimits[cfg->n_rlimits++] = op;
    }
  return 0;
}

/* The command's capabilities: capabilities.effective (bounding when there is none); the
   sandbox keeps one set for bounding, permitted and effective, so a capability only in
   bounding (podman's for a user other than root) is dropped.  */
static int
load_caps (struct config *cfg, struct json_object *process, struct sb_error **err)
{
  const char *what = "config.json: process.capabilities";
  struct json_object *c = NULL;
  cleanup_strv char **bounding = NULL;
  int r;

  cfg->cap_drop_all = true;
  r = sb_json_get (process, "capabilities", json_type_object, "config.json: process", &c, err);
  if (r <= 0)
    return r; /* none, or not an object */
  if (sb_json_strv (c, "effective", what, &bounding, err) < 0)
    return -1;
  if (bounding == NULL && sb_json_strv (c, "bounding", what, &bounding, err) < 0)
    return -1;
  for (char **b = bounding; b != NULL && *b != NULL; b++)
    {
      int n = sb_caps_from_name (*b);

      if (n == -1)
        cfg->cap_add_all = true;
      else if (n >= 0)
        cfg->cap_add |= 1ull << n;
      else
        log_debug ("oci: unknown capability '%s', skipped", *b);
    }
  return 0;
}

/* process.user.additionalGids: ids inside, set by init_confine.  */
static int
load_groups (struct config *cfg, struct json_object *a, struct sb_error **err)
{
  size_t n = a != NULL ? json_object_array_length (a) : 0;

  if (n > 65536)
    return sb_error_set (err, 0, "config.json: process.user.additionalGids: too many");
  free (cfg->groups);
  cfg->groups = n > 0 ? xcalloc (n, sizeof (gid_t)) : NULL;
  cfg->n_groups = n;
  for (size_t i = 0; i < n; i++)
    {
      struct json_object *g = json_object_array_get_idx (a, i);

      if (!json_object_is_type (g, json_type_int) || json_object_get_int64 (g) < 0
          || json_object_get_int64 (g) > UINT32_MAX - 1)
        return sb_error_set (err, 0, "config.json: process.user.additionalGids: not gids");
      cfg->groups[i] = (gid_t) json_object_get_int64 (g);
    }
  return 0;
}

int
oci_extra_apply (const struct oci_extra *x, struct sb_error **err)
{
  char buf[16];
  cleanup_close int fd = -1;

  for (char **kv = x->net_sysctls; kv != NULL && *kv != NULL; kv++)
    if (init_sysctl_write (*kv, err) < 0)
      return -1;
  if (!x->oom_score_adj_set)
    return 0;
  snprintf (buf, sizeof buf, "%d", x->oom_score_adj);
  fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write_all (fd, buf, strlen (buf)) < 0)
    return sb_error_set (err, errno, "process.oomScoreAdj %d", x->oom_score_adj);
  return 0;
}

/* process.user: uid and gid (0 when absent), additionalGids.  */
static int
load_user (struct config *cfg, struct json_object *process, struct sb_error **err)
{
  const char *what = "config.json: process.user";
  struct json_object *user = NULL, *groups = NULL;
  int64_t uid = 0, gid = 0;
  int r = sb_json_get (process, "user", json_type_object, "config.json: process", &user, err);

  if (r <= 0)
    return r;
  if (sb_json_int (user, "uid", what, &uid, err) < 0
      || sb_json_int (user, "gid", what, &gid, err) < 0
      || sb_json_get (user, "additionalGids", json_type_array, what, &groups, err) < 0)
    return -1;
  cfg->uid = (unsigned) uid;
  cfg->gid = (unsigned) gid;
  cfg->uid_set = cfg->gid_set = true;
  return load_groups (cfg, groups, err);
}

static int
load_process (struct config *cfg, struct json_object *process, struct oci_extra *x,
              struct sb_error **err)
{
  const char *what = "config.json: process";
  cleanup_strv char **env = NULL;
  const char *cwd = NULL;
  int64_t adj = 0;
  int r;

  if (process == NULL)
    return sb_error_set (err, 0, "config.json: process: missing");
  if (sb_json_strv (process, "args", what, &cfg->argv, err) < 0)
    return -1;
  if (cfg->argv == NULL || cfg->argv[0] == NULL)
    return sb_error_set (err, 0, "config.json: process.args: missing or empty");
  if (sb_json_str (process, "cwd", what, &cwd, err) < 0)
    return -1;
  if (cwd == NULL || cwd[0] != '/')
    return sb_error_set (err, 0, "config.json: process.cwd: missing or not absolute");
  cfg->chdir = xstrdup (cwd);
  if (sb_json_strv (process, "env", what, &env, err) < 0 || oci_config_env (cfg, env, err) < 0
      || load_user (cfg, process, err) < 0)
    return -1;
  r = sb_json_int (process, "oomScoreAdj", what, &adj, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      if (adj < -1000 || adj > 1000)
        return sb_error_set (err, 0, "config.json: process.oomScoreAdj: not in -1000..1000");
      x->oom_score_adj = (int) adj;
      x->oom_score_adj_set = true;
    }
  x->terminal = false;
  if (sb_json_bool (process, "terminal", what, &x->terminal, err) < 0)
    return -1;
  return load_rlimits (cfg, process, err) < 0 || load_caps (cfg, process, err) < 0 ? -1 : 0;
}

void
oci_config_add_mount (struct config *cfg, enum mount_kind kind, const char *opt, const char *src,
                      const char *dst)
{
  struct mount_op *m;

  cfg->mounts = xreallocarray (cfg->mounts, cfg->n_mounts + 1, sizeof *cfg->mounts);
  m = &cfg->mounts[cfg->n_mounts++];
  memset (m, 0, sizeof *m);
  m->kind = kind;
  m->engine = true;
  m->opt = opt;
  m->arg = xstrdup (dst);
  m->src = src != NULL ? xstrdup (src) : NULL;
  m->dst = xstrdup (dst);
}

/* The file systems the sandbox's pid 1 always mounts fresh (mounts.c): an entry for one of
   them is that mount already.  */
static bool
is_pseudo (const char *type, const char *dst)
{
  static const char *const types[] = { "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2" };
  static const char *const dsts[] = { "/dev", "/dev/shm", "/proc", "/sys", "/run" };

  for (size_t i = 0; i < sizeof types / sizeof *types; i++)
    if (type != NULL && strcmp (type, types[i]) == 0)
      return true;
  for (size_t i = 0; i < sizeof dsts / sizeof *dsts; i++)
    if (strcmp (dst, dsts[i]) == 0)
      return true;
  return false;
}

static int
load_mount (struct config *cfg, const char *bundle, struct json_object *m, struct sb_error **err)
{
  const char *what = "config.json: mounts";
  const char *dst = NULL, *type = NULL, *src = NULL;
  cleanup_strv char **opts = NULL;
  cleanup_free char *abs_src = NULL;
  bool bind, ro = false;

  if (sb_json_str (m, "destination", what, &dst, err) < 0
      || sb_json_str (m, "type", what, &type, err) < 0
      || sb_json_str (m, "source", what, &src, err) < 0)
    return -1;
  bind = type != NULL && strcmp (type, "bind") == 0;
  if (dst == NULL || dst[0] != '/')
    return sb_error_set (err, 0, "config.json: mounts: destination missing or not absolute");
  if (sb_json_strv (m, "options", what, &opts, err) < 0)
    return -1;
  for (char **o = opts; o != NULL && *o != NULL; o++)
    {
      bind |= strcmp (*o, "bind") == 0 || strcmp (*o, "rbind") == 0;
      ro |= strcmp (*o, "ro") == 0;
    }
  if (bind)
    {
      if (src == NULL)
        return sb_error_set (err, 0, "config.json: mounts: '%s': a bind without source", dst);
      abs_src = src[0] == '/' ? xstrdup (src) : path_clean (bundle, src);
      /* a device bound as a mount (podman's --device, rootless): a device bind, not nodev */
      if (oci_device_is_node (abs_src))
        oci_config_add_mount (cfg, MOUNT_DEVICE, "device", abs_src, dst);
      else
        oci_config_add_mount (cfg, ro ? MOUNT_RO_BIND : MOUNT_BIND, ro ? "ro-bind" : "bind",
                              abs_src, dst);
    }
  else if (is_pseudo (type, dst))
    log_debug ("oci: mount '%s' (%s): the sandbox's own", dst, type ? type : "?");
  else if (type != NULL && strcmp (type, "tmpfs") == 0)
    oci_config_add_mount (cfg, MOUNT_TMPFS, "tmpfs", NULL, dst);
  else
    return sb_error_set (err, 0, "config.json: mounts: '%s': type '%s' is not supported", dst,
                         type ? type : "(none)");
  return 0;
}

static int
load_root_and_mounts (struct config *cfg, const char *bundle, struct json_object *conf,
                      struct sb_error **err)
{
  struct json_object *root = NULL, *mounts = NULL;
  const char *path = NULL;
  bool readonly = false;

  if (sb_json_get (conf, "root", json_type_object, "config.json", &root, err) < 0
      || sb_json_get (conf, "mounts", json_type_array, "config.json", &mounts, err) < 0
      || sb_json_str (root, "path", "config.json: root", &path, err) < 0
      || sb_json_bool (root, "readonly", "config.json: root", &readonly, err) < 0)
    return -1;
  if (path == NULL)
    return sb_error_set (err, 0, "config.json: root.path: missing");
  cfg->rootfs = path[0] == '/' ? xstrdup (path) : path_clean (bundle, path);
  cfg->overlay = readonly ? OVERLAY_NONE : OVERLAY_BIND;
  for (size_t i = 0; mounts != NULL && i < json_object_array_length (mounts); i++)
    if (load_mount (cfg, bundle, json_object_array_get_idx (mounts, i), err) < 0)
      return -1;
  return 0;
}

/* maskedPaths and readonlyPaths: paths of the root, masked or bound read-only on
   themselves (the source is the same path under root.path, as the launcher sees it).  */
static int
load_paths (struct config *cfg, struct json_object *linux_, struct sb_error **err)
{
  cleanup_strv char **masked = NULL;
  cleanup_strv char **ro = NULL;

  if (sb_json_strv (linux_, "maskedPaths", "config.json: linux", &masked, err) < 0
      || sb_json_strv (linux_, "readonlyPaths", "config.json: linux", &ro, err) < 0)
    return -1;
  for (char **p = ro; p != NULL && *p != NULL; p++)
    {
      cleanup_free char *src = NULL;

      if (asprintf (&src, "%s%s", cfg->rootfs, *p) < 0)
        oom ();
      if (access (src, F_OK) == 0)
        oci_config_add_mount (cfg, MOUNT_RO_BIND, "ro-bind", src, *p);
    }
  for (char **p = masked; p != NULL && *p != NULL; p++)
    oci_config_add_mount (cfg, MOUNT_MASK, "mask", NULL, *p);
  return 0;
}

/* linux.namespaces: the sandbox makes its user, mount, pid, ipc, uts and network
   namespaces always; without a network entry the command shares the caller's network.  */
static int
load_namespaces (struct config *cfg, struct json_object *linux_, struct oci_extra *x,
                 struct sb_error **err)
{
  const char *what = "config.json: linux.namespaces";
  struct json_object *a = NULL;
  bool net = false;

  if (sb_json_get (linux_, "namespaces", json_type_array, "config.json: linux", &a, err) < 0)
    return -1;
  for (size_t i = 0; a != NULL && i < json_object_array_length (a); i++)
    {
      struct json_object *ns = json_object_array_get_idx (a, i);
      const char *type = NULL, *path = NULL;

      if (sb_json_str (ns, "type", what, &type, err) < 0
          || sb_json_str (ns, "path", what, &path, err) < 0)
        return -1;
      if (type == NULL)
        return sb_error_set (err, 0, "config.json: linux.namespaces: an entry without type");
      if (strcmp (type, "network") == 0 && path != NULL)
        {
          free (x->netns_path);
          x->netns_path = xstrdup (path);
          continue;
        }
      if (path != NULL)
        return sb_error_set (err, 0,
                             "config.json: linux.namespaces: joining a %s namespace by path is "
                             "not supported yet",
                             type);
      if (strcmp (type, "network") == 0)
        net = true;
    }
  /* a network namespace joined by path is the launcher's own once joined */
  cfg->net = net && x->netns_path == NULL ? NET_NONE : NET_HOST;
  return 0;
}

/* linux.sysctl: only the keys of the container's own namespaces (runc's list): IPC ones and
   kernel.domainname for pid 1 to write, net.* too when the sandbox makes the network
   namespace, net.* for us to write (oci_extra_apply) once we joined the one given by
   path; any other key, and net.* on the caller's network, is refused with one line.  */
static int
load_sysctl (struct config *cfg, struct json_object *linux_, struct oci_extra *x,
             struct sb_error **err)
{
  static const char *const ipc[]
      = { "kernel.msgmax", "kernel.msgmnb",          "kernel.msgmni",
          "kernel.sem",    "kernel.shmall",          "kernel.shmmax",
          "kernel.shmmni", "kernel.shm_rmid_forced", "kernel.domainname" };
  struct json_object *o = NULL;
  int r = sb_json_get (linux_, "sysctl", json_type_object, "config.json: linux", &o, err);

  if (r <= 0)
    return r;
  json_object_object_foreach (o, key, val)
  {
    char *kv;

    if (!json_object_is_type (val, json_type_string))
      return sb_error_set (err, 0, "config.json: linux.sysctl: '%s': not a string", key);
    if (asprintf (&kv, "%s=%s", key, json_object_get_string (val)) < 0)
      oom ();
    if (strs_has_in (ipc, key) || strncmp (key, "fs.mqueue.", 10) == 0
        || (strncmp (key, "net.", 4) == 0 && cfg->net == NET_NONE && x->netns_path == NULL))
      strv_push (&cfg->sysctls, kv);
    else if (strncmp (key, "net.", 4) == 0 && x->netns_path != NULL)
      strv_push (&x->net_sysctls, kv);
    else
      {
        free (kv);
        return sb_error_set (err, 0,
                             "config.json: linux.sysctl: '%s' is not of the container's own "
                             "namespaces",
                             key);
      }
  }
  return 0;
}

/* linux.rootfsPropagation: the root mount's, set by pid 1 once pivoted into.  */
static int
load_propagation (struct config *cfg, struct json_object *linux_, struct sb_error **err)
{
  static const struct
  {
    const char *name;
    unsigned long flag;
  } kinds[] = { { "private", MS_PRIVATE },
                { "slave", MS_SLAVE },
                { "shared", MS_SHARED },
                { "unbindable", MS_UNBINDABLE } };
  const char *p = NULL;
  bool rec;

  if (sb_json_str (linux_, "rootfsPropagation", "config.json: linux", &p, err) < 0)
    return -1;
  if (p == NULL || *p == '\0')
    return 0;
  rec = p[0] == 'r';
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
    if (strcmp (p + rec, kinds[i].name) == 0)
      {
        cfg->root_propagation = kinds[i].flag | (rec ? MS_REC : 0);
        return 0;
      }
  return sb_error_set (err, 0, "config.json: linux.rootfsPropagation: '%s' is not a propagation",
                       p);
}

/* linux.uidMappings/gidMappings as map lines; *RET NULL when absent.  */
static int
load_map (struct json_object *linux_, const char *key, char **ret, struct sb_error **err)
{
  struct json_object *a = NULL;
  char *out = NULL;
  size_t size = 0;
  FILE *f;

  *ret = NULL;
  if (sb_json_get (linux_, key, json_type_array, "config.json: linux", &a, err) < 0)
    return -1;
  if (a == NULL || json_object_array_length (a) == 0)
    return 0;
  f = open_memstream (&out, &size);
  if (f == NULL)
    oom ();
  for (size_t i = 0; i < json_object_array_length (a); i++)
    {
      struct json_object *r = json_object_array_get_idx (a, i);
      struct json_object *c = sb_json_member (r, "containerID", json_type_int);
      struct json_object *h = sb_json_member (r, "hostID", json_type_int);
      struct json_object *n = sb_json_member (r, "size", json_type_int);

      if (c == NULL || h == NULL || n == NULL)
        {
          fclose (f);
          free (out);
          return sb_error_set (err, 0, "config.json: linux.%s: bad entry %zu", key, i);
        }
      fprintf (f, "%" PRId64 " %" PRId64 " %" PRId64 "\n", json_object_get_int64 (c),
               json_object_get_int64 (h), json_object_get_int64 (n));
    }
  if (fclose (f) != 0)
    oom ();
  *ret = out;
  return 0;
}

/* Root of our own user namespace (rootless podman's): the same ids inside, all of them.  */
static char *
identity_map (const char *file)
{
  cleanup_free char *text = read_file_at (AT_FDCWD, file, NULL);
  char *out = NULL, *save = NULL;
  size_t size = 0;
  FILE *f;

  if (text == NULL)
    return NULL;
  f = open_memstream (&out, &size);
  if (f == NULL)
    oom ();
  for (char *l = strtok_r (text, "\n", &save); l != NULL; l = strtok_r (NULL, "\n", &save))
    {
      unsigned long long in, outside, n;

      if (sscanf (l, "%llu %llu %llu", &in, &outside, &n) == 3)
        fprintf (f, "%llu %llu %llu\n", in, in, n);
    }
  if (fclose (f) != 0)
    oom ();
  return out;
}

/* The user namespace's maps: config.json's, else, run as root of a namespace, the identity
   of it, else the CLI's (the caller is root inside, its subordinate ids the others).  */
static int
load_maps (struct config *cfg, struct json_object *linux_, struct sb_error **err)
{
  cfg->map_root = true;
  if (load_map (linux_, "uidMappings", &cfg->uid_map, err) < 0
      || load_map (linux_, "gidMappings", &cfg->gid_map, err) < 0)
    return -1;
  if ((cfg->uid_map == NULL) != (cfg->gid_map == NULL))
    return sb_error_set (err, 0, "config.json: linux: uidMappings and gidMappings go together");
  if (cfg->uid_map == NULL && geteuid () == 0)
    {
      cfg->uid_map = identity_map ("/proc/self/uid_map");
      cfg->gid_map = identity_map ("/proc/self/gid_map");
    }
  return 0;
}

/* linux.seccomp, in the OCI form our reader takes: written to a file of the container's
   state folder, which cfg->seccomp names.  No entry: unconfined, as crun and runc.  */
static int
load_seccomp (struct config *cfg, struct json_object *linux_, const char *state_dir,
              struct sb_error **err)
{
  struct json_object *s = NULL;
  cleanup_free char *path = NULL;

  if (sb_json_get (linux_, "seccomp", json_type_object, "config.json: linux", &s, err) < 0)
    return -1;
  if (s == NULL)
    {
      cfg->seccomp = xstrdup ("unconfined");
      return 0;
    }
  if (asprintf (&path, "%s/seccomp.json", state_dir) < 0)
    oom ();
  if (json_object_to_file_ext (path, s, JSON_C_TO_STRING_PLAIN) < 0)
    return sb_error_set (err, errno, "write '%s'", path);
  cfg->seccomp = steal_ptr (&path);
  return 0;
}

/* A number in O's KEY above 0, else 0 (absent, -1 unlimited, 0 none).  */
static uint64_t
positive (struct json_object *o, const char *key)
{
  int64_t n = sb_json_int_or (o, key, 0);

  return n > 0 ? (uint64_t) n : 0;
}

/* linux.resources into the launcher's limits (cgroup.c), converted as crun converts them
   for cgroup v2: memory.swap is memory and swap together, cpu.shares and blockIO.weight
   become weights.  Where cgroup v2 is not there at all they are not applied, a notice,
   as runc and crun do rootless; where it is, the launcher places them or refuses them
   with one line.  Not read: memory.reservation, kernel memory, cpu sets and realtime,
   hugepage, network and rdma limits, unified, the device cgroup rules.  */
static void
load_resources (struct config *cfg, struct json_object *linux_)
{
  struct json_object *r = sb_json_member (linux_, "resources", json_type_object);
  struct json_object *mem = sb_json_member (r, "memory", json_type_object);
  struct json_object *cpu = sb_json_member (r, "cpu", json_type_object);
  uint64_t limit = positive (mem, "limit"), swap = positive (mem, "swap");
  uint64_t quota = positive (cpu, "quota"), period = positive (cpu, "period");
  uint64_t shares = positive (cpu, "shares");
  uint64_t weight = positive (sb_json_member (r, "blockIO", json_type_object), "weight");

  if (limit > 0)
    cfg->memory_max = limit;
  if (limit > 0 && swap >= limit)
    cfg->memory_swap_max = swap - limit;
  if (quota > 0)
    cfg->cpus_milli = (unsigned) (quota * 1000 / (period > 0 ? period : 100000));
  if (shares >= 2)
    cfg->cpu_weight = (unsigned) (1 + (((shares < 262144 ? shares : 262144) - 2) * 9999) / 262142);
  if (weight >= 10)
    cfg->io_weight = (unsigned) (1 + (((weight < 1000 ? weight : 1000) - 10) * 9999) / 990);
  cfg->pids_max = positive (sb_json_member (r, "pids", json_type_object), "limit");
  if (cgroup_limits_asked (cfg) && cgroup_v2_unavailable () != NULL)
    {
      log_msg (LOG_LEVEL_NOTICE, "linux.resources: not applied: %s", cgroup_v2_unavailable ());
      cfg->memory_max = cfg->memory_swap_max = LIMIT_UNSET;
      cfg->cpus_milli = cfg->cpu_weight = cfg->io_weight = 0;
      cfg->pids_max = 0;
    }
}

int
oci_config_load (const char *bundle, const char *state_dir, struct config *cfg, struct oci_extra *x,
                 struct sb_error **err)
{
  cleanup_free char *path = NULL;
  struct json_object *conf, *linux_ = NULL, *process = NULL;
  const char *hostname = NULL, *version = NULL;
  int r = -1;

  if (asprintf (&path, "%s/config.json", bundle) < 0)
    oom ();
  conf = sb_json_read_file (path, path, err);
  if (conf == NULL)
    return -1;
  if (sb_json_str (conf, "ociVersion", "config.json", &version, err) < 0
      || sb_json_str (conf, "hostname", "config.json", &hostname, err) < 0
      || sb_json_get (conf, "linux", json_type_object, "config.json", &linux_, err) < 0
      || sb_json_get (conf, "process", json_type_object, "config.json", &process, err) < 0)
    goto out;
  if (version == NULL)
    {
      sb_error_set (err, 0, "config.json: ociVersion: missing");
      goto out;
    }
  if (hostname != NULL && *hostname != '\0')
    cfg->hostname = xstrdup (hostname);
  cfg->no_bind_cwd = true;
  cfg->subids = SUBIDS_YES;
  cfg->proc_views_off = true;
  if (load_process (cfg, process, x, err) < 0 || load_root_and_mounts (cfg, bundle, conf, err) < 0
      || load_paths (cfg, linux_, err) < 0 || load_namespaces (cfg, linux_, x, err) < 0
      || load_sysctl (cfg, linux_, x, err) < 0 || oci_devices_load (cfg, linux_, state_dir, err) < 0
      || load_propagation (cfg, linux_, err) < 0 || load_maps (cfg, linux_, err) < 0
      || load_seccomp (cfg, linux_, state_dir, err) < 0
      || oci_hooks_save (conf, state_dir, err) < 0)
    goto out;
  load_resources (cfg, linux_);
  r = 0;
out:
  json_object_put (conf);
  return r;
}

int
oci_config_process (const char *file, struct config *cfg, bool *ret_terminal, struct sb_error **err)
{
  cleanup_free char *what = NULL;
  struct json_object *p;
  struct oci_extra x = { 0 };
  cleanup_strv char **env = NULL;
  int r = -1;

  if (asprintf (&what, "--process '%s'", file) < 0)
    oom ();
  p = sb_json_read_file (file, what, err);
  if (p == NULL)
    return -1;
  if (load_process (cfg, p, &x, err) < 0
      || sb_json_strv (p, "env", "config.json: process", &env, err) < 0)
    goto out;
  /* the environment is exactly process.env */
  strv_free (cfg->envp);
  cfg->envp = xcalloc (1, sizeof (char *));
  for (char **e = env; e != NULL && *e != NULL; e++)
    strv_push (&cfg->envp, xstrdup (*e));
  *ret_terminal = x.terminal;
  r = 0;
out:
  json_object_put (p);
  return r;
}
