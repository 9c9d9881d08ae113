/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inroot.h: paths inside a tree we do not trust: the new root while pid 1 builds it (a
   --rootfs or --layer may hold any symlink), a --layer's or the lower tree's folders, and a
   --persist folder (whatever a sandbox wrote there).  The one module that resolves and
   creates paths in them: nothing here follows a symlink out of the tree, and what is
   created is created by fd, one component at a time, in a folder resolved that way.  */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* An O_PATH fd on PATH inside ROOT (an O_PATH fd on the new root's /), FLAGS or'ed in
   (O_DIRECTORY, O_NOFOLLOW).  PATH resolves as if ROOT were / (RESOLVE_IN_ROOT): an
   absolute symlink or ".." stays inside, and magic links (/proc/PID/...) are refused.  -1
   and errno.  */
int inroot_open (int root, const char *path, int flags);

/* PATH inside ROOT as a folder (DIR) or a file, made (mode MODE) with its missing parents
   when it does not exist.  A dangling symlink on the way is followed inside the root, and
   what it points to is made, as the kernel would have it.  An O_PATH fd on it; -1 and errno
   (EROFS: it is missing, on a read-only mount).  */
int inroot_make (int root, const char *path, bool dir, mode_t mode);

/* REL (relative) below DIRFD with no symlink followed, on the way or at its end, and no
   ".." out (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), opened with FLAGS | O_CLOEXEC: a
   layer's, a --persist folder's or a fresh file system's entry.  -1 and errno (ELOOP: a
   symlink; ENOTDIR: a file on the way, or at the end with O_DIRECTORY).  */
int inroot_open_beneath (int dirfd, const char *rel, int flags);

/* REL (relative) below DIRFD, where every component must be a real folder: no symlink is
   followed, no ".." leaves (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS).  With MODE != 0 the
   missing components are made, one mkdirat at a time.  A read-only fd on the folder; -1 and
   errno (ELOOP: a symlink on the way; ENOTDIR: a file).  */
int inroot_dir_beneath (int dirfd, const char *rel, mode_t mode);
/* The folder REL (relative) below DIRFD, made (mode MODE) in its parent when missing.  The
   parent is reached as inroot_dir_beneath reaches it and is not made: only the last
   component ever is.  A read-only fd on the folder; -1 and errno (ENOENT: no parent).  */
int inroot_mkdir_beneath (int dirfd, const char *rel, mode_t mode);
