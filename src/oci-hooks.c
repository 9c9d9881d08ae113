/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci-hooks.c: config.json's hooks (runtime-spec config.md "POSIX-platform Hooks",
   runtime.md "Lifecycle").  `create` checks them and keeps a copy in the container's
   folder (hooks.json), which only the caller can write; the monitor, `start` and `delete`
   run that copy and never read the bundle again, so nothing the container writes (its
   rootfs is in the bundle) changes what runs as the caller.  A hook runs with exactly its
   path, args and env, the state JSON on its stdin (a memfd), no other fd, default signals,
   in a process group of its own that its timeout kills.  prestart, createRuntime,
   poststart and poststop run in the runtime's namespaces (the caller's, or podman's);
   createContainer and startContainer in the container's, from fds on pid 1's namespaces
   that the monitor opened before pid 1 stopped being dumpable (oci_hooks_open_ns, from
   launch.h's namespaces step): so an unprivileged caller joins them as root in an engine's
   user namespace does, and pid 1 stays out of reach of the container.  Both run in the
   monitor, createContainer once the container is built (its path resolved in the
   runtime's mount namespace, opened before), startContainer when start releases it (its
   path resolved in the container's).  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "json.h"
#include "oci.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const char *const hook_names[OCI_HOOK_COUNT] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

/* The namespaces a hook in the container joins, in setns order.  Root in an engine's user
   namespace joins the others first: in the container's user namespace it would lose its
   rights over those an ancestor owns (podman's network namespace).  An unprivileged
   caller has rights over none of them until it is in the container's user namespace
   (which it owns): hook_child retries after the user namespace what failed before.  The
   cgroup namespace is not among them: pid 1 makes it after it stopped being dumpable.  */
static const char *const hook_ns[OCI_HOOK_NS_COUNT] = { "ipc", "uts", "net", "pid", "mnt", "user" };

struct hook
{
  const char *path;
  char **argv; /* args, else { path } */
  char **envp; /* env, else empty */
  int timeout; /* seconds; 0: none */
};

static void
hook_free (struct hook *h)
{
  strv_free (h->argv);
  strv_free (h->envp);
}

/* One hook object, checked as config.md says: path absolute, args and env strings, timeout
   greater than zero.  */
static int
hook_parse (struct json_object *o, const char *what, struct hook *h, struct sb_error **err)
{
  int64_t timeout = 0;
  int r;

  *h = (struct hook){ 0 };
  if (sb_json_str (o, "path", what, &h->path, err) < 0)
    return -1;
  if (h->path == NULL)
    return sb_error_set (err, 0, "%s: path: missing", what);
  if (h->path[0] != '/')
    return sb_error_set (err, 0, "%s: path '%s': not absolute", what, h->path);
  r = sb_json_int (o, "timeout", what, &timeout, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      if (timeout <= 0 || timeout > 86400 * 365)
        return sb_error_set (err, 0, "%s: timeout: not a number of seconds above 0", what);
      h->timeout = (int) timeout;
    }
  if (sb_json_strv (o, "args", what, &h->argv, err) < 0
      || sb_json_strv (o, "env", what, &h->envp, err) < 0)
    {
      hook_free (h);
      *h = (struct hook){ 0 };
      return -1;
    }
  if (h->argv == NULL || h->argv[0] == NULL)
    {
      strv_free (h->argv);
      h->argv = xcalloc (2, sizeof (char *));
      h->argv[0] = xstrdup (h->path);
    }
  if (h->envp == NULL)
    h->envp = xcalloc (1, sizeof (char *));
  return 0;
}

int
oci_hooks_save (struct json_object *conf, const char *dir, struct sb_error **err)
{
  struct json_object *hooks = NULL;
  cleanup_free char *path = NULL;
  int r = sb_json_get (conf, "hooks", json_type_object, "config.json", &hooks, err);

  if (r <= 0)
    return r;
  for (int k = 0; k < OCI_HOOK_COUNT; k++)
    {
      struct json_object *a = NULL;

      if (sb_json_get (hooks, hook_names[k], json_type_array, "config.json: hooks", &a, err) < 0)
        return -1;
      for (size_t i = 0; a != NULL && i < json_object_array_length (a); i++)
        {
          char what[80];
          struct hook h;

          snprintf (what, sizeof what, "config.json: hooks.%s[%zu]", hook_names[k], i);
          if (hook_parse (json_object_array_get_idx (a, i), what, &h, err) < 0)
            return -1;
          hook_free (&h);
        }
    }
  if (asprintf (&path, "%s/hooks.json", dir) < 0)
    oom ();
  if (json_object_to_file_ext (path, hooks, JSON_C_TO_STRING_PLAIN) < 0)
    return sb_error_set (err, errno, "write '%s'", path);
  return 0;
}

/* The child: stdin is the state, every other fd is closed at exec, signals are the
   defaults; NSFD's namespaces joined (then a fork: the pid namespace is its children's).  */
static _Noreturn void
hook_child (const struct hook *h, int state, const int *nsfd, int exe)
{
  sigset_t none;
  bool pidns = false, joined[OCI_HOOK_NS_COUNT] = { false };
  int status;
  pid_t pid;

  sigemptyset (&none);
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      (void) signal (s, SIG_DFL);
  (void) sigprocmask (SIG_SETMASK, &none, NULL);
  (void) setpgid (0, 0);
  if (dup2 (state, STDIN_FILENO) < 0)
    _exit (127);
  /* twice: what needs the container's user namespace joined is retried after it */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < OCI_HOOK_NS_COUNT; i++)
      {
        bool user = strcmp (hook_ns[i], "user") == 0;

        if (nsfd[i] < 0 || joined[i] || (user && pass == 1))
          continue;
        if (setns (nsfd[i], 0) == 0)
          {
            joined[i] = true;
            pidns |= strcmp (hook_ns[i], "pid") == 0;
          }
        else if (pass == 1 || user || errno != EPERM)
          {
            dprintf (STDERR_FILENO, "sandbox-oci: hook '%s': join the %s namespace: %s\n", h->path,
                     hook_ns[i], strerror (errno));
            _exit (127);
          }
      }
  if (pidns && (pid = fork ()) != 0)
    {
      if (pid < 0 || TEMP_FAILURE_RETRY (waitpid (pid, &status, 0)) < 0)
        _exit (127);
      _exit (WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
    }
  (void) syscall (SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  if (exe >= 0)
    {
      /* a script's interpreter reads it from /dev/fd/EXE */
      (void) fcntl (exe, F_SETFD, 0);
      syscall (SYS_execveat, exe, "", h->argv, h->envp, AT_EMPTY_PATH);
    }
  else
    execve (h->path, h->argv, h->envp);
  dprintf (STDERR_FILENO, "sandbox-oci: hook '%s': %s\n", h->path, strerror (errno));
  _exit (127);
}

int
oci_hooks_open_ns (pid_t pid, int nsfd[OCI_HOOK_NS_COUNT], struct sb_error **err)
{
  for (size_t i = 0; i < OCI_HOOK_NS_COUNT; i++)
    nsfd[i] = -1;
  for (size_t i = 0; i < OCI_HOOK_NS_COUNT; i++)
    {
      char path[64];
      struct stat theirs, ours;

      snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, hook_ns[i]);
      nsfd[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (nsfd[i] < 0 || fstat (nsfd[i], &theirs) < 0)
        {
          sb_error_set (err, errno, "open '%s'", path);
          oci_hooks_close_ns (nsfd);
          return -1;
        }
      snprintf (path, sizeof path, "/proc/self/ns/%s", hook_ns[i]);
      if (stat (path, &ours) == 0 && ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev)
        closep (&nsfd[i]);
    }
  return 0;
}

void
oci_hooks_close_ns (int nsfd[OCI_HOOK_NS_COUNT])
{
  for (size_t i = 0; i < OCI_HOOK_NS_COUNT; i++)
    closep (&nsfd[i]);
}

/* Waits for hook PID (its group killed at H's timeout); 0 when it exited 0.  */
static int
hook_wait (const struct hook *h, const char *what, pid_t pid, struct sb_error **err)
{
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  int status, r = 1;

  if (pidfd >= 0 && h->timeout > 0)
    r = TEMP_FAILURE_RETRY (poll (&p, 1, h->timeout * 1000));
  if (r == 0)
    (void) kill (-pid, SIGKILL);
  if (TEMP_FAILURE_RETRY (waitpid (pid, &status, 0)) < 0)
    return sb_error_set (err, errno, "%s '%s': wait", what, h->path);
  if (r == 0)
    return sb_error_set (err, 0, "%s '%s': timed out after %d s", what, h->path, h->timeout);
  if (WIFSIGNALED (status))
    return sb_error_set (err, 0, "%s '%s': killed by signal %d", what, h->path, WTERMSIG (status));
  if (WEXITSTATUS (status) != 0)
    return sb_error_set (err, 0, "%s '%s': exit status %d", what, h->path, WEXITSTATUS (status));
  return 0;
}

static int
hook_run (const struct hook *h, const char *what, int state, const int *nsfd, bool path_inside,
          struct sb_error **err)
{
  static const int none[OCI_HOOK_NS_COUNT] = { -1, -1, -1, -1, -1, -1 };
  cleanup_close int exe = -1;
  pid_t pid;

  if (nsfd != NULL && !path_inside && (exe = open (h->path, O_PATH | O_CLOEXEC)) < 0)
    return sb_error_set (err, errno, "%s '%s'", what, h->path);
  if (lseek (state, 0, SEEK_SET) < 0)
    return sb_error_set (err, errno, "%s: the state", what);
  fflush (NULL);
  pid = fork ();
  if (pid < 0)
    return sb_error_set (err, errno, "%s: fork", what);
  if (pid == 0)
    hook_child (h, state, nsfd != NULL ? nsfd : none, exe);
  (void) setpgid (pid, pid);
  return hook_wait (h, what, pid, err);
}

/* ST's state JSON with STATUS, in a memfd.  */
static int
state_memfd (const struct oci_state *st, enum oci_status status, struct sb_error **err)
{
  struct oci_state s = *st;
  cleanup_free char *json = NULL;
  int fd = memfd_create ("oci-state", MFD_CLOEXEC);

  s.status = status;
  json = oci_state_json (&s);
  if (fd < 0 || write_all (fd, json, strlen (json)) < 0)
    {
      sb_error_set (err, errno, "the hooks' state");
      if (fd >= 0)
        (void) close (fd);
      return -1;
    }
  return fd;
}

int
oci_hooks_run (const char *dir, enum oci_hook_kind kind, const struct oci_state *st,
               enum oci_status status, const int *nsfd, struct sb_error **err)
{
  cleanup_free char *path = NULL;
  cleanup_close int state = -1;
  struct json_object *hooks, *a;
  bool inside = kind == OCI_HOOK_CREATE_CONTAINER || kind == OCI_HOOK_START_CONTAINER;
  /* poststart and poststop: a failure is a warning, and the others still run */
  bool keep_going = kind == OCI_HOOK_POSTSTART || kind == OCI_HOOK_POSTSTOP;
  int r = 0;

  if (asprintf (&path, "%s/hooks.json", dir) < 0)
    oom ();
  if (access (path, F_OK) < 0)
    return 0;
  hooks = json_object_from_file (path);
  if (hooks == NULL)
    return sb_error_set (err, 0, "read '%s'", path);
  a = sb_json_member (hooks, hook_names[kind], json_type_array); /* our copy, checked */
  if (a == NULL || json_object_array_length (a) == 0)
    goto out;
  if (inside && nsfd == NULL)
    {
      r = sb_error_set (err, 0, "%s hooks: the container's namespaces are not open",
                        hook_names[kind]);
      goto out;
    }
  state = state_memfd (st, status, err);
  if (state < 0)
    {
      r = -1;
      goto out;
    }
  for (size_t i = 0; i < json_object_array_length (a) && (r == 0 || keep_going); i++)
    {
      char what[64];
      struct hook h;

      snprintf (what, sizeof what, "%s hook %zu", hook_names[kind], i);
      if (hook_parse (json_object_array_get_idx (a, i), what, &h, r == 0 ? err : NULL) < 0
          || hook_run (&h, what, state, inside ? nsfd : NULL, kind == OCI_HOOK_START_CONTAINER,
                       r == 0 ? err : NULL)
                 < 0)
        r = -1;
      hook_free (&h);
    }
out:
  json_object_put (hooks);
  return r;
}
