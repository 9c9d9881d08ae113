#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/network.t: --network NET (src/network.c), a named private network: a server in one
# member answers a client in another, by the server's sandbox name; each member's
# /etc/hosts follows the members that come and go; a sandbox outside the network, or on
# another network, does not reach it; the network's holder ends with its last member, also
# when that member's launcher is killed; a bad name: one line and 125.  The way out: a
# member reaches a server on the host's side (on an address of the host that is not
# loopback) through the network's one slirp4netns, masqueraded; the host's loopback stays
# closed.  Two members publish a port each on the host; a port in use is refused.  A SIGKILL of the holder alone leaves the members talking; the network's folder
# goes with the last member.
. "${srcdir:?}/tests/lib.sh"
plan 29

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
at_exit '"$SANDBOX" --stop --all --timeout 1 >/dev/null 2>&1'
port=$((20000 + $$ % 20000))
sock=$XDG_RUNTIME_DIR/sandbox/networks/appnet/sock

# a server on every address of its sandbox: answers each connection with its host name
cp "$srcdir/tests/reply-server.py" "$T/server.py"
cat >"$T/client.py" <<'PY'
import socket, sys
try:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
    print(c.recv(100).decode().strip())
except OSError as e:
    print("failed:", e)
    sys.exit(1)
PY
# the holder's pid: the peer of its socket
cat >"$T/holder.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
print(struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0])
PY
gone() { ! kill -0 "$1" 2>/dev/null; }

run_sb -d --name db --hostname dbhost --network appnet --bind "$T" -- \
  python3 "$T/server.py" 0.0.0.0 "$port" "$T/ready"
is "a member starts (its network made on first use)" "$status" 0
check "and listens" wait_for 100 test -e "$T/ready"
holder=$(python3 "$T/holder.py" "$sock" 2>/dev/null)
check "the network has a holder outside the sandboxes" [ -n "$holder" ]

run_sb --network appnet --name web --bind "$T" -- python3 "$T/client.py" db "$port"
is "a member reaches another by its sandbox name" "$(cat "$T/out")" dbhost
is "and exits 0" "$status" 0

run_sb -d --name cli --network appnet -- sleep 60
run_sb --enter db sh -c 'grep -c "^10\.89\.0\.[0-9]*	cli$" /etc/hosts'
is "the first member's /etc/hosts names a member that came later" "$(cat "$T/out")" 1
run_sb --enter cli python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("10.89.0.1", 9)); print(s.getsockname()[0])'
check "a member has an address of the subnet" grep -qx "10\\.89\\.0\\.[0-9]*" "$T/out"

run_sb --bind "$T" -- python3 "$T/client.py" db "$port"
check "a sandbox outside the network does not reach it" sh -c '[ "$1" -eq 1 ]' - "$status"
dbaddr=$("$SANDBOX" --enter db sh -c "grep '	db\$' /etc/hosts | cut -f1")
run_sb --network other --bind "$T" -- python3 "$T/client.py" "$dbaddr" "$port"
check "nor does a member of another network, at db's address ($dbaddr)" \
  sh -c '[ "$1" -eq 1 ]' - "$status"
run_sb --network appnet --bind "$T" -- python3 "$T/client.py" 10.89.0.1 "$port"
check "nor does a member reach the holder's namespace" sh -c '[ "$1" -eq 1 ]' - "$status"

"$SANDBOX" --stop db --timeout 2 >/dev/null 2>&1
check "the holder stays while a member runs" kill -0 "$holder"
"$SANDBOX" --stop cli --timeout 2 >/dev/null 2>&1
check "and ends with the last member" wait_for 50 gone "$holder"

# a killed launcher: its connection closes, its network goes
run_sb -d --name lone --network appnet -- sleep 60
holder=$(python3 "$T/holder.py" "$sock" 2>/dev/null)
launcher=$("$SANDBOX" --list --json | python3 -c 'import json,sys; print([s["launcher"] for s in json.load(sys.stdin) if s["name"]=="lone"][0])' 2>/dev/null)
kill -KILL "$launcher" 2>/dev/null
check "after SIGKILL of its only member's launcher, the holder ends" wait_for 50 gone "$holder"

# ---------------------------------------------------------------- the way out
run_sb --network appnet -- sh -c 'cat /etc/resolv.conf; ip route'
check "a member's resolver is slirp4netns's" grep -qx 'nameserver 10\.0\.2\.3' "$T/out"
check "and its default route the bridge's address" grep -q '^default via 10\.89\.0\.1 dev eth0' "$T/out"
hostip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
oport=$((port + 1))
lport=$((port + 2))
python3 "$T/server.py" 127.0.0.1 "$lport" "$T/lready" host-loopback >/dev/null 2>&1 &
at_exit "kill $! 2>/dev/null"
if [ -n "$hostip" ]; then
  python3 "$T/server.py" "$hostip" "$oport" "$T/hready" host-side >/dev/null 2>&1 &
  at_exit "kill $! 2>/dev/null"
  wait_for 100 test -e "$T/hready"
  run_sb --network appnet --bind "$T" -- python3 "$T/client.py" "$hostip" "$oport"
  is "a member reaches a server on the host's side ($hostip)" "$(cat "$T/out")" host-side
else
  skip "a member reaches a server on the host's side" "the host has no global IPv4 address"
fi
wait_for 100 test -e "$T/lready"
run_sb --network appnet --bind "$T" -- python3 "$T/client.py" 10.0.2.2 "$lport"
check "the host's loopback stays closed (10.0.2.2)" sh -c '[ "$1" -eq 1 ]' - "$status"
run_sb --network appnet --bind "$T" -- python3 "$T/client.py" 10.89.0.1 "$lport"
check "and through the gateway's address" sh -c '[ "$1" -eq 1 ]' - "$status"

# ---------------------------------------------------------------- --publish
p1=$((port + 3))
p2=$((port + 4))
run_sb -d --name pub1 --hostname pub1host --network appnet --publish "$p1:8080" --bind "$T" -- \
  python3 "$T/server.py" 0.0.0.0 8080 "$T/p1ready"
run_sb -d --name pub2 --hostname pub2host --network appnet --publish "$p2:8080" --bind "$T" -- \
  python3 "$T/server.py" 0.0.0.0 8080 "$T/p2ready"
wait_for 300 test -e "$T/p1ready" && wait_for 300 test -e "$T/p2ready"
is "a member's published port reaches it" "$(python3 "$T/client.py" 127.0.0.1 "$p1")" pub1host
is "and another member's, another port, reaches that one" "$(python3 "$T/client.py" 127.0.0.1 "$p2")" pub2host
run_sb --network appnet --publish "$p1:80" -- true
check "a port published already: one line and 125" \
  sh -c '[ "$1" -eq 125 ] && grep -q "^sandbox: --publish .*'"$p1"'" "$2"' - "$status" "$T/err"
l1=$("$SANDBOX" --list --json | python3 -c 'import json,sys; print([s["launcher"] for s in json.load(sys.stdin) if s["name"]=="pub1"][0])' 2>/dev/null)
"$SANDBOX" --stop pub1 --timeout 2 >/dev/null 2>&1
# (its launcher leaves the network last: the holder frees its port then)
wait_for 50 gone "$l1"
run_sb -d --name pub3 --hostname pub3host --network appnet --publish "$p1:8080" --bind "$T" -- \
  python3 "$T/server.py" 0.0.0.0 8080 "$T/p3ready"
[ "$status" -eq 0 ] || diag "pub3 did not start ($status): $(head -c 300 "$T/err")"
wait_for 300 test -e "$T/p3ready" || diag "pub3's server is not ready after 30 s"
is "a member's port is free again once it ends" "$(python3 "$T/client.py" 127.0.0.1 "$p1")" pub3host
"$SANDBOX" --stop pub2 --timeout 2 >/dev/null 2>&1
"$SANDBOX" --stop pub3 --timeout 2 >/dev/null 2>&1
check "the network is gone with them" wait_for 50 test ! -e "$XDG_RUNTIME_DIR/sandbox/networks/appnet"

# ---------------------------------------------------------------- a killed holder
run_sb -d --name k1 --hostname k1host --network knet --bind "$T" -- python3 "$T/server.py" 0.0.0.0 "$port" "$T/kready"
run_sb -d --name k2 --network knet --bind "$T" -- sleep 60
wait_for 100 test -e "$T/kready"
holder=$(python3 "$T/holder.py" "$XDG_RUNTIME_DIR/sandbox/networks/knet/sock" 2>/dev/null)
kill -KILL "$holder" 2>/dev/null
check "knet's holder is killed" wait_for 50 gone "$holder"
run_sb --enter k2 python3 "$T/client.py" k1 "$port"
is "after SIGKILL of the holder alone, its members still reach each other" "$(cat "$T/out")" k1host
"$SANDBOX" --stop k1 --timeout 2 >/dev/null 2>&1
check "the network's folder stays while a member runs" test -d "$XDG_RUNTIME_DIR/sandbox/networks/knet"
"$SANDBOX" --stop k2 --timeout 2 >/dev/null 2>&1
check "and goes with the last one" wait_for 50 test ! -e "$XDG_RUNTIME_DIR/sandbox/networks/knet"

run_sb --network 'bad/name' -- true
is "a bad network name: one line and 125" "$status $(cat "$T/err")" \
  "125 sandbox: --network 'bad/name': a name of letters, digits, '_', '.' and '-', up to 64"
assert_clean
