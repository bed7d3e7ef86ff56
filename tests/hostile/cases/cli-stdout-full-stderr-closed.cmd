# Issue 8 item 2: stdout full and stderr closed: exit 2, nothing said, no abort (was: exit 134).
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json techniques >/dev/full 2>&-
exit: 2
stderr-first: <none>
