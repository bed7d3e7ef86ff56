#!/usr/bin/env python3
"""mitre-query detect's progress bar: drawn on stderr only when stderr is a terminal and the events are a regular file.

Usage: progress_test.py MITRE_QUERY   (prints TAP)

Runs detect under a pseudo-terminal (pty) for stderr and checks that the bar
(bytes read / size, rate) appears and is erased before the summary; that it is
absent when stderr is a file, and when the events come from a pipe (`-`).
"""
import os
import pty
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
import tap  # noqa: E402  (tests/tap.py)

RULES = """- rule: shadow read
  desc: test
  condition: evt.type = openat and fd.name = /etc/shadow
  output: "shadow read by %proc.name"
  priority: WARNING
"""
EVENTS = 20000   # every 4th one matches


def write_inputs(tmp):
    rules = os.path.join(tmp, "r.yaml")
    with open(rules, "w") as f:
        f.write(RULES)
    events = os.path.join(tmp, "e.jsonl")
    with open(events, "w") as f:
        for i in range(EVENTS):
            name = "/etc/shadow" if i % 4 == 0 else f"/tmp/file{i}"
            f.write('{"evt.type":"openat","proc.name":"cat","proc.cmdline":"cat %s","fd.name":"%s"}\n' % (name, name))
    return rules, events


def run_pty(args, stdin=None):
    """Runs args with stderr on a pty; returns (rc, stdout bytes, stderr bytes as the terminal saw them)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(args, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    err = b""
    out_chunks = []
    # stdout is drained by a reader thread so neither pipe can fill up.
    import threading
    t = threading.Thread(target=lambda: out_chunks.append(p.stdout.read()))
    t.start()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:   # EIO: the other end closed
            break
        if not chunk:
            break
        err += chunk
    t.join()
    rc = p.wait(timeout=120)
    os.close(master)
    return rc, b"".join(out_chunks), err


def main():
    mq = sys.argv[1]
    results = []

    def check(ok, name, detail=""):
        results.append((ok, name, detail))

    with tempfile.TemporaryDirectory() as tmp:
        rules, events = write_inputs(tmp)
        size = os.path.getsize(events)
        base = [mq, "detect", "--format", "json", "--rules", rules]
        want_alerts = EVENTS // 4
        summary = f"mitre-query: detect: {EVENTS} events read, 0 malformed skipped, 0 failed, {want_alerts} alerts".encode()

        # 1. A file, stderr a terminal: the bar appears, then is erased before the summary.
        rc, out, err = run_pty(base + ["--events", events])
        check(rc == 0, "tty: exit 0", f"rc={rc} err={err[-300:]!r}")
        check(len(out.splitlines()) == want_alerts, "tty: every alert on stdout", f"{len(out.splitlines())} lines")
        bars = re.findall(rb"\rmitre-query: detect: \[[#.]{30}\] +(\d+)% ([0-9.]+)/([0-9.]+) MiB", err)
        check(len(bars) >= 1, "tty: the bar is drawn", repr(err[:300]))
        total_mib = f"{size / 1048576:.1f}".encode()
        check(all(b[2] == total_mib for b in bars), "tty: the bar shows the file's size", f"{bars[:3]} want {total_mib}")
        check(all(0 <= int(b[0]) <= 100 for b in bars), "tty: percentages within 0..100", repr(bars[:3]))
        pos_summary = err.find(summary)
        check(pos_summary > 0, "tty: summary printed", repr(err[-400:]))
        last_bar = err.rfind(b"\rmitre-query: detect: [")
        erase = err.find(b"\r\x1b[K", last_bar + 1)
        check(last_bar < erase < pos_summary and err[erase + 4:pos_summary] == b"",
              "tty: the bar is erased right before the summary", repr(err[last_bar:pos_summary + 10]))
        # The erased line leaves nothing visible: after the last erase the terminal shows only the summary lines.
        check(err[pos_summary:].count(b"\r") == err[pos_summary:].count(b"\r\n") and b"\x1b" not in err[pos_summary:],
              "tty: nothing drawn after the summary", repr(err[pos_summary:]))

        # 2. stderr a file: no bar, no control sequences.
        errfile = os.path.join(tmp, "err.txt")
        with open(errfile, "wb") as ef:
            p = subprocess.run(base + ["--events", events], stdout=subprocess.DEVNULL, stderr=ef, timeout=120)
        text = open(errfile, "rb").read()
        check(p.returncode == 0, "file: exit 0")
        check(b"\r" not in text and b"\x1b" not in text and b"[####" not in text and b"[...." not in text,
              "file: no bar on a non-terminal stderr", repr(text[:200]))
        check(text.startswith(summary), "file: summary only", repr(text[:200]))

        # 3. stderr a terminal but the events on a pipe (--events -): no bar.
        with open(events, "rb") as src:
            cat = subprocess.Popen(["cat"], stdin=src, stdout=subprocess.PIPE)
            rc, out, err = run_pty(base + ["--events", "-"], stdin=cat.stdout)
            cat.stdout.close()
            cat.wait()
        check(rc == 0 and len(out.splitlines()) == want_alerts, "pipe: exit 0, every alert", f"rc={rc}")
        check(b"[####" not in err and b"[...." not in err and b"\x1b" not in err, "pipe: no bar", repr(err[:200]))
        check(summary in err, "pipe: summary printed", repr(err[:300]))

    return tap.report(results)


if __name__ == "__main__":
    sys.exit(main())
