/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procviews.c: the sandbox's side of the /proc views (mounting and binding, in pid 1) and
   the launcher's (starting and ending the server, CPU affinity).  The server itself is
   src/sandbox-procviews.c, its own program: libfuse3 is loaded only by it.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "config.h"
#include "error.h"
#include "helper.h"
#include "log.h"
#include "procviews.h"
#include "util.h"

/* the server's file names, and where each goes */
static const char *const views[][2] = {
  { "meminfo", "/proc/meminfo" },
  { "cpuinfo", "/proc/cpuinfo" },
  { "stat", "/proc/stat" },
  { "uptime", "/proc/uptime" },
  { "loadavg", "/proc/loadavg" },
  { "swaps", "/proc/swaps" },
  { "online", "/sys/devices/system/cpu/online" },
};

/* a tmpfs of the sandbox's own; the mount is detached again before the command starts */
#define STAGE "/run/.sandbox-procviews"

bool
procviews_wanted (const struct config *cfg)
{
  return cgroup_limits_asked (cfg) && cfg->cgroup_mode != CGROUP_MODE_NONE && !cfg->proc_views_off;
}

int
procviews_open (const struct config *cfg, int *ret_fd, struct sb_error **err)
{
  int fd;

  *ret_fd = -1;
  if (!procviews_wanted (cfg))
    return 0;
  fd = open ("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return sb_error_set (err, errno,
                         "/proc views: open /dev/fuse (--proc-views no turns them "
                         "off)");
  *ret_fd = fd;
  return 0;
}

int
procviews_mount (const struct config *cfg, int fuse_fd, struct sb_error **err)
{
  cleanup_free char *opts = NULL;

  if (!procviews_wanted (cfg) || fuse_fd < 0)
    return 0;
  if (mkdir (STAGE, 0700) < 0)
    return sb_error_set (err, errno, "/proc views: mkdir '%s'", STAGE);
  opts = fuse_mount_opts (fuse_fd, "");
  if (mount ("sandbox-procviews", STAGE, "fuse", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, opts)
      < 0)
    return sb_error_set (err, errno, "/proc views: mount fuse (--proc-views no turns them off)");
  return 0;
}

int
procviews_bind (const struct config *cfg, struct sb_error **err)
{
  if (!procviews_wanted (cfg))
    return 0;
  for (size_t i = 0; i < sizeof views / sizeof *views; i++)
    {
      char src[128];

      snprintf (src, sizeof src, STAGE "/%s", views[i][0]);
      if (access (views[i][1], F_OK) < 0)
        continue;
      if (mount (src, views[i][1], NULL, MS_BIND, NULL) < 0)
        return sb_error_set (err, errno, "/proc views: bind over '%s'", views[i][1]);
      /* read-only: the server has no write, and the mount says so too */
      (void) mount (NULL, views[i][1], NULL,
                    MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    }
  if (umount2 (STAGE, MNT_DETACH) < 0)
    return sb_error_set (err, errno, "/proc views: detach '%s'", STAGE);
  (void) rmdir (STAGE);
  log_debug ("/proc views: bound");
  return 0;
}

static unsigned
view_cpus (const struct config *cfg)
{
  return cfg->cpus_milli ? (cfg->cpus_milli + 999) / 1000 : 0;
}

int
procviews_start (const struct config *cfg, const struct cgroup *cg, int fuse_fd, struct helper *h,
                 struct sb_error **err)
{
  cleanup_free char *path = sb_helper_path ("sandbox-procviews");
  char cpus[32];
  char *argv[] = { path, cg->path, cpus, NULL };
  /* the server talks to the kernel only: its /dev/fuse fd as 3, and no terminal */
  struct helper_spec spec = { .name = "sandbox-procviews",
                              .argv = argv,
                              .stderr_fd = HELPER_FD_INHERIT,
                              .place = &fuse_fd,
                              .n_place = 1 };

  snprintf (cpus, sizeof cpus, "%u", view_cpus (cfg));
  if (helper_start (&spec, h, err) < 0)
    {
      sb_error_prefix (*err, "/proc views: ");
      return -1;
    }
  return 0;
}

int
procviews_limit_cpus (const struct config *cfg, pid_t pid, struct sb_error **err)
{
  cpu_set_t have, want;
  unsigned n = view_cpus (cfg), taken = 0;

  if (!procviews_wanted (cfg) || n == 0)
    return 0;
  if (sched_getaffinity (0, sizeof have, &have) < 0)
    return sb_error_set (err, errno, "sched_getaffinity");
  CPU_ZERO (&want);
  for (int c = 0; c < CPU_SETSIZE && taken < n; c++)
    if (CPU_ISSET (c, &have))
      {
        CPU_SET (c, &want);
        taken++;
      }
  if (sched_setaffinity (pid, sizeof want, &want) < 0)
    return sb_error_set (err, errno, "sched_setaffinity");
  return 0;
}

void
procviews_stop (struct helper *h)
{
  /* its requests died with the mount namespace */
  helper_stop (h, 0, 0);
}
