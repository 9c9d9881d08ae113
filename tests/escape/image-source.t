#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Class: what a sandbox writes that a later start trusts, for images.  A layout run with
# --image oci:DIR is imported once (every blob verified); later starts whose source is
# unchanged (its index.json's device, inode, size and mtime) run the stored image.  A sandbox
# that may write DIR (here: its working directory) edits a blob in place, keeping index.json
# as it was: the next start must still run what was verified, never the planted bytes.
. "${srcdir:?}/tests/lib.sh"
XDG_DATA_HOME=$HOME/.sbtest-imgsrc.$$
export XDG_DATA_HOME
cleanup() {
  "$SANDBOX" --image-rm "oci:$T/img" >/dev/null 2>&1
  [ -d "$XDG_DATA_HOME" ] && "$SANDBOX" --overlay none --uid 0 --no-bind-cwd \
    --bind "$XDG_DATA_HOME" -- rm -rf "$XDG_DATA_HOME/sandbox" >/dev/null 2>&1
  rm -rf "$XDG_DATA_HOME" "$T"
}
at_exit cleanup
plan 3
if ! [ -x /bin/busybox ] || ! command -v python3 >/dev/null; then
  for i in 1 2 3; do skip "image source test $i" "busybox-static or python3 missing"; done
  exit 0
fi
python3 "$srcdir/tests/mkimage.py" base "$T/img" >/dev/null 2>&1
run_sb --image "oci:$T/img"
is "the layout runs its Cmd" "$(cat "$T/out")" "hello from the image"
# the sandbox edits the config blob in place, same length, index.json untouched
(cd "$T" && "$SANDBOX" -- sh -c 'for f in img/blobs/sha256/*; do
   grep -q "hello from the image" "$f" && sed -i "s/hello from the image/PLANTED BY A SANDBOX/" "$f"
 done; true' >/dev/null 2>&1)
check "the sandbox could write the layout" grep -rq "PLANTED BY A SANDBOX" "$T/img/blobs"
run_sb --image "oci:$T/img"
is "the next start runs the verified image, not the planted bytes" "$(cat "$T/out")" \
  "hello from the image"
done_testing
