#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# runc CVE-2025-31133 / CVE-2025-52565 / CVE-2026-41579: an image whose /dev, /dev/null,
# /dev/console or a masked path is a symlink aims the runtime's mounts (and, before the
# pivot, its writes) at the host.  Our /dev, /proc, /sys, /tmp and /run are fresh file
# systems on folders that must not be symlinks; /dev's nodes are made on that fresh tmpfs;
# a mask binds an empty file of our own, never one of the image.
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-rootdev.XXXXXX")
at_exit 'rm -rf "$W" "$T"'
mkdir -p "$W/victim" "$W/proj"
echo secret >"$W/victim/secret"
cd "$W/proj" || exit 1

# a small root: /bin/sh and the libraries it needs
small_root() {
  mkdir -p "$1/bin" "$1/etc"
  cp -L /bin/sh "$1/bin/sh"
  for lib in $(ldd /bin/sh | awk '/\//{print ($3 ~ /^\//) ? $3 : $1}'); do
    mkdir -p "$1$(dirname "$lib")"
    cp -L "$lib" "$1$lib"
  done
}

plan 9

intact() { [ "$(ls -A "$W/victim")" = secret ] && [ "$(cat "$W/victim/secret")" = secret ]; }
for d in dev proc tmp; do
  R=$W/root-$d
  small_root "$R"
  ln -s "$W/victim" "$R/$d"
  run_sb --rootfs "$R" -- /bin/sh -c 'echo x >/dev/null'
  is "a rootfs whose /$d is a symlink: refused in one line" "$status $(cat "$T/err")" \
    "125 sandbox: the new root's '/$d' is not a folder (a symlink?): it gets a fresh file system, and a link could aim it elsewhere"
  check "... the host folder is untouched" intact
done
R=$W/root-null
small_root "$R"
mkdir -p "$R/dev"
ln -s "$W/victim/secret" "$R/dev/null"
ln -s /etc/masked "$R/masked"
echo data >"$R/etc/masked"
run_sb --rootfs "$R" --mask /masked -- /bin/sh -c 'echo x >/dev/null; read l </etc/masked || echo hidden'
is "a rootfs whose /dev/null links out; a mask through a link" "$status $(cat "$T/out")" "0 hidden"
check "... the host file is untouched" intact
assert_clean
