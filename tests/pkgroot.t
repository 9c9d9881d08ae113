#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pkgroot.t: issue 14 item 2, root inside that manages packages (--uid 0), with the real
# dpkg and apt and nothing from the network: dpkg -i of a .deb built here, apt-get install
# from a file: repository made here, useradd, a maintainer script that chowns to a system
# user it made; the host's dpkg database stays as it was; --persist keeps what was
# installed; the host's root owns its files inside.
. "${srcdir:?}/tests/lib.sh"

# the sandbox's /tmp is private: the test's host folders live under the build folder,
# which is the working directory, bound read-write
W=$(mktemp -d "${SB_SCRATCH:?}/pkgroot.XXXXXX") && W=$(cd "$W" && pwd)
# --persist folders hold files of subordinate ids: root inside removes them
cleanup() {
  rm_subids "$W/persist"
  rm -rf "$W"
}
at_exit cleanup
cd "$W" || exit 1

plan 10

fuse=no
if [ -r /dev/fuse ] && [ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null; then fuse=yes; fi
tools=yes
# useradd runs inside, as root, whose PATH has /usr/sbin; the test user's may not
for t in dpkg dpkg-deb dpkg-scanpackages apt-get /usr/sbin/useradd; do
  command -v "$t" >/dev/null || tools="$t missing (tests/setup installs dpkg-dev and passwd)"
done

# two packages: a file; a system user made by postinst, which chowns its folder to it
mkdir -p hello/DEBIAN hello/usr/share/sbtest-hello daemon/DEBIAN daemon/var/lib/sbtest-daemon repo
printf 'hi\n' >hello/usr/share/sbtest-hello/greeting
control() {
  printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: sandbox tests <t@example.org>\nDescription: sandbox test package\n' "$1"
}
control sbtest-hello >hello/DEBIAN/control
control sbtest-daemon >daemon/DEBIAN/control
cat >daemon/DEBIAN/postinst <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  getent passwd sbtestd >/dev/null || useradd --system --user-group --no-create-home --home-dir /nonexistent sbtestd
  chown sbtestd:sbtestd /var/lib/sbtest-daemon
fi
EOF
chmod 0755 daemon/DEBIAN/postinst
if [ "$tools" = yes ]; then
  dpkg-deb --root-owner-group -b hello repo/sbtest-hello_1.0_all.deb >/dev/null &&
    dpkg-deb --root-owner-group -b daemon repo/sbtest-daemon_1.0_all.deb >/dev/null &&
    (cd repo && dpkg-scanpackages . /dev/null >Packages 2>/dev/null) || tools="dpkg-deb or dpkg-scanpackages failed"
fi
# apt with the test's repository only; apt's own sandbox user (_apt) could not reach it
mkdir parts
printf 'deb [trusted=yes] file:%s ./\n' "$W/repo" >local.list
APT="apt-get -q -o Dir::Etc::SourceList=$W/local.list -o Dir::Etc::SourceParts=$W/parts -o APT::Sandbox::User=root -o Acquire::Languages=none"

host_db() { cat /var/lib/dpkg/status /var/lib/dpkg/lock /var/lib/dpkg/lock-frontend 2>/dev/null | cksum; stat -c '%n %s %Y %a %u' /var/lib/dpkg/status /var/lib/dpkg/lock /var/lib/dpkg/lock-frontend /etc/passwd /etc/.pwd.lock 2>&1; }
before=$(host_db)

for e in fuse kernel; do
  if [ "$e" = fuse ] && [ "$fuse" = no ]; then
    for i in 1 2 3 4 5; do skip "fuse: package managers" "/dev/fuse not usable by users or fuse-overlayfs missing"; done
    continue
  fi
  if [ "$e" = kernel ]; then
    # The kernel's overlayfs shows a file of an owner the user namespace does not map (the
    # host's root) as nobody's, and no one inside may change it: only an idmapped mount,
    # which needs the host's root, would show it as root's.  --uid 0 chooses fuse-overlayfs.
    if [ "$fuse" = yes ]; then
      run_sb --uid 0 -- stat -c %u /etc/passwd
      is "auto: --uid 0 shows the host's root as root inside" "$status $(cat "$T/out")" "0 0"
    else skip "auto: --uid 0 shows the host's root as root inside" "/dev/fuse or fuse-overlayfs"; fi
    continue
  fi
  run_sb --overlay "$e" --uid 0 -- sh -c 'stat -c "%u %g" /etc/passwd /usr/bin /var/lib/dpkg/lock; id -u'
  is "$e: the host's root owns its files inside" "$status $(tr '\n' ' ' <"$T/out")" "0 0 0 0 0 0 0 0 "
  if [ "$tools" != yes ]; then
    for i in 1 2 3 4; do skip "$e: package managers" "$tools"; done
    continue
  fi
  run_sb --overlay "$e" --uid 0 -- sh -c 'dpkg -i repo/sbtest-hello_1.0_all.deb >/dev/null &&
    cat /usr/share/sbtest-hello/greeting && dpkg-query -W -f "\${Status}\n" sbtest-hello'
  is "$e: dpkg -i of a .deb built with dpkg-deb" "$status $(tr '\n' ' ' <"$T/out")" "0 hi install ok installed "
  [ "$status" -eq 0 ] || diag "$(cat "$T/err")"
  run_sb --overlay "$e" --uid 0 -- sh -c "$APT update >/dev/null && $APT install -y sbtest-daemon >/dev/null &&
    stat -c %U:%G /var/lib/sbtest-daemon && getent passwd sbtestd | cut -d: -f1"
  is "$e: apt-get install from a file: repository; postinst's useradd and chown to it" \
    "$status $(tr '\n' ' ' <"$T/out")" "0 sbtestd:sbtestd sbtestd "
  [ "$status" -eq 0 ] || diag "$(cat "$T/err")"
  run_sb --overlay "$e" --uid 0 -- sh -c 'useradd -m sbtestu && id -un sbtestu && test -d /home/sbtestu &&
    f=/var/lib/dpkg/lock && : >$f && chmod 0600 $f && chown sbtestu $f && stat -c "%a %U" $f'
  is "$e: useradd; root truncates, chmods and chowns dpkg's lock" "$status $(tr '\n' ' ' <"$T/out")" "0 sbtestu 600 sbtestu "
  [ "$status" -eq 0 ] || diag "$(cat "$T/err")"
  run_sb --overlay "$e" --uid 0 --persist "$W/persist" -- dpkg -i repo/sbtest-hello_1.0_all.deb
  run_sb --overlay "$e" --uid 0 --persist "$W/persist" -- sh -c 'dpkg-query -W -f "\${Status}\n" sbtest-hello && cat /usr/share/sbtest-hello/greeting'
  is "$e: --persist keeps the installed package for the next run" "$status $(tr '\n' ' ' <"$T/out")" "0 install ok installed hi "
done

after=$(host_db)
is "the host's dpkg database, lock files and /etc/passwd are unchanged" "$after" "$before"
check "... no package of the test reached the host" sh -c '! grep -q "^Package: sbtest-" /var/lib/dpkg/status'
check "... nor its user" sh -c '! grep -q "^sbtest" /etc/passwd'
assert_clean
done_testing
