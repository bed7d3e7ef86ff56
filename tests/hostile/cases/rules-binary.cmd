# Binary garbage as a rules file: a diagnostic with a position, no crash; control bytes escaped in the output.
setup: printf '\x00\x01\x1b[31m- rule: \xff\xfe\n\t- x: [' > bin.yaml
args: check-rules @TMP@/bin.yaml
exit: 1
check: lines[0].startswith('@TMP@/bin.yaml:') and ': error: ' in lines[0] and '\x1b' not in out
