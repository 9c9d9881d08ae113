#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# image.t: --image with images this test makes itself (no registry): an OCI layout packed by
# tests/mkimage.py (busybox-static, then a layer with a whiteout and an opaque folder), and
# the archives podman import + podman save write, in oci-archive and docker-archive form;
# each with both overlay engines.  The store (--images, --image-import, --image-rm), layers
# shared between images, and bad input: one line, exit 125, the store unchanged.
# $(mark) is an option and its value, two words on purpose
# shellcheck disable=SC2046
. "${srcdir:?}/tests/lib.sh"

# the store lives under the home: fuse-overlayfs covers /tmp with its own tmpfs
XDG_DATA_HOME=$HOME/.sbtest-images.$$
export XDG_DATA_HOME
S=$XDG_DATA_HOME/sandbox/images
MK="python3 $srcdir/tests/mkimage.py"
mark() { echo --setenv SBTEST_MARK "$SBTEST_MARK"; }
# podman keeps its own storage (not under the test's XDG_DATA_HOME), and its run folder
pod() { env -u XDG_DATA_HOME podman "$@"; }
podman_pid=${XDG_RUNTIME_DIR:-/tmp/podman-run-$(id -u)}/libpod/tmp/pause.pid
cleanup() {
  for n in $("$SANDBOX" --images 2>/dev/null | awk 'NR > 1 { print $1 }'); do
    "$SANDBOX" --image-rm "$n" >/dev/null 2>&1
  done
  # what a failure left: files of subordinate ids, which root inside may remove
  rm_subids "$S"
  rm -rf "$XDG_DATA_HOME" "$T"
}
at_exit cleanup

plan 57

if ! [ -x /bin/busybox ] || ! command -v python3 >/dev/null; then
  for i in $(seq 53); do skip "image test $i" "busybox-static or python3 missing"; done
  exit 0
fi
if [ -r /dev/fuse ] && [ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null; then
  engines="kernel fuse"
else
  engines="kernel"
fi

$MK base "$T/img1" && $MK base "$T/img2" --second --zstd
check "the test's images are made" [ -f "$T/img1/index.json" ] && [ -f "$T/img2/index.json" ]

# ---------------------------------------------------------------- the image's config
for e in kernel fuse; do
  if ! echo "$engines" | grep -qw "$e"; then
    for i in 1 2 3 4 5 6; do skip "--overlay $e" "fuse-overlayfs or /dev/fuse"; done
    continue
  fi
  run_sb $(mark) --overlay "$e" --image "oci:$T/img1"
  is "Env and Cmd take effect ($e)" "$(cat "$T/out")" "hello from the image"
  run_sb $(mark) --overlay "$e" --image "oci:$T/img1" -- sh -c 'id -u; id -g; pwd; echo $HOME'
  is "User (looked up in the image's passwd) and WorkingDir take effect ($e)" \
    "$(tr '\n' ' ' <"$T/out")" "1000 1000 /work /home/app "
  run_sb $(mark) --overlay "$e" --image "oci:$T/img1" -- sh -c 'test -e /gone.txt || echo gone'
  is "the whiteout hides the base layer's file ($e)" "$(cat "$T/out")" gone
  run_sb $(mark) --overlay "$e" --image "oci:$T/img1" -- ls /keep
  is "the opaque folder hides the base layer's files ($e)" "$(tr '\n' ' ' <"$T/out")" "c.txt "
  run_sb $(mark) --overlay "$e" --image "oci:$T/img1" -- stat -c '%u:%g %U' /owned.txt /work/hello.txt
  is "files keep their owners from the image ($e)" "$(tr '\n' ' ' <"$T/out")" \
    "1000:50 app 1000:1000 app "
  run_sb $(mark) --overlay "$e" --uid 0 --image "oci:$T/img1" -- sh -c \
    'echo x >/etc/new && echo y >>/owned.txt && id -u'
  is "root inside (--uid 0 over User) changes the image's files ($e)" "$(cat "$T/out")" 0
done

run_sb $(mark) --image "oci:$T/img1" -- echo replaced
is "COMMAND replaces Cmd" "$(cat "$T/out")" replaced
run_sb $(mark) --image "oci:$T/img1" --chdir / --setenv GREETING mine -- sh -c 'pwd; echo $GREETING'
is "--chdir and --setenv apply over the image's" "$(tr '\n' ' ' <"$T/out")" "/ mine "
run_sb --image "oci:$T/img1" --print-config
check "--print-config shows the image's Env" grep -q '^setenv GREETING hello from the image .*# image oci:' "$T/out"
check "--print-config shows the image's User" grep -q '^uid 1000 .*User .app' "$T/out"
check "--print-config shows the image's WorkingDir" grep -q '^chdir /work ' "$T/out"
check "--print-config shows the command" grep -q '^# command: sh -c echo \$GREETING' "$T/out"
run_sb --image "oci:$T/img1" --rootfs /
is "--image with --rootfs is refused" "$status" 125
run_sb --image "oci:$T/img1" --read-only
is "--image with --read-only (one layer only) is refused" "$status" 125
run_sb $(mark) --image "oci:$T/img1" -- id -G
is "the image's user has no supplementary group of the caller's" "$(cat "$T/out")" 1000

# ---------------------------------------------------------------- a source run again
cp -a "$T/img2" "$T/img3"
run_sb $(mark) --image "oci:$T/img3" -- cat /second.txt
is "a source runs straight from its folder" "$(cat "$T/out")" "the second image"
run_sb $(mark) -v --image "oci:$T/img3" -- cat /second.txt
check "an unchanged source starts from the store, without a new import" \
  grep -q "unchanged since its import" "$T/err"
rm -rf "$T/img3" && cp -a "$T/img1" "$T/img3"
run_sb $(mark) -v --image "oci:$T/img3" -- sh -c 'test -e /second.txt || echo first'
is "a source replaced since its import is imported again" "$(cat "$T/out")" first
check "... and says nothing of the store" sh -c '! grep -q "unchanged since its import" "$1"' sh "$T/err"
"$SANDBOX" --image-rm "oci:$T/img3"

# ---------------------------------------------------------------- the store
layers() { find "$S/layers" -mindepth 1 -maxdepth 1 | wc -l; }
"$SANDBOX" --image-import "oci:$T/img1" one && "$SANDBOX" --image-import "oci:$T/img2" two
is "--image-import stores both" "$?" 0
is "the two images share their base layer on disk: 3 layers, not 4" "$(layers)" 3
run_sb --images
check "--images lists the name" grep -q '^one ' "$T/out"
is "--images counts the shared layer" "$(awk '$1 == "two" { print $NF }' "$T/out")" 1
run_sb $(mark) --image two -- sh -c 'cat /second.txt; test -e /gone.txt && echo base'
is "a stored image runs by its name (zstd layer)" "$(tr '\n' ' ' <"$T/out")" "the second image base "
run_sb --image-rm one
is "--image-rm removes an image" "$status" 0
# oci:$T/img1 (run above) still holds the shared layers
"$SANDBOX" --image-rm "oci:$T/img1"
is "only the layers no other image uses go" "$(layers)" 2
run_sb $(mark) --image two -- cat /second.txt
is "the other image still runs" "$(cat "$T/out")" "the second image"
run_sb --image-rm nosuch
is "--image-rm of an unknown name exits 125" "$status" 125
check "with one line" [ "$(wc -l <"$T/err")" -eq 1 ]

# a running sandbox keeps its layers: a removal meanwhile leaves them
"$SANDBOX" $(mark) --bind "$T" --image two -- sh -c 'echo started >'"$T"'/started; sleep 30' &
bg=$!
wait_for 100 [ -s "$T/started" ]
"$SANDBOX" --image-rm two 2>"$T/err"
is "a layer in use is kept" "$(layers)" 2
kill "$bg"; wait "$bg" 2>/dev/null
"$SANDBOX" --image-rm "oci:$T/img2" >/dev/null 2>&1 || true
"$SANDBOX" --image-import "oci:$T/img2" two && "$SANDBOX" --image-rm two
is "the next removal takes what was left" "$(layers)" 0

# ---------------------------------------------------------------- bad input
"$SANDBOX" --image-import "oci:$T/img1" one
snapshot() { (cd "$S" && find . -printf '%p %s\n' | sort && cat index.json) | cksum; }
before=$(snapshot)
for kind in wrong-digest missing-blob media-type other-platform truncated wrong-diffid \
  dotdot absolute symlink-slip hardlink-out too-big; do
  rm -rf "$T/bad"
  $MK bad "$T/bad" "$kind"
  run_sb $(mark) --image "oci:$T/bad"
  if [ "$status" -eq 125 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && [ "$(snapshot)" = "$before" ]; then
    ok "$kind: one line, exit 125, the store unchanged ($(cat "$T/err"))"
  else
    not_ok "$kind: one line, exit 125, the store unchanged"
    diag "status $status" "$(cat "$T/err")"
  fi
done
rm -rf "$T/bad"
$MK bad "$T/bad" device
run_sb $(mark) --image "oci:$T/bad"
is "device nodes are skipped; the rest runs" "$(cat "$T/out")" ok
check "with a notice" grep -q "skipped 1 device node.*'dev/null'" "$T/err"
check "nothing was written through the symlink" [ ! -e /tmp/slipped.txt ]

# ---------------------------------------------------------------- podman's archives
if command -v podman >/dev/null && mkdir "$T/root" "$T/root/bin" "$T/root/etc" \
  && cp /bin/busybox "$T/root/bin/" && ln -s busybox "$T/root/bin/sh" \
  && echo 'root:x:0:0:root:/root:/bin/sh' >"$T/root/etc/passwd" \
  && tar -C "$T/root" -cf "$T/root.tar" . \
  && pod import --change 'CMD /bin/sh -c "echo from podman $FOO"' --change 'ENV FOO=bar' \
    "$T/root.tar" "sbtest-image-$$" >/dev/null 2>&1 \
  && pod save --format oci-archive -o "$T/p-oci.tar" "sbtest-image-$$" >/dev/null 2>&1 \
  && pod save --format docker-archive -o "$T/p-docker.tar" "sbtest-image-$$" >/dev/null 2>&1; then
  have_podman=yes
else
  have_podman=
fi
pod rmi "sbtest-image-$$" >/dev/null 2>&1
# rootless podman leaves its pause process: the test's own, so the test ends it
# (only when it carries this test's mark: a pause process of the user's own stays)
# The pid file may name another folder's or none: every podman process of this test left
# once the commands above have returned is a pause process (named "podman pause").
for p in $( { cat "$podman_pid" 2>/dev/null; pgrep -x 'podman|podman pause'; } | sort -u); do
  tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "SBTEST_MARK=$SBTEST_MARK" \
    && kill "$p"
done
for ref in "oci-archive:$T/p-oci.tar" "docker-archive:$T/p-docker.tar:sbtest-image-$$"; do
  for e in kernel fuse; do
    if [ -z "$have_podman" ]; then
      skip "$ref ($e)" "podman import/save failed here"
    elif ! echo "$engines" | grep -qw "$e"; then
      skip "$ref ($e)" "fuse-overlayfs or /dev/fuse"
    else
      run_sb $(mark) --overlay "$e" --image "$ref"
      is "podman's ${ref%%:*} runs ($e)" "$(cat "$T/out")" "from podman bar"
    fi
  done
done

assert_clean
done_testing
