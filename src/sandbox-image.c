/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox-image: imports an image into the store, or removes one, for the launcher
   (image.c), which starts it as uid 0 of a user namespace that maps the caller's subuid and
   subgid ranges, so that the files of a layer keep their owners:
     sandbox-image import REF NAME [-v]
     sandbox-image rm NAME [-v]
   Its own program, so that only it loads libarchive (and its libxml2, ICU, libstdc++) and
   nettle.  On failure it writes one error line to fd 3, removes what it made, and exits
   125: the store is as it was.  nettle computes the sha256 digests: libarchive already links
   it (so it costs no library more), and it uses the CPU's SHA extensions when there are.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "image-source.h"
#include "image-store.h"
#include "image-unpack.h"
#include "log.h"
#include "util.h"

struct import
{
  int store, tmp;
  struct image_source src;
  bool *want;
  char **tmp_names; /* per layer: its folder in tmp/, while it is ours */
  int *tmp_fds;     /* and an fd holding the folder's flock */
  uint64_t *sizes;
  bool flat_ids;
  char *stamp; /* the source as it was before it was read (image_source_stamp) */
  /* progress */
  struct timespec start, last;
  uint64_t total, done;
  size_t layer, n_want;
  bool tty, shown;
};

static double
elapsed (const struct timespec *a, const struct timespec *b)
{
  return (double) (b->tv_sec - a->tv_sec) + (double) (b->tv_nsec - a->tv_nsec) / 1e9;
}

/* A progress line on a terminal once the import takes more than a second, as podman's.  */
static void
progress (void *arg, uint64_t bytes)
{
  struct import *im = arg;
  struct timespec now;

  im->done += bytes;
  if (!im->tty)
    return;
  clock_gettime (CLOCK_MONOTONIC, &now);
  if (elapsed (&im->start, &now) < 1.0 || (im->shown && elapsed (&im->last, &now) < 0.1))
    return;
  im->last = now;
  im->shown = true;
  if (im->total > 0)
    fprintf (stderr, "\rsandbox: importing layer %zu of %zu: %llu of %llu MiB\033[K", im->layer,
             im->n_want, (unsigned long long) (im->done >> 20),
             (unsigned long long) (im->total >> 20));
  else
    fprintf (stderr, "\rsandbox: importing layer %zu of %zu: %llu MiB\033[K", im->layer, im->n_want,
             (unsigned long long) (im->done >> 20));
  fflush (stderr);
}

static bool
layer_present (int store, const char *id)
{
  char path[80];
  struct stat st;

  snprintf (path, sizeof path, "layers/%s", id + 7);
  return fstatat (store, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode);
}

/* tmp/PREFIX.RANDOM, made and locked (the lock tells a sweep it is ours) */
static int
make_tmp (int tmp, const char *prefix, char **ret_name, int *ret_fd, struct sb_error **err)
{
  for (int tries = 0; tries < 16; tries++)
    {
      uint64_t rnd = 0;
      char *name;
      int fd;

      if (getrandom (&rnd, sizeof rnd, 0) < 0)
        return sb_error_set (err, errno, "getrandom");
      if (asprintf (&name, "%s.%016llx", prefix, (unsigned long long) rnd) < 0)
        oom ();
      if (mkdirat (tmp, name, 0700) < 0)
        {
          free (name);
          if (errno == EEXIST)
            continue;
          return sb_error_set (err, errno, "image store: make a folder in tmp/");
        }
      fd = openat (tmp, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0 || flock (fd, LOCK_EX | LOCK_NB) < 0)
        {
          (void) image_rm_tree (tmp, name);
          free (name);
          return sb_error_set (err, errno, "image store: lock a folder in tmp/");
        }
      *ret_name = name;
      *ret_fd = fd;
      return 0;
    }
  return sb_error_set (err, EEXIST, "image store: make a folder in tmp/");
}

/* What an import or a removal killed midway left in tmp/: anything no live one locks.  */
static void
sweep_tmp (int tmp)
{
  DIR *d;
  struct dirent *de;
  int fd = fcntl (tmp, F_DUPFD_CLOEXEC, 3);

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      closep (&fd);
      return;
    }
  while ((de = readdir (d)) != NULL)
    {
      int sub;

      if (de->d_name[0] == '.')
        continue;
      sub = openat (tmp, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub >= 0 && flock (sub, LOCK_EX | LOCK_NB) == 0)
        {
          log_debug ("removing the leftover tmp/%s", de->d_name);
          (void) image_rm_tree (tmp, de->d_name);
        }
      closep (&sub);
    }
  closedir (d);
}

static int
unpack_one (void *arg, size_t i, struct image_blob *blob, struct sb_error **err)
{
  struct import *im = arg;
  struct image_unpack_result res;
  int r;

  im->layer++;
  log_debug ("unpacking layer %s", im->src.layers[i].diff_id);
  r = image_unpack_layer (blob, &im->src.layers[i], im->tmp_fds[i], im->flat_ids, progress, im,
                          &res, err);
  if (r == 0)
    {
      im->sizes[i] = res.size;
      if (res.devices > 0)
        log_notice ("layer %.19s: skipped %u device node%s and socket%s such as '%s': a "
                    "rootless sandbox cannot make them",
                    im->src.layers[i].diff_id, res.devices, res.devices > 1 ? "s" : "",
                    res.devices > 1 ? "s" : "", res.device_example);
    }
  free (res.device_example);
  return r;
}

/* ---------------------------------------------------------------- removing layers */

/* Removes layer ID unless a running sandbox holds it (then a later removal takes it).  */
static void
gc_layer (int store, int tmp, const char *hex)
{
  char path[300];
  cleanup_close int fd = -1;
  cleanup_close int tfd = -1;
  cleanup_free char *name = NULL;
  struct sb_error *e = NULL;

  snprintf (path, sizeof path, "layers/%s", hex);
  fd = openat (store, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return;
  if (flock (fd, LOCK_EX | LOCK_NB) < 0)
    {
      log_notice ("layer sha256:%.12s is in use by a running sandbox: kept until the next "
                  "removal",
                  hex);
      return;
    }
  /* out of layers/ in one rename, then removed at leisure: never half a layer there */
  if (make_tmp (tmp, "rm", &name, &tfd, &e) < 0 || renameat (store, path, tfd, "layer") < 0)
    {
      sb_error_free (&e);
      return;
    }
  (void) image_rm_tree (tfd, "layer");
  (void) image_rm_tree (tmp, name);
}

/* Every layer and config no image of IDX uses.  */
static void
gc (int store, int tmp, struct image_index *idx)
{
  static const char *const dirs[] = { "layers", "configs" };

  for (size_t k = 0; k < 2; k++)
    {
      int fd = openat (store, dirs[k], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
      struct dirent *de;

      if (d == NULL)
        {
          closep (&fd);
          continue;
        }
      while ((de = readdir (d)) != NULL)
        {
          char id[300];
          bool used = false;

          if (de->d_name[0] == '.')
            continue;
          snprintf (id, sizeof id, "sha256:%s", de->d_name);
          /* a config half written by an import that was killed; nothing else is ours */
          if (!image_digest_valid (id))
            {
              if (k == 1)
                (void) unlinkat (dirfd (d), de->d_name, 0);
              continue;
            }
          if (k == 0)
            used = image_index_layer_used (idx, id, NULL);
          for (size_t i = 0; k == 1 && i < idx->n; i++)
            used |= strcmp (idx->images[i].config, id) == 0;
          if (used)
            continue;
          if (k == 0)
            gc_layer (store, tmp, de->d_name);
          else
            (void) unlinkat (dirfd (d), de->d_name, 0);
        }
      closedir (d);
    }
  /* the sizes of layers that are gone */
  for (size_t i = 0; i < idx->n_layers;)
    if (!layer_present (store, idx->layer_ids[i]))
      {
        free (idx->layer_ids[i]);
        memmove (&idx->layer_ids[i], &idx->layer_ids[i + 1], (idx->n_layers - i) * sizeof (char *));
        memmove (&idx->layer_sizes[i], &idx->layer_sizes[i + 1],
                 (idx->n_layers - i - 1) * sizeof (uint64_t));
        idx->n_layers--;
      }
    else
      i++;
}

/* ---------------------------------------------------------------- import */

static int
write_config (struct import *im, struct sb_error **err)
{
  char path[80], tmpname[96];
  cleanup_close int fd = -1;
  struct stat st;

  snprintf (path, sizeof path, "configs/%s", im->src.config_digest + 7);
  if (fstatat (im->store, path, &st, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  snprintf (tmpname, sizeof tmpname, "%s.tmp", path);
  (void) unlinkat (im->store, tmpname, 0);
  fd = openat (im->store, tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || write_all (fd, im->src.config, im->src.config_len) < 0 || fsync (fd) < 0
      || renameat (im->store, tmpname, im->store, path) < 0)
    return sb_error_set (err, errno, "image store: write '%s'", path);
  return 0;
}

/* Under the store's lock: the layers move into layers/, the config and the entry are
   written.  */
static int
commit (struct import *im, const char *name, const char *ref, struct sb_error **err)
{
  cleanup_close int lock = image_store_lock (im->store, LOCK_EX, err);
  struct image_index idx;
  struct image_entry entry = { 0 }, *old;
  int r = -1;

  if (lock < 0 || image_index_read (im->store, &idx, err) < 0)
    return -1;
  if (write_config (im, err) < 0)
    goto out;
  for (size_t i = 0; i < im->src.n_layers; i++)
    {
      const char *id = im->src.layers[i].diff_id;
      char path[80];

      snprintf (path, sizeof path, "layers/%s", id + 7);
      if (im->tmp_names[i] != NULL)
        {
          if (renameat (im->tmp, im->tmp_names[i], im->store, path) == 0)
            {
              free (im->tmp_names[i]);
              im->tmp_names[i] = NULL;
            }
          else if (errno != EEXIST && errno != ENOTEMPTY)
            {
              sb_error_set (err, errno, "image store: move layer %s into place", id);
              goto out;
            }
          image_index_set_layer_size (&idx, id, im->sizes[i]);
        }
      else if (!layer_present (im->store, id))
        {
          sb_error_set (err, 0, "image store: layer %s was removed meanwhile; import again", id);
          goto out;
        }
    }
  entry.name = xstrdup (name);
  entry.digest = xstrdup (im->src.manifest_digest);
  entry.config = xstrdup (im->src.config_digest);
  entry.source = xstrdup (ref);
  entry.stamp = im->stamp != NULL ? xstrdup (im->stamp) : NULL;
  entry.layers = xcalloc (1, sizeof (char *));
  for (size_t i = 0; i < im->src.n_layers; i++)
    strv_push (&entry.layers, xstrdup (im->src.layers[i].diff_id));
  old = image_index_find (&idx, name);
  if (old != NULL)
    {
      image_entry_free (old);
      *old = entry;
    }
  else
    {
      idx.images = xreallocarray (idx.images, idx.n + 1, sizeof *idx.images);
      idx.images[idx.n++] = entry;
    }
  if (old != NULL)
    gc (im->store, im->tmp, &idx);
  r = image_index_write (im->store, &idx, err);
out:
  image_index_free (&idx);
  return r;
}

/* a one-id user namespace (no subordinate ranges): owners cannot be kept */
static bool
flat_id_map (void)
{
  cleanup_free char *map = read_file_at (AT_FDCWD, "/proc/self/uid_map", NULL);
  unsigned a, b, c;

  return map == NULL || (sscanf (map, "%u %u %u", &a, &b, &c) == 3 && c == 1);
}

static int
prepare_layers (struct import *im, struct sb_error **err)
{
  size_t n = im->src.n_layers;

  im->want = xcalloc (n + 1, sizeof (bool));
  im->tmp_names = xcalloc (n + 1, sizeof (char *));
  im->tmp_fds = xcalloc (n + 1, sizeof (int));
  im->sizes = xcalloc (n + 1, sizeof (uint64_t));
  for (size_t i = 0; i < n; i++)
    {
      const struct image_layer_desc *d = &im->src.layers[i];
      bool dup = false;

      im->tmp_fds[i] = -1;
      for (size_t j = 0; j < i; j++)
        dup |= strcmp (im->src.layers[j].diff_id, d->diff_id) == 0;
      if (dup || layer_present (im->store, d->diff_id))
        continue;
      im->want[i] = true;
      im->n_want++;
      if (d->size > 0)
        im->total += (uint64_t) d->size;
      if (make_tmp (im->tmp, d->diff_id + 7, &im->tmp_names[i], &im->tmp_fds[i], err) < 0)
        return -1;
    }
  return 0;
}

static int
do_import (const char *ref, const char *name, struct sb_error **err)
{
  struct import im = { .store = -1, .tmp = -1 };
  int r = -1;

  clock_gettime (CLOCK_MONOTONIC, &im.start);
  im.tty = isatty (STDERR_FILENO);
  im.flat_ids = flat_id_map ();
  /* taken first: a source changed while it is read gets a new stamp, and a new import */
  im.stamp = image_source_stamp (ref);
  if (image_source_open (ref, &im.src, err) < 0)
    goto out;
  im.store = image_store_open (true, err);
  if (im.store < 0)
    goto out;
  im.tmp = openat (im.store, "tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (im.tmp < 0)
    {
      sb_error_set (err, errno, "image store: open tmp/");
      goto out;
    }
  sweep_tmp (im.tmp);
  if (prepare_layers (&im, err) < 0)
    goto out;
  if (im.n_want > 0
      && (image_source_layers (&im.src, im.want, unpack_one, &im, err) < 0
          || (syncfs (im.store) < 0 && sb_error_set (err, errno, "image store: sync") < 0)))
    goto out;
  r = commit (&im, name, ref, err);
out:
  if (im.shown)
    fprintf (stderr, "\r\033[K");
  for (size_t i = 0; im.tmp_names != NULL && i < im.src.n_layers; i++)
    {
      if (im.tmp_names[i] != NULL)
        (void) image_rm_tree (im.tmp, im.tmp_names[i]);
      free (im.tmp_names[i]);
      closep (&im.tmp_fds[i]);
    }
  free (im.tmp_names);
  free (im.tmp_fds);
  free (im.want);
  free (im.sizes);
  free (im.stamp);
  image_source_free (&im.src);
  closep (&im.tmp);
  closep (&im.store);
  return r;
}

/* ---------------------------------------------------------------- rm */

static int
do_rm (const char *name, struct sb_error **err)
{
  cleanup_close int store = image_store_open (false, err);
  cleanup_close int tmp = -1;
  cleanup_close int lock = -1;
  struct image_index idx;
  struct image_entry *e;
  int r;

  if (store < 0)
    {
      if ((*err)->errnum != ENOENT)
        return -1;
      sb_error_free (err);
      return sb_error_set (err, 0, "--image-rm '%s': no such image (see --images)", name);
    }
  tmp = openat (store, "tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  lock = image_store_lock (store, LOCK_EX, err);
  if (tmp < 0 || lock < 0 || image_index_read (store, &idx, err) < 0)
    return *err ? -1 : sb_error_set (err, errno, "image store: open tmp/");
  e = image_index_find (&idx, name);
  if (e == NULL)
    {
      image_index_free (&idx);
      return sb_error_set (err, 0, "--image-rm '%s': no such image (see --images)", name);
    }
  image_entry_free (e);
  memmove (e, e + 1, (size_t) (&idx.images[idx.n - 1] - e) * sizeof *e);
  idx.n--;
  sweep_tmp (tmp);
  gc (store, tmp, &idx);
  r = image_index_write (store, &idx, err);
  image_index_free (&idx);
  return r;
}

int
main (int argc, char **argv)
{
  struct sb_error *err = NULL;
  int r;

  log_start_clock ();
  if (argc > 1 && strcmp (argv[argc - 1], "-v") == 0)
    {
      log_level = LOG_LEVEL_DEBUG;
      argc--;
    }
  if (argc == 4 && strcmp (argv[1], "import") == 0)
    r = do_import (argv[2], argv[3], &err);
  else if (argc == 3 && strcmp (argv[1], "rm") == 0)
    r = do_rm (argv[2], &err);
  else
    {
      fprintf (stderr, "usage: sandbox-image import REF NAME [-v] | rm NAME [-v]\n");
      return 2;
    }
  if (r < 0)
    {
      cleanup_free char *text = sb_error_text (err);

      /* fd 3 is the launcher's pipe; without it (run by hand) stderr */
      if (write_all (3, text, strlen (text)) < 0)
        log_error ("%s", text);
      sb_error_free (&err);
      return 125;
    }
  return 0;
}
