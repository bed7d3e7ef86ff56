# An empty bundle: one line naming the file, exit 2.
setup: : > empty.json
args: --no-cache --attack @TMP@/empty.json stats
exit: 2
stderr-first: mitre-query: @TMP@/empty.json: empty file, expected a STIX bundle (JSON)
