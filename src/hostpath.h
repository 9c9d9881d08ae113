/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostpath.h: host paths as the launcher meets them (bind sources, the working directory,
   the home): resolved so that a symlink a sandbox could have planted does not redirect them,
   and compared by identity (device and inode), never by spelling.  */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

struct sb_error;

struct file_id
{
  dev_t dev;
  ino_t ino;
  bool set; /* the path existed */
};

/* The folders the checks compare against, found once.  */
struct host_ids
{
  struct file_id root, home, tmp, var_tmp;
  /* /dev, /proc, /sys, /run and $XDG_RUNTIME_DIR: each, and anything below it */
  struct file_id below[5];
  struct file_id *home_up; /* the home's ancestors, / last */
  size_t n_home_up;
};

/* HOME: the caller's home (NULL: none).  */
void hostpath_ids_init (struct host_ids *ids, const char *home);
void hostpath_ids_free (struct host_ids *ids);

struct file_id file_id_of (const struct stat *st);
bool file_id_eq (const struct file_id *a, const struct stat *st);

enum home_rel
{
  HOME_REL_NONE,  /* neither */
  HOME_REL_HOME,  /* the home itself */
  HOME_REL_ABOVE, /* an ancestor of the home, or / */
};
enum home_rel hostpath_home_rel (const struct host_ids *ids, const struct stat *st);

/* A system or session folder, which no sandbox may have bound read-write: /tmp, /var/tmp,
   anything at or below /dev, /proc, /sys, /run or $XDG_RUNTIME_DIR, anything on a pseudo
   file system.  FD: an O_PATH fd on it.  */
bool hostpath_is_system (const struct host_ids *ids, int fd);

/* Resolves PATH (a relative one from the working directory) as the kernel would, but a
   symlink is followed freely only when root owns it, or the caller does and it sits in the
   home, above it or in a system folder: places no sandbox writes.  Any other symlink may
   have been planted by a sandbox in a folder it could write, so it must resolve beneath its
   own folder; else the error says so, naming WHAT ("--bind './cache'").  An O_PATH fd on
   the result, and its canonical path in *RET_REAL; -1 with *ERR set.  */
int hostpath_resolve (const struct host_ids *ids, const char *what, const char *path,
                      char **ret_real, struct sb_error **err);

/* Whether ANCESTOR is REAL (a canonical path) or one of its ancestors, compared by identity
   along REAL's components; then *RET_REL is REAL relative to it ("" for itself).  */
bool hostpath_below (const struct file_id *ancestor, const char *real, char **ret_rel);

/* A canonical path and the identities of its prefixes, "/" first: found once, then
   compared with any number of folders without another system call.  */
struct path_chain
{
  char *real;
  struct file_id *ids; /* ids[i]: REAL's first I components */
  size_t n;
};

/* REAL's chain; ids of prefixes that cannot be reached stay unset.  */
void hostpath_chain (const char *real, struct path_chain *ret);
void hostpath_chain_free (struct path_chain *c);
/* Whether ID is one of C's prefixes; then *RET_REL is C's path below it ("" for C).  */
bool hostpath_chain_rel (const struct path_chain *c, const struct file_id *id, char **ret_rel);

/* PATH (absolute, clean) walked with lstat, prefix by prefix, the ones HINT (may be NULL)
   holds taken from it: a chain without realpath () when no symlink is on the way.  The
   chain covers PATH's first *RET_END characters (ret->real).  0: all of PATH is there; 1: the
   rest is missing; -1: a symlink (or an error) stopped the walk.  */
int hostpath_chain_walk (const char *path, const struct path_chain *hint, struct path_chain *ret,
                         size_t *ret_end);

/* The same test as hostpath_is_system for a folder whose canonical path's CHAIN is known:
   no system call but one fstatfs on FD.  */
bool hostpath_chain_is_system (const struct host_ids *ids, const struct path_chain *chain, int fd);
