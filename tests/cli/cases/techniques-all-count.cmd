args: --attack @ATTACK@/enterprise-attack-18.1.json techniques --format json
check: len(j) == 216 + 475
