#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/startup.sh: start-up and teardown of `sandbox true` against its peers on the same
# work, in one run, interleaved (bench/interleave.py: one run of each command in turn, so a
# drift of the machine lands on all alike).  Prints medians, quartiles and ratios to bwrap.
# Run as an unprivileged user.
#   bench/startup.sh [RUNS]        (default 200 runs each)
# SANDBOX=path picks the binary; BEFORE=path adds an older build's `true` to the same run.
# Peers that are not installed are skipped by name.  Never part of make check.
set -u
runs=${1:-200}
top=$(cd "$(dirname "$0")/.." && pwd)
SANDBOX=${SANDBOX:-$top/src/sandbox}
[ "$(id -u)" -ne 0 ] || echo "bench: note: run as an unprivileged user for meaningful figures" >&2
tmp=$(mktemp -d)
enter=
cleanup() {
  [ -z "$enter" ] || "$SANDBOX" --stop bench-enter --timeout 1
  # podman's storage holds files of subordinate ids
  [ ! -d "$tmp/storage" ] || podman --root "$tmp/storage" --runroot "$tmp/runroot" unshare \
    rm -rf "$tmp/storage" "$tmp/runroot" 2>/dev/null
  # rootless podman leaves a pause process per run folder: this one is the bench's
  [ ! -f "$tmp/xdg/libpod/tmp/pause.pid" ] || kill "$(cat "$tmp/xdg/libpod/tmp/pause.pid")" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
specs=$tmp/specs
add() { printf '%s\t%s\n' "$1" "$2" >>"$specs"; }

add "true" true
add "unshare -Urpfmuin" "unshare -Urpfmuin --mount-proc true"
add "sandbox" "$SANDBOX true"
[ -z "${BEFORE:-}" ] || add "sandbox (before)" "$BEFORE true"
add "sandbox --read-only" "$SANDBOX --read-only true"
# a one-id map, like bwrap's: no newuidmap and newgidmap
add "sandbox --no-subids" "$SANDBOX --no-subids true"
# root inside: the subordinate ranges (newuidmap, newgidmap) and fuse-overlayfs
add "sandbox --uid 0" "$SANDBOX --uid 0 true"
# --enter into a running sandbox (issue 16: no slower than `sandbox true`); its own
# state folder, so the user's sandboxes are not touched
XDG_RUNTIME_DIR=$tmp/xdg; export XDG_RUNTIME_DIR; mkdir -m 0700 "$XDG_RUNTIME_DIR"
if "$SANDBOX" -d --name bench-enter -- sleep 3600 >/dev/null 2>&1; then
  enter=yes
  add "sandbox --enter NAME" "$SANDBOX --enter bench-enter true"
else echo "skipped: sandbox --enter (no detached sandbox started)"; fi
# the added start-up of user-mode networking (issue 6: under 10 ms over --net none)
# a row that needs PROGRAM, skipped by name where it is not installed
needs() {
  if command -v "$1" >/dev/null; then add "$2" "$3"; else echo "skipped: $2 ($1 not installed)"; fi
}
needs slirp4netns "sandbox --net slirp" "$SANDBOX --net slirp true"
needs pasta "sandbox --net pasta" "$SANDBOX --net pasta true"
needs bwrap bwrap "bwrap --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp true"
needs firejail firejail "firejail --noprofile --quiet true"

# The OCI runtimes and podman run the same `true` as the rest, the host's /usr/bin/true:
# a bundle whose root is a folder with the merged-/usr links and the host's /usr bound
# read-only (the work of bwrap's read-only bind of /, less the rest of the tree); rootless,
# a one-id map, no cgroup (this machine's hybrid cgroups stop crun, not runc).
bundle=$tmp/bundle
mkdir -p "$bundle/rootfs/usr" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/tmp"
for l in bin sbin lib lib64; do [ ! -L "/$l" ] || ln -s "usr/$l" "$bundle/rootfs/$l"; done
cat >"$bundle/config.json" <<JSON
{"ociVersion": "1.0.2", "process": {"user": {"uid": 0, "gid": 0}, "args": ["/usr/bin/true"],
 "env": ["PATH=/usr/bin:/bin"], "cwd": "/"}, "root": {"path": "rootfs", "readonly": true},
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
   {"destination": "/usr", "type": "bind", "source": "/usr", "options": ["rbind", "ro"]},
   {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}],
 "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
   {"type": "uts"}, {"type": "mount"}, {"type": "user"}],
   "uidMappings": [{"containerID": 0, "hostID": $(id -u), "size": 1}],
   "gidMappings": [{"containerID": 0, "hostID": $(id -g), "size": 1}]}}
JSON
for rt in crun runc; do
  if ! command -v "$rt" >/dev/null; then echo "skipped: $rt (not installed)"
  elif err=$("$rt" --root "$tmp/$rt" run -b "$bundle" bench-$$ 2>&1 </dev/null); then
    add "$rt" "$rt --root $tmp/$rt run -b $bundle bench-$$"
  else echo "skipped: $rt (cannot start here: $(printf '%s\n' "$err" | head -1))"; fi
done
# podman with each runtime that runs here, its storage in the bench's folder
if command -v podman >/dev/null; then
  for rt in crun runc; do
    command -v "$rt" >/dev/null || continue
    P="podman --root $tmp/storage --runroot $tmp/runroot --runtime $(command -v "$rt") --cgroup-manager cgroupfs --events-backend file"
    if err=$($P run --rm -v /usr:/usr:ro --rootfs "$bundle/rootfs" /usr/bin/true 2>&1 </dev/null); then
      add "podman ($rt)" "$P run --rm -v /usr:/usr:ro --rootfs $bundle/rootfs /usr/bin/true"
    else echo "skipped: podman with $rt (cannot start here: $(printf '%s\n' "$err" | tail -1))"; fi
  done
else echo "skipped: podman (not installed)"; fi

python3 "$top/bench/interleave.py" "$runs" bwrap sandbox <"$specs"
