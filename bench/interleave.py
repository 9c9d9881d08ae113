#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/interleave.py: times commands interleaved, one run of each in turn, so that a
drift of the machine (another job, the page cache, the CPU's clock) lands on every command
alike; hyperfine runs one command's whole series, then the next.

    interleave.py RUNS BASE REF < SPECS

SPECS: one line per command, "NAME<TAB>COMMAND"; COMMAND is split as a shell would (no
env(1) in front: its own exec would be timed too).  Prints median, minimum, quartiles, the ratio to the command named BASE and
the difference to the one named REF.  Each command is spawned with posix_spawn (a vfork),
its output to /dev/null; a command that fails stops the bench."""
import os
import shlex
import shutil
import statistics
import sys
import time


def parse(line):
    name, command = line.rstrip("\n").split("\t", 1)
    words = shlex.split(command)
    path = shutil.which(words[0]) or words[0]
    return name, path, words, os.environ


def run_once(path, argv, env, devnull):
    start = time.perf_counter_ns()
    pid = os.posix_spawn(path, argv, env, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status = os.waitpid(pid, 0)
    took = (time.perf_counter_ns() - start) / 1e6
    if status != 0:
        sys.exit(f"bench: '{' '.join(argv)}' failed (wait status {status})")
    return took


def main():
    runs, base, ref = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    specs = [parse(line) for line in sys.stdin if line.strip()]
    devnull = os.open(os.devnull, os.O_WRONLY)
    times = {name: [] for name, *_ in specs}
    for _ in range(5):  # warm-up: the page cache, the seccomp cache
        for name, path, argv, env in specs:
            run_once(path, argv, env, devnull)
    for _ in range(runs):
        for name, path, argv, env in specs:
            times[name].append(run_once(path, argv, env, devnull))
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"{'command':26} {'median ms':>10} {'min':>7} {'p25':>7} {'p75':>7} {'vs ' + base:>9} {'- ' + ref:>10}")
    for name, *_ in specs:
        q = statistics.quantiles(times[name], n=4)
        ratio = f"{med[name] / med[base]:.2f}x" if base in med else "-"
        delta = f"{med[name] - med[ref]:+.2f}" if ref in med and name.startswith(ref) else ""
        print(f"{name:26} {med[name]:10.2f} {min(times[name]):7.2f} {q[0]:7.2f} {q[2]:7.2f} {ratio:>9} {delta:>10}")


if __name__ == "__main__":
    main()
