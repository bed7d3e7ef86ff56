#!/usr/bin/env python3
"""Round trip: every answer from a SQLite snapshot equals the answer from the sources, byte for byte.

Usage: roundtrip.py MITRE_QUERY DATA_DIR WORK_DIR   (prints TAP, one result per format)

Builds a snapshot with `build-db`, lists every live technique, tactic, mitigation,
group and D3FEND countermeasure from the snapshot's own tables (python's sqlite3),
writes one `batch` script that asks every question about each of them, and runs
it once from the sources (--no-cache) and once from the snapshot (--db) in each
output format. stdout and stderr must be identical.
"""
import os
import sqlite3
import subprocess
import sys


def main():
    exe, data, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
    snap = os.path.join(work, "roundtrip.sqlite")
    subprocess.run([exe, "--data", data, "build-db", snap], check=True, env=env, stdout=subprocess.DEVNULL)

    db = sqlite3.connect(snap)
    live = "revoked = 0 AND deprecated = 0 AND attack_id <> ''"
    ids = lambda kind: [r[0] for r in db.execute(
        f"SELECT DISTINCT attack_id FROM objects WHERE type = ? AND {live} ORDER BY attack_id", (kind,))]
    techniques, tactics = ids("technique"), ids("tactic")
    mitigations, groups = ids("mitigation"), ids("group")
    countermeasures = [r[0] for r in db.execute(
        "SELECT d3fend_id FROM d3fend_nodes WHERE kind = 'defensive-technique' AND d3fend_id <> '' ORDER BY d3fend_id")]
    db.close()
    assert len(techniques) > 800 and len(tactics) >= 38 and len(mitigations) > 100, "snapshot lists too little"
    assert len(groups) > 150 and len(countermeasures) > 150, "snapshot lists too little"

    lines = ["stats", "tactics", "techniques", "platforms", "d3fend-tactics", "d3fend-skew", "artifacts",
             "countermeasures --all --explain", "matrix --domain enterprise", "matrix --domain mobile",
             "matrix --domain ics", "matrix --domain d3fend", "show T1089", "search credential dumping"]
    for t in techniques:
        lines += [f"show {t}", f"subtechniques {t}", f"mitigations {t}", f"groups {t}", f"software {t}",
                  f"campaigns {t}", f"detections {t}", f"countermeasures {t} --explain"]
    for x in tactics:
        lines += [f"show {x}", f"techniques --tactic {x}"]
    for m in mitigations + groups:
        lines += [f"show {m}", f"uses {m}"]
    for d in countermeasures:
        lines += [f"show {d}", f"counters {d}"]
    script = "\n".join(lines) + "\n"
    print(f"# {len(lines)} questions: {len(techniques)} techniques, {len(tactics)} tactics, "
          f"{len(mitigations)} mitigations, {len(groups)} groups, {len(countermeasures)} countermeasures")

    formats = ["table", "json", "csv"]
    print(f"1..{len(formats) + 1}")
    failed = 0
    for i, fmt in enumerate(formats, 1):
        runs = []
        for source in (["--data", data, "--no-cache"], ["--db", snap]):
            p = subprocess.run([exe, *source, "--format", fmt, "batch"], input=script.encode(), env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            runs.append(p)
        a, b = runs
        answers = a.stdout.count(b"--- exit ")
        same = a.stdout == b.stdout and a.stderr == b.stderr and a.returncode == b.returncode
        if same and answers == len(lines):
            print(f"ok {i} - {fmt}: {answers} answers, {len(a.stdout)} bytes identical")
        else:
            failed += 1
            print(f"not ok {i} - {fmt}: answers {answers}/{len(lines)}, stdout equal {a.stdout == b.stdout}, "
                  f"stderr equal {a.stderr == b.stderr}, exit {a.returncode}/{b.returncode}")
            la, lb = a.stdout.splitlines(), b.stdout.splitlines()
            for k, (x, y) in enumerate(zip(la, lb)):
                if x != y:
                    print(f"#   first difference at line {k + 1}:\n#   sources: {x[:200]!r}\n#   snapshot: {y[:200]!r}")
                    break
    # Four CLI processes filling one empty cache at once: every one answers alike,
    # and exactly one snapshot and its image file are left (no temporary files).
    race = os.path.join(work, "race-cache")
    if os.path.isdir(race):
        for f in os.listdir(race + "/mitrekg") if os.path.isdir(race + "/mitrekg") else []:
            os.remove(os.path.join(race, "mitrekg", f))
    race_env = dict(os.environ, XDG_CACHE_HOME=race)
    procs = [subprocess.Popen([exe, "--data", data, "--format", "json", "show", "T1562.001"], env=race_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outs = [p.communicate() for p in procs]
    codes = [p.returncode for p in procs]
    left = sorted(os.listdir(os.path.join(race, "mitrekg")))
    ok = (all(c == 0 for c in codes) and len({o for o, _ in outs}) == 1 and
          [f.rsplit(".", 1)[1] for f in left] == ["image", "sqlite"])
    n = len(formats) + 1
    if ok:
        print(f"ok {n} - 4 concurrent processes on one empty cache: identical answers, files {left}")
    else:
        failed += 1
        print(f"not ok {n} - concurrent cache fill: exits {codes}, distinct outputs {len({o for o, _ in outs})}, files {left}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
