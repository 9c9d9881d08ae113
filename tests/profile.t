#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Profiles for real: -p NAME|PATH, the search path, later-wins, the command line winning,
# --profiles, --print-config, the default profile, and one exact line for each bad profile.
. "${srcdir:?}/tests/lib.sh"
plan 40

# a home of our own: ~/.config/sandbox/profiles is the first place searched
export HOME="$T/home" XDG_CONFIG_HOME="$T/config"
mine="$XDG_CONFIG_HOME/sandbox/profiles"
mkdir -p "$HOME" "$mine"
hostname_in() { "$SANDBOX" "$@" -- cat /proc/sys/kernel/hostname; }

printf '# my test profile\nhostname mine\n' >"$mine/mine.profile"
printf '# the other one\nhostname other\nsetenv FROM other\n' >"$T/other.profile"
is "-p NAME finds ~/.config/sandbox/profiles/NAME.profile" "$(hostname_in -p mine)" mine
is "-p PATH reads that file" "$(hostname_in -p "$T/other.profile")" other
is "a later -p wins over an earlier one" "$(hostname_in -p "$T/other.profile" -p mine)" mine
is "the command line wins over -p, even written before it" \
  "$(hostname_in --hostname cli -p mine)" cli
is "options of different profiles add up" \
  "$("$SANDBOX" -p mine -p "$T/other.profile" -- sh -c 'echo $FROM $(hostname)')" "other other"

# --profiles: the shipped ones (SANDBOX_DATADIR in make check) and the user's own
run_sb --profiles
is "--profiles exits 0" "$status" 0
check "--profiles lists the user's with its description" grep -qx 'mine           my test profile' "$T/out"
for p in default shell devel untrusted media browser server; do
  desc=$(sed -n 's/^# //p' "$SANDBOX_DATADIR/$p.profile" | head -n 1)
  grep -qx "$(printf '%-14s %s' "$p" "$desc")" "$T/out" || break
done
check "--profiles lists every shipped profile with its description" [ "$p" = server ] 
printf '# my own shell\n' >"$mine/shell.profile"
run_sb --profiles
check "a user's profile hides the shipped one of the same name" grep -qx 'shell          my own shell' "$T/out"
rm "$mine/shell.profile"

# --print-config: where each value came from; nothing is run
run_sb -p mine --setenv A b --print-config -- sh -c 'exit 3'
is "--print-config exits 0 and runs nothing" "$status" 0
check "it names the file and line of a profile's value" \
  grep -qxE "hostname mine +# $mine/mine.profile:2" "$T/out"
check "and the command line's" grep -qxE 'setenv A b +# command line' "$T/out"
check "and the command" grep -qx "# command: sh -c exit 3" "$T/out"

# the default profile: used by plain sandbox, not when -p is given
run_sb --print-config
check "plain sandbox reads the shipped default profile" \
  grep -qx "# read $SANDBOX_DATADIR/default.profile" "$T/out"
printf '# my default\nhostname dflt\n' >"$mine/default.profile"
is "the user's default profile wins over the shipped one" "$(hostname_in)" dflt
is "-p replaces the default profile" "$(hostname_in -p "$T/other.profile")" other

# the shipped profiles: each starts a command (what the host lacks, such as a display, is
# left out), and sets what it says
rm "$mine/default.profile"
for p in default shell devel untrusted media browser server; do
  run_sb -p "$p" -- true
  if [ "$status" -ne 0 ] || [ -s "$T/err" ]; then break; fi
done
check "every shipped profile runs a command, silently (last: $p)" \
  sh -c '[ "$1" -eq 0 ] && [ ! -s "$2" ]' - "$status" "$T/err"
is "devel: root inside" "$("$SANDBOX" -p devel -- id -u)" 0
is "untrusted: an empty environment but PATH, HOME, LANG" \
  "$(FOO=bar "$SANDBOX" -p untrusted -- env | sort | tr '\n' ' ')" \
  "HOME=$HOME LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin "
mkdir -p "$HOME/.ssh" && echo key >"$HOME/.ssh/id_test"
run_sb -p untrusted -- cat "$HOME/.ssh/id_test"
check "untrusted: ~/.ssh is not there (a private home)" [ "$status" -ne 0 ]
run_sb -p untrusted -- sh -c 'echo x >"$HOME/f" && ls -A "$HOME"'
is "untrusted: the private home is empty and writable" "$(cat "$T/out")" f
# a server on the host's loopback: untrusted has its own network namespace with only lo
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$port" --directory "$T" >/dev/null 2>&1 &
srv=$!
wait_for 50 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)"
run_sb -p untrusted -- sh -c "\"$PROBE\" ifaces; \"$PROBE\" connect 127.0.0.1 $port"
kill "$srv"; wait "$srv" 2>/dev/null
is "untrusted: only lo, and the host's server cannot be reached" "$(tr '\n' ' ' <"$T/out")" "lo ECONNREFUSED "
check "and nothing of it reaches the host" [ ! -e "$HOME/f" ]
printf 'include browser\nignore x11\n' >"$T/nox.profile"
run_sb -p "$T/nox.profile" --print-config
check "ignore takes back what an included profile switched on" \
  sh -c '! grep -q "^x11 " "$1" && grep -q "^wayland " "$1"' - "$T/out"

# bad profiles: exit 125, one line naming file:line, nothing started
bad() {   # DESC WANT-LINE ARGS...
  _desc=$1 _want=$2; shift 2
  run_sb "$@" -- sh -c 'echo started'
  if [ "$status" -eq 125 ] && [ "$(cat "$T/err")" = "$_want" ] && [ ! -s "$T/out" ]; then
    ok "$_desc"
  else
    not_ok "$_desc"; diag "status $status" "stderr: $(cat "$T/err")" "want: $_want"
  fi
}
printf 'hostname a\nnosuchoption none\n' >"$T/typo.profile"
bad "an unknown option, with the nearest name" \
  "sandbox: $T/typo.profile:2: unknown option 'nosuchoption'" -p "$T/typo.profile"
printf 'hostnme a\n' >"$T/typo.profile"
bad "an unknown option near a known one gets a hint" \
  "sandbox: $T/typo.profile:1: unknown option 'hostnme' (did you mean 'hostname'?)" -p "$T/typo.profile"
printf '# x\n\nuid root\n' >"$T/bad.profile"
bad "a bad value: the option's own message after file:line" \
  "sandbox: $T/bad.profile:3: --uid 'root': expected a number from 0 to 4294967294" -p "$T/bad.profile"
printf 'include nope\n' >"$T/inc.profile"
bad "a missing include" "sandbox: $T/inc.profile:1: include 'nope': no such profile" -p "$T/inc.profile"
printf 'include b.profile\n' >"$T/a.profile"
printf 'include a.profile\n' >"$T/b.profile"
bad "an include cycle" \
  "sandbox: $T/b.profile:1: include 'a.profile': include cycle a.profile -> b.profile -> a.profile" \
  -p "$T/a.profile"
bad "a missing profile" "sandbox: -p 'nope': no such profile (sandbox --profiles lists them)" -p nope
# not text, not a file, too large: one line, 125
printf 'hostname a\nuid 0\000\nhelp\n' >"$T/nul.profile"
bad "a NUL byte: file:line, not the rest of the file dropped" \
  "sandbox: $T/nul.profile:2: a NUL byte: a profile is text" -p "$T/nul.profile"
bad "-p /dev/zero: not read" "sandbox: -p '/dev/zero': not a regular file" -p /dev/zero
mkfifo "$T/fifo.profile"
printf 'include fifo.profile\n' >"$T/incfifo.profile"
bad "an include of a FIFO: no wait for a writer" \
  "sandbox: $T/incfifo.profile:1: include 'fifo.profile': not a regular file" -p "$T/incfifo.profile"
head -c 1048577 /dev/zero | tr '\0' '#' >"$T/big.profile"
bad "a profile over 1 MiB" \
  "sandbox: -p '$T/big.profile': larger than 1024 KiB, the most a profile may be" -p "$T/big.profile"
for o in help version profiles print-config; do
  printf '# ok\n%s\n' "$o" >"$T/action.profile"
  bad "a profile line '$o' is refused, not a silent exit 0" \
    "sandbox: $T/action.profile:2: '$o' is for the command line only: in a profile it would end every run that includes it" \
    -p "$T/action.profile"
done
printf 'chdir ${NOPE}\n' >"$mine/default.profile"
bad "a broken default profile stops plain sandbox too" \
  "sandbox: $mine/default.profile:1: unknown variable '\${NOPE}'"
assert_clean
done_testing
