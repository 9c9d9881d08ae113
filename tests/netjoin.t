#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/netjoin.t: --net sandbox:NAME (src/netjoin.c), a pod's network: a server in one
# named sandbox answers a client in another on 127.0.0.1; the joiner's root, pid namespace
# and ids are its own; --list names the network; NAME not running, of the host's network,
# or a join with --publish: one line and 125; NAME's end leaves the joiner its loopback,
# and the joiner ends as it should.
. "${srcdir:?}/tests/lib.sh"
plan 16

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
at_exit '"$SANDBOX" --stop --all --timeout 1 >/dev/null 2>&1'
port=$((20000 + $$ % 20000))

# a server on NAME's loopback: answers each connection with its own host name
cp "$srcdir/tests/reply-server.py" "$T/server.py"
cat >"$T/client.py" <<'PY'
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
print(c.recv(100).decode().strip())
PY

run_sb -d --name srv --hostname srvhost --bind "$T" -- python3 "$T/server.py" 127.0.0.1 "$port" "$T/ready"
is "the server's sandbox starts" "$status" 0
check "and listens" wait_for 100 test -e "$T/ready"

run_sb --net sandbox:srv --hostname cli --bind "$T" -- python3 "$T/client.py" "$port"
is "a client in a sandbox that joins srv's network reaches it" "$(cat "$T/out")" srvhost
is "and exits 0" "$status" 0
run_sb --bind "$T" -- python3 "$T/client.py" "$port"
check "a sandbox of its own network does not" sh -c '[ "$1" -eq 1 ] && grep -q "Connection refused" "$2"' - "$status" "$T/err"
run_sb --net sandbox:srv -- sh -c 'hostname; test -e "$1" || echo own-tmp; cat /proc/1/comm; id -u' - "$T/ready"
is "the joiner's host name, /tmp, pid 1 and uid are its own" "$(cat "$T/out")" "sandbox
own-tmp
sandbox
$(id -u)"

# the joiner is listed with its network
run_sb -d --name cli --net sandbox:srv --bind "$T" -- sleep 60
is "a detached joiner starts" "$status" 0
check "--list shows its network" sh -c '"$SANDBOX" --list | grep -E "^cli .* sandbox:srv "'
run_sb --enter cli python3 "$T/client.py" "$port"
is "--enter into the joiner is in the joined network too" "$(cat "$T/out")" srvhost

# refused: no such sandbox, a host network, --publish with a join
run_sb --net sandbox:nosuch -- true
is "a name no sandbox runs under: one line" "$(cat "$T/err")" \
  "sandbox: --net 'sandbox:nosuch': no running sandbox has this name"
run_sb -d --name hostnet --net host -- sleep 60
run_sb --net sandbox:hostnet -- true
is "a sandbox of the host's network: one line" "$(cat "$T/err")" \
  "sandbox: --net 'sandbox:hostnet': it shares the host's network (--net host)"
is "and 125" "$status" 125
run_sb --net sandbox:srv --publish "$port:80" -- true
check "--publish with a joined network is refused" [ "$status" -eq 125 ]

# srv ends: the joiner keeps the namespace's loopback, with nothing behind srv's port
"$SANDBOX" --stop srv --timeout 2 >/dev/null 2>&1
"$SANDBOX" --enter cli true >/dev/null 2>&1
check "srv is gone, the joiner still runs" sh -c '"$SANDBOX" --list | grep -q "^cli " && ! "$SANDBOX" --list | grep -q "^srv "'
"$SANDBOX" --stop cli --timeout 2 >/dev/null 2>&1
"$SANDBOX" --stop hostnet --timeout 2 >/dev/null 2>&1
check "--list is empty" sh -c '[ -z "$("$SANDBOX" --list | tail -n +2)" ]'
assert_clean
