/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.c: helpers shared by two modules or more. */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

void
freep (void *p)
{
  free (*(void **) p);
}

void
closep (int *fd)
{
  int saved = errno;

  /* never retried: on Linux the fd is gone even after EINTR */
  if (*fd >= 0)
    (void) close (*fd);
  *fd = -1;
  errno = saved;
}

void
strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **p = v; *p != NULL; p++)
    free (*p);
  free (v);
}

void
strv_freep (char ***v)
{
  strv_free (*v);
  *v = NULL;
}

_Noreturn void
oom (void)
{
  static const char msg[] = "sandbox: out of memory\n";

  (void) !write (STDERR_FILENO, msg, sizeof msg - 1);
  _exit (125);
}

char *
xstrdup (const char *s)
{
  char *r;

  if (s == NULL)
    return NULL;
  r = strdup (s);
  if (r == NULL)
    oom ();
  return r;
}

void *
xcalloc (size_t n, size_t size)
{
  void *r = calloc (n ? n : 1, size ? size : 1);

  if (r == NULL)
    oom ();
  return r;
}

void *
xreallocarray (void *p, size_t n, size_t size)
{
  void *r = reallocarray (p, n ? n : 1, size ? size : 1);

  if (r == NULL)
    oom ();
  return r;
}

size_t
strv_len (char *const *v)
{
  size_t n = 0;

  while (v != NULL && v[n] != NULL)
    n++;
  return n;
}

bool
strv_has (char *const *v, const char *s)
{
  for (; v != NULL && *v != NULL; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

bool
strs_has (const char *const *v, size_t n, const char *s)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (v[i], s) == 0)
      return true;
  return false;
}

void
strv_push (char ***v, char *s)
{
  size_t n = strv_len (*v);

  *v = xreallocarray (*v, n + 2, sizeof **v);
  (*v)[n] = s;
  (*v)[n + 1] = NULL;
}

ssize_t
send_with_fd (int sock, const void *buf, size_t len, int fd)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { (void *) buf, len };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

  if (fd >= 0)
    {
      struct cmsghdr *c;

      memset (&u, 0, sizeof u);
      mh.msg_control = u.buf;
      mh.msg_controllen = sizeof u.buf;
      c = CMSG_FIRSTHDR (&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &fd, sizeof (int));
    }
  return TEMP_FAILURE_RETRY (sendmsg (sock, &mh, MSG_NOSIGNAL));
}

ssize_t
recv_with_fd (int sock, void *buf, size_t len, int flags, int *ret_fd)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { buf, len };
  struct msghdr mh
      = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  ssize_t n = TEMP_FAILURE_RETRY (recvmsg (sock, &mh, MSG_CMSG_CLOEXEC | flags));

  *ret_fd = -1;
  if (n >= 0)
    for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS
          && c->cmsg_len == CMSG_LEN (sizeof (int)))
        memcpy (ret_fd, CMSG_DATA (c), sizeof (int));
  /* an fd on an empty message: every caller takes 0 for the peer's end, and would leak it */
  if (n == 0 && *ret_fd >= 0)
    {
      (void) close (*ret_fd);
      *ret_fd = -1;
    }
  return n;
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = TEMP_FAILURE_RETRY (write (fd, p, len));
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

int
write_file_at (int dirfd, const char *path, const char *s)
{
  int fd, r, saved;

  fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return -1;
  r = write_all (fd, s, strlen (s));
  saved = errno;
  if (close (fd) < 0 && r == 0)
    return -1;
  errno = saved;
  return r;
}

char *
read_file_at (int dirfd, const char *path, size_t *ret_len)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return NULL;
  return read_fd (fd, ret_len);
}

char *
read_fd (int fd, size_t *ret_len)
{
  cleanup_free char *buf = NULL;
  size_t len = 0, size = 0;

  for (;;)
    {
      ssize_t n;

      if (size - len < 4096)
        {
          size = size ? size * 2 : 8192;
          buf = xreallocarray (buf, size, 1);
        }
      n = TEMP_FAILURE_RETRY (read (fd, buf + len, size - len - 1));
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      len += (size_t) n;
    }
  buf[len] = '\0';
  if (ret_len != NULL)
    *ret_len = len;
  return steal_ptr (&buf);
}

char *
read_regular_fd (int fd, size_t max, size_t *ret_len, struct stat *ret_st)
{
  cleanup_free char *buf = NULL;
  struct stat st;
  size_t len = 0, cap;

  if (fstat (fd, &st) < 0)
    return NULL;
  if (!S_ISREG (st.st_mode))
    {
      errno = EINVAL;
      return NULL;
    }
  if (st.st_size < 0 || (uint64_t) st.st_size > max)
    {
      errno = EFBIG;
      return NULL;
    }
  /* room for one byte more than fstat said: a file that grows meanwhile is seen, and
     refused once it is larger than MAX */
  cap = (size_t) st.st_size + 1;
  buf = xcalloc (cap + 1, 1);
  for (;;)
    {
      ssize_t n;

      if (len == cap)
        {
          if (len > max)
            {
              errno = EFBIG;
              return NULL;
            }
          cap = cap > max / 2 ? max + 1 : 2 * cap;
          buf = xreallocarray (buf, cap + 1, 1);
        }
      n = TEMP_FAILURE_RETRY (pread (fd, buf + len, cap - len, (off_t) len));
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      len += (size_t) n;
    }
  if (len > max)
    {
      errno = EFBIG;
      return NULL;
    }
  buf[len] = '\0';
  st.st_size = (off_t) len;
  if (ret_len != NULL)
    *ret_len = len;
  if (ret_st != NULL)
    *ret_st = st;
  return steal_ptr (&buf);
}

char *
read_regular_file_at (int dirfd, const char *path, size_t max, size_t *ret_len, struct stat *ret_st)
{
  /* O_NONBLOCK: opening a FIFO returns at once; fstat then refuses it */
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return NULL;
  return read_regular_fd (fd, max, ret_len, ret_st);
}

/* Closes (or marks close-on-exec) the open fds from LO to HI.  */
static int
fds_close_range (unsigned lo, unsigned hi, bool cloexec)
{
  DIR *d;
  struct dirent *de;

#ifdef __NR_close_range
  if (syscall (__NR_close_range, lo, hi, cloexec ? CLOSE_RANGE_CLOEXEC : 0) == 0)
    return 0;
  /* ENOSYS before Linux 5.9, EINVAL for CLOSE_RANGE_CLOEXEC before 5.11 */
  if (errno != ENOSYS && errno != EINVAL)
    return -1;
#endif
  d = opendir ("/proc/self/fd");
  if (d == NULL)
    return -1;
  while ((de = readdir (d)) != NULL)
    {
      char *end;
      unsigned long fd = strtoul (de->d_name, &end, 10);

      if (*end != '\0' || de->d_name[0] == '.' || fd < lo || fd > hi || (int) fd == dirfd (d))
        continue;
      if (cloexec)
        (void) fcntl ((int) fd, F_SETFD, FD_CLOEXEC);
      else
        (void) close ((int) fd);
    }
  closedir (d);
  return 0;
}

int
fds_close_except (const int *keep, size_t n, bool cloexec)
{
  unsigned lo = 3;

  for (size_t i = 0; i <= n; i++)
    {
      unsigned hi = i < n ? (unsigned) keep[i] : ~0U;

      if (i < n && (keep[i] < 0 || (unsigned) keep[i] < lo))
        continue; /* 0-2, or a repeat */
      if (i < n)
        hi--;
      if (hi >= lo && fds_close_range (lo, hi, cloexec) < 0)
        return -1;
      if (i < n)
        lo = (unsigned) keep[i] + 1;
    }
  return 0;
}

int
parse_id (const char *s, unsigned *ret)
{
  unsigned long long v = 0;

  if (s == NULL || *s == '\0' || strlen (s) > 10)
    return -1;
  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '9')
        return -1;
      v = v * 10 + (unsigned) (*p - '0');
    }
  /* (uid_t) -1 means "unchanged" to setresuid: never a valid id */
  if (v >= UINT32_MAX)
    return -1;
  *ret = (unsigned) v;
  return 0;
}

static bool
same_dir (const char *a, const char *b)
{
  struct stat sa, sb;

  return stat (a, &sa) == 0 && stat (b, &sb) == 0 && S_ISDIR (sa.st_mode) && sa.st_dev == sb.st_dev
         && sa.st_ino == sb.st_ino;
}

const char *
sb_profiledir_choose (const char *exe_dir, const char *build_dir, const char *installed,
                      const char *tree)
{
  /* compared by identity: the build folder's path may hold a symlink, /proc's never does */
  if (exe_dir != NULL && same_dir (exe_dir, build_dir))
    return tree;
  if (access (installed, F_OK) == 0)
    return installed;
  return tree;
}

const char *
sb_profiledir (void)
{
  const char *d = getenv ("SANDBOX_DATADIR");
  char self[PATH_MAX], *slash = NULL;
  ssize_t n;

  if (d != NULL && d[0] == '/')
    return d;
  n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n > 0)
    {
      self[n] = '\0';
      slash = strrchr (self, '/');
      if (slash != NULL)
        *slash = '\0';
    }
  return sb_profiledir_choose (slash != NULL ? self : NULL, SB_BUILD_SRCDIR, SB_PROFILEDIR,
                               SB_SRC_PROFILEDIR);
}

char *
path_find (const char *name)
{
  const char *path = getenv ("PATH");
  cleanup_free char *copy = xstrdup (path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
  char *save = NULL;

  for (char *d = strtok_r (copy, ":", &save); d; d = strtok_r (NULL, ":", &save))
    {
      char *p;

      if (d[0] != '/')
        continue;
      if (asprintf (&p, "%s/%s", d, name) < 0)
        oom ();
      if (access (p, X_OK) == 0)
        return p;
      free (p);
    }
  return NULL;
}

pid_t
spawn_shared (int (*fn) (void *), void *arg)
{
#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer cannot follow a child running on a stack of our own in our memory: it
     warns at the child's _exit.  Sanitizer builds fork, and wait as vfork does until the
     child has called execve or exited (its end of a close-on-exec pipe closes): callers
     rely on that order.  */
  pid_t child;
  int p[2];
  char c;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  child = fork ();
  if (child == 0)
    {
      (void) close (p[0]);
      _exit (fn (arg));
    }
  (void) close (p[1]);
  if (child > 0)
    (void) TEMP_FAILURE_RETRY (read (p[0], &c, 1));
  (void) close (p[0]);
  return child;
#else
  const size_t size = 256 * 1024;
  void *stack
      = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  pid_t pid;
  int e;

  if (stack == MAP_FAILED)
    return -1;
  pid = clone (fn, (char *) stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
  e = errno;
  (void) munmap (stack, size);
  errno = e;
  return pid;
#endif
}

char *
sb_helper_path (const char *name)
{
  char self[PATH_MAX], *slash, *path;
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);

  if (n > 0)
    {
      self[n] = '\0';
      slash = strrchr (self, '/');
      if (slash != NULL)
        {
          *slash = '\0';
          if (asprintf (&path, "%s/%s", self, name) < 0)
            oom ();
          if (access (path, X_OK) == 0)
            return path;
          free (path);
        }
    }
  if (asprintf (&path, "%s/%s", PKGLIBEXECDIR, name) < 0)
    oom ();
  return path;
}

void
sb_signals_default (void)
{
  struct sigaction sa = { .sa_handler = SIG_DFL };
  sigset_t none;

  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      (void) sigaction (s, &sa, NULL); /* libc's own signals answer EINVAL: fine */
  sigemptyset (&none);
  (void) sigprocmask (SIG_SETMASK, &none, NULL);
}

void
sb_caps_keep_across_exec (void)
{
  struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct d[2];

  if (syscall (SYS_capget, &h, d) != 0)
    return;
  /* ambient needs each capability inheritable too */
  d[0].inheritable = d[0].permitted;
  d[1].inheritable = d[1].permitted;
  if (syscall (SYS_capset, &h, d) != 0)
    return;
  for (unsigned long c = 0; c < 64; c++)
    if (d[c / 32].permitted & (1u << (c % 32)))
      (void) syscall (SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0UL, 0UL);
}

char *
fuse_mount_opts (int fd, const char *extra)
{
  char *opts;

  if (asprintf (&opts, "fd=%d,rootmode=40000,user_id=%u,group_id=%u,allow_other%s", fd,
                (unsigned) geteuid (), (unsigned) getegid (), extra)
      < 0)
    oom ();
  return opts;
}

/* IN's parts, clean: "/a/b", or "/" when none is left; NULL when a ".." climbs above the
   top and BENEATH.  IN is changed.  */
static char *
clean_parts (char *in, bool beneath)
{
  char *out = xcalloc (strlen (in) + 2, 1), *save = NULL;
  size_t len = 0;

  for (char *c = strtok_r (in, "/", &save); c != NULL; c = strtok_r (NULL, "/", &save))
    {
      if (strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        {
          if (len == 0 && beneath)
            {
              free (out);
              return NULL;
            }
          while (len > 0 && out[len - 1] != '/')
            len--;
          if (len > 0)
            len--;
          out[len] = '\0';
          continue;
        }
      out[len++] = '/';
      strcpy (out + len, c);
      len += strlen (c);
    }
  if (len == 0)
    strcpy (out, "/");
  return out;
}

char *
path_clean (const char *cwd, const char *path)
{
  cleanup_free char *in = NULL;

  if (asprintf (&in, "%s/%s", path[0] == '/' || cwd == NULL ? "" : cwd, path) < 0)
    oom ();
  return clean_parts (in, false);
}

char *
path_clean_beneath (const char *dir, const char *rel)
{
  cleanup_free char *in = NULL;
  char *out;

  if (asprintf (&in, "%s/%s", dir, rel) < 0)
    oom ();
  out = clean_parts (in, true);
  if (out != NULL)
    memmove (out, out + 1, strlen (out)); /* "/a/b" -> "a/b", "/" -> "" */
  return out;
}

char *
user_home_dir (void)
{
  const char *h = getenv ("HOME");
  struct passwd *pw;

  /* clean: "$HOME/" or "$HOME/." still makes ${HOME}/.ssh a valid path inside */
  if (h != NULL && h[0] == '/')
    return path_clean (NULL, h);
  pw = getpwuid (getuid ());
  return pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/' ? path_clean (NULL, pw->pw_dir)
                                                                  : NULL;
}

const char *
user_runtime_dir (void)
{
  const char *v = getenv ("XDG_RUNTIME_DIR");

  return v != NULL && v[0] == '/' ? v : NULL;
}

char *
user_xdg_dir (const char *var, const char *below_home)
{
  const char *v = getenv (var);
  cleanup_free char *home = NULL;
  char *r;

  if (v != NULL && v[0] == '/')
    return xstrdup (v);
  home = user_home_dir ();
  if (home == NULL)
    return NULL;
  if (asprintf (&r, "%s/%s", home, below_home) < 0)
    oom ();
  return r;
}
