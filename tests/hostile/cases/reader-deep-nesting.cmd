# 100,000 nested arrays in a property: an error where it passes 1024 levels, no crash.
setup: python3 @DIR@/gen.py deep 100000 > deep.json
args: --no-cache --attack @TMP@/deep.json stats
exit: 2
stderr-first: mitre-query: @TMP@/deep.json: line 1, column 1144: invalid JSON (The JSON document was too deep (too many nested objects and arrays))
