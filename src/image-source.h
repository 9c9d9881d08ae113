/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image-source.h: where an import reads an image from: an OCI layout folder (oci:DIR[:TAG]),
   an OCI layout in a tar (oci-archive:FILE[:TAG]) or `docker save`'s format
   (docker-archive:FILE[:NAME]).  The index, the manifest and the config are read whole
   (IMAGE_JSON_MAX at most) and verified against their digests; layers are streamed.  An
   archive is read with libarchive, entry by entry, never unpacked to disk.  sandbox-image
   only.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "image-config.h"
#include "image-unpack.h"

struct sb_error;

enum image_transport
{
  IMAGE_OCI,
  IMAGE_OCI_ARCHIVE,
  IMAGE_DOCKER_ARCHIVE,
};

struct image_source
{
  enum image_transport transport;
  char *path; /* the folder or the archive */
  char *tag;  /* TAG or NAME; NULL: none given */
  int dir_fd; /* oci: the layout folder */
  char *manifest_digest;
  char *config_digest;
  char *config; /* the config blob */
  size_t config_len;
  struct image_config parsed;
  struct image_layer_desc *layers; /* bottom first */
  size_t n_layers;
};

/* Opens REF and reads its manifest and config, verified.  */
int image_source_open (const char *ref, struct image_source *ret, struct sb_error **err);
void image_source_free (struct image_source *s);

/* Calls FN for each layer I with WANT[I], with a stream of its blob; an archive is read once
   for all of them.  */
typedef int (*image_layer_fn) (void *arg, size_t i, struct image_blob *blob, struct sb_error **err);
int image_source_layers (struct image_source *s, const bool *want, image_layer_fn fn, void *arg,
                         struct sb_error **err);
