#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Desktop sharing for real: an X11 client under Xvfb with --x11 (in the sandbox's own network
# namespace), its private Xauthority, and the Wayland, PulseAudio and PipeWire sockets of the
# session reached from inside; without the options, nothing of them is there.
. "${srcdir:?}/tests/lib.sh"
plan 22

bg=
at_exit 'for p in $bg; do kill "$p" 2>/dev/null; done'
unset DISPLAY WAYLAND_DISPLAY PULSE_SERVER PIPEWIRE_REMOTE XAUTHORITY
uid=$(id -u)

# Xauthority files: the client's holds display 98's cookie (aa..) and ours (bb..), both for
# this host; the server accepts only bb..
xauth_file() {   # FILE "NUMBER:HEXCOOKIE"...
  python3 - "$@" <<'EOF'
import socket, struct, sys
f = lambda b: struct.pack(">H", len(b)) + b
out = b""
for e in sys.argv[2:]:
    num, cookie = e.split(":")
    fam, addr = (65535, b"") if num == "*" else (256, socket.gethostname().encode())
    out += struct.pack(">H", fam) + f(addr) + f(b"" if num == "*" else num.encode())
    out += f(b"MIT-MAGIC-COOKIE-1") + f(bytes.fromhex(cookie))
open(sys.argv[1], "wb").write(out)
EOF
}
A=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
B=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
xauth_file "$T/server.auth" "*:$B"
Xvfb -displayfd 3 -auth "$T/server.auth" -nolisten tcp 3>"$T/display" >/dev/null 2>"$T/xvfb.err" &
bg="$bg $!"
check "Xvfb starts" wait_for 100 test -s "$T/display"
n=$(cat "$T/display")
export DISPLAY=":$n"
xauth_file "$T/Xauthority" "98:$A" "$n:$B"
xauth_file "$T/other.auth" "98:$A"
export XAUTHORITY="$T/Xauthority"

run_sb --x11 -- sh -c 'xdpyinfo && ls /sys/class/net'
check "--x11: xdpyinfo reaches the display" grep -q "^name of display: *:$n\$" "$T/out"
is "with no network but lo" "$(tail -n 1 "$T/out")" lo
run_sb -- xdpyinfo
check "without --x11 it cannot" [ "$status" -ne 0 ]
check "and says so" grep -q "unable to open display" "$T/err"
run_sb --x11 -- sh -c 'echo "$XAUTHORITY"; stat -c "%a %u" "$XAUTHORITY"; od -An -tx1 -v "$XAUTHORITY" | tr -d " \n"'
is "the cookie file is private to the command" "$(head -n 2 "$T/out" | tr '\n' ' ')" \
  "/run/user/$uid/Xauthority 600 $uid "
hex=$(tail -n 1 "$T/out")
check "it holds the display's cookie" sh -c 'case $1 in *"$2"*) exit 0;; esac; exit 1' - "$hex" "$B"
check "and no other" sh -c 'case $1 in *"$2"*) exit 1;; esac; exit 0' - "$hex" "$A"
# family ffff (any host), empty address, the number, the name, the 16 bytes
is "one entry, for any host name (the sandbox has its own)" "$(printf '%s' "$hex" | cut -c1-8)" ffff0000
XAUTHORITY="$T/other.auth" run_sb --x11 -- xdpyinfo
check "without the display's cookie the server refuses" [ "$status" -ne 0 ]
DISPLAY='' run_sb -v --x11 -- true
check "no DISPLAY: --x11 leaves it out and runs" \
  sh -c '[ "$1" -eq 0 ] && grep -q -- "--x11: DISPLAY is not set" "$2"' - "$status" "$T/err"
DISPLAY=otherhost:0 run_sb -v --x11 -- true
check "a TCP display is not shared" grep -q -- "--x11: DISPLAY 'otherhost:0' is not a local display" "$T/err"

# a session's sockets: a server that greets one client
export XDG_RUNTIME_DIR="$T/run"
mkdir -p "$XDG_RUNTIME_DIR/pulse"
serve() {   # PATH
  python3 - "$1" <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.bind(sys.argv[1] + ".new")
s.listen(1)
os.rename(sys.argv[1] + ".new", sys.argv[1])
c, _ = s.accept()
c.sendall(b"hello\n")
EOF
  bg="$bg $!"
  wait_for 100 test -S "$1"
}
client='import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(s.recv(16).decode().strip())'

serve "$XDG_RUNTIME_DIR/wayland-7"
WAYLAND_DISPLAY=wayland-7 run_sb --wayland -- sh -c 'echo "$XDG_RUNTIME_DIR $WAYLAND_DISPLAY"; python3 -c "$1" "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY"' - "$client"
is "--wayland: WAYLAND_DISPLAY names the socket in the command's runtime folder" \
  "$(head -n 1 "$T/out")" "/run/user/$uid wayland-7"
is "and the compositor answers" "$(tail -n 1 "$T/out")" hello
WAYLAND_DISPLAY=wayland-7 run_sb -- sh -c 'ls /run/user 2>&1; test -S "$XDG_RUNTIME_DIR/wayland-7"'
check "without --wayland there is no socket" [ "$status" -ne 0 ]

serve "$XDG_RUNTIME_DIR/pulse/native"
run_sb --pulseaudio -- sh -c 'echo "$PULSE_SERVER"; python3 -c "$1" "${PULSE_SERVER#unix:}"' - "$client"
is "--pulseaudio: PULSE_SERVER names the socket" "$(head -n 1 "$T/out")" \
  "unix:/run/user/$uid/pulse/native"
is "and the sound server answers" "$(tail -n 1 "$T/out")" hello

serve "$XDG_RUNTIME_DIR/pipewire-0"
run_sb --pipewire -- sh -c 'python3 -c "$1" "$XDG_RUNTIME_DIR/pipewire-0"' - "$client"
is "--pipewire: the PipeWire socket answers" "$(cat "$T/out")" hello

: >"$XDG_RUNTIME_DIR/wayland-9"
WAYLAND_DISPLAY=wayland-9 run_sb --wayland -- true
is "a file that is no socket is refused" "$status $(cat "$T/err")" \
  "125 sandbox: --wayland: '$XDG_RUNTIME_DIR/wayland-9' is not a socket"

# the GPU: the same devices inside as outside (none on a machine without one)
run_sb --gpu -- sh -c 'ls /dev/dri 2>/dev/null; ls -d /dev/nvidia* 2>/dev/null; true'
is "--gpu shows the host's /dev/dri inside" "$(cat "$T/out")" \
  "$(ls /dev/dri 2>/dev/null; ls -d /dev/nvidia* 2>/dev/null)"
check "and runs" [ "$status" -eq 0 ]
assert_clean
done_testing
