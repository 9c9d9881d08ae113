#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rootinside.t: issue 14.  Every mode works under the default map (one id unless something
# inside can use others); a --rootfs owned by root runs from a folder under the home (its
# /home is root's); --overlay fuse with a --rootfs or --layer under /tmp.
. "${srcdir:?}/tests/lib.sh"
P=$HOME/.sbtest-rootinside.$$
D=$(mktemp -d /tmp/sbtest-rootinside.XXXXXX)
cleanup() { rm -rf "$P" "$D"; }
at_exit cleanup
mkdir -p "$P/proj"
fuse=no
if [ -r /dev/fuse ] && [ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null; then fuse=yes; fi

plan 14

# ---------------------------------------------------------------- the default map
cd "$P/proj" || exit 1
run_sb -- sh -c 'echo x >/var/tmp/f && cat /var/tmp/f && wc -l </proc/self/uid_map'
is "default: a one-id map, and /var/tmp is writable" "$(tr '\n' ' ' <"$T/out")" "x 1 "
if command -v slirp4netns >/dev/null; then
  run_sb --net slirp -- sh -c 'ip -o addr show tap0 | grep -c "inet "'
  is "--net slirp works by default" "$status $(cat "$T/out")" "0 1"
else skip "--net slirp works by default" "slirp4netns missing"; fi
if command -v pasta >/dev/null; then
  run_sb --net pasta -- sh -c 'wc -l </proc/self/uid_map'
  is "--net pasta works on the one-id map" "$status $(cat "$T/out")" "0 1"
else skip "--net pasta works on the one-id map" "pasta missing"; fi
if [ "$fuse" = yes ]; then
  run_sb --overlay fuse -- sh -c "echo in >$P/new && cat $P/new && echo y >/var/tmp/g && cat /var/tmp/g"
  is "--overlay fuse works by default" "$status $(tr '\n' ' ' <"$T/out")" "0 in y "
  check "... and leaves the host alone" test ! -e "$P/new"
else
  skip "--overlay fuse works by default" "fuse-overlayfs or /dev/fuse"
  skip "... and leaves the host alone" "fuse-overlayfs or /dev/fuse"
fi
run_sb -p browser -- sh -c 'wc -l </proc/self/uid_map'
is "-p browser works on the one-id map" "$status $(cat "$T/out")" "0 1"

# ---------------------------------------------------------------- --rootfs from the home
# a tree owned by root, as debootstrap leaves one (tests/setup makes it): its /home is
# root's, and the working directory and the home are made in it
R=/var/lib/sandbox-tests/rootfs
if [ -x "$R/bin/busybox" ] && [ "$(stat -c %u "$R/home")" = 0 ]; then
  for a in "" "--home private" "--uid 0" "--uid 0 --home private"; do
    # shellcheck disable=SC2086
    run_sb $a --rootfs "$R" -- /bin/sh -c 'pwd && echo made >f && test -d "$HOME" && echo home'
    is "--rootfs of root's tree from the home ${a:-(defaults)}" "$status $(tr '\n' ' ' <"$T/out")$(cat "$T/err")" \
      "0 $P/proj home "
  done
  check "... the working directory keeps what was made in it" grep -qx made "$P/proj/f"
else
  for i in 1 2 3 4 5; do skip "--rootfs of root's tree from the home" "tests/setup makes $R"; done
fi

# ---------------------------------------------------------------- fuse with lowers under /tmp
if [ "$fuse" = yes ]; then
  mkdir -p "$D/r/bin" "$D/r/proc" "$D/r/dev" "$D/r/sys" "$D/r/tmp" "$D/l/etc"
  cp /bin/busybox "$D/r/bin/" 2>/dev/null && ln -s busybox "$D/r/bin/sh"
  echo layer >"$D/l/etc/from-layer"
  cd / || exit 1
  run_sb --overlay fuse --rootfs "$D/r" --layer "$D/l" -- /bin/sh -c 'cat /etc/from-layer && echo x >/new && cat /new'
  is "--overlay fuse with a --rootfs and a --layer under /tmp" "$status $(tr '\n' ' ' <"$T/out")" "0 layer x "
  check "... the host's tree is unchanged" test ! -e "$D/r/new"
else
  skip "--overlay fuse with a --rootfs and a --layer under /tmp" "fuse-overlayfs or /dev/fuse"
  skip "... the host's tree is unchanged" "fuse-overlayfs or /dev/fuse"
fi
assert_clean
done_testing
