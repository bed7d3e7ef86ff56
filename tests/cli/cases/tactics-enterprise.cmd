args: --attack @ATTACK@/enterprise-attack-18.1.json tactics
