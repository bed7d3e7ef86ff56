#!/usr/bin/env python3
"""gen_link_order: the functions a warm mitre-query call runs, for lld's --symbol-ordering-file.

A warm `show` spends a tenth of its time on instruction page faults: the code
it runs is spread over 3 MB of a 5.6 MB text, and each first touch of a 64 KiB
window costs a fault of ~9 µs on the VMs measured (docs/benchmarks.md, session
12). Linked with this list (tools/mitre-query/meson.build), those functions sit
together at the start of the text.

Usage: tools/gen_link_order.py BUILD/tools/mitre-query/mitre-query [--data DIR] [-o FILE]

Runs each warm command below under valgrind's callgrind (once to fill a
scratch cache, once recorded) and writes the functions each executed that an
earlier one did not (sorted, so the list diffs well), then the IFUNC resolvers glibc runs before main, then the
other machine-specific variants of each glibc string function seen (valgrind
emulates no AVX-512, so it sees the AVX2 kernel where a real CPU runs the EVEX
one). Symbols that later disappear are skipped by the linker: a stale list
only costs speed, never correctness. Regenerate after changing the warm path.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

COMMANDS = [
    ["--version"],
    ["show", "T1562.001"],
    ["show", "T1059"],
    ["show", "G0016"],
    ["show", "D3-PT"],
    ["--format", "json", "show", "T1003"],
    ["countermeasures", "T1562.001"],
    ["countermeasures", "--all"],
    ["techniques", "--tactic", "TA0005"],
    ["tactics"],
    ["mitigations", "T1562.001"],
    ["groups", "T1059"],
    ["search", "credential", "dump"],
    ["stats"],
]

# glibc's multiarch kernels: __NAME_VARIANT (ifunc picks one per CPU).
VARIANT = re.compile(r"^(__\w+?)_(sse2|ssse3|sse4_1|sse4_2|avx|avx2|evex|avx512\w*|erms\w*|unaligned\w*|rtm)(_\w+)?$")


def executed(exe, args, env):
    with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
        subprocess.run([exe] + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        r = subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out.name}", exe] + args,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode not in (0, 1):
            sys.exit(f"gen_link_order: {' '.join(args)} exited {r.returncode}")
        names, order = {}, []
        lines = open(out.name, encoding="utf-8", errors="replace").read().splitlines()
        for line in lines:
            m = re.match(r"^c?fn=\((\d+)\) (.+)$", line)
            if m:
                names[m.group(1)] = m.group(2).split("'")[0]   # callgrind marks recursion levels with '
        for line in lines:
            m = re.match(r"^fn=\((\d+)\)", line)
            if m and not names[m.group(1)].startswith("0x"):
                order.append(names[m.group(1)])
        return order


def symbols(exe):
    """(address -> function names) and all function names of the executable."""
    by_address, all_names = {}, set()
    for line in subprocess.run(["nm", "--defined-only", exe], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTiW":
            by_address.setdefault(int(parts[0], 16), []).append(parts[2])
            all_names.add(parts[2])
    return by_address, all_names


def ifunc_resolvers(exe, by_address):
    out = []
    for line in subprocess.run(["readelf", "-rW", exe], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[2] == "R_X86_64_IRELATIVE":
            out += by_address.get(int(parts[3], 16), [])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("exe")
    ap.add_argument("--data", help="data folder (default: the embedded data)")
    ap.add_argument("-o", "--output", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "mitre-query", "link-order.txt"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        seen, order = set(), []
        def add(name):
            if name not in seen:
                seen.add(name)
                order.append(name)
        for args in COMMANDS:   # each command's new functions sorted: the list diffs well
            for name in sorted(set(executed(a.exe, (["--data", a.data] if a.data else []) + args, env)) - seen):
                add(name)
    by_address, all_names = symbols(a.exe)
    for name in sorted(ifunc_resolvers(a.exe, by_address)):
        add(name)
    bases = {m.group(1) for name in list(order) if (m := VARIANT.match(name))}
    for name in sorted(all_names):
        m = VARIANT.match(name)
        if m and m.group(1) in bases:
            add(name)
    with open(a.output, "w") as f:
        f.write("# The functions a warm mitre-query call runs, hottest region first: lld's\n"
                "# --symbol-ordering-file (tools/mitre-query/meson.build). Generated by\n"
                "# tools/gen_link_order.py; regenerate after changing the warm path.\n")
        f.write("".join(name + "\n" for name in order))
    print(f"gen_link_order: {len(order)} functions -> {a.output}")


if __name__ == "__main__":
    main()
