#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Class 2: the working directory is bound read-write only when it is an ordinary folder.
# From /tmp a sandbox drove the user's tmux server (its socket in /tmp/tmux-UID), from
# $XDG_RUNTIME_DIR it reached the session bus, from /dev/pts another terminal, from /proc the
# host's processes.  Such a folder is not bound (one notice); a --bind of one is refused.
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-cwd.XXXXXX")
mark=sbesc-cwd-$$
at_exit 'rm -rf "$W" "$T" "/tmp/$mark" "/var/tmp/$mark" "/dev/shm/$mark"'
mkdir -p "$W/sock" "$W/proj"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$W/sock/agent"

plan 19

# from DIR, the sandbox writes ./MARK; it must not reach the host's DIR
from() {
  _d=$1
  (cd "$_d" && "$SANDBOX" -- sh -c "echo x >./$mark" >/dev/null 2>"$T/err" </dev/null)
  check "from $_d: nothing written to the host's folder" test ! -e "$_d/$mark"
}
from /tmp
is "... one notice says why" "$(cat "$T/err")" \
  "sandbox: notice: the working directory '/tmp' is not bound: it is a system or session folder; its changes stay inside"
from /var/tmp
from /dev/shm
from "$W/sock"
is "... one notice says why" "$(cat "$T/err")" \
  "sandbox: notice: the working directory '$W/sock' is not bound: it holds a socket, which a server of your session may listen on; its changes stay inside"
(cd /proc && "$SANDBOX" -- sh -c 'ls /proc | grep -c "^[0-9]"' >"$T/out" 2>/dev/null)
check "from /proc: the sandbox's own processes only" [ "$(cat "$T/out")" -lt 10 ]
(cd /dev/pts && "$SANDBOX" -- ls /dev/pts >"$T/out" 2>/dev/null)
is "from /dev/pts: no host terminal" "$(cat "$T/out")" ptmx
if [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ]; then
  from "$XDG_RUNTIME_DIR"
else
  skip "from \$XDG_RUNTIME_DIR" "no XDG_RUNTIME_DIR in this session"
fi
(cd / && "$SANDBOX" --uid 0 -- sh -c "echo x >./$mark" 2>"$T/err")
is "from /: not bound, and the notice at the end counts the discarded change" "$(cat "$T/err")" \
  "sandbox: notice: 1 change in the working directory '/' was discarded: it is not bound; run from a project folder or use --bind DIR to keep them"
check "... and / of the host is unchanged" test ! -e "/$mark"
(cd "$W/proj" && "$SANDBOX" -- sh -c "echo x >./$mark")
check "an ordinary folder is still bound read-write" test -e "$W/proj/$mark"

# explicit read-write binds of such folders: refused in one line
for d in /tmp /var/tmp /dev/shm /run /proc/self; do
  run_sb --bind "$d:/tmp/x" -- true
  is "--bind $d: refused" "$status $(cat "$T/err")" \
    "125 sandbox: --bind '$d:/tmp/x': a system or session folder is never bound read-write; --ro-bind it (devices and sockets work through that too)"
done
run_sb --ro-bind /dev/shm:/tmp/x -- true
is "--ro-bind of one works" "$status" 0
assert_clean
