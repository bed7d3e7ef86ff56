#!/usr/bin/env python3
"""warm_bench: warm-cache answers of mitre-query beside their floor (issue 13).

Usage: warm_bench.py MITRE_QUERY SQLITE_POINT_QUERY [--data DIR] [--reps N] [--batch N] [--baseline OLD_MITRE_QUERY]

On the default data of DIR (every ATT&CK domain + D3FEND), with a scratch
cache (XDG_CACHE_HOME) filled first, whole processes, interleaved (one run of
each in turn, N rounds), wall and CPU time (user + sys from wait4) of each:
  (a) `mitre-query show T1562.001`                 target: median wall <= 5 ms
  (f) `sqlite_point_query KEY.sqlite T1562.001`    the floor: the same point
      query through SQLite, from a static C program, on the cache's own
      snapshot; target: (a) <= 1.5 x (f), wall medians
  (b) `mitre-query countermeasures --all`          target: median wall <= 15 ms
  (v) `mitre-query --version`                      the process floor of the CLI
With --baseline, (a0) and (b0): the same two commands of another build (its
own scratch cache), interleaved with the rest: before and after in one run.
And `batch` throughput: `show ID` for every technique and sub-technique id in
turn, repeated to --batch questions, against a batch of one question (the
load); target: >= 50,000 questions per second after load.
Prints medians (and minimums); exits 1 when a target fails. Timing figures
belong in docs/benchmarks.md with the load average (printed first and last).
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(argv, env, stdin=None):
    """Wall and CPU seconds of one whole process; its stdout is discarded, exit 0/1 required."""
    wall, user, system = run_usage(argv, env, stdin)
    return wall, user + system


def run_usage(argv, env, stdin=None):
    """As run(), with the CPU time as user and system seconds apart (bench/process_pairs.py)."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin is not None:
        p.stdin.write(stdin)
        p.stdin.close()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"warm_bench: {' '.join(argv)} exited {code}: {err.strip()}")
    return wall, usage.ru_utime, usage.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mitre_query")
    ap.add_argument("sqlite_point_query")
    ap.add_argument("--data", default=os.environ.get("MITREKG_DATA", ""))
    ap.add_argument("--reps", type=int, default=41)
    ap.add_argument("--batch", type=int, default=100000)
    ap.add_argument("--baseline", default="")
    a = ap.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="warm_bench-") as scratch:
        env = dict(os.environ, XDG_CACHE_HOME=scratch)
        if a.data:
            env["MITREKG_DATA"] = a.data
        mq = [a.mitre_query]
        subprocess.run(mq + ["show", "T1562.001"], env=env, check=True, stdout=subprocess.DEVNULL)
        snapshots = glob.glob(os.path.join(scratch, "mitrekg", "*.sqlite"))
        if len(snapshots) != 1:
            sys.exit(f"warm_bench: expected one cached snapshot, found {snapshots}")
        ids = subprocess.run(mq + ["techniques", "--format", "csv"], env=env, check=True,
                             capture_output=True, text=True).stdout.splitlines()[1:]
        ids = [line.split(",")[0] for line in ids if line]
        if len(ids) < 500:
            sys.exit(f"warm_bench: only {len(ids)} technique ids listed")
        commands = {
            "a": mq + ["show", "T1562.001"],
            "f": [a.sqlite_point_query, snapshots[0], "T1562.001"],
            "b": mq + ["countermeasures", "--all"],
            "v": mq + ["--version"],
        }
        envs = {k: env for k in commands}
        if a.baseline:
            old_cache = os.path.join(scratch, "baseline")
            old_env = dict(env, XDG_CACHE_HOME=old_cache)
            subprocess.run([a.baseline, "show", "T1562.001"], env=old_env, check=True, stdout=subprocess.DEVNULL)
            commands["a0"] = [a.baseline, "show", "T1562.001"]
            commands["b0"] = [a.baseline, "countermeasures", "--all"]
            envs["a0"] = envs["b0"] = old_env
        for k, argv in commands.items():   # warm the page cache
            run(argv, envs[k])
        times = {k: ([], []) for k in commands}
        for _ in range(a.reps):
            for k, argv in commands.items():
                wall, cpu = run(argv, envs[k])
                times[k][0].append(wall * 1e3)
                times[k][1].append(cpu * 1e3)

        def med(k, i):
            return statistics.median(times[k][i])

        names = {"a": "warm show T1562.001", "f": "floor: static SQLite point query", "b": "warm countermeasures --all",
                 "v": "mitre-query --version", "a0": "baseline: warm show T1562.001",
                 "b0": "baseline: warm countermeasures --all"}
        print(f"{'':4}{'command':36}{'wall median':>12}{'wall min':>10}{'CPU median':>12}{'CPU min':>9}  (ms, {a.reps} interleaved runs)")
        for k in commands:
            print(f"({k:>2}) {names[k]:34}{med(k, 0):12.2f}{min(times[k][0]):10.2f}{med(k, 1):12.2f}{min(times[k][1]):9.2f}")
        ratio_wall = med("a", 0) / med("f", 0)
        ratio_cpu = med("a", 1) / med("f", 1)

        # batch: every technique id in turn, `--batch` questions; minus a batch of one (the load).
        lines = "".join(f"show {ids[i % len(ids)]}\n" for i in range(a.batch)).encode()
        one = f"show {ids[0]}\n".encode()
        full, base = [], []
        for _ in range(3):
            full.append(run(mq + ["batch"], env, lines)[0])
            base.append(run(mq + ["batch"], env, one)[0])
        per_second = (a.batch - 1) / max(min(full) - min(base), 1e-9)
        print(f"batch: {a.batch} show questions ({len(ids)} ids in turn): {min(full) * 1e3:.1f} ms, "
              f"one question: {min(base) * 1e3:.1f} ms -> {per_second:,.0f} questions/s after load")

        checks = [
            ("warm show median wall <= 5 ms", med("a", 0) <= 5.0, f"{med('a', 0):.2f} ms"),
            ("warm show <= 1.5x the static SQLite floor (wall medians)", ratio_wall <= 1.5,
             f"{ratio_wall:.2f}x (CPU {ratio_cpu:.2f}x)"),
            ("warm countermeasures --all median wall <= 15 ms", med("b", 0) <= 15.0, f"{med('b', 0):.2f} ms"),
            ("batch >= 50,000 show questions/s after load", per_second >= 50000, f"{per_second:,.0f}/s"),
        ]
        failed = 0
        for name, ok, figure in checks:
            print(f"{'PASS' if ok else 'FAIL'}  {name}: {figure}")
            failed += not ok
    print(f"load average after: {os.getloadavg()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
