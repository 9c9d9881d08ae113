/* SPDX-License-Identifier: GPL-2.0-or-later */
/* protect.c: protected paths inside read-write binds (see protect.h).  The launcher plans
   them (it reads git's configuration to find where hooks may hide); pid 1 binds them.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "hostpath.h"
#include "inroot.h"
#include "log.h"
#include "protect.h"
#include "syscalls.h"
#include "util.h"

/* more is a folder of many repositories: the first ones are protected, and a notice says so */
#define MAX_PROT 256
#define MAX_REPOS 32

static void
push_path (char ***v, const char *a, const char *b)
{
  char *s;

  if (asprintf (&s, "%s/%s", a, b) < 0)
    oom ();
  for (char **p = *v; *p != NULL; p++)
    if (strcmp (*p, s) == 0)
      {
        free (s);
        return;
      }
  strv_push (v, s);
}

/* The sandbox's own folders, as absolute paths (they may not exist).  */
static char **
our_folders (const struct config *cfg)
{
  static const char *const xdg[][2] = { { "XDG_CONFIG_HOME", ".config" },
                                        { "XDG_DATA_HOME", ".local/share" },
                                        { "XDG_CACHE_HOME", ".cache" },
                                        { "XDG_STATE_HOME", ".local/state" } };
  char **v = xcalloc (1, sizeof (char *));

  for (size_t i = 0; i < sizeof xdg / sizeof *xdg; i++)
    {
      const char *env = getenv (xdg[i][0]);

      if (env != NULL && env[0] == '/')
        push_path (&v, env, "sandbox");
      if (cfg->home_dir != NULL)
        {
          cleanup_free char *base = NULL;

          if (asprintf (&base, "%s/%s", cfg->home_dir, xdg[i][1]) < 0)
            oom ();
          push_path (&v, base, "sandbox");
        }
    }
  if (cfg->persist != NULL)
    strv_push (&v, xstrdup (cfg->persist));
  return v;
}

/* One of the sandbox's folders: where it is, or would be made.  */
struct protect_folder
{
  bool exists;
  struct file_id id;
  struct path_chain chain; /* of the folder, or of its deepest existing ancestor */
  char *rest;              /* the missing part below that ancestor; NULL when it exists */
};

struct protect_folders
{
  struct protect_folder *v;
  size_t n;
};

struct protect_folders *
protect_folders_new (const struct config *cfg)
{
  cleanup_strv char **paths = our_folders (cfg);
  struct protect_folders *f = xcalloc (1, sizeof *f);

  f->v = xcalloc (strv_len (paths) + 1, sizeof *f->v);
  for (char **p = paths; *p != NULL; p++)
    {
      struct protect_folder *d = &f->v[f->n];
      const struct path_chain *hint = f->n > 0 ? &f->v[f->n - 1].chain : NULL;
      cleanup_free char *clean = path_clean (NULL, *p);
      size_t end;
      int r = hostpath_chain_walk (clean, hint, &d->chain, &end);

      if (r < 0)
        {
          /* a symlink on the way: where it really is */
          cleanup_free char *copy = xstrdup (clean);
          cleanup_free char *real = NULL;
          char *rest = NULL;

          hostpath_chain_free (&d->chain);
          while ((real = realpath (copy, NULL)) == NULL)
            {
              char *slash = strrchr (copy, '/');

              if (errno != ENOENT || slash == NULL || slash == copy)
                break;
              if (rest != NULL)
                rest[-1] = '/';
              *slash = '\0';
              rest = slash + 1;
            }
          if (real == NULL)
            continue;
          hostpath_chain (real, &d->chain);
          d->rest = rest ? xstrdup (rest) : NULL;
        }
      else if (r == 1)
        d->rest = xstrdup (clean + end + (clean[end] == '/'));
      d->exists = d->rest == NULL;
      if (d->exists)
        d->id = d->chain.ids[d->chain.n - 1];
      f->n++;
    }
  return f;
}

void
protect_folders_free (struct protect_folders *f)
{
  for (size_t i = 0; f != NULL && i < f->n; i++)
    {
      hostpath_chain_free (&f->v[i].chain);
      free (f->v[i].rest);
    }
  if (f != NULL)
    free (f->v);
  free (f);
}

bool
protect_is_inside (const struct protect_folders *f, const struct path_chain *real)
{
  for (size_t i = 0; i < f->n; i++)
    {
      cleanup_free char *rel = NULL;

      if (f->v[i].exists && hostpath_chain_rel (real, &f->v[i].id, &rel))
        return true;
    }
  return false;
}

/* ---------------------------------------------------------------- the plan */

struct plan
{
  struct mount_op *op;
  int src; /* O_PATH fd on the bind's source */
  struct file_id id;
  const struct config *cfg;
  char ***hooks_paths; /* core.hooksPath of the user's and the system's git configuration,
                          read at the first repository met */
  size_t repos;
  bool full;
};

/* REL (below the source) as one protected path, or an anchor when !RO.  */
static void
add_one (struct plan *pl, const char *rel, bool ro)
{
  struct mount_op *op = pl->op;
  cleanup_close int fd = -1;
  struct stat st;

  for (size_t i = 0; i < op->n_prot; i++)
    if (strcmp (op->prot[i].rel, rel) == 0)
      {
        op->prot[i].ro |= ro;
        return;
      }
  if (op->n_prot >= MAX_PROT)
    {
      pl->full = true;
      return;
    }
  fd = sys_openat2 (pl->src, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC,
                    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
  /* a symlink cannot be bound over; one on the way is refused by pid 1's walk anyway */
  if (fd < 0 || fstat (fd, &st) < 0 || S_ISLNK (st.st_mode))
    return;
  op->prot = xreallocarray (op->prot, op->n_prot + 1, sizeof *op->prot);
  op->prot[op->n_prot++]
      = (struct protect_path){ .rel = xstrdup (rel), .ro = ro, .dev = st.st_dev, .ino = st.st_ino };
}

/* REL read-only, and every folder on the way to it an anchor.  */
static void
add (struct plan *pl, const char *rel, bool ro)
{
  cleanup_free char *p = xstrdup (rel);

  for (char *s = strchr (p, '/'); s != NULL; s = strchr (s + 1, '/'))
    {
      *s = '\0';
      add_one (pl, p, false);
      *s = '/';
    }
  add_one (pl, p, ro);
}

/* A canonical host path REAL as a path below the bind's source, made (folders, mode
   MODE) when only its start exists and MODE != 0.  NULL when it is not below it.  */
static char *
rel_below (struct plan *pl, const char *path, mode_t mode)
{
  cleanup_free char *p = xstrdup (path);
  cleanup_free char *real = NULL;
  char *rel = NULL;
  char *rest = NULL;

  while ((real = realpath (p, NULL)) == NULL)
    {
      char *slash = strrchr (p, '/');

      if (errno != ENOENT || slash == NULL || slash == p || mode == 0)
        return NULL;
      if (rest != NULL)
        rest[-1] = '/';
      *slash = '\0';
      rest = slash + 1;
    }
  if (!hostpath_below (&pl->id, real, &rel))
    return NULL;
  if (rest != NULL)
    {
      cleanup_close int at
          = sys_openat2 (pl->src, *rel ? rel : ".", O_PATH | O_DIRECTORY | O_CLOEXEC,
                         RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
      int made = at >= 0 ? inroot_dir_beneath (at, rest, mode) : -1;
      char *full;

      if (made < 0)
        {
          free (rel);
          return NULL;
        }
      (void) close (made);
      if (asprintf (&full, "%s%s%s", rel, *rel ? "/" : "", rest) < 0)
        oom ();
      free (rel);
      rel = full;
    }
  return rel;
}

/* The sandbox's own folders that this bind would expose.  */
static void
plan_ours (const struct protect_folders *f, struct plan *pl)
{
  struct path_chain src;

  hostpath_chain (pl->op->src, &src);
  for (size_t i = 0; i < f->n; i++)
    {
      const struct protect_folder *d = &f->v[i];
      cleanup_free char *named = NULL;
      cleanup_free char *rel = NULL;

      /* the bind is that folder, or inside it: the user named it */
      if (d->exists && hostpath_chain_rel (&src, &d->id, &named))
        continue;
      if (!hostpath_chain_rel (&d->chain, &pl->id, &rel))
        continue;
      if (d->rest != NULL)
        {
          /* not there yet: made empty, so that it can be protected */
          cleanup_close int at
              = sys_openat2 (pl->src, *rel ? rel : ".", O_PATH | O_DIRECTORY | O_CLOEXEC,
                             RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
          int made = at >= 0 ? inroot_dir_beneath (at, d->rest, 0700) : -1;
          char *full;

          if (made < 0)
            continue;
          (void) close (made);
          if (asprintf (&full, "%s%s%s", rel, *rel ? "/" : "", d->rest) < 0)
            oom ();
          free (rel);
          rel = full;
        }
      if (*rel != '\0')
        add (pl, rel, true);
    }
  hostpath_chain_free (&src);
}

/* A path from git's configuration or a .git file: absolute (or ~/), or relative to BASE
   (below the bind's root); as a path below the bind's root, or NULL.  */
static char *
git_path (struct plan *pl, const char *base, const char *value, mode_t mode)
{
  cleanup_free char *abs = NULL;

  if (value[0] == '~' && value[1] == '/' && getenv ("HOME") != NULL)
    {
      if (asprintf (&abs, "%s/%s", getenv ("HOME"), value + 2) < 0)
        oom ();
      return rel_below (pl, abs, mode);
    }
  if (value[0] == '/')
    return rel_below (pl, value, mode);
  {
    char *rel = path_clean_beneath (base, value);

    if (rel != NULL && mode != 0)
      {
        int made = inroot_dir_beneath (pl->src, rel, mode);

        if (made >= 0)
          (void) close (made);
      }
    return rel;
  }
}

/* The values of core.hooksPath (KEY "hookspath") or of include.path and includeIf.*.path
   (KEY "path") in a git configuration file's TEXT.  */
static char **
git_config_values (char *text, const char *key)
{
  char **v = xcalloc (1, sizeof (char *));
  char *save = NULL;
  bool in = false;

  for (char *l = text ? strtok_r (text, "\n", &save) : NULL; l; l = strtok_r (NULL, "\n", &save))
    {
      char *k, *val, *end;

      l += strspn (l, " \t");
      if (*l == '[')
        {
          in = strcmp (key, "hookspath") == 0
                   ? strncasecmp (l, "[core]", 6) == 0
                   : strncasecmp (l, "[include]", 9) == 0 || strncasecmp (l, "[includeIf", 10) == 0;
          continue;
        }
      if (!in || (val = strchr (l, '=')) == NULL)
        continue;
      k = l;
      for (end = val; end > k && (end[-1] == ' ' || end[-1] == '\t'); end--)
        ;
      if ((size_t) (end - k) != strlen (key) || strncasecmp (k, key, strlen (key)) != 0)
        continue;
      val += 1 + strspn (val + 1, " \t");
      if (*val == '"')
        {
          val++;
          end = strchr (val, '"');
        }
      else
        end = val + strcspn (val, "#;");
      if (end == NULL)
        continue;
      while (end > val && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
      if (end > val)
        strv_push (&v, strndup (val, (size_t) (end - val)));
    }
  return v;
}

static char *
read_beneath (int dirfd, const char *rel)
{
  cleanup_close int fd = sys_openat2 (dirfd, rel, O_RDONLY | O_NONBLOCK | O_CLOEXEC,
                                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
  struct stat st;

  /* a regular file only: a fifo planted there would block us */
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return NULL;
  return read_fd (fd, NULL);
}

static void plan_gitdir (struct plan *pl, const char *g, const char *worktree, int depth);
static char **global_hooks_paths (const struct config *cfg);

/* hooksPath (relative to the working tree) and included files (relative to the gitdir)
   named by G/config.  */
static void
plan_git_config (struct plan *pl, const char *g, const char *worktree)
{
  cleanup_free char *cpath = NULL;
  cleanup_free char *text = NULL;
  cleanup_free char *text2 = NULL;
  cleanup_strv char **hooks = NULL;
  cleanup_strv char **incs = NULL;

  if (asprintf (&cpath, "%s/config", g) < 0)
    oom ();
  text = read_beneath (pl->src, cpath);
  text2 = text ? xstrdup (text) : NULL;
  hooks = git_config_values (text, "hookspath");
  incs = git_config_values (text2, "path");
  for (char **h = hooks; worktree != NULL && *h != NULL; h++)
    {
      cleanup_free char *rel = git_path (pl, worktree, *h, 0755);

      if (rel != NULL && *rel != '\0')
        add (pl, rel, true);
    }
  if (worktree != NULL && *pl->hooks_paths == NULL)
    *pl->hooks_paths = global_hooks_paths (pl->cfg);
  for (char **h = *pl->hooks_paths; worktree != NULL && *h != NULL; h++)
    {
      cleanup_free char *rel = git_path (pl, worktree, *h, 0755);

      if (rel != NULL && *rel != '\0')
        add (pl, rel, true);
    }
  for (char **i = incs; *i != NULL; i++)
    {
      cleanup_free char *rel = git_path (pl, g, *i, 0);

      if (rel != NULL && *rel != '\0')
        add (pl, rel, true);
    }
}

/* A git folder G (below the bind's root) and what it leads to.  */
static void
plan_gitdir (struct plan *pl, const char *g, const char *worktree, int depth)
{
  static const char *const names[] = { "config", "hooks", "commondir", "config.worktree" };
  cleanup_close int gfd = -1;
  cleanup_free char *common = NULL;

  if (depth > 2)
    return;
  gfd = sys_openat2 (pl->src, g, O_PATH | O_DIRECTORY | O_CLOEXEC,
                     RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
  if (gfd < 0)
    return;
  add (pl, g, false);
  /* no hooks folder yet: an empty one, so that one planted later is read-only too */
  if (faccessat (gfd, "config", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    (void) mkdirat (gfd, "hooks", 0755);
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    {
      cleanup_free char *p = NULL;

      if (asprintf (&p, "%s/%s", g, names[i]) < 0)
        oom ();
      add (pl, p, true);
    }
  plan_git_config (pl, g, worktree);
  /* submodules: their git folders live in G/modules */
  {
    cleanup_free char *m = NULL;
    int dfd;
    DIR *d;
    struct dirent *de;

    if (asprintf (&m, "%s/modules", g) < 0)
      oom ();
    dfd = sys_openat2 (pl->src, m, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                       RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
    d = dfd >= 0 ? fdopendir (dfd) : NULL;
    while (d != NULL && (de = readdir (d)) != NULL)
      if (de->d_type == DT_DIR && strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
        {
          cleanup_free char *sub = NULL;

          if (asprintf (&sub, "%s/%s", m, de->d_name) < 0)
            oom ();
          plan_gitdir (pl, sub, NULL, depth + 1);
        }
    if (d != NULL)
      closedir (d);
    else if (dfd >= 0)
      (void) close (dfd);
  }
  /* a linked working tree's gitdir names the common one, where config and hooks are */
  if (asprintf (&common, "%s/commondir", g) < 0)
    oom ();
  {
    cleanup_free char *text = read_beneath (pl->src, common);
    cleanup_free char *rel = NULL;

    if (text != NULL)
      {
        text[strcspn (text, "\r\n")] = '\0';
        rel = git_path (pl, g, text, 0);
        if (rel != NULL && *rel != '\0')
          plan_gitdir (pl, rel, worktree, depth + 1);
      }
  }
}

/* A working tree DIR ("" for the bind's root): its .git, a folder or a file naming one.  */
static void
plan_repo (struct plan *pl, const char *dir)
{
  cleanup_free char *g = NULL;
  struct stat st;

  if (asprintf (&g, "%s%s.git", dir, *dir ? "/" : "") < 0)
    oom ();
  if (fstatat (pl->src, g, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return;
  if (pl->repos++ >= MAX_REPOS)
    {
      pl->full = true;
      return;
    }
  if (S_ISDIR (st.st_mode))
    plan_gitdir (pl, g, dir, 0);
  else if (S_ISREG (st.st_mode))
    {
      cleanup_free char *text = read_beneath (pl->src, g);
      cleanup_free char *rel = NULL;

      /* "gitdir: PATH": the sandbox must not point it at a git folder of its own */
      add (pl, g, true);
      if (text != NULL && strncmp (text, "gitdir:", 7) == 0)
        {
          char *v = text + 7 + strspn (text + 7, " \t");

          v[strcspn (v, "\r\n")] = '\0';
          rel = git_path (pl, *dir ? dir : ".", v, 0);
          if (rel != NULL && *rel != '\0')
            plan_gitdir (pl, rel, dir, 0);
        }
    }
}

/* The bind's own repository, and those of the folders right below it.  */
static void
plan_git (struct plan *pl)
{
  int dfd = openat (pl->src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dfd >= 0 ? fdopendir (dfd) : NULL;
  struct dirent *de;

  plan_repo (pl, "");
  while (d != NULL && (de = readdir (d)) != NULL)
    if ((de->d_type == DT_DIR || de->d_type == DT_UNKNOWN) && strcmp (de->d_name, ".") != 0
        && strcmp (de->d_name, "..") != 0 && strcmp (de->d_name, ".git") != 0)
      plan_repo (pl, de->d_name);
  if (d != NULL)
    closedir (d);
  else if (dfd >= 0)
    (void) close (dfd);
}

/* core.hooksPath set for every repository: the user's and the system's git config.  */
static char **
global_hooks_paths (const struct config *cfg)
{
  cleanup_free char *conf = user_xdg_dir ("XDG_CONFIG_HOME", ".config");
  char *files[3] = { NULL, NULL, xstrdup ("/etc/gitconfig") };
  char **all = xcalloc (1, sizeof (char *));

  if (cfg->home_dir != NULL && asprintf (&files[0], "%s/.gitconfig", cfg->home_dir) < 0)
    oom ();
  if (conf != NULL && asprintf (&files[1], "%s/git/config", conf) < 0)
    oom ();
  for (size_t i = 0; i < 3; i++)
    {
      cleanup_free char *text = files[i] ? read_file_at (AT_FDCWD, files[i], NULL) : NULL;
      cleanup_strv char **v = git_config_values (text, "hookspath");

      for (char **h = v; *h != NULL; h++)
        strv_push (&all, xstrdup (*h));
      free (files[i]);
    }
  return all;
}

int
protect_plan (struct config *cfg, const struct protect_folders *folders, struct sb_error **err)
{
  cleanup_strv char **hooks = NULL;

  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      struct mount_op *op = &cfg->mounts[i];
      struct plan pl = { .op = op };
      struct stat st;

      if (op->kind != MOUNT_BIND)
        continue;
      pl.src = sys_openat2 (AT_FDCWD, op->src, O_PATH | O_CLOEXEC,
                            RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
      if (pl.src < 0 || fstat (pl.src, &st) < 0)
        {
          closep (&pl.src);
          return sb_error_set (err, errno, "%s", op->what);
        }
      if (st.st_dev != op->src_dev || st.st_ino != op->src_ino)
        {
          (void) close (pl.src);
          return sb_error_set (err, 0, "%s: '%s' was replaced while the sandbox started", op->what,
                               op->src);
        }
      pl.id = file_id_of (&st);
      if (S_ISDIR (st.st_mode))
        {
          plan_ours (folders, &pl);
          if (!cfg->unprotect_git)
            {
              pl.cfg = cfg;
              pl.hooks_paths = &hooks;
              plan_git (&pl);
            }
        }
      (void) close (pl.src);
      if (pl.full)
        log_notice ("%s: more than %d repositories or %d protected paths; the others "
                    "stay writable",
                    op->what, MAX_REPOS, MAX_PROT);
    }
  return 0;
}

/* ---------------------------------------------------------------- pid 1 */

int
protect_apply (int tree, const struct mount_op *op, struct sb_error **err)
{
  for (size_t i = 0; i < op->n_prot; i++)
    {
      const struct protect_path *p = &op->prot[i];
      struct sb_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
      cleanup_close int fd = sys_openat2 (tree, p->rel, O_PATH | O_NOFOLLOW | O_CLOEXEC,
                                          RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
      cleanup_close int clone = -1;
      struct stat st;

      if (fd < 0 || fstat (fd, &st) < 0)
        return sb_error_set (err, errno, "%s: protect '%s'", op->what, p->rel);
      if (st.st_dev != p->dev || st.st_ino != p->ino)
        return sb_error_set (err, 0, "%s: '%s' was replaced while the sandbox started", op->what,
                             p->rel);
      clone = sys_open_tree (fd, "",
                             OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
      if (clone < 0
          || (p->ro && sys_mount_setattr (clone, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0)
          || sys_move_mount (clone, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
                 < 0)
        return sb_error_set (err, errno, "%s: protect '%s'", op->what, p->rel);
    }
  return 0;
}

/* Our own map, as the identity map of a namespace nested in ours: NAME is uid_map or
   gid_map; PID the nested namespace's process.  */
static int
copy_map (pid_t pid, const char *name, struct sb_error **err)
{
  cleanup_free char *self = NULL;
  cleanup_free char *out = NULL;
  cleanup_close int fd = -1;
  char path[64], *save = NULL;
  size_t len = 0, size;

  snprintf (path, sizeof path, "/proc/self/%s", name);
  self = read_file_at (AT_FDCWD, path, NULL);
  if (self == NULL)
    return sb_error_set (err, errno, "read '%s'", path);
  size = 2 * strlen (self) + 64; /* each line at most twice as long */
  out = xcalloc (size, 1);
  for (char *l = strtok_r (self, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      unsigned long inside, outside, count;

      if (sscanf (l, "%lu %lu %lu", &inside, &outside, &count) != 3)
        continue;
      len += (size_t) snprintf (out + len, size - len, "%lu %lu %lu\n", inside, inside, count);
    }
  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, name);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, out, len) != (ssize_t) len)
    return sb_error_set (err, errno, "write '%s'", path);
  return 0;
}

static int
join_ns (pid_t pid, const char *name, int type, struct sb_error **err)
{
  cleanup_close int fd = -1;
  char path[64];

  snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, name);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns (fd, type) < 0)
    return sb_error_set (err, errno, "join the nested %s namespace", name);
  return 0;
}

int
protect_lock_mounts (const struct config *cfg, struct sb_error **err)
{
  int p[2], ready[2];
  pid_t pid;
  int r = -1;
  char c;

  if (!(cfg->caps & (UINT64_C (1) << CAP_SYS_ADMIN)))
    return 0;
  if (pipe2 (p, O_CLOEXEC) < 0)
    return sb_error_set (err, errno, "pipe");
  if (pipe2 (ready, O_CLOEXEC) < 0)
    {
      (void) close (p[0]);
      (void) close (p[1]);
      return sb_error_set (err, errno, "pipe");
    }
  /* a child makes the namespaces (we share pid 1's memory: unshare would refuse us) and
     waits while we give them maps and join them */
  pid = sys_clone_fork (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD);
  if (pid == 0)
    {
      (void) close (p[1]);
      (void) close (ready[0]);
      /* Its memory is a copy of pid 1's, which is not dumpable: its /proc/PID would be
         root's of the host, and its maps closed to us.  No code of the user's runs yet,
         and this child only waits, then exits.  */
      (void) prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
      (void) close (ready[1]);
      (void) TEMP_FAILURE_RETRY (read (p[0], &c, 1));
      _exit (0);
    }
  (void) close (p[0]);
  (void) close (ready[1]);
  if (pid < 0)
    {
      (void) close (p[1]);
      (void) close (ready[0]);
      return sb_error_set (err, errno, "create a nested user namespace for CAP_SYS_ADMIN");
    }
  /* the end of READY: the child is dumpable now */
  (void) TEMP_FAILURE_RETRY (read (ready[0], &c, 1));
  (void) close (ready[0]);
  if (copy_map (pid, "uid_map", err) == 0 && copy_map (pid, "gid_map", err) == 0
      && join_ns (pid, "user", CLONE_NEWUSER, err) == 0
      && join_ns (pid, "mnt", CLONE_NEWNS, err) == 0 && join_ns (pid, "uts", CLONE_NEWUTS, err) == 0
      && join_ns (pid, "ipc", CLONE_NEWIPC, err) == 0)
    r = 0;
  (void) close (p[1]);
  (void) TEMP_FAILURE_RETRY (waitpid (pid, NULL, 0));
  return r;
}
