/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostpath.c: host paths for the launcher (see hostpath.h).  Comparisons use (device,
   inode): "cd /home", "HOME=/home/ann/" and a home reached through a symlink are all the
   same folders to these checks.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "error.h"
#include "hostpath.h"
#include "syscalls.h"
#include "util.h"

#define MAX_LINKS 40
#define MAX_DEPTH 256

struct file_id
file_id_of (const struct stat *st)
{
  struct file_id id = { .dev = st->st_dev, .ino = st->st_ino, .set = true };

  return id;
}

bool
file_id_eq (const struct file_id *a, const struct stat *st)
{
  return a->set && a->dev == st->st_dev && a->ino == st->st_ino;
}

static struct file_id
id_of_path (const char *path)
{
  struct stat st;
  struct file_id none = { 0 };

  return path != NULL && path[0] == '/' && stat (path, &st) == 0 ? file_id_of (&st) : none;
}

void
hostpath_ids_init (struct host_ids *ids, const char *home)
{
  static const char *const below[] = { "/dev", "/proc", "/sys", "/run" };
  struct stat st;
  int fd;

  memset (ids, 0, sizeof *ids);
  ids->root = id_of_path ("/");
  ids->tmp = id_of_path ("/tmp");
  ids->var_tmp = id_of_path ("/var/tmp");
  for (size_t i = 0; i < 4; i++)
    ids->below[i] = id_of_path (below[i]);
  ids->below[4] = id_of_path (getenv ("XDG_RUNTIME_DIR"));
  ids->home = id_of_path (home);
  if (!ids->home.set)
    return;
  /* a home path without symlinks: its prefixes are its ancestors */
  {
    cleanup_free char *clean = path_clean (NULL, home);
    struct path_chain chain;
    size_t end;
    bool plain = hostpath_chain_walk (clean, NULL, &chain, &end) == 0;

    if (plain)
      {
        ids->n_home_up = chain.n - 1;
        ids->home_up = xcalloc (chain.n, sizeof *ids->home_up);
        memcpy (ids->home_up, chain.ids, (chain.n - 1) * sizeof *ids->home_up);
      }
    hostpath_chain_free (&chain);
    if (plain)
      return;
  }
  /* else by "..": what the kernel means by them, whatever HOME's spelling */
  fd = open (home, O_PATH | O_DIRECTORY | O_CLOEXEC);
  for (int depth = 0; fd >= 0 && depth < MAX_DEPTH; depth++)
    {
      int up = openat (fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

      (void) close (fd);
      fd = up;
      if (fd < 0 || fstat (fd, &st) < 0)
        break;
      ids->home_up = xreallocarray (ids->home_up, ids->n_home_up + 1, sizeof *ids->home_up);
      ids->home_up[ids->n_home_up++] = file_id_of (&st);
      if (file_id_eq (&ids->root, &st))
        break;
    }
  if (fd >= 0)
    (void) close (fd);
}

void
hostpath_ids_free (struct host_ids *ids)
{
  free (ids->home_up);
  memset (ids, 0, sizeof *ids);
}

enum home_rel
hostpath_home_rel (const struct host_ids *ids, const struct stat *st)
{
  if (file_id_eq (&ids->home, st))
    return HOME_REL_HOME;
  if (file_id_eq (&ids->root, st))
    return HOME_REL_ABOVE;
  for (size_t i = 0; i < ids->n_home_up; i++)
    if (file_id_eq (&ids->home_up[i], st))
      return HOME_REL_ABOVE;
  return HOME_REL_NONE;
}

static bool
is_pseudo_fs (int fd)
{
  static const unsigned long magic[] = { PROC_SUPER_MAGIC,
                                         SYSFS_MAGIC,
                                         DEVPTS_SUPER_MAGIC,
                                         CGROUP_SUPER_MAGIC,
                                         CGROUP2_SUPER_MAGIC,
                                         DEBUGFS_MAGIC,
                                         TRACEFS_MAGIC,
                                         SECURITYFS_MAGIC,
                                         PSTOREFS_MAGIC,
                                         BPF_FS_MAGIC,
                                         0x62656570 /* configfs */,
                                         0x65735543 /* fusectl */,
                                         BINFMTFS_MAGIC,
                                         0x19800202 /* mqueue */,
                                         NSFS_MAGIC,
                                         EFIVARFS_MAGIC,
                                         SELINUX_MAGIC,
                                         SMACK_MAGIC,
                                         HUGETLBFS_MAGIC,
                                         AUTOFS_SUPER_MAGIC };
  struct statfs sf;

  if (fstatfs (fd, &sf) < 0)
    return true; /* unknown: not ordinary */
  for (size_t i = 0; i < sizeof magic / sizeof *magic; i++)
    if ((unsigned long) sf.f_type == magic[i])
      return true;
  return false;
}

bool
hostpath_is_system (const struct host_ids *ids, int fd)
{
  struct stat st;
  int cur = fd;
  bool sys = false;

  if (fstat (fd, &st) < 0)
    return true;
  if (file_id_eq (&ids->tmp, &st) || file_id_eq (&ids->var_tmp, &st) || is_pseudo_fs (fd))
    return true;
  for (int depth = 0; depth < MAX_DEPTH && !sys; depth++)
    {
      int up;

      for (size_t i = 0; i < sizeof ids->below / sizeof *ids->below; i++)
        sys |= file_id_eq (&ids->below[i], &st);
      if (sys || file_id_eq (&ids->root, &st))
        break;
      up = openat (cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (cur != fd)
        (void) close (cur);
      cur = up;
      if (cur < 0 || fstat (cur, &st) < 0)
        {
          sys = true; /* a folder we cannot climb out of is not ordinary */
          break;
        }
    }
  if (cur >= 0 && cur != fd)
    (void) close (cur);
  return sys;
}

/* A symlink no sandbox could have planted: root's, or the caller's in a folder that no
   sandbox may write (DIR, an O_PATH fd on the folder holding it).  */
static bool
trusted_link (const struct host_ids *ids, int dir, const struct stat *link)
{
  struct stat st;

  if (link->st_uid == 0)
    return true;
  if (link->st_uid != getuid () || fstat (dir, &st) < 0)
    return false;
  return hostpath_home_rel (ids, &st) != HOME_REL_NONE || hostpath_is_system (ids, dir);
}

static void
replace_fd (int *fd, int next)
{
  (void) close (*fd);
  *fd = next;
}

int
hostpath_resolve (const struct host_ids *ids, const char *what, const char *path, char **ret_real,
                  struct sb_error **err)
{
  cleanup_free char *todo = xstrdup (path);
  cleanup_close int cur = open (path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  char link[PATH_MAX], proc[64];
  char *rest = todo;
  int links = 0;
  ssize_t n;

  if (cur < 0)
    return sb_error_set (err, errno, "%s", what);
  while (*rest != '\0')
    {
      char *comp = rest + strspn (rest, "/");
      size_t len = strcspn (comp, "/");
      int next;
      struct stat st;

      rest = comp + len + (comp[len] == '/');
      comp[len] = '\0';
      if (len == 0 || strcmp (comp, ".") == 0)
        continue;
      next = openat (cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 || fstat (next, &st) < 0)
        {
          if (next >= 0)
            (void) close (next);
          return sb_error_set (err, errno, "%s", what);
        }
      if (!S_ISLNK (st.st_mode))
        {
          replace_fd (&cur, next);
          continue;
        }
      n = readlinkat (next, "", link, sizeof link - 1);
      (void) close (next);
      if (n <= 0 || ++links > MAX_LINKS)
        return sb_error_set (err, n <= 0 ? errno : ELOOP, "%s", what);
      link[n] = '\0';
      if (trusted_link (ids, cur, &st))
        {
          char *joined;

          /* go on with the link's text, then what followed it */
          if (asprintf (&joined, "%s/%s", link, rest) < 0)
            oom ();
          free (todo);
          todo = rest = joined;
          if (link[0] == '/')
            replace_fd (&cur, open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
          continue;
        }
      next = sys_openat2 (cur, link, O_PATH | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
      if (next < 0 && (errno == EXDEV || errno == ELOOP))
        return sb_error_set (err, 0,
                             "%s: '%s' is a symlink out of its folder (to '%s'), which a "
                             "sandbox could have made there; name the path it leads to",
                             what, comp, link);
      if (next < 0)
        return sb_error_set (err, errno, "%s", what);
      replace_fd (&cur, next);
    }
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", cur);
  n = readlink (proc, link, sizeof link - 1);
  if (n <= 0)
    return sb_error_set (err, errno, "%s", what);
  link[n] = '\0';
  *ret_real = xstrdup (link);
  return steal_fd (&cur);
}

bool
hostpath_below (const struct file_id *ancestor, const char *real, char **ret_rel)
{
  cleanup_free char *p = xstrdup (real);
  size_t len = strlen (p);

  if (!ancestor->set)
    return false;
  /* from REAL up to /: each prefix is a real folder (REAL is canonical) */
  for (;;)
    {
      struct stat st;

      if (stat (len ? p : "/", &st) == 0 && file_id_eq (ancestor, &st))
        {
          const char *rel = real + len;

          *ret_rel = xstrdup (rel + (*rel == '/'));
          return true;
        }
      if (len == 0)
        return false;
      while (len > 0 && p[len - 1] != '/')
        len--;
      if (len > 0)
        len--;
      p[len] = '\0';
    }
}

void
hostpath_chain (const char *real, struct path_chain *ret)
{
  cleanup_free char *p = xstrdup (real);
  size_t len = strlen (p);
  struct stat st;

  memset (ret, 0, sizeof *ret);
  ret->real = xstrdup (real);
  ret->ids = xcalloc (len + 2, sizeof *ret->ids);
  if (stat ("/", &st) == 0)
    ret->ids[0] = file_id_of (&st);
  ret->n = 1;
  for (size_t i = 1; len > 1 && i <= len; i++)
    if (i == len || p[i] == '/')
      {
        char c = p[i];

        p[i] = '\0';
        if (stat (p, &st) == 0)
          ret->ids[ret->n] = file_id_of (&st);
        ret->n++;
        p[i] = c;
      }
}

void
hostpath_chain_free (struct path_chain *c)
{
  free (c->real);
  free (c->ids);
  memset (c, 0, sizeof *c);
}

bool
hostpath_chain_rel (const struct path_chain *c, const struct file_id *id, char **ret_rel)
{
  for (size_t k = c->n; k-- > 0;)
    if (c->ids[k].set && c->ids[k].dev == id->dev && c->ids[k].ino == id->ino)
      {
        /* the Kth prefix ends before the Kth '/' after the first */
        const char *r = c->real;

        for (size_t j = 0; j < k && r != NULL; j++)
          r = strchr (r + 1, '/');
        *ret_rel = xstrdup (r == NULL ? "" : r + 1);
        return true;
      }
  return false;
}

int
hostpath_chain_walk (const char *path, const struct path_chain *hint, struct path_chain *ret,
                     size_t *ret_end)
{
  cleanup_free char *p = xstrdup (path);
  size_t len = strlen (p), end = 1;
  struct stat st;
  int r = 0;

  memset (ret, 0, sizeof *ret);
  ret->ids = xcalloc (len + 2, sizeof *ret->ids);
  if (hint != NULL && hint->n > 0)
    ret->ids[0] = hint->ids[0];
  else if (stat ("/", &st) == 0)
    ret->ids[0] = file_id_of (&st);
  ret->n = 1;
  for (size_t i = 1; len > 1 && i <= len; i++)
    if (i == len || p[i] == '/')
      {
        char c = p[i];
        bool known = false;

        p[i] = '\0';
        /* a prefix HINT walked already: the shared start of the home */
        if (hint != NULL && ret->n < hint->n && strncmp (hint->real, p, i) == 0
            && (hint->real[i] == '/' || hint->real[i] == '\0'))
          {
            ret->ids[ret->n] = hint->ids[ret->n];
            known = true;
          }
        else
          {
            int e = lstat (p, &st) < 0 ? errno : 0;

            if (e != 0 || S_ISLNK (st.st_mode))
              {
                r = e == ENOENT ? 1 : -1;
                p[i] = c;
                break;
              }
          }
        if (!known)
          ret->ids[ret->n] = file_id_of (&st);
        ret->n++;
        end = i;
        p[i] = c;
      }
  ret->real = strndup (path, end);
  if (ret->real == NULL)
    oom ();
  *ret_end = end;
  return r;
}

bool
hostpath_chain_is_system (const struct host_ids *ids, const struct path_chain *chain, int fd)
{
  const struct file_id *last = &chain->ids[chain->n - 1];

  if (!last->set || is_pseudo_fs (fd)
      || (last->dev == ids->tmp.dev && last->ino == ids->tmp.ino && ids->tmp.set)
      || (last->dev == ids->var_tmp.dev && last->ino == ids->var_tmp.ino && ids->var_tmp.set))
    return true;
  for (size_t k = 0; k < chain->n; k++)
    for (size_t i = 0; i < sizeof ids->below / sizeof *ids->below; i++)
      if (ids->below[i].set && chain->ids[k].set && chain->ids[k].dev == ids->below[i].dev
          && chain->ids[k].ino == ids->below[i].ino)
        return true;
  return false;
}
