# A closed stdout is an error (EBADF), not a file the next open() reuses.
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json techniques >&-
exit: 2
stderr-first: mitre-query: cannot write to standard output: Bad file descriptor
