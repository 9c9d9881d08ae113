#!/bin/sh
# bench/startup.sh: start-up and teardown of `sandbox true` against its peers on the same
# work, in one run.  Prints medians and ratios to bwrap.  Run as an unprivileged user.
#   bench/startup.sh [RUNS]        (default 200 runs each; needs hyperfine)
# SANDBOX=path picks the binary; BEFORE=path adds an older build's `true` to the same run.
# Peers that are not installed are skipped by name.  Never part of make check.
set -u
runs=${1:-200}
top=$(cd "$(dirname "$0")/.." && pwd)
SANDBOX=${SANDBOX:-$top/src/sandbox}
command -v hyperfine >/dev/null || { echo "bench: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
[ "$(id -u)" -ne 0 ] || echo "bench: note: run as an unprivileged user for meaningful figures" >&2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

set -- "true" true
set -- "$@" "unshare -Urpfmuin" "unshare -Urpfmuin --mount-proc true"
set -- "$@" "sandbox" "$SANDBOX true"
[ -z "${BEFORE:-}" ] || set -- "$@" "sandbox (before)" "$BEFORE true"
set -- "$@" "sandbox --read-only" "$SANDBOX --read-only true"
# a one-id map, like bwrap's (no newuidmap/newgidmap)
: >"$tmp/empty"
set -- "$@" "sandbox (one-id map)" "env SANDBOX_SUBUID=$tmp/empty $SANDBOX true"
# the added start-up of user-mode networking (issue 6: under 10 ms over --net none)
if command -v slirp4netns >/dev/null; then
  set -- "$@" "sandbox --net slirp" "$SANDBOX --net slirp true"
else echo "skipped: sandbox --net slirp (slirp4netns not installed)"; fi
if command -v pasta >/dev/null; then
  set -- "$@" "sandbox --net pasta" "$SANDBOX --net pasta true"
else echo "skipped: sandbox --net pasta (pasta not installed)"; fi
if command -v bwrap >/dev/null; then
  set -- "$@" "bwrap" "bwrap --unshare-all --die-with-parent --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp true"
else echo "skipped: bwrap (not installed)"; fi
if command -v firejail >/dev/null; then
  set -- "$@" "firejail" "firejail --noprofile --quiet true"
else echo "skipped: firejail (not installed)"; fi
if command -v crun >/dev/null; then
  mkdir -p "$tmp/bundle/rootfs"
  (cd "$tmp/bundle" && crun spec --rootless >/dev/null 2>&1 &&
    sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"true"/' config.json)
  mkdir -p "$tmp/bundle/rootfs/usr" "$tmp/bundle/rootfs/bin"
  if crun --root "$tmp/crun" run -b "$tmp/bundle" benchctr >/dev/null 2>&1; then
    set -- "$@" "crun" "crun --root $tmp/crun run -b $tmp/bundle benchctr"
  else echo "skipped: crun (cannot start here: $(crun --root "$tmp/crun" run -b "$tmp/bundle" benchctr 2>&1 | head -1))"; fi
else echo "skipped: crun (not installed)"; fi
if command -v podman >/dev/null; then
  if podman run --rm --rootfs / true >/dev/null 2>&1; then
    set -- "$@" "podman" "podman run --rm --rootfs / true"
  else echo "skipped: podman (cannot start here)"; fi
else echo "skipped: podman (not installed)"; fi

args=""
while [ $# -gt 0 ]; do
  args="$args -n '$1' '$2'"
  shift 2
done
eval hyperfine -N --warmup 20 --runs "$runs" --export-json "$tmp/r.json" "$args" >/dev/null 2>&1 ||
  eval hyperfine --warmup 20 --runs "$runs" --export-json "$tmp/r.json" "$args" >/dev/null
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = next((x["median"] for x in r if x["command"] == "bwrap"), None)
sb = next(x["median"] for x in r if x["command"] == "sandbox")
print(f"{'command':24} {'median ms':>10} {'mean ms':>9} {'vs bwrap':>9} {'- sandbox':>10}")
for x in r:
    ratio = f"{x['median'] / base:.2f}x" if base else "-"
    added = f"{(x['median'] - sb) * 1000:+.2f}" if x["command"].startswith("sandbox") else ""
    print(f"{x['command']:24} {x['median'] * 1000:10.2f} {x['mean'] * 1000:9.2f} {ratio:>9} {added:>10}")
PY
