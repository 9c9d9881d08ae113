/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unreadable.h: the host files of the package managers' folders that the caller cannot read
   (dpkg's and apt's lock files, /etc/.pwd.lock, /etc/shadow, apt's partial folders).  An
   overlay copies a file up by reading it, so root inside could not lock, replace or truncate
   them, and apt-get, dpkg and useradd failed with EACCES.  The launcher lists them, as the
   caller, before the sandbox starts; the fuse engine's helper makes each one fresh in the
   upper layer before it serves a request: an empty file, or an empty opaque folder, with the
   lower's mode and owner (the host's root: root inside).  Their content stays out of the sandbox:
   the caller could not read it.  */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define UNREADABLE_MAX 64
/* the user xattr on what unreadable_make made: not a change of the command's
   (workdir.c does not count it, nor the opaque marker in such a folder) */
#define UNREADABLE_XATTR "user.sandbox.made"
#define UNREADABLE_OPAQUE ".wh..wh..opq"
#define UNREADABLE_PATH 96

struct unreadable_entry
{
  char rel[UNREADABLE_PATH]; /* below the lower root: "var/lib/dpkg/lock" */
  mode_t mode;               /* S_IFREG or S_IFDIR, and the lower's permissions */
  uid_t uid;                 /* the lower's owner, as an id inside (unreadable_list) */
  gid_t gid;
};

struct unreadable_list
{
  struct unreadable_entry e[UNREADABLE_MAX];
  size_t n;
  /* the modes of the folders on the way ("var", "var/lib", ...), made like the lower's */
  struct unreadable_entry dirs[UNREADABLE_MAX];
  size_t n_dirs;
};

/* Launcher, as the caller: the entries of the package managers' folders in the lower tree
   ROOT (an fd on the --rootfs or on /) that the caller cannot read.  */
void unreadable_list (int root, struct unreadable_list *ret);

/* In a helper's hook (system calls only), as root of the sandbox's user namespace: makes
   L's entries in the upper folder UPPER.  An entry the upper folder already has, or hides
   (a whiteout: a --persist folder where a sandbox removed it), is left alone; nothing is
   followed through a symlink.  Best effort: what cannot be made stays as the lower has it.  */
void unreadable_make (const struct unreadable_list *l, int upper);
