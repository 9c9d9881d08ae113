/* SPDX-License-Identifier: GPL-2.0-or-later */
/* named-list.c: --list [--json].  The running sandboxes are the names whose launcher is
   alive (state.c removes the others on the way); their use of memory and CPU comes from the
   cgroup when they have one, else summed over pid 1 and what descends from it, found
   through /proc/PID/task/TID/children: the sandboxes' processes only, not the machine's.  */
#include "build-config.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "named-internal.h"
#include "named.h"
#include "state.h"
#include "util.h"

struct sandbox_row
{
  char *name;
  struct json_object *state;
  uint64_t mem, cpu_us;
  bool usage; /* mem and cpu_us are known */
};

struct list_acc
{
  struct sandbox_row *rows;
  size_t n;
};

static void
collect (const char *name, const char *run_dir, const struct state_owner *owner, void *data)
{
  struct list_acc *acc = data;
  struct json_object *state = named_read_state (run_dir);

  (void) owner;
  if (state == NULL)
    return; /* between its name and its first state: not running yet */
  acc->rows = xreallocarray (acc->rows, acc->n + 1, sizeof *acc->rows);
  acc->rows[acc->n++] = (struct sandbox_row){ .name = xstrdup (name), .state = state };
}

/* PID's parent, start time, CPU ticks (utime + stime) and resident pages: its
   /proc/PID/stat.  */
static bool
read_stat (int proc, pid_t pid, unsigned long long *ret_start, unsigned long long *ret_ticks,
           unsigned long long *ret_rss)
{
  char path[64], buf[1024];
  unsigned long long ut, st;
  const char *p;
  ssize_t len;
  int fd;

  snprintf (path, sizeof path, "%d/stat", (int) pid);
  fd = openat (proc, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  len = read (fd, buf, sizeof buf - 1);
  (void) close (fd);
  if (len <= 0)
    return false;
  buf[len] = '\0';
  p = strrchr (buf, ')');
  return p != NULL
         && sscanf (p,
                    ") %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d "
                    "%*d %*d %llu %*u %llu",
                    &ut, &st, ret_start, ret_rss)
                == 4
         && (*ret_ticks = ut + st, true);
}

struct tree_sum
{
  int proc; /* /proc */
  unsigned long long ticks, pages;
  unsigned budget; /* processes left to visit */
};

/* Adds PID and what descends from it: its stat, then the children of each of its threads
   (/proc/PID/task/TID/children): the sandbox's own processes only, never a pass over the
   machine's.  */
static void
add_tree (struct tree_sum *t, pid_t pid, int depth)
{
  unsigned long long start, ticks, rss;
  char path[64];
  DIR *tasks;
  struct dirent *de;
  int fd;

  if (t->budget == 0 || depth > 64 || !read_stat (t->proc, pid, &start, &ticks, &rss))
    return;
  t->budget--;
  t->ticks += ticks;
  t->pages += rss;
  snprintf (path, sizeof path, "%d/task", (int) pid);
  fd = openat (t->proc, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  tasks = fd >= 0 ? fdopendir (fd) : NULL;
  if (tasks == NULL)
    {
      if (fd >= 0)
        (void) close (fd);
      return;
    }
  while ((de = readdir (tasks)) != NULL)
    {
      cleanup_free char *kids = NULL;
      char kpath[300];
      char *p, *end;

      if (de->d_name[0] < '1' || de->d_name[0] > '9')
        continue;
      snprintf (kpath, sizeof kpath, "%s/children", de->d_name);
      kids = read_file_at (dirfd (tasks), kpath, NULL);
      for (p = kids; p != NULL && *p; p = end)
        {
          long kid = strtol (p, &end, 10);

          if (end == p)
            break;
          if (kid > 1)
            add_tree (t, (pid_t) kid, depth + 1);
        }
    }
  closedir (tasks);
}

static bool
cgroup_usage (const char *cg, uint64_t *ret_mem, uint64_t *ret_cpu_us)
{
  cleanup_close int dir = -1;
  cleanup_free char *mem = NULL, *cpu = NULL;
  const char *u;

  if (cg[0] != '/')
    return false;
  dir = open (cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  mem = dir < 0 ? NULL : read_file_at (dir, "memory.current", NULL);
  cpu = dir < 0 ? NULL : read_file_at (dir, "cpu.stat", NULL);
  u = cpu ? strstr (cpu, "usage_usec ") : NULL;
  if (mem == NULL || u == NULL)
    return false;
  *ret_mem = strtoull (mem, NULL, 10);
  *ret_cpu_us = strtoull (u + strlen ("usage_usec "), NULL, 10);
  return true;
}

static void
usage (struct sandbox_row *s, int proc)
{
  pid_t root = (pid_t) sb_json_int_or (s->state, "pid", 0);
  long hz = sysconf (_SC_CLK_TCK), page = sysconf (_SC_PAGESIZE);
  struct tree_sum t = { .proc = proc, .budget = 1u << 16 };
  unsigned long long start, ticks, rss;

  if (cgroup_usage (sb_json_str_or (s->state, "cgroup", ""), &s->mem, &s->cpu_us))
    {
      s->usage = true;
      return;
    }
  /* a pid that is another process's by now counts nothing */
  if (proc < 0 || root <= 1 || !read_stat (proc, root, &start, &ticks, &rss)
      || start != (unsigned long long) sb_json_int_or (s->state, "pid_start", 0))
    return;
  add_tree (&t, root, 0);
  s->usage = true;
  s->mem = t.pages * (uint64_t) page;
  s->cpu_us = t.ticks * 1000000ull / (unsigned long long) (hz > 0 ? hz : 100);
}

static void
format_size (uint64_t b, char *buf, size_t len)
{
  static const char units[] = "BKMGT";
  double v = (double) b;
  int u = 0;

  while (v >= 1024 && u < 4)
    v /= 1024, u++;
  snprintf (buf, len, u == 0 ? "%.0f%c" : "%.1f%c", v, units[u]);
}

static void
format_uptime (int64_t s, char *buf, size_t len)
{
  if (s < 60)
    snprintf (buf, len, "%ds", (int) s);
  else if (s < 3600)
    snprintf (buf, len, "%dm%02ds", (int) (s / 60), (int) (s % 60));
  else if (s < 86400)
    snprintf (buf, len, "%dh%02dm", (int) (s / 3600), (int) (s % 3600 / 60));
  else
    snprintf (buf, len, "%dd%02dh", (int) (s / 86400), (int) (s % 86400 / 3600));
}

static char *
ports_text (struct json_object *state)
{
  struct json_object *ports = sb_json_member (state, "ports", json_type_array);
  char *s = xstrdup ("");

  for (size_t i = 0; ports != NULL && i < json_object_array_length (ports); i++)
    {
      char *t;

      if (asprintf (&t, "%s%s%s", s, i ? "," : "",
                    json_object_get_string (json_object_array_get_idx (ports, i)))
          < 0)
        oom ();
      free (s);
      s = t;
    }
  return s;
}

static void
print_table (FILE *out, struct sandbox_row *rows, size_t n)
{
  int64_t now = (int64_t) time (NULL);

  fprintf (out, "%-20s %8s %8s %8s %8s %-12s %-8s %-16s %s\n", "NAME", "PID", "UPTIME", "MEMORY",
           "CPU", "PROFILE", "NETWORK", "PORTS", "COMMAND");
  for (size_t i = 0; i < n; i++)
    {
      struct json_object *o = rows[i].state;
      cleanup_free char *ports = ports_text (o);
      char up[32], mem[32] = "-", cpu[32] = "-";
      const char *prof = sb_json_str_or (o, "profile", "");

      format_uptime (now - sb_json_int_or (o, "started", 0), up, sizeof up);
      if (rows[i].usage)
        {
          format_size (rows[i].mem, mem, sizeof mem);
          snprintf (cpu, sizeof cpu, "%.2fs", (double) rows[i].cpu_us / 1e6);
        }
      fprintf (out, "%-20s %8" PRId64 " %8s %8s %8s %-12s %-8s %-16s %s\n", rows[i].name,
               sb_json_int_or (o, "pid", 0), up, mem, cpu, prof[0] ? prof : "-",
               sb_json_str_or (o, "network", ""), ports[0] ? ports : "-",
               sb_json_str_or (o, "command", ""));
    }
}

static void
print_json (FILE *out, struct sandbox_row *rows, size_t n)
{
  struct json_object *a = json_object_new_array ();
  int64_t now = (int64_t) time (NULL);

  for (size_t i = 0; i < n; i++)
    {
      struct json_object *o = json_object_get (rows[i].state);

      json_object_object_add (o, "uptime",
                              json_object_new_int64 (now - sb_json_int_or (o, "started", 0)));
      json_object_object_add (o, "memory",
                              rows[i].usage ? json_object_new_uint64 (rows[i].mem) : NULL);
      json_object_object_add (o, "cpu_usec",
                              rows[i].usage ? json_object_new_uint64 (rows[i].cpu_us) : NULL);
      json_object_array_add (a, o);
    }
  fprintf (out, "%s\n", json_object_to_json_string_ext (a, JSON_C_TO_STRING_PRETTY));
  json_object_put (a);
}

static int
by_name (const void *a, const void *b)
{
  return strcmp (((const struct sandbox_row *) a)->name, ((const struct sandbox_row *) b)->name);
}

int
named_list (const struct config *cfg, FILE *out, struct sb_error **err)
{
  struct list_acc acc = { NULL, 0 };
  cleanup_close int proc = -1;

  (void) err;
  state_name_foreach (collect, &acc);
  if (acc.n > 0)
    proc = open ("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (size_t i = 0; i < acc.n; i++)
    usage (&acc.rows[i], proc);
  qsort (acc.rows, acc.n, sizeof *acc.rows, by_name);
  if (cfg->json)
    print_json (out, acc.rows, acc.n);
  else
    print_table (out, acc.rows, acc.n);
  for (size_t i = 0; i < acc.n; i++)
    {
      free (acc.rows[i].name);
      json_object_put (acc.rows[i].state);
    }
  free (acc.rows);
  return 0;
}
