# Issue #8 item 14: invalid JSON inside an unknown property ([1 2 tru nul]) was accepted.
setup: python3 @DIR@/gen.py skipped-bad > bad.json
args: --no-cache --attack @TMP@/bad.json stats
exit: 2
stderr-first: mitre-query: @TMP@/bad.json: line 3, column 14: invalid JSON (The JSON document has an improper structure: missing or superfluous commas, braces, missing keys, etc.)
