# Issue #8 item 14 for D3FEND: invalid JSON in a key the reader skips ("@context") was accepted.
setup: sed '2s/"@context": {/"@context": {"x_bad": [1 2 tru nul],/' @DATA@/d3fend/d3fend-0.17.0.json > d3.json
args: --no-cache --attack @ATTACK@/ics-attack-18.1.json --d3fend @TMP@/d3.json stats
exit: 2
stderr-first: mitre-query: @TMP@/d3.json: line 2, column 28: invalid JSON (The JSON document has an improper structure: missing or superfluous commas, braces, missing keys, etc.)
