#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Protected paths inside read-write binds: a core.fsmonitor planted in the project's
# .git/config by `sandbox -- make` ran on the host at the next `git status`; .git/hooks works
# the same way.  In every read-write bind (the working directory included) they stay
# read-only, and so does what redirects them (a .git file, core.hooksPath, an included
# file), while `git commit` inside still works.  --unprotect-git lifts it for one run.
# Read-write binds are nosuid and nodev.
. "${srcdir:?}/tests/lib.sh"

if ! command -v git >/dev/null; then
  echo "1..0 # SKIP git is not installed"
  exit 0
fi
W=$(mktemp -d "${SB_SCRATCH:?}/escape-git.XXXXXX")
pwned=/tmp/sbesc-git-pwned.$$
at_exit 'rm -rf "$W" "$T" "$pwned"'
export HOME="$W/home" GIT_CONFIG_NOSYSTEM=1
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME
mkdir -p "$HOME"
git config --global user.name sb && git config --global user.email sb@example.org
P=$W/proj
mkdir -p "$P/sub"
git -C "$P" init -q && git -C "$P/sub" init -q
git -C "$P" commit -q --allow-empty -m 0 && git -C "$P" worktree add -q "$P/wt" -b side
git -C "$P/sub" config core.hooksPath .husky
cd "$P" || exit 1

plan 14

cfg() { git -C "$1" config --get core.fsmonitor; }
attack='git config core.fsmonitor "touch '$pwned'"; echo "#!/bin/sh" >.git/hooks/pre-commit; chmod +x .git/hooks/pre-commit'
run_sb -- sh -c "$attack"
is "core.fsmonitor cannot be set" "$(cfg "$P")" ""
check ".git/hooks is read-only" test ! -e "$P/.git/hooks/pre-commit"
run_sb -- sh -c 'mv .git .git.old; mkdir -p .git && git init -q && git config core.fsmonitor x'
check ".git cannot be renamed away and replaced" test -d "$P/.git" -a ! -e "$P/.git.old" -a -z "$(cfg "$P")"
run_sb -- sh -c 'echo a >a && git add a && git commit -q -m inside && git log --format=%s -1'
is "git commit inside still works" "$status $(cat "$T/out")" "0 inside"
run_sb -- sh -c 'cd sub && git config core.fsmonitor x; mkdir -p .husky && echo x >.husky/pre-commit'
check "a repository one level down: its config too" test -z "$(cfg "$P/sub")"
check "... and its core.hooksPath (.husky), made empty so that it can be protected" test -d "$P/sub/.husky" -a ! -e "$P/sub/.husky/pre-commit"
run_sb -- sh -c 'cd wt && echo "gitdir: /tmp/evil" >.git; git config core.fsmonitor x'
check "a linked working tree: its .git file and the common config" test "$(head -c7 "$P/wt/.git")" = "gitdir:" -a -z "$(cfg "$P")"
(cd "$P/wt" && "$SANDBOX" -- sh -c 'git config core.fsmonitor x' 2>/dev/null)
check "... also as the working directory itself" test -z "$(cfg "$P")"
run_sb --bind "$P:/tmp/p" -- sh -c 'cd /tmp/p && git config core.fsmonitor x'
check "in a --bind elsewhere too" test -z "$(cfg "$P")"
run_sb --unprotect-git -- sh -c 'git config core.fsmonitor true'
is "--unprotect-git lifts it for one run" "$(cfg "$P")" true
git -C "$P" config --unset core.fsmonitor
printf 'unprotect-git\n' >"$W/lift.profile"
run_sb -p "$W/lift.profile" -- true
is "... from the command line only" "$status $(cat "$T/err")" \
  "125 sandbox: $W/lift.profile:1: 'unprotect-git' is for the command line only"
run_sb -- sh -c "grep ' $P ' /proc/self/mountinfo | cut -d' ' -f6"
case $(cat "$T/out") in
*nosuid*nodev* | *nodev*nosuid*) ok "read-write binds are nosuid,nodev" ;;
*) not_ok "read-write binds are nosuid,nodev"; diag "$(cat "$T/out")" ;;
esac
git -C "$P" status >/dev/null 2>&1
check "git status on the host runs nothing of the sandbox's" test ! -e "$pwned"
assert_clean
