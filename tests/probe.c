/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c: looks from inside the sandbox, for the shell tests.
     probe pid            prints getpid () and getppid ()
     probe sig            waits for a signal and prints its name
     probe orphans N      leaves N orphans behind and exits; pid 1 must reap them
     probe zombies        prints how many zombies the pid namespace holds
     probe write PATH     tries to create PATH and prints the errno name or "ok"
     probe connect ADDR PORT [SRC]   a TCP connection (3 s at most): "ok" or the errno name
     probe get ADDR PORT [SRC]       GET / over HTTP/1.0; prints the reply's body
     probe serve PORT     answers one HTTP request on 0.0.0.0:PORT with the client's
                          address, which it also prints; "ready" once it listens
     probe gateway        the default IPv4 gateway, from /proc/net/route
     probe ifaces         the network devices, one a line
     probe udpecho PORT   answers UDP datagrams on 0.0.0.0:PORT with "echo:" and each, until
                          "quit"
     probe sys NAME       makes the call NAME (harmless arguments), prints "ok" or the errno
     probe sys32 NAME     the same through int 0x80 (the i386 ABI); "noia32" when the kernel
                          does not deliver int 0x80
     probe sysx32 NAME    the same through the x32 ABI's numbers
     probe socket FAMILY  socket (FAMILY, TYPE, 0) with the first type it has, FAMILY a 64-bit
                          argument (0x... for high bits): "ok" or the errno name
     probe ioctl REQ      ioctl (0, REQ) with REQ in hex (high bits too), prints the errno
     probe tiocsti        pushes a byte into a fresh pty that is its controlling terminal:
                          prints the errno (or ok) and "injected" or "clean"
     probe threads        starts and joins a thread (libc uses clone3, then clone)
     probe ids            prints the real and effective uid
     probe loop N         N getppid calls; prints nanoseconds per call (bench/seccomp.sh)
     probe seize MS       tries PTRACE_SEIZE on pid 1 for MS milliseconds, from its first
                          instruction: "seized" or the last errno name
     probe fds            the open fds above 2 (but the one listing them), "N -> target" a
                          line; "none" when there are none
     probe inject TEXT [FILE]  pushes TEXT and a newline with TIOCSTI, and a paste with
                          TIOCLINUX, into each of fds 0-2 and /dev/tty; one line each, to
                          FILE or stdout: "NAME STI LINUX", each "ok" or the errno name
     probe ctty           opens /dev/tty: "ok" or the errno name  */
#include "build-config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tiocl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
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
  /* the same numbers on every ABI since 5.1 */
  { "io_uring_setup", 425, 425 },
  { "io_uring_enter", 426, 426 },
  { "io_uring_register", 427, 427 },
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

  __asm__ volatile("int $0x80"
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
  /* a new session, and the pty as its controlling terminal: what an attacker would target
     (the sandbox starts the command as the leader of a session of its own already) */
  if (setsid () < 0 && getsid (0) != getpid ())
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

/* from the first instruction of the command: pid 1 must be out of reach already */
static int
seize_init (long ms)
{
  struct timespec a, b;
  int e = 0;

  clock_gettime (CLOCK_MONOTONIC, &a);
  for (;;)
    {
      if (ptrace (PTRACE_SEIZE, 1, NULL, NULL) == 0)
        {
          printf ("seized\n"); /* our exit detaches it */
          return 0;
        }
      e = errno;
      clock_gettime (CLOCK_MONOTONIC, &b);
      if ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 >= ms)
        break;
    }
  printf ("%s\n", strerrorname_np (e));
  return 0;
}

static int
list_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *de;
  int n = 0;

  if (d == NULL)
    return 1;
  while ((de = readdir (d)) != NULL)
    {
      char path[300], target[4096];
      int fd = atoi (de->d_name);
      ssize_t len;

      if (de->d_name[0] == '.' || fd <= 2 || fd == dirfd (d))
        continue;
      snprintf (path, sizeof path, "/proc/self/fd/%s", de->d_name);
      len = readlink (path, target, sizeof target - 1);
      target[len < 0 ? 0 : len] = '\0';
      printf ("%d -> %s\n", fd, target);
      n++;
    }
  closedir (d);
  if (n == 0)
    printf ("none\n");
  return 0;
}

/* TIOCSTI and TIOCLINUX into every terminal the command could name */
static int
inject (const char *text, const char *report)
{
  static const char *const names[] = { "fd0", "fd1", "fd2", "/dev/tty" };
  FILE *out = report ? fopen (report, "we") : stdout;

  if (out == NULL)
    return 1;
  for (int i = 0; i < 4; i++)
    {
      int fd = i < 3 ? i : open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
      int sti = 0, e = 0, lr;
      char paste = TIOCL_PASTESEL;

      if (fd < 0)
        {
          fprintf (out, "%s %s -\n", names[i], strerrorname_np (errno));
          continue;
        }
      for (const char *p = text; sti == 0 && *p != '\0'; p++)
        if ((sti = ioctl (fd, TIOCSTI, p)) < 0)
          e = errno;
      if (sti == 0 && (sti = ioctl (fd, TIOCSTI, "\n")) < 0)
        e = errno;
      lr = ioctl (fd, TIOCLINUX, &paste);
      fprintf (out, "%s %s %s\n", names[i], sti < 0 ? strerrorname_np (e) : "ok",
               lr < 0 ? strerrorname_np (errno) : "ok");
    }
  return fclose (out) == 0 ? 0 : 1;
}

/* the sub-commands of the pid 1 and terminal tests; -1: not one of them */
static int
pid1_probes (int argc, char **argv)
{
  if (argc >= 3 && strcmp (argv[1], "seize") == 0)
    return seize_init (strtol (argv[2], NULL, 10));
  if (argc >= 2 && strcmp (argv[1], "fds") == 0)
    return list_fds ();
  if (argc >= 3 && strcmp (argv[1], "inject") == 0)
    return inject (argv[2], argc >= 4 ? argv[3] : NULL);
  if (argc >= 2 && strcmp (argv[1], "ctty") == 0)
    {
      int fd = open ("/dev/tty", O_RDWR | O_CLOEXEC);

      printf ("%s\n", fd < 0 ? strerrorname_np (errno) : "ok");
      return 0;
    }
  return -1;
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

static int
tcp_connect (const char *addr, const char *port, const char *src)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) atoi (port)) };
  struct pollfd p;
  socklen_t len = sizeof (int);
  int fd, e = 0;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0 || inet_pton (AF_INET, addr, &sa.sin_addr) != 1)
    return -EINVAL;
  if (src != NULL)
    {
      struct sockaddr_in me = { .sin_family = AF_INET };

      if (inet_pton (AF_INET, src, &me.sin_addr) != 1
          || bind (fd, (struct sockaddr *) &me, sizeof me) < 0)
        return -errno;
    }
  if (connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0 && errno != EINPROGRESS)
    return -errno;
  p.fd = fd;
  p.events = POLLOUT;
  if (poll (&p, 1, 3000) == 0)
    return -ETIMEDOUT;
  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0 || e != 0)
    return -(e ? e : errno);
  fcntl (fd, F_SETFL, 0);
  return fd;
}

static int
http_get (const char *addr, const char *port, const char *src)
{
  char buf[4096];
  size_t got = 0;
  ssize_t n;
  int fd = tcp_connect (addr, port, src);
  struct pollfd p;
  char *body;

  if (fd < 0)
    {
      printf ("%s\n", strerrorname_np (-fd));
      return 1;
    }
  if (write (fd, "GET / HTTP/1.0\r\n\r\n", 18) != 18)
    return 1;
  p.fd = fd;
  p.events = POLLIN;
  while (got < sizeof buf - 1 && poll (&p, 1, 3000) == 1
         && (n = read (fd, buf + got, sizeof buf - 1 - got)) > 0)
    got += (size_t) n;
  buf[got] = '\0';
  body = strstr (buf, "\r\n\r\n");
  printf ("%s", body ? body + 4 : buf);
  return body ? 0 : 1;
}

static int
listen_on (int type, const char *port)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) atoi (port)) };
  int fd = socket (AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

  if (fd < 0)
    return -1;
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0
      || (type == SOCK_STREAM && listen (fd, 8) < 0))
    return -1;
  return fd;
}

static int
http_serve (const char *port)
{
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  char addr[INET_ADDRSTRLEN], buf[1024], reply[256];
  int fd = listen_on (SOCK_STREAM, port), c;

  if (fd < 0)
    {
      printf ("%s\n", strerrorname_np (errno));
      return 1;
    }
  printf ("ready\n");
  fflush (stdout);
  c = accept4 (fd, (struct sockaddr *) &peer, &len, SOCK_CLOEXEC);
  if (c < 0)
    return 1;
  inet_ntop (AF_INET, &peer.sin_addr, addr, sizeof addr);
  if (read (c, buf, sizeof buf) < 0)
    return 1;
  snprintf (reply, sizeof reply, "HTTP/1.0 200 OK\r\n\r\nclient %s\n", addr);
  if (write (c, reply, strlen (reply)) < 0)
    return 1;
  /* a proper close: the reply has reached the client once it closes its side */
  shutdown (c, SHUT_WR);
  while (read (c, buf, sizeof buf) > 0)
    ;
  close (c);
  printf ("client %s\n", addr);
  return 0;
}

static int
udp_echo (const char *port)
{
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  char buf[512], reply[600];
  int fd = listen_on (SOCK_DGRAM, port);
  ssize_t n;

  if (fd < 0)
    return 1;
  printf ("ready\n");
  fflush (stdout);
  /* until "quit": an answer still in the helper when the sandbox ends would be lost */
  while ((n = recvfrom (fd, buf, sizeof buf - 1, 0, (struct sockaddr *) &peer, &len)) >= 0)
    {
      buf[n] = '\0';
      if (strcmp (buf, "quit") == 0)
        return 0;
      snprintf (reply, sizeof reply, "echo:%s", buf);
      sendto (fd, reply, strlen (reply), 0, (struct sockaddr *) &peer, len);
    }
  return 1;
}

static int
print_gateway (void)
{
  FILE *f = fopen ("/proc/net/route", "re");
  char line[512], ifname[64];
  unsigned dest, gw, flags;

  if (f == NULL)
    return 1;
  while (fgets (line, sizeof line, f) != NULL)
    if (sscanf (line, "%63s %x %x %x", ifname, &dest, &gw, &flags) == 4 && dest == 0)
      {
        struct in_addr a = { .s_addr = gw };
        char addr[INET_ADDRSTRLEN];

        printf ("%s\n", inet_ntop (AF_INET, &a, addr, sizeof addr));
        return 0;
      }
  return 1;
}

static int
print_ifaces (void)
{
  FILE *f = fopen ("/proc/net/dev", "re");
  char line[512], name[64];

  if (f == NULL)
    return 1;
  while (fgets (line, sizeof line, f) != NULL)
    if (strchr (line, '|') == NULL && sscanf (line, " %63[^:]:", name) == 1)
      printf ("%s\n", name);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc >= 4 && strcmp (argv[1], "connect") == 0)
    {
      int fd = tcp_connect (argv[2], argv[3], argc >= 5 ? argv[4] : NULL);

      printf ("%s\n", fd >= 0 ? "ok" : strerrorname_np (-fd));
      return fd >= 0 ? 0 : 1;
    }
  if (argc >= 4 && strcmp (argv[1], "get") == 0)
    return http_get (argv[2], argv[3], argc >= 5 ? argv[4] : NULL);
  if (argc >= 3 && strcmp (argv[1], "serve") == 0)
    return http_serve (argv[2]);
  if (argc >= 3 && strcmp (argv[1], "udpecho") == 0)
    return udp_echo (argv[2]);
  if (argc >= 2 && strcmp (argv[1], "gateway") == 0)
    return print_gateway ();
  if (argc >= 2 && strcmp (argv[1], "ifaces") == 0)
    return print_ifaces ();
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
  if (argc >= 3 && strcmp (argv[1], "socket") == 0)
    {
      /* the family as a whole 64-bit argument: high bits set must not slip past a filter */
      static const long types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW };
      unsigned long family = strtoul (argv[2], NULL, 0);
      long r = -1;

      /* the first type the family has */
      for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        {
          r = syscall (SYS_socket, family, types[i] | SOCK_CLOEXEC, 0L);
          if (r >= 0
              || (errno != ESOCKTNOSUPPORT && errno != EPROTONOSUPPORT && errno != EPROTOTYPE))
            break;
        }
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
  {
    int r = pid1_probes (argc, argv);

    if (r >= 0)
      return r;
  }
  fprintf (stderr, "usage: probe pid|sig|orphans N|zombies|write PATH|sys NAME|sys32 NAME|"
                   "sysx32 NAME|ioctl REQ|tiocsti|threads|ids|loop N|connect ADDR PORT|"
                   "get ADDR PORT|serve PORT|udpecho PORT|gateway|ifaces|seize MS|fds|"
                   "inject TEXT|ctty\n");
  return 2;
}
