#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/list.sh: `sandbox --list` (and --list --json) with N named sandboxes running (issue
# 16: 20 of them, under 50 ms).  Starts them detached in a state folder of its own, times
# RUNS listings (wall and CPU, median and quartiles), stops them all.  Run as an
# unprivileged user.  SANDBOX=path picks the binary; BEFORE=path times an older build's
# listing of the same sandboxes in the same run.  Never part of make check.
#   bench/list.sh [N [RUNS]]     (default 20 sandboxes, 200 runs)
set -u
n=${1:-20}
runs=${2:-200}
top=$(cd "$(dirname "$0")/.." && pwd)
SANDBOX=${SANDBOX:-$top/src/sandbox}
tmp=$(mktemp -d)
XDG_RUNTIME_DIR=$tmp/xdg; export XDG_RUNTIME_DIR; mkdir -m 0700 "$XDG_RUNTIME_DIR"
trap '"$SANDBOX" --stop --all --timeout 1 >/dev/null 2>&1; rm -rf "$tmp"' EXIT
i=0
while [ "$i" -lt "$n" ]; do
  "$SANDBOX" -d --name "bench-$i" -- sleep 3600 >/dev/null || exit 1
  i=$((i + 1))
done
echo "$("$SANDBOX" --list | tail -n +2 | wc -l) sandboxes running, $(ls /proc | grep -c '^[0-9]') processes on the machine"
python3 - "$runs" "$SANDBOX" ${BEFORE:+"$BEFORE"} <<'PY'
import os, resource, subprocess, sys, time
runs = int(sys.argv[1])
rows = [("--list", [sys.argv[2], "--list"]), ("--list --json", [sys.argv[2], "--list", "--json"])]
if len(sys.argv) > 3:
    rows.append(("--list (before)", [sys.argv[3], "--list"]))
wall = {r[0]: [] for r in rows}
cpu = {r[0]: [] for r in rows}
for _ in range(runs):
    for name, argv in rows:  # interleaved: a drift of the machine lands on all alike
        u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        t1 = time.perf_counter()
        u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall[name].append((t1 - t0) * 1e3)
        cpu[name].append((u1.ru_utime - u0.ru_utime + u1.ru_stime - u0.ru_stime) * 1e3)
def q(v):
    v = sorted(v)
    return v[len(v) // 4], v[len(v) // 2], v[3 * len(v) // 4]
print("%-18s %28s %28s" % ("", "wall ms (q1 median q3)", "cpu ms (q1 median q3)"))
for name, _ in rows:
    print("%-18s %8.1f %8.1f %8.1f   %8.1f %8.1f %8.1f" % ((name,) + q(wall[name]) + q(cpu[name])))
PY
