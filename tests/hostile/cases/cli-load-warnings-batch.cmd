# In a batch the line comes once, after every answer, not in the lines' answers.
setup: python3 @DIR@/cli_inputs.py bundle b.json Plain 2
args: --no-cache --attack @TMP@/b.json batch
stdin: show T9999\nstats\nshow T0001\n
exit: 0
stderr-first: mitre-query: nothing matches "T9999"
check: err.count('load warning') == 1 and err.splitlines()[-1] == 'mitre-query: 2 load warnings (-v shows them)'
