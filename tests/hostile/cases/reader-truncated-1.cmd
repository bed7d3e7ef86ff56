# The real enterprise bundle cut after 1 bytes: one line with the place, exit 2.
setup: head -c 1 @ATTACK@/enterprise-attack-18.1.json > cut.json
args: --no-cache --attack @TMP@/cut.json stats
exit: 2
stderr-first: mitre-query: @TMP@/cut.json: line 1, column 2: invalid JSON (the file ends before the bundle's closing brace)
