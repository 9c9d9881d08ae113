/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp-cache.c: compiled seccomp programs, kept where no sandbox can write.

   A cached program is trusted as it is: a sandbox that could replace one (issue 12 class 5:
   ~/.cache was writable through --bind ~/.cache) would widen every later sandbox, -p
   untrusted included.  So the cache lives in a folder that no sandbox is ever given: in
   $XDG_RUNTIME_DIR/sandbox-seccomp, where every sandbox has a /run of its own (a fresh
   tmpfs) and read-write binds of /run and below are refused; without XDG_RUNTIME_DIR, in
   /tmp/sandbox-seccomp-UID, where every sandbox has a /tmp of its own.  A keyed MAC was the
   other way; its key would need the same kind of place, and a check on every start.

   The folder is ours or not used: mode 0700, owned by us, not a symlink (others can write
   /tmp and make the name first).  A file is written whole under no name (O_TMPFILE) and
   linked in at the end, so a kill at any moment leaves no part of one.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "seccomp-cache.h"
#include "seccomp.h"
#include "util.h"

/* the kernel's BPF_MAXINSNS */
#define MAX_INSNS 4096
/* more entries than this (policies edited many times over): the folder starts again */
#define MAX_ENTRIES 64

#define CACHE_MAGIC "SBSCMP01"

struct cache_header
{
  char magic[8];
  uint32_t key_len;
  uint32_t bpf_len;
  uint64_t bpf_sum;
};

static uint64_t
fnv1a (const void *p, size_t len, uint64_t h)
{
  const unsigned char *b = p;

  for (size_t i = 0; i < len; i++)
    h = (h ^ b[i]) * UINT64_C (0x100000001b3);
  return h;
}
#define FNV_INIT UINT64_C (0xcbf29ce484222325)

static bool
private_dir (const struct stat *st)
{
  return S_ISDIR (st->st_mode) && st->st_uid == geteuid () && (st->st_mode & 07777) == 0700;
}

int
seccomp_cache_open_in (const char *parent, const char *name, bool *ret_made)
{
  cleanup_close int pfd = -1, fd = -1;
  struct stat st;
  bool made = false;

  pfd = open (parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (pfd < 0)
    return -1;
  /* O_NOFOLLOW: in /tmp, anyone may have made the name first */
  fd = openat (pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    {
      if (mkdirat (pfd, name, 0700) == 0)
        made = true;
      else if (errno != EEXIST)
        return -1;
      fd = openat (pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
  if (fd < 0)
    {
      log_debug ("seccomp cache '%s/%s': %s; no cache", parent, name, strerror (errno));
      return -1;
    }
  /* a umask may have taken bits of our own */
  if (made)
    (void) fchmod (fd, 0700);
  if (fstat (fd, &st) < 0 || !private_dir (&st))
    {
      log_debug ("seccomp cache '%s/%s': not a private folder of ours; no cache", parent, name);
      return -1;
    }
  if (ret_made != NULL)
    *ret_made = made;
  return steal_fd (&fd);
}

/* Older versions kept the cache in ~/.cache/sandbox, where a sandbox may write: what is
   ours there is removed (files only, by name, never through a symlink), and so are
   half-written files their kills left.  Run when our folder is new, so not on every start. */
static void
sweep_old_cache (void)
{
  const char *x = getenv ("XDG_CACHE_HOME"), *h = getenv ("HOME");
  cleanup_free char *dir = NULL;
  cleanup_close int pfd = -1;
  int fd;
  DIR *d;
  struct dirent *e;

  if (x != NULL && x[0] == '/')
    dir = xstrdup (x);
  else if (h != NULL && h[0] == '/' && asprintf (&dir, "%s/.cache", h) < 0)
    oom ();
  if (dir == NULL)
    return;
  pfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (pfd < 0)
    return;
  fd = openat (pfd, "sandbox", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        (void) close (fd);
      return;
    }
  while ((e = readdir (d)) != NULL)
    {
      size_t len = strlen (e->d_name);

      if ((strncmp (e->d_name, "seccomp-", 8) == 0 && len > 12
           && strcmp (e->d_name + len - 4, ".bpf") == 0)
          || strncmp (e->d_name, ".seccomp-", 9) == 0)
        (void) unlinkat (dirfd (d), e->d_name, 0);
    }
  closedir (d);
  /* only when nothing else is in it */
  (void) unlinkat (pfd, "sandbox", AT_REMOVEDIR);
  log_debug ("seccomp cache: the old one in '%s/sandbox' removed", dir);
}

int
seccomp_cache_open (void)
{
  const char *run = getenv ("XDG_RUNTIME_DIR");
  char name[64];
  bool made = false;
  int fd = -1;

  if (run != NULL && run[0] == '/')
    {
      struct stat st;

      /* the runtime folder of the XDG spec: ours, 0700; else it is not the place */
      if (stat (run, &st) == 0 && S_ISDIR (st.st_mode) && st.st_uid == geteuid ()
          && (st.st_mode & 0077) == 0)
        fd = seccomp_cache_open_in (run, "sandbox-seccomp", &made);
      else
        log_debug ("seccomp cache: XDG_RUNTIME_DIR '%s' is not a private folder of ours", run);
    }
  if (fd < 0)
    {
      snprintf (name, sizeof name, "sandbox-seccomp-%u", (unsigned) geteuid ());
      fd = seccomp_cache_open_in ("/tmp", name, &made);
    }
  if (made)
    sweep_old_cache ();
  return fd;
}

static void
entry_name (const char *key, size_t key_len, char ret[static 48])
{
  snprintf (ret, 48, "seccomp-%016llx.bpf", (unsigned long long) fnv1a (key, key_len, FNV_INIT));
}

int
seccomp_cache_read (int dirfd, const char *key, size_t key_len, struct sb_seccomp_bpf *ret)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  struct cache_header h;
  struct stat st;
  char name[48];
  size_t want;

  entry_name (key, key_len, name);
  fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid ())
    return -1;
  if ((size_t) st.st_size < sizeof h || (size_t) st.st_size > sizeof h + key_len + 8 * MAX_INSNS)
    goto corrupt;
  buf = xcalloc (1, (size_t) st.st_size);
  if (TEMP_FAILURE_RETRY (pread (fd, buf, (size_t) st.st_size, 0)) != st.st_size)
    goto corrupt;
  memcpy (&h, buf, sizeof h);
  want = sizeof h + (size_t) h.key_len + (size_t) h.bpf_len;
  if (memcmp (h.magic, CACHE_MAGIC, sizeof h.magic) != 0 || want != (size_t) st.st_size
      || h.key_len != key_len || h.bpf_len == 0 || h.bpf_len % sizeof (struct sock_filter) != 0
      || h.bpf_len > MAX_INSNS * sizeof (struct sock_filter))
    goto corrupt;
  if (memcmp (buf + sizeof h, key, key_len) != 0)
    return -1; /* another policy with the same hash: compile */
  if (fnv1a (buf + sizeof h + key_len, h.bpf_len, FNV_INIT) != h.bpf_sum)
    goto corrupt;
  ret->insns = xcalloc (1, h.bpf_len);
  memcpy (ret->insns, buf + sizeof h + key_len, h.bpf_len);
  ret->len = h.bpf_len;
  return 0;

corrupt:
  log_debug ("seccomp cache '%s' is damaged; compiling again", name);
  return -1;
}

/* Too many entries: every one goes, but NAME (about to be written).  */
static void
trim (int dirfd, const char *name)
{
  int fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct dirent *e;
  size_t n = 0;
  DIR *d;

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        (void) close (fd);
      return;
    }
  while ((e = readdir (d)) != NULL)
    n += e->d_name[0] != '.';
  if (n > MAX_ENTRIES)
    {
      rewinddir (d);
      while ((e = readdir (d)) != NULL)
        if (e->d_name[0] != '.' && strcmp (e->d_name, name) != 0)
          (void) unlinkat (dirfd, e->d_name, 0);
    }
  closedir (d);
}

/* Links the unnamed file FD in as NAME, replacing an older NAME.  */
static int
link_in (int fd, int dirfd, const char *name)
{
  char proc[64];

  /* linkat with AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; through /proc it does not */
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
  if (linkat (AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) == 0)
    return 0;
  if (errno != EEXIST)
    return -1;
  /* a damaged or older file by that name: readers miss for a moment, and compile */
  if (unlinkat (dirfd, name, 0) < 0 && errno != ENOENT)
    return -1;
  return linkat (AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW);
}

void
seccomp_cache_write (int dirfd, const char *key, size_t key_len, const struct sb_seccomp_bpf *bpf)
{
  struct cache_header h = { .key_len = (uint32_t) key_len, .bpf_len = (uint32_t) bpf->len };
  cleanup_close int fd = -1;
  char name[48];

  memcpy (h.magic, CACHE_MAGIC, sizeof h.magic);
  h.bpf_sum = fnv1a (bpf->insns, bpf->len, FNV_INIT);
  entry_name (key, key_len, name);
  trim (dirfd, name);
  /* no name until it is whole: a kill at any moment leaves nothing behind */
  fd = openat (dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      log_debug ("seccomp cache: O_TMPFILE: %s; not cached", strerror (errno));
      return;
    }
  if (write_all (fd, &h, sizeof h) < 0 || write_all (fd, key, key_len) < 0
      || write_all (fd, bpf->insns, bpf->len) < 0 || link_in (fd, dirfd, name) < 0)
    log_debug ("seccomp cache: write '%s': %s", name, strerror (errno));
}
