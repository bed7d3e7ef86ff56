#!/usr/bin/env python3
"""mitre-tagger as a build step (TAP): errors fail it, --write-rules writes canonical tags.

Usage: tagger_test.py MITRE_TAGGER MITRE_QUERY DATA_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    tagger, query, data = sys.argv[1:4]
    attack = os.path.join(data, "attack", "enterprise-attack-18.1.json")
    checks = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "xdg"))
        base = [tagger, "--attack", attack, "--cache", os.path.join(tmp, "cache")]
        # 1. The seed file has errors: exit 1, the errors on stderr, no header.
        seed = os.path.join(data, "seed", "blog-example-rules.yaml")
        header = os.path.join(tmp, "seed.hpp")
        p = subprocess.run(base + ["--header", header, seed], capture_output=True, text=True, env=env)
        lines = p.stderr.splitlines()
        checks.append(("tag errors fail the build step with the lint report",
                       p.returncode == 1 and len(lines) == 2 and ": error: tactic-name-mismatch: " in lines[0]
                       and lines[1].startswith("mitre-tagger: 1 error(s)") and not os.path.exists(header)))
        # 2. --write-rules: Falco's incubating rules (warnings only) written with canonical tags.
        rules = os.path.join(tmp, "rules.yaml")
        shutil.copy(os.path.join(data, "falco", "rules", "falco-incubating_rules.yaml"), rules)
        out = os.path.join(tmp, "fixed.yaml")
        header = os.path.join(tmp, "rules.hpp")
        p = subprocess.run(base + ["--header", header, "--write-rules", out, rules], capture_output=True, text=True, env=env)
        ok = p.returncode == 0 and os.path.exists(out) and "inline constexpr std::array<rule_tags," in open(header).read()
        if ok:
            lint = subprocess.run([query, "--attack", attack, "lint-tags", "--report", "json", out],
                                  capture_output=True, text=True, env=env)
            left = json.loads(lint.stdout)
            before = json.loads(subprocess.run([query, "--attack", attack, "lint-tags", "--report", "json", rules],
                                               capture_output=True, text=True, env=env).stdout)
            ok = (not any("fix" in d for d in left)) and any("fix" in d for d in before) and \
                open(rules, "rb").read() != open(out, "rb").read()
        checks.append(("--write-rules writes the rules with every fixable tag fixed", ok))
        # 3. --write-rules never replaces the rules file itself.
        p = subprocess.run(base + ["--header", header, "--write-rules", rules, rules], capture_output=True, text=True, env=env)
        checks.append(("--write-rules refuses the rules file itself", p.returncode == 2 and
                       p.stderr.startswith("mitre-tagger: --write-rules must name a new file")))
    print(f"1..{len(checks)}")
    for i, (name, ok) in enumerate(checks, 1):
        print(("ok" if ok else "not ok") + f" {i} - {name}")


if __name__ == "__main__":
    main()
