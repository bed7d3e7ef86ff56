# Two releases of one domain, by the collection's version (not the file name).
setup: python3 @DIR@/gen.py release 17.1 > a.json
setup: python3 @DIR@/gen.py release 18.1 > b.json
args: --no-cache --attack @TMP@/b.json --attack @TMP@/a.json stats
exit: 2
stderr-first: mitre-query: @TMP@/a.json: ATT&CK enterprise release 17.1, but @TMP@/b.json is release 18.1: load one release per domain
