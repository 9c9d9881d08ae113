/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image-source.c: an image's index, manifest, config and layer blobs, from a layout folder
   or an archive (see image-source.h).  */
#include "build-config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "error.h"
#include "image-source.h"
#include "image-store.h"
#include "json.h"
#include "util.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MAX_NESTING 4

static const struct
{
  const char *type;
  enum image_compression compression;
} layer_types[] = {
  { "application/vnd.oci.image.layer.v1.tar", IMAGE_TAR },
  { "application/vnd.oci.image.layer.v1.tar+gzip", IMAGE_GZIP },
  { "application/vnd.oci.image.layer.v1.tar+zstd", IMAGE_ZSTD },
  { "application/vnd.oci.image.layer.nondistributable.v1.tar", IMAGE_TAR },
  { "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", IMAGE_GZIP },
  { "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", IMAGE_ZSTD },
  { "application/vnd.docker.image.rootfs.diff.tar.gzip", IMAGE_GZIP },
  { "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", IMAGE_GZIP },
};

/* ---------------------------------------------------------------- reading entries */

static struct archive *
outer_open (const char *path, struct sb_error **err)
{
  struct archive *a = archive_read_new ();

  if (a == NULL)
    oom ();
  archive_read_support_format_tar (a);
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_zstd (a);
  if (archive_read_open_filename (a, path, 64u << 10) != ARCHIVE_OK)
    {
      sb_error_set (err, archive_errno (a), "'%s'", path);
      archive_read_free (a);
      return NULL;
    }
  return a;
}

/* an entry's name in an archive: "./blobs/x" and "blobs/x" are the same */
static const char *
entry_name (struct archive_entry *e)
{
  const char *n = archive_entry_pathname (e);

  while (n != NULL && n[0] == '.' && n[1] == '/')
    n += 2;
  return n ? n : "";
}

static char *
read_all_archive (struct archive *a, size_t size, const char *what, struct sb_error **err)
{
  cleanup_free char *buf = xcalloc (size + 1, 1);
  size_t len = 0;

  while (len < size)
    {
      la_ssize_t n = archive_read_data (a, buf + len, size - len);

      if (n < 0)
        {
          sb_error_set (err, 0, "%s: %s", what, archive_error_string (a));
          return NULL;
        }
      if (n == 0)
        break;
      len += (size_t) n;
    }
  if (len != size)
    {
      sb_error_set (err, 0, "%s: truncated", what);
      return NULL;
    }
  return steal_ptr (&buf);
}

/* Reads the file NAME of the source (at most MAX bytes).  */
static char *
source_read (struct image_source *s, const char *name, size_t max, size_t *ret_len,
             struct sb_error **err)
{
  struct archive_entry *e;
  struct archive *a;
  char *buf = NULL;
  int r;

  if (s->transport == IMAGE_OCI)
    {
      buf = image_store_read (s->dir_fd, name, max, ret_len, err);
      if (buf == NULL)
        sb_error_prefix (*err, "'%s': ", s->path);
      return buf;
    }
  a = outer_open (s->path, err);
  if (a == NULL)
    return NULL;
  while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
    {
      if (strcmp (entry_name (e), name) != 0 || archive_entry_filetype (e) != AE_IFREG)
        continue;
      if (archive_entry_size (e) < 0 || (uint64_t) archive_entry_size (e) > max)
        sb_error_set (err, 0, "'%s': %s: larger than %zu bytes", s->path, name, max);
      else if ((buf = read_all_archive (a, (size_t) archive_entry_size (e), name, err)) != NULL)
        *ret_len = (size_t) archive_entry_size (e);
      archive_read_free (a);
      if (buf == NULL)
        sb_error_prefix (*err, "'%s': ", s->path);
      return buf;
    }
  if (r != ARCHIVE_EOF)
    sb_error_set (err, 0, "'%s': %s", s->path, archive_error_string (a));
  else
    sb_error_set (err, ENOENT, "'%s': no %s in the archive", s->path, name);
  archive_read_free (a);
  return NULL;
}

static char *
blob_path (const char *digest)
{
  char *p;

  if (asprintf (&p, "blobs/sha256/%s", digest + 7) < 0)
    oom ();
  return p;
}

/* A descriptor's blob, read whole and verified: its size and its digest.  */
static char *
read_blob (struct image_source *s, struct json_object *desc, const char *what, size_t *ret_len,
           struct sb_error **err)
{
  const char *digest = sb_json_str_or (desc, "digest", NULL);
  struct json_object *size = sb_json_member (desc, "size", json_type_null);
  cleanup_free char *path = NULL;
  cleanup_free char *buf = NULL;
  char got[72];
  size_t len;

  if (!image_digest_valid (digest))
    {
      sb_error_set (err, 0, "%s: digest '%s': only sha256 digests are read", what,
                    digest ? digest : "");
      return NULL;
    }
  path = blob_path (digest);
  buf = source_read (s, path, IMAGE_JSON_MAX, &len, err);
  if (buf == NULL)
    {
      if ((*err)->errnum == ENOENT)
        {
          sb_error_free (err);
          sb_error_set (err, 0, "'%s': the %s blob %s is missing", s->path, what, digest);
        }
      return NULL;
    }
  if (size != NULL
      && (!json_object_is_type (size, json_type_int)
          || json_object_get_int64 (size) != (int64_t) len))
    {
      sb_error_set (err, 0, "'%s': %s %s: %zu bytes, not the size its descriptor says", s->path,
                    what, digest, len);
      return NULL;
    }
  image_sha256 (buf, len, got);
  if (strcmp (got, digest) != 0)
    {
      sb_error_set (err, 0, "'%s': %s %s: wrong digest: the blob is %s", s->path, what, digest,
                    got);
      return NULL;
    }
  *ret_len = len;
  return steal_ptr (&buf);
}

/* ---------------------------------------------------------------- OCI */

static const char *
machine_arch (void)
{
  static const char *const map[][2]
      = { { "x86_64", "amd64" },   { "aarch64", "arm64" },   { "i686", "386" },
          { "armv7l", "arm" },     { "ppc64le", "ppc64le" }, { "s390x", "s390x" },
          { "riscv64", "riscv64" } };
  static struct utsname u;

  if (uname (&u) < 0)
    return "amd64";
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (strcmp (u.machine, map[i][0]) == 0)
      return map[i][1];
  return u.machine;
}

static bool
platform_matches (struct json_object *desc)
{
  struct json_object *p = sb_json_member (desc, "platform", json_type_object);

  return strcmp (sb_json_str_or (p, "os", ""), "linux") == 0
         && strcmp (sb_json_str_or (p, "architecture", ""), machine_arch ()) == 0;
}

static struct json_object *
manifests_of (struct json_object *index, const char *what, struct sb_error **err)
{
  struct json_object *m = sb_json_member (index, "manifests", json_type_array);

  if (m == NULL)
    {
      sb_error_set (err, 0, "%s: no 'manifests' array", what);
      return NULL;
    }
  return m;
}

/* The descriptor of index.json that TAG (or else the only one, or else the only one for
   this machine) names.  */
static struct json_object *
pick_top (struct image_source *s, struct json_object *index, struct sb_error **err)
{
  struct json_object *m = manifests_of (index, "index.json", err), *found = NULL;
  size_t n, matches = 0;

  if (m == NULL)
    return NULL;
  n = json_object_array_length (m);
  for (size_t i = 0; i < n; i++)
    {
      struct json_object *d = json_object_array_get_idx (m, i);
      const char *ref = sb_json_str_or (sb_json_member (d, "annotations", json_type_object),
                                        "org.opencontainers.image.ref.name", NULL);
      if (s->tag != NULL && ref != NULL && strcmp (ref, s->tag) == 0)
        return d;
      if (s->tag == NULL && (n == 1 || platform_matches (d)))
        {
          found = d;
          matches++;
        }
    }
  if (s->tag != NULL)
    sb_error_set (err, 0, "'%s': no image tagged '%s' in it", s->path, s->tag);
  else if (matches != 1)
    sb_error_set (err, 0, "'%s': holds %zu images: name one with :TAG", s->path, n);
  return matches == 1 && s->tag == NULL ? found : NULL;
}

static int layer_descs (struct image_source *s, struct json_object *manifest,
                        struct sb_error **err);

static int
resolve (struct image_source *s, struct json_object *desc, int depth, struct sb_error **err)
{
  const char *mt = sb_json_str_or (desc, "mediaType", NULL);
  struct json_object *doc = NULL;
  cleanup_free char *buf = NULL;
  size_t len;
  int r = -1;

  if (depth > MAX_NESTING)
    return sb_error_set (err, 0, "'%s': image indexes nested too deep", s->path);
  if (mt == NULL)
    return sb_error_set (err, 0, "'%s': a descriptor without a media type", s->path);
  if (strcmp (mt, MT_OCI_INDEX) == 0 || strcmp (mt, MT_DOCKER_LIST) == 0)
    {
      struct json_object *m, *pick = NULL;

      buf = read_blob (s, desc, "index", &len, err);
      if (buf == NULL
          || (doc = sb_json_parse (buf, len, IMAGE_JSON_MAX, "image index", err)) == NULL
          || (m = manifests_of (doc, "image index", err)) == NULL)
        goto out;
      for (size_t i = 0; i < json_object_array_length (m) && pick == NULL; i++)
        if (platform_matches (json_object_array_get_idx (m, i)))
          pick = json_object_array_get_idx (m, i);
      if (pick == NULL)
        sb_error_set (err, 0, "'%s': the manifest list has no linux/%s image", s->path,
                      machine_arch ());
      else
        r = resolve (s, pick, depth + 1, err);
      goto out;
    }
  if (strcmp (mt, MT_OCI_MANIFEST) != 0 && strcmp (mt, MT_DOCKER_MANIFEST) != 0)
    return sb_error_set (err, 0, "'%s': unknown media type '%s'", s->path, mt);
  buf = read_blob (s, desc, "manifest", &len, err);
  if (buf == NULL
      || (doc = sb_json_parse (buf, len, IMAGE_JSON_MAX, "image manifest", err)) == NULL)
    goto out;
  s->manifest_digest = xstrdup (sb_json_str_or (desc, "digest", NULL));
  r = layer_descs (s, doc, err);
out:
  json_object_put (doc);
  return r;
}

static int
read_config (struct image_source *s, struct json_object *cdesc, struct sb_error **err)
{
  const char *mt = sb_json_str_or (cdesc, "mediaType", NULL);

  if (mt == NULL || (strcmp (mt, MT_OCI_CONFIG) != 0 && strcmp (mt, MT_DOCKER_CONFIG) != 0))
    return sb_error_set (err, 0, "'%s': unknown media type '%s' for the config", s->path,
                         mt ? mt : "");
  s->config = read_blob (s, cdesc, "config", &s->config_len, err);
  if (s->config == NULL)
    return -1;
  s->config_digest = xstrdup (sb_json_str_or (cdesc, "digest", NULL));
  return image_config_parse (s->config, s->config_len, "image config", &s->parsed, err);
}

static int
layer_descs (struct image_source *s, struct json_object *manifest, struct sb_error **err)
{
  struct json_object *cdesc = sb_json_member (manifest, "config", json_type_null);
  struct json_object *layers = sb_json_member (manifest, "layers", json_type_array);
  size_t n;

  if (cdesc == NULL || layers == NULL)
    return sb_error_set (err, 0, "'%s': a manifest without config or layers", s->path);
  if (read_config (s, cdesc, err) < 0)
    return -1;
  n = json_object_array_length (layers);
  if (n != strv_len (s->parsed.diff_ids))
    return sb_error_set (err, 0, "'%s': %zu layers, but the config has %zu diff_ids", s->path, n,
                         strv_len (s->parsed.diff_ids));
  s->layers = xcalloc (n + 1, sizeof *s->layers);
  for (size_t i = 0; i < n; i++, s->n_layers++)
    {
      struct json_object *l = json_object_array_get_idx (layers, i);
      struct json_object *size = sb_json_member (l, "size", json_type_int);
      const char *mt = sb_json_str_or (l, "mediaType", NULL);
      const char *digest = sb_json_str_or (l, "digest", NULL);
      struct image_layer_desc *d = &s->layers[i];
      size_t t;

      for (t = 0; mt != NULL && t < sizeof layer_types / sizeof *layer_types; t++)
        if (strcmp (mt, layer_types[t].type) == 0)
          break;
      if (mt == NULL || t == sizeof layer_types / sizeof *layer_types)
        return sb_error_set (err, 0, "'%s': unknown media type '%s' for a layer", s->path,
                             mt ? mt : "");
      if (!image_digest_valid (digest) || !image_digest_valid (s->parsed.diff_ids[i]))
        return sb_error_set (err, 0, "'%s': layer %zu: only sha256 digests are read", s->path,
                             i + 1);
      if (size == NULL || json_object_get_int64 (size) < 0)
        return sb_error_set (err, 0, "'%s': layer %s: no size", s->path, digest);
      d->compression = layer_types[t].compression;
      d->digest = xstrdup (digest);
      d->path = blob_path (digest);
      d->size = json_object_get_int64 (size);
      d->diff_id = xstrdup (s->parsed.diff_ids[i]);
    }
  return 0;
}

static int
open_oci (struct image_source *s, struct sb_error **err)
{
  cleanup_free char *buf = NULL;
  struct json_object *index, *top;
  size_t len;
  int r;

  buf = source_read (s, "index.json", IMAGE_JSON_MAX, &len, err);
  if (buf == NULL)
    return -1;
  index = sb_json_parse (buf, len, IMAGE_JSON_MAX, "index.json", err);
  if (index == NULL)
    return -1;
  top = pick_top (s, index, err);
  r = top == NULL ? -1 : resolve (s, top, 0, err);
  json_object_put (index);
  return r;
}

/* ---------------------------------------------------------------- docker-archive */

static struct json_object *
pick_docker (struct image_source *s, struct json_object *list, struct sb_error **err)
{
  size_t n;

  if (!json_object_is_type (list, json_type_array) || (n = json_object_array_length (list)) == 0)
    {
      sb_error_set (err, 0, "'%s': manifest.json holds no image", s->path);
      return NULL;
    }
  if (s->tag == NULL)
    {
      if (n == 1)
        return json_object_array_get_idx (list, 0);
      sb_error_set (err, 0, "'%s': holds %zu images: name one with :NAME", s->path, n);
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    {
      struct json_object *e = json_object_array_get_idx (list, i);
      cleanup_strv char **tags = NULL;
      struct sb_error *e2 = NULL;

      if (sb_json_strv (e, "RepoTags", "manifest.json", &tags, &e2) < 0)
        sb_error_free (&e2);
      for (char **t = tags; t != NULL && *t != NULL; t++)
        {
          size_t tl = strlen (s->tag);

          /* "busybox" names "busybox:latest" and "localhost/busybox:latest" */
          if (strcmp (*t, s->tag) == 0
              || (strncmp (*t, s->tag, tl) == 0 && strcmp (*t + tl, ":latest") == 0)
              || (strncmp (*t, "localhost/", 10) == 0
                  && (strcmp (*t + 10, s->tag) == 0
                      || (strncmp (*t + 10, s->tag, tl) == 0
                          && strcmp (*t + 10 + tl, ":latest") == 0))))
            return e;
        }
    }
  sb_error_set (err, 0, "'%s': no image named '%s' in it", s->path, s->tag);
  return NULL;
}

static int
docker_layers (struct image_source *s, struct json_object *m, struct sb_error **err)
{
  cleanup_strv char **paths = NULL;
  size_t n;

  if (sb_json_strv (m, "Layers", "manifest.json", &paths, err) < 0)
    return -1;
  n = strv_len (paths);
  if (n != strv_len (s->parsed.diff_ids))
    return sb_error_set (err, 0, "'%s': %zu layers, but the config has %zu diff_ids", s->path, n,
                         strv_len (s->parsed.diff_ids));
  s->layers = xcalloc (n + 1, sizeof *s->layers);
  for (size_t i = 0; i < n; i++, s->n_layers++)
    {
      struct image_layer_desc *d = &s->layers[i];

      if (!image_digest_valid (s->parsed.diff_ids[i]))
        return sb_error_set (err, 0, "'%s': layer %zu: only sha256 digests are read", s->path,
                             i + 1);
      d->path = xstrdup (paths[i][0] == '.' && paths[i][1] == '/' ? paths[i] + 2 : paths[i]);
      d->size = -1;
      d->compression = IMAGE_AUTO;
      d->diff_id = xstrdup (s->parsed.diff_ids[i]);
    }
  return 0;
}

static int
open_docker (struct image_source *s, struct sb_error **err)
{
  cleanup_free char *buf = NULL;
  struct json_object *list, *m;
  const char *cpath;
  char got[72];
  size_t len;
  int r = -1;

  buf = source_read (s, "manifest.json", IMAGE_JSON_MAX, &len, err);
  if (buf == NULL
      || (list = sb_json_parse (buf, len, IMAGE_JSON_MAX, "manifest.json", err)) == NULL)
    return -1;
  m = pick_docker (s, list, err);
  if (m == NULL)
    goto out;
  cpath = sb_json_str_or (m, "Config", NULL);
  if (cpath == NULL)
    {
      sb_error_set (err, 0, "'%s': manifest.json names no Config", s->path);
      goto out;
    }
  s->config = source_read (s, cpath, IMAGE_JSON_MAX, &s->config_len, err);
  if (s->config == NULL)
    goto out;
  image_sha256 (s->config, s->config_len, got);
  /* docker and podman name the config after its digest: HEX.json or blobs/sha256/HEX */
  {
    const char *base = strrchr (cpath, '/') ? strrchr (cpath, '/') + 1 : cpath;
    size_t bl = strcspn (base, ".");

    if (bl == 64 && strncmp (base, got + 7, 64) != 0)
      {
        sb_error_set (err, 0, "'%s': config %s: wrong digest: the blob is %s", s->path, cpath, got);
        goto out;
      }
  }
  s->config_digest = xstrdup (got);
  s->manifest_digest = xstrdup (got);
  if (image_config_parse (s->config, s->config_len, "image config", &s->parsed, err) < 0)
    goto out;
  r = docker_layers (s, m, err);
out:
  json_object_put (list);
  return r;
}

/* ---------------------------------------------------------------- the source */

int
image_source_open (const char *ref, struct image_source *s, struct sb_error **err)
{
  const char *rest;
  char *colon;
  int r;

  memset (s, 0, sizeof *s);
  s->dir_fd = -1;
  if (!image_ref_is_source (ref, &rest))
    return sb_error_set (err, 0, "'%s': not oci:, oci-archive: or docker-archive:", ref);
  s->transport = strncmp (ref, "oci:", 4) == 0            ? IMAGE_OCI
                 : strncmp (ref, "oci-archive:", 12) == 0 ? IMAGE_OCI_ARCHIVE
                                                          : IMAGE_DOCKER_ARCHIVE;
  /* the first ':' ends the path, as skopeo reads it */
  s->path = xstrdup (rest);
  colon = strchr (s->path, ':');
  if (colon != NULL)
    {
      *colon = '\0';
      if (colon[1] != '\0')
        s->tag = xstrdup (colon + 1);
    }
  if (*s->path == '\0')
    return sb_error_set (err, 0, "'%s': no path", ref);
  if (s->transport == IMAGE_OCI)
    {
      s->dir_fd = open (s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (s->dir_fd < 0)
        return sb_error_set (err, errno, "'%s'", s->path);
    }
  r = s->transport == IMAGE_DOCKER_ARCHIVE ? open_docker (s, err) : open_oci (s, err);
  return r;
}

void
image_source_free (struct image_source *s)
{
  free (s->path);
  free (s->tag);
  closep (&s->dir_fd);
  free (s->manifest_digest);
  free (s->config_digest);
  free (s->config);
  image_config_free (&s->parsed);
  for (size_t i = 0; i < s->n_layers; i++)
    {
      free (s->layers[i].path);
      free (s->layers[i].digest);
      free (s->layers[i].diff_id);
    }
  free (s->layers);
  memset (s, 0, sizeof *s);
  s->dir_fd = -1;
}

static ssize_t
fd_read (struct image_blob *b, void *buf, size_t len)
{
  return TEMP_FAILURE_RETRY (read (b->fd, buf, len));
}

static ssize_t
archive_blob_read (struct image_blob *b, void *buf, size_t len)
{
  la_ssize_t n = archive_read_data (b->archive, buf, len);

  if (n < 0)
    errno = archive_errno (b->archive) > 0 ? archive_errno (b->archive) : EIO;
  return n;
}

static int
layers_from_dir (struct image_source *s, const bool *want, image_layer_fn fn, void *arg,
                 struct sb_error **err)
{
  for (size_t i = 0; i < s->n_layers; i++)
    {
      struct image_blob b = { .read = fd_read, .fd = -1 };
      int r;

      if (!want[i])
        continue;
      b.fd = openat (s->dir_fd, s->layers[i].path, O_RDONLY | O_CLOEXEC);
      if (b.fd < 0)
        return sb_error_set (err, errno == ENOENT ? 0 : errno, "'%s': the layer blob %s is %s",
                             s->path, s->layers[i].digest,
                             errno == ENOENT ? "missing" : "unreadable");
      r = fn (arg, i, &b, err);
      (void) close (b.fd);
      if (r < 0)
        return -1;
    }
  return 0;
}

int
image_source_layers (struct image_source *s, const bool *want, image_layer_fn fn, void *arg,
                     struct sb_error **err)
{
  cleanup_free bool *done = xcalloc (s->n_layers + 1, sizeof (bool));
  struct archive_entry *e;
  struct archive *a;
  int r;

  if (s->transport == IMAGE_OCI)
    return layers_from_dir (s, want, fn, arg, err);
  a = outer_open (s->path, err);
  if (a == NULL)
    return -1;
  while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
    {
      const char *name = entry_name (e);

      for (size_t i = 0; i < s->n_layers; i++)
        if (want[i] && !done[i] && strcmp (name, s->layers[i].path) == 0)
          {
            struct image_blob b = { .read = archive_blob_read, .fd = -1, .archive = a };

            if (archive_entry_filetype (e) != AE_IFREG)
              {
                archive_read_free (a);
                return sb_error_set (err, 0, "'%s': %s is not a regular file in the archive",
                                     s->path, name);
              }
            done[i] = true;
            if (fn (arg, i, &b, err) < 0)
              {
                archive_read_free (a);
                return -1;
              }
            break;
          }
    }
  if (r != ARCHIVE_EOF)
    {
      sb_error_set (err, 0, "'%s': %s", s->path, archive_error_string (a));
      archive_read_free (a);
      return -1;
    }
  archive_read_free (a);
  for (size_t i = 0; i < s->n_layers; i++)
    if (want[i] && !done[i])
      return sb_error_set (err, 0, "'%s': the layer blob %s is missing", s->path,
                           s->layers[i].digest ? s->layers[i].digest : s->layers[i].path);
  return 0;
}
