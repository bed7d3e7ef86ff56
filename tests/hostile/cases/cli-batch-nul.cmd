# Issue 8 item 12: a NUL byte in a batch line is an error for that line, naming it (was: show "" answered, exit 0).
args: --no-cache --data @DATA@ batch
stdin: # comment\nshow \x00T1059\nstats --format csv\n
exit: 2
stderr-first: mitre-query: batch line 2: holds a NUL byte
check: lines[0] == '--- exit 2' and lines[-1] == '--- exit 0' and len(lines) > 5
