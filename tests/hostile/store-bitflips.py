#!/usr/bin/env python3
"""Flips bits of a snapshot at random positions; every answer must be an error or the right one.

Usage: store-bitflips.py MITRE_QUERY SNAPSHOT BUNDLE COPIES SEED
For each of COPIES copies of SNAPSHOT, 1 to 4 random bits are flipped (positions
drawn over the whole file, seeded); `--db COPY` then answers a few questions.
Each answer must equal the one from the sources (`--no-cache --attack BUNDLE`),
or be exit 2 with one stderr line. Prints how many copies answered and how many
were refused; exits 1 on the first wrong answer.
"""
import os
import random
import subprocess
import sys

QUESTIONS = [["show", "T1562.001", "--format", "json"], ["techniques", "--format", "csv"]]


def run(args):
    p = subprocess.run(args, capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    mq, snapshot, bundle, copies, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    rng = random.Random(seed)
    expected = [run([mq, "--no-cache", "--attack", bundle] + q) for q in QUESTIONS]
    assert all(rc in (0, 1) for rc, _, _ in expected), expected
    original = open(snapshot, "rb").read()
    flipped = os.path.join(os.path.dirname(os.path.abspath(snapshot)), "flipped.sqlite")
    answered = refused = 0
    for i in range(copies):
        data = bytearray(original)
        spots = [rng.randrange(len(data) * 8) for _ in range(rng.randint(1, 4))]
        for bit in spots:
            data[bit // 8] ^= 1 << (bit % 8)
        with open(flipped, "wb") as f:
            f.write(data)
        for q, (want_rc, want_out, _) in zip(QUESTIONS, expected):
            rc, out, err = run([mq, "--db", flipped] + q)
            if rc == 2 and len(err.splitlines()) == 1 and err.startswith(b"mitre-query: "):
                refused += 1
                continue
            if rc < 0 or (rc, out) != (want_rc, want_out) or err:
                print(f"copy {i}: bits {spots} flipped, {' '.join(q)}: exit {rc}, wrong answer or stderr "
                      f"{err[:200]!r}", file=sys.stderr)
                return 1
            answered += 1
    print(f"{copies} copies: {answered} right answers, {refused} refusals")
    return 0


if __name__ == "__main__":
    sys.exit(main())
