#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The session bus for real, on a private dbus-daemon: kept out by default, shared whole with
# --dbus-user open, filtered through xdg-dbus-proxy with --dbus-talk and --dbus-own; the
# proxy ends with the sandbox, even when the launcher is killed, and leaves nothing behind.
# The system bus (a second private daemon, found through DBUS_SYSTEM_BUS_ADDRESS as libdbus
# does): kept out by default, filtered with --dbus-system-talk, by the same proxy.
. "${srcdir:?}/tests/lib.sh"
plan 43

bg=
at_exit 'for p in $bg; do kill "$p" 2>/dev/null; done'
export XDG_RUNTIME_DIR="$T/run"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
uid=$(id -u)

dbus-daemon --session --address="unix:path=$T/bus" --nofork --print-address=3 3>"$T/addr" \
  >/dev/null 2>&1 &
bg="$bg $!"
check "a private session bus starts" wait_for 100 test -s "$T/addr"
DBUS_SESSION_BUS_ADDRESS=$(cat "$T/addr")
export DBUS_SESSION_BUS_ADDRESS
"$builddir/tests/busname" org.sbtest.Talk org.sbtest.Secret >"$T/owner" &
bg="$bg $!"
check "a host program owns org.sbtest.Talk and org.sbtest.Secret" wait_for 100 grep -q ready "$T/owner"

ping() {   # NAME SANDBOX-OPTION...: pings NAME's owner from inside
  _name=$1; shift
  "$SANDBOX" "$@" -- dbus-send --session --print-reply --dest="$_name" / \
    org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1
}
own() {   # NAME SANDBOX-OPTION...: asks for NAME from inside; prints the bus's answer
  _name=$1; shift
  "$SANDBOX" "$@" -- dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.RequestName "string:$_name" uint32:0 2>&1 | sed -n 's/^ *uint32 //p;s/^Error //p'
}
# ours: the ones on this test's buses (under $T); other tests (fault.t's --dbus-user mode)
# run proxies of their own meanwhile, as the same user
proxies() { ps -u "$uid" -o args= | grep '^xdg-dbus-proxy' | grep -cF "$T/"; }

# none: the default
is "by default the command has no bus address" \
  "$("$SANDBOX" -- sh -c 'echo ${DBUS_SESSION_BUS_ADDRESS-unset}')" unset
if ping org.sbtest.Talk; then not_ok "and reaches no bus"; else ok "and reaches no bus"; fi
if ping org.sbtest.Talk --dbus-user none; then not_ok "--dbus-user none reaches no bus"; else
  ok "--dbus-user none reaches no bus"; fi

# open: the whole bus
check "--dbus-user open reaches every name" ping org.sbtest.Secret --dbus-user open
is "at the command's own runtime folder" \
  "$("$SANDBOX" --dbus-user open -- sh -c 'echo $DBUS_SESSION_BUS_ADDRESS')" \
  "unix:path=/run/user/$uid/bus"

# filter
check "--dbus-talk NAME reaches NAME" ping org.sbtest.Talk --dbus-talk org.sbtest.Talk
if ping org.sbtest.Secret --dbus-talk org.sbtest.Talk; then
  not_ok "and not other names"; else ok "and not other names"; fi
names=$("$SANDBOX" --dbus-talk org.sbtest.Talk -- dbus-send --session --print-reply \
  --dest=org.freedesktop.DBus / org.freedesktop.DBus.ListNames | grep -o 'org\.sbtest\.[A-Za-z]*' | tr '\n' ' ')
is "ListNames shows only what the filter allows" "$names" "org.sbtest.Talk "
check "a name prefix: org.sbtest.* reaches org.sbtest.Secret" \
  ping org.sbtest.Secret --dbus-talk 'org.sbtest.*'
is "--dbus-own NAME: the command may own NAME" "$(own org.sbtest.Mine --dbus-own org.sbtest.Mine)" 1
is "and no other" "$(own org.sbtest.Other --dbus-own org.sbtest.Mine)" \
  "org.freedesktop.DBus.Error.ServiceUnknown: org.freedesktop.DBus.Error.ServiceUnknown"
if ping org.sbtest.Secret --dbus-user filter; then
  not_ok "--dbus-user filter alone reaches nothing"; else ok "--dbus-user filter alone reaches nothing"; fi
is "no proxy is left running" "$(proxies)" 0
# the proxy's sockets are in the launcher's state folder, run-*/dbus (lib.sh's state_dir)
ours() { ls -d "$(state_dir)"/run-* 2>/dev/null; }
is "nor its folder" "$(ours)" ""

# the launcher killed: the proxy goes with it
mkdir "$T/empty2"
mkfifo "$T/hold"
exec 8<>"$T/hold"
"$SANDBOX" --dbus-talk org.sbtest.Talk -- sh -c 'echo up; read x' >"$T/up" <"$T/hold" &
pid=$!
check "a sandbox with a proxy runs" wait_for 100 grep -q up "$T/up"
is "the proxy's folder is gone already" "$(ls -d "$(state_dir)"/run-*/dbus 2>/dev/null)" ""
kill -9 "$pid"
no_proxy() { [ "$(proxies)" -eq 0 ]; }
check "after SIGKILL of the launcher the proxy ends" wait_for 50 no_proxy
exec 8>&-

# the system bus: a second private daemon, with its own name owner
dbus-daemon --session --address="unix:path=$T/sysbus" --nofork --print-address=3 3>"$T/sysaddr" \
  >/dev/null 2>&1 &
bg="$bg $!"
check "a private system bus starts" wait_for 100 test -s "$T/sysaddr"
DBUS_SYSTEM_BUS_ADDRESS=$(cat "$T/sysaddr")
export DBUS_SYSTEM_BUS_ADDRESS
DBUS_SESSION_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS "$builddir/tests/busname" \
  org.sbtest.SysTalk org.sbtest.SysSecret >"$T/sysowner" &
bg="$bg $!"
check "a host program owns org.sbtest.SysTalk and org.sbtest.SysSecret" \
  wait_for 100 grep -q ready "$T/sysowner"
sysping() {   # NAME SANDBOX-OPTION...: pings NAME's owner on the system bus from inside
  _name=$1; shift
  "$SANDBOX" "$@" -- dbus-send --system --print-reply --dest="$_name" / \
    org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1
}
is "by default the command has no system bus address" \
  "$("$SANDBOX" -- sh -c 'echo ${DBUS_SYSTEM_BUS_ADDRESS-unset}')" unset
if sysping org.sbtest.SysTalk; then not_ok "and reaches no system bus"; else
  ok "and reaches no system bus"; fi
check "--dbus-system-talk NAME reaches NAME" sysping org.sbtest.SysTalk --dbus-system-talk org.sbtest.SysTalk
if sysping org.sbtest.SysSecret --dbus-system-talk org.sbtest.SysTalk; then
  not_ok "and not other names"; else ok "and not other names"; fi
if sysping org.sbtest.SysTalk --dbus-system filter; then
  not_ok "--dbus-system filter alone reaches nothing"; else ok "--dbus-system filter alone reaches nothing"; fi
is "at the well-known path inside" \
  "$("$SANDBOX" --dbus-system filter -- sh -c 'echo $DBUS_SYSTEM_BUS_ADDRESS')" \
  "unix:path=/run/dbus/system_bus_socket"
both() {   # OPTIONS... -- SCRIPT: runs SCRIPT inside, quietly
  "$SANDBOX" "$@" >/dev/null 2>&1
}
check "both buses filtered at once, by one proxy" both --dbus-talk org.sbtest.Talk \
  --dbus-system-talk org.sbtest.SysTalk -- sh -c '
    dbus-send --session --print-reply --dest=org.sbtest.Talk / org.freedesktop.DBus.Peer.Ping &&
    dbus-send --system --print-reply --dest=org.sbtest.SysTalk / org.freedesktop.DBus.Peer.Ping &&
    ! dbus-send --system --print-reply --dest=org.sbtest.SysSecret / org.freedesktop.DBus.Peer.Ping'
check "the session bus open and the system bus filtered" both --dbus-user open \
  --dbus-system-talk org.sbtest.SysTalk -- sh -c '
    dbus-send --session --print-reply --dest=org.sbtest.Secret / org.freedesktop.DBus.Peer.Ping &&
    dbus-send --system --print-reply --dest=org.sbtest.SysTalk / org.freedesktop.DBus.Peer.Ping &&
    ! dbus-send --system --print-reply --dest=org.sbtest.SysSecret / org.freedesktop.DBus.Peer.Ping'
DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/nobus" run_sb --dbus-system filter -- sh -c \
  'echo ${DBUS_SYSTEM_BUS_ADDRESS-unset}'
is "no system bus: left out, no address" "$status $(cat "$T/out")" "0 unset"
is "no proxy is left running, nor its folder" "$(proxies) $(ours)" "0 "

# bad values
run_sb --dbus-system open -- true
is "the system bus is never shared whole" "$status $(cat "$T/err")" \
  "125 sandbox: --dbus-system 'open': expected none or filter"
run_sb --dbus-system-talk 'org.sbtest.' -- true
is "a bad system bus name" "$status $(cat "$T/err")" \
  "125 sandbox: --dbus-system-talk 'org.sbtest.': not a D-Bus name such as org.example.App or org.example.*"
PATH="$T/empty2" run_sb --dbus-system-talk org.sbtest.SysTalk -- /bin/true
is "--dbus-system without xdg-dbus-proxy: one line" "$status $(cat "$T/err")" \
  "125 sandbox: --dbus-system filter: xdg-dbus-proxy not found; install xdg-dbus-proxy"

run_sb --dbus-user maybe -- true
is "a bad --dbus-user" "$status $(cat "$T/err")" \
  "125 sandbox: --dbus-user 'maybe': expected none, filter or open"
run_sb --dbus-talk 'org..x' -- true
is "a bad bus name" "$status $(cat "$T/err")" \
  "125 sandbox: --dbus-talk 'org..x': not a D-Bus name such as org.example.App or org.example.*"
mkdir "$T/empty"
PATH="$T/empty" run_sb --dbus-talk org.sbtest.Talk -- /bin/true
is "without xdg-dbus-proxy, one line says what to install" "$status $(cat "$T/err")" \
  "125 sandbox: --dbus-user filter: xdg-dbus-proxy not found; install xdg-dbus-proxy"
is "and its folder is removed" "$(ours)" ""

# the plan comes first: a --publish port in use stops the start before any proxy runs
mkdir "$T/fake"
printf '#!/bin/sh\ntouch "%s"\nexec "%s" "$@"\n' "$T/proxy-ran" "$(command -v xdg-dbus-proxy)" \
  >"$T/fake/xdg-dbus-proxy"
chmod +x "$T/fake/xdg-dbus-proxy"
check "a proxy found first on PATH runs for --dbus-talk" \
  sh -c 'PATH="$1:$PATH" "$3" --dbus-talk org.sbtest.Talk -- true && test -e "$2"' \
  sh "$T/fake" "$T/proxy-ran" "$SANDBOX"
rm -f "$T/proxy-ran"
python3 -c 'import signal, socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); signal.pause()' >"$T/port" </dev/null &
bg="$bg $!"
check "a host port is taken" wait_for 100 test -s "$T/port"
PATH="$T/fake:$PATH" run_sb --dbus-talk org.sbtest.Talk --net slirp \
  --publish "127.0.0.1:$(cat "$T/port"):80" -- true
is "a --publish port in use: the one error" "$status $(cat "$T/err")" \
  "125 sandbox: --publish '127.0.0.1:$(cat "$T/port"):80': Address already in use"
check "and xdg-dbus-proxy was never started" test ! -e "$T/proxy-ran"
assert_clean
done_testing
