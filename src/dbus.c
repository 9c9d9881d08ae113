/* dbus.c: --dbus-user: the session bus kept out, shared whole, or filtered through
   xdg-dbus-proxy.  The proxy runs outside the sandbox (its pid namespace cannot see it) as
   the launcher's child; it ends when the launcher closes its --fd socket, or dies (then the
   kernel closes it, and PR_SET_PDEATHSIG kills the proxy too).  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
#include "log.h"
#include "util.h"

/* The first unix:path= address of the bus, for binding; NULL when there is none.  */
static char *
bus_socket_path (const char *address)
{
  const char *host_dir = getenv ("XDG_RUNTIME_DIR");
  char *path;

  if (address == NULL || address[0] == '\0')
    {
      /* the default of sd-bus and libdbus: $XDG_RUNTIME_DIR/bus */
      if (host_dir == NULL || host_dir[0] != '/')
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

/* The proxy's own end: write a byte when ready, exit when the socket closes.  */
_Noreturn static void
exec_proxy (const struct config *cfg, pid_t parent, int fd, const char *address, const char *socket)
{
  char **argv = NULL;
  char *s;
  int null;

  (void) prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid () != parent)
    _exit (125);
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
  strv_push (&argv, xstrdup (address));
  strv_push (&argv, xstrdup (socket));
  strv_push (&argv, xstrdup ("--filter"));
  for (char **n = cfg->dbus_talk; n != NULL && *n != NULL; n++)
    {
      if (asprintf (&s, "--talk=%s", *n) < 0)
        oom ();
      strv_push (&argv, s);
    }
  for (char **n = cfg->dbus_own; n != NULL && *n != NULL; n++)
    {
      if (asprintf (&s, "--own=%s", *n) < 0)
        oom ();
      strv_push (&argv, s);
    }
  execvp (argv[0], argv);
  _exit (errno == ENOENT ? 127 : 126);
}

/* Starts the filter on ADDRESS; *RET_SOCKET: its socket, to bind into the sandbox.  */
static int
start_proxy (struct config *cfg, const char *address, char **ret_socket, struct sb_error **err)
{
  const char *base = getenv ("XDG_RUNTIME_DIR");
  cleanup_free char *dir = NULL, *socket = NULL;
  cleanup_close int fd = -1;
  int sv[2], status = 0;
  pid_t pid, parent = getpid ();
  char c;
  ssize_t n;

  if (base == NULL || base[0] != '/')
    base = getenv ("TMPDIR") && getenv ("TMPDIR")[0] == '/' ? getenv ("TMPDIR") : "/tmp";
  if (asprintf (&dir, "%s/sandbox-dbus.XXXXXX", base) < 0)
    oom ();
  /* mkdtemp: 0700, so no one else reaches the proxy's socket */
  if (mkdtemp (dir) == NULL)
    return sb_error_set (err, errno, "--dbus-user filter: mkdtemp '%s'", dir);
  cfg->dbus_proxy_dir = xstrdup (dir);
  if (asprintf (&socket, "%s/bus", dir) < 0)
    oom ();
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
      exec_proxy (cfg, parent, sv[1], address, socket);
    }
  (void) close (sv[1]);
  fd = sv[0];
  cfg->dbus_proxy_pid = pid;
  n = TEMP_FAILURE_RETRY (read (fd, &c, 1));
  if (n == 1)
    {
      cfg->dbus_proxy_fd = steal_fd (&fd);
      *ret_socket = steal_ptr (&socket);
      log_debug ("xdg-dbus-proxy %d ready on '%s'", (int) pid, *ret_socket);
      return 0;
    }
  /* it exited (or closed the socket) before it was ready */
  if (TEMP_FAILURE_RETRY (waitpid (pid, &status, 0)) == pid)
    cfg->dbus_proxy_pid = 0;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 127)
    return sb_error_set (err, 0,
                         "--dbus-user filter: xdg-dbus-proxy not found; install "
                         "xdg-dbus-proxy");
  return sb_error_set (err, 0,
                       "--dbus-user filter: xdg-dbus-proxy ended (status %d) before it "
                       "was ready",
                       WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status));
}

int
sb_dbus_prepare (struct config *cfg, char **ret_src, struct sb_error **err)
{
  const char *address = getenv ("DBUS_SESSION_BUS_ADDRESS");
  enum dbus_mode mode = cfg->dbus_user;
  cleanup_free char *path = NULL;

  *ret_src = NULL;
  if (mode == DBUS_UNSET)
    mode = cfg->dbus_talk != NULL || cfg->dbus_own != NULL ? DBUS_FILTER : DBUS_NONE;
  if (mode == DBUS_NONE)
    return 0;
  path = bus_socket_path (address);
  if (mode == DBUS_OPEN)
    {
      if (path == NULL)
        log_debug ("--dbus-user open: no session bus socket to share");
      *ret_src = steal_ptr (&path);
      return 0;
    }
  /* the proxy connects from outside, so any address does, abstract sockets too */
  if ((address == NULL || address[0] == '\0') && path == NULL)
    {
      log_debug ("--dbus-user filter: no session bus to filter");
      return 0;
    }
  if (address == NULL || address[0] == '\0')
    {
      cleanup_free char *a = NULL;
      struct stat st;

      if (stat (path, &st) < 0)
        {
          log_debug ("--dbus-user filter: no session bus at '%s'", path);
          return 0;
        }
      if (asprintf (&a, "unix:path=%s", path) < 0)
        oom ();
      return start_proxy (cfg, a, ret_src, err);
    }
  return start_proxy (cfg, address, ret_src, err);
}

void
sb_dbus_stop (struct config *cfg)
{
  if (cfg->dbus_proxy_pid > 0)
    {
      /* its --fd closing is its signal to go */
      closep (&cfg->dbus_proxy_fd);
      (void) TEMP_FAILURE_RETRY (waitpid (cfg->dbus_proxy_pid, NULL, 0));
      cfg->dbus_proxy_pid = 0;
    }
  if (cfg->dbus_proxy_dir != NULL)
    {
      cleanup_free char *socket = NULL;

      if (asprintf (&socket, "%s/bus", cfg->dbus_proxy_dir) < 0)
        oom ();
      (void) unlink (socket);
      (void) rmdir (cfg->dbus_proxy_dir);
      free (cfg->dbus_proxy_dir);
      cfg->dbus_proxy_dir = NULL;
    }
}
