/* SPDX-License-Identifier: GPL-2.0-or-later */
/* enter.c: --enter NAME [COMMAND].  Nothing on disk is trusted alone (firejail's
   CVE-2022-31214 joined a namespace a sandbox had planted): the name leads to a launcher
   folder in our private state folder; its launcher must be alive with the start time in
   the folder's name; pid 1 must be the launcher's child with its recorded start time; and
   the namespaces we join are opened from a process below pid 1 and each checked, by the fd
   we then pass to setns, against the identities the launcher recorded when it made them.
   A sandbox that made namespaces of its own (a nested user namespace, a new mount
   namespace) or replaced its processes cannot steer us into those.  The process then takes
   the command's credentials through the launch's own code: init_confine (bounding set,
   ids, capabilities, rlimits, no_new_privs) and sb_seccomp_install with the filter the
   launch compiled.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "enter.h"
#include "error.h"
#include "init.h"
#include "log.h"
#include "named-internal.h"
#include "seccomp.h"
#include "state.h"
#include "terminal.h"
#include "util.h"

const char *const enter_ns_names[ENTER_NS_COUNT]
    = { "user", "mnt", "pid", "net", "uts", "ipc", "cgroup" };

extern char **environ;

static pid_t
parent_of (pid_t pid)
{
  cleanup_free char *stat = NULL;
  char path[64];
  const char *p;
  int ppid = 0;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  stat = read_file_at (AT_FDCWD, path, NULL);
  p = stat ? strrchr (stat, ')') : NULL;
  if (p == NULL || sscanf (p, ") %*c %d", &ppid) != 1)
    return 0;
  return ppid;
}

static bool
below (pid_t pid, pid_t root)
{
  for (int depth = 0; depth < 4096 && pid > 1; depth++)
    {
      pid = parent_of (pid);
      if (pid == root)
        return true;
    }
  return false;
}

/* Opens PID's namespaces into FDS; true when every one is the recorded one (WANT).  */
static bool
open_checked_ns (pid_t pid, struct json_object *want, int *fds)
{
  for (size_t i = 0; i < ENTER_NS_COUNT; i++)
    {
      char path[64], id[64];
      struct stat st;

      snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, enter_ns_names[i]);
      fds[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0 || fstat (fds[i], &st) < 0)
        return false;
      /* pid 1 makes the command's cgroup namespace after the launcher looked: it must be
         one of the sandbox's user namespace, which the sandbox itself could make anyway */
      if (strcmp (enter_ns_names[i], "cgroup") == 0)
        {
          cleanup_close int owner = ioctl (fds[i], NS_GET_USERNS);

          if (owner < 0 || fstat (owner, &st) < 0)
            return false;
        }
      snprintf (id, sizeof id, "%llu:%llu", (unsigned long long) st.st_dev,
                (unsigned long long) st.st_ino);
      if (strcmp (id, sb_json_str_or (want,
                                      strcmp (enter_ns_names[i], "cgroup") == 0 ? "user"
                                                                                : enter_ns_names[i],
                                      ""))
          != 0)
        return false;
    }
  /* only the user who started it: its user namespace is ours */
  {
    uid_t owner;

    if (ioctl (fds[0], NS_GET_OWNER_UID, &owner) < 0 || owner != geteuid ())
      return false;
  }
  return true;
}

static void
close_all (int *fds)
{
  for (size_t i = 0; i < ENTER_NS_COUNT; i++)
    closep (&fds[i]);
}

/* Finds a process below ROOT in the recorded namespaces and opens them.  */
static bool
find_namespaces (pid_t root, struct json_object *want, int *fds)
{
  bool found = false;

  /* pid 1's children first (the command, usually), then what is below them */
  for (int pass = 0; pass < 2 && !found; pass++)
    {
      DIR *d = opendir ("/proc");
      struct dirent *de;

      while (!found && d != NULL && (de = readdir (d)) != NULL)
        {
          pid_t pid = (pid_t) strtol (de->d_name, NULL, 10);

          if (pid <= 1 || pid == root || (pass == 0 ? parent_of (pid) != root : !below (pid, root)))
            continue;
          found = open_checked_ns (pid, want, fds);
          if (!found)
            close_all (fds);
        }
      if (d != NULL)
        closedir (d);
    }
  return found;
}

struct json_object *
enter_load_checked (const char *name, const char *what, char **ret_run_dir, int *fds,
                    struct sb_error **err)
{
  cleanup_free char *run_dir = NULL;
  struct json_object *state, *ns;
  struct state_owner o;
  struct stat st;
  pid_t pid;

  for (size_t i = 0; i < ENTER_NS_COUNT; i++)
    fds[i] = -1;
  if (state_name_lookup (name, &run_dir, &o) < 0)
    {
      sb_error_set (err, 0, "%s: no running sandbox has this name", what);
      return NULL;
    }
  /* ours alone: made by our launcher, in our private folder */
  if (lstat (run_dir, &st) < 0 || !S_ISDIR (st.st_mode) || st.st_uid != geteuid ()
      || (st.st_mode & 0077) != 0)
    {
      sb_error_set (err, 0, "%s: its state folder is not a private folder of yours", what);
      return NULL;
    }
  state = named_read_state (run_dir);
  pid = state ? (pid_t) sb_json_int_or (state, "pid", 0) : 0;
  ns = sb_json_member (state, "namespaces", json_type_object);
  if (state == NULL || ns == NULL || pid <= 1 || sb_json_int_or (state, "launcher", 0) != o.pid
      || parent_of (pid) != o.pid
      || state_start_time (pid) != (unsigned long long) sb_json_int_or (state, "pid_start", 0)
      || !state_owner_alive (&o))
    {
      json_object_put (state);
      sb_error_set (err, 0, "%s: its state does not match the running sandbox", what);
      return NULL;
    }
  /* the command is not dumpable between pid 1's fork and its exec, so its namespaces cannot
     be opened then: a sandbox that has just started (--detach returns once the command is
     released) is looked at again, for up to 0.5 s */
  bool found = find_namespaces (pid, ns, fds);

  for (int i = 0; !found && i < 50 && state_owner_alive (&o); i++)
    {
      (void) nanosleep (&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
      found = find_namespaces (pid, ns, fds);
    }
  if (!found)
    {
      json_object_put (state);
      sb_error_set (err, 0, "%s: no process of the sandbox is in the namespaces its launcher made",
                    what);
      return NULL;
    }
  *ret_run_dir = steal_ptr (&run_dir);
  return state;
}

/* The sandbox's command's credentials, from its state: what init_confine and
   sb_seccomp_install read.  */
static int
fill_config (struct config *ec, struct json_object *state, const char *run_dir,
             struct sb_error **err)
{
  struct json_object *v;

  config_init (ec);
  ec->uid = (unsigned) sb_json_int_or (state, "uid", 0);
  ec->gid = (unsigned) sb_json_int_or (state, "gid", 0);
  ec->caps = strtoull (sb_json_str_or (state, "caps", ""), NULL, 10);
  ec->map_root = json_object_get_boolean (sb_json_member (state, "map_root", json_type_boolean));
  v = sb_json_member (state, "rlimits", json_type_array);
  for (size_t i = 0; v != NULL && i < json_object_array_length (v); i++)
    {
      struct json_object *r = json_object_array_get_idx (v, i);

      ec->rlimits = xreallocarray (ec->rlimits, ec->n_rlimits + 1, sizeof *ec->rlimits);
      ec->rlimits[ec->n_rlimits++] = (struct rlimit_op){
        (int) json_object_get_int64 (json_object_array_get_idx (r, 0)),
        (rlim_t) json_object_get_uint64 (json_object_array_get_idx (r, 1)),
        (rlim_t) json_object_get_uint64 (json_object_array_get_idx (r, 2)),
      };
    }
  ec->envp = xcalloc (1, sizeof (char *));
  v = sb_json_member (state, "env", json_type_array);
  for (size_t i = 0; v != NULL && i < json_object_array_length (v); i++)
    strv_push (&ec->envp, xstrdup (json_object_get_string (json_object_array_get_idx (v, i))));
  /* the filter the launch compiled: confined sandboxes have one, and it must be there */
  if (json_object_get_boolean (sb_json_member (state, "seccomp", json_type_boolean)))
    {
      cleanup_close int dir = open (run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      size_t len = 0;
      char *bpf
          = dir < 0 ? NULL : read_regular_file_at (dir, ENTER_FILTER_FILE, 1u << 20, &len, NULL);

      if (bpf == NULL || len == 0 || len % 8 != 0)
        {
          free (bpf);
          return sb_error_set (err, 0, "--enter: the sandbox's seccomp filter is missing");
        }
      ec->seccomp_bpf.insns = bpf;
      ec->seccomp_bpf.len = len;
    }
  return 0;
}

static int
join_cgroup (struct json_object *state, struct sb_error **err)
{
  const char *cg = sb_json_str_or (state, "cgroup", "");
  cleanup_close int dir = -1;
  char pid[32];

  if (cg[0] != '/')
    return 0;
  dir = open (cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  snprintf (pid, sizeof pid, "%d", (int) getpid ());
  if (dir < 0 || write_file_at (dir, "cgroup.procs", pid) < 0)
    return sb_error_set (err, errno, "--enter: join the cgroup '%s'", cg);
  return 0;
}

/* A namespace the sandbox shares with us (the cgroup one, without limits): nothing to join
   (and setns refuses our own user namespace).  */
static bool
same_as_ours (int fd, const char *name)
{
  char path[64];
  struct stat a, b;

  snprintf (path, sizeof path, "/proc/self/ns/%s", name);
  return fstat (fd, &a) == 0 && stat (path, &b) == 0 && a.st_dev == b.st_dev
         && a.st_ino == b.st_ino;
}

static bool
same_file (int a, int b)
{
  struct stat x, y;

  return fstat (a, &x) == 0 && fstat (b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* Relays between the caller's terminal and the pty until CHILD has ended; signals sent to
   us go to it.  */
static int
wait_child (pid_t child, int sfd, struct term_relay *relay, int *ret_wstatus, struct sb_error **err)
{
  for (;;)
    {
      struct pollfd fds[1 + TERM_RELAY_NFDS] = { { sfd, POLLIN, 0 } };
      struct signalfd_siginfo si;

      terminal_relay_poll (relay, fds + 1);
      if (poll (fds, 1 + TERM_RELAY_NFDS, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return sb_error_set (err, errno, "poll");
        }
      terminal_relay_io (relay, fds + 1);
      if (!fds[0].revents || TEMP_FAILURE_RETRY (read (sfd, &si, sizeof si)) != (ssize_t) sizeof si)
        continue;
      if (si.ssi_signo == SIGCHLD)
        {
          if (TEMP_FAILURE_RETRY (waitpid (child, ret_wstatus, WNOHANG)) == child)
            return 0;
        }
      else if (si.ssi_signo == SIGWINCH)
        terminal_relay_resize (relay);
      else if (si.ssi_signo == SIGCONT)
        terminal_relay_continued (relay);
      else
        (void) kill (child, (int) si.ssi_signo);
    }
}

_Noreturn void
enter_exec (const struct config *ec, char *const *argv, const char *cwd,
            const struct term_plan *term, int slave)
{
  struct sb_error *err = NULL;
  sigset_t none;
  int e;

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  /* no fd of ours enters, only the ones the caller passes on (ec->keep_fds) */
  (void) fds_close_except (ec->keep_fds, ec->n_keep_fds, true);
  for (size_t i = 0; i < ec->n_keep_fds; i++)
    (void) fcntl (ec->keep_fds[i], F_SETFD, 0);
  /* a session of its own, on a pty of the sandbox's when the caller has a terminal: the
     caller's terminal is never its controlling one (TIOCSTI), as for the first command */
  if (terminal_attach (term, slave) < 0)
    sb_error_set (&err, errno, "set up the terminal");
  else if (chdir (cwd) < 0 && chdir ("/") < 0)
    sb_error_set (&err, errno, "chdir '/'");
  else if (init_confine (ec, &err) == 0)
    {
      cleanup_free char *full = NULL;
      const char *path = argv[0];

      environ = ec->envp;
      /* PATH looked up as for the first command (init.c), before the policy: a PATH
         folder the sandbox may not search does not turn "not found" into 126 */
      e = 0;
      if (strchr (argv[0], '/') == NULL)
        path = full = init_find_command (environ, argv[0], &e);
      if (path != NULL && sb_seccomp_install (ec, &err) == 0)
        {
          execve (path, argv, environ);
          e = errno;
        }
      if (err == NULL)
        {
          if (e == ENOENT)
            log_error ("'%s': command not found", argv[0]);
          else
            log_error ("'%s': %s", argv[0], strerror (e));
          _exit (e == ENOENT ? 127 : 126);
        }
    }
  {
    cleanup_free char *text = sb_error_text (err);

    log_error ("%s", text);
  }
  _exit (125);
}

int
enter_open (const char *name, struct enter_target *t, struct sb_error **err)
{
  t->state = NULL;
  t->run_dir = NULL;
  config_init (&t->ec);
  cleanup_free char *what = NULL;

  if (asprintf (&what, "--enter '%s'", name) < 0)
    oom ();
  t->state = enter_load_checked (name, what, &t->run_dir, t->fds, err);
  if (t->state == NULL)
    return -1;
  t->launcher = (pid_t) sb_json_int_or (t->state, "launcher", 0);
  t->cwd = sb_json_str_or (t->state, "cwd", "");
  t->shell = sb_json_str_or (t->state, "shell", "");
  config_free (&t->ec);
  return fill_config (&t->ec, t->state, t->run_dir, err);
}

int
enter_join (const char *name, struct enter_target *t, struct sb_error **err)
{
  if (join_cgroup (t->state, err) < 0)
    return -1;
  /* from now on we hold the sandbox's capabilities: nothing inside may trace or read us */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return sb_error_set (err, errno, "prctl");
  /* one the sandbox joined rather than made belongs to an outer user namespace, where the
     sandbox's holds no power: podman's network namespace (owned by the user namespace we run
     in), or --net sandbox:NAME's (owned by NAME's, which we enter first).  It is joined
     before the sandbox's user namespace, while we still have capabilities over it.  */
  bool first[ENTER_NS_COUNT];

  for (size_t i = 0; i < ENTER_NS_COUNT; i++)
    {
      cleanup_close int owner = i > 0 ? ioctl (t->fds[i], NS_GET_USERNS) : -1;

      first[i] = owner >= 0 && !same_file (owner, t->fds[0])
                 && !same_as_ours (t->fds[i], enter_ns_names[i]);
      if (first[i] && !same_as_ours (owner, "user") && setns (owner, CLONE_NEWUSER) < 0)
        return sb_error_set (err, errno, "--enter '%s': setns the user namespace of its %s", name,
                             enter_ns_names[i]);
      if (first[i] && setns (t->fds[i], 0) < 0)
        return sb_error_set (err, errno, "--enter '%s': setns %s", name, enter_ns_names[i]);
    }
  /* (once in the sandbox's mounts, /proc is its own: what was joined first is skipped) */
  for (size_t i = 0; i < ENTER_NS_COUNT; i++)
    if (!first[i] && !same_as_ours (t->fds[i], enter_ns_names[i]) && setns (t->fds[i], 0) < 0)
      return sb_error_set (err, errno, "--enter '%s': setns %s", name, enter_ns_names[i]);
  return 0;
}

void
enter_close (struct enter_target *t)
{
  if (t->state != NULL)
    close_all (t->fds);
  json_object_put (t->state);
  t->state = NULL;
  free (steal_ptr (&t->run_dir));
  config_free (&t->ec);
}

static const int relayed_signals[]
    = { SIGCHLD, SIGWINCH, SIGCONT, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, 0 };

pid_t
enter_spawn (const struct enter_target *t, char *const *argv, const char *cwd,
             const struct term_plan *term, int slave, int *ret_sfd, struct sb_error **err)
{
  sigset_t set;
  pid_t child;

  sigemptyset (&set);
  for (const int *sig = relayed_signals; *sig; sig++)
    sigaddset (&set, *sig);
  sigprocmask (SIG_BLOCK, &set, NULL);
  *ret_sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (*ret_sfd < 0)
    return sb_error_set (err, errno, "signalfd");
  fflush (NULL);
  child = fork ();
  if (child < 0)
    {
      closep (ret_sfd);
      return sb_error_set (err, errno, "fork");
    }
  if (child == 0)
    enter_exec (&t->ec, argv, cwd, term, slave);
  return child;
}

int
enter_wait (pid_t child, int sfd, struct term_relay *relay, int master, int *ret_status,
            struct sb_error **err)
{
  int status;

  if ((master >= 0 && terminal_relay_start (relay, master, err) < 0)
      || wait_child (child, sfd, relay, &status, err) < 0)
    {
      (void) kill (child, SIGKILL);
      (void) TEMP_FAILURE_RETRY (waitpid (child, NULL, 0));
      return -1;
    }
  *ret_status = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  return 0;
}

int
enter_run (const struct config *cfg, int *ret_status, struct sb_error **err)
{
  struct enter_target t;
  int r = -1, master = -1, slave = -1;
  cleanup_close int sfd = -1;
  struct term_plan term;
  struct term_relay relay;
  sigset_t old;
  pid_t child;
  char *shell_argv[2] = { NULL, NULL };
  char *const *argv = cfg->argv != NULL ? cfg->argv : shell_argv;

  terminal_plan (&term);
  terminal_relay_init (&relay, &term);
  sigprocmask (SIG_SETMASK, NULL, &old);
  if (enter_open (cfg->enter, &t, err) < 0 || enter_join (cfg->enter, &t, err) < 0)
    goto out;
  shell_argv[0] = (char *) t.shell;
  /* in the sandbox's root: a pty of its devpts, as pid 1 makes the first command's */
  if (terminal_open_pty (&term, t.ec.uid, t.ec.gid, &master, &slave, err) < 0)
    goto out;
  child = enter_spawn (&t, argv, t.cwd, &term, slave, &sfd, err);
  if (child < 0)
    goto out;
  closep (&slave);
  r = enter_wait (child, sfd, &relay, steal_fd (&master), ret_status, err);
out:
  terminal_relay_end (&relay);
  closep (&master);
  closep (&slave);
  sigprocmask (SIG_SETMASK, &old, NULL);
  enter_close (&t);
  return r;
}
