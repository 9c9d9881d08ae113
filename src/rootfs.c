/* rootfs.c: the host's tree bound read-only (every mount of it), a fresh /proc of the new
   pid namespace, a fresh /sys, a minimal /dev, tmpfs on /tmp and /run; pivot_root; the old
   root detached.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "log.h"
#include "net.h"
#include "rootfs.h"
#include "syscalls.h"
#include "util.h"

/* The new root is assembled here, on a private tmpfs of our mount namespace.  */
#define BASE "/tmp"
#define ROOT BASE "/root"

static int
do_mount (const char *src, const char *target, const char *type, unsigned long flags,
          const char *data, struct sb_error **err)
{
  if (mount (src, target, type, flags, data) < 0)
    return sb_error_set (err, errno, "mount %s on '%s'", type ? type : src, target + strlen (ROOT));
  return 0;
}

/* Statvfs flags that a remount must keep: in a user namespace the kernel refuses to clear
   the flags the host set (they are locked).  */
static unsigned long
locked_flags (const char *path)
{
  struct statvfs sv;
  unsigned long f = 0;

  if (statvfs (path, &sv) < 0)
    return 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

/* mountinfo escapes ' ', '\t', '\n' and '\\' as octal */
static void
unescape (char *s)
{
  char *w = s;

  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0'
          && s[3] <= '7')
        {
          *w++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
          s += 3;
        }
      else
        *w++ = *s;
    }
  *w = '\0';
}

/* Kernels before 5.12 have no mount_setattr: remount each mount under ROOT on its own.  */
static int
make_readonly_each (struct sb_error **err)
{
  cleanup_free char *info = read_file_at (AT_FDCWD, "/proc/self/mountinfo", NULL);
  char *save = NULL;

  if (info == NULL)
    return sb_error_set (err, errno, "read /proc/self/mountinfo");
  for (char *line = strtok_r (info, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char mp[4096];
      unsigned long flags;

      if (sscanf (line, "%*s %*s %*s %*s %4095s", mp) != 1)
        continue;
      unescape (mp);
      if (strncmp (mp, ROOT, strlen (ROOT)) != 0
          || (mp[strlen (ROOT)] != '/' && mp[strlen (ROOT)] != '\0'))
        continue;
      flags = locked_flags (mp);
      if (mount (NULL, mp, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL) < 0
          && errno != EACCES && errno != ENOENT)
        return sb_error_set (err, errno, "remount '%s' read-only", mp + strlen (ROOT));
    }
  return 0;
}

static int
bind_host_readonly (struct sb_error **err)
{
  struct sb_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

  if (mkdir (ROOT, 0755) < 0)
    return sb_error_set (err, errno, "mkdir '%s'", ROOT);
  if (mount ("/", ROOT, NULL, MS_BIND | MS_REC, NULL) < 0)
    return sb_error_set (err, errno, "bind the host's root");
  if (sys_mount_setattr (AT_FDCWD, ROOT, AT_RECURSIVE, &attr) == 0)
    return 0;
  if (errno != ENOSYS && errno != EPERM && errno != EINVAL)
    return sb_error_set (err, errno, "make the host's root read-only");
  log_debug ("mount_setattr: %s; remounting each mount", strerror (errno));
  return make_readonly_each (err);
}

static int
make_file (const char *path, mode_t mode, struct sb_error **err)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);

  if (fd < 0)
    return sb_error_set (err, errno, "create '%s'", path + strlen (ROOT));
  (void) close (fd);
  return 0;
}

static int
setup_dev (struct sb_error **err)
{
  static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
  static const char *const links[][2] = {
    { "pts/ptmx", "ptmx" },          { "/proc/self/fd", "fd" },
    { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" },
  };
  char path[256], src[64];

  if (do_mount ("tmpfs", ROOT "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k", err) < 0)
    return -1;
  for (size_t i = 0; i < sizeof devices / sizeof *devices; i++)
    {
      snprintf (path, sizeof path, ROOT "/dev/%s", devices[i]);
      snprintf (src, sizeof src, "/dev/%s", devices[i]);
      if (make_file (path, 0666, err) < 0)
        return -1;
      if (mount (src, path, NULL, MS_BIND, NULL) < 0)
        return sb_error_set (err, errno, "bind '%s'", src);
    }
  if (mkdir (ROOT "/dev/pts", 0755) < 0 || mkdir (ROOT "/dev/shm", 01777) < 0)
    return sb_error_set (err, errno, "mkdir in /dev");
  /* a new devpts instance: the sandbox sees only its own terminals */
  if (do_mount ("devpts", ROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                "newinstance,ptmxmode=0666,mode=620", err) < 0)
    return -1;
  if (do_mount ("tmpfs", ROOT "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err) < 0)
    return -1;
  for (size_t i = 0; i < sizeof links / sizeof *links; i++)
    {
      snprintf (path, sizeof path, ROOT "/dev/%s", links[i][1]);
      if (symlink (links[i][0], path) < 0)
        return sb_error_set (err, errno, "symlink '/dev/%s'", links[i][1]);
    }
  return 0;
}

static int
setup_sys (struct sb_error **err)
{
  const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

  /* a fresh sysfs shows the new network namespace's devices only; where the kernel refuses
     it, the host's read-only /sys stays */
  if (mount ("sysfs", ROOT "/sys", "sysfs", ro, NULL) < 0)
    {
      log_debug ("mount sysfs: %s; keeping the host's /sys read-only", strerror (errno));
      return 0;
    }
  /* the cgroup namespace makes our own cgroup the root of this view */
  if (mount ("cgroup2", ROOT "/sys/fs/cgroup", "cgroup2", ro, NULL) < 0)
    log_debug ("mount cgroup2: %s", strerror (errno));
  (void) err;
  return 0;
}

int
rootfs_setup (const struct config *cfg, struct sb_error **err)
{
  (void) cfg;
  /* nothing we mount from here on reaches the host */
  if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return sb_error_set (err, errno, "make the mount namespace private");
  if (mount ("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=64k") < 0)
    return sb_error_set (err, errno, "mount tmpfs on '%s'", BASE);
  if (bind_host_readonly (err) < 0)
    return -1;
  if (do_mount ("proc", ROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0)
    return -1;
  if (setup_sys (err) < 0 || setup_dev (err) < 0)
    return -1;
  if (do_mount ("tmpfs", ROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err) < 0
      || do_mount ("tmpfs", ROOT "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", err) < 0)
    return -1;
  if (net_setup_files (cfg, ROOT, err) < 0)
    return -1;

  /* pivot_root (".", "."): the old root ends up on top of the new one, then goes away */
  if (chdir (ROOT) < 0)
    return sb_error_set (err, errno, "chdir '%s'", ROOT);
  if (sys_pivot_root (".", ".") < 0)
    return sb_error_set (err, errno, "pivot_root");
  if (umount2 (".", MNT_DETACH) < 0)
    return sb_error_set (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return sb_error_set (err, errno, "chdir '/'");
  return 0;
}
