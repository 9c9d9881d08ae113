#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Resource limits on this machine: the bad values, and the clear error when the limits have
# nowhere to go.  The limits themselves are tested in a guest (make check-vm: tests/vm/).
. "${srcdir:?}/tests/lib.sh"
plan 31

bad() { # DESC WANT-LINE ARGS...
  _desc=$1 _want=$2
  shift 2
  run_sb "$@"
  if [ "$status" -eq 125 ] && [ "$(cat "$T/err")" = "$_want" ] && [ ! -s "$T/out" ]; then
    ok "$_desc"
  else
    not_ok "$_desc"
    diag "status $status" "stderr: $(cat "$T/err")" "want: $_want"
  fi
}
size="expected a size such as 512M or 2G"
bad "--memory 2X" "sandbox: --memory '2X': $size" --memory 2X true
bad "--memory with two suffixes" "sandbox: --memory '2GG': $size" --memory 2GG true
bad "--memory empty" "sandbox: --memory '': $size" --memory '' true
bad "--memory negative" "sandbox: --memory '-1': $size" --memory -1 true
bad "--memory too large" "sandbox: --memory '99999999999T': $size" --memory 99999999999T true
bad "--memory-swap M" "sandbox: --memory-swap 'M': $size" --memory-swap M true
cpus="expected a number of CPUs from 0.01 to 1024, such as 2 or 1.5"
bad "--cpus 0" "sandbox: --cpus '0': $cpus" --cpus 0 true
bad "--cpus 0.001" "sandbox: --cpus '0.001': $cpus" --cpus 0.001 true
bad "--cpus 1025" "sandbox: --cpus '1025': $cpus" --cpus 1025 true
bad "--cpus 1." "sandbox: --cpus '1.': $cpus" --cpus 1. true
bad "--cpus 1.5.5" "sandbox: --cpus '1.5.5': $cpus" --cpus 1.5.5 true
bad "--cpu-weight 0" "sandbox: --cpu-weight '0': expected a weight from 1 to 10000" \
  --cpu-weight 0 true
bad "--io-weight 10001" "sandbox: --io-weight '10001': expected a weight from 1 to 10000" \
  --io-weight 10001 true
bad "--pids 0" "sandbox: --pids '0': expected a number of processes from 1 to 4194304" \
  --pids 0 true
bad "--io-read-bps without a rate" \
  "sandbox: --io-read-bps '/dev/null': expected DEV:RATE such as /dev/sda:10M" \
  --io-read-bps /dev/null true
bad "--io-write-bps with a bad rate" \
  "sandbox: --io-write-bps '/:fast': expected DEV:RATE such as /dev/sda:10M" \
  --io-write-bps /:fast true
bad "--io-read-bps on a missing path" \
  "sandbox: --io-read-bps '/nonexistent:1M': '/nonexistent': No such file or directory" \
  --io-read-bps /nonexistent:1M true
bad "--io-read-bps on no disk" \
  "sandbox: --io-read-bps '/proc:1M': '/proc' is not on a block device" \
  --io-read-bps /proc:1M true
bad "--cgroup foo" "sandbox: --cgroup 'foo': expected auto, systemd, cgroupfs or none" \
  --cgroup foo true
bad "--cgroup-parent relative" "sandbox: --cgroup-parent 'a/b': expected an absolute path" \
  --cgroup-parent a/b true
bad "--proc-views maybe" "sandbox: --proc-views 'maybe': expected yes or no" \
  --proc-views maybe true

# Where limits cannot go, one line says why and how to fix it, and nothing starts.
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
  # a unified machine: without a user bus the systemd path cannot work
  why="--cgroup systemd: no user systemd instance: \$XDG_RUNTIME_DIR is not set (run in a login session, or loginctl enable-linger USER)"
  env -u XDG_RUNTIME_DIR -u DBUS_SESSION_BUS_ADDRESS "$SANDBOX" --cgroup systemd \
    --memory 1G -- touch "$T/started" >"$T/out" 2>"$T/err" && status=0 || status=$?
elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
  why="cannot apply the limits: the cgroup layout is hybrid, with the controllers on cgroup v1 (boot with systemd.unified_cgroup_hierarchy=1)"
  run_sb --memory 1G -- touch "$T/started"
else
  why="cannot apply the limits: no cgroup v2 is mounted on /sys/fs/cgroup"
  run_sb --memory 1G -- touch "$T/started"
fi
# where no cgroup works at all, the line names what does (bounds.c)
nearest_mem="; what works without them: --rlimit as=SIZE, each process's memory"
nearest_pids="; what works without them: --rlimit nproc=N, counted in this sandbox only"
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && nearest_mem= nearest_pids=
is "a limit with nowhere to go: exit 125" "$status" 125
is "... one line says why and what fixes it" "$(cat "$T/err")" "sandbox: $why$nearest_mem"
check "... and the command did not start" [ ! -e "$T/started" ]
if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
  run_sb --cgroup cgroupfs --pids 10 -- true
  is "--cgroup cgroupfs says the same" "$(cat "$T/err")" "sandbox: $why$nearest_pids"
else
  run_sb --cgroup cgroupfs --cgroup-parent /nonexistent --pids 10 -- true
  is "--cgroup-parent not a cgroup" "$(cat "$T/err")" \
    "sandbox: --cgroup cgroupfs: --cgroup-parent '/nonexistent': not a cgroup v2 folder you may write"
fi

# No limits: no cgroup, no D-Bus, no error; --cgroup none ignores limits
run_sb -- true
is "no limits: the sandbox runs" "$status" 0
run_sb --cgroup none --memory 1G --cpus 2 -- sh -c 'echo ran'
is "--cgroup none: limits ignored, the command runs" "$status/$(cat "$T/out")" "0/ran"
env -u XDG_RUNTIME_DIR -u DBUS_SESSION_BUS_ADDRESS "$SANDBOX" -- true >"$T/out" 2>"$T/err" &&
  status=0 || status=$?
is "no limits and no user bus: runs, says nothing" "$status/$(cat "$T/err")" "0/"
run_sb --proc-views no -- sh -c 'grep -c ^processor /proc/cpuinfo'
is "no limits: /proc is the kernel's" "$(cat "$T/out")" "$(grep -c ^processor /proc/cpuinfo)"
run_sb -- sh -c 'cat /proc/self/cgroup | grep "^0::"'
is "the cgroup namespace hides the launcher's cgroup path" "$(cat "$T/out")" "0::/"
assert_clean
done_testing
