#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The other namespaces: uts with a host name, net with only lo up, ipc, cgroup, mount.
. "${srcdir:?}/tests/lib.sh"
plan 10
run_sb -- hostname
is "the host name is sandbox by default" "$(cat "$T/out")" sandbox
run_sb --hostname box.example -- hostname
is "--hostname sets it" "$(cat "$T/out")" box.example
run_sb -- ls /sys/class/net
is "the network namespace has only lo" "$(cat "$T/out")" lo
run_sb -- cat /sys/class/net/lo/operstate /sys/class/net/lo/flags
check "and lo is up" sh -c 'tail -n1 "$1" | grep -q "0x.*9"' - "$T/out"
for ns in uts ipc net cgroup mnt pid; do
  outside=$(readlink /proc/self/ns/$ns)
  run_sb -- readlink /proc/self/ns/$ns
  check "a new $ns namespace" [ -n "$(cat "$T/out")" ] && [ "$(cat "$T/out")" != "$outside" ]
done
done_testing
