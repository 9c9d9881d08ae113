#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages: no markup errors (mandoc -T lint, or groff -ww where mandoc is missing),
# every item of a list a tag of its own (an item without its .TP runs into the one before:
# --seccomp once read as part of --home), and every option of the table a tag in the
# rendered page.
. "${srcdir:?}/tests/lib.sh"
opts=$("$SANDBOX" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u)
n=$(printf '%s\n' "$opts" | wc -l)
pages="sandbox.1 sandbox-profile.5"
plan $((4 + n))

for p in $pages; do
  f=$srcdir/man/$p
  if command -v mandoc >/dev/null; then
    is "mandoc -T lint -W warning: $p is clean" "$(mandoc -T lint -W warning "$f" 2>&1)" ""
  elif command -v groff >/dev/null; then
    is "groff -ww -z: $p is clean (mandoc is not installed)" "$(groff -ww -z -man "$f" 2>&1)" ""
  else
    skip "$p is clean" "neither mandoc nor groff is installed"
  fi
  # in a list, a tag (.B, .BR, .I, .IR, or a line that is an option and its argument alone)
  # follows .TP; the synopsis, the description, the exit status and SEE ALSO are not lists
  bad=$(awk '
    /^\.SH/ { sec = $0; prev = $0; next }
    sec ~ /^\.SH (NAME|SYNOPSIS|DESCRIPTION|"?SEE ALSO"?|"?EXIT STATUS"?)/ { prev = $0; next }
    (/^\.(B|BR|I|IR) / || /^\\fB\\-[^ ]*\\fR( \\f[IB][^ ]*)?$/) && prev !~ /^\.TP/ {
      printf "%d: %s\n", NR, $0 }
    { prev = $0 }' "$f")
  is "$p: every item of a list has its .TP" "$bad" ""
done

render() {
  if command -v mandoc >/dev/null; then mandoc -T ascii -O width=200 "$1"
  else groff -man -Tascii -rLL=200n -P-cbou "$1" 2>/dev/null; fi | col -b
}
if command -v mandoc >/dev/null || command -v groff >/dev/null; then
  # the OPTIONS section, to the next section heading
  render "$srcdir/man/sandbox.1" | sed -n '/^OPTIONS/,/^[A-Z][A-Z ]*$/p' | sed '$d' >"$T/page"
  # a tag: at the list's indent, alone or followed by its argument (or [=OPTIONAL])
  tagged() { grep -qE -- "^ {7}(-[a-zA-Z], )?$1( |\\[|\$)" "$T/page"; }
  for o in $opts; do
    check "sandbox.1 shows $o as a tag of its own" tagged "$o"
  done
else
  for o in $opts; do skip "sandbox.1 shows $o as a tag of its own" "no mandoc nor groff"; done
fi
done_testing
