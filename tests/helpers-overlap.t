#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/helpers-overlap.t: the launcher's one event loop (issue 15): fuse-overlayfs starts
# while the network helper is still starting, not after it is ready.  Asserted by order, not
# by time: a slirp4netns that becomes ready only once fuse-overlayfs has started (or after a
# bound of 10 s, when the launcher serves one helper at a time) says which came first.
. "${srcdir:?}/tests/lib.sh"
plan 3

fuse=$(command -v fuse-overlayfs)
slirp=$(command -v slirp4netns)
if [ -z "$fuse" ] || [ -z "$slirp" ] || [ ! -r /dev/fuse ] || [ ! -w /dev/fuse ]; then
  for i in 1 2 3; do skip "fuse-overlayfs and slirp4netns overlap" "no fuse-overlayfs, slirp4netns or usable /dev/fuse"; done
  exit 0
fi

# The helpers are found through PATH: ours wrap the real ones.  fuse-overlayfs mounts a
# tmpfs of its own on /tmp, where $T is: the wrappers and their marks are in lib.sh's
# $SB_SCRATCH (the build tree, or a folder under the home when the tree is under /tmp).
# They may run as another id of the sandbox's ranges: the marks go to a folder anyone may
# write, on a path anyone may search.
W=$(mktemp -d "${SB_SCRATCH:?}/helpers-overlap.XXXXXX")
[ "$SB_SCRATCH" = "${builddir:-}/tests" ] || chmod 0711 "$SB_SCRATCH"
at_exit 'rm -rf "$W"'
mkdir -p "$W/bin" "$W/mark" && chmod 0755 "$W" && chmod 0777 "$W/mark"
cat >"$W/bin/fuse-overlayfs" <<EOF
#!/bin/sh
: >"$W/mark/fuse"
exec "$fuse" "\$@"
EOF
cat >"$W/bin/slirp4netns" <<EOF
#!/bin/sh
n=100
while [ ! -e "$W/mark/fuse" ] && [ \$n -gt 0 ]; do sleep 0.1; n=\$((n - 1)); done
if [ -e "$W/mark/fuse" ]; then echo overlapped >"$W/mark/slirp"; else echo serial >"$W/mark/slirp"; fi
exec "$slirp" "\$@"
EOF
chmod 0755 "$W/bin/fuse-overlayfs" "$W/bin/slirp4netns"

PATH=$W/bin:$PATH run_sb --overlay fuse --net slirp -- sh -c 'test -e /etc/hostname && echo up'
is "the sandbox runs with both helpers" "$status:$(cat "$T/out")" "0:up"
[ "$status" -eq 0 ] || diag "$(cat "$T/err")"
is "fuse-overlayfs started before slirp4netns was ready" "$(cat "$W/mark/slirp" 2>/dev/null)" overlapped
assert_clean
