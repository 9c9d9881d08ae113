/* rootfs.c: the new root.  The lower tree (the host's, or --rootfs) with --layer folders over
   it, copy-on-write through overlay.c's engines or bound read-only (--read-only), the upper
   layer ephemeral or a --persist folder's; then mounts.c's fresh /proc, /sys, /dev, /tmp and
   /run, the binds (binds.c), --tmpfs, --mask and the kernel's sensitive files; pivot_root;
   the old root detached.

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
#include <sys/syscall.h>
#include <unistd.h>

#include "binds.h"
#include "config.h"
#include "desktop.h"
#include "error.h"
#include "hostpath.h"
#include "inroot.h"
#include "log.h"
#include "mounts.h"
#include "net.h"
#include "overlay.h"
#include "rootfs.h"
#include "sync.h"
#include "syscalls.h"
#include "util.h"

/* The new root is assembled here, on a private tmpfs of our mount namespace that also holds
   the ephemeral upper layer: it goes away with the namespace, even after a SIGKILL.  */
#define BASE MOUNTS_POOL
#define ROOT BASE "/root"

#define MAX_DEPTH 16
#define MAX_LOWERS 64 /* the layers and the lower tree */

/* What the setup process opened before BASE covered the host's /tmp.  */
struct rootctx
{
  const struct config *cfg;
  int sock;
  enum overlay_engine engine; /* kernel or fuse once decided */
  int base_fd;                /* the lower tree: the host's / or the --rootfs */
  char *base_real;            /* the same on the host, for the mount table */
  int *layer_fds;             /* top first */
  size_t n_layers;
  int persist_fd;
  int upper_fd, work_fd; /* roots of the upper and work folders, read-only fds */
  int *trees;            /* per cfg->mounts entry: binds_open's clone of a bind source, else -1 */
  char **mnt_paths, **mnt_types; /* the host's mount table */
  int fuse_fd;
};

static void
rootctx_free (struct rootctx *c)
{
  closep (&c->base_fd);
  free (c->base_real);
  for (size_t i = 0; i < c->n_layers; i++)
    closep (&c->layer_fds[i]);
  free (c->layer_fds);
  closep (&c->persist_fd);
  closep (&c->upper_fd);
  closep (&c->work_fd);
  for (size_t i = 0; c->trees != NULL && i < c->cfg->n_mounts; i++)
    closep (&c->trees[i]);
  free (c->trees);
  strv_free (c->mnt_paths);
  strv_free (c->mnt_types);
  closep (&c->fuse_fd);
}

/* ---------------------------------------------------------------- config (launcher) */

/* A --rootfs, --layer or --persist folder: resolved as a bind source is (a symlink a
   sandbox could have planted does not redirect it), canonical in *PATH.  */
static int
resolve_dir (const struct host_ids *ids, const char *opt, char **path, struct sb_error **err)
{
  cleanup_free char *what = NULL;
  cleanup_free char *real = NULL;
  cleanup_close int fd = -1;
  struct stat st;

  if (asprintf (&what, "--%s '%s'", opt, *path) < 0)
    oom ();
  fd = hostpath_resolve (ids, what, *path, &real, err);
  if (fd < 0)
    return -1;
  if (fstat (fd, &st) < 0 || !S_ISDIR (st.st_mode))
    return sb_error_set (err, ENOTDIR, "%s", what);
  free (*path);
  *path = steal_ptr (&real);
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
prepare_persist (const struct host_ids *ids, struct config *cfg, struct sb_error **err)
{
  static const char *const subdirs[] = { "upper", "work" };
  cleanup_close int fd = -1;

  if (make_parents ("persist", cfg->persist, err) < 0)
    return -1;
  /* the folder is the caller's: made here, with the caller's ids, not by root inside */
  if (mkdir (cfg->persist, 0700) < 0 && errno != EEXIST)
    return sb_error_set (err, errno, "--persist '%s'", cfg->persist);
  if (resolve_dir (ids, "persist", &cfg->persist, err) < 0)
    return -1;
  fd = open (cfg->persist, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return sb_error_set (err, errno, "--persist '%s'", cfg->persist);
  for (size_t i = 0; i < 2; i++)
    if (mkdirat (fd, subdirs[i], 0755) < 0 && errno != EEXIST)
      return sb_error_set (err, errno, "--persist '%s/%s'", cfg->persist, subdirs[i]);
  return 0;
}

static int
config_paths (struct config *cfg, const struct host_ids *ids, struct sb_error **err)
{
  if (cfg->rootfs != NULL && resolve_dir (ids, "rootfs", &cfg->rootfs, err) < 0)
    return -1;
  for (char **l = cfg->layers; l != NULL && *l != NULL; l++)
    if (resolve_dir (ids, "layer", l, err) < 0)
      return -1;
  if (cfg->overlay == OVERLAY_NONE && cfg->persist != NULL)
    return sb_error_set (err, 0, "--persist: has no upper layer to keep with --read-only");
  if (cfg->persist != NULL && prepare_persist (ids, cfg, err) < 0)
    return -1;
  return binds_plan (cfg, ids, err);
}

int
rootfs_config_finish (struct config *cfg, struct sb_error **err)
{
  struct host_ids ids;
  int r;

  hostpath_ids_init (&ids, cfg->home_dir);
  r = config_paths (cfg, &ids, err);
  hostpath_ids_free (&ids);
  if (r < 0)
    return -1;
  if (cfg->overlay == OVERLAY_FUSE || cfg->overlay == OVERLAY_AUTO)
    cfg->fuse_overlayfs = path_find ("fuse-overlayfs");
  if (cfg->overlay == OVERLAY_FUSE && overlay_fuse_check (cfg, err) < 0)
    return -1;
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

static char *
join (const char *a, const char *b)
{
  char *s;

  if (asprintf (&s, "%s%s%s", a, (*b && a[strlen (a) - 1] != '/') ? "/" : "", b) < 0)
    oom ();
  return s;
}

/* ---------------------------------------------------------------- the lower tree

   The lower tree and the layers are opened by fd, each REL beneath its own root with no
   symlink on the way (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): a layer whose folder is a
   symlink to a host path does not bring that host folder in.  As in an overlay, a layer
   whose REL (or a folder on the way) is not a folder hides the ones below it.  */

/* The layers, top first, then the lower tree: the Ith of them (I = n_layers: the lower).  */
static int
lower_root (const struct rootctx *c, size_t i)
{
  return i < c->n_layers ? c->layer_fds[i] : c->base_fd;
}

/* REL in lower I, as FLAGS (O_PATH | O_NOFOLLOW: a symlink itself); -1 and errno, ENOENT
   when it is not there, anything else when something on the way hides it.  */
static int
lower_open (const struct rootctx *c, size_t i, const char *rel, int flags)
{
  return sys_openat2 (lower_root (c, i), *rel ? rel : ".", (uint64_t) (flags | O_CLOEXEC),
                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
}

/* Gives the folder FD (made by us, so owned by the caller's id inside) the owner and mode of
   the lower folder ST describes.  An owner the user namespace does not map shows as the
   overflow id; chowning to that would hand the folder to a subordinate id, so root inside
   owns it.  Without a root inside (a one-id map) the caller keeps it.  */
static void
own_like_fd (int fd, const struct stat *st)
{
  uid_t uid = st->st_uid == 65534 ? 0 : st->st_uid;
  gid_t gid = st->st_gid == 65534 ? 0 : st->st_gid;

  if (fchown (fd, uid, gid) < 0)
    (void) fchown (fd, 0, 0);
  (void) fchmod (fd, st->st_mode & 07777);
}

/* The same for a path of ours (on ROOT's tmpfs), a symlink included.  */
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

/* The upper and work folders of REL: made below their roots by fd, never through a symlink.
   With --persist they hold what sandboxes wrote: a symlink or a file on the way (a run with
   another root made it) is refused, not followed.  */
static int
open_upper (struct rootctx *c, const char *rel, int *ret_up, int *ret_work, struct sb_error **err)
{
  *ret_up = inroot_dir_beneath (c->upper_fd, rel, 0755);
  *ret_work = *ret_up >= 0 ? inroot_dir_beneath (c->work_fd, rel, 0700) : -1;
  if (*ret_work >= 0)
    return 0;
  if (c->persist_fd >= 0 && (errno == ELOOP || errno == ENOTDIR))
    return sb_error_set (err, 0,
                         "--persist '%s': '%s/%s' is not a folder (a run with another root made "
                         "it); use a new folder",
                         c->cfg->persist, *ret_up < 0 ? "upper" : "work", rel);
  return sb_error_set (err, errno, "upper folder of '/%s'", rel);
}

/* One overlay of REL ("" for the whole root) on ROOT/REL: the layers that have REL as a
   folder, top first, over the lower tree's REL.  OWNER: the top-most lower folder's stat,
   whose owner and mode the overlay's root shows; NULL for the whole root.  */
static int
mount_overlay (struct rootctx *c, const char *rel, const struct stat *owner, struct sb_error **err)
{
  cleanup_free char *target = join (ROOT, rel);
  cleanup_free char *lowers = xcalloc (1, 1);
  cleanup_close int up = -1;
  cleanup_close int work = -1;
  int fds[MAX_LOWERS];
  size_t n = 0;
  char upper[32], workp[32];
  int r = -1;

  for (size_t i = 0; i <= c->n_layers && n < MAX_LOWERS; i++)
    {
      int fd = lower_open (c, i, rel, O_PATH | O_DIRECTORY);
      size_t len = strlen (lowers);

      if (fd < 0 && errno == ENOENT)
        continue;
      if (fd < 0)
        break; /* a file or a symlink here hides the lower ones */
      fds[n++] = fd;
      lowers = xreallocarray (lowers, len + 32, 1);
      snprintf (lowers + len, 32, "%s/proc/self/fd/%d", len ? ":" : "", fd);
    }
  if (n == 0)
    {
      sb_error_set (err, ENOENT, "lower folder of '/%s'", rel);
      goto out;
    }
  if (open_upper (c, rel, &up, &work, err) < 0)
    goto out;
  /* the overlay's root shows the upper folder's owner and mode: make them the lower's */
  if (owner != NULL)
    own_like_fd (up, owner);
  fd_path (up, upper);
  fd_path (work, workp);
  r = overlay_mount_kernel (target, lowers, upper, workp, err);
out:
  for (size_t i = 0; i < n; i++)
    (void) close (fds[i]);
  return r;
}

/* A file of the lower tree in a split folder (FD: an O_PATH fd on it): bound read-only.  */
static int
bind_file_ro (int fd, const char *target, struct sb_error **err)
{
  int t = open (target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  char src[32];

  if (t < 0)
    return sb_error_set (err, errno, "create '%s'", target + strlen (ROOT));
  (void) close (t);
  fd_path (fd, src);
  if (mount (src, target, NULL, MS_BIND, NULL) < 0)
    return sb_error_set (err, errno, "bind '%s'", target + strlen (ROOT));
  if (mount (NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags (target), NULL)
      < 0)
    return sb_error_set (err, errno, "remount '%s' read-only", target + strlen (ROOT));
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

/* Calls FN (NAME, ARG) for each entry of the folder FD but "." and "..", until FN returns
   false; FD is closed.  getdents64 itself: fdopendir would add an fstat and an fcntl per
   folder, and the root is a few dozen of them.  */
static void
each_name (int fd, bool (*fn) (const char *name, void *arg), void *arg)
{
  char buf[8192];
  bool more = true;

  while (more)
    {
      long n = syscall (SYS_getdents64, fd, buf, sizeof buf);

      if (n <= 0)
        break;
      for (long off = 0; more && off < n;)
        {
          struct dirent64 *de = (struct dirent64 *) (buf + off);

          off += de->d_reclen;
          if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
            more = fn (de->d_name, arg);
        }
    }
  (void) close (fd);
}

static bool
add_name (const char *name, void *arg)
{
  char ***names = arg;

  for (char **n = *names; *n != NULL; n++)
    if (strcmp (*n, name) == 0)
      return true;
  strv_push (names, xstrdup (name));
  return true;
}

/* The names in REL of the lower tree and of every layer.  */
static char **
list_names (const struct rootctx *c, const char *rel)
{
  char **names = xcalloc (1, sizeof (char *));

  for (size_t i = 0; i <= c->n_layers; i++)
    {
      int fd = lower_open (c, i, rel, O_RDONLY | O_DIRECTORY);

      if (fd >= 0)
        each_name (fd, add_name, &names);
    }
  return names;
}

/* The top-most copy of REL among the layers and the lower tree: an O_PATH fd on it (a
   symlink itself), or -1.  */
static int
find_lower (const struct rootctx *c, const char *rel, struct stat *st)
{
  for (size_t i = 0; i <= c->n_layers; i++)
    {
      int fd = lower_open (c, i, rel, O_PATH | O_NOFOLLOW);

      if (fd >= 0 && fstat (fd, st) == 0)
        return fd;
      if (fd >= 0)
        (void) close (fd);
      if (errno != ENOENT)
        return -1;
    }
  return -1;
}

static bool
seen_name (const char *name, void *arg)
{
  (void) name;
  *(bool *) arg = true;
  return false;
}

/* REL has no entry in the lower tree nor in any layer.  A folder we cannot read is not
   known to be empty: it keeps its overlay.  */
static bool
is_empty_everywhere (const struct rootctx *c, const char *rel)
{
  for (size_t i = 0; i <= c->n_layers; i++)
    {
      int fd = lower_open (c, i, rel, O_RDONLY | O_DIRECTORY);
      bool seen = false;

      if (fd < 0)
        {
          if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
            continue; /* not in this layer */
          return false;
        }
      each_name (fd, seen_name, &seen);
      if (seen)
        return false;
    }
  return true;
}

static int assemble (struct rootctx *c, const char *rel, int depth, struct sb_error **err);

static int
assemble_entry (struct rootctx *c, const char *rel, int depth, struct sb_error **err)
{
  cleanup_free char *target = join (ROOT, rel);
  cleanup_free char *real = join (c->base_real, rel);
  cleanup_close int src = -1;
  struct stat st;
  const char *type;

  if (depth == 0 && is_fresh (rel))
    {
      if (mkdir (target, 0755) < 0)
        return sb_error_set (err, errno, "mkdir '/%s'", rel);
      return 0;
    }
  src = find_lower (c, rel, &st);
  if (src < 0)
    return 0; /* gone since we listed it, or hidden */
  if (S_ISLNK (st.st_mode))
    {
      char link[PATH_MAX];
      ssize_t n = readlinkat (src, "", link, sizeof link - 1);

      if (n < 0)
        return sb_error_set (err, errno, "readlink '/%s'", rel);
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
  return mount_overlay (c, rel, &st, err);
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
    return mount_overlay (c, "", NULL, err);
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

  tree = sys_open_tree (c->base_fd, "",
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
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
   (whiteouts and opaque markers differ), so a mismatch is an error, not a surprise.  The
   record is a sandbox's data too: read without following a symlink.  */
static int
persist_engine (struct rootctx *c, struct sb_error **err)
{
  const struct config *cfg = c->cfg;
  cleanup_close int fd = sys_openat2 (c->persist_fd, "engine", O_RDONLY | O_NONBLOCK | O_CLOEXEC,
                                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
  cleanup_free char *rec = NULL;
  enum overlay_engine want;
  struct stat st;

  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return sb_error_set (err, 0, "--persist '%s': its engine record is not a file", cfg->persist);
  rec = read_fd (fd, NULL);
  if (rec == NULL)
    return sb_error_set (err, errno, "--persist '%s': read its engine record", cfg->persist);
  rec[strcspn (rec, "\n")] = '\0';
  if (strcmp (rec, "kernel") == 0)
    want = OVERLAY_KERNEL;
  else if (strcmp (rec, "fuse") == 0)
    want = OVERLAY_FUSE;
  else
    return sb_error_set (err, 0, "--persist '%s': unknown engine '%.32s' in its engine file",
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

/* The roots of the upper and work folders: the persist folder's (opened before BASE
   covered the host's /tmp), or ours on BASE.  */
static int
open_upper_roots (struct rootctx *c, struct sb_error **err)
{
  if (c->persist_fd >= 0)
    return 0;
  if (mkdir (BASE "/upper", 0755) < 0 || mkdir (BASE "/work", 0700) < 0)
    return sb_error_set (err, errno, "mkdir in '%s'", BASE);
  c->upper_fd = open (BASE "/upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  c->work_fd = open (BASE "/work", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (c->upper_fd < 0 || c->work_fd < 0)
    return sb_error_set (err, errno, "open the upper folder in '%s'", BASE);
  return 0;
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

  if (mkdir (ROOT, 0755) < 0)
    return sb_error_set (err, errno, "mkdir '%s'", ROOT);
  if (cfg->overlay == OVERLAY_NONE)
    return root_readonly (c, err);
  if (open_upper_roots (c, err) < 0)
    return -1;
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
      /* a persist folder that a sandbox tampered with is no reason to try another way */
      if (c->engine == OVERLAY_KERNEL || (*err)->errnum == 0)
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

/* A folder the launcher resolved (canonical), opened again in our own mount namespace:
   the overlay takes only folders of it.  No symlink may be on the way now.  */
static int
open_dir (const char *opt, const char *path, struct sb_error **err)
{
  int fd = sys_openat2 (AT_FDCWD, path, O_PATH | O_DIRECTORY | O_CLOEXEC,
                        RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);

  if (fd < 0)
    return sb_error_set (err, errno, "--%s '%s'", opt, path);
  return fd;
}

/* Everything from the host that BASE may cover: lower folders, the persist folder, the
   sources of binds.  */
static int
rootctx_open (struct rootctx *c, const struct config *cfg, int sock, struct sb_error **err)
{
  size_t n = strv_len (cfg->layers);

  memset (c, 0, sizeof *c);
  c->cfg = cfg;
  c->sock = sock;
  c->base_fd = c->persist_fd = c->upper_fd = c->work_fd = c->fuse_fd = -1;
  c->engine = cfg->overlay;
  c->n_layers = n;
  c->layer_fds = xcalloc (n + 1, sizeof (int));
  c->trees = xcalloc (cfg->n_mounts + 1, sizeof (int));
  for (size_t i = 0; i < cfg->n_mounts; i++)
    c->trees[i] = -1;
  for (size_t i = 0; i < n; i++)
    c->layer_fds[i] = -1;
  if (n > MAX_LOWERS - 1)
    return sb_error_set (err, 0, "--layer: at most %d layers", MAX_LOWERS - 1);
  c->base_real = xstrdup (cfg->rootfs ? cfg->rootfs : "/");
  if ((c->base_fd = open_dir ("rootfs", c->base_real, err)) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) /* top first */
    if ((c->layer_fds[i] = open_dir ("layer", cfg->layers[n - 1 - i], err)) < 0)
      return -1;
  if (cfg->persist != NULL)
    {
      if ((c->persist_fd = open_dir ("persist", cfg->persist, err)) < 0)
        return -1;
      c->upper_fd = inroot_dir_beneath (c->persist_fd, "upper", 0);
      c->work_fd = c->upper_fd >= 0 ? inroot_dir_beneath (c->persist_fd, "work", 0) : -1;
      if (c->work_fd < 0)
        return sb_error_set (err, errno, "--persist '%s': its %s folder", cfg->persist,
                             c->upper_fd < 0 ? "upper" : "work");
      if (persist_engine (c, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < cfg->n_mounts; i++)
    if (cfg->mounts[i].src != NULL && (c->trees[i] = binds_open (&cfg->mounts[i], err)) < 0)
      return -1;
  return read_mounts (c, err);
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

/* An empty file of ours: what a masked file shows.  */
static int
make_empty (struct sb_error **err)
{
  int fd = open (BASE "/empty", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);

  if (fd < 0)
    return sb_error_set (err, errno, "create '%s/empty'", BASE);
  (void) close (fd);
  fd = open (BASE "/empty", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return sb_error_set (err, errno, "open '%s/empty'", BASE);
  return fd;
}

int
rootfs_setup (struct rootctx *rc, struct sb_error **err)
{
  struct rootctx c = *rc;
  const struct config *cfg = c.cfg;
  cleanup_close int root = -1;
  cleanup_close int empty = -1;
  int r = -1;

  free (rc);
  {
    char opts[128], size[96];

    mounts_pool_opts (cfg, size, sizeof size);
    snprintf (opts, sizeof opts, "mode=0700,%s", size);
    if (do_mount ("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, opts, err) < 0)
      goto out;
  }
  if ((empty = make_empty (err)) < 0 || setup_lower (&c, err) < 0)
    goto out;
  root = open (ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    {
      sb_error_set (err, errno, "open '%s'", ROOT);
      goto out;
    }
  /* the desktop's sockets and devices go on the fresh /tmp, /run and /dev; the user's
     binds after them may still cover them */
  if (mounts_setup_pseudo (root, err) < 0 || desktop_setup (cfg, root, err) < 0
      || mounts_setup_user (cfg, root, c.trees, empty, err) < 0)
    goto out;
  if (net_setup_files (cfg, root, err) < 0)
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
