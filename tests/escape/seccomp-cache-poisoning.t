#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Escape class 5 (issue 12): seccomp cache poisoning.  A sandbox that may write ~/.cache
# (--bind ~/.cache, common for build caches) replaced the compiled filters cached there with
# allow-all programs, keys intact, and every later start trusted them, -p untrusted
# included.  Nothing a sandbox could have written may be trusted by a later start: the
# cache lives in $XDG_RUNTIME_DIR/sandbox-seccomp (else /tmp/sandbox-seccomp-UID), which no
# sandbox sees, and a folder there that is not ours, 0700, or is a symlink is not used.
. "${srcdir:?}/tests/lib.sh"
plan 11
export HOME="$T/home" XDG_RUNTIME_DIR="$T/run"
unset XDG_CACHE_HOME
mkdir -p "$HOME/.cache" && mkdir -m 0700 "$XDG_RUNTIME_DIR"

# Rewrites every cache file matching its arguments with an allow-all program: the key is
# kept and the sum made right, as the attack did.  Prints how many it rewrote.
cat >"$T/poison.py" <<'PY'
import glob, struct, sys
prog = struct.pack('<HBBI', 0x06, 0, 0, 0x7fff0000)  # BPF_RET|BPF_K SECCOMP_RET_ALLOW
s = 0xcbf29ce484222325
for c in prog:
    s = ((s ^ c) * 0x100000001b3) & 0xffffffffffffffff
n = 0
for pat in sys.argv[1:]:
    for f in glob.glob(pat):
        try:
            with open(f, 'rb') as fh:
                b = fh.read()
            magic, klen, blen, _ = struct.unpack('<8sIIQ', b[:24])
            with open(f, 'wb') as fh:
                fh.write(struct.pack('<8sIIQ', magic, klen, len(prog), s) + b[24:24 + klen] + prog)
            n += 1
        except (OSError, struct.error):
            pass
print(n)
PY
# everywhere a cache file was or is, seen from inside: the old place, the new ones
targets() {
  echo "$HOME/.cache/sandbox/*.bpf" "$T/run/sandbox-seccomp/*.bpf" \
    "/tmp/sandbox-seccomp-$(id -u)/*.bpf" "/run/user/$(id -u)/sandbox-seccomp/*.bpf"
}
# shellcheck disable=SC2046
# (the script goes as an argument: $T is in /tmp, which a sandbox has its own of)
attack() { env "$@" "$SANDBOX" --bind "$HOME/.cache" -- python3 -c "$(cat "$T/poison.py")" $(targets) 2>&1; }
victim() { "$SANDBOX" -p untrusted -- "$PROBE" "$@" 2>&1; }

is "-p untrusted refuses keyctl (and the filter is now cached)" "$(victim sys keyctl)" EPERM
diag "cache files a sandbox with --bind ~/.cache rewrote: $(attack)"
is "after that sandbox, -p untrusted still refuses keyctl" "$(victim sys keyctl)" EPERM
is "and TIOCSTI" "$(victim ioctl 5412)" EPERM
check "no compiled filter is in ~/.cache" [ -z "$(find "$HOME/.cache" -type f)" ]

# without XDG_RUNTIME_DIR: a private folder in /tmp, which every sandbox has its own of
is "without XDG_RUNTIME_DIR, -p untrusted refuses keyctl" "$(env -u XDG_RUNTIME_DIR "$SANDBOX" -p untrusted -- "$PROBE" sys keyctl 2>&1)" EPERM
diag "rewritten: $(attack -u XDG_RUNTIME_DIR)"
is "and still does after a sandbox tried to rewrite its cache" \
  "$(env -u XDG_RUNTIME_DIR "$SANDBOX" -p untrusted -- "$PROBE" sys keyctl 2>&1)" EPERM

# a cache folder that is not a private folder of ours is not trusted: a symlink to a
# folder of poisoned entries, or a folder others may write
XDG_RUNTIME_DIR=$T/run2 && mkdir -m 0700 "$XDG_RUNTIME_DIR"
victim sys getppid >/dev/null
set -- "$T"/run2/sandbox-seccomp/seccomp-*.bpf
is "an entry was written in \$XDG_RUNTIME_DIR/sandbox-seccomp, mode 0600" \
  "$(stat -c %a "$1")" 600
mv "$T/run2/sandbox-seccomp" "$T/evil"
is "a copy of it is poisoned" "$(python3 "$T/poison.py" "$T/evil/*.bpf")" "$#"
ln -s "$T/evil" "$T/run2/sandbox-seccomp"
is "a symlinked cache folder is not followed" "$(victim sys keyctl)" EPERM
rm "$T/run2/sandbox-seccomp" && mv "$T/evil" "$T/run2/sandbox-seccomp"
chmod 0755 "$T/run2/sandbox-seccomp"
is "a cache folder of mode 0755 is not trusted" "$(victim sys keyctl)" EPERM
chmod 0700 "$T/run2/sandbox-seccomp"
diag "the same folder, 0700 again, is trusted (this is what the attack would need): $(victim sys keyctl)"
assert_clean
done_testing
