/* SPDX-License-Identifier: GPL-2.0-or-later */
/* named-list.c: --list [--json].  The running sandboxes are the names whose launcher is
   alive (state.c removes the others on the way); their use of memory and CPU comes from the
   cgroup when they have one, else from one pass over /proc, summed over pid 1 and what
   descends from it.  */
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

struct proc_row
{
  pid_t pid, ppid;
  unsigned long long start, ticks; /* utime + stime */
  uint64_t rss;                    /* bytes */
};

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

static int
by_pid (const void *a, const void *b)
{
  const struct proc_row *x = a, *y = b;

  return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Every process's parent, start time, CPU ticks and resident memory; sorted by pid.  */
static struct proc_row *
read_procs (size_t *ret_n)
{
  DIR *d = opendir ("/proc");
  struct proc_row *rows = NULL;
  size_t n = 0;
  long page = sysconf (_SC_PAGESIZE);
  struct dirent *de;

  while (d != NULL && (de = readdir (d)) != NULL)
    {
      char path[300], buf[1024];
      struct proc_row r = { 0 };
      unsigned long long ut, st, rss;
      const char *p;
      ssize_t len;
      int fd, ppid;

      if (de->d_name[0] < '1' || de->d_name[0] > '9')
        continue;
      snprintf (path, sizeof path, "%s/stat", de->d_name);
      fd = openat (dirfd (d), path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        continue;
      len = read (fd, buf, sizeof buf - 1);
      (void) close (fd);
      if (len <= 0)
        continue;
      buf[len] = '\0';
      p = strrchr (buf, ')');
      if (p == NULL
          || sscanf (p,
                     ") %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d "
                     "%*d %*d %llu %*u %llu",
                     &ppid, &ut, &st, &r.start, &rss)
                 != 5)
        continue;
      r.pid = (pid_t) strtol (de->d_name, NULL, 10);
      r.ppid = ppid;
      r.ticks = ut + st;
      r.rss = rss * (uint64_t) page;
      rows = xreallocarray (rows, n + 1, sizeof *rows);
      rows[n++] = r;
    }
  if (d != NULL)
    closedir (d);
  qsort (rows, n, sizeof *rows, by_pid);
  *ret_n = n;
  return rows;
}

static const struct proc_row *
find_proc (const struct proc_row *rows, size_t n, pid_t pid)
{
  struct proc_row key = { .pid = pid };

  return bsearch (&key, rows, n, sizeof *rows, by_pid);
}

/* Whether PID is ROOT or below it.  */
static bool
descends (const struct proc_row *rows, size_t n, pid_t pid, pid_t root)
{
  for (int depth = 0; depth < 4096 && pid > 1; depth++)
    {
      const struct proc_row *r;

      if (pid == root)
        return true;
      r = find_proc (rows, n, pid);
      if (r == NULL)
        return false;
      pid = r->ppid;
    }
  return false;
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
usage (struct sandbox_row *s, const struct proc_row *procs, size_t n)
{
  pid_t root = (pid_t) named_state_int (s->state, "pid");
  const struct proc_row *r = find_proc (procs, n, root);
  long hz = sysconf (_SC_CLK_TCK);

  if (cgroup_usage (named_state_str (s->state, "cgroup"), &s->mem, &s->cpu_us))
    {
      s->usage = true;
      return;
    }
  /* a pid that is another process's by now counts nothing */
  if (root <= 1 || r == NULL
      || r->start != (unsigned long long) named_state_int (s->state, "pid_start"))
    return;
  s->usage = true;
  for (size_t i = 0; i < n; i++)
    if (descends (procs, n, procs[i].pid, root))
      {
        s->mem += procs[i].rss;
        s->cpu_us += procs[i].ticks * 1000000ull / (unsigned long long) (hz > 0 ? hz : 100);
      }
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
  struct json_object *ports;
  char *s = xstrdup ("");

  if (!json_object_object_get_ex (state, "ports", &ports)
      || !json_object_is_type (ports, json_type_array))
    return s;
  for (size_t i = 0; i < json_object_array_length (ports); i++)
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
      const char *prof = named_state_str (o, "profile");

      format_uptime (now - named_state_int (o, "started"), up, sizeof up);
      if (rows[i].usage)
        {
          format_size (rows[i].mem, mem, sizeof mem);
          snprintf (cpu, sizeof cpu, "%.2fs", (double) rows[i].cpu_us / 1e6);
        }
      fprintf (out, "%-20s %8" PRId64 " %8s %8s %8s %-12s %-8s %-16s %s\n", rows[i].name,
               named_state_int (o, "pid"), up, mem, cpu, prof[0] ? prof : "-",
               named_state_str (o, "network"), ports[0] ? ports : "-",
               named_state_str (o, "command"));
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
                              json_object_new_int64 (now - named_state_int (o, "started")));
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
  struct proc_row *procs = NULL;
  size_t n_procs = 0;

  (void) err;
  state_name_foreach (collect, &acc);
  if (acc.n > 0)
    procs = read_procs (&n_procs);
  for (size_t i = 0; i < acc.n; i++)
    usage (&acc.rows[i], procs, n_procs);
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
  free (procs);
  return 0;
}
