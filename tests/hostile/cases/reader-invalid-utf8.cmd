# Issue #8 item 15: invalid UTF-8: the byte's line and column.
setup: printf '{"type": "bundle",\n "objects": [{"type": "malware", "name": "Emo\xfftet"}]}' > bad.json
args: --no-cache --attack @TMP@/bad.json stats
exit: 2
stderr-first: mitre-query: @TMP@/bad.json: line 2, column 46: invalid JSON (The input is not valid UTF-8)
