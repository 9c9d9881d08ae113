/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state.c: the per-user runtime folder and each launcher's own folder in it.  Sockets of
   the helpers have to be on disk while the sandbox starts (xdg-dbus-proxy and slirp4netns
   take a path), and a SIGKILL of the launcher leaves them there.  So every such item sits in
   the launcher's folder, named after the launcher (pid namespace, pid and start time), and
   every start removes the folders of launchers that are gone: a pid alone could be a new
   process's by now, a start time cannot.  A live launcher's folder is never touched.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "enter.h"
#include "error.h"
#include "fault.h"
#include "log.h"
#include "named-internal.h"
#include "state.h"
#include "util.h"

/* An old version's empty folder may belong to a launcher between its mkdtemp and its
   helper's bind (milliseconds): one this old is not.  */
#define OLD_LEFTOVER_AGE 60

/* A folder in a tree of ours is removed this deep at most: run-PIDNS-PID-START/dbus/bus */
#define MAX_DEPTH 2

static const char *
runtime_base (void)
{
  const char *xdg = user_runtime_dir (), *tmp = getenv ("TMPDIR");
  struct stat st;

  if (xdg != NULL && stat (xdg, &st) == 0 && S_ISDIR (st.st_mode) && access (xdg, W_OK) == 0)
    return xdg;
  return tmp != NULL && tmp[0] == '/' ? tmp : "/tmp";
}

char *
state_dir_path (void)
{
  const char *xdg = user_runtime_dir (), *base = runtime_base ();
  char *path;
  int r;

  /* $XDG_RUNTIME_DIR is the user's own; a shared /tmp needs the uid in the name */
  if (xdg != NULL && base == xdg)
    r = asprintf (&path, "%s/sandbox", base);
  else
    r = asprintf (&path, "%s/sandbox-%u", base, (unsigned) geteuid ());
  if (r < 0)
    oom ();
  return path;
}

/* The per-user folder, made when CREATE; -1 with errno ENOENT when it is not there.  It must
   be a folder of ours that nobody else may enter: in /tmp anyone may make that name.  */
static int
open_state_dir (bool create, const char *path, struct sb_error **err)
{
  cleanup_close int fd = -1;
  struct stat st;

  if (create && mkdir (path, 0700) < 0 && errno != EEXIST)
    return sb_error_set (err, errno, "mkdir '%s'", path);
  fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return sb_error_set (err, errno, "open '%s'", path);
  if (fstat (fd, &st) < 0)
    return sb_error_set (err, errno, "stat '%s'", path);
  if (st.st_uid != geteuid () || (st.st_mode & 0077) != 0)
    return sb_error_set (err, 0, "'%s' is not a private folder of yours: remove it", path);
  return steal_fd (&fd);
}

/* Field 22 of /proc/PID/stat, after the command name (which may hold spaces and ')'); 0
   when there is no such process, or a zombie.  */
unsigned long long
state_start_time (pid_t pid)
{
  cleanup_free char *stat = NULL;
  char path[64];
  const char *p;
  unsigned long long start = 0;
  char state = 0;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  stat = read_file_at (AT_FDCWD, path, NULL);
  p = stat ? strrchr (stat, ')') : NULL;
  /* ") S ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
     cutime cstime priority nice threads itrealvalue starttime" */
  if (p == NULL
      || sscanf (p,
                 ") %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
                 "%*d %llu",
                 &state, &start)
             != 2)
    return 0;
  /* a zombie is gone: what it held died with it, whoever has yet to reap it */
  return state == 'Z' || state == 'X' ? 0 : start;
}

static unsigned long long
pid_namespace (const char *proc_pid)
{
  char path[64];
  struct stat st;

  snprintf (path, sizeof path, "/proc/%s/ns/pid", proc_pid);
  return stat (path, &st) == 0 ? (unsigned long long) st.st_ino : 0;
}

int
state_parse_owner (const char *name, struct state_owner *ret)
{
  struct state_owner o;
  char again[96];
  int pid;

  /* only the canonical spelling: no sign, no space, no leading zero */
  if (sscanf (name, "run-%llu-%d-%llu", &o.pidns, &pid, &o.start) != 3 || pid <= 0 || o.pidns == 0
      || o.start == 0)
    return -1;
  snprintf (again, sizeof again, "run-%llu-%d-%llu", o.pidns, pid, o.start);
  if (strcmp (again, name) != 0)
    return -1;
  o.pid = pid;
  *ret = o;
  return 0;
}

bool
state_owner_alive (const struct state_owner *owner)
{
  /* ours does not change (setns into a pid namespace changes our children's): one look,
     not one per folder and name that a sweep or --list checks */
  static unsigned long long ours;

  if (ours == 0)
    ours = pid_namespace ("self");
  /* another pid namespace's numbers mean nothing here: leave its folders alone */
  if (ours == 0 || owner->pidns != ours)
    return true;
  return state_start_time (owner->pid) == owner->start;
}

/* Removes NAME under DIRFD and what is below it, DEPTH levels at most; symlinks are removed,
   never followed.  */
static void
remove_tree (int at, const char *name, int depth)
{
  int fd = openat (at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  struct dirent *de;

  if (d == NULL)
    {
      if (fd >= 0)
        (void) close (fd);
      (void) unlinkat (at, name, 0);
      return;
    }
  while ((de = readdir (d)) != NULL)
    {
      struct stat st;
      bool dir = de->d_type == DT_DIR;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (de->d_type == DT_UNKNOWN)
        dir = fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
              && S_ISDIR (st.st_mode);
      if (dir && depth > 0)
        remove_tree (dirfd (d), de->d_name, depth - 1);
      else
        (void) unlinkat (dirfd (d), de->d_name, 0);
    }
  closedir (d);
  (void) unlinkat (at, name, AT_REMOVEDIR);
}

/* The launcher's folder PATH.  A plain run leaves only its state and the filter in it:
   those are removed by name, and the folder then goes without a read of it (on ext4 a
   folder's read builds a hash tree of its entries); what else is left is found and
   removed.  */
static void
remove_run_dir (const char *path)
{
  static const char *const known[] = { STATE_FILE, ENTER_FILTER_FILE };
  cleanup_close int fd = open (path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd >= 0)
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
      (void) unlinkat (fd, known[i], 0);
  if (rmdir (path) < 0 && errno != ENOENT)
    remove_tree (AT_FDCWD, path, MAX_DEPTH);
}

const char *
state_run_dir (struct config *cfg, struct sb_error **err)
{
  cleanup_free char *base = NULL, *path = NULL;
  cleanup_close int fd = -1;
  char self[32];

  if (cfg->run_dir != NULL)
    return cfg->run_dir;
  base = state_dir_path ();
  fd = open_state_dir (true, base, err);
  if (fd < 0)
    return NULL;
  snprintf (self, sizeof self, "%d", (int) getpid ());
  if (asprintf (&path, "%s/run-%llu-%s-%llu", base, pid_namespace ("self"), self,
                state_start_time (getpid ()))
      < 0)
    oom ();
  if (mkdir (path, 0700) < 0)
    {
      sb_error_set (err, errno, "mkdir '%s'", path);
      return NULL;
    }
  cfg->run_dir = steal_ptr (&path);
  log_debug ("state folder '%s'", cfg->run_dir);
  fault_point (FAULT_RUN_DIR);
  return cfg->run_dir;
}

void
state_run_remove (struct config *cfg)
{
  if (cfg->run_dir == NULL)
    return;
  /* the name first: a link to a folder that is gone would be a dead launcher's */
  if (cfg->name_claimed)
    {
      cleanup_free char *base = state_dir_path ();
      cleanup_free char *link = NULL;
      char target[256];
      ssize_t n;

      if (asprintf (&link, "%s/%s", base, cfg->name) < 0)
        oom ();
      n = readlink (link, target, sizeof target - 1);
      if (n > 0)
        {
          target[n] = '\0';
          if (strcmp (target, strrchr (cfg->run_dir, '/') + 1) == 0)
            (void) unlink (link);
        }
      cfg->name_claimed = false;
    }
  remove_run_dir (cfg->run_dir);
  free (steal_ptr (&cfg->run_dir));
}

/* The owner of the name link NAME in AT: 0, -1 when it is not a link of ours (then it is
   left alone), 1 when it is one whose launcher is gone (then it is removed).  */
static int
name_owner (int at, const char *name, struct state_owner *ret)
{
  char target[256];
  ssize_t n = readlinkat (at, name, target, sizeof target - 1);

  if (n <= 0)
    return -1;
  target[n] = '\0';
  if (state_parse_owner (target, ret) < 0)
    return -1;
  if (state_owner_alive (ret))
    return 0;
  /* the folder first: a new launcher may take the name as soon as the link is gone */
  remove_tree (at, target, MAX_DEPTH);
  (void) unlinkat (at, name, 0);
  return 1;
}

int
state_name_claim (struct config *cfg, const char *name, struct sb_error **err)
{
  cleanup_free char *base = state_dir_path ();
  cleanup_close int fd = -1;
  const char *dir = state_run_dir (cfg, err);

  if (dir == NULL)
    return -1;
  fd = open_state_dir (false, base, err);
  if (fd < 0)
    return -1;
  for (int tries = 0; tries < 3; tries++)
    {
      struct state_owner o;

      if (symlinkat (strrchr (dir, '/') + 1, fd, name) == 0)
        {
          cfg->name_claimed = true;
          return 0;
        }
      if (errno != EEXIST)
        return sb_error_set (err, errno, "--name '%s': symlink in '%s'", name, base);
      if (name_owner (fd, name, &o) <= 0)
        break;
    }
  return sb_error_set (err, 0, "--name '%s': a running sandbox has this name", name);
}

int
state_name_lookup (const char *name, char **ret_run_dir, struct state_owner *ret_owner)
{
  cleanup_free char *base = state_dir_path ();
  struct sb_error *err = NULL;
  cleanup_close int fd = open_state_dir (false, base, &err);
  struct state_owner o;
  char *path;

  sb_error_free (&err);
  if (fd < 0 || strchr (name, '/') != NULL || name[0] == '.' || name_owner (fd, name, &o) != 0)
    {
      errno = ENOENT;
      return -1;
    }
  if (asprintf (&path, "%s/run-%llu-%d-%llu", base, o.pidns, (int) o.pid, o.start) < 0)
    oom ();
  *ret_run_dir = path;
  *ret_owner = o;
  return 0;
}

/* The state folder, to read its entries (*RET_BASE: its path), or NULL when there is none
   that is ours.  */
static DIR *
open_state_listing (char **ret_base)
{
  char *base = state_dir_path ();
  struct sb_error *err = NULL;
  int fd = open_state_dir (false, base, &err);
  DIR *d;

  sb_error_free (&err);
  d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL)
    {
      if (fd >= 0)
        (void) close (fd);
      free (base);
      return NULL;
    }
  *ret_base = base;
  return d;
}

void
state_name_foreach (void (*fn) (const char *name, const char *run_dir,
                                const struct state_owner *owner, void *data),
                    void *data)
{
  cleanup_free char *base = NULL;
  struct dirent *de;
  DIR *d = open_state_listing (&base);

  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      struct state_owner o;
      char path[512];

      if ((de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
          || name_owner (dirfd (d), de->d_name, &o) != 0)
        continue;
      snprintf (path, sizeof path, "%s/run-%llu-%d-%llu", base, o.pidns, (int) o.pid, o.start);
      fn (de->d_name, path, &o, data);
    }
  closedir (d);
}

static void
sweep_launchers (void)
{
  cleanup_free char *path = NULL;
  struct dirent *de;
  DIR *d = open_state_listing (&path);

  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      struct state_owner o;

      if (de->d_type == DT_LNK)
        {
          (void) name_owner (dirfd (d), de->d_name, &o);
          continue;
        }
      if (state_parse_owner (de->d_name, &o) < 0 || state_owner_alive (&o))
        continue;
      log_debug ("removing '%s/%s': its launcher is gone", path, de->d_name);
      remove_tree (dirfd (d), de->d_name, MAX_DEPTH);
    }
  closedir (d);
}

/* Whether the old version's socket SOCK in the folder DIR has a listener: 1 yes, 0 no
   (refused), -1 cannot tell (slirp4netns's belongs to the sandbox's root).  */
static int
socket_listening (int dir, const char *sock)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  if (fd < 0
      || (size_t) snprintf (sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dir, sock)
             >= sizeof sa.sun_path)
    return -1;
  if (connect (fd, (struct sockaddr *) &sa, sizeof sa) == 0 || errno == EAGAIN)
    return 1;
  return errno == ECONNREFUSED ? 0 : -1;
}

/* An old version's folder NAME in AT (sandbox-dbus.XXXXXX or sandbox-net.XXXXXX): ours,
   holding only what that version put there, and used by nobody.  */
static bool
old_leftover (int at, const char *name, const char *const *allowed)
{
  cleanup_close int fd = openat (at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  bool refused = false, unknown = false;
  struct stat st;
  struct dirent *de;
  DIR *d;

  if (fd < 0 || fstat (fd, &st) < 0 || st.st_uid != geteuid ())
    return false;
  d = fdopendir (fcntl (fd, F_DUPFD_CLOEXEC, 0));
  if (d == NULL)
    return false;
  while ((de = readdir (d)) != NULL)
    {
      struct stat s;
      bool known = false;
      int r;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      for (const char *const *a = allowed; *a != NULL; a++)
        known |= strcmp (de->d_name, *a) == 0;
      if (!known || fstatat (fd, de->d_name, &s, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK (s.st_mode))
        {
          closedir (d);
          return false; /* not what that version made: not ours to remove */
        }
      r = socket_listening (fd, de->d_name);
      if (r == 1)
        {
          closedir (d);
          return false;
        }
      refused |= r == 0;
      unknown |= r < 0;
    }
  closedir (d);
  /* a refused socket: its helper is dead; else only the age tells */
  return (refused && !unknown) || st.st_mtime + OLD_LEFTOVER_AGE < time (NULL);
}

/* mkdtemp's "XXXXXX": six letters or digits */
static bool
mkdtemp_name (const char *name, const char *prefix)
{
  size_t n = strlen (prefix);

  if (strncmp (name, prefix, n) != 0 || strlen (name + n) != 6)
    return false;
  for (const char *p = name + n; *p != '\0'; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
      return false;
  return true;
}

/* What versions before the state folder left in $XDG_RUNTIME_DIR (or $TMPDIR, /tmp) */
static void
sweep_old_versions (void)
{
  static const char *const dbus_names[] = { "bus", "system_bus_socket", NULL };
  static const char *const net_names[] = { "api.sock", NULL };
  const char *base = runtime_base ();
  DIR *d = opendir (base);
  struct dirent *de;

  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      const char *const *allowed = NULL;

      if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
        continue;
      if (mkdtemp_name (de->d_name, "sandbox-dbus."))
        allowed = dbus_names;
      else if (mkdtemp_name (de->d_name, "sandbox-net."))
        allowed = net_names;
      if (allowed == NULL || !old_leftover (dirfd (d), de->d_name, allowed))
        continue;
      log_debug ("removing '%s/%s': an older version's, unused", base, de->d_name);
      remove_tree (dirfd (d), de->d_name, 0);
    }
  closedir (d);
}

void
state_sweep (void)
{
  sweep_launchers ();
  sweep_old_versions ();
  fault_point (FAULT_SWEEP);
}
