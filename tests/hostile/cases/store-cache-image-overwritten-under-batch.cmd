# The cache's image file overwritten in place (same size) while a batch answers
# from it: a block read after the change fails its checksum — the one-line
# bad-snapshot error, never an answer from the new bytes.
setup: @MQ@ --attack @ATTACK@/ics-attack-18.1.json show T0800 > /dev/null && ls cache/mitrekg/*.image
run: (echo "show T0800"; sleep 1; for f in cache/mitrekg/*.image; do python3 -c "import sys; f = open(sys.argv[1], 'r+b'); n = len(f.read()); f.seek(4096); f.write(b'Z' * (n - 4096))" "$f"; done; echo "show T0890") | exec @MQ@ --attack @ATTACK@/ics-attack-18.1.json batch
timeout: 60
exit: 2
stdout-contains: T0800
stderr-contains: .image: snapshot is corrupted or truncated: graph image checksum does not match
after: test -z "$(ls cache/mitrekg/*.image 2>/dev/null)" && @MQ@ --attack @ATTACK@/ics-attack-18.1.json show T0890 | grep -q "^id *T0890"
