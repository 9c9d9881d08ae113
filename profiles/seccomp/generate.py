#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes default.json and browser.json, sandbox's own seccomp policies, from the lists below.

Not run by the build: edit the lists, run `python3 generate.py` here, commit the JSON too.
The policies are allow lists: a call not named answers ENOSYS, as a kernel without it would,
so programs fall back to older calls; the calls named in DENY answer EPERM.
"""
import json

# What an ordinary unprivileged program uses, by area.  Names of one ABI only (the i386
# stat64, socketcall, ..._time64) apply where that ABI has them; libseccomp maps each name to
# its number on x86_64, i386 and x32.
ALLOW = {
    "files": """read write readv writev pread64 pwrite64 preadv pwritev preadv2 pwritev2
        open openat openat2 creat close close_range lseek _llseek dup dup2 dup3 fcntl fcntl64
        flock fsync fdatasync sync syncfs sync_file_range truncate truncate64 ftruncate
        ftruncate64 fallocate fadvise64 fadvise64_64 readahead sendfile sendfile64 splice tee
        vmsplice copy_file_range stat lstat fstat stat64 lstat64 fstat64 fstatat64 newfstatat
        statx statfs fstatfs statfs64 fstatfs64 access faccessat faccessat2 getcwd chdir fchdir
        mkdir mkdirat rmdir rename renameat renameat2 link linkat unlink unlinkat symlink
        symlinkat readlink readlinkat chmod fchmod fchmodat chown fchown lchown fchownat
        chown32 fchown32 lchown32 umask utime utimes utimensat utimensat_time64 futimesat
        mknod mknodat getdents getdents64 getxattr lgetxattr fgetxattr setxattr lsetxattr
        fsetxattr listxattr llistxattr flistxattr removexattr lremovexattr fremovexattr
        memfd_create io_setup io_destroy io_submit io_cancel io_getevents""",
    "waiting": """pipe pipe2 select _newselect pselect6 pselect6_time64 poll ppoll
        ppoll_time64 epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait epoll_pwait2
        eventfd eventfd2 signalfd signalfd4 timerfd_create timerfd_settime timerfd_gettime
        timerfd_settime64 timerfd_gettime64 inotify_init inotify_init1 inotify_add_watch
        inotify_rm_watch""",
    "time": """time gettimeofday clock_gettime clock_gettime64 clock_getres
        clock_getres_time64 clock_nanosleep clock_nanosleep_time64 nanosleep alarm getitimer
        setitimer timer_create timer_settime timer_settime64 timer_gettime timer_gettime64
        timer_getoverrun timer_delete times""",
    "memory": """brk mmap mmap2 munmap mremap mprotect madvise mlock mlock2 munlock mlockall
        munlockall mincore msync remap_file_pages membarrier pkey_alloc pkey_free
        pkey_mprotect get_mempolicy set_mempolicy mbind""",
    "processes": """fork vfork execve execveat exit exit_group wait4 waitid waitpid kill
        tkill tgkill getpid getppid gettid getpgid setpgid getpgrp getsid setsid getuid
        geteuid getgid getegid getresuid getresgid getgroups setuid setgid setreuid setregid
        setresuid setresgid setgroups setfsuid setfsgid getuid32 geteuid32 getgid32
        getegid32 getresuid32 getresgid32 getgroups32 setuid32 setgid32 setreuid32
        setregid32 setresuid32 setresgid32 setgroups32 setfsuid32 setfsgid32 capget capset
        prctl arch_prctl set_tid_address set_robust_list get_robust_list futex futex_time64
        futex_waitv rseq sched_yield sched_getaffinity sched_setaffinity sched_getparam
        sched_setparam sched_getscheduler sched_setscheduler sched_get_priority_max
        sched_get_priority_min sched_rr_get_interval sched_rr_get_interval_time64
        sched_getattr sched_setattr getpriority setpriority getrlimit setrlimit ugetrlimit
        prlimit64 getrusage sysinfo uname getcpu ioprio_get ioprio_set getrandom
        restart_syscall pause pidfd_open pidfd_send_signal pidfd_getfd ptrace
        process_vm_readv process_vm_writev seccomp landlock_create_ruleset
        landlock_add_rule landlock_restrict_self""",
    "signals": """rt_sigaction rt_sigprocmask rt_sigreturn rt_sigsuspend rt_sigpending
        rt_sigtimedwait rt_sigtimedwait_time64 rt_sigqueueinfo rt_tgsigqueueinfo sigaltstack
        sigreturn sigaction signal sigprocmask sigpending sigsuspend""",
    "network": """socketpair bind connect listen accept accept4 getsockname
        getpeername sendto recvfrom sendmsg recvmsg sendmmsg recvmmsg recvmmsg_time64
        shutdown setsockopt getsockopt send recv""",
    "ipc": """shmget shmat shmdt shmctl semget semop semtimedop semtimedop_time64 semctl
        msgget msgsnd msgrcv msgctl ipc mq_open mq_unlink mq_timedsend mq_timedsend_time64
        mq_timedreceive mq_timedreceive_time64 mq_notify mq_getsetattr""",
}

# Kernel surfaces an unprivileged sandbox never needs, each a source of past escapes or of
# changes to the whole machine.  EPERM says "not allowed here", not "not there".
DENY = {
    "keyrings (shared with the host, not namespaced)": "keyctl add_key request_key",
    "BPF programs and perf counters": "bpf perf_event_open",
    "userfaultfd (stalls the kernel mid-copy, a race helper)": "userfaultfd",
    "new kernels and modules": "kexec_load kexec_file_load init_module finit_module delete_module",
    "file handles that bypass the mount namespace": "open_by_handle_at name_to_handle_at",
    "port I/O": "iopl ioperm",
    "the clock": """clock_settime clock_settime64 settimeofday stime adjtimex clock_adjtime
        clock_adjtime64""",
    "accounting, quotas, swap, reboot": "acct quotactl swapon swapoff reboot",
    "mounts (the sandbox's are set up before the policy applies)": """mount umount umount2
        pivot_root fsopen fsconfig fsmount fspick move_mount open_tree mount_setattr""",
    "the kernel's log and terminal hangups": "syslog vhangup",
    "io_uring (bypasses this filter for the calls it runs)": "io_uring_setup io_uring_enter io_uring_register",
}

CLONE_NEWUSER = 0x10000000
# Socket families no sandbox needs, each a way out or a large surface (Docker, containerd and
# podman refuse both): AF_VSOCK is not network-namespaced, so on a VM the hypervisor's
# services answer even under --net none; AF_ALG is the kernel's crypto API (CVE-2026-31431).
AF_ALG = 38
AF_VSOCK = 40
EAFNOSUPPORT = 97
# socketcall (i386) passes a call's arguments in memory, where a filter cannot read the
# family: its SYS_SOCKET answers ENOSYS (the policy's default), the other calls work
SYS_SOCKET = 1
TIOCSTI = 0x5412
TIOCLINUX = 0x541C


def names(s):
    return sorted(s.split())


def masked(index, mask, value):
    return {"index": index, "value": mask, "valueTwo": value, "op": "SCMP_CMP_MASKED_EQ"}


def allow_all_but(index, excluded):
    """ALLOW rules on the low 32 bits of argument INDEX for every value but EXCLUDED.

    libseccomp drops conditional rules of a call that also has an unconditional one, so
    "allow ioctl, but deny TIOCSTI" cannot be written as two rules: the allowed values are
    covered by masked compares instead, one per bit prefix that leads away from an excluded
    value (34 rules for two values)."""
    rules = []

    def cover(bits, prefix):
        inside = [v for v in excluded if v >> (32 - bits) == prefix] if bits else list(excluded)
        if not inside:
            mask = (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF
            rules.append(masked(index, mask, prefix << (32 - bits)))
        elif bits < 32:
            cover(bits + 1, prefix << 1)
            cover(bits + 1, (prefix << 1) | 1)

    cover(0, 0)
    return rules


def policy(browser):
    rules = []
    for area, s in ALLOW.items():
        rules.append({"comment": area, "names": names(s), "action": "SCMP_ACT_ALLOW"})
    # personality: only the queries and flags ordinary programs set (ADDR_NO_RANDOMIZE is
    # not among them: it weakens ASLR for setuid programs)
    for v in (0x0, 0x8, 0x20000, 0x20008, 0xFFFFFFFF):
        rules.append({"comment": "personality %#x" % v, "names": ["personality"],
                      "action": "SCMP_ACT_ALLOW",
                      "args": [{"index": 0, "value": v, "op": "SCMP_CMP_EQ"}]})
    # terminal injection: TIOCSTI pushes bytes into the terminal's input, TIOCLINUX can paste
    # the console's selection.  The kernel reads the request as 32 bits: compare those only,
    # so a request with high bits set cannot slip past.
    for arg in allow_all_but(1, (TIOCSTI, TIOCLINUX)):
        rules.append({"comment": "ioctl but TIOCSTI and TIOCLINUX", "names": ["ioctl"],
                      "action": "SCMP_ACT_ALLOW", "args": [arg]})
    for req in (TIOCSTI, TIOCLINUX):
        rules.append({"comment": "ioctl %#x: terminal injection" % req, "names": ["ioctl"],
                      "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                      "args": [masked(1, 0xFFFFFFFF, req)]})
    # socket families: every one but those refused, which answer EAFNOSUPPORT as a kernel
    # without them would; the kernel reads the family as 32 bits, compare those only
    for arg in allow_all_but(0, (AF_ALG, AF_VSOCK)):
        rules.append({"comment": "socket but AF_ALG and AF_VSOCK", "names": ["socket"],
                      "action": "SCMP_ACT_ALLOW", "args": [arg]})
    for fam, name in ((AF_ALG, "AF_ALG"), (AF_VSOCK, "AF_VSOCK")):
        rules.append({"comment": "socket %s: refused" % name, "names": ["socket"],
                      "action": "SCMP_ACT_ERRNO", "errnoRet": EAFNOSUPPORT,
                      "args": [masked(0, 0xFFFFFFFF, fam)]})
    for arg in allow_all_but(0, (SYS_SOCKET,)):
        rules.append({"comment": "socketcall but SYS_SOCKET", "names": ["socketcall"],
                      "action": "SCMP_ACT_ALLOW", "args": [arg]})
    # clone3 passes its flags in memory, where a filter cannot read them: ENOSYS makes libc
    # fall back to clone, whose flags we can check
    rules.append({"comment": "clone3: use clone", "names": ["clone3"],
                  "action": "SCMP_ACT_ERRNO", "errnoRet": 38})
    if browser:
        rules.append({"comment": "browsers build their own sandboxes with user namespaces",
                      "names": ["clone", "unshare", "setns", "chroot"],
                      "action": "SCMP_ACT_ALLOW"})
    else:
        for call in ("clone", "unshare"):
            rules.append({"comment": call + " without a new user namespace", "names": [call],
                          "action": "SCMP_ACT_ALLOW",
                          "args": [masked(0, CLONE_NEWUSER, 0)]})
            rules.append({"comment": call + " of a new user namespace: denied",
                          "names": [call], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                          "args": [masked(0, CLONE_NEWUSER, CLONE_NEWUSER)]})
        rules.append({"comment": "chroot for root inside (--uid 0 keeps CAP_SYS_CHROOT)",
                      "names": ["chroot"], "action": "SCMP_ACT_ALLOW",
                      "includes": {"caps": ["CAP_SYS_CHROOT"]}})
    for why, s in DENY.items():
        rules.append({"comment": why, "names": names(s), "action": "SCMP_ACT_ERRNO",
                      "errnoRet": 1})
    return {
        "comment": ("sandbox's %s policy; written by generate.py" % ("browser" if browser else "default")),
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": 38,
        "archMap": [{"architecture": "SCMP_ARCH_X86_64",
                     "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                    {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
        "syscalls": rules,
    }


for name, browser in (("default", False), ("browser", True)):
    with open(name + ".json", "w") as f:
        json.dump(policy(browser), f, indent=1)
        f.write("\n")
