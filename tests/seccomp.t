#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Seccomp policies: the default one on every ABI, terminal injection, clone3, user
# namespaces, podman's policy, the search path, bad policies, the cache.
. "${srcdir:?}/tests/lib.sh"
plan 53
XDG_CACHE_HOME=$T/cache XDG_CONFIG_HOME=$T/config XDG_RUNTIME_DIR=$T/run
export XDG_CACHE_HOME XDG_CONFIG_HOME XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
PODMAN=/usr/share/containers/seccomp.json
DENIED="keyctl add_key request_key bpf perf_event_open userfaultfd kexec_load init_module
open_by_handle_at iopl ioperm settimeofday acct quotactl swapon reboot mount unshare_user"

# every call of the deny list, through one ABI; prints "name=result ..."
# shellcheck disable=SC2120 # options for the sandbox may be given; none are today
calls() { # ABI-VERB
  # shellcheck disable=SC2016
  "$SANDBOX" "$@" -- sh -c 'v=$1; shift; for c in "$@"; do printf "%s=%s " "$c" "$("$P" "$v" "$c")"; done' \
    sh "$VERB" $DENIED 2>&1
}
want=$(for c in $DENIED; do printf '%s=EPERM ' "$c"; done)
P=$PROBE; export P

VERB=sys; is "default: each denied call gives EPERM (x86_64)" "$(calls)" "$want"
# x32 has no rules: every call through it answers ENOSYS, denied or not
VERB=sysx32
is "default: each denied call gives ENOSYS (x32 ABI: refused whole)" "$(calls)" \
  "$(for c in $DENIED; do printf '%s=ENOSYS ' "$c"; done)"
is "default: an allowed call through x32 gives ENOSYS too" "$("$SANDBOX" -- "$PROBE" sysx32 getppid 2>&1)" ENOSYS
r=$("$SANDBOX" -- "$PROBE" sys32 keyctl 2>&1)
if [ "$r" = noia32 ]; then
  skip "default: keyctl through int 0x80 (i386 ABI) gives EPERM" "IA32 emulation: the kernel does not deliver int 0x80"
  skip "default: getppid through int 0x80 is allowed" "IA32 emulation: the kernel does not deliver int 0x80"
else
  is "default: keyctl through int 0x80 (i386 ABI) gives EPERM" "$r" EPERM
  is "default: getppid through int 0x80 is allowed" "$("$SANDBOX" -- "$PROBE" sys32 getppid 2>&1)" ok
fi
# the filter, not the kernel, said no: without it the same calls answer otherwise
is "unconfined: keyctl reaches the kernel" "$("$SANDBOX" --seccomp unconfined -- "$PROBE" sys keyctl 2>&1)" EINVAL
is "unconfined: an x32 call reaches the kernel (ENOSYS, or EINVAL where x32 is on)" \
  "$("$SANDBOX" --seccomp unconfined -- "$PROBE" sysx32 keyctl 2>&1 | sed 's/EINVAL/ENOSYS/')" ENOSYS
is "default: allowed calls work" "$("$SANDBOX" -- "$PROBE" sys getppid 2>&1)" ok
is "default: clone3 gives ENOSYS" "$("$SANDBOX" -- "$PROBE" sys clone3 2>&1)" ENOSYS
is "default: threads still start (libc falls back to clone)" "$("$SANDBOX" -- "$PROBE" threads 2>&1)" ok

# terminal injection
is "default: TIOCSTI gives EPERM" "$("$SANDBOX" -- "$PROBE" ioctl 5412 2>&1)" EPERM
is "default: TIOCSTI with high bits set gives EPERM" "$("$SANDBOX" -- "$PROBE" ioctl ffffffff00005412 2>&1)" EPERM
is "default: TIOCLINUX gives EPERM" "$("$SANDBOX" -- "$PROBE" ioctl 10000541c 2>&1)" EPERM
is "default: other ioctls reach the kernel" "$("$SANDBOX" -- "$PROBE" ioctl 5413 2>&1)" ENOTTY
is "default: TIOCSTI into the controlling terminal fails, nothing injected" \
  "$("$SANDBOX" -- "$PROBE" tiocsti 2>&1)" "EPERM clean"
diag "unconfined on this kernel: $("$SANDBOX" --seccomp unconfined -- "$PROBE" tiocsti 2>&1)"

r=$("$SANDBOX" --new-session -- sh -c 'echo $$ $(cut -d" " -f6 /proc/$$/stat)' 2>&1)
is "--new-session: the command leads its own session" "$(echo "$r" | awk '{ print ($1 == $2) }')" 1

# socket families: AF_ALG (38) and AF_VSOCK (40) answer EAFNOSUPPORT under both shipped
# policies, whatever the network and the high bits; the others reach the kernel
for pol in default browser; do
  r=$("$SANDBOX" --seccomp $pol -- sh -c 'for f in 38 40 0x100000028 0xffffffff00000026 1 2 10 16; do "$1" socket $f; done' - "$PROBE" 2>&1 | tr '\n' ' ')
  is "$pol: socket AF_ALG, AF_VSOCK refused (high bits too); AF_UNIX, INET, INET6, NETLINK not" \
    "$r" "EAFNOSUPPORT EAFNOSUPPORT EAFNOSUPPORT EAFNOSUPPORT ok ok ok ok "
done
is "--net host: AF_VSOCK still refused" "$("$SANDBOX" --net host -- "$PROBE" socket 40 2>/dev/null)" EAFNOSUPPORT
diag "unconfined on this machine: AF_ALG $("$SANDBOX" --seccomp unconfined -- "$PROBE" socket 38 2>&1), AF_VSOCK $("$SANDBOX" --seccomp unconfined -- "$PROBE" socket 40 2>&1)"

# user namespaces
run_sb -- unshare -U true
check "default: unshare -U fails" [ "$status" -ne 0 ]
run_sb --seccomp browser -- unshare -Ur id -u
is "browser: unshare -U works" "$status $(cat "$T/out")" "0 0"
is "browser: still no TIOCSTI" "$("$SANDBOX" --seccomp browser -- "$PROBE" ioctl 5412 2>&1)" EPERM

# podman's policy, unchanged
run_sb --seccomp "$PODMAN" -- sh -c 'echo ran; grep ^Seccomp: /proc/self/status'
is "podman's policy loads and a program runs under it" "$status $(tr '\n\t' '  ' <"$T/out")" "0 ran Seccomp: 2 "
is "podman's policy: bpf EPERM without CAP_SYS_ADMIN" "$("$SANDBOX" --seccomp "$PODMAN" -- "$PROBE" sys bpf 2>&1)" EPERM
is "podman's policy: keyctl allowed, as there" "$("$SANDBOX" --seccomp "$PODMAN" -- "$PROBE" sys keyctl 2>&1)" EINVAL

is "unconfined: no filter" "$("$SANDBOX" --seccomp unconfined -- grep ^Seccomp: /proc/self/status | tr '\t' ' ')" "Seccomp: 0"

# lookup by name in the user's folder; errnoRet is the policy's; setup is not under it
mkdir -p "$T/config/sandbox/seccomp"
cat >"$T/config/sandbox/seccomp/mine.json" <<'J'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    { "names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 99 },
    { "names": ["mount", "pivot_root", "sethostname", "setresuid", "setresgid", "capset",
                "prctl", "chdir", "umount2", "clone", "socket"], "action": "SCMP_ACT_ERRNO" }
  ] }
J
run_sb --seccomp mine -- "$PROBE" sys getppid
is "a name is found in ~/.config/sandbox/seccomp; errnoRet is used" "$status $(cat "$T/out")" "0 EADDRNOTAVAIL"
run_sb --seccomp mine -- true
is "the sandbox's own setup is not under the policy (mount, prctl, setresuid denied)" "$status" 0
cat >"$T/kill.json" <<'J'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS" } ] }
J
run_sb --seccomp "$T/kill.json" -- "$PROBE" sys getppid
is "SCMP_ACT_KILL_PROCESS kills with SIGSYS (128+31)" "$status" 159

# bad input: one line, 125, nothing started
printf '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [,]\n}\n' >"$T/bad.json"
run_sb --seccomp "$T/bad.json" -- echo started
is "a policy that is not JSON: 125, one line with line and column, nothing started" \
  "$status $(cat "$T/err")|$(cat "$T/out")" "125 sandbox: $T/bad.json:3:16: not JSON: unexpected character|"
echo '{ "defaultAction": "SCMP_ACT_KILL", "syscalls": [ { "names": ["getpid", "frobnicate"], "action": "SCMP_ACT_ALLOW" } ] }' >"$T/bad.json"
run_sb --seccomp "$T/bad.json" -- echo started
is "an unknown system call" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: $T/bad.json: syscalls[0]: unknown system call 'frobnicate'|"
run_sb --seccomp nope -- echo started
is "an unknown policy name" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: --seccomp 'nope': no such policy in ~/.config/sandbox/seccomp, /etc/sandbox/seccomp or $SANDBOX_DATADIR/seccomp|"

# the cache: one private file per compiled policy; a damaged one is not trusted
rm -rf "$T/run/sandbox-seccomp"
"$SANDBOX" -- true
set -- "$T"/run/sandbox-seccomp/seccomp-*.bpf
is "the compiled default policy is cached in \$XDG_RUNTIME_DIR/sandbox-seccomp, mode 0600" \
  "$# $(stat -c %a "$1") $(stat -c %a "$T/run/sandbox-seccomp")" "1 600 700"
size=$(stat -c %s "$1")
head -c "$size" /dev/zero >"$1"
is "a damaged cache file (zeros) is ignored" "$("$SANDBOX" -- "$PROBE" sys keyctl 2>&1)" EPERM
check "and written again" [ "$(od -An -c -N8 "$1" | tr -d ' ')" = SBSCMP01 ]
# the program's last bytes changed, the size kept: the sum catches it
printf '\377\377\377\177' | dd of="$1" bs=1 seek=$((size - 4)) conv=notrunc 2>/dev/null
is "a cache file whose program was changed is ignored" "$("$SANDBOX" -- "$PROBE" sys keyctl 2>&1)" EPERM
# a policy is compiled by sandbox-seccomp, next to the launcher or installed; without it, a
# start that needs a compile fails in one line (a cached policy needs no compiler)
mkdir -p "$T/alone"
cp "$SANDBOX" "$T/alone/sandbox"
no_compiler() {
  _st=0
  mkdir -p -m 0700 "$T/nocache"
  XDG_RUNTIME_DIR=$T/nocache "$T/alone/sandbox" -- true >"$T/out" 2>"$T/err" || _st=$?
  [ "$_st" = 125 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
    grep -q "^sandbox: run '$SB_PKGLIBEXECDIR/sandbox-seccomp': No such file or directory$" "$T/err"
}
if [ ! -e "$SB_PKGLIBEXECDIR/sandbox-seccomp" ]; then
  check "without sandbox-seccomp a compile fails: exit 125, one line naming it" no_compiler
else
  skip "without sandbox-seccomp a compile fails" "an installed $SB_PKGLIBEXECDIR/sandbox-seccomp is there"
fi
# the cache knows a policy file by its identity: an edit of the same size is seen
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["keyctl"], "action": "SCMP_ACT_ERRNO"}]}\n' >"$T/edit.json"
is "a policy file of my own denies keyctl" "$("$SANDBOX" --seccomp "$T/edit.json" -- "$PROBE" sys keyctl 2>&1)" EPERM
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["keyctl"], "action": "SCMP_ACT_ALLOW"}]}\n' >"$T/edit.json"
check "edited in place, same size, it allows keyctl at once (not the cached filter)" \
  [ "$("$SANDBOX" --seccomp "$T/edit.json" -- "$PROBE" sys keyctl 2>&1)" != EPERM ]
# a bad policy file: one line, 125, nothing started, nothing left waiting
run_sb --seccomp /dev/zero -- echo started
is "--seccomp /dev/zero: one line, 125, not read" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: --seccomp '/dev/zero': not a regular file|"
mkfifo "$T/fifo.json"
status=0
timeout -s KILL 30 "$SANDBOX" --seccomp "$T/fifo.json" -- echo started >"$T/out" 2>"$T/err" </dev/null || status=$?
is "--seccomp FIFO: one line, 125, no wait for a writer" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: --seccomp '$T/fifo.json': not a regular file|"
mkdir "$T/dir.json"
run_sb --seccomp "$T/dir.json" -- echo started
is "--seccomp DIR: one line, 125" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: --seccomp '$T/dir.json': not a regular file|"
head -c 1048577 /dev/zero | tr '\0' ' ' >"$T/big.json"
run_sb --seccomp "$T/big.json" -- echo started
is "a policy over 1 MiB: one line, 125" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: --seccomp '$T/big.json': larger than 1024 KiB, the most a policy may be|"
printf '{ "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [],\n}\n' >"$T/comma.json"
run_sb --seccomp "$T/comma.json" -- echo started
is "a trailing comma is not JSON: one line, 125" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: $T/comma.json:3:1: not JSON: unexpected character|"

printf '{ "defaultAction": "SCMP_ACT_ALLOW" }\n\000' >"$T/nul.json"
run_sb --seccomp "$T/nul.json" -- echo started
is "a NUL byte after the document is not white space: one line, 125" \
  "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: $T/nul.json:2:1: not JSON: text after the end of the document|"

# a policy that kills or refuses what the command's process needs after it is loaded:
# one line naming the policy and the call, not a silent SIGSYS
policy() { printf '{ "defaultAction": "%s", "syscalls": [ { "names": [%s], "action": "%s" } ] }\n' "$@"; }
policy SCMP_ACT_ALLOW '"execve"' SCMP_ACT_KILL_PROCESS >"$T/p1.json"
run_sb --seccomp "$T/p1.json" -- echo started
is "a policy that kills execve: one line, 125" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: --seccomp '$T/p1.json': the policy kills execve (SIGSYS), which starts the command|"
policy SCMP_ACT_ALLOW '"execve", "execveat"' SCMP_ACT_ERRNO >"$T/p2.json"
run_sb --seccomp "$T/p2.json" -- echo started
is "a policy that refuses execve: one line, 125" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: --seccomp '$T/p2.json': the policy refuses execve, which starts the command: Operation not permitted|"
policy SCMP_ACT_ALLOW '"exit_group"' SCMP_ACT_KILL >"$T/config/sandbox/seccomp/noexit.json"
run_sb --seccomp noexit -- echo started
is "a policy (by name) that kills exit_group: one line naming its file, 125" \
  "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: --seccomp '$T/config/sandbox/seccomp/noexit.json': the policy kills exit_group (SIGSYS), which ends every program|"
policy SCMP_ACT_KILL_PROCESS '"getpid"' SCMP_ACT_ALLOW >"$T/p3.json"
run_sb --seccomp "$T/p3.json" -- echo started
is "a policy that allows nearly nothing: one line, 125" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: --seccomp '$T/p3.json': the policy kills execve (SIGSYS), which starts the command|"
policy SCMP_ACT_ALLOW '"exit_group"' SCMP_ACT_ERRNO >"$T/p4.json"
run_sb --seccomp "$T/p4.json" -- sh -c 'exit 7'
is "a policy that refuses exit_group only: programs end through exit, with their status" "$status" 7

# the cache of older versions (~/.cache/sandbox) is removed by the start that makes ours,
# half-written files of killed runs too
mkdir -p "$T/cache/sandbox" -m 0700 "$T/run3"
: >"$T/cache/sandbox/seccomp-0123456789abcdef.bpf"
: >"$T/cache/sandbox/.seccomp-AbC123"
XDG_RUNTIME_DIR=$T/run3 "$SANDBOX" -- true
check "the old cache in ~/.cache/sandbox is gone" [ ! -e "$T/cache/sandbox" ]
# a kill at any moment leaves no part of a cache file: each run compiles a new policy
for i in $(seq 1 25); do
  printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": %d}]}\n' "$i" >"$T/k$i.json"
  XDG_RUNTIME_DIR=$T/run3 timeout -s KILL "0.0$((i * 2 / 10))$((i * 2 % 10))" "$SANDBOX" --seccomp "$T/k$i.json" -- true 2>/dev/null
done
whole() {
  python3 - "$T/run3/sandbox-seccomp" <<'PY'
import os, struct, sys
d = sys.argv[1]
for f in os.listdir(d):
    b = open(os.path.join(d, f), 'rb').read()
    magic, klen, blen, _ = struct.unpack('<8sIIQ', b[:24])
    assert f.startswith('seccomp-') and f.endswith('.bpf'), f
    assert magic == b'SBSCMP01' and len(b) == 24 + klen + blen, f
PY
}
check "after 25 starts killed 2 to 50 ms in, every cache file is whole" whole
assert_clean
done_testing
