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
                          "quit"  */
#include "build-config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
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
  fprintf (stderr, "usage: probe pid|sig|orphans N|zombies|write PATH|connect ADDR PORT|"
                   "get ADDR PORT|serve PORT|udpecho PORT|gateway|ifaces\n");
  return 2;
}
