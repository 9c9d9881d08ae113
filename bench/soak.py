#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/soak.py: nothing accumulates.  In each mode, RUNS sandboxes (200) of `true` are
started and stopped, PARALLEL (4) at a time.  After the first 20 and after the last, with
nothing running: the processes and file descriptors the soak left (every process started
carries SOAK_MARK in its environment; helpers run as other ids or undumpable, so a helper
whose launcher is gone counts too), the driver's own fds, the host's mounts, the files in
the state folder; and the start-up median of the first 20 runs against the last 20.  Each
pair must be equal.  The machine is shared and its load drifts: the medians are equal when
they differ by no more than the medians of the other blocks of 20 runs differ among
themselves (that spread is printed), or by 10 %, whichever is more.  Run as an unprivileged
user:
    bench/soak.py [RUNS] [PARALLEL]
SANDBOX=path picks the binary.  Modes whose helper is not installed are skipped by name.
Never part of make check."""
import concurrent.futures
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
PARALLEL = int(sys.argv[2]) if len(sys.argv) > 2 else 4
EDGE = 20
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SANDBOX = os.environ.get("SANDBOX", os.path.join(TOP, "src", "sandbox"))
MARK = "SOAK_MARK=%d.%d" % (os.getpid(), time.time_ns())
HELPERS = {"fuse-overlayfs", "slirp4netns", "pasta", "passt", "pasta.avx2", "passt.avx2",
           "xdg-dbus-proxy", "sandbox-procvie", "sandbox-seccomp"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procs():
    """pid -> (ppid, comm) of every process but zombies"""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        comm = s[s.index("(") + 1:s.rindex(")")]
        rest = s[s.rindex(")") + 2:].split()
        if rest[0] != "Z":
            out[int(d)] = (int(rest[1]), comm)
    return out


def marked(pid):
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            return MARK.encode() in f.read().split(b"\0")
    except OSError:
        return False


def nfds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return 0


def measure(state, mine):
    """what is there while no sandbox of ours runs; MINE: the driver's own helpers"""
    ps = procs()
    left = [p for p, (pp, comm) in ps.items() if p != os.getpid() and p not in mine and (
        marked(p) or (comm in HELPERS and not ps.get(pp, (0, ""))[1].startswith("sandbox")))]
    with open("/proc/self/mountinfo") as f:
        mounts = sum(1 for _ in f)
    files = sum(len(fs) + len(ds) for _, ds, fs in os.walk(state)) if os.path.isdir(state) else 0
    return {"processes": len(left), "fds": sum(nfds(p) for p in left),
            "driver fds": nfds(os.getpid()), "mounts": mounts, "state files": files}


def main():
    tmp = tempfile.mkdtemp(prefix="soak.")
    env = dict(os.environ)
    env[MARK.split("=")[0]] = MARK.split("=")[1]
    bus = None
    mine = set()
    if not env.get("DBUS_SESSION_BUS_ADDRESS") and shutil.which("dbus-daemon"):
        bus = subprocess.Popen(["dbus-daemon", "--session", "--address=unix:path=%s/bus" % tmp,
                                "--nofork", "--print-address"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env)
        env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
        mine.add(bus.pid)
    xdg = env.get("XDG_RUNTIME_DIR")
    if xdg and os.path.isdir(xdg) and os.access(xdg, os.W_OK):
        state = os.path.join(xdg, "sandbox")
    else:
        state = os.path.join(env.get("TMPDIR") or "/tmp", "sandbox-%d" % os.geteuid())
    ports = [free_port() for _ in range(PARALLEL)]
    slots = {}
    lock = threading.Lock()

    def slot():
        with lock:
            return slots.setdefault(threading.get_ident(), len(slots))

    modes = [("default", [], None), ("--uid 0", ["--uid", "0"], None),
             ("--net slirp", ["--net", "slirp"], "slirp4netns"),
             ("--net pasta", ["--net", "pasta"], "pasta"),
             ("--dbus-user filter", ["--dbus-user", "filter"], "xdg-dbus-proxy"),
             ("--net slirp --publish", ["--net", "slirp", "--publish", "PORT:80"], "slirp4netns"),
             ("--net pasta --publish", ["--net", "pasta", "--publish", "PORT:80"], "pasta")]
    print("soak: %d sandboxes of `true` a mode, %d at a time; first %d against last %d"
          % (RUNS, PARALLEL, EDGE, EDGE))
    print("%-22s %-9s %6s %5s %8s %7s %6s %10s" % (
        "mode", "", "procs", "fds", "drv fds", "mounts", "files", "median ms"))
    failed = False
    for name, opts, need in modes:
        if need and not shutil.which(need):
            print("skipped: %s (%s not installed)" % (name, need))
            continue

        def timed(argv):
            t0 = time.monotonic()
            r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            return (time.monotonic() - t0) * 1000, r.returncode, r.stderr.decode().strip()

        def one(_, opts=opts):
            port = str(ports[slot() % PARALLEL])
            argv = [SANDBOX] + [port + o[4:] if o.startswith("PORT") else o for o in opts]
            return timed(argv + ["--", "true"])

        times, errors = [], []
        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            def batch(n):
                for dt, rc, err in pool.map(one, range(n)):
                    times.append(dt)
                    if rc != 0:
                        errors.append("status %d: %s" % (rc, err))
            batch(EDGE)
            time.sleep(0.5)  # helpers are reaped by their launchers; let the kernel catch up
            first = measure(state, mine)
            batch(RUNS - EDGE)
            time.sleep(0.5)
            last = measure(state, mine)
        blocks = [statistics.median(times[i:i + EDGE]) for i in range(0, len(times), EDGE)]
        m1, m2 = blocks[0], blocks[-1]
        inner = blocks[1:-1] or blocks
        spread = max(max(inner) - min(inner), 0.1 * m1)
        for label, m, med in (("first %d" % EDGE, first, m1), ("last %d" % EDGE, last, m2)):
            print("%-22s %-9s %6d %5d %8d %7d %6d %10.1f   %s" % (
                name if label.startswith("first") else "", label, m["processes"], m["fds"],
                m["driver fds"], m["mounts"], m["state files"], med,
                "blocks between: %.0f-%.0f" % (min(inner), max(inner))
                if label.startswith("first") else ""))
        same = first == last and abs(m2 - m1) <= spread
        if errors:
            print("  %d runs failed, e.g. %s" % (len(errors), errors[0]))
        if not same or errors:
            failed = True
            print("  NOT EQUAL" if not same else "")
    if bus:
        bus.kill()
        bus.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    print("soak: %s" % ("something accumulated or failed" if failed else "nothing accumulated"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
