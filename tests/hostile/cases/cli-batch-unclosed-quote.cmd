# An unclosed quote names the batch line.
args: --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json batch
stdin: stats\n\nshow "T1082\n
exit: 2
stderr: mitre-query: batch line 3: unclosed quote
