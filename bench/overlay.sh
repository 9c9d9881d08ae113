#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/overlay.sh: file-system throughput through each copy-on-write engine against the
# host's own folders, in one run.  Prints seconds per workload and the ratio to the host.
#   bench/overlay.sh [ROUNDS]     (default 3 rounds; the median is shown)
# Workloads: find over /usr; tar c /usr/share | cat (GNU tar reads no data when its output
# is /dev/null itself); 2000 small files; one 500 MB file with fsync; unpack and build a
# small C project.  Configurations: the host (--read-only, a host folder bound for the
# writes), kernel and fuse-overlayfs with the ephemeral upper (a tmpfs) and with --persist
# (an upper on disk), and the default (auto, which binds /usr read-only for its own-uid
# caller).  Also the peak RSS of fuse-overlayfs.  Never part of make check.
set -u
rounds=${1:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
SANDBOX=${SANDBOX:-$top/src/sandbox}
[ "$(id -u)" -ne 0 ] || echo "bench: note: run as an unprivileged user for meaningful figures" >&2
# not under /tmp: the sandbox's /tmp is its own
S=$(mktemp -d "$HOME/.sbbench-overlay.XXXXXX")
cleanup() {
  "$SANDBOX" --overlay none --uid 0 --no-bind-cwd --bind "$S" -- rm -rf "$S" 2>/dev/null
  rm -rf "$S"
}
trap cleanup EXIT
mkdir -p "$S/host" "$S/scratch"

# a small C project: 40 files
mkdir -p "$S/src/proj"
i=0
while [ $i -lt 40 ]; do
  printf 'int f%d (int x) { int s = 0; for (int i = 0; i < x; i++) s += i * %d; return s; }\n' $i $i >"$S/src/proj/f$i.c"
  i=$((i + 1))
done
printf 'int main (void) { return 0; }\n' >"$S/src/proj/main.c"
printf 'OBJS = $(patsubst %%.c,%%.o,$(wildcard *.c))\nprog: $(OBJS)\n\t$(CC) -o $@ $^\n' >"$S/src/proj/Makefile"
tar cf "$S/proj.tar" -C "$S/src" proj

# the workloads, timed inside; DIR is where writes go
cat >"$S/work.sh" <<'EOF'
DIR=$1
t() { s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); printf '%s ' $(((e - s) / 1000000)); }
small() { mkdir -p "$DIR/small" && cd "$DIR/small" && i=0 && while [ $i -lt 2000 ]; do echo data >f$i; i=$((i + 1)); done; }
big() { dd if=/dev/zero of="$DIR/big" bs=1M count=500 conv=fsync; }
build() { mkdir -p "$DIR/b" && tar xf "$PROJ" -C "$DIR/b" && make -C "$DIR/b/proj" -j2; }
t find /usr
t sh -c 'tar c /usr/share 2>/dev/null | cat'
t small
t big
t build
echo
rm -rf "$DIR/small" "$DIR/big" "$DIR/b"
EOF

# warm the page cache once, so the first configuration pays no cold reads
find /usr >/dev/null 2>&1
tar c /usr/share 2>/dev/null | cat >/dev/null

run() { # NAME PERSIST(yes|no) ARGS...
  name=$1 persist=$2
  shift 2
  for r in $(seq "$rounds"); do
    if [ "$persist" = yes ]; then
      "$SANDBOX" --overlay none --uid 0 --no-bind-cwd --bind "$S" -- rm -rf "$S/p" 2>/dev/null
      PROJ=$S/proj.tar "$SANDBOX" --no-bind-cwd --persist "$S/p" "$@" -- sh "$S/work.sh" "$DIR" 2>/dev/null
    else
      PROJ=$S/proj.tar "$SANDBOX" --no-bind-cwd "$@" -- sh "$S/work.sh" "$DIR" 2>/dev/null
    fi
  done | awk -v n="$name" '{ for (i = 1; i <= NF; i++) v[i, NR] = $i } END {
    printf "%s", n
    for (i = 1; i <= 5; i++) {
      for (r = 1; r <= NR; r++) a[r] = v[i, r]
      for (x = 1; x <= NR; x++) for (y = x + 1; y <= NR; y++) if (a[y] + 0 < a[x] + 0) { t = a[x]; a[x] = a[y]; a[y] = t }
      printf " %s", a[int((NR + 1) / 2)]
    }
    print "" }'
}
res=$S/results
: >"$res"
DIR=$S/host run host no --read-only --bind "$S/host" >>"$res"
# the default: auto binds read-only the folders of root's where the caller can write nothing
DIR=$S/scratch run default no >>"$res"
DIR=$S/scratch run kernel-tmpfs no --overlay kernel >>"$res"
DIR=$S/scratch run kernel-disk yes --overlay kernel >>"$res"
if [ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null; then
  DIR=$S/scratch run fuse-tmpfs no --overlay fuse >>"$res"
  DIR=$S/scratch run fuse-disk yes --overlay fuse >>"$res"
  # peak RSS of the helper after one walk of /usr: the walk leaves a mark in a bound folder,
  # then waits on a fifo while we read the helper's VmHWM
  mkdir "$S/fifo" && mkfifo "$S/fifo/end"
  "$SANDBOX" --no-bind-cwd --overlay fuse --bind "$S/fifo" -- \
    sh -c "find /usr >/dev/null 2>&1; : >$S/fifo/walked; read x <$S/fifo/end" 2>/dev/null &
  l=$!
  while [ ! -e "$S/fifo/walked" ]; do :; done
  h=$(pgrep -P $l -x fuse-overlayfs)
  rss=$(awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$h/status" 2>/dev/null)
  echo >"$S/fifo/end"
  wait $l
else
  echo "skipped: fuse (/dev/fuse not usable or fuse-overlayfs missing)"
fi

awk 'NR == 1 { for (i = 2; i <= 6; i++) h[i] = $i }
  { printf "%-12s", $1; for (i = 2; i <= 6; i++) printf " %7.2fs %5.2fx", $i / 1000, (h[i] ? $i / h[i] : 0); print "" }' "$res" |
  { printf '%-12s %15s %15s %15s %15s %15s\n' config "find /usr" "tar /usr/share" "2000 files" "500MB fsync" "unpack+build"; cat; }
[ -n "${rss:-}" ] && echo "fuse-overlayfs peak RSS after a walk of /usr: $rss"
exit 0
