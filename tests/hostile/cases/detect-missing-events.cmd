# An events file that does not exist: one line, exit 2.
setup: printf -- '- rule: cat\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n' > r.yaml
args: --data @DATA@ detect --rules @TMP@/r.yaml --events @TMP@/nope.jsonl
exit: 2
stderr: mitre-query: @TMP@/nope.jsonl: cannot be read
