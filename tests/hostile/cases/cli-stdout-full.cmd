# Issue 8 item 2: stdout on /dev/full (ENOSPC): exit 2 with one line.
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json techniques >/dev/full
exit: 2
stderr-first: mitre-query: cannot write to standard output: No space left on device
