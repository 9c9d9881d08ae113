/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image-unpack.c: a layer blob into a folder (see image-unpack.h).  Think of the blob as
   written by an attacker: every path is cleaned (no "..", no absolute path), every parent is
   walked one folder at a time with O_NOFOLLOW (a symlink of the layer never redirects a
   write), hard links point inside the layer only, device nodes are skipped, xattrs are
   dropped (user.overlay.* ones would steer the overlay), and a file larger than the space
   left is refused before it is written.  */
#include "build-config.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "error.h"
#include "image-unpack.h"
#include "log.h"
#include "util.h"

#define MAX_DEPTH 128
#define CHUNK (256u << 10)
#define OPAQUE_XATTR "user.overlay.opaque"

void
image_sha256 (const void *buf, size_t len, char out[72])
{
  struct sha256_ctx c;
  uint8_t d[SHA256_DIGEST_SIZE];

  sha256_init (&c);
  sha256_update (&c, len, buf);
  sha256_digest (&c, sizeof d, d);
  /* the digits follow: snprintf ends the string */
  memcpy (out, "sha256:", 7); // NOLINT(bugprone-not-null-terminated-result)
  for (size_t i = 0; i < sizeof d; i++)
    snprintf (out + 7 + 2 * i, 3, "%02x", d[i]);
}

static void
digest_hex (struct sha256_ctx *c, char out[72])
{
  uint8_t d[SHA256_DIGEST_SIZE];

  sha256_digest (c, sizeof d, d);
  /* the digits follow: snprintf ends the string */
  memcpy (out, "sha256:", 7); // NOLINT(bugprone-not-null-terminated-result)
  for (size_t i = 0; i < sizeof d; i++)
    snprintf (out + 7 + 2 * i, 3, "%02x", d[i]);
}

/* ---------------------------------------------------------------- removing a tree */

static int
rm_contents (int dfd, int depth)
{
  DIR *d;
  struct dirent *de;
  int r = 0;

  if (depth > MAX_DEPTH + 2)
    {
      errno = ELOOP;
      return -1;
    }
  d = fdopendir (dfd);
  if (d == NULL)
    {
      (void) close (dfd);
      return -1;
    }
  while ((de = readdir (d)) != NULL)
    {
      int sub;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (dirfd (d), de->d_name, 0) == 0)
        continue;
      if (errno != EISDIR)
        {
          r = -1;
          continue;
        }
      sub = openat (dirfd (d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0 || rm_contents (sub, depth + 1) < 0
          || unlinkat (dirfd (d), de->d_name, AT_REMOVEDIR) < 0)
        r = -1;
    }
  closedir (d);
  return r;
}

int
image_rm_tree (int dir, const char *name)
{
  int fd;

  if (unlinkat (dir, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR)
    return -1;
  fd = openat (dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  /* a folder without write or search permission: root of the namespace may still enter */
  if (rm_contents (fd, 0) < 0)
    return -1;
  return unlinkat (dir, name, AT_REMOVEDIR);
}

/* ---------------------------------------------------------------- the two readers */

struct stream
{
  struct image_blob *blob;
  struct sha256_ctx digest; /* of the blob as stored */
  struct sha256_ctx diff;   /* of the uncompressed tar */
  uint64_t blob_bytes, tar_bytes;
  struct archive *raw; /* decompresses the blob */
  image_progress_fn progress;
  void *progress_arg;
  char buf[CHUNK];
};

static la_ssize_t
blob_read_cb (struct archive *a, void *arg, const void **buf)
{
  struct stream *s = arg;
  ssize_t n = s->blob->read (s->blob, s->buf, sizeof s->buf);

  if (n < 0)
    {
      archive_set_error (a, errno, "read the blob");
      return -1;
    }
  sha256_update (&s->digest, (size_t) n, (const uint8_t *) s->buf);
  s->blob_bytes += (uint64_t) n;
  if (s->progress != NULL)
    s->progress (s->progress_arg, (uint64_t) n);
  *buf = s->buf;
  return n;
}

static la_ssize_t
tar_read_cb (struct archive *a, void *arg, const void **buf)
{
  struct stream *s = arg;
  const void *b;
  size_t len;
  la_int64_t off;
  int r = archive_read_data_block (s->raw, &b, &len, &off);

  if (r == ARCHIVE_EOF)
    return 0;
  if (r < ARCHIVE_OK)
    {
      archive_set_error (a, archive_errno (s->raw), "%s", archive_error_string (s->raw));
      return -1;
    }
  sha256_update (&s->diff, len, b);
  s->tar_bytes += len;
  *buf = b;
  return (la_ssize_t) len;
}

static int
open_raw (struct stream *s, const struct image_layer_desc *d, struct sb_error **err)
{
  struct archive_entry *e;
  int want = -1;

  s->raw = archive_read_new ();
  if (s->raw == NULL)
    oom ();
  if (d->compression == IMAGE_GZIP || d->compression == IMAGE_AUTO)
    {
      if (archive_read_support_filter_gzip (s->raw) != ARCHIVE_OK)
        return sb_error_set (err, 0, "libarchive was built without zlib");
      want = ARCHIVE_FILTER_GZIP;
    }
  if (d->compression == IMAGE_ZSTD || d->compression == IMAGE_AUTO)
    {
      if (archive_read_support_filter_zstd (s->raw) != ARCHIVE_OK)
        return sb_error_set (err, 0, "libarchive was built without libzstd");
      want = ARCHIVE_FILTER_ZSTD;
    }
  if (d->compression == IMAGE_TAR)
    want = ARCHIVE_FILTER_NONE;
  archive_read_support_format_raw (s->raw);
  if (archive_read_open (s->raw, s, NULL, blob_read_cb, NULL) != ARCHIVE_OK
      || archive_read_next_header (s->raw, &e) != ARCHIVE_OK)
    return sb_error_set (err, 0, "%s", archive_error_string (s->raw));
  if (d->compression != IMAGE_AUTO && archive_filter_code (s->raw, 0) != want)
    return sb_error_set (err, 0, "not %s, as its media type says",
                         d->compression == IMAGE_GZIP   ? "gzip-compressed"
                         : d->compression == IMAGE_ZSTD ? "zstd-compressed"
                                                        : "an uncompressed tar");
  return 0;
}

/* ---------------------------------------------------------------- paths */

struct unpack
{
  int root;
  bool flat_ids;
  uint64_t space; /* bytes left on the file system */
  struct image_unpack_result *res;
  /* the last parent folder walked to, kept open: entries come folder by folder */
  char *cached;
  int cached_fd;
};

static void
cache_drop (struct unpack *u)
{
  free (u->cached);
  u->cached = NULL;
  closep (&u->cached_fd);
}

/* IN as a clean relative path into OUT: "." and empty parts dropped; "..", an absolute path
   or a folder named .wh.* refused.  "" is the layer's root.  */
static int
clean_path (const char *in, char *out, struct sb_error **err)
{
  size_t len = 0;
  int depth = 0;

  if (in == NULL || in[0] == '/')
    return sb_error_set (err, 0, "'%s': an absolute path", in ? in : "");
  out[0] = '\0';
  for (const char *p = in; *p != '\0';)
    {
      size_t n = strcspn (p, "/");

      if (n == 0 || (n == 1 && p[0] == '.'))
        ;
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        return sb_error_set (err, 0, "'%s': a path that leaves the layer's root", in);
      else if (n > NAME_MAX || len + n + 2 > PATH_MAX || ++depth > MAX_DEPTH)
        return sb_error_set (err, 0, "'%s': a path too long or too deep", in);
      else
        {
          if (len > 0)
            out[len++] = '/';
          memcpy (out + len, p, n);
          len += n;
          out[len] = '\0';
        }
      p += n;
      if (*p == '/')
        p++;
    }
  /* only a last part may be a whiteout: a folder named .wh.X would read as one */
  for (const char *s = strstr (out, ".wh."); s != NULL; s = strstr (s + 1, ".wh."))
    if ((s == out || s[-1] == '/') && strchr (s, '/') != NULL)
      return sb_error_set (err, 0, "'%s': a folder named like a whiteout", in);
  return 0;
}

static bool
is_whiteout (const struct stat *st)
{
  return S_ISCHR (st->st_mode) && st->st_rdev == makedev (0, 0);
}

static int
set_opaque (int fd, const char *path, struct sb_error **err)
{
  if (fsetxattr (fd, OPAQUE_XATTR, "y", 1, 0) < 0)
    return sb_error_set (err, errno,
                         "'%s': mark the folder opaque (the store's file system needs user "
                         "xattrs)",
                         path);
  return 0;
}

/* One folder down from DIR: made when missing (CREATE); a symlink or a file is refused.  */
static int
walk_one (int dir, const char *name, const char *path, bool create, struct sb_error **err)
{
  struct stat st;
  int fd = openat (dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd >= 0)
    return fd;
  if (errno == ENOENT && create)
    {
      if (mkdirat (dir, name, 0755) < 0)
        return sb_error_set (err, errno, "'%s': make its folder '%s'", path, name);
      fd = openat (dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        return sb_error_set (err, errno, "'%s': open its folder '%s'", path, name);
      return fd;
    }
  if (errno == ENOENT)
    return sb_error_set (err, 0, "'%s': no '%s' in this layer", path, name);
  if (fstatat (dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
    return sb_error_set (err, 0, "'%s': written through the symlink '%s' in the layer", path, name);
  if (fstatat (dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && is_whiteout (&st) && create)
    {
      /* deleted, then made again in this layer: a new folder that hides the lower one */
      if (unlinkat (dir, name, 0) < 0 || mkdirat (dir, name, 0755) < 0)
        return sb_error_set (err, errno, "'%s': make its folder '%s'", path, name);
      fd = openat (dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0 || set_opaque (fd, path, err) < 0)
        {
          if (fd >= 0)
            (void) close (fd);
          return fd < 0 ? sb_error_set (err, errno, "'%s': open '%s'", path, name) : -1;
        }
      return fd;
    }
  return sb_error_set (err, ENOTDIR, "'%s': '%s'", path, name);
}

/* The folder that holds PATH (clean, not ""), walked from the root; *RET_NAME: PATH's last
   part.  The fd stays the unpacker's (valid until the next call).  */
static int
open_parent (struct unpack *u, const char *path, bool create, const char **ret_name,
             struct sb_error **err)
{
  const char *slash = strrchr (path, '/');
  cleanup_free char *parent = slash ? strndup (path, (size_t) (slash - path)) : xstrdup ("");
  int fd;

  if (parent == NULL)
    oom ();
  *ret_name = slash ? slash + 1 : path;
  if (*parent == '\0')
    return u->root;
  if (u->cached != NULL && strcmp (u->cached, parent) == 0)
    return u->cached_fd;
  cache_drop (u);
  fd = u->root;
  for (char *p = parent, *next; p != NULL; p = next)
    {
      int sub;

      next = strchr (p, '/');
      if (next != NULL)
        *next++ = '\0';
      sub = walk_one (fd, p, path, create, err);
      if (fd != u->root)
        (void) close (fd);
      if (sub < 0)
        return -1;
      fd = sub;
      if (next != NULL)
        next[-1] = '/';
    }
  u->cached = steal_ptr (&parent);
  u->cached_fd = fd;
  return fd;
}

/* Makes room for a new entry NAME in DIR: what a former entry left there goes (tar: the
   later entry wins).  1: a folder is there and DIR_OK.  */
static int
clear_slot (struct unpack *u, int dir, const char *name, bool dir_ok, bool *was_whiteout,
            const char *path, struct sb_error **err)
{
  struct stat st;

  *was_whiteout = false;
  if (fstatat (dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : sb_error_set (err, errno, "'%s'", path);
  if (S_ISDIR (st.st_mode) && dir_ok)
    return 1;
  *was_whiteout = is_whiteout (&st);
  if (S_ISDIR (st.st_mode))
    cache_drop (u); /* the cached folder may be below it */
  if (image_rm_tree (dir, name) < 0)
    return sb_error_set (err, errno, "'%s': replace the former entry", path);
  return 0;
}

/* ---------------------------------------------------------------- entries */

static int
set_owner (struct unpack *u, int dir, const char *name, int fd, struct archive_entry *e,
           const char *path, struct sb_error **err)
{
  la_int64_t uid = archive_entry_uid (e), gid = archive_entry_gid (e);
  int r;

  if (uid < 0 || gid < 0 || uid > 4294967294LL || gid > 4294967294LL)
    return sb_error_set (err, 0, "'%s': bad owner %lld:%lld", path, (long long) uid,
                         (long long) gid);
  if (u->flat_ids || (uid == 0 && gid == 0))
    return 0; /* made by root of the namespace already */
  r = fd >= 0 ? fchown (fd, (uid_t) uid, (gid_t) gid)
              : fchownat (dir, name, (uid_t) uid, (gid_t) gid, AT_SYMLINK_NOFOLLOW);
  if (r < 0 && errno == EINVAL)
    return sb_error_set (err, 0,
                         "'%s': owner %lld:%lld is outside the ids your subuid and subgid "
                         "ranges map (make them at least 65536 long)",
                         path, (long long) uid, (long long) gid);
  if (r < 0)
    return sb_error_set (err, errno, "'%s': chown", path);
  return 0;
}

/* mode after the owner (a chown clears setuid bits), then the times */
static int
set_meta (struct unpack *u, int dir, const char *name, int fd, struct archive_entry *e,
          const char *path, struct sb_error **err)
{
  struct timespec ts[2] = { { archive_entry_mtime (e), archive_entry_mtime_nsec (e) },
                            { archive_entry_mtime (e), archive_entry_mtime_nsec (e) } };

  if (set_owner (u, dir, name, fd, e, path, err) < 0)
    return -1;
  if (fd >= 0 && fchmod (fd, archive_entry_perm (e) & 07777) < 0)
    return sb_error_set (err, errno, "'%s': chmod", path);
  if ((fd >= 0 ? futimens (fd, ts) : utimensat (dir, name, ts, AT_SYMLINK_NOFOLLOW)) < 0)
    return sb_error_set (err, errno, "'%s': set its times", path);
  return 0;
}

static int
write_file (struct unpack *u, struct archive *tar, int dir, const char *name,
            struct archive_entry *e, const char *path, struct sb_error **err)
{
  cleanup_close int fd = -1;
  uint64_t size = archive_entry_size_is_set (e) ? (uint64_t) archive_entry_size (e) : 0;
  uint64_t pos = 0;

  if (size > u->space)
    return sb_error_set (err, 0, "'%s': %llu bytes, more than the %llu left on the store's disk",
                         path, (unsigned long long) size, (unsigned long long) u->space);
  fd = openat (dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return sb_error_set (err, errno, "'%s': create", path);
  for (;;)
    {
      const void *buf;
      size_t len;
      la_int64_t off;
      int r = archive_read_data_block (tar, &buf, &len, &off);

      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_OK)
        return sb_error_set (err, 0, "'%s': %s", path, archive_error_string (tar));
      if ((uint64_t) off + len > size)
        return sb_error_set (err, 0, "'%s': data beyond its size", path);
      /* a sparse file's holes stay holes */
      if ((uint64_t) off != pos && lseek (fd, off, SEEK_SET) < 0)
        return sb_error_set (err, errno, "'%s': seek", path);
      if (write_all (fd, buf, len) < 0)
        return sb_error_set (err, errno, "'%s': write", path);
      pos = (uint64_t) off + len;
    }
  if (pos != size && ftruncate (fd, (off_t) size) < 0)
    return sb_error_set (err, errno, "'%s': truncate", path);
  u->space -= size;
  u->res->size += size;
  return set_meta (u, dir, name, fd, e, path, err);
}

static int
make_hardlink (struct unpack *u, const char *target, const char *path, struct sb_error **err)
{
  const char *name;
  int dir;
  char clean[PATH_MAX];
  const char *tname;
  cleanup_close int tdir = -1;
  struct stat st;
  bool wh;
  int fd;

  if (clean_path (target, clean, err) < 0)
    {
      sb_error_prefix (*err, "'%s': a hard link to ", path);
      return -1;
    }
  if (*clean == '\0')
    return sb_error_set (err, 0, "'%s': a hard link to the layer's root", path);
  /* the target's folder is walked without making anything: it is in this layer or not */
  fd = open_parent (u, clean, false, &tname, err);
  if (fd < 0)
    {
      sb_error_free (err);
      return sb_error_set (err, 0, "'%s': a hard link to '%s', which is outside the layer", path,
                           target);
    }
  tdir = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  if (tdir < 0)
    return sb_error_set (err, errno, "dup");
  if (fstatat (tdir, tname, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR (st.st_mode))
    return sb_error_set (err, 0, "'%s': a hard link to '%s', which is outside the layer", path,
                         target);
  dir = open_parent (u, path, true, &name, err);
  if (dir < 0 || clear_slot (u, dir, name, false, &wh, path, err) < 0)
    return -1;
  if (linkat (tdir, tname, dir, name, 0) < 0)
    return sb_error_set (err, errno, "'%s': link to '%s'", path, target);
  return 0;
}

static int
make_whiteout (struct unpack *u, int dir, const char *name, const char *path, struct sb_error **err)
{
  struct stat st;

  if (strcmp (name, ".wh..wh..opq") == 0)
    {
      cleanup_close int fd = -1;

      fd = dir == u->root ? fcntl (dir, F_DUPFD_CLOEXEC, 3)
                          : openat (dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0)
        return sb_error_set (err, errno, "'%s'", path);
      return set_opaque (fd, path, err);
    }
  if (strncmp (name, ".wh..wh.", 8) == 0)
    return 0; /* aufs's own bookkeeping (.wh..wh.plnk): nothing for an overlay */
  name += 4;
  if (*name == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return sb_error_set (err, 0, "'%s': a whiteout of nothing", path);
  /* this layer has NAME itself: it hides the lower ones already */
  if (fstatat (dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  if (mknodat (dir, name, S_IFCHR | 0000, makedev (0, 0)) < 0)
    return sb_error_set (err, errno, "'%s': make the whiteout", path);
  return 0;
}

static int
make_dir (struct unpack *u, int dir, const char *name, struct archive_entry *e, const char *path,
          struct sb_error **err)
{
  cleanup_close int fd = -1;
  bool wh;
  int r = clear_slot (u, dir, name, true, &wh, path, err);

  if (r < 0)
    return -1;
  if (r == 0 && mkdirat (dir, name, 0700) < 0)
    return sb_error_set (err, errno, "'%s': mkdir", path);
  fd = openat (dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return sb_error_set (err, errno, "'%s': open", path);
  if (wh && set_opaque (fd, path, err) < 0)
    return -1;
  return set_meta (u, dir, name, fd, e, path, err);
}

static int
make_entry (struct unpack *u, struct archive *tar, struct archive_entry *e, const char *path,
            struct sb_error **err)
{
  mode_t type = archive_entry_filetype (e);
  const char *name;
  int dir;
  bool wh;

  if (*path == '\0')
    {
      if (type != AE_IFDIR)
        return sb_error_set (err, 0, "'%s': the layer's root is not a folder",
                             archive_entry_pathname (e));
      return set_meta (u, u->root, ".", u->root, e, "/", err);
    }
  if (archive_entry_hardlink (e) != NULL)
    return make_hardlink (u, archive_entry_hardlink (e), path, err);
  dir = open_parent (u, path, true, &name, err);
  if (dir < 0)
    return -1;
  if (strncmp (name, ".wh.", 4) == 0)
    return make_whiteout (u, dir, name, path, err);
  if (type == AE_IFDIR)
    return make_dir (u, dir, name, e, path, err);
  if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFSOCK)
    {
      /* a rootless sandbox cannot make device nodes (podman skips them too); /dev is fresh */
      if (u->res->devices++ == 0)
        u->res->device_example = xstrdup (path);
      return 0;
    }
  if (type != AE_IFREG && type != AE_IFLNK && type != AE_IFIFO)
    return sb_error_set (err, 0, "'%s': unknown file type %o", path, (unsigned) type);
  if (clear_slot (u, dir, name, false, &wh, path, err) < 0)
    return -1;
  if (type == AE_IFREG)
    return write_file (u, tar, dir, name, e, path, err);
  if (type == AE_IFLNK)
    {
      const char *target = archive_entry_symlink (e);

      if (target == NULL || *target == '\0' || strlen (target) >= PATH_MAX)
        return sb_error_set (err, 0, "'%s': a symlink to nothing", path);
      if (symlinkat (target, dir, name) < 0)
        return sb_error_set (err, errno, "'%s': symlink", path);
      return set_meta (u, dir, name, -1, e, path, err);
    }
  if (mknodat (dir, name, S_IFIFO | 0600, 0) < 0)
    return sb_error_set (err, errno, "'%s': mkfifo", path);
  if (set_owner (u, dir, name, -1, e, path, err) < 0)
    return -1;
  /* the fifo just made, never a symlink: fchmodat cannot be redirected */
  if (fchmodat (dir, name, archive_entry_perm (e) & 07777, 0) < 0)
    return sb_error_set (err, errno, "'%s': chmod", path);
  return 0;
}

/* ---------------------------------------------------------------- the layer */

static int
read_entries (struct unpack *u, struct archive *tar, struct sb_error **err)
{
  struct archive_entry *e;
  char path[PATH_MAX];
  int r;

  while ((r = archive_read_next_header (tar, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
    {
      if (clean_path (archive_entry_pathname (e), path, err) < 0
          || make_entry (u, tar, e, path, err) < 0)
        return -1;
    }
  if (r != ARCHIVE_EOF)
    return sb_error_set (err, 0, "%s", archive_error_string (tar));
  return 0;
}

/* Reads what the tar reader left (padding, anything after its end) and what the
   decompressor left: the digests cover every byte.  */
static int
drain (struct stream *s, struct sb_error **err)
{
  const void *b;
  la_ssize_t n;

  while ((n = tar_read_cb (s->raw, s, &b)) > 0)
    ;
  if (n < 0)
    return sb_error_set (err, 0, "%s", archive_error_string (s->raw));
  while ((n = blob_read_cb (s->raw, s, &b)) > 0)
    ;
  if (n < 0)
    return sb_error_set (err, errno, "read the blob");
  return 0;
}

static int
check_digests (struct stream *s, const struct image_layer_desc *d, struct sb_error **err)
{
  char got[72];

  digest_hex (&s->digest, got);
  if (d->digest != NULL && strcmp (got, d->digest) != 0)
    return sb_error_set (err, 0, "wrong digest: the blob is %s", got);
  if (d->size >= 0 && s->blob_bytes != (uint64_t) d->size)
    return sb_error_set (err, 0, "%llu bytes, the manifest says %lld",
                         (unsigned long long) s->blob_bytes, (long long) d->size);
  digest_hex (&s->diff, got);
  if (strcmp (got, d->diff_id) != 0)
    return sb_error_set (err, 0, "wrong diff_id: the uncompressed layer is %s", got);
  return 0;
}

int
image_unpack_layer (struct image_blob *blob, const struct image_layer_desc *d, int root,
                    bool flat_ids, image_progress_fn progress, void *progress_arg,
                    struct image_unpack_result *ret, struct sb_error **err)
{
  cleanup_free struct stream *s = xcalloc (1, sizeof *s);
  struct unpack u = { .root = root, .flat_ids = flat_ids, .res = ret, .cached_fd = -1 };
  struct archive *tar = NULL;
  struct statvfs vfs;
  int r = -1;

  memset (ret, 0, sizeof *ret);
  s->blob = blob;
  s->progress = progress;
  s->progress_arg = progress_arg;
  sha256_init (&s->digest);
  sha256_init (&s->diff);
  u.space = fstatvfs (root, &vfs) == 0 ? (uint64_t) vfs.f_bavail * vfs.f_frsize : UINT64_MAX;
  if (open_raw (s, d, err) < 0)
    goto out;
  tar = archive_read_new ();
  if (tar == NULL)
    oom ();
  archive_read_support_format_tar (tar);
  if (archive_read_open (tar, s, NULL, tar_read_cb, NULL) != ARCHIVE_OK)
    {
      sb_error_set (err, 0, "%s", archive_error_string (tar));
      goto out;
    }
  if (read_entries (&u, tar, err) < 0 || drain (s, err) < 0 || check_digests (s, d, err) < 0)
    goto out;
  r = 0;
out:
  cache_drop (&u);
  if (tar != NULL)
    archive_read_free (tar);
  if (s->raw != NULL)
    archive_read_free (s->raw);
  if (r < 0)
    sb_error_prefix (*err, "layer %s: ", d->digest ? d->digest : d->diff_id);
  return r;
}
