#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/escape/enter-state.t: firejail's CVE-2022-31214 class: --join trusted a state that a
# sandbox (or anyone) could fake, and joined namespaces the attacker chose.  --enter
# (src/enter.c) trusts the state only as far as it matches the live processes: a faked
# folder, a state whose pid or namespaces are not the launcher's, and a state folder that is
# not private are all refused; nothing runs.
. "${srcdir:?}/tests/lib.sh"
plan 7

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
S=$XDG_RUNTIME_DIR/sandbox
at_exit '"$SANDBOX" --stop --all --timeout 1 >/dev/null 2>&1'

run_sb -d --name real -- sleep 60
is "a real sandbox" "$status" 0
run_sb --enter real true
is "which --enter enters" "$status" 0

# a fake folder: a live launcher's name (this shell), pid 1 a process of ours that is no
# sandbox (with a child "below pid 1"), its namespaces our own (the host's: "unconfined")
plant_state "$S" fake
run_sb --enter fake touch "$T/ran"
check "a faked state folder is refused (125)" [ "$status" -eq 125 ]
check "and nothing ran" test ! -e "$T/ran"
unplant_state

# the real sandbox's state, its namespaces changed to ours: the live ones do not match
real=$(readlink "$S/real")
cp "$S/$real/state.json" "$T/saved"
python3 - "$S/$real/state.json" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
for n in d["namespaces"]:
    st = os.stat("/proc/self/ns/" + n)
    d["namespaces"][n] = "%d:%d" % (st.st_dev, st.st_ino)
d["seccomp"] = False
json.dump(d, open(sys.argv[1], "w"))
PY
run_sb --enter real touch "$T/ran"
check "a state whose namespaces are not the sandbox's is refused" sh -c \
  '[ "$1" -eq 125 ] && [ ! -e "$2" ]' - "$status" "$T/ran"
cp "$T/saved" "$S/$real/state.json"
# a state folder others may enter is not ours to trust
chmod 0755 "$S/$real"
run_sb --enter real true
check "a state folder that is not private is refused" [ "$status" -eq 125 ]
chmod 0700 "$S/$real"
"$SANDBOX" --stop real >/dev/null 2>&1
assert_clean
