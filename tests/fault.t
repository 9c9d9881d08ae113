#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fault.t: nothing is left behind, whenever the launcher dies.  src/sandbox-fault (the
# launcher with its fault points live, built for make check only) SIGKILLs itself at the
# setup stage $SANDBOX_FAULT_STAGE names (src/fault.h).  For every stage a mode reaches, in
# every mode, $FAULT_RUNS runs (1 here; 20 for the full run); after each: no process, no
# mount, and once the next start has run, no folder or file in $XDG_RUNTIME_DIR, $TMPDIR,
# /tmp or the cache that was not there before.  Then $FAULT_RANDOM_KILLS launchers a mode are
# killed at a random moment 0-30 ms after their start, with the same checks.
# The full run (a mode's point comes after all its runs; lib.sh's progress lines meanwhile
# keep tests/bounded's idle limit the bound of one run, not of a mode's):
#   FAULT_RUNS=20 FAULT_RANDOM_KILLS=50 make check TESTS=tests/fault.t
. "${srcdir:?}/tests/lib.sh"
FAULT=${SANDBOX_FAULT:?built by make check}
RUNS=${FAULT_RUNS:-1}
KILLS=${FAULT_RANDOM_KILLS:-4}

# private places, so that what appears there is ours (other tests run meanwhile)
XDG_RUNTIME_DIR=$T/xdg XDG_CACHE_HOME=$T/cache
export XDG_RUNTIME_DIR XDG_CACHE_HOME
mkdir -m 0700 "$XDG_RUNTIME_DIR" "$XDG_CACHE_HOME"

# a session bus for --dbus-user filter (as tests/dbus.t)
dbus-daemon --session --address="unix:path=$T/bus" --nofork --print-address=3 3>"$T/addr" \
  >/dev/null 2>&1 &
bus=$!
at_exit 'kill $bus 2>/dev/null'
wait_for 100 test -s "$T/addr" || { echo "Bail out! no private session bus"; exit 1; }
DBUS_SESSION_BUS_ADDRESS=$(cat "$T/addr")
export DBUS_SESSION_BUS_ADDRESS

free_port() {
  _p=$(( 20000 + ($$ * 11 + $1 * 137) % 30000 ))
  while [ "$("$PROBE" connect 127.0.0.1 "$_p")" != ECONNREFUSED ]; do _p=$((_p + 1)); done
  echo "$_p"
}
P1=$(free_port 1)
P2=$(free_port 2)
[ "$P2" != "$P1" ] || P2=$((P1 + 1))
P3=$(free_port 3)
[ "$P3" != "$P1" ] && [ "$P3" != "$P2" ] || P3=$((P2 + 1))
# NAME|OPTIONS|the stages only this mode reaches (the others reach every other stage)
modes="default||
uid0|--uid 0|
slirp|--net slirp|net-started net-ready
pasta|--net pasta|net-started net-ready
dbus|--dbus-user filter|run-dir dbus-spawned dbus-ready dbus-stopped
publish|--net slirp --publish $P1:80|net-started net-ready run-dir published
pasta-publish|--net pasta --publish $P2:80|net-started net-ready
network|--network faultnet --publish $P3:80|network-joined run-dir"
special="net-started net-ready run-dir dbus-spawned dbus-ready dbus-stopped published network-joined"
# reached where a helper runs for pid 1 (fuse-overlayfs, the /proc views): any mode may
optional="helper"
stages=$(SANDBOX_FAULT_STAGE=list "$FAULT" -- true | awk '{ print $2 }')
n_stages=$(echo "$stages" | wc -l)
n_modes=$(echo "$modes" | wc -l)
plan $((n_modes * 2 + 3))

mode_field() { echo "$modes" | awk -F'|' -v m="$1" -v f="$2" '$1 == m { print $f }'; }
reaches() { # MODE STAGE
  case " $special " in *" $2 "*) ;; *) return 0 ;; esac
  case " $(mode_field "$1" 3) " in *" $2 "*) return 0 ;; esac
  return 1
}
sb_fault() { "$SB_TIMEOUT" -k 5 "$SB_STEP_LIMIT" "$FAULT" "$@" -- true >"$T/run.out" 2>&1 </dev/null; }

# What a run may not leave (tests/leftover): a process (ours by the mark, the launcher's pid 1
# by its name, or a helper whose launcher is gone), a mount, a file in the private places or
# a sandbox* in /tmp.  Not the per-user folders themselves: the first start makes them.
leftover() {
  "$builddir/tests/leftover" -p $$ -m "SBTEST_MARK=$SBTEST_MARK" -c sandbox-fault -t \
    -d "$XDG_RUNTIME_DIR" -d "$TMPDIR" -d "$XDG_CACHE_HOME" "$@"
}

# every mode once, so that what a first start keeps (the policy cache, the per-user state
# folder) is there before the snapshot
for m in $(echo "$modes" | cut -d'|' -f1); do
  # shellcheck disable=SC2046 # the mode's options, split on purpose
  sb_fault $(mode_field "$m" 2) || { cat "$T/run.out"; echo "Bail out! mode $m does not run"; exit 1; }
done
before=$(leftover)

left=   # what the last check found
# What is there now and was not before: an item that went away (another user of /tmp
# removed its own) is nothing left behind.
added() {
  echo "$before" | sort >"$T/before"
  echo "$1" | sort >"$T/now"
  comm -13 "$T/before" "$T/now"
}
check_after() { # OPTIONS: after a killed run, processes go within 5 s, and the next start
  # (in the same mode) removes what the killed launcher left on disk
  left=
  [ -z "$(added "$(leftover -w 5)")" ] && return 0
  leftover_runs=$((leftover_runs + 1))
  sb_fault $1 || left="the next start failed: $(cat "$T/run.out")
"
  _new=$(added "$(leftover -w 5)")
  [ -z "$_new" ] && [ -z "$left" ] && return 0
  left="$left$(echo "$_new" | tr '\n' ' ')"
  return 1
}

hit=
leftover_runs=0
total=0
start=$(date +%s)
for m in $(echo "$modes" | cut -d'|' -f1); do
  opts=$(mode_field "$m" 2)
  bad= killed=0 runs=0
  for s in $stages; do
    reaches "$m" "$s" || continue
    i=0
    while [ "$i" -lt "$RUNS" ]; do
      i=$((i + 1)) runs=$((runs + 1))
      progress "mode $m: stage $s, run $i"
      st=0
      SANDBOX_FAULT_STAGE=$s sb_fault $opts || st=$?
      if [ "$st" -eq 137 ]; then
        killed=$((killed + 1))
        case " $hit " in *" $s "*) ;; *) hit="$hit $s" ;; esac
      elif [ "$st" -eq 0 ] && case " $optional " in *" $s "*) true ;; *) false ;; esac; then
        :
      else
        bad="$bad
stage $s: not killed (status $st): $(cat "$T/run.out")"
      fi
      check_after "$opts" || bad="$bad
stage $s: $left"
    done
  done
  total=$((total + runs))
  if [ -z "$bad" ]; then
    ok "mode $m: killed at each of its stages ($runs runs), nothing left"
  else
    not_ok "mode $m: killed at each of its stages ($runs runs), nothing left"
    diag "$bad"
  fi
done
missing=
for s in $stages; do case " $hit " in *" $s "*) ;; *) missing="$missing $s" ;; esac; done
is "every stage was reached and killed in some mode" "$missing" ""
diag "$total runs at a stage in $(($(date +%s) - start)) s; $leftover_runs left something on disk until the next start"
leftover_runs=0

# SIGKILL at a random moment 0-30 ms after the start
start=$(date +%s)
for m in $(echo "$modes" | cut -d'|' -f1); do
  opts=$(mode_field "$m" 2)
  bad= i=0
  while [ "$i" -lt "$KILLS" ]; do
    i=$((i + 1))
    progress "mode $m: random kill $i"
    ms=$(( $(od -An -N2 -tu2 /dev/urandom) % 31 ))
    "$FAULT" $opts -- sleep 2 >/dev/null 2>&1 </dev/null &
    l=$!
    sleep "$(printf '0.%03d' "$ms")"
    kill -KILL "$l" 2>/dev/null
    sb_wait "$l" >/dev/null 2>&1
    check_after "$opts" || bad="$bad
after ${ms} ms: $left"
  done
  if [ -z "$bad" ]; then ok "mode $m: $KILLS SIGKILLs at random moments, nothing left"; else
    not_ok "mode $m: $KILLS SIGKILLs at random moments, nothing left"
    diag "$bad"
  fi
done
diag "$((KILLS * n_modes)) random kills in $(($(date +%s) - start)) s; $leftover_runs left something on disk until the next start"

check "the release build has no fault points" sh -c \
  '! grep -q SANDBOX_FAULT_STAGE "$1" && SANDBOX_FAULT_STAGE=options "$1" -- true' - "$SANDBOX"
assert_clean
done_testing
