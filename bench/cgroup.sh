#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/cgroup.sh: what the limits add to the start-up of `sandbox true` (a systemd scope over
# sd-bus; a cgroupfs folder; the /proc views' FUSE server), and what a read of /proc/meminfo
# costs through the view against the real file.  Needs a user systemd with delegated
# controllers, so it runs in the test guest (as root, from the build tree):
#   tests/vm/run bench/cgroup.sh
# or on any such machine as a user: SANDBOX=src/sandbox sh bench/cgroup.sh [ROUNDS]
# The variants run interleaved, one start each per round (default 40 rounds); medians.
# Under the guest's TCG every figure is several times the native one: compare the deltas.
set -u
rounds=${1:-40}
: "${SANDBOX:?set SANDBOX to the sandbox binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# wall time of one run of "$@" in microseconds, appended to $tmp/NAME
time1() {
  _n=$1
  shift
  _s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || echo "bench: fails: $*" >&2
  _e=$(date +%s%N)
  echo $(((_e - _s) / 1000)) >>"$tmp/$_n"
}
median() { sort -n "$tmp/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# the cgroupfs variant needs a delegated folder: a Delegate=yes scope, whose processes move to
# a leaf; the whole loop runs in it, so every variant sees the same conditions
cat >"$tmp/loop.sh" <<'SH'
d=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
mkdir "$d/leaf" && echo $$ >"$d/leaf/cgroup.procs" || exit 1
. "$tmp/lib.sh"
loop='for (1..N) { open my $f, "<", "/proc/meminfo" or die; local $/; my $x = <$f>; close $f }'
r=0
while [ $r -lt "$rounds" ]; do
  time1 none "$SANDBOX" true
  time1 scope "$SANDBOX" --cgroup systemd --pids 10000 --proc-views no true
  time1 views "$SANDBOX" --cgroup systemd --pids 10000 true
  time1 fs "$SANDBOX" --cgroup cgroupfs --pids 10000 --proc-views no true
  if [ $((r % 4)) -eq 0 ]; then
    time1 real0 "$SANDBOX" --cgroup cgroupfs --memory 1G --proc-views no perl -e "${loop%%N*}0${loop#*N}"
    time1 real "$SANDBOX" --cgroup cgroupfs --memory 1G --proc-views no perl -e "${loop%%N*}2000${loop#*N}"
    time1 fuse0 "$SANDBOX" --cgroup cgroupfs --memory 1G perl -e "${loop%%N*}0${loop#*N}"
    time1 fuse "$SANDBOX" --cgroup cgroupfs --memory 1G perl -e "${loop%%N*}2000${loop#*N}"
  fi
  r=$((r + 1))
done
# where the milliseconds go, in one start with views (the debug lines are time-stamped)
"$SANDBOX" -v --cgroup systemd --pids 10000 true 2>&1 |
  grep -E 'cgroup:|views:|cloned|maps written|sandbox ended' >"$tmp/verbose"
SH
sed -n '/^time1()/,/^median()/p' "$0" >"$tmp/lib.sh"
export tmp rounds SANDBOX
systemd-run --user --scope --quiet -p Delegate=yes sh "$tmp/loop.sh" ||
  { echo "bench: the delegated scope failed" >&2; exit 1; }

none=$(median none)
echo "# sandbox true: median of $rounds interleaved starts; added time against no limits"
for v in "none:no limits" "scope:systemd scope (--pids)" \
  "views:systemd scope + /proc views (FUSE server)" "fs:cgroupfs folder (--pids)"; do
  m=$(median "${v%%:*}")
  printf '%-48s %8d us  %+8d us\n' "${v#*:}" "$m" "$((m - none))"
done
real=$((($(median real) - $(median real0)) / 2000))
fuse=$((($(median fuse) - $(median fuse0)) / 2000))
echo "# one open+read+close of /proc/meminfo inside (2000 in a loop, minus the empty loop)"
printf '%-48s %8d us\n' "the kernel's file" "$real" "through the FUSE view" "$fuse"
echo "# one start with a scope and views, step by step (sandbox -v)"
sed 's/^/  /' "$tmp/verbose"
