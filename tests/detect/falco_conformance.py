#!/usr/bin/env python3
"""Runs the sampled cases of Falco's former regression suite through `mitre-query detect`.

Usage: falco_conformance.py MITRE_QUERY DATA_DIR TSV [CASE...]   (prints TAP)

Scoring (DATA_DIR/README.md): load rules_files in order, enable only the case's
source, feed every event of trace_file, count alerts per rule.
expect_detect=false: no alert at all. expect_detect=true: at least one alert,
with at least one of each priority in detect_level; detect_counts (rule=N;...)
are exact counts for those rules. Only the first matching rule fires per event.
Cases whose trace is a .scap capture need sysdig; without it they are skipped.
"""
import csv
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from run_cases import print_result  # noqa: E402 - one TAP printer for both runners

PRIORITY = {"EMERGENCY": "Emergency", "ALERT": "Alert", "CRITICAL": "Critical", "ERROR": "Error",
            "WARNING": "Warning", "NOTICE": "Notice", "INFO": "Informational", "INFORMATIONAL": "Informational",
            "DEBUG": "Debug"}


def run_case(mq, data, falco, case):
    args = [mq, "--data", data, "detect", "--format", "json", "--source", case["source"]]
    for f in case["rules_files"].split(","):
        args += ["--rules", os.path.join(falco, f)]
    args += ["--events", os.path.join(falco, case["trace_file"])]
    if case.get("min_priority"):
        args += ["--min-priority", case["min_priority"]]
    for d in filter(None, (case.get("disabled_rules") or "").split(",")):
        args += ["--disable-rule", d]
    for t in filter(None, (case.get("run_tags") or "").split(",")):
        args += ["--enable-tag", t]
    for t in filter(None, (case.get("disable_tags") or "").split(",")):
        args += ["--disable-tag", t]
    if case.get("all_events") == "true":
        args.append("--all-events")
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        return [f"exit {p.returncode}: {p.stderr.strip()}"]
    alerts = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    counts = {}
    for a in alerts:
        counts[a["rule"]] = counts.get(a["rule"], 0) + 1
    problems = []
    if case["expect_detect"] == "false":
        if alerts:
            problems.append(f"expected no alert, got {counts}")
        return problems
    if not alerts:
        problems.append("expected alerts, got none")
    for level in filter(None, case["detect_level"].split(",")):
        want = PRIORITY[level.strip().upper()]
        if not any(a["priority"] == want for a in alerts):
            problems.append(f"no alert of priority {want}")
    for item in filter(None, case["detect_counts"].split(";")):
        rule, _, n = item.rpartition("=")
        if counts.get(rule, 0) != int(n):
            problems.append(f"{rule}: {counts.get(rule, 0)} alerts, expected {n}")
    return problems


def main():
    mq, data, tsv = sys.argv[1:4]
    only = set(sys.argv[4:])
    falco = os.path.join(data, "falco")
    with open(tsv, newline="", encoding="utf-8") as f:
        cases = [c for c in csv.DictReader(f, delimiter="\t") if not only or c["case_name"] in only]
    assert cases, "no case in " + tsv
    print(f"1..{len(cases)}")
    failed = 0
    for i, case in enumerate(cases, 1):
        if case["trace_file"].endswith(".scap") and shutil.which("sysdig") is None:
            print(f"ok {i} {case['case_name']} # SKIP sysdig is not installed")
            continue
        failed += print_result(i, case["case_name"], run_case(mq, data, falco, case))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
