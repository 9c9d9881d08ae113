#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/state.t: what must be on disk while a sandbox starts (the D-Bus proxy's sockets,
# slirp4netns's API socket) sits in the launcher's own folder, $XDG_RUNTIME_DIR/sandbox/
# run-PIDNS-PID-START.  A start removes the folders of launchers that are gone (pid and start
# time: a pid alone may be another process's by now), never a live one's, and what older
# versions left (sandbox-dbus.XXXXXX, sandbox-net.XXXXXX) when nothing uses it.
. "${srcdir:?}/tests/lib.sh"
plan 19

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
S=$XDG_RUNTIME_DIR/sandbox
pidns=$(stat -L -c %i /proc/self/ns/pid)

# ---------------------------------------------------------------- a running launcher's folder
free_port() {
  _p=$(( 20000 + ($$ * 13 + 7) % 30000 ))
  while [ "$("$PROBE" connect 127.0.0.1 "$_p")" != ECONNREFUSED ]; do _p=$((_p + 1)); done
  echo "$_p"
}
PUB=$(free_port)
sb_start "$T/srv" --net slirp --publish "$PUB:80" -- sh -c 'echo ready; exec sleep 60'
L=$sb_pid
wait_for 300 grep -q ready "$T/srv"
# every launcher has a folder and a name (named.c): a link to the folder
is "a launcher has one folder, named after it, and its name" "$(ls "$S" | grep -c '^run-')" 1
is "the folder is named after the launcher" "$(ls "$S" | grep '^run-')" \
  "run-$pidns-$L-$(start_of "$L")"
is "slirp4netns's API socket is gone once the ports are added" "$(ls -A "$S"/run-* | grep -v '^seccomp.bpf$')" "state.json"
run_sb -- true
is "another start leaves a live launcher's folder alone" "$(ls "$S" | grep '^run-')" \
  "run-$pidns-$L-$(start_of "$L")"
kill -KILL "$L"
sb_wait "$L" >/dev/null 2>&1
is "a killed launcher leaves it, and its name" "$(ls "$S" | wc -l)" 2
run_sb -- true
is "the next start removes it" "$(ls -A "$S")" ""

# ---------------------------------------------------------------- dead and live owners
me=$(start_of $$)
mkdir -p "$S/run-$pidns-$$-$me" "$S/run-$pidns-$$-$((me + 1))/dbus" \
  "$S/run-$pidns-4194302-$me" "$S/run-1-1-1" "$S/run-$pidns-$$-0$me" "$S/seccomp"
touch "$S/run-$pidns-4194302-$me/slirp.sock" "$S/run-$pidns-$$-$((me + 1))/dbus/bus" \
  "$T/outside"
ln -s "$T/outside" "$S/run-$pidns-$$-$((me + 1))/dbus/link"
ln -s "$T" "$S/run-$pidns-$$-$((me + 1))/escape"
run_sb -- true
check "a folder whose pid runs with its start time stays" test -d "$S/run-$pidns-$$-$me"
check "the same pid with another start time is gone (the pid was reused)" \
  test ! -e "$S/run-$pidns-$$-$((me + 1))"
check "a pid that runs no more: gone" test ! -e "$S/run-$pidns-4194302-$me"
check "another pid namespace's folder stays (its numbers mean nothing here)" test -d "$S/run-1-1-1"
check "names not spelt as ours stay" sh -c 'test -d "$1" && test -d "$2"' - \
  "$S/run-$pidns-$$-0$me" "$S/seccomp"
check "links in a dead folder are removed, never followed" sh -c \
  'test -f "$1/outside" && test -d "$1/xdg"' - "$T"

# ---------------------------------------------------------------- older versions' folders
B=$XDG_RUNTIME_DIR
# a socket nobody listens on any more: its proxy died with its launcher
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
  "$(mkdir -m 0700 "$B/sandbox-dbus.Dead01" && echo "$B/sandbox-dbus.Dead01/bus")"
# a live one: an old launcher between its proxy's start and its sandbox's bind
mkdir -m 0700 "$B/sandbox-dbus.Live01"
python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); print("ready", flush=True); time.sleep(60)' \
  "$B/sandbox-dbus.Live01/bus" >"$T/live" &
live=$!
wait_for 100 grep -q ready "$T/live"
mkdir -m 0700 "$B/sandbox-net.Old001" "$B/sandbox-dbus.New001" "$B/sandbox-dbus.Mine01"
touch -d '2 minutes ago' "$B/sandbox-net.Old001"
touch "$B/sandbox-dbus.Mine01/notes"
touch -d '2 minutes ago' "$B/sandbox-dbus.Mine01"
ln -s "$T" "$B/sandbox-net.Link01"
run_sb -- true
check "an old proxy folder whose socket nobody answers: removed" test ! -e "$B/sandbox-dbus.Dead01"
check "an old empty folder, minutes old: removed" test ! -e "$B/sandbox-net.Old001"
check "one with a live proxy stays" test -S "$B/sandbox-dbus.Live01/bus"
check "an empty one just made stays (its launcher may be about to use it)" \
  test -d "$B/sandbox-dbus.New001"
check "one holding what no version made stays, and a link" sh -c \
  'test -f "$1/sandbox-dbus.Mine01/notes" && test -L "$1/sandbox-net.Link01"' - "$B"
# a socket's path has 107 bytes at most: say so before anything starts
long=$T/$(printf '%090d' 0)
mkdir -p "$long"
XDG_RUNTIME_DIR= TMPDIR=$long run_sb --net slirp --publish "$PUB:80" -- true
check "a state folder too deep for slirp4netns's socket: one line, 125" sh -c \
  '[ "$1" = 125 ] && [ "$(wc -l <"$2")" = 1 ] && grep -Eq "^sandbox: --publish: slirp4netns.s API socket in .$3/sandbox-[0-9]+/run-[0-9-]+. \(set a shorter TMPDIR or XDG_RUNTIME_DIR\): File name too long$" "$2"' \
  - "$status" "$T/err" "$long"
kill "$live"
rm -rf "$B"/sandbox-dbus.* "$B"/sandbox-net.* "$S"/run-*
assert_clean
done_testing
