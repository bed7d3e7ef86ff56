# Defense Evasion without sub-techniques: 47 techniques in 18.1.
args: --attack @ATTACK@/enterprise-attack-18.1.json techniques --tactic TA0005 --no-subtechniques --format csv
