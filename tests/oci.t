#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/oci.t: sandbox-oci against a bundle, as the runtime-spec says (runtime.md: the
# lifecycle, the operations and the state; config.md: what config.json asks), no engine.
. "${srcdir:?}/tests/lib.sh"
: "${SANDBOX_OCI:=$builddir/src/sandbox-oci}"
N=55
plan $N

busybox=$(command -v busybox || true)
case "$(file -b "$busybox" 2>/dev/null)" in *static*) ;; *) busybox= ;; esac
if [ -z "$busybox" ]; then
  for i in $(seq 1 $N); do skip "oci $i" "no static busybox (tests/setup installs busybox-static)"; done
  exit 0
fi

R=$T/root
B=$T/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" "$B/rootfs/tmp" \
  "$B/rootfs/mnt" "$B/rootfs/etc" "$T/share"
cp "$busybox" "$B/rootfs/bin/busybox"
for c in sh true sleep cat echo id pwd grep touch mkdir ls; do ln -s busybox "$B/rootfs/bin/$c"; done
echo shared >"$T/share/f"

# config.json with ARGS (a JSON array) and EXTRA (more members of "linux", each followed
# by a comma) and ROOT_EXTRA (more members of "root")
bundle() {
  cat >"$B/config.json" <<EOF
{"ociVersion": "1.0.2", "hooks": ${HOOKS:-null},
 "process": {${PROC_EXTRA:-}"terminal": false,
   "user": {"uid": ${UID_IN:-0}, "gid": ${UID_IN:-0}${USER_EXTRA:-}},
   "args": $1, "env": ["PATH=/bin", "FOO=bar baz"], "cwd": "/tmp",
   "capabilities": {"bounding": ["CAP_CHOWN"], "effective": ["CAP_CHOWN"]},
   "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}],
   "unknownField": {"ignored": true}},
 "root": {"path": "rootfs"${3:-}},
 "hostname": "box",
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]},
            {"destination": "/mnt", "type": "bind", "source": "$T/share", "options": ["rbind", "ro"]}],
 "linux": {${2:-} "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
   {"type": "uts"}, {"type": "mount"}]}}
EOF
}
oci() { "$SB_TIMEOUT" -k 5 "$SB_STEP_LIMIT" "$SANDBOX_OCI" --root "$R" "$@"; }
status_of() { oci state "$1" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'; }
is_status() { [ "$(status_of "$1")" = "$2" ]; }
at_exit 'for c in $(oci list -q 2>/dev/null); do oci delete --force "$c"; done'

# run: the process as config.json says, its exit status
bundle '["sh", "-c", "echo \"$FOO\"; pwd; hostname; id -u; ulimit -n; grep CapEff /proc/self/status; cat /mnt/f; exit 3"]'
oci run -b "$B" r1 >"$T/out" 2>"$T/err"; st=$?
is "run exits with the process's status" "$st" 3
is "process.env, cwd, hostname, user, rlimits, capabilities, a bind mount" "$(cat "$T/out")" "bar baz
/tmp
box
0
123
CapEff:	0000000000000001
shared"
check "run leaves no container behind" [ -z "$(oci list -q)" ]

# create: the process is set up and waits; start releases it (runtime.md "Lifecycle")
bundle '["sh", "-c", "echo started >/tmp/marker; exec sleep 60"]'
rm -f "$B/rootfs/tmp/marker"
oci create -b "$B" --pid-file "$T/pid" c1 2>"$T/err"; st=$?
is "create exits 0" "$st" 0
is "the state after create is created" "$(status_of c1)" created
pid=$(oci state c1 | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
check "state gives the container's pid" test -d "/proc/${pid:-none}"
check "--pid-file names a live process" [ -d "/proc/$(cat "$T/pid")" ]
has_bundle() { oci state c1 | grep -q "\"bundle\": *\"$B\""; }
check "state's bundle is the bundle" has_bundle
check "the process has not run before start" [ ! -e "$B/rootfs/tmp/marker" ]
oci start c1; st=$?
is "start exits 0" "$st" 0
check "the process runs after start (and writes in the bundle's root)" \
  wait_for 100 test -e "$B/rootfs/tmp/marker"
is "the state after start is running" "$(status_of c1)" running
oci start c1 2>"$T/err"; st=$?
is "start of a running container exits 1" "$st" 1
check "with one line saying why" grep -qx "sandbox-oci: container 'c1' is running, not created" "$T/err"
listed() { oci list -q | grep -qx c1; }
in_ps() { oci ps c1 | grep -qx "$pid"; }
check "list names it" listed
check "ps lists its process" in_ps
oci delete c1 2>"$T/err"; st=$?
is "delete of a running container exits 1" "$st" 1
is "and leaves it running" "$(status_of c1)" running
oci kill c1 SIGTERM
check "kill SIGTERM stops it" wait_for 100 is_status c1 stopped
answers() { oci state c1 | grep -q '"id": *"c1"'; }
check "state stays answerable after the process ended" answers
oci delete c1; st=$?
is "delete of a stopped container exits 0" "$st" 0
oci state c1 2>"$T/err"; st=$?
is "state of a deleted container exits 1" "$st" 1

# exec (runtime.md has none; runc's and crun's CLI): a process in the running container,
# in its namespaces, under its seccomp filter and capabilities unless asked otherwise
bundle '["sleep", "60"]'
oci run -d -b "$B" e1 2>"$T/err"
out=$(oci exec e1 sh -c 'echo "$FOO"; pwd; id -u; grep CapEff /proc/self/status; hostname' 2>&1); st=$?
is "exec exits 0" "$st" 0
is "exec: the container's env, cwd, user, capabilities and hostname" "$out" "bar baz
/tmp
0
CapEff:	0000000000000001
box"
pid_in=$(oci exec e1 sh -c 'echo $$' 2>&1)
check "exec: in the container's pid namespace (a small pid)" [ "${pid_in:-1000}" -lt 100 ]
oci exec e1 sh -c 'exit 9'; st=$?
is "exec exits with the process's status" "$st" 9
out=$(oci exec --cwd / --env FOO=x --env N=1 --user 1000:1001 --cap CAP_KILL e1 \
  sh -c 'echo "$FOO $N"; pwd; id -u; id -g; grep CapEff /proc/self/status' 2>&1)
is "exec --cwd, --env, --user, --cap" "$out" "x 1
/
1000
1001
CapEff:	0000000000000021"
cat >"$T/process.json" <<'EOF'
{"args": ["sh", "-c", "echo \"$A\"; pwd; id -u; grep CapEff /proc/self/status; cat <&3"],
 "env": ["PATH=/bin", "A=from process"], "cwd": "/mnt", "user": {"uid": 7, "gid": 7},
 "capabilities": {"effective": ["CAP_KILL"], "bounding": ["CAP_KILL"]}, "terminal": false}
EOF
echo "fd three" >"$T/three"
out=$(oci exec --process "$T/process.json" --preserve-fds 1 e1 3<"$T/three" 2>&1)
is "exec --process FILE, --preserve-fds" "$out" "from process
/mnt
7
CapEff:	0000000000000020
fd three"
oci exec --detach --pid-file "$T/epid" e1 sleep 30 2>"$T/err"; st=$?
is "exec --detach returns at once" "$st" 0
epid=$(cat "$T/epid" 2>/dev/null)
check "exec --pid-file names the live process" [ -d "/proc/${epid:-none}" ]
oci kill e1 KILL
wait_for 100 is_status e1 stopped
oci exec e1 true 2>"$T/err"; st=$?
one_line_1() { [ "$st" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ]; }
check "exec in a stopped container exits 1 with one line" one_line_1
oci delete e1

# kill in the created state, by number; delete --force
oci create -b "$B" c2
oci kill c2 9
check "kill 9 of a created container stops it" wait_for 100 is_status c2 stopped
oci delete c2
oci create -b "$B" c3
oci delete --force c3
check "delete --force removes a created container" test ! -e "$R/c3"

# errors: one line, exit 1 (the engines' convention), also in --log as JSON
echo '{"ociVersion": ' >"$B/config.json"
"$SANDBOX_OCI" --root "$R" --log "$T/log" --log-format json create -b "$B" bad 2>"$T/err"; st=$?
is "invalid JSON exits 1" "$st" 1
check "with one line" [ "$(wc -l <"$T/err")" -eq 1 ]
check "--log-format json writes the error as JSON" grep -q '"level":"error","msg":' "$T/log"
# a member of the wrong type makes config.json invalid (runtime-spec): one line naming it
bundle '"true"'
oci create -b "$B" bad 2>"$T/err"
check "a string for process.args is refused, naming the field" \
  grep -qx "sandbox-oci: config.json: process: args: expected an array of strings" "$T/err"
UID_IN='"0"' bundle '["true"]'
oci create -b "$B" bad 2>"$T/err"
check "a string for process.user.uid is refused, naming the field" \
  grep -qx "sandbox-oci: config.json: process.user: uid: expected an integer" "$T/err"

# config.md: root.readonly, maskedPaths, linux.seccomp in the OCI form
bundle '["sh", "-c", "touch /x 2>/dev/null && echo written; cat /mnt/f 2>/dev/null || echo masked; mkdir /tmp/d 2>/dev/null || echo refused; grep Seccomp: /proc/self/status"]' \
  '"maskedPaths": ["/mnt/f"], "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]},' \
  ', "readonly": true'
is "readonly root, a masked path, a seccomp rule" "$(oci run -b "$B" r2 2>"$T/err")" "masked
refused
Seccomp:	2"

# config.md "linux.resources": the launcher's cgroup limits where cgroup v2 is there (placed,
# or refused with one line when no cgroup can hold them); without it (a hybrid layout, as
# here) not applied, as runc and crun do rootless, and said with --debug
bundle '["true"]' '"resources": {"pids": {"limit": 77}, "memory": {"limit": 268435456}},'
oci --debug run -b "$B" l1 2>"$T/err"; st=$?
if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
  not_applied() { [ "$st" -eq 0 ] && grep -q "linux.resources: not applied: " "$T/err"; }
  check "linux.resources without cgroup v2: not applied, said with --debug" not_applied
else
  placed_or_refused() { [ "$st" -eq 0 ] || grep -q "cannot apply the limits" "$T/err"; }
  check "linux.resources with cgroup v2: placed, or refused with one line" placed_or_refused
fi

# config.md "Sysctl": the keys of the container's own namespaces, written in them (the
# caller's stay as they were); any other key refused with one line
host_shmmax=$(cat /proc/sys/kernel/shmmax)
bundle '["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max"]' \
  '"sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789", "fs.mqueue.msg_max": "20"},'
is "linux.sysctl: network, IPC and mqueue keys, in the container" "$(oci run -b "$B" s1 2>&1)" "1
123456789
20"
is "linux.sysctl: the caller's own values are unchanged" "$(cat /proc/sys/kernel/shmmax)" "$host_shmmax"
bundle '["true"]' '"sysctl": {"kernel.panic": "1"},'
oci run -b "$B" s2 2>"$T/err"; st=$?
refused_key() {
  [ "$st" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] \
    && grep -q "linux.sysctl: 'kernel.panic' is not of the container's own namespaces" "$T/err"
}
check "linux.sysctl: a key of no namespace of the container is refused, one line" refused_key

# config.md: process.user.additionalGids, process.oomScoreAdj (raised: lowering it needs
# CAP_SYS_RESOURCE, and is refused with one line)
USER_EXTRA=', "additionalGids": [5, 6]' PROC_EXTRA='"oomScoreAdj": 500, ' \
  bundle '["sh", "-c", "id -G; cat /proc/self/oom_score_adj"]'
is "process.user.additionalGids and process.oomScoreAdj" "$(oci run -b "$B" g1 2>&1)" "0 5 6
500"
PROC_EXTRA='"oomScoreAdj": -1000, ' bundle '["true"]'
oci run -b "$B" g2 2>"$T/err"; st=$?
lowered_refused() { [ "$st" -eq 1 ] && grep -qx "sandbox-oci: process.oomScoreAdj -1000: Permission denied" "$T/err"; }
check "process.oomScoreAdj below ours: refused, one line" lowered_refused

# config.md "POSIX-platform Hooks", runtime.md "Lifecycle": each kind at its step, the state
# on stdin, exactly the hook's env and no other fd (createContainer and startContainer,
# run in the container's namespaces, in tests/oci-linux.t and tests/oci-podman.t)
cat >"$T/hook.sh" <<'EOF'
#!/bin/sh
st=$(sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')
echo "$1 $st ${X:-} ${FOO:-nofoo} $(ls /proc/self/fd | wc -l)" >>"$2"
exit "${3:-0}"
EOF
chmod +x "$T/hook.sh"
hook() {
  echo "{\"path\": \"$T/hook.sh\", \"args\": [\"hook.sh\", \"$1\", \"$T/hooks.log\"${2:+, \"$2\"}],
    \"env\": [\"PATH=/usr/bin:/bin\", \"X=y\"]}"
}
all_hooks="{\"prestart\": [$(hook prestart)], \"createRuntime\": [$(hook createRuntime)],
  \"poststart\": [$(hook poststart)], \"poststop\": [$(hook poststop)]}"
HOOKS=$all_hooks bundle '["true"]'
rm -f "$T/hooks.log"
oci create -b "$B" h1 2>"$T/err"; st=$?
is "hooks: create exits 0" "$st" 0
is "hooks: prestart and createRuntime at create, in the runtime's namespaces" \
  "$(cat "$T/hooks.log" 2>/dev/null)" "prestart creating y nofoo 4
createRuntime creating y nofoo 4"
: >"$T/hooks.log"
# the hooks are read at create: a bundle changed afterwards changes none
HOOKS='{"poststop": [{"path": "/bin/false"}]}' bundle '["true"]'
oci start h1
wait_for 100 is_status h1 stopped
oci delete h1
is "hooks: poststart at start, poststop at delete (as created)" "$(cat "$T/hooks.log" 2>/dev/null)" \
  "poststart running y nofoo 4
poststop stopped y nofoo 4"
HOOKS=$all_hooks bundle '["true"]'
: >"$T/hooks.log"
oci run -b "$B" h2 2>"$T/err"
order() { [ "$(cut -d' ' -f1 "$T/hooks.log" | tr '\n' ' ')" = "prestart createRuntime poststart poststop " ]; }
check "hooks: run runs each kind in the spec's order" order
# failure: createRuntime fails, so does create, with one line; nothing is left; poststop runs
HOOKS="{\"createRuntime\": [$(hook createRuntime 3)], \"poststop\": [$(hook poststop)]}" bundle '["true"]'
: >"$T/hooks.log"
oci create -b "$B" h3 2>"$T/err"; st=$?
failed_one_line() {
  [ "$st" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] \
    && grep -q "createRuntime hook 0 '$T/hook.sh': exit status 3" "$T/err"
}
check "hooks: a failing createRuntime hook fails create, one line" failed_one_line
nothing_left() { [ -z "$(oci list -q)" ] && grep -q "^poststop " "$T/hooks.log"; }
check "hooks: and leaves no container, after poststop" nothing_left
# timeout: the hook is killed, create fails
HOOKS='{"prestart": [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]}' bundle '["true"]'
oci create -b "$B" h4 2>"$T/err"
check "hooks: a hook past its timeout is killed and fails create" \
  grep -q "prestart hook 0 '/bin/sleep': timed out after 1 s" "$T/err"
# poststart's failure is a warning: start succeeds
HOOKS="{\"poststart\": [$(hook poststart 1)]}" bundle '["sleep", "60"]'
oci create -b "$B" h5 && oci start h5 2>"$T/err"; st=$?
is "hooks: a failing poststart hook is a warning, start exits 0" "$st $(grep -c warning "$T/err")" "0 1"
oci delete --force h5
HOOKS='{"prestart": [{"path": "hook.sh"}]}' bundle '["true"]'
oci create -b "$B" h6 2>"$T/err"
check "hooks: a relative path is refused at create, one line" \
  grep -qx "sandbox-oci: config.json: hooks.prestart\[0\]: path 'hook.sh': not absolute" "$T/err"

assert_clean
