# The real enterprise bundle without its last bytes (the closing brackets).
setup: head -c -3 @ATTACK@/enterprise-attack-18.1.json > cut.json
args: --no-cache --attack @TMP@/cut.json stats
exit: 2
stderr-first: mitre-query: @TMP@/cut.json: line 754245, column 6: invalid JSON (the file ends before the bundle's closing brace)
