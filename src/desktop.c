/* SPDX-License-Identifier: GPL-2.0-or-later */
/* desktop.c: --x11, --wayland, --pulseaudio, --pipewire and --gpu: the host session's
   sockets and GPU devices, found by the launcher (before the first namespace), opened by
   the child (O_PATH, first thing in its mount namespace) and bound into the new root by
   it; for X11 a private Xauthority file holding the one cookie of the display, not the
   user's whole file.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "dbus.h"
#include "desktop.h"
#include "error.h"
#include "inroot.h"
#include "log.h"
#include "util.h"

/* Xauthority families (X11/Xauth.h) */
#define FAMILY_LOCAL 256
#define FAMILY_WILD 65535

static int
read_u16 (const unsigned char *buf, size_t len, size_t *pos, unsigned *ret)
{
  if (len - *pos < 2)
    return -1;
  *ret = (unsigned) buf[*pos] << 8 | buf[*pos + 1];
  *pos += 2;
  return 0;
}

static int
read_field (const unsigned char *buf, size_t len, size_t *pos, const unsigned char **ret,
            unsigned *ret_len)
{
  if (read_u16 (buf, len, pos, ret_len) < 0 || len - *pos < *ret_len)
    return -1;
  *ret = buf + *pos;
  *pos += *ret_len;
  return 0;
}

static void
put_field (unsigned char **w, const void *p, unsigned n)
{
  (*w)[0] = (unsigned char) (n >> 8);
  (*w)[1] = (unsigned char) n;
  if (n > 0)
    memcpy (*w + 2, p, n);
  *w += 2 + n;
}

/* The format: records of a big-endian u16 family, then address, display number, auth name
   and auth data, each a big-endian u16 length and that many bytes.  */
int
desktop_xauth_extract (const char *buf, size_t len, const char *host, const char *display,
                       char **ret, size_t *ret_len)
{
  const unsigned char *b = (const unsigned char *) buf;
  size_t pos = 0;

  *ret = NULL;
  *ret_len = 0;
  while (pos < len)
    {
      const unsigned char *addr, *num, *name, *data;
      unsigned family, al, nl, nal, dl;
      unsigned char *out, *w;

      if (read_u16 (b, len, &pos, &family) < 0 || read_field (b, len, &pos, &addr, &al) < 0
          || read_field (b, len, &pos, &num, &nl) < 0 || read_field (b, len, &pos, &name, &nal) < 0
          || read_field (b, len, &pos, &data, &dl) < 0)
        return -1;
      if (family != FAMILY_WILD
          && !(family == FAMILY_LOCAL && al == strlen (host) && memcmp (addr, host, al) == 0))
        continue;
      /* as libXau: an entry without a number is for every display */
      if (nl != 0 && (nl != strlen (display) || memcmp (num, display, nl) != 0))
        continue;
      /* FamilyWild: inside, the host name is the sandbox's own */
      w = out = xcalloc (2 + 2 + 2 + strlen (display) + 2 + nal + 2 + dl, 1);
      *w++ = (unsigned char) (FAMILY_WILD >> 8);
      *w++ = (unsigned char) (FAMILY_WILD & 0xff);
      put_field (&w, "", 0);
      put_field (&w, display, (unsigned) strlen (display));
      put_field (&w, name, nal);
      put_field (&w, data, dl);
      *ret_len = (size_t) (w - out);
      *ret = (char *) out;
      return 0;
    }
  return 0;
}

static struct desktop_bind *
push_bind (struct config *cfg, const char *src, const char *dst, bool dir)
{
  struct desktop_bind *b;

  cfg->desktop_binds
      = xreallocarray (cfg->desktop_binds, cfg->n_desktop_binds + 1, sizeof *cfg->desktop_binds);
  b = &cfg->desktop_binds[cfg->n_desktop_binds++];
  b->src = xstrdup (src);
  b->ours = false;
  b->fd = b->up_fd = -1;
  b->dst = xstrdup (dst);
  b->dir = dir;
  return b;
}

/* Records SRC for binding at DST inside (pid 1 opens it: desktop_open); a missing SRC is left
   out (false in *RET_FOUND).  */
static int
add_bind (struct config *cfg, const char *opt, const char *src, const char *dst, bool dir,
          bool *ret_found, struct sb_error **err)
{
  struct stat st;

  if (ret_found)
    *ret_found = false;
  if (stat (src, &st) < 0)
    {
      if (errno != ENOENT)
        return sb_error_set (err, errno, "--%s: '%s'", opt, src);
      log_debug ("--%s: no '%s' here; left out", opt, src);
      return 0;
    }
  /* a file where a socket should be is not what the option promises to share */
  if (dir ? !S_ISDIR (st.st_mode) : !S_ISSOCK (st.st_mode) && !S_ISCHR (st.st_mode))
    return sb_error_set (err, 0, "--%s: '%s' is not a %s", opt, src, dir ? "folder" : "socket");
  push_bind (cfg, src, dst, dir);
  if (ret_found)
    *ret_found = true;
  return 0;
}

/* The command's XDG_RUNTIME_DIR inside, made on first use.  */
static const char *
runtime_dir (struct config *cfg)
{
  if (cfg->runtime_dir == NULL)
    {
      if (asprintf (&cfg->runtime_dir, "/run/user/%u", cfg->uid) < 0)
        oom ();
      config_env_set (&cfg->envp, "XDG_RUNTIME_DIR", cfg->runtime_dir);
    }
  return cfg->runtime_dir;
}

/* A socket in the host's $XDG_RUNTIME_DIR (or at an absolute NAME), bound at
   $XDG_RUNTIME_DIR/DST inside.  */
static int
share_runtime_socket (struct config *cfg, const char *opt, const char *name, const char *dst,
                      bool *ret_found, struct sb_error **err)
{
  const char *host_dir = user_runtime_dir ();
  cleanup_free char *src = NULL, *inside = NULL;

  *ret_found = false;
  if (name[0] != '/' && host_dir == NULL)
    {
      log_debug ("--%s: XDG_RUNTIME_DIR is not set; nothing to share", opt);
      return 0;
    }
  if (name[0] == '/')
    src = xstrdup (name);
  else if (asprintf (&src, "%s/%s", host_dir, name) < 0)
    oom ();
  if (asprintf (&inside, "%s/%s", runtime_dir (cfg), dst) < 0)
    oom ();
  return add_bind (cfg, opt, src, inside, false, ret_found, err);
}

static int
prepare_x11 (struct config *cfg, struct sb_error **err)
{
  const char *d = getenv ("DISPLAY"), *colon;
  cleanup_free char *socket = NULL, *num = NULL, *xauth_path = NULL, *file = NULL;
  cleanup_free char *inside = NULL;
  char host[256] = "";
  size_t file_len = 0;
  bool found;

  colon = d ? strrchr (d, ':') : NULL;
  if (colon == NULL)
    {
      log_debug ("--x11: DISPLAY is not set; no display to share");
      return 0;
    }
  /* only a local display has a socket to bind: ":0", "unix:0"; not "host:10" (TCP) */
  if (colon != d && strncmp (d, "unix:", 5) != 0)
    {
      log_debug ("--x11: DISPLAY '%s' is not a local display; left out", d);
      return 0;
    }
  num = strndup (colon + 1, strspn (colon + 1, "0123456789"));
  if (num == NULL)
    oom ();
  if (num[0] == '\0')
    return sb_error_set (err, 0, "--x11: DISPLAY '%s': expected a display such as :0", d);
  if (asprintf (&socket, "/tmp/.X11-unix/X%s", num) < 0)
    oom ();
  if (add_bind (cfg, "x11", socket, socket, false, &found, err) < 0)
    return -1;
  if (!found)
    return 0;
  config_env_set (&cfg->envp, "DISPLAY", colon);

  /* the display's cookie only: the user's file holds every display's, of every host */
  if (getenv ("XAUTHORITY") != NULL && getenv ("XAUTHORITY")[0] != '\0')
    xauth_path = xstrdup (getenv ("XAUTHORITY"));
  else if (getenv ("HOME") != NULL && asprintf (&xauth_path, "%s/.Xauthority", getenv ("HOME")) < 0)
    oom ();
  file = xauth_path ? read_file_at (AT_FDCWD, xauth_path, &file_len) : NULL;
  (void) gethostname (host, sizeof host - 1);
  if (file != NULL
      && desktop_xauth_extract (file, file_len, host, num, &cfg->xauth, &cfg->xauth_len) < 0)
    return sb_error_set (err, 0, "--x11: '%s': not an Xauthority file", xauth_path);
  if (cfg->xauth == NULL)
    {
      log_debug ("--x11: no cookie for display %s; the display must allow us without", num);
      config_env_set (&cfg->envp, "XAUTHORITY", NULL);
      return 0;
    }
  if (asprintf (&inside, "%s/Xauthority", runtime_dir (cfg)) < 0)
    oom ();
  config_env_set (&cfg->envp, "XAUTHORITY", inside);
  return 0;
}

static int
prepare_gpu (struct config *cfg, struct sb_error **err)
{
  glob_t g;
  int r = 0;

  if (add_bind (cfg, "gpu", "/dev/dri", "/dev/dri", true, NULL, err) < 0)
    return -1;
  /* NVIDIA's proprietary driver: its own device nodes beside /dev/dri */
  if (glob ("/dev/nvidia*", GLOB_NOSORT, NULL, &g) != 0)
    return 0;
  for (size_t i = 0; i < g.gl_pathc && r == 0; i++)
    {
      struct stat st;

      if (stat (g.gl_pathv[i], &st) == 0 && S_ISCHR (st.st_mode))
        r = add_bind (cfg, "gpu", g.gl_pathv[i], g.gl_pathv[i], false, NULL, err);
    }
  globfree (&g);
  return r;
}

/* SRC (NULL: nothing to share) bound at INSIDE, with VAR naming it; an address the command
   cannot reach is worse than none: clients would wait on it */
static int
share_bus (struct config *cfg, const char *opt, const char *src, const char *inside,
           const char *var, struct sb_error **err)
{
  cleanup_free char *address = NULL;
  bool found = false;

  if (src != NULL)
    {
      /* the proxy's sockets are in a folder of ours (the host's bus with open is not) */
      const char *dir = cfg->dbus_proxy_dir;
      bool ours = dir != NULL && strncmp (src, dir, strlen (dir)) == 0 && src[strlen (dir)] == '/';

      /* the proxy's socket is there once launch.c has started it, before the clone */
      if (ours)
        push_bind (cfg, src, inside, false)->ours = found = true;
      else if (add_bind (cfg, opt, src, inside, false, &found, err) < 0)
        return -1;
    }
  if (found && asprintf (&address, "unix:path=%s", inside) < 0)
    oom ();
  config_env_set (&cfg->envp, var, address);
  return 0;
}

static int
prepare_dbus (struct config *cfg, struct sb_error **err)
{
  cleanup_free char *user = NULL, *system = NULL, *inside = NULL;

  if (sb_dbus_plan (cfg, &user, &system, err) < 0)
    return -1;
  if (user != NULL && asprintf (&inside, "%s/bus", runtime_dir (cfg)) < 0)
    oom ();
  if (share_bus (cfg, "dbus-user", user, inside, "DBUS_SESSION_BUS_ADDRESS", err) < 0)
    return -1;
  return share_bus (cfg, "dbus-system", system, SB_DBUS_SYSTEM_SOCKET, "DBUS_SYSTEM_BUS_ADDRESS",
                    err);
}

int
desktop_prepare (struct config *cfg, struct sb_error **err)
{
  bool found;

  if (cfg->x11 && prepare_x11 (cfg, err) < 0)
    return -1;
  if (cfg->wayland)
    {
      const char *w = getenv ("WAYLAND_DISPLAY");
      const char *name = w != NULL && w[0] != '\0' ? w : "wayland-0";
      const char *base = strrchr (name, '/') ? strrchr (name, '/') + 1 : name;

      if (share_runtime_socket (cfg, "wayland", name, base, &found, err) < 0)
        return -1;
      if (found)
        config_env_set (&cfg->envp, "WAYLAND_DISPLAY", base);
    }
  if (cfg->pulseaudio)
    {
      const char *s = getenv ("PULSE_SERVER");
      cleanup_free char *inside = NULL;

      /* PULSE_SERVER may name a unix socket; any other server is not ours to bind */
      if (share_runtime_socket (cfg, "pulseaudio",
                                s && strncmp (s, "unix:/", 6) == 0 ? s + 5 : "pulse/native",
                                "pulse/native", &found, err)
          < 0)
        return -1;
      if (found && asprintf (&inside, "unix:%s/pulse/native", cfg->runtime_dir) < 0)
        oom ();
      if (found)
        config_env_set (&cfg->envp, "PULSE_SERVER", inside);
    }
  if (cfg->pipewire)
    {
      const char *s = getenv ("PIPEWIRE_REMOTE");

      if (share_runtime_socket (cfg, "pipewire", s && s[0] ? s : "pipewire-0", "pipewire-0", &found,
                                err)
          < 0)
        return -1;
      if (found)
        config_env_set (&cfg->envp, "PIPEWIRE_REMOTE", "pipewire-0");
    }
  if (cfg->gpu && prepare_gpu (cfg, err) < 0)
    return -1;
  return prepare_dbus (cfg, err);
}

int
desktop_open (const struct config *cfg, struct sb_error **err)
{
  for (size_t i = 0; i < cfg->n_desktop_binds; i++)
    {
      /* the array is the child's own copy: its fds are the one thing set after the launch */
      struct desktop_bind *b = &cfg->desktop_binds[i];

      b->fd = open (b->src, O_PATH | O_CLOEXEC | (b->dir ? O_DIRECTORY : 0));
      if (b->fd < 0)
        return sb_error_set (err, errno, "open '%s'", b->src);
      if (b->ours)
        {
          cleanup_free char *up = xstrdup (b->src);

          for (int k = 0; k < 2; k++)
            *strrchr (up, '/') = '\0';
          b->up_fd = open (up[0] ? up : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
          if (b->up_fd < 0)
            return sb_error_set (err, errno, "open '%s'", up);
        }
    }
  return 0;
}

static int
bind_one (const struct desktop_bind *b, int root, struct sb_error **err)
{
  cleanup_close int target = inroot_make (root, b->dst, b->dir, b->dir ? 0755 : 0600);
  char src[64], dst[64];

  if (target < 0)
    return sb_error_set (err, errno, "create '%s'", b->dst);
  /* desktop_open's O_PATH fd: the host path itself may be hidden from us by now */
  snprintf (src, sizeof src, "/proc/self/fd/%d", b->fd);
  snprintf (dst, sizeof dst, "/proc/self/fd/%d", target);
  if (mount (src, dst, NULL, MS_BIND | (b->dir ? MS_REC : 0), NULL) < 0)
    return sb_error_set (err, errno, "bind '%s'", b->dst);
  return 0;
}

int
desktop_setup (const struct config *cfg, int root, struct sb_error **err)
{
  cleanup_close int dir = -1;

  if (cfg->runtime_dir != NULL)
    {
      dir = inroot_make (root, cfg->runtime_dir, true, 0700);
      /* the command's own, as a login session's is */
      if (dir < 0 || fchownat (dir, "", cfg->uid, cfg->gid, AT_EMPTY_PATH) < 0)
        return sb_error_set (err, errno, "chown '%s'", cfg->runtime_dir);
      {
        char p[64];
        cleanup_close int rfd = -1;

        snprintf (p, sizeof p, "/proc/self/fd/%d", dir);
        rfd = open (p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rfd < 0 || fchmod (rfd, 0700) < 0)
          return sb_error_set (err, errno, "chmod '%s'", cfg->runtime_dir);
      }
    }
  for (size_t i = 0; i < cfg->n_desktop_binds; i++)
    {
      const struct desktop_bind *b = &cfg->desktop_binds[i];

      if (bind_one (b, root, err) < 0)
        return -1;
      /* the bind holds the socket's inode: its name can go now, and with it our folder,
         which then is not left behind even when the launcher is killed */
      if (b->ours)
        {
          const char *sock = strrchr (b->src, '/'), *folder = sock;

          while (folder > b->src && folder[-1] != '/')
            folder--;
          (void) unlinkat (b->up_fd, folder, 0);
          (void) unlinkat (b->up_fd, strndupa (folder, (size_t) (sock - folder)), AT_REMOVEDIR);
        }
    }
  if (cfg->xauth != NULL && dir >= 0)
    {
      cleanup_close int fd = -1;

      fd = openat (dir, "Xauthority", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0 || write_all (fd, cfg->xauth, cfg->xauth_len) < 0
          || fchown (fd, cfg->uid, cfg->gid) < 0)
        return sb_error_set (err, errno, "write '%s/Xauthority'", cfg->runtime_dir);
    }
  return 0;
}
