#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Escape class: pid 1 traced by the command (issue 12, class 6).  pid 1 holds every
# capability of the sandbox's user namespace and no seccomp filter: a command that seized
# it (with --cap-add SYS_PTRACE) could act as it.  pid 1 must be out of reach from the
# command's first instruction.  The race is run many times: before the fix 3 to 14 % of the
# runs seized pid 1 (it made itself undumpable only once the command's execve had begun).
. "${srcdir:?}/tests/lib.sh"
plan 6
# how many of $1 commands seized pid 1: in $seized, since the loop prints its progress
race() {
  runs=$1 n=0 i=0
  shift
  while [ $i -lt $runs ]; do
    progress "run $i of $runs"
    [ "$("$SB_TIMEOUT" -k 5 "$SB_STEP_LIMIT" "$SANDBOX" "$@" -- "$PROBE" seize 2 2>&1)" = seized ] && n=$((n + 1))
    i=$((i + 1))
  done
  seized=$n
}
race 200 --cap-add SYS_PTRACE
is "--cap-add SYS_PTRACE: no command seized pid 1 in 200 runs" "$seized" 0
race 50 --uid 0 --cap-add SYS_PTRACE
is "--uid 0 --cap-add SYS_PTRACE: none in 50 runs" "$seized" 0
# long after the start, pid 1's files stay closed to the command too
is "PTRACE_SEIZE of pid 1 later: EPERM" \
  "$("$SANDBOX" --cap-add SYS_PTRACE -- sh -c "sleep 0.1; exec '$PROBE' seize 10" 2>&1)" EPERM
is "pid 1's environ cannot be read" \
  "$("$SANDBOX" --uid 0 --cap-add ALL -- sh -c 'cat /proc/1/environ >/dev/null 2>&1 && echo read || echo closed')" closed
is "pid 1's namespaces cannot be opened" \
  "$("$SANDBOX" --uid 0 --cap-add ALL -- sh -c 'readlink /proc/1/ns/user >/dev/null 2>&1 && echo open || echo closed')" closed
assert_clean
done_testing
