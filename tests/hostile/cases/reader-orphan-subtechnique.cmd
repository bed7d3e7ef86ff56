# Issue #8 item 13: a sub-technique with no parent vanished from --no-subtechniques
# (and the matrix). Now listed as a technique, with a counted warning.
setup: python3 @DIR@/gen.py orphan > orphan.json
args: --no-cache --format csv --attack @TMP@/orphan.json techniques --no-subtechniques
check: [r["id"] for r in rows] == ["T0001", "T0002"] and rows[1]["is_subtechnique"] == "false"
