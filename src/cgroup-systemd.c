/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup-systemd.c: limits through the user's systemd: a transient scope (StartTransientUnit
   on the user bus) with Delegate=yes, the limits as unit properties and the sandbox's pid 1
   in PIDs; we wait for the job's JobRemoved signal.  The scope goes away by itself once its
   last process is gone, also after a SIGKILL of the launcher.
   libsystemd is opened with dlopen only when limits are asked: a sandbox without limits
   loads neither it nor its dependencies (lz4, zstd, lzma, gcrypt), and never connects.  */
#include "build-config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "config.h"
#include "error.h"
#include "log.h"
#include "util.h"

#define SD_FUNCS(X)                                                                                \
  X (sd_bus_open_user)                                                                             \
  X (sd_bus_flush_close_unref)                                                                     \
  X (sd_bus_match_signal_async)                                                                    \
  X (sd_bus_message_new_method_call)                                                               \
  X (sd_bus_message_append)                                                                        \
  X (sd_bus_message_open_container)                                                                \
  X (sd_bus_message_close_container)                                                               \
  X (sd_bus_message_read)                                                                          \
  X (sd_bus_message_unref)                                                                         \
  X (sd_bus_call)                                                                                  \
  X (sd_bus_process)                                                                               \
  X (sd_bus_wait)                                                                                  \
  X (sd_bus_error_free)                                                                            \
  X (sd_bus_error_has_name)                                                                        \
  X (sd_bus_slot_unref)

static struct
{
/* an X macro: f is a name, which parentheses would not take */
#define X(f) __typeof__ (f) *f; // NOLINT(bugprone-macro-parentheses)
  SD_FUNCS (X)
#undef X
} sd;

static int
load_libsystemd (struct sb_error **err)
{
  void *h;

  if (sd.sd_bus_open_user != NULL)
    return 0;
  h = dlopen ("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    return sb_error_set (err, 0,
                         "no user systemd instance: libsystemd.so.0 cannot be loaded "
                         "(install libsystemd0)");
#define X(f)                                                                                       \
  if ((sd.f = (__typeof__ (f) *) dlsym (h, #f)) == NULL)                                           \
    return sb_error_set (err, 0, "no user systemd instance: libsystemd.so.0 lacks " #f);
  SD_FUNCS (X)
#undef X
  return 0;
}

int
cgroup_systemd_prepare (struct cgroup *cg, struct sb_error **err)
{
  const char *why = cgroup_v2_unavailable ();
  sd_bus *bus = NULL;
  int r;

  if (why != NULL)
    return sb_error_set (err, 0, "no user systemd instance with cgroup v2: %s", why);
  if (getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL && getenv ("XDG_RUNTIME_DIR") == NULL)
    return sb_error_set (err, 0,
                         "no user systemd instance: $XDG_RUNTIME_DIR is not set (run "
                         "in a login session, or loginctl enable-linger USER)");
  if (load_libsystemd (err) < 0)
    return -1;
  log_debug ("cgroup: libsystemd loaded");
  r = sd.sd_bus_open_user (&bus);
  if (r < 0)
    return sb_error_set (err, 0,
                         "no user systemd instance: connect to the user bus: %s "
                         "(run in a login session, or loginctl enable-linger USER)",
                         strerror (-r));
  log_debug ("cgroup: connected to the user bus");
  cg->kind = CGROUP_KIND_SYSTEMD;
  cg->bus = bus;
  return 0;
}

void
cgroup_systemd_close (struct cgroup *cg)
{
  if (cg->bus != NULL)
    sd.sd_bus_flush_close_unref (cg->bus);
  cg->bus = NULL;
}

struct job_wait
{
  const char *job; /* the object path StartTransientUnit returned; NULL until then */
  char *result;    /* JobRemoved's result: "done", "failed", ... */
};

static int
on_job_removed (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  struct job_wait *w = userdata;
  const char *path, *unit, *result;
  uint32_t id;

  (void) ret_error;
  if (sd.sd_bus_message_read (m, "uoss", &id, &path, &unit, &result) < 0)
    return 0;
  if (w->job != NULL && strcmp (path, w->job) == 0 && w->result == NULL)
    w->result = xstrdup (result);
  return 0;
}

static int
append_u64 (sd_bus_message *m, const char *name, uint64_t v)
{
  return sd.sd_bus_message_append (m, "(sv)", name, "t", v);
}

static int
append_io_bps (sd_bus_message *m, const struct config *cfg, bool write)
{
  int r;
  size_t n = 0;

  for (size_t i = 0; i < cfg->n_io_limits; i++)
    n += cfg->io_limits[i].write == write;
  if (n == 0)
    return 0;
  r = sd.sd_bus_message_open_container (m, 'r', "sv");
  if (r >= 0)
    r = sd.sd_bus_message_append (m, "s", write ? "IOWriteBandwidthMax" : "IOReadBandwidthMax");
  if (r >= 0)
    r = sd.sd_bus_message_open_container (m, 'v', "a(st)");
  if (r >= 0)
    r = sd.sd_bus_message_open_container (m, 'a', "(st)");
  for (size_t i = 0; r >= 0 && i < cfg->n_io_limits; i++)
    if (cfg->io_limits[i].write == write)
      {
        char dev[64];

        /* systemd takes a device node; udev's /dev/block/MAJ:MIN names the disk we resolved */
        snprintf (dev, sizeof dev, "/dev/block/%u:%u", cfg->io_limits[i].major,
                  cfg->io_limits[i].minor);
        r = sd.sd_bus_message_append (m, "(st)", dev, cfg->io_limits[i].bps);
      }
  if (r >= 0)
    r = sd.sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd.sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd.sd_bus_message_close_container (m);
  return r;
}

static int
append_properties (sd_bus_message *m, const struct config *cfg, pid_t pid, bool oom_policy)
{
  int r;

  r = sd.sd_bus_message_append (m, "(sv)(sv)(sv)(sv)", "Description", "s", "sandbox", "PIDs", "au",
                                1, (uint32_t) pid, "Delegate", "b", 1, "CollectMode", "s",
                                "inactive-or-failed");
  /* systemd 253+ stops a scope when the kernel OOM-kills one of its processes; the launcher
     reports that itself, and pid 1 must live to tell it */
  if (r >= 0 && oom_policy)
    r = sd.sd_bus_message_append (m, "(sv)", "OOMPolicy", "s", "continue");
  if (r >= 0 && cfg->memory_max != LIMIT_UNSET)
    r = append_u64 (m, "MemoryMax", cfg->memory_max);
  if (r >= 0 && cfg->memory_swap_max != LIMIT_UNSET)
    r = append_u64 (m, "MemorySwapMax", cfg->memory_swap_max);
  if (r >= 0 && cfg->cpus_milli != 0)
    r = append_u64 (m, "CPUQuotaPerSecUSec", (uint64_t) cfg->cpus_milli * 1000);
  if (r >= 0 && cfg->cpu_weight != 0)
    r = append_u64 (m, "CPUWeight", cfg->cpu_weight);
  if (r >= 0 && cfg->pids_max != 0)
    r = append_u64 (m, "TasksMax", cfg->pids_max);
  if (r >= 0 && cfg->io_weight != 0)
    r = append_u64 (m, "IOWeight", cfg->io_weight);
  if (r >= 0)
    r = append_io_bps (m, cfg, false);
  if (r >= 0)
    r = append_io_bps (m, cfg, true);
  return r;
}

/* One StartTransientUnit call; the job's path in *ret_job.  */
static int
start_scope (sd_bus *bus, const struct config *cfg, const char *unit, pid_t pid, bool oom_policy,
             char **ret_job, sd_bus_error *error)
{
  sd_bus_message *m = NULL, *reply = NULL;
  const char *job;
  int r;

  r = sd.sd_bus_message_new_method_call (bus, &m, "org.freedesktop.systemd1",
                                         "/org/freedesktop/systemd1",
                                         "org.freedesktop.systemd1.Manager", "StartTransientUnit");
  if (r >= 0)
    r = sd.sd_bus_message_append (m, "ss", unit, "fail");
  if (r >= 0)
    r = sd.sd_bus_message_open_container (m, 'a', "(sv)");
  if (r >= 0)
    r = append_properties (m, cfg, pid, oom_policy);
  if (r >= 0)
    r = sd.sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd.sd_bus_message_append (m, "a(sa(sv))", 0);
  if (r >= 0)
    r = sd.sd_bus_call (bus, m, 0, error, &reply);
  if (r >= 0)
    r = sd.sd_bus_message_read (reply, "o", &job);
  if (r >= 0)
    *ret_job = xstrdup (job);
  sd.sd_bus_message_unref (m);
  sd.sd_bus_message_unref (reply);
  return r;
}

int
cgroup_systemd_enter (const struct config *cfg, struct cgroup *cg, pid_t pid, struct sb_error **err)
{
  sd_bus *bus = cg->bus;
  sd_bus_slot *slot = NULL;
  sd_bus_error error = SD_BUS_ERROR_NULL;
  struct job_wait w = { 0 };
  cleanup_free char *job = NULL;
  cleanup_free char *controllers = NULL;
  char unit[64], path[4096];
  const char *missing;
  bool oom_policy = cfg->memory_max != LIMIT_UNSET || cfg->memory_swap_max != LIMIT_UNSET;
  int r;

  snprintf (unit, sizeof unit, "sandbox-%d.scope", (int) pid);
  cg->unit = xstrdup (unit);
  /* asynchronous: the bus keeps order, so the match is in place before the job can end */
  r = sd.sd_bus_match_signal_async (bus, &slot, "org.freedesktop.systemd1",
                                    "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                    "JobRemoved", on_job_removed, NULL, &w);
  if (r < 0)
    return sb_error_set (err, -r, "systemd scope: subscribe to JobRemoved");
  r = start_scope (bus, cfg, unit, pid, oom_policy, &job, &error);
  if (r < 0 && oom_policy
      && sd.sd_bus_error_has_name (&error, "org.freedesktop.DBus.Error.PropertyReadOnly"))
    {
      /* systemd before 253: scopes have no OOMPolicy, and do not stop on an OOM kill */
      sd.sd_bus_error_free (&error);
      r = start_scope (bus, cfg, unit, pid, false, &job, &error);
    }
  if (r < 0)
    {
      sb_error_set (err, 0, "systemd scope '%s': %s", unit,
                    error.message ? error.message : strerror (-r));
      goto out;
    }
  log_debug ("cgroup: StartTransientUnit answered %s", job);
  w.job = job;
  while (w.result == NULL)
    {
      r = sd.sd_bus_process (bus, NULL);
      if (r > 0)
        continue;
      if (r == 0)
        r = sd.sd_bus_wait (bus, 30 * 1000000ull);
      if (r == 0)
        r = -ETIMEDOUT;
      if (r < 0)
        {
          sb_error_set (err, -r, "systemd scope '%s': wait for the job", unit);
          goto out;
        }
    }
  if (strcmp (w.result, "done") != 0)
    {
      sb_error_set (err, 0, "systemd scope '%s': the job ended '%s'", unit, w.result);
      goto out;
    }
  log_debug ("cgroup: job done, pid %d in %s", (int) pid, unit);
  cg->path = cgroup_path_of (pid);
  if (cg->path == NULL)
    {
      sb_error_set (err, errno, "systemd scope '%s': read the cgroup of pid %d", unit, (int) pid);
      goto out;
    }
  /* systemd accepts limits for controllers it cannot use, and ignores them */
  snprintf (path, sizeof path, "%s/cgroup.controllers", cg->path);
  controllers = read_file_at (AT_FDCWD, path, NULL);
  missing = cgroup_missing_controller (cfg, controllers ? controllers : "");
  if (missing != NULL)
    sb_error_set (err, 0,
                  "controller '%s' is not delegated to your systemd (add Delegate=cpu cpuset io "
                  "memory pids under [Service] in /etc/systemd/system/user@.service.d/"
                  "delegate.conf)",
                  missing);
out:
  sd.sd_bus_error_free (&error);
  sd.sd_bus_slot_unref (slot);
  free (w.result);
  /* the connection's job is done; nothing else waits on it */
  cgroup_systemd_close (cg);
  return *err != NULL ? -1 : 0;
}
