# Issue #8 item 15: a D3FEND file cut near its end was reported at line 1, column 1.
setup: head -c -10 @DATA@/d3fend/d3fend-0.17.0.json > d3.json
args: --no-cache --attack @ATTACK@/ics-attack-18.1.json --d3fend @TMP@/d3.json stats
exit: 2
stderr-first: mitre-query: @TMP@/d3.json: line 80256, column 2: invalid JSON (the file ends before the root object's closing brace)
