# batch with stdin closed: an error, not an empty batch (was: exit 0).
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json batch <&-
exit: 2
stderr-first: mitre-query: cannot read standard input: Bad file descriptor
