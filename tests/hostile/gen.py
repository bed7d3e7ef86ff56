#!/usr/bin/env python3
"""Writes hostile STIX bundles to stdout, for tests/hostile cases and bench inputs too large to commit.

Usage: gen.py KIND [N]
  chain N        N+1 techniques T0 <- TX1 <- TX2 ... in one subtechnique-of chain of N links,
                 listed from the root down (each link extends the bottom: the order that was
                 quadratic, every cycle check walking up the whole chain)
  chain-up N     the same chain, listed from the bottom up
  tiny N         N tiny attack-patterns, nothing else
  deep N         one object whose unknown property nests N arrays
  skipped-bad    an unknown property holding invalid JSON: [1 2 tru nul]
  dup-types      an intrusion-set with the STIX id of an attack-pattern
  orphan         a sub-technique with no parent link (and no dotted id), in a tactic of a matrix
  cycle          T1 sub-technique-of T2 and T2 of T1
  dangling       a relationship naming a missing object
  wrong-types    "name" a number, "revoked" a string
  release V      a tiny enterprise bundle of release V (a matrix and a collection)
"""
import json
import sys


def bundle(objects):
    return {"type": "bundle", "id": "bundle--hostile", "objects": objects}


def technique(i, ext_id, sub=False, **extra):
    o = {"type": "attack-pattern", "id": f"attack-pattern--{i:08d}", "name": f"Technique {ext_id}",
         "modified": "2024-01-01T00:00:00.000Z",
         "external_references": [{"source_name": "mitre-attack", "external_id": ext_id}],
         "x_mitre_is_subtechnique": sub}
    o.update(extra)
    return o


def subtechnique_of(i, child, parent):
    return {"type": "relationship", "id": f"relationship--{i:08d}", "relationship_type": "subtechnique-of",
            "source_ref": f"attack-pattern--{child:08d}", "target_ref": f"attack-pattern--{parent:08d}"}


def release(version):
    return [
        {"type": "x-mitre-collection", "id": "x-mitre-collection--1", "name": "Enterprise ATT&CK",
         "x_mitre_version": version},
        {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "Enterprise ATT&CK", "tactic_refs": [],
         "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}]},
        technique(1, "T0001"),
    ]


def main(argv):
    kind = argv[1]
    n = int(argv[2]) if len(argv) > 2 and argv[2].isdigit() else 0
    out = sys.stdout
    if kind in ("chain", "chain-up"):
        objects = [technique(0, "T0")] + [technique(i, f"TX{i}", sub=True) for i in range(1, n + 1)]
        links = range(1, n + 1) if kind == "chain" else range(n, 0, -1)
        objects += [subtechnique_of(i, i, i - 1) for i in links]
    elif kind == "tiny":
        # Written piecewise: millions of objects.
        out.write('{"type":"bundle","id":"bundle--tiny","objects":[')
        for i in range(n):
            out.write(('' if i == 0 else ',') +
                      f'{{"type":"attack-pattern","id":"attack-pattern--{i:08d}","name":"t{i}"}}')
        out.write(']}\n')
        return
    elif kind == "deep":
        out.write('{"type":"bundle","id":"bundle--deep","objects":[{"type":"attack-pattern",'
                  '"id":"attack-pattern--1","name":"deep","x_deep":' + "[" * n + "]" * n + '}]}\n')
        return
    elif kind == "skipped-bad":
        out.write('{"type":"bundle","id":"bundle--1","objects":[\n{"type":"attack-pattern",'
                  '"id":"attack-pattern--1","name":"x",\n "x_foo": [1 2 tru nul]}]}\n')
        return
    elif kind == "dup-types":
        objects = [technique(1, "T0001"),
                   {"type": "intrusion-set", "id": "attack-pattern--00000001", "name": "Impostor",
                    "external_references": [{"source_name": "mitre-attack", "external_id": "G9999"}]}]
    elif kind == "orphan":
        # In a tactic of an enterprise matrix, so that `matrix` shows it too.
        phase = [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}]
        objects = [
            {"type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "name": "Execution", "x_mitre_shortname": "execution",
             "external_references": [{"source_name": "mitre-attack", "external_id": "TA0002"}]},
            {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "Enterprise ATT&CK",
             "tactic_refs": ["x-mitre-tactic--1"],
             "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}]},
            technique(1, "T0001", kill_chain_phases=phase), technique(2, "T0002", sub=True, kill_chain_phases=phase)]
    elif kind == "cycle":
        objects = [technique(1, "T0001", sub=True), technique(2, "T0002", sub=True),
                   subtechnique_of(1, 1, 2), subtechnique_of(2, 2, 1)]
    elif kind == "dangling":
        objects = [technique(1, "T0001"), subtechnique_of(1, 1, 77)]
    elif kind == "wrong-types":
        objects = [technique(1, "T0001"), technique(2, "T0002", name=7, revoked="yes")]
    elif kind == "release":
        objects = release(argv[2])
    else:
        sys.exit(f"gen.py: unknown kind {kind!r}")
    json.dump(bundle(objects), out, indent=1)
    out.write("\n")


if __name__ == "__main__":
    main(sys.argv)
