#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/oci.sh: a benchmark, not a test.  The time of create+start+wait+delete of `true`
# from a bundle, with sandbox-oci, crun and runc on the same bundle (where they run), and
# of `podman run --rm --rootfs DIR true` with each, in interleaved rounds.  Run as an
# unprivileged user with subuid ranges, from a built tree: sh bench/oci.sh [N]
set -eu
N=${1:-20}
top=$(cd "$(dirname "$0")/.." && pwd)
OCI=${SANDBOX_OCI:-$top/src/sandbox-oci}
T=$(mktemp -d "${TMPDIR:-/tmp}/sbbench.XXXXXX")
# rootless podman leaves a pause process per run folder ($T/xdg below): the bench's goes too
cleanup() {
  podman --root "$T/storage" --runroot "$T/runroot" unshare rm -rf "$T/storage" "$T/runroot" 2>/dev/null
  [ ! -f "$T/xdg/libpod/tmp/pause.pid" ] || kill "$(cat "$T/xdg/libpod/tmp/pause.pid")" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
B=$T/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" "$B/rootfs/tmp"
cp "$(command -v busybox)" "$B/rootfs/bin/busybox"
ln -s busybox "$B/rootfs/bin/true"
cat >"$B/config.json" <<JSON
{"ociVersion": "1.0.2", "process": {"user": {"uid": 0, "gid": 0}, "args": ["/bin/true"],
 "env": ["PATH=/bin"], "cwd": "/"}, "root": {"path": "rootfs"},
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
 "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
   {"type": "uts"}, {"type": "mount"}, {"type": "user"}],
   "uidMappings": [{"containerID": 0, "hostID": $(id -u), "size": 1}],
   "gidMappings": [{"containerID": 0, "hostID": $(id -g), "size": 1}]}}
JSON
ms() { date +%s%N; }
cycle() { # RUNTIME: create, start, wait for stopped, delete
  "$1" --root "$T/r" create -b "$B" b >/dev/null && "$1" --root "$T/r" start b &&
    while "$1" --root "$T/r" state b | grep -q '"status": *"\(running\|created\)"'; do :; done &&
    "$1" --root "$T/r" delete b
}
# the runtimes that run here, then every round runs each once (interleaved: a shared
# machine's load falls on all alike)
rts=
for rt in "$OCI" crun runc; do
  command -v "$rt" >/dev/null || continue
  if ! cycle "$rt" 2>"$T/err"; then echo "$rt: cannot run here: $(head -1 "$T/err")"; "$rt" --root "$T/r" delete -f b 2>/dev/null || true; continue; fi
  rts="$rts $rt"
done
pms=
if command -v podman >/dev/null; then
  export XDG_RUNTIME_DIR=$T/xdg; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
  for rt in "$OCI" crun runc; do
    command -v "$rt" >/dev/null || continue
    P="podman --root $T/storage --runroot $T/runroot --runtime $(command -v "$rt") --cgroup-manager cgroupfs --events-backend file"
    if $P run --rm --rootfs "$B/rootfs" /bin/true 2>"$T/err"; then pms="$pms $rt"
    else echo "podman with $rt: cannot run here: $(tail -1 "$T/err")"; fi
  done
fi
for rt in $rts $pms; do eval "t_$(basename "$rt" | tr -c 'a-z0-9\n' _)=0"; eval "p_$(basename "$rt" | tr -c 'a-z0-9\n' _)=0"; done
for i in $(seq "$N"); do
  for rt in $rts; do
    v=t_$(basename "$rt" | tr -c 'a-z0-9\n' _)
    t0=$(ms); cycle "$rt"; t1=$(ms); eval "$v=\$(( $v + t1 - t0 ))"
  done
  for rt in $pms; do
    v=p_$(basename "$rt" | tr -c 'a-z0-9\n' _)
    P="podman --root $T/storage --runroot $T/runroot --runtime $(command -v "$rt") --cgroup-manager cgroupfs --events-backend file"
    t0=$(ms); $P run --rm --rootfs "$B/rootfs" /bin/true; t1=$(ms); eval "$v=\$(( $v + t1 - t0 ))"
  done
done
for rt in $rts; do
  eval "t=\$t_$(basename "$rt" | tr -c 'a-z0-9\n' _)"
  # shellcheck disable=SC2154 # t is set by the eval above
  echo "$(basename "$rt"): create+start+wait+delete of true: $(( t / N / 1000000 )).$(( t / N / 100000 % 10 )) ms (mean of $N, interleaved)"
done
for rt in $pms; do
  eval "t=\$p_$(basename "$rt" | tr -c 'a-z0-9\n' _)"
  echo "podman run --rm --rootfs DIR true with $(basename "$rt"): $(( t / N / 1000000 )).$(( t / N / 100000 % 10 )) ms (mean of $N, interleaved)"
done
