args: --attack @ATTACK@/enterprise-attack-18.1.json mitigations T1562.001
