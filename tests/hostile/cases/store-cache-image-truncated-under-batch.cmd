# The cache's image file truncated while a batch answers from it (issue 13: the
# image is read block by block as questions need it). What was read still
# answers; a question needing a block not yet read stops with the one-line
# bad-snapshot error naming the image file — never SIGBUS, never a wrong
# answer. The damaged image is removed, so the next call answers again.
setup: @MQ@ --attack @ATTACK@/ics-attack-18.1.json show T0800 > /dev/null && ls cache/mitrekg/*.image
run: (echo "show T0800"; sleep 1; for f in cache/mitrekg/*.image; do : > "$f"; done; echo "show T0890") | exec @MQ@ --attack @ATTACK@/ics-attack-18.1.json batch
timeout: 60
exit: 2
stdout-contains: T0800
stderr-contains: .image: snapshot is corrupted or truncated: graph image file is cut short
after: test -z "$(ls cache/mitrekg/*.image 2>/dev/null)" && @MQ@ --attack @ATTACK@/ics-attack-18.1.json show T0890 | grep -q "^id *T0890"
