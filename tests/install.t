#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make install and make uninstall, into a folder of the test's own (DESTDIR): what install
# puts there, uninstall takes away, the folders it made included (profiles, seccomp
# policies, helpers, completions).  A build run from its tree uses its tree's profiles
# even where an installed folder exists: unit-profile checks that choice.
. "${srcdir:?}/tests/lib.sh"
: "${builddir:?}"
plan 7
d=$T/dest
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$builddir" "$@" DESTDIR="$d" >>"$T/make.log" 2>&1; }

mk install
is "make install DESTDIR=... succeeds" "$?" 0
has() { [ -n "$(find "$d" -path "$1" 2>/dev/null)" ]; }
check "it installs the profiles and policies" has '*/share/sandbox/profiles/seccomp/default.json'
check "it installs the helpers" has '*/libexec/sandbox/sandbox-seccomp'
check "it installs the completions" has '*/share/bash-completion/completions/sandbox'
mk uninstall
is "make uninstall DESTDIR=... succeeds" "$?" 0
is "no file is left" "$(find "$d" ! -type d)" ""
is "no folder it made for sandbox is left" \
  "$(find "$d" -type d \( -path '*/share/sandbox*' -o -path '*/libexec/sandbox*' \
      -o -path '*/bash-completion*' -o -path '*/share/zsh*' -o -path '*/share/fish*' \))" ""
[ "$_tap_failed" = 0 ] || diag "$(tail -30 "$T/make.log")"
done_testing
