#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Class 4: everything in a --persist folder is data a sandbox wrote.  A symlink planted in
# DIR/upper (by a --rootfs run, whose one overlay writes upper/ as the sandbox's /) made a
# later run's upper layer a host folder: writes landed there and it was chmod-ed.  Nothing in
# the folder is followed; upper and work reach the overlay by fd.
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-persist.XXXXXX")
# fuse-overlayfs runs make upper/home owned by a subordinate id, which only root inside
# may remove (the folder stayed, in the home when the tree is under /tmp)
at_exit 'rm_subids "$W"; rm -rf "$W" "$T"'
mkdir -p "$W/victim" "$W/proj"
chmod 700 "$W/victim"
cd "$W/proj" || exit 1

plan 12

victim_intact() { [ -z "$(ls -A "$W/victim")" ] && [ "$(stat -c %a "$W/victim")" = 700 ]; }

for e in kernel fuse; do
  if [ "$e" = fuse ] && ! { [ -r /dev/fuse ] && [ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null; }; then
    for i in 1 2 3 4; do skip "fuse: engine" "/dev/fuse not usable by users or fuse-overlayfs missing"; done
    continue
  fi
  # a top-level folder of the upper layer is a symlink to a host folder
  P=$W/p-$e-1
  mkdir -p "$P/upper" "$P/work"
  ln -s "$W/victim" "$P/upper/opt"
  run_sb --overlay "$e" --persist "$P" -- sh -c 'echo pwned >/opt/pwned; chmod 1777 /opt'
  check "$e: upper/opt planted as a symlink: the host folder is untouched" victim_intact
  # upper itself is the symlink
  P=$W/p-$e-2
  mkdir -p "$P/work"
  ln -s "$W/victim" "$P/upper"
  run_sb --overlay "$e" --persist "$P" -- sh -c 'echo pwned >/pwned'
  is "$e: upper planted as a symlink: refused" "$status" 125
  check "... the host folder is untouched" victim_intact
  # work planted as a symlink
  P=$W/p-$e-3
  mkdir -p "$P/upper"
  ln -s "$W/victim" "$P/work"
  run_sb --overlay "$e" --persist "$P" -- sh -c 'echo pwned >"$HOME/pwned"'
  check "$e: work planted as a symlink: the host folder is untouched" victim_intact
done
# a folder on the way to the working directory is a symlink in upper: the kernel engine
# makes the folders on the way whose owner is not mapped in upper before it mounts, and
# made them through the link (mkdirat of "share/doc")
D=$(find /usr/share/doc -mindepth 1 -maxdepth 1 -type d | head -n 1)
P=$W/p-kernel-cwd
mkdir -p "$P/upper/usr" "$P/work"
ln -s "$W/victim" "$P/upper/usr/share"
(cd "$D" && "$SB_TIMEOUT" -k 5 "$SB_STEP_LIMIT" "$SANDBOX" --overlay kernel --persist "$P" -- true >/dev/null 2>&1 </dev/null)
check "kernel: upper/usr/share planted as a symlink, run from $D: the host folder is untouched" \
  victim_intact
run_sb --overlay kernel --persist "$W/p-kernel-1" -- true
is "the kernel engine says why in one line" "$(cat "$T/err")" \
  "sandbox: --persist '$W/p-kernel-1': 'upper/opt' is not a folder (a run with another root made it); use a new folder"
P=$W/p-engine
mkdir -p "$P"
ln -s "$W/victim" "$P/engine"
run_sb --persist "$P" -- true
is "an engine record planted as a symlink is not followed" "$status $(cat "$T/err")" \
  "125 sandbox: --persist '$P': its engine record is not a file"
assert_clean
