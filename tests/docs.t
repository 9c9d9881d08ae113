#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every option of the table (as --help prints it) is in the man page and the completions.
. "${srcdir:?}/tests/lib.sh"
opts=$("$SANDBOX" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u)
n=$(printf '%s\n' "$opts" | wc -l)
plan $((n * 4 + 2))
check "--help lists options" [ "$n" -gt 5 ]
index=$(sed -n 's/^\.\\" options (tests\/docs.t keeps this index equal to the option table): //p' "$srcdir/man/sandbox.1")
is "sandbox.1's option index is the option table" "$index" "$(printf '%s\n' "$opts" | tr '\n' ' ' | sed 's/ $//')"
for o in $opts; do
  name=${o#--}
  man="\\fB$(printf '%s' "$o" | sed 's/-/\\-/g')\\fR"   # \fB\-\-name\fR
  check "sandbox.1 documents $o" grep -qF -- "$man" "$srcdir/man/sandbox.1"
  check "bash completion offers $o" grep -qE -- "(^|[ '\"(|])$o([ '\")|]|$)" "$srcdir/completions/sandbox"
  check "zsh completion offers $o" grep -qE -- "(^|['{,*])$o([[,}=]|$)" "$srcdir/completions/_sandbox"
  check "fish completion offers $o" grep -qE -- "-l $name( |$)" "$srcdir/completions/sandbox.fish"
done
done_testing
