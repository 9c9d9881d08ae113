#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Our own pid 1: the command is pid 2, sees no host process, and orphans are reaped.
. "${srcdir:?}/tests/lib.sh"
plan 5
run_sb -- "$PROBE" pid
is "the command is pid 2, its parent our pid 1" "$(cat "$T/out")" "2 1"
run_sb -- ls /proc
is "no host process is visible: only pid 1 and ls" "$(grep '^[0-9]' "$T/out" | tr '\n' ' ')" "1 2 "
run_sb -- cat /proc/1/cmdline
check "pid 1 is the sandbox's own init" grep -q "sandbox" "$T/out"
# orphans re-parent to pid 1, which must reap them while the command runs on
run_sb -- sh -c "\"$PROBE\" orphans 5; i=0; while [ \"\$(\"$PROBE\" zombies)\" != 0 ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i+1)); done; \"$PROBE\" zombies"
is "zombies left by orphans are reaped" "$(cat "$T/out")" 0
assert_clean
done_testing
