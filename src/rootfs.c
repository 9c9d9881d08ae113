/* rootfs.c: the new root.  The lower tree (the host's, or --rootfs) with --layer folders over
   it, copy-on-write through overlay.c's engines or bound read-only (--read-only); fresh
   /proc, /sys, /dev, /tmp and /run; the working directory, --bind, --ro-bind, --tmpfs,
   --mask and the kernel's sensitive files; pivot_root; the old root detached.

   The kernel refuses an overlay whose lower folder has mounts below it (in a user namespace
   they are locked to the parent mount: "failed to clone lowerpath"), and an overlay does not
   cross mounts anyway.  So the kernel engine builds the host's root from one overlay per
   folder: a tmpfs holds the top level, each folder with no mount below it gets its own
   overlay, and a folder with mounts below is split the same way, one level down.  Pseudo
   file systems are not copied: they are made fresh.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "config.h"
#include "desktop.h"
#include "error.h"
#include "log.h"
#include "net.h"
#include "overlay.h"
#include "rootfs.h"
#include "sync.h"
#include "syscalls.h"
#include "util.h"

/* The new root is assembled here, on a private tmpfs of our mount namespace that also holds
   the ephemeral upper layer: it goes away with the namespace, even after a SIGKILL.  */
#define BASE "/tmp"
#define ROOT BASE "/root"

#define MAX_DEPTH 16

/* What the setup process opened before BASE covered the host's /tmp.  */
struct rootctx
{
  const struct config *cfg;
  int sock;
  enum overlay_engine engine; /* kernel or fuse once decided */
  char *base;                 /* lower tree as a path we can still reach */
  char *base_real;            /* the same on the host, for the mount table */
  char **layers;              /* top first, as reachable paths */
  char *upper, *work;         /* roots of the upper and work folders */
  int persist_fd;
  int *trees;    /* per cfg->mounts entry: an open_tree clone of a bind source, else -1 */
  int cwd_tree;  /* the working directory's clone, or -1 */
  int home_tree; /* the home's clone for --home host, or -1 */
  char **mnt_paths, **mnt_types; /* the host's mount table */
  int fuse_fd;
};

static void
rootctx_free (struct rootctx *c)
{
  free (c->base);
  free (c->base_real);
  strv_free (c->layers);
  free (c->upper);
  free (c->work);
  if (c->persist_fd >= 0)
    (void) close (c->persist_fd);
  for (size_t i = 0; c->trees != NULL && i < c->cfg->n_mounts; i++)
    if (c->trees[i] >= 0)
      (void) close (c->trees[i]);
  free (c->trees);
  if (c->cwd_tree >= 0)
    (void) close (c->cwd_tree);
  if (c->home_tree >= 0)
    (void) close (c->home_tree);
  strv_free (c->mnt_paths);
  strv_free (c->mnt_types);
  if (c->fuse_fd >= 0)
    (void) close (c->fuse_fd);
}

/* ---------------------------------------------------------------- config (launcher) */

static int
resolve_dir (const char *opt, char **path, struct sb_error **err)
{
  char *real = realpath (*path, NULL);
  struct stat st;

  if (real == NULL)
    return sb_error_set (err, errno, "--%s '%s'", opt, *path);
  if (stat (real, &st) < 0 || !S_ISDIR (st.st_mode))
    {
      free (real);
      return sb_error_set (err, ENOTDIR, "--%s '%s'", opt, *path);
    }
  free (*path);
  *path = real;
  return 0;
}

/* mkdir -p of PATH's missing parents, mode 0700, with the caller's ids: the man page's
   --persist ~/.local/share/sandbox/dev works on a fresh account.  Existing folders are left
   as they are.  */
static int
make_parents (const char *opt, const char *path, struct sb_error **err)
{
  cleanup_free char *p = xstrdup (path);

  for (char *s = p + 1; (s = strchr (s, '/')) != NULL; s++)
    {
      *s = '\0';
      if (mkdir (p, 0700) < 0 && errno != EEXIST)
        return sb_error_set (err, errno, "--%s '%s': make '%s'", opt, path, p);
      *s = '/';
    }
  return 0;
}

static int
prepare_persist (struct config *cfg, struct sb_error **err)
{
  static const char *const subdirs[] = { "upper", "work" };
  cleanup_close int fd = -1;

  if (make_parents ("persist", cfg->persist, err) < 0)
    return -1;
  /* the folder is the caller's: made here, with the caller's ids, not by root inside */
  if (mkdir (cfg->persist, 0700) < 0 && errno != EEXIST)
    return sb_error_set (err, errno, "--persist '%s'", cfg->persist);
  if (resolve_dir ("persist", &cfg->persist, err) < 0)
    return -1;
  fd = open (cfg->persist, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return sb_error_set (err, errno, "--persist '%s'", cfg->persist);
  for (size_t i = 0; i < 2; i++)
    if (mkdirat (fd, subdirs[i], 0755) < 0 && errno != EEXIST)
      return sb_error_set (err, errno, "--persist '%s/%s'", cfg->persist, subdirs[i]);
  return 0;
}

/* mkdir -p PATH (mode 0700) when PATH is below $HOME; -1 otherwise */
static int
make_home_folder (const char *path)
{
  const char *home = getenv ("HOME");
  size_t hl = home ? strlen (home) : 0;
  cleanup_free char *p = xstrdup (path);

  if (hl < 2 || strncmp (path, home, hl) != 0 || path[hl] != '/' || strstr (path, "/..") != NULL)
    return -1;
  for (char *s = p + hl + 1;; s++)
    if (*s == '/' || *s == '\0')
      {
        char c = *s;

        *s = '\0';
        if (mkdir (p, 0700) < 0 && errno != EEXIST)
          return -1;
        if (c == '\0')
          return 0;
        *s = c;
      }
}

int
rootfs_config_finish (struct config *cfg, struct sb_error **err)
{
  if (cfg->rootfs != NULL && resolve_dir ("rootfs", &cfg->rootfs, err) < 0)
    return -1;
  for (char **l = cfg->layers; l != NULL && *l != NULL; l++)
    if (resolve_dir ("layer", l, err) < 0)
      return -1;
  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      struct mount_op *op = &cfg->mounts[i];
      char *real;

      if (op->src == NULL)
        continue;
      real = realpath (op->src, NULL);
      /* a program's own folder that does not exist yet (a first run): made, so that what the
         program keeps there survives, as firejail's whitelist does; only under the home */
      if (real == NULL && errno == ENOENT && strcmp (op->opt, "whitelist") == 0
          && make_home_folder (op->src) == 0)
        real = realpath (op->src, NULL);
      if (real == NULL && op->try && errno == ENOENT)
        {
          log_debug ("--%s '%s': no such source, skipped", op->opt, op->src);
          free (op->arg);
          free (op->src);
          free (op->dst);
          memmove (op, op + 1, (cfg->n_mounts - i - 1) * sizeof *op);
          cfg->n_mounts--;
          i--;
          continue;
        }
      if (real == NULL)
        return sb_error_set (err, errno, "--%s '%s'", op->opt, op->src);
      if (strcmp (op->src, op->dst) == 0) /* DST implied: the same place inside */
        {
          free (op->dst);
          op->dst = xstrdup (real);
        }
      free (op->src);
      op->src = real;
    }
  if (cfg->overlay == OVERLAY_NONE && cfg->persist != NULL)
    return sb_error_set (err, 0, "--persist: has no upper layer to keep with --read-only");
  if (cfg->persist != NULL && prepare_persist (cfg, err) < 0)
    return -1;
  if (cfg->overlay == OVERLAY_FUSE || cfg->overlay == OVERLAY_AUTO)
    cfg->fuse_overlayfs = path_find ("fuse-overlayfs");
  if (cfg->overlay == OVERLAY_FUSE && overlay_fuse_check (cfg, err) < 0)
    return -1;

  if (cfg->overlay != OVERLAY_NONE && !cfg->no_bind_cwd && cfg->cwd != NULL)
    {
      bool is_home = cfg->home_dir != NULL && strcmp (cfg->cwd, cfg->home_dir) == 0;

      if (is_home && cfg->home == HOME_HOST)
        ; /* bound with the home */
      else if (strcmp (cfg->cwd, "/") == 0 || is_home)
        /* its changes are discarded: workdir.c counts them at the end, and says so */
        cfg->report_cwd_changes = cfg->persist == NULL && !(is_home && cfg->home == HOME_PRIVATE);
      else
        cfg->bind_cwd = xstrdup (cfg->cwd);
    }
  return 0;
}

/* ---------------------------------------------------------------- helpers */

static int
do_mount (const char *src, const char *target, const char *type, unsigned long flags,
          const char *data, struct sb_error **err)
{
  if (mount (src, target, type, flags, data) < 0)
    return sb_error_set (err, errno, "mount %s on '%s'", type ? type : src,
                         strncmp (target, ROOT, strlen (ROOT)) == 0 ? target + strlen (ROOT)
                                                                    : target);
  return 0;
}

/* --ephemeral-size as tmpfs options: the size, and as many inodes as a tmpfs has by default
   for that size (one per 4 KiB page), so that empty files cannot fill the kernel's memory
   either.  */
static void
pool_opts (const struct config *cfg, char *buf, size_t len)
{
  uint64_t inodes = cfg->ephemeral_bytes / 4096;

  snprintf (buf, len, "size=%llu,nr_inodes=%llu", (unsigned long long) cfg->ephemeral_bytes,
            (unsigned long long) (inodes < 1024 ? 1024 : inodes));
}

/* The throw-away writable file systems (the upper layer, the top level, /tmp, /run,
   /dev/shm) are folders of one tmpfs, BASE, bound in place: --ephemeral-size bounds them
   together, and a full pool is ENOSPC inside, not the host's RAM.  Each starts as a fresh
   tmpfs would: empty, owned by us, MODE.  */
static int
pool_bind (const char *name, mode_t mode, const char *target, struct sb_error **err)
{
  char src[64];

  snprintf (src, sizeof src, BASE "/%s", name);
  if (mkdir (src, mode) < 0 || chmod (src, mode) < 0)
    return sb_error_set (err, errno, "mkdir '%s'", src);
  return do_mount (src, target, NULL, MS_BIND, NULL, err);
}

static void
fd_path (int fd, char buf[static 32])
{
  snprintf (buf, 32, "/proc/self/fd/%d", fd);
}

/* Statvfs flags that a remount must keep: in a user namespace the kernel refuses to clear
   the flags the host set (they are locked).  */
static unsigned long
locked_flags (const char *path)
{
  struct statvfs sv;
  unsigned long f = 0;

  if (statvfs (path, &sv) < 0)
    return 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

/* mountinfo escapes ' ', '\t', '\n' and '\\' as octal */
static void
unescape (char *s)
{
  char *w = s;

  for (; *s; s++)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0'
          && s[3] <= '7')
        {
          *w++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
          s += 3;
        }
      else
        *w++ = *s;
    }
  *w = '\0';
}

static int
read_mounts (struct rootctx *c, struct sb_error **err)
{
  cleanup_free char *info = read_file_at (AT_FDCWD, "/proc/self/mountinfo", NULL);
  char *save = NULL;

  if (info == NULL)
    return sb_error_set (err, errno, "read /proc/self/mountinfo");
  c->mnt_paths = xcalloc (1, sizeof (char *));
  c->mnt_types = xcalloc (1, sizeof (char *));
  for (char *line = strtok_r (info, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char mp[PATH_MAX], type[64];
      const char *sep = strstr (line, " - ");

      if (sep == NULL || sscanf (line, "%*s %*s %*s %*s %4095s", mp) != 1
          || sscanf (sep + 3, "%63s", type) != 1)
        continue;
      unescape (mp);
      strv_push (&c->mnt_paths, xstrdup (mp));
      strv_push (&c->mnt_types, xstrdup (type));
    }
  return 0;
}

static bool
is_pseudo (const char *type)
{
  static const char *const pseudo[]
      = { "proc",      "sysfs",       "devtmpfs",   "devpts",   "cgroup", "cgroup2",   "mqueue",
          "debugfs",   "tracefs",     "securityfs", "pstore",   "bpf",    "configfs",  "fusectl",
          "hugetlbfs", "binfmt_misc", "autofs",     "efivarfs", "nsfs",   "rpc_pipefs" };

  for (size_t i = 0; i < sizeof pseudo / sizeof *pseudo; i++)
    if (strcmp (type, pseudo[i]) == 0)
      return true;
  return false;
}

/* The type of the top mount on PATH, or NULL.  */
static const char *
mount_type_at (const struct rootctx *c, const char *path)
{
  const char *t = NULL;

  for (size_t i = 0; c->mnt_paths[i] != NULL; i++)
    if (strcmp (c->mnt_paths[i], path) == 0)
      t = c->mnt_types[i];
  return t;
}

static bool
has_mount_below (const struct rootctx *c, const char *path)
{
  size_t len = strcmp (path, "/") == 0 ? 0 : strlen (path);

  for (size_t i = 0; c->mnt_paths[i] != NULL; i++)
    if (strncmp (c->mnt_paths[i], path, len) == 0 && c->mnt_paths[i][len] == '/'
        && c->mnt_paths[i][len + 1] != '\0')
      return true;
  return false;
}

/* Appends PATH to *S with the characters overlayfs splits on escaped.  */
static void
append_escaped (char **s, const char *path)
{
  size_t n = *s ? strlen (*s) : 0;
  char *p = xreallocarray (*s, n + 2 * strlen (path) + 2, 1);

  *s = p;
  p += n;
  for (; *path; path++)
    {
      if (*path == ':' || *path == ',' || *path == '\\')
        *p++ = '\\';
      *p++ = *path;
    }
  *p = '\0';
}

static char *
join (const char *a, const char *b)
{
  char *s;

  if (asprintf (&s, "%s%s%s", a, (*b && a[strlen (a) - 1] != '/') ? "/" : "", b) < 0)
    oom ();
  return s;
}

/* mkdir -p of REL (relative) under PATH; PATH is ours, not the sandbox's.  */
static int
mkdir_below (const char *path, const char *rel, struct sb_error **err)
{
  cleanup_free char *p = join (path, rel);

  for (char *s = p + strlen (path) + 1; s <= p + strlen (p); s++)
    if (*s == '/' || *s == '\0')
      {
        char saved = *s;

        *s = '\0';
        if (mkdir (p, 0755) < 0 && errno != EEXIST)
          return sb_error_set (err, errno, "mkdir '%s'", p);
        *s = saved;
      }
  return 0;
}

/* ---------------------------------------------------------------- the lower tree */

/* Gives PATH (made by us, so owned by the caller's id inside) the owner and mode of the
   lower file ST describes.  An owner the user namespace does not map shows as the overflow
   id; chowning to that would hand the file to a subordinate id, so root inside owns it.
   Without a root inside (a one-id map) the caller keeps it.  */
static void
own_like (const char *path, const struct stat *st)
{
  uid_t uid = st->st_uid == 65534 ? 0 : st->st_uid;
  gid_t gid = st->st_gid == 65534 ? 0 : st->st_gid;

  if (lchown (path, uid, gid) < 0)
    (void) lchown (path, 0, 0);
  if (!S_ISLNK (st->st_mode))
    (void) chmod (path, st->st_mode & 07777);
}

/* One overlay of REL ("" for the whole root) on ROOT/REL: the layers that have REL as a
   folder, top first, over the lower tree's REL.  */
static int
mount_overlay (struct rootctx *c, const char *rel, struct sb_error **err)
{
  cleanup_free char *lowers = NULL;
  cleanup_free char *upper = NULL;
  cleanup_free char *work = NULL;
  cleanup_free char *target = join (ROOT, rel);
  cleanup_free char *up = join (c->upper, rel);
  cleanup_free char *wp = join (c->work, rel);
  cleanup_free char *base = join (c->base, rel);

  for (char **l = c->layers; *l != NULL; l++)
    {
      cleanup_free char *lp = join (*l, rel);
      struct stat st;

      if (stat (lp, &st) < 0 || !S_ISDIR (st.st_mode))
        continue;
      append_escaped (&lowers, lp);
      {
        size_t n = strlen (lowers);

        lowers = xreallocarray (lowers, n + 2, 1);
        lowers[n] = ':';
        lowers[n + 1] = '\0';
      }
    }
  {
    struct stat st;

    if (stat (base, &st) == 0 && S_ISDIR (st.st_mode))
      append_escaped (&lowers, base);
    else if (lowers != NULL) /* a folder of the layers only */
      lowers[strlen (lowers) - 1] = '\0';
  }
  {
    struct stat st;

    if (*rel != '\0'
        && (mkdir_below (c->upper, rel, err) < 0 || mkdir_below (c->work, rel, err) < 0))
      return -1;
    /* the overlay's root shows the upper folder's owner and mode: make them the lower's */
    if (stat (base, &st) == 0)
      own_like (up, &st);
  }
  append_escaped (&upper, up);
  append_escaped (&work, wp);
  return overlay_mount_kernel (target, lowers, upper, work, err);
}

/* A file of the lower tree in a split folder: bound read-only.  */
static int
bind_file_ro (const char *src, const char *target, struct sb_error **err)
{
  int fd = open (target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);

  if (fd < 0)
    return sb_error_set (err, errno, "create '%s'", target + strlen (ROOT));
  (void) close (fd);
  if (mount (src, target, NULL, MS_BIND, NULL) < 0)
    return sb_error_set (err, errno, "bind '%s'", src);
  if (mount (NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags (target), NULL)
      < 0)
    return sb_error_set (err, errno, "remount '%s' read-only", src);
  return 0;
}

static bool
is_fresh (const char *rel)
{
  static const char *const fresh[] = { "proc", "sys", "dev", "tmp", "run" };

  for (size_t i = 0; i < sizeof fresh / sizeof *fresh; i++)
    if (strcmp (rel, fresh[i]) == 0)
      return true;
  return false;
}

/* The names in FOLDER/REL of the lower tree and of every layer.  */
static char **
list_names (const struct rootctx *c, const char *rel)
{
  char **names = xcalloc (1, sizeof (char *));

  for (ssize_t i = -1; i < (ssize_t) strv_len (c->layers); i++)
    {
      cleanup_free char *dir = join (i < 0 ? c->base : c->layers[i], rel);
      DIR *d = opendir (dir);
      struct dirent *de;

      if (d == NULL)
        continue;
      while ((de = readdir (d)) != NULL)
        {
          bool dup = false;

          if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
            continue;
          for (char **n = names; *n && !dup; n++)
            dup = strcmp (*n, de->d_name) == 0;
          if (!dup)
            strv_push (&names, xstrdup (de->d_name));
        }
      closedir (d);
    }
  return names;
}

/* The top-most copy of REL among the layers and the lower tree.  */
static char *
find_lower (const struct rootctx *c, const char *rel, struct stat *st)
{
  for (char **l = c->layers; *l != NULL; l++)
    {
      char *p = join (*l, rel);

      if (lstat (p, st) == 0)
        return p;
      free (p);
    }
  {
    char *p = join (c->base, rel);

    if (lstat (p, st) == 0)
      return p;
    free (p);
  }
  return NULL;
}

/* REL has no entry in the lower tree nor in any layer.  A folder we cannot read is not
   known to be empty: it keeps its overlay.  */
static bool
is_empty_everywhere (const struct rootctx *c, const char *rel)
{
  for (ssize_t i = -1; i < (ssize_t) strv_len (c->layers); i++)
    {
      cleanup_free char *dir = join (i < 0 ? c->base : c->layers[i], rel);
      DIR *d = opendir (dir);
      struct dirent *de;
      bool empty = true;

      if (d == NULL)
        {
          if (errno == ENOENT || errno == ENOTDIR)
            continue; /* not in this layer */
          return false;
        }
      while (empty && (de = readdir (d)) != NULL)
        empty = strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0;
      closedir (d);
      if (!empty)
        return false;
    }
  return true;
}

static int assemble (struct rootctx *c, const char *rel, int depth, struct sb_error **err);

static int
assemble_entry (struct rootctx *c, const char *rel, int depth, struct sb_error **err)
{
  cleanup_free char *src = NULL;
  cleanup_free char *target = join (ROOT, rel);
  cleanup_free char *real = join (c->base_real, rel);
  struct stat st;
  const char *type;

  if (depth == 0 && is_fresh (rel))
    {
      if (mkdir (target, 0755) < 0)
        return sb_error_set (err, errno, "mkdir '/%s'", rel);
      return 0;
    }
  src = find_lower (c, rel, &st);
  if (src == NULL)
    return 0; /* gone since we listed it */
  if (S_ISLNK (st.st_mode))
    {
      char link[PATH_MAX];
      ssize_t n = readlink (src, link, sizeof link - 1);

      if (n < 0)
        return sb_error_set (err, errno, "readlink '%s'", src);
      link[n] = '\0';
      if (symlink (link, target) < 0)
        return sb_error_set (err, errno, "symlink '/%s'", rel);
      own_like (target, &st);
      return 0;
    }
  if (!S_ISDIR (st.st_mode))
    return bind_file_ro (src, target, err);
  if (mkdir (target, 0700) < 0)
    return sb_error_set (err, errno, "mkdir '/%s'", rel);
  own_like (target, &st);
  type = mount_type_at (c, real);
  if (type != NULL && is_pseudo (type))
    return 0; /* made fresh, or left empty */
  if (has_mount_below (c, real))
    return assemble (c, rel, depth + 1, err);
  /* an empty folder (/srv, /media, often /boot) is the same as an overlay of it: writes
     land on the ephemeral tmpfs either way, and the mount, about 0.15 ms with its
     teardown, is saved.  With --persist the writes must reach the upper folder.  */
  if (c->persist_fd < 0 && is_empty_everywhere (c, rel))
    return 0;
  return mount_overlay (c, rel, err);
}

static int
assemble (struct rootctx *c, const char *rel, int depth, struct sb_error **err)
{
  cleanup_strv char **names = list_names (c, rel);

  if (depth > MAX_DEPTH)
    return sb_error_set (err, 0, "'/%s': mounts nested too deep", rel);
  for (char **n = names; *n != NULL; n++)
    {
      cleanup_free char *sub = *rel ? join (rel, *n) : xstrdup (*n);

      if (assemble_entry (c, sub, depth, err) < 0)
        return -1;
    }
  return 0;
}

static int
root_kernel (struct rootctx *c, struct sb_error **err)
{
  /* a lower tree without mounts below it is one overlay, its top level copy-on-write too */
  if (strcmp (c->base_real, "/") != 0 && !has_mount_below (c, c->base_real))
    return mount_overlay (c, "", err);
  /* the top level: ROOT itself, a folder of the pool, made a mount for pivot_root */
  if (do_mount (ROOT, ROOT, NULL, MS_BIND, NULL, err) < 0)
    return -1;
  (void) lchown (ROOT, 0, 0);
  return assemble (c, "", 0, err);
}

static int
root_fuse (struct rootctx *c, struct sb_error **err)
{
  c->fuse_fd = overlay_mount_fuse (c->cfg, ROOT, err);
  if (c->fuse_fd < 0)
    return -1;
  /* the launcher starts fuse-overlayfs on it; until then requests on ROOT wait */
  if (sync_send_fd (c->sock, SYNC_FUSE_FD, c->fuse_fd, err) < 0)
    return -1;
  (void) close (c->fuse_fd);
  c->fuse_fd = -1;
  return 0;
}

static int
root_readonly (struct rootctx *c, struct sb_error **err)
{
  struct sb_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
  cleanup_close int tree = -1;
  cleanup_close int target = -1;

  tree = sys_open_tree (AT_FDCWD, c->base, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (tree < 0)
    return sb_error_set (err, errno, "clone the lower tree");
  if (sys_mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0)
    return sb_error_set (err, errno, "make the lower tree read-only");
  target = open (ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (target < 0
      || sys_move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
             < 0)
    return sb_error_set (err, errno, "mount the lower tree");
  return 0;
}

/* The engine recorded in a --persist folder: its upper layers are not interchangeable
   (whiteouts and opaque markers differ), so a mismatch is an error, not a surprise.  */
static int
persist_engine (struct rootctx *c, struct sb_error **err)
{
  const struct config *cfg = c->cfg;
  cleanup_free char *rec = read_file_at (c->persist_fd, "engine", NULL);
  enum overlay_engine want;

  if (rec == NULL)
    return 0;
  rec[strcspn (rec, "\n")] = '\0';
  if (strcmp (rec, "kernel") == 0)
    want = OVERLAY_KERNEL;
  else if (strcmp (rec, "fuse") == 0)
    want = OVERLAY_FUSE;
  else
    return sb_error_set (err, 0, "--persist '%s': unknown engine '%s' in its engine file",
                         cfg->persist, rec);
  if (cfg->overlay != OVERLAY_AUTO && cfg->overlay != want)
    return sb_error_set (err, 0,
                         "--persist '%s': made with --overlay %s; use it again or "
                         "start a new folder",
                         cfg->persist, rec);
  c->engine = want;
  return 0;
}

static void
persist_record (struct rootctx *c)
{
  const char *name = c->engine == OVERLAY_KERNEL ? "kernel\n" : "fuse\n";
  int fd;

  if (c->persist_fd < 0)
    return;
  fd = openat (c->persist_fd, "engine", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return; /* recorded before */
  (void) write_all (fd, name, strlen (name));
  (void) close (fd);
}

/* The ephemeral upper layer, to the launcher, which counts the working directory's changes
   at the end (workdir.c).  Best effort: without it there is no notice.  */
static void
send_upper (struct rootctx *c)
{
  struct sb_error *e = NULL;
  cleanup_close int fd = -1;

  if (!c->cfg->report_cwd_changes || c->persist_fd >= 0)
    return;
  fd = open (BASE "/upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || sync_send_fd (c->sock, SYNC_UPPER_FD, fd, &e) < 0)
    log_debug ("the upper layer is not counted: %s", strerror (e ? e->errnum : errno));
  sb_error_free (&e);
}

/* -v: which engine, and why (WHY: auto's reason)  */
static void
log_engine (const struct rootctx *c, const char *engine, const char *why)
{
  if (c->cfg->overlay != OVERLAY_AUTO)
    log_debug ("overlay: %s, as --overlay asked", engine);
  else if (c->engine != OVERLAY_AUTO)
    log_debug ("overlay: %s, the engine the --persist folder was made with", engine);
  else
    log_debug ("overlay: auto chose %s: %s", engine, why);
}

static int
setup_lower (struct rootctx *c, struct sb_error **err)
{
  const struct config *cfg = c->cfg;

  if (cfg->overlay == OVERLAY_NONE)
    {
      if (mkdir (ROOT, 0755) < 0)
        return sb_error_set (err, errno, "mkdir '%s'", ROOT);
      return root_readonly (c, err);
    }
  if (mkdir (ROOT, 0755) < 0)
    return sb_error_set (err, errno, "mkdir '%s'", ROOT);
  if (c->persist_fd < 0)
    {
      if (mkdir (BASE "/upper", 0755) < 0 || mkdir (BASE "/work", 0700) < 0)
        return sb_error_set (err, errno, "mkdir in '%s'", BASE);
    }
  if (c->engine == OVERLAY_AUTO && cfg->uid == 0 && cfg->rootfs == NULL)
    {
      struct sb_error *e = NULL;

      /* The kernel's overlay checks permissions against the lower file's owner: the host's
         root is unmapped here, so root inside could not change /etc or /usr, which is what
         it runs as root for.  fuse-overlayfs shows those files as owned by an id of this
         namespace.  For any other id both engines allow the same, and the kernel is
         faster.  */
      if (overlay_fuse_check (cfg, &e) == 0)
        {
          c->engine = OVERLAY_FUSE;
          log_debug ("overlay: auto chose fuse-overlayfs: root inside must change the host's "
                     "files, which the kernel's overlayfs checks against their unmapped owner");
        }
      else
        log_debug ("%s; root inside cannot change the host's files", e->msg);
      sb_error_free (&e);
    }
  if (c->engine == OVERLAY_KERNEL || c->engine == OVERLAY_AUTO)
    {
      if (root_kernel (c, err) == 0)
        {
          log_engine (c, "the kernel's overlayfs",
                      "it mounts in this user namespace, and is faster than fuse-overlayfs");
          send_upper (c);
          c->engine = OVERLAY_KERNEL;
          persist_record (c);
          return 0;
        }
      if (c->engine == OVERLAY_KERNEL)
        return -1;
      /* auto: the kernel refused; whatever part was built goes, fuse-overlayfs takes over */
      log_debug ("overlay: auto chose fuse-overlayfs: the kernel refused its overlayfs (%s: %s)",
                 (*err)->msg, strerror ((*err)->errnum));
      sb_error_free (err);
      if (umount2 (ROOT, MNT_DETACH) < 0 && errno != EINVAL)
        return sb_error_set (err, errno, "detach '%s'", ROOT);
    }
  if (root_fuse (c, err) < 0)
    {
      if (c->engine == OVERLAY_AUTO)
        sb_error_prefix (*err, "the kernel refused overlayfs here, and ");
      return -1;
    }
  if (c->engine != OVERLAY_AUTO)
    log_engine (c, "fuse-overlayfs", NULL);
  c->engine = OVERLAY_FUSE;
  persist_record (c);
  return 0;
}

/* ---------------------------------------------------------------- prepare */

static int
open_dir_path (const char *opt, const char *path, char **ret, struct sb_error **err)
{
  int fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return sb_error_set (err, errno, "--%s '%s'", opt, path);
  if (asprintf (ret, "/proc/self/fd/%d", fd) < 0)
    oom ();
  return 0;
}

static int
clone_tree (const char *src, const char *what, int *ret, struct sb_error **err)
{
  *ret = sys_open_tree (AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (*ret < 0)
    return sb_error_set (err, errno, "--%s '%s'", what, src);
  return 0;
}

/* Everything from the host that BASE may cover: lower folders, the persist folder, the
   sources of binds.  Paths become /proc/self/fd/N.  */
static int
rootctx_open (struct rootctx *c, const struct config *cfg, int sock, struct sb_error **err)
{
  size_t n = strv_len (cfg->layers);

  memset (c, 0, sizeof *c);
  c->cfg = cfg;
  c->sock = sock;
  c->persist_fd = c->cwd_tree = c->home_tree = c->fuse_fd = -1;
  c->engine = cfg->overlay;
  c->layers = xcalloc (n + 1, sizeof (char *));
  c->trees = xcalloc (cfg->n_mounts + 1, sizeof (int));
  for (size_t i = 0; i < cfg->n_mounts; i++)
    c->trees[i] = -1;
  c->base_real = xstrdup (cfg->rootfs ? cfg->rootfs : "/");
  if (cfg->rootfs == NULL)
    c->base = xstrdup ("/");
  else if (open_dir_path ("rootfs", cfg->rootfs, &c->base, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) /* top first */
    if (open_dir_path ("layer", cfg->layers[n - 1 - i], &c->layers[i], err) < 0)
      return -1;
  if (cfg->persist != NULL)
    {
      cleanup_free char *u = NULL, *w = NULL;

      c->persist_fd = open (cfg->persist, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (c->persist_fd < 0)
        return sb_error_set (err, errno, "--persist '%s'", cfg->persist);
      if (asprintf (&u, "%s/upper", cfg->persist) < 0 || asprintf (&w, "%s/work", cfg->persist) < 0)
        oom ();
      if (open_dir_path ("persist", u, &c->upper, err) < 0
          || open_dir_path ("persist", w, &c->work, err) < 0)
        return -1;
      if (persist_engine (c, err) < 0)
        return -1;
    }
  else
    {
      c->upper = xstrdup (BASE "/upper");
      c->work = xstrdup (BASE "/work");
    }
  for (size_t i = 0; i < cfg->n_mounts; i++)
    if (cfg->mounts[i].src != NULL
        && clone_tree (cfg->mounts[i].src, cfg->mounts[i].opt, &c->trees[i], err) < 0)
      return -1;
  if (cfg->bind_cwd != NULL
      && clone_tree (cfg->bind_cwd, "working directory", &c->cwd_tree, err) < 0)
    return -1;
  if (cfg->home == HOME_HOST && cfg->home_dir != NULL
      && clone_tree (cfg->home_dir, "home host", &c->home_tree, err) < 0)
    return -1;
  return read_mounts (c, err);
}

/* ---------------------------------------------------------------- inside the new root */

/* Opens PATH (absolute, inside) without leaving the new root: symlinks resolve as if ROOT
   were /, so a link to the host's / in a layer points at the sandbox's own /.  */
static int
open_inside (int root, const char *path, int flags)
{
  while (*path == '/')
    path++;
  if (*path == '\0')
    return fcntl (root, F_DUPFD_CLOEXEC, 3);
  return sys_openat2 (root, path, (uint64_t) (flags | O_PATH | O_CLOEXEC),
                      RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/* Creates PATH (and missing parents) inside: a folder, or an empty file when !DIR.  */
static int
make_inside (int root, const char *path, bool dir, struct sb_error **err)
{
  cleanup_free char *p = xstrdup (path);
  char *slash = strrchr (p, '/');
  cleanup_close int parent = -1;
  const char *name = slash + 1;

  *slash = '\0';
  parent = open_inside (root, p, O_DIRECTORY);
  if (parent < 0 && errno == ENOENT)
    {
      if (make_inside (root, p, true, err) < 0)
        return -1;
      parent = open_inside (root, p, O_DIRECTORY);
    }
  if (parent < 0)
    return sb_error_set (err, errno, "open '%s' inside", *p ? p : "/");
  /* parent is O_PATH: reopen it to create in it, still without following anything */
  {
    char fdp[32];
    cleanup_close int dfd = -1;

    fd_path (parent, fdp);
    dfd = open (fdp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
      return sb_error_set (err, errno, "open '%s' inside", *p ? p : "/");
    if (dir ? mkdirat (dfd, name, 0755) : mknodat (dfd, name, S_IFREG | 0644, 0))
      if (errno != EEXIST)
        return sb_error_set (err, errno, "create '%s' inside", path);
  }
  return 0;
}

static bool
path_below (const char *path, const char *dir)
{
  size_t n = strlen (dir);

  return strncmp (path, dir, n) == 0 && (path[n] == '/' || dir[n - 1] == '/');
}

/* Destinations that may be created: those on a fresh tmpfs, where nothing of the lower tree
   can be shadowed by mistake.  */
static bool
creatable (const struct config *cfg, size_t upto, const char *dst)
{
  if (path_below (dst, "/tmp") || path_below (dst, "/run"))
    return true;
  if (cfg->home == HOME_PRIVATE && cfg->home_dir && path_below (dst, cfg->home_dir))
    return true;
  for (size_t i = 0; i < upto; i++)
    if (cfg->mounts[i].kind == MOUNT_TMPFS && path_below (dst, cfg->mounts[i].dst))
      return true;
  return false;
}

static int
target_open (int root, const char *dst, bool create, bool dir, const char *what,
             struct sb_error **err)
{
  int fd = open_inside (root, dst, 0);

  if (fd < 0 && errno == ENOENT && create)
    {
      if (make_inside (root, dst, dir, err) < 0)
        return -1;
      fd = open_inside (root, dst, 0);
    }
  if (fd < 0)
    return sb_error_set (err, errno, "%s: destination '%s'", what, dst);
  return fd;
}

static int
move_tree (int tree, int target, bool ro, const char *what, struct sb_error **err)
{
  if (ro)
    {
      struct sb_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

      if (sys_mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0)
        return sb_error_set (err, errno, "%s: make read-only", what);
    }
  if (sys_move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return sb_error_set (err, errno, "%s: mount", what);
  return 0;
}

static int
do_bind (int root, int tree, const char *dst, bool ro, bool create, const char *what,
         struct sb_error **err)
{
  cleanup_close int target = -1;
  struct stat st;

  if (fstat (tree, &st) < 0)
    return sb_error_set (err, errno, "%s", what);
  target = target_open (root, dst, create, S_ISDIR (st.st_mode), what, err);
  if (target < 0)
    return -1;
  return move_tree (tree, target, ro, what, err);
}

static int
do_tmpfs (int root, const char *dst, const char *opts, unsigned long flags, bool create,
          const char *what, struct sb_error **err)
{
  cleanup_close int target = target_open (root, dst, create, true, what, err);
  char p[32];

  if (target < 0)
    return -1;
  fd_path (target, p);
  if (mount ("tmpfs", p, "tmpfs", flags, opts) < 0)
    return sb_error_set (err, errno, "%s: mount tmpfs", what);
  return 0;
}

/* Empty and unreadable: a mode-000 tmpfs on a folder, a mode-000 empty file on anything
   else.  A path that does not exist has nothing to hide.  */
static int
do_mask (int root, const char *dst, const char *what, struct sb_error **err)
{
  cleanup_close int target = open_inside (root, dst, 0);
  cleanup_close int tree = -1;
  struct stat st;
  char p[32];

  if (target < 0)
    return errno == ENOENT ? 0 : sb_error_set (err, errno, "%s", what);
  if (fstat (target, &st) < 0)
    return sb_error_set (err, errno, "%s", what);
  if (S_ISDIR (st.st_mode))
    {
      fd_path (target, p);
      if (mount ("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "mode=000,size=4k")
          < 0)
        return sb_error_set (err, errno, "%s: mount tmpfs", what);
      return 0;
    }
  tree = sys_open_tree (AT_FDCWD, BASE "/empty", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return sb_error_set (err, errno, "%s: clone the empty file", what);
  return move_tree (tree, target, true, what, err);
}

static int
setup_dev (struct sb_error **err)
{
  static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
  static const char *const links[][2] = {
    { "pts/ptmx", "ptmx" },          { "/proc/self/fd", "fd" },
    { "/proc/self/fd/0", "stdin" },  { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" },
  };
  char path[256], src[64];

  for (size_t i = 0; i < sizeof devices / sizeof *devices; i++)
    {
      int fd;

      snprintf (path, sizeof path, ROOT "/dev/%s", devices[i]);
      snprintf (src, sizeof src, "/dev/%s", devices[i]);
      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
      if (fd < 0)
        return sb_error_set (err, errno, "create '/dev/%s'", devices[i]);
      (void) close (fd);
      if (mount (src, path, NULL, MS_BIND, NULL) < 0)
        return sb_error_set (err, errno, "bind '%s'", src);
    }
  if (mkdir (ROOT "/dev/pts", 0755) < 0 || mkdir (ROOT "/dev/shm", 01777) < 0)
    return sb_error_set (err, errno, "mkdir in /dev");
  /* a new devpts instance: the sandbox sees only its own terminals */
  if (do_mount ("devpts", ROOT "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                "newinstance,ptmxmode=0666,mode=620", err)
      < 0)
    return -1;
  if (pool_bind ("shm", 01777, ROOT "/dev/shm", err) < 0)
    return -1;
  for (size_t i = 0; i < sizeof links / sizeof *links; i++)
    {
      snprintf (path, sizeof path, ROOT "/dev/%s", links[i][1]);
      if (symlink (links[i][0], path) < 0)
        return sb_error_set (err, errno, "symlink '/dev/%s'", links[i][1]);
    }
  return 0;
}

/* A top-level folder for a fresh file system: never a symlink, which could aim the mount at
   the host (a --rootfs or layer may hold anything).  */
static int
fresh_dir (int root, const char *name, struct sb_error **err)
{
  int fd = sys_openat2 (root, name, O_PATH | O_DIRECTORY | O_CLOEXEC,
                        RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);

  if (fd < 0 && errno == ENOENT)
    {
      if (mkdirat (root, name, 0755) < 0)
        return sb_error_set (err, errno, "mkdir '/%s'", name);
      fd = sys_openat2 (root, name, O_PATH | O_DIRECTORY | O_CLOEXEC,
                        RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
    }
  if (fd < 0)
    return sb_error_set (err, errno, "open '/%s' inside", name);
  return fd;
}

static int
setup_pseudo (int root, struct sb_error **err)
{
  static const char *const names[] = { "proc", "sys", "dev", "tmp", "run" };
  const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  int fds[5];
  char p[32];
  int r = -1;

  for (size_t i = 0; i < 5; i++)
    fds[i] = -1;
  for (size_t i = 0; i < 5; i++)
    if ((fds[i] = fresh_dir (root, names[i], err)) < 0)
      goto out;
  fd_path (fds[0], p);
  if (do_mount ("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err) < 0)
    goto out;
  /* a fresh sysfs shows the new network namespace's devices only; where the kernel refuses
     it, /sys stays as the lower tree has it */
  fd_path (fds[1], p);
  if (mount ("sysfs", p, "sysfs", ro, NULL) < 0)
    log_debug ("mount sysfs: %s", strerror (errno));
  /* the cgroup namespace makes our own cgroup the root of this view */
  else if (mount ("cgroup2", ROOT "/sys/fs/cgroup", "cgroup2", ro, NULL) < 0)
    log_debug ("mount cgroup2: %s", strerror (errno));
  fd_path (fds[2], p);
  if (do_mount ("tmpfs", p, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k", err) < 0
      || setup_dev (err) < 0)
    goto out;
  fd_path (fds[3], p);
  if (pool_bind ("tmp", 01777, p, err) < 0)
    goto out;
  fd_path (fds[4], p);
  if (pool_bind ("run", 0755, p, err) < 0)
    goto out;
  r = 0;
out:
  for (size_t i = 0; i < 5; i++)
    if (fds[i] >= 0)
      (void) close (fds[i]);
  return r;
}

/* OCI's defaults: what the kernel shows of the host's hardware and memory is hidden, and its
   knobs are read-only (root inside holds capabilities over this user namespace).  */
static int
setup_kernel_masks (int root, struct sb_error **err)
{
  static const char *const masked[]
      = { "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
          "/proc/scsi",  "/proc/acpi", "/sys/firmware" };
  static const char *const readonly[]
      = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus" };

  for (size_t i = 0; i < sizeof masked / sizeof *masked; i++)
    if (do_mask (root, masked[i], masked[i], err) < 0)
      return -1;
  for (size_t i = 0; i < sizeof readonly / sizeof *readonly; i++)
    {
      cleanup_close int tree = sys_open_tree (root, readonly[i] + 1,
                                              OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      cleanup_close int target = -1;

      if (tree < 0 && errno == ENOENT)
        continue;
      target = open_inside (root, readonly[i], 0);
      if (tree < 0 || target < 0)
        return sb_error_set (err, errno, "open '%s'", readonly[i]);
      if (move_tree (tree, target, true, readonly[i], err) < 0)
        return -1;
    }
  return 0;
}

static int
setup_mounts (struct rootctx *c, int root, struct sb_error **err)
{
  const struct config *cfg = c->cfg;
  int fd;

  fd = open (BASE "/empty", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (fd < 0)
    return sb_error_set (err, errno, "create '%s/empty'", BASE);
  (void) close (fd);
  if (cfg->home == HOME_PRIVATE && cfg->home_dir != NULL)
    {
      char opts[160], size[96];

      pool_opts (cfg, size, sizeof size);
      snprintf (opts, sizeof opts, "mode=0700,uid=%u,gid=%u,%s", cfg->uid, cfg->gid, size);
      if (do_tmpfs (root, cfg->home_dir, opts, MS_NOSUID | MS_NODEV, true, "--home private", err)
          < 0)
        return -1;
    }
  if (c->home_tree >= 0
      && do_bind (root, c->home_tree, cfg->home_dir, false, true, "--home host", err) < 0)
    return -1;
  if (c->cwd_tree >= 0
      && do_bind (root, c->cwd_tree, cfg->bind_cwd, false, true, "bind the working directory", err)
             < 0)
    return -1;
  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      const struct mount_op *op = &cfg->mounts[i];
      char what[PATH_MAX + 32];
      char opts[160], size[96];
      bool create = creatable (cfg, i, op->dst);

      switch (op->kind)
        {
        case MOUNT_BIND:
        case MOUNT_RO_BIND:
          snprintf (what, sizeof what, "--%s '%s'", op->opt, op->arg);
          if (do_bind (root, c->trees[i], op->dst, op->kind == MOUNT_RO_BIND, create, what, err)
              < 0)
            return -1;
          break;
        case MOUNT_TMPFS:
          snprintf (what, sizeof what, "--tmpfs '%s'", op->arg);
          /* its own tmpfs, of the ephemeral bound too */
          pool_opts (cfg, size, sizeof size);
          snprintf (opts, sizeof opts, "mode=0755,uid=%u,gid=%u,%s", cfg->uid, cfg->gid, size);
          if (do_tmpfs (root, op->dst, opts, MS_NOSUID | MS_NODEV, create, what, err) < 0)
            return -1;
          break;
        case MOUNT_MASK:
          snprintf (what, sizeof what, "--mask '%s'", op->arg);
          if (do_mask (root, op->dst, what, err) < 0)
            return -1;
          break;
        }
    }
  return setup_kernel_masks (root, err);
}

struct rootctx *
rootfs_open (const struct config *cfg, int sock, struct sb_error **err)
{
  struct rootctx *c = xcalloc (1, sizeof *c);

  /* init_main made the mount namespace a slave already: nothing reaches the host */
  if (rootctx_open (c, cfg, sock, err) < 0)
    {
      rootfs_close (c);
      return NULL;
    }
  return c;
}

void
rootfs_close (struct rootctx *c)
{
  if (c == NULL)
    return;
  rootctx_free (c);
  free (c);
}

int
rootfs_setup (struct rootctx *rc, struct sb_error **err)
{
  struct rootctx c = *rc;
  const struct config *cfg = c.cfg;
  cleanup_close int root = -1;
  int r = -1;

  free (rc);
  {
    char opts[128], size[96];

    pool_opts (cfg, size, sizeof size);
    snprintf (opts, sizeof opts, "mode=0700,%s", size);
    if (do_mount ("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, opts, err) < 0)
      goto out;
  }
  if (setup_lower (&c, err) < 0)
    goto out;
  root = open (ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    {
      sb_error_set (err, errno, "open '%s'", ROOT);
      goto out;
    }
  /* the desktop's sockets and devices go on the fresh /tmp, /run and /dev; the user's
     binds after them may still cover them */
  if (setup_pseudo (root, err) < 0 || desktop_setup (cfg, ROOT, err) < 0
      || setup_mounts (&c, root, err) < 0)
    goto out;
  if (net_setup_files (cfg, ROOT, err) < 0)
    goto out;

  /* pivot_root (".", "."): the old root ends up on top of the new one, then goes away */
  if (fchdir (root) < 0)
    {
      sb_error_set (err, errno, "chdir '%s'", ROOT);
      goto out;
    }
  if (sys_pivot_root (".", ".") < 0)
    {
      sb_error_set (err, errno, "pivot_root");
      goto out;
    }
  if (umount2 (".", MNT_DETACH) < 0)
    {
      sb_error_set (err, errno, "detach the old root");
      goto out;
    }
  if (chdir ("/") < 0)
    {
      sb_error_set (err, errno, "chdir '/'");
      goto out;
    }
  r = 0;
out:
  rootctx_free (&c);
  return r;
}
