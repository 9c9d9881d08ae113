#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The command line: --help, --version, and one exact line for each bad input.
. "${srcdir:?}/tests/lib.sh"
plan 24

out=$("$SANDBOX" --help); st=$?
is "--help exits 0" "$st" 0
check "--help shows the usage line" sh -c 'printf "%s\n" "$1" | grep -q "^Usage: sandbox \[OPTION...\] \[--\] \[COMMAND \[ARG...\]\]"' - "$out"
is "--version prints the version" "$("$SANDBOX" --version)" "sandbox $("$SANDBOX" -V | cut -d' ' -f2)"
check "--version names the package" sh -c '"$SANDBOX" --version | grep -Eq "^sandbox [0-9]+\.[0-9]+"'

# bad input: exit 125, exactly one line on stderr, nothing started
bad() {   # DESC WANT-LINE ARGS...
  _desc=$1 _want=$2; shift 2
  run_sb "$@"
  if [ "$status" -eq 125 ] && [ "$(cat "$T/err")" = "$_want" ] && [ ! -s "$T/out" ]; then
    ok "$_desc"
  else
    not_ok "$_desc"; diag "status $status" "stderr: $(cat "$T/err")" "want: $_want"
  fi
}
bad "unknown option" "sandbox: --frobnicate: unknown option" --frobnicate true
bad "unknown option with a value" "sandbox: --frobnicate: unknown option" --frobnicate=1 true
bad "unknown short option" "sandbox: -Z: unknown option" -Z true
bad "missing value" "sandbox: --hostname: missing value NAME" --hostname
bad "missing second value" "sandbox: --setenv: missing value NAME VALUE" --setenv A
bad "uid not a number" "sandbox: --uid 'root': expected a number from 0 to 4294967294" --uid root true
bad "uid too large" "sandbox: --uid '4294967295': expected a number from 0 to 4294967294" --uid 4294967295 true
bad "gid negative" "sandbox: --gid '-5': expected a number from 0 to 4294967294" --gid -5 true
bad "bad host name" "sandbox: --hostname 'a/b': not a valid host name" --hostname a/b true
# control characters in a value are escapes: the message stays one line, drives no terminal
nl='
'
bad "a newline in a value: one line, written \\n" \
  "sandbox: --hostname 'a\\nb': not a valid host name" --hostname "a${nl}b" true
bad "an escape sequence in a value: written \\x1b" \
  "sandbox: --hostname 'a\\x1b[2Jb': not a valid host name" --hostname "$(printf 'a\033[2Jb')" true
bad "a C1 control (UTF-8 CSI) and a byte that is not UTF-8, escaped; other UTF-8 kept" \
  "sandbox: --hostname 'é\\xc2\\x9b\\xff': not a valid host name" --hostname "$(printf 'é\302\233\377')" true
bad "a tab and a carriage return in a profile's name" \
  "sandbox: -p 'x\\ty\\r': no such profile (sandbox --profiles lists them)" -p "$(printf 'x\ty\r')" true
bad "bad variable name" "sandbox: --setenv 'A=B': not a valid variable name" --setenv A=B c true
bad "missing --chdir folder" "sandbox: --chdir '/nonexistent': No such file or directory" --chdir /nonexistent true

run_sb -- nosuchcommand-xyz
is "a missing command exits 127 with one line" "$status $(cat "$T/err")" "127 sandbox: 'nosuchcommand-xyz': command not found"
run_sb -- /etc/passwd
is "a file that is not executable exits 126 with one line" "$status $(cat "$T/err")" "126 sandbox: '/etc/passwd': Permission denied"

# a working directory that was deleted
mkdir "$T/gone"
st=$(cd "$T/gone" && rmdir "$T/gone" && { "$SANDBOX" true 2>"$T/err"; echo $?; })
is "a deleted working directory exits 125 with one line" "$st $(cat "$T/err")" "125 sandbox: working directory: it was deleted; use --chdir DIR"
st=$(env -u SANDBOX_DATADIR "$SANDBOX" true 2>&1; echo $?)
is "an uninstalled build finds its shipped policies without SANDBOX_DATADIR" "$st" 0
assert_clean
done_testing
