# build-db /dev/null: never replaced, not even with --force (as root it used to become a regular file).
args: --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json build-db --force /dev/null
exit: 2
stderr-first: mitre-query: /dev/null: is a character device; a snapshot only ever replaces a regular file
after: test -c /dev/null
