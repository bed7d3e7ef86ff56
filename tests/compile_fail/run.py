#!/usr/bin/env python3
"""Compile-failure tests: each tests/compile_fail/*.cpp must fail to compile with a
'deleted' error (a view of a temporary graph), or with the text its
`// expect-error: TEXT` line names (a node of the wrong kind; alternatives separated by " | "), except
*_compiles.cpp, which must compile (so a broken include path cannot pass the
others). Prints TAP.

Usage: run.py INCLUDE_DIR CXX [CXX_ARG...]
"""
import glob
import os
import re
import subprocess
import sys


def main():
    include, cxx = sys.argv[1], sys.argv[2:]
    here = os.path.dirname(os.path.abspath(__file__))
    files = sorted(glob.glob(os.path.join(here, "*.cpp")))
    print(f"1..{len(files)}")
    failed = 0
    for i, path in enumerate(files, 1):
        name = os.path.basename(path)
        p = subprocess.run(cxx + ["-std=c++20", "-fsyntax-only", "-I", include, path], capture_output=True, text=True)
        if name.endswith("_compiles.cpp"):
            ok = p.returncode == 0
            why = "" if ok else p.stderr.strip().splitlines()[0] if p.stderr.strip() else "failed"
        else:
            with open(path, encoding="utf-8") as f:
                m = re.search(r"^// expect-error: (.+)$", f.read(), re.M)
            # Alternatives separated by " | ": gcc and clang word the same error differently.
            expected = m.group(1).strip() if m else "deleted"
            ok = p.returncode != 0 and any(e in p.stderr for e in expected.split(" | "))
            why = "" if ok else ("compiled" if p.returncode == 0 else f"failed without a '{expected}' error: " +
                                 (p.stderr.strip().splitlines() or [""])[0])
        print(f"{'ok' if ok else 'not ok'} {i} - {name}{'' if ok else '  # ' + why}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
