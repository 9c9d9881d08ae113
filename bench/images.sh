#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/images.sh: container images (issue 17), on images made here with no registry.
#   1. start-up: `sandbox --image NAME true` (a stored image: no unpack, no verification)
#      against `sandbox --rootfs DIR` of the same tree unpacked, `--image oci:DIR` (which
#      runs from the store while the layout's index.json is unchanged since its import), and
#      `podman run --rm IMAGE true` on the same archive; interleaved (bench/interleave.py).
#   2. the first import of a larger layer (the host's /usr/lib/gcc and /usr/lib/python3,
#      gzip) against `tar -xzf` of the same blob, and against tar -xzf followed by sync (an
#      import syncs before it publishes a layer).
# Run as an unprivileged user with a subuid range.
#   bench/images.sh [RUNS]        (default 100 start-ups each)
# SANDBOX=path picks the binary.  Peers that are not installed are skipped by name.
# Never part of make check.
set -u
runs=${1:-100}
top=$(cd "$(dirname "$0")/.." && pwd)
SANDBOX=${SANDBOX:-$top/src/sandbox}
[ "$(id -u)" -ne 0 ] || { echo "bench: run as an unprivileged user" >&2; exit 1; }
# the store and the trees under the home: fuse-overlayfs cannot reach lower folders in /tmp
work=$(mktemp -d "$HOME/.bench-images.XXXXXX")
XDG_DATA_HOME=$work/data
export XDG_DATA_HOME
pod() { env -u XDG_DATA_HOME podman "$@"; }
cleanup() {
  for n in $("$SANDBOX" --images 2>/dev/null | awk 'NR > 1 { print $1 }'); do
    "$SANDBOX" --image-rm "$n" >/dev/null 2>&1
  done
  pod rmi -f localhost/sbbench >/dev/null 2>&1
  "$SANDBOX" --overlay none --uid 0 --no-bind-cwd --bind "$work" -- rm -rf "$work/data" \
    >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

# ---------------------------------------------------------------- 1. start-up
python3 "$top/tests/mkimage.py" base "$work/img" --gzip
mkdir "$work/tree"
for b in $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]+"/index.json"))["manifests"][0]["digest"][7:]; print(" ".join(l["digest"][7:] for l in json.load(open(sys.argv[1]+"/blobs/sha256/"+m))["layers"]))' "$work/img"); do
  tar -xzf "$work/img/blobs/sha256/$b" -C "$work/tree" --exclude './.wh.*' --exclude '*/.wh.*' 2>/dev/null
done
"$SANDBOX" --image-import "oci:$work/img" bench >/dev/null || exit 1
"$SANDBOX" --image "oci:$work/img" -- true || exit 1
specs=$work/specs
add() { printf '%s\t%s\n' "$1" "$2" >>"$specs"; }
add "sandbox --rootfs DIR" "$SANDBOX --no-bind-cwd --uid 1000 --gid 1000 --rootfs $work/tree /bin/true"
add "sandbox --image NAME" "$SANDBOX --no-bind-cwd --image bench /bin/true"
add "sandbox --image oci:DIR" "$SANDBOX --no-bind-cwd --image oci:$work/img /bin/true"
if ! command -v skopeo >/dev/null || ! command -v podman >/dev/null; then
  echo "skipped: podman (podman or skopeo not installed)"
elif ! skopeo copy -q "oci:$work/img:latest" "oci-archive:$work/img.tar" >/dev/null 2>&1 \
  || ! pod load -q -i "$work/img.tar" >"$work/load" 2>&1 \
  || ! pod tag "$(awk '{print $NF}' "$work/load" | tail -1)" localhost/sbbench >/dev/null 2>&1; then
  echo "skipped: podman (cannot load the archive: $(tail -1 "$work/load"))"
elif pod run --rm localhost/sbbench /bin/true >"$work/prun" 2>&1; then
  add "podman run --rm IMAGE" "env -u XDG_DATA_HOME podman run --rm localhost/sbbench /bin/true"
# podman's default runtime (crun) refuses a machine with hybrid cgroups: podman's own cost
# then shows with sandbox-oci as its runtime
elif oci="$(dirname "$SANDBOX")/sandbox-oci" && [ -x "$oci" ] \
  && pod run --rm --runtime "$oci" --cgroup-manager cgroupfs localhost/sbbench /bin/true \
    >"$work/prun2" 2>&1; then
  echo "note: podman's runtime cannot run here ($(tail -1 "$work/prun")): podman runs with sandbox-oci"
  add "podman --runtime sandbox-oci run --rm IMAGE" \
    "env -u XDG_DATA_HOME podman run --rm --runtime $oci --cgroup-manager cgroupfs localhost/sbbench /bin/true"
else
  echo "skipped: podman (cannot run here: $(tail -1 "$work/prun"))"
fi
echo "== start-up, $runs runs each"
python3 "$top/bench/interleave.py" "$runs" "sandbox --rootfs DIR" "sandbox --image NAME" <"$specs"

# ---------------------------------------------------------------- 2. first import
echo "== first import of /usr/lib/gcc and /usr/lib/python3 as one gzip layer"
python3 - "$work/big" <<'EOF'
import gzip, hashlib, io, json, os, subprocess, sys
out = sys.argv[1]
os.makedirs(out + "/blobs/sha256")
raw = subprocess.run(["tar", "-C", "/", "-cf", "-", "usr/lib/gcc", "usr/lib/python3"],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
comp = subprocess.run(["gzip", "-1", "-n"], input=raw, stdout=subprocess.PIPE).stdout
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(out + "/blobs/sha256/" + d, "wb").write(data)
    return {"digest": "sha256:" + d, "size": len(data)}
cfg = blob(json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["true"]},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]}}).encode())
lay = blob(comp)
man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
       "config": dict(cfg, mediaType="application/vnd.oci.image.config.v1+json"),
       "layers": [dict(lay, mediaType="application/vnd.oci.image.layer.v1.tar+gzip")]}
m = blob(json.dumps(man).encode())
json.dump({"schemaVersion": 2, "manifests": [dict(m, mediaType=man["mediaType"])]},
          open(out + "/index.json", "w"))
open(out + "/layer", "w").write(lay["digest"][7:])
print("layer: %d MiB uncompressed, %d MiB gzip" % (len(raw) >> 20, len(comp) >> 20))
EOF
layer=$work/big/blobs/sha256/$(cat "$work/big/layer")
ms() { echo $(($(date +%s%N) / 1000000)); }
for i in 1 2 3; do
  sync
  t0=$(ms); "$SANDBOX" --image-import "oci:$work/big" big || exit 1; t1=$(ms)
  "$SANDBOX" --image-rm big
  rm -rf "$work/x"; mkdir "$work/x"; sync
  t2=$(ms); tar -xzf "$layer" -C "$work/x"; t3=$(ms); sync; t4=$(ms)
  rm -rf "$work/x"
  echo "run $i: sandbox --image-import $((t1 - t0)) ms; tar -xzf $((t3 - t2)) ms; tar -xzf + sync $((t4 - t2)) ms"
done
