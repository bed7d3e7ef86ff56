# A batch line over 1 MiB: an error for that line, naming it; the next line is answered.
setup: python3 @DIR@/cli_inputs.py line in.txt 2000000 'stats --format csv\n'
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json batch < in.txt
timeout: 60
exit: 2
stderr-first: mitre-query: batch line 1: longer than 1048576 bytes
check: lines[0] == '--- exit 2' and lines[-1] == '--- exit 0' and 'kind,count' in out
