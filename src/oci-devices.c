/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oci-devices.c: linux.devices (runtime-spec config-linux.md "Devices").  A rootless
   runtime cannot mknod a device, and root in an engine's user namespace (podman's) cannot
   either: as crun does rootless, the host's node is bound on a file of the container's
   /dev (binds.c's MOUNT_DEVICE: read-only, nosuid, noexec, never nodev).  The host's node
   is the entry's path when it is that device, else the node of that type and number found
   in the host's /dev (one level of folders down); none is an error.  A FIFO (type p) is one
   we make in the container's folder, with fileMode, and bind.  A bound node keeps the
   host's mode and owner: changing them would change the host's node, so fileMode, uid and
   gid are not applied to it (a differing fileMode is said with --log-level debug).  */
#include "build-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "json.h"
#include "log.h"
#include "oci.h"
#include "util.h"

struct device
{
  const char *path;
  mode_t type; /* S_IFCHR, S_IFBLK or S_IFIFO */
  dev_t rdev;
  mode_t mode;
  bool mode_set;
};

static bool
node_is (const struct stat *st, const struct device *d)
{
  return (st->st_mode & S_IFMT) == d->type && st->st_rdev == d->rdev;
}

/* The node of D's type and number in the host's folder DIR (and its subfolders when DEPTH
   is 1), as a path in *RET.  */
static bool
find_node (const char *dir, const struct device *d, int depth, char **ret)
{
  cleanup_free char *found = NULL;
  DIR *dp = opendir (dir);
  struct dirent *de;

  if (dp == NULL)
    return false;
  while (found == NULL && (de = readdir (dp)) != NULL)
    {
      cleanup_free char *p = NULL;
      struct stat st;

      if (de->d_name[0] == '.' || strcmp (de->d_name, "pts") == 0
          || strcmp (de->d_name, "shm") == 0)
        continue;
      if (asprintf (&p, "%s/%s", dir, de->d_name) < 0)
        oom ();
      if (lstat (p, &st) < 0)
        continue;
      if (node_is (&st, d))
        found = steal_ptr (&p);
      else if (S_ISDIR (st.st_mode) && depth > 0)
        (void) find_node (p, d, depth - 1, &found);
    }
  closedir (dp);
  if (found == NULL)
    return false;
  *ret = steal_ptr (&found);
  return true;
}

static int
parse_device (struct json_object *o, struct device *d, struct sb_error **err)
{
  static const char what[] = "config.json: linux.devices";
  const char *type = NULL;
  int64_t major = -1, minor = -1, mode = 0;
  int r;

  memset (d, 0, sizeof *d);
  if (sb_json_str (o, "path", what, &d->path, err) < 0
      || sb_json_str (o, "type", what, &type, err) < 0
      || sb_json_int (o, "major", what, &major, err) < 0
      || sb_json_int (o, "minor", what, &minor, err) < 0
      || (r = sb_json_int (o, "fileMode", what, &mode, err)) < 0)
    return -1;
  d->mode = (mode_t) mode & 07777;
  d->mode_set = r > 0;
  if (d->path == NULL || d->path[0] != '/')
    return sb_error_set (err, 0, "config.json: linux.devices: path missing or not absolute");
  if (type == NULL || strlen (type) != 1 || strchr ("cubp", type[0]) == NULL)
    return sb_error_set (err, 0, "config.json: linux.devices: '%s': type is not c, b, u or p",
                         d->path);
  d->type = type[0] == 'b' ? S_IFBLK : type[0] == 'p' ? S_IFIFO : S_IFCHR;
  if (d->type == S_IFIFO)
    return 0;
  if (major < 0 || minor < 0 || major > 0xfff || minor > 0xfffff)
    return sb_error_set (err, 0, "config.json: linux.devices: '%s': major or minor missing",
                         d->path);
  d->rdev = makedev ((unsigned) major, (unsigned) minor);
  return 0;
}

/* D's host node, checked, in *RET.  */
static int
host_node (const struct device *d, char **ret, struct sb_error **err)
{
  struct stat st;

  if (stat (d->path, &st) == 0 && node_is (&st, d))
    *ret = xstrdup (d->path);
  else if (!find_node ("/dev", d, 1, ret))
    return sb_error_set (err, 0,
                         "config.json: linux.devices: '%s' (%c %u:%u): no such device on the "
                         "host, whose node a rootless runtime binds",
                         d->path, d->type == S_IFBLK ? 'b' : 'c', major (d->rdev), minor (d->rdev));
  if (stat (*ret, &st) == 0 && d->mode_set && (st.st_mode & 07777) != d->mode)
    log_debug ("oci: device '%s': the host's node '%s' keeps its mode %04o, not %04o", d->path,
               *ret, st.st_mode & 07777, d->mode);
  return 0;
}

/* A FIFO of ours in STATE_DIR, numbered I, with D's mode.  */
static int
make_fifo (const struct device *d, const char *state_dir, size_t i, char **ret,
           struct sb_error **err)
{
  cleanup_free char *p = NULL;
  mode_t mode = d->mode_set ? d->mode : 0666;

  if (asprintf (&p, "%s/fifo-%zu", state_dir, i) < 0)
    oom ();
  if (mkfifo (p, 0600) < 0 || chmod (p, mode) < 0)
    return sb_error_set (err, errno, "config.json: linux.devices: '%s': mkfifo", d->path);
  *ret = steal_ptr (&p);
  return 0;
}

bool
oci_device_is_node (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode));
}

int
oci_devices_load (struct config *cfg, struct json_object *linux_, const char *state_dir,
                  struct sb_error **err)
{
  struct json_object *a = NULL;
  int r = sb_json_get (linux_, "devices", json_type_array, "config.json: linux", &a, err);

  if (r <= 0)
    return r;
  for (size_t i = 0; i < json_object_array_length (a); i++)
    {
      cleanup_free char *src = NULL;
      struct device d;

      if (parse_device (json_object_array_get_idx (a, i), &d, err) < 0)
        return -1;
      if ((d.type == S_IFIFO ? make_fifo (&d, state_dir, i, &src, err) : host_node (&d, &src, err))
          < 0)
        return -1;
      oci_config_add_mount (cfg, MOUNT_DEVICE, "device", src, d.path);
    }
  return 0;
}
