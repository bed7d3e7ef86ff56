# Issue 8 item 8: search takes at most 64 words (was: exit 1 after a search of every word).
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json search $(seq 65)
exit: 2
stderr-first: mitre-query: search takes at most 64 words
