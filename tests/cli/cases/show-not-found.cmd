args: --attack @ATTACK@/enterprise-attack-18.1.json show T9999
exit: 1
stderr: mitre-query: nothing matches "T9999"
check: out == ''
