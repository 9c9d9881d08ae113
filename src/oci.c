/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci.c: sandbox-oci, the OCI runtime command line (runtime-spec runtime.md, and the
   options podman, conmon, containerd and CRI-O pass as they pass them to crun and runc).
   A container is a sandbox: config.json becomes a struct config (oci-config.c), and the
   launcher runs it (launch_run_hooked).  `create` forks a monitor, the launcher of that
   sandbox, which outlives the call: once the sandbox is built its ready hook writes
   state.json and the pid file, tells `create` it may return, and waits on exec.fifo until
   `start` writes to it; then the launcher releases the command and waits for its end,
   which it writes to the container's folder (oci-state.c).  Errors are one line on
   stderr (and in --log) and exit 1, the engines' convention.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "caps.h"
#include "config.h"
#include "error.h"
#include "launch.h"
#include "log.h"
#include "named.h"
#include "oci.h"
#include "plan.h"
#include "seccomp.h"
#include "state.h"
#include "util.h"

/* the global options */
struct oci_globals
{
  char *root;
  const char *log;
  bool log_json;
  bool no_stderr; /* a monitor once `create` returned: its stderr is the container's */
};

static struct oci_globals g;

/* The one line of an error: stderr, and the --log file (a JSON object per line with
   --log-format json, as crun writes it: podman reads the last "msg" from there).  */
static int
fail (struct sb_error *e)
{
  cleanup_free char *text = sb_error_text (e);

  if (!g.no_stderr)
    fprintf (stderr, "sandbox-oci: %s\n", text);
  if (g.log != NULL)
    {
      FILE *f = fopen (g.log, "ae");

      if (f != NULL)
        {
          if (g.log_json)
            {
              struct json_object *o = json_object_new_object ();
              char when[64];
              time_t now = time (NULL);

              strftime (when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime (&now));
              json_object_object_add (o, "level", json_object_new_string ("error"));
              json_object_object_add (o, "msg", json_object_new_string (text));
              json_object_object_add (o, "time", json_object_new_string (when));
              fprintf (f, "%s\n",
                       json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN
                                                              | JSON_C_TO_STRING_NOSLASHESCAPE));
              json_object_put (o);
            }
          else
            fprintf (f, "sandbox-oci: %s\n", text);
          fclose (f);
        }
    }
  sb_error_free (&e);
  return 1;
}

/* A failure the runtime-spec makes a warning (poststart and poststop hooks): logged as
   the errors are, and the operation goes on.  */
static void
warn (struct sb_error *e)
{
  struct sb_error *w = NULL;
  cleanup_free char *text = sb_error_text (e);

  sb_error_free (&e);
  sb_error_set (&w, 0, "warning: %s", text);
  (void) fail (w);
}

static char *
now_rfc3339 (void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf + strlen (buf), sizeof buf - strlen (buf), ".%09ldZ", ts.tv_nsec);
  return xstrdup (buf);
}

static int
touch (const char *dir, const char *name, const char *text, struct sb_error **err)
{
  cleanup_free char *p = NULL;
  cleanup_close int fd = -1;

  if (asprintf (&p, "%s/%s", dir, name) < 0)
    oom ();
  fd = open (p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write_all (fd, text, strlen (text)) < 0)
    return sb_error_set (err, errno, "write '%s'", p);
  return 0;
}

/* ---------------------------------------------------------------- create, run */

struct monitor
{
  const char *dir;
  struct oci_state st;
  const char *pid_file;
  int ready_fd; /* create: the pipe to the `create` call; -1 for run */
  int fifo_fd;  /* exec.fifo, opened read-write: start's open never blocks, nor fails */
  const char *console_socket;  /* process.terminal: where the pty's master goes */
  bool run;                    /* `run` in the foreground: start's hooks are ours too */
  int reply_fd;                /* start.fifo, opened read-write: our word to `start` */
  int nsfd[OCI_HOOK_NS_COUNT]; /* pid 1's namespaces, for createContainer and startContainer */
};

/* pid 1's one child at the ready hook: the command's process, not yet released.  pid 1
   waits for its exec (a vfork), so it has no other.  */
static pid_t
first_child (pid_t pid)
{
  char path[64];
  cleanup_free char *s = NULL;

  snprintf (path, sizeof path, "/proc/%d/task/%d/children", (int) pid, (int) pid);
  s = read_file_at (AT_FDCWD, path, NULL);
  return s != NULL ? (pid_t) atoi (s) : -1;
}

/* The launcher's namespaces step: pid 1's namespaces opened while it is still dumpable,
   for the hooks that run in them.  */
static int
on_namespaces (void *data, pid_t pid1, struct sb_error **err)
{
  struct monitor *m = data;

  return oci_hooks_open_ns (pid1, m->nsfd, err);
}

/* start wrote to exec.fifo: the startContainer hooks (in the container's namespaces), then
   our word to `start` on start.fifo, "ok" or why not.  */
static int
on_start (struct monitor *m, struct sb_error **err)
{
  int r = oci_hooks_run (m->dir, OCI_HOOK_START_CONTAINER, &m->st, OCI_CREATED, m->nsfd, err) < 0
                  || touch (m->dir, "started", "", err) < 0
              ? -1
              : 0;
  cleanup_free char *text = r < 0 ? sb_error_text (*err) : xstrdup ("ok");

  (void) write_all (m->reply_fd, text, strlen (text));
  return r;
}

/* The launcher's ready hook: the sandbox is built, its command not yet released.  */
static int
on_ready (void *data, pid_t pid1, int sock, struct sb_error **err)
{
  struct monitor *m = data;
  struct pollfd p[2] = { { .fd = m->fifo_fd, .events = POLLIN }, { .fd = sock, .events = POLLIN } };
  cleanup_free char *reply = NULL;
  char c;
  int r = 0;

  m->st.init = pid1;
  m->st.pid = first_child (pid1);
  if (m->st.pid <= 0)
    return sb_error_set (err, errno, "find the container's process");
  m->st.monitor = getpid ();
  m->st.monitor_start = oci_proc_start (getpid ());
  if (oci_state_write (m->dir, &m->st, err) < 0
      || (m->pid_file != NULL && oci_write_pid_file_at (AT_FDCWD, m->pid_file, getpid (), err) < 0)
      || oci_hooks_run (m->dir, OCI_HOOK_PRESTART, &m->st, OCI_CREATING, NULL, err) < 0
      || oci_hooks_run (m->dir, OCI_HOOK_CREATE_RUNTIME, &m->st, OCI_CREATING, NULL, err) < 0
      || oci_hooks_run (m->dir, OCI_HOOK_CREATE_CONTAINER, &m->st, OCI_CREATING, m->nsfd, err) < 0)
    return -1;
  if (m->ready_fd < 0)
    {
      r = oci_hooks_run (m->dir, OCI_HOOK_START_CONTAINER, &m->st, OCI_CREATED, m->nsfd, err) < 0
              ? -1
              : touch (m->dir, "started", "", err);
      oci_hooks_close_ns (m->nsfd);
      return r;
    }
  if (asprintf (&reply, "%s/start.fifo", m->dir) < 0)
    oom ();
  if (mkfifo (reply, 0600) < 0 || (m->reply_fd = open (reply, O_RDWR | O_CLOEXEC)) < 0)
    return sb_error_set (err, errno, "make '%s'", reply);
  if (write_all (m->ready_fd, "ok", 2) < 0)
    return sb_error_set (err, errno, "tell create that the container is ready");
  closep (&m->ready_fd);
  g.no_stderr = true;
  /* until start, or until pid 1 speaks (its command was killed meanwhile) */
  while (TEMP_FAILURE_RETRY (poll (p, 2, -1)) < 0)
    return sb_error_set (err, errno, "poll");
  if (p[0].revents & POLLIN)
    {
      (void) TEMP_FAILURE_RETRY (read (m->fifo_fd, &c, 1));
      r = on_start (m, err);
    }
  oci_hooks_close_ns (m->nsfd);
  closep (&m->reply_fd);
  return r;
}

/* `run` in the foreground: the command is released; poststart's failures are warnings.  */
static void
on_released (void *data)
{
  struct monitor *m = data;
  struct sb_error *err = NULL;

  if (m->run && oci_hooks_run (m->dir, OCI_HOOK_POSTSTART, &m->st, OCI_RUNNING, NULL, &err) < 0)
    warn (err);
}

static int
on_pty (void *data, int master, struct sb_error **err)
{
  struct monitor *m = data;
  cleanup_close int sock = oci_console_connect (m->console_socket, err);
  int r = sock < 0 ? -1 : oci_console_send (sock, master, err);

  (void) close (master);
  return r;
}

/* Runs the sandbox to its end and records its status; the monitor's whole life.  */
static int
monitor_run (struct config *cfg, struct monitor *m)
{
  struct launch_hooks hooks
      = { .namespaces = on_namespaces, .ready = on_ready, .released = on_released, .data = m };
  struct sb_error *err = NULL;
  char buf[16];
  int status = 0;

  if (m->console_socket != NULL)
    hooks.pty = on_pty;
  /* a named sandbox (a generated name): `exec` enters it as --enter does */
  if (named_prepare (cfg, &err) == 0)
    m->st.sandbox = xstrdup (cfg->name);
  if (err != NULL || launch_run_hooked (cfg, &hooks, &status, &err) < 0)
    {
      /* the engines' convention: a runtime's own failure is 1 */
      status = 1;
      if (m->ready_fd >= 0)
        {
          cleanup_free char *text = sb_error_text (err);

          (void) write_all (m->ready_fd, text, strlen (text));
          sb_error_free (&err);
        }
      else
        fail (err);
    }
  state_run_remove (cfg);
  snprintf (buf, sizeof buf, "%d", status);
  (void) touch (m->dir, "exit", buf, NULL);
  return status;
}

struct create_opts
{
  const char *bundle;
  const char *pid_file;
  const char *console_socket;
  unsigned preserve_fds;
  bool detach;
};

/* Joins the network namespace at PATH (NULL: none): the sandbox, cloned from us, shares it.  */
static int
join_netns (const char *path, struct sb_error **err)
{
  cleanup_close int fd = -1;

  if (path == NULL)
    return 0;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns (fd, CLONE_NEWNET) < 0)
    return sb_error_set (err, errno, "join the network namespace '%s'", path);
  return 0;
}

/* Everything the CLI's main does before launch_run, from config.json.  */
static int
prepare (struct config *cfg, const char *bundle, const char *dir, const struct create_opts *o,
         bool *ret_terminal, struct sb_error **err)
{
  struct oci_extra x = { 0 };
  bool ok = oci_config_load (bundle, dir, cfg, &x, err) == 0 && join_netns (x.netns_path, err) == 0
            && oci_extra_apply (&x, err) == 0;

  free (x.netns_path);
  strv_free (x.net_sysctls);
  if (!ok)
    return -1;
  *ret_terminal = x.terminal;
  if (x.terminal && o->console_socket == NULL && !isatty (STDIN_FILENO))
    return sb_error_set (err, 0, "process.terminal is true: --console-socket is needed");
  if (o->preserve_fds > 0)
    {
      cfg->keep_fds = xcalloc (o->preserve_fds, sizeof (int));
      for (unsigned i = 0; i < o->preserve_fds; i++)
        cfg->keep_fds[i] = 3 + (int) i;
      cfg->n_keep_fds = o->preserve_fds;
    }
  if (launch_hold_fds (cfg, err) < 0)
    return -1;
  state_sweep ();
  /* the same plan as the command line's (plan.c) */
  return plan_run (cfg, err);
}

/* The monitor's word on RFD (which this closes): "ok" once the container is created, else
   why it could not be (the monitor PID is then reaped).  */
static int
await_monitor (int rfd, pid_t pid, struct sb_error **err)
{
  char msg[1024];
  ssize_t n = TEMP_FAILURE_RETRY (read (rfd, msg, sizeof msg - 1));

  (void) close (rfd);
  if (n == 2 && memcmp (msg, "ok", 2) == 0)
    return 0;
  msg[n > 0 ? n : 0] = '\0';
  (void) TEMP_FAILURE_RETRY (waitpid (pid, NULL, 0));
  return sb_error_set (err, 0, "%s",
                       n > 0 ? msg : "the container's monitor ended before it was created");
}

static int start_container (const char *dir, const struct oci_state *st, int fifo,
                            struct sb_error **err);

/* `run --detach`, once the monitor has created container ID: start's steps; on failure the
   monitor PID is reaped.  */
static int
run_detached (const char *id, int fifo, pid_t pid, struct sb_error **err)
{
  struct oci_state st;
  cleanup_free char *dir = NULL;
  int r = oci_state_read (g.root, id, &st, &dir, err);

  if (r == 0)
    {
      r = start_container (dir, &st, fifo, err);
      oci_state_free (&st);
    }
  if (r < 0)
    (void) TEMP_FAILURE_RETRY (waitpid (pid, NULL, 0));
  return r;
}

/* start's steps for a created container: the command released through exec.fifo (FIFO:
   open for writing) once the monitor has run the startContainer hooks (a failure stops
   it, and is the monitor's word on start.fifo), then the poststart hooks.  */
static int
start_container (const char *dir, const struct oci_state *st, int fifo, struct sb_error **err)
{
  struct sb_error *warning = NULL;
  cleanup_free char *path = NULL;
  cleanup_close int reply = -1;
  char msg[1024];
  ssize_t n;

  if (asprintf (&path, "%s/start.fifo", dir) < 0)
    oom ();
  /* the monitor holds it open: no wait here, and its end is our end of file */
  reply = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (reply < 0 || fcntl (reply, F_SETFL, 0) < 0)
    return sb_error_set (err, errno, "start '%s'", st->id);
  if (TEMP_FAILURE_RETRY (write (fifo, "s", 1)) != 1)
    return sb_error_set (err, errno, "start '%s'", st->id);
  n = TEMP_FAILURE_RETRY (read (reply, msg, sizeof msg - 1));
  msg[n > 0 ? n : 0] = '\0';
  if (n != 2 || memcmp (msg, "ok", 2) != 0)
    return sb_error_set (err, 0, "%s",
                         n > 0 ? msg : "the container's monitor ended before it was started");
  if (oci_hooks_run (dir, OCI_HOOK_POSTSTART, st, OCI_RUNNING, NULL, &warning) < 0)
    warn (warning);
  return 0;
}

/* The container in DIR is gone: its poststop hooks, whose failures are warnings.  */
static void
poststop (const char *dir, struct oci_state *st)
{
  struct sb_error *warning = NULL;

  if (oci_hooks_run (dir, OCI_HOOK_POSTSTOP, st, OCI_STOPPED, NULL, &warning) < 0)
    warn (warning);
}

static int
do_create (const char *id, const struct create_opts *o, bool run)
{
  struct sb_error *err = NULL;
  struct config cfg;
  struct monitor m = { .ready_fd = -1,
                       .fifo_fd = -1,
                       .reply_fd = -1,
                       .pid_file = o->pid_file,
                       .nsfd = { -1, -1, -1, -1, -1, -1 } };
  cleanup_free char *bundle = NULL;
  cleanup_free char *dir = NULL;
  cleanup_free char *fifo = NULL;
  int status = 1, pfd[2];
  bool terminal = false;
  pid_t pid;

  config_init (&cfg);
  bundle = realpath (o->bundle ? o->bundle : ".", NULL);
  if (bundle == NULL
      && sb_error_set (&err, errno, "--bundle '%s'", o->bundle ? o->bundle : ".") < 0)
    return fail (err);
  if (!oci_id_valid (id) && sb_error_set (&err, 0, "'%s': not a valid container id", id) < 0)
    return fail (err);
  if (oci_state_make_dir (g.root, id, &dir, &err) < 0)
    return fail (err);
  m.dir = dir;
  m.st.id = xstrdup (id);
  m.st.bundle = xstrdup (bundle);
  m.st.created = now_rfc3339 ();
  if (asprintf (&fifo, "%s/exec.fifo", dir) < 0)
    oom ();
  if (prepare (&cfg, bundle, dir, o, &terminal, &err) < 0)
    goto fail;
  if (terminal)
    m.console_socket = o->console_socket;
  if (mkfifo (fifo, 0600) < 0 || (m.fifo_fd = open (fifo, O_RDWR | O_CLOEXEC)) < 0)
    {
      sb_error_set (&err, errno, "make '%s'", fifo);
      goto fail;
    }
  if (run && !o->detach)
    {
      /* in the foreground: the caller is the monitor; the container goes with it */
      m.run = true;
      status = monitor_run (&cfg, &m);
      poststop (dir, &m.st);
      oci_state_remove (dir);
      goto out;
    }
  fflush (NULL);
  /* (a pipe left open when fork fails: this process ends right after) */
  if (pipe2 (pfd, O_CLOEXEC) < 0 || (pid = fork ()) < 0)
    {
      sb_error_set (&err, errno, "start the container's monitor");
      goto fail;
    }
  if (pid == 0)
    {
      (void) close (pfd[0]);
      (void) setsid ();
      m.ready_fd = pfd[1];
      if (run)
        (void) touch (dir, "started", "", NULL);
      _exit (monitor_run (&cfg, &m));
    }
  (void) close (pfd[1]);
  /* run --detach: start's steps once it is created */
  if (await_monitor (pfd[0], pid, &err) == 0
      && (!run || run_detached (id, m.fifo_fd, pid, &err) == 0))
    {
      status = 0;
      goto out;
    }
fail:
  status = fail (err);
  poststop (dir, &m.st);
  oci_state_remove (dir);
out:
  closep (&m.fifo_fd);
  oci_state_free (&m.st);
  config_free (&cfg);
  return status;
}

/* ---------------------------------------------------------------- start, state, kill, delete */

static int
do_start (const char *id)
{
  struct sb_error *err = NULL;
  struct oci_state st;
  cleanup_free char *dir = NULL;
  cleanup_free char *fifo = NULL;
  cleanup_close int fd = -1;
  int r;

  if (oci_state_read (g.root, id, &st, &dir, &err) < 0)
    return fail (err);
  if (st.status != OCI_CREATED)
    {
      sb_error_set (&err, 0, "container '%s' is %s, not created", id, oci_status_name (st.status));
      oci_state_free (&st);
      return fail (err);
    }
  if (asprintf (&fifo, "%s/exec.fifo", dir) < 0)
    oom ();
  fd = open (fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    sb_error_set (&err, errno, "start '%s'", id);
  r = fd < 0 ? -1 : start_container (dir, &st, fd, &err);
  oci_state_free (&st);
  return r < 0 ? fail (err) : 0;
}

static int
do_state (const char *id)
{
  struct sb_error *err = NULL;
  struct oci_state st;
  cleanup_free char *json = NULL;

  if (oci_state_read (g.root, id, &st, NULL, &err) < 0)
    return fail (err);
  json = oci_state_json (&st);
  printf ("%s\n", json);
  oci_state_free (&st);
  return 0;
}

static bool
ignored_by_default (int sig)
{
  return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH || sig == SIGSTOP
         || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static int
do_kill (const char *id, const char *signame, bool all)
{
  struct sb_error *err = NULL;
  struct oci_state st;
  int sig = oci_parse_signal (signame ? signame : "TERM");

  if (sig < 0 && sb_error_set (&err, 0, "'%s': unknown signal", signame) < 0)
    return fail (err);
  if (oci_state_read (g.root, id, &st, NULL, &err) < 0)
    return fail (err);
  if (st.status != OCI_CREATED && st.status != OCI_RUNNING)
    {
      sb_error_set (&err, 0, "container '%s' is %s", id, oci_status_name (st.status));
      oci_state_free (&st);
      return fail (err);
    }
  /* a process not yet started has every signal at its default: one that would end it
     ends it (it is waiting, its signals blocked, until released) */
  if (st.status == OCI_CREATED && !ignored_by_default (sig))
    sig = SIGKILL;
  if (all)
    {
      size_t n;
      cleanup_free pid_t *set = oci_descendants (st.init, &n);

      for (size_t i = n; i-- > 1;)
        (void) kill (set[i], sig);
    }
  if (kill (st.pid, sig) < 0 && errno != ESRCH)
    {
      sb_error_set (&err, errno, "kill '%s'", id);
      oci_state_free (&st);
      return fail (err);
    }
  oci_state_free (&st);
  return 0;
}

/* Waits up to 10 s for the monitor of ST to end (its teardown done).  */
static void
wait_monitor (const struct oci_state *st)
{
  cleanup_close int fd = (int) syscall (SYS_pidfd_open, st->monitor, 0);
  struct pollfd p = { .fd = fd, .events = POLLIN };

  /* the pidfd is the monitor's only if the pid still has its start time */
  if (fd >= 0 && oci_proc_start (st->monitor) == st->monitor_start)
    (void) TEMP_FAILURE_RETRY (poll (&p, 1, 10000));
}

static int
do_delete (const char *id, bool force)
{
  struct sb_error *err = NULL;
  struct oci_state st;
  cleanup_free char *dir = NULL;

  if (oci_state_read (g.root, id, &st, &dir, &err) < 0)
    {
      /* --force: a container that is not there is deleted */
      if (force)
        {
          sb_error_free (&err);
          return 0;
        }
      return fail (err);
    }
  if (st.status == OCI_CREATED || st.status == OCI_RUNNING)
    {
      if (!force)
        {
          sb_error_set (&err, 0, "container '%s' is %s: stop it, or use --force", id,
                        oci_status_name (st.status));
          oci_state_free (&st);
          return fail (err);
        }
      (void) kill (st.init, SIGKILL);
    }
  if (st.monitor > 0)
    wait_monitor (&st);
  poststop (dir, &st);
  oci_state_remove (dir);
  oci_state_free (&st);
  return 0;
}

/* ---------------------------------------------------------------- exec */

static int
do_exec (const char *id, const struct oci_exec_opts *x, char **argv)
{
  struct sb_error *err = NULL;
  int status = 0;

  if (oci_exec (g.root, id, x, argv, &status, &err) < 0)
    return fail (err);
  return status;
}

/* ---------------------------------------------------------------- list, ps, features */

static int
do_list (bool quiet, bool json)
{
  DIR *d = opendir (g.root);
  struct dirent *de;
  struct json_object *a = json_object_new_array ();

  if (!quiet && !json)
    printf ("%-24s %-8s %-10s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
  while (d != NULL && (de = readdir (d)) != NULL)
    {
      struct sb_error *err = NULL;
      struct oci_state st;

      if (!oci_id_valid (de->d_name) || oci_state_read (g.root, de->d_name, &st, NULL, &err) < 0)
        {
          sb_error_free (&err);
          continue;
        }
      if (quiet)
        printf ("%s\n", st.id);
      else if (json)
        {
          cleanup_free char *s = oci_state_json (&st);
          json_object_array_add (a, json_tokener_parse (s));
        }
      else
        printf ("%-24s %-8d %-10s %-30s %s\n", st.id, st.status == OCI_STOPPED ? 0 : (int) st.pid,
                oci_status_name (st.status), st.bundle, st.created ? st.created : "");
      oci_state_free (&st);
    }
  if (d != NULL)
    closedir (d);
  if (json)
    printf ("%s\n", json_object_to_json_string_ext (a, JSON_C_TO_STRING_PLAIN
                                                           | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (a);
  return 0;
}

/* The pids of the container's processes, as the host sees them: pid 1 and its
   descendants (its pid namespace's).  */
static int
do_ps (const char *id, bool json)
{
  struct sb_error *err = NULL;
  struct oci_state st;
  struct json_object *a;
  cleanup_free pid_t *set = NULL;
  size_t n = 0;

  if (oci_state_read (g.root, id, &st, NULL, &err) < 0)
    return fail (err);
  a = json_object_new_array ();
  if (st.status == OCI_CREATED || st.status == OCI_RUNNING)
    set = oci_descendants (st.init, &n);
  /* the sandbox's pid 1 is ours, not the container's */
  for (size_t i = 1; i < n; i++)
    if (json)
      json_object_array_add (a, json_object_new_int ((int) set[i]));
    else
      printf ("%d\n", (int) set[i]);
  if (json)
    printf ("%s\n", json_object_to_json_string_ext (a, JSON_C_TO_STRING_PLAIN
                                                           | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (a);
  oci_state_free (&st);
  return 0;
}

/* features.md: what this runtime implements.  */
static int
do_features (void)
{
  static const char text[]
      = "{\n"
        "  \"ociVersionMin\": \"1.0.0\",\n"
        "  \"ociVersionMax\": \"1.2.0\",\n"
        "  \"hooks\": [\"prestart\", \"createRuntime\", \"createContainer\", \"startContainer\",\n"
        "            \"poststart\", \"poststop\"],\n"
        "  \"mountOptions\": [\"bind\", \"rbind\", \"ro\", \"rw\"],\n"
        "  \"linux\": {\n"
        "    \"namespaces\": [\"user\", \"mount\", \"pid\", \"ipc\", \"uts\", \"network\"],\n"
        "    \"seccomp\": { \"enabled\": true },\n"
        "    \"apparmor\": { \"enabled\": false },\n"
        "    \"selinux\": { \"enabled\": false }\n"
        "  },\n"
        "  \"annotations\": { \"org.opencontainers.runtime-spec.features\": \"sandbox-oci\" }\n"
        "}\n";

  fputs (text, stdout);
  return 0;
}

/* ---------------------------------------------------------------- main */

static int
usage_error (const char *what)
{
  struct sb_error *err = NULL;

  sb_error_set (&err, 0, "%s", what);
  return fail (err);
}

static const char usage[]
    = "usage: sandbox-oci [--root DIR] [--log FILE] [--log-format text|json] [--systemd-cgroup]\n"
      "                   COMMAND [OPTIONS] ID\n"
      "commands: create, start, state, kill, delete, run, exec, list, ps, features\n";

static const struct option command_longopts[] = {
  { "bundle", required_argument, NULL, 'b' },
  { "pid-file", required_argument, NULL, 'p' },
  { "console-socket", required_argument, NULL, 'S' },
  { "preserve-fds", required_argument, NULL, 'P' },
  { "detach", no_argument, NULL, 'd' },
  { "force", no_argument, NULL, 'f' },
  { "all", no_argument, NULL, 'a' },
  { "quiet", no_argument, NULL, 'q' },
  { "format", required_argument, NULL, 'F' },
  { "no-pivot", no_argument, NULL, 'N' },
  { "no-new-keyring", no_argument, NULL, 'K' },
  /* exec's */
  { "process", required_argument, NULL, 'x' },
  { "tty", no_argument, NULL, 't' },
  { "cwd", required_argument, NULL, 'w' },
  { "env", required_argument, NULL, 'e' },
  { "user", required_argument, NULL, 'u' },
  { "cap", required_argument, NULL, 'C' },
  { "no-new-privs", no_argument, NULL, 'K' },
  { "ignore-paused", no_argument, NULL, 'K' },
  { "additional-gids", required_argument, NULL, 'I' },
  { "apparmor", required_argument, NULL, 'I' },
  { "process-label", required_argument, NULL, 'I' },
  { NULL, 0, NULL, 0 },
};

/* exec's own options; false when C is not one.  */
static bool
exec_option (int c, struct oci_exec_opts *x, char ***env, char ***caps)
{
  switch (c)
    {
    case 'x':
      x->process = optarg;
      return true;
    case 't':
      x->tty = true;
      return true;
    case 'w':
      x->cwd = optarg;
      return true;
    case 'e':
      strv_push (env, xstrdup (optarg));
      return true;
    case 'u':
      x->user = optarg;
      return true;
    case 'C':
    case 'c':
      strv_push (caps, xstrdup (optarg));
      return true;
    case 'I':
    case 'g':
      return true;
    default:
      return false;
    }
}

/* One command's options: the union of what the engines pass; a command ignores the ones
   that are not its own, as crun's and runc's accept theirs.  */
static int
command_main (int argc, char **argv)
{
  const char *cmd = argv[0];
  struct create_opts o = { 0 };
  struct oci_exec_opts x = { 0 };
  cleanup_strv char **env = NULL;
  cleanup_strv char **caps = NULL;
  bool force = false, all = false, quiet = false, json = false;
  int c;

  optind = 1;
  while ((c = getopt_long (argc, argv, "+b:dfaqF:te:u:c:g:", command_longopts, NULL)) != -1)
    if (!exec_option (c, &x, &env, &caps))
      switch (c)
        {
        case 'b':
          o.bundle = optarg;
          break;
        case 'p':
          o.pid_file = optarg;
          break;
        case 'S':
          o.console_socket = optarg;
          break;
        case 'P':
          o.preserve_fds = (unsigned) strtoul (optarg, NULL, 10);
          break;
        case 'd':
          o.detach = true;
          break;
        case 'f':
          force = true;
          break;
        case 'a':
          all = true;
          break;
        case 'q':
          quiet = true;
          break;
        case 'F':
          json = strcmp (optarg, "json") == 0;
          break;
        case 'N':
        case 'K':
          break;
        default:
          return usage_error ("bad option; see sandbox-oci(1)");
        }
  argc -= optind;
  argv += optind;
  if (strcmp (cmd, "features") == 0)
    return do_features ();
  if (strcmp (cmd, "list") == 0)
    return do_list (quiet, json);
  if (argc < 1)
    return usage_error ("a container id is needed");
  if (strcmp (cmd, "create") == 0 || strcmp (cmd, "run") == 0)
    return do_create (argv[0], &o, strcmp (cmd, "run") == 0);
  if (strcmp (cmd, "start") == 0)
    return do_start (argv[0]);
  if (strcmp (cmd, "state") == 0)
    return do_state (argv[0]);
  if (strcmp (cmd, "kill") == 0)
    return do_kill (argv[0], argc > 1 ? argv[1] : NULL, all);
  if (strcmp (cmd, "delete") == 0)
    return do_delete (argv[0], force);
  if (strcmp (cmd, "ps") == 0)
    return do_ps (argv[0], json);
  if (strcmp (cmd, "exec") == 0)
    {
      x.pid_file = o.pid_file;
      x.console_socket = o.console_socket;
      x.preserve_fds = o.preserve_fds;
      x.detach = o.detach;
      x.env = env;
      x.caps = caps;
      return do_exec (argv[0], &x, argv + 1);
    }
  return usage_error ("unknown command; see sandbox-oci(1)");
}

int
main (int argc, char **argv)
{
  static const struct option longopts[] = {
    { "root", required_argument, NULL, 'r' },
    { "log", required_argument, NULL, 'l' },
    { "log-format", required_argument, NULL, 'L' },
    { "systemd-cgroup", no_argument, NULL, 's' },
    { "debug", no_argument, NULL, 'D' },
    { "rootless", required_argument, NULL, 'R' },
    { "cgroup-manager", required_argument, NULL, 'C' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'v' },
    { NULL, 0, NULL, 0 },
  };
  int c, r;

  log_start_clock ();
  /* the sandbox's notices would go to the container's stderr: --debug shows them */
  log_level = LOG_LEVEL_WARNING;
  while ((c = getopt_long (argc, argv, "+hv", longopts, NULL)) != -1)
    switch (c)
      {
      case 'r':
        g.root = xstrdup (optarg);
        break;
      case 'l':
        g.log = optarg;
        break;
      case 'L':
        g.log_json = strcmp (optarg, "json") == 0;
        break;
      case 'D':
        log_level = LOG_LEVEL_DEBUG;
        break;
      case 's':
      case 'R':
      case 'C':
        break;
      case 'h':
        fputs (usage, stdout);
        return 0;
      case 'v':
        puts ("sandbox-oci " PACKAGE_VERSION "\nspec: 1.2.0");
        return 0;
      default:
        return usage_error ("bad global option; see sandbox-oci(1)");
      }
  if (optind >= argc)
    return usage_error ("a command is needed; see sandbox-oci(1)");
  if (g.root == NULL)
    g.root = oci_root_default ();
  r = command_main (argc - optind, argv + optind);
  free (g.root);
  return r;
}
