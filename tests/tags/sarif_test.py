#!/usr/bin/env python3
"""Validates mitre-query lint-tags --report sarif against the SARIF 2.1.0 schema (TAP).

Usage: sarif_test.py MITRE_QUERY DATA_DIR SCHEMA
Lints the seed file and the Sysdig-style corpus (every finding code with a fix
and without), validates each log with python3-jsonschema (Draft 7, formats
checked), and checks a log is rejected when it breaks the schema, so the test
can fail.
"""
import copy
import json
import os
import subprocess
import sys

import jsonschema


def main():
    binary, data, schema_file = sys.argv[1:4]
    with open(schema_file, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    cases = [("seed", [os.path.join(data, "seed", "blog-example-rules.yaml")], 4),
             ("sysdig-style", [os.path.join(data, "sysdig-style")], 164),
             ("sigma-head", [os.path.join(data, "sigma", "head", "rules", "linux")], None)]
    print(f"1..{len(cases) + 1}")
    n = 0
    last = None
    for name, paths, expected in cases:
        n += 1
        p = subprocess.run([binary, "--attack", os.path.join(data, "attack", "enterprise-attack-18.1.json"),
                            "lint-tags", "--report", "sarif"] + paths, capture_output=True, text=True,
                           env=dict(os.environ, XDG_CACHE_HOME=os.environ.get("XDG_CACHE_HOME", "/tmp")))
        log = json.loads(p.stdout)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
        results = log["runs"][0]["results"]
        if p.returncode not in (0, 1):
            errors.append(f"exit {p.returncode}: {p.stderr.strip()}")
        if expected is not None and len(results) != expected:
            errors.append(f"{len(results)} results, expected {expected}")
        if not any("fixes" in r for r in results):
            errors.append("no result carries a fix")
        print(("ok" if not errors else "not ok") + f" {n} - {name}: {len(results)} results valid SARIF 2.1.0")
        for e in errors[:10]:
            print(f"  # {e}")
        last = log
    n += 1
    broken = copy.deepcopy(last)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    rejected = len(list(validator.iter_errors(broken)))
    print(("ok" if rejected == 2 else "not ok") + f" {n} - a log with a bad level and line 0 is rejected ({rejected} errors)")


if __name__ == "__main__":
    main()
