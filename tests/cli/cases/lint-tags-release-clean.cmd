# The same rules with the default --severity error: no error, exit 0.
args: lint-tags @DATA@/sigma/rules/linux/auditd
exit: 0
check: all(': warning: ' in l for l in lines)
