#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Class 8: the user's sandbox configuration and data.  A sandbox run from ~/.config wrote
# ~/.config/sandbox/profiles/default.profile, which every later start read (`seccomp
# unconfined`, `net host`, `home host`, even under -p untrusted).  ~/.config/sandbox,
# ~/.local/share/sandbox (persist folders), ~/.cache/sandbox and ~/.local/state/sandbox stay
# read-only inside every sandbox that does not bind them by name, whatever read-write bind
# covers them: the working directory, --bind, --whitelist, --home host.  Two ways around a
# read-only mount are tried too: renaming a folder above it away (a folder holding mount
# points can be renamed) and unmounting it with CAP_SYS_ADMIN.
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-config.XXXXXX")
at_exit 'rm -rf "$W" "$T"'
H=$W/home
export HOME="$H"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME
reset_home() {
  rm -rf "$H" && mkdir -p "$H/.config/sandbox/profiles" "$H/.local/share/sandbox/dev" "$H/proj"
}
reset_home
prof=.config/sandbox/profiles/default.profile
plant="mkdir -p ~/.config/sandbox/profiles; echo 'net host' >~/$prof"
# nothing planted: no default profile of the user's, and the persist folder as it was
intact() { [ ! -e "$H/$prof" ] && [ -z "$(ls -A "$H/.local/share/sandbox/dev")" ]; }
plant_all="$plant; echo x >~/.local/share/sandbox/dev/x"

plan 15

(cd "$H/.config" && "$SANDBOX" -- sh -c "echo 'net host' >sandbox/profiles/default.profile" 2>/dev/null)
check "from ~/.config: the profiles are read-only" intact
(cd "$H/.local" && "$SANDBOX" -- sh -c "echo x >share/sandbox/dev/x" 2>/dev/null)
check "from ~/.local: the persist folders are read-only" intact
run_sb --bind "$H/.config:/tmp/c" -- sh -c "echo 'net host' >/tmp/c/sandbox/profiles/default.profile"
check "--bind ~/.config elsewhere: read-only there too" intact
run_sb --whitelist "$H/.local/share" -- sh -c "$plant_all"
check "--whitelist ~/.local/share" intact
run_sb --home host -- sh -c "$plant_all"
check "--home host" intact
run_sb --home host -- sh -c "mv ~/.config ~/.config.old; mv ~/.local/share ~/.local/s2; mv ~/.local ~/.l2; $plant_all"
check "--home host: a folder above them renamed away and a fresh copy planted" intact
check "... the rename itself failed" test -d "$H/.config/sandbox" -a ! -e "$H/.config.old" -a ! -e "$H/.l2"
run_sb --home host --uid 0 --cap-add SYS_ADMIN --seccomp unconfined -- sh -c \
  "umount -l ~/.config/sandbox; umount -l ~/.local/share/sandbox; mount -o remount,bind,rw ~/.config/sandbox; $plant_all"
check "--home host with CAP_SYS_ADMIN: unmounting or remounting them fails" intact
run_sb --home host --uid 0 --cap-add ALL --seccomp unconfined -- sh -c \
  "umount -l ~/.config; umount -l ~/.config/sandbox; mv ~/.config ~/.c2; $plant_all"
check "--cap-add ALL: the same" intact
run_sb --home host --seccomp unconfined -- unshare -Urm sh -c "umount -l ~/.config/sandbox; $plant_all"
check "a user namespace of the command's own: the same" intact

# missing folders are made empty (0700), then protected like the others
reset_home
rm -rf "$H/.config/sandbox" "$H/.local/share/sandbox"
run_sb --home host -- sh -c "$plant; mkdir -p ~/.local/share/sandbox/dev; echo x >~/.local/share/sandbox/dev/x"
check "--home host, with no ~/.config/sandbox yet: nothing planted" test ! -e "$H/$prof" -a ! -e "$H/.local/share/sandbox/dev"
is "... it was made, mode 0700" "$(stat -c %a "$H/.config/sandbox")" 700

# named: the user binds it on purpose
reset_home
run_sb --bind "$H/.config/sandbox" -- sh -c "echo 'net host' >~/$prof"
check "--bind ~/.config/sandbox itself is writable: the user named it" test -f "$H/$prof"
rm -f "$H/$prof"
(cd "$H/.config/sandbox/profiles" && "$SANDBOX" -- sh -c "echo x >default.profile" 2>"$T/err")
is "the working directory inside them is not bound" "$(cat "$T/err")" \
  "sandbox: notice: the working directory '$H/.config/sandbox/profiles' is not bound: it holds the sandbox's own configuration or data; its changes stay inside"
assert_clean
