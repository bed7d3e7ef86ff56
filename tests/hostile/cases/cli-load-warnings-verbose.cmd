# With -v the warnings themselves are printed, and not the hint.
setup: python3 @DIR@/cli_inputs.py bundle b.json Plain 2
args: --no-cache --attack @TMP@/b.json -v stats
exit: 0
stderr-first: mitre-query: answering from the sources (no cache written: cache disabled)
stderr-contains: mitre-query: 2 load warnings (2 unknown types,
check: '-v shows them' not in err
