#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The sandbox's own terminal, driven from a user's shell in tmux: `tty` names it, the
# caller's terminal comes back as it was, ^C reaches the command's whole process group,
# output is complete and the exit status kept.  (pty.t drives an interactive shell inside.)
. "${srcdir:?}/tests/lib.sh"
plan 10
if ! command -v tmux >/dev/null || ! command -v bash >/dev/null; then
  for i in 1 2 3 4 5 6 7 8 9 10; do not_ok "tmux and bash are needed (tests/setup installs them)"; done
  exit 1
fi
S=$T/tmux.sock
tm() { tmux -S "$S" "$@"; }
at_exit 'tm kill-server 2>/dev/null; rm -rf "$T"'
mkdir "$T/work"
tm -f /dev/null new-session -d -s sb -x 120 -y 40 -c "$T/work" \
  "env PS1='host\$ ' bash --norc --noprofile -i"
sees() { tm capture-pane -p -S -200 -t sb | grep -q -- "$1"; }
wait_for 100 sees 'host\$' || diag "no shell prompt"
# types LINE into the user's shell, then waits for the line MARK=... that it prints
run() {
  tm send-keys -t sb "$1" Enter
  wait_for 150 sees "^$2=" || diag "no '$2=' after: $1"
}
val() { tm capture-pane -p -S -200 -t sb | sed -n "s/^$1=//p" | tail -1; }

run "'$SANDBOX' -- sh -c 'echo tty=\$(tty); [ -t 0 ] && echo stdin=tty; echo \$(tty) >\$(tty) && echo reopen=ok'" reopen
check "tty names the sandbox's own terminal" sh -c "tm() { tmux -S '$S' \"\$@\"; }; tm capture-pane -p -t sb | grep -qx 'tty=/dev/pts/[0-9]*'"
is "stdin is that terminal" "$(val stdin)" tty
is "the user reopens it by name (GPG_TTY=\$(tty))" "$(val reopen)" ok

run "stty -g >before; '$SANDBOX' -- sh -c 'kill -9 \$\$'; echo killed=\$?; stty -g | cmp -s - before && echo modes=same" killed
is "a command killed by SIGKILL: 137" "$(val killed)" 137
wait_for 20 sees '^modes=' 
is "  and the terminal's modes are as they were" "$(val modes)" same

# not on the terminal's input: ^C still goes to the command and its children (the
# terminal echoes ^C without a newline: printf starts a line)
tm send-keys -t sb "'$SANDBOX' -- sh -c 'sleep 1001; echo after=1' </dev/null; printf '\\nintr=%s\\n' \$?" Enter
wait_for 50 sh -c "pgrep -u $(id -u) -f '^sleep 1001$' >/dev/null"
tm send-keys -t sb C-c
wait_for 50 sees '^intr='
is "^C with stdin from /dev/null: the command's group is interrupted (130)" "$(val intr)" 130
check "  its child is gone too" wait_for 30 sh -c "! pgrep -u $(id -u) -f '^sleep 1001$' >/dev/null"

run "'$SANDBOX' -- sh -c 'read x; echo eof=\$?' | cat" eof
is "stdin on the terminal, stdout a pipe: the command reads no keys (EOF)" "$(val eof)" 1

run "'$SANDBOX' -- sh -c 'seq 1 20000; echo last=\$?; exit 7'; echo status=\$?" status
is "all the output arrives, then the command's status" "$(val last) $(val status)" "0 7"

tm send-keys -t sb "exit" Enter
assert_clean
done_testing
