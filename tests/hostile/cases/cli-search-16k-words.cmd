# Issue 8 item 8: 16,000 words on the command line (took 8.4 s): refused at once.
run: exec @MQ@ --no-cache --data @DATA@ search $(yes T1 | head -16000)
timeout: 60
exit: 2
stderr-first: mitre-query: more than 10000 arguments
