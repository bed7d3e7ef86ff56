#!/usr/bin/env python3
"""mitre-query was linked with its warm path first, and the list still names its functions (prints TAP).

Usage: link_order_test.py MITRE_QUERY LINK_ORDER_FILE
Run when the build links with lld and tools/mitre-query/link-order.txt
(tools/mitre-query/meson.build). A list gone stale (functions renamed or
removed since tools/gen_link_order.py wrote it) or a link that ignored it
costs a warm call its locality (docs/benchmarks.md, session 12): regenerate
the list, do not loosen the bounds.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
import tap  # noqa: E402  (tests/tap.py)

exe, order_file = sys.argv[1], sys.argv[2]
results = []


def ok(cond, name, detail=""):
    results.append((bool(cond), name, detail))


listed = [line.strip() for line in open(order_file) if line.strip() and not line.startswith("#")]
address = {}
for line in subprocess.run(["nm", "--defined-only", exe], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "tTiW":
        address.setdefault(parts[2], int(parts[0], 16))
text = next(line.split() for line in subprocess.run(["readelf", "-SW", exe], capture_output=True, text=True,
                                                    check=True).stdout.replace("[ ", "[").splitlines()
            if len(line.split()) > 5 and line.split()[1] == ".text")
text_start, text_size = int(text[3], 16), int(text[5], 16)

ok(len(listed) >= 300, "the list names the warm path's functions", f"{len(listed)} names")
found = [address[n] for n in listed if n in address]
ok(len(found) >= 0.9 * len(listed), "at least 90% of the listed functions are in the executable",
   f"{len(found)} of {len(listed)}; missing, first ones: {[n for n in listed if n not in address][:10]}")
if found:
    # IFUNC symbols resolve through .iplt at the text's end: a few outliers.
    near = sum(1 for a in found if a - text_start < text_size // 4)
    ok(near >= 0.95 * len(found), "at least 95% of them lie in the first quarter of the text",
       f"{near} of {len(found)} (text {text_size} bytes)")
    ok(min(found) - text_start <= 64 * 1024, "they start the text", f"first at +{min(found) - text_start}")
sys.exit(tap.report(results))
