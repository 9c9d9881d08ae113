#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The read-only root (--read-only): the host's tree read-only, private /tmp and /run, a
# minimal /dev.  The copy-on-write root is in overlay.t and mounts.t.
. "${srcdir:?}/tests/lib.sh"
plan 12
echo secret >"$T/marker"
run_sb -- cat "$T/marker"
check "the host's /tmp is not visible" [ "$status" -ne 0 ]
run_sb --read-only -- "$PROBE" write /newfile
is "writing to / fails with EROFS" "$(cat "$T/out")" EROFS
run_sb --read-only -- "$PROBE" write "$HOME/newfile"
is "the home folder is read-only too" "$(cat "$T/out")" EROFS
run_sb -- "$PROBE" write /tmp/newfile
is "/tmp inside is writable" "$(cat "$T/out")" ok
run_sb -- "$PROBE" write /run/newfile
is "/run inside is writable" "$(cat "$T/out")" ok
run_sb -- ls /dev
is "a minimal /dev" "$(tr '\n' ' ' <"$T/out")" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero "
run_sb -- sh -c 'echo x >/dev/null && head -c4 /dev/zero | od -An -tx1'
is "/dev/null and /dev/zero work" "$(tr -d ' \n' <"$T/out")" 00000000
run_sb -- sh -c 'ls /dev/pts'
is "/dev/pts is a new instance with no host terminals" "$(cat "$T/out")" ptmx
run_sb -- cut -d" " -f1 /proc/self/stat
is "/proc belongs to the new pid namespace" "$(cat "$T/out")" 2
st=$(cd "$srcdir" && "$SANDBOX" pwd)
is "the working directory is kept" "$st" "$(cd "$srcdir" && pwd -P)"
st=$(cd "$T" && "$SANDBOX" --read-only pwd)
is "a working directory missing inside becomes /" "$st" /
run_sb --chdir /usr -- pwd
is "--chdir sets it" "$(cat "$T/out")" /usr
done_testing
