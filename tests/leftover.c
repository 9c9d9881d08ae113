/* SPDX-License-Identifier: GPL-2.0-or-later */
/* leftover.c: what a sandbox left behind, in one pass and without a fork per check
   (tests/fault.t checks after each of hundreds of killed launchers, on a loaded machine).
     leftover [-p PID] [-w SECONDS] [-m MARK] [-c COMM]... [-d DIR]... [-t]
   prints, one a line:
     process PID PPID COMM   a process that is not a descendant of PID (the test's shell;
                             default: our parent) and has MARK ("SBTEST_MARK=...") in its
   environment, or is named COMM, or is a helper (slirp4netns, pasta, fuse-overlayfs,
                             ...) whose parent is not a launcher (its launcher is gone)
     mount POINT TYPE        a fuse or overlay mount in our mount namespace (what a helper
                             could leave; a count of all mounts would also see another
                             program's, firejail's or a tracer's, made meanwhile)
     file PATH               every file and folder below each DIR, sorted
     file /tmp/NAME          with -t: /tmp's entries named sandbox* or .sandbox*
   With -w, it waits up to SECONDS for the processes to go first: one that exits within them
   is not left behind.  */
#include "build-config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 65536

struct proc
{
  int pid, ppid;
  char comm[32];
};

static struct proc procs[MAX_PROCS];
static size_t n_procs;

static const char *const helpers[]
    = { "fuse-overlayfs",  "slirp4netns", "pasta",          "passt",
        "pasta.avx2",      "passt.avx2",  "xdg-dbus-proxy", "sandbox-procvie",
        "sandbox-seccomp", "newuidmap",   "newgidmap",      NULL };

static void
read_procs (void)
{
  DIR *d = opendir ("/proc");
  struct dirent *de;

  n_procs = 0;
  while (d != NULL && (de = readdir (d)) != NULL && n_procs < MAX_PROCS)
    {
      char path[300], buf[512], *lp, *rp;
      struct proc *p = &procs[n_procs];
      int fd;
      ssize_t n;

      if (de->d_name[0] < '1' || de->d_name[0] > '9')
        continue;
      snprintf (path, sizeof path, "/proc/%s/stat", de->d_name);
      fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        continue;
      n = read (fd, buf, sizeof buf - 1);
      close (fd);
      if (n <= 0)
        continue;
      buf[n] = '\0';
      lp = strchr (buf, '(');
      rp = strrchr (buf, ')');
      if (lp == NULL || rp == NULL || rp < lp || rp[1] == '\0' || rp[2] == '\0')
        continue;
      /* a zombie holds nothing: reaping it is its parent's business */
      if (rp[2] == 'Z')
        continue;
      p->pid = atoi (buf);
      snprintf (p->comm, sizeof p->comm, "%.*s", (int) (rp - lp - 1), lp + 1);
      p->ppid = atoi (rp + 4);
      n_procs++;
    }
  if (d != NULL)
    closedir (d);
}

static const struct proc *
find_proc (int pid)
{
  for (size_t i = 0; i < n_procs; i++)
    if (procs[i].pid == pid)
      return &procs[i];
  return NULL;
}

static bool
descends_from (int pid, int top)
{
  for (int depth = 0; pid > 1 && depth < 64; depth++)
    {
      const struct proc *p = find_proc (pid);

      if (pid == top)
        return true;
      if (p == NULL)
        return false;
      pid = p->ppid;
    }
  return false;
}

static bool
has_mark (int pid, const char *mark)
{
  char path[64], buf[65536];
  ssize_t n;
  int fd;

  snprintf (path, sizeof path, "/proc/%d/environ", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  for (char *s = buf; s < buf + n; s += strlen (s) + 1)
    if (strcmp (s, mark) == 0)
      return true;
  return false;
}

static bool
listed (const char *name, const char *const *list)
{
  for (; list != NULL && *list != NULL; list++)
    if (strcmp (name, *list) == 0)
      return true;
  return false;
}

static int left_pids[MAX_PROCS];
static size_t n_left;

/* Scans for leftover processes: their number; print_procs prints them.  */
static size_t
check_procs (int top, const char *mark, const char *const *comms)
{
  size_t left = 0;

  read_procs ();
  for (size_t i = 0; i < n_procs; i++)
    {
      const struct proc *p = &procs[i], *parent = find_proc (p->ppid);
      bool orphan_helper;

      /* a helper's own children (slirp4netns forks one) go by the launcher above them */
      for (int depth = 0; parent != NULL && listed (parent->comm, helpers) && depth < 8; depth++)
        parent = find_proc (parent->ppid);
      orphan_helper = listed (p->comm, helpers)
                      && (parent == NULL || strncmp (parent->comm, "sandbox", 7) != 0);

      if (p->pid == getpid () || descends_from (p->pid, top))
        continue;
      if (listed (p->comm, comms) || orphan_helper || (mark != NULL && has_mark (p->pid, mark)))
        left_pids[left++] = (int) i;
    }
  n_left = left;
  return left;
}

static void
print_procs (FILE *out)
{
  for (size_t i = 0; i < n_left; i++)
    {
      const struct proc *p = &procs[left_pids[i]];

      fprintf (out, "process %d %d %s\n", p->pid, p->ppid, p->comm);
    }
}

static char **files;
static size_t n_files;

static void
add_file (const char *path)
{
  files = realloc (files, (n_files + 1) * sizeof *files);
  if (files == NULL || (files[n_files] = strdup (path)) == NULL)
    exit (2);
  n_files++;
}

static void
walk (const char *dir, int depth)
{
  DIR *d = opendir (dir);
  struct dirent *de;

  while (d != NULL && (de = readdir (d)) != NULL)
    {
      char path[4096];
      struct stat st;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, de->d_name);
      add_file (path);
      if (depth < 32 && lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
        walk (path, depth + 1);
    }
  if (d != NULL)
    closedir (d);
}

static int
by_name (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* A mountinfo LINE ("ID PARENT MAJ:MIN ROOT POINT OPTIONS [TAG...] - TYPE SOURCE ..."): its
   point and type when the type is fuse's or overlay's.  */
static void
print_mount (FILE *out, const char *line)
{
  char point[4096], type[256];
  const char *sep = strstr (line, " - ");

  if (sep == NULL || sscanf (line, "%*s %*s %*s %*s %4095s", point) != 1
      || sscanf (sep + 3, "%255s", type) != 1)
    return;
  if (strncmp (type, "fuse", 4) == 0 || strcmp (type, "overlay") == 0)
    fprintf (out, "mount %s %s\n", point, type);
}

int
main (int argc, char **argv)
{
  const char *mark = NULL, *comms[64] = { NULL }, *dirs[64] = { NULL };
  size_t n_comms = 0, n_dirs = 0;
  double wait = 0;
  bool tmp = false;
  int opt, top = getppid ();
  FILE *f;
  char line[4096];

  while ((opt = getopt (argc, argv, "p:w:m:c:d:t")) != -1)
    switch (opt)
      {
      case 'p':
        top = atoi (optarg);
        break;
      case 'w':
        wait = atof (optarg);
        break;
      case 'm':
        mark = optarg;
        break;
      case 'c':
        if (n_comms < 63)
          comms[n_comms++] = optarg;
        break;
      case 'd':
        if (n_dirs < 63)
          dirs[n_dirs++] = optarg;
        break;
      case 't':
        tmp = true;
        break;
      default:
        fprintf (stderr,
                 "usage: leftover [-p PID] [-w SECONDS] [-m MARK] [-c COMM]... [-d DIR]... [-t]\n");
        return 2;
      }
  /* the verdict is the last scan's: another test's helper may come and go meanwhile */
  for (int i = 0; check_procs (top, mark, comms) > 0 && i < (int) (wait * 50); i++)
    {
      struct timespec ts = { 0, 20 * 1000 * 1000 };

      nanosleep (&ts, NULL);
    }
  print_procs (stdout);
  /* the folders after the wait: a helper that was still running may have been removing
     what it made */
  for (size_t i = 0; i < n_dirs; i++)
    walk (dirs[i], 0);
  f = fopen ("/proc/self/mountinfo", "re");
  while (f != NULL && fgets (line, sizeof line, f) != NULL)
    print_mount (stdout, line);
  if (f != NULL)
    fclose (f);
  if (tmp)
    {
      DIR *d = opendir ("/tmp");
      struct dirent *de;

      while (d != NULL && (de = readdir (d)) != NULL)
        if (strncmp (de->d_name, "sandbox", 7) == 0 || strncmp (de->d_name, ".sandbox", 8) == 0)
          {
            snprintf (line, sizeof line, "/tmp/%s", de->d_name);
            add_file (line);
          }
      if (d != NULL)
        closedir (d);
    }
  qsort (files, n_files, sizeof *files, by_name);
  for (size_t i = 0; i < n_files; i++)
    printf ("file %s\n", files[i]);
  return 0;
}
