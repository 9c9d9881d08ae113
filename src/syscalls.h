/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syscalls.h: kernel calls glibc lacks on our oldest distribution; -1 and errno, like libc. */
#pragma once

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int
sys_pivot_root (const char *new_root, const char *put_old)
{
  return (int) syscall (SYS_pivot_root, new_root, put_old);
}

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef MOUNT_ATTR_NOSUID
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#endif
#ifndef MOUNT_ATTR_NOEXEC
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

struct sb_mount_attr
{
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

static inline int
sys_mount_setattr (int dirfd, const char *path, unsigned flags, struct sb_mount_attr *attr)
{
#ifdef __NR_mount_setattr
  return (int) syscall (__NR_mount_setattr, dirfd, path, flags, attr, sizeof *attr);
#else
  errno = ENOSYS;
  return -1;
#endif
}

/* clone without a new stack: fork semantics plus namespace flags.  */
static inline pid_t
sys_clone_fork (unsigned long flags)
{
  return (pid_t) syscall (SYS_clone, flags, NULL, NULL, NULL, NULL);
}

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC 02000000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

static inline int
sys_open_tree (int dirfd, const char *path, unsigned flags)
{
#ifdef __NR_open_tree
  return (int) syscall (__NR_open_tree, dirfd, path, flags);
#else
  errno = ENOSYS;
  return -1;
#endif
}

static inline int
sys_move_mount (int from_dirfd, const char *from, int to_dirfd, const char *to, unsigned flags)
{
#ifdef __NR_move_mount
  return (int) syscall (__NR_move_mount, from_dirfd, from, to_dirfd, to, flags);
#else
  errno = ENOSYS;
  return -1;
#endif
}

#ifndef RESOLVE_NO_XDEV
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
#endif

struct sb_open_how
{
  uint64_t flags;
  uint64_t mode;
  uint64_t resolve;
};

static inline int
sys_openat2 (int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
#ifdef __NR_openat2
  struct sb_open_how how = { .flags = flags, .mode = 0, .resolve = resolve };
  return (int) syscall (__NR_openat2, dirfd, path, &how, sizeof how);
#else
  errno = ENOSYS;
  return -1;
#endif
}

/* pidfd_open (Linux 5.3), pidfd_send_signal (5.1): a process by its fd, never a reused pid */
static inline int
sys_pidfd_open (pid_t pid, unsigned flags)
{
#ifdef __NR_pidfd_open
  return (int) syscall (__NR_pidfd_open, pid, flags);
#else
  errno = ENOSYS;
  return -1;
#endif
}

static inline int
sys_pidfd_send_signal (int pidfd, int sig)
{
#ifdef __NR_pidfd_send_signal
  return (int) syscall (__NR_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
  errno = ENOSYS;
  return -1;
#endif
}
