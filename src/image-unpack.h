/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image-unpack.h: one layer blob, streamed once: its digest and diff_id are computed while
   libarchive decompresses (gzip, zstd) and reads its tar, and its entries are written into
   an empty folder with *at calls that never follow a symlink.  Whiteouts become what both
   overlay engines read in a lower layer: a 0/0 character device for `.wh.NAME` and the
   user.overlay.opaque xattr ("y") for `.wh..wh..opq`.  Memory stays bounded whatever the
   layer's size.  sandbox-image only (it links libarchive and nettle).  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sb_error;

enum image_compression
{
  IMAGE_TAR,  /* plain tar */
  IMAGE_GZIP, /* gzip, as the media type says: anything else is an error */
  IMAGE_ZSTD,
  IMAGE_AUTO, /* docker-archive: none, gzip or zstd, by the data */
};

/* A stream of one blob's bytes; READ returns the count, 0 at its end, -1 and errno.  */
struct image_blob
{
  ssize_t (*read) (struct image_blob *b, void *buf, size_t len);
  int fd;
  void *archive; /* the outer archive, for a blob inside one */
};

struct image_layer_desc
{
  char *path;   /* where the blob is in the source */
  char *digest; /* "sha256:HEX" of the blob; NULL: not known (docker-archive) */
  int64_t size; /* the blob's size; -1: not known */
  enum image_compression compression;
  char *diff_id; /* "sha256:HEX" of the uncompressed tar, from the config */
};

/* Called as bytes of the blob are read: progress lines.  */
typedef void (*image_progress_fn) (void *arg, uint64_t bytes);

struct image_unpack_result
{
  uint64_t size;        /* bytes of the regular files */
  unsigned devices;     /* device nodes and sockets skipped */
  char *device_example; /* the first one's path */
};

/* Unpacks D's blob from BLOB into ROOT (an empty folder, the layer's root).  FLAT_IDS: the
   user namespace maps one id, owners are not kept.  On failure ROOT holds a partial tree the
   caller removes.  */
int image_unpack_layer (struct image_blob *blob, const struct image_layer_desc *d, int root,
                        bool flat_ids, image_progress_fn progress, void *progress_arg,
                        struct image_unpack_result *ret, struct sb_error **err);

/* Removes DIR/NAME and everything below it, following no symlink.  */
int image_rm_tree (int dir, const char *name);

/* "sha256:HEX" of BUF into OUT.  */
void image_sha256 (const void *buf, size_t len, char out[72]);
