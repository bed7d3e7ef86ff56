# Issue #8 item 13: the parentless sub-technique is in the matrix, as a technique of its tactic.
setup: python3 @DIR@/gen.py orphan > orphan.json
args: --no-cache --format json --attack @TMP@/orphan.json matrix
check: [t["id"] for t in j[0]["techniques"]] == ["T0001", "T0002"]
