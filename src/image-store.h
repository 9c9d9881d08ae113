/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image-store.h: the per-user image store, $XDG_DATA_HOME/sandbox/images
   (~/.local/share/sandbox/images), mode 0700:
     lock           flock: shared while a start reads the index and locks its layers,
                    exclusive while an import or a removal changes the store
     index.json     the images (name, digests, layers) and the size of each layer
     configs/HEX    each image's config blob, verified when it was imported
     layers/HEX/    one unpacked layer per diff_id, shared by every image that has it; a
                    running sandbox holds a shared flock on each of its layers
     tmp/           layers being unpacked, and layers being removed
   Everything is opened without following symlinks.  Nothing here is re-verified at start:
   no sandbox can write the store (it is read-only inside every sandbox that does not bind
   it by name), and an import verifies what it writes.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sb_error;

struct image_entry
{
  char *name;
  char *digest;  /* the manifest's digest (docker-archive: the config's) */
  char *config;  /* the config blob's digest */
  char *source;  /* the reference it was imported from */
  char *stamp;   /* image_source_stamp of that source when it was imported, or NULL */
  char **layers; /* diff_ids ("sha256:HEX"), bottom first */
};

struct image_index
{
  struct image_entry *images;
  size_t n;
  char **layer_ids; /* the layers the index knows the size of, "sha256:HEX" */
  uint64_t *layer_sizes;
  size_t n_layers;
};

/* "sha256:" and 64 lower-case hex digits: the only digests we accept.  */
bool image_digest_valid (const char *digest);

/* True when REF names a source (oci:, oci-archive:, docker-archive:) rather than a stored
   image.  *RET_REST: what follows the transport.  */
bool image_ref_is_source (const char *ref, const char **ret_rest);

/* What a source REF's file looks like now (the layout's index.json, or the archive):
   device, inode, size and modification time, or NULL when it cannot be read.  A later start
   of the same REF whose stamp is unchanged runs the stored image without the helper: the
   source was verified when imported, and the store is read-only inside every sandbox.  */
char *image_source_stamp (const char *ref);

/* The store's path; NULL when neither XDG_DATA_HOME nor HOME is set.  */
char *image_store_path (void);
/* An O_DIRECTORY fd on the store; CREATE makes it (0700) and its folders.  ENOENT (with
   !CREATE) means there is no store yet.  */
int image_store_open (bool create, struct sb_error **err);
/* flock (OP) on the store's lock file; the fd holds the lock.  */
int image_store_lock (int store, int op, struct sb_error **err);

/* Reads index.json (an empty index when there is none).  */
int image_index_read (int store, struct image_index *ret, struct sb_error **err);
/* Replaces index.json atomically.  */
int image_index_write (int store, const struct image_index *idx, struct sb_error **err);
void image_index_free (struct image_index *idx);
struct image_entry *image_index_find (const struct image_index *idx, const char *name);
/* The size of layer ID (0 when unknown), and setting it.  */
uint64_t image_index_layer_size (const struct image_index *idx, const char *id);
void image_index_set_layer_size (struct image_index *idx, const char *id, uint64_t size);
/* Whether another image than SKIP (NULL: none) has layer ID.  */
bool image_index_layer_used (const struct image_index *idx, const char *id,
                             const struct image_entry *skip);
void image_entry_free (struct image_entry *e);

/* Reads DIR/PATH, a regular file of at most MAX bytes, without following symlinks.  */
char *image_store_read (int dir, const char *path, size_t max, size_t *ret_len,
                        struct sb_error **err);
