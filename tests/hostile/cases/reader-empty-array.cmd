# [] is JSON but not a bundle.
setup: echo '[]' > a.json
args: --no-cache --attack @TMP@/a.json stats
exit: 2
stderr-first: mitre-query: @TMP@/a.json: line 1, column 1: expected a JSON object (a STIX bundle)
