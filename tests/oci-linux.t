#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/oci-linux.t: sandbox-oci and config.md's linux object (config-linux.md: devices,
# rootfsPropagation, a network namespace that is not the container's own) and the hooks
# run in the container's namespaces, from the spec's text, called directly by the user.
. "${srcdir:?}/tests/lib.sh"
: "${SANDBOX_OCI:=$builddir/src/sandbox-oci}"
N=20
plan $N

busybox=$(command -v busybox || true)
case "$(file -b "$busybox" 2>/dev/null)" in *static*) ;; *) busybox= ;; esac
if [ -z "$busybox" ]; then
  for i in $(seq 1 $N); do skip "oci-linux $i" "no static busybox (tests/setup installs busybox-static)"; done
  exit 0
fi

R=$T/root
B=$T/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" "$B/rootfs/tmp" \
  "$B/rootfs/mnt" "$B/rootfs/etc"
cp "$busybox" "$B/rootfs/bin/busybox"
for c in sh true sleep cat echo id grep ls stat head od test cut tr awk sed; do
  ln -s busybox "$B/rootfs/bin/$c"
done

# config.json with ARGS (a JSON array), EXTRA (more members of "linux", each followed by a
# comma), NS (the namespaces' array) and MOUNTS (more mounts, each followed by a comma)
own_ns='[{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]'
bundle() {
  cat >"$B/config.json" <<EOF
{"ociVersion": "1.2.0", "hooks": ${HOOKS:-null},
 "process": {"terminal": false, "user": {"uid": 0, "gid": 0},
   "args": $1, "env": ["PATH=/bin"], "cwd": "/"},
 "root": {"path": "rootfs"},
 "mounts": [${MOUNTS:-} {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["ro"]}],
 "linux": {${2:-} "namespaces": ${NS:-$own_ns}}}
EOF
}
oci() { "$SB_TIMEOUT" -k 5 "$SB_STEP_LIMIT" "$SANDBOX_OCI" --root "$R" "$@"; }
at_exit 'for c in $(oci list -q 2>/dev/null); do oci delete --force "$c"; done'
one_line() { [ "$st" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "$1" "$T/err"; }

# config-linux.md "Devices": the host's node bound (rootless cannot mknod), of the type and
# number asked, under the path asked; a FIFO with its fileMode
dev_extra='"devices": [{"path": "/dev/myzero", "type": "c", "major": 1, "minor": 5},
  {"path": "/dev/fifo", "type": "p", "fileMode": 384}'
for d in fuse net/tun; do
  [ -c "/dev/$d" ] || continue
  maj=$(stat -c %t "/dev/$d") min=$(stat -c %T "/dev/$d")
  dev_extra="$dev_extra, {\"path\": \"/dev/$d\", \"type\": \"c\", \"major\": $((0x$maj)), \"minor\": $((0x$min))}"
  opened="${opened:-}exec 3<>/dev/$d && echo $d opened; "
done
bundle "[\"sh\", \"-c\", \"stat -c '%t:%T %F' /dev/myzero; head -c 3 /dev/myzero | od -An -c; stat -c '%a %F' /dev/fifo; ${opened:-}\"]" \
  "$dev_extra],"
expect="1:5 character special file
  \\0  \\0  \\0
600 fifo"
[ -c /dev/fuse ] && expect="$expect
fuse opened"
[ -c /dev/net/tun ] && expect="$expect
net/tun opened"
out=$(oci run -b "$B" d1 2>&1)
is "linux.devices: /dev/zero as /dev/myzero, a FIFO with its fileMode, fuse and tun open" \
  "$out" "$expect"
bundle '["true"]' '"devices": [{"path": "/dev/nope", "type": "c", "major": 1, "minor": 250}],'
oci run -b "$B" d2 2>"$T/err"; st=$?
check "linux.devices: a device the host has not is refused, one line" \
  one_line "linux.devices: '/dev/nope' (c 1:250): no such device on the host"
bundle '["true"]' '"devices": [{"path": "/dev/null", "type": "x", "major": 1, "minor": 3}],'
oci run -b "$B" d3 2>"$T/err"; st=$?
check "linux.devices: an unknown type is refused, one line" one_line "type is not c, b, u or p"
# a device bound as a mount (rootless podman's --device): usable, not nodev
MOUNTS='{"destination": "/dev/z", "type": "bind", "source": "/dev/zero", "options": ["bind", "nosuid"]},' \
  bundle '["sh", "-c", "head -c 2 /dev/z | od -An -c"]'
is "a bind mount of a device is a device bind, usable" "$(oci run -b "$B" d4 2>&1)" "  \\0  \\0"

# config-linux.md "Rootfs Mount Propagation": the root mount's, as mountinfo's optional
# fields show it inside (proc(5)); the r-forms reach the mounts below it too
cat >"$B/rootfs/bin/fields" <<'EOF'
#!/bin/sh
awk '{ o = ""; for (i = 7; $i != "-"; i++) o = o " " $i; f[$5] = o }
  END { print "/:" f["/"] "|/proc:" f["/proc"] }' /proc/self/mountinfo
EOF
chmod +x "$B/rootfs/bin/fields"
propagation() {
  bundle '["fields"]' "\"rootfsPropagation\": \"$1\","
  oci run -b "$B" "p-$1" 2>&1 | sed 's/:[0-9][0-9]*/:N/g'
}
is "rootfsPropagation shared: the root is shared, the mounts below not" "$(propagation shared)" "/: shared:N|/proc:"
is "rootfsPropagation rshared: the root and the mounts below are shared" "$(propagation rshared)" \
  "/: shared:N|/proc: shared:N"
is "rootfsPropagation unbindable" "$(propagation unbindable)" "/: unbindable|/proc:"
is "rootfsPropagation private: no peer, no master" "$(propagation private)" "/:|/proc:"
is "rootfsPropagation slave (of no peer: private)" "$(propagation rslave)" "/:|/proc:"
bundle '["true"]' '"rootfsPropagation": "sideways",'
oci run -b "$B" p1 2>"$T/err"; st=$?
check "rootfsPropagation: an unknown value is refused, one line" one_line "'sideways' is not a propagation"

# a network namespace that is not the container's own (no network entry: the caller's):
# sysfs cannot be mounted there rootless, the host's /sys is bound read-only instead
NS='[{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]' \
  bundle '["sh", "-c", "ls /sys/class/net; awk '"'"'$5 == \"/sys\" { print substr($6, 1, 3) }'"'"' /proc/self/mountinfo"]'
is "the caller's network: the host's /sys, read-only" "$(oci run -b "$B" s1 2>&1)" "$(ls /sys/class/net)
ro,"

# config.md "POSIX-platform Hooks", runtime.md "Lifecycle", called by the user directly:
# createContainer (its path resolved here) and startContainer (its path resolved inside)
# in the container's namespaces (its root, its pid namespace), in the spec's order with
# the runtime's hooks, the state on stdin
cat >"$T/hook.sh" <<'EOF'
#!/bin/sh
st=$(sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p')
echo "$1 $st $(cat /etc/marker 2>/dev/null || echo host) $$" >>"$2"
exit "${3:-0}"
EOF
chmod +x "$T/hook.sh"
cp "$T/hook.sh" "$B/rootfs/bin/hook.sh"
echo container >"$B/rootfs/etc/marker"
log=$B/rootfs/tmp/log
hook() { # KIND PATH LOG [STATUS]
  echo "{\"path\": \"$2\", \"args\": [\"hook.sh\", \"$1\", \"$3\"${4:+, \"$4\"}], \"env\": [\"PATH=/bin:/usr/bin\"]}"
}
HOOKS="{\"prestart\": [$(hook prestart "$T/hook.sh" "$log")],
  \"createRuntime\": [$(hook createRuntime "$T/hook.sh" "$log")],
  \"createContainer\": [$(hook createContainer "$T/hook.sh" /tmp/log)],
  \"startContainer\": [$(hook startContainer /bin/hook.sh /tmp/log)]}" \
  bundle '["sh", "-c", "echo process >>/tmp/log; exec sleep 60"]'
rm -f "$log"
oci create -b "$B" h1 2>"$T/err"; st=$?
[ "$st" -eq 0 ] || diag "$(cat "$T/err")"
created_log() { sed 's/ [0-9]*$//' "$log" | tr '\n' '|'; }
is "hooks: create runs prestart, createRuntime here, then createContainer in the container" \
  "$(created_log)" "prestart creating host|createRuntime creating host|createContainer creating container|"
small_pid() { [ "$(sed -n 's/^createContainer .* \([0-9]*\)$/\1/p' "$log")" -lt 100 ]; }
check "hooks: createContainer in the container's pid namespace" small_pid
oci start h1 2>"$T/err"; st=$?
is "hooks: start exits 0" "$st" 0
check "hooks: the process runs after start" wait_for 100 grep -q process "$log"
is "hooks: startContainer in the container, with the state created, before the process" \
  "$(sed 's/ [0-9]*$//' "$log" | sed -n '4,5p' | tr '\n' '|')" "startContainer created container|process|"
oci delete --force h1
# a failing startContainer hook: start fails with one line, the process never runs
HOOKS="{\"startContainer\": [$(hook startContainer /bin/hook.sh /tmp/log 4)]}" \
  bundle '["sh", "-c", "echo process >>/tmp/log"]'
rm -f "$log"
oci create -b "$B" h2 2>"$T/err" && oci start h2 2>"$T/err"; st=$?
check "hooks: a failing startContainer hook fails start, one line" \
  one_line "startContainer hook 0 '/bin/hook.sh': exit status 4"
is_stopped() { oci state h2 2>/dev/null | grep -q '"status": *"stopped"'; }
check "hooks: and the container is stopped, its process never ran" \
  eval 'wait_for 100 is_stopped && ! grep -q process "$log"'
oci delete --force h2

# features.md: the hooks it runs are named
hooks_named() { oci features | tr -d ' \n' | grep -q '"hooks":\["prestart","createRuntime","createContainer","startContainer","poststart","poststop"\]'; }
check "features names the six kinds of hooks" hooks_named

assert_clean
