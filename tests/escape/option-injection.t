#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# flatpak CVE-2024-32462: a command string that looked like options was parsed as bwrap's
# own (`--command=--bind=/ ...`).  A COMMAND, its arguments, or a profile value that looks
# like an option never becomes one: not ours, and not a helper's (fuse-overlayfs, pasta,
# slirp4netns, xdg-dbus-proxy get values only as parts of their own arguments).
. "${srcdir:?}/tests/lib.sh"

W=$(mktemp -d "${SB_SCRATCH:?}/escape-optinj.XXXXXX")
at_exit 'rm -rf "$W" "$T"'
mkdir -p "$W/proj" "$W/d,upperdir=x"
echo secret >"$W/secret"
cd "$W/proj" || exit 1

plan 10

run_sb -- --home=host
is "a COMMAND that looks like an option is a command" "$status $(cat "$T/err")" \
  "127 sandbox: '--home=host': command not found"
run_sb -- sh -c 'echo "$@"' sh --bind=/:/host --net host -p untrusted
is "its arguments stay its arguments" "$status $(cat "$T/out")" "0 --bind=/:/host --net host -p untrusted"
run_sb true --bind "$W:/host"
is "... also without --" "$status" 0
run_sb printf '%s\n' --version
is "an option after the command is the command's" "$(cat "$T/out")" "--version"
printf 'hostname --net=host\n' >"$W/a.profile"
run_sb -p "$W/a.profile" -- true
is "a profile value that looks like an option is a value" "$status $(cat "$T/err")" \
  "125 sandbox: $W/a.profile:1: --hostname '--net=host': not a valid host name"
printf 'setenv SBX --home=host\n' >"$W/b.profile"
run_sb -p "$W/b.profile" -- sh -c 'echo "$SBX"; test -e "$HOME/.sbinj" && echo host; true'
is "... a setenv value too" "$status $(cat "$T/out")" "0 --home=host"
printf 'bind --home\n' >"$W/c.profile"
run_sb -p "$W/c.profile" -- true
is "... a bind source too: a path, missing" "$status $(cat "$T/err")" \
  "125 sandbox: --bind '--home': No such file or directory"
printf 'dbus-talk --own=org.freedesktop.*\n' >"$W/d.profile"
run_sb -p "$W/d.profile" -- true
is "a D-Bus name cannot become a proxy option" "$status" 125
run_sb --layer "$W/d,upperdir=x" -- true
is "a layer path with overlay option characters stays a path" "$status" 0
assert_clean
