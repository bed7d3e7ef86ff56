# A rules file with an error: the first error as one line, exit 2, no event read.
setup: printf -- '- rule: bad\n  desc: d\n  condition: evt.type = open and\n  output: o\n  priority: WARNING\n' > r.yaml
args: --data @DATA@ detect --rules @TMP@/r.yaml --events -
stdin: {}\n
exit: 2
check: err.startswith('mitre-query: @TMP@/r.yaml:3:') and err.count('\n') == 1
