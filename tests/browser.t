#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real browsers under -p browser: Firefox and Chromium take a headless screenshot of a page
# the test serves on the host's loopback; the PNG must show the page's red background.  A
# cookie a page sets on one start is sent on the next: the browsers' data is kept.
. "${srcdir:?}/tests/lib.sh"
plan 11
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
mkdir -p "$HOME" "$T/www"
printf '<html><body style="margin:0;background:#ff0000"><h1>sandbox</h1></body></html>\n' >"$T/www/index.html"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$port" --directory "$T/www" >/dev/null 2>&1 &
web=$!
# the cookie server: /NAME-set sets a cookie for a day; every request's Cookie header is logged
cport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$cport" "$T/cookies.log" <<'PY' >/dev/null 2>&1 &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[2], "a") as f:
            f.write("%s %s\n" % (self.path, self.headers.get("Cookie", "-")))
        self.send_response(200)
        if self.path.endswith("-set"):
            self.send_header("Set-Cookie", "sandbox=kept; Max-Age=86400; Path=/")
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>cookie</body></html>")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
cookies=$!
at_exit 'kill $web $cookies 2>/dev/null'
wait_for 50 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)"
wait_for 50 python3 -c "import socket; socket.create_connection(('127.0.0.1', $cport), 1)"

# the colour of the pixel at (x, y) of an 8-bit RGB or RGBA PNG, as rrggbb
pixel() {
  python3 - "$1" "$2" "$3" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, hdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR": hdr = struct.unpack(">IIBBBBB", body)
    if kind == b"IDAT": idat += body
    pos += 12 + n
w, h, depth, ctype = hdr[:4]
bpp = {2: 3, 6: 4}[ctype]
raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pred = [0, a, b, (a + b) // 2, a if abs(p - a) <= min(abs(p - b), abs(p - c)) else (b if abs(p - b) <= abs(p - c) else c)][f]
        line[i] = (line[i] + pred) & 255
    rows.append(line); prev = line
x, y = int(sys.argv[2]), int(sys.argv[3])
print("%02x%02x%02x" % tuple(rows[y][x * bpp:x * bpp + 3]))
PY
}

# host loopback is reached as 10.0.2.2 through slirp4netns, opened for the test only
for b in firefox-esr chromium; do
  if ! command -v "$b" >/dev/null; then
    not_ok "$b is installed (tests/setup installs it)"; not_ok "$b screenshot"; not_ok "$b pixel"
    not_ok "$b cookie"; not_ok "$b folder"
    continue
  fi
  case $b in
    firefox-esr) args="--headless --window-size 400,300 --screenshot $HOME/Downloads/$b.png" ;;
    chromium) args="--headless --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync --window-size=400,300 --screenshot=$HOME/Downloads/$b.png" ;;
  esac
  # shellcheck disable=SC2086
  # TMPDIR (lib.sh's, under the host's /tmp) does not exist inside: Chromium needs it to
  # A start waits for the browser to start cold, load the page through slirp4netns, render
  # it and write the PNG: 5-15 s alone, over a minute when other suites share the two
  # cores; a browser that never exits is cut at 180 s and named (lib.sh's long_step tells
  # tests/bounded meanwhile that the test waits on a bounded step).
  : >"$T/$b.log"
  long_step 180 "$T/$b.log" env -u TMPDIR "$SANDBOX" -p browser --net slirp --net-host-loopback -- "$b" $args "http://10.0.2.2:$port/"
  is "$b under -p browser exits 0" "$?" 0
  check "$b wrote its screenshot into the whitelisted Downloads" [ -s "$HOME/Downloads/$b.png" ]
  is "$b's screenshot shows the page served on the host's loopback" "$(pixel "$HOME/Downloads/$b.png" 200 250 2>&1)" ff0000
  # two starts: the first gets a cookie, the second must send it.  Headless Chromium takes a
  # throwaway profile unless told: --user-data-dir is the folder a windowed one uses.
  case $b in
    firefox-esr) args="--headless --screenshot $HOME/Downloads/c.png"; data=$HOME/.config/mozilla/firefox/profiles.ini ;;
    chromium) args="--headless --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$HOME/.config/chromium --screenshot=$HOME/Downloads/c.png"; data=$HOME/.config/chromium/Default/Cookies ;;
  esac
  for step in set check; do
    # shellcheck disable=SC2086
    long_step 180 "$T/$b.log" env -u TMPDIR "$SANDBOX" -p browser --net slirp --net-host-loopback -- "$b" $args "http://10.0.2.2:$cport/$b-$step"
  done
  is "$b sends, on its second start, the cookie a page set on its first" \
    "$(grep "^/$b-check " "$T/cookies.log" 2>&1)" "/$b-check sandbox=kept"
  check "$b's data is in the host's folder ($data)" [ -s "$data" ]
done
assert_clean
done_testing
