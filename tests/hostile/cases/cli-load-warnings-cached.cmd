# The same line when the answer comes from the cached snapshot (the count is kept in it).
setup: python3 @DIR@/cli_inputs.py bundle b.json Plain 3
setup: @MQ@ --attack @TMP@/b.json stats
args: --attack @TMP@/b.json stats --format csv
exit: 0
stderr: mitre-query: 3 load warnings (-v shows them)
after: ls cache/mitrekg/*.sqlite
