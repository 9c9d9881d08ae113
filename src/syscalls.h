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
