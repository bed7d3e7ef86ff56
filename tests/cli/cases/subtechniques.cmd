args: --attack @ATTACK@/enterprise-attack-18.1.json subtechniques T1562 --format csv
