#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/escape/netjoin-state.t: firejail's CVE-2022-31214 class on --net sandbox:NAME
# (src/netjoin.c): a join must never land in a network namespace that NAME's launcher did
# not make: not the host's (its loopback), not one a faked state folder names, not another
# user's sandbox's.  It trusts NAME only through --enter's checks (enter_load_checked) and
# refuses a network that is the host's whatever the state says.  A joiner of a sandbox with
# user-mode networking does not reach the host's loopback either.
. "${srcdir:?}/tests/lib.sh"
plan 12

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
S=$XDG_RUNTIME_DIR/sandbox
at_exit '"$SANDBOX" --stop --all --timeout 1 >/dev/null 2>&1'
port=$((20000 + $$ % 20000))
hport=$((port + 1))

cp "$srcdir/tests/reply-server.py" "$T/server.py"
cat >"$T/client.py" <<'PY'
import socket, sys
c = socket.create_connection((sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1", int(sys.argv[1])), timeout=3)
print(c.recv(100).decode().strip())
PY
# the host's loopback: a service the sandboxes must not reach
python3 "$T/server.py" 127.0.0.1 "$hport" "$T/host-ready" host-loopback &
hsrv=$!
at_exit 'kill $hsrv 2>/dev/null'
wait_for 100 test -e "$T/host-ready"

run_sb -d --name srv --bind "$T" -- python3 "$T/server.py" 127.0.0.1 "$port" "$T/ready" srv
wait_for 100 test -e "$T/ready"
run_sb --net sandbox:srv --bind "$T" -- python3 "$T/client.py" "$port"
is "a real sandbox's network is joined" "$(cat "$T/out")" srv

# joined: 127.0.0.1 is srv's own loopback, not the host's
run_sb --net sandbox:srv --bind "$T" -- python3 "$T/client.py" "$hport"
check "the joiner does not reach the host's loopback" sh -c '[ "$1" -ne 0 ] && [ ! -s "$2" ]' - "$status" "$T/out"
# a sandbox with user-mode networking: neither through 127.0.0.1 nor its gateway
run_sb -d --name slirpy --net slirp -- sleep 60
run_sb --net sandbox:slirpy --bind "$T" -- sh -c 'echo joined; python3 "$1/client.py" "$2"; python3 "$1/client.py" "$2" 10.0.2.2' - "$T" "$hport"
check "nor does a joiner of a --net slirp sandbox, through its gateway either" \
  sh -c 'grep -q joined "$1" && ! grep -q host-loopback "$1"' - "$T/out"

# a fake folder: a live "launcher" (this shell), "pid 1" a child of it, the namespaces
# recorded the host's, so that a process below it is in all of them
plant_state "$S" fake '"network":"none",'
run_sb --net sandbox:fake --bind "$T" -- python3 "$T/client.py" "$hport"
check "a faked state folder naming the host's network is refused (125)" [ "$status" -eq 125 ]
check "and nothing reached the host's loopback" sh -c '! grep -q host-loopback "$1"' - "$T/out"
unplant_state

# another user's processes named as launcher and pid 1 (root's: init and one of its
# children): their namespaces are not ours to open, and not ours to join
rootkid=$(ps -o pid= -u root --ppid 1 2>/dev/null | awk 'NR == 1 {print $1}')
if [ -n "$rootkid" ] && [ -r /proc/1/stat ]; then
  dir=run-$(stat -L -c %i /proc/self/ns/pid)-1-$(start_of 1)
  mkdir -m 0700 "$S/$dir"
  ln -s "$dir" "$S/theirs"
  printf '{"name":"theirs","launcher":1,"pid":%s,"pid_start":%s,"namespaces":{%s"x":""},"network":"none"}' \
    "$rootkid" "$(start_of "$rootkid")" "$plant_ns" >"$S/$dir/state.json"
  run_sb --net sandbox:theirs --bind "$T" -- python3 "$T/client.py" "$hport"
  check "another user's processes named as a sandbox are refused (125)" [ "$status" -eq 125 ]
  check "and nothing ran" [ ! -s "$T/out" ]
  rm -rf "${S:?}/$dir" "$S/theirs"
else
  skip "another user's processes named as a sandbox are refused" "no root process below pid 1 here"
  skip "and nothing ran" "no root process below pid 1 here"
fi

# a real sandbox of the host's network whose state says otherwise: the network itself is
# compared with ours
run_sb -d --name hostnet --net host -- sleep 60
real=$(readlink "$S/hostnet")
sed -i 's/"network": *"host"/"network":"none"/' "$S/$real/state.json"
run_sb --net sandbox:hostnet --bind "$T" -- python3 "$T/client.py" "$hport"
check "a --net host sandbox whose state says none is refused (125)" sh -c \
  '[ "$1" -eq 125 ] && grep -q "shares the host.s network" "$2"' - "$status" "$T/err"
check "and nothing reached the host's loopback" sh -c '! grep -q host-loopback "$1"' - "$T/out"

# srv's real state, its recorded network changed to the host's
real=$(readlink "$S/srv")
python3 - "$S/$real/state.json" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
st = os.stat("/proc/self/ns/net")
d["namespaces"]["net"] = "%d:%d" % (st.st_dev, st.st_ino)
json.dump(d, open(sys.argv[1], "w"))
PY
run_sb --net sandbox:srv --bind "$T" -- python3 "$T/client.py" "$hport"
check "a state whose network is not the sandbox's is refused (125)" [ "$status" -eq 125 ]
check "and nothing reached the host's loopback" sh -c '! grep -q host-loopback "$1"' - "$T/out"

"$SANDBOX" --stop --all --timeout 2 >/dev/null 2>&1
kill "$hsrv" 2>/dev/null
wait "$hsrv" 2>/dev/null
assert_clean
