/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup-fs.c: limits in a delegated cgroup v2 folder the user can write (given by an
   administrator, a container, or a systemd scope with Delegate=yes): a child folder
   sandbox-PID (PID: the launcher's) with the controllers enabled and the limits written;
   removed afterwards, or by the next run when the launcher was killed.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "config.h"
#include "error.h"
#include "log.h"
#include "util.h"

static bool
writable_cgroup (const char *dir)
{
  int dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  bool ok;

  if (dfd < 0)
    return false;
  ok = faccessat (dfd, ".", W_OK, 0) == 0 && faccessat (dfd, "cgroup.procs", W_OK, 0) == 0
       && faccessat (dfd, "cgroup.subtree_control", W_OK, 0) == 0;
  (void) close (dfd);
  return ok;
}

static bool
has_processes (const char *dir)
{
  char path[4096];
  cleanup_free char *procs = NULL;

  snprintf (path, sizeof path, "%s/cgroup.procs", dir);
  procs = read_file_at (AT_FDCWD, path, NULL);
  return procs == NULL || procs[0] != '\0';
}

/* The nearest folder above our own cgroup that we may write and that holds no process (so
   it can hand controllers down): a delegated scope whose processes sit in a leaf folder,
   or a folder an administrator delegated.  */
static char *
find_parent (struct sb_error **err)
{
  cleanup_free char *own = cgroup_path_of (getpid ());
  cleanup_free char *dir = NULL;
  char *slash;

  if (own == NULL)
    {
      sb_error_set (err, 0, "no delegated cgroup v2 folder: read /proc/self/cgroup: %s",
                    strerror (errno));
      return NULL;
    }
  dir = xstrdup (own);
  for (;;)
    {
      slash = strrchr (dir, '/');
      if (slash == NULL || strlen (dir) <= strlen (CGROUP_ROOT))
        break;
      *slash = '\0';
      if (!writable_cgroup (dir))
        break;
      if (!has_processes (dir))
        return steal_ptr (&dir);
    }
  sb_error_set (err, 0,
                "no delegated cgroup v2 folder: no folder above your cgroup '%s' is yours to "
                "write and free of processes (run in a scope with Delegate=yes, or ask for "
                "one and pass --cgroup-parent)",
                own + strlen (CGROUP_ROOT));
  return NULL;
}

/* A sandbox-PID folder whose launcher is gone and that holds no process: a killed run's.  */
static void
remove_stale (const char *parent)
{
  DIR *d = opendir (parent);
  struct dirent *de;

  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      unsigned pid;
      char end;

      if (de->d_type != DT_DIR || sscanf (de->d_name, "sandbox-%u%c", &pid, &end) != 1)
        continue;
      if (kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
        continue;
      if (unlinkat (dirfd (d), de->d_name, AT_REMOVEDIR) == 0)
        log_debug ("removed the stale cgroup '%s/%s'", parent, de->d_name);
    }
  closedir (d);
}

static const char *const controllers[] = { "memory", "cpu", "pids", "io" };

static int
enable_controllers (const struct config *cfg, const char *parent, struct sb_error **err)
{
  char path[4096];
  cleanup_free char *have = NULL;
  const char *missing;

  snprintf (path, sizeof path, "%s/cgroup.controllers", parent);
  have = read_file_at (AT_FDCWD, path, NULL);
  if (have == NULL)
    return sb_error_set (err, 0, "'%s' is not a cgroup v2 folder: %s", parent, strerror (errno));
  missing = cgroup_missing_controller (cfg, have);
  if (missing != NULL)
    return sb_error_set (err, 0,
                         "controller '%s' is not delegated to '%s' (enable it in its parent's "
                         "cgroup.subtree_control; for systemd, a drop-in with Delegate=cpu "
                         "cpuset io memory pids)",
                         missing, parent);
  snprintf (path, sizeof path, "%s/cgroup.subtree_control", parent);
  for (size_t i = 0; i < sizeof controllers / sizeof *controllers; i++)
    {
      char plus[16];

      if (!strstr (have, controllers[i]))
        continue;
      snprintf (plus, sizeof plus, "+%s", controllers[i]);
      /* pids.max, io.weight... exist in our folder only once the parent hands them down */
      if (write_file_at (AT_FDCWD, path, plus) < 0)
        return sb_error_set (err, 0, "enable '%s' in '%s': %s%s", controllers[i], parent,
                             strerror (errno),
                             errno == EBUSY ? " (it holds processes: pass an empty folder)" : "");
    }
  return 0;
}

int
cgroup_fs_prepare (const struct config *cfg, struct cgroup *cg, struct sb_error **err)
{
  const char *why = cgroup_v2_unavailable ();
  cleanup_free char *parent = NULL;

  if (why != NULL)
    return sb_error_set (err, 0, "no delegated cgroup v2 folder: %s", why);
  if (cfg->cgroup_parent != NULL)
    {
      if (!writable_cgroup (cfg->cgroup_parent))
        return sb_error_set (err, 0, "--cgroup-parent '%s': not a cgroup v2 folder you may write",
                             cfg->cgroup_parent);
      parent = xstrdup (cfg->cgroup_parent);
    }
  else if ((parent = find_parent (err)) == NULL)
    return -1;
  remove_stale (parent);
  if (enable_controllers (cfg, parent, err) < 0)
    return -1;
  cg->kind = CGROUP_KIND_FS;
  cg->parent = steal_ptr (&parent);
  return 0;
}

int
cgroup_fs_enter (const struct config *cfg, struct cgroup *cg, pid_t pid, struct sb_error **err)
{
  cleanup_free char *path = NULL;
  cleanup_close int dfd = -1;
  char num[32];

  if (asprintf (&path, "%s/sandbox-%d", cg->parent, (int) getpid ()) < 0)
    oom ();
  /* EEXIST: a killed launcher had our pid; its folder is empty, or rmdir says so */
  if (mkdir (path, 0755) < 0 && (errno != EEXIST || rmdir (path) < 0 || mkdir (path, 0755) < 0))
    return sb_error_set (err, errno, "mkdir '%s'", path);
  cg->path = xstrdup (path);
  dfd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return sb_error_set (err, errno, "open '%s'", path);
  if (cgroup_write_limits (cfg, dfd, path, err) < 0)
    return -1;
  snprintf (num, sizeof num, "%d", (int) pid);
  if (write_file_at (dfd, "cgroup.procs", num) < 0)
    return sb_error_set (err, errno, "move the sandbox into '%s'%s", path,
                         errno == EACCES || errno == EPERM
                             ? " (the launcher must run inside the delegated folder's subtree)"
                             : "");
  log_debug ("cgroup: pid %d in %s", (int) pid, path);
  return 0;
}

/* Waits (at most 5 s) until the kernel has taken the last process out of PATH.  */
static void
wait_unpopulated (const char *path)
{
  char events[4096];
  cleanup_close int fd = -1;

  snprintf (events, sizeof events, "%s/cgroup.events", path);
  fd = open (events, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  for (int i = 0; i < 50; i++)
    {
      char buf[256];
      ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
      struct pollfd p = { fd, POLLPRI, 0 };

      if (n <= 0)
        return;
      buf[n] = '\0';
      if (strstr (buf, "populated 0"))
        return;
      /* cgroup.events wakes POLLPRI on every change */
      if (poll (&p, 1, 100) < 0 && errno != EINTR)
        return;
    }
}

void
cgroup_fs_remove (struct cgroup *cg)
{
  if (cg->path == NULL)
    return;
  if (rmdir (cg->path) < 0 && errno == EBUSY)
    {
      wait_unpopulated (cg->path);
      if (rmdir (cg->path) < 0)
        log_warning ("remove the cgroup '%s': %s", cg->path, strerror (errno));
    }
}
