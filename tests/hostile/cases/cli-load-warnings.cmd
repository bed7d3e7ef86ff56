# Issue 8: load warnings are counted; one stderr line says so and how to see them (was: nothing without -v).
setup: python3 @DIR@/cli_inputs.py bundle b.json Plain 3
args: --no-cache --attack @TMP@/b.json stats --format csv
exit: 0
stderr: mitre-query: 3 load warnings (-v shows them)
