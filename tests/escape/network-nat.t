#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/escape/network-nat.t: a --network's way out is the holder's, never a member's
# (src/network-out.c).  A member that is root inside with every capability it may keep
# (--uid 0 --cap-add ALL) flushes every nftables rule, the default route and forwarding it
# can reach: those of its own network namespace only.  Its CAP_NET_ADMIN is in its own user
# namespace, a child of the holder's: the holder's masquerade rule, route and forwarding
# stay, and another member still gets out.
. "${srcdir:?}/tests/lib.sh"
plan 6

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
PATH=$PATH:/usr/sbin:/sbin # nft, ip
at_exit '"$SANDBOX" --stop --all --timeout 1 >/dev/null 2>&1'
sock=$XDG_RUNTIME_DIR/sandbox/networks/natnet/sock
cat >"$T/holder.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
print(struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0])
PY

# the holder's namespaces are its owner's (ours): the test may look in, a member may not
run_sb -d --name rootmember --uid 0 --cap-add ALL --network natnet --bind "$T" -- sh -c '
  nft flush ruleset; nft add table ip sandbox-network; nft delete table ip sandbox-network
  ip route flush table main; echo 0 >/proc/sys/net/ipv4/ip_forward; ip link set eth0 down
  touch "$1/done"; sleep 60' - "$T"
is "a member runs as root inside with every capability" "$status" 0
holder=$(python3 "$T/holder.py" "$sock" 2>/dev/null)
check "and tries to change the way out" wait_for 100 test -e "$T/done"
check "the holder's masquerade rule stays" \
  sh -c 'nsenter -t "$1" -U -n --preserve-credentials -- nft list table ip sandbox-network | grep -q masquerade' - "$holder"
is "and its forwarding" "$(nsenter -t "$holder" -U -n --preserve-credentials -- cat /proc/sys/net/ipv4/ip_forward 2>&1)" 1
check "and its default route" sh -c 'nsenter -t "$1" -U -n --preserve-credentials -- ip route | grep -q "^default .*tap0"' - "$holder"
"$SANDBOX" --stop rootmember --timeout 2 >/dev/null 2>&1
assert_clean
