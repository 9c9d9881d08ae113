#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The fuzz targets of tests/fuzz/ (the option parser, the profile parser with include, the
# seccomp JSON reader), a few seconds each: no crash, leak or sanitizer report.  `make fuzz`
# runs them longer.  Skipped, by name, where clang or libFuzzer's runtime is missing.
. "${srcdir:?}/tests/lib.sh"
: "${builddir:?}"
targets="options profile seccomp"
plan 4
SECONDS_EACH=${FUZZ_CHECK_TIME:-4}

why=
if ! command -v clang >/dev/null; then
  why="clang is not installed"
else
  printf 'int LLVMFuzzerTestOneInput (const char *d, unsigned long n) { return (int) (n & 0) + (d == 0); }\n' >"$T/f.c"
  clang -fsanitize=fuzzer "$T/f.c" -o "$T/f" 2>/dev/null ||
    why="clang has no libFuzzer runtime (Debian: libclang-rt-14-dev)"
fi
if [ -n "$why" ]; then
  skip "the fuzz targets build" "$why"
  for t in $targets; do skip "fuzz-$t: ${SECONDS_EACH} s" "$why"; done
  exit 0
fi

# a make of our own: the one running the tests does not share its jobs with us
# sanitizer builds are slow on a loaded machine: a line every 20 s tells tests/bounded that
# the test is alive, and timeout bounds the build itself
timeout 600 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$builddir" fuzz-build \
  >"$T/build.log" 2>&1 &
build=$!
at_exit 'kill $build 2>/dev/null'
n=0
while kill -0 "$build" 2>/dev/null; do
  sleep 1
  n=$((n + 1))
  [ $((n % 20)) -ne 0 ] || echo "# building the fuzz targets: ${n} s"
done
wait "$build"
st=$?
is "the fuzz targets build" "$st" 0
[ "$st" = 0 ] || { diag "$(tail -20 "$T/build.log")"; exit 1; }
for t in $targets; do
  seeds=
  case $t in
    profile) seeds=$srcdir/profiles ;;
    seccomp) seeds=$srcdir/profiles/seccomp ;;
  esac
  mkdir "$T/work-$t"
  # shellcheck disable=SC2086
  LSAN_OPTIONS=suppressions=$srcdir/tests/fuzz/lsan.supp "$builddir/tests/fuzz/fuzz-$t" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$T/work-$t/" "$T/work-$t" \
    "$srcdir/tests/fuzz/corpus/$t" $seeds >"$T/$t.log" 2>&1
  st=$?
  is "fuzz-$t: ${SECONDS_EACH} s, no crash, leak or sanitizer report" "$st" 0
  diag "fuzz-$t: $(grep -E '^stat::number_of_executed_units' "$T/$t.log" | awk '{print $2}') executions"
  [ "$st" = 0 ] || diag "$(grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$T/$t.log" | head -5)"
done
done_testing
