# Bytes that are not UTF-8 in an argument are shown as \xNN on stderr (were written raw).
run: exec @MQ@ --no-cache --attack @DIR@/../cli/fixtures/tiny-attack-1.0.json show $'\xff\xfe\xc3'
exit: 1
stderr: mitre-query: nothing matches "\xff\xfe\xc3"
