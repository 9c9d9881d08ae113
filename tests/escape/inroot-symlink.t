#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Paths inside the new root: every path pid 1 opens or makes there is resolved inside it.
# A --rootfs or --layer whose /etc/hosts was a dangling absolute symlink made pid 1 create
# folders on the host before pivot_root (net.c made the link's parents with a plain
# mkdirat, which followed a second link out).  Bind and tmpfs destinations, masks and the
# generated /etc files all go through one module (inroot.c).
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-inroot.XXXXXX")
at_exit 'rm -rf "$W" "$T"'
mkdir -p "$W/victim" "$W/proj" "$W/src"
echo src >"$W/src/f"
cd "$W/proj" || exit 1

# a small root: /bin/sh and the libraries it needs
R=$W/rootfs
mkdir -p "$R/bin" "$R/etc"
cp -L /bin/sh "$R/bin/sh"
for lib in $(ldd /bin/sh | awk '/\//{print ($3 ~ /^\//) ? $3 : $1}'); do
  mkdir -p "$R$(dirname "$lib")"
  cp -L "$lib" "$R$lib"
done
# /etc/hosts dangles into /sbesc/made/, and /sbesc leads to the host's victim folder
ln -s /sbesc/made/hosts "$R/etc/hosts"
ln -s "$W/victim" "$R/sbesc"
# the same in a layer over the host's tree, and destinations through such links
L=$W/layer
mkdir -p "$L/etc" "$L/opt"
ln -s /sbesc2/made/hosts "$L/etc/hosts"
ln -s "$W/victim" "$L/sbesc2"
ln -s "$W/victim/dst" "$L/opt/dst"

plan 8

victim_empty() { [ -z "$(ls -A "$W/victim")" ]; }
run_sb --rootfs "$R" -- /bin/sh -c 'read l </etc/hosts; echo "$l"'
is "--rootfs: /etc/hosts dangling through a link out: made inside" "$status $(cat "$T/out")" \
  "0 # sandbox: its host name"
check "... nothing was made on the host" victim_empty
run_sb --layer "$L" -- sh -c 'grep -c 127.0.1.1 /etc/hosts'
is "--layer: the same" "$status $(cat "$T/out")" "0 1"
check "... nothing was made on the host" victim_empty
run_sb --layer "$L" --bind "$W/src:/opt/dst" --tmpfs /sbesc2/t -- sh -c 'cat /opt/dst/f'
is "a bind destination through a layer's link out: made and mounted inside" "$status $(cat "$T/out")" "0 src"
check "... nothing was made on the host" victim_empty
run_sb --layer "$L" --mask /opt/dst/f -- true
is "a mask through such a link: nothing to hide, nothing made" "$status" 0
assert_clean
