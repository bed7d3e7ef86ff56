# A missing --d3fend file: one line, exit 2.
args: --no-cache --attack @ATTACK@/ics-attack-18.1.json --d3fend @TMP@/missing.json stats
exit: 2
stderr-first: mitre-query: @TMP@/missing.json: file not found
