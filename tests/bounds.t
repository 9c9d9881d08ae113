#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bounds that need no cgroup (issue 13): --rlimit and the default bound on processes,
# --timeout, and --ephemeral-size over the throw-away writable layers.
. "${srcdir:?}/tests/lib.sh"
plan 25
limit() { # the soft and hard value of /proc/self/limits' row $1, inside, with options $2...
  row=$1; shift
  "$SANDBOX" "$@" -- sh -c "grep '^$row ' /proc/self/limits" 2>&1 | awk '{ print $(NF-2), $(NF-1) }'
}
is "--rlimit nofile=64:128" "$(limit 'Max open files' --rlimit nofile=64:128)" "64 128"
is "--rlimit nofile=100: hard = soft" "$(limit 'Max open files' --rlimit nofile=100)" "100 100"
is "--rlimit stack=8M (a size)" "$(limit 'Max stack size' --rlimit stack=8M)" "8388608 8388608"
is "--rlimit core=0:unlimited" "$(limit 'Max core file size' --rlimit core=0:unlimited)" "0 unlimited"
is "a later --rlimit for the same name wins" \
  "$(limit 'Max open files' --rlimit nofile=10 --rlimit nofile=20)" "20 20"
run_sb --rlimit nofle=1 -- true
is "an unknown name: one line, 125" \
  "$status $(wc -l <"$T/err") $(grep -c "^sandbox: --rlimit 'nofle=1': expected NAME=SOFT" "$T/err")" \
  "125 1 1"
run_sb --rlimit nofile=20:10 -- true
is "soft above hard: refused" "$status $(cat "$T/err")" \
  "125 sandbox: --rlimit 'nofile=20:10': the soft limit is above the hard one"
hard=$(sh -c 'ulimit -Hn')
if [ "$hard" != unlimited ]; then
  run_sb --rlimit nofile=unlimited -- true
  is "a hard limit above the caller's: one line, 125" "$status $(cat "$T/err")" \
    "125 sandbox: --rlimit nofile: the hard limit unlimited is above yours, $hard"
else
  skip "a hard limit above the caller's" "the test's own nofile is unlimited"
fi

# processes: counted in the sandbox's user namespace only (Linux 5.14 ucounts)
want=4096
[ "$(sh -c 'ulimit -Hu' 2>/dev/null || echo unlimited)" = unlimited ] || {
  h=$(bash -c 'ulimit -Hu'); [ "$h" -lt $want ] && want=$h; }
is "a default bound on the command's processes" "$(limit 'Max processes' | cut -d' ' -f2)" "$want"
forks='import os, time
n = 0
try:
    while n < 100:
        if os.fork() == 0:
            time.sleep(5)
            os._exit(0)
        n += 1
except OSError:
    pass
print(n)'
# 30 processes of ours outside would exhaust a per-user count of 20 at once
sleepers=
for i in $(seq 30); do sleep 30 & sleepers="$sleepers $!"; done
n=$("$SANDBOX" --rlimit nproc=20 -- python3 -c "$forks" 2>&1)
kill $sleepers 2>/dev/null
check "--rlimit nproc=20 counts the sandbox's processes only (forked $n)" \
  [ "$n" -ge 15 ] && [ "$n" -le 19 ]
# a fork bomb (each process doubles, then waits) stays under the bound and ends with the
# sandbox's timeout; its processes, forks of one command line, are counted from outside
bombs() { pgrep -c -u "$(id -u)" -f '[b]omb-marker'; }
"$SANDBOX" --rlimit nproc=64 --timeout 4 -- sh -c ': bomb-marker; b() { b | b & sleep 10; }; b' \
  >/dev/null 2>&1 </dev/null &
bomb=$!
top=0 i=0
# until the timeout ends it (a loaded machine forks slowly)
while [ $i -lt 35 ] && kill -0 $bomb 2>/dev/null; do
  n=$(bombs)
  [ "$n" -gt "$top" ] && top=$n
  sleep 0.1
  i=$((i + 1))
done
wait $bomb; status=$?
is "a fork bomb under nproc=64 and --timeout 4: exit 124" "$status" 124
check "  it grew, and never past the bound ($top processes)" [ "$top" -ge 16 ] && [ "$top" -le 64 ]
check "  and nothing of it is left" wait_for 50 sh -c "[ \$(pgrep -c -u $(id -u) -f '[b]omb-marker') = 0 ]"

# --timeout: SIGTERM to the command's group, SIGKILL after the grace period, exit 124
start=$(date +%s%N)
run_sb --timeout 0.5 -- sleep 30
ms=$((($(date +%s%N) - start) / 1000000))
is "--timeout 0.5 -- sleep 30: exit 124" "$status" 124
check "  within a few seconds ($ms ms)" [ "$ms" -lt 5000 ]
check "  with one notice" grep -qx "sandbox: notice: --timeout: the command ran out of time" "$T/err"
run_sb --timeout 0.3:0.3 -- sh -c 'trap "" TERM; sleep 30'
is "a command that ignores SIGTERM is killed after the grace period: 124" "$status" 124
run_sb --timeout 5 -- sh -c 'exit 3'
is "in time: the command's own status" "$status" 3
run_sb --timeout 0 -- true
is "--timeout 0: refused" "$status" 125

# --ephemeral-size: one pool for the upper layer, the top level, /tmp, /run and /dev/shm
run_sb --ephemeral-size 8M -- sh -c 'dd if=/dev/zero of=/tmp/a bs=1M count=5 2>/dev/null
  dd if=/dev/zero of=/run/b bs=1M count=5 2>&1 | grep -c "No space left"'
is "--ephemeral-size 8M: /tmp and /run share it, the second write gets ENOSPC" "$(cat "$T/out")" 1
run_sb --ephemeral-size 8M -- sh -c 'dd if=/dev/zero of="$HOME/big" bs=1M count=20 2>&1 | grep -c "No space left"'
is "  a write into the copy-on-write home too" "$(cat "$T/out")" 1
run_sb --ephemeral-size 8M --overlay fuse -- sh -c 'dd if=/dev/zero of="$HOME/big" bs=1M count=20 conv=fsync 2>&1 | grep -c "No space left"'
if grep -q "fuse-overlayfs not found\|/dev/fuse" "$T/err"; then
  skip "  fuse-overlayfs's upper layer too" "fuse-overlayfs or /dev/fuse"
else
  is "  fuse-overlayfs's upper layer too (at fsync: FUSE writes back)" "$(cat "$T/out")" 1
fi
ram=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
size=$("$SANDBOX" -- df -k /dev/shm 2>/dev/null | awk 'NR == 2 { print $2 }')
check "the default: a quarter of the RAM (${size:-?} of $ram KiB)" \
  [ "$((size * 4 / 1024))" -ge "$((ram * 99 / 100 / 1024))" ] && [ "$((size * 4))" -le "$((ram + 4096))" ]
run_sb --ephemeral-size 200% -- true
is "--ephemeral-size 200%: refused" "$status" 125
assert_clean
done_testing
