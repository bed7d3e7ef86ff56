# {} is JSON but not a bundle.
setup: echo '{}' > o.json
args: --no-cache --attack @TMP@/o.json stats
exit: 2
stderr-first: mitre-query: @TMP@/o.json: not a STIX bundle: no "type": "bundle"
