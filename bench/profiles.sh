#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/profiles.sh: start-up and teardown of the shipped profiles against their peers, in
# one run: `sandbox -p browser true` against `firejail --profile=firefox true`, and
# `sandbox -p untrusted true` against bwrap with the same confinement as far as bwrap has
# it (every namespace, the host read-only, an empty home, /tmp, an empty environment, no
# capability, a new session; bwrap loads no seccomp policy of its own).  Prints medians and
# the two ratios.  Run as an unprivileged user.
#   bench/profiles.sh [RUNS]        (default 100 runs each; needs hyperfine)
# Peers that are not installed (or cannot start here) are skipped by name.  Never part of
# make check.
set -u
runs=${1:-100}
top=$(cd "$(dirname "$0")/.." && pwd)
SANDBOX=${SANDBOX:-$top/src/sandbox}
export SANDBOX_DATADIR=${SANDBOX_DATADIR:-$top/profiles}
command -v hyperfine >/dev/null || { echo "bench: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
[ "$(id -u)" -ne 0 ] || echo "bench: note: run as an unprivileged user for meaningful figures" >&2
tmp=$(mktemp -d); bus=
trap '[ -z "$bus" ] || kill "$bus"; rm -rf "$tmp"' EXIT
# both browser setups filter the session bus through a proxy: give them one to filter (a
# private one when there is none), so that both pay for it
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-daemon >/dev/null; then
  mkfifo "$tmp/addr"
  dbus-daemon --session --address="unix:path=$tmp/bus" --nofork --print-address=3 \
    3>"$tmp/addr" >/dev/null 2>&1 &
  bus=$!
  read -r DBUS_SESSION_BUS_ADDRESS <"$tmp/addr"   # blocks until the daemon prints it
  export DBUS_SESSION_BUS_ADDRESS
fi

set -- "sandbox -p browser" "$SANDBOX -p browser true"
if ! command -v firejail >/dev/null; then echo "skipped: firejail (not installed)"
elif ! firejail --quiet --profile=firefox true >/dev/null 2>&1; then
  echo "skipped: firejail (cannot start here: $(firejail --quiet --profile=firefox true 2>&1 | head -1))"
else set -- "$@" "firejail --profile=firefox" "firejail --quiet --profile=firefox true"; fi
set -- "$@" "sandbox -p untrusted" "$SANDBOX -p untrusted true"
bwrap="bwrap --unshare-all --die-with-parent --ro-bind / / --tmpfs $HOME --proc /proc --dev /dev \
--tmpfs /tmp --tmpfs /run --clearenv --setenv PATH /usr/local/bin:/usr/bin:/bin --setenv HOME $HOME \
--setenv LANG C.UTF-8 --hostname untrusted --new-session --cap-drop ALL true"
if ! command -v bwrap >/dev/null; then echo "skipped: bwrap (not installed)"
elif ! $bwrap >/dev/null 2>&1; then echo "skipped: bwrap (cannot start here: $($bwrap 2>&1 | head -1))"
else set -- "$@" "bwrap (untrusted flags)" "$bwrap"; fi

args=""
while [ $# -gt 0 ]; do
  args="$args -n '$1' '$2'"
  shift 2
done
eval hyperfine -N --warmup 10 --runs "$runs" --export-json "$tmp/r.json" "$args" >/dev/null 2>&1 ||
  eval hyperfine --warmup 10 --runs "$runs" --export-json "$tmp/r.json" "$args" >/dev/null
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print(f"{'command':28} {'median ms':>10} {'mean ms':>9} {'stddev':>8}")
for name, x in r.items():
    print(f"{name:28} {x['median'] * 1000:10.2f} {x['mean'] * 1000:9.2f} {x['stddev'] * 1000:8.2f}")
for ours, peer in (("sandbox -p browser", "firejail --profile=firefox"),
                   ("sandbox -p untrusted", "bwrap (untrusted flags)")):
    if ours in r and peer in r:
        print(f"{ours} / {peer}: {r[ours]['median'] / r[peer]['median']:.2f}x (medians)")
PY
