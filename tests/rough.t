#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# rough.t: the rough edges a new user hit (issue 20): --uid 0 means root's group and sbin in
# PATH, /etc/hostname, -v naming the overlay engine, the peers' spellings, a nested sandbox
# refused by seccomp, --persist's parents, and the notice about the unbound working
# directory (at the end, only after a change, with a count; --quiet silences it).
. "${srcdir:?}/tests/lib.sh"
plan 30
H=$HOME/.sbtest-rough.$$
at_exit 'rm -rf "$H" "$T"'
mkdir -p "$H"

# ---- --uid 0
run_sb --uid 0 -- sh -c 'id -u; id -g'
is "--uid 0 alone: root's group too, as podman's --user 0" "$(cat "$T/out")" "0
0"
run_sb --uid 0 --gid "$(id -g)" -- id -g
is "--uid 0 --gid N: N wins" "$(cat "$T/out")" "$(id -g)"
run_sb --setenv PATH /usr/bin:/bin --uid 0 -- /bin/sh -c 'echo $PATH'
is "--setenv PATH: root's PATH is the user's" "$(cat "$T/out")" /usr/bin:/bin
(PATH=/usr/local/bin:/usr/bin:/bin; run_sb --uid 0 -- sh -c 'echo $PATH; command -v chroot')
is "root inside: each bin folder of PATH has its sbin" "$(cat "$T/out")" \
  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
/usr/sbin/chroot"
(PATH=/usr/local/bin:/usr/bin:/bin; run_sb -- sh -c 'echo $PATH')
is "your own uid inside: PATH as it was" "$(cat "$T/out")" /usr/local/bin:/usr/bin:/bin

# ---- /etc/hostname
run_sb --hostname box -- sh -c 'cat /etc/hostname; hostname'
is "/etc/hostname says --hostname" "$(cat "$T/out")" "box
box"
run_sb -- cat /etc/hostname
is "/etc/hostname says the default name" "$(cat "$T/out")" sandbox
run_sb --net host --hostname box2 -- cat /etc/hostname
is "/etc/hostname with --net host too" "$(cat "$T/out")" box2

# ---- -v: the overlay engine and why
run_sb -v -- true
check "-v: auto names its engine and why" grep -q "overlay: auto chose the kernel's overlayfs: it mounts in this user namespace" "$T/err"
run_sb -v --overlay kernel -- true
check "-v: an engine asked for says so" grep -q "overlay: the kernel's overlayfs, as --overlay asked" "$T/err"
if command -v fuse-overlayfs >/dev/null && [ -w /dev/fuse ]; then
  run_sb -v --uid 0 -- true
  check "-v: auto names fuse-overlayfs for root inside, and why" grep -q "overlay: auto chose fuse-overlayfs: root inside must change the host's files" "$T/err"
else
  skip "-v: auto names fuse-overlayfs for root inside" "no fuse-overlayfs or /dev/fuse"
fi

# ---- the peers' spellings
peer() {   # SPELLING HINT
  run_sb "$1" x true
  is "$1: the hint names ours" "$status $(cat "$T/err")" "125 sandbox: $1: unknown option ($2)"
}
peer --user "did you mean '--uid ID --gid ID'?"
peer --volume "did you mean '--bind SRC[:DST]'?"
peer --env "did you mean '--setenv NAME VALUE'?"
peer --workdir "did you mean '--chdir DIR'?"
peer --private "did you mean '--home private'?"
peer --noprofile "leave it out: without -p only the default profile applies"

# ---- a nested sandbox refused by seccomp
run_sb -- unshare -U true
is "unshare under the default policy: the policy and what allows it, last" "$status $(tail -1 "$T/err")" \
  "1 sandbox: notice: 'unshare' failed: the seccomp policy 'default' refuses new user namespaces; -p browser (policy 'browser') or --seccomp unconfined allows them"
# the build's sandbox, where the sandbox sees it: a tree under /tmp (make distcheck from a
# checkout there) is hidden by the sandbox's private /tmp
N=$(mktemp -d "${SB_SCRATCH:?}/rough-nested.XXXXXX")
at_exit 'rm -rf "$N"'
cp "$SANDBOX" "$N/sandbox"
run_sb -- "$N/sandbox" true
check "sandbox in sandbox: the same line" grep -qx "sandbox: notice: 'sandbox' failed: the seccomp policy 'default' refuses new user namespaces; -p browser (policy 'browser') or --seccomp unconfined allows them" "$T/err"
run_sb --seccomp browser -- unshare -U true
is "the browser policy the line names lets unshare -U through" "$status $(cat "$T/err")" "0 "

# ---- --persist's parents
run_sb --persist "$T/p/a/b/dev" -- true
is "--persist makes its missing parents" "$status" 0
is "... owned by you, mode 0700" "$(stat -c '%u %a' "$T/p" "$T/p/a" "$T/p/a/b" | sort -u)" "$(id -u) 700"

# ---- the unbound working directory: the home
echo keep >"$H/old"
(cd "$HOME" && "$SANDBOX" -- true) >/dev/null 2>"$T/err"
is "from the home, nothing changed: no notice" "$(cat "$T/err")" ""
(cd "$HOME" && "$SANDBOX" -- sh -c "touch new1 new2; mkdir -p emptydir; rm $H/old") >/dev/null 2>"$T/err"
is "from the home, three changes: one line at the end, with the count" "$(cat "$T/err")" \
  "sandbox: notice: 3 changes in the working directory '$HOME' were discarded: it is not bound; run from a project folder or use --bind DIR to keep them"
check "... and they were discarded" sh -c "[ ! -e '$HOME/new1' ] && [ -e '$H/old' ]"
if command -v fuse-overlayfs >/dev/null && [ -w /dev/fuse ]; then
  (cd "$HOME" && "$SANDBOX" --overlay fuse -- sh -c "touch new1") >/dev/null 2>"$T/err"
  is "the same with fuse-overlayfs" "$(cat "$T/err")" \
    "sandbox: notice: 1 change in the working directory '$HOME' was discarded: it is not bound; run from a project folder or use --bind DIR to keep them"
else
  skip "the same with fuse-overlayfs" "no fuse-overlayfs or /dev/fuse"
fi
(cd "$HOME" && "$SANDBOX" --quiet -- sh -c "touch new1") >/dev/null 2>"$T/err"
is "--quiet: no notice" "$(cat "$T/err")" ""
(cd "$HOME" && "$SANDBOX" --persist "$T/keep" -- sh -c "touch new1") >/dev/null 2>"$T/err"
is "--persist keeps the changes: no notice" "$(cat "$T/err")" ""
(cd "$H" && "$SANDBOX" -- sh -c "touch kept") >/dev/null 2>"$T/err"
check "a project folder is bound: its change is kept, no notice" sh -c "[ -e '$H/kept' ] && [ ! -s '$T/err' ]"
assert_clean
done_testing
