#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# mounts.t: --rootfs, --layer order, --bind/--ro-bind/--tmpfs/--mask, --home private, the
# kernel's masked files, --read-only, destinations resolved inside the new root (a symlink to
# / in a layer does not lead out), and the exact lines of bad inputs.
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/mounts.XXXXXX")
H=$HOME/.sbtest-mounts.$$
at_exit 'rm -rf "$W" "$H"'
mkdir -p "$W/proj" "$W/rw" "$W/ro" "$H"
echo hostfile >"$H/f"
echo secret >"$W/secret"
cd "$W/proj" || exit 1

if [ -r /dev/fuse ] && [ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null; then
  engines="kernel fuse"
else
  engines="kernel"
fi

# a small root: /bin/sh and the libraries it needs
R=$W/rootfs
mkdir -p "$R/bin"
cp -L /bin/sh "$R/bin/sh"
for lib in $(ldd /bin/sh | awk '/\//{print ($3 ~ /^\//) ? $3 : $1}'); do
  mkdir -p "$R$(dirname "$lib")"
  cp -L "$lib" "$R$lib"
done
# layers: the later one is on top; L1 also brings a new top-level folder
mkdir -p "$W/L1/opt/sbl" "$W/L2/opt/sbl" "$W/L1/sbltop" "$W/L3/opt"
echo 1 >"$W/L1/opt/sbl/v"
echo 2 >"$W/L2/opt/sbl/v"
echo top >"$W/L1/sbltop/v"
ln -s / "$W/L3/opt/sbesc"
# an empty top-level folder (the kernel engine makes it without an overlay)
mkdir -p "$W/L4/sbempty"

plan 42

for e in kernel fuse; do
  case " $engines " in
  *" $e "*) ;;
  *)
    for i in 1 2 3 4 5 6 7 8; do skip "$e: engine" "/dev/fuse not usable by users or fuse-overlayfs missing"; done
    continue
    ;;
  esac
  run_sb --overlay "$e" --rootfs "$R" -- /bin/sh -c 'echo hi >/x; read l </x; echo $l; echo out >built; test -e /usr || echo small'
  is "$e: --rootfs: a small tree, copy-on-write" "$(cat "$T/out")" "hi
small"
  check "$e: --rootfs: the tree is unchanged, the build output kept" test ! -e "$R/x" -a -f "$W/proj/built"
  rm -f "$W/proj/built"
  run_sb --overlay "$e" --layer "$W/L1" --layer "$W/L2" -- sh -c 'cat /opt/sbl/v /sbltop/v'
  is "$e: --layer: the last one given is on top" "$(cat "$T/out")" "2
top"
  run_sb --overlay "$e" --layer "$W/L2" --layer "$W/L1" -- cat /opt/sbl/v
  is "$e: --layer: in the other order" "$(cat "$T/out")" 1
  # the link points at the host's / when read from outside; inside it means the sandbox's /
  run_sb --overlay "$e" --layer "$W/L3" --tmpfs "/opt/sbesc$H" -- ls -A "$H"
  is "$e: a destination through a layer's symlink to / stays inside" "$status:$(cat "$T/out")" "0:"
  check "$e: ... and the host folder is untouched" grep -qx hostfile "$H/f"
  run_sb --overlay "$e" --layer "$W/L4" -- sh -c 'echo w >/sbempty/f && cat /sbempty/f && stat -c %u /sbempty'
  is "$e: an empty folder is writable, the layer's owner's" "$status $(cat "$T/out")" "0 w
$(id -u)"
  check "$e: ... and the layer stays empty" [ -z "$(ls -A "$W/L4/sbempty")" ]
done

run_sb --bind "$W/rw" --ro-bind "$W/ro" --bind "$W/rw:/tmp/in/rw" -- sh -c \
  "echo x >$W/rw/a && $PROBE write $W/ro/b && cat /tmp/in/rw/a"
is "--bind is writable, --ro-bind is not, SRC:DST is created on /tmp" "$(cat "$T/out")" "EROFS
x"
check "... and the write reached the host" grep -qx x "$W/rw/a"
run_sb --tmpfs /opt -- ls -A /opt
is "--tmpfs: an empty folder" "$status:$(cat "$T/out")" "0:"
run_sb --mask "$W/secret" --mask "$H" -- sh -c \
  "cat $W/secret || echo unreadable; stat -c %a:%s $W/secret; ls -A $H || echo hidden"
is "--mask: a file and a folder, empty and unreadable" "$(cat "$T/out")" "unreadable
0:0
hidden"
run_sb --bind-try /nonexistent --ro-bind-try "$W/ro" -- "$PROBE" write "$W/ro/x"
is "--bind-try skips a missing source, --ro-bind-try binds one that exists" "$status:$(cat "$T/out")" "0:EROFS"
run_sb --whitelist "$H" --no-bind-cwd -- sh -c "ls -A \"\$HOME\"; cat $H/f; echo w >$H/w"
is "--whitelist: only that path of the home, read-write" "$(cat "$T/out")" "${H#"$HOME"/}
hostfile"
check "... and the write reached the host" grep -qx w "$H/w"
run_sb --home host --no-bind-cwd -- sh -c "echo h >$H/h"
check "--home host: the real home, read-write" grep -qx h "$H/h"
run_sb --no-bind-cwd -- sh -c "echo c >$H/c"
check "the default home is copy-on-write" test ! -e "$H/c"
run_sb --home private --no-bind-cwd -- sh -c 'ls -A "$HOME"; stat -c %u "$HOME"'
is "--home private: an empty home of our own" "$(cat "$T/out")" "$(id -u)"
run_sb -- sh -c 'stat -c %a:%s /proc/keys; grep " /proc/sys " /proc/self/mountinfo | cut -d" " -f6 | cut -d, -f1'
is "/proc/keys is masked and /proc/sys read-only" "$(cat "$T/out")" "0:0
ro"
run_sb --read-only -- "$PROBE" write "$H/new"
is "--read-only: nothing is writable" "$(cat "$T/out")" EROFS
(cd "$HOME" && "$SANDBOX" -- true) 2>"$T/err"
is "the home as working directory, nothing changed there: no notice (tests/rough.t)" "$(cat "$T/err")" ""
(cd "$HOME" && "$SANDBOX" --no-bind-cwd -- true) 2>"$T/err"
is "--no-bind-cwd: no notice" "$(cat "$T/err")" ""

# bad inputs: one line, exit 125
bad() {
  _desc=$1 _want=$2
  shift 2
  run_sb "$@" -- true
  is "$_desc" "$status $(cat "$T/err")" "125 sandbox: $_want"
}
bad "an unknown engine" "--overlay 'bogus': expected auto, kernel, fuse or none" --overlay bogus
bad "a missing bind source" "--bind '/nonexistent': No such file or directory" --bind /nonexistent
run_sb --bind "$W/rw:/sbnew/x" --tmpfs /sbnew/t -- sh -c 'cat /sbnew/x/a; ls -A /sbnew/t'
is "missing destinations are made in the writable layer" "$status:$(cat "$T/out")" "0:x"
bad "a missing destination on a read-only tree" \
  "--bind '$W/rw:/nonexistent/x': the destination '/nonexistent/x' is missing, and it would be on a read-only mount; make it in a --layer, or bind below /tmp" \
  --read-only --bind "$W/rw:/nonexistent/x"
bad "a relative destination" \
  "--ro-bind '$W/rw:x': the destination must be an absolute path without '.' or '..'" \
  --ro-bind "$W/rw:x"
bad "a --tmpfs with '..'" "--tmpfs '/opt/../etc': expected an absolute path without '.' or '..'" \
  --tmpfs /opt/../etc
bad "a missing --rootfs" "--rootfs '/nonexistent': No such file or directory" --rootfs /nonexistent
bad "a --layer that is a file" "--layer '$W/secret': Not a directory" --layer "$W/secret"
bad "--persist with --read-only" "--persist: has no upper layer to keep with --read-only" \
  --read-only --persist "$W/p"
status=0
PATH=/nonexistent "$SANDBOX" --overlay fuse -- /bin/true 2>"$T/err" || status=$?
is "fuse-overlayfs missing" "$status $(cat "$T/err")" \
  "125 sandbox: fuse-overlayfs not found: install the fuse-overlayfs package (or use --overlay kernel)"
check "nothing was made for the refused --persist" test ! -e "$W/p"
assert_clean
