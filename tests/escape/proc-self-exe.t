#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# runc CVE-2019-5736: the container overwrote the host's runtime binary through
# /proc/self/exe (of a runtime process that entered it).  Our pid 1 is the launcher's own
# binary: neither it, through /proc/1/exe or /proc/1/fd, nor the installed file may be
# writable from inside, as root inside or with CAP_SYS_PTRACE.
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-exe.XXXXXX")
at_exit 'rm -rf "$W" "$T"'
# a copy of the launcher and its helpers, writable by the test user as a build tree's is
cp "$SANDBOX" "$(dirname "$SANDBOX")/sandbox-seccomp" "$(dirname "$SANDBOX")/sandbox-procviews" "$W/"
sum=$(cksum <"$W/sandbox")
cd "$W" || exit 1
mkdir proj && cd proj || exit 1

plan 7

try='for f in /proc/1/exe /proc/1/fd/*; do (exec 3>>"$f") 2>/dev/null && echo "opened $f"; done
     (exec 3>>/proc/1/exe) 2>/dev/null || echo refused'
for args in "" "--uid 0" "--uid 0 --cap-add SYS_PTRACE" "--cap-add ALL --seccomp unconfined"; do
  # shellcheck disable=SC2086
  status=0
  "$W/sandbox" $args -- sh -c "$try" >"$T/out" 2>"$T/err" </dev/null || status=$?
  is "/proc/1/exe and pid 1's fds are not writable (${args:-default})" "$status $(cat "$T/out")" "0 refused"
done
"$W/sandbox" --uid 0 -- sh -c "echo x >>'$W/sandbox'" 2>/dev/null
is "the launcher's file on the host is unchanged after a write inside" "$(cksum <"$W/sandbox")" "$sum"
"$W/sandbox" --uid 0 -- sh -c 'cat /proc/self/exe >/dev/null && readlink /proc/1/exe' >"$T/out" 2>&1
check "pid 1's exe is not even readable" test "$(cat "$T/out")" != "$W/sandbox"
assert_clean
