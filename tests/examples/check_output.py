#!/usr/bin/env python3
"""Runs an example program and checks that its output has every expected text.

Usage: check_output.py PROGRAM [ARG...] -- EXPECTED...   (each EXPECTED must be in a line of stdout)
Exit 0 when the program exits 0 and every expected text is in some line; else 1.
"""
import subprocess
import sys


def main():
    argv = sys.argv[1:]
    split = argv.index("--")
    cmd, expected = argv[:split], argv[split + 1:]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    if p.returncode != 0:
        print(f"exit {p.returncode}, expected 0")
        return 1
    lines = p.stdout.splitlines()
    missing = [e for e in expected if not any(e in l for l in lines)]
    for e in missing:
        print(f"no line has {e!r}")
    return 1 if missing or not expected else 0


if __name__ == "__main__":
    sys.exit(main())
