/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci-state.c: a container's folder under --root.  It holds state.json (written by the
   monitor when the sandbox is built), exec.fifo (the monitor waits on it until `start`),
   `started` (made by `start`), `exit` (the command's status, written by the monitor at the
   end) and seccomp.json.  The status is derived, never stored: a monitor killed with
   SIGKILL still reads as stopped.  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "json.h"
#include "oci.h"
#include "util.h"

/* Whether we run in the machine's own user namespace: uid 0 there is the real root;
   elsewhere (rootless podman's namespace) /run is not ours.  */
static bool
initial_userns (void)
{
  cleanup_free char *map = read_file_at (AT_FDCWD, "/proc/self/uid_map", NULL);
  unsigned a, b, n;

  return map != NULL && sscanf (map, "%u %u %u", &a, &b, &n) == 3 && a == 0 && b == 0
         && n == 4294967295u;
}

char *
oci_root_default (void)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  char *p;

  if (geteuid () == 0 && (xdg == NULL || initial_userns ()))
    return xstrdup ("/run/sandbox-oci");
  if (xdg != NULL && xdg[0] == '/')
    {
      if (asprintf (&p, "%s/sandbox-oci", xdg) < 0)
        oom ();
      return p;
    }
  if (asprintf (&p, "/tmp/sandbox-oci-%u", (unsigned) getuid ()) < 0)
    oom ();
  return p;
}

bool
oci_id_valid (const char *id)
{
  size_t n = strlen (id);

  if (n == 0 || n > 1024
      || strspn (id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789_.+-")
             != n)
    return false;
  return id[0] != '.' && id[0] != '-';
}

static int
mkdir_p (const char *path)
{
  cleanup_free char *p = xstrdup (path);

  for (char *s = strchr (p + 1, '/'); s != NULL; s = strchr (s + 1, '/'))
    {
      *s = '\0';
      if (mkdir (p, 0700) < 0 && errno != EEXIST)
        return -1;
      *s = '/';
    }
  return mkdir (p, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int
oci_state_make_dir (const char *root, const char *id, char **ret_dir, struct sb_error **err)
{
  char *dir;

  if (mkdir_p (root) < 0)
    return sb_error_set (err, errno, "--root '%s'", root);
  if (asprintf (&dir, "%s/%s", root, id) < 0)
    oom ();
  if (mkdir (dir, 0700) < 0)
    {
      int e = errno;

      free (dir);
      if (e == EEXIST)
        return sb_error_set (err, 0, "container '%s' exists", id);
      return sb_error_set (err, e, "mkdir '%s/%s'", root, id);
    }
  *ret_dir = dir;
  return 0;
}

const char *
oci_status_name (enum oci_status st)
{
  static const char *const names[] = { "creating", "created", "running", "stopped" };
  return names[st];
}

char *
oci_state_json (const struct oci_state *s)
{
  struct json_object *o = json_object_new_object ();
  char *r;

  json_object_object_add (o, "ociVersion", json_object_new_string ("1.2.0"));
  json_object_object_add (o, "id", json_object_new_string (s->id));
  json_object_object_add (o, "status", json_object_new_string (oci_status_name (s->status)));
  json_object_object_add (o, "pid",
                          json_object_new_int (s->status == OCI_STOPPED ? 0 : (int) s->pid));
  json_object_object_add (o, "bundle", json_object_new_string (s->bundle));
  if (s->created != NULL)
    json_object_object_add (o, "created", json_object_new_string (s->created));
  json_object_object_add (o, "annotations", json_object_new_object ());
  r = xstrdup (
      json_object_to_json_string_ext (o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (o);
  return r;
}

int
oci_state_write (const char *dir, const struct oci_state *s, struct sb_error **err)
{
  struct json_object *o = json_object_new_object ();
  cleanup_free char *tmp = NULL;
  cleanup_free char *path = NULL;
  int r;

  json_object_object_add (o, "id", json_object_new_string (s->id));
  json_object_object_add (o, "bundle", json_object_new_string (s->bundle));
  json_object_object_add (o, "created", json_object_new_string (s->created ? s->created : ""));
  json_object_object_add (o, "pid", json_object_new_int ((int) s->pid));
  json_object_object_add (o, "init", json_object_new_int ((int) s->init));
  json_object_object_add (o, "monitor", json_object_new_int ((int) s->monitor));
  json_object_object_add (o, "monitorStart", json_object_new_uint64 (s->monitor_start));
  if (s->sandbox != NULL)
    json_object_object_add (o, "sandbox", json_object_new_string (s->sandbox));
  if (asprintf (&tmp, "%s/state.json.tmp", dir) < 0 || asprintf (&path, "%s/state.json", dir) < 0)
    oom ();
  r = json_object_to_file_ext (tmp, o, JSON_C_TO_STRING_PLAIN);
  json_object_put (o);
  if (r < 0 || rename (tmp, path) < 0)
    return sb_error_set (err, errno, "write '%s'", path);
  return 0;
}

unsigned long long
oci_proc_start (pid_t pid)
{
  char path[64];
  cleanup_free char *stat = NULL;
  unsigned long long start = 0;
  char *p;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  stat = read_file_at (AT_FDCWD, path, NULL);
  if (stat == NULL || (p = strrchr (stat, ')')) == NULL)
    return 0;
  /* after the name: state (field 3) ... starttime (field 22) */
  if (sscanf (p + 2,
              "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
              &start)
      != 1)
    return 0;
  return start;
}

static bool
file_there (const char *dir, const char *name)
{
  cleanup_free char *p = NULL;

  if (asprintf (&p, "%s/%s", dir, name) < 0)
    oom ();
  return access (p, F_OK) == 0;
}

static int
read_exit (const char *dir)
{
  cleanup_free char *p = NULL;
  cleanup_free char *s = NULL;

  if (asprintf (&p, "%s/exit", dir) < 0)
    oom ();
  s = read_file_at (AT_FDCWD, p, NULL);
  return s != NULL ? atoi (s) : -1;
}

int
oci_state_read (const char *root, const char *id, struct oci_state *ret, char **ret_dir,
                struct sb_error **err)
{
  cleanup_free char *dir = NULL;
  cleanup_free char *path = NULL;
  struct json_object *o;

  if (!oci_id_valid (id))
    return sb_error_set (err, 0, "'%s': not a valid container id", id);
  if (asprintf (&dir, "%s/%s", root, id) < 0 || asprintf (&path, "%s/state.json", dir) < 0)
    oom ();
  memset (ret, 0, sizeof *ret);
  ret->id = xstrdup (id);
  ret->exit_status = -1;
  if (access (dir, F_OK) < 0)
    return sb_error_set (err, 0, "container '%s' does not exist", id);
  o = json_object_from_file (path);
  if (o == NULL)
    {
      /* made, not yet built: the monitor writes state.json when the sandbox is ready */
      ret->bundle = xstrdup ("");
      ret->status = OCI_CREATING;
      if (ret_dir != NULL)
        *ret_dir = steal_ptr (&dir);
      return 0;
    }
  ret->bundle = xstrdup (sb_json_str_or (o, "bundle", ""));
  ret->created = xstrdup (sb_json_str_or (o, "created", ""));
  ret->pid = (pid_t) sb_json_int_or (o, "pid", 0);
  ret->init = (pid_t) sb_json_int_or (o, "init", 0);
  ret->monitor = (pid_t) sb_json_int_or (o, "monitor", 0);
  ret->monitor_start = (unsigned long long) sb_json_int_or (o, "monitorStart", 0);
  if (sb_json_member (o, "sandbox", json_type_string) != NULL)
    ret->sandbox = xstrdup (sb_json_str_or (o, "sandbox", NULL));
  json_object_put (o);
  if (file_there (dir, "exit") || ret->monitor <= 0
      || oci_proc_start (ret->monitor) != ret->monitor_start)
    {
      ret->status = OCI_STOPPED;
      ret->exit_status = read_exit (dir);
    }
  else
    ret->status = file_there (dir, "started") ? OCI_RUNNING : OCI_CREATED;
  if (ret_dir != NULL)
    *ret_dir = steal_ptr (&dir);
  return 0;
}

void
oci_state_free (struct oci_state *s)
{
  free (s->id);
  free (s->bundle);
  free (s->created);
  free (s->sandbox);
  memset (s, 0, sizeof *s);
}

void
oci_state_remove (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *de;

  if (d != NULL)
    {
      while ((de = readdir (d)) != NULL)
        if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
          (void) unlinkat (dirfd (d), de->d_name, 0);
      closedir (d);
    }
  (void) rmdir (dir);
}
