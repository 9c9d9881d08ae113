#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Escape class: io_uring (escape-classes.md).  The operations an io_uring runs (openat,
# connect, sendmsg...) never pass through seccomp, and io_uring itself has been a steady
# source of kernel bugs; Docker's, containerd's and podman's policies refuse it since 2023.
# Every shipped policy and profile refuses the three io_uring calls on every ABI, root
# inside included; without a filter the same call reaches the kernel (the test's control).
. "${srcdir:?}/tests/lib.sh"
CALLS="io_uring_setup io_uring_enter io_uring_register"
PROFILES=$(cd "$srcdir/profiles" && ls *.profile | sed 's/\.profile$//')
plan $((4 + $(echo "$PROFILES" | wc -w)))
XDG_CACHE_HOME=$T/cache XDG_RUNTIME_DIR=$T/run
export XDG_CACHE_HOME XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"

# every io_uring call through one ABI: "name=result ...".  The probe is bound at a fixed
# place: some profiles hide the home that holds the build tree, or clear the environment.
calls() { # VERB sandbox-options...
  v=$1; shift
  # shellcheck disable=SC2016
  "$SANDBOX" "$@" --ro-bind "$PROBE:/run/probe" -- \
    sh -c 'v=$1; shift; for c in "$@"; do printf "%s=%s " "$c" "$(/run/probe "$v" "$c")"; done' \
    sh "$v" $CALLS 2>&1
}
want=$(for c in $CALLS; do printf '%s=EPERM ' "$c"; done)

# the control: with no filter io_uring_setup (0 entries, no parameters) reaches the kernel,
# which refuses the arguments (EFAULT or EINVAL), never with the filter's EPERM or ENOSYS
r=$("$SANDBOX" --seccomp unconfined -- "$PROBE" sys io_uring_setup 2>&1)
if [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" != 0 ]; then
  skip "unconfined: io_uring_setup reaches the kernel" "io_uring: kernel.io_uring_disabled is set"
else
  check "unconfined: io_uring_setup reaches the kernel (the control; got $r)" \
    sh -c "[ '$r' = EFAULT ] || [ '$r' = EINVAL ]"
fi
is "default policy: every io_uring call gives EPERM (x86_64)" "$(calls sys)" "$want"
is "  through the x32 ABI (refused whole: ENOSYS)" "$(calls sysx32)" \
  "$(for c in $CALLS; do printf '%s=ENOSYS ' "$c"; done)"
is "  as root inside (--uid 0)" "$(calls sys --uid 0)" "$want"
for p in $PROFILES; do
  is "-p $p: every io_uring call gives EPERM" "$(calls sys -p "$p" --net none)" "$want"
done
done_testing
