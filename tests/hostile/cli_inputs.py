#!/usr/bin/env python3
"""Writes the inputs of the cli-* hostile cases (small bundles, long batch input).

Usage (from a case's setup: line, in @TMP@):
  cli_inputs.py bundle OUT NAME [WARNINGS]
      a STIX 2.1 bundle with one tactic TA0001 and one technique T0001 named NAME
      (Python escapes allowed: '\\x1b]0;pwned\\x07', '\\u202e'), also an alias of a
      group G0001, plus WARNINGS objects of an unknown type (each a load warning)
  cli_inputs.py line OUT BYTES [TAIL]
      one batch line of BYTES bytes ('stats ' then 'x' up to the length, no newline
      inside), a newline, then TAIL (Python escapes allowed) when given
  cli_inputs.py words OUT COMMAND WORD COUNT
      one batch line: COMMAND then WORD COUNT times, a newline
"""
import json
import sys


def ref(external_id):
    return [{"source_name": "mitre-attack", "external_id": external_id}]


def bundle(out, name, warnings=0):
    common = {"created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
              "spec_version": "2.1", "x_mitre_domains": ["enterprise-attack"]}
    objects = [
        dict(common, type="x-mitre-tactic", id="x-mitre-tactic--00000000-0000-4000-8000-000000000001",
             name="Initial Access", x_mitre_shortname="initial-access", external_references=ref("TA0001")),
        dict(common, type="attack-pattern", id="attack-pattern--00000000-0000-4000-8000-000000000002",
             name=name, description="A technique named " + name + ".", external_references=ref("T0001"),
             kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
             x_mitre_platforms=["Linux"]),
        dict(common, type="intrusion-set", id="intrusion-set--00000000-0000-4000-8000-000000000003",
             name="Group One", aliases=["Group One", name], external_references=ref("G0001")),
    ]
    for i in range(warnings):
        objects.append(dict(common, type="x-unknown-thing", id=f"x-unknown-thing--00000000-0000-4000-8000-{i:012d}"))
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": objects}, f)


def unescape(text):
    return text.encode("utf-8").decode("unicode_escape")


def main(argv):
    kind, out = argv[1], argv[2]
    if kind == "bundle":
        bundle(out, unescape(argv[3]), int(argv[4]) if len(argv) > 4 else 0)
    elif kind == "line":
        size = int(argv[3])
        head = b"stats "
        with open(out, "wb") as f:
            f.write(head + b"x" * (size - len(head)) + b"\n")
            if len(argv) > 4:
                f.write(unescape(argv[4]).encode("latin-1"))
    elif kind == "words":
        command, word, count = argv[3], argv[4], int(argv[5])
        with open(out, "w", encoding="utf-8") as f:
            f.write(command + (" " + word) * count + "\n")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
