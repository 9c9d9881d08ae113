#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Class 7: a bind source redirected by a symlink that a sandbox planted in a folder it could
# write.  `--bind ./cache` followed a link the previous run had left in the read-write project
# folder, and the whole home became read-write.  Such a link is resolved beneath its own
# folder, or refused in one line; the destination stays as written.
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-bindlink.XXXXXX")
at_exit 'rm -rf "$W" "$T"'
H=$W/home
mkdir -p "$H/proj/sub" "$H/.ssh" "$W/data"
echo KEY >"$H/.ssh/id_ed25519"
echo inside >"$H/proj/sub/f"
echo data >"$W/data/f"
export HOME="$H"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME
cd "$H/proj" || exit 1

plan 10

# a first run plants the links in the project folder, which it may write
"$SANDBOX" -- sh -c 'ln -s "$HOME" cache && ln -s ../../.. up && ln -s "$HOME/.ssh" keys && ln -s sub inner && mkdir deep && ln -s ../.. deep/out'
check "the first run planted its links" test -L cache -a -L up -a -L inner

run_sb --bind ./cache -- sh -c 'cat ./cache/.ssh/id_ed25519'
is "--bind ./cache (a link to the home): refused in one line" "$status $(cat "$T/err")" \
  "125 sandbox: --bind './cache': 'cache' is a symlink out of its folder (to '$H'), which a sandbox could have made there; name the path it leads to"
run_sb --bind "$H/proj/up:/tmp/up" -- true
is "a link climbing out with ..: refused" "$status" 125
run_sb --ro-bind "$H/proj/keys:/tmp/keys" -- cat /tmp/keys/id_ed25519
is "--ro-bind through a planted link to ~/.ssh: refused" "$status $(cat "$T/out")" "125 "
run_sb --bind "$H/proj/deep/out/.ssh:/tmp/k" -- true
is "a link on the way, not the last part: refused" "$status" 125
run_sb --bind ./inner:/tmp/inner -- cat /tmp/inner/f
is "a link that stays in its folder is followed beneath it" "$status $(cat "$T/out")" "0 inside"
run_sb --bind ./inner -- sh -c 'cat "$PWD/inner/f"; test -L "$PWD/inner" && echo link'
is "... and the destination stays as written" "$status $(cat "$T/out")" "0 inside
link"
# the user's own link in the home itself: no sandbox may write there
ln -s "$W/data" "$H/data"
run_sb --ro-bind "$H/data:/tmp/data" -- cat /tmp/data/f
is "a link of the user's in the home itself is followed" "$status $(cat "$T/out")" "0 data"
check "the home was never reachable" test "$(cat "$H/.ssh/id_ed25519")" = KEY
assert_clean
