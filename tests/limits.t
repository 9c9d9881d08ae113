#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The size limits of STYLE.md (issue 15's "done when"): no source file over 1000 lines, no
# function over 80 lines.  A function is counted in GNU style, as clang-format leaves it:
# its name at the start of a line, its body from a "{" to a "}" at the start of a line.
. "${srcdir:?}/tests/lib.sh"
plan 3

files=$(ls "$srcdir"/src/*.c "$srcdir"/src/*.h)
check "the sources are there" [ -n "$files" ]
# shellcheck disable=SC2086
long_files=$(wc -l $files | awk '$2 != "total" && $1 > 1000 { print $2 ": " $1 " lines" }')
is "no source file is over 1000 lines" "$long_files" ""
# shellcheck disable=SC2086
long_functions=$(awk '
  FNR == 1 { start = 0 }
  /^[a-zA-Z_][a-zA-Z0-9_]* \(/ { name = $1; line = FNR }
  /^\{/ { start = FNR }
  /^\}/ { if (start && FNR - start - 1 > 80) print FILENAME ":" line ": " name ", " FNR - start - 1 " lines"; start = 0 }
' "$srcdir"/src/*.c)
is "no function is over 80 lines" "$long_functions" ""
done_testing
