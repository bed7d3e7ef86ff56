# Exit 2 stays one line: no hint after the error.
setup: python3 @DIR@/cli_inputs.py bundle b.json Plain 2
args: --no-cache --attack @TMP@/b.json mitigations G0001
exit: 2
stderr: mitre-query: G0001 is a group ("Group One"), not a technique
