#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/named.t: named sandboxes (src/named.c): --name and a name in use, --info-fd,
# --detach and --logs, --list with its columns and --json, --stop (SIGTERM, SIGKILL after
# --timeout, helpers gone), and a SIGKILLed detached launcher: never listed, nothing left.
. "${srcdir:?}/tests/lib.sh"
plan 26

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
S=$XDG_RUNTIME_DIR/sandbox
# whatever happens, no detached sandbox of this test outlives it
at_exit '"$SANDBOX" --stop --all --timeout 1 >/dev/null 2>&1'

# json FIELD NAME: a field of NAME's row in --list --json
json() {
  "$SANDBOX" --list --json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["name"] == sys.argv[2]:
        v = r[sys.argv[1]]
        print(",".join(v) if isinstance(v, list) else v)' "$1" "$2"
}
gone() { _ended "$1"; }

# ---------------------------------------------------------------- --name, --info-fd
run_sb --name 'a/b' -- true
is "a bad name: 125" "$status" 125
check "with one line saying why" grep -q "^sandbox: --name 'a/b': expected" "$T/err"
run_sb --name one --info-fd 3 -- true 3>"$T/info"
is "--info-fd: the command ran" "$status" 0
check "--info-fd gets the pid and the name as JSON" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["name"] == "one" and d["child-pid"] > 1 else 1)' "$T/info"

# ---------------------------------------------------------------- --detach, --logs
run_sb -d --name web -- sh -c 'echo hello from web; exec sleep 60'
is "--detach returns at once with status 0" "$status" 0
is "and prints the name" "$(cat "$T/out")" web
check "--logs shows the command's output" wait_for 100 sh -c '"$SANDBOX" --logs web | grep -q "hello from web"'
run_sb -d --name web -- true
is "a name in use: 125" "$status" 125
is "with one line" "$(cat "$T/err")" "sandbox: --name 'web': a running sandbox has this name"
# without --detach the name is claimed after clone (src/main.c): the command must not run
run_sb --name web --bind "$T" -- touch "$T/ran"
is "a name in use, not detached: 125" "$status" 125
is "with the same line" "$(cat "$T/err")" "sandbox: --name 'web': a running sandbox has this name"
check "and its command never ran" test ! -e "$T/ran"
# a profile may name it too; a generated name otherwise
printf 'name db\nnet slirp\n' >"$T/db.profile"
run_sb -d -p "$T/db.profile" --publish 127.0.0.1:0:80 -- sleep 60
if [ "$status" -ne 0 ]; then
  # port 0 is not accepted everywhere: a fixed high one
  run_sb -d -p "$T/db.profile" --publish "$((20000 + $$ % 20000)):80" -- sleep 60
fi
is "a profile's name line names it" "$(cat "$T/out")" db
run_sb -d -- sleep 60
gen=$(cat "$T/out")
check "without --name a name is generated" sh -c 'case "$1" in sb-??????) ;; *) exit 1;; esac' - "$gen"

# ---------------------------------------------------------------- --list
run_sb --list
check "--list has the columns" grep -qE '^NAME +PID +UPTIME +MEMORY +CPU +PROFILE +NETWORK +PORTS +COMMAND$' "$T/out"
check "web is listed with its pid, network and command" grep -qE "^web +[0-9]+ +[0-9]+s +[0-9.]+[BKMG] +[0-9.]+s +- +none +- +sh -c echo hello from web; exec sleep 60$" "$T/out"
check "db with its profile, network and port" grep -qE "^db +[0-9]+ .* $T/db.profile +slirp +[0-9.:]+:80 +sleep 60$" "$T/out"
is "--list --json: the three, by name" "$("$SANDBOX" --list --json | python3 -c '
import json, sys; print(" ".join(r["name"] for r in json.load(sys.stdin)))')" "db $gen web"

# ---------------------------------------------------------------- --stop
web=$(json launcher web)
started=$(date +%s)
run_sb --stop web
is "--stop: status 0" "$status" 0
check "the launcher is gone when it returns" gone "$web"
run_sb -d --name stubborn -- sh -c 'trap "" TERM; echo ready; while :; do sleep 1; done'
wait_for 100 sh -c '"$SANDBOX" --logs stubborn | grep -q ready'
stub=$(json launcher stubborn)
started=$(date +%s)
run_sb --stop stubborn --timeout 1
check "a command that ignores SIGTERM is killed after --timeout" gone "$stub"
check "within the timeout and the teardown" [ $(( $(date +%s) - started )) -le 8 ]
db=$(json launcher db)
helpers=$(ps -e -o pid=,ppid= | awk -v l="$db" '$2 == l && $1 != "" {print $1}')
run_sb --stop db
check "--stop takes the network helper too" sh -c \
  'for p in $1; do ! kill -0 "$p" 2>/dev/null || exit 1; done; [ -n "$1" ]' - "$helpers"

# ---------------------------------------------------------------- SIGKILL of a detached launcher
l=$(json launcher "$gen")
kill -KILL "$l"
wait_for 100 gone "$l"
run_sb --list
is "after SIGKILL of a detached launcher, --list shows nothing" "$(sed 1d "$T/out")" ""
is "and leaves no state" "$(ls -A "$S")" ""
assert_clean
