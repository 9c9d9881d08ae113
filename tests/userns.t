#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The user namespace: own ids by default, mapped alone (a one-id map, no helper, no
# notice); root on request; subordinate ranges through newuidmap/newgidmap when something
# inside can use them, and a one-id map with one notice line without a range.
. "${srcdir:?}/tests/lib.sh"
plan 24
uid=$(id -u) gid=$(id -g)
sub=$(awk -F: -v u="$(id -un)" -v n="$uid" '$1 == u || $1 == n {print $2, $3; exit}' /etc/subuid)
norm() { awk '{print $1, $2, $3}' "$@"; }

run_sb -- sh -c 'id -u; id -g'
is "own uid and gid inside by default" "$(tr '\n' ' ' <"$T/out")" "$uid $gid "
run_sb -- sh -c 'cat /proc/self/uid_map /proc/self/gid_map'
is "own-uid mode: a one-id map, no notice" "$status $(norm "$T/out" | tr '\n' ' ')$(cat "$T/err")" \
  "0 $uid $uid 1 $gid $gid 1 "
run_sb -v -- true
check "-v says which map, and why" grep -q "id map: your uid $uid and gid $gid only: nothing inside can use other ids" "$T/err"
run_sb --uid 0 --gid 0 -- sh -c 'id -u; id -g'
is "--uid 0 --gid 0 gives root inside" "$(tr '\n' ' ' <"$T/out")" "0 0 "

if [ -n "$sub" ]; then
  set -- $sub; start=$1 count=$2
  run_sb --subids -- cat /proc/self/uid_map
  want=$(printf '0 %s %s\n%s %s %s\n%s %s 1' "$start" "$uid" "$((uid + 1))" "$((start + uid))" "$((count - uid))" "$uid" "$uid")
  is "--subids: ids below and above ours come from the range" "$(norm "$T/out")" "$want"
  is "and no notice is printed" "$(cat "$T/err")" ""
  run_sb --uid 0 -- cat /proc/self/uid_map
  is "--uid 0: root is us, 1.. come from the range" "$(norm "$T/out")" "$(printf '1 %s %s\n0 %s 1' "$start" "$count" "$uid")"
  run_sb --gid 0 -- cat /proc/self/gid_map
  gstart=$(awk -F: -v u="$(id -un)" -v n="$uid" '$1 == u || $1 == n {print $2; exit}' /etc/subgid)
  check "--gid 0: gid_map maps 0 to our gid and 1.. from the subgid range" grep -q "^ *1 *$gstart " "$T/out"
  run_sb --uid 0 -- sh -c 'chown 1:1 /tmp 2>&1; touch /tmp/f && chown 5:7 /tmp/f && stat -c "%u %g" /tmp/f'
  is "a subordinate id can own files inside" "$(tail -n1 "$T/out")" "5 7"
  run_sb -v --cap-add CHOWN -- sh -c 'wc -l </proc/self/uid_map'
  check "--cap-add CHOWN maps the range" [ "$(cat "$T/out")" -gt 1 ]
  check "and -v says why" grep -q "id map: your subordinate ranges too: --cap-add CAP_CHOWN changes or uses ids" "$T/err"
  run_sb --cap-add NET_BIND_SERVICE -- sh -c 'wc -l </proc/self/uid_map'
  is "--cap-add NET_BIND_SERVICE keeps the one-id map" "$(cat "$T/out")" "1"
  run_sb --subids --no-subids -- sh -c 'wc -l </proc/self/uid_map'
  is "--subids then --no-subids: the later wins, one id" "$(cat "$T/out")" "1"
  run_sb --no-subids --subids -- sh -c 'wc -l </proc/self/uid_map'
  check "--no-subids then --subids: the later wins, the range" [ "$(cat "$T/out")" -gt 1 ]
  # a tree with files of a subordinate id (as podman or an image store unpacks one)
  mkdir -p "$T/tree/etc" "$T/tree/bin"
  run_sb --uid 0 --bind "$T/tree" -- chown 5:5 "$T/tree/etc"
  run_sb -v --rootfs "$T/tree" --no-bind-cwd -- /nonexistent
  check "--rootfs with files of a subordinate id maps the range" grep -q "id map: your subordinate ranges too: --rootfs '.*' has files of your subordinate ids" "$T/err"
else
  for d in "own-uid map" "no notice" "--uid 0 map" "--gid 0 map" "subordinate owner" \
    "CHOWN range" "CHOWN why" "NET_BIND_SERVICE" "later no" "later yes" "rootfs range"; do
    skip "$d" "the test user has no /etc/subuid range (the test command makes one)"
  done
fi

# without a range: the subuid file named by SANDBOX_SUBUID has none for us
: >"$T/empty"
status=0
SANDBOX_SUBUID=$T/empty "$SANDBOX" --subids -- cat /proc/self/uid_map >"$T/out" 2>"$T/err" || status=$?
is "without a range: a one-id map" "$(norm "$T/out")" "$uid $uid 1"
is "and one notice line saying so" "$(cat "$T/err")" "sandbox: notice: no subuid range for '$(id -un)' in $T/empty, mapping uid $uid and gid $gid only"
SANDBOX_SUBUID=$T/empty "$SANDBOX" --uid 0 --gid 0 -- sh -c 'id -u; id -g; cat /proc/self/gid_map' >"$T/out" 2>/dev/null
is "without a range, --uid 0 maps root to us" "$(head -n2 "$T/out" | tr '\n' ' ')$(tail -n1 "$T/out" | awk '{print $1, $2, $3}')" "0 0 0 $gid 1"
SANDBOX_SUBUID=$T/empty "$SANDBOX" --subids -- cat /proc/self/setgroups >"$T/out" 2>/dev/null
is "the one-id gid map denies setgroups" "$(cat "$T/out")" "deny"

# --no-subids: a one-id map although we have a range, asked for, so without the notice
run_sb --no-subids -- sh -c 'cat /proc/self/uid_map /proc/self/gid_map'
is "--no-subids: one-id uid and gid maps, no notice" "$status $(norm "$T/out" | tr '\n' ' ')$(cat "$T/err")" \
  "0 $uid $uid 1 $gid $gid 1 "
run_sb --no-subids --uid 0 --gid 0 -- sh -c 'id -u; id -g; cat /proc/self/uid_map'
is "--no-subids --uid 0: root inside is us" "$(head -n2 "$T/out" | tr '\n' ' ')$(tail -n1 "$T/out" | norm)" "0 0 0 $uid 1"
"$SANDBOX" --uid 0 --print-config >"$T/out"
check "--print-config says which map, and why" grep -qx "# id map: your uid and gid, and your subordinate ranges: --uid is not yours" "$T/out"
"$SANDBOX" --print-config >"$T/out"
check "and the one-id map" grep -qx "# id map: your uid and gid only: nothing inside can use other ids" "$T/out"
assert_clean
done_testing
