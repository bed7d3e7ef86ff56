# --force belongs to build-db alone.
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json --force stats
exit: 2
stderr-first: mitre-query: --force does not apply to stats
