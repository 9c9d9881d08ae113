#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/cgroup-tests.sh: the cgroup limits for real, in the guest tests/vm/run boots
# (systemd, user 'tester' lingering, cpu cpuset io memory pids delegated to user@1000).
# Runs as that user with $SANDBOX, $PROBE and $srcdir from the read-only 9p shares.
. "${srcdir:?}/tests/lib.sh"
plan 41

scopes() { systemctl --user list-units --all --plain --no-legend 'sandbox-*.scope' | grep -c . ; }
no_scope() { [ "$(scopes)" -eq 0 ]; }
one_scope() { [ "$(scopes)" -eq 1 ]; }

# ---- the systemd path (auto picks it: the user bus is there)
run_sb --memory 64M --pids 20 --cpus 0.5 --cpu-weight 50 --io-weight 300 -- \
  sh -c 'cd /sys/fs/cgroup && cat memory.max pids.max cpu.max cpu.weight io.weight /proc/self/cgroup'
is "systemd: the limits are the scope's" "$(tr '\n' ' ' <"$T/out")" \
  "67108864 20 50000 100000 50 default 300 0::/ "
is "systemd: exits 0" "$status" 0
check "systemd: the scope is gone after the sandbox" wait_for 50 no_scope

disk=$(mountpoint -d /)
run_sb --io-read-bps /:1M --io-write-bps /:2M -- cat /sys/fs/cgroup/io.max
is "systemd: --io-read-bps and --io-write-bps on the root's disk" "$(cat "$T/out")" \
  "$disk rbps=1048576 wbps=2097152 riops=max wiops=max"
run_sb --pids 50 -- sh -c 'ls /sys/fs/cgroup | grep -c slice; mkdir /sys/fs/cgroup/x'
is "inside, /sys/fs/cgroup is the sandbox's cgroup only, read-only" \
  "$(cat "$T/out")/$(grep -o 'Read-only file system' "$T/err")" "0/Read-only file system"

run_sb --memory 64M --memory-swap 0 -- perl -e '$x = "a" x (256*1024*1024); print "survived\n"'
is "systemd: a memory hog exits 137" "$status" 137
is "systemd: the launcher says it was the memory limit" "$(cat "$T/err")" \
  "sandbox: killed: out of memory (limit 64M)"

# the sandbox's /tmp is its own: the script goes on the command line
bomb=$(cat <<'PL'
$n = 0; @kids = ();
while ($n < 500) {
  my $p = fork ();
  if (!defined $p) { print "fork failed after $n\n"; last }
  if ($p == 0) { sleep 60; exit 0 }
  push @kids, $p; $n++;
}
kill 9, @kids; waitpid ($_, 0) for @kids;
PL
)
run_sb --pids 20 -- perl -e "$bomb"
# pid 1 of the sandbox and perl count too: 18 children
is "systemd: a fork bomb stops at --pids 20" "$(cat "$T/out")" "fork failed after 18"

# two busy loops on two CPUs for 3 s: 6 s of CPU unlimited, 0.6 s under --cpus 0.2.  The
# guest's clock is no measure (TCG on a loaded host: its 3 s took 2.8 s of CPU once), the
# quota is: at most 20 ms in each 100 ms period the group ran in (cpu.stat's nr_periods),
# with room for TCG's coarse ticks
run_sb --cpus 0.2 -- sh -c 'timeout 3 sh -c "while :; do :; done" & timeout 3 sh -c "while :; do :; done"; wait; cat /sys/fs/cgroup/cpu.stat'
thr=$(awk '/^nr_throttled/ {print $2}' "$T/out")
per=$(awk '/^nr_periods/ {print $2}' "$T/out")
use=$(awk '/^usage_usec/ {print $2}' "$T/out")
check "systemd: --cpus 0.2 throttles (nr_throttled $thr)" [ "${thr:-0}" -gt 5 ]
check "systemd: --cpus 0.2 gives a fifth of a CPU (usage_usec $use in $per periods of 100 ms)" \
  [ "${use:-0}" -gt 100000 -a "${use:-0}" -lt "$(( ${per:-0} * 20000 * 3 / 2 + 100000 ))" ]

# SIGKILL of the launcher: pid 1 dies with it, the empty scope goes away
"$SANDBOX" --pids 50 -- sleep 600 &
pid=$!
check "systemd: a running sandbox has its scope" wait_for 100 one_scope
kill -9 "$pid"
wait "$pid" 2>/dev/null
check "systemd: SIGKILL of the launcher leaves no scope" wait_for 100 no_scope

# ---- errors
env -u XDG_RUNTIME_DIR -u DBUS_SESSION_BUS_ADDRESS "$SANDBOX" --cgroup systemd --memory 1G \
  -- true 2>"$T/err" && status=0 || status=$?
is "no user bus: exits 125" "$status" 125
is "no user bus: one line says why" "$(cat "$T/err")" \
  "sandbox: --cgroup systemd: no user systemd instance: \$XDG_RUNTIME_DIR is not set (run in a login session, or loginctl enable-linger USER)"
own=$(cut -d: -f3 /proc/self/cgroup)
env -u XDG_RUNTIME_DIR -u DBUS_SESSION_BUS_ADDRESS "$SANDBOX" --memory 1G -- true \
  2>"$T/err" && status=0 || status=$?
is "neither path: exits 125" "$status" 125
is "neither path: one line says why, both ways" "$(cat "$T/err")" \
  "sandbox: cannot apply the limits: no user systemd instance: \$XDG_RUNTIME_DIR is not set (run in a login session, or loginctl enable-linger USER); no delegated cgroup v2 folder: no folder above your cgroup '$own' is yours to write and free of processes (run in a scope with Delegate=yes, or ask for one and pass --cgroup-parent); what works without them: --rlimit as=SIZE, each process's memory"
# tester2's systemd has no io controller (bookworm's default): cgroup-tests.root.sh ran it
is "systemd without io delegated: --io-weight exits 125" "$(cat /tmp/root-part/noio.st)" 125
is "... with one line naming the drop-in" "$(cat /tmp/root-part/noio.err)" \
  "sandbox: controller 'io' is not delegated to your systemd (add Delegate=cpu cpuset io memory pids under [Service] in /etc/systemd/system/user@.service.d/delegate.conf)"
is "... and no scope is left" "$(cat /tmp/root-part/noio.scopes)" ""
is "... while the delegated controllers work for that user" \
  "$(cat /tmp/root-part/mem.st)/$(cat /tmp/root-part/mem.out)" "0/67108864"

run_sb --cgroup none --memory 1G -- cat /sys/fs/cgroup/memory.max
is "--cgroup none: runs without limits" "$status/$(cat "$T/out")" "0/max"
run_sb -- true
is "no limits, no bus: runs" "$status" 0

# ---- the cgroupfs path: a scope with Delegate=yes, our shell moved to a leaf inside it
cat >"$T/deleg.sh" <<'SH'
d=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
mkdir "$d/leaf" && echo $$ >"$d/leaf/cgroup.procs" || exit 1
r() { "$SANDBOX" "$@" >"$T/fs.out" 2>"$T/fs.err" </dev/null; echo "$?" >"$T/fs.st"; }
left() { ls -d "$d"/sandbox-* 2>/dev/null | wc -l; }
r --cgroup cgroupfs --memory 32M --pids 10 --cpus 0.25 --io-weight 200 -- \
  sh -c 'cd /sys/fs/cgroup && cat memory.max pids.max cpu.max io.weight /proc/self/cgroup'
echo "values $(tr '\n' ' ' <"$T/fs.out")st=$(cat "$T/fs.st") left=$(left)"
r --cgroup cgroupfs --io-write-bps /:3M -- cat /sys/fs/cgroup/io.max
echo "iomax $(cat "$T/fs.out") st=$(cat "$T/fs.st")"
r --memory 32M --memory-swap 0 -- perl -e '$x = "a" x (128*1024*1024)'
echo "oom st=$(cat "$T/fs.st") err=$(cat "$T/fs.err") left=$(left)"
r --cgroup-parent "$d" --pids 20 -- perl -e "$bomb"
echo "bomb $(cat "$T/fs.out") left=$(left)"
"$SANDBOX" --cgroup cgroupfs --pids 50 -- sleep 600 &
p=$!
n=0; while [ "$(left)" -eq 0 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
kill -9 $p; wait $p 2>/dev/null
n=0; while [ -n "$(cat "$d"/sandbox-*/cgroup.procs 2>/dev/null)" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
echo "killed left=$(left)"
r --cgroup cgroupfs --pids 50 -- true
echo "next st=$(cat "$T/fs.st") left=$(left)"
# a folder whose parent hands down memory and pids only
mkdir "$d/sub" && echo "-io" >"$d/cgroup.subtree_control"
r --cgroup-parent "$d/sub" --io-weight 100 -- true
echo "noio st=$(cat "$T/fs.st") err=$(cat "$T/fs.err")"
rmdir "$d/sub"
SH
export T SANDBOX bomb
systemd-run --user --scope --quiet -p Delegate=yes --unit=sbdeleg sh "$T/deleg.sh" \
  >"$T/deleg" 2>&1
sed 's/^/# /' "$T/deleg"
is "cgroupfs: the limits are the folder's" "$(grep '^values' "$T/deleg")" \
  "values 33554432 10 25000 100000 default 200 0::/ st=0 left=0"
is "cgroupfs: --io-write-bps in io.max" "$(grep '^iomax' "$T/deleg")" \
  "iomax $(mountpoint -d /) rbps=max wbps=3145728 riops=max wiops=max st=0"
is "cgroupfs: a memory hog exits 137 with the line; the folder is removed" \
  "$(grep '^oom' "$T/deleg")" "oom st=137 err=sandbox: killed: out of memory (limit 32M) left=0"
is "cgroupfs: --cgroup-parent; a fork bomb stops at --pids" "$(grep '^bomb' "$T/deleg")" \
  "bomb fork failed after 18 left=0"
is "cgroupfs: SIGKILL of the launcher leaves an empty folder" "$(grep '^killed' "$T/deleg")" \
  "killed left=1"
is "cgroupfs: the next run removes it" "$(grep '^next' "$T/deleg")" "next st=0 left=0"
grep '^noio' "$T/deleg" >"$T/noio"
check "cgroupfs: a controller not handed down: exit 125" grep -q '^noio st=125 ' "$T/noio"
check "cgroupfs: ... and one line naming it" grep -qx \
  "noio st=125 err=sandbox: cannot apply the limits: controller 'io' is not delegated to '/sys/fs/cgroup/.*/sub' (enable it in its parent's cgroup.subtree_control; for systemd, a drop-in with Delegate=cpu cpuset io memory pids)" "$T/noio"

# ---- what the sandbox sees (/proc views)
run_sb --memory 256M --cpus 1 -- sh -c 'free -m | awk "/^Mem:/ {print \$2}"; nproc; cat /sys/devices/system/cpu/online; cut -d" " -f1 /proc/uptime'
# shellcheck disable=SC2046 # one word a line
set -- $(cat "$T/out")
is "views: free shows the memory limit" "${1:-}" 256
is "views: nproc shows --cpus 1" "${2:-}" 1
is "views: /sys/devices/system/cpu/online" "${3:-}" 0
check "views: /proc/uptime counts from the sandbox's start (${4:-})" \
  awk -v u="${4:-99999}" 'BEGIN { exit !(u < 20) }'
run_sb --memory 256M --cpus 1.5 -- sh -c 'nproc; grep -c ^processor /proc/cpuinfo; awk "/^MemTotal/ {print \$2}" /proc/meminfo'
is "views: --cpus 1.5 rounds up to 2 CPUs (nproc, cpuinfo) and MemTotal" \
  "$(tr '\n' ' ' <"$T/out")" "2 2 262144 "
run_sb --proc-views no --memory 256M -- awk '/^MemTotal/ {print $2}' /proc/meminfo
check "views: --proc-views no shows the host's memory" [ "$(cat "$T/out")" -gt 262144 ]
run_sb --memory 256M -- sh -c 'grep -c . /proc/stat /proc/loadavg /proc/swaps | tr "\n" " "'
check "views: stat, loadavg and swaps are served ($(cat "$T/out"))" grep -q '/proc/loadavg:1' "$T/out"

check "nothing left: no scope" no_scope
check "nothing left: no /proc views server" sh -c '! pgrep -u "$(id -u)" -f "[s]andbox-procviews"'
pgrep -u "$(id -u)" -af "[s]andbox-procviews" | sed 's/^/# left: /'
check "nothing left: the delegated scope is gone" \
  wait_for 50 sh -c "! systemctl --user is-active -q sbdeleg.scope"
assert_clean
done_testing
