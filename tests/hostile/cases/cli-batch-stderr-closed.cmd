# Issue 8 item 2: batch lines failing with stderr closed: every line answered, exit 2 (was: exit 134).
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json batch 2>&-
stdin: show T9999\nfrobnicate\nshow T1082\n
exit: 2
stderr-first: <none>
check: out.count('--- exit') == 3 and '--- exit 1' in out and '--- exit 2' in out and 'System Information Discovery' in out
