# 200 MB without a newline: read in constant memory, one error, no hang.
run: head -c 200000000 /dev/zero | tr '\0' x | @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json batch
timeout: 120
exit: 2
stderr: mitre-query: batch line 1: longer than 1048576 bytes
check: out == '--- exit 2\n'
