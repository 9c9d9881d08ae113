/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci-signal.c: kill's signal names and the processes of a container (see oci.h).  */
#include "build-config.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oci.h"
#include "util.h"

/* "TERM", "SIGTERM", "sigterm", "15": the signal's number; -1 when unknown.  */
int
oci_parse_signal (const char *s)
{
  char *end;
  long n;

  if (s[0] >= '0' && s[0] <= '9')
    {
      n = strtol (s, &end, 10);
      return *end == '\0' && n > 0 && n < NSIG ? (int) n : -1;
    }
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (int i = 1; i < SIGRTMIN; i++)
    if (sigabbrev_np (i) != NULL && strcasecmp (s, sigabbrev_np (i)) == 0)
      return i;
  if (strncasecmp (s, "RTMIN+", 6) == 0 && (n = strtol (s + 6, &end, 10)) >= 0 && *end == '\0'
      && SIGRTMIN + n <= SIGRTMAX)
    return SIGRTMIN + (int) n;
  return -1;
}

/* PID and every descendant of it, PID first; *RET_N of them.  A parent's pid comes before
   its children's in /proc's order only by chance: the scan repeats until it finds no new
   one.  */
pid_t *
oci_descendants (pid_t pid, size_t *ret_n)
{
  pid_t *set = xcalloc (1, sizeof (pid_t));
  size_t n = 0;

  set[n++] = pid;
  for (bool grew = true; grew;)
    {
      DIR *d = opendir ("/proc");
      struct dirent *de;

      grew = false;
      while (d != NULL && (de = readdir (d)) != NULL)
        {
          char path[64];
          cleanup_free char *stat = NULL;
          pid_t p = (pid_t) atoi (de->d_name), pp = 0;
          bool known = false, child = false;
          char *s;

          if (p <= 0)
            continue;
          snprintf (path, sizeof path, "/proc/%d/stat", (int) p);
          stat = read_file_at (AT_FDCWD, path, NULL);
          if (stat == NULL || (s = strrchr (stat, ')')) == NULL
              || sscanf (s + 2, "%*c %d", &pp) != 1)
            continue;
          for (size_t i = 0; i < n; i++)
            {
              known |= set[i] == p;
              child |= set[i] == pp;
            }
          if (!known && child)
            {
              set = xreallocarray (set, n + 1, sizeof (pid_t));
              set[n++] = p;
              grew = true;
            }
        }
      if (d != NULL)
        closedir (d);
    }
  *ret_n = n;
  return set;
}
