# One warning: singular.
setup: python3 @DIR@/cli_inputs.py bundle b.json Plain 1
args: --no-cache --attack @TMP@/b.json show T0001
exit: 0
stderr: mitre-query: 1 load warning (-v shows them)
