# The real enterprise bundle cut after 20000000 bytes: one line with the place, exit 2.
setup: head -c 20000000 @ATTACK@/enterprise-attack-18.1.json > cut.json
args: --no-cache --attack @TMP@/cut.json stats
exit: 2
stderr-first: mitre-query: @TMP@/cut.json: line 349312, column 28: invalid JSON (A string is opened, but never closed.)
