#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/escape/network-state.t: the CVE-2022-31214 class on --network NET (src/network.c):
# a member must never land in a network that NET's holder did not make.  A sandbox that can
# write the per-user folder plants a socket for NET and serves it from inside (its own user
# and network namespaces, which it controls): a member refuses that holder, and its command
# never runs.  A networks/NET that is a link or not private is refused too.
. "${srcdir:?}/tests/lib.sh"
plan 7

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR" "$T/xdg2"
N=$XDG_RUNTIME_DIR/sandbox/networks
mkdir -m 0700 "$XDG_RUNTIME_DIR/sandbox" "$N" "$N/evil"
at_exit '"$SANDBOX" --stop --all --timeout 1 >/dev/null 2>&1; XDG_RUNTIME_DIR=$T/xdg2 "$SANDBOX" --stop --all --timeout 1 >/dev/null 2>&1'

# the fake holder: accepts members, answers nothing
cat >"$T/fake.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(sys.argv[1])
s.listen(8)
open(sys.argv[2], "w").close()
conns = []
while True:
    conns.append(s.accept()[0])
PY
# (the launcher refuses to bind its own session folder read-write: the planter's launcher
# has another one, as a sandbox started from another session would)
XDG_RUNTIME_DIR=$T/xdg2 run_sb -d --name planter --bind "$N" --bind "$T" -- python3 "$T/fake.py" "$N/evil/sock" "$T/ready"
is "a sandbox that can write the networks folder starts" "$status" 0
check "and serves a planted socket for network evil" wait_for 100 test -S "$N/evil/sock"

run_sb --network evil -- touch "$T/ran"
check "a member refuses a holder inside a sandbox: one line" \
  grep -q "^sandbox: --network 'evil': its holder (pid [0-9]*) is not a process of yours outside the sandboxes$" "$T/err"
check "with 125, and its command never runs" sh -c '[ "$1" -eq 125 ] && [ ! -e "$2" ]' - "$status" "$T/ran"

# a link for the folder, and a folder others may enter
mkdir -m 0700 "$T/elsewhere"
ln -s "$T/elsewhere" "$N/linked"
run_sb --network linked -- touch "$T/ran"
check "a link for networks/NET is refused" sh -c '[ "$1" -eq 125 ] && [ ! -e "$2" ] && [ ! -e "$3/sock" ]' - "$status" "$T/ran" "$T/elsewhere"
mkdir -m 0755 "$N/open"
run_sb --network open -- touch "$T/ran"
check "a networks/NET that is not private is refused" sh -c '[ "$1" -eq 125 ] && [ ! -e "$2" ] && grep -q "not a private folder of yours" "$3"' - "$status" "$T/ran" "$T/err" || diag "$(cat "$T/err")"

XDG_RUNTIME_DIR=$T/xdg2 "$SANDBOX" --stop planter --timeout 2 >/dev/null 2>&1
rm -rf "$N/evil" "$N/linked" "$N/open"
assert_clean
