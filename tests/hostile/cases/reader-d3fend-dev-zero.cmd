# /dev/zero as --d3fend: refused at once (it never ends), not read until memory runs out.
args: --no-cache --attack @ATTACK@/ics-attack-18.1.json --d3fend /dev/zero stats
timeout: 20
exit: 2
stderr-first: mitre-query: /dev/zero: is a character device, expected a D3FEND JSON-LD file
