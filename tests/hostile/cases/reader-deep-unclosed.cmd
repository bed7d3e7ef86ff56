# 100,000 opening brackets and nothing else.
setup: python3 -c "print('[' * 100000)" > deep.json
args: --no-cache --attack @TMP@/deep.json stats
exit: 2
stderr-first: mitre-query: @TMP@/deep.json: line 2, column 1: invalid JSON (the file ends before the root array's closing bracket)
