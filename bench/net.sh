#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/net.sh: network throughput and start-up of --net slirp / pasta against the host's
# loopback, in one run.  Needs iperf3 and python3; not part of make check.
#   bench/net.sh [SECONDS]     run from the build folder (outside /tmp: the sandbox's /tmp
#                              is its own); SANDBOX=path overrides src/sandbox
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
  "$@" iperf3 -J -c "$ADDR" -p "$PORT" -t "$SECS" $_r 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.2f" % (d["end"]["sum_received"]["bits_per_second"]/1e9))' 2>/dev/null || echo "failed"
}

printf '%-28s %14s %14s\n' "path" "sandbox->host" "host->sandbox"
ADDR=127.0.0.1
printf '%-28s %14s %14s\n' "host loopback" "$(gbits '')" "$(gbits -R)"
ADDR=10.0.2.2
printf '%-28s %14s %14s\n' "slirp4netns (10.0.2.2)" \
  "$(gbits '' "$SANDBOX" --net slirp --net-host-loopback --)" \
  "$(gbits -R "$SANDBOX" --net slirp --net-host-loopback --)"
# the same path through the outbound allowlist's rules (issue 19: within 10 % of the row above)
printf '%-28s %14s %14s\n' "slirp4netns + --allow-net" \
  "$(gbits '' "$SANDBOX" --net slirp --net-host-loopback --allow-net 10.0.2.2 --)" \
  "$(gbits -R "$SANDBOX" --net slirp --net-host-loopback --allow-net 10.0.2.2 --)"
if command -v pasta >/dev/null; then
  ADDR=$("$SANDBOX" --net pasta -- sh -c "awk '\$2 == \"00000000\" { print \$3; exit }' /proc/net/route" |
    python3 -c 'import sys,socket,struct; print(socket.inet_ntoa(struct.pack("<I", int(sys.stdin.read(), 16))))')
  printf '%-28s %14s %14s\n' "pasta (gateway $ADDR)" \
    "$(gbits '' "$SANDBOX" --net pasta --net-host-loopback --)" \
    "$(gbits -R "$SANDBOX" --net pasta --net-host-loopback --)"
  printf '%-28s %14s %14s\n' "pasta + --allow-net" \
    "$(gbits '' "$SANDBOX" --net pasta --net-host-loopback --allow-net "$ADDR" --)" \
    "$(gbits -R "$SANDBOX" --net pasta --net-host-loopback --allow-net "$ADDR" --)"
else
  echo "pasta: not installed (Debian package passt), skipped"
fi

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
