#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make analyze stays clean: cppcheck, clang-tidy (the checks .clang-tidy names, with
# STYLE.md's 80 lines a function) and shellcheck over the C sources and the shell files.
# A point is skipped only when its tool is missing, and says which (tests/setup installs
# all three).  The tools' output goes on as comments, so a long clang-tidy run is not silent.
. "${srcdir:?}/tests/lib.sh"
plan 3

for tool in cppcheck clang-tidy shellcheck; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    skip "make analyze-$tool" "$tool is not installed"
    continue
  fi
  { make -s -C "${builddir:?}" "analyze-$tool" 2>&1; echo "$?" >"$T/rc"; } |
    while IFS= read -r line; do echo "# $line"; done # line by line: sed would hold them back
  is "make analyze-$tool finds nothing" "$(cat "$T/rc")" 0
done
done_testing
