args: --attack @ATTACK@/enterprise-attack-18.1.json techniques --tactic TA9999
exit: 2
stderr: mitre-query: --tactic: no tactic "TA9999" (see 'mitre-query tactics')
