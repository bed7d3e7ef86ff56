# A directory as --d3fend: one line, exit 2.
setup: mkdir dir.json
args: --no-cache --attack @ATTACK@/ics-attack-18.1.json --d3fend @TMP@/dir.json stats
exit: 2
stderr-first: mitre-query: @TMP@/dir.json: is a directory, expected a D3FEND JSON-LD file
