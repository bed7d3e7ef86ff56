#!/usr/bin/env python3
"""gen_link_order: the functions a warm mitre-query call runs, for lld's --symbol-ordering-file.

A warm `show` spends a tenth of its time on instruction page faults: the code
it runs is spread over 3 MB of a 5.6 MB text, and each first touch of a 64 KiB
window costs a fault of ~9 µs on the VMs measured (docs/benchmarks.md, session
12). Linked with this list (tools/mitre-query/meson.build), those functions sit
together at the start of the text.

Usage: tools/gen_link_order.py BUILD/tools/mitre-query/mitre-query [--data DIR] [-o FILE]
(needs valgrind, Debian's `valgrind`; about a minute)

Runs each warm command below under valgrind's lackey (once to fill a scratch
cache, once traced) and writes every function they execute, in order of
first execution (deterministic for one binary), each glibc string kernel
followed by its other machine-specific variants (valgrind emulates no
AVX-512, so it runs the AVX2 kernel where a real CPU runs the EVEX one), then
the IFUNC resolvers glibc runs before main. Symbols that later disappear
are skipped by the linker: a stale list only costs speed, never correctness
(tests/cli/link_order_test.py fails when it has gone stale). Regenerate after
changing the warm path.
"""
import argparse
import bisect
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


def executed(exe, args, env, functions, entry):
    """The functions `exe args` runs, in order of first execution (valgrind's
    lackey traces every superblock; deterministic for one binary). Without
    --vex-guest-chase=no a superblock runs on into the functions it calls,
    and small ones (constructors, accessors) would never be seen."""
    subprocess.run([exe] + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with tempfile.NamedTemporaryFile(suffix=".lackey") as log:
        r = subprocess.run(["valgrind", "--tool=lackey", "--trace-superblocks=yes", "--vex-guest-chase=no", f"--log-file={log.name}", exe] + args,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode not in (0, 1):
            sys.exit(f"gen_link_order: {' '.join(args)} exited {r.returncode}")
        starts = [a for a, _, _ in functions]
        order, seen, base = [], set(), None
        for line in open(log.name, encoding="utf-8", errors="replace"):
            if not line.startswith("SB "):
                continue
            address = int(line[3:], 16)
            if base is None:
                base = address - entry   # the first superblock is the entry point
            k = bisect.bisect_right(starts, address - base) - 1
            if k >= 0:
                start, size, name = functions[k]
                if address - base < start + max(size, 1) and name not in seen:
                    seen.add(name)
                    order.append(name)
        return order


def symbols(exe):
    """(address -> function names), the functions as sorted (start, size, name), and the entry point."""
    by_address, functions = {}, []
    for line in subprocess.run(["nm", "-S", "--defined-only", exe], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTiW":
            by_address.setdefault(int(parts[0], 16), []).append(parts[3])
            functions.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
    functions.sort()
    header = subprocess.run(["readelf", "-h", exe], capture_output=True, text=True, check=True).stdout
    entry = int(re.search(r"Entry point address:\s+0x([0-9a-f]+)", header).group(1), 16)
    return by_address, functions, entry


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
    # Addresses are placed from the entry point, the first code a static
    # executable runs (a dynamic one starts in its loader).
    if "INTERP" in subprocess.run(["readelf", "-lW", a.exe], capture_output=True, text=True, check=True).stdout:
        sys.exit(f"gen_link_order: {a.exe} is linked dynamically; give it the static-pie mitre-query")
    by_address, functions, entry = symbols(a.exe)
    all_names = {name for _, _, name in functions}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        seen, order = set(), []
        variants = {}   # base name -> its variants in the executable
        for name in sorted(all_names):
            if m := VARIANT.match(name):
                variants.setdefault(m.group(1), []).append(name)
        def add(name):
            if name in seen:
                return
            seen.add(name)
            order.append(name)
            if m := VARIANT.match(name):   # the kernel a real CPU picks, beside the one valgrind ran
                for other in variants.get(m.group(1), []):
                    add(other)
        for args in COMMANDS:
            for name in executed(a.exe, (["--data", a.data] if a.data else []) + args, env, functions, entry):
                add(name)
    for name in sorted(ifunc_resolvers(a.exe, by_address)):
        add(name)
    with open(a.output, "w") as f:
        f.write("# The functions a warm mitre-query call runs, hottest region first: lld's\n"
                "# --symbol-ordering-file (tools/mitre-query/meson.build). Generated by\n"
                "# tools/gen_link_order.py; regenerate after changing the warm path.\n")
        f.write("".join(name + "\n" for name in order))
    print(f"gen_link_order: {len(order)} functions -> {a.output}")


if __name__ == "__main__":
    main()
