#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# runc CVE-2021-30465: a bind's path swapped for a symlink while the runtime sets up (a
# renameat2 RENAME_EXCHANGE loop) put a host folder where the container's bind should be.
# Here: the source swapped between the launcher's check and pid 1's open (pid 1 binds the
# file the launcher checked, by identity, or refuses), and a destination in a layer swapped
# with a link out (destinations are resolved and made inside the new root, mounted by fd).
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-swap.XXXXXX")
racer=
at_exit '[ -z "$racer" ] || kill "$racer" 2>/dev/null; rm -rf "$W" "$T"'
mkdir -p "$W/victim" "$W/victim2" "$W/swap" "$W/L/opt/t" "$W/proj"
echo secret >"$W/victim/secret"
echo src >"$W/swap/f"
ln -s "$W/victim" "$W/swap.alt"
ln -s "$W/victim2" "$W/L/opt/t.alt"
cd "$W/proj" || exit 1

# exchanges A and B (one a folder, one a symlink) until killed
race() {
  python3 -c '
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b = sys.argv[1].encode(), sys.argv[2].encode()
while True:
    libc.renameat2(-100, a, -100, b, 2)
' "$1" "$2" &
  racer=$!
}

plan 5

race "$W/swap" "$W/swap.alt"
leaks=0 bound=0
for i in $(seq 30); do
  progress "source race: run $i of 30"
  "$SB_TIMEOUT" -k 5 "$SB_STEP_LIMIT" "$SANDBOX" --home private --no-bind-cwd --bind "$W/swap:/tmp/s" -- sh -c 'cat /tmp/s/* 2>/dev/null' \
    >"$T/out" 2>/dev/null </dev/null
  grep -q secret "$T/out" && leaks=$((leaks + 1))
  grep -q src "$T/out" && bound=$((bound + 1))
done
kill "$racer" && wait "$racer" 2>/dev/null
racer=
is "a source swapped for a link out during the start: never bound" "$leaks" 0
check "... while the real folder was bound in some of the runs" [ "$bound" -gt 0 ]
check "... and the host folder is as it was" [ "$(ls -A "$W/victim")" = secret ]

race "$W/L/opt/t" "$W/L/opt/t.alt"
for i in $(seq 20); do
  progress "destination race: run $i of 20"
  "$SB_TIMEOUT" -k 5 "$SB_STEP_LIMIT" "$SANDBOX" --layer "$W/L" --bind "$W/proj:/opt/t/new" -- true >/dev/null 2>&1 </dev/null
done
kill "$racer" && wait "$racer" 2>/dev/null
racer=
check "a destination swapped for a link out: nothing made on the host" [ -z "$(ls -A "$W/victim2")" ]
assert_clean
