#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/oci.sh: a benchmark, not a test.  The time of create+start+wait+delete of `true`
# from a bundle, with sandbox-oci and with crun on the same bundle (where crun runs), and of
# `podman run --rm --rootfs DIR true` with sandbox-oci.  Run as an unprivileged user with
# subuid ranges, from a built tree: sh bench/oci.sh [N]
set -eu
N=${1:-20}
top=$(cd "$(dirname "$0")/.." && pwd)
OCI=${SANDBOX_OCI:-$top/src/sandbox-oci}
T=$(mktemp -d "${TMPDIR:-/tmp}/sbbench.XXXXXX")
trap 'podman --root "$T/storage" --runroot "$T/runroot" unshare rm -rf "$T/storage" "$T/runroot" 2>/dev/null; rm -rf "$T"' EXIT
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
for rt in "$OCI" crun; do
  command -v "$rt" >/dev/null || continue
  if ! cycle "$rt" 2>"$T/err"; then echo "$rt: cannot run here: $(head -1 "$T/err")"; "$rt" --root "$T/r" delete -f b 2>/dev/null || true; continue; fi
  t0=$(ms); for i in $(seq "$N"); do cycle "$rt"; done; t1=$(ms)
  echo "$(basename "$rt"): create+start+wait+delete of true: $(( (t1 - t0) / N / 1000000 )) ms (mean of $N)"
done
if command -v podman >/dev/null; then
  export XDG_RUNTIME_DIR=$T/xdg; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
  P="podman --root $T/storage --runroot $T/runroot --runtime $OCI --cgroup-manager cgroupfs --events-backend file"
  $P run --rm --rootfs "$B/rootfs" /bin/true
  t0=$(ms); for i in $(seq "$N"); do $P run --rm --rootfs "$B/rootfs" /bin/true; done; t1=$(ms)
  echo "podman run --rm --rootfs DIR true with sandbox-oci: $(( (t1 - t0) / N / 1000000 )) ms (mean of $N)"
fi
