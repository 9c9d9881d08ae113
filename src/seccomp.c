/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp.c: finds a seccomp policy, has sandbox-seccomp compile it (libseccomp and json-c
   stay out of the launcher: loading them cost every start 0.3 ms), caches the program by the
   policy file's identity, and installs it as the command's last step before exec.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "helper.h"
#include "log.h"
#include "seccomp-cache.h"
#include "seccomp.h"
#include "util.h"

/* the kernel's BPF_MAXINSNS */
#define MAX_INSNS 4096

/* ---------------------------------------------------------------- finding a policy */

static bool
valid_policy_name (const char *s)
{
  if (*s == '\0' || *s == '.' || strlen (s) > 200)
    return false;
  for (; *s != '\0'; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
          || *s == '-' || *s == '_' || *s == '.'))
      return false;
  return true;
}

/* NAME.json in the user's folder, /etc, then the shipped policies (sb_profiledir).  */
static int
policy_find (const char *name, char **ret_path, struct sb_error **err)
{
  cleanup_free char *user = user_xdg_dir ("XDG_CONFIG_HOME", ".config");
  const char *data = sb_profiledir ();
  char *paths[3] = { NULL, NULL, NULL };
  int found = -1;

  if (!valid_policy_name (name))
    return sb_error_set (err, 0, "--seccomp '%s': not a policy name or a path", name);
  if ((user != NULL && asprintf (&paths[0], "%s/sandbox/seccomp/%s.json", user, name) < 0)
      || asprintf (&paths[1], "/etc/sandbox/seccomp/%s.json", name) < 0
      || asprintf (&paths[2], "%s/seccomp/%s.json", data, name) < 0)
    oom ();
  for (int i = 0; i < 3 && found < 0; i++)
    if (paths[i] != NULL && access (paths[i], F_OK) == 0)
      found = i;
  for (int i = 0; i < 3; i++)
    if (i != found)
      free (paths[i]);
  if (found >= 0)
    {
      *ret_path = paths[found];
      return 0;
    }
  return sb_error_set (err, 0,
                       "--seccomp '%s': no such policy in ~/.config/sandbox/seccomp, "
                       "/etc/sandbox/seccomp or %s/seccomp",
                       name, data);
}

/* ---------------------------------------------------------------- the cache key
   Everything the program was compiled from: our version, libseccomp's, the architecture,
   the capabilities, the kernel and the policy file.  A hit compares the whole key, so a
   hash collision cannot pick a wrong program (seccomp-cache.c).  COMPILER_REVISION changes
   with what the compiler makes of the same policy (2: no x32 rules).  */

#define COMPILER_REVISION 2

static char *
cache_key (const char *path, const struct stat *st, const struct sb_seccomp_target *t,
           size_t *ret_len)
{
  struct utsname u;
  char *key;
  int n;

  if (uname (&u) < 0)
    strcpy (u.machine, "?");
  /* The policy file by identity, not by content: reading and hashing 20 KB of JSON cost
     more than loading the filter.  A rewrite changes its ctime (and mostly its size and
     mtime): tools that edit in place or by rename both do.  libseccomp's version is the
     one sandbox-seccomp was built with.  */
  n = asprintf (&key,
                "sandbox %s %d\nlibseccomp %u.%u.%u\narch %s\ncaps %llx\nkernel %u.%u\n"
                "policy %s\nfile %llu:%llu %lld %lld.%09ld %lld.%09ld\n",
                PACKAGE_VERSION, COMPILER_REVISION, SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO,
                u.machine, (unsigned long long) t->caps, t->kernel_major, t->kernel_minor, path,
                (unsigned long long) st->st_dev, (unsigned long long) st->st_ino,
                (long long) st->st_size, (long long) st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
                (long long) st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
  if (n < 0)
    oom ();
  *ret_len = (size_t) n;
  return key;
}

/* Opens the policy file without blocking and checks it before anything reads it: a FIFO
   would block the compiler for ever, /dev/zero would fill its memory.  */
static int
policy_open (const char *path, struct stat *ret_st, struct sb_error **err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return sb_error_set (err, errno, "--seccomp '%s'", path);
  if (fstat (fd, ret_st) < 0)
    return sb_error_set (err, errno, "--seccomp '%s'", path);
  if (!S_ISREG (ret_st->st_mode))
    return sb_error_set (err, 0, "--seccomp '%s': not a regular file", path);
  if (ret_st->st_size > SB_SECCOMP_MAX_POLICY)
    return sb_error_set (err, 0, "--seccomp '%s': larger than %d KiB, the most a policy may be",
                         path, SB_SECCOMP_MAX_POLICY / 1024);
  return steal_fd (&fd);
}

/* ---------------------------------------------------------------- the launcher's step */

static void
kernel_version (struct sb_seccomp_target *t)
{
  struct utsname u;

  if (uname (&u) == 0 && sscanf (u.release, "%u.%u", &t->kernel_major, &t->kernel_minor) == 2)
    return;
  t->kernel_major = t->kernel_minor = 0;
}

/* sandbox-seccomp PATH CAPS KMAJOR KMINOR [-v] compiles the policy FD (its standard
   input; PATH names it); its standard output is one record (seccomp.h), its standard error
   our own (debug lines).  */
static int
compile (int fd, const char *path, const struct sb_seccomp_target *t, struct sb_seccomp_bpf *ret,
         unsigned *ret_skipped, struct sb_error **err)
{
  cleanup_free char *helper = sb_helper_path ("sandbox-seccomp");
  cleanup_free char *buf = NULL;
  char caps[32], kmaj[16], kmin[16];
  char *argv[] = { helper, (char *) path, caps,
                   kmaj,   kmin,          log_level >= LOG_LEVEL_DEBUG ? (char *) "-v" : NULL,
                   NULL };
  struct helper_spec spec
      = { .name = "sandbox-seccomp", .argv = argv, .stdin_fd = fd, .stderr_fd = HELPER_FD_INHERIT };
  struct helper h = HELPER_INIT;
  struct sb_seccomp_record rec;
  size_t size = 0, cap = 0;
  int p[2], status;

  snprintf (caps, sizeof caps, "%llx", (unsigned long long) t->caps);
  snprintf (kmaj, sizeof kmaj, "%u", t->kernel_major);
  snprintf (kmin, sizeof kmin, "%u", t->kernel_minor);
  if (pipe2 (p, O_CLOEXEC) < 0)
    return sb_error_set (err, errno, "pipe");
  spec.stdout_fd = p[1];
  if (helper_start (&spec, &h, err) < 0)
    {
      (void) close (p[0]);
      (void) close (p[1]);
      return -1;
    }
  (void) close (p[1]);
  for (;;)
    {
      ssize_t n;

      if (size == cap)
        buf = xreallocarray (buf, cap = cap ? 2 * cap : 16384, 1);
      n = TEMP_FAILURE_RETRY (read (p[0], buf + size, cap - size));
      if (n <= 0)
        break;
      size += (size_t) n;
    }
  (void) close (p[0]);
  if (helper_wait (&h, &status, err) < 0)
    return -1;
  if (size < sizeof rec)
    return sb_error_set (err, 0, "'%s' failed (wait status %d)", helper, status);
  memcpy (&rec, buf, sizeof rec);
  if (rec.len != size - sizeof rec || rec.len > MAX_INSNS * sizeof (struct sock_filter))
    return sb_error_set (err, 0, "'%s': a damaged answer", helper);
  if (memcmp (rec.magic, SB_SECCOMP_ERROR_MAGIC, sizeof rec.magic) == 0)
    return sb_error_set (err, (int) rec.value, "%.*s", (int) rec.len, buf + sizeof rec);
  if (memcmp (rec.magic, SB_SECCOMP_BPF_MAGIC, sizeof rec.magic) != 0 || rec.len == 0
      || rec.len % sizeof (struct sock_filter) != 0 || !WIFEXITED (status)
      || WEXITSTATUS (status) != 0)
    return sb_error_set (err, 0, "'%s': a damaged answer", helper);
  ret->insns = xcalloc (1, rec.len);
  memcpy (ret->insns, buf + sizeof rec, rec.len);
  ret->len = rec.len;
  *ret_skipped = rec.value;
  return 0;
}

int
sb_seccomp_prepare (struct config *cfg, struct sb_error **err)
{
  const char *want = cfg->seccomp != NULL ? cfg->seccomp : "default";
  cleanup_free char *path = NULL, *key = NULL;
  cleanup_close int fd = -1, cache = -1;
  struct sb_seccomp_target t = { .caps = cfg->caps };
  struct stat st;
  size_t key_len;
  unsigned skipped = 0;

  if (strcmp (want, "unconfined") == 0)
    return 0;
  log_debug ("seccomp policy '%s': looking for it", want);
  if (strchr (want, '/') != NULL
      || (strlen (want) > 5 && strcmp (want + strlen (want) - 5, ".json") == 0))
    path = xstrdup (want);
  else if (policy_find (want, &path, err) < 0)
    return -1;
  fd = policy_open (path, &st, err);
  if (fd < 0)
    return -1;
  kernel_version (&t);

  key = cache_key (path, &st, &t, &key_len);
  cache = seccomp_cache_open ();
  if (cache >= 0 && seccomp_cache_read (cache, key, key_len, &cfg->seccomp_bpf) == 0)
    {
      log_debug ("seccomp policy '%s' from the cache", path);
      return 0;
    }
  if (compile (fd, path, &t, &cfg->seccomp_bpf, &skipped, err) < 0)
    return -1;
  log_debug ("seccomp policy '%s' compiled: %zu instructions, %u unknown names skipped", path,
             cfg->seccomp_bpf.len / sizeof (struct sock_filter), skipped);
  if (cache >= 0)
    seccomp_cache_write (cache, key, key_len, &cfg->seccomp_bpf);
  return 0;
}

void
sb_seccomp_bpf_free (struct sb_seccomp_bpf *bpf)
{
  free (bpf->insns);
  bpf->insns = NULL;
  bpf->len = 0;
}

int
sb_seccomp_install (const struct config *cfg, struct sb_error **err)
{
  struct sock_fprog prog;

  if (cfg->seccomp_bpf.insns == NULL)
    return 0; /* unconfined */
  prog.len = (unsigned short) (cfg->seccomp_bpf.len / sizeof (struct sock_filter));
  prog.filter = cfg->seccomp_bpf.insns;
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
    return sb_error_set (err, errno, "--seccomp '%s': load the filter",
                         cfg->seccomp != NULL ? cfg->seccomp : "default");
  return 0;
}
