# The same on a batch line; the batch goes on (a line without an answer is exit 1, not an error).
args: --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json batch
stdin: show \xff\nshow T1082 --format csv\n
exit: 0
stderr-first: mitre-query: nothing matches "\xff"
check: lines[0] == '--- exit 1' and lines[-1] == '--- exit 0' and 'T1082' in out
