/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netjoin.c: --net sandbox:NAME (see netjoin.h).  The trust in NAME is enter.c's: nothing on
   disk is believed alone, the namespaces joined are the ones NAME's launcher recorded, opened
   from a live process of NAME's and checked by the fd we then pass to setns.  */
#include "build-config.h"

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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "enter.h"
#include "error.h"
#include "idmap.h"
#include "named-internal.h"
#include "netjoin.h"
#include "syscalls.h"
#include "util.h"

/* What the cloning process tells the launcher, once.  */
struct join_msg
{
  int pid;    /* pid 1's, in our pid namespace; 0 on failure */
  int errnum; /* on failure */
  char text[256];
};

static bool
same_ns (int fd, const char *self_path)
{
  struct stat a, b;

  return fstat (fd, &a) == 0 && stat (self_path, &b) == 0 && a.st_dev == b.st_dev
         && a.st_ino == b.st_ino;
}

int
netjoin_config_finish (struct config *cfg, struct sb_error **err)
{
  cleanup_free char *what = NULL, *run_dir = NULL;
  cleanup_close int owner = -1;
  struct json_object *state;
  int fds[ENTER_NS_COUNT], r = -1;
  const char *mode;
  uid_t uid;

  if (cfg->net != NET_JOIN)
    return 0;
  if (asprintf (&what, "--net 'sandbox:%s'", cfg->net_join) < 0)
    oom ();
  state = enter_load_checked (cfg->net_join, what, &run_dir, fds, err);
  if (state == NULL)
    return -1;
  mode = sb_json_str_or (state, "network", "");
  /* fds[3]: "net" in enter_ns_names */
  owner = ioctl (fds[3], NS_GET_USERNS);
  if (strcmp (mode, "host") == 0 || same_ns (fds[3], "/proc/self/ns/net") || owner < 0
      || same_ns (owner, "/proc/self/ns/user"))
    sb_error_set (err, 0, "%s: it shares the host's network (--net host)", what);
  else if (ioctl (owner, NS_GET_OWNER_UID, &uid) < 0 || uid != geteuid ())
    sb_error_set (err, 0, "%s: its network is not one of yours", what);
  else
    {
      cfg->join_userns_fd = steal_fd (&owner);
      cfg->join_netns_fd = steal_fd (&fds[3]);
      cfg->join_mode = strcmp (mode, "slirp") == 0   ? NET_SLIRP
                       : strcmp (mode, "pasta") == 0 ? NET_PASTA
                                                     : NET_NONE;
      r = 0;
    }
  for (size_t i = 0; i < ENTER_NS_COUNT; i++)
    closep (&fds[i]);
  json_object_put (state);
  return r;
}

/* PARENT's line that maps host id ID: its inside id in *RET_IN, how many follow in it.  */
static unsigned
parent_lookup (const char *parent, unsigned long long id, unsigned long long *ret_in)
{
  for (const char *p = parent; p != NULL && *p;)
    {
      unsigned long long in, out, count;

      if (sscanf (p, "%llu %llu %llu", &in, &out, &count) == 3 && id >= out && id - out < count)
        {
          *ret_in = in + (id - out);
          return (unsigned) (count - (id - out) > 0xffffffffu ? 0xffffffffu : count - (id - out));
        }
      p = strchr (p, '\n');
      if (p != NULL)
        p++;
    }
  return 0;
}

char *
netjoin_translate_map (const char *map, const char *parent, unsigned *ret_missing)
{
  cleanup_free char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&out, &len);

  if (f == NULL)
    oom ();
  for (const char *p = map; p != NULL && *p;)
    {
      unsigned long long in, host, count;

      if (sscanf (p, "%llu %llu %llu", &in, &host, &count) == 3)
        while (count > 0)
          {
            unsigned long long pin;
            unsigned n = parent_lookup (parent, host, &pin);

            if (n == 0)
              {
                fclose (f);
                *ret_missing = (unsigned) host;
                return NULL;
              }
            if (n > count)
              n = (unsigned) count;
            fprintf (f, "%llu %llu %u\n", in, pin, n);
            in += n;
            host += n;
            count -= n;
          }
      p = strchr (p, '\n');
      if (p != NULL)
        p++;
    }
  if (fclose (f) != 0)
    oom ();
  return steal_ptr (&out);
}

/* In the cloning process, in NAME's user namespace: pid 1's maps, through NAME's.  */
static int
write_maps (const struct idmap *map, pid_t pid, struct join_msg *m)
{
  static const char *const files[2] = { "uid_map", "gid_map" };
  const char *const mine[2] = { map->uid_map, map->gid_map };
  cleanup_close int dfd = -1;
  char dir[64];

  snprintf (dir, sizeof dir, "/proc/%d", (int) pid);
  dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return m->errnum = errno, snprintf (m->text, sizeof m->text, "open '%s'", dir), -1;
  /* a one-id map: as idmap_start writes it, without the power to drop groups */
  if (!map->helpers && write_file_at (dfd, "setgroups", "deny") < 0 && errno != ENOENT)
    return m->errnum = errno, snprintf (m->text, sizeof m->text, "write '%s/setgroups'", dir), -1;
  for (int i = 0; i < 2; i++)
    {
      char path[32];
      cleanup_free char *parent = NULL, *lines = NULL;
      unsigned missing = 0;

      snprintf (path, sizeof path, "/proc/self/%s", files[i]);
      parent = read_file_at (AT_FDCWD, path, NULL);
      lines = parent != NULL ? netjoin_translate_map (mine[i], parent, &missing) : NULL;
      if (lines == NULL)
        return m->errnum = 0,
               snprintf (m->text, sizeof m->text,
                         "its user namespace does not map %s %u, which this sandbox maps "
                         "(start both with the same --subids)",
                         i == 0 ? "uid" : "gid", missing),
               -1;
      if (write_file_at (dfd, files[i], lines) < 0)
        return m->errnum = errno,
               snprintf (m->text, sizeof m->text, "write '%s/%s'", dir, files[i]), -1;
    }
  return 0;
}

/* The cloning process: into NAME's network, then pid 1; returns 0 in pid 1.  */
static pid_t
clone_inside (const struct config *cfg, const struct idmap *map, unsigned long flags, int report)
{
  struct join_msg m = { 0, 0, "" };
  const char *step = NULL;
  pid_t pid;

  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0
      || setns (cfg->join_userns_fd, CLONE_NEWUSER) < 0)
    step = "enter its user namespace";
  else if (setns (cfg->join_netns_fd, CLONE_NEWNET) < 0)
    step = "enter its network namespace";
  else
    {
      /* our parent's child, so that the launcher waits for it and it dies with it */
      pid = sys_clone_fork (flags | CLONE_PARENT | SIGCHLD);
      if (pid == 0)
        {
          (void) close (report);
          return 0;
        }
      if (pid < 0)
        step = "create the namespaces";
      else if (write_maps (map, pid, &m) < 0)
        {
          (void) kill (pid, SIGKILL);
          m.pid = -pid; /* for the launcher to reap */
        }
      else
        m.pid = pid;
    }
  if (step != NULL)
    {
      m.errnum = errno;
      snprintf (m.text, sizeof m.text, "%s", step);
    }
  (void) write_all (report, &m, sizeof m);
  _exit (m.pid > 0 ? 0 : 1);
}

pid_t
netjoin_clone (const struct config *cfg, struct idmap *map, unsigned long flags,
               struct sb_error **err)
{
  struct join_msg m = { 0, 0, "" };
  cleanup_close int rd = -1, wr = -1;
  int p[2];
  pid_t mid;
  ssize_t n;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return sb_error_set (err, errno, "pipe");
  rd = p[0];
  wr = p[1];
  mid = sys_clone_fork (SIGCHLD);
  if (mid < 0)
    return sb_error_set (err, errno, "fork");
  if (mid == 0)
    {
      closep (&rd);
      return clone_inside (cfg, map, flags, wr);
    }
  closep (&wr);
  n = TEMP_FAILURE_RETRY (read (rd, &m, sizeof m));
  (void) TEMP_FAILURE_RETRY (waitpid (mid, NULL, 0));
  if (n != (ssize_t) sizeof m || m.pid <= 0)
    {
      m.text[sizeof m.text - 1] = '\0';
      /* pid 1 was killed: it is our child, reaped here */
      if (n == (ssize_t) sizeof m && m.pid < 0)
        (void) TEMP_FAILURE_RETRY (waitpid (-m.pid, NULL, 0));
      return sb_error_set (err, m.errnum, "%s '%s%s': %s",
                           cfg->net == NET_NETWORK ? "--network" : "--net",
                           cfg->net == NET_NETWORK ? "" : "sandbox:",
                           cfg->net == NET_NETWORK ? cfg->network : cfg->net_join,
                           n == (ssize_t) sizeof m ? m.text : "the joining process ended");
    }
  map->written = true;
  return m.pid;
}
