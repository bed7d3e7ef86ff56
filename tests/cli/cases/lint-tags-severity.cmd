# Sigma's release rules have warnings only (surplus tactics): exit 0 by default, 1 with --severity warning.
args: lint-tags --severity warning --report json @DATA@/sigma/rules/linux/auditd
exit: 1
check: len(j) > 0 and {d['severity'] for d in j} == {'warning'}
