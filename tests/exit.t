#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Exit statuses and the environment of the command.
. "${srcdir:?}/tests/lib.sh"
plan 10
run_sb true;                     is "status 0" "$status" 0
run_sb sh -c 'exit 7';           is "status 7" "$status" 7
run_sb sh -c 'kill -9 $$';       is "killed by signal 9: 137" "$status" 137
run_sb sh -c 'kill -TERM $$';    is "killed by signal 15: 143" "$status" 143
run_sb sh -c 'exit 125';         is "the command's own 125 is passed on" "$status $(cat "$T/err")" "125 "
run_sb --setenv FOO 'a b' -- sh -c 'echo "$FOO"'
is "--setenv" "$(cat "$T/out")" "a b"
FOO=1 "$SANDBOX" --unsetenv FOO -- sh -c 'echo "${FOO-unset}"' >"$T/out" 2>&1
is "--unsetenv" "$(cat "$T/out")" unset
FOO=1 "$SANDBOX" --clearenv --setenv BAR 2 -- /usr/bin/env >"$T/out" 2>&1
is "--clearenv then --setenv" "$(cat "$T/out")" "BAR=2"
run_sb --setenv A 1 --setenv A 2 -- sh -c 'env | grep -c "^A="; echo $A'
is "a later --setenv replaces an earlier one" "$(tr '\n' ' ' <"$T/out")" "1 2 "
echo hello | "$SANDBOX" cat >"$T/out"
is "stdin and stdout pass through" "$(cat "$T/out")" hello
done_testing
