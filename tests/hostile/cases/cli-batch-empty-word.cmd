# Issue 8 item 12: show "" on a batch line is a usage error for that line.
args: --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json batch
stdin: show ""\n
exit: 2
stderr: mitre-query: show: argument 1 is empty (expected ID|NAME)
check: out == '--- exit 2\n'
