# Issue #8 item 15: a NUL inside a string: its line and column.
setup: printf '{"type": "bundle",\n "objects": [{"type": "malware", "name": "Emo\x00tet"}]}' > bad.json
args: --no-cache --attack @TMP@/bad.json stats
exit: 2
stderr-first: mitre-query: @TMP@/bad.json: line 2, column 46: invalid JSON (Within strings, some characters must be escaped, we found unescaped characters)
