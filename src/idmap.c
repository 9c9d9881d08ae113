/* SPDX-License-Identifier: GPL-2.0-or-later */
/* idmap.c: the id maps.  A one-id map (the caller's own uid and gid, written directly, as
   bwrap and Flatpak make it) unless something inside can use other ids; then the
   subuid/subgid ranges too, through newuidmap/newgidmap (two setuid execs: most of a
   start's cost on machines where execs do not run in parallel).  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "idmap.h"
#include "log.h"
#include "util.h"

extern char **environ;

#define MAX_MAP_LINES 340 /* the kernel's limit since 4.15 */

size_t
idmap_parse_subid (const char *text, const char *name, unsigned uid, struct idmap_range **ret)
{
  struct idmap_range *v = NULL;
  size_t n = 0;
  char uidstr[16];

  snprintf (uidstr, sizeof uidstr, "%u", uid);
  for (const char *line = text; line != NULL && *line != '\0';)
    {
      const char *end = strchrnul (line, '\n');
      char owner[256];
      unsigned long long start, count;
      int used = 0;

      /* "owner:start:count"; anything else (comments, junk) is skipped, as shadow does */
      if (end - line < (long) sizeof owner
          && sscanf (line, "%255[^:\n]:%llu:%llu%n", owner, &start, &count, &used) == 3
          && line + used == end && count > 0 && start < UINT32_MAX && count < UINT32_MAX
          && start + count <= UINT32_MAX
          && ((name != NULL && strcmp (owner, name) == 0) || strcmp (owner, uidstr) == 0))
        {
          v = xreallocarray (v, n + 1, sizeof *v);
          v[n].start = (unsigned) start;
          v[n].count = (unsigned) count;
          n++;
        }
      line = *end ? end + 1 : end;
    }
  *ret = v;
  return n;
}

char *
idmap_build (unsigned inside, unsigned outside, const struct idmap_range *ranges, size_t n)
{
  char *text = NULL;
  size_t size = 0, lines = 1;
  FILE *f = open_memstream (&text, &size);
  uint64_t next = 0; /* next free id inside */

  if (f == NULL)
    oom ();
  for (size_t i = 0; i < n; i++)
    {
      uint64_t start = ranges[i].start, count = ranges[i].count;

      while (count > 0 && lines < MAX_MAP_LINES)
        {
          uint64_t len = count;

          if (next == inside)
            next++;
          if (next < inside && len > inside - next)
            len = inside - next;
          if (next + len > UINT32_MAX - 1) /* id 4294967295 is never mapped */
            len = UINT32_MAX - 1 - next;
          if (len == 0)
            break;
          fprintf (f, "%llu %llu %llu\n", (unsigned long long) next, (unsigned long long) start,
                   (unsigned long long) len);
          lines++;
          next += len;
          start += len;
          count -= len;
        }
    }
  fprintf (f, "%u %u 1\n", inside, outside);
  if (fclose (f) != 0)
    oom ();
  return text;
}

/* The caller's user name, for the subordinate id files; NULL when the password database
   has none.  Asked (NSS: nscd's socket, nsswitch.conf, /etc/passwd) only where the ranges
   are read: a start with one id does not pay for it.  */
static char *
caller_name (const struct config *cfg)
{
  struct passwd *pw = getpwuid (cfg->caller_uid);

  return pw != NULL ? xstrdup (pw->pw_name) : NULL;
}

static size_t
read_ranges (const char *file, const char *name, const struct config *cfg, struct idmap_range **ret)
{
  cleanup_free char *text = read_file_at (AT_FDCWD, file, NULL);

  *ret = NULL;
  if (text == NULL)
    return 0;
  return idmap_parse_subid (text, name, (unsigned) cfg->caller_uid, ret);
}

/* Capabilities that change ids or act on files by their owner: with any of them the
   command can make or use files of other ids, which only the ranges can map.  */
static const struct
{
  int cap;
  const char *name;
} id_caps[] = {
  { CAP_CHOWN, "CAP_CHOWN" },
  { CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE" },
  { CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH" },
  { CAP_FOWNER, "CAP_FOWNER" },
  { CAP_FSETID, "CAP_FSETID" },
  { CAP_SETGID, "CAP_SETGID" },
  { CAP_SETUID, "CAP_SETUID" },
  { CAP_SETFCAP, "CAP_SETFCAP" },
};

static bool
in_ranges (unsigned id, const struct idmap_range *r, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (id >= r[i].start && id - r[i].start < r[i].count)
      return true;
  return false;
}

/* Whether DIR or an entry of its top level belongs to one of the caller's subordinate ids
   (an image unpacked by podman or by us, a tree made in a user namespace): under a one-id
   map those files would all show as nobody.  */
static bool
tree_has_subids (const char *dir, const struct config *cfg)
{
  cleanup_free struct idmap_range *ur = NULL;
  cleanup_free struct idmap_range *gr = NULL;
  cleanup_free char *name = caller_name (cfg);
  size_t nu = read_ranges (getenv ("SANDBOX_SUBUID") ?: "/etc/subuid", name, cfg, &ur);
  size_t ng = read_ranges (getenv ("SANDBOX_SUBGID") ?: "/etc/subgid", name, cfg, &gr);
  struct stat st;
  bool found = false;
  DIR *d;

  if (nu == 0 && ng == 0)
    return false;
  if (stat (dir, &st) == 0 && (in_ranges (st.st_uid, ur, nu) || in_ranges (st.st_gid, gr, ng)))
    return true;
  d = opendir (dir);
  if (d == NULL)
    return false;
  for (struct dirent *e; !found && (e = readdir (d)) != NULL;)
    found = e->d_name[0] != '.' && fstatat (dirfd (d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
            && (in_ranges (st.st_uid, ur, nu) || in_ranges (st.st_gid, gr, ng));
  closedir (d);
  return found;
}

const char *
idmap_why_ranges (const struct config *cfg, char *buf, size_t len)
{
  unsigned uid = cfg->uid_set ? cfg->uid : (unsigned) cfg->caller_uid;
  unsigned gid = cfg->gid_set ? cfg->gid : (unsigned) cfg->caller_gid;

  if (cfg->subids == SUBIDS_NO)
    return NULL;
  if (cfg->subids == SUBIDS_YES)
    return "--subids";
  if (cfg->map_root)
    return "an image's files belong to the ids it was unpacked with";
  if (uid != (unsigned) cfg->caller_uid)
    return "--uid is not yours";
  if (gid != (unsigned) cfg->caller_gid)
    return "--gid is not yours";
  for (size_t i = 0; i < sizeof id_caps / sizeof *id_caps; i++)
    if (cfg->cap_add_all || (cfg->cap_add & (UINT64_C (1) << id_caps[i].cap)))
      {
        snprintf (buf, len, "--cap-add %s changes or uses ids", id_caps[i].name);
        return buf;
      }
  /* its parent sets its group to 0 in the sandbox's namespace (setegid), unmapped here */
  if (cfg->net == NET_SLIRP)
    return "slirp4netns makes itself group 0 inside";
  /* it gives a folder it copies up its lower owner, nobody for root's, unmapped here */
  if (cfg->overlay == OVERLAY_FUSE)
    return "fuse-overlayfs copies folders up with their owner, which only the ranges map";
  if (cfg->rootfs != NULL && tree_has_subids (cfg->rootfs, cfg))
    {
      snprintf (buf, len, "--rootfs '%.100s' has files of your subordinate ids", cfg->rootfs);
      return buf;
    }
  for (char **l = cfg->layers; l != NULL && *l != NULL; l++)
    if (tree_has_subids (*l, cfg))
      {
        snprintf (buf, len, "--layer '%.100s' has files of your subordinate ids", *l);
        return buf;
      }
  return NULL;
}

/* Maps given whole (cfg->uid_map): written directly by root of our namespace, else through
   newuidmap and newgidmap, which check them against /etc/subuid and /etc/subgid.  */
static int
plan_explicit (const struct config *cfg, struct idmap *m, struct sb_error **err)
{
  m->uid_map = xstrdup (cfg->uid_map);
  m->gid_map = xstrdup (cfg->gid_map);
  if (geteuid () == 0)
    return 0;
  m->newuidmap = path_find ("newuidmap");
  m->newgidmap = path_find ("newgidmap");
  m->helpers = m->newuidmap != NULL && m->newgidmap != NULL;
  if (!m->helpers)
    return sb_error_set (err, 0, "%s not found (install the uidmap package): the id maps need it",
                         m->newuidmap == NULL ? "newuidmap" : "newgidmap");
  return 0;
}

int
idmap_plan (const struct config *cfg, struct idmap *m, struct sb_error **err)
{
  /* SANDBOX_SUBUID/SANDBOX_SUBGID name other files to read ranges from (tests, odd setups);
     newuidmap still checks every range against /etc/subuid, so this grants nothing */
  const char *subuid = getenv ("SANDBOX_SUBUID") ?: "/etc/subuid";
  const char *subgid = getenv ("SANDBOX_SUBGID") ?: "/etc/subgid";
  cleanup_free struct idmap_range *ur = NULL;
  cleanup_free struct idmap_range *gr = NULL;
  size_t nu, ng;
  cleanup_free char *name = NULL;
  const char *who;
  char buf[160];
  const char *why = idmap_why_ranges (cfg, buf, sizeof buf);

  memset (m, 0, sizeof *m);
  m->err_fd = -1;
  if (cfg->uid_map != NULL && cfg->gid_map != NULL)
    return plan_explicit (cfg, m, err);
  if (why == NULL)
    {
      /* as bwrap and Flatpak: no helper, no notice */
      log_debug ("id map: your uid %u and gid %u only: %s", (unsigned) cfg->caller_uid,
                 (unsigned) cfg->caller_gid,
                 cfg->subids == SUBIDS_NO ? "--no-subids" : "nothing inside can use other ids");
      m->uid_map = idmap_build (cfg->uid, (unsigned) cfg->caller_uid, NULL, 0);
      m->gid_map = idmap_build (cfg->gid, (unsigned) cfg->caller_gid, NULL, 0);
      return 0;
    }
  name = caller_name (cfg);
  who = name ? name : "you";
  nu = read_ranges (subuid, name, cfg, &ur);
  ng = read_ranges (subgid, name, cfg, &gr);
  if (nu > 0 && ng > 0)
    {
      m->newuidmap = path_find ("newuidmap");
      m->newgidmap = path_find ("newgidmap");
      m->helpers = m->newuidmap != NULL && m->newgidmap != NULL;
    }
  if (m->helpers)
    {
      log_debug ("id map: your subordinate ranges too: %s", why);
      /* an image's files keep their owners only under the map they were unpacked with */
      m->uid_map = idmap_build (cfg->map_root ? 0 : cfg->uid, (unsigned) cfg->caller_uid, ur, nu);
      m->gid_map = idmap_build (cfg->map_root ? 0 : cfg->gid, (unsigned) cfg->caller_gid, gr, ng);
      return 0;
    }
  if (nu == 0 || ng == 0)
    log_notice ("no %s range for '%s' in %s, mapping uid %u and gid %u only",
                nu == 0 ? "subuid" : "subgid", who, nu == 0 ? subuid : subgid,
                (unsigned) cfg->caller_uid, (unsigned) cfg->caller_gid);
  else
    log_notice ("%s not found (install the uidmap package), mapping uid %u and gid %u only",
                m->newuidmap == NULL ? "newuidmap" : "newgidmap", (unsigned) cfg->caller_uid,
                (unsigned) cfg->caller_gid);
  free (m->newuidmap);
  free (m->newgidmap);
  m->newuidmap = m->newgidmap = NULL;
  m->uid_map = idmap_build (cfg->uid, (unsigned) cfg->caller_uid, NULL, 0);
  m->gid_map = idmap_build (cfg->gid, (unsigned) cfg->caller_gid, NULL, 0);
  return 0;
}

void
idmap_print_config (const struct config *cfg, FILE *f)
{
  char buf[160];
  const char *why = idmap_why_ranges (cfg, buf, sizeof buf);

  if (why != NULL)
    fprintf (f, "# id map: your uid and gid, and your subordinate ranges: %s\n", why);
  else
    fprintf (f, "# id map: your uid and gid only: %s\n",
             cfg->subids == SUBIDS_NO ? "--no-subids" : "nothing inside can use other ids");
}

/* argv for newuidmap: PID then the map's numbers */
static char **
helper_argv (const char *prog, const char *pidstr, const char *map)
{
  char **argv = NULL;
  cleanup_free char *copy = xstrdup (map);
  char *save = NULL;

  strv_push (&argv, xstrdup (prog));
  strv_push (&argv, xstrdup (pidstr));
  for (char *tok = strtok_r (copy, " \n", &save); tok; tok = strtok_r (NULL, " \n", &save))
    strv_push (&argv, xstrdup (tok));
  return argv;
}

/* Both helpers run at once; their stderr is kept for the one error line.  */
static int
start_helpers (struct idmap *m, pid_t pid, struct sb_error **err)
{
  char pidstr[16];
  cleanup_strv char **uargv = NULL;
  cleanup_strv char **gargv = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t all, none;
  int pipefd[2], r;

  snprintf (pidstr, sizeof pidstr, "%d", (int) pid);
  uargv = helper_argv (m->newuidmap, pidstr, m->uid_map);
  gargv = helper_argv (m->newgidmap, pidstr, m->gid_map);
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return sb_error_set (err, errno, "pipe");
  m->err_fd = pipefd[0];
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, pipefd[1], STDERR_FILENO);
  /* the helpers start as any program would: default signals, none blocked (we block ours) */
  sigfillset (&all);
  sigemptyset (&none);
  posix_spawnattr_init (&attr);
  posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setsigdefault (&attr, &all);
  posix_spawnattr_setsigmask (&attr, &none);
  r = posix_spawn (&m->kids[0], m->newuidmap, &fa, &attr, uargv, environ);
  if (r == 0)
    r = posix_spawn (&m->kids[1], m->newgidmap, &fa, &attr, gargv, environ);
  posix_spawnattr_destroy (&attr);
  posix_spawn_file_actions_destroy (&fa);
  (void) close (pipefd[1]);
  /* reported by idmap_finish, once the helper that did start is reaped */
  m->spawn_errno = r;
  return 0;
}

/* We hold CAP_SETGID (in our user namespace, the new one's parent): root of an engine's
   namespace (podman's), which may write any gid_map and leave setgroups allowed, as it is
   in its own namespace already.  */
static bool
have_cap_setgid (void)
{
  struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
  struct __user_cap_data_struct d[2] = { { 0 } };

  return syscall (SYS_capget, &h, d) == 0 && (d[0].effective & (1U << CAP_SETGID)) != 0;
}

/* M's one-id maps into the /proc folder DIR of the namespace's first process.  */
static int
write_maps (const struct idmap *m, const char *dir, bool deny, struct sb_error **err)
{
  cleanup_close int dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (dfd < 0)
    return sb_error_set (err, errno, "open '%s'", dir);
  /* an unprivileged writer may map its own id only, and gid_map only after setgroups deny */
  if (deny && write_file_at (dfd, "setgroups", "deny") < 0 && errno != ENOENT)
    return sb_error_set (err, errno, "write '%s/setgroups'", dir);
  if (write_file_at (dfd, "uid_map", m->uid_map) < 0)
    return sb_error_set (err, errno, "write '%s/uid_map'", dir);
  if (write_file_at (dfd, "gid_map", m->gid_map) < 0)
    return sb_error_set (err, errno, "write '%s/gid_map'", dir);
  return 0;
}

/* Whether MAP holds one line that maps one id.  */
static bool
one_id (const char *map)
{
  unsigned in, out, count;
  int end = 0;

  return map != NULL && sscanf (map, "%u %u %u\n%n", &in, &out, &count, &end) == 3 && count == 1
         && end > 0 && map[end] == '\0';
}

bool
idmap_self (const struct idmap *m)
{
  return !m->helpers && !m->written && one_id (m->uid_map) && one_id (m->gid_map)
         && !have_cap_setgid ();
}

int
idmap_write_self (const struct idmap *m, struct sb_error **err)
{
  return write_maps (m, "/proc/self", true, err);
}

int
idmap_start (struct idmap *m, pid_t pid, struct sb_error **err)
{
  char dir[64];

  if (m->written)
    return 0;
  if (m->helpers)
    return start_helpers (m, pid, err);
  snprintf (dir, sizeof dir, "/proc/%d", (int) pid);
  return write_maps (m, dir, !have_cap_setgid (), err);
}

int
idmap_finish (struct idmap *m, struct sb_error **err)
{
  int status[2] = { 0, 0 };
  bool started = m->kids[0] > 0;

  if (m->written)
    return 0;
  for (int i = 0; i < 2; i++)
    if (m->kids[i] > 0)
      {
        if (TEMP_FAILURE_RETRY (waitpid (m->kids[i], &status[i], 0)) < 0)
          status[i] = -1;
        m->kids[i] = 0;
      }
  if (!m->helpers)
    return 0;
  if (m->spawn_errno != 0)
    return sb_error_set (err, m->spawn_errno, "run '%s'", started ? m->newgidmap : m->newuidmap);
  for (int i = 0; i < 2; i++)
    if (!WIFEXITED (status[i]) || WEXITSTATUS (status[i]) != 0)
      {
        char text[512];
        ssize_t n = TEMP_FAILURE_RETRY (read (m->err_fd, text, sizeof text - 1));

        text[n > 0 ? n : 0] = '\0';
        text[strcspn (text, "\n")] = '\0';
        if (text[0] != '\0')
          return sb_error_set (err, 0, "%s", text);
        return sb_error_set (err, 0, "%s failed", i == 0 ? "newuidmap" : "newgidmap");
      }
  return 0;
}

void
idmap_free (struct idmap *m)
{
  /* a helper still running writes a map nobody waits for: let it finish, never leave it */
  for (int i = 0; i < 2; i++)
    if (m->kids[i] > 0)
      (void) TEMP_FAILURE_RETRY (waitpid (m->kids[i], NULL, 0));
  if (m->err_fd >= 0)
    (void) close (m->err_fd);
  free (m->uid_map);
  free (m->gid_map);
  free (m->newuidmap);
  free (m->newgidmap);
  memset (m, 0, sizeof *m);
  m->err_fd = -1;
}
