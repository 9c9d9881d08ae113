/* probe.c: looks from inside the sandbox, for the shell tests.
     probe pid            prints getpid () and getppid ()
     probe sig            waits for a signal and prints its name
     probe orphans N      leaves N orphans behind and exits; pid 1 must reap them
     probe zombies        prints how many zombies the pid namespace holds
     probe write PATH     tries to create PATH and prints the errno name or "ok"
     probe sys NAME       makes the call NAME (harmless arguments), prints "ok" or the errno
     probe sys32 NAME     the same through int 0x80 (the i386 ABI); "noia32" when the kernel
                          does not deliver int 0x80
     probe sysx32 NAME    the same through the x32 ABI's numbers
     probe ioctl REQ      ioctl (0, REQ) with REQ in hex (high bits too), prints the errno
     probe tiocsti        pushes a byte into a fresh pty that is its controlling terminal:
                          prints the errno (or ok) and "injected" or "clean"
     probe threads        starts and joins a thread (libc uses clone3, then clone)
     probe ids            prints the real and effective uid
     probe loop N         N getppid calls; prints nanoseconds per call (bench/seccomp.sh)  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* numbers for each ABI, so the shell tests can name calls */
static const struct
{
  const char *name;
  long x86_64, i386;
} calls[] = {
  { "getppid", SYS_getppid, 64 },
  { "keyctl", SYS_keyctl, 288 },
  { "add_key", SYS_add_key, 286 },
  { "request_key", SYS_request_key, 287 },
  { "bpf", SYS_bpf, 357 },
  { "perf_event_open", SYS_perf_event_open, 336 },
  { "userfaultfd", SYS_userfaultfd, 374 },
  { "kexec_load", SYS_kexec_load, 283 },
  { "init_module", SYS_init_module, 128 },
  { "open_by_handle_at", SYS_open_by_handle_at, 342 },
  { "iopl", SYS_iopl, 110 },
  { "ioperm", SYS_ioperm, 101 },
  { "settimeofday", SYS_settimeofday, 79 },
  { "acct", SYS_acct, 51 },
  { "quotactl", SYS_quotactl, 131 },
  { "swapon", SYS_swapon, 87 },
  { "reboot", SYS_reboot, 88 },
  { "mount", SYS_mount, 21 },
  { "clone3", SYS_clone3, 435 },
  { "unshare_user", SYS_unshare, 310 },
};

static long
call_number (const char *name, int i386)
{
  for (size_t i = 0; i < sizeof calls / sizeof *calls; i++)
    if (strcmp (calls[i].name, name) == 0)
      return i386 ? calls[i].i386 : calls[i].x86_64;
  return -1;
}

/* the first argument: unshare_user asks for CLONE_NEWUSER; 0 elsewhere (harmless) */
static long
first_arg (const char *name)
{
  return strcmp (name, "unshare_user") == 0 ? CLONE_NEWUSER : 0;
}

static void
print_result (long r, int e)
{
  printf ("%s\n", r < 0 ? strerrorname_np (e) : "ok");
}

#ifdef __x86_64__
/* int 0x80 from a 64-bit process enters the kernel's i386 ABI (when IA32 emulation is on) */
static long
int80 (long nr, long a1)
{
  long r;

  __asm__ volatile ("int $0x80"
                    : "=a"(r)
                    : "a"(nr), "b"(a1), "c"(0L), "d"(0L), "S"(0L), "D"(0L)
                    : "memory", "r8", "r9", "r10", "r11");
  return r;
}
#endif

static int
sys32 (const char *name)
{
#ifdef __x86_64__
  long nr = call_number (name, 1), r;
  int status;
  pid_t p;

  if (nr < 0)
    return 2;
  fflush (stdout);
  /* a kernel without IA32 emulation answers int 0x80 with SIGSEGV */
  p = fork ();
  if (p == 0)
    {
      r = int80 (nr, first_arg (name));
      print_result (r < 0 && r > -4096 ? -1 : r, (int) -r);
      fflush (stdout);
      _exit (0);
    }
  if (waitpid (p, &status, 0) < 0)
    return 1;
  if (WIFSIGNALED (status) && WTERMSIG (status) == SIGSEGV)
    printf ("noia32\n");
  else if (WIFSIGNALED (status))
    printf ("killed by %s\n", sigabbrev_np (WTERMSIG (status)));
  return 0;
#else
  (void) name;
  printf ("noia32\n");
  return 0;
#endif
}

static int
tiocsti (void)
{
  int master, slave, r, e;
  struct pollfd pfd;
  char c = '!';

  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt (master) < 0 || unlockpt (master) < 0)
    return 1;
  /* a new session, and the pty as its controlling terminal: what an attacker would target */
  if (setsid () < 0)
    return 1;
  slave = open (ptsname (master), O_RDWR | O_CLOEXEC);
  if (slave < 0 || ioctl (slave, TIOCSCTTY, 0) < 0)
    return 1;
  /* raw: an injected byte is readable at once, without a newline */
  {
    struct termios t;

    if (tcgetattr (slave, &t) < 0)
      return 1;
    cfmakeraw (&t);
    if (tcsetattr (slave, TCSANOW, &t) < 0)
      return 1;
  }
  r = ioctl (slave, TIOCSTI, &c);
  e = errno;
  pfd = (struct pollfd){ .fd = slave, .events = POLLIN };
  /* the line discipline holds an injected byte for the slave's reader at once */
  printf ("%s %s\n", r < 0 ? strerrorname_np (e) : "ok",
          poll (&pfd, 1, 0) > 0 ? "injected" : "clean");
  return 0;
}

static void *
thread_main (void *arg)
{
  return arg;
}

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
  if (argc >= 3 && strcmp (argv[1], "sys") == 0)
    {
      long nr = call_number (argv[2], 0), r;

      if (nr < 0)
        return 2;
      r = syscall (nr, first_arg (argv[2]), 0L, 0L, 0L, 0L);
      print_result (r, errno);
      return 0;
    }
  if (argc >= 3 && strcmp (argv[1], "sys32") == 0)
    return sys32 (argv[2]);
  if (argc >= 3 && strcmp (argv[1], "sysx32") == 0)
    {
      long nr = call_number (argv[2], 0), r;

      if (nr < 0)
        return 2;
      /* x32 has numbers of its own for the calls that pass structures with pointers */
      if (strcmp (argv[2], "kexec_load") == 0)
        nr = 528;
      r = syscall (nr | 0x40000000L, first_arg (argv[2]), 0L, 0L, 0L, 0L);
      print_result (r, errno);
      return 0;
    }
  if (argc >= 3 && strcmp (argv[1], "ioctl") == 0)
    {
      unsigned long req = strtoul (argv[2], NULL, 16);
      int v = 0, r;

      r = ioctl (0, req, &v);
      print_result (r, errno);
      return 0;
    }
  if (argc >= 2 && strcmp (argv[1], "tiocsti") == 0)
    return tiocsti ();
  if (argc >= 2 && strcmp (argv[1], "threads") == 0)
    {
      pthread_t t;
      int r = pthread_create (&t, NULL, thread_main, NULL);

      if (r == 0)
        r = pthread_join (t, NULL);
      printf ("%s\n", r == 0 ? "ok" : strerrorname_np (r));
      return 0;
    }
  if (argc >= 3 && strcmp (argv[1], "loop") == 0)
    {
      long n = strtol (argv[2], NULL, 10);
      struct timespec a, b;

      clock_gettime (CLOCK_MONOTONIC, &a);
      for (long i = 0; i < n; i++)
        (void) syscall (SYS_getppid);
      clock_gettime (CLOCK_MONOTONIC, &b);
      printf ("%.1f\n", ((double) (b.tv_sec - a.tv_sec) * 1e9 + (double) (b.tv_nsec - a.tv_nsec))
                            / (double) (n > 0 ? n : 1));
      return 0;
    }
  if (argc >= 2 && strcmp (argv[1], "ids") == 0)
    {
      printf ("%d %d\n", (int) getuid (), (int) geteuid ());
      return 0;
    }
  fprintf (stderr, "usage: probe pid|sig|orphans N|zombies|write PATH|sys NAME|sys32 NAME|"
                   "sysx32 NAME|ioctl REQ|tiocsti|threads|ids|loop N\n");
  return 2;
}
