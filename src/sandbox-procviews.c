/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox-procviews: the FUSE server of the /proc views (libfuse3, low-level API).
   Usage (by the launcher only): sandbox-procviews CGROUP_DIR NCPUS, with the /dev/fuse fd of
   a mount pid 1 made as fd 3.  It serves meminfo, cpuinfo, stat, uptime, loadavg, swaps and
   online computed from the sandbox's cgroup, as lxcfs does.  It runs outside the sandbox
   (the launcher's pid namespace: the command cannot see, signal or ptrace it), and ends
   when the sandbox's mount namespace goes away (the kernel aborts the connection) or with
   the launcher (PR_SET_PDEATHSIG).  It only reads: files are 0444 and opening one for
   writing fails.  */
#include "build-config.h"

#define FUSE_USE_VERSION 34

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

enum view
{
  VIEW_MEMINFO,
  VIEW_CPUINFO,
  VIEW_STAT,
  VIEW_UPTIME,
  VIEW_LOADAVG,
  VIEW_SWAPS,
  VIEW_ONLINE,
  N_VIEWS,
};

static const char *const view_names[N_VIEWS]
    = { "meminfo", "cpuinfo", "stat", "uptime", "loadavg", "swaps", "online" };

static struct
{
  const char *cgroup; /* the sandbox's cgroup folder */
  unsigned ncpus;     /* CPUs the sandbox is given */
  double start;       /* CLOCK_BOOTTIME when we started: the sandbox's boot */
} S;

/* ---------------------------------------------------------------- a growing buffer */
struct buf
{
  char *data;
  size_t len, cap;
};

static void buf_printf (struct buf *b, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
static void
buf_printf (struct buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;

  for (;;)
    {
      va_start (ap, fmt);
      n = vsnprintf (b->data ? b->data + b->len : NULL, b->cap - b->len, fmt, ap);
      va_end (ap);
      if (n < 0)
        abort ();
      if (b->len + (size_t) n < b->cap)
        break;
      b->cap = (b->len + (size_t) n + 1) * 2;
      b->data = realloc (b->data, b->cap);
      if (b->data == NULL)
        abort ();
    }
  b->len += (size_t) n;
}

static char *
slurp (const char *dir, const char *name)
{
  char path[4096];

  snprintf (path, sizeof path, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
  return read_file_at (AT_FDCWD, path, NULL);
}

/* A cgroup file holding one number, or "max": MAX then.  */
static uint64_t
cg_value (const char *name, uint64_t max)
{
  char *s = slurp (S.cgroup, name);
  uint64_t v = max;

  if (s != NULL && strncmp (s, "max", 3) != 0)
    v = strtoull (s, NULL, 10);
  free (s);
  return v;
}

/* "KEY VALUE" in a cgroup file such as memory.stat or cpu.stat; 0 when absent.  */
static uint64_t
cg_key (const char *file, const char *key)
{
  char *s = slurp (S.cgroup, file), *p;
  size_t n = strlen (key);
  uint64_t v = 0;

  for (p = s; p != NULL && *p; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
    if (strncmp (p, key, n) == 0 && p[n] == ' ')
      {
        v = strtoull (p + n + 1, NULL, 10);
        break;
      }
  free (s);
  return v;
}

/* "Key:   123 kB" in the host's meminfo, in kB.  */
static uint64_t
meminfo_kb (const char *text, const char *key)
{
  size_t n = strlen (key);

  for (const char *p = text; p != NULL && *p; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
    if (strncmp (p, key, n) == 0 && p[n] == ':')
      return strtoull (p + n + 1, NULL, 10);
  return 0;
}

static double
uptime_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_BOOTTIME, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9 - S.start;
}

static uint64_t
min_u64 (uint64_t a, uint64_t b)
{
  return a < b ? a : b;
}

/* ---------------------------------------------------------------- the views */
static void
view_meminfo (struct buf *b)
{
  char *host = slurp (NULL, "/proc/meminfo"), *line, *save = NULL;
  uint64_t host_total = meminfo_kb (host, "MemTotal"), host_swap = meminfo_kb (host, "SwapTotal");
  uint64_t total = min_u64 (cg_value ("memory.max", UINT64_MAX) / 1024, host_total);
  uint64_t used = min_u64 (cg_value ("memory.current", 0) / 1024, total);
  uint64_t cached = cg_key ("memory.stat", "file") / 1024;
  uint64_t swap = min_u64 (cg_value ("memory.swap.max", UINT64_MAX) / 1024, host_swap);
  uint64_t swap_used = min_u64 (cg_value ("memory.swap.current", 0) / 1024, swap);
  uint64_t avail = min_u64 (total - used + cached, total);

  for (line = strtok_r (host, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      static const char *const keys[]
          = { "MemTotal:", "MemFree:",    "MemAvailable:", "Buffers:",
              "Cached:",   "SwapCached:", "SwapTotal:",    "SwapFree:" };
      uint64_t vals[] = { total, total - used, avail, 0, cached, 0, swap, swap - swap_used };
      size_t i;

      for (i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strncmp (line, keys[i], strlen (keys[i])) == 0)
          break;
      if (i < sizeof keys / sizeof *keys)
        buf_printf (b, "%-16s%8" PRIu64 " kB\n", keys[i], vals[i]);
      else
        buf_printf (b, "%s\n", line);
    }
  free (host);
}

/* the host's first NCPUS processor blocks */
static void
view_cpuinfo (struct buf *b)
{
  char *host = slurp (NULL, "/proc/cpuinfo"), *p = host;
  unsigned n = 0;

  while (p != NULL && *p && n < S.ncpus)
    {
      char *end = strstr (p, "\n\n");
      size_t len = end ? (size_t) (end - p) + 2 : strlen (p);

      buf_printf (b, "%.*s", (int) len, p);
      p += len;
      n++;
    }
  free (host);
}

static void
view_stat (struct buf *b)
{
  char *host = slurp (NULL, "/proc/stat"), *line, *save = NULL;
  long hz = sysconf (_SC_CLK_TCK);
  uint64_t user = cg_key ("cpu.stat", "user_usec") * (uint64_t) hz / 1000000;
  uint64_t sys = cg_key ("cpu.stat", "system_usec") * (uint64_t) hz / 1000000;
  uint64_t all = (uint64_t) (uptime_now () * (double) hz) * S.ncpus;
  uint64_t idle = all > user + sys ? all - user - sys : 0;

  buf_printf (b, "cpu  %" PRIu64 " 0 %" PRIu64 " %" PRIu64 " 0 0 0 0 0 0\n", user, sys, idle);
  for (unsigned c = 0; c < S.ncpus; c++)
    buf_printf (b, "cpu%u %" PRIu64 " 0 %" PRIu64 " %" PRIu64 " 0 0 0 0 0 0\n", c, user / S.ncpus,
                sys / S.ncpus, idle / S.ncpus);
  for (line = strtok_r (host, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    if (strncmp (line, "cpu", 3) != 0)
      buf_printf (b, "%s\n", line);
  free (host);
}

static void
view_uptime (struct buf *b)
{
  double up = uptime_now ();
  double busy = (double) cg_key ("cpu.stat", "usage_usec") / 1e6;
  double idle = up * S.ncpus - busy;

  buf_printf (b, "%.2f %.2f\n", up, idle > 0 ? idle : 0);
}

/* the host's averages, at most the sandbox's CPUs; tasks from pids.current */
static void
view_loadavg (struct buf *b)
{
  char *host = slurp (NULL, "/proc/loadavg");
  double l[3] = { 0, 0, 0 };

  if (host != NULL)
    sscanf (host, "%lf %lf %lf", &l[0], &l[1], &l[2]);
  for (int i = 0; i < 3; i++)
    if (l[i] > S.ncpus)
      l[i] = S.ncpus;
  buf_printf (b, "%.2f %.2f %.2f 1/%" PRIu64 " 0\n", l[0], l[1], l[2],
              cg_value ("pids.current", 1));
  free (host);
}

static void
view_swaps (struct buf *b)
{
  char *host = slurp (NULL, "/proc/meminfo");
  uint64_t swap
      = min_u64 (cg_value ("memory.swap.max", UINT64_MAX) / 1024, meminfo_kb (host, "SwapTotal"));
  uint64_t used = min_u64 (cg_value ("memory.swap.current", 0) / 1024, swap);

  buf_printf (b, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
  if (swap > 0)
    buf_printf (b, "none\t\t\t\t\tvirtual\t\t%" PRIu64 "\t\t%" PRIu64 "\t\t0\n", swap, used);
  free (host);
}

static void
view_online (struct buf *b)
{
  if (S.ncpus == 1)
    buf_printf (b, "0\n");
  else
    buf_printf (b, "0-%u\n", S.ncpus - 1);
}

static void (*const makers[N_VIEWS]) (struct buf *) = {
  view_meminfo, view_cpuinfo, view_stat, view_uptime, view_loadavg, view_swaps, view_online,
};

/* ---------------------------------------------------------------- FUSE operations */
static void
fill_attr (fuse_ino_t ino, struct stat *st)
{
  memset (st, 0, sizeof *st);
  st->st_ino = ino;
  st->st_nlink = ino == FUSE_ROOT_ID ? 2 : 1;
  st->st_mode = ino == FUSE_ROOT_ID ? S_IFDIR | 0555 : S_IFREG | 0444;
}

static void
op_lookup (fuse_req_t req, fuse_ino_t parent, const char *name)
{
  struct fuse_entry_param e;

  if (parent != FUSE_ROOT_ID)
    {
      fuse_reply_err (req, ENOENT);
      return;
    }
  for (int i = 0; i < N_VIEWS; i++)
    if (strcmp (name, view_names[i]) == 0)
      {
        memset (&e, 0, sizeof e);
        e.ino = (fuse_ino_t) i + 2;
        e.attr_timeout = e.entry_timeout = 3600;
        fill_attr (e.ino, &e.attr);
        fuse_reply_entry (req, &e);
        return;
      }
  fuse_reply_err (req, ENOENT);
}

static void
op_getattr (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
  struct stat st;

  (void) fi;
  if (ino != FUSE_ROOT_ID && (ino < 2 || ino >= 2 + N_VIEWS))
    {
      fuse_reply_err (req, ENOENT);
      return;
    }
  fill_attr (ino, &st);
  fuse_reply_attr (req, &st, 3600);
}

static void
op_open (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
  struct buf *b;

  if (ino < 2 || ino >= 2 + N_VIEWS)
    {
      fuse_reply_err (req, EISDIR);
      return;
    }
  if ((fi->flags & O_ACCMODE) != O_RDONLY)
    {
      fuse_reply_err (req, EACCES);
      return;
    }
  b = calloc (1, sizeof *b);
  if (b == NULL)
    abort ();
  /* computed once per open, like the real files: a reader sees one consistent snapshot */
  makers[ino - 2](b);
  fi->fh = (uint64_t) (uintptr_t) b;
  fi->direct_io = 1; /* size 0 like /proc; reads come to us */
  fuse_reply_open (req, fi);
}

static void
op_read (fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
  struct buf *b = (struct buf *) (uintptr_t) fi->fh;

  (void) ino;
  if (off < 0 || (size_t) off >= b->len)
    fuse_reply_buf (req, NULL, 0);
  else
    fuse_reply_buf (req, b->data + off, min_u64 (size, b->len - (size_t) off));
}

static void
op_release (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
  struct buf *b = (struct buf *) (uintptr_t) fi->fh;

  (void) ino;
  free (b->data);
  free (b);
  fuse_reply_err (req, 0);
}

static const struct fuse_lowlevel_ops ops = {
  .lookup = op_lookup,
  .getattr = op_getattr,
  .open = op_open,
  .read = op_read,
  .release = op_release,
};

int
main (int argc, char **argv)
{
  char *fsname[] = { argv[0], NULL };
  struct fuse_args args = FUSE_ARGS_INIT (1, fsname);
  struct fuse_session *se;
  struct timespec ts;
  long host_cpus = sysconf (_SC_NPROCESSORS_ONLN);
  int r;

  if (argc != 3 || fcntl (3, F_GETFD) < 0)
    {
      fprintf (stderr, "sandbox-procviews: started by sandbox only\n");
      return 2;
    }
  S.cgroup = argv[1];
  S.ncpus = (unsigned) strtoul (argv[2], NULL, 10);
  if (S.ncpus == 0 || (host_cpus > 0 && S.ncpus > (unsigned) host_cpus))
    S.ncpus = host_cpus > 0 ? (unsigned) host_cpus : 1;
  clock_gettime (CLOCK_BOOTTIME, &ts);
  S.start = (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;

  se = fuse_session_new (&args, &ops, sizeof ops, NULL);
  if (se == NULL)
    return 1;
  /* "/dev/fd/3": libfuse takes the fd pid 1 mounted with, and mounts nothing itself */
  if (fuse_session_mount (se, "/dev/fd/3") != 0)
    return 1;
  r = fuse_session_loop (se);
  fuse_session_destroy (se);
  return r < 0 ? 1 : 0;
}
