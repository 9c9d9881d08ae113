#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/net.sh: network throughput and start-up of --net slirp / pasta against the host's
# loopback, in one run.  Needs iperf3 and python3; not part of make check.
#   bench/net.sh [SECONDS]     run from the build folder (outside /tmp: the sandbox's /tmp
#                              is its own); SANDBOX=path overrides src/sandbox, ROUNDS=N
#                              the rounds of throughput runs (3)
set -eu
SANDBOX=${SANDBOX:-$PWD/src/sandbox}
SECS=${1:-5}
PORT=$(( 30000 + $$ % 20000 ))
command -v iperf3 >/dev/null || { echo "iperf3 not installed (Debian package iperf3)"; exit 1; }

iperf3 -s -B 127.0.0.1 -p "$PORT" >/dev/null 2>&1 &
SRV=$!
trap 'kill $SRV 2>/dev/null' EXIT
i=0; until python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PORT" 2>/dev/null || [ $i -gt 50 ]; do i=$((i+1)); sleep 0.1; done

# Gbit/s of one iperf3 run: $1 = -R for host -> client, or empty; the rest: the command prefix
gbits() {
  _r=$1; shift
  "$@" iperf3 -J -c "$ADDR" -p "$PORT" -t "$SECS" $_r </dev/null 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.2f" % (d["end"]["sum_received"]["bits_per_second"]/1e9))' 2>/dev/null || echo "nan"
}

# the paths, "label<TAB>address<TAB>sandbox options" (none: the host's loopback itself)
PASTA_GW=
if command -v pasta >/dev/null; then
  PASTA_GW=$("$SANDBOX" --net pasta -- sh -c "awk '\$2 == \"00000000\" { print \$3; exit }' /proc/net/route" |
    python3 -c 'import sys,socket,struct; print(socket.inet_ntoa(struct.pack("<I", int(sys.stdin.read(), 16))))')
fi
paths() {
  printf 'host loopback\t127.0.0.1\t\n'
  printf 'slirp4netns (10.0.2.2)\t10.0.2.2\t--net slirp --net-host-loopback\n'
  # the same path through the outbound allowlist's rules (issue 19: within 10 % of the row above)
  printf 'slirp4netns + --allow-net\t10.0.2.2\t--net slirp --net-host-loopback --allow-net 10.0.2.2\n'
  if [ -n "$PASTA_GW" ]; then
    printf 'pasta (gateway %s)\t%s\t--net pasta --net-host-loopback\n' "$PASTA_GW" "$PASTA_GW"
    printf 'pasta + --allow-net\t%s\t--net pasta --net-host-loopback --allow-net %s\n' "$PASTA_GW" "$PASTA_GW"
  fi
}

# ROUNDS rounds (default 3), each one run of every path in turn, both ways: one iperf3 run
# varies by 10-40 % here (two cores, shared with the sandbox's relay), more than the rules
# cost, so a row is the median of its rounds, and "+ --allow-net" is compared with the row
# above it round by round (the median of the ratios)
ROUNDS=${ROUNDS:-3}
RESULTS=$(r=0; while [ "$r" -lt "$ROUNDS" ]; do
  paths | while IFS=$(printf '\t') read -r label ADDR opts; do
    if [ -z "$opts" ]; then pre=; else pre="$SANDBOX $opts --"; fi
    # shellcheck disable=SC2086 # the options are words
    printf '%s\t%s\t%s\n' "$label" "$(gbits '' $pre)" "$(gbits -R $pre)"
  done
  r=$((r + 1))
done)
echo "iperf3, ${SECS} s a run, median of $ROUNDS interleaved rounds (Gbit/s; vs: the row above, median of the rounds' ratios)"
printf '%s\n' "$RESULTS" | python3 -c '
import math, statistics, sys
rows = {}
for line in sys.stdin:
    label, up, down = line.rstrip("\n").split("\t")
    rows.setdefault(label, []).append((float(up), float(down)))
def med(v):
    v = [x for x in v if not math.isnan(x)]
    return statistics.median(v) if v else float("nan")
print("%-28s %14s %14s   %s" % ("path", "sandbox->host", "host->sandbox", "vs"))
prev = None
for label, runs in rows.items():
    vs = ""
    if "--allow-net" in label and prev is not None:
        base = rows[prev]
        r = [med([a[d] / b[d] - 1 for a, b in zip(runs, base)]) for d in (0, 1)]
        vs = "%+.1f %% / %+.1f %%" % (r[0] * 100, r[1] * 100)
    print("%-28s %14.2f %14.2f   %s" % (label, med([x[0] for x in runs]), med([x[1] for x in runs]), vs))
    prev = label
'

# start-up, interleaved (bench/interleave.py): one run of each command in turn, so that the
# policy's cost (issue 19: a 100-entry policy within 5 ms of the same without one) is a
# difference within one run, not between two series taken minutes apart
A100=$(i=0; while [ $i -lt 100 ]; do printf ' --allow-net 198.18.%d.%d:443/tcp' $((i / 256)) $((i % 256)); i=$((i + 1)); done)
echo
echo "start-up of 'true' (wall clock, interleaved, ${RUNS:-60} runs each):"
{
  printf 'none\t%s --net none true\n' "$SANDBOX"
  printf 'slirp\t%s --net slirp true\n' "$SANDBOX"
  printf 'slirp-allow100\t%s --net slirp%s true\n' "$SANDBOX" "$A100"
  printf 'slirp-allow-host\t%s --net slirp --allow-host example.org true\n' "$SANDBOX"
  if command -v pasta >/dev/null; then
    printf 'pasta\t%s --net pasta true\n' "$SANDBOX"
    printf 'pasta-allow100\t%s --net pasta%s true\n' "$SANDBOX" "$A100"
  fi
} | python3 "$(dirname "$0")/interleave.py" "${RUNS:-60}" none slirp
