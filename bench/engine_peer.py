#!/usr/bin/env python3
"""engine_peer: Debian's sysdig as the peer of `mitre-query detect` on a syscall capture of benchmark size.

Usage: engine_peer.py MITRE_QUERY DATA_DIR [--copies K] [--work DIR]

The test captures show at most 86 events each, so one is grown: after the
header blocks and the events of traces/scap/open-multiple-files.scap, the
event blocks (type 0x204) of its traced process are written K-1 more times
(default K 2400, ~200,000 events as sysdig shows them), each copy's
timestamps shifted past the previous copy's (the capture stays in time
order; thread and fd tables are those of the original). Then, each best of 3,
wall and CPU (user+sys of the process and its children, from wait4):
  (1) sysdig -r BIG.scap FILTER > /dev/null: sysdig reading the capture and
      applying a filter of the same kind as falco_rules.yaml's open-read rules
      (the peer);
  (2) sysdig -r BIG.scap -j -p '%evt.num' > /dev/null: sysdig reading and
      printing one field per event, no filter (its floor);
  (3) mitre-query detect --rules falco_rules.yaml --events BIG.scap: the
      engine through sysdig's JSON (sysdig -j -p with the rules' fields, piped
      into the engine);
  (4) mitre-query detect over the same JSON Lines saved to a file (the engine
      alone, on real capture events).
"""
import gzip
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time

FILTER = ("evt.type in (open, openat, openat2) and evt.is_open_read=true and fd.typechar=f and fd.num>=0 "
          "and (fd.name startswith /etc or fd.directory in (/tmp, /root/.ssh, /usr/lib)) and not proc.name in (sshd, sudo)")


def grow(src, dst, copies):
    raw = open(src, "rb").read()
    try:
        data = gzip.decompress(raw)
    except OSError:
        data = raw
    blocks, pos = [], 0
    while pos + 8 <= len(data):
        btype, blen = struct.unpack_from("<II", data, pos)
        if blen < 12 or pos + blen > len(data):
            raise SystemExit(f"{src}: bad block at {pos}")
        blocks.append((btype, data[pos:pos + blen]))
        pos += blen
    first_ev = next(i for i, (t, _) in enumerate(blocks) if t == 0x204)
    head = b"".join(b for _, b in blocks[:first_ev])
    rest = blocks[first_ev:]
    events = [b for t, b in rest if t == 0x204]
    # (Container and other meta events carry no time: they keep their 0.)
    stamps = [t for t in (struct.unpack_from("<Q", b, 10)[0] for b in events) if t]
    span = max(stamps) - min(stamps) + 1000
    # The copies after the first repeat only the traced process's events (the thread
    # with most events): the rest are the capture's meta events, which sysdig does not show.
    tids = {}
    for b in events:
        tid = struct.unpack_from("<Q", b, 18)[0]
        tids[tid] = tids.get(tid, 0) + 1
    top = max(tids, key=tids.get)
    again = [b for b in events if struct.unpack_from("<Q", b, 18)[0] == top]
    with open(dst, "wb") as out:
        out.write(head)
        for t, b in rest:
            out.write(b)
        for k in range(1, copies):
            for b in again:
                ts = struct.unpack_from("<Q", b, 10)[0]
                if ts:
                    b = b[:10] + struct.pack("<Q", ts + k * span) + b[18:]
                out.write(b)
    events = len(events) + len(again) * (copies - 1)
    return events


def timed(args, stdout=subprocess.DEVNULL, rounds=3):
    best = None
    for _ in range(rounds):
        t0 = time.monotonic()
        p = subprocess.Popen(args, stdout=stdout, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{args[0]} failed: {err}")
        cpu = ru.ru_utime + ru.ru_stime
        if best is None or wall < best[0]:
            best = (wall, cpu, err)
    return best


def main():
    mq, data = sys.argv[1], sys.argv[2]
    copies = 2400
    work = None
    args = sys.argv[3:]
    while args:
        a = args.pop(0)
        if a == "--copies":
            copies = int(args.pop(0))
        elif a == "--work":
            work = args.pop(0)
    tmp = tempfile.TemporaryDirectory(dir=work)
    big = os.path.join(tmp.name, "big.scap")
    n_blocks = grow(os.path.join(data, "falco/traces/scap/open-multiple-files.scap"), big, copies)
    rules = os.path.join(data, "falco/rules/falco_rules.yaml")
    # How many events sysdig shows (its count is what the rates are of).
    p = subprocess.run(["sysdig", "-r", big, "-p", "%evt.num"], capture_output=True, text=True)
    n = len(p.stdout.splitlines())
    print(f"capture: {big} {os.path.getsize(big) / 1e6:.1f} MB, {n_blocks} event blocks, {n} events as sysdig reads them")
    print(f"load average before: {open('/proc/loadavg').read().strip()}")
    rows = []
    w, c, _ = timed(["sysdig", "-r", big, FILTER])
    rows.append(("(1) sysdig -r BIG.scap FILTER (peer)", w, c))
    w, c, _ = timed(["sysdig", "-r", big, "-j", "-p", "%evt.num"])
    rows.append(("(2) sysdig -r BIG.scap -j -p %evt.num (floor)", w, c))
    w, c, err = timed([mq, "detect", "--rules", rules, "--events", big, "--format", "json"])
    rows.append(("(3) mitre-query detect --events BIG.scap", w, c))
    summary3 = err.strip().splitlines()[0] if err.strip() else ""
    # (4): the JSON Lines sysdig gave the engine in (3), saved once. mitre-query asks sysdig for the
    # fields of the loaded rules; the same request is made here through a tiny wrapper on PATH.
    jsonl = os.path.join(tmp.name, "big.jsonl")
    wrap = os.path.join(tmp.name, "bin")
    os.mkdir(wrap)
    with open(os.path.join(wrap, "sysdig"), "w") as f:
        f.write(f"#!/bin/sh\nif [ \"$1\" = -r ]; then /usr/bin/sysdig \"$@\" | tee {jsonl}; else exec /usr/bin/sysdig \"$@\"; fi\n")
    os.chmod(os.path.join(wrap, "sysdig"), 0o755)
    env = dict(os.environ, PATH=wrap + ":" + os.environ.get("PATH", ""))
    subprocess.run([mq, "detect", "--rules", rules, "--events", big], env=env, capture_output=True)
    w, c, err = timed([mq, "detect", "--rules", rules, "--events", jsonl, "--format", "json"])
    rows.append((f"(4) mitre-query detect --events BIG.jsonl ({os.path.getsize(jsonl) / 1e6:.0f} MB)", w, c))
    print(f"{'measure':<52} {'wall s':>8} {'CPU s':>8} {'events/s (CPU)':>15}")
    for name, w, c in rows:
        print(f"{name:<52} {w:8.3f} {c:8.3f} {n / c:15.0f}")
    print(f"(3) summary: {summary3}")
    print(f"(4) summary: {err.strip().splitlines()[0] if err.strip() else ''}")
    print(f"load average after: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
