/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image.c: --image and the store's actions in the launcher (see image.h).  The launcher
   reads the store (json-c) but never an archive: imports and removals run in sandbox-image,
   as uid 0 of a user namespace with the caller's subordinate ranges, so that an image's
   files keep their owners and the caller can still remove them.  */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "helper.h"
#include "idmap.h"
#include "image-config.h"
#include "image-store.h"
#include "image.h"
#include "log.h"
#include "syscalls.h"
#include "util.h"

struct image_run
{
  char *name;
  char *digest;
  struct image_config ic;
  int *fds; /* per layer, bottom first: the folder, flocked (shared) */
  size_t n;
  bool uid_from_image, gid_from_image, chdir_from_image;
  char *user; /* the User it came from */
};

void
image_run_free (struct image_run *r)
{
  if (r == NULL)
    return;
  free (r->name);
  free (r->digest);
  image_config_free (&r->ic);
  for (size_t i = 0; i < r->n; i++)
    closep (&r->fds[i]);
  free (r->fds);
  free (r->user);
  free (r);
}

/* ---------------------------------------------------------------- sandbox-image */

/* In sandbox-image's process (helper.c's hook), once its maps are written: root of its
   user namespace.  */
static int
become_root (void *arg, int report)
{
  (void) arg;
  (void) report;
  (void) syscall (SYS_setgroups, 0, NULL); /* EPERM after a one-id map's "setgroups deny" */
  if (syscall (SYS_setresgid, 0, 0, 0) < 0 || syscall (SYS_setresuid, 0, 0, 0) < 0)
    return 1;
  return 0;
}

static const char *const become_root_steps[] = { "become root of the user namespace" };

static int
wait_helper (struct helper *h, int errfd, struct sb_error **err)
{
  char text[1024];
  size_t len = 0;
  ssize_t n;
  int status = 0;

  while (len < sizeof text - 1
         && (n = TEMP_FAILURE_RETRY (read (errfd, text + len, sizeof text - 1 - len))) > 0)
    len += (size_t) n;
  text[len] = '\0';
  text[strcspn (text, "\n")] = '\0';
  if (helper_wait (h, &status, err) < 0)
    return -1;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (text[0] != '\0')
    return sb_error_set (err, 0, "%s", text);
  if (WIFSIGNALED (status))
    return sb_error_set (err, 0, "sandbox-image was killed by signal %d", WTERMSIG (status));
  return sb_error_set (err, 0, "sandbox-image failed");
}

/* Runs sandbox-image ARGS... as uid 0 of a user namespace whose other ids are the
   caller's subordinate ones (the map a sandbox of an image gets).  */
static int
run_helper (const struct config *cfg, const char *a1, const char *a2, const char *a3,
            struct sb_error **err)
{
  struct config c = *cfg;
  cleanup_free char *helper = sb_helper_path ("sandbox-image");
  cleanup_strv char **argv = NULL;
  struct helper_spec spec = { .name = "sandbox-image",
                              .stderr_fd = HELPER_FD_INHERIT,
                              .n_place = 1, /* its error line: fd 3 */
                              .hook = become_root,
                              .hook_steps = become_root_steps,
                              .new_userns = true };
  struct helper h = HELPER_INIT;
  struct idmap map;
  cleanup_close int err_r = -1;
  int errp[2];
  int r;

  c.uid = c.gid = 0;
  c.map_root = false;
  /* the files it unpacks keep their owners only under the ranges a sandbox of the image gets */
  if (c.subids != SUBIDS_NO)
    c.subids = SUBIDS_YES;
  strv_push (&argv, xstrdup (helper));
  strv_push (&argv, xstrdup (a1));
  strv_push (&argv, xstrdup (a2));
  if (a3 != NULL)
    strv_push (&argv, xstrdup (a3));
  if (cfg->verbose || log_level >= LOG_LEVEL_DEBUG)
    strv_push (&argv, xstrdup ("-v"));
  spec.argv = argv;
  if (idmap_plan (&c, &map, err) < 0)
    return -1;
  if (pipe2 (errp, O_CLOEXEC) < 0)
    {
      idmap_free (&map);
      return sb_error_set (err, errno, "pipe");
    }
  err_r = errp[0];
  spec.place = &errp[1];
  r = helper_start (&spec, &h, err);
  (void) close (errp[1]);
  if (r == 0)
    r = idmap_start (&map, h.pid, err);
  if (r == 0)
    r = idmap_finish (&map, err);
  if (r == 0)
    r = helper_release (&spec, &h, err);
  if (r == 0)
    r = wait_helper (&h, err_r, err);
  helper_stop (&h, 0, 0);
  idmap_free (&map);
  return r;
}

/* "oci:/abs/dir:tag": the name an image run straight from a source is kept under.  */
static char *
canonical_ref (const char *ref, struct sb_error **err)
{
  const char *rest;
  cleanup_free char *path = NULL;
  cleanup_free char *real = NULL;
  const char *colon;
  char *out;

  if (!image_ref_is_source (ref, &rest))
    return xstrdup (ref);
  colon = strchr (rest, ':');
  path = colon ? strndup (rest, (size_t) (colon - rest)) : xstrdup (rest);
  if (path == NULL)
    oom ();
  real = realpath (path, NULL);
  if (real == NULL)
    {
      sb_error_set (err, errno, "--image '%s'", ref);
      return NULL;
    }
  if (asprintf (&out, "%.*s%s%s", (int) (rest - ref), ref, real, colon ? colon : "") < 0)
    oom ();
  return out;
}

/* ---------------------------------------------------------------- actions */

static bool
valid_name (const char *s)
{
  size_t len = strlen (s);

  if (len == 0 || len > 255 || image_ref_is_source (s, NULL) || s[0] == '-' || s[0] == '.')
    return false;
  for (; *s != '\0'; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
          || strchr ("._:/@-", *s) != NULL))
      return false;
  return true;
}

int
image_import (const struct config *cfg, const char *ref, const char *name, struct sb_error **err)
{
  cleanup_free char *canon = NULL;

  if (!image_ref_is_source (ref, NULL))
    return sb_error_set (err, 0,
                         "--image-import '%s': expected oci:DIR[:TAG], oci-archive:FILE[:TAG] "
                         "or docker-archive:FILE[:NAME]",
                         ref);
  if (!valid_name (name))
    return sb_error_set (err, 0,
                         "--image-import '%s': not a valid name (letters, digits and ._:/@-, "
                         "no transport prefix)",
                         name);
  canon = canonical_ref (ref, err);
  if (canon == NULL)
    return -1;
  return run_helper (cfg, "import", canon, name, err);
}

int
image_remove (const struct config *cfg, const char *name, struct sb_error **err)
{
  return run_helper (cfg, "rm", name, NULL, err);
}

static void
format_size (uint64_t n, char *buf, size_t len)
{
  if (n >= (1ull << 30))
    snprintf (buf, len, "%.1f GiB", (double) n / (1ull << 30));
  else if (n >= (1ull << 20))
    snprintf (buf, len, "%.1f MiB", (double) n / (1ull << 20));
  else
    snprintf (buf, len, "%.1f KiB", (double) n / 1024);
}

int
image_list (FILE *f, struct sb_error **err)
{
  cleanup_close int store = image_store_open (false, err);
  cleanup_close int lock = -1;
  struct image_index idx;

  if (store < 0)
    {
      if ((*err)->errnum != ENOENT)
        return -1;
      sb_error_free (err);
      fprintf (f, "%-32s %-19s %10s %6s %6s\n", "NAME", "DIGEST", "SIZE", "LAYERS", "SHARED");
      return 0;
    }
  lock = image_store_lock (store, LOCK_SH, err);
  if (lock < 0 || image_index_read (store, &idx, err) < 0)
    return -1;
  fprintf (f, "%-32s %-19s %10s %6s %6s\n", "NAME", "DIGEST", "SIZE", "LAYERS", "SHARED");
  for (size_t i = 0; i < idx.n; i++)
    {
      const struct image_entry *e = &idx.images[i];
      uint64_t size = 0;
      size_t n = 0, shared = 0;
      char sz[32];

      for (char **l = e->layers; *l != NULL; l++, n++)
        {
          size += image_index_layer_size (&idx, *l);
          shared += image_index_layer_used (&idx, *l, e);
        }
      format_size (size, sz, sizeof sz);
      fprintf (f, "%-32s %.19s %10s %6zu %6zu\n", e->name, e->digest, sz, n, shared);
    }
  image_index_free (&idx);
  return 0;
}

/* ---------------------------------------------------------------- --image */

/* The image's /etc/FILE as the overlay shows it: the top-most layer that has it, unless a
   whiteout or an opaque /etc hides the lower ones.  Never through a symlink.  */
static FILE *
open_etc_file (const struct image_run *r, const char *file)
{
  for (size_t i = r->n; i-- > 0;)
    {
      cleanup_close int etc = -1;
      struct stat st;
      char v[2];
      int fd;

      if (fstatat (r->fds[i], "etc", &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      if (!S_ISDIR (st.st_mode))
        return NULL;
      etc = openat (r->fds[i], "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (etc < 0)
        return NULL;
      if (fstatat (etc, file, &st, AT_SYMLINK_NOFOLLOW) == 0)
        {
          FILE *f;

          if (!S_ISREG (st.st_mode))
            return NULL;
          fd = openat (etc, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
          f = fd >= 0 ? fdopen (fd, "re") : NULL;
          if (f == NULL && fd >= 0)
            (void) close (fd);
          return f;
        }
      if (fgetxattr (etc, "user.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y')
        return NULL;
    }
  return NULL;
}

static int
open_layers (struct config *cfg, struct image_run *r, int store, const struct image_entry *e,
             struct sb_error **err)
{
  cleanup_free char *spath = image_store_path ();
  char **layers = xcalloc (1, sizeof (char *));
  size_t n = strv_len (e->layers);

  if (n == 0)
    {
      free (layers);
      return sb_error_set (err, 0, "--image '%s': the image has no layers", cfg->image);
    }
  r->fds = xcalloc (n, sizeof (int));
  for (size_t i = 0; i < n; i++)
    {
      char rel[80];
      char *p;

      snprintf (rel, sizeof rel, "layers/%s", e->layers[i] + 7);
      r->fds[r->n] = openat (store, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (r->fds[r->n] < 0)
        {
          strv_free (layers);
          return sb_error_set (err, errno, "--image '%s': layer %s", cfg->image, e->layers[i]);
        }
      /* shared: a removal leaves a layer a running sandbox holds */
      if (flock (r->fds[r->n++], LOCK_SH) < 0)
        {
          strv_free (layers);
          return sb_error_set (err, errno, "--image '%s': lock layer %s", cfg->image, e->layers[i]);
        }
      if (asprintf (&p, "%s/%s", spath, rel) < 0)
        oom ();
      if (i == 0)
        cfg->rootfs = p;
      else
        strv_push (&layers, p);
    }
  /* --read-only binds the lower tree alone: it cannot stack layers */
  if (n > 1 && cfg->overlay == OVERLAY_NONE)
    {
      strv_free (layers);
      return sb_error_set (err, 0,
                           "--image '%s': --read-only cannot stack its %zu layers; use the "
                           "copy-on-write root (--overlay auto, kernel or fuse)",
                           cfg->image, n);
    }
  /* the user's --layer folders go over the image's */
  for (char **l = cfg->layers; l != NULL && *l != NULL; l++)
    strv_push (&layers, steal_ptr (l));
  free (cfg->layers);
  cfg->layers = layers;
  return 0;
}

/* The image's User, command, environment and working directory, where the user set none.  */
static int
apply_config (struct config *cfg, struct image_run *r, struct sb_error **err)
{
  FILE *passwd = open_etc_file (r, "passwd");
  FILE *group = open_etc_file (r, "group");
  cleanup_free char *home = NULL;
  unsigned uid, gid;
  char **argv;
  int rc;

  rc = image_config_user (r->ic.user, passwd, group, &uid, &gid, &home, err);
  if (passwd != NULL)
    fclose (passwd);
  if (group != NULL)
    fclose (group);
  if (rc < 0)
    return -1;
  argv = image_config_command (&r->ic, cfg->argv);
  if (argv == NULL)
    return sb_error_set (err, 0,
                         "--image '%s': the image has no Entrypoint or Cmd: give a "
                         "command",
                         cfg->image);
  strv_free (cfg->argv);
  cfg->argv = argv;
  if (!cfg->uid_set)
    {
      cfg->uid = uid;
      cfg->uid_set = r->uid_from_image = true;
    }
  if (!cfg->gid_set)
    {
      cfg->gid = gid;
      cfg->gid_set = r->gid_from_image = true;
    }
  if (cfg->chdir == NULL && r->ic.workdir != NULL)
    {
      cfg->chdir = xstrdup (r->ic.workdir);
      r->chdir_from_image = true;
    }
  cfg->image_env = image_config_env (&r->ic, home);
  cfg->map_root = true;
  return 0;
}

/* The stored image r->name into R.  With STAMP: 1 (nothing loaded, no error) when the store
   has no such entry or its source's stamp differs, so that the source is imported first.  */
static int
load_image (struct config *cfg, struct image_run *r, const char *stamp, struct sb_error **err)
{
  cleanup_close int store = -1;
  cleanup_close int lock = -1;
  cleanup_free char *cpath = NULL;
  cleanup_free char *text = NULL;
  struct image_index idx = { 0 };
  const struct image_entry *e;
  size_t len;
  int rc = -1;

  store = image_store_open (false, err);
  if (store < 0)
    {
      if ((*err)->errnum != ENOENT)
        return -1;
      sb_error_free (err);
      if (stamp != NULL)
        return 1; /* no store yet: the source is imported first */
      return sb_error_set (err, 0, "--image '%s': no such image (see --images)", cfg->image);
    }
  lock = image_store_lock (store, LOCK_SH, err);
  if (lock < 0 || image_index_read (store, &idx, err) < 0)
    return -1;
  e = image_index_find (&idx, r->name);
  if (stamp != NULL && (e == NULL || e->stamp == NULL || strcmp (e->stamp, stamp) != 0))
    {
      rc = 1; /* a source not imported yet, or changed since */
      goto out;
    }
  if (e == NULL)
    {
      sb_error_set (err, 0, "--image '%s': no such image (see --images)", cfg->image);
      goto out;
    }
  r->digest = xstrdup (e->digest);
  if (asprintf (&cpath, "configs/%s", e->config + 7) < 0)
    oom ();
  text = image_store_read (store, cpath, IMAGE_JSON_MAX, &len, err);
  if (text == NULL || image_config_parse (text, len, "image config", &r->ic, err) < 0
      || open_layers (cfg, r, store, e, err) < 0)
    goto out;
  rc = 0;
out:
  image_index_free (&idx);
  return rc;
}

int
image_config_finish (struct config *cfg, struct sb_error **err)
{
  struct image_run *r;
  int got = 1; /* 1: not loaded yet */

  if (cfg->image == NULL || cfg->image_run != NULL)
    return 0;
  if (cfg->rootfs != NULL)
    return sb_error_set (err, 0, "--image: cannot be used with --rootfs");
  r = cfg->image_run = xcalloc (1, sizeof *r);
  r->name = canonical_ref (cfg->image, err);
  if (r->name == NULL)
    return -1;
  if (image_ref_is_source (cfg->image, NULL))
    {
      /* a source unchanged since its import runs from the store, as a stored name does */
      cleanup_free char *stamp = image_source_stamp (r->name);

      got = load_image (cfg, r, stamp != NULL ? stamp : "", err);
      if (got == 0)
        log_debug ("image '%s': unchanged since its import, run from the store", r->name);
      else if (got > 0 && run_helper (cfg, "import", r->name, r->name, err) < 0)
        return -1;
    }
  if (got < 0 || (got > 0 && load_image (cfg, r, NULL, err) < 0))
    return -1;
  return apply_config (cfg, r, err);
}

void
image_print_config (const struct config *cfg, FILE *f)
{
  const struct image_run *r = cfg->image_run;
  cleanup_free char *origin = NULL;

  if (r == NULL)
    return;
  if (asprintf (&origin, "image %s", r->name) < 0)
    oom ();
  fprintf (f, "# image %s: %s\n", r->name, r->digest);
  for (char **e = r->ic.env; e != NULL && *e != NULL; e++)
    {
      cleanup_free char *line = NULL;
      size_t nl = strcspn (*e, "=");

      if (asprintf (&line, "setenv %.*s %s", (int) nl, *e, *e + nl + 1) < 0)
        oom ();
      fprintf (f, "%-31s # %s\n", line, origin);
    }
  if (r->chdir_from_image)
    fprintf (f, "chdir %-25s # %s\n", cfg->chdir, origin);
  if (r->uid_from_image)
    fprintf (f, "uid %-27u # %s (User '%s')\n", cfg->uid, origin, r->ic.user ? r->ic.user : "");
  if (r->gid_from_image)
    fprintf (f, "gid %-27u # %s\n", cfg->gid, origin);
  fputs ("# the image's command:", f);
  for (char **a = r->ic.entrypoint; a != NULL && *a != NULL; a++)
    fprintf (f, " %s", *a);
  fputs (r->ic.entrypoint ? " (Entrypoint)" : "", f);
  for (char **a = r->ic.cmd; a != NULL && *a != NULL; a++)
    fprintf (f, " %s", *a);
  fputs (r->ic.cmd ? " (Cmd)\n" : "\n", f);
}
