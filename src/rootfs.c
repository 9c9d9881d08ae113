/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootfs.c: the new root's own steps, which init.c's build_root runs in order between
   others' (the pseudo file systems, the desktop, the network's files): the pool's tmpfs and
   on it the lower tree (the host's, or --rootfs) with --layer folders over it, copy-on-write
   through overlay.c's engines or bound read-only (--read-only), the upper layer ephemeral or
   a --persist folder's; the user's binds (binds.c), --tmpfs and --mask (mounts.c); pivot_root
   with the old root detached.  It speaks no sync protocol: init.c sends what it keeps.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binds.h"
#include "config.h"
#include "error.h"
#include "hostpath.h"
#include "log.h"
#include "mounts.h"
#include "overlay.h"
#include "rootfs.h"
#include "syscalls.h"
#include "util.h"

/* the one tmpfs of the sandbox's throw-away writes, and the new root's place in it */
#define BASE MOUNTS_POOL

/* What pid 1 opened before BASE covered the host's /tmp.  */
struct rootctx
{
  const struct config *cfg;
  struct overlay_ctx *ov; /* the lower tree, the layers, the persist folder */
  int *trees;             /* per cfg->mounts entry: binds_open's clone of a bind source, else -1 */
  int root_fd;            /* O_PATH on the new root, once its lower tree is there */
  int empty_fd;           /* O_PATH on an empty file of ours: what a --mask shows */
};

static void
rootctx_free (struct rootctx *c)
{
  overlay_close (c->ov);
  c->ov = NULL;
  for (size_t i = 0; c->trees != NULL && i < c->cfg->n_mounts; i++)
    closep (&c->trees[i]);
  free (c->trees);
  c->trees = NULL;
  closep (&c->root_fd);
  closep (&c->empty_fd);
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

/* ---------------------------------------------------------------- prepare */

struct rootctx *
rootfs_open (const struct config *cfg, struct sb_error **err)
{
  struct rootctx *c = xcalloc (1, sizeof *c);

  /* init_main made the mount namespace a slave already: nothing reaches the host */
  c->cfg = cfg;
  c->root_fd = c->empty_fd = -1;
  c->trees = xcalloc (cfg->n_mounts + 1, sizeof (int));
  for (size_t i = 0; i < cfg->n_mounts; i++)
    c->trees[i] = -1;
  c->ov = overlay_open (cfg, err);
  if (c->ov == NULL)
    goto fail;
  for (size_t i = 0; i < cfg->n_mounts; i++)
    if (cfg->mounts[i].src != NULL && (c->trees[i] = binds_open (&cfg->mounts[i], err)) < 0)
      goto fail;
  return c;
fail:
  rootfs_close (c);
  return NULL;
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
rootfs_build_lower (struct rootctx *c, struct sb_error **err)
{
  char opts[128], size[96];

  mounts_pool_opts (c->cfg, size, sizeof size);
  snprintf (opts, sizeof opts, "mode=0700,%s", size);
  if (mount ("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
    return sb_error_set (err, errno, "mount tmpfs on '%s'", BASE);
  c->empty_fd = make_empty (err);
  if (c->empty_fd < 0 || overlay_setup (c->ov, err) < 0)
    return -1;
  c->root_fd = open (overlay_root_path (), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->root_fd < 0)
    return sb_error_set (err, errno, "open '%s'", overlay_root_path ());
  return 0;
}

int
rootfs_take_fuse_fd (struct rootctx *c)
{
  return overlay_take_fuse_fd (c->ov);
}

int
rootfs_take_upper_fd (struct rootctx *c)
{
  return overlay_take_upper_fd (c->ov);
}

int
rootfs_root_fd (const struct rootctx *c)
{
  return c->root_fd;
}

int
rootfs_mount_user (const struct rootctx *c, struct sb_error **err)
{
  return mounts_setup_user (c->cfg, c->root_fd, c->trees, c->empty_fd, err);
}

int
rootfs_pivot (struct rootctx *c, struct sb_error **err)
{
  /* pivot_root (".", "."): the old root ends up on top of the new one, then goes away */
  if (fchdir (c->root_fd) < 0)
    return sb_error_set (err, errno, "chdir '%s'", overlay_root_path ());
  if (sys_pivot_root (".", ".") < 0)
    return sb_error_set (err, errno, "pivot_root");
  if (umount2 (".", MNT_DETACH) < 0)
    return sb_error_set (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return sb_error_set (err, errno, "chdir '/'");
  if (c->cfg->root_propagation != 0 && mount (NULL, "/", NULL, c->cfg->root_propagation, NULL) < 0)
    return sb_error_set (err, errno, "set the root's propagation");
  return 0;
}
