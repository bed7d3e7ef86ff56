# Issue 8 item 8: a search word of 257 bytes is refused.
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json search $(printf 'a%.0s' $(seq 257))
exit: 2
stderr-first: mitre-query: search words are at most 256 bytes (word 1 has 257)
