# --db /dev/zero: refused before reading (a device, not a snapshot).
args: --db /dev/zero stats
timeout: 20
exit: 2
stderr-first: mitre-query: /dev/zero: is a character device, expected a snapshot file
