#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Interactive use on a terminal: a shell with job control, ^C, ^Z and fg, window resizes.
. "${srcdir:?}/tests/lib.sh"
plan 7
if ! command -v tmux >/dev/null || ! command -v bash >/dev/null; then
  for i in 1 2 3 4 5 6 7; do not_ok "tmux and bash are needed (the setup command installs them)"; done
  exit 1
fi
S=$T/tmux.sock
tm() { tmux -S "$S" "$@"; }
screen() { tm capture-pane -p -t sb; }
sees() { screen | grep -q -- "$1"; }
tm -f /dev/null new-session -d -s sb -x 80 -y 24 \
  "env PS1='sbx\$ ' '$SANDBOX' -- bash --norc --noprofile -i; echo launcher-exit=\$?; sleep 30"
check "an interactive shell starts" wait_for 100 sees 'sbx\$'
check "with job control (no 'no job control' warning)" sh -c '! tmux -S "$1" capture-pane -p -t sb | grep -q "no job control"' - "$S"
# the pattern [s]leep does not match the pgrep that looks for it
tm send-keys -t sb 'sleep 1001' Enter
wait_for 50 sh -c "pgrep -u $(id -u) -f '[s]leep 1001' >/dev/null"
tm send-keys -t sb C-c
tm send-keys -t sb 'echo "rc=$?"' Enter
check "^C interrupts the foreground command" wait_for 50 sees 'rc=130'
tm send-keys -t sb 'sleep 1002' Enter
wait_for 50 sh -c "pgrep -u $(id -u) -f '[s]leep 1002' >/dev/null"
tm send-keys -t sb C-z
check "^Z stops it" wait_for 50 sees 'Stopped'
tm send-keys -t sb 'fg' Enter
wait_for 20 sees '^sleep 1002$'
tm send-keys -t sb C-c
tm send-keys -t sb 'echo "fg-rc=$?"' Enter
check "fg resumes it and ^C ends it" wait_for 50 sees 'fg-rc=130'
tm resize-window -t sb -x 100 -y 30
tm send-keys -t sb 'stty size' Enter
check "a window resize reaches the shell" wait_for 50 sees '^30 100$'
tm send-keys -t sb 'exit 3' Enter
check "the launcher exits with the shell's status" wait_for 50 sees 'launcher-exit=3'
tm kill-server 2>/dev/null
done_testing
