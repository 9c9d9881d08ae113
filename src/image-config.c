/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image-config.c: an image's config blob, parsed with json-c, and the user lookup in the
   image's own /etc/passwd and /etc/group (read with glibc's fgetpwent and fgetgrent).  */
#include "build-config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "image-config.h"
#include "json.h"
#include "util.h"

extern char **environ;

/* The image-spec's config: a member of the wrong type makes it invalid.  */
static int
parse_config_object (struct json_object *root, const char *what, struct image_config *ic,
                     struct sb_error **err)
{
  struct json_object *c = NULL, *rootfs = NULL;
  const char *s = NULL, *workdir = NULL, *user = NULL;

  /* "config" may be missing or null: an image with no defaults at all */
  if (sb_json_get (root, "config", json_type_object, what, &c, err) < 0
      || sb_json_strv (c, "Env", what, &ic->env, err) < 0
      || sb_json_strv (c, "Entrypoint", what, &ic->entrypoint, err) < 0
      || sb_json_strv (c, "Cmd", what, &ic->cmd, err) < 0
      || sb_json_str (c, "WorkingDir", what, &workdir, err) < 0
      || sb_json_str (c, "User", what, &user, err) < 0)
    return -1;
  for (char **e = ic->env; e != NULL && *e != NULL; e++)
    if (strchr (*e, '=') == NULL || **e == '=')
      return sb_error_set (err, 0, "%s: Env entry '%s' is not NAME=VALUE", what, *e);
  if (workdir != NULL && *workdir != '\0')
    {
      if (*workdir != '/')
        return sb_error_set (err, 0, "%s: WorkingDir '%s' is not an absolute path", what, workdir);
      ic->workdir = xstrdup (workdir);
    }
  if (user != NULL && *user != '\0')
    ic->user = xstrdup (user);
  if (sb_json_get (root, "rootfs", json_type_object, what, &rootfs, err) < 0)
    return -1;
  if (rootfs == NULL)
    return sb_error_set (err, 0, "%s: no 'rootfs' object", what);
  if (sb_json_str (rootfs, "type", what, &s, err) < 0)
    return -1;
  if (s == NULL || strcmp (s, "layers") != 0)
    return sb_error_set (err, 0, "%s: rootfs type '%s', expected 'layers'", what, s ? s : "");
  if (sb_json_strv (rootfs, "diff_ids", what, &ic->diff_ids, err) < 0)
    return -1;
  if (ic->diff_ids == NULL)
    ic->diff_ids = xcalloc (1, sizeof (char *));
  return 0;
}

int
image_config_parse (const char *json, size_t len, const char *what, struct image_config *ret,
                    struct sb_error **err)
{
  struct json_object *root = sb_json_parse (json, len, IMAGE_JSON_MAX, what, err);
  struct image_config ic = { 0 };
  int r;

  if (root == NULL)
    return -1;
  if (!json_object_is_type (root, json_type_object))
    r = sb_error_set (err, 0, "%s: not a JSON object", what);
  else
    r = parse_config_object (root, what, &ic, err);
  json_object_put (root);
  if (r < 0)
    {
      image_config_free (&ic);
      return -1;
    }
  *ret = ic;
  return 0;
}

void
image_config_free (struct image_config *ic)
{
  strv_free (ic->env);
  strv_free (ic->entrypoint);
  strv_free (ic->cmd);
  free (ic->workdir);
  free (ic->user);
  strv_free (ic->diff_ids);
  memset (ic, 0, sizeof *ic);
}

/* ---------------------------------------------------------------- the user */

static const struct passwd *
find_user (FILE *passwd, const char *name, unsigned uid, bool by_name)
{
  struct passwd *pw;

  if (passwd == NULL)
    return NULL;
  rewind (passwd);
  while ((pw = fgetpwent (passwd)) != NULL)
    if (by_name ? strcmp (pw->pw_name, name) == 0 : pw->pw_uid == uid)
      return pw;
  return NULL;
}

static int
find_group (FILE *group, const char *name, unsigned *ret)
{
  struct group *gr;

  if (group == NULL)
    return -1;
  rewind (group);
  while ((gr = fgetgrent (group)) != NULL)
    if (strcmp (gr->gr_name, name) == 0)
      {
        *ret = gr->gr_gid;
        return 0;
      }
  return -1;
}

int
image_config_user (const char *user, FILE *passwd, FILE *group, unsigned *ret_uid,
                   unsigned *ret_gid, char **ret_home, struct sb_error **err)
{
  cleanup_free char *u = xstrdup (user ? user : "");
  char *g = strchr (u, ':');
  const struct passwd *pw;
  unsigned uid = 0, gid = 0;
  bool numeric;

  *ret_home = NULL;
  if (g != NULL)
    *g++ = '\0';
  if (*u == '\0' && g == NULL)
    {
      /* root, as podman: its home from the image's passwd when it has one */
      pw = find_user (passwd, NULL, 0, false);
      *ret_uid = *ret_gid = 0;
      if (pw != NULL && pw->pw_dir != NULL && *pw->pw_dir == '/')
        *ret_home = xstrdup (pw->pw_dir);
      return 0;
    }
  numeric = *u != '\0' && parse_id (u, &uid) == 0;
  pw = *u == '\0' ? find_user (passwd, NULL, 0, false) : find_user (passwd, u, uid, !numeric);
  if (!numeric && *u != '\0')
    {
      if (pw == NULL)
        return sb_error_set (err, 0, "the image's user '%s' is not in its /etc/passwd", u);
      uid = pw->pw_uid;
    }
  if (pw != NULL)
    {
      gid = pw->pw_gid;
      if (pw->pw_dir != NULL && *pw->pw_dir == '/')
        *ret_home = xstrdup (pw->pw_dir);
    }
  if (g != NULL && *g != '\0' && parse_id (g, &gid) < 0 && find_group (group, g, &gid) < 0)
    {
      free (*ret_home);
      *ret_home = NULL;
      return sb_error_set (err, 0, "the image's group '%s' is not in its /etc/group", g);
    }
  *ret_uid = uid;
  *ret_gid = gid;
  return 0;
}

/* ---------------------------------------------------------------- command and environment */

char **
image_config_command (const struct image_config *ic, char *const *argv)
{
  char **v = xcalloc (1, sizeof (char *));
  char *const *rest = argv != NULL ? argv : ic->cmd;

  for (char **e = ic->entrypoint; e != NULL && *e != NULL; e++)
    strv_push (&v, xstrdup (*e));
  for (char *const *a = rest; a != NULL && *a != NULL; a++)
    strv_push (&v, xstrdup (*a));
  if (v[0] == NULL)
    {
      free (v);
      return NULL;
    }
  return v;
}

static bool
env_has (char **env, const char *name)
{
  size_t len = strlen (name);

  for (; env != NULL && *env != NULL; env++)
    if (strncmp (*env, name, len) == 0 && (*env)[len] == '=')
      return true;
  return false;
}

char **
image_config_env (const struct image_config *ic, const char *home)
{
  char **v = xcalloc (1, sizeof (char *));
  const char *term = getenv ("TERM");
  char *s;

  for (char **e = ic->env; e != NULL && *e != NULL; e++)
    strv_push (&v, xstrdup (*e));
  /* podman's defaults for what an image leaves unset */
  if (!env_has (v, "PATH"))
    strv_push (&v, xstrdup ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
  if (!env_has (v, "HOME"))
    {
      if (asprintf (&s, "HOME=%s", home != NULL ? home : "/") < 0)
        oom ();
      strv_push (&v, s);
    }
  if (!env_has (v, "TERM") && term != NULL)
    {
      if (asprintf (&s, "TERM=%s", term) < 0)
        oom ();
      strv_push (&v, s);
    }
  return v;
}
