#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Class 4 (data a sandbox wrote) and confidentiality: root inside (--uid 0) replaces, locks
# and chowns the package managers' files the caller cannot read (src/unreadable.c makes
# them fresh in the upper layer).  What it must not do: show their host content, write to
# the host, or follow a symlink a sandbox planted in a --persist folder when it makes them.
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-unreadable.XXXXXX") && W=$(cd "$W" && pwd)
cleanup() {
  rm_subids "$W/p"
  rm -rf "$W"
}
at_exit cleanup
mkdir -p "$W/victim" "$W/proj"
cd "$W/proj" || exit 1

plan 6

if ! { [ -r /dev/fuse ] && [ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null; }; then
  for i in 1 2 3 4 5 6; do skip "fuse: root inside" "/dev/fuse not usable by users or fuse-overlayfs missing"; done
  exit 0
fi
# a host file with content that the caller cannot read, in the list's folders
secret=
for f in /etc/shadow /etc/gshadow /var/log/apt/term.log; do
  if [ -s "$f" ] && [ ! -r "$f" ]; then secret=$f; break; fi
done
host() { stat -c '%s %Y %a %u %g' /var/lib/dpkg/lock /etc/.pwd.lock ${secret:+"$secret"} 2>&1; }
before=$(host)

run_sb --uid 0 -- sh -c "echo x >/var/lib/dpkg/lock && cat /var/lib/dpkg/lock && chown 1:1 /etc/.pwd.lock && echo y"
is "root inside writes dpkg's lock and chowns /etc/.pwd.lock" "$status $(tr '\n' ' ' <"$T/out")" "0 x y "
if [ -n "$secret" ]; then
  run_sb --uid 0 -- sh -c "wc -c <$secret; cat $secret >/dev/null && echo readable"
  is "$secret: its host content stays out (an empty file inside)" "$status $(tr '\n' ' ' <"$T/out")" "0 0 readable "
else skip "a host file the caller cannot read stays unread" "no unreadable non-empty file in /etc or /var/log/apt"; fi
# /root is not in the list: it stays closed, even to root inside
if [ -d /root ] && ! ls /root >/dev/null 2>&1; then
  run_sb --uid 0 -- ls -A /root
  check "/root, closed to the caller, shows none of its entries inside" [ ! -s "$T/out" ]
else skip "/root, closed to the caller, shows none of its entries inside" "/root is readable here"; fi
is "the host's files are unchanged" "$(host)" "$before"

# a --persist folder whose upper/var (made by an earlier run) is a symlink to a host folder
mkdir -p "$W/p/upper" "$W/p/work"
echo fuse >"$W/p/engine"
ln -s "$W/victim" "$W/p/upper/var"
run_sb --uid 0 --overlay fuse --persist "$W/p" -- true
is "a planted upper/var symlink: nothing is made in the host folder" "$(ls -A "$W/victim")" ""
assert_clean
done_testing
