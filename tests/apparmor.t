#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The AppArmor profile make install puts where AppArmor restricts user namespaces (Ubuntu
# 23.10+): it allows them to the installed binary and confines nothing else; the install hook
# honours DESTDIR, and uninstall removes the file.
. "${srcdir:?}/tests/lib.sh"
plan 8

prof="$builddir/profiles/apparmor/sandbox"
check "the profile is generated" test -s "$prof"
is "it attaches to the installed binary, unconfined" \
  "$(grep '^profile' "$prof")" "profile sandbox ${SB_BINDIR:?}/sandbox flags=(unconfined) {"
is "and allows user namespaces" "$(grep -c '^  userns,$' "$prof")" 1
is "with the abi that knows the userns rule" "$(grep -c '^abi <abi/4.0>,$' "$prof")" 1
is "no template variable is left" "$(grep -c '@[a-z]*@' "$prof")" 0

mk() { ${MAKE:-make} -s -C "$builddir" "$@" APPARMOR=yes apparmordir=/etc/apparmor.d \
  DESTDIR="$T/dest" >"$T/out" 2>&1; }
mk install-data-hook
check "install-data-hook installs it under DESTDIR" cmp -s "$prof" "$T/dest/etc/apparmor.d/sandbox"
mk uninstall-hook
check "uninstall-hook removes it" test ! -e "$T/dest/etc/apparmor.d/sandbox"
# APPARMOR=no (configure found no AppArmor with the userns rule): nothing is installed
${MAKE:-make} -s -C "$builddir" install-data-hook APPARMOR=no DESTDIR="$T/none" >/dev/null 2>&1
check "without AppArmor nothing is installed" test ! -e "$T/none"
done_testing
