# Issue 8 item 8: one batch line of 500,000 words (took 326 s): refused at once.
setup: python3 @DIR@/cli_inputs.py words in.txt search a 500000
run: exec @MQ@ --no-cache --data @DATA@ batch < in.txt
timeout: 60
exit: 2
stderr-first: mitre-query: more than 10000 arguments
check: out == '--- exit 2\n'
