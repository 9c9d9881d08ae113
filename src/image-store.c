/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image-store.c: the store's folders, its lock and its index (see image-store.h). */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "image-config.h"
#include "image-store.h"
#include "json.h"
#include "util.h"

bool
image_digest_valid (const char *d)
{
  if (d == NULL || strncmp (d, "sha256:", 7) != 0 || strlen (d) != 7 + 64)
    return false;
  for (d += 7; *d != '\0'; d++)
    if (!((*d >= '0' && *d <= '9') || (*d >= 'a' && *d <= 'f')))
      return false;
  return true;
}

bool
image_ref_is_source (const char *ref, const char **ret_rest)
{
  static const char *const transports[] = { "oci:", "oci-archive:", "docker-archive:" };

  for (size_t i = 0; i < sizeof transports / sizeof *transports; i++)
    if (strncmp (ref, transports[i], strlen (transports[i])) == 0)
      {
        if (ret_rest != NULL)
          *ret_rest = ref + strlen (transports[i]);
        return true;
      }
  return false;
}

char *
image_source_stamp (const char *ref)
{
  const char *rest, *colon;
  cleanup_free char *file = NULL;
  struct stat st;
  char *out;

  if (!image_ref_is_source (ref, &rest))
    return NULL;
  colon = strchr (rest, ':');
  file = colon ? strndup (rest, (size_t) (colon - rest)) : xstrdup (rest);
  if (file == NULL)
    oom ();
  if (strncmp (ref, "oci:", 4) == 0)
    {
      char *f;

      if (asprintf (&f, "%s/index.json", file) < 0)
        oom ();
      free (file);
      file = f;
    }
  if (stat (file, &st) < 0 || !S_ISREG (st.st_mode))
    return NULL;
  if (asprintf (&out, "%llu:%llu:%lld:%lld.%09ld", (unsigned long long) st.st_dev,
                (unsigned long long) st.st_ino, (long long) st.st_size,
                (long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec)
      < 0)
    oom ();
  return out;
}

char *
image_store_path (void)
{
  cleanup_free char *data = user_xdg_dir ("XDG_DATA_HOME", ".local/share");
  char *p;

  if (data == NULL)
    return NULL;
  if (asprintf (&p, "%s/sandbox/images", data) < 0)
    oom ();
  return p;
}

/* mkdir -p PATH, each new folder 0700 */
static int
make_path (const char *path)
{
  cleanup_free char *p = xstrdup (path);

  for (char *s = p + 1;; s++)
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
image_store_open (bool create, struct sb_error **err)
{
  static const char *const subdirs[] = { "configs", "layers", "tmp" };
  cleanup_free char *path = image_store_path ();
  cleanup_close int fd = -1;
  struct stat st;

  if (path == NULL)
    return sb_error_set (err, 0, "image store: neither XDG_DATA_HOME nor HOME is set");
  if (create && make_path (path) < 0)
    return sb_error_set (err, errno, "image store '%s'", path);
  /* O_NOFOLLOW: the store itself is never a symlink to somewhere else */
  fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return sb_error_set (err, errno, "image store '%s'", path);
  if (fstat (fd, &st) < 0)
    return sb_error_set (err, errno, "image store '%s'", path);
  if (st.st_uid != geteuid ())
    return sb_error_set (err, 0, "image store '%s': not owned by you", path);
  if (create)
    {
      (void) fchmod (fd, 0700);
      for (size_t i = 0; i < sizeof subdirs / sizeof *subdirs; i++)
        if (mkdirat (fd, subdirs[i], 0700) < 0 && errno != EEXIST)
          return sb_error_set (err, errno, "image store '%s/%s'", path, subdirs[i]);
    }
  return steal_fd (&fd);
}

int
image_store_lock (int store, int op, struct sb_error **err)
{
  cleanup_close int fd = -1;

  fd = openat (store, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EROFS && (op & LOCK_SH))
    fd = openat (store, "lock", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return sb_error_set (err, errno, "image store: open its lock");
  if (TEMP_FAILURE_RETRY (flock (fd, op)) < 0)
    return sb_error_set (err, errno, "image store: lock it");
  return steal_fd (&fd);
}

char *
image_store_read (int dir, const char *path, size_t max, size_t *ret_len, struct sb_error **err)
{
  cleanup_close int fd = openat (dir, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_free char *buf = NULL;
  struct stat st;
  size_t len = 0;

  if (fd < 0 || fstat (fd, &st) < 0)
    {
      sb_error_set (err, errno, "read '%s'", path);
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || (uint64_t) st.st_size > max)
    {
      sb_error_set (err, 0, "read '%s': not a regular file of at most %zu bytes", path, max);
      return NULL;
    }
  buf = xcalloc ((size_t) st.st_size + 1, 1);
  while (len < (size_t) st.st_size)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, buf + len, (size_t) st.st_size - len));

      if (n < 0)
        {
          sb_error_set (err, errno, "read '%s'", path);
          return NULL;
        }
      if (n == 0)
        break;
      len += (size_t) n;
    }
  *ret_len = len;
  return steal_ptr (&buf);
}

/* ---------------------------------------------------------------- the index */

void
image_entry_free (struct image_entry *e)
{
  free (e->name);
  free (e->digest);
  free (e->config);
  free (e->source);
  free (e->stamp);
  strv_free (e->layers);
  memset (e, 0, sizeof *e);
}

void
image_index_free (struct image_index *idx)
{
  for (size_t i = 0; i < idx->n; i++)
    image_entry_free (&idx->images[i]);
  free (idx->images);
  strv_free (idx->layer_ids);
  free (idx->layer_sizes);
  memset (idx, 0, sizeof *idx);
}

static int
parse_entry (struct json_object *o, struct image_entry *e, struct sb_error **err)
{
  const char *name = sb_json_str_or (o, "name", NULL);
  const char *digest = sb_json_str_or (o, "digest", NULL);
  const char *config = sb_json_str_or (o, "config", NULL);
  const char *source = sb_json_str_or (o, "source", NULL);
  const char *stamp = sb_json_str_or (o, "stamp", NULL);

  if (name == NULL || !image_digest_valid (digest) || !image_digest_valid (config))
    return sb_error_set (err, 0, "image store: index.json: a bad image entry");
  e->name = xstrdup (name);
  e->digest = xstrdup (digest);
  e->config = xstrdup (config);
  e->source = xstrdup (source ? source : "");
  e->stamp = stamp ? xstrdup (stamp) : NULL;
  if (sb_json_strv (o, "layers", "image store: index.json", &e->layers, err) < 0)
    return -1;
  if (e->layers == NULL)
    e->layers = xcalloc (1, sizeof (char *));
  for (char **l = e->layers; *l != NULL; l++)
    if (!image_digest_valid (*l))
      return sb_error_set (err, 0, "image store: index.json: bad layer id '%s'", *l);
  return 0;
}

static int
parse_index (struct json_object *root, struct image_index *idx, struct sb_error **err)
{
  struct json_object *images = sb_json_member (root, "images", json_type_array);
  struct json_object *layers = sb_json_member (root, "layers", json_type_object);

  if (!json_object_is_type (root, json_type_object))
    return sb_error_set (err, 0, "image store: index.json: not an object");
  if (images != NULL)
    {
      size_t n = json_object_array_length (images);

      idx->images = xcalloc (n + 1, sizeof *idx->images);
      for (size_t i = 0; i < n; i++, idx->n++)
        if (parse_entry (json_object_array_get_idx (images, i), &idx->images[i], err) < 0)
          {
            idx->n++;
            return -1;
          }
    }
  if (layers != NULL)
    {
      json_object_object_foreach (layers, id, size)
      {
        if (image_digest_valid (id) && json_object_is_type (size, json_type_int))
          image_index_set_layer_size (idx, id, (uint64_t) json_object_get_int64 (size));
      }
    }
  return 0;
}

int
image_index_read (int store, struct image_index *ret, struct sb_error **err)
{
  cleanup_free char *text = NULL;
  struct json_object *root;
  size_t len;
  int r;

  memset (ret, 0, sizeof *ret);
  text = image_store_read (store, "index.json", 64u << 20, &len, err);
  if (text == NULL)
    {
      if ((*err)->errnum != ENOENT)
        return -1;
      sb_error_free (err);
      return 0;
    }
  root = sb_json_parse (text, len, IMAGE_JSON_MAX, "image store: index.json", err);
  if (root == NULL)
    return -1;
  r = parse_index (root, ret, err);
  json_object_put (root);
  if (r < 0)
    image_index_free (ret);
  return r;
}

static struct json_object *
index_to_json (const struct image_index *idx)
{
  struct json_object *root = json_object_new_object ();
  struct json_object *images = json_object_new_array ();
  struct json_object *layers = json_object_new_object ();

  for (size_t i = 0; i < idx->n; i++)
    {
      const struct image_entry *e = &idx->images[i];
      struct json_object *o = json_object_new_object ();
      struct json_object *l = json_object_new_array ();

      json_object_object_add (o, "name", json_object_new_string (e->name));
      json_object_object_add (o, "digest", json_object_new_string (e->digest));
      json_object_object_add (o, "config", json_object_new_string (e->config));
      json_object_object_add (o, "source", json_object_new_string (e->source ? e->source : ""));
      if (e->stamp != NULL)
        json_object_object_add (o, "stamp", json_object_new_string (e->stamp));
      for (char **id = e->layers; id != NULL && *id != NULL; id++)
        json_object_array_add (l, json_object_new_string (*id));
      json_object_object_add (o, "layers", l);
      json_object_array_add (images, o);
    }
  for (size_t i = 0; i < idx->n_layers; i++)
    json_object_object_add (layers, idx->layer_ids[i],
                            json_object_new_int64 ((int64_t) idx->layer_sizes[i]));
  json_object_object_add (root, "images", images);
  json_object_object_add (root, "layers", layers);
  return root;
}

int
image_index_write (int store, const struct image_index *idx, struct sb_error **err)
{
  struct json_object *root = index_to_json (idx);
  const char *text = json_object_to_json_string_ext (root, JSON_C_TO_STRING_PRETTY);
  cleanup_close int fd = -1;
  int r = 0;

  (void) unlinkat (store, "index.json.tmp", 0);
  fd = openat (store, "index.json.tmp", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || write_all (fd, text, strlen (text)) < 0 || write_all (fd, "\n", 1) < 0
      || fsync (fd) < 0 || renameat (store, "index.json.tmp", store, "index.json") < 0)
    r = sb_error_set (err, errno, "image store: write index.json");
  json_object_put (root);
  return r;
}

struct image_entry *
image_index_find (const struct image_index *idx, const char *name)
{
  for (size_t i = 0; i < idx->n; i++)
    if (strcmp (idx->images[i].name, name) == 0)
      return &idx->images[i];
  return NULL;
}

uint64_t
image_index_layer_size (const struct image_index *idx, const char *id)
{
  for (size_t i = 0; i < idx->n_layers; i++)
    if (strcmp (idx->layer_ids[i], id) == 0)
      return idx->layer_sizes[i];
  return 0;
}

void
image_index_set_layer_size (struct image_index *idx, const char *id, uint64_t size)
{
  for (size_t i = 0; i < idx->n_layers; i++)
    if (strcmp (idx->layer_ids[i], id) == 0)
      {
        idx->layer_sizes[i] = size;
        return;
      }
  if (idx->layer_ids == NULL)
    idx->layer_ids = xcalloc (1, sizeof (char *));
  strv_push (&idx->layer_ids, xstrdup (id));
  idx->layer_sizes = xreallocarray (idx->layer_sizes, idx->n_layers + 1, sizeof (uint64_t));
  idx->layer_sizes[idx->n_layers++] = size;
}

bool
image_index_layer_used (const struct image_index *idx, const char *id,
                        const struct image_entry *skip)
{
  for (size_t i = 0; i < idx->n; i++)
    {
      if (&idx->images[i] == skip)
        continue;
      for (char **l = idx->images[i].layers; l != NULL && *l != NULL; l++)
        if (strcmp (*l, id) == 0)
          return true;
    }
  return false;
}
