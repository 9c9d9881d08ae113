# tests/lib.sh: TAP helpers for the shell tests (sourced; POSIX sh).
#   plan N                      the number of test points
#   ok DESC / not_ok DESC       one point
#   check DESC CMD [ARG...]     ok when CMD exits 0
#   is DESC GOT WANT            ok when GOT = WANT; shows both otherwise
#   skip DESC WHY               a skipped point; WHY names the missing kernel feature
#   run_sb [ARG...]             runs "$SANDBOX" ARG..., stdout in $T/out, stderr in $T/err,
#                               status in $status (never fails the script)
#   assert_clean                ok when nothing of ours is left: processes, mounts, state
# $T is a private temp folder, removed at exit.  $SANDBOX and $PROBE come from make check.
set -u
: "${SANDBOX:?run through make check}" "${PROBE:=}"
_tap_n=0
_tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/sbtest.XXXXXX")
trap 'rm -rf "$T"' EXIT
# probe copies for inside: the sandbox cannot see a build folder under /tmp
if [ -n "$PROBE" ] && [ -x "$PROBE" ]; then :; fi

plan() { echo "1..$1"; }
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_n - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
check() {
  _d=$1; shift
  if "$@"; then ok "$_d"; else not_ok "$_d"; diag "command failed: $*"; fi
}
is() {
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; diag "got:  '$2'" "want: '$3'"; fi
}
run_sb() {
  status=0
  "$SANDBOX" "$@" >"$T/out" 2>"$T/err" </dev/null || status=$?
}
# Waits up to $1 tenths of a second for CMD to succeed (no fixed sleeps: poll a condition).
wait_for() {
  _n=$1; shift
  while [ "$_n" -gt 0 ]; do
    "$@" && return 0
    sleep 0.1
    _n=$((_n - 1))
  done
  return 1
}
# Processes of ours still running: the launcher, or anything in a sandbox we started.
_leftovers() {
  ps -o pid=,args= -u "$(id -u)" 2>/dev/null |
    awk -v me=$$ '$1 != me && /(src\/sandbox|fuse-overlayfs|slirp4netns|pasta|xdg-dbus-proxy|sbprobe-mark)( |$)/'
}
assert_clean() {
  wait_for 20 sh -c '[ -z "$(ps -o args= -u "$(id -u)" | grep -E "(src/sandbox|fuse-overlayfs|slirp4netns|pasta|sbprobe-mark)( |$)" | grep -v grep)" ]' || true
  _left=$(_leftovers)
  _mnt=$(awk '$3 ~ /fuse|overlay/ && $2 ~ /sandbox/ {print $2}' /proc/mounts)
  _state=$(ls -d "${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}}"/sandbox-"$(id -u)"/* 2>/dev/null)
  if [ -z "$_left$_mnt$_state" ]; then ok "nothing is left behind"; else
    not_ok "nothing is left behind"; diag "processes: $_left" "mounts: $_mnt" "state: $_state"
  fi
}
done_testing() { [ "$_tap_failed" -eq 0 ]; }
