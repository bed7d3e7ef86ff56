# Sigma's newest rules use ATT&CK v19 tactics and techniques: unknown against 18.1, reported, not crashed on.
args: --attack @ATTACK@/enterprise-attack-18.1.json lint-tags --report json @DATA@/sigma/head/rules/linux/auditd/lnx_auditd_disable_aslr_protection.yml
exit: 1
check: [(d['code'], d['line'], d['column']) for d in j] == [('unknown-tactic', 21, 7), ('unknown-tactic', 22, 7), ('unknown-technique', 23, 7)]
