/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp-check.c: what a compiled policy does to the calls the command's process makes
   after loading it (init.c: execve, the send of a failed start, exit_group or exit), tried
   in a throw-away child.  Run by sandbox-seccomp on each compile; the launcher does not
   link it.  */
#include "build-config.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "seccomp.h"

enum probe_step
{
  PROBE_LOAD,
  PROBE_EXECVE,
  PROBE_SEND,
  PROBE_EXIT_GROUP,
  PROBE_EXIT,
  PROBE_END,
};

/* Shared with the probe's child, which writes it with no system call.  */
struct probe_page
{
  volatile int step;
  volatile int errnum[PROBE_END];
};

#define PROBE_STATUS 73

_Noreturn static void
probe_child (const struct sb_seccomp_bpf *bpf, struct probe_page *pg, int sock)
{
  struct sock_fprog prog
      = { .len = (unsigned short) (bpf->len / sizeof (struct sock_filter)), .filter = bpf->insns };
  const struct rlimit no_core = { 0, 0 };
  long r;

  /* a kill here is expected: no core file, no dump */
  (void) setrlimit (RLIMIT_CORE, &no_core);
  (void) prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  pg->step = PROBE_LOAD;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
      || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
    {
      pg->errnum[PROBE_LOAD] = errno;
      _exit (1);
    }
  /* execve of no path: EFAULT when the policy lets it reach the kernel */
  pg->step = PROBE_EXECVE;
  r = syscall (SYS_execve, NULL, NULL, NULL);
  pg->errnum[PROBE_EXECVE] = r < 0 ? errno : 0;
  /* init.c's fail () reports a failed execve with send (sendto) */
  pg->step = PROBE_SEND;
  r = send (sock, "", 1, MSG_NOSIGNAL);
  pg->errnum[PROBE_SEND] = r == 1 ? 0 : errno;
  /* _exit () calls exit_group, then exit when that returns */
  pg->step = PROBE_EXIT_GROUP;
  r = syscall (SYS_exit_group, PROBE_STATUS);
  pg->errnum[PROBE_EXIT_GROUP] = r < 0 ? errno : 0;
  pg->step = PROBE_EXIT;
  r = syscall (SYS_exit, PROBE_STATUS);
  pg->errnum[PROBE_EXIT] = r < 0 ? errno : 0;
  pg->step = PROBE_END;
  __builtin_trap ();
}

int
sb_seccomp_check (const char *path, const struct sb_seccomp_bpf *bpf, struct sb_error **err)
{
  static const char *const call[PROBE_END] = {
    [PROBE_EXECVE] = "execve",
    [PROBE_SEND] = "sendto",
    [PROBE_EXIT_GROUP] = "exit_group",
    [PROBE_EXIT] = "exit_group and exit",
  };
  static const char *const why[PROBE_END] = {
    [PROBE_EXECVE] = "which starts the command",
    [PROBE_SEND] = "which reports a command that could not start",
    [PROBE_EXIT_GROUP] = "which ends every program",
    [PROBE_EXIT] = "which end every program",
  };
  struct probe_page *pg;
  int sv[2], status = 0, step, r = 0;
  pid_t pid;

  pg = mmap (NULL, sizeof *pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (pg == MAP_FAILED)
    return sb_error_set (err, errno, "mmap");
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      (void) munmap (pg, sizeof *pg);
      return sb_error_set (err, errno, "socketpair");
    }
  pid = fork ();
  if (pid == 0)
    probe_child (bpf, pg, sv[0]);
  (void) close (sv[0]);
  (void) close (sv[1]);
  if (pid < 0 || TEMP_FAILURE_RETRY (waitpid (pid, &status, 0)) < 0)
    {
      r = sb_error_set (err, errno, "%s: try the filter", path);
      goto out;
    }
  step = pg->step;
  if (step == PROBE_LOAD)
    r = sb_error_set (err, pg->errnum[PROBE_LOAD], "--seccomp '%s': the kernel refuses the filter",
                      path);
  else if (WIFEXITED (status) && WEXITSTATUS (status) == PROBE_STATUS)
    {
      /* it ended as a program does (exit_group, or exit after it): the calls before? */
      step = pg->errnum[PROBE_EXECVE] != EFAULT ? PROBE_EXECVE
             : pg->errnum[PROBE_SEND] != 0      ? PROBE_SEND
                                                : PROBE_END;
      if (step != PROBE_END)
        r = sb_error_set (err, pg->errnum[step], "--seccomp '%s': the policy refuses %s, %s", path,
                          call[step], why[step]);
    }
  else if (step > PROBE_LOAD && step < PROBE_END && WIFSIGNALED (status))
    r = sb_error_set (err, 0, "--seccomp '%s': the policy kills %s (SIG%s), %s", path, call[step],
                      sigabbrev_np (WTERMSIG (status)) ? sigabbrev_np (WTERMSIG (status)) : "?",
                      why[step]);
  else
    {
      step = step >= PROBE_EXIT_GROUP ? PROBE_EXIT : PROBE_EXECVE;
      r = sb_error_set (err, 0, "--seccomp '%s': the policy refuses %s, %s", path, call[step],
                        why[step]);
    }
out:
  (void) munmap (pg, sizeof *pg);
  return r;
}
