#!/usr/bin/env python3
"""Whole-process CPU and wall time of several commands run in turn (one warm-up round, then REPS rounds).

Usage: process_pairs.py [--shuffle] [--pause SECONDS] REPS NAME=ENV:COMMAND [NAME=ENV:COMMAND ...]
  ENV: comma-separated KEY+VALUE pairs added to the environment (may be empty);
  COMMAND: split on spaces; stdout is discarded; exit 0 or 1 required (warm_bench.run_usage times each run).
Prints, per command, the median CPU (user + sys from wait4), user and sys, the median wall time, and every
round's CPU in ms; then, for each command, the median over rounds of its CPU time divided by that of the
command before it in the same round.
  --shuffle: the commands run in a random order each round (seeded, so a run can be repeated); by default
    they run in the order given. On the VM measured, a process that follows one that freed more memory
    gets warmer pages (see docs/benchmarks.md, session 16), so a fixed order favours the command that
    always runs after the larger one.
  --pause SECONDS: sleep that long before each run, so that every run starts with the memory freed
    before it cold (the guest reports free pages to the host after about 2 s).
Example (issue 13, the floor beside the CLI at 10x):
  process_pairs.py 10 "floor=GLIBC_TUNABLES+glibc.malloc.hugetlb=1:build/bench/attack_bench --floor x10.json" \
                      "cli=:build/tools/mitre-query/mitre-query --attack x10.json --no-cache stats"
"""
import argparse
import os
import random
import statistics
import sys
import time

from warm_bench import run_usage


def main(argv):
    ap = argparse.ArgumentParser(prog="process_pairs.py", usage=__doc__.splitlines()[2][len("Usage: "):])
    ap.add_argument("--shuffle", action="store_true")
    ap.add_argument("--pause", type=float, default=0.0, metavar="SECONDS")
    ap.add_argument("reps", type=int)
    ap.add_argument("commands", nargs="+", metavar="NAME=ENV:COMMAND")
    args = ap.parse_args(argv[1:])
    if args.reps < 0:
        ap.error(f"REPS must be 0 or more, not {args.reps}")
    if not args.pause >= 0:
        ap.error(f"--pause wants seconds, not {args.pause}")
    shuffle, pause, reps = args.shuffle, args.pause, args.reps
    variants = []
    for arg in args.commands:
        if "=" not in arg or ":" not in arg.split("=", 1)[1]:
            print(f"process_pairs: {arg!r} is not NAME=ENV:COMMAND", file=sys.stderr)
            return 2
        name, rest = arg.split("=", 1)
        env_text, command = rest.split(":", 1)
        env = dict(os.environ)
        for kv in filter(None, env_text.split(",")):
            key, value = kv.split("+", 1)
            env[key] = value
        variants.append((name, env, command.split()))
    results = {name: [] for name, _, _ in variants}
    order = random.Random(13)
    for round_ in range(reps + 1):   # round 0 warms up
        this_round = variants[:]
        if shuffle:
            order.shuffle(this_round)
        for name, env, command in this_round:
            if pause:
                time.sleep(pause)
            wall, user, system = run_usage(command, env)
            if round_:
                results[name].append((user, system, wall))
    for name, runs in results.items():
        cpu = statistics.median(u + s for u, s, _ in runs)
        user = statistics.median(u for u, _, _ in runs)
        sys_ = statistics.median(s for _, s, _ in runs)
        wall = statistics.median(w for _, _, w in runs)
        rounds = " ".join(f"{(u + s) * 1e3:.0f}" for u, s, _ in runs)
        print(f"{name:10s} cpu {cpu * 1e3:7.1f} ms  user {user * 1e3:6.1f}  sys {sys_ * 1e3:6.1f}  wall {wall * 1e3:7.2f}"
              f"   all: {rounds}")
    # The VM's speed shifts in phases lasting many rounds, which moves the
    # medians above apart; a ratio taken within each round, between commands
    # run in the same round, is steadier. Each command against the one given before it.
    names = list(results)
    for before, after in zip(names, names[1:]):
        ratios = [(ua + sa) / (ub + sb) for (ub, sb, _), (ua, sa, _) in zip(results[before], results[after])]
        print(f"{after} / {before}: CPU ratio per round, median {statistics.median(ratios):.2f}"
              f" (min {min(ratios):.2f}, max {max(ratios):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
