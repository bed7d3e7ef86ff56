args: --attack @ATTACK@/enterprise-attack-18.1.json --domain enterprise stats
