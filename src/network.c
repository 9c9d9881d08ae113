/* SPDX-License-Identifier: GPL-2.0-or-later */
/* network.c: --network NET (see network.h): joining NET, its holder, a member's link.
   Trust: the folder networks/NET is a private folder of ours; the holder is believed only
   as the live peer of our connection (SO_PEERCRED): a process of our uid in our own pid
   namespace (so not a process inside any sandbox, whose pid namespace is its own), whose
   user namespace is a child of ours owned by us and owns its network namespace, which is
   not ours.  A socket planted there by a sandbox that can write the folder fails these.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "idmap.h"
#include "net.h"
#include "network.h"
#include "state.h"
#include "syscalls.h"
#include "util.h"

#define MAX_MEMBERS 253 /* .2 to .254 */

/* A member's first message, and the holder's answer */
struct hello
{
  char name[72];
  char host[72];
  uint32_t n_ports; /* its --publish */
  struct network_port ports[NETWORK_MAX_PORTS];
};
struct welcome
{
  int32_t index; /* the last byte of the member's address; 0: full, or see why */
  char why[200]; /* a port not published */
};

/* What the holder tells the launcher that started it, once.  */
struct holder_msg
{
  int errnum;
  char text[200]; /* empty: it runs */
};

struct member
{
  int fd;
  int hosts_fd; /* -1 until its hello */
  unsigned index;
  struct hello hello;
  int fwd[NETWORK_MAX_PORTS]; /* slirp4netns's ids of its published ports */
  unsigned n_fwd;
};

/* ---- the folder ---- */

/* Under the lock, with no member left (none holds the folder's shared lock): removes
   networks/NET (DFD, at DIR), the lock file last, so that a launcher that waits for it
   finds it unlinked and starts over.  0, or -1 when a member still runs.  */
static int
network_remove (int dfd, const char *dir)
{
  cleanup_close int own = openat (dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d;
  struct dirent *e;

  if (own < 0 || flock (own, LOCK_EX | LOCK_NB) < 0)
    return -1;
  d = fdopendir (steal_fd (&own));
  if (d == NULL)
    return 0;
  while ((e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0
        && strcmp (e->d_name, "lock") != 0)
      (void) unlinkat (dfd, e->d_name, 0);
  (void) unlinkat (dfd, "lock", 0);
  (void) rmdir (dir);
  (void) closedir (d);
  return 0;
}

/* ---- the holder ---- */

static void
hosts_rewrite (const char *net, const struct member *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      char *text = NULL;
      size_t len = 0;
      FILE *f;

      if (m[i].hosts_fd < 0)
        continue;
      f = open_memstream (&text, &len);
      if (f == NULL)
        continue;
      fprintf (f,
               "# sandbox: the members of network %s\n127.0.0.1\tlocalhost\n"
               "::1\tlocalhost ip6-localhost ip6-loopback\n",
               net);
      if (strcmp (m[i].hello.host, m[i].hello.name) != 0)
        fprintf (f, "127.0.1.1\t%s\n", m[i].hello.host);
      for (size_t j = 0; j < n; j++)
        if (m[j].hosts_fd >= 0)
          fprintf (f, NETWORK_PREFIX "%u\t%s\n", m[j].index, m[j].hello.name);
      if (fclose (f) == 0)
        {
          (void) !pwrite (m[i].hosts_fd, text, len, 0);
          (void) !ftruncate (m[i].hosts_fd, (off_t) len);
        }
      free (text);
    }
}

/* Its published ports, forwarded by slirp4netns to its address: 0, or -1 and why.  */
static int
member_publish (const char *dir, struct member *m, struct welcome *w)
{
  char addr[32];

  snprintf (addr, sizeof addr, NETWORK_PREFIX "%u", m->index);
  for (uint32_t i = 0; i < m->hello.n_ports && i < NETWORK_MAX_PORTS; i++)
    {
      int id = network_out_publish (dir, &m->hello.ports[i], addr, w->why, sizeof w->why);

      if (id < 0)
        return -1;
      m->fwd[m->n_fwd++] = id;
    }
  return 0;
}

static void
member_welcome (int dfd, const char *dir, const char *net, struct member *m, size_t n, size_t k)
{
  /* the addresses in turn, from the one after the last given: an address just freed is
     taken last, so no neighbour cache (ours, slirp's way in, the other members') still
     holds the departed member's link address for it */
  static unsigned last = 1;
  struct welcome w = { 0, "" };
  char file[32];

  m[k].hello.name[sizeof m[k].hello.name - 1] = '\0';
  m[k].hello.host[sizeof m[k].hello.host - 1] = '\0';
  for (unsigned i = 0; i < MAX_MEMBERS && w.index == 0; i++)
    {
      unsigned idx = 2 + (last - 1 + i) % MAX_MEMBERS;
      bool used = false;

      for (size_t j = 0; j < n; j++)
        used |= m[j].hosts_fd >= 0 && m[j].index == idx;
      if (!used)
        w.index = (int32_t) idx;
    }
  if (w.index != 0)
    last = (unsigned) w.index;
  snprintf (file, sizeof file, "hosts.%d", (int) w.index);
  if (w.index != 0)
    m[k].hosts_fd = openat (dfd, file, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  /* readable by every id of the member, whatever our umask */
  if (m[k].hosts_fd < 0 || fchmod (m[k].hosts_fd, 0644) < 0)
    w.index = 0;
  m[k].index = (unsigned) w.index;
  if (w.index != 0 && member_publish (dir, &m[k], &w) < 0)
    w.index = 0;
  hosts_rewrite (net, m, n);
  (void) send (m[k].fd, &w, sizeof w, MSG_NOSIGNAL);
}

static void
member_remove (int dfd, const char *dir, const char *net, struct member *m, size_t *n, size_t k)
{
  char file[32];

  for (unsigned i = 0; i < m[k].n_fwd; i++)
    network_out_unpublish (dir, m[k].fwd[i]);
  (void) close (m[k].fd);
  if (m[k].hosts_fd >= 0)
    {
      (void) close (m[k].hosts_fd);
      snprintf (file, sizeof file, "hosts.%u", m[k].index);
      (void) unlinkat (dfd, file, 0);
    }
  m[k] = m[--*n];
  hosts_rewrite (net, m, *n);
}

/* Serves members until none is left; the last one gone, under the lock (no launcher is
   between its connect and its unlock), removes the socket, and the folder unless a member
   of a holder before us still runs (network_remove), and ends.  */
_Noreturn static void
holder_loop (int dfd, int lsock, int lock, const char *dir, const char *net)
{
  static struct member m[MAX_MEMBERS + 1];
  static struct pollfd p[MAX_MEMBERS + 2];
  size_t n = 0;

  for (;;)
    {
      int c;

      if (n == 0)
        {
          (void) flock (lock, LOCK_EX);
          c = accept4 (lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
          if (c < 0)
            {
              (void) unlinkat (dfd, "sock", 0);
              (void) unlinkat (dfd, "slirp.sock", 0);
              /* a member killed a moment ago may hold its shared lock for a while yet */
              for (int i = 0; i < 100 && network_remove (dfd, dir) < 0; i++)
                (void) nanosleep (&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
              _exit (0);
            }
          m[n++] = (struct member){ .fd = c, .hosts_fd = -1 };
          (void) flock (lock, LOCK_UN);
        }
      p[0] = (struct pollfd){ lsock, POLLIN, 0 };
      for (size_t i = 0; i < n; i++)
        p[i + 1] = (struct pollfd){ m[i].fd, POLLIN, 0 };
      if (poll (p, n + 1, -1) < 0)
        continue;
      /* members gone first: the ports they free may be what a new one publishes */
      for (size_t i = n; i-- > 0;)
        if ((p[i + 1].revents & (POLLHUP | POLLERR)) != 0 && m[i].hosts_fd >= 0)
          {
            member_remove (dfd, dir, net, m, &n, i);
            p[i + 1] = p[n + 1]; /* the member moved to I */
          }
      for (size_t i = n; i-- > 0;)
        if (p[i + 1].revents != 0)
          {
            struct hello h;
            ssize_t r = recv (m[i].fd, &h, sizeof h, MSG_DONTWAIT);

            if (r < 0 && (errno == EAGAIN || errno == EINTR))
              continue;
            if (r == (ssize_t) sizeof h && m[i].hosts_fd < 0)
              {
                m[i].hello = h;
                member_welcome (dfd, dir, net, m, n, i);
              }
            else
              member_remove (dfd, dir, net, m, &n, i);
          }
      if ((p[0].revents & POLLIN) != 0)
        {
          c = accept4 (lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
          if (c >= 0 && n < MAX_MEMBERS + 1)
            m[n++] = (struct member){ .fd = c, .hosts_fd = -1 };
          else if (c >= 0)
            (void) close (c);
        }
    }
}

/* The holder, in its new user namespace: waits for its maps (GO), then makes its network,
   its socket, and serves.  */
_Noreturn static void
holder_main (const char *dir, const char *net, int go, int report, struct network_out *out)
{
  struct holder_msg msg = { 0, "" };
  const char *step = NULL;
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int dfd = -1, lock = -1, lsock = -1, devnull;
  char byte;

  if (TEMP_FAILURE_RETRY (read (go, &byte, 1)) != 1)
    _exit (1);
  (void) close (go);
  (void) setsid ();
  sb_signals_default ();
  devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0)
    for (int i = 0; i < 3; i++)
      (void) dup2 (devnull, i);
  snprintf (sa.sun_path, sizeof sa.sun_path, "%s/sock", dir);
  (void) prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
  if (unshare (CLONE_NEWNET) < 0)
    step = "create its network namespace";
  else if (network_link_bridge (NETWORK_BRIDGE) < 0)
    step = "create the bridge " NETWORK_BRIDGE;
  else if ((step = network_out_start (out)) != NULL)
    ;
  else if ((dfd = open (dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0
           || (lock = openat (dfd, "lock", O_RDWR | O_NOFOLLOW | O_CLOEXEC)) < 0)
    step = "open its folder";
  else if ((lsock = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0
           || (unlinkat (dfd, "sock", 0) < 0 && errno != ENOENT)
           || bind (lsock, (struct sockaddr *) &sa, sizeof sa) < 0 || listen (lsock, 64) < 0)
    step = "make its socket";
  if (step != NULL)
    {
      msg.errnum = errno;
      snprintf (msg.text, sizeof msg.text, "%s", step);
    }
  (void) write_all (report, &msg, sizeof msg);
  (void) close (report);
  if (step != NULL)
    _exit (1);
  /* only slirp4netns's exit fd stays: it ends with us */
  closep (&out->go_w);
  closep (&out->report_r);
  holder_loop (dfd, lsock, lock, dir, net);
}

/* Starts NET's holder (under the lock, none running).  */
static int
holder_start (const struct config *cfg, const char *dir, struct sb_error **err)
{
  struct config hc = *cfg;
  struct idmap map;
  struct holder_msg msg = { 0, "" };
  struct network_out out;
  cleanup_close int go_r = -1, go_w = -1, rep_r = -1, rep_w = -1;
  int p[2], r = -1;
  pid_t mid, pid = 0;

  /* every id a member may map: uid 0 is the caller, the ranges follow */
  hc.uid = hc.gid = 0;
  hc.subids = SUBIDS_YES;
  hc.uid_map = hc.gid_map = NULL;
  if (idmap_plan (&hc, &map, err) < 0)
    return -1;
  if (pipe2 (p, O_CLOEXEC) < 0)
    return idmap_free (&map), sb_error_set (err, errno, "pipe");
  go_r = p[0], go_w = p[1];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return idmap_free (&map), sb_error_set (err, errno, "pipe");
  rep_r = p[0], rep_w = p[1];
  if (network_out_prepare (&out, dir) < 0)
    return network_out_close (&out), idmap_free (&map), sb_error_set (err, errno, "pipe");
  mid = sys_clone_fork (SIGCHLD);
  if (mid == 0)
    {
      /* not our child: it outlives us while another member runs */
      int keep[5] = { go_r, rep_w, out.go_w, out.report_r, out.exit_fd };

      pid = sys_clone_fork (CLONE_NEWUSER | SIGCHLD);
      if (pid == 0)
        {
          network_sort_fds (keep, 5);
          if (fds_close_except (keep, 5, false) < 0)
            _exit (1);
          holder_main (dir, cfg->network, go_r, rep_w, &out);
        }
      if (pid > 0)
        network_out_fork (&out, pid);
      (void) write_all (rep_w, &pid, sizeof pid);
      _exit (0);
    }
  network_out_close (&out);
  if (mid < 0)
    return idmap_free (&map), sb_error_set (err, errno, "fork");
  closep (&go_r);
  closep (&rep_w);
  if (TEMP_FAILURE_RETRY (read (rep_r, &pid, sizeof pid)) != (ssize_t) sizeof pid || pid <= 0)
    pid = 0;
  (void) TEMP_FAILURE_RETRY (waitpid (mid, NULL, 0));
  if (pid == 0)
    sb_error_set (err, errno, "--network '%s': start its holder", cfg->network);
  else if (idmap_start (&map, pid, err) == 0 && idmap_finish (&map, err) == 0)
    {
      (void) write_all (go_w, "g", 1);
      closep (&go_w);
      if (TEMP_FAILURE_RETRY (read (rep_r, &msg, sizeof msg)) != (ssize_t) sizeof msg)
        sb_error_set (err, 0, "--network '%s': its holder ended", cfg->network);
      else if (msg.text[0] != '\0')
        {
          msg.text[sizeof msg.text - 1] = '\0';
          sb_error_set (err, msg.errnum, "--network '%s': holder: %s", cfg->network, msg.text);
        }
      else
        r = 0;
    }
  /* a failed holder sees its go pipe close, or has ended */
  idmap_free (&map);
  return r;
}

/* ---- a member ---- */

static bool
same_file (int a, int b)
{
  struct stat sa, sb;

  return a >= 0 && b >= 0 && fstat (a, &sa) == 0 && fstat (b, &sb) == 0 && sa.st_dev == sb.st_dev
         && sa.st_ino == sb.st_ino;
}

static int
open_proc (pid_t pid, const char *rel)
{
  char path[64];

  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, rel);
  return open (path, O_RDONLY | O_CLOEXEC);
}

/* The checks of the file's head comment on the peer of CONN; its namespaces into CFG.  */
static int
holder_check (struct config *cfg, int conn, struct sb_error **err)
{
  cleanup_close int pidfd = -1, pidns = -1, ourpid = -1, user = -1, net = -1, parent = -1;
  cleanup_close int ouruser = -1, ournet = -1, owner = -1;
  struct ucred uc;
  socklen_t len = sizeof uc;
  uid_t uid;

  if (getsockopt (conn, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
    return sb_error_set (err, errno, "--network '%s': SO_PEERCRED", cfg->network);
  if (uc.uid != geteuid () || uc.pid <= 0)
    return sb_error_set (err, 0, "--network '%s': its holder is not yours", cfg->network);
  pidfd = sys_pidfd_open (uc.pid, 0);
  pidns = open_proc (uc.pid, "ns/pid");
  ourpid = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  user = open_proc (uc.pid, "ns/user");
  net = open_proc (uc.pid, "ns/net");
  ouruser = open ("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  ournet = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (pidfd < 0 || user < 0 || net < 0 || !same_file (pidns, ourpid))
    return sb_error_set (err, 0,
                         "--network '%s': its holder (pid %d) is not a process of yours "
                         "outside the sandboxes",
                         cfg->network, (int) uc.pid);
  parent = ioctl (user, NS_GET_PARENT);
  owner = ioctl (net, NS_GET_USERNS);
  if (!same_file (parent, ouruser) || ioctl (user, NS_GET_OWNER_UID, &uid) < 0 || uid != geteuid ()
      || !same_file (owner, user) || same_file (net, ournet)
      || sys_pidfd_send_signal (pidfd, 0) < 0)
    return sb_error_set (err, 0,
                         "--network '%s': its holder (pid %d) has not the namespaces "
                         "a holder makes",
                         cfg->network, (int) uc.pid);
  closep (&cfg->join_userns_fd);
  closep (&cfg->join_netns_fd);
  cfg->join_userns_fd = steal_fd (&user);
  cfg->join_netns_fd = steal_fd (&net);
  return 0;
}

/* networks/NET in the per-user folder: made private, opened, checked.  */
static int
network_dir (struct config *cfg, char **ret_dir, struct sb_error **err)
{
  cleanup_free char *base = state_dir_path (), *nets = NULL, *dir = NULL;
  cleanup_close int fd = -1;
  struct stat st;

  /* makes the per-user folder, checked as state.c checks it */
  if (state_run_dir (cfg, err) == NULL)
    return -1;
  if (asprintf (&nets, "%s/networks", base) < 0 || asprintf (&dir, "%s/%s", nets, cfg->network) < 0)
    oom ();
  if ((mkdir (nets, 0700) < 0 && errno != EEXIST) || (mkdir (dir, 0700) < 0 && errno != EEXIST))
    return sb_error_set (err, errno, "--network '%s': mkdir '%s'", cfg->network, dir);
  fd = open (dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) < 0)
    return sb_error_set (err, errno, "--network '%s': open '%s'", cfg->network, dir);
  if (st.st_uid != geteuid () || (st.st_mode & 077) != 0)
    return sb_error_set (err, 0, "--network '%s': '%s' is not a private folder of yours",
                         cfg->network, dir);
  if (strlen (dir) + sizeof "/sock" > sizeof ((struct sockaddr_un *) 0)->sun_path)
    return sb_error_set (err, ENAMETOOLONG,
                         "--network '%s': '%s/sock' (set a shorter "
                         "XDG_RUNTIME_DIR)",
                         cfg->network, dir);
  *ret_dir = steal_ptr (&dir);
  return steal_fd (&fd);
}

static int
connect_sock (const char *dir)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

  snprintf (sa.sun_path, sizeof sa.sun_path, "%s/sock", dir);
  if (fd >= 0 && connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      int saved = errno;

      (void) close (fd);
      errno = saved;
      return -1;
    }
  return fd;
}

/* Under the lock: a connection to the running holder, or to one started now, and the
   folder's shared lock in *RET_SHARED; -2: the last member removed the folder meanwhile.  */
static int
connect_holder (const struct config *cfg, int dfd, const char *dir, int *ret_shared,
                struct sb_error **err)
{
  cleanup_close int lock = openat (dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  struct stat st;
  int conn;

  if (lock < 0 && errno == ENOENT)
    return -2;
  if (lock < 0 || flock (lock, LOCK_EX) < 0 || fstat (lock, &st) < 0)
    return sb_error_set (err, errno, "--network '%s': lock '%s/lock'", cfg->network, dir);
  if (st.st_nlink == 0)
    return -2;
  *ret_shared = openat (dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*ret_shared < 0 || flock (*ret_shared, LOCK_SH) < 0)
    return sb_error_set (err, errno, "--network '%s': lock '%s'", cfg->network, dir);
  conn = connect_sock (dir);
  if (conn < 0 && (errno == ENOENT || errno == ECONNREFUSED))
    {
      if (holder_start (cfg, dir, err) < 0)
        return -1;
      conn = connect_sock (dir);
    }
  if (conn < 0)
    return sb_error_set (err, errno, "--network '%s': connect to '%s/sock'", cfg->network, dir);
  return conn;
}

/* Says who we are; the holder's answer: our index, 0 when it ended meanwhile.  */
static int
greet (const struct config *cfg, int conn, struct sb_error **err)
{
  struct hello h;
  struct welcome w = { 0 };
  struct timeval tv = { 10, 0 };
  ssize_t n;

  memset (&h, 0, sizeof h);
  snprintf (h.name, sizeof h.name, "%s", cfg->name ? cfg->name : "sandbox");
  snprintf (h.host, sizeof h.host, "%s", cfg->hostname ? cfg->hostname : "sandbox");
  for (size_t i = 0; i < cfg->n_publish && i < NETWORK_MAX_PORTS; i++)
    h.ports[h.n_ports++]
        = (struct network_port){ cfg->publish[i].host_addr.s_addr, cfg->publish[i].host_port,
                                 cfg->publish[i].port, cfg->publish[i].proto };
  if (setsockopt (conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0
      || send (conn, &h, sizeof h, MSG_NOSIGNAL) != (ssize_t) sizeof h)
    return 0;
  n = TEMP_FAILURE_RETRY (recv (conn, &w, sizeof w, 0));
  w.why[sizeof w.why - 1] = '\0';
  if (n == (ssize_t) sizeof w && w.index == 0 && w.why[0] != '\0')
    return sb_error_set (err, 0, "--network '%s': --publish: %s", cfg->network, w.why);
  if (n == (ssize_t) sizeof w && w.index == 0)
    return sb_error_set (err, 0, "--network '%s': full (%d members)", cfg->network, MAX_MEMBERS);
  return n == (ssize_t) sizeof w && w.index > 1 && w.index < 255 ? w.index : 0;
}

int
network_config_finish (struct config *cfg, struct sb_error **err)
{
  cleanup_free char *dir = NULL;
  cleanup_close int dfd = -1;
  char file[32];

  if (cfg->network == NULL)
    return 0;
  if (cfg->net != NET_NETWORK)
    return sb_error_set (err, 0, "--network '%s': not with --net %s", cfg->network,
                         net_mode_name (cfg->net));
  /* a holder may end between our connect and its accept: then it closes us, and we start
     another; the last member may remove the folder while we wait for its lock */
  for (int attempt = 0; attempt < 5; attempt++)
    {
      cleanup_close int conn = -1, shared = -1;
      int index;

      closep (&dfd);
      free (steal_ptr (&dir));
      dfd = network_dir (cfg, &dir, err);
      if (dfd < 0)
        return -1;
      /* network_leave removes the folder if we end up its last member, or fail */
      free (cfg->network_dir);
      cfg->network_dir = xstrdup (dir);
      conn = connect_holder (cfg, dfd, dir, &shared, err);
      if (conn == -2)
        continue;
      if (conn < 0 || holder_check (cfg, conn, err) < 0)
        return -1;
      index = greet (cfg, conn, err);
      if (index < 0)
        return -1;
      if (index == 0)
        continue;
      snprintf (file, sizeof file, "hosts.%d", index);
      if (asprintf (&cfg->network_hosts, "%s/%s", dir, file) < 0)
        oom ();
      cfg->network_index = (unsigned) index;
      cfg->network_fd = steal_fd (&conn);
      cfg->network_dir_fd = steal_fd (&shared);
      return 0;
    }
  return sb_error_set (err, 0, "--network '%s': its holder ended while we joined", cfg->network);
}

/* The linking process, in the holder's namespaces: the pair, then eth0 in pid 1's.  */
_Noreturn static void
attach_inside (const struct config *cfg, int netns, int report)
{
  struct holder_msg m = { 0, "" };
  const char *step = NULL;
  char name[16], addr[32];

  snprintf (name, sizeof name, "sb%d", (int) getppid ());
  snprintf (addr, sizeof addr, NETWORK_PREFIX "%u", cfg->network_index);
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0
      || setns (cfg->join_userns_fd, CLONE_NEWUSER) < 0)
    step = "enter its user namespace";
  else if (setns (cfg->join_netns_fd, CLONE_NEWNET) < 0)
    step = "enter its network namespace";
  else if (network_link_veth (name, NETWORK_BRIDGE, "eth0", netns) < 0)
    step = "create the veth pair";
  else if (setns (netns, CLONE_NEWNET) < 0)
    step = "enter the sandbox's network namespace";
  else if (network_link_address ("eth0", addr, NETWORK_MASK) < 0)
    step = "configure eth0";
  else if (network_link_gateway (NETWORK_GATEWAY) < 0)
    step = "add the default route";
  if (step != NULL)
    {
      m.errnum = errno;
      snprintf (m.text, sizeof m.text, "%s", step);
    }
  (void) write_all (report, &m, sizeof m);
  _exit (step != NULL);
}

int
network_attach (const struct config *cfg, int netns, struct sb_error **err)
{
  struct holder_msg m = { 0, "" };
  cleanup_close int rd = -1, wr = -1;
  int p[2];
  pid_t pid;
  ssize_t n;

  if (cfg->net != NET_NETWORK)
    return 0;
  if (pipe2 (p, O_CLOEXEC) < 0)
    return sb_error_set (err, errno, "pipe");
  rd = p[0];
  wr = p[1];
  pid = sys_clone_fork (SIGCHLD);
  if (pid < 0)
    return sb_error_set (err, errno, "fork");
  if (pid == 0)
    attach_inside (cfg, netns, wr);
  closep (&wr);
  n = TEMP_FAILURE_RETRY (read (rd, &m, sizeof m));
  (void) TEMP_FAILURE_RETRY (waitpid (pid, NULL, 0));
  m.text[sizeof m.text - 1] = '\0';
  if (n != (ssize_t) sizeof m)
    return sb_error_set (err, 0, "--network '%s': the linking process ended", cfg->network);
  if (m.text[0] != '\0')
    return sb_error_set (err, m.errnum, "--network '%s': %s", cfg->network, m.text);
  return 0;
}

void
network_leave (struct config *cfg)
{
  cleanup_close int dfd = -1, lock = -1, probe = -1;
  cleanup_free char *dir = NULL;
  struct stat st;

  if (cfg->network_dir == NULL)
    return;
  dir = steal_ptr (&cfg->network_dir);
  dfd = open (dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd >= 0)
    lock = openat (dfd, "lock", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (lock >= 0 && (flock (lock, LOCK_EX) < 0 || fstat (lock, &st) < 0 || st.st_nlink == 0))
    closep (&lock); /* removed already */
  closep (&cfg->network_fd);
  closep (&cfg->network_dir_fd);
  if (lock < 0)
    return;
  /* a live holder removes the folder with its last member; without one (it was killed),
     the last member does */
  probe = connect_sock (dir);
  if (probe < 0)
    (void) network_remove (dfd, dir);
}
