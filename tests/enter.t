#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/enter.t: --enter NAME [COMMAND] (src/enter.c): the same files, host name and
# processes as the sandbox's command, the same CapEff, NoNewPrivs and Seccomp lines, its
# working directory and ids; the command's exit status; a name nobody has.
. "${srcdir:?}/tests/lib.sh"
plan 14

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
at_exit '"$SANDBOX" --stop --all --timeout 1 >/dev/null 2>&1'
status_lines() { grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; }

run_sb -d --name box --hostname boxy -- sh -c \
  'echo inside >/tmp/marker; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status >/tmp/status; echo ready; exec sleep 60'
is "a detached sandbox to enter" "$status" 0
wait_for 100 sh -c '"$SANDBOX" --logs box | grep -q ready'

run_sb --enter box cat /tmp/marker
is "--enter sees the sandbox's files" "$(cat "$T/out")" inside
run_sb --enter box hostname
is "and its host name" "$(cat "$T/out")" boxy
run_sb --enter box ps -e -o comm=
check "and its processes (the command's sleep)" grep -qx sleep "$T/out"
run_sb --enter box sh -c 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status'
"$SANDBOX" --enter box cat /tmp/status >"$T/want" 2>/dev/null
is "the same CapEff, NoNewPrivs and Seccomp lines as the command" "$(cat "$T/out")" "$(cat "$T/want")"
check "seccomp is on (Seccomp: 2)" grep -qx 'Seccomp:	2' "$T/out"
run_sb --enter box id -u
is "the same uid" "$(cat "$T/out")" "$(id -u)"
run_sb --enter box sh -c 'exit 7'
is "the command's exit status" "$status" 7
run_sb --enter box no-such-command-here
is "a missing command: 127" "$status" 127
# a PATH folder the sandbox may not search (the caller's ~/.cargo/bin under another user,
# a folder of mode 0): still "not found", 127, as for the first command, not EACCES's 126
L=$(mktemp -d "${SB_SCRATCH:?}/enter-path.XXXXXX")
at_exit 'chmod 700 "$L/locked"; rm -rf "$L"'
mkdir -m 0 "$L/locked"
PATH="$L/locked:$PATH" run_sb -d --name locked -- sleep 60
run_sb --enter locked no-such-command-here
is "a missing command with a PATH folder it may not search: 127" "$status $(cat "$T/err")" \
  "127 sandbox: 'no-such-command-here': command not found"
# on a terminal: a pty of the sandbox's, the entered shell its controlling terminal's
# foreground job (job control), as the first command's
python3 - "$SANDBOX" >"$T/pty" 2>&1 <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "--enter", "box", "sh", "-c",
             "echo tty=$(tty); echo fg=$(ps -o tpgid=,pgid= -p $$ | awk '{print ($1 == $2)}')"])
out, end = b"", time.time() + 20
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 1)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
PY
check "on a terminal, --enter gets a pty of the sandbox's" grep -qx 'tty=/dev/pts/[0-9]*' "$T/pty"
is "and is its foreground job (job control)" "$(sed -n 's/^fg=//p' "$T/pty")" 1
run_sb --enter nobody true
check "a name nobody has: 125, one line" sh -c \
  '[ "$1" -eq 125 ] && grep -qx "sandbox: --enter .nobody.: no running sandbox has this name" "$2"' - "$status" "$T/err"
"$SANDBOX" --stop box >/dev/null 2>&1
"$SANDBOX" --stop locked >/dev/null 2>&1
assert_clean
