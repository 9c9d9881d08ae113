#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# overlay.t: the copy-on-write root with each engine (kernel, fuse, auto): writes, deletes
# and renames inside leave the host untouched; the working directory keeps build output;
# --persist; --uid 0 ownership; the fuse-overlayfs helper is invisible inside and gone after
# the sandbox, also after SIGKILL of the launcher.
. "${srcdir:?}/tests/lib.sh"

# the sandbox's /tmp is private: the test's host folders live under the build folder
W=$(mktemp -d "${SB_SCRATCH:?}/overlay.XXXXXX")
H=$HOME/.sbtest-overlay.$$
# --persist folders hold files of subordinate ids: root inside removes them
cleanup() {
  rm_subids "$W"/p-kernel "$W"/p-fuse "$W"/p-auto
  rm -rf "$W" "$H"
}
at_exit cleanup
mkdir -p "$W/proj" "$H/dir/sub"
echo keep >"$H/dir/sub/f"
echo host >"$H/del"
me=$(id -u)

plan 50

if [ -r /dev/fuse ] && [ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null; then
  engines="kernel fuse auto"
else
  engines="kernel auto"
fi

for e in kernel fuse auto; do
  case " $engines " in
  *" $e "*) ;;
  *)
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do skip "$e: engine" "/dev/fuse not usable by users or fuse-overlayfs missing"; done
    continue
    ;;
  esac
  cd "$W/proj" || exit 1
  run_sb --overlay "$e" -- sh -c "echo in >$H/new && cat $H/new && rm $H/del && test ! -e $H/del && echo gone"
  is "$e: write and delete inside" "$(cat "$T/out")" "in
gone"
  check "$e: the host has no new file" test ! -e "$H/new"
  check "$e: the deleted file is still on the host" grep -qx host "$H/del"

  run_sb --overlay "$e" -- sh -c "mv $H/dir $H/dir2 && cat $H/dir2/sub/f && test ! -e $H/dir && echo moved"
  is "$e: a renamed folder keeps its content" "$(cat "$T/out")" "keep
moved"
  check "$e: the host folder is not renamed" test -f "$H/dir/sub/f" -a ! -e "$H/dir2"

  run_sb --overlay "$e" -- sh -c "echo obj >build-$e.o"
  check "$e: the build output stays in the working directory" grep -qx obj "$W/proj/build-$e.o"

  run_sb --overlay "$e" --uid 0 -- sh -c "touch owned-$e && id -u"
  is "$e: --uid 0 runs as root inside" "$(cat "$T/out")" 0
  is "$e: a file root made is the caller's on the host" "$(stat -c %u "$W/proj/owned-$e")" "$me"

  run_sb --overlay "$e" --persist "$W/p-$e" -- sh -c "echo kept >$H/p && rm $H/del"
  run_sb --overlay "$e" --persist "$W/p-$e" -- sh -c "cat $H/p; test -e $H/del || echo still-gone"
  is "$e: --persist keeps a change and a delete for the next run" "$(cat "$T/out")" "kept
still-gone"
  check "$e: ... and the host has neither change" test ! -e "$H/p" -a -f "$H/del"
  run_sb --overlay "$e" --uid 0 --persist "$W/p-$e" -- touch "$H/rootfile"
  is "$e: root's file in the upper layer is the caller's" \
    "$(stat -c %u "$W/p-$e/upper$H/rootfile" 2>&1)" "$me"

  run_sb --overlay "$e" -- sh -c 'cat /proc/[0-9]*/comm'
  if grep -q fuse-overlayfs "$T/out"; then not_ok "$e: no helper is visible inside"; else ok "$e: no helper is visible inside"; fi
  assert_clean
done

# the engine of a --persist folder is recorded: the other engine refuses it
case " $engines " in
*" fuse "*)
  run_sb --overlay fuse --persist "$W/p-kernel" -- true
  is "a --persist folder of the kernel engine refused by fuse" "$status $(cat "$T/err")" \
    "125 sandbox: --persist '$W/p-kernel': made with --overlay kernel; use it again or start a new folder"
  ;;
*) skip "a --persist folder of the kernel engine refused by fuse" "/dev/fuse not usable" ;;
esac

# root inside changes the host root's files: auto picks fuse-overlayfs for --uid 0 on the
# host's tree (the kernel's overlay refuses: their owner is not mapped)
case " $engines " in
*" fuse "*)
  run_sb --uid 0 -- sh -c 'echo changed >>/etc/hostname && tail -n1 /etc/hostname'
  is "auto: root inside may change a file of the host's root" "$(cat "$T/out")" changed
  check "... and the host's file is unchanged" test "$(tail -n1 /etc/hostname)" != changed
  ;;
*)
  skip "auto: root inside may change a file of the host's root" "/dev/fuse not usable"
  skip "... and the host's file is unchanged" "/dev/fuse not usable"
  ;;
esac

# fuse-overlayfs goes with a SIGKILLed launcher
case " $engines " in
*" fuse "*)
  sb_start /dev/null --overlay fuse -- sleep 300
  launcher=$sb_pid
  # the helper is root of the user namespace: a subordinate id on the host, the launcher's child
  helper_up() { hp=$(pgrep -P "$launcher" -x fuse-overlayfs) && [ -n "$(pgrep -P "$launcher" -x sandbox)" ]; }
  check "fuse-overlayfs runs while the sandbox does" wait_for 50 helper_up
  sb1=$(pgrep -P "$launcher" -x sandbox)
  kill -9 "$launcher"
  sb_wait "$launcher" 2>/dev/null
  helper_gone() { [ ! -d "/proc/${hp:-0}" ] && [ ! -d "/proc/${sb1:-0}" ]; }
  check "after SIGKILL of the launcher the helper and the sandbox are gone" wait_for 50 helper_gone
  ;;
*)
  skip "fuse-overlayfs runs while the sandbox does" "/dev/fuse not usable"
  skip "after SIGKILL of the launcher the helper and the sandbox are gone" "/dev/fuse not usable"
  ;;
esac

# auto with the caller's own rights: a folder of root's where the caller can write nothing
# is bound read-only (reads at host speed); /var, whose /var/tmp the caller may write, keeps
# its overlay, and a file made in /var/tmp (root's /var copied up) stays inside
fstype='for m in /usr /var; do sed -n "s|^[^ ]* [^ ]* [^ ]* [^ ]* $m [^-]* - \([^ ]*\) .*|\1|p" /proc/self/mountinfo | tail -n1; done'
run_sb -- sh -c "$fstype"
check "auto: /usr is bound, not overlaid" test "$(sed -n 1p "$T/out")" != overlay -a -s "$T/out"
is "auto: /var (the caller may write /var/tmp) stays copy-on-write" "$(sed -n 2p "$T/out")" overlay
run_sb -- sh -c 'touch /usr/sbtest 2>/dev/null || echo refused'
is "auto: /usr is read-only inside, as for the caller on the host" "$(cat "$T/out")" refused
f=/var/tmp/sbtest-overlay.$$
run_sb -- sh -c "echo made >$f && cat $f"
is "auto: a file made in /var/tmp" "$(cat "$T/out")" made
check "... stays in the sandbox" test ! -e "$f"
assert_clean
