#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/net.t: --net none|host|slirp|pasta|auto, --net-host-loopback, --publish, DNS files,
# and the helpers' end.  All traffic stays on this machine: an HTTP server the test starts on
# the host's 127.0.0.1, servers the probe starts inside.
. "${srcdir:?}/tests/lib.sh"
plan 51

H=
at_exit '[ -z "$H" ] || kill "$H" 2>/dev/null'

# a port nobody listens on: probe connect says ECONNREFUSED
free_port() {
  _p=$(( 20000 + ($$ * 7 + $1 * 131) % 30000 ))
  while [ "$("$PROBE" connect 127.0.0.1 "$_p")" != ECONNREFUSED ]; do _p=$((_p + 1)); done
  echo "$_p"
}
# Our helpers: those of this test's sandboxes, and any whose launcher is gone (a helper's
# parent is its launcher, "sandbox", or tests/fault.t's "sandbox-fault").  Other tests'
# sandboxes may run helpers meanwhile (make -j).  pasta runs as passt.avx2 where the CPU has
# AVX2: match its command line.
helpers() {
  ps -e -o pid=,ppid=,stat=,comm=,args= | awk -v top=$$ '
    { parent[$1] = $2; comm[$1] = $4; args = $0; sub(/^ *[0-9]+ +[0-9]+ +[^ ]+ +[^ ]+ +/, "", args)
      # a zombie holds nothing (an orphan waits for a lazy init to reap it)
      if ($3 !~ /^Z/ && ($4 == "slirp4netns" || args ~ /^[^ ]*pasta /)) { h[++n] = $1; helper[$1] = 1 } }
    END {
      for (i = 1; i <= n; i++) {
        # the child of a helper (slirp4netns forks one) goes by the launcher above them
        p = h[i]; q = parent[p]; while (helper[q]) q = parent[q]
        mine = comm[q] !~ /^sandbox(-fault)?$/; q = p
        while (!mine && q != "" && q > 1) { if (q == top) mine = 1; q = parent[q] }
        if (mine) print p
      }
    }'
}
# (checks wait a little: a test that kills launchers on purpose, tests/fault.t, leaves
# orphans that take a moment to die)
no_helpers() { [ -z "$(helpers)" ]; }
# after a SIGKILL of the launcher: no helper, and nothing of the sandbox (lib.sh's marker)
killed_clean() { no_helpers && [ -z "$(_leftovers)" ]; }
# The sandboxed server prints "ready" once it listens (sb_start empties its output first:
# a "ready" left from an earlier run must not count).
wait_ready() { wait_for 300 grep -q ready "$1"; }
# published MODE TEST WANT: a server inside on port 8080, published on the host's $PUB,
# answers a client there with WANT (what it saw of the client); the sandbox's status is $?
published() {
  sb_start "$T/srv" --net "$1" --publish "$PUB:8080" -- "$PROBE" serve 8080
  _b=$sb_pid
  wait_ready "$T/srv"
  is "$2" "$("$PROBE" get 127.0.0.1 "$PUB")" "$3"
  sb_wait "$_b"
}

WEB=$(free_port 1)
mkdir "$T/www" && echo hello-host >"$T/www/index.html"
python3 -m http.server --bind 127.0.0.1 "$WEB" --directory "$T/www" >/dev/null 2>&1 &
H=$!
wait_for 100 "$PROBE" connect 127.0.0.1 "$WEB" >/dev/null ||
  { echo "Bail out! the test's HTTP server did not start"; exit 1; }
check "the test's server answers on the host" [ "$("$PROBE" get 127.0.0.1 "$WEB")" = hello-host ]

# ---------------------------------------------------------------- none (the default)
run_sb -- "$PROBE" ifaces
is "the default network has lo only" "$(cat "$T/out")" lo
run_sb --net none -- "$PROBE" ifaces
is "--net none has lo only" "$(cat "$T/out")" lo
run_sb --net none -- "$PROBE" connect 127.0.0.1 "$WEB"
is "--net none: 127.0.0.1 is the sandbox's own, not the host's" "$(cat "$T/out")" ECONNREFUSED
run_sb --net none -- "$PROBE" connect 10.0.2.2 "$WEB"
is "--net none: nothing else is reachable" "$(cat "$T/out")" ENETUNREACH
run_sb --net none -- cat /etc/hosts
check "--net none: /etc/hosts names the sandbox" grep -qx '127.0.1.1	sandbox' "$T/out"

# ---------------------------------------------------------------- host
run_sb --net host -- "$PROBE" get 127.0.0.1 "$WEB"
is "--net host reaches the host's loopback" "$(cat "$T/out")" hello-host
check "--net host says what it gives away" grep -q '^sandbox: notice: --net host: .*abstract unix sockets' "$T/err"

# ---------------------------------------------------------------- slirp4netns
run_sb --net slirp -- "$PROBE" ifaces
is "--net slirp: lo and tap0" "$(cat "$T/out" | tr '\n' ' ')" "lo tap0 "
run_sb --net slirp -- "$PROBE" get 10.0.2.2 "$WEB"
is "--net slirp: the host's loopback is closed by default" "$(cat "$T/out")" ENETUNREACH
run_sb --net slirp --net-host-loopback -- "$PROBE" get 10.0.2.2 "$WEB"
is "--net slirp --net-host-loopback fetches the host's page via 10.0.2.2" "$(cat "$T/out")" hello-host
check "the helper is gone after the sandbox" wait_for 30 no_helpers

run_sb --net slirp --hostname box -- sh -c 'cat /etc/resolv.conf; getent hosts box'
check "--net slirp: resolv.conf names slirp4netns's resolver" grep -qx 'nameserver 10.0.2.3' "$T/out"
check "--net slirp: the sandbox's name resolves" grep -q '^127.0.1.1 *box$' "$T/out"
name=$(awk '!/^#/ && NF >= 2 { print $2; exit }' /etc/hosts)
run_sb --net slirp -- getent hosts "$name"
is "--net slirp: names of the host's /etc/hosts resolve the same" "$(cat "$T/out")" "$(getent hosts "$name")"

# published: a server inside answers on the host and sees the client's address
PUB=$(free_port 2)
published slirp "--net slirp --publish: the server inside answers on the host's 127.0.0.1" \
  "client 10.0.2.2"
is "and the sandbox ends with the server's status" "$?" 0

# slirp4netns keeps a client's real address, except loopback ones (those come from 10.0.2.2)
ADDR=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub("/.*", "", $4); print $4; exit }')
if [ -n "$ADDR" ]; then
  sb_start "$T/srv" --net slirp --publish "$ADDR:$PUB:8080" -- "$PROBE" serve 8080
  B=$sb_pid
  wait_ready "$T/srv"
  is "--publish HOSTIP:...: the server sees the client's own address" \
    "$("$PROBE" get "$ADDR" "$PUB" "$ADDR")" "client $ADDR"
  sb_wait "$B"
  check "and the port is closed again" [ "$("$PROBE" connect "$ADDR" "$PUB")" = ECONNREFUSED ]
else
  skip "--publish HOSTIP:...: the server sees the client's own address" "no non-loopback IPv4 address"
  skip "and the port is closed again" "no non-loopback IPv4 address"
fi

# UDP: slirp4netns answers a loopback client through 10.0.2.2, the host's loopback
udp_echo() { # SRC PORT: one datagram there and back through the published port
  python3 -c 'import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(3); s.bind((sys.argv[1],0))
a=(sys.argv[1],int(sys.argv[2])); s.sendto(b"hi",a)
try: print(s.recv(100).decode())
except OSError as e: print(e)
finally: s.sendto(b"quit",a)' "$1" "$2"
}
udp_case() { # DESC SRC SANDBOX-OPTIONS...
  _d=$1 _src=$2; shift 2
  sb_start "$T/srv" --net slirp "$@" --publish "$_src:$PUB:5353/udp" -- "$PROBE" udpecho 5353
  B=$sb_pid
  wait_ready "$T/srv"
  is "$_d" "$(udp_echo "$_src" "$PUB")" "echo:hi"
  wait_for 50 _ended "$B" || kill "$B"
  sb_wait "$B"
}
udp_case "--publish .../udp --net-host-loopback: a loopback client's datagram and answer" \
  127.0.0.1 --net-host-loopback
run_sb --net slirp --publish "$PUB:5353/udp" -- true
is "without it, a UDP port on the host's loopback is warned about" "$(cat "$T/err")" \
  "sandbox: warning: --publish '$PUB:5353/udp': answers to the host's loopback need --net-host-loopback"
if [ -n "$ADDR" ]; then
  udp_case "--publish .../udp: another address's client, without host loopback" "$ADDR"
else
  skip "--publish .../udp: another address's client, without host loopback" "no non-loopback IPv4 address"
fi

# the same host port twice: the second fails before anything starts
sb_start "$T/srv" --net slirp --publish "$PUB:8080" -- "$PROBE" serve 8080
B=$sb_pid
wait_ready "$T/srv"
run_sb --net slirp --publish "$PUB:8080" -- true
is "a host port in use: exit 125" "$status" 125
is "with one line" "$(cat "$T/err")" "sandbox: --publish '$PUB:8080': Address already in use"
run_sb --net pasta --publish "127.0.0.1:$PUB:8080" -- true
is "the same through pasta" "$(cat "$T/err")" "sandbox: --publish '127.0.0.1:$PUB:8080': Address already in use"
is "the first sandbox still serves" "$("$PROBE" get 127.0.0.1 "$PUB")" "client 10.0.2.2"
sb_wait "$B"
check "no helper is left" wait_for 30 no_helpers

# ---------------------------------------------------------------- pasta
run_sb --net pasta -- "$PROBE" ifaces
is "--net pasta: lo and tap0" "$(cat "$T/out" | tr '\n' ' ')" "lo tap0 "
run_sb --net pasta --net-host-loopback -- sh -c "\"$PROBE\" get \$(\"$PROBE\" gateway) $WEB"
is "--net pasta --net-host-loopback fetches the host's page via the gateway" "$(cat "$T/out")" hello-host
# Without --net-host-loopback the gateway's address is the real router's, so no test sends
# traffic there: that pasta maps nothing to the host's loopback is read off its arguments.
sb_start "$T/pw" --net pasta -- sh -c 'echo ready; exec sleep 30'
B=$sb_pid
wait_ready "$T/pw"
pargs=$(ps -o args= --ppid "$B" | grep 'pasta ' || true)
kill "$B"; sb_wait "$B"
check "--net pasta: the host's loopback is closed by default (pasta --no-map-gw)" \
  sh -c 'printf "%s\n" "$1" | grep -q -- "--no-map-gw"' - "$pargs"
run_sb --net pasta -- cat /etc/resolv.conf
check "--net pasta: resolv.conf names pasta's DNS forwarder" grep -qx 'nameserver 169.254.1.1' "$T/out"
# started by a program that ignores SIGPIPE (Python does; the ignore survives exec)
for mode in slirp pasta; do
  status=0
  (trap '' PIPE && exec "$SB_TIMEOUT" -k 5 "$SB_STEP_LIMIT" "$SANDBOX" --net "$mode" -- true) >"$T/out" 2>&1 ||
    status=$?
  is "--net $mode starts when the caller ignores SIGPIPE" "$status $(cat "$T/out")" "0 "
done

published pasta "--net pasta --publish: the server answers and sees the client's 127.0.0.1" \
  "client 127.0.0.1"
check "the helper is gone after the sandbox" wait_for 30 no_helpers

# both helpers serve tap0: pasta is told apart by its DNS forwarder
run_sb --net auto -- cat /etc/resolv.conf
check "--net auto takes pasta when it is installed" grep -qx 'nameserver 169.254.1.1' "$T/out"

# ---------------------------------------------------------------- the helpers end with us
for mode in slirp pasta; do
  sb_start "$T/srv" --net "$mode" -- "$PROBE" sig
  L=$sb_pid
  wait_ready "$T/srv"
  check "--net $mode: the helper runs while the sandbox does" [ -n "$(helpers)" ]
  kill -9 "$L"
  sb_wait "$L" 2>/dev/null
  check "--net $mode: SIGKILL of the launcher ends the helper and the sandbox" wait_for 50 killed_clean
done

# ---------------------------------------------------------------- bad input: one line, 125
run_sb --net bogus -- true
is "--net bogus: exit 125" "$status" 125
is "with one line" "$(cat "$T/err")" "sandbox: --net 'bogus': expected none, host, slirp, pasta, auto or sandbox:NAME"
run_sb --publish 8080 --net slirp -- true
is "--publish without a host port" "$(cat "$T/err")" \
  "sandbox: --publish '8080': expected [HOSTIP:]HOSTPORT:PORT[/tcp|/udp]"
run_sb --publish "$PUB:80" -- true
is "--publish needs a helper" "$(cat "$T/err")" "sandbox: --publish '$PUB:80': needs --net slirp, pasta or auto"
run_sb --net-host-loopback --net host -- true
is "--net-host-loopback needs a helper" "$(cat "$T/err")" \
  "sandbox: --net-host-loopback: needs --net slirp, pasta or auto"
status=0
PATH=/nonexistent "$SANDBOX" --net slirp -- /bin/true >"$T/out" 2>"$T/err" || status=$?
is "slirp4netns missing: exit 125" "$status" 125
is "with a line naming the package" "$(cat "$T/err")" \
  "sandbox: --net slirp: slirp4netns not found: install the Debian package slirp4netns"
PATH=/nonexistent "$SANDBOX" --net pasta -- /bin/true >"$T/out" 2>"$T/err"
is "pasta missing: the package is passt" "$(cat "$T/err")" \
  "sandbox: --net pasta: pasta not found: install the Debian package passt"
PATH=/nonexistent "$SANDBOX" --net auto -- /bin/true >"$T/out" 2>"$T/err"
is "neither: both packages" "$(cat "$T/err")" \
  "sandbox: --net auto: neither pasta nor slirp4netns found: install the Debian package passt or slirp4netns"

check "no helper is left at the end" wait_for 30 no_helpers
assert_clean
done_testing
