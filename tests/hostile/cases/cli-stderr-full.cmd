# Issue 8 item 2: a message to a full stderr (/dev/full) is dropped, the exit code tells (was: exit 134).
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json show T9999 2>/dev/full
exit: 1
stderr-first: <none>
