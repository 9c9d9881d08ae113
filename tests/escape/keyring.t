#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Escape class: the caller's session keyring (issue 13).  The session keyring links the
# user's secrets (ssh, gpg, kerberos tickets); a sandbox that inherits it reads them with
# keyctl whenever its seccomp policy allows keyctl (--seccomp unconfined, podman's policy).
# Every sandbox gets a fresh session keyring, whatever the policy.
. "${srcdir:?}/tests/lib.sh"
plan 5
if ! command -v keyctl >/dev/null; then
  for i in 1 2 3 4 5; do not_ok "keyctl is needed (Debian's keyutils; tests/setup installs it)"; done
  exit 1
fi
# the test runs in a session keyring of its own, holding a secret, as a login session would
keyctl session - sh -s "$SANDBOX" "$T" <<'SCRIPT' >/dev/null 2>&1
SANDBOX=$1 T=$2
id=$(keyctl add user sbtest-secret s3cr3t @s)
uid=$(keyctl add user sbtest-user u53r @u)
keyctl print "$id" >"$T/host-sees" 2>&1
"$SANDBOX" --seccomp unconfined -- keyctl print "$id" >"$T/print" 2>&1
"$SANDBOX" --seccomp unconfined -- keyctl search @s user sbtest-secret >"$T/search" 2>&1
"$SANDBOX" --seccomp unconfined -- keyctl print "$uid" >"$T/user" 2>&1
"$SANDBOX" --seccomp unconfined -- keyctl show @s >"$T/show" 2>&1
keyctl unlink "$uid" @u >/dev/null
SCRIPT
# (keyctl session announces the keyring it joined on stderr)
is "the caller's session holds the secret (the test's own check)" "$(cat "$T/host-sees")" s3cr3t
check "--seccomp unconfined: keyctl print of the caller's key fails" sh -c "! grep -q s3cr3t '$T/print'"
check "  keyctl search of the caller's session finds nothing" sh -c "! grep -q '^[0-9]' '$T/search'"
check "  the caller's user keyring is not reachable" sh -c "! grep -q u53r '$T/user'"
check "  the sandbox's session keyring holds nothing of the caller's" sh -c "! grep -q sbtest '$T/show'"
done_testing
