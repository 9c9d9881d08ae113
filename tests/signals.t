#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Signals sent to the launcher reach the command; the launcher exits with its status.
. "${srcdir:?}/tests/lib.sh"
sigs="TERM INT HUP QUIT USR1 USR2 WINCH"
plan 9
for s in $sigs; do
  # a shell's background job ignores INT and QUIT: give the launcher default dispositions
  env --default-signal "$SANDBOX" "$PROBE" sig >"$T/sig.$s" 2>&1 &
  pid=$!
  wait_for 50 grep -q ready "$T/sig.$s"
  kill -s "$s" "$pid"
  wait "$pid"; st=$?
  is "SIG$s is forwarded to the command" "$(tail -n1 "$T/sig.$s") $st" "$s 0"
done
env --default-signal "$SANDBOX" sh -c 'echo ready; exec sleep 100' >"$T/sig.sleep" 2>&1 &
pid=$!
wait_for 50 grep -q ready "$T/sig.sleep"
kill -TERM "$pid"; wait "$pid"; st=$?
is "a command killed by a forwarded SIGTERM: status 143" "$st" 143
assert_clean
done_testing
