# A D3FEND file with a UTF-8 byte order mark loads.
setup: printf '\xef\xbb\xbf' > d3.json && cat @DATA@/d3fend/d3fend-0.17.0.json >> d3.json
args: --no-cache --attack @ATTACK@/ics-attack-18.1.json --d3fend @TMP@/d3.json d3fend-tactics --format csv
check: len(rows) == 7
