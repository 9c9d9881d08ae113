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
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
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
  trap '"$SANDBOX" --stop bench-enter --timeout 1; rm -rf "$tmp"' EXIT
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

if command -v crun >/dev/null; then
  mkdir -p "$tmp/bundle/rootfs"
  (cd "$tmp/bundle" && crun spec --rootless >/dev/null 2>&1 &&
    sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"true"/' config.json)
  mkdir -p "$tmp/bundle/rootfs/usr" "$tmp/bundle/rootfs/bin"
  if crun --root "$tmp/crun" run -b "$tmp/bundle" benchctr >/dev/null 2>&1; then
    add "crun" "crun --root $tmp/crun run -b $tmp/bundle benchctr"
  else echo "skipped: crun (cannot start here: $(crun --root "$tmp/crun" run -b "$tmp/bundle" benchctr 2>&1 | head -1))"; fi
else echo "skipped: crun (not installed)"; fi
if command -v podman >/dev/null; then
  if podman run --rm --rootfs / true >/dev/null 2>&1; then
    add "podman" "podman run --rm --rootfs / true"
  else echo "skipped: podman (cannot start here)"; fi
else echo "skipped: podman (not installed)"; fi

python3 "$top/bench/interleave.py" "$runs" bwrap sandbox <"$specs"
