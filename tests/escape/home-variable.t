#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Class 1: a path from a profile variable, a profile or the command line that resolves to the
# home or above it.  With XDG_DOWNLOAD_DIR="$HOME/" in user-dirs.dirs (what xdg-user-dirs
# writes once ~/Downloads is deleted), -p browser bound the whole home read-write through
# `whitelist ${XDG_DOWNLOAD_DIR}`: the browser read ~/.ssh and appended to ~/.bashrc.
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-home-variable.XXXXXX")
at_exit 'rm -rf "$W" "$T"'
H=$W/home
mkdir -p "$H/.ssh" "$H/.config" "$W/proj"
echo KEY >"$H/.ssh/id_ed25519"
echo '# bashrc' >"$H/.bashrc"
ln -s "$H" "$W/homelink"
export HOME="$H"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME XDG_RUNTIME_DIR
cd "$W/proj" || exit 1

plan 18

# inside: what of the home is there, and a write to its .bashrc
attack='cat ~/.ssh/id_ed25519 2>/dev/null; echo pwned >>~/.bashrc 2>/dev/null; true'
clean() { [ "$(cat "$H/.bashrc")" = '# bashrc' ]; }

for v in '$HOME/' '$HOME' '$HOME/.' "$H" "$W/homelink"; do
  printf 'XDG_DOWNLOAD_DIR="%s"\n' "$v" >"$H/.config/user-dirs.dirs"
  run_sb -p browser -- sh -c "$attack"
  is "user-dirs XDG_DOWNLOAD_DIR=\"$v\" is 'not set': the home stays out" "$status $(cat "$T/out")" "0 "
  check "... and ~/.bashrc is untouched" clean
done
check "... the browser's downloads go to ~/Downloads instead" test -d "$H/Downloads"
rm -f "$H/.config/user-dirs.dirs"

# the same spellings straight from the command line: refused in one line
run_sb --whitelist "$H/" -- true
is "--whitelist of the home (with a trailing slash): refused" "$status $(cat "$T/err")" \
  "125 sandbox: --whitelist '$H/': is your home folder; bind a folder inside it, or share all of it with --home host"
run_sb --bind "$W/homelink" -- sh -c "$attack"
is "--bind of the home through a symlink: refused" "$status" 125
run_sb --ro-bind "$W" -- true
is "--ro-bind of the home's parent: refused" "$status $(cat "$T/err")" \
  "125 sandbox: --ro-bind '$W': holds your home folder; bind a folder inside it"
run_sb --bind "/:/host" -- true
is "--bind /: refused" "$status $(cat "$T/err")" \
  "125 sandbox: --bind '/:/host': holds your home folder; bind a folder inside it"
check "nothing reached the home" clean
run_sb --home host --bind "$H/" -- true
is "--home host: binding the home itself is what the user asked for" "$status" 0
assert_clean
