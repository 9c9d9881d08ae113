#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Class 3: the home and its ancestors are compared by identity (device, inode), never by
# spelling.  `cd /home`, HOME with a trailing slash and a home reached through a symlink
# each bound the whole home read-write.
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-identity.XXXXXX")
at_exit 'rm -rf "$W" "$T"'
H=$W/home
mkdir -p "$H/proj"
echo '# bashrc' >"$H/.bashrc"
ln -s "$H" "$W/homelink"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME

plan 9

# from DIR with HOME=HOMEVAL, the sandbox appends to the home's .bashrc (by its real path)
try() {
  _desc=$1 _dir=$2 _home=$3
  (cd "$_dir" && HOME=$_home "$SANDBOX" -- sh -c "echo pwned >>'$H/.bashrc'" >/dev/null 2>"$T/err" </dev/null)
  is "$_desc: the home is not bound" "$(cat "$H/.bashrc")" '# bashrc'
}
try "cd to the home's parent" "$W" "$H"
try "HOME with a trailing slash" "$H" "$H/"
try "HOME with a trailing slash and a dot" "$H" "$H/./"
try "HOME through a symlink, cd to the real path" "$H" "$W/homelink"
try "HOME real, cd through the symlink" "$W/homelink" "$H"
is "... and the notice at the end names the folder" "$(cat "$T/err")" \
  "sandbox: notice: 1 change in the working directory '$H' was discarded: it is not bound; run from a project folder or use --bind DIR to keep them"
(cd "$W/homelink/proj" && HOME=$W/homelink/ "$SANDBOX" -- sh -c 'echo x >built')
check "a project folder below the home is still bound" test -f "$H/proj/built"
status=0
HOME=$H "$SANDBOX" --bind "$W/homelink/" -- true 2>"$T/err" || status=$?
is "--bind of the home by another name: refused" "$status $(cat "$T/err")" \
  "125 sandbox: --bind '$W/homelink/': is your home folder; bind a folder inside it, or share all of it with --home host"
assert_clean
