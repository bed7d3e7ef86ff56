# Issue #8 item 15: a bundle cut inside a string: the opening quote's line and column.
setup: printf '{"type": "bundle",\n "objects": [{"type": "malware", "name": "Emot' > cut.json
args: --no-cache --attack @TMP@/cut.json stats
exit: 2
stderr-first: mitre-query: @TMP@/cut.json: line 2, column 42: invalid JSON (A string is opened, but never closed.)
