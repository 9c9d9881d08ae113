/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dbus.c: --dbus-user: the session bus kept out, shared whole, or filtered through
   xdg-dbus-proxy; --dbus-system: the system bus kept out or filtered.  One proxy serves both
   buses (it takes an ADDRESS PATH --filter ... group per bus).  It runs outside the sandbox
   (its pid namespace cannot see it) as the launcher's child; it ends when the launcher
   closes its --fd socket, or dies (then the kernel closes it, and PR_SET_PDEATHSIG kills the
   proxy too).  Its sockets are in the launcher's state folder (state.c), which a later start
   removes when the launcher was killed.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "dbus.h"
#include "error.h"
#include "fault.h"
#include "log.h"
#include "state.h"
#include "util.h"

/* The first unix:path= address of the bus, for binding; NULL when there is none.  */
static char *
bus_socket_path (const char *address)
{
  const char *host_dir = user_runtime_dir ();
  char *path;

  if (address == NULL || address[0] == '\0')
    {
      /* the default of sd-bus and libdbus: $XDG_RUNTIME_DIR/bus */
      if (host_dir == NULL)
        return NULL;
      if (asprintf (&path, "%s/bus", host_dir) < 0)
        oom ();
      return path;
    }
  for (const char *a = address; a != NULL; a = strchr (a, ';') ? strchr (a, ';') + 1 : NULL)
    {
      const char *p = strstr (a, "path="), *end = strchr (a, ';');

      if (strncmp (a, "unix:", 5) != 0 || p == NULL || (end != NULL && p > end))
        continue;
      /* the path ends at the next ',' (key=value pairs) or ';' (next address) */
      path = strndup (p + 5, strcspn (p + 5, ",;"));
      if (path == NULL)
        oom ();
      return path;
    }
  return NULL;
}

/* A bus to filter: its address outside, the socket's name in our folder, its rules.  */
struct filtered_bus
{
  const char *opt; /* for messages: "--dbus-user" */
  char *address;
  const char *name;
  char *const *talk, *const *own;
};

static void
push_rules (char ***argv, const char *rule, char *const *names)
{
  char *s;

  for (char *const *n = names; n != NULL && *n != NULL; n++)
    {
      if (asprintf (&s, "--%s=%s", rule, *n) < 0)
        oom ();
      strv_push (argv, s);
    }
}

/* The proxy's own end: write a byte when ready, exit when the socket closes.  */
_Noreturn static void
exec_proxy (pid_t parent, int fd, const char *dir, const struct filtered_bus *buses, size_t n)
{
  char **argv = NULL;
  char *s;
  int null;

  (void) prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid () != parent)
    _exit (125);
  sb_signals_default ();
  /* helpers write nothing to the user's terminal: only main and log.c do */
  null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0)
    (void) (dup2 (null, STDIN_FILENO), dup2 (null, STDOUT_FILENO), dup2 (null, STDERR_FILENO));
  if (fcntl (fd, F_SETFD, 0) < 0)
    _exit (125);
  strv_push (&argv, xstrdup ("xdg-dbus-proxy"));
  if (asprintf (&s, "--fd=%d", fd) < 0)
    oom ();
  strv_push (&argv, s);
  for (size_t i = 0; i < n; i++)
    {
      strv_push (&argv, xstrdup (buses[i].address));
      if (asprintf (&s, "%s/%s", dir, buses[i].name) < 0)
        oom ();
      strv_push (&argv, s);
      strv_push (&argv, xstrdup ("--filter"));
      push_rules (&argv, "talk", buses[i].talk);
      push_rules (&argv, "own", buses[i].own);
    }
  execvp (argv[0], argv);
  _exit (errno == ENOENT ? 127 : 126);
}

/* Starts the filter on BUSES; ready when this returns: their sockets are in
   cfg->dbus_proxy_dir, under their names.  That folder is in the launcher's state folder
   (state.c): a later start removes it if we are killed before sb_dbus_stop.  */
static int
start_proxy (const struct config *cfg, struct sb_dbus_proxy *p, const struct filtered_bus *buses,
             size_t n, struct sb_error **err)
{
  const char *opt = buses[0].opt, *dir = cfg->dbus_proxy_dir;
  cleanup_close int fd = -1;
  int sv[2], status = 0;
  pid_t pid, parent = getpid ();
  char c;
  ssize_t r;

  /* 0700, so no one else reaches the proxy's sockets */
  if (mkdir (dir, 0700) < 0)
    return sb_error_set (err, errno, "%s filter: mkdir '%s'", opt, dir);
  p->made_dir = true;
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return sb_error_set (err, errno, "socketpair");
  pid = fork ();
  if (pid < 0)
    {
      (void) (close (sv[0]), close (sv[1]));
      return sb_error_set (err, errno, "fork");
    }
  if (pid == 0)
    {
      (void) close (sv[0]);
      exec_proxy (parent, sv[1], dir, buses, n);
    }
  (void) close (sv[1]);
  fd = sv[0];
  p->pid = pid;
  fault_point (FAULT_DBUS_SPAWNED);
  r = TEMP_FAILURE_RETRY (read (fd, &c, 1));
  if (r == 1)
    {
      p->fd = steal_fd (&fd);
      log_debug ("xdg-dbus-proxy %d ready in '%s'", (int) pid, dir);
      fault_point (FAULT_DBUS_READY);
      return 0;
    }
  /* it exited (or closed the socket) before it was ready */
  if (TEMP_FAILURE_RETRY (waitpid (pid, &status, 0)) == pid)
    p->pid = 0;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 127)
    return sb_error_set (err, 0, "%s filter: xdg-dbus-proxy not found; install xdg-dbus-proxy",
                         opt);
  return sb_error_set (err, 0, "%s filter: xdg-dbus-proxy ended (status %d) before it was ready",
                       opt, WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
}

/* The session bus's address for the proxy, or its socket for --dbus-user open; false when
   there is no session bus to share.  */
static bool
session_bus (enum dbus_mode mode, char **ret_address, char **ret_path)
{
  const char *address = getenv ("DBUS_SESSION_BUS_ADDRESS");
  cleanup_free char *path = bus_socket_path (address);
  struct stat st;

  *ret_address = *ret_path = NULL;
  if (mode == DBUS_OPEN)
    {
      if (path == NULL)
        log_debug ("--dbus-user open: no session bus socket to share");
      *ret_path = steal_ptr (&path);
      return *ret_path != NULL;
    }
  /* the proxy connects from outside, so any address does, abstract sockets too */
  if (address != NULL && address[0] != '\0')
    {
      *ret_address = xstrdup (address);
      return true;
    }
  if (path == NULL || stat (path, &st) < 0)
    {
      log_debug ("--dbus-user filter: no session bus to filter");
      return false;
    }
  if (asprintf (ret_address, "unix:path=%s", path) < 0)
    oom ();
  return true;
}

/* The system bus's address, as libdbus and sd-bus find it; false when there is none.  */
static bool
system_bus (char **ret_address)
{
  const char *address = getenv ("DBUS_SYSTEM_BUS_ADDRESS");
  cleanup_free char *path = NULL;
  struct stat st;

  if (address == NULL || address[0] == '\0')
    address = "unix:path=" SB_DBUS_SYSTEM_SOCKET;
  path = bus_socket_path (address);
  /* an abstract or tcp address cannot be checked here: the proxy will try it */
  if (path != NULL && stat (path, &st) < 0)
    {
      log_debug ("--dbus-system filter: no system bus at '%s'", path);
      *ret_address = NULL;
      return false;
    }
  *ret_address = xstrdup (address);
  return true;
}

static char *
proxy_socket (const struct config *cfg, const char *name)
{
  char *s;

  if (asprintf (&s, "%s/%s", cfg->dbus_proxy_dir, name) < 0)
    oom ();
  return s;
}

enum dbus_mode
sb_dbus_mode_user (const struct config *cfg)
{
  if (cfg->dbus_user != DBUS_UNSET)
    return cfg->dbus_user;
  return cfg->dbus_talk != NULL || cfg->dbus_own != NULL ? DBUS_FILTER : DBUS_NONE;
}

enum dbus_mode
sb_dbus_mode_system (const struct config *cfg)
{
  if (cfg->dbus_system != DBUS_UNSET)
    return cfg->dbus_system;
  return cfg->dbus_system_talk != NULL ? DBUS_FILTER : DBUS_NONE;
}

/* The buses the proxy filters, from the options and the environment, as the plan saw
   them; *RET_OPEN_PATH: the host's session bus socket for --dbus-user open.  */
static size_t
filtered_buses (const struct config *cfg, struct filtered_bus buses[2], char **ret_open_path)
{
  enum dbus_mode user = sb_dbus_mode_user (cfg);
  char *address = NULL, *path = NULL;
  size_t n = 0;

  *ret_open_path = NULL;
  if (user != DBUS_NONE && session_bus (user, &address, &path))
    {
      if (user == DBUS_OPEN)
        *ret_open_path = path;
      else
        buses[n++]
            = (struct filtered_bus){ "--dbus-user", address, "bus", cfg->dbus_talk, cfg->dbus_own };
    }
  if (sb_dbus_mode_system (cfg) == DBUS_FILTER && system_bus (&address))
    buses[n++] = (struct filtered_bus){ "--dbus-system", address, "system_bus_socket",
                                        cfg->dbus_system_talk, NULL };
  return n;
}

static void
filtered_buses_free (struct filtered_bus *buses, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (buses[i].address);
}

int
sb_dbus_plan (struct config *cfg, char **ret_user, char **ret_system, struct sb_error **err)
{
  struct filtered_bus buses[2];
  size_t n = filtered_buses (cfg, buses, ret_user);
  const char *run_dir;

  *ret_system = NULL;
  if (n == 0)
    return 0;
  run_dir = state_run_dir (cfg, err);
  if (run_dir == NULL)
    {
      filtered_buses_free (buses, n);
      return -1;
    }
  if (asprintf (&cfg->dbus_proxy_dir, "%s/dbus", run_dir) < 0)
    oom ();
  for (size_t i = 0; i < n; i++)
    *(strcmp (buses[i].name, "bus") == 0 ? ret_user : ret_system)
        = proxy_socket (cfg, buses[i].name);
  filtered_buses_free (buses, n);
  return 0;
}

int
sb_dbus_start (const struct config *cfg, struct sb_dbus_proxy *p, struct sb_error **err)
{
  struct filtered_bus buses[2];
  cleanup_free char *open_path = NULL;
  size_t n;
  int r;

  if (cfg->dbus_proxy_dir == NULL)
    return 0;
  n = filtered_buses (cfg, buses, &open_path);
  if (n == 0)
    return sb_error_set (err, 0, "D-Bus: the bus went away since the plan");
  r = start_proxy (cfg, p, buses, n, err);
  filtered_buses_free (buses, n);
  return r;
}

void
sb_dbus_stop (const struct config *cfg, struct sb_dbus_proxy *p)
{
  if (p->pid > 0)
    {
      /* its --fd closing is its signal to go */
      closep (&p->fd);
      (void) TEMP_FAILURE_RETRY (waitpid (p->pid, NULL, 0));
      p->pid = 0;
    }
  closep (&p->fd);
  if (p->made_dir)
    {
      static const char *const names[] = { "bus", "system_bus_socket" };

      for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        {
          cleanup_free char *socket = proxy_socket (cfg, names[i]);

          (void) unlink (socket);
        }
      (void) rmdir (cfg->dbus_proxy_dir);
      p->made_dir = false;
    }
}
