#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Nothing outlives the sandbox: not when the command ends, not after SIGKILL of the launcher.
. "${srcdir:?}/tests/lib.sh"
plan 5
mark=$$$(date +%N | cut -c1-4)
# the pattern [s]leep does not match the command lines that search for it
alive() { pgrep -u "$(id -u)" -f "[s]leep 9$mark" >/dev/null; }

"$SANDBOX" sh -c "sleep 9$mark & sleep 9$mark & echo started" >"$T/out" 2>&1
is "the command ends with background children" "$(cat "$T/out")" started
check "its children are gone when it ends" wait_for 10 sh -c "! pgrep -u $(id -u) -f '[s]leep 9$mark' >/dev/null"

"$SANDBOX" sh -c "sleep 9$mark & exec sleep 9$mark" >/dev/null 2>&1 &
pid=$!
check "the sandbox runs" wait_for 50 alive
kill -KILL "$pid"
check "after SIGKILL of the launcher every process is gone within a second" \
  wait_for 10 sh -c "! pgrep -u $(id -u) -f '[s]leep 9$mark' >/dev/null"
assert_clean
done_testing
