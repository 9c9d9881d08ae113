# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib.sh: TAP helpers for the shell tests (sourced; POSIX sh).
# shellcheck shell=sh
#   plan N                      the number of test points
#   ok DESC / not_ok DESC       one point
#   check DESC CMD [ARG...]     ok when CMD exits 0
#   is DESC GOT WANT            ok when GOT = WANT; shows both otherwise
#   skip DESC WHY               a skipped point; WHY names the missing kernel feature
#   run_sb [ARG...]             runs "$SANDBOX" ARG..., stdout in $T/out, stderr in $T/err,
#                               status in $status (never fails the script); at most
#                               $SB_STEP_LIMIT seconds (status 124 after that)
#   sb_start OUT [ARG...]       starts "$SANDBOX" ARG... in the background, output in OUT
#                               (emptied first); its pid in $sb_pid
#   sb_wait PID [SECONDS]       waits for a background job at most SECONDS ($SB_STEP_LIMIT),
#                               then kills it; its status in $?
#   at_exit CMD                 runs CMD when the test ends, however it ends
#   assert_clean                ok when nothing of ours is left: processes, mounts, state
#   plant_state DIR NAME [JSON] a faked state folder NAME in DIR (see below); unplant_state
#   start_of PID                PID's start time, as a state folder records it
#   rm_subids PATH...           removes PATHs holding files of subordinate ids (root inside)
# $T is a private temp folder, removed at exit.  $SANDBOX and $PROBE come from make check.
# Every wait is bounded, and tests/bounded (make check's LOG_COMPILER) ends a test that is
# silent for a minute; at exit, whatever the test started and left running is killed.
set -u
: "${SANDBOX:?run through make check}" "${PROBE:=}"
_tap_n=0
_tap_failed=0
SB_STEP_LIMIT=${SB_STEP_LIMIT:-40}
# found now: tests run the sandbox with PATH set to folders without it
SB_TIMEOUT=$(command -v timeout)
T=$(mktemp -d "${TMPDIR:-/tmp}/sbtest.XXXXXX")
_at_exit=
at_exit() { _at_exit="$_at_exit
$*"; }
_lib_exit() {
  _st=$?
  trap - EXIT
  eval "$_at_exit"
  _kill_ours
  rm -rf "$T" ${_sb_scratch_own:+"$_sb_scratch_own"}
  exit "$_st"
}
trap _lib_exit EXIT
# a test that is killed (tests/bounded's SIGTERM, ^C) still takes down what it started
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
# the sandbox keeps its state under $TMPDIR when there is no XDG_RUNTIME_DIR: one per test
mkdir "$T/tmpdir" && TMPDIR=$T/tmpdir && export TMPDIR
# $SB_SCRATCH: a folder for the test's host files that sandboxes see: the build folder's
# tests/, unless the tree sits where every sandbox has a private folder (/tmp, /var/tmp,
# /dev/shm, /run: make distcheck from a checkout under /tmp).  Then it is a folder under
# the home, removed at exit; the probe is copied there, and the test starts in it, so that
# the sandbox's working directory is bound as it is from a tree in the home.
_sb_scratch_own=
case "${builddir:-$PWD}/" in
/tmp/* | /var/tmp/* | /dev/shm/* | /run/*)
  SB_SCRATCH=$(mktemp -d "$HOME/.sbtest-scratch.XXXXXX") || exit 1
  _sb_scratch_own=$SB_SCRATCH
  if [ -n "$PROBE" ] && [ -x "$PROBE" ]; then cp "$PROBE" "$SB_SCRATCH/probe" && PROBE=$SB_SCRATCH/probe; fi
  cd "$SB_SCRATCH" || exit 1
  ;;
*) SB_SCRATCH=${builddir:-$PWD}/tests ;;
esac

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
  "$SB_TIMEOUT" -k 5 "$SB_STEP_LIMIT" "$SANDBOX" "$@" >"$T/out" 2>"$T/err" </dev/null || status=$?
  [ "$status" -ne 124 ] || diag "timed out after ${SB_STEP_LIMIT}s: sandbox $*"
}
sb_start() {
  _o=$1; shift
  # emptied here, not by the job's own redirection: that one happens in the child, later,
  # and meanwhile a "ready" from an earlier run would count
  : >"$_o"
  "$SANDBOX" "$@" >"$_o" 2>&1 </dev/null &
  sb_pid=$!
}
# a child that has exited (a zombie until waited for) or is gone
_ended() { [ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = Z ]; }
sb_wait() {
  if ! wait_for "$(( ${2:-$SB_STEP_LIMIT} * 10 ))" _ended "$1"; then
    diag "pid $1 still running after ${2:-$SB_STEP_LIMIT}s: killed"
    kill -KILL "$1" 2>/dev/null
  fi
  wait "$1"
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
# Every process a test starts carries SBTEST_MARK in its environment; so does whatever the
# sandbox starts (helpers, the command and its children), unless a test clears the
# environment.  A helper (fuse-overlayfs, slirp4netns, ...) may run as a subordinate id,
# whose environ is not ours to read: a helper whose parent is no launcher is a leftover.
# Leftovers: marked processes that are not the test's own shell or its children.
SBTEST_MARK=$$.$(date +%s%N)
export SBTEST_MARK
_leftovers() {
  # zombies are left out: they hold nothing, and reaping them is their parent's business
  ps -e -o pid=,ppid=,stat=,comm= 2>/dev/null | awk -v top=$$ -v mark="SBTEST_MARK=$SBTEST_MARK" '
    { parent[$1] = $2; comm[$1] = $4; if ($3 !~ /^Z/) pids[++n] = $1 }
    END {
      for (i = 1; i <= n; i++) {
        p = pids[i]; q = p; mine = 0
        while (q != "" && q > 1) { if (q == top) { mine = 1; break } q = parent[q] }
        if (mine) continue
        # a helper whose launcher is gone (helpers run as subordinate ids or are not
        # dumpable: no environ to read); pasta runs as passt.avx2 where the CPU has AVX2,
        # comm is cut at 15 characters.  The children of a helper (slirp4netns forks one
        # to join the namespaces) belong to the launcher above them.
        h = "^(fuse-overlayfs|slirp4netns|pasta|passt|pasta\\.avx2|passt\\.avx2|xdg-dbus-proxy|sandbox-procvie|sandbox-seccomp)$"
        q = parent[p]; while (comm[q] ~ h) q = parent[q]
        if (comm[p] ~ h && comm[q] !~ /^sandbox(-fault)?$/) { print p; continue }
        f = "/proc/" p "/environ"; RS = "\0"; found = 0
        while ((getline line < f) > 0) if (line == mark) found = 1
        close(f); RS = "\n"
        if (found) print p
      }
    }'
}
# What the launcher keeps on disk while it runs (src/state.c): its own folder, run-PIDNS-
# PID-START (the D-Bus proxy's sockets and a named sandbox's state.json are in it), in the
# per-user one, $XDG_RUNTIME_DIR/sandbox (else ${TMPDIR:-/tmp}/sandbox-UID), and a named
# sandbox's link there.
runtime_base() {
  if [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ] && [ -w "$XDG_RUNTIME_DIR" ]; then
    echo "$XDG_RUNTIME_DIR"
  else echo "${TMPDIR:-/tmp}"; fi
}
state_dir() {
  if [ "$(runtime_base)" = "${XDG_RUNTIME_DIR:-}" ]; then echo "$XDG_RUNTIME_DIR/sandbox"
  else echo "${TMPDIR:-/tmp}/sandbox-$(id -u)"; fi
}
_state_left() {
  ls -d "$(state_dir)"/run-* 2>/dev/null
  # a named sandbox's name: a link to its launcher's folder (src/state.c)
  find "$(state_dir)" -maxdepth 1 -type l 2>/dev/null
  # a --network's folder: removed with its last member (src/network.c)
  ls -d "$(state_dir)"/networks/* 2>/dev/null
}
# at exit: every process of this test still running (launchers first: their sandboxes and
# helpers end with them), found by the mark
_kill_ours() {
  _pids=$(ps -e -o pid= 2>/dev/null | awk -v me=$$ -v mark="SBTEST_MARK=$SBTEST_MARK" '
    $1 != me {
      f = "/proc/" $1 "/environ"; RS = "\0"; found = 0
      while ((getline line < f) > 0) if (line == mark) found = 1
      close(f); RS = "\n"
      if (found) print $1
    }')
  [ -z "$_pids" ] || kill -KILL $_pids 2>/dev/null
  return 0
}
assert_clean() {
  # a process that exits within 3 s is not left behind; one still there after is
  _left=
  wait_for 30 _no_leftovers || _left=$(_leftovers)
  _mnt=$(awk '$3 ~ /fuse|overlay/ && $2 ~ /sandbox/ {print $2}' /proc/mounts)
  # a SIGKILLed launcher's folder and name stay until the next start or --list sweeps them
  "$SANDBOX" --list >/dev/null 2>&1
  _state=$(_state_left)
  if [ -z "$_left$_mnt$_state" ]; then ok "nothing is left behind"; else
    not_ok "nothing is left behind"
    for p in $_left; do diag "process $(ps -o pid=,ppid=,stat=,args= -p "$p")"; done
    diag "mounts: $_mnt" "state: $_state"
  fi
}
_no_leftovers() { [ -z "$(_leftovers)" ]; }
# A process's start time (/proc/PID/stat's 22nd field), which a launcher's folder name
# and state.json record (src/state.c).
start_of() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }
# plant_state DIR NAME [JSON]: what a sandbox (or anyone) could plant in DIR, a folder of
# launcher folders ($XDG_RUNTIME_DIR/sandbox): a folder named after a live "launcher" (this
# shell) and a link NAME to it, whose state.json names as "pid 1" a decoy of ours (a shell
# with a child below it) and as namespaces this shell's (the host's); JSON: more members,
# each followed by a comma.  Sets plant_dir (the folder's name, in DIR), plant_decoy and
# plant_ns (the "namespaces" members).  unplant_state removes the folder and the decoy.
plant_state() {
  plant_root=$1
  sh -c 'sleep 60; :' &
  plant_decoy=$!
  wait_for 50 sh -c 'ps -e -o ppid= | grep -qw "$1"' - "$plant_decoy"
  plant_dir=run-$(stat -L -c %i /proc/self/ns/pid)-$$-$(start_of $$)
  mkdir -m 0700 "$plant_root/$plant_dir"
  ln -s "$plant_dir" "$plant_root/$2"
  plant_link=$2
  plant_ns=$(for n in user mnt pid net uts ipc cgroup; do
    printf '"%s":"%s",' "$n" "$(stat -L -c %d:%i /proc/self/ns/$n)"; done)
  printf '{"name":"%s","launcher":%s,"pid":%s,"pid_start":%s,"namespaces":{%s"x":""},%s"uid":0,"gid":0,"caps":"0","seccomp":false,"cwd":"/","env":[]}' \
    "$2" $$ "$plant_decoy" "$(start_of "$plant_decoy")" "$plant_ns" "${3:-}" \
    >"$plant_root/$plant_dir/state.json"
}
unplant_state() {
  rm -rf "${plant_root:?}/${plant_dir:?}" "$plant_root/${plant_link:?}"
  pkill -P "$plant_decoy" sleep 2>/dev/null
  kill "$plant_decoy" 2>/dev/null
  return 0
}
# rm_subids PATH...: removes each PATH, which a sandbox with root inside may have filled
# with files of subordinate ids (--persist folders, fuse-overlayfs' upper layer) that only
# root inside may remove: what we cannot remove ourselves, a sandbox with --uid 0 and the
# PATH's parent bound removes.  Bounded; never fails.
rm_subids() {
  for _p in "$@"; do
    [ -e "$_p" ] || [ -L "$_p" ] || continue
    [ -L "$_p" ] || chmod -R u+w "$_p" 2>/dev/null
    # from /: the working directory may have been in PATH, and be gone
    rm -rf "$_p" 2>/dev/null || (cd / && "$SB_TIMEOUT" -k 5 "$SB_STEP_LIMIT" "$SANDBOX" \
      --overlay none --uid 0 --no-bind-cwd --bind "$(dirname "$_p")" -- rm -rf "$_p" \
      >/dev/null 2>&1 </dev/null)
  done
  return 0
}
done_testing() { [ "$_tap_failed" -eq 0 ]; }
# tests/bounded ends a test that prints nothing for $SB_IDLE_LIMIT s (50): it measures one
# step, not a test point made of many.
# progress DESC: a point made of many bounded steps (a loop of sandbox runs) calls it at
# each step; every 10 s at most it prints "# DESC", so that a loop slowed down by a loaded
# machine is not taken for a hang, while one step that hangs still is.
_progress_at=$(date +%s)
progress() {
  _now=$(date +%s)
  [ $((_now - _progress_at)) -ge 10 ] || return 0
  _progress_at=$_now
  diag "$*"
}
# long_step SECONDS OUT CMD [ARG...]: one step that may take longer than the idle limit (a
# browser starting on a loaded machine): CMD runs at most SECONDS (then SIGTERM, SIGKILL
# 5 s later: status 124), its output appended to OUT; meanwhile "# still running" every
# 20 s says the test waits on a bounded step.  CMD's status in $?.
long_step() {
  _ls_max=$1 _ls_out=$2
  shift 2
  "$SB_TIMEOUT" -k 5 "$_ls_max" "$@" >>"$_ls_out" 2>&1 </dev/null &
  _ls_pid=$! _ls_start=$(date +%s)
  _ls_said=$_ls_start
  # by the clock: on a loaded machine wait_for's 0.1 s polls take much longer each
  while ! wait_for 10 _ended "$_ls_pid"; do
    _now=$(date +%s)
    [ $((_now - _ls_said)) -ge 20 ] || continue
    _ls_said=$_now
    diag "still running after $((_now - _ls_start)) s (at most ${_ls_max} s): $*"
  done
  wait "$_ls_pid"
}
