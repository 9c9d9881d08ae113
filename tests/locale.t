#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The user's locale and time zone inside, in the default setup and under the browser
# profile's private home: LANG, LC_* and TZ pass through, and what they name (the zone files,
# /etc/localtime, the compiled locales and the locale archive) is there, so `date` and
# `locale` inside say what they say outside.
. "${srcdir:?}/tests/lib.sh"
plan 16

# a fixed instant: the same answer inside and outside, whatever the clock does meanwhile
when=@1700000000
fmt='+%Y-%m-%d %H:%M %Z %z'
export LANG=C.UTF-8 LC_TIME=C.UTF-8 LC_MESSAGES=POSIX
unset LC_ALL
for prof in "" "-p browser"; do
  name=${prof:-default}
  name=${name#-p }
  # shellcheck disable=SC2086 # $prof: no option, or -p and a name
  set -- $prof
  for tz in America/New_York Asia/Kolkata; do
    TZ=$tz run_sb "$@" -- date -d "$when" "$fmt"
    is "$name: TZ=$tz: date inside as outside" "$status $(cat "$T/out")" \
      "0 $(TZ=$tz date -d "$when" "$fmt")"
  done
  TZ=Europe/Paris run_sb "$@" -- sh -c 'echo "$TZ|$LANG|$LC_TIME|$LC_MESSAGES"'
  is "$name: TZ, LANG and LC_* pass through" "$(cat "$T/out")" \
    "Europe/Paris|C.UTF-8|C.UTF-8|POSIX"
  run_sb "$@" -- date -d "$when" "$fmt"
  is "$name: no TZ: /etc/localtime's zone, as outside" "$(cat "$T/out")" \
    "$(date -d "$when" "$fmt")"
  run_sb "$@" -- readlink -f /etc/localtime
  is "$name: /etc/localtime is the host's" "$(cat "$T/out")" "$(readlink -f /etc/localtime)"
  run_sb "$@" -- locale
  is "$name: locale inside as outside, without complaint" "$status $(cat "$T/out" "$T/err")" \
    "0 $(locale 2>&1)"
  run_sb "$@" -- locale -a
  is "$name: every installed locale (the archive and the folders) is there" \
    "$(cat "$T/out")" "$(locale -a)"
done
run_sb -p untrusted -- locale charmap
is "untrusted: its own C.UTF-8 works" "$status $(cat "$T/out" "$T/err")" "0 UTF-8"
assert_clean
done_testing
