#!/usr/bin/env python3
"""Refuses an include against the data flow (run by lib/meson.build at configure time).

Usage: check_layers.py ROOT STAGE=DEP,DEP ... (one argument per stage of lib/, as
lib/meson.build declares them). A file in lib/STAGE/ may include "STAGE/..." and
"DEP/..." for its declared DEPs only; public headers (include/mitrekg/) may include
only the standard library and other public headers. Prints one line per violation
(file:line: what) and exits 1 when there is any.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def main():
    root = sys.argv[1]
    allowed = {}
    for arg in sys.argv[2:]:
        stage, _, deps = arg.partition("=")
        allowed[stage] = {stage, "mitrekg"} | {d for d in deps.split(",") if d}
    problems = []
    lib = os.path.join(root, "lib")
    for stage in sorted(os.listdir(lib)):
        folder = os.path.join(lib, stage)
        if not os.path.isdir(folder):
            continue
        if stage not in allowed:
            problems.append(f"lib/{stage}/: a stage lib/meson.build does not declare")
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".cpp", ".hpp", ".h")):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m or m.group(1) != '"' or "/" not in m.group(2):
                        continue
                    top = m.group(2).split("/", 1)[0]
                    if top in allowed and top not in allowed[stage]:
                        problems.append(f"lib/{stage}/{name}:{n}: includes {m.group(2)!r}, but stage "
                                        f"'{stage}' does not depend on '{top}' (lib/meson.build)")
    public = os.path.join(root, "include", "mitrekg")
    for name in sorted(os.listdir(public)):
        with open(os.path.join(public, name), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if m and m.group(1) == '"' and not m.group(2).startswith("mitrekg/"):
                    problems.append(f"include/mitrekg/{name}:{n}: a public header includes {m.group(2)!r} "
                                    "(standard library and mitrekg/ headers only)")
                if m and m.group(1) == "<" and "/" in m.group(2) and not m.group(2).startswith("mitrekg/"):
                    problems.append(f"include/mitrekg/{name}:{n}: a public header includes <{m.group(2)}> "
                                    "(standard library only)")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
