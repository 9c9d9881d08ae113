/* SPDX-License-Identifier: GPL-2.0-or-later */
/* overlay.c: the lower tree of the new root, copy-on-write or read-only: opens what it is
   made of, chooses the engine (--overlay, the --persist folder's record, auto's rules) and
   hands over to it: overlay-kernel.c (the kernel's overlayfs) or overlay-fuse.c
   (fuse-overlayfs); --read-only binds the lower tree itself.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "inroot.h"
#include "log.h"
#include "overlay-internal.h"
#include "overlay.h"
#include "syscalls.h"
#include "util.h"

static void
ctx_free (struct overlay_ctx *c)
{
  closep (&c->base_fd);
  free (c->base_real);
  for (size_t i = 0; i < c->n_layers; i++)
    closep (&c->layer_fds[i]);
  free (c->layer_fds);
  closep (&c->persist_fd);
  closep (&c->upper_fd);
  closep (&c->work_fd);
  strv_free (c->mnt_paths);
  strv_free (c->mnt_types);
  closep (&c->fuse_fd);
  closep (&c->upper_out_fd);
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
read_mounts (struct overlay_ctx *c, struct sb_error **err)
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

static int
root_bind (struct overlay_ctx *c, bool ro, struct sb_error **err)
{
  struct sb_mount_attr attr = { .attr_set = ro ? MOUNT_ATTR_RDONLY : 0 };
  cleanup_close int tree = -1;
  cleanup_close int target = -1;

  tree = sys_open_tree (c->base_fd, "",
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
  if (tree < 0)
    return sb_error_set (err, errno, "clone the lower tree");
  if (ro && sys_mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0)
    return sb_error_set (err, errno, "make the lower tree read-only");
  target = open (OVERLAY_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
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
persist_engine (struct overlay_ctx *c, struct sb_error **err)
{
  const struct config *cfg = c->cfg;
  cleanup_close int fd = inroot_open_beneath (c->persist_fd, "engine", O_RDONLY | O_NONBLOCK);
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
persist_record (struct overlay_ctx *c)
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

/* The roots of the upper and work folders: the persist folder's (opened before OVERLAY_BASE
   covered the host's /tmp), or ours on OVERLAY_BASE.  */
static int
open_upper_roots (struct overlay_ctx *c, struct sb_error **err)
{
  if (c->persist_fd >= 0)
    return 0;
  if (mkdir (OVERLAY_BASE "/upper", 0755) < 0 || mkdir (OVERLAY_BASE "/work", 0700) < 0)
    return sb_error_set (err, errno, "mkdir in '%s'", OVERLAY_BASE);
  c->upper_fd = open (OVERLAY_BASE "/upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  c->work_fd = open (OVERLAY_BASE "/work", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (c->upper_fd < 0 || c->work_fd < 0)
    return sb_error_set (err, errno, "open the upper folder in '%s'", OVERLAY_BASE);
  return 0;
}

/* The ephemeral upper layer, kept for the launcher, which counts the working directory's
   changes at the end (workdir.c).  Best effort: without it there is no notice.  */
static void
keep_upper (struct overlay_ctx *c)
{
  if (!c->cfg->report_cwd_changes || c->persist_fd >= 0)
    return;
  c->upper_out_fd = open (OVERLAY_BASE "/upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (c->upper_out_fd < 0)
    log_debug ("the upper layer is not counted: %s", strerror (errno));
}

/* -v: which engine, and why (WHY: auto's reason)  */
static void
log_engine (const struct overlay_ctx *c, const char *engine, const char *why)
{
  if (c->cfg->overlay != OVERLAY_AUTO)
    log_debug ("overlay: %s, as --overlay asked", engine);
  else if (c->engine != OVERLAY_AUTO)
    log_debug ("overlay: %s, the engine the --persist folder was made with", engine);
  else
    log_debug ("overlay: auto chose %s: %s", engine, why);
}

int
overlay_setup (struct overlay_ctx *c, struct sb_error **err)
{
  const struct config *cfg = c->cfg;

  if (mkdir (OVERLAY_ROOT, 0755) < 0)
    return sb_error_set (err, errno, "mkdir '%s'", OVERLAY_ROOT);
  if (cfg->overlay == OVERLAY_NONE || cfg->overlay == OVERLAY_BIND)
    return root_bind (c, cfg->overlay == OVERLAY_NONE, err);
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
      if (overlay_kernel_root (c, err) == 0)
        {
          log_engine (c, "the kernel's overlayfs",
                      "it mounts in this user namespace, and is faster than fuse-overlayfs");
          keep_upper (c);
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
      if (umount2 (OVERLAY_ROOT, MNT_DETACH) < 0 && errno != EINVAL)
        return sb_error_set (err, errno, "detach '%s'", OVERLAY_ROOT);
    }
  if (overlay_fuse_root (c, err) < 0)
    {
      if (c->engine == OVERLAY_AUTO)
        sb_error_prefix (*err, "the kernel refused overlayfs here, and ");
      return -1;
    }
  /* auto said why when it chose fuse-overlayfs for root inside */
  if (c->engine != OVERLAY_AUTO && (cfg->overlay != OVERLAY_AUTO || c->persist_fd >= 0))
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

/* Everything from the host that OVERLAY_BASE may cover: lower folders, the persist
   folder.  */
static int
ctx_open (struct overlay_ctx *c, const struct config *cfg, struct sb_error **err)
{
  size_t n = strv_len (cfg->layers);

  memset (c, 0, sizeof *c);
  c->cfg = cfg;
  c->base_fd = c->persist_fd = c->upper_fd = c->work_fd = c->fuse_fd = c->upper_out_fd = -1;
  c->engine = cfg->overlay;
  c->n_layers = n;
  c->layer_fds = xcalloc (n + 1, sizeof (int));
  for (size_t i = 0; i < n; i++)
    c->layer_fds[i] = -1;
  if (n > OVERLAY_MAX_LOWERS - 1)
    return sb_error_set (err, 0, "--layer: at most %d layers", OVERLAY_MAX_LOWERS - 1);
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
  return read_mounts (c, err);
}

const char *
overlay_root_path (void)
{
  return OVERLAY_ROOT;
}

int
overlay_take_fuse_fd (struct overlay_ctx *c)
{
  return steal_fd (&c->fuse_fd);
}

int
overlay_take_upper_fd (struct overlay_ctx *c)
{
  return steal_fd (&c->upper_out_fd);
}

struct overlay_ctx *
overlay_open (const struct config *cfg, struct sb_error **err)
{
  struct overlay_ctx *c = xcalloc (1, sizeof *c);

  if (ctx_open (c, cfg, err) < 0)
    {
      overlay_close (c);
      return NULL;
    }
  return c;
}

void
overlay_close (struct overlay_ctx *c)
{
  if (c == NULL)
    return;
  ctx_free (c);
  free (c);
}
