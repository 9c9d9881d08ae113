#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Escape class: TIOCSTI and TIOCLINUX (bubblewrap CVE-2017-5226; issues 12 and 13).  A
# command that holds the caller's terminal, or has it as its controlling one, pushes a line
# into the input of the user's shell, which runs it on the host once the sandbox ends.
# Whatever the seccomp policy (--seccomp unconfined here), no terminal of the caller's may
# be reached: not on fds 0-2 in any mix of redirections, not through /dev/tty.
. "${srcdir:?}/tests/lib.sh"
plan 11
if ! command -v tmux >/dev/null || ! command -v bash >/dev/null; then
  for i in 1 2 3 4 5 6 7 8 9 10 11; do not_ok "tmux and bash are needed (tests/setup installs them)"; done
  exit 1
fi
S=$T/tmux.sock
tm() { tmux -S "$S" "$@"; }
at_exit 'tm kill-server 2>/dev/null; rm -rf "$T"'
# the user's interactive shell, in an ordinary folder: the sandbox binds it read-write, so
# the probe's report reaches us
mkdir "$T/work"
tm -f /dev/null new-session -d -s sb -x 120 -y 30 -c "$T/work" \
  "env PS1='host\$ ' bash --norc --noprofile -i"
wait_for 100 sh -c "tmux -S '$S' capture-pane -p -t sb | grep -q 'host\\$'" || diag "no shell prompt"
# Runs the injecting probe as NAME with REDIRECTIONS from the user's shell.  Once the sandbox
# has ended, the shell reads what is queued on its terminal: an injected line first, then
# the sentinel typed after it.  When the sentinel has run, an injected line would have too.
attempt() {
  tm send-keys -t sb "'$SANDBOX' --seccomp unconfined -- '$PROBE' inject 'touch $T/injected-$1' report-$1 $2; touch $T/done-$1" Enter
  wait_for 150 test -e "$T/done-$1" || diag "$1: the sandbox did not end"
  tm send-keys -t sb "touch $T/sentinel-$1" Enter
  wait_for 100 test -e "$T/sentinel-$1" || diag "$1: the shell did not run the sentinel"
  [ ! -e "$T/injected-$1" ] && [ -e "$T/sentinel-$1" ]
}
check "on the terminal (stdin and stdout): nothing injected into the shell" attempt tty ''
check "stdin from /dev/null, output on the terminal: nothing injected" attempt out '</dev/null'
check "output to a pipe, stdin on the terminal: nothing injected" attempt pipe '| cat'
check "no fd on the terminal, /dev/tty only: nothing injected" attempt none '</dev/null >/dev/null 2>&1'
check "a background sandbox: nothing injected" attempt bg '</dev/null & wait'
# what the probe met: TIOCLINUX worked nowhere; /dev/tty is no terminal of the caller's
for n in tty out pipe none bg; do
  [ -f "$T/work/report-$n" ] || diag "$n: no report"
done
check "TIOCLINUX refused on every fd and /dev/tty" \
  sh -c "cat '$T'/work/report-* | awk '\$3 == \"ok\" { bad = 1 } END { exit bad }'"
is "no terminal: /dev/tty cannot be opened" "$(grep /dev/tty "$T/work/report-none" | cut -d' ' -f2)" ENXIO
is "on the terminal: TIOCSTI lands on the sandbox's own pty (its stdin)" \
  "$(grep '^fd0' "$T/work/report-tty" | cut -d' ' -f2)" ok
# the default policy still refuses the ioctl itself
tm send-keys -t sb "'$SANDBOX' -- '$PROBE' inject 'touch $T/injected-default' report-default; touch $T/done-default" Enter
wait_for 150 test -e "$T/done-default"
is "default policy: TIOCSTI refused" "$(grep '^fd0' "$T/work/report-default" | cut -d' ' -f2)" EPERM
tm send-keys -t sb "exit" Enter
wait_for 50 sh -c "! tmux -S '$S' has-session 2>/dev/null"
check "the shell never ran an injected line" sh -c "! ls '$T'/injected-* >/dev/null 2>&1"
assert_clean
done_testing
