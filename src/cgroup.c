/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup.c: chooses where the limits go (the user's systemd, or a delegated cgroup v2
   folder), the parsers of the limit options, and what both backends share.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "config.h"
#include "error.h"
#include "log.h"
#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

bool
cgroup_limits_asked (const struct config *cfg)
{
  return cfg->memory_max != LIMIT_UNSET || cfg->memory_swap_max != LIMIT_UNSET
         || cfg->cpus_milli != 0 || cfg->cpu_weight != 0 || cfg->pids_max != 0
         || cfg->io_weight != 0 || cfg->n_io_limits != 0;
}

int
cgroup_parse_size (const char *s, uint64_t *ret)
{
  uint64_t v = 0, mult = 1;
  const char *p = s;

  if (*p < '0' || *p > '9')
    return -1;
  for (; *p >= '0' && *p <= '9'; p++)
    {
      if (v > (UINT64_MAX - 9) / 10)
        return -1;
      v = v * 10 + (uint64_t) (*p - '0');
    }
  switch (*p)
    {
    case '\0':
      break;
    case 'K':
    case 'k':
      mult = 1ull << 10;
      break;
    case 'M':
    case 'm':
      mult = 1ull << 20;
      break;
    case 'G':
    case 'g':
      mult = 1ull << 30;
      break;
    case 'T':
    case 't':
      mult = 1ull << 40;
      break;
    default:
      return -1;
    }
  if (*p != '\0' && p[1] != '\0')
    return -1;
  if (v > UINT64_MAX / mult / 2) /* the kernel's limits are signed 64-bit */
    return -1;
  *ret = v * mult;
  return 0;
}

int
cgroup_parse_cpus (const char *s, unsigned *ret_milli)
{
  uint64_t whole = 0, frac = 0;
  int digits = 0;
  const char *p = s;

  if (*p < '0' || *p > '9')
    return -1;
  for (; *p >= '0' && *p <= '9'; p++)
    if ((whole = whole * 10 + (uint64_t) (*p - '0')) > 1024)
      return -1;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++)
      {
        if (++digits > 3)
          return -1;
        frac = frac * 10 + (uint64_t) (*p - '0');
      }
  if (*p != '\0' || (p[-1] == '.'))
    return -1;
  for (; digits < 3; digits++)
    frac *= 10;
  whole = whole * 1000 + frac;
  /* cpu.max takes at least 1 ms of quota per 100 ms period */
  if (whole < 10 || whole > 1024 * 1000)
    return -1;
  *ret_milli = (unsigned) whole;
  return 0;
}

void
cgroup_format_size (uint64_t v, char *buf, size_t len)
{
  static const char units[] = "TGMK";

  for (int i = 0; units[i]; i++)
    {
      uint64_t m = 1ull << (10 * (4 - i));

      if (v != 0 && v % m == 0)
        {
          snprintf (buf, len, "%" PRIu64 "%c", v / m, units[i]);
          return;
        }
    }
  snprintf (buf, len, "%" PRIu64, v);
}

int
cgroup_resolve_device (const char *path, unsigned *ret_major, unsigned *ret_minor,
                       struct sb_error **err)
{
  struct stat st;
  dev_t dev;
  char sys[128];
  cleanup_free char *whole = NULL;
  unsigned ma, mi;

  if (stat (path, &st) < 0)
    return sb_error_set (err, errno, "'%s'", path);
  dev = S_ISBLK (st.st_mode) ? st.st_rdev : st.st_dev;
  ma = major (dev);
  mi = minor (dev);
  /* major 0: tmpfs, overlayfs, btrfs subvolumes... no disk to limit */
  if (ma == 0)
    return sb_error_set (err, 0, "'%s' is not on a block device", path);
  /* io.max and io.weight apply to whole disks, not partitions */
  snprintf (sys, sizeof sys, "/sys/dev/block/%u:%u/partition", ma, mi);
  if (access (sys, F_OK) == 0)
    {
      snprintf (sys, sizeof sys, "/sys/dev/block/%u:%u/../dev", ma, mi);
      whole = read_file_at (AT_FDCWD, sys, NULL);
      if (whole == NULL || sscanf (whole, "%u:%u", &ma, &mi) != 2)
        return sb_error_set (err, 0, "'%s': cannot find the disk of partition %u:%u", path,
                             major (dev), minor (dev));
    }
  *ret_major = ma;
  *ret_minor = mi;
  return 0;
}

char *
cgroup_path_of (pid_t pid)
{
  char proc[64];
  cleanup_free char *text = NULL;
  char *line, *save = NULL, *path;

  snprintf (proc, sizeof proc, "/proc/%d/cgroup", (int) pid);
  text = read_file_at (AT_FDCWD, proc, NULL);
  if (text == NULL)
    return NULL;
  for (line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    if (strncmp (line, "0::/", 4) == 0)
      {
        if (asprintf (&path, CGROUP_ROOT "%s", strcmp (line + 3, "/") == 0 ? "" : line + 3) < 0)
          oom ();
        return path;
      }
  errno = ENOENT;
  return NULL;
}

static bool
has_word (const char *text, const char *word)
{
  size_t n = strlen (word);

  for (const char *p = text; (p = strstr (p, word)) != NULL; p += n)
    if ((p == text || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
      return true;
  return false;
}

const char *
cgroup_missing_controller (const struct config *cfg, const char *controllers)
{
  if ((cfg->memory_max != LIMIT_UNSET || cfg->memory_swap_max != LIMIT_UNSET)
      && !has_word (controllers, "memory"))
    return "memory";
  if ((cfg->cpus_milli != 0 || cfg->cpu_weight != 0) && !has_word (controllers, "cpu"))
    return "cpu";
  if (cfg->pids_max != 0 && !has_word (controllers, "pids"))
    return "pids";
  if ((cfg->io_weight != 0 || cfg->n_io_limits != 0) && !has_word (controllers, "io"))
    return "io";
  return NULL;
}

const char *
cgroup_v2_unavailable (void)
{
  struct statfs sf;

  if (statfs (CGROUP_ROOT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
    return NULL;
  if (statfs (CGROUP_ROOT "/unified", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
    return "the cgroup layout is hybrid, with the controllers on cgroup v1 (boot with "
           "systemd.unified_cgroup_hierarchy=1)";
  return "no cgroup v2 is mounted on " CGROUP_ROOT;
}

static int
write_limit (int dirfd, const char *path, const char *file, const char *value,
             struct sb_error **err)
{
  if (write_file_at (dirfd, file, value) < 0)
    return sb_error_set (err, errno, "write '%s' to '%s/%s'", value, path, file);
  return 0;
}

int
cgroup_write_limits (const struct config *cfg, int dirfd, const char *path, struct sb_error **err)
{
  char v[128];

  if (cfg->memory_max != LIMIT_UNSET)
    {
      snprintf (v, sizeof v, "%" PRIu64, cfg->memory_max);
      if (write_limit (dirfd, path, "memory.max", v, err) < 0)
        return -1;
    }
  if (cfg->memory_swap_max != LIMIT_UNSET)
    {
      snprintf (v, sizeof v, "%" PRIu64, cfg->memory_swap_max);
      if (write_limit (dirfd, path, "memory.swap.max", v, err) < 0)
        return -1;
    }
  if (cfg->cpus_milli != 0)
    {
      /* a quota per 100 ms period: 1.5 CPUs = 150 ms of CPU time every 100 ms */
      snprintf (v, sizeof v, "%u 100000", cfg->cpus_milli * 100);
      if (write_limit (dirfd, path, "cpu.max", v, err) < 0)
        return -1;
    }
  if (cfg->cpu_weight != 0)
    {
      snprintf (v, sizeof v, "%u", cfg->cpu_weight);
      if (write_limit (dirfd, path, "cpu.weight", v, err) < 0)
        return -1;
    }
  if (cfg->pids_max != 0)
    {
      snprintf (v, sizeof v, "%" PRIu64, cfg->pids_max);
      if (write_limit (dirfd, path, "pids.max", v, err) < 0)
        return -1;
    }
  if (cfg->io_weight != 0)
    {
      snprintf (v, sizeof v, "default %u", cfg->io_weight);
      if (write_limit (dirfd, path, "io.weight", v, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < cfg->n_io_limits; i++)
    {
      const struct io_limit *l = &cfg->io_limits[i];

      snprintf (v, sizeof v, "%u:%u %s=%" PRIu64, l->major, l->minor, l->write ? "wbps" : "rbps",
                l->bps);
      if (write_limit (dirfd, path, "io.max", v, err) < 0)
        return -1;
    }
  return 0;
}

/* Where no cgroup can hold the limits: the nearest bounds that need none, for the one line
   that refuses them.  */
static const char *
nearest_bounds (const struct config *cfg)
{
  bool mem = cfg->memory_max != LIMIT_UNSET || cfg->memory_swap_max != LIMIT_UNSET;

  if (cfg->pids_max != 0 && mem)
    return "; what works without them: --rlimit nproc=N for --pids, --rlimit as=SIZE "
           "(each process's memory) for --memory";
  if (cfg->pids_max != 0)
    return "; what works without them: --rlimit nproc=N, counted in this sandbox only";
  if (mem)
    return "; what works without them: --rlimit as=SIZE, each process's memory";
  return "";
}

int
cgroup_prepare (const struct config *cfg, struct cgroup *cg, struct sb_error **err)
{
  struct sb_error *sys_err = NULL, *fs_err = NULL;
  cleanup_free char *sys_text = NULL;
  cleanup_free char *fs_text = NULL;

  memset (cg, 0, sizeof *cg);
  /* no limits: no D-Bus connection, no folder, no cost */
  if (!cgroup_limits_asked (cfg) || cfg->cgroup_mode == CGROUP_MODE_NONE)
    return 0;
  if (cgroup_v2_unavailable () != NULL)
    return sb_error_set (err, 0, "cannot apply the limits: %s%s", cgroup_v2_unavailable (),
                         nearest_bounds (cfg));
  switch (cfg->cgroup_mode)
    {
    case CGROUP_MODE_SYSTEMD:
      if (cgroup_systemd_prepare (cg, err) < 0)
        {
          sb_error_prefix (*err, "--cgroup systemd: ");
          return -1;
        }
      return 0;
    case CGROUP_MODE_CGROUPFS:
      if (cgroup_fs_prepare (cfg, cg, err) < 0)
        {
          sb_error_prefix (*err, "--cgroup cgroupfs: ");
          return -1;
        }
      return 0;
    case CGROUP_MODE_AUTO:
    case CGROUP_MODE_NONE:
      break;
    }
  /* --cgroup-parent names a folder: the user wants that one */
  if (cfg->cgroup_parent == NULL && cgroup_systemd_prepare (cg, &sys_err) == 0)
    return 0;
  if (cgroup_fs_prepare (cfg, cg, &fs_err) == 0)
    {
      sb_error_free (&sys_err);
      return 0;
    }
  fs_text = sb_error_text (fs_err);
  sb_error_free (&fs_err);
  if (sys_err == NULL)
    return sb_error_set (err, 0, "cannot apply the limits: %s%s", fs_text, nearest_bounds (cfg));
  sys_text = sb_error_text (sys_err);
  sb_error_free (&sys_err);
  return sb_error_set (err, 0, "cannot apply the limits: %s; %s%s", sys_text, fs_text,
                       nearest_bounds (cfg));
}

int
cgroup_enter (const struct config *cfg, struct cgroup *cg, pid_t pid, struct sb_error **err)
{
  switch (cg->kind)
    {
    case CGROUP_KIND_SYSTEMD:
      return cgroup_systemd_enter (cfg, cg, pid, err);
    case CGROUP_KIND_FS:
      return cgroup_fs_enter (cfg, cg, pid, err);
    case CGROUP_KIND_NONE:
      break;
    }
  return 0;
}

bool
cgroup_oom_check_wanted (const struct config *cfg, int status)
{
  return WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL && cfg->memory_max != LIMIT_UNSET
         && cfg->cgroup_mode != CGROUP_MODE_NONE;
}

uint64_t
cgroup_oom_kills (const struct cgroup *cg)
{
  cleanup_free char *path = NULL;
  cleanup_free char *text = NULL;
  const char *p;
  uint64_t n = 0;

  if (cg->path == NULL)
    return 0;
  if (asprintf (&path, "%s/memory.events", cg->path) < 0)
    oom ();
  text = read_file_at (AT_FDCWD, path, NULL);
  if (text == NULL)
    return 0;
  for (p = text; p != NULL; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
    if (sscanf (p, "oom_kill %" SCNu64, &n) == 1)
      return n;
  return 0;
}

void
cgroup_teardown (struct cgroup *cg)
{
  switch (cg->kind)
    {
    case CGROUP_KIND_SYSTEMD:
      cgroup_systemd_close (cg);
      break;
    case CGROUP_KIND_FS:
      cgroup_fs_remove (cg);
      break;
    case CGROUP_KIND_NONE:
      break;
    }
  free (cg->path);
  free (cg->unit);
  free (cg->parent);
  memset (cg, 0, sizeof *cg);
}
