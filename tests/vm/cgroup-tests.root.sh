# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/cgroup-tests.root.sh: run by tests/vm/run as root before cgroup-tests.sh; the
# parts as tester2, whose systemd has bookworm's default delegation (cpu memory pids: no io).
# Results go to $OUT for cgroup-tests.sh to check.
as_tester2() {
  runuser -u tester2 -- env HOME=/home/tester2 XDG_RUNTIME_DIR=/run/user/1001 \
    DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1001/bus "$@"
}
as_tester2 "$SANDBOX" --io-weight 100 -- true >"$OUT/noio.out" 2>"$OUT/noio.err"
echo $? >"$OUT/noio.st"
# the scope goes once systemd sees it empty: poll (5 s at most)
n=0
while as_tester2 systemctl --user list-units --all --plain --no-legend 'sandbox-*.scope' \
  >"$OUT/noio.scopes" 2>&1 && [ -s "$OUT/noio.scopes" ] && [ $n -lt 50 ]; do
  sleep 0.1
  n=$((n + 1))
done
as_tester2 "$SANDBOX" --memory 64M --pids 20 -- cat /sys/fs/cgroup/memory.max \
  >"$OUT/mem.out" 2>"$OUT/mem.err"
echo $? >"$OUT/mem.st"
chmod -R a+rX "$OUT"
