# A missing --attack file: one line, exit 2.
args: --no-cache --attack @TMP@/missing.json stats
exit: 2
stderr-first: mitre-query: @TMP@/missing.json: no such file
