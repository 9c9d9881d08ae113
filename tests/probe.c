/* probe.c: looks from inside the sandbox, for the shell tests.
     probe pid            prints getpid () and getppid ()
     probe sig            waits for a signal and prints its name
     probe orphans N      leaves N orphans behind and exits; pid 1 must reap them
     probe zombies        prints how many zombies the pid namespace holds
     probe write PATH     tries to create PATH and prints the errno name or "ok"  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
count_zombies (void)
{
  DIR *d = opendir ("/proc");
  struct dirent *de;
  int n = 0;

  if (d == NULL)
    return -1;
  while ((de = readdir (d)) != NULL)
    {
      char path[300], buf[512];
      FILE *f;

      if (de->d_name[0] < '0' || de->d_name[0] > '9')
        continue;
      snprintf (path, sizeof path, "/proc/%s/stat", de->d_name);
      f = fopen (path, "re");
      if (f == NULL)
        continue;
      if (fgets (buf, sizeof buf, f) != NULL)
        {
          char *p = strrchr (buf, ')');
          if (p != NULL && p[1] == ' ' && p[2] == 'Z')
            n++;
        }
      fclose (f);
    }
  closedir (d);
  return n;
}

int
main (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "pid") == 0)
    {
      printf ("%d %d\n", (int) getpid (), (int) getppid ());
      return 0;
    }
  if (argc >= 2 && strcmp (argv[1], "sig") == 0)
    {
      sigset_t set;
      int sig;

      sigfillset (&set);
      sigprocmask (SIG_BLOCK, &set, NULL);
      printf ("ready\n");
      fflush (stdout);
      if (sigwait (&set, &sig) != 0)
        return 1;
      printf ("%s\n", sigabbrev_np (sig));
      return 0;
    }
  if (argc >= 3 && strcmp (argv[1], "orphans") == 0)
    {
      int n = atoi (argv[2]);

      for (int i = 0; i < n; i++)
        {
          pid_t p = fork ();
          if (p == 0)
            {
              /* the grandchild exits at once: a zombie for pid 1 to reap */
              if (fork () == 0)
                {
                  usleep (100000);
                  _exit (0);
                }
              _exit (0);
            }
        }
      usleep (300000);
      return 0;
    }
  if (argc >= 2 && strcmp (argv[1], "zombies") == 0)
    {
      printf ("%d\n", count_zombies ());
      return 0;
    }
  if (argc >= 3 && strcmp (argv[1], "write") == 0)
    {
      int fd = open (argv[2], O_WRONLY | O_CREAT | O_EXCL, 0644);
      if (fd < 0)
        printf ("%s\n", strerrorname_np (errno));
      else
        {
          printf ("ok\n");
          unlink (argv[2]);
        }
      return 0;
    }
  fprintf (stderr, "usage: probe pid|sig|orphans N|zombies|write PATH\n");
  return 2;
}
