#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/seccomp.sh: what the seccomp filter costs, in one run.
#   1. start-up of `sandbox true`: no filter, the default policy compiled on every start (an
#      empty cache each run), the default policy from the cache, podman's policy cached;
#   2. the cost of one system call (getppid in a loop) under no filter, our default policy,
#      podman's policy loaded by sandbox, and podman's policy loaded by crun when crun can
#      run here.
#   bench/seccomp.sh [RUNS] [CALLS]   (defaults 200 and 2000000; needs hyperfine and a built
#                                      tests/probe: make check builds it)
# Run as an unprivileged user.  Never part of make check.
set -u
runs=${1:-200}
calls=${2:-2000000}
top=$(cd "$(dirname "$0")/.." && pwd)
SANDBOX=${SANDBOX:-$top/src/sandbox}
PROBE=${PROBE:-$top/tests/probe}
PODMAN=/usr/share/containers/seccomp.json
export SANDBOX_DATADIR="${SANDBOX_DATADIR:-$top/profiles}"
command -v hyperfine >/dev/null || { echo "bench: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$PROBE" ] || { echo "bench: $PROBE is missing: run make check first" >&2; exit 1; }
tmp=$(mktemp -d "$HOME/.sbbench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
# the cache is in $XDG_RUNTIME_DIR/sandbox-seccomp (a private folder of ours): a fresh one
mkdir -m 0700 "$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/cache"

echo "== start-up of sandbox true ($runs runs each)"
"$SANDBOX" true && "$SANDBOX" --seccomp "$PODMAN" true # fill the cache
# one --prepare a command: hyperfine runs a single --prepare before every command's runs
hyperfine -N --warmup 10 --runs "$runs" --export-json "$tmp/r.json" \
  -n "unconfined" --prepare true "$SANDBOX --seccomp unconfined true" \
  -n "default, compiled" --prepare "rm -rf $tmp/cache/sandbox-seccomp" "$SANDBOX true" \
  -n "default, cached" --prepare true "$SANDBOX true" \
  -n "podman's, cached" --prepare true "$SANDBOX --seccomp $PODMAN true" >/dev/null
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["median"]
print(f"{'policy':20} {'median ms':>10} {'mean ms':>9} {'+ms vs unconfined':>18}")
for x in r:
    print(f"{x['command']:20} {x['median'] * 1000:10.3f} {x['mean'] * 1000:9.3f} {(x['median'] - base) * 1000:18.3f}")
PY

echo "== the seccomp step alone, from sandbox -v's time stamps (median of $runs starts)"
step() { # ARGS...: ms from "looking for it" to the filter being ready
  for i in $(seq "$runs"); do
    [ "$1" = compiled ] && rm -rf "$tmp/cache/sandbox-seccomp"
    "$SANDBOX" -v true 2>&1 | awk '/seccomp policy .*looking for it/ { a = $3 }
      /seccomp policy .*(from the cache|compiled)/ { printf "%.3f\n", $3 - a }'
  done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
printf '%-30s %8s ms\n' "default, compiled" "$(step compiled)"
printf '%-30s %8s ms\n' "default, from the cache" "$(step cached)"

echo "== one getppid call ($calls calls, best of 5 runs)"
best() { # command...: the smallest ns/call of 5 runs
  for i in 1 2 3 4 5; do "$@"; done 2>/dev/null | sort -n | head -1
}
none=$(best "$SANDBOX" --seccomp unconfined -- "$PROBE" loop "$calls")
printf '%-30s %8s ns\n' "no filter" "$none"
for p in default browser "$PODMAN"; do
  ns=$(best "$SANDBOX" --seccomp "$p" -- "$PROBE" loop "$calls")
  printf '%-30s %8s ns  (+%s ns)\n' "sandbox --seccomp $(basename "$p")" "$ns" \
    "$(echo "$ns $none" | awk '{ printf "%.1f", $1 - $2 }')"
done
if command -v crun >/dev/null; then
  mkdir -p "$tmp/bundle"
  (cd "$tmp/bundle" && crun spec --rootless >/dev/null 2>&1)
  python3 - "$tmp/bundle/config.json" "$PODMAN" "$PROBE" "$calls" <<'PY'
import json, sys
path, policy, probe, calls = sys.argv[1:]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = [probe, "loop", calls]
c["root"] = {"path": "/", "readonly": True}
c["mounts"] = [m for m in c["mounts"] if m["destination"] in ("/proc", "/dev")]
c["linux"]["seccomp"] = json.load(open(policy))
c["linux"].pop("maskedPaths", None); c["linux"].pop("readonlyPaths", None)
json.dump(c, open(path, "w"))
PY
  if ns=$(best crun --root "$tmp/crun" run -b "$tmp/bundle" benchctr) && [ -n "$ns" ]; then
    printf '%-30s %8s ns  (+%s ns)\n' "crun, podman's policy" "$ns" \
      "$(echo "$ns $none" | awk '{ printf "%.1f", $1 - $2 }')"
  else echo "skipped: crun (cannot start here: $(crun --root "$tmp/crun" run -b "$tmp/bundle" benchctr 2>&1 | head -1))"; fi
else echo "skipped: crun (not installed)"; fi
