args: --attack @FIXTURES@/tiny-attack-1.0.json software T1562.001 --format csv
exit: 1
check: out == 'id,name,type,platforms\n'
