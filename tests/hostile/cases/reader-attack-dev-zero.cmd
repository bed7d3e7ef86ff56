# /dev/zero as --attack: refused at once (it never ends), not read until memory runs out.
args: --no-cache --attack /dev/zero stats
timeout: 20
exit: 2
stderr-first: mitre-query: /dev/zero: is a character device, expected a STIX bundle file
