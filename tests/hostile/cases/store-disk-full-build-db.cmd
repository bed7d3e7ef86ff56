# build-db onto a full file system (a 1 MB tmpfs): one line naming OUT, nothing left behind.
skip-unless: mkdir small && mount -t tmpfs -o size=1m tmpfs small
args: --attack @ATTACK@/ics-attack-18.1.json build-db @TMP@/small/out.sqlite
exit: 2
stderr-first: mitre-query: @TMP@/small/out.sqlite: SQL failed: database or disk is full
after: test -z "$(ls small)"
after: umount small
