#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/egress.t: --allow-host, --allow-net, --deny-net, --net-log, and the attacks on them.
# Everything runs in a user and network namespace of the test's own (unshare -Urnm), where
# the test gives itself addresses (192.0.2.0/24, 2001:db8::/64 on lo; a veth pair with a
# default route), a DNS server (tests/dns-server.py) named by a resolv.conf bound over
# /etc/resolv.conf, an HTTP server and a UDP echo server.  Never another address: the
# sandboxes reach them through slirp4netns and pasta, which connect from the test's
# namespace.  --no-subids: newuidmap does not work in a nested namespace.
if [ -z "${EGRESS_INNER:-}" ]; then
  if ! unshare -Urnm true 2>/dev/null; then
    echo "1..0 # SKIP unshare -Urnm: no user and network namespaces for the test"
    exit 0
  fi
  EGRESS_INNER=1 exec unshare -Urnm sh "$0" "$@"
fi
. "${srcdir:?}/tests/lib.sh"
MODES="slirp"
command -v pasta >/dev/null && MODES="slirp pasta"
plan $((38 + $(echo $MODES | wc -w) * 15))

PIDS=
# the zone, and the script that changes it from inside: in the working directory, which
# every sandbox binds read-write
Z=$(mktemp -d "$PWD/egress-zone.XXXXXX")
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T" "$Z"; }
at_exit cleanup
# the client runs inside: a copy in the working directory, since a source tree under /tmp
# (make distcheck from there) is not visible inside
cp "$srcdir/tests/egress-client.py" "$Z/" || exit 1
CLIENT="python3 $Z/egress-client.py"
IP=$(command -v ip || echo /usr/sbin/ip)

# ---------------------------------------------------------------- the test's network
$IP link set lo up
$IP link add v0 type veth peer name v1 && $IP link set v0 up && $IP link set v1 up
$IP addr add 198.51.100.2/24 dev v0 && $IP -6 addr add 2001:db8:1::2/64 dev v0 nodad
$IP route add default via 198.51.100.1 dev v0 onlink
$IP -6 route add default via 2001:db8:1::1 dev v0 onlink
for a in 192.0.2.10 192.0.2.11 192.0.2.53 192.0.2.66; do $IP addr add $a/32 dev lo; done
for a in 2001:db8::10 2001:db8::66; do $IP -6 addr add $a/128 dev lo; done
cat >"$Z/zone" <<EOF
allowed.test A 192.0.2.10 1
allowed.test AAAA 2001:db8::10 1
www.allowed.test A 192.0.2.10 1
alias.allowed.test CNAME evil.test 1
chain.allowed.test CNAME www.allowed.test 1
rebind.allowed.test A 192.0.2.10 1
evil.test A 192.0.2.66 1
evil.test AAAA 2001:db8::66 1
EOF
echo "nameserver 192.0.2.53" >"$T/resolv.conf"
mount --bind "$T/resolv.conf" /etc/resolv.conf
python3 "$srcdir/tests/dns-server.py" 192.0.2.53 "$Z/zone" "$T/queries" >"$T/dns.out" 2>&1 &
PIDS="$PIDS $!"
mkdir "$T/www" && echo hello-egress >"$T/www/index.html"
python3 -m http.server --bind :: 8000 --directory "$T/www" >/dev/null 2>&1 &
PIDS="$PIDS $!"
python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", 7000))
while True:
    d, a = s.recvfrom(100)
    s.sendto(b"echo:" + d, a)' &
PIDS="$PIDS $!"
wait_for 100 grep -q ready "$T/dns.out" && wait_for 100 $CLIENT tcp 192.0.2.10 8000 >/dev/null ||
  { echo "Bail out! the test's servers did not start"; exit 1; }
is "the test's own DNS server answers" "$($CLIENT dns 192.0.2.53 allowed.test)" "rcode=0
192.0.2.10"

SB="$SANDBOX --no-subids"
# box MODE ARGS... -- CMD: the sandbox's stdout in $T/out, its log lines in $T/err
box() { _m=$1; shift; run_sb --no-subids --net "$_m" "$@"; }
queried() { grep -qx "$1" "$T/queries"; }

# ---------------------------------------------------------------- each helper
for m in $MODES; do
  box "$m" --allow-host allowed.test -- $CLIENT get allowed.test 8000
  is "$m: an allowed name is reached" "$(cat "$T/out")" hello-egress
  box "$m" --allow-host allowed.test -- sh -c "$CLIENT resolve allowed.test; $CLIENT tcp 192.0.2.66 8000"
  is "$m: the allowed name resolves to its addresses" "$(head -n 2 "$T/out")" "192.0.2.10
2001:db8::10"
  is "$m: attack: an IPv4 literal no allowed name resolved to is refused at once" \
    "$(tail -n 1 "$T/out")" EHOSTUNREACH
  box "$m" --allow-host allowed.test -- sh -c "$CLIENT wait6; $CLIENT resolve allowed.test >/dev/null; $CLIENT get 2001:db8::10 8000; $CLIENT tcp 2001:db8::66 8000"
  is "$m: IPv6: the allowed name's address is reached" "$(sed -n 2p "$T/out")" hello-egress
  is "$m: attack: an IPv6 literal no allowed name resolved to is refused" "$(sed -n 3p "$T/out")" EACCES
  box "$m" --allow-host allowed.test -- $CLIENT tcp 192.0.2.10 8000
  is "$m: an allowed name's address is closed until the name is resolved" "$(cat "$T/out")" EHOSTUNREACH
  : >"$T/queries"
  box "$m" --allow-host allowed.test --net-log -- sh -c "$CLIENT resolve evil.test; $CLIENT dns 192.0.2.53 evil.test; $CLIENT dns 192.0.2.53 evil.test tcp"
  is "$m: attack: a name not allowed does not resolve" "$(sed -n 1p "$T/out")" error
  is "$m: attack: DNS to another server is refused" "$(sed -n 2p "$T/out")" EPERM
  is "$m: attack: DNS over TCP to another server is refused" "$(sed -n 3p "$T/out")" EHOSTUNREACH
  check "$m: no query for the name left the sandbox" sh -c "! grep -q evil '$T/queries'"
  check "$m: --net-log: the refused name is logged" \
    grep -q '^sandbox: net: refused proto=dns name=evil.test type=A why=not-allowed$' "$T/err"
  check "$m: --net-log: the refused DNS packet is logged" \
    grep -q '^sandbox: net: refused proto=udp addr=192.0.2.53 port=53 why=not-allowed$' "$T/err"
  box "$m" --allow-host allowed.test -- sh -c "$CLIENT udp allowed.test 7000; $CLIENT udp 192.0.2.66 7000"
  is "$m: UDP to an allowed name passes" "$(sed -n 1p "$T/out")" echo:ping
  is "$m: attack: a UDP flow to another address is refused" "$(sed -n 2p "$T/out")" EPERM
  assert_clean
done

# ---------------------------------------------------------------- the resolver
m=slirp
box $m --allow-host allowed.test -- sh -c "$CLIENT dns 127.0.0.53 allowed.test tcp; $CLIENT dns 127.0.0.53 evil.test tcp"
is "the sandbox's resolver answers over TCP too" "$(sed -n 1,2p "$T/out")" "rcode=0
192.0.2.10"
is "over TCP, a name not allowed is NXDOMAIN" "$(sed -n 3p "$T/out")" rcode=3
box $m --allow-host allowed.test -- $CLIENT dns 10.0.2.3 allowed.test
is "attack: slirp4netns's own resolver is refused" "$(cat "$T/out")" EPERM
box $m --allow-host '*.allowed.test' -- sh -c "$CLIENT resolve www.allowed.test; $CLIENT resolve allowed.test"
is "*.NAME allows the names below NAME, not NAME itself" "$(cat "$T/out")" "192.0.2.10
error"
box $m --allow-host '*.allowed.test' --net-log -- sh -c "$CLIENT resolve alias.allowed.test; $CLIENT tcp 192.0.2.66 8000"
is "attack: a CNAME to a name not allowed does not resolve" "$(sed -n 1p "$T/out")" error
is "and its target's address stays closed" "$(sed -n 2p "$T/out")" EHOSTUNREACH
check "the CNAME is logged with its target" \
  grep -q 'refused proto=dns name=alias.allowed.test type=A why=cname target=evil.test$' "$T/err"
box $m --allow-host '*.allowed.test' -- $CLIENT get chain.allowed.test 8000
is "a CNAME to an allowed name resolves and connects" "$(cat "$T/out")" hello-egress

# rebinding: the name's answer changes while the sandbox runs
cat >"$Z/rebind.sh" <<EOF
$CLIENT get rebind.allowed.test 8000
sed -i 's/^rebind.allowed.test A 192.0.2.10 1\$/rebind.allowed.test A 10.0.2.2 1\nrebind.allowed.test A 127.0.0.1 1/' "$Z/zone"
$CLIENT resolve rebind.allowed.test
$CLIENT tcp 10.0.2.2 8000
sed -i 's/^rebind.allowed.test A 10.0.2.2 1\$/rebind.allowed.test A 192.0.2.11 1/' "$Z/zone"
$CLIENT get rebind.allowed.test 8000
for i in \$(seq 60); do [ "\$($CLIENT tcp 192.0.2.10 8000)" = EHOSTUNREACH ] && break; sleep 0.5; done
$CLIENT tcp 192.0.2.10 8000
EOF
# the sandbox rewrites the zone itself, between its queries
box $m --net-host-loopback --allow-host '*.allowed.test' --net-log -- sh "$Z/rebind.sh"
is "rebinding: the first answer connects" "$(sed -n 1p "$T/out")" hello-egress
is "rebinding: loopback and the helper's gateway are dropped from the answer" "$(sed -n 2p "$T/out")" error
is "rebinding: the host's loopback through the gateway stays closed" "$(sed -n 3p "$T/out")" EHOSTUNREACH
check "rebinding: the dropped addresses are logged" \
  grep -q 'refused proto=dns name=rebind.allowed.test addr=10.0.2.2 why=special-address' "$T/err"
is "rebinding: a new public answer connects" "$(sed -n 4p "$T/out")" hello-egress
is "rebinding: the old address closes after its TTL" "$(sed -n 5p "$T/out")" EHOSTUNREACH
sed -i 's/^rebind.allowed.test A .*/rebind.allowed.test A 192.0.2.10 1/' "$Z/zone"

# ---------------------------------------------------------------- --allow-net, --deny-net
box $m --allow-net 192.0.2.10:8000/tcp -- sh -c "$CLIENT tcp 192.0.2.10 8000; $CLIENT udp 192.0.2.10 7000; $CLIENT tcp 192.0.2.11 8000; $CLIENT resolve allowed.test"
is "--allow-net ADDR:PORT/tcp: that port passes, UDP and other addresses not, no name resolves" \
  "$(cat "$T/out")" "ok
EPERM
EHOSTUNREACH
error"
box $m --allow-net 192.0.2.0/24:7000-7001/udp -- sh -c "$CLIENT udp 192.0.2.11 7000; $CLIENT tcp 192.0.2.11 8000"
is "--allow-net CIDR:PORT-PORT/udp" "$(cat "$T/out")" "echo:ping
EHOSTUNREACH"
box $m --allow-net 192.0.2.0/24 --deny-net 192.0.2.66 --allow-host allowed.test --deny-net 192.0.2.10:8000 --net-log -- \
  sh -c "$CLIENT tcp 192.0.2.11 8000; $CLIENT tcp 192.0.2.66 8000; $CLIENT resolve allowed.test >/dev/null; $CLIENT tcp allowed.test 8000; $CLIENT udp allowed.test 7000"
is "--deny-net wins over --allow-net and --allow-host, for its ports only" "$(cat "$T/out")" "ok
EHOSTUNREACH
EHOSTUNREACH
echo:ping"
check "--net-log names the host of a refused address it knows" \
  grep -q 'refused proto=tcp addr=192.0.2.10 port=8000 name=allowed.test why=deny-net$' "$T/err"
# a 100-entry policy (one interval set a kind, and a rule for a spec that overlaps an
# element of its set) is enforced exactly: its last entries connect, next door does not
A100=$(i=0; while [ $i -lt 96 ]; do printf ' --allow-net 198.18.%d.%d:443/tcp' $((i / 256)) $((i % 256)); i=$((i + 1)); done)
box $m $A100 --allow-net '[2001:db8::10]:8000/tcp' --allow-net 192.0.2.0/24:7000/udp \
  --allow-net 192.0.2.11:7000/udp --allow-net 192.0.2.10:8000/tcp -- sh -c "$CLIENT tcp 192.0.2.10 8000; \
  $CLIENT tcp 192.0.2.11 8000; $CLIENT tcp 192.0.2.10 8001; $CLIENT udp 192.0.2.11 7000; $CLIENT udp 192.0.2.10 7001; \
  $CLIENT wait6; $CLIENT tcp 2001:db8::10 8000; $CLIENT tcp 2001:db8::11 8000"
is "100 entries: the last one connects" "$(sed -n 1p "$T/out")" ok
is "100 entries: the next address, and the next port, are refused" "$(sed -n 2,3p "$T/out")" "EHOSTUNREACH
EHOSTUNREACH"
is "100 entries: a spec inside another's range passes, the next port not" "$(sed -n 4,5p "$T/out")" "echo:ping
EPERM"
is "100 entries: IPv6: the entry connects, the next address is refused" "$(sed -n 7,8p "$T/out")" "ok
EACCES"
box $m --allow-net 192.0.2.10 --net-log="$T/net.log" -- $CLIENT tcp 192.0.2.66 8000
check "--net-log=FILE appends the lines to FILE" grep -q 'Z refused proto=tcp addr=192.0.2.66 port=8000 why=not-allowed$' "$T/net.log"

# ---------------------------------------------------------------- the rules are not the command's
NFT=$(command -v nft || echo /usr/sbin/nft)
box $m --uid 0 --allow-net 192.0.2.10 -- sh -c "$NFT flush ruleset 2>/dev/null; echo \$?; $CLIENT tcp 192.0.2.66 8000"
if [ -x "$NFT" ]; then
  is "attack: root inside cannot change the rules" "$(cat "$T/out")" "1
EHOSTUNREACH"
else
  skip "attack: root inside cannot change the rules" "nft (Debian package nftables) not installed"
fi
box $m --uid 0 --allow-net 192.0.2.10 -- python3 -c '
import socket
for f, t, p in ((socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP), (socket.AF_PACKET, socket.SOCK_RAW, 0)):
    try:
        socket.socket(f, t, p); print("open")
    except OSError as e:
        print(e.errno)'
is "attack: no raw or packet socket, even as --uid 0" "$(cat "$T/out")" "1
1"
box $m --allow-net 192.0.2.10 --cap-add NET_RAW -- true
is "--cap-add NET_RAW with a policy is refused (exit 125)" "$status" 125
check "with one line saying why" grep -q "^sandbox: --cap-add: CAP_NET_ADMIN and CAP_NET_RAW would let" "$T/err"
box none --allow-host allowed.test -- true
check "--allow-host needs a helper network" grep -qx "sandbox: --allow-host: needs --net slirp, pasta or auto" "$T/err"
box $m --deny-net 10.0.0.0/8 -- true
check "--deny-net alone is refused" grep -q "^sandbox: --deny-net '10.0.0.0/8': needs --allow-host or --allow-net" "$T/err"
box $m --allow-net 10.0.0.0/33 -- true
check "a bad CIDR says why" grep -qx "sandbox: --allow-net '10.0.0.0/33': the prefix length must be 0 to 32 (IPv4) or 128 (IPv6)" "$T/err"
box $m --allow-host 'a..b' -- true
check "a bad name says why" grep -qxF "sandbox: --allow-host 'a..b': expected a host name, or *. and one" "$T/err"
run_sb --allow-host '*.debian.org' --allow-net '[2001:db8::]/32:443/tcp' --net-log --print-config
check "--print-config shows the policy" sh -c "grep -q '^allow-host \*.debian.org ' '$T/out' && grep -q '^allow-net \[2001:db8::\]/32:443/tcp ' '$T/out' && grep -q '^net-log  *# command line' '$T/out'"
printf 'allow-host allowed.test\nallow-net 192.0.2.11:8000/tcp\nnet-log\n' >"$T/egress.profile"
box $m -p "$T/egress.profile" -- sh -c "$CLIENT get allowed.test 8000; $CLIENT get 192.0.2.11 8000; $CLIENT tcp 192.0.2.66 8000"
is "the options work in a profile, net-log without a file too" "$(cat "$T/out")" "hello-egress
hello-egress
EHOSTUNREACH"
check "a profile's net-log logs to stderr" grep -q '^sandbox: net: refused proto=tcp addr=192.0.2.66 port=8000 why=not-allowed$' "$T/err"
box $m --allow-net 192.0.2.10 -- cat /etc/resolv.conf
check "resolv.conf names the sandbox's resolver only" sh -c "grep '^nameserver' '$T/out' | grep -qx 'nameserver 127.0.0.53'"
box $m -- $CLIENT tcp 192.0.2.66 8000
is "without an allow option the network is as before" "$(cat "$T/out")" ok
assert_clean
done_testing
