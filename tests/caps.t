#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Capability sets in each id mode, --cap-add/--cap-drop, no_new_privs with a setuid binary.
. "${srcdir:?}/tests/lib.sh"
plan 12
XDG_CACHE_HOME=$T/cache
export XDG_CACHE_HOME

# "Inh Prm Eff Bnd Amb" as /proc/self/status shows them inside
sets() {
  "$SANDBOX" "$@" -- sh -c 'for k in CapInh CapPrm CapEff CapBnd CapAmb; do
    grep "^$k:" /proc/self/status | cut -f2; done' 2>&1 | tr '\n' ' '
}
Z=0000000000000000
DOCKER=00000000a00405fb  # CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP
                         # NET_BIND_SERVICE SYS_CHROOT AUDIT_WRITE SETFCAP
is "own uid: no capability in any set" "$(sets)" "$Z $Z $Z $Z $Z "
is "--uid 0: Docker's default set, none ambient" "$(sets --uid 0)" "$DOCKER $DOCKER $DOCKER $DOCKER $Z "
is "--uid 0 --cap-drop CHOWN" "$(sets --uid 0 --cap-drop CHOWN)" \
  "00000000a00405fa 00000000a00405fa 00000000a00405fa 00000000a00405fa $Z "
is "--uid 0 --cap-drop ALL" "$(sets --uid 0 --cap-drop ALL)" "$Z $Z $Z $Z $Z "
is "--uid 0 --cap-drop ALL --cap-add cap_kill" "$(sets --uid 0 --cap-drop ALL --cap-add cap_kill)" \
  "0000000000000020 0000000000000020 0000000000000020 0000000000000020 $Z "
N=0000000000002000 # NET_RAW
is "own uid --cap-add NET_RAW: kept across exec as ambient" "$(sets --cap-add NET_RAW)" "$N $N $N $N $N "
run_sb --cap-add FLY -- echo started
is "an unknown capability: 125, one line, nothing started" "$status $(cat "$T/err")|$(cat "$T/out")" \
  "125 sandbox: --cap-add 'FLY': unknown capability|"
run_sb --cap-drop '' -- echo started
is "an empty capability name" "$status $(cat "$T/err")" "125 sandbox: --cap-drop '': unknown capability"
is "NoNewPrivs is set" "$("$SANDBOX" -- grep ^NoNewPrivs: /proc/self/status | tr '\t' ' ')" "NoNewPrivs: 1"

# A setuid binary owned by root inside: our uid outside is root inside with --uid 0, so a
# copy of the probe we own, mode 4755, on a file system without nosuid, is setuid-root
# there.  Run as uid 1000 inside, it must stay 1000: no_new_privs.
suid=$SB_SCRATCH/suid-probe.$$
cp "$PROBE" "$suid" && chmod 4755 "$suid"
r=$("$SANDBOX" --uid 0 --gid 0 -- sh -c "stat -c '%u %a' '$suid'; setpriv --reuid 1000 --regid 1000 --clear-groups -- '$suid' ids" 2>&1)
rm -f "$suid"
is "a setuid-root binary inside gains nothing (real and effective uid stay 1000)" "$(echo $r)" "0 4755 1000 1000"
# the seccomp policy's caps rules see the kept capabilities: chroot needs CAP_SYS_CHROOT
is "default policy: chroot allowed with CAP_SYS_CHROOT (--uid 0)" \
  "$("$SANDBOX" --uid 0 -- /usr/sbin/chroot / true 2>&1; echo $?)" 0
assert_clean
done_testing
