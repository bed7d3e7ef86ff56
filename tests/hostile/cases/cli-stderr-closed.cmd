# Issue 8 item 2: a message to a closed stderr must not abort (was: exit 134).
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json show T9999 2>&-
exit: 1
stderr-first: <none>
