# A FIFO with no writer as --d3fend must not block forever.
setup: mkfifo fifo.json
args: --no-cache --attack @ATTACK@/ics-attack-18.1.json --d3fend @TMP@/fifo.json stats
timeout: 20
exit: 2
stderr-first: mitre-query: @TMP@/fifo.json: is a FIFO (named pipe), expected a D3FEND JSON-LD file
