#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Escape class: a descriptor of the caller's leaks in (runc CVE-2024-21626, "Leaky Vessels").
# An fd the caller left open on a folder of the host, inherited by the command, is a way out
# of any new root: openat() beneath it, or a working directory of /proc/self/fd/N.  Only 0-2
# and the fds named with --keep-fd reach the command.
. "${srcdir:?}/tests/lib.sh"
plan 9
mkdir "$T/host" && echo secret >"$T/host/marker" && echo kept >"$T/kept"
# fd 7: a folder of the host that the sandbox does not show ($T is under the host's /tmp)
exec 7<"$T/host"
is "a leaked folder fd is not in /proc/self/fd inside" "$("$SANDBOX" -- "$PROBE" fds 2>&1)" none
is "a leaked fd to / is not either" "$(exec 8</; "$SANDBOX" -- "$PROBE" fds 2>&1)" none
run_sb --chdir /proc/self/fd/7 -- cat marker
is "--chdir /proc/self/fd/N does not reach the leaked folder" "$(cat "$T/out")" ""
check "  and the sandbox says why, exit 125" [ "$status" -eq 125 ]
exec 7<&-
# --keep-fd passes one on purpose, and only that one
exec 5<"$T/kept" 6</
is "--keep-fd 5: fd 5 reaches the command, fd 6 does not" \
  "$("$SANDBOX" --keep-fd 5 -- "$PROBE" fds 2>&1 | sed 's/ ->.*//')" 5
is "  and reads what the caller opened" "$("$SANDBOX" --keep-fd 5 -- sh -c 'cat <&5' 2>&1)" kept
exec 5<&- 6<&-
exec 9<&-
run_sb --keep-fd 9 -- true
is "--keep-fd of a closed fd: one line, exit 125" "$status $(cat "$T/err")" \
  "125 sandbox: --keep-fd 9: not an open descriptor"
run_sb --keep-fd 2 -- true
is "--keep-fd 2: refused" "$status" 125
assert_clean
done_testing
