#!/bin/sh
# The session bus for real, on a private dbus-daemon: kept out by default, shared whole with
# --dbus-user open, filtered through xdg-dbus-proxy with --dbus-talk and --dbus-own; the
# proxy ends with the sandbox, even when the launcher is killed, and leaves nothing behind.
. "${srcdir:?}/tests/lib.sh"
plan 24

bg=
trap 'for p in $bg; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
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
proxies() { ps -u "$uid" -o args= | grep -c '^xdg-dbus-proxy' ; }

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
ours() { ls -d "$XDG_RUNTIME_DIR"/sandbox-dbus.* 2>/dev/null; }
is "nor its folder" "$(ours)" ""

# the launcher killed: the proxy goes with it
mkfifo "$T/hold"
exec 8<>"$T/hold"
"$SANDBOX" --dbus-talk org.sbtest.Talk -- sh -c 'echo up; read x' >"$T/up" <"$T/hold" &
pid=$!
check "a sandbox with a proxy runs" wait_for 100 grep -q up "$T/up"
is "the proxy's folder is gone already" "$(ours)" ""
kill -9 "$pid"
check "after SIGKILL of the launcher the proxy ends" wait_for 50 sh -c '[ "$(ps -u "$1" -o args= | grep -c "^xdg-dbus-proxy")" -eq 0 ]' - "$uid"
exec 8>&-

# bad values
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
assert_clean
done_testing
