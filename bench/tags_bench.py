#!/usr/bin/env python3
"""Whole-process cost of tag linting and of the build-time generator (docs/benchmarks.md).

Usage: tags_bench.py MITRE_QUERY MITRE_TAGGER [DATA_DIR] [--reps N]
1. `mitre-query lint-tags` on every rule file of the corpora (seed, falco/rules,
   sigma release and head, sysdig-style: about 1,200 files) with a warm snapshot
   cache: wall time (median and best of N) and the CPU time (user + sys) the
   process used. Target: under 300 ms wall. Beside it, in the same loop, two
   floors: `mitre-query stats` (start-up and opening the same snapshot) and
   `cat` of the same files.
2. `mitre-tagger` on falco/rules/falco_rules.yaml, as the build runs it, with its
   snapshot cache warm (every build after the first) and cold (the first).
   Target: under 0.5 s added to a build.
Exits 0 when both targets are met, 1 otherwise. Not a test: figures depend on the machine.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} exited {p.returncode}: {p.stderr.decode()[-300:]}")
    return wall, cpu


def report(name, runs, target):
    walls = sorted(w for w, _ in runs)
    cpus = sorted(c for _, c in runs)
    med = statistics.median(walls)
    print(f"{name}: wall median {med * 1000:.0f} ms, best {walls[0] * 1000:.0f} ms; "
          f"CPU (user+sys) median {statistics.median(cpus) * 1000:.0f} ms; target < {target * 1000:.0f} ms wall")
    return walls[0] < target


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    reps = 11
    if "--reps" in sys.argv:
        reps = int(sys.argv[sys.argv.index("--reps") + 1])
        args.remove(str(reps))
    query, tagger = args[0], args[1]
    data = args[2] if len(args) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
    roots = [os.path.join(data, p) for p in ("seed", "falco/rules", "sigma", "sysdig-style")]
    files = sum(1 for r in roots for _, _, fs in os.walk(r) for f in fs if f.endswith((".yaml", ".yml")))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "xdg"))
        env.pop("MITREKG_DATA", None)
        subprocess.run([query, "--data", data, "stats"], stdout=subprocess.DEVNULL, env=env, check=True)   # fills the cache
        lint = [query, "--data", data, "lint-tags"] + roots
        timed(lint, env)
        print(f"lint-tags on {files} files ({', '.join(os.path.relpath(r, data) for r in roots)}), warm snapshot, {reps} runs")
        # The floors, interleaved with the runs so that they see the same load: a
        # process that only opens the snapshot (`stats`), and reading the files (`cat`).
        paths = [os.path.join(d, f) for r in roots for d, _, fs in os.walk(r) for f in fs if f.endswith((".yaml", ".yml"))]
        stats = [query, "--data", data, "stats"]
        cat = ["cat"] + paths
        runs = {"lint": [], "stats": [], "cat": []}
        for _ in range(reps):
            runs["lint"].append(timed(lint, env))
            runs["stats"].append(timed(stats, env))
            runs["cat"].append(timed(cat, env))
        ok &= report("  lint-tags", runs["lint"], 0.300)
        report("  floor: stats (start-up and opening the snapshot)", runs["stats"], 0.300)
        report(f"  floor: cat of the {len(paths)} files", runs["cat"], 0.300)

        rules = os.path.join(data, "falco", "rules", "falco_rules.yaml")
        header = os.path.join(tmp, "falco_rule_tags.hpp")
        cache = os.path.join(tmp, "tagger-cache")
        gen = [tagger, "--data", data, "--cache", cache, "--header", header, rules]
        cold = timed(gen, env)
        print(f"mitre-tagger on falco_rules.yaml: cold cache (first build) {cold[0] * 1000:.0f} ms wall, {cold[1] * 1000:.0f} ms CPU")
        ok &= report("  mitre-tagger, warm cache", [timed(gen, env) for _ in range(reps)], 0.500)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
