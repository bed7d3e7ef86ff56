"""TAP output shared by the Python test scripts: the plan, one line per check, the exit status."""


def report(results):
    """Prints `results`, a list of (ok, name, detail), as TAP; returns 0 when every check passed, else 1."""
    print(f"1..{len(results)}")
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok and detail:
            print("# " + str(detail).replace("\n", "\n# "))
    return 0 if all(r[0] for r in results) else 1
