/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h: cleanup attributes, ownership transfer, and the few helpers two modules need. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>

#define cleanup_free __attribute__ ((cleanup (freep)))
#define cleanup_close __attribute__ ((cleanup (closep)))
#define cleanup_strv __attribute__ ((cleanup (strv_freep)))

void freep (void *p);
void closep (int *fd);
void strv_freep (char ***v);
void strv_free (char **v);

static inline void *
steal_ptr_impl (void **p)
{
  void *v = *p;
  *p = NULL;
  return v;
}
#define steal_ptr(pp) steal_ptr_impl ((void **) (pp))

static inline int
steal_fd (int *fd)
{
  int v = *fd;
  *fd = -1;
  return v;
}

_Noreturn void oom (void);
char *xstrdup (const char *s);
void *xcalloc (size_t n, size_t size);
void *xreallocarray (void *p, size_t n, size_t size);

/* A growing NULL-terminated vector of strings.  */
size_t strv_len (char *const *v);
void strv_push (char ***v, char *s); /* takes s */
/* Whether V (NULL: empty) holds a string equal to S.  */
bool strv_has (char *const *v, const char *s);
/* Whether the N strings of V (a fixed table) hold one equal to S; strs_has_in (TABLE, S)
   for a static array.  */
bool strs_has (const char *const *v, size_t n, const char *s);
#define strs_has_in(table, s) strs_has ((table), sizeof (table) / sizeof *(table), (s))

/* Writes all of BUF to FD; -1 and errno on failure.  */
int write_all (int fd, const void *buf, size_t len);
/* Sends LEN bytes of BUF on the socket SOCK as one message (MSG_NOSIGNAL), with FD passed
   by SCM_RIGHTS when it is not -1.  What sendmsg returns.  System calls only: safe in a
   spawn_shared child.  */
ssize_t send_with_fd (int sock, const void *buf, size_t len, int fd);
/* Receives one message of at most LEN bytes into BUF (recvmsg's FLAGS, and
   MSG_CMSG_CLOEXEC); the fd passed with it in *RET_FD, else -1 (an fd on an empty message,
   which reads as the peer's end, is closed).  What recvmsg returns.  */
ssize_t recv_with_fd (int sock, void *buf, size_t len, int flags, int *ret_fd);
/* Writes S to the file at PATH (O_WRONLY, no create).  */
int write_file_at (int dirfd, const char *path, const char *s);
/* Reads a whole small file; NULL and errno on failure.  */
char *read_file_at (int dirfd, const char *path, size_t *ret_len);
/* The same from FD (open for reading), to its end.  */
char *read_fd (int fd, size_t *ret_len);

/* PATH made absolute (a relative one from CWD) and clean, by its spelling only: no empty,
   "." or ".." parts, no trailing '/'.  What a path "as written" means.  */
char *path_clean (const char *cwd, const char *path);
/* DIR/REL the same way, as a path relative to the top DIR is below ("a/b", "" for the top
   itself); NULL when a ".." climbs above that top.  */
char *path_clean_beneath (const char *dir, const char *rel);

/* The caller's home: $HOME when it is absolute, else the password database's, clean
   (path_clean); NULL when neither names one.  */
char *user_home_dir (void);
/* $VAR (an XDG base folder: XDG_CONFIG_HOME, XDG_DATA_HOME) when it is absolute, else
   BELOW_HOME (".config") in user_home_dir (); NULL when neither is known.  */
char *user_xdg_dir (const char *var, const char *below_home);
/* $XDG_RUNTIME_DIR when it is absolute, else NULL (getenv's string: not to be freed).  */
const char *user_runtime_dir (void);

/* Closes every fd above 2 but the KEEP ones (N, sorted ascending), or with CLOEXEC only
   marks them close-on-exec.  close_range, else a walk of /proc/self/fd.  -1 and errno.  */
int fds_close_except (const int *keep, size_t n, bool cloexec);
/* Files a user names (profiles, seccomp policies): a FIFO or a device must not hang us, nor
   /dev/zero fill our memory.  Reads the regular file at PATH, opened without blocking and
   checked with fstat before a byte is read, of at most MAX bytes; the text ends with a NUL
   (the file may hold others: *RET_LEN says where it ends).  NULL and errno on failure:
   EINVAL when it is not a regular file, EFBIG when it is larger than MAX.  *RET_ST (when not
   NULL) gets the fstat of what was read.  */
char *read_regular_file_at (int dirfd, const char *path, size_t max, size_t *ret_len,
                            struct stat *ret_st);
/* The same for an open FD, read from its offset 0.  */
char *read_regular_fd (int fd, size_t max, size_t *ret_len, struct stat *ret_st);

/* Parses a decimal id (0 .. 4294967294); -1 on bad input.  */
int parse_id (const char *s, unsigned *ret);

/* The folder of the shipped profiles and seccomp policies: $SANDBOX_DATADIR when set (tests);
   the source tree's profiles/ for a launcher run from its build tree, even where an installed
   folder exists (an older install, or an empty one left behind); else the installed one, or
   the source tree's when there is none.  */
const char *sb_profiledir (void);
/* Its choice, for the tests: TREE when EXE_DIR (the launcher's folder) is BUILD_DIR, else
   INSTALLED when it exists, else TREE.  */
const char *sb_profiledir_choose (const char *exe_dir, const char *build_dir, const char *installed,
                                  const char *tree);

/* The first executable NAME in the folders of $PATH (absolute ones only: a helper is never
   taken from a relative folder), or NULL.  */
char *path_find (const char *name);

/* One of our helper programs (sandbox-procviews, sandbox-seccomp): next to the launcher (the
   build tree, or a relocated install), else the installed one.  */
char *sb_helper_path (const char *name);

/* In a helper's process before exec: every signal at its default disposition, none blocked.
   An ignored signal survives exec (SIGPIPE, when the caller of sandbox ignored it: Python
   does), and pasta refuses to start with SIGPIPE ignored.  */
void sb_signals_default (void);

/* In a helper's process before exec, after it joined the sandbox's user namespace without
   becoming root there (a one-id map leaves uid 0 unmapped): every capability it holds in
   that namespace made ambient, so that it keeps them across exec as root would.  System
   calls only (safe in a spawn_shared child).  */
void sb_caps_keep_across_exec (void);

/* The options of a FUSE mount served on FD, for any id to use (allow_other): owned by our
   own ids, since 0 is unmapped in a one-id map.  EXTRA (may be "") is appended.  */
char *fuse_mount_opts (int fd, const char *extra);

/* Runs FN (ARG) in a child that shares our memory until it execs or exits, while we wait:
   clone (CLONE_VM | CLONE_VFORK), as posix_spawn does.  No page of ours is copied; a fork
   copies every page either side writes, and page faults are most of what a start costs
   (measured on a 2-core guest: they do not even run in parallel).  FN runs on a stack of
   its own and must end in exec or _exit; what it writes to memory we see, so it may only
   change what we no longer read.  The child's pid, or -1 and errno.  */
pid_t spawn_shared (int (*fn) (void *), void *arg);
