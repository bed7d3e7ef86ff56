# Nothing found: exit 1 and no output in table form.
args: --attack @FIXTURES@/tiny-attack-1.0.json software T1562.001
exit: 1
check: out == '' and err == ''
