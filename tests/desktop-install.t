#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --desktop-install, --desktop-list, --desktop-remove with Firefox ESR and Chromium: the
# menu entry is valid and its Exec line runs the app in a sandbox with the browser profile,
# the PATH name does the same, and remove leaves the user's files as they were.
. "${srcdir:?}/tests/lib.sh"
plan 22
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
unset XDG_DATA_HOME
mkdir -p "$HOME/.local/share/applications" "$HOME/Downloads" "$T/run/Downloads"
# the user's own files, which nothing may touch
printf '[Desktop Entry]\nType=Application\nName=Mine\nExec=true\n' >"$HOME/.local/share/applications/mine.desktop"
# what the home holds: folders with their modes, files with their contents
state() { (cd "$HOME" && find . -type d -printf 'd %p %m\n' -o -type f -printf 'f %p %m ' -exec md5sum {} \; | sort); }
before=$(state)
self=$(realpath "$SANDBOX")
apps=$HOME/.local/share/applications

# the Exec value of the [Desktop Entry] group
exec_of() { awk '/^\[/ { g = $0 } g == "[Desktop Entry]" && /^Exec=/ { sub(/^Exec=/, ""); print; exit }' "$1"; }

for app in firefox-esr chromium; do
  sys=/usr/share/applications/$app.desktop
  if [ ! -f "$sys" ]; then
    for d in install validate exec runs sandboxed path; do not_ok "$app: $d ($sys missing; tests/setup installs $app)"; done
    continue
  fi
  run_sb --desktop-install "$app"
  is "$app: --desktop-install exits 0" "$status" 0
  entry=$apps/$app.desktop
  if command -v desktop-file-validate >/dev/null; then
    out=$(desktop-file-validate "$entry" 2>&1)
    is "$app: desktop-file-validate finds nothing" "$?:$out" "0:"
  else
    skip "$app: desktop-file-validate finds nothing" "no desktop-file-validate (desktop-file-utils)"
  fi
  orig=$(exec_of "$sys")
  is "$app: the entry's Exec line is the sandbox's, then the app's own" "$(exec_of "$entry")" "$self -p browser -- $orig"
  # the Exec line, its field code (%u, %U) replaced by --version, as the menu would run it
  cmd=$(exec_of "$entry" | sed 's/ %[uUfF]$/ --version/')
  want=$(${orig%% *} --version 2>/dev/null | tail -1)
  # run with a home of their own: the browsers' folders are not what install wrote
  # shellcheck disable=SC2086
  got=$(timeout 120 env -u TMPDIR -u XDG_CONFIG_HOME HOME="$T/run" $cmd 2>"$T/$app.err" | tail -1)
  is "$app: the Exec line runs the app ($want)" "$got" "$want"
  prefix=${cmd%% -- *}
  # shellcheck disable=SC2086
  is "$app: ... in a sandbox of the browser profile" "$(timeout 60 env -u TMPDIR -u XDG_CONFIG_HOME HOME="$T/run" $prefix -- cat /etc/hostname 2>>"$T/$app.err")" browser
  got=$(timeout 120 env -u TMPDIR -u XDG_CONFIG_HOME HOME="$T/run" "$HOME/.local/bin/$app" --version 2>>"$T/$app.err" | tail -1)
  is "$app: ~/.local/bin/$app runs it the same way" "$got" "$want"
  [ -s "$T/$app.err" ] && diag "$(cat "$T/$app.err")"
done

run_sb --desktop-list
is "--desktop-list lists both, with their profile and PATH name" "$(sort "$T/out")" \
  "$(printf 'chromium\t-p browser\t%s/.local/bin/chromium\nfirefox-esr\t-p browser\t%s/.local/bin/firefox-esr' "$HOME" "$HOME" | sort)"

run_sb --desktop-remove firefox-esr
is "--desktop-remove firefox-esr exits 0" "$status" 0
run_sb --desktop-remove chromium
is "--desktop-remove chromium exits 0" "$status" 0
is "the home is as it was: the user's entry kept, the made folders gone" "$(state)" "$before"
run_sb --desktop-remove chromium
is "removing again: one line" "$status $(cat "$T/err")" \
  "125 sandbox: --desktop-remove 'chromium': not installed by --desktop-install (sandbox --desktop-list)"

# a file of the user's of that name is never replaced, and a refusal writes nothing
mkdir -p "$HOME/.local/bin" && echo mine >"$HOME/.local/bin/chromium"
before=$(state)
run_sb --desktop-install chromium
is "a user's ~/.local/bin/chromium: refused in one line" "$status $(cat "$T/err")" \
  "125 sandbox: desktop: '$HOME/.local/bin/chromium' exists and is not from --desktop-install: move it away first"
is "... and nothing written" "$(state)" "$before"

# an app whose profile is not known: -p chooses
mkdir -p "$T/share/applications"
printf '[Desktop Entry]\nType=Application\nName=Tool\nExec=/bin/true %%F\n' >"$T/share/applications/tool.desktop"
export XDG_DATA_DIRS="$T/share"
run_sb --desktop-install tool
is "no profile known: one line that says how to give one" "$status $(cat "$T/err")" \
  "125 sandbox: --desktop-install 'tool': no profile is known for it: give one, such as -p untrusted --desktop-install tool"
run_sb -p untrusted --desktop-install tool
is "-p untrusted --desktop-install tool: the entry runs -p untrusted" "$status $(exec_of "$apps/tool.desktop")" \
  "0 $self -p untrusted -- /bin/true %F"
assert_clean
done_testing
