#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make install: the completions land where each shell looks (pkg-config's completionsdir for
# bash-completion and fish; zsh's fpath for the prefix), and each shell loads its file
# (tests/install.t: make uninstall takes everything back).
. "${srcdir:?}/tests/lib.sh"
: "${builddir:?run through make check}"
plan 7
D=$T/dest
# a make of our own, not a job of make check's
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$builddir" install DESTDIR="$D" >"$T/install.log" 2>&1
is "make install DESTDIR=... succeeds" "$?" 0

# the folder of the installed file whose path matches $1, without DESTDIR
dir_of() { f=$(find "$D" -path "$1" -type f | head -1); [ -n "$f" ] && dirname "${f#"$D"}"; }
bashdir=$(dir_of '*completion*/sandbox')
# A folder configure was given (--with-SHELL-completion-dir, as make distcheck does, under
# its own prefix) is where the file must land; where each shell looks is then not ours to
# check: $1 the shell, prints the folder, fails when configure chose it.
given() {
  "$builddir/config.status" --config | grep -q -- "--with-$1-completion-dir" || return 1
  printf 'print-dir:\n\t@echo $(%scompdir)\n' "$1" >"$T/print.mk"
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$builddir" -f Makefile -f "$T/print.mk" print-dir
}

want=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null)
if conf=$(given bash); then
  is "bash: the completion is in the folder configure was given" "$bashdir" "$conf"
elif [ -n "$want" ]; then
  is "bash: the completion is in bash-completion's completionsdir" "$bashdir" "$want"
else
  skip "bash: the completion is in bash-completion's completionsdir" "no bash-completion.pc"
fi
bash -c ". '$D$bashdir/sandbox' && complete -p sandbox" >"$T/bash.out" 2>&1
check "bash: the file defines the completion of sandbox" grep -q ' sandbox$' "$T/bash.out"

want=$(pkg-config --variable=completionsdir fish 2>/dev/null)
fishdir=$(dir_of '*/sandbox.fish')
fishgiven=
if conf=$(given fish); then
  fishgiven=$conf
  is "fish: the completion is in the folder configure was given" "$fishdir" "$conf"
elif [ -n "$want" ]; then
  is "fish: the completion is in fish's completionsdir" "$fishdir" "$want"
else
  skip "fish: the completion is in fish's completionsdir" "no fish.pc"
fi
if command -v fish >/dev/null; then
  # the folders a fresh fish of this machine searches, as a user without settings
  env -i HOME="$T" fish -c 'string join \n $fish_complete_path' >"$T/fishpath" 2>&1
  if [ -n "$fishgiven" ]; then
    skip "fish: a user's fish searches that folder" "configure was given $fishgiven"
  else
    check "fish: a user's fish searches that folder" grep -qx "$fishdir" "$T/fishpath"
  fi
  is "fish: the file completes --hostn to --hostname" \
    "$(env -i HOME="$T" fish --no-config -c "source '$D$fishdir/sandbox.fish'; complete -C'sandbox --hostn'" 2>&1 | cut -f1)" --hostname
else
  skip "fish: a user's fish searches that folder" "no fish"
  skip "fish: the file completes --hostn to --hostname" "no fish"
fi

zshdir=$(dir_of '*/_sandbox')
if conf=$(given zsh); then
  skip "zsh: its fpath has the folder of _sandbox" "configure was given $conf"
elif command -v zsh >/dev/null; then
  zsh -fc 'print -l $fpath' >"$T/fpath" 2>&1
  check "zsh: its fpath has the folder of _sandbox ($zshdir)" grep -qx "$zshdir" "$T/fpath"
else
  skip "zsh: its fpath has the folder of _sandbox" "no zsh"
fi

env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$builddir" uninstall DESTDIR="$D" >/dev/null 2>&1
done_testing
